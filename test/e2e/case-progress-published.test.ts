import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { delegationWorkflowId, progressQuery, stepOfClosedCase, type DelegationProgress } from '@df/contracts';
import { ReconcilerService } from '../../apps/worker/src';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import { bearer, canonicalSubmission, createTestUsers, startTestApi, type TestApi, type TestUsers } from '../support/api-harness';
import { actionable, actOn, getProgress } from '../support/api-flow';

/**
 * Issue 16 item 1: the case page serves the answer the workflow published (case_progress) while it is current,
 * instead of a query that queues behind the worker's workflow tasks; a published answer behind the read model,
 * or one whose worker stopped, is not served (the workflow is asked, as before).
 */
describe('GET /api/delegations/:id from the published progress answer', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  let db: DataSource;
  beforeAll(async () => {
    worker = await startTestWorker({ workingDaySeconds: 60 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 60 });
    users = await createTestUsers(api);
    db = worker.app.get(DataSource);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  /** delegation_progress_reads_total by source, from the API's /metrics (loopback: no token). */
  const reads = async (app: TestApi = api): Promise<Record<string, number>> => {
    const text = (await request(app.http).get('/metrics').expect(200)).text;
    const out: Record<string, number> = {};
    for (const m of text.matchAll(/^delegation_progress_reads_total\{[^}]*source="([^"]+)"[^}]*\} (\d+)/gm)) out[m[1]!] = Number(m[2]);
    return out;
  };
  const submit = async (app: TestApi = api) =>
    (await request(app.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(canonicalSubmission(users.unit)).expect(201))
      .body.caseId as string;
  const query = (caseId: string, w: TestWorker = worker) => w.client.workflow.getHandle(delegationWorkflowId(caseId)).query(progressQuery);
  /** What the answer says about the case, not about the instant it was made (now, forecasts). */
  const state = (p: DelegationProgress) => ({
    lastSeq: p.lastSeq,
    status: p.status,
    phase: p.phase,
    title: p.title,
    steps: p.steps.map((s) => [s.key, s.status, s.actedBy ?? null, s.decision ?? null, s.returns]),
    deficiencies: p.deficiencies,
    withdrawnMembers: p.withdrawnMembers,
    routes: p.routes,
    criticalPath: p.plan.criticalPath,
  });

  it('after a decision: the published answer, equal to the workflow query in every state, masked as the query was', async () => {
    const caseId = await submit();
    const first = actionable(
      await eventually(
        () => getProgress(api, users.tokens.organizer, caseId),
        (p) => actionable(p).length > 0,
      ),
    );
    expect((await actOn(api, users, caseId, first[0]!)).status).toBe(200);
    // The worker stores the answer beside the update's answer: wait for it rather than for a timing.
    const stored = await eventually(
      () => db.query(`SELECT last_seq FROM case_progress WHERE case_id = $1`, [caseId]) as Promise<Array<{ last_seq: number }>>,
      (rows) => rows.length === 1 && rows[0]!.last_seq >= 0,
    );
    const model = (await db.query(`SELECT last_seq FROM cases WHERE case_id = $1`, [caseId])) as Array<{ last_seq: number }>;
    expect(stored[0]!.last_seq).toBeGreaterThanOrEqual(model[0]!.last_seq);

    const before = await reads();
    const res = await request(api.http).get(`/api/delegations/${caseId}`).set(bearer(users.tokens.organizer)).expect(200);
    const after = await reads();
    expect((after.published ?? 0) - (before.published ?? 0)).toBe(1);
    expect((after.query ?? 0) - (before.query ?? 0)).toBe(0);
    const body = res.body as DelegationProgress & { source: string };
    expect(body.source).toBe('workflow');
    const live = await query(caseId);
    expect(state(body)).toEqual(state(live));
    expect(body.steps.find((s) => s.key === first[0]!.key)).toMatchObject({ status: 'done' });
    // The organizer sees the passport number masked, as from the query (the stored answer is not).
    const number = live.facts.members[0]!.passport!.number!;
    expect(JSON.stringify(body)).not.toContain(number);
    expect(body.facts.members[0]!.passport!.number).toMatch(/\*/);
  });

  it("a new case's first read waits for the workflow's first published answer rather than querying, and shows it as it is", async () => {
    const before = await reads();
    const caseId = await submit();
    const res = await request(api.http).get(`/api/delegations/${caseId}`).set(bearer(users.tokens.organizer)).expect(200);
    const after = await reads();
    expect((after.published ?? 0) - (before.published ?? 0)).toBe(1);
    expect((after.query ?? 0) - (before.query ?? 0)).toBe(0);
    const body = res.body as DelegationProgress;
    // The first answer: the submission recorded and A01 (the annual-plan check, a system step) opened: running
    // (awaiting) while its result is not back, done once it is; the page does not wait for it.
    expect(body.lastSeq).toBeGreaterThan(0);
    expect(['awaiting', 'done']).toContain(body.steps.find((s) => s.code === 'A01')?.status);
  });

  it("the submission stores the case's first answer: the page answers before any workflow task ran, and the workflow's own answer replaces it", async () => {
    // A task queue whose worker beats but has run nothing yet (as one saturated by other cases' tasks in a burst).
    const queue = `first-${randomUUID()}`;
    const held = await startTestApi({ taskQueue: queue, workingDaySeconds: 60 });
    let late: TestWorker | undefined;
    try {
      await db.query(`INSERT INTO worker_heartbeats (worker_id, task_queue, beat_at) VALUES ($1, $2, clock_timestamp())`, [
        randomUUID(),
        queue,
      ]);
      const caseId = await submit(held);
      const before = await reads(held);
      const res = await request(held.http).get(`/api/delegations/${caseId}`).set(bearer(users.tokens.organizer)).expect(200);
      const after = await reads(held);
      expect((after.published ?? 0) - (before.published ?? 0)).toBe(1);
      expect((after.query ?? 0) - (before.query ?? 0)).toBe(0);
      const first = res.body as DelegationProgress & { source: string };
      expect(first).toMatchObject({ caseId, source: 'workflow', status: 'open', incident: null });
      expect(first.lastSeq).toBeGreaterThan(0);
      // As submitted: A01 (a system step) running, no step done yet; the organizer sees personal data masked.
      expect(first.steps.find((s) => s.code === 'A01')?.status).toBe('awaiting');
      expect(first.steps.filter((s) => s.status === 'done')).toEqual([]);
      expect(first.facts.members[0]!.passport!.number).toMatch(/\*/);
      expect((await db.query(`SELECT count(*)::int AS n FROM case_events WHERE stream_id = $1`, [caseId]))[0].n).toBe(0);

      // The worker comes: its first turn stores the batch the first answer counted, and its answers take over.
      await db.query(`DELETE FROM worker_heartbeats WHERE task_queue = $1`, [queue]);
      late = await startTestWorker({ taskQueue: queue, workingDaySeconds: 60 });
      const batches = (await eventually(
        () =>
          db.query(`SELECT max(seq)::int AS last FROM case_events WHERE stream_id = $1 GROUP BY recorded_at ORDER BY recorded_at`, [
            caseId,
          ]),
        (rows: unknown[]) => rows.length > 0,
      )) as Array<{ last: number }>;
      expect(batches[0]!.last).toBe(first.lastSeq);
      const settled = await eventually(
        () => getProgress(held, users.tokens.organizer, caseId),
        (p) => p.steps.find((s) => s.code === 'A01')?.status === 'done',
      );
      expect(state(settled)).toEqual(state(await query(caseId, late)));
    } finally {
      await db.query(`DELETE FROM worker_heartbeats WHERE task_queue = $1`, [queue]);
      await held.close();
      await late?.stop();
    }
  });

  it('a published answer behind the read model (a stored event it lacks) is not served: the workflow answers', async () => {
    const caseId = await submit();
    // Settled: a person's step awaits, no system step runs (the workflow publishes nothing more on its own).
    await eventually(
      () => getProgress(api, users.tokens.organizer, caseId),
      (p) => actionable(p).length > 0 && !p.steps.some((s) => s.kind === 'system' && s.status === 'awaiting'),
    );
    await eventually(
      () =>
        db.query(`SELECT 1 FROM case_progress p JOIN cases c USING (case_id) WHERE case_id = $1 AND p.last_seq >= c.last_seq`, [caseId]),
      (rows: unknown[]) => rows.length === 1,
    );
    // As if the write of the newest answer were lost: the stored answer is one event behind cases.last_seq.
    await db.query(
      `UPDATE case_progress SET last_seq = last_seq - 1, answer = jsonb_set(answer, '{title}', '"stale"') WHERE case_id = $1`,
      [caseId],
    );
    const before = await reads();
    const body = (await request(api.http).get(`/api/delegations/${caseId}`).set(bearer(users.tokens.organizer)).expect(200))
      .body as DelegationProgress;
    const after = await reads();
    expect((after.query ?? 0) - (before.query ?? 0)).toBe(1);
    expect(body.title).not.toBe('stale');
    expect(state(body)).toEqual(state(await query(caseId)));
  });

  /**
   * A worker of its own (`lonely`, which the test may stop) and an API on its task queue that serves no published answer
   * older than 1 ms of an open case first (every read of one asks the workflow), its query waiting 1.5 s.
   */
  const withLonelyWorker = async (
    test: (lonely: TestWorker, quick: TestApi, stopWorker: () => Promise<void>) => Promise<void>,
  ): Promise<void> => {
    const lonely = await startTestWorker({ workingDaySeconds: 60 });
    let lonelyRunning = true;
    const quick = await startTestApi({
      taskQueue: lonely.config.taskQueue,
      workingDaySeconds: 60,
      apiQueryTimeoutMs: 1500,
      apiProgressSnapshotMaxAgeMs: 1,
    });
    try {
      await test(lonely, quick, async () => {
        await lonely.stop();
        lonelyRunning = false;
      });
    } finally {
      await db.query(`DELETE FROM worker_heartbeats WHERE task_queue = $1`, [lonely.config.taskQueue]);
      await quick.close();
      if (lonelyRunning) await lonely.stop();
    }
  };

  it('with its worker stopped the case page asks the workflow (503); with a worker beating, a query that times out falls back to the published answer', () =>
    withLonelyWorker(async (lonely, quick, stopWorker) => {
      const caseId = await submit(quick);
      await eventually(
        () =>
          db.query(`SELECT 1 FROM case_progress p JOIN cases c USING (case_id) WHERE case_id = $1 AND p.last_seq >= c.last_seq`, [caseId]),
        (rows: unknown[]) => rows.length === 1,
      );
      const live = await query(caseId, lonely);
      await stopWorker();
      const beats = (await db.query(`SELECT count(*)::int AS n FROM worker_heartbeats WHERE task_queue = $1`, [
        lonely.config.taskQueue,
      ])) as Array<{
        n: number;
      }>;
      expect(beats[0]!.n).toBe(0); // a stopping worker removes its beat
      const down = await request(quick.http).get(`/api/delegations/${caseId}`).set(bearer(users.tokens.organizer));
      expect([down.status, down.body.code]).toEqual([503, 'TEMPORAL_UNAVAILABLE']);

      // A worker beats on the queue but does not answer (as one whose workflow thread is saturated).
      await db.query(`INSERT INTO worker_heartbeats (worker_id, task_queue, beat_at) VALUES ($1, $2, clock_timestamp())`, [
        randomUUID(),
        lonely.config.taskQueue,
      ]);
      const before = await reads(quick);
      const started = Date.now();
      const res = await request(quick.http).get(`/api/delegations/${caseId}`).set(bearer(users.tokens.organizer)).expect(200);
      expect(Date.now() - started).toBeLessThan(3500);
      const after = await reads(quick);
      expect((after['published-after-timeout'] ?? 0) - (before['published-after-timeout'] ?? 0)).toBe(1);
      expect(state(res.body as DelegationProgress)).toEqual(state(live));
    }));

  it('a case the engine closed is served its last answer at any age, with no worker to replay it (new-user trial: every read of a completed case queried it)', () =>
    withLonelyWorker(async (lonely, quick, stopWorker) => {
      const caseId = await submit(quick);
      await eventually(
        () => getProgress(quick, users.tokens.organizer, caseId),
        (p) => p.steps.find((s) => s.key === 'A02')?.status === 'awaiting',
      );
      await request(quick.http)
        .post(`/api/delegations/${caseId}/withdraw`)
        .set(bearer(users.tokens.organizer))
        .send({ reason: '邀请方推迟活动' })
        .expect(200);
      await eventually(
        () =>
          db.query(
            `SELECT 1 FROM case_progress p JOIN cases c USING (case_id)
              WHERE case_id = $1 AND c.status = 'withdrawn' AND p.last_seq >= c.last_seq AND p.answer->>'status' = 'withdrawn'`,
            [caseId],
          ),
        (rows: unknown[]) => rows.length === 1,
      );
      const final = await query(caseId, lonely);
      await stopWorker();
      const before = await reads(quick);
      const res = await request(quick.http).get(`/api/delegations/${caseId}`).set(bearer(users.tokens.organizer)).expect(200);
      const after = await reads(quick);
      expect(res.body).toMatchObject({ source: 'workflow', status: 'withdrawn', phase: 'closed' });
      expect(state(res.body as DelegationProgress)).toEqual(state(final));
      expect((after.published ?? 0) - (before.published ?? 0)).toBe(1);
      expect((after.query ?? 0) - (before.query ?? 0)).toBe(0);
      // (An open case whose worker stopped is asked, 503: the test above.)
    }));

  it('a case terminated outside the engine is served its last answer once the reconciler recorded the close, as closed; not while the answer lacks an event the workflow stored (first session of 2026-12-05: its every read replayed the history)', () =>
    withLonelyWorker(async (lonely, quick, stopWorker) => {
      const caseId = await submit(quick);
      // Settled before it is terminated: A02 awaits and no system step runs, so no drain is cut short (CI of 7480edf:
      // terminated mid-drain, the answer held an event the workflow never stored, past the reconciler's close).
      await eventually(
        () => getProgress(quick, users.tokens.organizer, caseId),
        (p) =>
          p.steps.find((s) => s.key === 'A02')?.status === 'awaiting' &&
          !p.steps.some((s) => s.kind === 'system' && s.status === 'awaiting'),
      );
      await eventually(
        () =>
          db.query(`SELECT 1 FROM case_progress p JOIN cases c USING (case_id) WHERE case_id = $1 AND p.last_seq >= c.last_seq`, [caseId]),
        (rows: unknown[]) => rows.length === 1,
      );
      await lonely.client.workflow.getHandle(delegationWorkflowId(caseId)).terminate('测试 / test');
      const reconciler = lonely.app.get(ReconcilerService);
      await eventually(
        () => reconciler.reconcile(),
        (r) => r.closed.includes(caseId),
        20_000,
      );
      const final = await query(caseId, lonely);
      const asClosed = (p: DelegationProgress) => ({
        ...state(p),
        status: 'terminated',
        phase: 'closed',
        steps: p.steps.map(stepOfClosedCase).map((s) => [s.key, s.status, s.actedBy ?? null, s.decision ?? null, s.returns]),
      });
      const read = async () => {
        const before = await reads(quick);
        const res = await request(quick.http).get(`/api/delegations/${caseId}`).set(bearer(users.tokens.organizer)).expect(200);
        const after = await reads(quick);
        const delta = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
        return { body: res.body as DelegationProgress, published: delta('published'), query: delta('query') };
      };

      // The stored answer one event of the workflow's behind (as if its write were lost): the workflow is asked.
      await db.query(`UPDATE case_progress SET last_seq = last_seq - 1 WHERE case_id = $1`, [caseId]);
      const behind = await read();
      expect([behind.query, behind.published]).toEqual([1, 0]);
      expect(state(behind.body)).toEqual(asClosed(final));
      await db.query(`UPDATE case_progress SET last_seq = last_seq + 1 WHERE case_id = $1`, [caseId]);

      // Only the reconciler's close past it: served, with no worker to replay the workflow.
      await stopWorker();
      const served = await read();
      expect([served.query, served.published]).toEqual([0, 1]);
      expect(served.body).toMatchObject({ source: 'workflow', status: 'terminated', phase: 'closed' });
      expect(state(served.body)).toEqual(asClosed(final));
      expect(served.body.steps.find((s) => s.key === 'A02')).toMatchObject({ status: 'withdrawn', critical: false });
    }));
});
