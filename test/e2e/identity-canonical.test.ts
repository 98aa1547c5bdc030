import request from 'supertest';
import { startTestWorker, type TestWorker } from '../support/harness';
import {
  bearer,
  canonicalSubmission,
  createTestUsers,
  startTestApi,
  uniquePassportNumber,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';
import { getProgress } from '../support/api-flow';

/**
 * The new-user trial: two members of leadership team "city-government" are LEADERSHIP_TEAM_OVERLAP, but
 * "City-Government " passed the dry run. The API canonicalizes the team (trim, NFKC, one space, case-fold) before
 * the rules compare and before the case stores it.
 */
describe('a leadership team is compared and stored canonical', () => {
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

  // Each member a passport number of their own: one passport is one person on the open cases of every file of the run
  // (openCaseKeys), and this file is about the team, not the person.
  const member = (id: string, name: string, leadershipTeam: string, number = uniquePassportNumber()) => ({
    ...(canonicalSubmission('x').members as Array<Record<string, unknown>>)[0]!,
    id,
    name,
    leadershipTeam,
    passport: { inCustody: true, number, expiresOn: '2031-06-30' },
  });

  it('handed input: "city-government" and "City-Government " overlap in /check and at submission', async () => {
    for (const variant of ['City-Government ', ' CITY-government', 'ＣＩＴＹ－ＧＯＶＥＲＮＭＥＮＴ', 'city-government']) {
      const body = canonicalSubmission(users.unit, {
        members: [member('m1', '张三', 'city-government'), member('m2', '李四', variant)],
      });
      const checked = await request(api.http).post('/api/delegations/check').set(bearer(users.tokens.organizer)).send(body).expect(200);
      expect(checked.body.ok).toBe(false);
      expect(checked.body.violations).toEqual([
        expect.objectContaining({
          code: 'LEADERSHIP_TEAM_OVERLAP',
          details: expect.objectContaining({ leadershipTeam: 'city-government' }),
        }),
      ]);
      const refused = await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(body).expect(422);
      expect(refused.body.code).toBe('RULE_VIOLATION');
    }
  });

  it('the case stores the canonical team (so the workflow’s own comparison, at amendment, sees one team)', async () => {
    const body = canonicalSubmission(users.unit, { members: [member('m1', '张三', '  City-Government ')] });
    const created = await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(body).expect(201);
    const p = await getProgress(api, users.tokens.organizer, created.body.caseId);
    expect(p.facts?.members?.[0]?.leadershipTeam).toBe('city-government');
  });
});
