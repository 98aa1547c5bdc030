import { domainError } from './errors';
import type { JsonLogger } from './json-logger';

/**
 * Is this error PostgreSQL being unreachable (not a bad query)? Connection refused/reset/timed out, the pool's
 * connect timeout, a terminated connection, or SQLSTATE class 08 (connection exception), 57P01-57P03 (server
 * shutting down or starting), 53300 (too many connections). TypeORM wraps driver errors (driverError, cause).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (const e of chain(err)) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN'].includes(code)) return true;
    if (/^08/.test(code) || ['57P01', '57P02', '57P03', '53300'].includes(code)) return true;
    if (
      /Connection terminated|timeout exceeded when trying to connect|not queryable|Connection refused|the database system is (starting up|shutting down)/i.test(
        e.message ?? '',
      )
    )
      return true;
  }
  return false;
}

interface ErrLike {
  code?: unknown;
  message?: string;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown[];
}

function* chain(err: unknown): Generator<ErrLike> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0 && seen.size < 10) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const x = e as ErrLike;
    yield x;
    queue.push(x.driverError, x.cause, ...(Array.isArray(x.errors) ? x.errors : []));
  }
}

/**
 * Runs a rate limiter's store calls (rate-limiter-flexible on PostgreSQL), failing closed: an unreachable database is
 * rethrown (the filter's 503 DATABASE_UNAVAILABLE), any other store failure is logged as `failure.log` and answered
 * 503 DATABASE_UNAVAILABLE with `failure`'s message, so a limiter that cannot count never lets a request through.
 */
export async function failClosed<T>(
  work: () => Promise<T>,
  logger: JsonLogger,
  failure: { log: string; zh: string; en: string },
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isDatabaseUnavailable(err)) throw err;
    logger.event('error', failure.log, { error: String(err) });
    throw domainError('DATABASE_UNAVAILABLE', failure.zh, failure.en);
  }
}
