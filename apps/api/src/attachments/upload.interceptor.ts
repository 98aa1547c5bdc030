import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import type { Observable } from 'rxjs';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import { textError } from '@df/domain';
import { echo } from '../common/echo';
import { DomainError } from '../common/errors';
import { FILE_NAME_FIELD, tooLarge } from './attachments.service';

/** Multipart fields besides `file`: kind and stepKey (one spare for a client's extra field, refused by the schema). */
const MAX_FIELDS = 3;
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
      limits: { fileSize: this.maxBytes, files: 1, fields: MAX_FIELDS, fieldSize: 1024, parts: MAX_FIELDS + 1, headerPairs: 50 },
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
    return next.handle();
  }

  private toDomainError(err: unknown, head: Buffer): DomainError {
    // busboy refuses a control byte in a part header as a whole; when it sits in the file name, name that field.
    const headerField = err instanceof Error && err.message === 'Malformed part header' ? malformedHeaderField(head) : undefined;
    if (headerField) {
      const error = textError(headerField, 'text-control');
      return new DomainError(
        'VALIDATION_FAILED',
        { zh: `请求有1处错误：${headerField}`, en: `The request has 1 error: ${headerField}` },
        { errors: [error] },
      );
    }
    if (err instanceof MulterError) {
      if (err.code === 'LIMIT_FILE_SIZE') return tooLarge(this.maxBytes);
      // The part's name as the client sent it, bounded (echo).
      const field = echo(
        err.code === 'LIMIT_UNEXPECTED_FILE' || err.code === 'LIMIT_FILE_COUNT' ? (err.field ?? 'file') : (err.field ?? '(body)'),
      );
      return new DomainError(
        'VALIDATION_FAILED',
        { zh: `multipart 请求不符合要求：${field}`, en: `The multipart request is refused: ${field} (${err.message})` },
        {
          errors: [
            {
              field,
              rule: err.code,
              message: {
                zh: '只接受一个名为 file 的文件，以及 kind、stepKey 字段',
                en: `Only one file part named "file" and the fields kind, stepKey (${err.message})`,
              },
            },
          ],
        },
      );
    }
    // Malformed multipart (busboy): the body cannot be read.
    return new DomainError(
      'VALIDATION_FAILED',
      { zh: 'multipart 请求体格式错误', en: 'Malformed multipart body' },
      {
        errors: [
          {
            field: '(body)',
            rule: 'multipart',
            message: {
              zh: '须为 multipart/form-data',
              en: `Must be multipart/form-data (${err instanceof Error ? err.message : String(err)})`,
            },
          },
        ],
      },
    );
  }
}
