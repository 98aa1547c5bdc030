import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { ConfigError, loadConfig } from './config';
import {
  AesGcmPayloadCodec,
  DEV_PAYLOAD_KEYS_FILE,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  parsePayloadKeys,
  PayloadKeyring,
  resolvePayloadKeys,
} from './payload-codec';
import { temporalConnectionOptions, temporalDataConverter } from './temporal-connection';

const key = () => randomBytes(32).toString('base64');
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
const PASSPORT = { passportNo: 'PE1234567', name: '张三' };

describe('AesGcmPayloadCodec', () => {
  const k1 = `k1:${key()}`;
  const k2 = `k2:${key()}`;
  const codecOf = (keys: string) => new AesGcmPayloadCodec(new PayloadKeyring(parsePayloadKeys(keys, 'PAYLOAD_KEYS')));

  it('encrypts with the newest key, names it in the metadata, and leaves no cleartext', async () => {
    const payload = defaultPayloadConverter.toPayload(PASSPORT);
    const [encrypted] = await codecOf(`${k1},${k2}`).encode([payload]);
    expect(text(encrypted!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted!.metadata![KEY_ID_METADATA])).toBe('k2');
    expect(Buffer.from(encrypted!.data!).includes('PE1234567')).toBe(false);
    expect(Buffer.from(encrypted!.data!).includes(Buffer.from('张三'))).toBe(false);
  });

  it('rotation: a payload encrypted under k1 still decrypts once k2 is added, and not once k1 is retired', async () => {
    const [old] = await codecOf(k1).encode([defaultPayloadConverter.toPayload(PASSPORT)]);
    const [decoded] = await codecOf(`${k1},${k2}`).decode([old!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(PASSPORT);
    await expect(codecOf(k2).decode([old!])).rejects.toThrow(/unknown key "k1"/);
  });

  it('passes unencrypted payloads through (histories recorded before encryption)', async () => {
    const plain = defaultPayloadConverter.toPayload({ a: 1 });
    expect(await codecOf(k1).decode([plain])).toEqual([plain]);
  });

  it('refuses tampered data and a swapped key id', async () => {
    const codec = codecOf(`${k1},${k2}`);
    const [enc] = await codec.encode([defaultPayloadConverter.toPayload(PASSPORT)]);
    const data = Buffer.from(enc!.data!);
    data[20]! ^= 1;
    await expect(codec.decode([{ ...enc!, data }])).rejects.toThrow(/failed authentication/);
    const swapped = { ...enc!, metadata: { ...enc!.metadata, [KEY_ID_METADATA]: Buffer.from('k1') } };
    await expect(codec.decode([swapped])).rejects.toThrow(/failed authentication/);
  });
});

describe('failure converter', () => {
  it('moves a failure message (which can name a member) into an encoded payload that the codec encrypts', async () => {
    // Loaded as clients and workers load it (by path, as the workflow bundle does).
    const { failureConverter } = loadDataConverter(
      temporalDataConverter({ payloadKeys: `k:${key()}`, nodeEnv: 'production', dataDir: '/nonexistent' }),
    );
    const failure = failureConverter.errorToFailure(
      ApplicationFailure.create({ type: 'RULE_VIOLATION', message: '成员 张三 重复 / Member 张三 is listed twice' }),
      defaultPayloadConverter,
    );
    expect(failure.message).toBe('Encoded failure');
    expect(JSON.stringify(failure)).not.toContain('张三');
    const codec = new AesGcmPayloadCodec(new PayloadKeyring(parsePayloadKeys(`k:${key()}`, 'PAYLOAD_KEYS')));
    const [encrypted] = await codec.encode([failure.encodedAttributes!]);
    expect(Buffer.from(encrypted!.data!).includes(Buffer.from('张三'))).toBe(false);
    const [decoded] = await codec.decode([encrypted!]);
    const back = failureConverter.failureToError({ ...failure, encodedAttributes: decoded }, defaultPayloadConverter);
    expect(back.message).toContain('Member 张三 is listed twice');
  });
});

describe('parsePayloadKeys', () => {
  it('reads id:base64 lists, JSON objects and JSON arrays, oldest first', () => {
    const a = key();
    const b = key();
    for (const t of [
      `a:${a}\n# comment\nb:${b}`,
      `a:${a},b:${b}`,
      JSON.stringify({ a, b }),
      JSON.stringify([
        { id: 'a', key: a },
        { id: 'b', key: b },
      ]),
    ]) {
      const ring = new PayloadKeyring(parsePayloadKeys(t, 'PAYLOAD_KEYS'));
      expect(ring.keys.map((k) => k.id)).toEqual(['a', 'b']);
      expect(ring.current.id).toBe('b');
    }
  });

  it('names the variable and the rule, never the key material', () => {
    const short = randomBytes(16).toString('base64');
    const attempt = () => parsePayloadKeys(`good:${key()},bad:${short},bad id:${key()},good:${key()}`, 'PAYLOAD_KEYS');
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
      } catch (err) {
        return (err as ConfigError).problems.join('\n');
      }
      return '';
    })();
    expect(message).toMatch(/PAYLOAD_KEYS: key "bad" must be 32 bytes in base64/);
    expect(message).toMatch(/PAYLOAD_KEYS: key id "bad id" must be/);
    expect(message).toMatch(/key id "good" is listed twice/);
    expect(message).not.toContain(short);
    expect(() => parsePayloadKeys('{nope', 'PAYLOAD_KEYS_FILE')).toThrow(/PAYLOAD_KEYS_FILE: is not valid JSON/);
  });
});

