import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { delegationWorkflowId } from '@df/contracts';
import { CaseEntity, CaseEventEntity, EventStore } from '@df/persistence';
import { caseInput } from '../support/factories';
import { ReconcilerService, type ReconcileResult } from '../../apps/worker/src';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import { bearer, canonicalSubmission, createTestUsers, startTestApi, type TestApi, type TestUsers } from '../support/api-harness';
import { actionable, actOn, getProgress } from '../support/api-flow';

/**
 * Issue 11 item 8: a workflow ended outside the engine (Temporal CLI / Web UI terminate, cancel, failure)
 * never emits case.closed; the worker's reconciler closes its case in the read model so lists and inboxes
 * stop showing it.
 */
describe('reconciler: cases whose workflow was terminated or cancelled outside the engine', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  let reconciler: ReconcilerService;
  let db: DataSource;
  beforeAll(async () => {
    worker = await startTestWorker({ workingDaySeconds: 60 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 60 });
    users = await createTestUsers(api);
    reconciler = worker.app.get(ReconcilerService);
    db = worker.app.get(DataSource);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  /** Submits the canonical trip, records the organizer's first steps, and returns it with steps in the organizer's inbox. */
  const caseWithInboxItems = async (): Promise<string> => {
    const caseId = (
      await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(canonicalSubmission(users.unit)).expect(201)
    ).body.caseId as string;
    const first = actionable(
      await eventually(
        () => getProgress(api, users.tokens.organizer, caseId),
        (p) => actionable(p).length > 0,
      ),
    );
    expect(first.length).toBeGreaterThan(0);
    expect((await actOn(api, users, caseId, first[0]!)).status).toBe(200);
    const inbox = await eventually(
      () => inboxOf(caseId),
      (items) => items.length > 0,
    );
    expect(inbox.length).toBeGreaterThan(0);
    return caseId;
  };
  /** The case's items in the inboxes of every role of the test's users. */
  const inboxOf = async (caseId: string) => {
    const items: Array<{ caseId: string; stepKey: string }> = [];
    for (const token of Object.values(users.tokens)) {
      const res = await request(api.http).get('/api/inbox').query({ pageSize: 200 }).set(bearer(token));
      if (res.status === 200) items.push(...(res.body.items as typeof items).filter((i) => i.caseId === caseId));
    }
    return items;
  };
  const eventsOf = (caseId: string) => db.getRepository(CaseEventEntity).find({ where: { streamId: caseId }, order: { seq: 'ASC' } });
  /** Visibility lags behind the close: run until the case is reconciled (each run is what the timer does). */
  const reconcileUntil = (caseId: string): Promise<ReconcileResult> =>
    eventually(
      () => reconciler.reconcile(),
      (r) => r.closed.includes(caseId),
      20_000,
    );

  it('closes a terminated case as terminated with the reason, clears the inbox, and appends nothing on the next run', async () => {
    const caseId = await caseWithInboxItems();
    const before = await eventsOf(caseId);
    await worker.client.workflow.getHandle(delegationWorkflowId(caseId)).terminate('录入错误，重新申报 / entered in error');

    const run = await reconcileUntil(caseId);
    expect(run.closed).toContain(caseId);

    const row = await db.getRepository(CaseEntity).findOneByOrFail({ caseId });
    expect(row).toMatchObject({ status: 'terminated', phase: 'closed', atRisk: false });
    expect(row.closedAt).toBeInstanceOf(Date);
    const after = await eventsOf(caseId);
    expect(after).toHaveLength(before.length + 1);
    const closed = after.at(-1)!;
    expect(closed).toMatchObject({ seq: before.at(-1)!.seq + 1, type: 'case.closed', actorRole: 'system' });
    expect(closed.payload).toMatchObject({
      status: 'terminated',
      reason: '流程被强制终止 / Workflow terminated: 录入错误，重新申报 / entered in error',
    });

    // Lists say terminated; the organizer's inbox no longer lists its steps.
    const list = await request(api.http)
      .get('/api/delegations')
      .query({ status: 'terminated', pageSize: 100 })
      .set(bearer(users.tokens.organizer))
      .expect(200);
    expect(list.body.items.map((c: { caseId: string }) => c.caseId)).toContain(caseId);
    expect(await inboxOf(caseId)).toEqual([]);

    // A second run (and any other worker's) appends nothing.
    const again = await reconciler.reconcile();
    expect(again.closed).not.toContain(caseId);
    expect(await eventsOf(caseId)).toHaveLength(after.length);
    // Nor does the same append retried, even where the status would allow it; a closed case takes no other.
    const store = worker.app.get(EventStore);
    const { seq: _seq, recordedAt: _recorded, ...retry } = closed;
    expect(
      await store.appendNext({ ...retry, occurredAt: closed.occurredAt.toISOString() }, ['open', 'departed', 'terminated']),
    ).toBeNull();
    expect(
      await store.appendNext({ ...retry, eventId: randomUUID(), occurredAt: closed.occurredAt.toISOString() }, ['open', 'departed']),
    ).toBeNull();
    expect(await eventsOf(caseId)).toHaveLength(after.length);
  });

  it('closes a case whose workflow was cancelled from Temporal as cancelled', async () => {
    const caseId = await caseWithInboxItems();
    await worker.client.workflow.getHandle(delegationWorkflowId(caseId)).cancel();

    await reconcileUntil(caseId);
    const row = await db.getRepository(CaseEntity).findOneByOrFail({ caseId });
    expect(row.status).toBe('cancelled');
    const closed = (await eventsOf(caseId)).at(-1)!;
    expect(closed.type).toBe('case.closed');
    expect(String(closed.payload.reason)).toMatch(/^流程被取消 \/ Workflow cancelled: /);
    expect(await inboxOf(caseId)).toEqual([]);
  });

  it('closes a case whose workflow timed out as failed', async () => {
    // Started as an operator might with an execution timeout: Temporal ends it (TimedOut) without the engine knowing.
    const input = caseInput({ unit: users.unit });
    const handle = await worker.client.workflow.start('delegation', {
      taskQueue: worker.config.taskQueue,
      workflowId: delegationWorkflowId(input.caseId),
      args: [input],
      workflowExecutionTimeout: '3 seconds',
    });
    await eventually(
      () => db.getRepository(CaseEntity).findOneBy({ caseId: input.caseId }),
      (row) => row?.status === 'open',
    );

    await reconcileUntil(input.caseId);
    expect((await handle.describe()).status.name).toBe('TIMED_OUT');
    const row = await db.getRepository(CaseEntity).findOneByOrFail({ caseId: input.caseId });
    expect(row).toMatchObject({ status: 'failed', phase: 'closed' });
    const closed = (await eventsOf(input.caseId)).at(-1)!;
    expect(closed.payload).toMatchObject({ status: 'failed', temporalStatus: 'TIMED_OUT' });
    expect(String(closed.payload.reason)).toMatch(/^流程异常终止 \/ Workflow failed: /);
  });
});
