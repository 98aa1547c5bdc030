import type { NextFunction, Request, Response } from 'express';
import type { OpenAPIObject } from '@nestjs/swagger';
import { DomainError, type FieldError } from './errors';

/**
 * The methods each documented path answers, from the OpenAPI document (which the e2e tests hold equal to the
 * routes served): a known path asked with another method is 405 with `Allow`, not 404. Also each path's
 * documented query parameters for GET: one rule for every GET route (documentedQueryOnly).
 */
let table: Array<{ pattern: RegExp; methods: string[]; getQuery: Set<string> | undefined }> = [];

export function setRouteTable(document: OpenAPIObject): void {
  table = Object.entries(document.paths).map(([path, item]) => {
    const methods = Object.keys(item)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => m.toUpperCase());
    if (methods.includes('GET')) methods.push('HEAD');
    const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
    const params = (item.get?.parameters ?? []) as Array<{ in?: string; name?: string }>;
    const getQuery = item.get ? new Set(params.filter((p) => p.in === 'query' && p.name).map((p) => p.name!)) : undefined;
    return { pattern: new RegExp(`^${source}/?$`), methods, getQuery };
  });
}

/** The methods `path` answers, or undefined for a path no route has. */
export function allowedMethods(path: string): string[] | undefined {
  return table.find((r) => r.pattern.test(path))?.methods;
}

/**
 * One rule for the query string of every GET (and HEAD) route in the OpenAPI document: a parameter the route does
 * not document is 400 VALIDATION_FAILED naming `query.<name>`, rule `unknown-field`. A route with filters says so
 * through its own strict query schema (with every other error of the query at once); here the routes without
 * filters, which take none, say the same. Paths outside the document (the OpenAPI UI and document) and the
 * operational probes (`/health`, `/metrics`) are left alone. docs/api.md, Input rules.
 */
/** The health probe and the metrics scrape: outside the query rule (docs/operations.md). */
const OPERATIONAL_PATHS: ReadonlySet<string> = new Set(['/health', '/metrics']);

export function documentedQueryOnly() {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // Probes and scrapers are not the API's callers: an orchestrator or Prometheus adding a parameter must not fail.
    if (OPERATIONAL_PATHS.has(req.path)) return next();
    const question = req.originalUrl.indexOf('?');
    if (question < 0) return next();
    const matches = table.filter((r) => r.getQuery && r.pattern.test(req.path));
    // No route, or a route whose query schema (strict) answers for the whole query string.
    if (matches.length === 0 || matches.some((r) => r.getQuery!.size > 0)) return next();
    // These routes take no query parameter: every name given is unknown.
    const names = [...new Set([...new URLSearchParams(req.originalUrl.slice(question + 1)).keys()])];
    const errors: FieldError[] = names.map((n) => ({
      field: `query.${n}`,
      rule: 'unknown-field',
      message: { zh: '不允许的字段', en: `Unknown field "${n}"` },
    }));
    if (errors.length === 0) return next();
    next(
      new DomainError(
        'VALIDATION_FAILED',
        { zh: `请求有${errors.length}处错误`, en: `The request has ${errors.length} error(s)` },
        { errors },
      ),
    );
  };
}
