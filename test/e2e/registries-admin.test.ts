import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions, RegistriesRepository } from '@df/persistence';
import { runAdmin } from '../../apps/admin/main';
import { createTestDatabase, type TestDatabase } from '../support/database';

/** The State Council's 2027 notice as an iCalendar feed: days off as events, 补班 events for working weekends. */
const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//holidays//CN',
  'BEGIN:VEVENT',
  'UID:2027-new-year',
  'DTSTART;VALUE=DATE:20270101',
  'DTEND;VALUE=DATE:20270102',
  'SUMMARY:元旦',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:2027-spring',
  'DTSTART;VALUE=DATE:20270205',
  'DTEND;VALUE=DATE:20270213',
  'SUMMARY:春节',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:2027-spring-work',
  'DTSTART;VALUE=DATE:20270214',
  'SUMMARY:春节补班',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

describe('admin CLI (issue 14): calendar import from iCalendar and JSON', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase('registries_admin');
    dir = mkdtempSync(join(tmpdir(), 'df-admin-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  const stored = async () => {
    const ds = new DataSource(dataSourceOptions(db.url));
    await ds.initialize();
    try {
      return await new RegistriesRepository(ds).schedules();
    } finally {
      await ds.destroy();
    }
  };

  it('imports an .ics feed: days off span DTSTART..DTEND (exclusive), 补班 events are working weekends', async () => {
    const file = join(dir, 'cn-2027.ics');
    writeFileSync(file, ICS);
    expect(await runAdmin(['calendar', 'import', file, '--source', '国办发明电'], db.url, 'cli:test')).toEqual([
      'loaded 2027: 9 days off, 1 working weekend days',
    ]);
    const [s] = await stored();
    expect(s).toMatchObject({
      year: 2027,
      holidays: [
        '2027-01-01',
        '2027-02-05',
        '2027-02-06',
        '2027-02-07',
        '2027-02-08',
        '2027-02-09',
        '2027-02-10',
        '2027-02-11',
        '2027-02-12',
      ],
      workdays: ['2027-02-14'],
      source: 'cli: cn-2027.ics (国办发明电)',
      loadedBy: 'cli:test',
    });
    expect((await runAdmin(['calendar', 'list'], db.url))[0]).toMatch(/^2027 {2}9 days off, 1 working weekend days {2}cli: cn-2027.ics/);
  });

  it('imports JSON and replaces the year; refuses a file with a weekday as a working day, writing nothing', async () => {
    const good = join(dir, '2027.json');
    writeFileSync(good, JSON.stringify({ year: 2027, holidays: ['2027-01-01', '2027-10-01'], workdays: [] }));
    expect(await runAdmin(['calendar', 'import', good], db.url)).toEqual(['replaced 2027: 2 days off, 0 working weekend days']);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ holidays: ['2028-01-01'], workdays: ['2028-01-03'] }, { holidays: ['2027-05-01'] }]));
    await expect(runAdmin(['calendar', 'import', bad], db.url)).rejects.toThrow(/2028 workdays\[0\] \(weekend\)/);
    expect((await stored()).map((s) => [s.year, s.holidays.length])).toEqual([[2027, 2]]);
    await expect(runAdmin(['calendar', 'import', good, '--year', 'abc'], db.url)).rejects.toThrow(/--year/);
    await expect(runAdmin(['calendar', 'frobnicate'], db.url)).rejects.toThrow(/usage/);
  });
});
