import type { SupplyDocumentRequest } from '@df/contracts';
import type { CaseCore } from '../core';
import { refreshDeficiencyBlocks } from '../deficiencies';
import { refuseField, reject } from '../rejection';
import { refuseUnknownAttachment } from './attachments';

/** supplyDocument: a document missing at intake (容缺) arrives; the step declaring collectsDeficiencies completes when all are in. */

/**
 * `validating`: the Update validator's checks too: `fileRef` is given (a document marked supplied rests on the file the
 * office opens: 422 `required`) and names a live attachment of the case (refuseUnknownAttachment). The handler alone
 * applies what a history recorded before these rules holds, with or without a file.
 */
export function checkSupply(core: CaseCore, r: SupplyDocumentRequest, validating = false): void {
  const doc = core.deficiencies.find((d) => d.id === r.documentId);
  if (!doc)
    refuseField('documentId', 'known-document', `没有待补缺件 ${String(r.documentId)}`, `no missing document ${String(r.documentId)}`);
  if (validating && r.fileRef === undefined)
    refuseField(
      'fileRef',
      'required',
      '请先上传补交的材料，再填写其附件编号',
      'is required: upload the supplied document as an attachment of the case first, then name its id',
    );
  if (validating) refuseUnknownAttachment(core, 'fileRef', r.fileRef);
  if (doc!.status === 'supplied') reject('ACTION_NOT_ALLOWED', `缺件 ${doc!.id} 已补交`, `Document ${doc!.id} was already supplied`);
}

export function applySupply(core: CaseCore, r: SupplyDocumentRequest): void {
  const doc = core.deficiencies.find((d) => d.id === r.documentId)!;
  const wasOverdue = doc.status === 'overdue';
  doc.status = 'supplied';
  doc.suppliedAt = core.now;
  if (typeof r.fileRef === 'string') doc.fileRef = r.fileRef;
  core.emit('deficiency.supplied', r, { id: doc.id, name: doc.name, fileRef: r.fileRef ?? null });
  if (wasOverdue) refreshDeficiencyBlocks(core, r);
  if (!core.deficiencies.every((d) => d.status === 'supplied')) return;
  for (const key of core.keysWhere((b) => !!b.collectsDeficiencies)) {
    const state = core.states.get(key)!;
    if (state.status !== 'awaiting' && state.status !== 'overdue') continue;
    core.finish(key, r);
    core.emit('step.completed', r, {
      key,
      code: core.metas.get(key)!.code,
      data: { documents: core.deficiencies.map((d) => d.id) },
      comment: null,
    });
  }
}
