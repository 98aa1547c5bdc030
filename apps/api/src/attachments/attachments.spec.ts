import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { loadConfig, ConfigError } from '@df/runtime';
import { contentDisposition } from './content-disposition';
import { sniffMimeType } from './sniff';
import { LocalDiskStore, S3Store } from './storage';
import { UploadFieldsSchema } from './schemas';
import { parseOrThrow } from '../common/validation';
import type { DomainError } from '../common/errors';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('S3Store: the commands it sends (no S3 server runs here; docs/attachments.md says how it was tried by hand)', () => {
  const sent: unknown[] = [];
  const client = {
    send: async (cmd: unknown) => {
      sent.push(cmd);
      if (cmd instanceof GetObjectCommand) return { Body: { transformToByteArray: async () => new Uint8Array(Buffer.from('%PDF-1.4 x')) } };
      return {};
    },
  } as unknown as S3Client;
  const store = new S3Store(
    { kind: 's3', bucket: 'df-attachments', region: 'us-east-1', forcePathStyle: true, prefix: 'office/', endpoint: 'http://minio:9000' },
    client,
  );
  beforeEach(() => sent.splice(0));

  it('puts with the bucket, prefixed key, content type, length and the SHA-256 as ChecksumSHA256 (base64)', async () => {
    const body = Buffer.from('%PDF-1.4 hello');
    await store.put('cases/c1/a1-0123', body, 'application/pdf', sha(body));
    expect(sent).toHaveLength(1);
    const cmd = sent[0] as PutObjectCommand;
    expect(cmd).toBeInstanceOf(PutObjectCommand);
    expect(cmd.input).toMatchObject({
      Bucket: 'df-attachments',
      Key: 'office/cases/c1/a1-0123',
      ContentType: 'application/pdf',
      ContentLength: body.length,
      ChecksumSHA256: Buffer.from(sha(body), 'hex').toString('base64'),
    });
    expect(cmd.input.Body).toBe(body);
  });

  it('gets the object bytes and deletes by the same key', async () => {
    expect((await store.get('cases/c1/a1-0123')).toString()).toBe('%PDF-1.4 x');
    await store.delete('cases/c1/a1-0123');
    expect(sent.map((c) => (c as { constructor: { name: string } }).constructor.name)).toEqual(['GetObjectCommand', 'DeleteObjectCommand']);
    expect((sent[1] as DeleteObjectCommand).input).toEqual({ Bucket: 'df-attachments', Key: 'office/cases/c1/a1-0123' });
  });

  it('lists for the orphan sweep page by page (ListObjectsV2 under the prefix), keys without the prefix, odd keys dropped', async () => {
    const at = new Date('2026-11-01T00:00:00Z');
    const pages = [
      {
        Contents: [
          { Key: 'office/cases/c1/a-1', LastModified: at },
          { Key: 'office/cases/c1/../x', LastModified: at },
        ],
        IsTruncated: true,
        NextContinuationToken: 't2',
      },
      { Contents: [{ Key: 'office/cases/c2/b-2', LastModified: at }], IsTruncated: false },
    ];
    const listing = new S3Store({ kind: 's3', bucket: 'df-attachments', region: 'us-east-1', forcePathStyle: true, prefix: 'office/' }, {
      send: async (cmd: unknown) => (sent.push(cmd), pages.shift()),
    } as unknown as S3Client);
    const keys: string[] = [];
    for await (const page of listing.list('cases/')) keys.push(...page.map((o) => `${o.key}@${o.modifiedAt.toISOString()}`));
    expect(keys).toEqual(['cases/c1/a-1@2026-11-01T00:00:00.000Z', 'cases/c2/b-2@2026-11-01T00:00:00.000Z']);
    expect(sent.map((c) => (c as ListObjectsV2Command).input)).toEqual([
      { Bucket: 'df-attachments', Prefix: 'office/cases/', ContinuationToken: undefined },
      { Bucket: 'df-attachments', Prefix: 'office/cases/', ContinuationToken: 't2' },
    ]);
  });

  it('refuses keys that could leave their place', async () => {
    await expect(store.put('../etc/passwd', Buffer.from('x'), 'application/pdf', sha(Buffer.from('x')))).rejects.toThrow(
      /invalid storage key/,
    );
    expect(sent).toHaveLength(0);
  });
});

describe('LocalDiskStore', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'df-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes whole files (no temporary file left), reads them back, deletes them; a missing key deletes quietly', async () => {
    const store = new LocalDiskStore(dir);
    const body = Buffer.from('%PDF-1.4 body');
    await store.put('cases/c1/a1-ff', body);
    expect(readFileSync(join(dir, 'cases', 'c1', 'a1-ff'))).toEqual(body);
    expect(readdirSync(join(dir, 'cases', 'c1'))).toEqual(['a1-ff']);
    expect(await store.get('cases/c1/a1-ff')).toEqual(body);
    await store.delete('cases/c1/a1-ff');
    expect(existsSync(join(dir, 'cases', 'c1', 'a1-ff'))).toBe(false);
    await expect(store.delete('cases/c1/a1-ff')).resolves.toBeUndefined();
    await expect(store.put('cases/../../x', body)).rejects.toThrow(/invalid storage key/);
  });
});

