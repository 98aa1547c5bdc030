import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ActionResult, AttachmentMetadata } from '@df/contracts';
import {
  attachmentHeldOnCase,
  mayRemoveUpload,
  type Role,
  ATTACHMENT_NAME_MAX,
  isPortableFileName,
  ATTACHMENT_EXTENSIONS,
  fileNameFitsType,
  textError,
  textRuleBroken,
  type AttachmentKind,
  type CaseAction,
} from '@df/domain';
import { AttachmentEntity, AttachmentsRepository } from '@df/persistence';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import type { AuthUser } from '../auth/access';
import { UsersService } from '../auth/users.service';
import { withActorNames } from '../common/actor-names';
import { echo } from '../common/echo';
import { DomainError, domainError, fieldRefusal, type FieldError } from '../common/errors';
import { JsonLogger } from '../common/json-logger';
import { parseOrThrow, parsePathParam } from '../common/validation';
import { DelegationsService, lookupAccessRefusal, type CaseLookup } from '../delegations/delegations.service';
import { scopedKey, uuidFrom } from '../delegations/idempotency.service';
import { AttachmentIdSchema, UploadFieldsSchema } from './schemas';
import { sniffMimeType } from './sniff';
import { ATTACHMENT_STORE, type AttachmentStore } from './storage';

/** The upload's file name as errors name it (the multipart part's filename parameter). */
export const FILE_NAME_FIELD = 'file.name';

/** The file multer parsed (memory storage). */
export interface UploadedFile {
  originalname: string;
  size: number;
  buffer: Buffer;
}

/** What keeps a file on the case (attachmentHeldOnCase): its rule and the sentence the case page shows. */
type AttachmentHold = NonNullable<ReturnType<typeof attachmentHeldOnCase>>;

export type AttachmentView = Omit<AttachmentEntity, 'uploadedAt' | 'removedAt' | 'storageKey' | 'uploadedByRole'> & {
  uploadedAt: string;
  removedAt: string | null;
};

/** The one answer for an attachment the case does not hold (never, or no more): 404 at path.attachmentId, reading or removing. */
const noAttachment = (id: string) =>
  domainError('NOT_FOUND', `本案没有附件 ${echo(id)}`, `This case has no attachment ${echo(id)}`, {
    errors: [
      {
        field: 'path.attachmentId',
        rule: 'known',
        message: { zh: '本案没有此附件（或已删除）', en: 'This case holds no such attachment (or it was removed)' },
      },
    ],
  });
