import { DataSource } from 'typeorm';
import { dataSourceOptions, EventStore } from '@df/persistence';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { caseStream } from '../support/event-factories';

/**
 * cases.organizers (separation of duties, read by the API from the case row): projected from the events by
 * organizersOf, and filled by the CaseOrganizers migration from the event store already there by the same rule.
 */
describe('cases.organizers: projected, and backfilled by the migration alike', () => {
  let tdb: TestDatabase;
  let db: DataSource;
  const UNIT = 'organizers-unit';
  beforeAll(async () => {
    tdb = await createTestDatabase('case_organizers');
    db = new DataSource(dataSourceOptions(tdb.url));
    await db.initialize();
    const submittedAt = Date.parse('2026-03-02T01:00:00Z');
    await new EventStore(db).append(
      caseStream({
        caseId: 'organizers-1',
        unit: UNIT,
        submittedAt,
        departureDate: '2026-05-11',
        done: [
          // 帮代办: an FAO clerk drafts for the organizer; another records a member's step for the member.
          {
            key: 'A02',
            code: 'A02',
            phase: 'prepare',
            actorRole: 'organizer',
            wd: 1,
            by: { id: 'clerk.one', role: 'fao-clerk' },
            onBehalfOf: 'zw.user',
          },
          {
            key: 'C02:m1',
            code: 'C02',
            phase: 'passport',
            actorRole: 'member',
            memberId: 'm1',
            wd: 1,
            by: { id: 'clerk.two', role: 'fao-clerk' },
            onBehalfOf: 'm1',
          },
          { key: 'A05', code: 'A05', phase: 'prepare', actorRole: 'organizer', wd: 1 },
          { key: 'A10', code: 'A10', phase: 'prepare', actorRole: 'finance', kind: 'approval', wd: 1 },
        ],
      }),
    );
  });
  afterAll(async () => {
    await db?.destroy();
    await tdb?.drop();
  });

  const organizers = async () => (await db.query(`SELECT organizers FROM cases WHERE case_id = 'organizers-1'`))[0].organizers as string[];

  it('counts the submitter, the organizer, the officer of a 帮代办 and the user acted for; not a member, not an approver', async () => {
    expect(await organizers()).toEqual(['clerk.one', 'clerk.two', `organizer.${UNIT}`, 'zw.user']);
  });

  it('the migration fills the same from the event store', async () => {
    const migration = db.migrations.find((m) => m.name?.startsWith('CaseOrganizers'))!;
    const qr = db.createQueryRunner();
    try {
      await migration.down(qr);
      await migration.up(qr);
    } finally {
      await qr.release();
    }
    expect(await organizers()).toEqual(['clerk.one', 'clerk.two', `organizer.${UNIT}`, 'zw.user']);
  });
});
