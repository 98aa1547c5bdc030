import { availableParallelism } from 'node:os';
import argon2 from 'argon2';
import bcrypt from 'bcrypt';

/**
 * argon2id parameters (OWASP Password Storage Cheat Sheet, 2025: m = 19 MiB, t = 2, p = 1). Both native
 * libraries hash on libuv's thread pool, never on the event loop, so sign-ins cannot stall other requests.
 */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

/**
 * Hashes running at once: one core fewer than the machine has (at least 1). The thread pool would run
 * four, which on a small machine takes every core from the event loop; queued sign-ins wait here instead.
 */
export const HASH_CONCURRENCY = Math.max(1, availableParallelism() - 1);

let running = 0;
const waiting: Array<() => void> = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= HASH_CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next in line (running stays the same), or free it.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/** A new argon2id hash (PHC string, ~97 characters). */
export function hashPassword(password: string): Promise<string> {
  return limited(() => argon2.hash(password, ARGON2_OPTIONS));
}

/**
 * Checks a password against a stored hash: argon2id, or a bcrypt hash written by earlier versions
 * (bcryptjs `$2a$`/`$2b$`, verified by the native bcrypt). Any other shape is a mismatch, never a throw.
 */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  try {
    if (hash.startsWith('$argon2')) return await limited(() => argon2.verify(hash, password));
    if (/^\$2[aby]\$/.test(hash)) return await limited(() => bcrypt.compare(password, hash));
  } catch {
    // A malformed stored hash: refuse rather than 500.
  }
  return false;
}

/** True when a verified hash should be replaced: bcrypt, or argon2 with other parameters than ARGON2_OPTIONS. */
export function needsRehash(hash: string): boolean {
  if (!hash.startsWith('$argon2id$')) return true;
  return argon2.needsRehash(hash, ARGON2_OPTIONS);
}
