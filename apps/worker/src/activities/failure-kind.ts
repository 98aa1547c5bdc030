import { ApplicationFailure } from '@temporalio/common';
import { EventSequenceConflictError } from '@df/persistence';

/**
 * Which activity failures retrying can fix (issue 12 item 2). Transient — the connection lost, a
 * serialization failure or deadlock, the server shutting down or out of resources, a timeout — are
 * thrown as they are and Temporal retries them with backoff. Permanent — PostgreSQL refusing the data
 * itself (SQLSTATE class 22 data exception, 23 integrity constraint, 42 syntax or access rule, 54 program
 * limit) or an event sequence taken by another event — become a non-retryable ApplicationFailure of type
 * EVENT_STORE_REJECTED, which the workflow turns into an incident on the case.
 */
const PERMANENT_SQLSTATE_CLASSES = new Set(['22', '23', '42', '54']);

export const EVENT_STORE_REJECTED = 'EVENT_STORE_REJECTED';

/** The SQLSTATE of a PostgreSQL error (TypeORM's QueryFailedError carries the driver's code). */
export function sqlState(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | undefined;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.driverError?.code === 'string' ? e.driverError.code : undefined;
  return code && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function isPermanent(err: unknown): boolean {
  if (err instanceof EventSequenceConflictError) return true;
  const code = sqlState(err);
  return code !== undefined && PERMANENT_SQLSTATE_CLASSES.has(code.slice(0, 2));
}

/** Rethrows `err` as Temporal should see it: permanent as non-retryable EVENT_STORE_REJECTED, the rest unchanged. */
export function classified(err: unknown): never {
  if (!isPermanent(err)) throw err;
  const message = err instanceof Error ? err.message : String(err);
  const code = sqlState(err);
  throw ApplicationFailure.create({
    type: EVENT_STORE_REJECTED,
    message: code ? `PostgreSQL ${code}: ${message}` : message,
    nonRetryable: true,
    details: code ? [{ sqlState: code }] : [],
  });
}
