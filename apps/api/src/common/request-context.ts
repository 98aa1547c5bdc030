import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface RequestContext {
  requestId: string;
  userId?: string;
  role?: string;
}

/** Per-request context (request id, caller) for logs and for the Temporal client interceptor. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

export const currentRequestId = (): string | undefined => requestContext.getStore()?.requestId;

const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id when it is sane, else a new one. */
export function requestIdFrom(header: unknown): string {
  return typeof header === 'string' && VALID_ID.test(header) ? header : randomUUID();
}
