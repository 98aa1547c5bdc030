import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import type { Observable } from 'rxjs';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import { textError } from '@df/domain';
import { echo } from '../common/echo';
import { contractRefusal, type DomainError, type FieldError } from '../common/errors';
import { FILE_NAME_FIELD, tooLarge } from './attachments.service';

/** Multipart fields besides `file`: kind and stepKey (one spare for a client's extra field, refused by the schema). */
const MAX_FIELDS = 3;
/** A field's value at most (kind, stepKey are short codes). */
const FIELD_VALUE_BYTES = 1024;
/** A field's name at most (multer's default fieldNameSize). */
const FIELD_NAME_BYTES = 100;
/** The body's first bytes kept to tell which part header busboy found malformed (the fields and the file's header come first). */
const HEAD_BYTES = 16 * 1024;

/**
 * Which field a malformed part header is about: a raw control byte (what busboy refuses in a header value) in a
 * `filename` / `filename*` parameter is the file name breaking the text rule; anything else is not known here.
 */
export function malformedHeaderField(head: Buffer): string | undefined {
  const text = head.toString('latin1');
  for (const m of text.matchAll(/filename\*?=/gi)) {
    const end = text.indexOf('\r\n', m.index);
    const value = text.slice(m.index + m[0].length, end < 0 ? undefined : end);
    if (/[\x00-\x08\x0A-\x1F\x7F]/.test(value)) return FILE_NAME_FIELD;
  }
  return undefined;
}

/** Every code multer 2 raises (node_modules/multer/lib/multer-error.js; upload.interceptor.spec.ts holds the two equal). */
export const MULTER_CODES = [
  'LIMIT_PART_COUNT',
  'LIMIT_FILE_SIZE',
  'LIMIT_FILE_COUNT',
  'LIMIT_FIELD_KEY',
  'LIMIT_FIELD_VALUE',
  'LIMIT_FIELD_COUNT',
  'LIMIT_UNEXPECTED_FILE',
  'MISSING_FIELD_NAME',
  'LIMIT_FIELD_NESTING',
  'LIMIT_FIELD_ARRAY_INDEX',
  'STREAM_DESTROYED',
  'INVALID_FIELD_NAME',
] as const;
export type MulterCode = (typeof MULTER_CODES)[number];

const ACCEPTED = {
  zh: '只接受一个名为 file 的文件，以及 kind、stepKey 字段',
  en: 'only one file part named "file" and the fields kind, stepKey are taken',
};

/**
 * Each multer failure as our field error: the field (the part's name as sent, bounded, where multer knows it; else
 * `file` or `(body)`), a rule of ours and a message in both languages (new-user trial: LIMIT_FIELD_VALUE and
 * LIMIT_FILE_COUNT surfaced as rule names, multer's English as the message). One map for every code.
 */
