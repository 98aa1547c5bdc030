import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { type AppConfig, ConfigError } from './config';

/** `metadata.encoding` of an encrypted payload (the value Temporal's own encryption samples use). */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata entry naming the key a payload was encrypted with. */
export const KEY_ID_METADATA = 'encryption-key-id';
/** File name of the development key file in DATA_DIR. */
export const DEV_PAYLOAD_KEYS_FILE = 'payload-keys';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One AES-256 key: `id` goes into every payload it encrypts, `key` is 32 bytes. */
export interface PayloadKey {
  id: string;
  key: Buffer;
}

/** The keys of a deployment, oldest first: the last one encrypts, all of them decrypt. */
export class PayloadKeyring {
  private readonly byId: Map<string, Buffer>;

  constructor(readonly keys: readonly PayloadKey[]) {
    if (keys.length === 0) throw new ConfigError(['PAYLOAD_KEYS: at least one key is required']);
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** The key new payloads are encrypted with: the newest (last listed). */
  get current(): PayloadKey {
    return this.keys[this.keys.length - 1]!;
  }

  key(id: string): Buffer | undefined {
    return this.byId.get(id);
  }
}

/**
 * Parses key text, in any of three shapes (ids: letters, digits, `.`, `_`, `-`; keys: base64 of 32 bytes):
 * `k1:BASE64,k2:BASE64` (commas or new lines; `#` starts a comment line), `{"k1":"BASE64","k2":"BASE64"}`,
 * or `[{"id":"k1","key":"BASE64"}]`. Order is age: the last key is the newest. Throws ConfigError naming
 * `source` and the rule, never the key material.
 */
export function parsePayloadKeys(text: string, source: string): PayloadKey[] {
  const trimmed = text.trim();
  let entries: Array<[string, unknown]>;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      throw new ConfigError([`${source}: is not valid JSON (expected {"id":"base64 key"} or [{"id":"...","key":"..."}])`]);
    }
    entries = Array.isArray(json)
      ? json.map((e: unknown, i) => {
          const o = (e ?? {}) as { id?: unknown; key?: unknown };
          return [typeof o.id === 'string' ? o.id : `#${i}`, o.key] as [string, unknown];
        })
      : Object.entries(json as Record<string, unknown>);
  } else {
    entries = trimmed
      .split(/[,\n]/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => {
        const colon = l.indexOf(':');
        return colon < 0 ? [l.length > 8 ? '(no id)' : l, undefined] : [l.slice(0, colon).trim(), l.slice(colon + 1).trim()];
      });
  }
  const problems: string[] = [];
  const keys: PayloadKey[] = [];
  for (const [id, value] of entries) {
    if (!KEY_ID.test(id)) {
      problems.push(
        `${source}: key id ${JSON.stringify(id.slice(0, 70))} must be 1-64 letters, digits, '.', '_' or '-' (format id:base64key)`,
      );
      continue;
    }
    const key = typeof value === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, 'base64') : undefined;
    if (!key || key.length !== 32) {
      problems.push(`${source}: key "${id}" must be 32 bytes in base64 (e.g. openssl rand -base64 32)`);
      continue;
    }
    if (keys.some((k) => k.id === id)) problems.push(`${source}: key id "${id}" is listed twice`);
    keys.push({ id, key });
  }
  if (keys.length === 0 && problems.length === 0) problems.push(`${source}: no key found`);
  if (problems.length > 0) throw new ConfigError(problems);
  return keys;
}

/**
 * The payload keys of this program: PAYLOAD_KEYS, else PAYLOAD_KEYS_FILE, else (development and test only)
 * DATA_DIR/payload-keys, created with one random key (mode 0600) on first start, like the dev JWT secret.
 * Any other NODE_ENV without keys is refused (ConfigError).
 */
export function resolvePayloadKeys(config: Pick<AppConfig, 'payloadKeys' | 'payloadKeysFile' | 'nodeEnv' | 'dataDir'>): PayloadKeyring {
  if (config.payloadKeys) return new PayloadKeyring(parsePayloadKeys(config.payloadKeys, 'PAYLOAD_KEYS'));
  if (config.payloadKeysFile)
    return new PayloadKeyring(parsePayloadKeys(readFileSync(config.payloadKeysFile, 'utf8'), 'PAYLOAD_KEYS_FILE'));
  if (config.nodeEnv !== 'development' && config.nodeEnv !== 'test')
    throw new ConfigError([
      `PAYLOAD_KEYS: is required when NODE_ENV=${config.nodeEnv} (or PAYLOAD_KEYS_FILE; see docs/security.md "Key management")`,
    ]);
  const file = join(config.dataDir, DEV_PAYLOAD_KEYS_FILE);
  ensureDevKeyFile(file);
  return new PayloadKeyring(parsePayloadKeys(readFileSync(file, 'utf8'), file));
}

/** Creates the development key file once; linking a finished temp file makes concurrent first starts (API and worker) agree. */
function ensureDevKeyFile(file: string): void {
  try {
    readFileSync(file);
    return;
  } catch {
    // not there yet
  }
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const id = `dev-${new Date().toISOString().slice(0, 10)}`;
  writeFileSync(
    temp,
    `# Development payload encryption key (delegation-flow). Never use in production; see docs/security.md.\n${id}:${randomBytes(32).toString('base64')}\n`,
    { mode: 0o600 },
  );
  chmodSync(temp, 0o600);
  try {
    linkSync(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * Encrypts every Temporal payload with AES-256-GCM under the keyring's newest key. The encrypted payload's
 * data is `iv (12 bytes) | ciphertext | tag (16 bytes)` of the whole original Payload (protobuf), its
 * metadata `encoding: binary/encrypted` and `encryption-key-id: <id>` (the id is also the GCM associated
 * data, so it cannot be swapped). Decoding passes unencrypted payloads through (histories recorded before
 * encryption), and throws on an unknown key id or a payload that fails authentication.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keyring: PayloadKeyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keyring.current;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(id, 'utf8'));
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: encoder.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: encoder.encode(id) }, data };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload, index) => {
      const encoding = payload.metadata?.encoding;
      if (!encoding || decoder.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
      const idBytes = payload.metadata?.[KEY_ID_METADATA];
      const id = idBytes ? decoder.decode(idBytes) : '';
      const key = this.keyring.key(id);
      if (!key)
        throw new PayloadKeyError(
          `payload encrypted with unknown key "${id}": add that key to PAYLOAD_KEYS (older keys must stay until their cases are gone)`,
          index,
          'unknown-key',
        );
      const data = payload.data ?? new Uint8Array();
      if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadKeyError(`encrypted payload (key "${id}") is too short`, index, 'too-short');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(id, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new PayloadKeyError(
          `encrypted payload (key "${id}") failed authentication: wrong key material or tampered data`,
          index,
          'authentication',
        );
      }
      const decoded = temporal.api.common.v1.Payload.decode(plain);
      return { metadata: decoded.metadata, data: decoded.data };
    });
  }
}

/**
 * A payload this process cannot decrypt: `index` in the batch, and why (`unknown-key`: no key of PAYLOAD_KEYS has its
 * id; `too-short`: no room for the IV and the tag; `authentication`: wrong key material or tampered data). The message
 * is the operator's (logs), naming the key id; a client's answer says what `kind` says, without echoing the id.
 */
export class PayloadKeyError extends Error {
  override name = 'PayloadKeyError';
  constructor(
    message: string,
    readonly index = 0,
    readonly kind: 'unknown-key' | 'too-short' | 'authentication' = 'authentication',
  ) {
    super(message);
  }
}
