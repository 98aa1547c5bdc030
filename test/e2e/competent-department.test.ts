import request from 'supertest';
import { startTestWorker, type TestWorker } from '../support/harness';
import {
  bearer,
  canonicalSubmission,
  createTestUsers,
  passportsNotInCustody,
  registerTestUnit,
  startTestApi,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';
import { actionable, actOn, getProgress, waitForStep } from '../support/api-flow';

/**
 * 主管部门审核 (A16) is the supervising department's (new-user trial: with education supervised by commerce, A16 was in
 * both departments' approvers' inboxes, and education's own approver decided it; with a supervising department that
 * has no approver, still education's own).
 */
describe('the competent department review is decided by the supervising department', () => {
  let worker: TestWorker;
  let api: TestApi;
  let unit: TestUsers;
  let dept: TestUsers;

  beforeAll(async () => {
    worker = await startTestWorker({ workingDaySeconds: 60 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 60 });
    dept = await createTestUsers(api);
    unit = await createTestUsers(api);
    await registerTestUnit(api, dept);
    await registerTestUnit(api, unit);
    // The unit is supervised by the department (the units registry's 主管部门): its cases run A16.
    const got = await request(api.http).get(`/api/registries/units/${unit.unit}`).set(bearer(unit.tokens['fao-clerk'])).expect(200);
    const { suspension: _computed, ...body } = got.body;
    await request(api.http)
      .put(`/api/registries/units/${unit.unit}`)
      .set(bearer(unit.tokens['fao-clerk']))
      .send({ ...body, supervisingDepartment: dept.unit })
      .expect(200);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it("A16: refused to the unit's own approver (403 WRONG_ROLE), in the department's approver's inbox only, decided by them", async () => {
    const caseId: string = (
      await request(api.http)
        .post('/api/delegations')
        .set(bearer(unit.tokens.organizer))
        .send(passportsNotInCustody(canonicalSubmission(unit.unit)))
        .expect(201)
    ).body.caseId;
    for (let round = 0; round < 80; round++) {
      const p = await getProgress(api, unit.tokens.organizer, caseId);
      if (['awaiting', 'overdue'].includes(p.steps.find((s) => s.key === 'A16')?.status ?? '')) break;
      const ready = actionable(p).filter((s) => s.phase === 'prepare' && s.key !== 'A16');
      for (const step of ready) expect([step.key, (await actOn(api, unit, caseId, step)).status]).toEqual([step.key, 200]);
      if (ready.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    await waitForStep(api, unit.tokens.organizer, caseId, 'A16', ['awaiting', 'overdue']);
    const inbox = async (users: TestUsers) =>
      (
        (await request(api.http).get('/api/inbox').query({ pageSize: 200 }).set(bearer(users.tokens['dept-approver'])).expect(200)).body
          .items as Array<{ caseId: string; stepKey: string }>
      ).filter((i) => i.caseId === caseId);
    expect(await inbox(unit)).toEqual([]);
    expect((await inbox(dept)).map((i) => i.stepKey)).toEqual(['A16']);

    const decide = (users: TestUsers) =>
      request(api.http)
        .post(`/api/delegations/${caseId}/steps/A16/decision`)
        .set(bearer(users.tokens['dept-approver']))
        .send({ decision: 'approve', comment: '同意' });
    const own = await decide(unit).expect(403);
    expect(own.body).toMatchObject({ code: 'WRONG_ROLE', message: { zh: expect.stringContaining(`主管部门（${dept.unit}）`) } });
    expect((await getProgress(api, unit.tokens.organizer, caseId)).steps.find((s) => s.key === 'A16')?.status).toMatch(/awaiting|overdue/);
    expect((await decide(dept).expect(200)).body.accepted).toBe(true);
  });
});
