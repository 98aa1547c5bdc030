import type { NextFunction, Request, Response } from 'express';
import type { OpenAPIObject } from '@nestjs/swagger';
import { echo } from './echo';
import { contractRefusal, type FieldError } from './errors';

/**
 * The methods each documented path answers, from the OpenAPI document (which the e2e tests hold equal to the
 * routes served): a known path asked with another method is 405 with `Allow`, not 404. Also each method's documented
 * query parameters (and which of them are lists): the query-string rules of every route (documentedQueryOnly).
 */
let table: Array<{
  pattern: RegExp;
  /** The path's parameters by name, as named groups of the raw (still percent-encoded) path. */
  params: RegExp;
  methods: string[];
  /** How many of its segments are parameters: a concrete path is matched before a templated one (OpenAPI 3, Paths). */
  templated: number;
  /** Each method's documented query parameters (HEAD is GET's), and those documented as lists (`type: array`). */
  query: Map<string, { names: Set<string>; lists: Set<string> }>;
}> = [];

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

export function setRouteTable(document: OpenAPIObject): void {
  table = Object.entries(document.paths)
    .map(([path, item]) => {
      // In one order whatever the document's (GET, HEAD, POST, …): the order `Allow` lists them.
      const documented = new Set(Object.keys(item).map((m) => m.toUpperCase()));
      if (documented.has('GET')) documented.add('HEAD');
      const methods = METHOD_ORDER.filter((m) => documented.has(m));
      const escaped = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      const source = escaped.replace(/\{[^}]+\}/g, '[^/]+');
      const named = escaped.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, '(?<$1>[^/]+)');
      type Parameter = { in?: string; name?: string; schema?: { type?: unknown } };
      const query = new Map<string, { names: Set<string>; lists: Set<string> }>();
      for (const method of methods.filter((m) => m !== 'HEAD')) {
        const operation = (item as Record<string, { parameters?: Parameter[] } | undefined>)[method.toLowerCase()];
        const documented = (operation?.parameters ?? []).filter((p) => p.in === 'query' && p.name);
        query.set(method, {
          names: new Set(documented.map((p) => p.name!)),
          // A parameter documented as a list may be repeated (`?x=a&x=b`); none is yet.
          lists: new Set(documented.filter((p) => p.schema?.type === 'array').map((p) => p.name!)),
        });
      }
      const templated = (path.match(/\{[^}]+\}/g) ?? []).length;
      return { pattern: new RegExp(`^${source}/?$`), params: new RegExp(`^${named}/?$`), methods, templated, query };
    })
    // The most concrete first: `/api/delegations/check` is the check's path, not `/api/delegations/{id}` (OpenAPI 3: a
    // concrete path is matched before its templated counterparts).
    .sort((a, b) => a.templated - b.templated);
}

/**
 * The names of the path parameters of `path` (raw, still percent-encoded) that are not valid percent-encoded UTF-8
 * (the router's URIError does not say which): `['id']` for `/api/delegations/%ED%A0%80`. Empty when no route of
 * the document matches the path or none of its parameters is at fault.
 */
export function undecodablePathParams(path: string): string[] {
  for (const r of table) {
    const groups = r.params.exec(path)?.groups;
    if (!groups) continue;
    const names = Object.entries(groups)
      .filter(([, raw]) => {
        try {
          decodeURIComponent(raw);
          return false;
        } catch {
          return true;
        }
      })
      .map(([name]) => name);
    if (names.length > 0) return names;
  }
  return [];
}

/**
 * The methods `path` answers, or undefined for a path no route has: those of the documented path it is, the most
 * concrete that matches (OpenAPI 3: `/process-versions/check` is the check's path, POST, not the templated
 * `/process-versions/{version}`'s GET; trial 57 read `Allow: GET, HEAD` for the check, and schemathesis any GET as
 * undocumented).
 */
export function allowedMethods(path: string): string[] | undefined {
  return table.find((r) => r.pattern.test(path))?.methods;
}

/** A documented path asked with a method none of its routes answers: 405 with `Allow` (ApiExceptionFilter). */
export class MethodNotAllowed extends Error {}

/**
 * A documented path asked with a method none of its routes answers is 405 before anything reads the request's headers
 * or body: the request line is wrong whatever it carries (trial 57: `TRACE …/attachments` with a multipart body read 415
 * "must be JSON"). Paths outside the document (the web app, the OpenAPI UI) are left to their own handlers, and so is
 * OPTIONS: the codec routes answer the Temporal Web UI's CORS preflight (codecCors); elsewhere no route takes it and
 * the exception filter answers 405 with the same `Allow`.
 */
