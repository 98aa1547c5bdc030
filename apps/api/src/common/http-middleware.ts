import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from '../metrics/metrics.service';
import type { JsonLogger } from './json-logger';
import { requestContext, requestIdFrom } from './request-context';

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
      const route = (req.route as { path?: string } | undefined)?.path ?? (res.statusCode === 404 ? 'unmatched' : req.path.split('?')[0]!);
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