export const MULTER_REFUSALS: Record<MulterCode, (part: string | undefined) => FieldError> = {
  // Handled as 413 max-bytes (tooLarge) before this map is read; here for completeness.
  LIMIT_FILE_SIZE: () => ({ field: 'file', rule: 'max-bytes', message: { zh: '文件过大', en: 'The file is too large' } }),
  LIMIT_FILE_COUNT: () => ({ field: 'file', rule: 'max-files', message: { zh: '只能上传一个文件', en: 'Only one file may be uploaded' } }),
  LIMIT_UNEXPECTED_FILE: (part) => ({
    field: part ?? 'file',
    rule: 'unexpected-file',
    message: { zh: '文件须放在名为 file 的部分中，且只能有一个', en: 'A file is taken only in one part named "file"' },
  }),
  LIMIT_FIELD_VALUE: (part) => ({
    field: part ?? '(body)',
    rule: 'max',
    message: { zh: `最多${FIELD_VALUE_BYTES}个字节`, en: `At most ${FIELD_VALUE_BYTES} bytes` },
  }),
  LIMIT_FIELD_KEY: () => ({
    field: '(body)',
    rule: 'field-name',
    message: { zh: `字段名过长（最多${FIELD_NAME_BYTES}个字节）`, en: `A field name is too long (at most ${FIELD_NAME_BYTES} bytes)` },
  }),
  LIMIT_FIELD_COUNT: () => ({
    field: '(body)',
    rule: 'max-fields',
    message: { zh: `字段过多：${ACCEPTED.zh}`, en: `Too many fields: ${ACCEPTED.en}` },
  }),
  LIMIT_PART_COUNT: () => ({
    field: '(body)',
    rule: 'max-parts',
    message: { zh: `部分过多：${ACCEPTED.zh}`, en: `Too many parts: ${ACCEPTED.en}` },
  }),
  MISSING_FIELD_NAME: () => ({
    field: '(body)',
    rule: 'field-name',
    message: { zh: '每个部分须有字段名（name）', en: 'Every part needs a field name (name)' },
  }),
  LIMIT_FIELD_NESTING: (part) => unknownPart(part),
  LIMIT_FIELD_ARRAY_INDEX: (part) => unknownPart(part),
  INVALID_FIELD_NAME: (part) => unknownPart(part),
  STREAM_DESTROYED: () => ({
    field: 'file',
    rule: 'multipart',
    message: { zh: '文件上传中断，请重新上传', en: 'The file upload was cut off: upload it again' },
  }),
};

/** A part whose name is not one the upload takes (a nested or indexed name such as `kind[0]`). */
const unknownPart = (part: string | undefined): FieldError => ({
  field: part ?? '(body)',
  rule: 'unknown-field',
  message: { zh: `不允许的字段：${ACCEPTED.zh}`, en: `Unknown field: ${ACCEPTED.en}` },
});

/** A multer failure as the API's refusal: 413 for the file's size, else 400 naming the field and our rule. */
export function multerRefusal(err: MulterError, maxBytes: number): DomainError {
  if (err.code === 'LIMIT_FILE_SIZE') return tooLarge(maxBytes);
  const code = err.code as string;
  const part = err.field === undefined ? undefined : echo(err.field);
  const error: FieldError = (MULTER_REFUSALS as Record<string, ((p: string | undefined) => FieldError) | undefined>)[code]?.(part) ?? {
    // A code a newer multer adds: still our words.
    field: '(body)',
    rule: 'multipart',
    message: { zh: `multipart 请求不符合要求：${ACCEPTED.zh}`, en: `The multipart request is refused: ${ACCEPTED.en}` },
  };
  return contractRefusal([error]);
}

/**
 * A part given more than once (`-F kind=other -F kind=other`): multer gathers the values into a list (a nested or
 * indexed name is refused before, `fieldNestingDepth: 0`), so a list in the parsed fields is a repeated part,
 * refused like a repeated query parameter (rule `single-value`, route-table.ts).
 */
export function repeatedParts(body: unknown): FieldError[] {
  if (!body || typeof body !== 'object') return [];
  return Object.entries(body as Record<string, unknown>)
    .filter(([, v]) => Array.isArray(v))
    .map(([name]) => ({
      field: echo(name),
      rule: 'single-value',
      message: { zh: '此字段只能给出一次', en: 'This field may be given only once' },
    }));
}

/** busboy's failures (its English never reaches the client): the cut-off upload, a malformed body. */
const CUT_OFF = new Set(['Unexpected end of form', 'Unexpected end of file', 'Request aborted', 'Request closed', 'Request error']);

/**
 * A multipart body busboy cannot read, in our words: cut off (the body ends before its closing boundary) names
 * `file` when the file part had begun (its header is in the body's head), else `(body)`; anything else (a malformed
 * part header, a missing boundary) is a malformed body, `(body)`. Rule `multipart` either way.
 */
