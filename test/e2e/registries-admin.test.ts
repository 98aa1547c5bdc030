import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { addDays, dayNumber, shanghaiDate, statutoryHolidays, statutoryWeekdays, weekdayOf } from '@df/domain';
import { dataSourceOptions, RegistriesRepository } from '@df/persistence';
import { runAdmin } from '../../apps/admin/main';
import { createTestDatabase, type TestDatabase } from '../support/database';

/** Next year (Asia/Shanghai): a year the CLI takes, as the API does (a year that has ended is on record). */
const YEAR = Number(shanghaiDate(Date.now()).slice(0, 4)) + 1;
/** The year's statutory holidays (《全国年节及纪念日放假办法》 art. 2): every weekday among them must be a day off. */
const STATUTORY = statutoryHolidays(YEAR);
const compact = (d: string) => d.replaceAll('-', '');
/** The first Saturday or Sunday within the week before `date`: an adjusted working day (补班) beside its holiday. */
const weekendBefore = (date: string) => {
  let d = addDays(date, -1);
  while (weekdayOf(dayNumber(d)) >= 1 && weekdayOf(dayNumber(d)) <= 5) d = addDays(d, -1);
  return d;
};
const SPRING_WORKDAY = weekendBefore(STATUTORY.find((h) => h.name.en === 'Spring Festival')!.date);

/**
 * A State Council notice for YEAR as an iCalendar feed: one all-day event per festival, from its first statutory day to
 * the day after its last (DTEND exclusive), and a 补班 event for a working weekend day.
 */
const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//holidays//CN',
  ...[...new Set(STATUTORY.map((h) => h.name.zh))].flatMap((name, i) => {
    const days = STATUTORY.filter((h) => h.name.zh === name).map((h) => h.date);
    return [
      'BEGIN:VEVENT',
      `UID:${YEAR}-${i}`,
      `DTSTART;VALUE=DATE:${compact(days[0]!)}`,
      `DTEND;VALUE=DATE:${compact(addDays(days.at(-1)!, 1))}`,
      `SUMMARY:${name}`,
      'END:VEVENT',
    ];
  }),
  'BEGIN:VEVENT',
  `UID:${YEAR}-spring-work`,
  `DTSTART;VALUE=DATE:${compact(SPRING_WORKDAY)}`,
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
    const file = join(dir, `cn-${YEAR}.ics`);
    writeFileSync(file, ICS);
    expect(await runAdmin(['calendar', 'import', file, '--source', '国办发明电'], db.url, 'cli:test')).toEqual([
      `loaded ${YEAR}: ${STATUTORY.length} days off, 1 working weekend days`,
    ]);
    const [s] = await stored();
    expect(s).toMatchObject({
      year: YEAR,
      holidays: STATUTORY.map((h) => h.date),
      workdays: [SPRING_WORKDAY],
      source: `cli: cn-${YEAR}.ics (国办发明电)`,
      loadedBy: 'cli:test',
    });
    // Spring Festival: 除夕 and 初一-初三, four days from one event.
    expect(s!.holidays.filter((d) => STATUTORY.some((h) => h.date === d && h.name.en === 'Spring Festival'))).toHaveLength(4);
    expect((await runAdmin(['calendar', 'list'], db.url))[0]).toMatch(
      new RegExp(`^${YEAR} {2}${STATUTORY.length} days off, 1 working weekend days {2}cli: cn-${YEAR}.ics`),
    );
  });

  it('imports JSON and replaces the year; refuses a file with a weekday as a working day, writing nothing', async () => {
    const weekdays = statutoryWeekdays(YEAR).map((h) => h.date);
    const good = join(dir, `${YEAR}.json`);
    writeFileSync(good, JSON.stringify({ year: YEAR, holidays: weekdays, workdays: [] }));
    expect(await runAdmin(['calendar', 'import', good], db.url)).toEqual([
      `replaced ${YEAR}: ${weekdays.length} days off, 0 working weekend days`,
    ]);
    const next = YEAR + 1;
    const nextWeekdays = statutoryWeekdays(next).map((h) => h.date);
    // A weekday of January that is no holiday, given as an adjusted working day.
    const weekday = [5, 6, 7, 8, 9, 12]
      .map((d) => `${next}-01-${String(d).padStart(2, '0')}`)
      .find((d) => weekdayOf(dayNumber(d)) >= 1 && weekdayOf(dayNumber(d)) <= 5)!;
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ holidays: nextWeekdays, workdays: [weekday] }, { holidays: weekdays }]));
    await expect(runAdmin(['calendar', 'import', bad], db.url)).rejects.toThrow(new RegExp(`${next} workdays\\[0\\] \\(weekend\\)`));
    expect((await stored()).map((s) => [s.year, s.holidays.length])).toEqual([[YEAR, weekdays.length]]);
    await expect(runAdmin(['calendar', 'import', good, '--year', 'abc'], db.url)).rejects.toThrow(/--year/);
    await expect(runAdmin(['calendar', 'frobnicate'], db.url)).rejects.toThrow(/usage/);
  });

  it('refuses what the API refuses (scheduleImportProblems): a statutory weekday holiday missing, a past year, a year past the lunar tables', async () => {
    const [missing, ...rest] = statutoryWeekdays(YEAR);
    const partial = join(dir, 'partial.json');
    writeFileSync(partial, JSON.stringify({ year: YEAR, holidays: rest.map((h) => h.date), workdays: [] }));
    const refusal = runAdmin(['calendar', 'import', partial], db.url);
    await expect(refusal).rejects.toThrow(new RegExp(`^${partial}: 1 problem\\(s\\)\n${YEAR} holidays \\(statutory-holidays\\): `));
    await expect(refusal).rejects.toThrow(`missing: ${missing!.date} (${missing!.name.en})`);

    const last = YEAR - 2;
    const past = join(dir, 'past.json');
    writeFileSync(past, JSON.stringify({ year: last, holidays: statutoryWeekdays(last).map((h) => h.date), workdays: [] }));
    await expect(runAdmin(['calendar', 'import', past], db.url)).rejects.toThrow(
      `${past}: 1 problem(s)\n${last} year (not-past): 只能登记或修改本年度及以后的放假安排 / Only this and later years' holiday schedule may be filed or changed`,
    );

    const y2100 = join(dir, '2100.json');
    writeFileSync(y2100, JSON.stringify({ holidays: ['2100-01-01'] }));
    await expect(runAdmin(['calendar', 'import', y2100], db.url)).rejects.toThrow('2100 year (max): 不得大于2099 / Must be at most 2099');
    await expect(runAdmin(['calendar', 'import', y2100, '--year', '2100'], db.url)).rejects.toThrow(/--year \(max\)/);
    // Nothing written by any of them.
    expect((await stored()).map((s) => s.year)).toEqual([YEAR]);
  });
});
