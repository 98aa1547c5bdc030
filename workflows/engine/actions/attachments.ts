import {
  ATTACHMENT_MIME_TYPES,
  ATTACHMENT_UPLOADS_PER_CASE_MAX,
  ATTACHMENTS_PER_CASE_MAX,
  ATTACHMENT_KINDS_BY_PROCESS,
  mayRemoveUpload,
  processOf,
  PROCESS_LABELS,
  type Role,
  isAttachmentKind,
  missingAttachmentKinds,
  attachmentHeldBy,
  ATTACHMENT_KIND_LABELS,
  type AttachmentKind,
  type Label,
} from '@df/domain';
import type { AttachmentMetadata, AttachRequest, DetachRequest } from '@df/contracts';
import type { CaseCore } from '../core';
import type { StepMeta } from '../step-meta';
import { refuseField, reject } from '../rejection';

/**
 * Attachments (issue 15 item 3): the API stored the file and verified its checksum; these actions bring its
 * metadata into the case (attachment.added / attachment.removed) so a step that requires a kind of document
 * (behaviour.requiresAttachments) can refuse to complete without it. The bytes never enter the workflow.
 */

const SHA256_RE = /^[0-9a-f]{64}$/;

/**
 * A request field that names a file (a 容缺 document's fileRef, the trip report's reportRef) names a live attachment
 * of the case by its id, else 422 at the field, rule known-attachment (trial: a path was accepted as the file). The
 * Update validator's (and a signal's, patched) only: what was recorded before the rule replays as it was applied.
 */
export function refuseUnknownAttachment(core: CaseCore, field: string, ref: unknown): void {
  if (ref === undefined || (typeof ref === 'string' && core.attachments.has(ref))) return;
  refuseField(
    field,
    'known-attachment',
    `本案没有编号为“${String(ref)}”的附件：请先上传该文件，再填写其附件编号`,
    `names no attachment of this case (“${String(ref)}”): upload the file first, then name its attachment id`,
  );
}

/**
 * A file a step takes as a new document (a 容缺 document's fileRef, the trip report's reportRef) was added to the case
 * after the document came to be needed, `since` (the event sequence when intake recorded it missing, or when the step
 * opened), else 422 at the field, rule `new-file`, naming the file's id (third trial: the invitation letter on record
 * before intake supplied the document the FAO had just found missing; the office named it missing because what it
 * had did not serve). `since` undefined (recorded by no sequence): no refusal. The Update validator's only.
 */
export function refuseStaleFile(core: CaseCore, field: string, ref: string, since: number | undefined, what: Label): void {
  // When the file, or the same content as another file (its SHA-256), first came to the case: the old bytes uploaded
  // again are the old document (forty-seventh trial).
  const content = core.attachments.get(ref)?.sha256;
  const first = content !== undefined ? core.contentSeqs.get(content) : undefined;
  const own = core.attachmentSeqs.get(ref);
  const added = own === undefined ? undefined : first === undefined ? own : Math.min(own, first);
  if (since === undefined || added === undefined || added > since) return;
  // Named as the organizer knows it: its file name (the id beside it), not the id alone (fresh tester).
  const name = core.attachments.get(ref)?.fileName;
  const file = name ? `“${name}”（${ref}）` : ref;
  refuseField(
    field,
    'new-file',
    `附件${file}在${what.zh}之前已在本案中，不能作为新交的材料：请上传新文件`,
    `attachment ${name ? `“${name}” (${ref})` : ref} was on the case before ${what.en}, so it is not the document now due: upload it as a new file`,
  );
}