export function malformedMultipart(err: unknown, head: Buffer): FieldError {
  const message = err instanceof Error ? err.message : '';
  if (CUT_OFF.has(message)) {
    const fileBegun = message === 'Unexpected end of file' || /name="?file"?\s*;\s*filename/i.test(head.toString('latin1'));
    return {
      field: fileBegun ? 'file' : '(body)',
      rule: 'multipart',
      message: {
        zh: 'multipart 请求体不完整（上传中断或请求体为空），请重新上传',
        en: 'The multipart body is incomplete (the upload was cut off or the body is empty): upload it again',
      },
    };
  }
  return {
    field: '(body)',
    rule: 'multipart',
    message: {
      zh: 'multipart 请求体格式错误：无法读取其中的部分',
      en: 'The multipart body is malformed: its parts cannot be read',
    },
  };
}

/**
 * Parses the multipart upload with multer into memory, within the configured size (ATTACHMENT_MAX_BYTES), one
 * file part named `file`, a few small fields; file names decoded as UTF-8 (Chinese names arrive intact). Its
 * failures become the API's errors naming the field and the rule (413 for the size, 400 otherwise).
 */
@Injectable()
export class UploadInterceptor implements NestInterceptor {
  private readonly parse: ReturnType<ReturnType<typeof multer>['single']>;
  private readonly maxBytes: number;

  constructor(@Inject(API_CONFIG) config: ServiceConfig) {
    this.maxBytes = config.attachments.maxBytes;
    this.parse = multer({
      storage: multer.memoryStorage(),
      defParamCharset: 'utf8',
      // The name as sent: a path (`../../etc/passwd.pdf`, `a\\b.pdf`) is refused by the file-name rule, not cut down to
      // its last part and stored (twelfth trial: stripped to `passwd.pdf`, 201, where docs/attachments.md says 400).
      preservePath: true,
      limits: {
        fileSize: this.maxBytes,
        files: 1,
        fields: MAX_FIELDS,
        fieldSize: FIELD_VALUE_BYTES,
        fieldNameSize: FIELD_NAME_BYTES,
        parts: MAX_FIELDS + 1,
        headerPairs: 50,
        // Any `[` in a part's name (`kind[0]`, `a[b]`): refused on that part (LIMIT_FIELD_NESTING, unknown-field).
        fieldNestingDepth: 0,
      },
    }).single('file');
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    // A copy of the body's head, read beside multer's pipe, to name the field of a malformed part header.
    const head: Buffer[] = [];
    let kept = 0;
    const keep = (chunk: Buffer) => {
      if (kept >= HEAD_BYTES) return;
      head.push(chunk.subarray(0, HEAD_BYTES - kept));
      kept += Math.min(chunk.length, HEAD_BYTES - kept);
    };
    req.on('data', keep);
    try {
      await new Promise<void>((resolve, reject) =>
        this.parse(req, res, (err: unknown) => (err ? reject(this.toDomainError(err, Buffer.concat(head))) : resolve())),
      );
    } finally {
      req.off('data', keep);
    }
    const repeated = repeatedParts(req.body);
    if (repeated.length > 0) throw contractRefusal(repeated);
    // A `file` part sent without a file name (`filename=""`) reaches us as a text field: say what is wrong with the
    // file, not that `file` is an unknown field (trial 83).
    const body = req.body as Record<string, unknown> | undefined;
    if (!req.file && body && Object.hasOwn(body, 'file'))
      throw contractRefusal([
        {
          field: 'file.name',
          rule: 'file-name',
          message: { zh: '上传的文件须带文件名（如 邀请函.pdf）', en: 'The uploaded file must carry a file name (e.g. invitation.pdf)' },
        },
      ]);
    return next.handle();
  }

  private toDomainError(err: unknown, head: Buffer): DomainError {
    // busboy refuses a control byte in a part header as a whole; when it sits in the file name, name that field.
    const headerField = err instanceof Error && err.message === 'Malformed part header' ? malformedHeaderField(head) : undefined;
    if (headerField) return contractRefusal([textError(headerField, 'text-control')]);
    if (err instanceof MulterError) return multerRefusal(err, this.maxBytes);
    return contractRefusal([malformedMultipart(err, head)]);
  }
}
