import request from 'supertest';
import { DataSource } from 'typeorm';
import { personKey } from '@df/domain';
import type { CaseEventRecord } from '@df/contracts';
import { EventStore, foldStream } from '@df/persistence';
import { CaseMembersNewPassport1796255724244 } from '../../libs/persistence/src/migrations/1796255724244-CaseMembersNewPassport';
import { CaseMembersIssued1796280255150 } from '../../libs/persistence/src/migrations/1796280255150-CaseMembersIssued';
import {
  bearer,
  canonicalSubmission,
  createTestUsers,
  registerTestUnit,
  startTestApi,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';
import { caseStream } from '../support/event-factories';

/**
 * The passport a member's C05 records (schema 'new-passport') is one more identity of that member on the case: the
 * overlap rule (MEMBER_ON_OPEN_CASE) and the frequency rule (FREQUENCY_EXCEEDED) find the person by it, as by the
 * passport typed at submission (case_members: the projection adds the member's `passport:<number>` key, openCaseKeys'
 * passportPersonKey). Handed input: F1's typed 龚十七 (EF…) got EN… at C05 and departed; another unit's organizer typed
 * 龚石七 with EN…: no MEMBER_ON_OPEN_CASE at overlapping dates, no FREQUENCY_EXCEEDED within 24 months after.
 */
describe("a member's C05 new passport is that member's identity to the overlap and frequency rules", () => {
  let api: TestApi;
  let commerce: TestUsers;
  let other: TestUsers;
  const digits = String(Date.now()).slice(-7);
  const oldNumber = `EF${digits}`;
  const newNumber = `EN${digits}`;
  let f1: string;
  let f1Events: CaseEventRecord[];

  beforeAll(async () => {
    api = await startTestApi();
    commerce = await createTestUsers(api);
    other = await createTestUsers(api);
    await registerTestUnit(api, commerce);
    await registerTestUnit(api, other);
    // F1 as the workflow appends it: 龚十七 typed (not from the roster) with EF…, C05 completed with EN…, departed.
    f1 = `F1-${commerce.unit}`;
    const events = caseStream({
      caseId: f1,
      unit: commerce.unit,
      title: '招商 F1',
      submittedAt: Date.parse('2027-04-01T01:00:00Z'),
      departureDate: '2027-05-10',
      done: [{ key: 'C05:m1', code: 'C05', phase: 'passport', actorRole: 'passport-officer', memberId: 'm1', wd: 1 }],
      departedAfterDays: 39,
    });
    const submitted = events[0]!.payload as { facts: { members: Array<Record<string, unknown>> }; memberCount: number };
    const { personId: _typed, ...first } = submitted.facts.members[0]!;
    const member = {
      ...first,
      id: 'm1',
      name: '龚十七',
      rank: 'bureau',
      passport: { inCustody: false, number: oldNumber },
    };
    submitted.facts.members = [member];
    submitted.memberCount = 1;
    const completed = events.find((e) => e.type === 'step.completed' && e.payload.code === 'C05')!;
    completed.payload.data = { number: newNumber, issuedOn: '2027-04-02', expiresOn: '2037-04-01' };
    const departed = events.find((e) => e.type === 'case.departed')!;
    departed.payload.members = ['m1'];
    departed.payload.trips = [{ memberId: 'm1', personKey: personKey({ unit: commerce.unit }, { name: '龚十七' }) }];
    const store = api.app.get(EventStore);
    for (let i = 0; i < events.length; i += 4) await store.append(events.slice(i, i + 4));
    f1Events = events;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('the backfills (CaseMembersNewPassport, CaseMembersIssued) give a case projected before the rules the key its C05 recorded, issued, and no other', async () => {
    const db = api.app.get(DataSource);
    const keys = async () =>
      (await db.query(`SELECT member_id, person_key, issued FROM case_members WHERE case_id = $1 ORDER BY person_key`, [f1])) as object[];
    const projected = await keys();
    expect(projected).toContainEqual({ member_id: 'm1', person_key: `passport:${newNumber}`, issued: true });
    const runner = db.createQueryRunner();
    try {
      await db.query(`DELETE FROM case_members WHERE case_id = $1 AND person_key = $2`, [f1, `passport:${newNumber}`]);
      await new CaseMembersNewPassport1796255724244().up(runner);
      await new CaseMembersIssued1796280255150().up(runner);
      expect(await keys()).toEqual(projected);
      // CaseMembersIssued: a key dropped by a new member list (an amendment after C05, before the rule) comes back, issued.
      await db.query(`DELETE FROM case_members WHERE case_id = $1 AND person_key = $2`, [f1, `passport:${newNumber}`]);
      await new CaseMembersIssued1796280255150().up(runner);
      expect(await keys()).toEqual(projected);
    } finally {
      await runner.release();
    }
  });

  /** The other unit's trip with 龚石七 typed, the passport not in custody, on these dates. */
  const typed = (number: string, departureDate: string, returnDate: string) => {
    const base = canonicalSubmission(other.unit, { title: `龚石七 ${departureDate}` });
    const m = base.members[0]!;
    return {
      ...base,
      departureDate,
      returnDate,
      destinations: [{ ...base.destinations[0]!, arrive: departureDate, leave: returnDate }],
      members: [{ ...m, name: '龚石七', rank: 'bureau', passport: { ...m.passport, inCustody: false, number } }],
    };
  };
  const check = (body: object) => request(api.http).post('/api/delegations/check').set(bearer(other.tokens.organizer)).send(body);
  const submit = (body: object) => request(api.http).post('/api/delegations').set(bearer(other.tokens.organizer)).send(body);

  it("F1's case_members hold the C05 passport's key for 龚十七 (live projection), as a rebuild from the event store folds it", async () => {
    const live = (await api.app
      .get(DataSource)
      .query(`SELECT member_id, person_key FROM case_members WHERE case_id = $1 ORDER BY person_key`, [f1])) as Array<{
      member_id: string;
      person_key: string;
    }>;
    const stored = (await api.app.get(DataSource).query(`SELECT * FROM case_events WHERE stream_id = $1 ORDER BY seq`, [f1])) as unknown[];
    expect(stored).toHaveLength(f1Events.length);
    const rebuilt = [...foldStream(f1Events).members.values()]
      .map((r) => ({ member_id: r.memberId, person_key: r.personKey }))
      .sort((a, b) => a.person_key.localeCompare(b.person_key));
    expect(live).toEqual(rebuilt);
    expect(live).toContainEqual({ member_id: 'm1', person_key: `passport:${newNumber}` });
  });

  it('handed input: 龚石七 typed with EN… (spaced, lower case) at dates overlapping F1 → MEMBER_ON_OPEN_CASE in /check and at submission', async () => {
    const body = typed(`en ${newNumber.slice(2)}`, '2027-05-08', '2027-05-12');
    const violations = (await check(body).expect(200)).body.violations as Array<{ code: string; field: string }>;
    expect(violations).toContainEqual(expect.objectContaining({ code: 'MEMBER_ON_OPEN_CASE', field: 'members[0]' }));
    expect((await submit(body).expect(422)).body.errors).toContainEqual(
      expect.objectContaining({ field: 'members[0]', rule: 'MEMBER_ON_OPEN_CASE' }),
    );
  });

  it('handed input: 龚石七 typed with EN… within 24 months after F1 → FREQUENCY_EXCEEDED (已出访1次), as with the old number EF…', async () => {
    for (const number of [newNumber, oldNumber]) {
      const body = typed(number, '2027-09-01', '2027-09-05');
      expect((await check(body).expect(200)).body.violations).toEqual([
        expect.objectContaining({
          code: 'FREQUENCY_EXCEEDED',
          field: 'members[0]',
          message: { zh: expect.stringContaining('24个月内已出访1次，限1次'), en: expect.any(String) },
        }),
      ]);
      expect((await submit(body).expect(422)).body.errors).toEqual([
        expect.objectContaining({ field: 'members[0]', rule: 'FREQUENCY_EXCEEDED' }),
      ]);
    }
  });

  it('another passport under that name in that unit is another person: accepted by both rules', async () => {
    expect((await check(typed(`EM${digits}`, '2027-05-08', '2027-05-12')).expect(200)).body).toMatchObject({ ok: true, violations: [] });
  });
});
