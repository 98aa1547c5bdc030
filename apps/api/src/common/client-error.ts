import { randomUUID } from 'node:crypto';
import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { type ErrorBody, type ErrorCode, type FieldError, refusalLabel } from './errors';
import { BODY_PARSER_REFUSALS } from './exception.filter';
import type { JsonLogger } from './json-logger';

/** What a request the HTTP parser could not read is answered: our error body, or Node's own bare status line. */
export type ClientErrorAnswer = { status: number; code: ErrorCode; error: FieldError } | { raw: string };

const syntax = (field: string, rule: string, zh: string, en: string): ClientErrorAnswer => ({
  status: 400,
  code: 'VALIDATION_FAILED',
  error: { field, rule, message: { zh, en } },
});

/**
 * Node's HTTP parser errors (llhttp's `HPE_*`) as our refusals, each naming the part of the request at fault. A body
 * cut off by the client (the socket ended before Content-Length bytes came) is body-parser's `request.aborted`: the
 * same field and rule, whichever of the two sees it first (new-user trial: Node's bare `400 Bad Request`, no JSON).
 * 431 (headers too large) and 408 (headers too slow) stay Node's bare answers, as the OpenAPI document says of 431.
 */
export function clientErrorAnswer(code: string | undefined, inFlight: boolean): ClientErrorAnswer {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { raw: 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { raw: 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        error: {
          field: '(body)',
          rule: 'chunk-extensions',
          message: { zh: '分块扩展过长', en: 'The chunk extensions are too long' },
        },
      };
    case 'HPE_INVALID_EOF_STATE':
      // The connection ended mid-request: with a request under way, its body was cut off.
      return inFlight
        ? { status: 400, code: 'VALIDATION_FAILED', error: BODY_PARSER_REFUSALS['request.aborted'].error }
        : syntax('(request)', 'incomplete', '请求不完整（连接中断）', 'The request is incomplete (the connection was cut off)');
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return syntax(
        'headers.Content-Length',
        'content-length',
        'Content-Length 无效（须为一个非负整数，且不与 Transfer-Encoding 同用）',
        'Content-Length is invalid (one non-negative integer, not with Transfer-Encoding)',
      );
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return syntax(
        'headers.Transfer-Encoding',
        'transfer-encoding',
        'Transfer-Encoding 无效（须以 chunked 结尾）',
        'Transfer-Encoding is invalid (it must end with chunked)',
      );
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_STRICT':
    case 'HPE_CR_EXPECTED':
    case 'HPE_LF_EXPECTED':
      return inFlight
        ? syntax('(body)', 'chunked', '分块传输的请求体格式不正确', 'The chunked body is malformed')
        : syntax('(request)', 'http-syntax', '请求不符合 HTTP/1.1 格式', 'The request is not well-formed HTTP/1.1');
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_INVALID_HEADER_VALUE':
      return syntax('headers', 'header-syntax', '请求头格式不正确', 'A request header is malformed');
    case 'HPE_INVALID_METHOD':
      return syntax('(request)', 'method', '请求方法无效', 'The request method is invalid');
    case 'HPE_INVALID_URL':
      return syntax('path', 'url', '请求地址格式不正确', 'The request target is malformed');
    case 'HPE_INVALID_VERSION':
      return syntax('(request)', 'http-version', 'HTTP 版本无效', 'The HTTP version is invalid');
    default:
      return syntax('(request)', 'http-syntax', '请求不符合 HTTP/1.1 格式', 'The request is not well-formed HTTP/1.1');
  }
}

/** The bytes of a JSON error response written on the socket itself (no ServerResponse exists, or none has begun). */
export function clientErrorResponse(answer: Extract<ClientErrorAnswer, { status: number }>, requestId: string): string {
  const body = JSON.stringify({
    statusCode: answer.status,
    code: answer.code,
    message: refusalLabel(1),
    requestId,
    errors: [answer.error],
  } satisfies ErrorBody);
  const reason = answer.status === 413 ? 'Payload Too Large' : 'Bad Request';
  return [
    `HTTP/1.1 ${answer.status} ${reason}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${requestId}`,
    // What every response carries (noStore, helmet's defaults), written here: this one never reaches the middleware.
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
    "Content-Security-Policy: default-src 'self'",
    'Strict-Transport-Security: max-age=31536000; includeSubDomains',
    'X-Frame-Options: SAMEORIGIN',
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * Answers Node's `clientError` (the parser could not read the request) with our JSON error, as Node answers with a
 * bare status line when no listener is set: only while the socket is writable and no response has begun on it, then
 * the connection is closed. The request id is the one the middleware gave the request under way, if any.
 */
export function answerClientErrors(server: Server, logger: JsonLogger): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const response = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
    if (err.code === 'ECONNRESET' || !socket.writable || response?.headersSent) {
      socket.destroy();
      return;
    }
    const answer = clientErrorAnswer(err.code, response !== undefined);
    const given = response?.getHeader('X-Request-Id');
    const requestId = typeof given === 'string' ? given : randomUUID();
    logger.event('log', 'client error', { code: err.code, requestId, ...('status' in answer ? { status: answer.status } : {}) });
    socket.end('raw' in answer ? answer.raw : clientErrorResponse(answer, requestId));
    // The answer is out (or cannot be): the connection is done.
    socket.once('finish', () => socket.destroy());
    socket.once('error', () => socket.destroy());
  });
}
