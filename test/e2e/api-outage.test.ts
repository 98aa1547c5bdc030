import { randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import request from 'supertest';
import { EventStore } from '@df/persistence';
import { freePort } from '@df/runtime';
import { eventually, startTestWorker, testConfig, type TestWorker } from '../support/harness';
import { bearer, canonicalSubmission, createTestUsers, login, startTestApi, type TestApi, type TestUsers } from '../support/api-harness';
import { waitForStep } from '../support/api-flow';
import { caseStream, type CaseSpec } from '../support/event-factories';

/** A TCP relay in front of a server: closing it is the server going down for whoever connects through it. */
class Relay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async open(): Promise<void> {
    if (this.server) return;
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

/** Issue 12.4: a dependency down is a truthful 503 (Retry-After, what to do), within the configured time, never 500. */
describe('errors that tell the truth when PostgreSQL or Temporal is down', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  let relay: Relay;
  let viaRelay: TestApi;
  beforeAll(async () => {
    worker = await startTestWorker();
    api = await startTestApi({ taskQueue: worker.config.taskQueue });
    users = await createTestUsers(api);
    const pg = new URL(testConfig().databaseUrl);
    relay = new Relay(await freePort(), { host: pg.hostname, port: Number(pg.port) });
    await relay.open();
    pg.hostname = '127.0.0.1';
    pg.port = String(relay.port);
    viaRelay = await startTestApi({ taskQueue: worker.config.taskQueue, databaseUrl: pg.toString() });
  });
  afterAll(async () => {
    await viaRelay?.close();
    await relay?.close();
    await api?.close();
    await worker?.stop();
  });

  it('PostgreSQL down: login, inbox and an action answer 503 DATABASE_UNAVAILABLE with Retry-After at once; /health names the database; the action succeeds with the same key after', async () => {
    const caseId = (
      await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(canonicalSubmission(users.unit)).expect(201)
    ).body.caseId as string;
    await waitForStep(api, users.tokens.organizer, caseId, 'A02', ['awaiting', 'overdue']);
    await request(viaRelay.http).get('/api/inbox').set(bearer(users.tokens.organizer)).expect(200);

    await relay.close();
    const started = Date.now();
    const signIn = await request(viaRelay.http).post('/api/auth/login').send({ username: users.usernames.organizer, password: 'whatever' });
    const inbox = await request(viaRelay.http).get('/api/inbox').set(bearer(users.tokens.organizer));
    const key = randomUUID();
    const action = await request(viaRelay.http)
      .post(`/api/delegations/${caseId}/steps/A02/complete`)
      .set(bearer(users.tokens.organizer))
      .set('Idempotency-Key', key)
      .send({ comment: '停库期间' });
    for (const res of [signIn, inbox, action]) {
      expect([res.status, res.body.code]).toEqual([503, 'DATABASE_UNAVAILABLE']);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body.message).toEqual({
        zh: expect.stringContaining('数据库'),
        en: expect.stringContaining('retry with the same Idempotency-Key'),
      });
    }
    expect(Date.now() - started).toBeLessThan(10_000);
    const health = await request(viaRelay.http).get('/health').expect(503);
    expect(health.body.checks).toMatchObject({ database: { status: 'down' }, temporal: { status: 'up' } });

    await relay.open();
    const retried = await eventually(
      () =>
        request(viaRelay.http)
          .post(`/api/delegations/${caseId}/steps/A02/complete`)
          .set(bearer(users.tokens.organizer))
          .set('Idempotency-Key', key)
          .send({ comment: '停库期间' }),
      (r) => r.status !== 503,
    );
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ accepted: true, requestId: key });
    await login(viaRelay, users.usernames.organizer);
  });

  it('Temporal down: the case detail is 503 TEMPORAL_UNAVAILABLE within API_QUERY_TIMEOUT_MS, not 500 after 10-14 s', async () => {
    const caseId = (
      await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(canonicalSubmission(users.unit)).expect(201)
    ).body.caseId as string;
    const down = await startTestApi({ temporalAddress: `127.0.0.1:${await freePort()}`, apiQueryTimeoutMs: 2000 });
    try {
      const started = Date.now();
      const res = await request(down.http).get(`/api/delegations/${caseId}`).set(bearer(users.tokens.organizer));
      expect([res.status, res.body.code]).toEqual([503, 'TEMPORAL_UNAVAILABLE']);
      expect(res.headers['retry-after']).toBe('5');
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      await down.close();
    }
  });

  it("Temporal down: a closed case's detail is its read-model record (final once closed), an open one's still 503", async () => {
    // Seeded as the workflow would have appended them: the read model alone knows these cases.
    const store = api.app.get(EventStore);
    const day = 86_400_000;
    const spec = (title: string): CaseSpec => ({
      caseId: randomUUID(),
      unit: users.unit,
      title,
      submittedAt: Date.now() - 30 * day,
      departureDate: new Date(Date.now() - 10 * day).toISOString().slice(0, 10),
      done: [],
      departedAfterDays: 20,
    });
    const closed = spec('已办结（停机期间）');
    const open = spec('已出发（停机期间）');
    await store.append(caseStream({ ...closed, closed: 'completed' }));
    await store.append(caseStream(open));
    const down = await startTestApi({ temporalAddress: `127.0.0.1:${await freePort()}`, apiQueryTimeoutMs: 1500 });
    try {
      const shown = await request(down.http).get(`/api/delegations/${closed.caseId}`).set(bearer(users.tokens.organizer));
      expect([shown.status, shown.body.source, shown.body.status, shown.body.title]).toEqual([
        200,
        'read-model',
        'completed',
        closed.title,
      ]);
      const refused = await request(down.http).get(`/api/delegations/${open.caseId}`).set(bearer(users.tokens.organizer));
      expect([refused.status, refused.body.code]).toEqual([503, 'TEMPORAL_UNAVAILABLE']);
    } finally {
      await down.close();
    }
  });

  /** A case at A02 on a worker of its own, then the worker stopped: an API with `timeouts` on the task queue no one polls. */
  async function caseWithoutWorker(timeouts: { apiQueryTimeoutMs?: number; apiUpdateTimeoutMs?: number }) {
    const lonely = await startTestWorker();
    const quick = await startTestApi({ taskQueue: lonely.config.taskQueue, ...timeouts });
    const caseId = (
      await request(quick.http)
        .post('/api/delegations')
        .set(bearer(users.tokens.organizer))
        .send(canonicalSubmission(users.unit))
        .expect(201)
    ).body.caseId as string;
    await waitForStep(quick, users.tokens.organizer, caseId, 'A02', ['awaiting', 'overdue']);
    await lonely.stop();
    return { quick, caseId, taskQueue: lonely.config.taskQueue };
  }

  it('a workflow query nobody answers in time (no worker) is 503 within API_QUERY_TIMEOUT_MS', async () => {
    const { quick, caseId } = await caseWithoutWorker({ apiQueryTimeoutMs: 1500 });
    try {
      const started = Date.now();
      const res = await request(quick.http).get(`/api/delegations/${caseId}`).set(bearer(users.tokens.organizer));
      expect([res.status, res.body.code]).toEqual([503, 'TEMPORAL_UNAVAILABLE']);
      expect(Date.now() - started).toBeLessThan(3500);
    } finally {
      await quick.close();
    }
  });

  it('an action no worker answers in time is 503 OUTCOME_UNKNOWN ("retry with the same key"), not TEMPORAL_UNAVAILABLE; the retry applies it once', async () => {
    // New-user trial: with the worker paused, an action answered 503 TEMPORAL_UNAVAILABLE, the code of a call never
    // sent, though its message said the outcome was unknown.
    const { quick, caseId, taskQueue } = await caseWithoutWorker({ apiUpdateTimeoutMs: 1500 });
    let again: TestWorker | undefined;
    try {
      const key = randomUUID();
      const send = () =>
        request(quick.http)
          .post(`/api/delegations/${caseId}/steps/A02/complete`)
          .set(bearer(users.tokens.organizer))
          .set('Idempotency-Key', key)
          .send({});
      const unknown = await send();
      expect([unknown.status, unknown.body.code, unknown.headers['retry-after']]).toEqual([503, 'OUTCOME_UNKNOWN', '5']);
      expect(unknown.body.message.en).toMatch(/retry with the same Idempotency-Key/);
      again = await startTestWorker({ taskQueue });
      const applied = await eventually(send, (r) => r.status === 200, 30_000);
      expect(applied.status).toBe(200);
      const timeline = await request(quick.http).get(`/api/delegations/${caseId}/timeline`).set(bearer(users.tokens.organizer)).expect(200);
      const completions = (timeline.body.events as Array<{ type: string; payload?: { key?: string } }>).filter(
        (e) => e.type === 'step.completed' && e.payload?.key === 'A02',
      );
      expect(completions).toHaveLength(1);
    } finally {
      await quick.close();
      await again?.stop();
    }
  });
});
