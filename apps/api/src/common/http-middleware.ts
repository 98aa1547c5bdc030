import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from '../metrics/metrics.service';
import type { JsonLogger } from './json-logger';
import { parse as parseContentType } from 'content-type';
import { contractRefusal, DomainError, fieldRefusal, type FieldError } from './errors';
import { requestContext, requestIdFrom } from './request-context';

/**
 * The route template of a matched request (`/api/delegations/:id`), else `unmatched`: metric labels and log
 * fields stay bounded whatever paths clients send (a request refused before routing — bad JSON, 415 — has no route).
 */
export function routeLabel(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : 'unmatched';
}

/** Characters of a request path the access log keeps (a 16 KB path made a 16 KB line). */
const LOGGED_PATH_MAX = 512;
/** What a masked path segment or query value is written as in a log line. */
export const MASKED_SEGMENT = '*';
const UUID_SEGMENT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * Path parameter values of a shape that is never personal, kept in the logged path: UUIDs (case, attachment, user
 * ids), a step key of the definitions' shape (`A05`, `A03:US`: a letter and two digits, a country code) and a
 * four-digit year. Nothing else is: a card number has no fixed shape (6-32 capital letters or digits), so no
 * pattern of free text finds them all (F-k: `GET /api/delegations/CARD0002X` logged the number in clear).
 */
const HARMLESS_PARAM = [UUID_SEGMENT, /^[A-Z][0-9]{2}(:[A-Z]{2,3})?$/, /^(19|20)[0-9]{2}$/];

/** A segment of a path no route matched, or a query key: kept unless it carries a digit and is not a UUID. */
const unmatchedSegment = (seg: string): string => (/[0-9]/.test(seg) && !UUID_SEGMENT.test(seg) ? MASKED_SEGMENT : seg);

/**
 * The request path as a log line writes it (the access log, the exception filter), never a raw parameter or query
 * value (docs/security.md): on a matched route each parameter by its template name (`/api/delegations/:id`)
 * unless its value is of a harmless shape (HARMLESS_PARAM), literals as the route has them; on an unmatched one every
 * segment that carries a digit and is not a UUID as `*` (`/api/nothing/*`); the query string's keys as a segment,
 * its values as `*` (`?page=*`). At most LOGGED_PATH_MAX characters.
 */
export function loggedPath(originalUrl: string, route: string): string {
  const at = originalUrl.indexOf('?');
  const path = at < 0 ? originalUrl : originalUrl.slice(0, at);
  const query = at < 0 ? '' : originalUrl.slice(at + 1);
  const actual = path.split('/');
  const template = route.split('/');
  const masked =
    route !== 'unmatched' && template.length === actual.length
      ? actual
          .map((seg, i) => {
            const t = template[i]!;
            if (!t.startsWith(':')) return t;
            return HARMLESS_PARAM.some((shape) => shape.test(seg)) ? seg : t;
          })
          .join('/')
      : actual.map(unmatchedSegment).join('/');
  const params = query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = unmatchedSegment(eq < 0 ? pair : pair.slice(0, eq));
      return eq < 0 ? key : `${key}=${MASKED_SEGMENT}`;
    });
  const line = params.length > 0 ? `${masked}?${params.join('&')}` : masked;
  return line.length > LOGGED_PATH_MAX ? `${line.slice(0, LOGGED_PATH_MAX)}…` : line;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Whether a request's body is JSON by its Content-Type: `application/json` or a `+json` type (RFC 6839, e.g.
 * `application/vnd.api+json`). The one test of the 415 below and of the JSON body parser (bootstrap), so a body the
 * first lets through is parsed (new-user trial: `application/vnd.api+json` passed the 415 and the parser skipped it,
 * answered `(body)` required).
 */
export const isJsonRequest = (req: Pick<Request, 'headers'>): boolean => JSON_TYPE.test(req.headers['content-type'] ?? '');

/** A JSON body's charset, when its Content-Type names one other than UTF-8: 415 `headers.Content-Type` `charset`. */
export const CHARSET_NOT_UTF8: FieldError = {
  field: 'headers.Content-Type',
  rule: 'charset',
  message: { zh: '字符集须为 UTF-8（charset=utf-8，或不写）', en: 'The charset must be UTF-8 (charset=utf-8, or none)' },
};

/**
 * The charset a Content-Type names, lower-cased (undefined: none), as jshttp's `content-type` reads it (the parser's own);
 * null when it is named more than once or in RFC 2231's extended form (`charset*=`), which that parser reads as the first
 * or not at all (new-user trial: `charset=UTF-8; charset=utf-16` was read as UTF-8, its reverse refused).
 */
function namedCharset(header: string): string | undefined | null {
  const named = [...header.matchAll(/;\s*(charset\*?)\s*=/gi)];
  if (named.length > 1 || named.some((m) => m[1]!.endsWith('*'))) return null;
  return parseContentType(header).parameters.charset?.toLowerCase();
}

/**
 * The request headers that carry one value (a second one is ambiguous: Node keeps the first of Content-Type, Authorization
 * and Host, a proxy may read the last; it joins Idempotency-Key and X-Namespace with a comma), as the OpenAPI document
 * names them. Not Content-Encoding: its lines make one list of codings (RFC 9110 5.3), which the body parser reads.
 */
const SINGLE_HEADERS = ['Host', 'Authorization', 'Content-Type', 'Idempotency-Key', 'X-Namespace'] as const;

/**
 * A Host value (RFC 9110 7.2: uri-host [ ":" port ], RFC 3986's IP-literal or reg-name), or empty (a target without an
 * authority). Two values folded into one (`a, b`, as a proxy merging lines sends them) are not one host: 400.
 */
