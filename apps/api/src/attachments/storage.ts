import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AttachmentsConfig, S3StorageConfig } from '@df/runtime';

/**
 * Where attachment bytes live: local disk under DATA_DIR/attachments by default, S3-compatible object storage
 * (AWS S3, MinIO) when S3_BUCKET is set (libs/runtime/src/config.ts). Keys are made by the API
 * (`cases/<caseId>/<attachmentId>-<sha256 prefix>`), never from a client's file name.
 */
export interface AttachmentStore {
  readonly kind: 'local' | 's3';
  /** Stores the bytes under the key (replacing the same key's bytes: a retried upload writes the same content). */
  put(key: string, body: Buffer, contentType: string, sha256Hex: string): Promise<void>;
  /** The stored bytes; throws when missing. */
  get(key: string): Promise<Buffer>;
  /** Deletes the key; a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Every stored key under `prefix` (e.g. `cases/`) with when it was last written, in pages; for the orphan sweep. */
  list(prefix: string): AsyncIterable<StoredObject[]>;
}

export interface StoredObject {
  key: string;
  modifiedAt: Date;
}

const KEY_RE = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/;

const validKey = (key: string): boolean => KEY_RE.test(key) && !key.split('/').some((p) => p === '..' || p === '.');

function checkKey(key: string): void {
  if (!validKey(key)) throw new Error(`invalid storage key ${key}`);
}

/** Files under a directory; a put writes a temporary file and renames it, so a reader never sees half a file. */
export class LocalDiskStore implements AttachmentStore {
  readonly kind = 'local' as const;
  constructor(private readonly dir: string) {}

  private path(key: string): string {
    checkKey(key);
    const root = resolve(this.dir);
    const p = resolve(root, ...key.split('/'));
    if (!p.startsWith(root + sep)) throw new Error(`storage key ${key} leaves the attachment directory`);
    return p;
  }

  async put(key: string, body: Buffer): Promise<void> {
    const p = this.path(key);
    await mkdir(dirname(p), { recursive: true, mode: 0o700 });
    const tmp = join(dirname(p), `.${randomUUID()}.tmp`);
    try {
      await writeFile(tmp, body, { mode: 0o600, flag: 'wx' });
      await rename(tmp, p);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  get(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  /** The files under the prefix's directory, depth first, one page per directory; temporary files (`.…tmp`) are skipped. */
  async *list(prefix: string): AsyncIterable<StoredObject[]> {
    const root = resolve(this.dir);
    const walk = async function* (rel: string): AsyncIterable<StoredObject[]> {
      let entries;
      try {
        entries = await readdir(join(root, ...rel.split('/').filter(Boolean)), { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      const files: StoredObject[] = [];
      for (const e of entries) {
        if (e.name.startsWith('.')) continue;
        const key = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) yield* walk(key);
        else if (e.isFile() && validKey(key)) files.push({ key, modifiedAt: (await stat(join(root, ...key.split('/')))).mtime });
      }
      if (files.length > 0) yield files;
    };
    yield* walk(prefix.replace(/\/+$/, ''));
  }
}

/**
 * An S3 bucket through the AWS SDK v3. The upload sends the SHA-256 (base64) as ChecksumSHA256, so the server
 * refuses bytes damaged on the way; the download is verified again by the service.
 */
export class S3Store implements AttachmentStore {
  readonly kind = 's3' as const;
  constructor(
    private readonly config: S3StorageConfig,
    readonly client: S3Client = new S3Client({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.credentials ? { credentials: config.credentials } : {}),
      forcePathStyle: config.forcePathStyle,
    }),
  ) {}

  private key(key: string): string {
    checkKey(key);
    return `${this.config.prefix}${key}`;
  }

  async put(key: string, body: Buffer, contentType: string, sha256Hex: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.config.bucket,
        Key: this.key(key),
        Body: body,
        ContentType: contentType,
        ContentLength: body.length,
        ChecksumSHA256: Buffer.from(sha256Hex, 'hex').toString('base64'),
      }),
    );
  }

  async get(key: string): Promise<Buffer> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: this.key(key) }));
    if (!out.Body) throw new Error(`object ${key} has no body`);
    return Buffer.from(await out.Body.transformToByteArray());
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.key(key) }));
  }

  /** ListObjectsV2 under the configured prefix + `prefix`, 1,000 keys a page; keys given back without the configured prefix. */
  async *list(prefix: string): AsyncIterable<StoredObject[]> {
    let token: string | undefined;
    do {
      const out = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: `${this.config.prefix}${prefix}`, ContinuationToken: token }),
      );
      const page = (out.Contents ?? [])
        .filter((o): o is typeof o & { Key: string } => !!o.Key)
        .map((o) => ({ key: o.Key.slice(this.config.prefix.length), modifiedAt: o.LastModified ?? new Date(0) }))
        .filter((o) => validKey(o.key));
      if (page.length > 0) yield page;
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
  }
}

export function createAttachmentStore(config: AttachmentsConfig): AttachmentStore {
  return config.storage.kind === 's3' ? new S3Store(config.storage) : new LocalDiskStore(config.storage.dir);
}

/** Nest injection token of the AttachmentStore (one per API process, from the config read at start). */
export const ATTACHMENT_STORE = Symbol('ATTACHMENT_STORE');
