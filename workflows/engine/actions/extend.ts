import { toIso } from '@df/domain';
import type { ExtendDeficiencyRequest } from '@df/contracts';
import type { CaseCore } from '../core';
import { documentLabel, refreshDeficiencyBlocks } from '../deficiencies';
import { refuseField, reject } from '../rejection';

/**
 * extendDeficiency (容缺): the FAO clerk gives a missing document more time, at most
 * `deficiencyRule.extensions` times (default once); the new deadline is `deadlineWd` working days after the
 * later of now and the old deadline. A step held by the document unblocks. Past that, the document is
 * supplied or the case is ended (cancel, with the reason on record).
 */
export function checkExtend(core: CaseCore, r: ExtendDeficiencyRequest): void {
  if (typeof r.reason !== 'string' || !r.reason.trim()) refuseField('reason', 'required', '须说明延期理由', 'is required');
  const doc = core.deficiencies.find((d) => d.id === r.documentId);
  if (!doc)
    return refuseField(
      'documentId',
      'known-document',
      `没有待补缺件 ${String(r.documentId)}`,
      `no missing document ${String(r.documentId)}`,
    );
  if (doc.status === 'supplied')
    reject(
      'ACTION_NOT_ALLOWED',
      `缺件${documentLabel(doc).zh}已补交`,
      `The missing document ${documentLabel(doc).en} was already supplied`,
    );
  const allowed = core.deficiencyRule.extensions;
  if (doc.extensions >= allowed)
    reject(
      'ACTION_NOT_ALLOWED',
      `缺件${documentLabel(doc).zh}已延期 ${doc.extensions} 次（上限 ${allowed} 次）：请补交，或撤销案件`,
      `The missing document ${documentLabel(doc).en} was extended ${doc.extensions} time(s) (limit ${allowed}): supply it or cancel the case`,
    );
}

export function applyExtend(core: CaseCore, r: ExtendDeficiencyRequest): void {
  const doc = core.deficiencies.find((d) => d.id === r.documentId)!;
  const wasOverdue = doc.status === 'overdue';
  doc.extensions++;
  doc.dueAt = core.calendar.addWorkingDays(Math.max(core.now, doc.dueAt), core.deficiencyRule.deadlineWd, 'end');
  doc.status = 'missing';
  core.emit('deficiency.extended', r, {
    id: doc.id,
    name: doc.name,
    dueAt: toIso(doc.dueAt),
    extensions: doc.extensions,
    reason: r.reason,
  });
  if (wasOverdue) refreshDeficiencyBlocks(core, r);
}