describe('resolvePayloadKeys', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'df-keys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('development: creates a key file in DATA_DIR with mode 0600 once, and keeps it', () => {
    const first = resolvePayloadKeys({ nodeEnv: 'development', dataDir: dir });
    const file = join(dir, DEV_PAYLOAD_KEYS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = resolvePayloadKeys({ nodeEnv: 'development', dataDir: dir });
    expect(again.current.key.equals(first.current.key)).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain(first.current.id);
  });

  // Any NODE_ENV other than development/test is refused by loadConfig itself (issue 13.1).
  it('NODE_ENV=production refuses to start without keys', () => {
    expect(() => resolvePayloadKeys({ nodeEnv: 'production', dataDir: dir })).toThrow(/PAYLOAD_KEYS: is required when NODE_ENV=/);
  });

  it('reads PAYLOAD_KEYS_FILE', () => {
    const file = join(dir, 'keys');
    writeFileSync(file, `prod-2026-11:${key()}\n`);
    expect(resolvePayloadKeys(loadConfig({ NODE_ENV: 'production', PAYLOAD_KEYS_FILE: file })).current.id).toBe('prod-2026-11');
  });
});

describe('Temporal connection config', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'df-tls-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('plain by default; TLS with CA, client pair and server name from files; API key implies TLS', () => {
    for (const f of ['ca.pem', 'client.pem', 'client.key', 'api-key'])
      writeFileSync(join(dir, f), f === 'api-key' ? 'secret-key\n' : `-- ${f} --`);
    expect(temporalConnectionOptions({ ...loadConfig({}), temporalAddress: 'h:7233' })).toEqual({ address: 'h:7233' });
    const mtls = loadConfig({
      TEMPORAL_TLS_CA_FILE: join(dir, 'ca.pem'),
      TEMPORAL_TLS_CERT_FILE: join(dir, 'client.pem'),
      TEMPORAL_TLS_KEY_FILE: join(dir, 'client.key'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    const options = temporalConnectionOptions({ ...mtls, temporalAddress: 'h:7233' });
    expect(options.tls?.serverNameOverride).toBe('temporal.internal');
    expect(options.tls?.serverRootCACertificate?.toString()).toBe('-- ca.pem --');
    expect(options.tls?.clientCertPair?.crt.toString()).toBe('-- client.pem --');
    const cloud = loadConfig({ TEMPORAL_API_KEY_FILE: join(dir, 'api-key') });
    expect(temporalConnectionOptions({ ...cloud, temporalAddress: 'ns.acct.tmprl.cloud:7233' })).toEqual({
      address: 'ns.acct.tmprl.cloud:7233',
      tls: {},
      apiKey: 'secret-key',
    });
  });

  it('names missing files and a certificate without its key', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT_FILE: join(dir, 'nope.pem') })).toThrow(
      /TEMPORAL_TLS_CERT_FILE \/ TEMPORAL_TLS_KEY_FILE: a client certificate needs its key[\s\S]*TEMPORAL_TLS_CERT_FILE: cannot read the file/,
    );
  });

  it('DATABASE_SSL becomes the sslmode of DATABASE_URL unless the URL has one', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/app', DATABASE_SSL: 'verify-full' }).databaseUrl).toBe(
      'postgres://u:p@db:5432/app?sslmode=verify-full',
    );
    expect(loadConfig({ DATABASE_URL: 'postgres://db/app?sslmode=disable', DATABASE_SSL: 'require' }).databaseUrl).toBe(
      'postgres://db/app?sslmode=disable',
    );
    expect(() => loadConfig({ DATABASE_SSL: 'on' })).toThrow(/DATABASE_SSL: must be disable, prefer/);
  });
});
