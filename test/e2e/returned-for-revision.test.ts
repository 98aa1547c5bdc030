import request from 'supertest';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import { bearer, canonicalSubmission, createTestUsers, startTestApi, type TestApi, type TestUsers } from '../support/api-harness';
import { actionable, actOn, getProgress, waitForStep } from '../support/api-flow';

/**
 * 退回修改 (trial): a return to a system step upstream (A15 returning to A01) reopens the organizer's A02 after it.
 * The case list says so (`returned=true`, `returnedForRevision`) whatever the return's target was, until the
 * organizer completes the step again.
 */
describe('returned for revision: a return whose target is a system step', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  beforeAll(async () => {
    worker = await startTestWorker({ workingDaySeconds: 60 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 60 });
    users = await createTestUsers(api);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  const returned = async (caseId: string) => {
    const list = (query: Record<string, string>) =>
      request(api.http)
        .get('/api/delegations')
        .query({ pageSize: '100', unit: users.unit, ...query })
        .set(bearer(users.tokens.organizer))
        .expect(200)
        .then((r) => r.body as { total: number; items: Array<{ caseId: string; returnedForRevision: boolean }> });
    const all = await list({});
    const filtered = await list({ returned: 'true' });
    return {
      flag: all.items.find((c) => c.caseId === caseId)?.returnedForRevision,
      listed: filtered.items.some((c) => c.caseId === caseId),
    };
  };

  it('A15 returns to A01: A01 re-runs, A02 reopens for the organizer, and the case is returned for revision until A02 is redone', async () => {
    const caseId: string = (
      await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(canonicalSubmission(users.unit)).expect(201)
    ).body.caseId;
    for (let round = 0; round < 60; round++) {
      const p = await getProgress(api, users.tokens.organizer, caseId);
      if (['awaiting', 'overdue'].includes(p.steps.find((s) => s.key === 'A15')?.status ?? '')) break;
      const ready = actionable(p).filter((s) => s.phase === 'prepare' && s.code !== 'A15');
      for (const step of ready) expect([step.key, (await actOn(api, users, caseId, step)).status]).toEqual([step.key, 200]);
      if (ready.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    await waitForStep(api, users.tokens.organizer, caseId, 'A15', ['awaiting', 'overdue']);
    expect(await returned(caseId)).toEqual({ flag: false, listed: false });

    // The handed input: the unit leader returns A15 to A01, a system step.
    await request(api.http)
      .post(`/api/delegations/${caseId}/steps/A15/decision`)
      .set(bearer(users.tokens['unit-leader']))
      .send({ decision: 'return', returnTo: 'A01', comment: '出访计划需重新核对' })
      .expect(200);
    const p = await waitForStep(api, users.tokens.organizer, caseId, 'A02', ['awaiting', 'overdue']);
    expect(p.steps.find((s) => s.key === 'A01')!.status).toBe('done');
    expect(
      await eventually(
        () => returned(caseId),
        (r) => r.flag === true,
      ),
    ).toEqual({ flag: true, listed: true });

    // The return reopened the organizer's work after A01 (A02, then A03:US, A05, A06, A09): returned until all of it is
    // redone, then no longer (what is left waits for the approvers).
    expect(
      (
        await actOn(
          api,
          users,
          caseId,
          p.steps.find((s) => s.key === 'A02')!,
        )
      ).status,
    ).toBe(200);
    await waitForStep(api, users.tokens.organizer, caseId, 'A05', ['awaiting', 'overdue']);
    expect(await returned(caseId)).toEqual({ flag: true, listed: true });
    for (let round = 0; round < 60; round++) {
      const q = await getProgress(api, users.tokens.organizer, caseId);
      const mine = actionable(q).filter((s) => s.actorRole === 'organizer');
      if (mine.length === 0 && ['awaiting', 'overdue'].includes(q.steps.find((s) => s.key === 'A10')?.status ?? '')) break;
      for (const step of mine) expect([step.key, (await actOn(api, users, caseId, step)).status]).toEqual([step.key, 200]);
      if (mine.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    const q = await waitForStep(api, users.tokens.organizer, caseId, 'A10', ['awaiting', 'overdue']);
    expect(actionable(q).filter((s) => s.actorRole === 'organizer')).toEqual([]);
    expect(
      await eventually(
        () => returned(caseId),
        (r) => r.flag === false,
      ),
    ).toEqual({ flag: false, listed: false });
  });
});
