import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, NotFoundException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { echoPath } from './echo';
import {
  DomainError,
  type ErrorBody,
  type ErrorCode,
  ERROR_STATUS,
  type FieldError,
  refusalErrors,
  refusalLabel,
  sentenceCased,
} from './errors';
import { JsonLogger } from './json-logger';
import { CHARSET_NOT_UTF8, loggedPath, routeLabel } from './http-middleware';
import { currentRequestId } from './request-context';
import { allowedMethods, MethodNotAllowed, undecodablePathParams } from './route-table';
import { nonObjectBody } from './strict-json';
import { isDatabaseUnavailable } from './unavailable';

/** Seconds a client should wait before retrying a 503 (sent as Retry-After). */
export const RETRY_AFTER_SECONDS = 5;

/** The JSON body's size limit (body-parser's `limit`; 413 `(body)` `max-bytes` beyond). */
export const MAX_BODY_BYTES = 100 * 1024;

const HTTP_FALLBACK: Record<number, { code: ErrorCode; zh: string; en: string }> = {
  400: { code: 'VALIDATION_FAILED', zh: '请求格式不正确', en: 'Malformed request' },
  401: { code: 'UNAUTHENTICATED', zh: '请先登录', en: 'Sign in first' },
  403: { code: 'FORBIDDEN_ROLE', zh: '无权进行此操作', en: 'Not allowed' },
  404: { code: 'NOT_FOUND', zh: '没有这个地址', en: 'No such route' },
  413: { code: 'PAYLOAD_TOO_LARGE', zh: '请求内容过大', en: 'The request body is too large' },
  415: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    zh: '请求体须为 JSON（Content-Type: application/json）',
    en: 'The request body must be JSON (Content-Type: application/json)',
  },
};

/** Every error type body-parser 2 and raw-body raise (node_modules/body-parser/lib, node_modules/raw-body/index.js). */
export const BODY_PARSER_TYPES = [
  'charset.unsupported',
  'encoding.unsupported',
  'entity.too.large',
  'entity.parse.failed',
  'entity.verify.failed',
  'request.aborted',
  'request.size.invalid',
  'stream.encoding.set',
  'stream.not.readable',
  'parameters.too.many',
  'querystring.parse.rangeError',
] as const;
export type BodyParserType = (typeof BODY_PARSER_TYPES)[number];

/**
 * Each body-parser failure as our refusal: status, code and the field and rule it names, in both languages (new-user
 * trial: a latin1 charset 415, a `Content-Encoding: br` body that is not brotli 400, a body over 100 KiB 413, all
 * without `errors[]`). `entity.parse.failed` is answered before this map (MALFORMED_JSON, or a JSON text that is not
 * an object); `stream.*` are the server's own faults (500). One entry per type.
 */
