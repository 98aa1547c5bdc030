import request from 'supertest';
import { quarterOf } from '@df/domain';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import {
  bearer,
  createTestUsers,
  registerTestUnit,
  startTestApi,
  type TestApi,
  type TestUsers,
  uncustodiedSubmission,
  uniqueSuffix,
} from '../support/api-harness';
import { actUntilAwaiting, getProgress, roleFor } from '../support/api-flow';

/**
 * Thirteenth trial (high): a trip the annual plan check (A01) found outside the plan said "a written reason is needed",
 * and the FAO rule review (B05) approved it with nothing written. From 2027.6 B05's approval states the unit's reason.
 */
describe("a trip outside the annual plan is approved at B05 only with the unit's written reason", () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  beforeAll(async () => {
    worker = await startTestWorker({ workingDaySeconds: 1 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 1 });
    // A unit of its own: its plan is no other test's A01.
    users = await createTestUsers(api, `plan-reason-${uniqueSuffix()}`);
    await registerTestUnit(api, users);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it('handed input: unplanned, B05 approve with no comment is 422 comment plan-reason (the step says what it needs); with the reason, 200', async () => {
    const submission = uncustodiedSubmission(users.unit);
    const year = Number(submission.departureDate.slice(0, 4));
    // The approved plan holds one trip to Germany in the fourth quarter: the US trip in March is not in it.
    await request(api.http)
      .put(`/api/registries/units/${users.unit}/plans/${year}`)
      .set(bearer(users.tokens['fao-clerk']))
      .send({ trips: [{ id: 'P-DE', purpose: submission.purpose, countries: ['DE'], size: 3, quarter: 4 }] })
      .expect(201);
    const submitted = await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(submission);
    expect([submitted.status, submitted.body.errors]).toEqual([201, undefined]);
    const caseId = submitted.body.caseId as string;
    // Everyone else acts as asked until the FAO rule review awaits.
    const atB05 = await actUntilAwaiting(api, users, caseId, 'B05');
    expect(atB05.steps.find((s) => s.key === 'A01')!.data).toMatchObject({ planOutcome: 'unplanned' });
    const b05 = atB05.steps.find((s) => s.key === 'B05')!;
    expect(b05.planReason?.zh).toContain('书面说明');
    const decide = (body: Record<string, unknown>) =>
      request(api.http)
        .post(`/api/delegations/${caseId}/steps/B05/decision`)
        .set(bearer(users.tokens[roleFor(b05)]))
        .send({ decision: 'approve', ...body });
    // A stance is not the reason (trials 66, 67: a bare 同意 passed as the unit's written reason).
    // Nor a formula (trial 78: 同意：材料齐全，符合规定 passed).
    for (const body of [
      {},
      { comment: '  ' },
      { comment: '同意' },
      { comment: '同意。' },
      { comment: 'Approved!' },
      { comment: '同意：材料齐全，符合规定' },
      // Trial 83: a row of letters, full-width.
      { comment: 'ａｂｃｄ ｅｆｇｈ' },
    ]) {
      const refused = await decide(body);
      expect([refused.status, refused.body.errors?.map((e: { field: string; rule: string }) => [e.field, e.rule])]).toEqual([
        422,
        [['comment', 'plan-reason']],
      ]);
      expect(refused.body.message.zh).toContain('未列入年度出访计划');
    }
    const approved = await decide({ comment: '单位已书面说明：应邀参加投资洽谈会，编制年度计划时尚未收到邀请' });
    expect([approved.status, approved.body.accepted]).toEqual([200, true]);
    const after = await getProgress(api, users.tokens.organizer, caseId);
    expect(after.steps.find((s) => s.key === 'B05')).toMatchObject({ status: 'done', decision: 'approve' });
    expect(after.steps.find((s) => s.key === 'B05')!.planReason).toBeUndefined();
    // The reason is on the step for whoever decides next (trial 67: B06 did not see it).
    expect(after.steps.find((s) => s.key === 'B05')!.planReasonStated).toBe(
      '单位已书面说明：应邀参加投资洽谈会，编制年度计划时尚未收到邀请',
    );
  });

  it('trial 66: B05 approved in the plan with no reason; the plan then drops the trip, A01 runs again: B05 stands and says the reason is missing', async () => {
    const own = await createTestUsers(api, `plan-drop-${uniqueSuffix()}`);
    await registerTestUnit(api, own);
    const submission = uncustodiedSubmission(own.unit);
    const year = Number(submission.departureDate.slice(0, 4));
    const plan = (trips: unknown[]) =>
      request(api.http).put(`/api/registries/units/${own.unit}/plans/${year}`).set(bearer(own.tokens['fao-clerk'])).send({ trips });
    const covering = {
      id: 'P-US',
      purpose: submission.purpose,
      countries: submission.destinations.map((d: { country: string }) => d.country),
      size: submission.members.length,
      quarter: quarterOf(submission.departureDate),
    };
    await plan([covering]).expect(201);
    const caseId = (await request(api.http).post('/api/delegations').set(bearer(own.tokens.organizer)).send(submission).expect(201)).body
      .caseId as string;
    const atB05 = await actUntilAwaiting(api, own, caseId, 'B05');
    expect(atB05.steps.find((s) => s.key === 'A01')!.data).toMatchObject({ planOutcome: 'planned' });
    const b05 = atB05.steps.find((s) => s.key === 'B05')!;
    await request(api.http)
      .post(`/api/delegations/${caseId}/steps/B05/decision`)
      .set(bearer(own.tokens[roleFor(b05)]))
      .send({ decision: 'approve' })
      .expect(200);
    expect((await getProgress(api, own.tokens.organizer, caseId)).steps.find((s) => s.key === 'B05')!.planReasonMissing).toBeUndefined();
    // The plan says which case holds its trip, for whoever changes it (trial 70: an approval dropped it unsaid).
    const held = await request(api.http)
      .get(`/api/registries/units/${own.unit}/plans/${year}`)
      .set(bearer(own.tokens['fao-clerk']))
      .expect(200);
    expect(held.body.holders).toEqual([{ tripId: 'P-US', caseId, title: submission.title }]);
    // The office's plan drops the trip: A01 runs again and finds it outside the plan; B05 says what it lacks.
    await plan([{ ...covering, id: 'P-DE', countries: ['DE'] }]).expect(200);
    const after = await eventually(
      () => getProgress(api, own.tokens.organizer, caseId),
      (p) => p.steps.find((s) => s.key === 'B05')?.planReasonMissing !== undefined,
      60_000,
    );
    expect(after.steps.find((s) => s.key === 'A01')!.data).toMatchObject({ planOutcome: 'unplanned' });
    expect(after.steps.find((s) => s.key === 'B05')).toMatchObject({
      status: 'done',
      planReasonMissing: { zh: expect.stringContaining('未载明单位书面说明理由') },
    });
  });
});