/** `validating`: the Update validator's checks too (the per-case limits: ATTACHMENTS_PER_CASE_MAX, ATTACHMENT_UPLOADS_PER_CASE_MAX). */
export function checkAttach(core: CaseCore, r: AttachRequest, validating = false): void {
  const a = r.attachment;
  if (!a || typeof a !== 'object') return refuseField('attachment', 'required', '缺少附件信息', 'is required');
  if (typeof a.id !== 'string' || !a.id) refuseField('attachment.id', 'required', '附件编号不能为空', 'is required');
  if (!isAttachmentKind(a.kind)) refuseField('attachment.kind', 'enum', `附件类别无效：${String(a.kind)}`, `is unknown: ${String(a.kind)}`);
  if (!(ATTACHMENT_MIME_TYPES as readonly string[]).includes(a.mimeType))
    refuseField('attachment.mimeType', 'enum', `附件文件类型不被接受：${String(a.mimeType)}`, `is not accepted: ${String(a.mimeType)}`);
  if (!Number.isInteger(a.size) || a.size <= 0)
    refuseField('attachment.size', 'positive-integer', '附件大小须为正整数（字节）', 'must be a positive integer (bytes)');
  if (typeof a.sha256 !== 'string' || !SHA256_RE.test(a.sha256))
    refuseField('attachment.sha256', 'format', '附件校验值须为64位小写十六进制', 'must be 64 lower-case hex digits');
  if (typeof a.fileName !== 'string' || !a.fileName) refuseField('attachment.fileName', 'required', '附件文件名不能为空', 'is required');
  if (typeof a.storageKey !== 'string' || !a.storageKey)
    refuseField('attachment.storageKey', 'required', '附件存储位置不能为空', 'is required');
  if (core.attachments.has(a.id)) reject('ACTION_NOT_ALLOWED', `附件 ${a.id} 已存在`, `Attachment ${a.id} exists`);
  // A kind the case's process takes no document of (a card application's invitation letter) was offered by the web
  // alone; a client of its own stored it (trial 64's Left). The Update validator's only: an upload recorded before the
  // rule replays as it was applied.
  if (validating) refuseKindOfOtherProcess(core, a.kind);
  // The Update validator's only: an upload recorded before the limits replays as it was applied.
  if (validating && core.attachments.size >= ATTACHMENTS_PER_CASE_MAX)
    reject(
      'ACTION_NOT_ALLOWED',
      `本案已有 ${ATTACHMENTS_PER_CASE_MAX} 个附件，已达上限：请先删除不需要的附件`,
      `The case has ${ATTACHMENTS_PER_CASE_MAX} attachments, the most it holds: remove those no longer needed first`,
    );
  if (validating && core.attachmentUploads >= ATTACHMENT_UPLOADS_PER_CASE_MAX)
    reject(
      'ACTION_NOT_ALLOWED',
      `本案已上传附件 ${ATTACHMENT_UPLOADS_PER_CASE_MAX} 次，已达上限：请联系外办`,
      `The case has had ${ATTACHMENT_UPLOADS_PER_CASE_MAX} uploads, the most it takes: contact the FAO`,
    );
  if (a.stepKey !== null) {
    // A field of the request, not its path: 422 at the field (trial: the upload's stepKey was named path.stepKey, 404).
    const withdrawn = typeof a.stepKey === 'string' && !core.metas.has(a.stepKey) ? core.withdrawnReason(a.stepKey) : undefined;
    if (withdrawn)
      refuseField(
        'attachment.stepKey',
        'live-step',
        `步骤 ${a.stepKey} 已撤销：${withdrawn.zh}`,
        `step ${a.stepKey} was withdrawn: ${withdrawn.en}`,
      );
    if (typeof a.stepKey !== 'string' || !core.metas.has(a.stepKey))
      refuseField('attachment.stepKey', 'known-step', `本案没有步骤 ${String(a.stepKey)}`, `this case has no step ${String(a.stepKey)}`);
  }
  // The bytes of a document a change made stale, uploaded again (to its step, or for the case), are the stale document
  // and would not count (documentsServe): refused at the file, as a 容缺 supply's old file is (trial 50: 201, and the
  // step still missed the document), when every step that would take the file holds its content stale. The Update
  // validator's only: an upload recorded before the rule replays as it was applied.
  const stale = validating ? staleFor(core, a) : undefined;
  if (stale) {
    const kind = ATTACHMENT_KIND_LABELS[a.kind];
    refuseField(
      'attachment.file',
      'new-file',
      `此文件与本案在步骤 ${stale} 的材料因变更失效之前已有的文件内容相同（SHA-256），不是新的${kind.zh}：请上传新文件`,
      `has the same content (SHA-256) as a file on the case before a change made step ${stale}'s documents stale: it is not the new ${kind.en.toLowerCase()}; upload the new document`,
    );
  }
  if (validating) refuseSameContent(core, a);
}

/** 422 at attachment.kind, rule `process-kind`, naming the kinds the case's process takes (ATTACHMENT_KINDS_BY_PROCESS). */
function refuseKindOfOtherProcess(core: CaseCore, kind: AttachmentKind): void {
  const process = processOf(core.definition);
  const kinds = ATTACHMENT_KINDS_BY_PROCESS[process];
  if (kinds.includes(kind)) return;
  const said = PROCESS_LABELS[process];
  refuseField(
    'attachment.kind',
    'process-kind',
    `本案（${said.zh}）不收${ATTACHMENT_KIND_LABELS[kind].zh}：可上传${kinds.map((k) => `${ATTACHMENT_KIND_LABELS[k].zh}（${k}）`).join('、')}`,
    `This case (${said.en}) takes no ${ATTACHMENT_KIND_LABELS[kind].en.toLowerCase()}: upload ${kinds.map((k) => `${ATTACHMENT_KIND_LABELS[k].en.toLowerCase()} (${k})`).join(', ')}`,
  );
}

