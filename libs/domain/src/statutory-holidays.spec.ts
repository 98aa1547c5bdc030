import holidayData from 'chinese-days/dist/chinese-days.json';
import { createCalendar, holidayDataCoverage } from './calendar';
import { statutoryHolidays } from './statutory-holidays';
import { plan } from './planner';
import { buildInstances } from './instances';
import { DEFAULT_DEFINITION } from './definition';
import { makeDestination, makeFacts } from './fixtures';

const published = (holidayData as unknown as { holidays: Record<string, string> }).holidays;

describe('statutory holidays (全国年节及纪念日放假办法, 2025 rules)', () => {
  it('are days off in every State Council schedule published under the 2025 rules', () => {
    const { to } = holidayDataCoverage();
    for (let year = 2025; year <= to; year++) {
      const days = statutoryHolidays(year);
      expect(days).toHaveLength(13); // 1 + 4 + 1 + 2 + 1 + 1 + 3
      for (const h of days) expect([h.date, h.name.en, published[h.date] !== undefined]).toEqual([h.date, h.name.en, true]);
    }
  });

  it('compute 2027 from the lunar calendar: Spring Festival eve 5 February, Qingming 5 April, Dragon Boat 9 June, Mid-Autumn 15 September', () => {
    const byName = (en: string) =>
      statutoryHolidays(2027)
        .filter((h) => h.name.en === en)
        .map((h) => h.date);
    expect(byName("New Year's Day")).toEqual(['2027-01-01']);
    expect(byName('Spring Festival')).toEqual(['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08']);
    expect(byName('Qingming Festival')).toEqual(['2027-04-05']);
    expect(byName('Labour Day')).toEqual(['2027-05-01', '2027-05-02']);
    expect(byName('Dragon Boat Festival')).toEqual(['2027-06-09']);
    expect(byName('Mid-Autumn Festival')).toEqual(['2027-09-15']);
    expect(byName('National Day')).toEqual(['2027-10-01', '2027-10-02', '2027-10-03']);
  });

  it('count a Mid-Autumn that falls on National Day once (2020: 1 October)', () => {
    const dates = statutoryHolidays(2020).map((h) => h.date);
    expect(new Set(dates).size).toBe(dates.length);
    expect(dates.filter((d) => d.startsWith('2020-10-'))).toEqual(['2020-10-01', '2020-10-02', '2020-10-03']);
  });
});

describe('provisional years in the working-day calendar', () => {
  const calendar = createCalendar();

  it('take the statutory holidays of a year with no published schedule, and say it is provisional', () => {
    expect(calendar.isProvisional('2027-02-08')).toBe(true);
    expect(calendar.isProvisional('2026-02-08')).toBe(false);
    expect(calendar.isWorkday('2027-01-01')).toBe(false); // Friday, New Year's Day
    expect(calendar.isWorkday('2027-02-05')).toBe(false); // Friday, Spring Festival eve
    expect(calendar.isWorkday('2027-02-08')).toBe(false); // Monday, third day of the lunar year
    expect(calendar.isWorkday('2027-02-09')).toBe(true);
    expect(createCalendar({ unpublishedYears: 'weekends' }).isWorkday('2027-02-05')).toBe(true);
  });

  it('give way to a schedule the office loads for that year (holidays and 调休 working weekends)', () => {
    const loaded = createCalendar({ schedules: [{ year: 2027, holidays: ['2027-02-05', '2027-02-09'], workdays: ['2027-02-20'] }] });
    expect(loaded.isProvisional('2027-06-01')).toBe(false);
    expect(loaded.isWorkday('2027-02-09')).toBe(false);
    expect(loaded.isWorkday('2027-02-20')).toBe(true); // Saturday worked
    expect(loaded.isWorkday('2027-02-08')).toBe(true); // the loaded schedule, not the statutory rule, decides
  });

  it('plan a trip across New Year 2027 and the Spring Festival without counting those days, flagged provisional', () => {
    const facts = makeFacts({
      departureDate: '2027-03-01',
      returnDate: '2027-03-05',
      destinations: [makeDestination({ arrive: '2027-03-01', leave: '2027-03-05' })],
    });
    const input = (cal = calendar) => ({
      instances: buildInstances(DEFAULT_DEFINITION, facts),
      now: '2026-12-28T09:00:00+08:00',
      departureDate: facts.departureDate,
      calendar: cal,
    });
    const provisional = plan(input());
    const weekendsOnly = plan(input(createCalendar({ unpublishedYears: 'weekends' })));
    expect(provisional.provisionalCalendar).toBe(true);
    expect(provisional.warnings.join()).toMatch(
      /CALENDAR_PROVISIONAL: 2027年放假安排尚未公布，按法定节假日暂排 \/ no published holiday schedule for 2027/,
    );
    // 15.5 WD from Monday 28 Dec 2026: the weekends-only calendar works on 1 Jan and 5-8 Feb, the provisional one does not.
    expect(calendar.workingDaysBetween(provisional.now, provisional.forecastReadyAt)).toBeCloseTo(15.5, 6);
    expect(provisional.forecastReadyAt > weekendsOnly.forecastReadyAt).toBe(true);
    // New Year's Day moves the forecast one working day; it, Friday 5 and Monday 8 February cost three days of slack.
    expect(provisional.forecastReadyDate).toBe('2027-01-19');
    expect(weekendsOnly.forecastReadyDate).toBe('2027-01-18');
    expect(weekendsOnly.slackWd - provisional.slackWd).toBeCloseTo(3, 6);
    expect(weekendsOnly.provisionalCalendar).toBe(true);
    expect(weekendsOnly.warnings.join()).toMatch(/CALENDAR_OUT_OF_RANGE/);
  });
});