export const BODY_PARSER_REFUSALS: Record<BodyParserType, { status: number; code: ErrorCode; error: FieldError }> = {
  'charset.unsupported': { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', error: CHARSET_NOT_UTF8 },
  'encoding.unsupported': {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    error: {
      field: 'headers.Content-Encoding',
      rule: 'content-encoding',
      message: { zh: '只接受 gzip、deflate、br 压缩或不压缩', en: 'Only gzip, deflate, br or no Content-Encoding is accepted' },
    },
  },
  'entity.too.large': {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    error: { field: '(body)', rule: 'max-bytes', message: { zh: `最多${MAX_BODY_BYTES}个字节`, en: `At most ${MAX_BODY_BYTES} bytes` } },
  },
  'entity.parse.failed': {
    status: 400,
    code: 'MALFORMED_JSON',
    error: { field: '(body)', rule: 'json', message: { zh: '不是有效的 JSON', en: 'Not valid JSON' } },
  },
  'entity.verify.failed': {
    status: 400,
    code: 'VALIDATION_FAILED',
    error: { field: '(body)', rule: 'invalid', message: { zh: '请求体未通过校验', en: 'The body failed verification' } },
  },
  'request.aborted': {
    status: 400,
    code: 'VALIDATION_FAILED',
    error: {
      field: '(body)',
      rule: 'incomplete',
      message: { zh: '请求体不完整（请求中断）', en: 'The body is incomplete (the request was cut off)' },
    },
  },
  'request.size.invalid': {
    status: 400,
    code: 'VALIDATION_FAILED',
    error: {
      field: 'headers.Content-Length',
      rule: 'content-length',
      message: { zh: '请求体长度与 Content-Length 不符', en: 'The body’s length differs from Content-Length' },
    },
  },
  'stream.encoding.set': {
    status: 500,
    code: 'INTERNAL_ERROR',
    error: { field: '(body)', rule: 'internal', message: { zh: '服务器内部错误', en: 'Internal server error' } },
  },
  'stream.not.readable': {
    status: 500,
    code: 'INTERNAL_ERROR',
    error: { field: '(body)', rule: 'internal', message: { zh: '服务器内部错误', en: 'Internal server error' } },
  },
  'parameters.too.many': {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    error: { field: '(body)', rule: 'max-fields', message: { zh: '字段过多', en: 'Too many fields' } },
  },
  'querystring.parse.rangeError': {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    error: { field: '(body)', rule: 'max-fields', message: { zh: '字段过多', en: 'Too many fields' } },
  },
};

/** A body whose Content-Encoding it does not follow (`br` over plain text): zlib's error, which body-parser hands on untyped. */
const UNDECODABLE_BODY: FieldError = {
  field: 'headers.Content-Encoding',
  rule: 'content-encoding',
  message: { zh: '请求体无法按 Content-Encoding 解压', en: 'The body cannot be decompressed as its Content-Encoding says' },
};

/** The field and rule of a framework 4xx with no more to say (an unknown route, a status without a type). */
const FALLBACK_ERRORS: Record<number, FieldError> = {
  400: { field: '(body)', rule: 'malformed', message: { zh: '请求格式不正确', en: 'Malformed request' } },
  401: { field: 'headers.Authorization', rule: 'signed-in', message: { zh: '请先登录', en: 'Sign in first' } },
  403: { field: '(request)', rule: 'role', message: { zh: '无权进行此操作', en: 'Not allowed' } },
  404: { field: 'path', rule: 'route', message: { zh: '没有这个地址', en: 'No such route' } },
  413: { field: '(body)', rule: 'max-bytes', message: { zh: `最多${MAX_BODY_BYTES}个字节`, en: `At most ${MAX_BODY_BYTES} bytes` } },
  415: { field: 'headers.Content-Type', rule: 'media-type', message: { zh: '须为 application/json', en: 'Must be application/json' } },
};

/**
 * The one place errors become HTTP: DomainError by its code's status, framework errors (unknown route,
 * unparsable JSON, oversized body) by theirs, anything else 500 INTERNAL_ERROR, logged with its stack.
 * Every body: { statusCode, code, message: { zh, en }, requestId, errors?, violations?, stepKey? }.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    const allow = exception instanceof NotFoundException || exception instanceof MethodNotAllowed ? allowedMethods(req.path) : undefined;
    if (allow && !res.headersSent) {
      // A route exists for this path, just not for this method.
      res.setHeader('Allow', allow.join(', '));
      const requestId = currentRequestId();
      const message = { zh: `此地址只接受 ${allow.join('、')}`, en: `This path accepts ${allow.join(', ')} only` };
      res.status(405).json({
        statusCode: 405,
        code: 'METHOD_NOT_ALLOWED',
        message,
        ...(requestId ? { requestId } : {}),
        errors: refusalErrors('METHOD_NOT_ALLOWED', message, undefined),
      } satisfies ErrorBody);
      return;
    }
    // The one exit of every error: English in sentence case, whoever built the message (the engine's field refusals too).
    const body = sentenceCased(this.toBody(exception, req));
    if (body.statusCode >= 500 && body.code === 'INTERNAL_ERROR') {
      this.logger.event('error', 'unhandled error', {
        error: exception instanceof Error ? exception.message : String(exception),
        stack: exception instanceof Error ? exception.stack : undefined,
        method: req.method,
        // As the access log writes it: the route template, parameter and query values masked (loggedPath).
        route: routeLabel(req),
        path: loggedPath(req.originalUrl || req.path || '', routeLabel(req)),
      });
    }
    if (res.headersSent) return;
    // A 503 is always "try again": say when, so clients and proxies back off instead of hammering.
    if (body.statusCode === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    if (exception instanceof DomainError && exception.extras.retryAfterSeconds !== undefined)
      res.setHeader('Retry-After', String(exception.extras.retryAfterSeconds));
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, req: Request): ErrorBody {
    const requestId = currentRequestId();
    if (exception instanceof DomainError) {
      const errors = refusalErrors(exception.code, exception.label, exception.extras.errors);
      return {
        statusCode: exception.status,
        code: exception.code,
        message: exception.label,
        ...(requestId ? { requestId } : {}),
        ...(exception.extras.stepKey ? { stepKey: exception.extras.stepKey } : {}),
        // Field paths may be built from the client's own keys: bounded here, the one place errors become HTTP.
        ...(errors ? { errors: errors.map((e) => ({ ...e, field: echoPath(e.field) })) } : {}),
        ...(exception.extras.violations
          ? { violations: exception.extras.violations.map((v) => (v.field ? { ...v, field: echoPath(v.field) } : v)) }
          : {}),
      };
    }
    if (isDatabaseUnavailable(exception)) {
      return {
        statusCode: 503,
        code: 'DATABASE_UNAVAILABLE',
        message: {
          zh: '数据库暂不可用，请稍后重试（办理类请求请使用同一 Idempotency-Key 重试）',
          en: 'The database is unavailable: try again later (for actions, retry with the same Idempotency-Key)',
        },
        ...(requestId ? { requestId } : {}),
      };
    }
    // body-parser errors (bad JSON, too large) arrive as HttpException or as raw errors with a status.
    const raw = exception as { type?: string; status?: number; statusCode?: number };
    let status: number | undefined;
    if (exception instanceof HttpException) status = exception.getStatus();
    else if (typeof raw?.status === 'number') status = raw.status;
    const parseFailed =
      raw?.type === 'entity.parse.failed' ||
      (exception instanceof HttpException && (exception.cause as { type?: unknown } | undefined)?.type === 'entity.parse.failed') ||
      (exception instanceof HttpException && /JSON/i.test(exception.message));
    // Valid JSON that is not an object or array (`null`, `"x"`, `1`): refused by the parser's strict mode, but it is
    // the body's type that is wrong, not its syntax (second trial: `null` read "not valid JSON"); an array, which the
    // parser lets through, strictJsonBodies refuses with the same nonObjectBody.
    const parsed = exception as { body?: unknown; cause?: { body?: unknown } };
    if (status === 400 && parseFailed && isJsonText(parsed.body ?? parsed.cause?.body)) return this.toBody(nonObjectBody(), req);
    if (status === 400 && parseFailed) {
      return {
        statusCode: 400,
        code: 'MALFORMED_JSON',
        message: { zh: '请求体不是有效的 JSON', en: 'The request body is not valid JSON' },
        ...(requestId ? { requestId } : {}),
        errors: [{ field: '(body)', rule: 'json', message: { zh: '不是有效的 JSON', en: 'Not valid JSON' } }],
      };
    }
    // The router could not decode a path parameter (a lone surrogate or a broken UTF-8 sequence, e.g. %ED%A0%80):
    // its URIError, which Nest hands on as a BadRequestException with the router's message. The error does not say
    // which parameter: the route table's template of the path does (`path.<param>`, as every path parameter is
    // named); `path` alone only when no documented route matches.
    const undecodable =
      exception instanceof URIError || (exception instanceof HttpException && /^Failed to decode param/.test(exception.message));
    if (status === 400 && undecodable) {
      const named = undecodablePathParams(req.path);
      const fields = named.length > 0 ? named.map((n) => `path.${n}`) : ['path'];
      return {
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: refusalLabel(fields.length),
        ...(requestId ? { requestId } : {}),
        errors: fields.map((field) => ({
          field,
          rule: 'percent-encoding',
          message:
            named.length > 0
              ? { zh: '不是有效的百分号编码 UTF-8 文本', en: 'Not valid percent-encoded UTF-8 text' }
              : { zh: '路径参数不是有效的百分号编码 UTF-8 文本', en: 'A path parameter is not valid percent-encoded UTF-8 text' },
        })),
      };
    }
    // body-parser's error as thrown, or as Nest hands it on (an HttpException whose cause it is).
    const origin = (exception instanceof HttpException && exception.cause ? exception.cause : exception) as {
      type?: unknown;
      code?: unknown;
    };
    const typed =
      typeof origin?.type === 'string'
        ? (BODY_PARSER_REFUSALS as Record<string, (typeof BODY_PARSER_REFUSALS)[BodyParserType] | undefined>)[origin.type]
        : undefined;
    if (typed && typed.status < 500) {
      return {
        statusCode: typed.status,
        code: typed.code,
        message: refusalLabel(1),
        ...(requestId ? { requestId } : {}),
        errors: [typed.error],
      };
    }
    // zlib's own failure (Z_DATA_ERROR for gzip/deflate, ERR__ERROR_FORMAT_… for brotli): the body is not in its Content-Encoding.
    const zlib = typeof origin?.code === 'string' && /^(?:Z_|ERR__|ERR_BROTLI|ERR_ZSTD)/.test(origin.code);
    if (status === 400 && zlib) {
      return {
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: refusalLabel(1),
        ...(requestId ? { requestId } : {}),
        errors: [UNDECODABLE_BODY],
      };
    }
    if (status !== undefined && status < 500) {
      const f = HTTP_FALLBACK[status] ?? {
        code: status === 409 ? 'ACTION_NOT_ALLOWED' : 'VALIDATION_FAILED',
        zh: '请求无法处理',
        en: 'The request cannot be processed',
      };
      const error = FALLBACK_ERRORS[status] ?? { field: '(request)', rule: 'invalid', message: { zh: f.zh, en: f.en } };
      return { statusCode: status, code: f.code, message: { zh: f.zh, en: f.en }, ...(requestId ? { requestId } : {}), errors: [error] };
    }
    return {
      statusCode: ERROR_STATUS.INTERNAL_ERROR,
      code: 'INTERNAL_ERROR',
      message: { zh: '服务器内部错误', en: 'Internal server error' },
      ...(requestId ? { requestId } : {}),
    };
  }
}

/** Whether `text` is a JSON text (any value, `null` included). */
function isJsonText(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
