import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from '../metrics/metrics.service';
import type { JsonLogger } from './json-logger';
import { DomainError } from './errors';
import { requestContext, requestIdFrom } from './request-context';

/**
 * The route template of a matched request (`/api/delegations/:id`), else `unmatched`: metric labels and log
 * fields stay bounded whatever paths clients send (a request refused before routing — bad JSON, 415 — has no route).
 */
export function routeLabel(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : 'unmatched';
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

const MULTIPART_TYPE = /^multipart\/form-data\s*;/i;

/**
 * JSON bodies only: a request that carries a body in any other media type (form-encoded, text, multipart)
 * is 415 UNSUPPORTED_MEDIA_TYPE before any parser or handler sees it; multipart/form-data is let through on
 * the POST paths named in `multipartPaths` (the attachment upload), whose route parses it.
 */
export function jsonBodiesOnly(multipartPaths: readonly RegExp[] = []) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const length = req.headers['content-length'];
    const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
    const type = req.headers['content-type'] ?? '';
    const multipart = req.method === 'POST' && MULTIPART_TYPE.test(type) && multipartPaths.some((p) => p.test(req.path));
    if (hasBody && !multipart && !JSON_TYPE.test(type)) {
      next(
        new DomainError(
          'UNSUPPORTED_MEDIA_TYPE',
          { zh: '请求体须为 JSON（Content-Type: application/json）', en: 'The request body must be JSON (Content-Type: application/json)' },
          {
            errors: [
              {
                field: 'headers.Content-Type',
                rule: 'media-type',
                message: { zh: '须为 application/json', en: 'Must be application/json' },
              },
            ],
          },
        ),
      );
      return;
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
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          durationMs: Math.round(seconds * 1000),
          ...(ctx.userId ? { user: ctx.userId, role: ctx.role } : {}),
        }),
      );
    });
    requestContext.run(ctx, () => next());
  };
}
