import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import type { Observable } from 'rxjs';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import { DomainError } from '../common/errors';
import { tooLarge } from './attachments.service';

/** Multipart fields besides `file`: kind and stepKey (one spare for a client's extra field, refused by the schema). */
const MAX_FIELDS = 3;

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
    await new Promise<void>((resolve, reject) =>
      this.parse(req, res, (err: unknown) => (err ? reject(this.toDomainError(err)) : resolve())),
    );
    return next.handle();
  }

  private toDomainError(err: unknown): DomainError {
    if (err instanceof MulterError) {
      if (err.code === 'LIMIT_FILE_SIZE') return tooLarge(this.maxBytes);
      const field =
        err.code === 'LIMIT_UNEXPECTED_FILE' || err.code === 'LIMIT_FILE_COUNT' ? (err.field ?? 'file') : (err.field ?? '(body)');
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