export function documentedMethodsOnly() {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const allow = req.method === 'OPTIONS' ? undefined : allowedMethods(req.path);
    next(allow && !allow.includes(req.method) ? new MethodNotAllowed() : undefined);
  };
}

/** The health probe and the metrics scrape: outside the query rules (docs/operations.md). */
const OPERATIONAL_PATHS: ReadonlySet<string> = new Set(['/health', '/metrics']);

/** One `name=value` of a raw query string, as sent (still percent-encoded). */
interface RawParam {
  rawName: string;
  rawValue: string;
}

/** `decodeURIComponent` after `+` as space (the query string's form encoding); undefined when not valid UTF-8 percent-encoding. */
function decodeQueryPart(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return undefined; // URIError: a `%` not followed by two hex digits, or bytes that are not UTF-8 (%ff, a cut %E4%B8)
  }
}

function rawParams(query: string): RawParam[] {
  return query
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 ? { rawName: part, rawValue: '' } : { rawName: part.slice(0, eq), rawValue: part.slice(eq + 1) };
    });
}

const refusal = (errors: FieldError[]) => contractRefusal(errors);

/**
 * The query-string rules of every route in the OpenAPI document, read from the raw query string before Express's parser
 * (which turns `%ff` into U+FFFD and a repeated name into an array), before authentication:
 * - every name and value is valid UTF-8 percent-encoding, else 400 `VALIDATION_FAILED` naming `query.<name>`, rule
 *   `percent-encoding` (new-user trial: `?q=%ff` answered 200, searching for U+FFFD);
 * - each parameter is given once, unless the route documents it as a list (`type: array`), else 400 naming
 *   `query.<name>`, rule `single-value` (`?page=1&page=2` read "Expected string", `?status=a&status=b` a list of codes);
 * - every method: a parameter the route does not document is 400 naming `query.<name>`, rule `unknown-field`. A GET
 *   route with filters says so through its own strict query schema (with every other error of the query at once); here
 *   the operations that take none say the same: every POST, PUT and DELETE, so a `?dryRun=true` on a withdrawal refuses
 *   rather than withdraws (trial: `POST …/withdraw?dryRun=true` withdrew).
 * Paths outside the document (the web app, the OpenAPI UI and document) and the operational probes (`/health`,
 * `/metrics`) are left alone. Names repeated back are bounded (echo). docs/api.md, Input rules.
 */
export function documentedQueryOnly() {
  return (req: Request, _res: Response, next: NextFunction): void => {
    // Probes and scrapers are not the API's callers: an orchestrator or Prometheus adding a parameter must not fail.
    if (OPERATIONAL_PATHS.has(req.path)) return next();
    const question = req.originalUrl.indexOf('?');
    if (question < 0) return next();
    // The documented path the request is (the most concrete match, as allowedMethods reads it).
    const match = table.find((r) => r.pattern.test(req.path));
    if (!match) return next(); // no route: 404 as usual
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const operations = match.query.has(method) ? [match.query.get(method)!] : [];
    if (operations.length === 0) return next(); // no such method on the path: 405 as usual
    const lists = new Set(operations.flatMap((o) => [...o.lists]));
    // An operation without parameters takes none: every name given is unknown (that said, not its repetition).
    const takesNone = operations.every((o) => o.names.size === 0);
    const errors: FieldError[] = [];
    const seen = new Map<string, number>();
    for (const { rawName, rawValue } of rawParams(req.originalUrl.slice(question + 1))) {
      const name = decodeQueryPart(rawName);
      const field = `query.${echo(name ?? rawName)}`;
      if (name === undefined || decodeQueryPart(rawValue) === undefined) {
        if (!errors.some((e) => e.field === field))
          errors.push({
            field,
            rule: 'percent-encoding',
            message: { zh: '不是有效的百分号编码 UTF-8 文本', en: 'Not valid percent-encoded UTF-8 text' },
          });
        continue;
      }
      const count = (seen.get(name) ?? 0) + 1;
      seen.set(name, count);
      if (count === 2 && !takesNone && !lists.has(name))
        errors.push({ field, rule: 'single-value', message: { zh: '此参数只能给出一次', en: 'This parameter may be given only once' } });
    }
    if (takesNone)
      for (const n of seen.keys()) {
        const field = `query.${echo(n)}`;
        if (!errors.some((e) => e.field === field))
          errors.push({ field, rule: 'unknown-field', message: { zh: '不允许的字段', en: 'Field not allowed' } });
      }
    if (errors.length > 0) return next(refusal(errors));
    next();
  };
}
