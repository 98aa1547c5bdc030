import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions, PassportHeldError, RegistriesRepository } from '@df/persistence';
import { createTestDatabase, type TestDatabase } from '../support/database';

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
          repo.transitionPassport(number, 'checked-out', { caseId: `case-${number}`, dueBackOn: '2034-01-01' }, async () => unit, actor),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(PassportHeldError);
      expect((await repo.passports({ holders: [holder] })).filter((p) => p.state === 'checked-out')).toHaveLength(1);
    }
  });
});