describe('sniffMimeType: by content, never by name or claim', () => {
  it.each([
    ['PDF', Buffer.from('%PDF-1.7\n...'), 'application/pdf'],
    ['PNG', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'image/png'],
    ['JPEG', Buffer.from('ffd8ffe000104a464946000101', 'hex'), 'image/jpeg'],
    ['plain text', Buffer.from('hello, this is not a PDF'), undefined],
    ['a ZIP (e.g. .docx)', Buffer.from('504b030414000600', 'hex'), undefined],
    ['an executable', Buffer.from('7f454c46020101000000', 'hex'), undefined],
  ])('%s', (_what, bytes, want) => {
    expect(sniffMimeType(bytes)).toBe(want);
  });
});

describe('contentDisposition (RFC 6266 / RFC 5987)', () => {
  it('gives an ASCII fallback and the UTF-8 name percent-encoded in filename*', () => {
    expect(contentDisposition('邀请函（美国）.pdf')).toBe(
      `attachment; filename="_______.pdf"; filename*=UTF-8''${encodeURIComponent('邀请函（美国）.pdf')}`,
    );
    expect(contentDisposition(`it's (final) "v2".pdf`)).toBe(
      `attachment; filename="it's (final) _v2_.pdf"; filename*=UTF-8''it%27s%20%28final%29%20%22v2%22.pdf`,
    );
  });
});

describe('attachment configuration (libs/runtime/src/config.ts)', () => {
  it('defaults to local disk under DATA_DIR with 10 MiB', () => {
    const c = loadConfig({ DATA_DIR: '/srv/df' });
    expect(c.attachments).toEqual({ maxBytes: 10 * 1024 * 1024, storage: { kind: 'local', dir: '/srv/df/attachments' } });
  });

  it('uses S3 when S3_BUCKET is set: path-style with an endpoint, the prefix ends with a slash', () => {
    const c = loadConfig({
      S3_BUCKET: 'df-attachments',
      S3_ENDPOINT: 'http://minio:9000',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_PREFIX: 'office',
      ATTACHMENT_MAX_BYTES: '2048',
    });
    expect(c.attachments).toEqual({
      maxBytes: 2048,
      storage: {
        kind: 's3',
        bucket: 'df-attachments',
        region: 'us-east-1',
        endpoint: 'http://minio:9000',
        credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
        forcePathStyle: true,
        prefix: 'office/',
      },
    });
  });

  it('refuses S3 settings without a bucket, half a key pair, a bad bucket name, naming the variable (secret hidden)', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    };
    expect(problems({ S3_ENDPOINT: 'http://minio:9000' })).toEqual([expect.stringMatching(/^S3_BUCKET: is required when S3_ENDPOINT/)]);
    expect(problems({ S3_BUCKET: 'ok-bucket', S3_ACCESS_KEY_ID: 'id' })).toEqual([
      expect.stringMatching(/^S3_ACCESS_KEY_ID \/ S3_SECRET_ACCESS_KEY/),
    ]);
    expect(problems({ S3_BUCKET: 'Bad_Bucket' })).toEqual([expect.stringMatching(/^S3_BUCKET: must be an S3 bucket name/)]);
    expect(problems({ ATTACHMENT_MAX_BYTES: '12' })[0]).toMatch(/^ATTACHMENT_MAX_BYTES/);
    expect(problems({ S3_BUCKET: 'ok-bucket', S3_SECRET_ACCESS_KEY: 'x' }).join()).not.toContain('"x"');
  });
});

describe("the upload's stepKey field: the step key of a path's rule (one home, STEP_KEY_PATTERN)", () => {
  const refusal = (stepKey: string) => {
    try {
      parseOrThrow(UploadFieldsSchema, { kind: 'other', stepKey });
    } catch (err) {
      return (err as DomainError).extras.errors?.map((e) => [e.field, e.rule]);
    }
    return undefined;
  };
  it('a line break or tab is single-line, as in a path (twenty-fourth check: a trailing tab read 422 known-step); another shape format', () => {
    expect(refusal('A03\t')).toEqual([['stepKey', 'single-line']]);
    expect(refusal('A03:US\n')).toEqual([['stepKey', 'single-line']]);
    expect(refusal('a03')).toEqual([['stepKey', 'format']]);
    // Every step key a case has, the APEC process's too (its codes are not all a capital and two digits).
    for (const key of ['A03:US', 'B07', 'D13:m1:US', 'K06:m1', 'C05:m2'])
      expect(parseOrThrow(UploadFieldsSchema, { kind: 'other', stepKey: key })).toEqual({ kind: 'other', stepKey: key });
  });
});
