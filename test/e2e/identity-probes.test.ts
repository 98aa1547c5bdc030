import request from 'supertest';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import {
  bearer,
  canonicalSubmission,
  createTestUsers,
  registerRosterPerson,
  registerTestUnit,
  startTestApi,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';

/**
 * Trial (medium): an organizer tested passport numbers against the custody ledger through /check (422 passport-holder
 * for a number the ledger holds for someone else, 200 otherwise; 20 checks in 2.4 s): with the masked list's first two
 * and last three characters, ~10^4 tries recover a number. Each refusal naming another person's passport takes a point
 * of the user's budget (IDENTITY_PROBE_MAX in IDENTITY_PROBE_WINDOW_SECONDS); spent, /check and the submission answer
 * 429 TOO_MANY_ATTEMPTS with Retry-After, whatever is sent, until the window ends.
 */
describe('identity probes through the dry run, submissions and amendments are limited per user', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  let others: TestUsers;
  const digits = String(Date.now()).slice(-7);
  const held = `SG${digits}`;

  beforeAll(async () => {
    // A slow clock: the amended case stays in its first steps.
    worker = await startTestWorker({ workingDaySeconds: 60 });
    api = await startTestApi({
      taskQueue: worker.config.taskQueue,
      workingDaySeconds: 60,
      identityProbeMax: 3,
      identityProbeWindowSeconds: 600,
    });
    users = await createTestUsers(api);
    others = await createTestUsers(api);
    await registerTestUnit(api, others);
    const personId = `P-${others.unit}-probe`;
    await registerRosterPerson(api, others, personId, { name: '钱十' });
    await request(api.http)
      .post('/api/registries/passports')
      .set(bearer(others.tokens['passport-officer']))
      .send({ number: held, type: 'official', issuedOn: '2021-07-01', expiresOn: '2031-06-30', holder: personId })
      .expect(201);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  const typed = (number: string) => {
    const body = canonicalSubmission(users.unit);
    const m = body.members[0]!;
    return { ...body, members: [{ ...m, passport: { inCustody: false, number, expiresOn: '2031-06-30' } }] };
  };
  const as = (u: TestUsers) => ({
    check: (body: object) => request(api.http).post('/api/delegations/check').set(bearer(u.tokens.organizer)).send(body),
    submit: (body: object) => request(api.http).post('/api/delegations').set(bearer(u.tokens.organizer)).send(body),
  });

  it("handed input: three refusals naming another person's passport (a check, a submission, an amendment), then 429 with Retry-After for any of them, for that user only", async () => {
    // A number the ledger does not hold costs nothing.
    for (let i = 0; i < 5; i++) expect((await as(users).check(typed(`SH${digits.slice(0, 6)}${i}`))).status).toBe(200);
    const caseId = (
      await as(users)
        .submit(typed(`SJ${digits}`))
        .expect(201)
    ).body.caseId as string;
    // Second trial: an amendment naming the member with another's passport answered the same, unlimited.
    const amend = (number: string) =>
      request(api.http)
        .post(`/api/delegations/${caseId}/amend`)
        .set(bearer(users.tokens.organizer))
        .send({ changes: { members: typed(number).members }, comment: '护照更正' });
    await eventually(
      () => amend(`SK${digits}`).then((r) => r.status),
      (status) => status !== 404,
    );
    for (const probe of [
      as(users).check,
      as(users).submit,
      (body: { members: Array<{ passport: { number: string } }> }) => amend(body.members[0]!.passport.number),
    ]) {
      const res = await probe(typed(held));
      expect([res.status, res.body.errors?.[0]?.rule]).toEqual([422, expect.stringMatching(/passport-holder$/)]);
    }
    for (const res of [
      await as(users).check(typed(held)),
      await as(users).check(typed(`SH${digits}`)),
      await as(users).submit(typed(`SH${digits}`)),
      await amend(held),
    ]) {
      expect([res.status, res.body.code]).toEqual([429, 'TOO_MANY_ATTEMPTS']);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(600);
      expect(res.body.message.zh).toContain('核对他人护照信息的次数过多');
    }
    // Another organizer keeps their budget.
    expect((await as(others).check({ ...typed(`SH${digits}`), unit: others.unit })).status).toBe(200);
  });
});
