import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { addDays, shanghaiDate } from '@df/domain';
import { DataSource } from 'typeorm';
import { claimStepNumber, PASSPORT_NUMBER_CLAIMS } from '@df/persistence';
import { startTestWorker, eventually, type TestWorker } from '../support/harness';
import {
  bearer,
  canonicalSubmission,
  createTestUsers,
  registerTestUnit,
  startTestApi,
  uniqueSuffix,
  type TestApi,
  type TestUsers,
  registerRosterPerson,
} from '../support/api-harness';
import { actOn, actionable, getProgress } from '../support/api-flow';

const passportNo = () => `SE${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;

/**
 * C05's new passport number across delegations, the same kind as K06's card number (apps/api/src/delegations/
 * number-claims.ts): held for its case's member from the moment the API accepts it (passport_number_claims). Before,
 * the API read the custody ledger and the published progress of the other open cases: two cases completing C05 with
 * one number at once were both accepted, and the second's custody registration only noted it as someone else's.
 */
describe('C05 passport numbers held across cases (passport_number_claims)', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  beforeAll(async () => {
    worker = await startTestWorker({ workingDaySeconds: 1 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 1 });
    users = await createTestUsers(api);
    await registerTestUnit(api, users);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  const officer = () => bearer(users.tokens['passport-officer']);

  /** A roster person whose passport in custody expires within 6 months of the return, on a case driven to C05. */
  const caseAtC05 = async (name: string): Promise<{ caseId: string; personId: string; old: string }> => {
    const personId = `P-${uniqueSuffix()}`;
    await registerRosterPerson(api, users, personId, { name, position: '处长' });
    const old = passportNo();
    await request(api.http)
      .post('/api/registries/passports')
      .set(officer())
      .send({ number: old, issuedOn: '2017-05-01', expiresOn: '2027-05-01', holder: personId })
      .expect(201);
    const caseId: string = (
      await request(api.http)
        .post('/api/delegations')
        .set(bearer(users.tokens.organizer))
        .send(canonicalSubmission(users.unit, { title: `${name}出访`, members: [{ id: 'm1', personId }] }))
        .expect(201)
    ).body.caseId;
    const deadline = Date.now() + 150_000;
    for (;;) {
      const p = await getProgress(api, users.tokens.organizer, caseId);
      if (p.steps.some((s) => s.key === 'C05:m1' && (s.status === 'awaiting' || s.status === 'overdue'))) break;
      if (Date.now() > deadline) throw new Error(`stuck: ${actionable(p).map((s) => s.key)}`);
      const open = actionable(p);
      if (open.length === 0) await new Promise((r) => setTimeout(r, 250));
      for (const step of open)
        expect({ key: step.key, status: (await actOn(api, users, caseId, step)).status }).toEqual({ key: step.key, status: 200 });
    }
    return { caseId, personId, old };
  };

  const c05 = (caseId: string, number: string) => {
    const today = shanghaiDate(Date.now());
    return request(api.http)
      .post(`/api/delegations/${caseId}/steps/C05:m1/complete`)
      .set(officer())
      .set('Idempotency-Key', randomUUID())
      .send({ data: { number, issuedOn: addDays(today, -3), expiresOn: addDays(today, 3600) } });
  };

  it('two cases completing C05 with one new passport at once: one 200, the other 422 data.number passport-holder; the ledger registers it for the winner', async () => {
    const [a, b] = await Promise.all([caseAtC05('赵一'), caseAtC05('钱二')]);
    const number = passportNo();
    // One typed with spaces and lower case: the same passport.
    const answers = await Promise.all([c05(a.caseId, number), c05(b.caseId, ` ${number.slice(0, 2).toLowerCase()} ${number.slice(2)}`)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 422]);
    const winner = answers[0]!.status === 200 ? a : b;
    const loser = winner === a ? b : a;
    const refused = answers.find((r) => r.status === 422)!.body;
    expect(refused.errors).toEqual([expect.objectContaining({ field: 'data.number', rule: 'passport-holder' })]);
    expect(JSON.stringify(refused)).not.toMatch(new RegExp(`${winner.caseId}|${winner.personId}|赵一|钱二`));
    const ledger = await eventually(
      () => request(api.http).get(`/api/registries/passports/${number}`).set(officer()),
      (r) => r.status === 200,
    );
    expect(ledger.body).toMatchObject({ number, holder: winner.personId, state: 'in-custody' });
    // Again, after it (sequential): still refused; the loser records its own new passport.
    await c05(loser.caseId, number).expect(422);
    // Typed by an API client with an input method's full-width forms (trial 76: refused as "not letters or digits"): the
    // number, folded before the checks and as the workflow records it.
    const own = passportNo();
    const fullWidth = [...own].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
    await c05(loser.caseId, fullWidth).expect(200);
    const p = await getProgress(api, users.tokens['passport-officer'], loser.caseId);
    expect(p.steps.find((s) => s.key === 'C05:m1')?.data).toMatchObject({ number: own });
    const registered = await eventually(
      () => request(api.http).get(`/api/registries/passports/${own}`).set(officer()),
      (r) => r.status === 200,
    );
    expect(registered.body).toMatchObject({ number: own, holder: loser.personId });
  }, 300_000);

  it("seventh trial: a number another open case's C05 holds (in flight, not yet in the ledger) is not registered by hand to someone else", async () => {
    const [a, b] = await Promise.all([caseAtC05('孙三'), caseAtC05('李四')]);
    const number = passportNo();
    // A's C05 holds the number (its completion on its way to the workflow, the ledger's registration after it), as the
    // API claims it: replacing A's old passport.
    const held = await claimStepNumber(
      api.app.get(DataSource),
      PASSPORT_NUMBER_CLAIMS,
      number,
      { caseId: a.caseId, stepKey: 'C05:m1', memberId: 'm1', requestId: randomUUID() },
      [],
      { replaces: a.old },
    );
    expect(held).toBeNull();
    const register = (holder: string) =>
      request(api.http)
        .post('/api/registries/passports')
        .set(officer())
        .send({ number, issuedOn: addDays(shanghaiDate(Date.now()), -1), expiresOn: '2036-01-01', holder });
    const refused = await register(b.personId).expect(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'number', rule: 'passport-holder' })]);
    expect(JSON.stringify(refused.body)).not.toContain(a.caseId);
    // A's own person: not the claim's refusal (the passport the C05 records is theirs), but one valid passport per
    // person: theirs in custody is cancelled first.
    const own = await register(a.personId).expect(409);
    expect(own.body).toMatchObject({ code: 'PASSPORT_ALREADY_HELD', errors: [{ field: 'holder', rule: 'one-valid-passport' }] });
    // The holder by their roster name, the id beside it (trial 86: P-commerce-001 的护照…).
    expect(own.body.message.zh).toMatch(new RegExp(`^孙三（${a.personId}） `));
  }, 300_000);
});
