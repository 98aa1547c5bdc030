import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { openCaseKeys } from '@df/domain';
import { bearer, canonicalSubmission, createTestUsers, startTestApi, type TestApi, type TestUsers } from '../support/api-harness';

/**
 * The new-user trial: after a person's departures the dry run answered ok:true, and the case then blocked at A08
 * ("24个月内已出访2次，限1次"). The dry run and submission run A08's member-trip check (memberTripViolations:
 * checkMemberFrequency against member_trips), naming members[i].
 */
describe('the member-trip frequency check runs before submission, as A08 runs it', () => {
  let api: TestApi;
  let users: TestUsers;
  beforeAll(async () => {
    api = await startTestApi();
    users = await createTestUsers(api);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('handed input: two recorded departures of the member → /check FREQUENCY_EXCEEDED at members[0], submission 422 RULE_VIOLATION', async () => {
    const body = canonicalSubmission(users.unit);
    const name = (body.members as Array<{ name: string }>)[0]!.name;
    const ok = await request(api.http).post('/api/delegations/check').set(bearer(users.tokens.organizer)).send(body).expect(200);
    expect(ok.body).toMatchObject({ ok: true, violations: [] });
    // Two departures of the same person (a typed member: person key unit:name, as A08 reads it).
    const db = api.app.get(DataSource);
    for (const [i, dep, ret] of [
      [1, '2026-05-01', '2026-05-05'],
      [2, '2026-09-01', '2026-09-04'],
    ] as const)
      await db.query(
        `INSERT INTO member_trips (case_id, member_id, person_key, unit, purpose, departure_date, return_date) VALUES ($1, 'm1', $2, $3, 'trade', $4, $5)`,
        [`trip-${users.unit}-${i}`, `${users.unit}:${name}`, users.unit, dep, ret],
      );
    const checked = await request(api.http).post('/api/delegations/check').set(bearer(users.tokens.organizer)).send(body).expect(200);
    expect(checked.body.ok).toBe(false);
    expect(checked.body.violations).toEqual([
      expect.objectContaining({
        code: 'FREQUENCY_EXCEEDED',
        field: 'members[0]',
        message: { zh: expect.stringContaining('24个月内已出访2次，限1次'), en: expect.any(String) },
      }),
    ]);
    // Third trial: the same name written with a space or in traditional characters is the same person's history.
    for (const variant of [name.replace('张', '张 '), name.replace('张', '張'), name.replace('三', '\u200b三')]) {
      const renamed = { ...body, members: (body.members as Array<Record<string, unknown>>).map((m) => ({ ...m, name: variant })) };
      const again = await request(api.http).post('/api/delegations/check').set(bearer(users.tokens.organizer)).send(renamed).expect(200);
      expect([variant, again.body.violations]).toEqual([
        variant,
        [expect.objectContaining({ code: 'FREQUENCY_EXCEEDED', field: 'members[0]' })],
      ]);
    }
    const refused = await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(body).expect(422);
    expect(refused.body.code).toBe('RULE_VIOLATION');
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'members[0]', rule: 'FREQUENCY_EXCEEDED' })]);
    // An exempt purpose neither is checked nor counts (the same rule config as A08).
    await request(api.http)
      .post('/api/delegations/check')
      .set(bearer(users.tokens.organizer))
      .send({ ...body, purpose: 'academic-exchange' })
      .expect(200)
      .expect((res) => expect(res.body.ok).toBe(true));
  });
  it('handed input: one passport number typed on two departed trips of two other units under two other names → the third trip is refused, 24个月内已出访2次 (one person, not three)', async () => {
    const body = canonicalSubmission(users.unit, { title: '护照同号 出访频次' });
    const member = (body.members as Array<{ passport: { number: string } }>)[0]!;
    const number = member.passport.number;
    const db = api.app.get(DataSource);
    // Each departed trip as the projection leaves it: member_trips under the key recorded at departure (unit + name of
    // a typed member) and case_members under every key of the member (openCaseKeys: the passport number among them).
    const departed = async (unit: string, name: string, passportNumber: string, departureDate: string, returnDate: string) => {
      const caseId = `trip-${randomUUID()}`;
      const keys = openCaseKeys({ unit }, { name, passport: { inCustody: false, number: passportNumber, expiresOn: '2031-06-30' } });
      await db.query(
        `INSERT INTO member_trips (case_id, member_id, person_key, unit, purpose, departure_date, return_date) VALUES ($1, 'm1', $2, $3, 'trade', $4, $5)`,
        [caseId, keys.find((k) => k.startsWith(`${unit}:`)), unit, departureDate, returnDate],
      );
      for (const key of keys)
        await db.query(`INSERT INTO case_members (case_id, member_id, person_key) VALUES ($1, 'm1', $2)`, [caseId, key]);
    };
    const suffix = randomUUID().slice(0, 8);
    // The same passport, typed by two other units' clerks under two other spellings (lower case, spaced as printed).
    await departed(`other-a-${suffix}`, `王五-${suffix}`, number, '2026-05-01', '2026-05-05');
    await departed(
      `other-b-${suffix}`,
      `王 伍-${suffix}`,
      `${number.slice(0, 2).toLowerCase()} ${number.slice(2)}`,
      '2026-09-01',
      '2026-09-04',
    );
    // Another passport under the same name, in a third unit, is another person: not counted.
    await departed(`other-c-${suffix}`, `王五-${suffix}`, `X${number.slice(1)}`, '2026-10-01', '2026-10-04');
    const checked = await request(api.http).post('/api/delegations/check').set(bearer(users.tokens.organizer)).send(body).expect(200);
    expect(checked.body.violations).toEqual([
      expect.objectContaining({
        code: 'FREQUENCY_EXCEEDED',
        field: 'members[0]',
        message: {
          zh: expect.stringContaining('24个月内已出访2次，限1次'),
          en: expect.stringContaining('already travelled 2 time(s) in 24 months; limit 1'),
        },
        // Other units' trips: counted, their dates not named (thirteenth trial).
        details: expect.objectContaining({ previousDepartures: [], withheld: true, withheldTrips: 2 }),
      }),
    ]);
    const refused = await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(body).expect(422);
    expect(refused.body.code).toBe('RULE_VIOLATION');
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'members[0]', rule: 'FREQUENCY_EXCEEDED' })]);
  });
});
