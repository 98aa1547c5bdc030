import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AttachmentOrphanSweeper } from '../../apps/api/src/attachments/orphan-sweeper.service';
import { ATTACHMENT_STORE, type AttachmentStore } from '../../apps/api/src/attachments/storage';
import { startTestWorker, type TestWorker } from '../support/harness';
import {
  bearer,
  binaryBody,
  canonicalSubmission,
  createTestUsers,
  startTestApi,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';
import { waitForStep } from '../support/api-flow';

const DAY_MS = 86_400_000;
const pdf = (text: string) => Buffer.from(`%PDF-1.4\n1 0 obj <<>> endobj\n% ${text}\n%%EOF\n`);
const sha16 = (b: Buffer) => createHash('sha256').update(b).digest('hex').slice(0, 16);

/**
 * The orphan sweep (docs/attachments.md): files no live case_attachments row names (an upload whose Update
 * answered 503 and was never retried leaves exactly such a file; a removal whose delete failed, a removed row's)
 * are deleted once older than ATTACHMENT_ORPHAN_GRACE_SECONDS; live attachments, young orphans and keys of
 * another shape stay. Real Temporal, PostgreSQL and local disk store.
 */
describe('attachment files without a live row are swept after the grace period', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  let dir: string;
  let caseId: string;

  const upload = (text: string) =>
    request(api.http)
      .post(`/api/delegations/${caseId}/attachments`)
      .set(bearer(users.tokens.organizer))
      .set('Idempotency-Key', randomUUID())
      .field('kind', 'other')
      .attach('file', pdf(text), { filename: `${text}.pdf`, contentType: 'application/pdf' })
      .expect(201);
  const pathOf = (key: string) => join(dir, ...key.split('/'));
  const age = (key: string, ms: number) => {
    const t = new Date(Date.now() - ms);
    utimesSync(pathOf(key), t, t);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'df-orphans-'));
    worker = await startTestWorker();
    api = await startTestApi({
      taskQueue: worker.config.taskQueue,
      attachments: { maxBytes: 64 * 1024, storage: { kind: 'local', dir } },
      attachmentOrphanGraceSeconds: 86_400,
      attachmentSweepIntervalSeconds: 0, // the test sweeps itself
    });
    users = await createTestUsers(api);
    caseId = (
      await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(canonicalSubmission(users.unit)).expect(201)
    ).body.caseId as string;
    await waitForStep(api, users.tokens.organizer, caseId, 'A02', ['awaiting', 'overdue']);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('deletes old orphans (a 503 upload never retried, a removed attachment whose file stayed), keeps live files, young orphans and foreign keys', async () => {
    const store = api.app.get<AttachmentStore>(ATTACHMENT_STORE);
    const sweeper = api.app.get(AttachmentOrphanSweeper);

    // A live attachment, two days old on disk: kept.
    const live = (await upload('live')).body.attachment as { id: string; sha256: string };
    const liveKey = `cases/${caseId}/${live.id}-${live.sha256.slice(0, 16)}`;
    expect(existsSync(pathOf(liveKey))).toBe(true);
    age(liveKey, 2 * DAY_MS);

    // A removed attachment whose file is still there (its delete failed): an orphan.
    const removed = (await upload('removed')).body.attachment as { id: string; sha256: string };
    const removedKey = `cases/${caseId}/${removed.id}-${removed.sha256.slice(0, 16)}`;
    await request(api.http)
      .delete(`/api/delegations/${caseId}/attachments/${removed.id}`)
      .set(bearer(users.tokens.organizer))
      .set('Idempotency-Key', randomUUID())
      .expect(200);
    await store.put(removedKey, pdf('removed'), 'application/pdf', '0'.repeat(64));
    age(removedKey, 2 * DAY_MS);

    // What an upload leaves when its attach Update answered 503 and the client never retried: a file, no row.
    const bytes = pdf('never recorded');
    const oldOrphan = `cases/${caseId}/${randomUUID()}-${sha16(bytes)}`;
    const youngOrphan = `cases/${caseId}/${randomUUID()}-${sha16(bytes)}`;
    await store.put(oldOrphan, bytes, 'application/pdf', '0'.repeat(64));
    await store.put(youngOrphan, bytes, 'application/pdf', '0'.repeat(64));
    age(oldOrphan, DAY_MS + 60_000);
    age(youngOrphan, DAY_MS - 3_600_000);
    // A file in another shape (not made by the upload): never touched.
    mkdirSync(join(dir, 'cases', caseId), { recursive: true });
    writeFileSync(join(dir, 'cases', caseId, 'README'), 'operator note');
    utimesSync(join(dir, 'cases', caseId, 'README'), new Date(0), new Date(0));

    const first = await sweeper.sweep();
    expect(first.deleted.sort()).toEqual([oldOrphan, removedKey].sort());
    expect(first.young).toBe(1);
    expect(first.scanned).toBe(4);
    for (const key of [oldOrphan, removedKey]) expect(existsSync(pathOf(key))).toBe(false);
    for (const key of [liveKey, youngOrphan]) expect(existsSync(pathOf(key))).toBe(true);
    expect(existsSync(join(dir, 'cases', caseId, 'README'))).toBe(true);
    // The live attachment still downloads, bytes verified against its SHA-256.
    const got = await request(api.http)
      .get(`/api/delegations/${caseId}/attachments/${live.id}`)
      .set(bearer(users.tokens.organizer))
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    expect((got.body as Buffer).equals(pdf('live'))).toBe(true);

    // A day later the young orphan is past the grace too.
    const later = await sweeper.sweep(Date.now() + DAY_MS);
    expect(later.deleted).toEqual([youngOrphan]);
    expect(existsSync(pathOf(liveKey))).toBe(true);
  });
});
