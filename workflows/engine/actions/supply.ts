import type { SupplyDocumentRequest } from '@df/contracts';
import type { CaseCore } from '../core';
import { ATTACHMENT_KIND_LABELS, documentAttachmentKind } from '@df/domain';
import { documentLabel, refreshDeficiencyBlocks } from '../deficiencies';
import { refuseField, reject } from '../rejection';
import { refuseStaleFile, refuseUnknownAttachment } from './attachments';

/** supplyDocument: a document missing at intake (容缺) arrives; the step declaring collectsDeficiencies completes when all are in. */

/**
 * `validating`: the Update validator's checks too: `fileRef` is given (a document marked supplied rests on the file the
 * office opens: 422 `required`) and names a live attachment of the case (refuseUnknownAttachment) that is that document:
 * of the document's kind when its id is an attachment kind (422 `attachment-kind`: a passport copy does not supply the
 * invitation letter), added after intake recorded it missing (422 `new-file`, refuseStaleFile: third trial, a file on
 * record before intake supplied it), and not already the file another document was supplied as (422 `unique`: one
 * file, one document, third trial). The handler alone applies what a history recorded before these rules holds, with or without
 * a file.
 */
export function checkSupply(core: CaseCore, r: SupplyDocumentRequest, validating = false): void {
  const doc = core.deficiencies.find((d) => d.id === r.documentId);
  if (!doc)
    return refuseField(
      'documentId',
      'known-document',
      `没有待补缺件 ${String(r.documentId)}`,
      `no missing document ${String(r.documentId)}`,
    );
  if (validating) checkSuppliedFile(core, doc, r.fileRef);
  if (doc.status === 'supplied')
    reject(
      'ACTION_NOT_ALLOWED',
      `缺件${documentLabel(doc).zh}已补交`,
      `The missing document ${documentLabel(doc).en} was already supplied`,
    );
}

function checkSuppliedFile(core: CaseCore, doc: CaseCore['deficiencies'][number], fileRef: unknown): void {
  if (fileRef === undefined)
    refuseField(
      'fileRef',
      'required',
      '请先上传补交的材料，再填写其附件编号',
      'is required: upload the supplied document as an attachment of the case first, then name its id',
    );
  refuseUnknownAttachment(core, 'fileRef', fileRef);
  const file = core.attachments.get(fileRef as string)!;
  const kind = documentAttachmentKind(doc.id);
  if (kind !== undefined && file.kind !== kind) {
    const want = ATTACHMENT_KIND_LABELS[kind];
    const got = ATTACHMENT_KIND_LABELS[file.kind];
    refuseField(
      'fileRef',
      'attachment-kind',
      `缺件${documentLabel(doc).zh}须以“${want.zh}”类附件补交，附件 ${file.id} 是“${got.zh}”`,
      `must be an attachment of kind ${want.en.toLowerCase()} (${kind}) to supply ${documentLabel(doc).en}; attachment ${file.id} is a ${got.en.toLowerCase()}`,
    );
  }
  // A file on the case before intake named the document missing is not its supply (refuseStaleFile).
  refuseStaleFile(core, 'fileRef', file.id, doc.recordedSeq, {
    zh: `外办受理时登记缺件${documentLabel(doc).zh}`,
    en: `the FAO's intake recorded ${documentLabel(doc).en} missing`,
  });
  const other = core.deficiencies.find((d) => d !== doc && d.status === 'supplied' && d.fileRef === file.id);
  if (other)
    refuseField(
      'fileRef',
      'unique',
      `附件 ${file.id} 已用于补交缺件${documentLabel(other).zh}：每份缺件须单独上传其材料`,
      `attachment ${file.id} already supplies ${documentLabel(other).en}: upload each missing document as its own file`,
    );
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
