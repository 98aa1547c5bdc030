import Ajv from 'ajv';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { delegationWorkflowId } from '@df/contracts';
import { ReconcilerService } from '../../apps/worker/src';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import { bearer, canonicalSubmission, createTestUsers, startTestApi, type TestApi, type TestUsers } from '../support/api-harness';
import { actionable, actOn, getProgress, roleFor } from '../support/api-flow';

/**
 * Issue 11 item 8: a case whose workflow history Temporal no longer has (past the namespace's retention; here
 * deleted) still answers GET /api/delegations/:id: from its final published answer, or without one from the read
 * models, marked `source: 'read-model'`; actions on it stay refused.
 */
describe('GET /api/delegations/:id once the workflow is gone', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  let ajv: Ajv;
  beforeAll(async () => {
    worker = await startTestWorker({ workingDaySeconds: 60 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 60 });
    users = await createTestUsers(api);
    const doc = (await request(api.http).get('/api/docs-json').expect(200)).body as object;
    ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addSchema(structuredClone(doc), 'openapi.json');
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  const detail = (caseId: string, token = users.tokens.organizer) => request(api.http).get(`/api/delegations/${caseId}`).set(bearer(token));
  const documented = (body: unknown) => {
    const validate = ajv.compile({ $ref: 'openapi.json#/components/schemas/DelegationProgress' });
    return validate(body) ? null : validate.errors;
  };

  it('answers a terminated, then deleted, case from the read model and refuses actions on it', async () => {
    const submission = canonicalSubmission(users.unit);
    const caseId = (await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(submission).expect(201)).body
      .caseId as string;
    const open = actionable(
      await eventually(
        () => getProgress(api, users.tokens.organizer, caseId),
        (p) => actionable(p).length > 0,
      ),
    );
    expect((await actOn(api, users, caseId, open[0]!)).status).toBe(200);
    const live = (await detail(caseId).expect(200)).body;
    expect(live).toMatchObject({ source: 'workflow', status: 'open' });
    expect(documented(live)).toBeNull();
    const awaiting = actionable(live)[0]!;

    // Terminated from Temporal: the reconciler records it; the workflow's own query still says open, the detail says terminated.
    const handle = worker.client.workflow.getHandle(delegationWorkflowId(caseId));
    await handle.terminate('测试清理 / test clean-up');
    const reconciler = worker.app.get(ReconcilerService);
    await eventually(
      () => reconciler.reconcile(),
      (r) => r.closed.includes(caseId),
      20_000,
    );
    const terminated = (await detail(caseId).expect(200)).body;
    expect(terminated).toMatchObject({ source: 'workflow', status: 'terminated', phase: 'closed' });
    // A closed case owes nothing: the step the workflow still has awaiting reads withdrawn, as a case the engine closed.
    expect(terminated.steps.find((s: { key: string }) => s.key === awaiting.key)).toMatchObject({ status: 'withdrawn', critical: false });
    expect(terminated.steps.find((s: { key: string }) => s.key === awaiting.key).latestStartAt).toBeUndefined();
    expect(terminated.steps.find((s: { key: string }) => s.key === open[0]!.key)).toMatchObject({ status: 'done' });
    expect(terminated.steps.filter((s: { status: string }) => !['done', 'skipped', 'withdrawn'].includes(s.status))).toEqual([]);
    expect(documented(terminated)).toBeNull();

    // The history goes (as past the retention period). Deletion is asynchronous: about 30 s on the dev server.
    await worker.client.workflowService.deleteWorkflowExecution({
      namespace: worker.config.temporalNamespace,
      workflowExecution: { workflowId: delegationWorkflowId(caseId) },
    });
    const gone = await eventually(
      () =>
        handle.describe().then(
          () => 'present',
          (err: Error) => err.name,
        ),
      (s) => s === 'WorkflowNotFoundError',
      90_000,
    );
    expect(gone).toBe('WorkflowNotFoundError');

    // Its last published answer is final (the reconciler's close is all it lacks): served as it was, closed.
    expect((await detail(caseId).expect(200)).body).toMatchObject({ source: 'workflow', status: 'terminated', phase: 'closed' });
    // Without one (lost, or a case closed before answers were published) the read models' record answers.
    await worker.app.get(DataSource).query(`DELETE FROM case_progress WHERE case_id = $1`, [caseId]);
    // The dev server's deletion is asynchronous: a query may still be answered a moment after describe said not found.
    const res = await eventually(
      () => detail(caseId).expect(200),
      (r) => r.body.source === 'read-model',
      30_000,
    );
    expect(documented(res.body)).toBeNull();
    expect(res.body).toMatchObject({
      source: 'read-model',
      caseId,
      workflowId: delegationWorkflowId(caseId),
      title: submission.title,
      unit: users.unit,
      status: 'terminated',
      phase: 'closed',
      departureDate: submission.departureDate,
      returnDate: submission.returnDate,
      submittedBy: users.usernames.organizer,
    });
    expect(res.body.closedAt).toEqual(expect.any(String));
    // The steps as the read model has them: the one recorded done with who did it, the next withdrawn (the case closed).
    const done = res.body.steps.find((s: { key: string }) => s.key === open[0]!.key);
    expect(done).toMatchObject({ status: 'done', actedBy: users.usernames[roleFor(open[0]!)] });
    expect(res.body.steps.find((s: { key: string }) => s.key === awaiting.key)).toMatchObject({
      code: awaiting.code,
      name: awaiting.name,
      status: 'withdrawn',
    });
    // Facts come from the event store, masked like the workflow's answer (organizer: no passport numbers).
    expect(res.body.facts.members).toHaveLength(submission.members.length);
    expect(JSON.stringify(res.body.facts)).not.toContain(submission.members[0].passport.number);

    // Still scoped: another unit's organizer is refused.
    const other = await createTestUsers(api);
    expect((await detail(caseId, other.tokens.organizer).expect(403)).body.code).toBe('CASE_OUT_OF_SCOPE');

    // Actions stay refused.
    const refused = await actOn(api, users, caseId, awaiting);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CASE_CLOSED');

    // A case nobody ever had is still 404.
    expect((await detail('no-such-case-0000').expect(404)).body.code).toBe('CASE_NOT_FOUND');
  });
});