const invalid = (status: 'VALIDATION_FAILED' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE', e: FieldError): DomainError =>
  fieldRefusal(status, [e]);
const storageUnavailable = () =>
  domainError('STORAGE_UNAVAILABLE', '附件存储暂不可用，请稍后重试', 'The attachment store is unavailable: try again later');

export const viewOf = (r: AttachmentEntity): AttachmentView => ({
  id: r.id,
  caseId: r.caseId,
  kind: r.kind,
  stepKey: r.stepKey,
  fileName: r.fileName,
  mimeType: r.mimeType,
  size: r.size,
  sha256: r.sha256,
  uploadedBy: r.uploadedBy,
  uploadedAt: r.uploadedAt.toISOString(),
  removedBy: r.removedBy,
  removedAt: r.removedAt ? r.removedAt.toISOString() : null,
});

const sha256Of = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/**
 * Case attachments (issue 15 item 3, docs/attachments.md). An upload is checked (fields, size, sniffed type,
 * file name), stored (disk or S3) under a key of its own, then sent to the case's workflow as the `attach`
 * Update: the workflow records `attachment.added`, whose projection writes the metadata row in the append
 * transaction. A refused Update deletes the stored file, so a file never stays without its row; an unknown
 * outcome keeps it for the retry with the same Idempotency-Key. Who may do what is the access table's.
 */
@Injectable()
export class AttachmentsService {
  constructor(
    @Inject(API_CONFIG) private readonly config: ServiceConfig,
    @Inject(ATTACHMENT_STORE) private readonly store: AttachmentStore,
    private readonly delegations: DelegationsService,
    private readonly attachments: AttachmentsRepository,
    private readonly logger: JsonLogger,
    private readonly users: UsersService,
  ) {}

  /**
   * @returns the stored attachment (201) and the workflow's ActionResult.
   * @throws VALIDATION_FAILED 400 (file missing or empty, kind, stepKey, file name: NUL/control characters or too long),
   *   PAYLOAD_TOO_LARGE 413 (multer's limit), UNSUPPORTED_MEDIA_TYPE 415 (sniffed type not accepted), CASE_NOT_FOUND 404,
   *   WRONG_ROLE 403 / CASE_CLOSED 409 (access table), UNKNOWN_STEP 404 (workflow), STORAGE_UNAVAILABLE or OUTCOME_UNKNOWN 503.
   */
  async upload(
    user: AuthUser,
    caseId: string,
    file: UploadedFile | undefined,
    fields: unknown,
    clientKey: string | undefined,
    request?: object,
  ): Promise<{ attachment: AttachmentView; result: ActionResult; replayed: boolean }> {
    const c = await this.caseFor(user, caseId, 'uploadAttachment', request);
    const { kind, stepKey } = parseOrThrow(UploadFieldsSchema, fields ?? {});
    const { fileName, mimeType } = this.checkFile(file);
    const body = file!.buffer;
    const sha256 = sha256Of(body);
    // With a key the attachment id is derived from it: a retry finds the same row, and the same storage key.
    const id = clientKey ? uuidFrom(`attachment:${scopedKey(user, clientKey)}`) : randomUUID();
    const storageKey = `cases/${c.caseId}/${id}-${sha256.slice(0, 16)}`;
    const attachment: AttachmentMetadata = {
      id,
      kind: kind as AttachmentKind,
      stepKey: stepKey ?? null,
      fileName,
      mimeType,
      size: body.length,
      sha256,
      storageKey,
    };
    try {
      await this.store.put(storageKey, body, mimeType, sha256);
    } catch (err) {
      this.logger.event('error', 'attachment store refused a file', { caseId, storageKey, error: String(err) });
      throw storageUnavailable();
    }
    let acted: Awaited<ReturnType<DelegationsService['act']>>;
    try {
      acted = await this.delegations.act(user, 'attach', caseId, undefined, { attachment }, clientKey, request);
    } catch (err) {
      // A definite refusal (4xx): no event, so no row; the file goes too. Unknown (503): the retry needs it.
      if (err instanceof DomainError && err.status < 500) await this.discard(storageKey, caseId);
      throw asUploadFields(err);
    }
    const row = await this.attachments.get(c.caseId, id);
    if (!row)
      throw domainError(
        'OUTCOME_UNKNOWN',
        '操作结果未知：请使用同一 Idempotency-Key 重试',
        'The outcome is unknown: retry with the same Idempotency-Key',
      );
    return { attachment: viewOf(row), result: acted.body, replayed: acted.replayed };
  }

  /** The case's attachments (removed ones with ?includeRemoved). @throws CASE_NOT_FOUND 404, WRONG_ROLE 403. */
  async list(
    user: AuthUser,
    caseId: string,
    includeRemoved = false,
    request?: object,
  ): Promise<{
    items: Array<AttachmentView & { mayRemove: boolean; heldBy: AttachmentHold | null }>;
    mayUpload: boolean;
    mayRemove: boolean;
    actorNames: Record<string, string>;
  }> {
    const c = await this.caseFor(user, caseId, 'readAttachments', request);
    // What the web app shows comes from the access table, asked here for this user and case; each file's own
    // `mayRemove` adds who uploaded it (mayRemoveUpload: the FAO's files are the FAO's to remove) and what keeps it on
    // the case as its last published answer shows it (attachmentHeldOnCase, the engine's rule: trial 50, a file its
    // finished step required was listed as removable and its removal refused).
    const mayRemove = !lookupAccessRefusal(user, c, 'removeAttachment');
    const [rows, answer] = await Promise.all([
      this.attachments.list(c.caseId, { includeRemoved }),
      this.delegations.lastPublished(c.caseId),
    ]);
    // Who uploaded and removed each file by display name (trial 84: 上传人 read the account).
    return withActorNames(
      {
        items: rows.map((row) => {
          const view = viewOf(row);
          const heldBy = (!row.removedAt && answer && attachmentHeldOnCase({ ...view, kind: view.kind as AttachmentKind }, answer)) || null;
          return {
            ...view,
            mayRemove: mayRemove && !row.removedAt && !heldBy && mayRemoveUpload(user.role, row.uploadedByRole as Role | null),
            heldBy,
          };
        }),
        mayUpload: !lookupAccessRefusal(user, c, 'uploadAttachment'),
        mayRemove,
      },
      (usernames) => this.users.displayNames(usernames),
    );
  }

  /**
   * The bytes of a live attachment, verified against the stored size and SHA-256 before anything is sent.
   * @throws VALIDATION_FAILED 400 (`attachmentId` not a UUID), NOT_FOUND 404 (no such or removed), ATTACHMENT_CORRUPTED 500 (the store's bytes differ), STORAGE_UNAVAILABLE 503.
   */
  async download(
    user: AuthUser,
    caseId: string,
    attachmentId: string,
    request?: object,
  ): Promise<{ row: AttachmentEntity; bytes: Buffer }> {
    const id = parsePathParam(AttachmentIdSchema, attachmentId, 'attachmentId');
    const c = await this.caseFor(user, caseId, 'readAttachments', request);
    const row = await this.attachments.get(c.caseId, id);
    if (!row || row.removedAt) throw noAttachment(id);
    let bytes: Buffer;
    try {
      bytes = await this.store.get(row.storageKey);
    } catch (err) {
      this.logger.event('error', 'attachment store could not read a file', { caseId, storageKey: row.storageKey, error: String(err) });
      throw storageUnavailable();
    }
    if (bytes.length !== row.size || sha256Of(bytes) !== row.sha256) {
      this.logger.event('error', 'attachment checksum mismatch', { caseId, attachmentId: id, storageKey: row.storageKey });
      throw domainError(
        'ATTACHMENT_CORRUPTED',
        '附件内容与校验值不符，已拒绝下载，请联系运维人员',
        'The stored file does not match its SHA-256: not served; tell the operators',
      );
    }
    return { row, bytes };
  }

  /**
   * Removes an attachment: the workflow records attachment.removed (the row keeps removed_at/by), then the file
   * is deleted. @throws VALIDATION_FAILED 400 (`attachmentId` not a UUID), NOT_FOUND 404, ACTION_NOT_ALLOWED 409 (a finished step was completed on it), as upload.
   */
  async remove(user: AuthUser, caseId: string, attachmentId: string, clientKey: string | undefined, request?: object) {
    const id = parsePathParam(AttachmentIdSchema, attachmentId, 'attachmentId');
    const c = await this.caseFor(user, caseId, 'removeAttachment', request);
    const row = await this.attachments.get(c.caseId, id);
    if (!row) throw noAttachment(id);
    // One already removed: the workflow refuses it (known-attachment), answered as one never there (new-user trial: 422
    // here, 404 on GET). A retry with the first removal's key is the workflow's replay, so it is asked first.
    const acted = await this.delegations
      .act(user, 'detach', caseId, undefined, { attachmentId: id }, clientKey, request)
      .catch((err: unknown) => {
        const gone =
          err instanceof DomainError && (err.extras.errors as FieldError[] | undefined)?.some((e) => e.rule === 'known-attachment');
        throw gone ? noAttachment(id) : err;
      });
    await this.discard(row.storageKey, caseId);
    return { attachmentId: id, result: acted.body, replayed: acted.replayed };
  }

  /**
   * The case as every per-case route looks it up (DelegationsService.lookupCase: the read model's row, or the
   * workflow's answer for a case not projected yet, so a case just submitted is never 404 here), after the access
   * table let this user do `action` on it. `request`: the HTTP request, whose reads of the case are reused.
   */
  private async caseFor(user: AuthUser, caseId: string, action: CaseAction, request?: object): Promise<CaseLookup> {
    const c = await this.delegations.lookupCase(user, caseId, request);
    const refusal = lookupAccessRefusal(user, c, action);
    if (refusal) throw new DomainError(refusal.code === 'INVALID_ON_BEHALF' ? 'WRONG_ROLE' : refusal.code, refusal.message);
    return c;
  }

  /** The file's checks after multer: present, not empty, an accepted type by its bytes, a name that can be stored. */
  private checkFile(file: UploadedFile | undefined): { fileName: string; mimeType: AttachmentView['mimeType'] & string } {
    if (!file)
      throw invalid('VALIDATION_FAILED', { field: 'file', rule: 'required', message: { zh: '必须上传文件', en: 'A file is required' } });
    if (file.size === 0 || file.buffer.length === 0)
      throw invalid('VALIDATION_FAILED', { field: 'file', rule: 'non-empty', message: { zh: '文件不能为空', en: 'The file is empty' } });
    if (file.buffer.length > this.config.attachments.maxBytes) throw tooLarge(this.config.attachments.maxBytes);
    const name = file.originalname;
    // The part header's name bytes that are not UTF-8 arrive as U+FFFD (busboy decodes without a word), as a JSON
    // body's did (strict-json.ts utf8Problem): a name with one is damaged text, never stored (new-user trial).
    if (name.includes('\uFFFD'))
      throw invalid('VALIDATION_FAILED', {
        field: 'file.name',
        rule: 'encoding',
        message: {
          zh: '文件名含有无效的 UTF-8 字节（或替换字符 U+FFFD）',
          en: 'The file name contains bytes that are not valid UTF-8 (or the replacement character U+FFFD)',
        },
      });
    const broken = textRuleBroken(name);
    // The one text rule, named as for every other string (a raw control byte in the part header: upload.interceptor.ts).
    if (broken) throw invalid('VALIDATION_FAILED', textError(FILE_NAME_FIELD, broken));
    // Blank before its extension too: `\u200b\u200b.pdf` shows as `.pdf` (second trial); no control characters or line
    // separators (trials: CR/LF, then U+2028); no name Windows reserves or changes (CON, LPT1.txt, a trailing dot).
    if (!isPortableFileName(name))
      throw invalid('VALIDATION_FAILED', {
        field: 'file.name',
        rule: 'file-name',
        message: {
          zh: `文件名须为1-${ATTACHMENT_NAME_MAX}个字符，扩展名前须有可见字符，不含路径分隔符、控制字符或 <>:"|?*，不得为 Windows 保留设备名（CON、PRN、AUX、NUL、COM1-9、LPT1-9，含扩展名亦然），不得以点或空格结尾`,
          en: `The file name must be 1-${ATTACHMENT_NAME_MAX} characters, with visible characters before its extension, without path separators, control characters or <>:"|?*, not a device name Windows reserves (CON, PRN, AUX, NUL, COM1-9, LPT1-9, with any extension), not ending in a dot or a space`,
        },
      });
    const mimeType = sniffMimeType(file.buffer);
    if (!mimeType)
      throw invalid('UNSUPPORTED_MEDIA_TYPE', {
        field: 'file',
        rule: 'media-type',
        message: { zh: '文件类型须为 PDF、PNG 或 JPEG（按内容识别）', en: 'The file must be a PDF, PNG or JPEG (by its content)' },
      });
    // Named as what it is: a download is opened by its name's extension, not its Content-Type.
    if (!fileNameFitsType(name, mimeType)) {
      const ext = (lang: 'zh' | 'en') => ATTACHMENT_EXTENSIONS[mimeType].join(lang === 'zh' ? '或' : ' or ');
      throw invalid('VALIDATION_FAILED', {
        field: 'file.name',
        rule: 'file-extension',
        message: {
          zh: `文件内容为 ${MIME_NAMES[mimeType]}，文件名须以 ${ext('zh')} 结尾`,
          en: `The file is a ${MIME_NAMES[mimeType]} by its content: its name must end in ${ext('en')}`,
        },
      });
    }
    return { fileName: name.normalize('NFC'), mimeType };
  }

  private async discard(storageKey: string, caseId: string): Promise<void> {
    try {
      await this.store.delete(storageKey);
    } catch (err) {
      // The row says whether it is live; a stray file is found by its key (cases/<caseId>/<id>-…).
      this.logger.event('error', 'attachment file not deleted', { caseId, storageKey, error: String(err) });
    }
  }
}

/** The accepted types as people name them. */
const MIME_NAMES: Record<AttachmentView['mimeType'] & string, string> = {
  'application/pdf': 'PDF',
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
};

/** 413 naming the field and the limit (multer's limit and this check say the same). */
export const tooLarge = (maxBytes: number): DomainError =>
  invalid('PAYLOAD_TOO_LARGE', {
    field: 'file',
    rule: 'max-bytes',
    message: { zh: `文件不能超过 ${maxBytes} 字节`, en: `The file must be at most ${maxBytes} bytes` },
  });

/**
 * The engine's refusal of the attachment it was sent (`attachment.stepKey`, …) named by the upload's own form fields
 * (`stepKey`), the fields the client sent: a step the case does not have is the `stepKey` field's, rule `known-step`.
 */
function asUploadFields(err: unknown): unknown {
  if (!(err instanceof DomainError) || !err.extras.errors?.some((e) => e.field.startsWith('attachment.'))) return err;
  const errors = err.extras.errors.map((e) =>
    e.field.startsWith('attachment.') ? { ...e, field: e.field.slice('attachment.'.length) } : e,
  );
  const label = { zh: err.label.zh, en: err.label.en.replace(/^attachment\./, '') };
  return new DomainError(err.code, label, { ...err.extras, errors });
}
