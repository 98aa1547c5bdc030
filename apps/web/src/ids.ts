import { v4 } from 'uuid';

/**
 * A new random id (UUID v4), e.g. an Idempotency-Key. Not `crypto.randomUUID`: browsers give it only in a secure
 * context (HTTPS or localhost), and over plain HTTP on an office's own host name every page that made one was blank
 * (third trial); uuid draws from `crypto.getRandomValues`, which every context has.
 */
export const newId = (): string => v4();
