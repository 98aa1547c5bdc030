import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { scopedKey } from '../../apps/api/src/delegations/idempotency.service';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import { bearer, canonicalSubmission, createTestUsers, startTestApi, type TestApi, type TestUsers } from '../support/api-harness';
import { waitForStep } from '../support/api-flow';

/** Issue 12.3 and 13.5: only a definite refusal frees a key; an unknown outcome keeps it; keys belong to their user. */
describe('Idempotency-Key under unknown outcomes', () => {
  let worker: TestWorker | undefined;
  let api: TestApi;
  let impatient: TestApi;
  let users: TestUsers;
  let others: TestUsers;
  beforeAll(async () => {
    worker = await startTestWorker();
    api = await startTestApi({ taskQueue: worker.config.taskQueue });
    // The same stack, but an API that waits only 1 s for an update: with no worker polling, every update is an unknown outcome.
    impatient = await startTestApi({ taskQueue: worker.config.taskQueue, apiUpdateTimeoutMs: 1000 });
    users = await createTestUsers(api);
    others = await createTestUsers(api);
  });
  afterAll(async () => {
    await impatient?.close();
    await api?.close();
    await worker?.stop();
  });

  const storedKey = async (username: string, key: string) => {
    const db = api.app.get(DataSource);
    const [{ id }] = await db.query('SELECT id FROM users WHERE username = $1', [username]);
    return db.query('SELECT status, fingerprint FROM idempotency_records WHERE key = $1', [scopedKey({ userId: id }, key)]) as Promise<
      Array<{ status: string }>
    >;
  };

  it('a 503 keeps the key: the same key with another body is refused, the retry returns the one real outcome', async () => {
    const caseId = (
      await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(canonicalSubmission(users.unit)).expect(201)
    ).body.caseId as string;
    await waitForStep(api, users.tokens.organizer, caseId, 'A02', ['awaiting', 'overdue']);
    await eventually(
      () => api.app.get(DataSource).query('SELECT count(*)::int AS n FROM cases WHERE case_id = $1', [caseId]),
      (r: Array<{ n: number }>) => r[0]!.n === 1,
    );
    await worker!.stop(); // no worker: the update is admitted by Temporal but nobody answers it
    worker = undefined;

    const key = randomUUID();
    const path = `/api/delegations/${caseId}/steps/A02/complete`;
    const first = await request(impatient.http)
      .post(path)
      .set(bearer(users.tokens.organizer))
      .set('Idempotency-Key', key)
      .send({ comment: '第一次' });
    expect(first.status).toBe(503);
    expect(first.headers['retry-after']).toBeDefined();
    expect(first.body.message.en).toContain('retry with the same Idempotency-Key');
    expect(await storedKey(users.usernames.organizer, key)).toEqual([expect.objectContaining({ status: 'pending' })]);

    // Another body under the same key: refused naming the key (today: accepted, and answered with the first body's outcome).
    const other = await request(impatient.http)
      .post(path)
      .set(bearer(users.tokens.organizer))
      .set('Idempotency-Key', key)
      .send({ comment: '另一个请求' })
      .expect(422);
    expect(other.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', errors: [{ field: 'headers.Idempotency-Key' }] });

    // The worker is back: the retry with the same key and body gets the real outcome, applied once.
    worker = await startTestWorker({ taskQueue: api.config.taskQueue });
    const retry = await request(api.http)
      .post(path)
      .set(bearer(users.tokens.organizer))
      .set('Idempotency-Key', key)
      .send({ comment: '第一次' })
      .expect(200);
    expect(retry.body).toMatchObject({ accepted: true, requestId: key });
    const again = await request(api.http)
      .post(path)
      .set(bearer(users.tokens.organizer))
      .set('Idempotency-Key', key)
      .send({ comment: '第一次' })
      .expect(200);
    expect(again.body).toEqual(retry.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const timeline = await request(api.http).get(`/api/delegations/${caseId}/timeline`).set(bearer(users.tokens.organizer)).expect(200);
    const completions = timeline.body.events.filter(
      (e: { type: string; payload: { key?: string; stepKey?: string } }) =>
        e.type === 'step.completed' && (e.payload.key ?? e.payload.stepKey) === 'A02',
    );
    expect(completions).toHaveLength(1);
    expect(JSON.stringify(timeline.body)).not.toContain('另一个请求');
  });

  it('a definite refusal frees the key for the corrected request', async () => {
    const key = randomUUID();
    const path = `/api/delegations/${randomUUID()}/steps/A02/complete`;
    await request(api.http).post(path).set(bearer(users.tokens.organizer)).set('Idempotency-Key', key).send({}).expect(404);
    expect(await storedKey(users.usernames.organizer, key)).toEqual([]);
  });

  it("keys belong to their user: another user's equal key neither blocks nor replays", async () => {
    const key = `shared-${randomUUID()}`;
    const body = canonicalSubmission(users.unit);
    const mine = await request(api.http)
      .post('/api/delegations')
      .set(bearer(users.tokens.organizer))
      .set('Idempotency-Key', key)
      .send(body)
      .expect(201);
    const theirs = await request(api.http)
      .post('/api/delegations')
      .set(bearer(others.tokens.organizer))
      .set('Idempotency-Key', key)
      .send(canonicalSubmission(others.unit))
      .expect(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.caseId).not.toBe(mine.body.caseId);
    const replay = await request(api.http)
      .post('/api/delegations')
      .set(bearer(users.tokens.organizer))
      .set('Idempotency-Key', key)
      .send(body)
      .expect(201);
    expect(replay.body).toEqual(mine.body);
  });
});
