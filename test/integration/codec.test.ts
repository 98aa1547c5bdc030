import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import request from 'supertest';
import type { WorkflowHandle } from '@temporalio/client';
import { delegationWorkflowId, progressQuery, type DelegationInput } from '@df/contracts';
import { ENCRYPTED_ENCODING, KEY_ID_METADATA, resolveTemporalCli } from '@df/runtime';
import {
  bearer,
  canonicalSubmission,
  createTestUsers,
  startTestApi,
  uniqueSuffix,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';
import { CODEC_LIMITS } from '../../apps/api/src/codec/codec.service';
import { drive } from '../support/drive';
import { caseInput } from '../support/factories';
import { startTestWorker, type TestWorker } from '../support/harness';

const run = promisify(execFile);

/** `temporal workflow show` as an operator runs it, JSON output; extra args e.g. the codec endpoint. */
async function show(workflowId: string, ...extra: string[]): Promise<string> {
  const cli = resolveTemporalCli();
  if (!cli) throw new Error('the Temporal CLI was not found (npm run tools)');
  const { stdout } = await run(
    cli.path,
    [
      'workflow',
      'show',
      '--workflow-id',
      workflowId,
      '--address',
      process.env.TEMPORAL_ADDRESS!,
      '--namespace',
      'default',
      '--output',
      'json',
      ...extra,
    ],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return stdout;
}

/** The CLI's output with every base64 `data` field decoded next to it: a JSON payload shows as base64 there. */
const readable = (out: string): string =>
  out + [...out.matchAll(/"data":\s*"([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8')).join('\n');

const utf8 = (b: unknown) => Buffer.from(b as Uint8Array).toString('utf8');

/**
 * Every payload of a history. Search attributes (indexed by the server), headers (the request id) and the
 * SDK core's patch markers (`patch-data`: `{"id": <patch name>, "deprecated": bool}`, written by the Rust core
 * without the payload codec) are not case data and not encrypted by design: they are left out.
 */
const NOT_CASE_DATA = new Set(['header', 'searchAttributes', 'patch-data']);
function caseDataPayloads(value: unknown, path = '', out: Array<{ path: string; encoding: string; keyId?: string }> = []) {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return out;
  const o = value as Record<string, unknown>;
  const metadata = o.metadata as Record<string, unknown> | undefined;
  if (metadata && typeof metadata === 'object' && 'encoding' in metadata) {
    out.push({ path, encoding: utf8(metadata.encoding), keyId: metadata[KEY_ID_METADATA] ? utf8(metadata[KEY_ID_METADATA]) : undefined });
    return out;
  }
  for (const [k, v] of Object.entries(o)) if (!NOT_CASE_DATA.has(k)) caseDataPayloads(v, `${path}.${k}`, out);
  return out;
}

describe('personal data in Temporal is encrypted; the codec endpoint decodes it for FAO officers only', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  let codecEndpoint: string;
  let workflowId: string;
  // Values of this test only, so a match can only come from this case.
  const passportNo = `SE${Math.floor(1_000_000 + Math.random() * 8_999_999)}`;
  const name = `测试${uniqueSuffix()}`;
  const personId = `staff-${uniqueSuffix()}`;
  const requestId = `codec-test-${uniqueSuffix()}`;

  beforeAll(async () => {
    worker = await startTestWorker({ workingDaySeconds: 1 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 1, codecCorsOrigins: ['http://localhost:8233'] });
    await api.app.listen(0, '127.0.0.1');
    codecEndpoint = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}/api/codec`;
    users = await createTestUsers(api);
    const member = {
      ...canonicalSubmission(users.unit).members[0]!,
      name,
      personId,
      passport: { inCustody: true, number: passportNo, expiresOn: '2031-06-30' },
    };
    const submission = canonicalSubmission(users.unit, { members: [member] });
    const res = await request(api.http)
      .post('/api/delegations')
      .set(bearer(users.tokens.organizer))
      .set('X-Request-Id', requestId)
      .send(submission)
      .expect(201);
    workflowId = res.body.workflowId;
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it('temporal workflow show: no passport number, name or person id in cleartext, every case payload encrypted', async () => {
    const out = readable(await show(workflowId));
    expect(out).toContain('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
    // Control: the request id travels in a plaintext header, and is found, so a cleartext value would be too.
    expect(out).toContain(requestId);
    for (const value of [passportNo, name, personId]) expect(out).not.toContain(value);
    const history = await worker.client.workflow.getHandle(workflowId).fetchHistory();
    const payloads = caseDataPayloads(history);
    expect(payloads.length).toBeGreaterThan(0);
    expect(payloads.filter((p) => p.encoding !== ENCRYPTED_ENCODING)).toEqual([]);
    // Search attributes stay free of personal data.
    const attributes = JSON.stringify((await worker.client.workflow.getHandle(workflowId).describe()).searchAttributes);
    for (const value of [passportNo, name, personId]) expect(attributes).not.toContain(value);
  });

  it('with --codec-endpoint and an FAO officer token, the CLI shows the values that officer may see (the one classification)', async () => {
    const out = readable(
      await show(workflowId, '--codec-endpoint', codecEndpoint, '--codec-auth', `Bearer ${users.tokens['passport-officer']}`),
    );
    for (const value of [passportNo, name, personId]) expect(out).toContain(value);
    // The FAO reviewer reads the history too, but passport numbers and person ids masked, as in the API.
    const reviewer = readable(
      await show(workflowId, '--codec-endpoint', codecEndpoint, '--codec-auth', `Bearer ${users.tokens['fao-reviewer']}`),
    );
    expect(reviewer).toContain(name);
    expect(reviewer).toContain(`${passportNo.slice(0, 2)}****${passportNo.slice(-3)}`);
    for (const value of [passportNo, personId]) expect(reviewer).not.toContain(value);
  });

  it('a non-FAO token gets 403, no token 401, from the endpoint and through the CLI', async () => {
    const [encrypted] = (
      await request(api.http)
        .post('/api/codec/encode')
        .set(bearer(users.tokens['passport-officer']))
        .send({
          payloads: [
            {
              metadata: { encoding: Buffer.from('json/plain').toString('base64') },
              data: Buffer.from(JSON.stringify(passportNo)).toString('base64'),
            },
          ],
        })
        .expect(200)
    ).body.payloads;
    // The APEC desk too (thirteenth trial): it reads the APEC processes only, and a payload does not say its process.
    for (const role of ['organizer', 'unit-leader', 'leader', 'manager', 'apec-desk'] as const) {
      const res = await request(api.http)
        .post('/api/codec/decode')
        .set(bearer(users.tokens[role]))
        .set('X-Namespace', 'default')
        .send({ payloads: [encrypted] });
      expect({ role, status: res.status, code: res.body.code }).toEqual({ role, status: 403, code: 'FORBIDDEN_ROLE' });
    }
    await request(api.http)
      .post('/api/codec/decode')
      .send({ payloads: [encrypted] })
      .expect(401);
    const cli = await show(workflowId, '--codec-endpoint', codecEndpoint, '--codec-auth', `Bearer ${users.tokens.organizer}`).then(
      (out) => ({ failed: false, out }),
      (err: { stdout?: string; stderr?: string }) => ({ failed: true, out: `${err.stdout ?? ''}${err.stderr ?? ''}` }),
    );
    expect(cli.failed).toBe(true);
    for (const value of [passportNo, name, personId]) expect(readable(cli.out)).not.toContain(value);
    // The officer gets the value back.
    const decoded = await request(api.http)
      .post('/api/codec/decode')
      .set(bearer(users.tokens['visa-officer']))
      .set('X-Namespace', 'default')
      .send({ payloads: [encrypted] })
      .expect(200);
    expect(Buffer.from(decoded.body.payloads[0].data, 'base64').toString()).toBe(JSON.stringify(passportNo));
  });

  it('names the field at fault: payloads not a list, bad base64, another namespace; an empty body is an empty list', async () => {
    const token = users.tokens['fao-clerk'];
    const notAList = await request(api.http).post('/api/codec/decode').set(bearer(token)).send({ payloads: 'x' }).expect(400);
    expect(notAList.body.errors[0].field).toBe('payloads');
    // Proto3 JSON omits an empty list (the CLI's query without arguments).
    expect((await request(api.http).post('/api/codec/encode').set(bearer(token)).send({}).expect(200)).body).toEqual({ payloads: [] });
    const badData = await request(api.http)
      .post('/api/codec/decode')
      .set(bearer(token))
      .send({ payloads: [{ data: 'not base64!' }] })
      .expect(400);
    expect(badData.body.errors[0].field).toBe('payloads[0].data');
    // Like every body: unknown fields at the root or in a payload are named, data is bounded (CODEC_LIMITS).
    const unknown = await request(api.http)
      .post('/api/codec/decode')
      .set(bearer(token))
      .send({ payloads: [{ data: '', extra: 1 }], namespace: 'default' })
      .expect(400);
    expect(unknown.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule]).sort()).toEqual([
      ['namespace', 'unknown-field'],
      ['payloads[0].extra', 'unknown-field'],
    ]);
    const tooLong = await request(api.http)
      .post('/api/codec/encode')
      .set(bearer(token))
      .send({ payloads: [{ data: 'A'.repeat(CODEC_LIMITS.dataChars + 4) }] })
      .expect(400);
    expect(tooLong.body.errors).toEqual([
      { field: 'payloads[0].data', rule: 'max', message: { zh: '最多102336个字符', en: 'At most 102336 character(s)' } },
    ]);
    const otherNs = await request(api.http)
      .post('/api/codec/decode')
      .set(bearer(token))
      .set('X-Namespace', 'someone-else')
      .send({ payloads: [] })
      .expect(400);
    expect(otherNs.body.errors[0].field).toBe('headers.X-Namespace');
    expect(otherNs.body.message.zh).toMatch(/X-Namespace/);
    // A payload that cannot be decrypted: 422 naming payloads[i] and the rule, in both languages, nothing sent echoed
    // (new-user trial: a key id `<script>…` + 700 characters came back whole, in a Chinese message in English naming
    // PAYLOAD_KEYS, at field `(request)`). The first payload, unencrypted, passes; the second is at fault.
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const plain = { metadata: { encoding: b64('json/plain') }, data: b64('"x"') };
    const encrypted = (keyId: string, data: Buffer) => ({
      metadata: { encoding: b64(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: b64(keyId) },
      data: data.toString('base64'),
    });
    const refused = async (payload: object) => {
      const res = await request(api.http)
        .post('/api/codec/decode')
        .set(bearer(token))
        .send({ payloads: [plain, payload] })
        .expect(422);
      expect(res.body.code).toBe('INVALID_REQUEST');
      expect(JSON.stringify(res.body)).not.toMatch(/script|KKKK|PAYLOAD_KEYS|retired/);
      expect(res.body.message.zh).not.toMatch(/[a-z]{4}/); // Chinese, not the operator's English
      return res.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule]);
    };
    expect(await refused(encrypted('<script>alert(1)</script>' + 'K'.repeat(700), randomBytes(40)))).toEqual([
      ['payloads[1].metadata.encryption-key-id', 'known-key'],
    ]);
    expect(await refused(encrypted('retired', randomBytes(40)))).toEqual([['payloads[1].metadata.encryption-key-id', 'known-key']]);
    const [sealed] = (
      await request(api.http)
        .post('/api/codec/encode')
        .set(bearer(token))
        .send({ payloads: [plain] })
        .expect(200)
    ).body.payloads as Array<{ metadata: Record<string, string>; data: string }>;
    const tampered = Buffer.from(sealed!.data, 'base64');
    tampered[tampered.length - 1]! ^= 1;
    expect(await refused({ ...sealed, data: tampered.toString('base64') })).toEqual([['payloads[1].data', 'authentic']]);
    expect(await refused({ ...sealed, data: randomBytes(8).toString('base64') })).toEqual([['payloads[1].data', 'encrypted']]);
  });

  it('CORS: the Web UI origin may call it from a browser (preflight without a token), other origins get no CORS headers', async () => {
    const preflight = await request(api.http)
      .options('/api/codec/decode')
      .set('Origin', 'http://localhost:8233')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type,x-namespace')
      .expect(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:8233');
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');
    const post = await request(api.http)
      .post('/api/codec/decode')
      .set('Origin', 'http://localhost:8233')
      .set(bearer(users.tokens['fao-director']))
      .send({ payloads: [] })
      .expect(200);
    expect(post.headers['access-control-allow-origin']).toBe('http://localhost:8233');
    const foreign = await request(api.http)
      .options('/api/codec/decode')
      .set('Origin', 'http://evil.example')
      .set('Access-Control-Request-Method', 'POST')
      .expect(204);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('key rotation', () => {
  const k1 = `k1-${randomBytes(3).toString('hex')}:${randomBytes(32).toString('base64')}`;
  const k2 = `k2-${randomBytes(3).toString('hex')}:${randomBytes(32).toString('base64')}`;
  const id = (k: string) => k.slice(0, k.indexOf(':'));
  let worker: TestWorker | undefined;
  afterAll(async () => {
    await worker?.stop();
  });

  it('a case started under key k1 still completes after k2 is added; new payloads use k2', async () => {
    worker = await startTestWorker({ payloadKeys: k1 });
    const taskQueue = worker.config.taskQueue;
    const input: DelegationInput = caseInput({ workingDaySeconds: 1 });
    const started = await worker.client.workflow.start('delegation', {
      taskQueue,
      workflowId: delegationWorkflowId(input.caseId),
      args: [input],
    });
    const awaitingB02 = (p: Awaited<ReturnType<WorkflowHandle['query']>>) =>
      (p as { steps: Array<{ key: string; status: string }> }).steps.some(
        (s) => s.key === 'B02' && ['awaiting', 'overdue'].includes(s.status),
      );
    await drive(started, input.facts.unit, { onSchedule: false, until: awaitingB02 });
    await worker.stop();
    worker = undefined;

    // The deployment adds k2 (newest last): the worker, with a cold cache, replays k1 history and goes on under k2.
    worker = await startTestWorker({ taskQueue, payloadKeys: `${k1},${k2}` });
    const handle = worker.client.workflow.getHandle(started.workflowId);
    await drive(handle, input.facts.unit, { onSchedule: false, until: (p) => p.status === 'completed', timeoutMs: 200_000 });
    expect(await handle.result()).toMatchObject({ status: 'completed' });
    expect((await handle.query(progressQuery)).caseId).toBe(input.caseId);

    const keyIds = new Set(caseDataPayloads(await handle.fetchHistory()).map((p) => p.keyId));
    expect([...keyIds].sort()).toEqual([id(k1), id(k2)].sort());
  });
});
