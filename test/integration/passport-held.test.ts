import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { RegisteredPerson } from '@df/domain';
import {
  dataSourceOptions,
  PassportExpiredError,
  PassportHeldError,
  PassportTransitionError,
  RegistriesRepository,
  RegistryDateError,
} from '@df/persistence';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { caseInput } from '../support/factories';

/**
 * One valid official passport per person, under concurrency: the repository applies passportHeldElsewhere under a
 * per-holder lock, so two officers checking out two passports of one person at once cannot both succeed.
 */
describe('custody ledger: one passport of a person out at a time, whoever races', () => {
  let tdb: TestDatabase;
  let db: DataSource;
  let repo: RegistriesRepository;
  const actor = { id: 'test', role: 'passport-officer' };
  const unit = 'held-unit';

  beforeAll(async () => {
    tdb = await createTestDatabase('passport_held');
    db = new DataSource(dataSourceOptions(tdb.url));
    await db.initialize();
    repo = new RegistriesRepository(db);
    await repo.putUnit(
      {
        code: unit,
        nameZh: '测试局',
        nameEn: 'Test bureau',
        parentCode: null,
        supervisingDepartment: null,
        clerks: [],
        signatories: ['王局长'],
        status: 'active',
        suspendedReason: null,
      },
      actor,
    );
  });
  afterAll(async () => {
    await db?.destroy();
    await tdb?.drop();
  });

  it("a passport's history reads in the order its moves were written, a move whose transaction began earlier last", async () => {
    const number = `SH${randomUUID().slice(0, 8)}`;
    // A transaction that began before another move was written (as one waiting for the passport's row lock does),
    // writing its own move after it: stamped by its start (now()), it read before the move it followed.
    const early = db.createQueryRunner();
    await early.connect();
    try {
      await early.startTransaction();
      await early.query('SELECT 1');
      await new Promise((resolve) => setTimeout(resolve, 20));
      const insert = `INSERT INTO custody_passport_events (number, from_state, to_state, case_id, actor, note) VALUES ($1, $2, $3, NULL, 'test', $4)`;
      await db.query(insert, [number, 'in-custody', 'checked-out', 'written first']);
      await early.query(insert, [number, 'checked-out', 'in-custody', 'written second']);
      await early.commitTransaction();
    } finally {
      await early.release();
    }
    const rows = (await db.query(`SELECT note FROM custody_passport_events WHERE number = $1 ORDER BY at, id`, [number])) as Array<{
      note: string;
    }>;
    expect(rows.map((r) => r.note)).toEqual(['written first', 'written second']);
  });

  it('two check-outs of two passports of one holder at once: exactly one succeeds, the other is PassportHeldError', async () => {
    for (let round = 0; round < 5; round++) {
      const holder = `P-${randomUUID().slice(0, 8)}`;
      const numbers = [`SA${round}${randomUUID().slice(0, 6)}`, `SB${round}${randomUUID().slice(0, 6)}`];
      for (const number of numbers)
        expect(
          await repo.registerPassport({ number, type: 'official', issuedOn: '2024-01-01', expiresOn: '2034-01-01', holder }, unit, actor),
        ).toBe(true);
      const results = await Promise.allSettled(
        numbers.map((number) =>
          repo.transitionPassport(number, 'checked-out', { caseId: `case-${number}`, dueBackOn: '2034-01-01' }, actor),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(PassportHeldError);
      expect((await repo.passports({ holders: [holder] })).filter((p) => p.state === 'checked-out')).toHaveLength(1);
    }
  });

  it("two cases' C05s of one holder at once (chain registrations replacing one old passport): one is registered, the other PassportHeldError", async () => {
    for (let round = 0; round < 5; round++) {
      const holder = `P-${randomUUID().slice(0, 8)}`;
      const old = `SO${round}${randomUUID().slice(0, 6)}`;
      await repo.registerPassport({ number: old, type: 'official', issuedOn: '2017-05-02', expiresOn: '2027-05-01', holder }, unit, actor);
      const numbers = [`EA${round}${randomUUID().slice(0, 6)}`, `EB${round}${randomUUID().slice(0, 6)}`];
      const results = await Promise.allSettled(
        numbers.map((number) =>
          repo.registerPassport({ number, type: 'official', issuedOn: '2026-11-30', expiresOn: '2036-11-29', holder }, unit, actor, {
            replaces: old,
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(PassportHeldError);
      expect(refused.reason.label.en).toMatch(/already holds a valid official passport, E[AB].* \(in custody\)/);
      // The old one it replaces, and one new one.
      expect(await repo.passports({ holders: [holder] })).toHaveLength(2);
    }
    // By hand (no chain), a new one beside a valid one in custody is the office's replacement, as before: taken.
    const holder = `P-${randomUUID().slice(0, 8)}`;
    for (const number of [`SH${randomUUID().slice(0, 6)}`, `SI${randomUUID().slice(0, 6)}`])
      expect(
        await repo.registerPassport({ number, type: 'official', issuedOn: '2024-01-01', expiresOn: '2034-01-01', holder }, unit, actor),
      ).toBe(true);
  });

  const person = (personId: string, dateOfBirth: string): RegisteredPerson => ({
    personId,
    unit,
    name: `持照人${personId}`,
    gender: 'female',
    dateOfBirth,
    rank: 'division',
    position: '处长',
    partyMember: false,
    classifiedAccess: false,
    leadershipTeam: null,
    status: 'active',
  });

  it('work under a lock never waits for a second connection from the pool: with 2 connections, 6 check-outs of one holder and 6 A01 claims of one plan year at once all settle (the bench wedged on 10 A01s at once)', async () => {
    // Each waiter holds a connection while it waits for the lock; the lock's holder once read the holder's unit (and
    // A01 the plan) on the pool, so with every connection waiting nothing moved again.
    const small = new DataSource(dataSourceOptions(tdb.url, { max: 2, applicationName: 'pool-of-two' }));
    await small.initialize();
    const narrow = new RegistriesRepository(small);
    const settled = <T>(work: Array<Promise<T>>) =>
      Promise.race([
        Promise.allSettled(work),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('wedged: a transaction waited for the pool')), 20_000)),
      ]);
    try {
      const holder = `P-${randomUUID().slice(0, 8)}`;
      await repo.putPerson(person(holder, '1970-01-01'), actor);
      const numbers = Array.from({ length: 6 }, (_, i) => `SW${i}${randomUUID().slice(0, 6).toUpperCase()}`);
      for (const number of numbers)
        await repo.registerPassport({ number, type: 'official', issuedOn: '2024-01-01', expiresOn: '2034-01-01', holder }, unit, actor);
      const outs = await settled(
        numbers.map((number) =>
          narrow.transitionPassport(number, 'checked-out', { caseId: `case-${number}`, dueBackOn: '2034-01-01' }, actor),
        ),
      );
      expect(outs.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(outs.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual(
        Array.from({ length: 5 }, () => expect.any(PassportHeldError)),
      );

      const { facts } = caseInput({});
      const year = Number(facts.departureDate.slice(0, 4));
      const quarter = (Math.floor((Number(facts.departureDate.slice(5, 7)) - 1) / 3) + 1) as 1 | 2 | 3 | 4;
      const countries = facts.destinations.map((d) => d.country);
      await repo.putPlan({ unit, year, trips: [{ id: 'P-1', purpose: facts.purpose, countries, size: 5, quarter }] }, actor);
      const claims = await settled(Array.from({ length: 6 }, () => narrow.claimPlannedTrip({ ...facts, unit }, randomUUID())));
      expect(claims.map((r) => (r.status === 'fulfilled' ? r.value.outcome : String(r.reason))).sort()).toEqual([
        ...Array.from({ length: 5 }, () => 'over-plan'),
        'planned',
      ]);
    } finally {
      await small.destroy();
    }
  });

  it("an expired passport stays a record but is never checked out: PassportExpiredError, a PassportTransitionError (the chain's C07 notes it)", async () => {
    const holder = `P-${randomUUID().slice(0, 8)}`;
    const number = `SX${randomUUID().slice(0, 6).toUpperCase()}`;
    await repo.putPerson(person(holder, '1970-01-01'), actor);
    expect(
      await repo.registerPassport({ number, type: 'official', issuedOn: '2005-01-01', expiresOn: '2015-01-01', holder }, unit, actor),
    ).toBe(true);
    const out = repo.transitionPassport(number, 'checked-out', { caseId: 'case-x', dueBackOn: '2034-01-01' }, actor);
    await expect(out).rejects.toBeInstanceOf(PassportExpiredError);
    await expect(out).rejects.toBeInstanceOf(PassportTransitionError);
    await expect(out).rejects.toMatchObject({ label: { en: expect.stringContaining('2015-01-01') } });
    expect(await repo.passport(number)).toMatchObject({ state: 'in-custody', caseId: null });
    // Still the ledger's to cancel.
    await repo.transitionPassport(number, 'cancelled', {}, actor);
  });

  it("a passport issued before its holder's birth, from either side at once: the holder's lock lets exactly one write pass", async () => {
    for (let round = 0; round < 5; round++) {
      const holder = `P-${randomUUID().slice(0, 8)}`;
      await repo.putPerson(person(holder, '1980-05-01'), actor);
      const number = `SY${round}${randomUUID().slice(0, 6).toUpperCase()}`;
      const answers = await Promise.allSettled([
        repo.registerPassport({ number, type: 'official', issuedOn: '2000-01-01', expiresOn: '2010-01-01', holder }, unit, actor),
        repo.putPerson(person(holder, '2005-01-01'), actor),
      ]);
      const refused = answers.filter((a) => a.status === 'rejected');
      expect(refused).toHaveLength(1);
      expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(RegistryDateError);
      expect((refused[0] as PromiseRejectedResult).reason.problems[0].rule).toBe('after-birth');
    }
    // The handed input, straight to the repository: born 1980-05-01, issued 1975-01-01.
    const holder = `P-${randomUUID().slice(0, 8)}`;
    await repo.putPerson(person(holder, '1980-05-01'), actor);
    await expect(
      repo.registerPassport(
        {
          number: `SZ${randomUUID().slice(0, 6).toUpperCase()}`,
          type: 'official',
          issuedOn: '1975-01-01',
          expiresOn: '1985-01-01',
          holder,
        },
        unit,
        actor,
      ),
    ).rejects.toMatchObject({ problems: [{ field: 'issuedOn', rule: 'after-birth' }] });
  });
});