/**
 * An upload whose bytes a live file of the same target (the same step, or both for the whole case) already holds would
 * not count (trial 53: the letter's bytes uploaded again as its translation were 201 and A03 still missed the
 * translation; the same file 59 times, 59 × 201): the same kind is rule `duplicate-file`, another kind both required
 * by a step the file would serve rule `one-content` (missingAttachmentKinds' `distinct`), 422 at the file, naming the
 * file on the case. Another kind no step asks for both of (an `other` copy) is taken. Nor is one document another
 * target's (trial 76: one PDF was France's invitation letter, Germany's and the itinerary): bytes a live file of another
 * step or of the whole case holds are refused as a document of its kind (`duplicate-file`) or of another
 * (`one-content`), but for `other` copies. The Update validator's only.
 */
function refuseSameContent(core: CaseCore, a: AttachmentMetadata): void {
  for (const held of core.attachments.values()) {
    if (held.sha256 !== a.sha256) continue;
    const name = `“${held.fileName}”（${held.id}）`;
    const heldKind = ATTACHMENT_KIND_LABELS[held.kind];
    if (held.stepKey !== a.stepKey) {
      if (held.kind === 'other' || a.kind === 'other') continue;
      const where = held.stepKey ? { zh: `步骤 ${held.stepKey} 的`, en: `step ${held.stepKey}'s ` } : { zh: '全案的', en: "the case's " };
      const kind = ATTACHMENT_KIND_LABELS[a.kind];
      refuseField(
        'attachment.file',
        held.kind === a.kind ? 'duplicate-file' : 'one-content',
        `此文件已作为${where.zh}${heldKind.zh}上传：${name}，一份文件只作一份材料，不能再作${a.stepKey ? `步骤 ${a.stepKey} 的` : '全案的'}${kind.zh}`,
        `is on the case already as ${where.en}${heldKind.en.toLowerCase()} “${held.fileName}” (${held.id}): one file is one document, not also ${a.stepKey ? `step ${a.stepKey}'s` : "the case's"} ${kind.en.toLowerCase()}`,
      );
    }
    if (held.kind === a.kind)
      refuseField(
        'attachment.file',
        'duplicate-file',
        `此文件已作为${heldKind.zh}上传：${name}，无须重复上传`,
        `is on the case already as the ${heldKind.en.toLowerCase()} “${held.fileName}” (${held.id}): no need to upload it again`,
      );
    const both = stepsTaking(core, a, [a.kind, held.kind])[0];
    if (both) {
      const kind = ATTACHMENT_KIND_LABELS[a.kind];
      refuseField(
        'attachment.file',
        'one-content',
        `此文件与已上传的${heldKind.zh}${name}内容相同：步骤 ${both.key} 须两份不同的材料，同一文件不能再作${kind.zh}`,
        `has the same content as the ${heldKind.en.toLowerCase()} “${held.fileName}” (${held.id}): step ${both.key} needs two documents, one file cannot also be the ${kind.en.toLowerCase()}`,
      );
    }
  }
}

/**
 * The step whose documents went stale after this content first came to the case, when every step that would take the
 * upload as a document of its kind (its own step; for a case-wide file, each step with one instance requiring the
 * kind) holds it so; undefined when one would take it, or none requires the kind.
 */
function staleFor(core: CaseCore, a: AttachmentMetadata): string | undefined {
  const first = core.contentSeqs.get(a.sha256);
  if (first === undefined) return undefined;
  const takers = stepsTaking(core, a, [a.kind]);
  const staleSince = (key: string) => {
    const since = core.states.get(key)?.documentsSince;
    return since !== undefined && first <= since;
  };
  return takers.length > 0 && takers.every((m) => staleSince(m.key)) ? takers[0]!.key : undefined;
}

/**
 * The steps an upload would serve as a document requiring each of `kinds`: its own step, or for a file for the whole
 * case each live step the case has one instance of (CaseCore.takesCaseFiles, as documentsServe takes such a file).
 * The kinds are asked first: only the few steps requiring them count their instances.
 */
function stepsTaking(core: CaseCore, a: AttachmentMetadata, kinds: readonly AttachmentKind[]): StepMeta[] {
  return [...core.metas.values()].filter((m) => {
    const required = m.behaviour.requiresAttachments ?? [];
    if (!kinds.every((k) => required.includes(k))) return false;
    return a.stepKey !== null ? m.key === a.stepKey : core.states.get(m.key)?.status !== 'withdrawn' && core.takesCaseFiles(m.key);
  });
}

