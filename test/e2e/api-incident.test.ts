import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { delegationWorkflowId, retryIncidentUpdate } from '@df/contracts';
import { RegistriesRepository } from '@df/persistence';
import { INCIDENT_NOTICE } from '../../apps/api/src/common/incident-notice';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import { enterpriseUnit, fixtureUnitNames } from '../support/factories';
import {
  bearer,
  canonicalSubmission,
  createTestUsers,
  passportsNotInCustody,
  startTestApi,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';
import { getProgress, waitForStep } from '../support/api-flow';

/**
 * A case an incident stopped (the event store refuses its events for good: a trigger, as
 * test/integration/incidents.test.ts makes one) answers every action 409 CASE_INCIDENT with the incident's notice,
 * the action during which it arose too (new-user trial: that one read 503 "retry with the same key" after
 * API_UPDATE_TIMEOUT_MS): its outcome is known, taken by the case and recorded once operations retry. The same key
 * then returns its outcome.
 */
describe('a case stopped by an incident: every action 409 CASE_INCIDENT, the one that caused it too', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  let db: DataSource;
  const marker = `INCIDENT-PROBE-${randomUUID()}`;
  const fn = `df_refuse_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

  beforeAll(async () => {
    worker = await startTestWorker({ workingDaySeconds: 60 });
    // A long update timeout: the answer must not wait for it.
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 60, apiUpdateTimeoutMs: 60_000 });
    users = await createTestUsers(api);
    await api.app
      .get(RegistriesRepository)
      .putUnit(enterpriseUnit(users.unit, fixtureUnitNames(users.unit, '测试局', 'Test bureau')), { id: 'test', role: 'fao-clerk' });
    db = api.app.get(DataSource);
    await db.query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.payload->>'comment' = '${marker}' THEN
          RAISE EXCEPTION 'refused by the test' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`CREATE TRIGGER ${fn} BEFORE INSERT ON case_events FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
  });
  afterAll(async () => {
    await db?.query(`DROP TRIGGER IF EXISTS ${fn} ON case_events`).catch(() => undefined);
    await db?.query(`DROP FUNCTION IF EXISTS ${fn}()`).catch(() => undefined);
    await api?.close();
    await worker?.stop();
  });

  it('the action that opened it, the retry with its key and every other action: 409 CASE_INCIDENT; resolved, the key returns the outcome', async () => {
    const as = (role: keyof TestUsers['tokens']) => bearer(users.tokens[role]);
    const caseId = (
      await request(api.http)
        .post('/api/delegations')
        .set(as('organizer'))
        .send(passportsNotInCustody(canonicalSubmission(users.unit)))
        .expect(201)
    ).body.caseId as string;
    await waitForStep(api, users.tokens.organizer, caseId, 'A02', ['awaiting', 'overdue']);
    const key = `incident-${randomUUID()}`;
    const completeA02 = () =>
      request(api.http)
        .post(`/api/delegations/${caseId}/steps/A02/complete`)
        .set(as('organizer'))
        .set('Idempotency-Key', key)
        .send({ comment: marker });
    const started = Date.now();
    const first = await completeA02();
    expect([first.status, first.body.code, first.body.message]).toEqual([409, 'CASE_INCIDENT', INCIDENT_NOTICE]);
    expect(first.body.errors).toEqual([
      expect.objectContaining({
        field: 'path.id',
        rule: 'no-incident',
        message: { zh: expect.stringContaining('请勿重复办理'), en: expect.stringContaining('do not send it again') },
      }),
    ]);
    expect(Date.now() - started).toBeLessThan(30_000); // not the update timeout
    expect(JSON.stringify(first.body)).not.toMatch(/EVENT_STORE_REJECTED|refused by the test|23514/);
    await eventually(
      () => getProgress(api, users.tokens.organizer, caseId),
      (p) => !!p.incident,
      30_000,
    );
    // The inbox says so on each of the case's steps, with the notice, and offers none as actionable (the kind of the
    // thirty-ninth trial's E07: an item the workflow refuses).
    const inboxOfCase = async () =>
      (
        (await request(api.http).get('/api/inbox').set(as('organizer')).expect(200)).body.items as Array<{
          caseId: string;
          stepKey: string;
          blockedFor: { code: string; message: unknown } | null;
        }>
      ).filter((i) => i.caseId === caseId);
    const paused = await eventually(inboxOfCase, (items) => items.length > 0 && items.every((i) => i.blockedFor !== null), 30_000);
    expect(paused.map((i) => i.stepKey)).toEqual(['A02']); // the step whose completion it holds, the organizer's only open one
    for (const i of paused) expect([i.stepKey, i.blockedFor]).toEqual([i.stepKey, { code: 'CASE_INCIDENT', message: INCIDENT_NOTICE }]);
    // The retry with its key: still held, the same answer.
    const again = await completeA02();
    expect([again.status, again.body.code, again.body.message]).toEqual([409, 'CASE_INCIDENT', INCIDENT_NOTICE]);
    // Every other action: refused, nothing taken, with the notice (a step the case does not have is said first).
    for (const [path, body, role] of [
      ['steps/A05/complete', {}, 'organizer'],
      ['steps/A06/complete', { comment: '预算' }, 'organizer'],
      ['withdraw', { reason: '邀请方取消活动' }, 'organizer'],
      ['amend', { changes: { returnDate: '2099-01-01' } }, 'organizer'],
      ['cancel', { reason: '邀请方取消活动' }, 'fao-clerk'],
    ] as const) {
      const res = await request(api.http).post(`/api/delegations/${caseId}/${path}`).set(as(role)).send(body);
      expect([path, res.status, res.body.code, res.body.message]).toEqual([path, 409, 'CASE_INCIDENT', INCIDENT_NOTICE]);
    }
    const unknown = await request(api.http).post(`/api/delegations/${caseId}/steps/A02:zz/complete`).set(as('organizer')).send({});
    expect([unknown.status, unknown.body.code]).toEqual([404, 'UNKNOWN_STEP']);

    // Operations fix the cause and retry: the held completion is recorded once; its key returns it.
    await db.query(`DROP TRIGGER ${fn} ON case_events`);
    await worker.client.workflow
      .getHandle(delegationWorkflowId(caseId))
      .executeUpdate(retryIncidentUpdate, { args: [{ requestId: randomUUID(), operator: 'test' }] });
    const done = await completeA02();
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ accepted: true, requestId: key });
    // The page's answer catches up with the resolution once the workflow publishes it (the read is eventually current).
    const after = await eventually(
      () => getProgress(api, users.tokens.organizer, caseId),
      (p) => p.incident === null,
      30_000,
    );
    expect(after.incident).toBeNull();
    expect(after.steps.find((s) => s.key === 'A02')!.status).toBe('done');
    // Resolved: the inbox offers the case's steps again.
    const open = await inboxOfCase();
    expect(open.length).toBeGreaterThan(0);
    expect(open.filter((i) => i.blockedFor !== null)).toEqual([]);
  });
});
