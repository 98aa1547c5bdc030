import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { makeFacts, makeMember, openCaseKeys, type CaseFacts } from '@df/domain';
import { ChainActivitiesService } from '../../apps/worker/src/activities/chain.activities';
import { ownPassports } from '../support/factories';

/**
 * A08's activity reads one person's whole trip history (memberTripHistory/tripsOf by openCaseKeys, as the API's check
 * does): a roster person named by personId meets the trips recorded under unit + name, from a case that typed them
 * before the registries identified typed members (new-user trial: 张三 typed in one case and named by personId in the
 * next had two histories), and the trips of members who carried their passport number, in any unit under any name
 * (case_members' passport key, the overlap rule's identity). On the real PostgreSQL.
 */
/** A08's work for member m1 of `facts`, as the workflow sends it to the worker. */
const a08Step = (caseId: string, facts: CaseFacts) => ({
  caseId,
  key: 'A08:m1',
  code: 'A08',
  system: 'frequency' as const,
  memberId: 'm1',
  facts,
  at: '2027-01-04T01:00:00.000Z',
});

describe("A08's frequency activity: one person, one trip history", () => {
  let db: DataSource;
  beforeAll(async () => {
    db = await new DataSource({ type: 'postgres', url: process.env.DATABASE_URL }).initialize();
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('handed input: 张三 typed in a departed case (unit:张三), named by personId now → FREQUENCY_EXCEEDED at members[0], each case once', async () => {
    const unit = `unit-${randomUUID().slice(0, 8)}`;
    const personId = `P-${randomUUID().slice(0, 8)}`;
    const caseId = randomUUID();
    const facts = makeFacts({
      unit,
      departureDate: '2027-03-15',
      returnDate: '2027-03-19',
      members: ownPassports([makeMember({ id: 'm1', personId, name: '张三', rank: 'bureau' })]),
    });
    const step = a08Step(caseId, facts);
    const activities = new ChainActivitiesService(db);
    expect(await activities.runSystemStep(step)).toEqual({ violations: [] });
    const insert = (id: string, key: string, memberId = 'm1') =>
      db.query(
        `INSERT INTO member_trips (case_id, member_id, person_key, unit, purpose, departure_date, return_date) VALUES ($1, $4, $2, $3, 'trade', '2026-09-01', '2026-09-04')`,
        [id, key, unit, memberId],
      );
    await insert(`typed-${caseId}`, `${unit}:张三`);
    // The same case's trip under his person id too (listed twice there): one trip.
    await insert(`typed-${caseId}`, personId, 'm2');
    // Another unit's namesake is another person.
    await insert(`other-${caseId}`, `other-${unit}:张三`);
    const { violations } = (await activities.runSystemStep(step)) as {
      violations: Array<{ code: string; field?: string; details?: Record<string, unknown> }>;
    };
    expect(violations).toEqual([
      expect.objectContaining({
        code: 'FREQUENCY_EXCEEDED',
        field: 'members[0]',
        details: expect.objectContaining({ previousDepartures: ['2026-09-01'] }),
      }),
    ]);
  });
  it('handed input: a roster person (personId, passport) once typed with their passport number in another unit under another name → FREQUENCY_EXCEEDED, 1 trip counted', async () => {
    const unit = `unit-${randomUUID().slice(0, 8)}`;
    const personId = `P-${randomUUID().slice(0, 8)}`;
    const number = `E${randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase()}`;
    const caseId = randomUUID();
    const passport = { inCustody: true, number, expiresOn: '2031-06-30' };
    const facts = makeFacts({
      unit,
      departureDate: '2027-03-15',
      returnDate: '2027-03-19',
      members: [makeMember({ id: 'm1', personId, name: '钱九', rank: 'bureau', passport })],
    });
    const step = a08Step(caseId, facts);
    const activities = new ChainActivitiesService(db);
    // A departed trip as the projection leaves it: member_trips under the key recorded at departure (another unit's
    // typed 钱玖), case_members under every key of that member (openCaseKeys: the passport number among them).
    const departed = async (otherUnit: string, name: string, passportNumber: string, departureDate: string) => {
      const id = `typed-${randomUUID()}`;
      const keys = openCaseKeys({ unit: otherUnit }, { name, passport: { ...passport, number: passportNumber } });
      await db.query(
        `INSERT INTO member_trips (case_id, member_id, person_key, unit, purpose, departure_date, return_date) VALUES ($1, 'm1', $2, $3, 'trade', $4, $4)`,
        [id, `${otherUnit}:${name}`, otherUnit, departureDate],
      );
      for (const key of keys) await db.query(`INSERT INTO case_members (case_id, member_id, person_key) VALUES ($1, 'm1', $2)`, [id, key]);
    };
    await departed(`other-${unit}`, '钱玖', number, '2026-09-01');
    // Another passport under his name in a third unit is another person.
    await departed(`third-${unit}`, '钱九', `X${number.slice(1)}`, '2026-10-01');
    const { violations } = (await activities.runSystemStep(step)) as {
      violations: Array<{ code: string; field?: string; message: { zh: string }; details?: Record<string, unknown> }>;
    };
    expect(violations).toEqual([
      expect.objectContaining({
        code: 'FREQUENCY_EXCEEDED',
        field: 'members[0]',
        message: expect.objectContaining({ zh: expect.stringContaining('24个月内已出访1次，限1次') }),
        // A08's answer is the case's unit's to read: another unit's trip counts, undated (thirteenth trial).
        details: expect.objectContaining({ previousDepartures: [], withheld: true, withheldTrips: 1 }),
      }),
    ]);
    expect(JSON.stringify(violations)).not.toContain('2026-09-01');
  });

  // Trial H2: a division head on two open cases months apart both passed A08 (only departed trips were counted). A08
  // counts another open case's trip as planned (case_members of a case not departed and not closed, and a claim whose
  // case is not projected yet), whichever side of this departure it departs; a closed case's does not.
  it('handed input: a division head on an open case in June 2027 → A08 of a March 2027 trip is FREQUENCY_EXCEEDED (另有已申报出访1次); closed cases do not count', async () => {
    const unit = `unit-${randomUUID().slice(0, 8)}`;
    const personId = `P-${randomUUID().slice(0, 8)}`;
    const member = makeMember({ id: 'm1', personId, name: '魏十八', rank: 'division' });
    const facts = makeFacts({ unit, departureDate: '2027-03-15', returnDate: '2027-03-19', members: ownPassports([member]) });
    const caseId = randomUUID();
    const step = a08Step(caseId, facts);
    const activities = new ChainActivitiesService(db);
    const run = async () =>
      (
        (await activities.runSystemStep(step)) as {
          violations: Array<{ code: string; message: { zh: string }; details?: Record<string, unknown> }>;
        }
      ).violations;
    const otherCase = async (status: string, departureDate: string, purpose = 'trade') => {
      const id = randomUUID();
      await db.query(
        `INSERT INTO cases (case_id, workflow_id, title, unit, purpose, status, phase, departure_date, return_date, countries,
                            member_count, submitted_at, submitted_by, definition_version, last_seq, updated_at)
         VALUES ($1, $1, '另一团组', $2, $3, $4, 'prepare', $5::date, $5::date + 4, '{US}', 1, now(), 'clerk', '2027.2', 1, now())`,
        [id, unit, purpose, status, departureDate],
      );
      for (const key of openCaseKeys(facts, facts.members[0]!))
        await db.query(`INSERT INTO case_members (case_id, member_id, person_key) VALUES ($1, 'm1', $2)`, [id, key]);
      return id;
    };
    // Closed cases, an exempt purpose, and this case's own row are no trips of his.
    for (const status of ['withdrawn', 'rejected', 'cancelled']) await otherCase(status, '2027-06-14');
    await otherCase('open', '2027-06-14', 'academic-exchange');
    expect(await run()).toEqual([]);
    // Planned after this trip, within 12 months of it: the window ending at the June departure holds both.
    const june = await otherCase('open', '2027-06-14');
    expect(await run()).toEqual([
      expect.objectContaining({
        code: 'FREQUENCY_EXCEEDED',
        message: expect.objectContaining({ zh: expect.stringContaining('12个月内已出访0次，另有已申报出访1次（2027-06-14出发），限1次') }),
        details: expect.objectContaining({ previousDepartures: [], plannedDepartures: ['2027-06-14'], windowThrough: '2027-06-14' }),
      }),
    ]);
    await db.query(`UPDATE cases SET status = 'withdrawn' WHERE case_id = $1`, [june]);
    expect(await run()).toEqual([]);
    // A submission's claim whose case is not projected yet (two submissions at once) is a planned trip too.
    await db.query(
      `INSERT INTO member_trip_claims (case_id, person_key, unit, departure_date, return_date) VALUES ($1, $2, $3, '2026-12-20', '2026-12-24')`,
      [randomUUID(), personId, unit],
    );
    expect(await run()).toEqual([expect.objectContaining({ details: expect.objectContaining({ plannedDepartures: ['2026-12-20'] }) })]);
  });
});
