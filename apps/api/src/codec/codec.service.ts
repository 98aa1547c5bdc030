import { Inject, Injectable } from '@nestjs/common';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { AesGcmPayloadCodec, PayloadKeyError, resolvePayloadKeys, type ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import { domainError } from '../common/errors';
import { JsonLogger } from '../common/json-logger';
import { maskForViewer, type Viewer } from '../common/masking';
import { parseOrThrow } from '../common/validation';
import { formatMessage } from '../common/zod-text';

// Proto3 JSON of temporal.api.common.v1.Payload: bytes as base64 (standard or URL-safe alphabet). Lengths are in
// base64 characters. The whole body is within the API's JSON limit (100 KiB, bootstrap.ts MAX_BODY_BYTES; 413
// beyond); these bounds make the contract say it: data up to that limit less the envelope, a metadata value (an
// encoding, a key id) 1 KiB.
export const CODEC_LIMITS = { payloads: 10_000, dataChars: 100 * 1024 - 64, metadataEntries: 16, metadataChars: 1024 } as const;
const base64 = (max: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, formatMessage('须为 base64 编码', 'must be base64'))
    .max(max);

/** The body of both codec routes (the Temporal remote codec protocol): unknown fields refused, as every body. */
export const CodecBodySchema = z
  .strictObject({
    // Proto3 JSON leaves an empty list out: the CLI sends `{}` for a query without arguments.
    payloads: z
      .array(
        z.strictObject({
          metadata: z
            .record(z.string().max(256), base64(CODEC_LIMITS.metadataChars))
            .refine((m) => Object.keys(m).length <= CODEC_LIMITS.metadataEntries, {
              message: `At most ${CODEC_LIMITS.metadataEntries} metadata entries`,
              params: { zh: `元数据最多${CODEC_LIMITS.metadataEntries}项`, rule: 'max' },
            })
            .optional()
            .meta({ maxProperties: CODEC_LIMITS.metadataEntries }),
          data: base64(CODEC_LIMITS.dataChars).optional(),
        }),
      )
      .max(CODEC_LIMITS.payloads)
      .default([]),
  })
  .meta({
    id: 'CodecPayloads',
    description:
      'Temporal payloads in proto3 JSON: metadata values and data base64-encoded. At most 10 000 payloads, data at most 102 336 base64 characters, metadata at most 16 entries of at most 1 024 characters; the body at most 100 KiB; unknown fields refused (400 naming them).',
    // json/plain "SE1234567" (decoded form).
    example: { payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'IlNFMTIzNDU2NyI=' }] },
  });
export type CodecBody = z.output<typeof CodecBodySchema>;

type JsonPayload = CodecBody['payloads'][number];

const toPayload = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** A json/plain payload with the personal data the viewer may not see masked (other encodings as they are). */
function maskedPayload(p: Payload, viewer: Viewer | undefined): Payload {
  if (Buffer.from(p.metadata?.encoding ?? new Uint8Array()).toString() !== 'json/plain') return p;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(p.data ?? new Uint8Array()).toString('utf8'));
  } catch {
    return p;
  }
  return { ...p, data: Buffer.from(JSON.stringify(maskForViewer(viewer, value)), 'utf8') };
}

/** Characters of an undecryptable payload's reason the log keeps (a key id is whatever the client sent). */
const LOGGED_REASON_MAX = 300;

/** What a client is told of a payload it sent that cannot be decrypted (PayloadKeyError's kind): 422 naming the field. */
const UNDECRYPTABLE: Record<PayloadKeyError['kind'], { field: string; rule: string; zh: string; en: string }> = {
  'unknown-key': {
    field: 'metadata.encryption-key-id',
    rule: 'known-key',
    zh: '加密所用的密钥不在本系统的密钥中',
    en: 'Encrypted under a key this deployment does not hold',
  },
  'too-short': { field: 'data', rule: 'encrypted', zh: '数据过短，不是加密载荷', en: 'Too short to be an encrypted payload' },
  authentication: {
    field: 'data',
    rule: 'authentic',
    zh: '无法通过校验：密钥不符或数据被篡改',
    en: 'Fails authentication: wrong key or tampered data',
  },
};

/**
 * 422 INVALID_REQUEST for a payload that cannot be decrypted, naming `payloads[i].<field>` and the rule, in both
 * languages, without echoing what was sent (new-user trial: the key id came back whole, 700 characters, inside a
 * Chinese message in English naming the operator's setting). The operator's message stays in the logs.
 */
function undecryptable(err: PayloadKeyError) {
  const u = UNDECRYPTABLE[err.kind];
  const field = `payloads[${err.index}].${u.field}`;
  return domainError(
    'INVALID_REQUEST',
    `第 ${err.index + 1} 个载荷无法解密：${u.zh}`,
    `Payload ${err.index + 1} cannot be decrypted: ${u.en}`,
    {
      errors: [{ field, rule: u.rule, message: { zh: u.zh, en: u.en } }],
    },
  );
}

/**
 * The remote codec of the Temporal Web UI and CLI: the same AES-256-GCM codec as the worker and the
 * API's client, so a payload decodes here exactly when a worker could decode it.
 */
@Injectable()
export class CodecService {
  private readonly codec: PayloadCodec;

  constructor(
    @Inject(API_CONFIG) private readonly config: ServiceConfig,
    private readonly logger: JsonLogger,
  ) {
    this.codec = new AesGcmPayloadCodec(resolvePayloadKeys(config));
  }

  /**
   * Decodes (or encodes) a batch of payloads. Throws 400 VALIDATION_FAILED for a body that is not
   * `{ payloads: [...] }` or an X-Namespace other than this deployment's, 422 INVALID_REQUEST for a payload
   * under an unknown key or failing authentication.
   */
  async run(direction: 'encode' | 'decode', body: unknown, namespace: string | undefined, viewer?: Viewer): Promise<CodecBody> {
    if (namespace !== undefined && namespace !== this.config.temporalNamespace)
      throw domainError(
        'VALIDATION_FAILED',
        `请求头 X-Namespace 须为本系统的命名空间 ${this.config.temporalNamespace}`,
        `Header X-Namespace must be this deployment's namespace "${this.config.temporalNamespace}"`,
        {
          errors: [
            {
              field: 'headers.X-Namespace',
              rule: 'namespace',
              message: { zh: `须为 ${this.config.temporalNamespace}`, en: `Must be ${this.config.temporalNamespace}` },
            },
          ],
        },
      );
    const { payloads } = parseOrThrow(CodecBodySchema, body);
    try {
      const out = await this.codec[direction](payloads.map(toPayload));
      // What a decoded payload shows follows the one classification, as every API answer does: an FAO
      // officer reads the case's history in the Web UI or CLI with the personal data of their role only.
      return { payloads: out.map((p) => toJson(direction === 'decode' ? maskedPayload(p, viewer) : p)) };
    } catch (err) {
      if (err instanceof PayloadKeyError) {
        // The operator's words (which key id is missing), bounded: the id is the client's to send.
        this.logger.warn(`codec: ${err.message.slice(0, LOGGED_REASON_MAX)}`, 'CodecService');
        throw undecryptable(err);
      }
      throw err;
    }
  }
}
