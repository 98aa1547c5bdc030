import request from 'supertest';
import { startTestWorker, type TestWorker } from '../support/harness';
import { bearer, canonicalSubmission, createTestUsers, startTestApi, type TestApi, type TestUsers } from '../support/api-harness';

/**
 * Two trust faults, each refused by kind wherever a trip enters: the dry run (/check, 200 with the violations), the
 * submission (422) and an amendment (422, fields under `changes`). Typed namesakes are one person (DUPLICATE_MEMBER
 * at `members[i].name`, duplicatePersonViolations); stops in two countries sharing days are LEGS_OVERLAP at
 * `destinations[i].arrive` (checkTripRules; an amendment's in the workflow's Update validator).
 */

interface FieldError {
  field: string;
  rule: string;
  message: { zh: string; en: string };
}
interface Violation {
  code: string;
  field?: string;
  message: { zh: string; en: string };
}

const errorsOf = (body: { errors?: FieldError[] }) => body.errors ?? [];
const pairs = (vs: Violation[]) => vs.map((v) => [v.field, v.code]);

describe('trip rules: typed namesakes and overlapping legs', () => {
  let api: TestApi;
  let users: TestUsers;
  let worker: TestWorker;
  beforeAll(async () => {
    worker = await startTestWorker({ workingDaySeconds: 60 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 60 });
    users = await createTestUsers(api);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  const post = (url: string, body: unknown) =>
    request(api.http)
      .post(url)
      .set(bearer(users.tokens.organizer))
      .send(body as object);
  const suffix = () => Math.random().toString(36).slice(2, 8);
  /** A typed member (no personId, no passport) of the canonical trip under this name. */
  const typed = (id: string, name: string) => ({
    ...(canonicalSubmission(users.unit).members[0] as Record<string, unknown>),
    id,
    name,
    leadershipTeam: null,
    passport: null,
  });

  describe('DUPLICATE_MEMBER: two typed members of one name are one person', () => {
    it('handed input: 孔一 and 孔 一 (no personId, no passport) → dry run names members[1].name; submission 422; amendment 422 under changes', async () => {
      const s = suffix();
      const members = [typed('m1', `孔一${s}`), typed('m2', `孔 一${s}`)];
      const body = canonicalSubmission(users.unit, { members });
      const checked = await post('/api/delegations/check', body).expect(200);
      expect(checked.body.ok).toBe(false);
      expect(pairs(checked.body.violations)).toEqual([['members[1].name', 'DUPLICATE_MEMBER']]);

      const refused = await post('/api/delegations', body).expect(422);
      expect(refused.body.code).toBe('RULE_VIOLATION');
      const errors = errorsOf(refused.body);
      expect(errors.map((e) => [e.field, e.rule])).toEqual([['members[1].name', 'DUPLICATE_MEMBER']]);
      // Bilingual, and it tells the organizer what to do.
      expect(errors[0]!.message.zh).toContain('花名册');
      expect(errors[0]!.message.en).toContain('registered on the roster');
      expect(errors[0]!.message.en).toContain('passport number');

      // An amendment listing them is refused by the API, named as sent; nothing reaches the case.
      const submitted = await post('/api/delegations', canonicalSubmission(users.unit)).expect(201);
      const caseId = submitted.body.caseId as string;
      const amended = await post(`/api/delegations/${caseId}/amend`, { changes: { members } }).expect(422);
      expect(amended.body.code).toBe('RULE_VIOLATION');
      expect(errorsOf(amended.body).map((e) => [e.field, e.rule])).toEqual([['changes.members[1].name', 'DUPLICATE_MEMBER']]);
      const detail = await request(api.http).get(`/api/delegations/${caseId}`).set(bearer(users.tokens.organizer)).expect(200);
      expect(detail.body.facts.members).toHaveLength(1);
    });

    it('handed input: 张三 and 張三 (traditional) are one name; each with its own passport number they are two people', async () => {
      const s = suffix();
      const body = canonicalSubmission(users.unit, { members: [typed('m1', `张三${s}`), typed('m2', `張三${s}`)] });
      const checked = await post('/api/delegations/check', body).expect(200);
      expect(pairs(checked.body.violations)).toEqual([['members[1].name', 'DUPLICATE_MEMBER']]);
      const refused = await post('/api/delegations', body).expect(422);
      expect(errorsOf(refused.body).map((e) => [e.field, e.rule])).toEqual([['members[1].name', 'DUPLICATE_MEMBER']]);

      // Told apart by their passports: the dry run finds nothing.
      const passport = (number: string) => ({ inCustody: false, number, expiresOn: '2031-06-30' });
      const two = canonicalSubmission(users.unit, {
        members: [
          { ...typed('m1', `张三${s}`), passport: passport(`E${s.length}1111111`) },
          { ...typed('m2', `張三${s}`), passport: passport(`E${s.length}2222222`) },
        ],
      });
      const fine = await post('/api/delegations/check', two).expect(200);
      expect(fine.body.violations).toEqual([]);
    });
  });

  describe('LEGS_OVERLAP: one country at a time', () => {
    const legs = (caArrive: string) => ({
      departureDate: '2027-03-01',
      returnDate: '2027-03-08',
      destinations: [
        { country: 'US', city: 'Houston', arrive: '2027-03-01', leave: '2027-03-05', inviter: { name: 'Jane Roe', organization: 'GHP' } },
        { country: 'CA', city: 'Toronto', arrive: caArrive, leave: '2027-03-08', inviter: { name: 'John Doe', organization: 'TBOT' } },
      ],
    });

    it('handed input: the US 03-01..03-05 and Canada 03-03..03-08 → destinations[1].arrive in the dry run, submission 422; a same-day transfer passes', async () => {
      const body = canonicalSubmission(users.unit, legs('2027-03-03'));
      const checked = await post('/api/delegations/check', body).expect(200);
      expect(checked.body.ok).toBe(false);
      expect(pairs(checked.body.violations)).toEqual([['destinations[1].arrive', 'LEGS_OVERLAP']]);

      const refused = await post('/api/delegations', body).expect(422);
      expect(refused.body.code).toBe('RULE_VIOLATION');
      expect(errorsOf(refused.body)).toEqual([
        {
          field: 'destinations[1].arrive',
          rule: 'LEGS_OVERLAP',
          message: {
            zh: '第2站（CA，2027-03-03至2027-03-08）与第1站（US，2027-03-01至2027-03-05）日期重叠：同一时间只能在一国（当天转机可在前一站离开之日抵达）',
            en: 'Stop 2 (CA, 2027-03-03 to 2027-03-08) overlaps stop 1 (US, 2027-03-01 to 2027-03-05): one country at a time (a same-day transfer may arrive on the day the other stop leaves)',
          },
        },
      ]);

      const transfer = await post('/api/delegations/check', canonicalSubmission(users.unit, legs('2027-03-05'))).expect(200);
      expect(transfer.body).toMatchObject({ ok: true, violations: [] });
    });

    it('an amendment to overlapping legs is 422 at changes.destinations[1].arrive (the workflow’s Update validator); a same-day transfer is applied', async () => {
      const submitted = await post('/api/delegations', canonicalSubmission(users.unit)).expect(201);
      const caseId = submitted.body.caseId as string;
      const amended = await post(`/api/delegations/${caseId}/amend`, { changes: legs('2027-03-03') }).expect(422);
      expect(amended.body.code).toBe('RULE_VIOLATION');
      expect(errorsOf(amended.body).map((e) => [e.field, e.rule])).toEqual([['changes.destinations[1].arrive', 'LEGS_OVERLAP']]);
      expect(errorsOf(amended.body)[0]!.message.en).toContain('overlaps stop 1');

      await post(`/api/delegations/${caseId}/amend`, { changes: legs('2027-03-05') }).expect(200);
      const detail = await request(api.http).get(`/api/delegations/${caseId}`).set(bearer(users.tokens.organizer)).expect(200);
      expect(detail.body.facts.destinations.map((d: { country: string; arrive: string }) => [d.country, d.arrive])).toEqual([
        ['US', '2027-03-01'],
        ['CA', '2027-03-05'],
      ]);
    });
  });
});
