import type { NextFunction, Request, Response } from 'express';

/**
 * CORS for the codec routes only: the Temporal Web UI (another origin) calls them from the browser, with
 * the Authorization header. Origins outside `allowed` get no CORS headers, so browsers refuse the answer;
 * a preflight (OPTIONS) is answered here, before authentication, as browsers send it without credentials.
 */
export function codecCors(allowed: readonly string[]) {
  const origins = new Set(allowed);
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.headers.origin;
    if (origin && origins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Expose-Headers', 'X-Request-Id');
    }
    res.append('Vary', 'Origin');
    if (req.method === 'OPTIONS') {
      if (origin && origins.has(origin)) {
        res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace, Caller-Type, Client-Name, Client-Version');
        res.setHeader('Access-Control-Max-Age', '600');
      }
      res.status(204).end();
      return;
    }
    next();
  };
}