export function applyAttach(core: CaseCore, r: AttachRequest): void {
  const a = r.attachment;
  core.attachments.set(a.id, { ...a });
  core.attachmentUploads++;
  core.attachmentUploaders.set(a.id, r.actor.role);
  const added = core.emit('attachment.added', r, {
    id: a.id,
    kind: a.kind,
    stepKey: a.stepKey,
    fileName: a.fileName,
    mimeType: a.mimeType,
    size: a.size,
    sha256: a.sha256,
    storageKey: a.storageKey,
  });
  core.attachmentSeqs.set(a.id, added.seq);
  if (!core.contentSeqs.has(a.sha256)) core.contentSeqs.set(a.sha256, added.seq);
}

/** `validating`: the Update validator's checks too (a file a supplied 容缺 document rests on stays). */
export function checkDetach(core: CaseCore, r: DetachRequest, validating = false): void {
  const a = core.attachments.get(r.attachmentId);
  if (!a)
    return refuseField(
      'attachmentId',
      'known-attachment',
      `本案没有附件 ${String(r.attachmentId)}`,
      `this case has no attachment ${String(r.attachmentId)}`,
    );
  // A document a finished step required stays (the step was completed on its strength), and so does a file a supplied
  // 容缺 document rests on (second trial: the file was removed and the document stayed supplied, resting on nothing):
  // attachmentHeldBy, which the case page asks too. The supplied document is the Update validator's only: a removal
  // recorded before that rule replays as it was applied.
  const meta = a.stepKey !== null ? core.metas.get(a.stepKey) : undefined;
  const state = a.stepKey !== null ? core.states.get(a.stepKey) : undefined;
  const supplied = validating ? core.deficiencies.find((d) => d.status === 'supplied' && d.fileRef === a.id) : undefined;
  const stepView = meta && state ? { status: state.status, requiresAttachments: meta.behaviour.requiresAttachments } : undefined;
  const held = attachmentHeldBy(a, stepView, undefined);
  if (held) reject('ACTION_NOT_ALLOWED', held.message.zh, held.message.en, a.stepKey ?? undefined);
  // What the FAO put on the case (its notes, its copies) is the FAO's to remove, not the unit's (thirteenth trial: the
  // organizer deleted the FAO clerk's note). The Update validator's only, as the rule below.
  const uploader = core.attachmentUploaders.get(a.id);
  if (validating && !mayRemoveUpload(r.actor.role as Role, uploader as Role | undefined))
    reject(
      'ACTION_NOT_ALLOWED',
      `附件 ${a.fileName} 由外办上传，只能由外办删除`,
      `${a.fileName} was uploaded by the FAO: only the FAO removes it`,
    );
  const heldBySupply = attachmentHeldBy({ ...a, stepKey: null }, undefined, supplied?.name);
  if (heldBySupply) reject('ACTION_NOT_ALLOWED', heldBySupply.message.zh, heldBySupply.message.en);
}

export function applyDetach(core: CaseCore, r: DetachRequest): void {
  const a = core.attachments.get(r.attachmentId)!;
  core.attachments.delete(a.id);
  core.attachmentSeqs.delete(a.id);
  core.attachmentUploaders.delete(a.id);
  core.emit('attachment.removed', r, { id: a.id, kind: a.kind, stepKey: a.stepKey, fileName: a.fileName, storageKey: a.storageKey });
}

/**
 * Refuses completing or approving a step while a kind it requires is missing (MISSING_ATTACHMENTS, 409),
 * naming each missing kind in both languages. Only for cases started with the attachments patch. `validating`: the
 * Update validator's, where a document an amendment made stale (another inviter for the step's country), or a file
 * for the whole case where the step has an instance per country or member, does not count (CaseCore.documentsServe);
 * the handler counts every live one, so what was recorded before these rules replays.
 */
export function checkRequiredAttachments(core: CaseCore, stepKey: string, validating = false): void {
  if (core.deps.attachments === false) return;
  const meta = core.metas.get(stepKey);
  const missing = missingAttachmentKinds(
    meta?.behaviour.requiresAttachments,
    stepKey,
    core.attachments.values(),
    validating ? core.documentsServe(stepKey) : undefined,
    validating, // one content, one document: the validator's only (recorded completions replay as they ran)
  );
  if (missing.length === 0) return;
  const names = (lang: 'zh' | 'en') => missing.map((k: AttachmentKind) => `${ATTACHMENT_KIND_LABELS[k][lang]} (${k})`);
  reject(
    'MISSING_ATTACHMENTS',
    `步骤 ${stepKey} 缺少附件：${names('zh').join('、')}，请先上传`,
    `Step ${stepKey} needs these attachments first: ${names('en').join(', ')}`,
    stepKey,
  );
}
