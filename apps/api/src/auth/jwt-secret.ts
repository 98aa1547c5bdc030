import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type AppConfig } from '@df/runtime';

export const JWT_SECRET_FILE = 'jwt-secret';

export interface JwtSecret {
  secret: string;
  /** env: JWT_SECRET; file: read from DATA_DIR/jwt-secret; generated: created there by this start. */
  source: 'env' | 'file' | 'generated';
  path?: string;
}

/**
 * The HS256 secret of the access tokens: JWT_SECRET, or outside production a random 256-bit secret
 * generated on first start and kept in `<dataDir>/jwt-secret` (mode 0600), so tokens survive restarts
 * and nothing about the secret can be guessed from the installation. Production without JWT_SECRET
 * throws ConfigError (a generated secret would differ between replicas and hosts).
 * Synchronous: it runs once while the module is built.
 */
export function resolveJwtSecret(config: Pick<AppConfig, 'jwtSecret' | 'nodeEnv' | 'dataDir'>): JwtSecret {
  if (config.jwtSecret) return { secret: config.jwtSecret, source: 'env' };
  if (config.nodeEnv === 'production') throw new ConfigError(['JWT_SECRET: is required when NODE_ENV=production']);
  const path = join(config.dataDir, JWT_SECRET_FILE);
  const existing = readSecret(path);
  if (existing) return { secret: existing, source: 'file', path };
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  // Written aside, then linked into place: link fails if another process won the race, and no reader
  // ever sees a half-written file.
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(temp);
  }
  const secret = readSecret(path);
  if (!secret) throw new ConfigError([`JWT_SECRET: the development secret file ${path} is empty or shorter than 32 characters`]);
  return { secret, source: 'generated', path };
}

/**
 * The HS256 secret as a KeyObject, made once at start. jsonwebtoken given a string first tries to parse it as a
 * public key (createPublicKey, which throws) and then makes a secret key, at every sign and verify: 6.6 % of the
 * API's CPU under the decision bench (docs/benchmarks.md). Same bytes (UTF-8, as jsonwebtoken encodes a string),
 * so the same tokens and the same verdicts.
 */
export function jwtKey(secret: JwtSecret): KeyObject {
  return createSecretKey(Buffer.from(secret.secret, 'utf8'));
}

function readSecret(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  // A copied or restored file may have lost its mode: the secret is readable by its owner only.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const secret = text.trim();
  if (secret.length < 32) throw new ConfigError([`JWT_SECRET: the development secret file ${path} is empty or shorter than 32 characters`]);
  return secret;
}