const HOST_VALUE = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~%!$&'()*+;=]*)(?::[0-9]*)?$/;
const HOST_FORMAT = { zh: '须为一个主机名（可带端口）', en: 'Must be one host name, with an optional port' };

/**
 * Refuses, before anything reads them, the headers Node would read one way and another party another (new-user trial):
 * an HTTP/1.1 request without `Host` (RFC 9112 3.2; Node's own answer was a bare 400 with no body: the server's
 * `requireHostHeader` is off so that this answer is ours) is 400 `headers.Host` `required`, one whose value is not one
 * host (HOST_VALUE) 400 `format`; a header of SINGLE_HEADERS
 * given twice is 400 `headers.<Name>` `single-value`, as a query parameter given twice is.
 */
export function singleValuedHeaders() {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (req.httpVersion === '1.1' && req.headers.host === undefined) {
      next(contractRefusal([{ field: 'headers.Host', rule: 'required', message: { zh: '必填', en: 'Required' } }]));
      return;
    }
    if (req.headers.host !== undefined && !HOST_VALUE.test(req.headers.host)) {
      next(contractRefusal([{ field: 'headers.Host', rule: 'format', message: HOST_FORMAT }]));
      return;
    }
    const seen = new Map<string, number>();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!.toLowerCase();
      seen.set(name, (seen.get(name) ?? 0) + 1);
    }
    const twice = SINGLE_HEADERS.filter((h) => (seen.get(h.toLowerCase()) ?? 0) > 1);
    if (twice.length > 0) {
      next(
        contractRefusal(
          twice.map((h) => ({
            field: `headers.${h}`,
            rule: 'single-value',
            message: { zh: '此请求头只能给出一次', en: 'This header may be given only once' },
          })),
        ),
      );
      return;
    }
    next();
  };
}

/** multipart/form-data with its boundary (busboy cannot split a body without one). */
const MULTIPART_TYPE = /^multipart\/form-data\s*;(?:.*;)?\s*boundary=[^;\s]/i;

const NOT_JSON = {
  label: { zh: '请求体须为 JSON（Content-Type: application/json）', en: 'The request body must be JSON (Content-Type: application/json)' },
  error: { zh: '须为 application/json', en: 'Must be application/json' },
};
const NOT_MULTIPART = {
  label: {
    zh: '上传须为 multipart/form-data 请求体（Content-Type: multipart/form-data; boundary=…）',
    en: 'An upload must be a multipart/form-data body (Content-Type: multipart/form-data; boundary=…)',
  },
  error: {
    zh: '须为 multipart/form-data，并带 boundary 参数',
    en: 'Must be multipart/form-data with a boundary parameter',
  },
};

/**
 * One media type per route: a request that carries a body in another (form-encoded, text, multipart elsewhere) is
 * 415 UNSUPPORTED_MEDIA_TYPE before any parser or handler sees it, naming `headers.Content-Type`, rule `media-type`.
 * The POST paths named in `multipartPaths` (the attachment upload) take multipart/form-data with a boundary only,
 * and their 415 says so (a JSON body there is refused, not answered "file: required"); every other route takes JSON.
 */
export function jsonBodiesOnly(multipartPaths: readonly RegExp[] = []) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const length = req.headers['content-length'];
    const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
    const type = req.headers['content-type'] ?? '';
    const uploadRoute = req.method === 'POST' && multipartPaths.some((p) => p.test(req.path));
    const fits = uploadRoute ? MULTIPART_TYPE.test(type) : JSON_TYPE.test(type);
    if (hasBody && !fits) {
      const words = uploadRoute ? NOT_MULTIPART : NOT_JSON;
      next(
        new DomainError('UNSUPPORTED_MEDIA_TYPE', words.label, {
          errors: [{ field: 'headers.Content-Type', rule: 'media-type', message: words.error }],
        }),
      );
      return;
    }
    // A JSON body in UTF-8 only: the parser decodes any utf-* (new-user trial: `charset=utf-16` read 400 `(body)`
    // encoding while `charset=latin1` read 415 charset).
    if (hasBody && !uploadRoute) {
      const charset = namedCharset(type);
      if (charset === null || (charset !== undefined && charset !== 'utf-8')) {
        next(fieldRefusal('UNSUPPORTED_MEDIA_TYPE', [CHARSET_NOT_UTF8]));
        return;
      }
    }
    next();
  };
}

/**
 * Nothing the API answers is cached by browsers or proxies: case data, tokens and errors carry personal
 * data or credentials (`Cache-Control: no-store`). The OpenAPI UI's static assets are left cacheable.
 */
export function noStore() {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!req.path.startsWith('/api/docs')) {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Pragma', 'no-cache');
    }
    next();
  };
}

/**
 * First middleware of the app: X-Request-Id in (or a new one) and out, the request context for logs
 * and the Temporal interceptor, one structured access-log line and the latency histogram per request.
 */
export function httpMiddleware(logger: JsonLogger, metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    const ctx = { requestId } as { requestId: string; userId?: string; role?: string };
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeLabel(req);
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      requestContext.run(ctx, () =>
        logger.event(res.statusCode >= 500 ? 'error' : 'log', 'request', {
          method: req.method,
          route,
          path: loggedPath(req.originalUrl, route),
          status: res.statusCode,
          durationMs: Math.round(seconds * 1000),
          ...(ctx.userId ? { user: ctx.userId, role: ctx.role } : {}),
        }),
      );
    });
    requestContext.run(ctx, () => next());
  };
}
