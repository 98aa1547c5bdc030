import holidayData from 'chinese-days/dist/chinese-days.json';
import { civilFromDays, dayNumber, fromDayNumber, weekdayOf } from './dates';
import { STATUTORY_HOLIDAY_YEARS, statutoryHolidays } from './statutory-holidays';

/**
 * Working-day calendar in Asia/Shanghai (UTC+8, no DST since 1991).
 *
 * Model: a working day is one unit, spread evenly over 09:00-17:00 local time; nights, weekends and
 * holidays add nothing. So 0.5 WD = 4 working hours, and a 0.5 WD step started at 09:00 ends at 13:00.
 * Instants are mapped to a continuous "working-time" number W (working days since 00:00 of an anchor day).
 *
 * Holidays and adjusted working weekends (调休) come, for each year, from the first source that has it:
 * 1. a schedule the office loaded for that year (CalendarOptions.schedules: the State Council's notice);
 * 2. the chinese-days package's data file. We read its data rather than call isWorkday(): that function parses
 *    dates in the host's local time zone, which gives the wrong weekday on a worker west of UTC;
 * 3. otherwise the year is **provisional**: weekends plus the statutory holidays computed from the rules
 *    (statutory-holidays.ts), without the 调休 swaps that only the published schedule brings.
 */

export type Instant = string | number;

const MS_PER_DAY = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
/** The farthest a working-time line walks from its anchor, in calendar days (50 years): past it, CalendarSpanError. */
export const MAX_SPAN_DAYS = 366 * 50;
const EPS = 1e-9;

/**
 * A working time or a date past MAX_SPAN_DAYS from its anchor: the calendar stops walking days and says so, rather than
 * walk a stored absurd duration (a processing time of 1e9 working days) for minutes. A RangeError (its name too, as
 * before: what the workflow's histories recorded), its own class so a caller can tell a plan that cannot be computed.
 */
export class CalendarSpanError extends RangeError {
  constructor() {
    super('working-day calendar: date too far from the anchor');
  }
}

interface HolidayData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

let baseOverrides: Map<number, boolean> | undefined;
let baseCoverage: { from: number; to: number } | undefined;

/** The package data as day number -> is working day; built once, lazily (deterministic). */
function packageOverrides(): Map<number, boolean> {
  if (baseOverrides) return baseOverrides;
  const data = holidayData as unknown as HolidayData;
  const map = new Map<number, boolean>();
  let from = Infinity;
  let to = -Infinity;
  for (const d of Object.keys(data.holidays)) {
    map.set(dayNumber(d), false);
    const y = Number(d.slice(0, 4));
    from = Math.min(from, y);
    to = Math.max(to, y);
  }
  for (const d of Object.keys(data.workdays)) map.set(dayNumber(d), true);
  baseOverrides = map;
  baseCoverage = { from, to };
  return map;
}

/** Years for which chinese-days has holiday data (inclusive). */
export function holidayDataCoverage(): { from: number; to: number } {
  packageOverrides();
  return { ...baseCoverage! };
}

/** 'YYYY-MM-DD' is 00:00 Shanghai; a date-time without a zone is Shanghai local; otherwise as ISO 8601 says. */
export function parseInstant(at: Instant): number {
  if (typeof at === 'number') {
    if (!Number.isFinite(at)) throw new RangeError(`invalid instant ${at}`);
    return at;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(at)) return dayNumber(at) * MS_PER_DAY - SHANGHAI_OFFSET_MS;
  const withZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(at) ? `${at}+08:00` : at;
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms)) throw new RangeError(`invalid instant '${at}'`);
  return ms;
}

/** Shanghai calendar day of an instant. */
export function shanghaiDate(at: Instant): string {
  return fromDayNumber(Math.floor((parseInstant(at) + SHANGHAI_OFFSET_MS) / MS_PER_DAY));
}

export function toIso(ms: number): string {
  // Integer arithmetic rather than Date (the workflow sandbox's override is slow); the same string.
  const t = Math.trunc(ms);
  const dn = Math.floor(t / MS_PER_DAY);
  if (!Number.isFinite(t) || dn < -719_528 || dn > 2_932_896) return new Date(ms).toISOString(); // outside 0000-9999
  const r = t - dn * MS_PER_DAY;
  const two = (n: number) => (n < 10 ? '0' : '') + n;
  const milli = r % 1000;
  return `${fromDayNumber(dn)}T${two(Math.floor(r / 3_600_000))}:${two(Math.floor(r / 60_000) % 60)}:${two(Math.floor(r / 1000) % 60)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/** One year's schedule as the State Council publishes it: its public holidays and its adjusted working weekends. */
export interface YearSchedule {
  year: number;
  /** 'YYYY-MM-DD' days off (public holidays, including the weekdays of a bridged break). */
  holidays: string[];
  /** 'YYYY-MM-DD' weekend days worked (调休上班). */
  workdays: string[];
}

export interface CalendarOptions {
  /** Local non-working days on top of the national ones (e.g. a provincial holiday). */
  extraHolidays?: string[];
  /** Local working days that override a weekend or holiday. */
  extraWorkdays?: string[];
  /** Schedules loaded by the office; a year here replaces the package data and the provisional rule for that year. */
  schedules?: YearSchedule[];
  /**
   * Years with no published schedule: 'statutory' (default) takes the statutory holidays computed from the rules;
   * 'weekends' knows weekends only (what cases started before provisional calendars were planned with).
   */
  unpublishedYears?: 'statutory' | 'weekends';
}

/** Fast conversions between instants and working time, relative to one anchor day (used by the planner). */
export interface WorkingTimeline {
  readonly anchorDate: string;
  /** Working time of an instant: working days since 00:00 Shanghai of the anchor day (negative before it). */
  toWd(ms: number): number;
  /** Working time at 00:00 Shanghai of a calendar day (= end of the previous working day). */
  dayStartWd(date: string): number;
  /**
   * Instant of a working time. 'start': an integer lands at 09:00 of the next working day;
   * 'end': at 17:00 of the working day that just finished.
   */
  fromWd(wd: number, edge?: 'start' | 'end'): number;
}

export interface WorkingCalendar {
  isWorkday(date: string): boolean;
  /** True when the date's year has a published schedule (loaded or in the package data). */
  isCovered(date: string): boolean;
  /** True when the date's year has no published schedule: its working days are a forecast (see the module doc). */
  isProvisional(date: string): boolean;
  /** Years of the package data (inclusive); loaded schedules may add others. */
  coverage: { from: number; to: number };
  /** How years with no published schedule are filled (see CalendarOptions.unpublishedYears). */
  unpublishedYears: 'statutory' | 'weekends';
  /** Instant (epoch ms) after adding fractional working days; negative goes back. Edge: see WorkingTimeline.fromWd. */
  addWorkingDays(at: Instant, wd: number, edge?: 'start' | 'end'): number;
  /** Working days between two instants (negative when to < from). */
  workingDaysBetween(from: Instant, to: Instant): number;
  /** The n-th working day after a date (n = 0: the date itself if a working day, else the next one). */
  addWorkdaysToDate(date: string, n: number): string;
  timeline(anchor: Instant): WorkingTimeline;
}

export const WORKDAY_START_MINUTE = 9 * 60;
export const WORKDAY_MINUTES = 8 * 60;

const yearOfDay = (dn: number): number => civilFromDays(dn)[0];

export function createCalendar(options: CalendarOptions = {}): WorkingCalendar {
  const packaged = packageOverrides();
  const local = new Map<number, boolean>();
  for (const d of options.extraHolidays ?? []) local.set(dayNumber(d), false);
  for (const d of options.extraWorkdays ?? []) local.set(dayNumber(d), true);
  const coverage = holidayDataCoverage();
  const loaded = new Map<number, boolean>();
  const loadedYears = new Set<number>();
  for (const s of options.schedules ?? []) {
    loadedYears.add(s.year);
    for (const d of s.holidays) loaded.set(dayNumber(d), false);
    for (const d of s.workdays) loaded.set(dayNumber(d), true);
  }
  const statutory = options.unpublishedYears !== 'weekends';
  const published = (year: number): boolean => loadedYears.has(year) || (year >= coverage.from && year <= coverage.to);
  // Statutory holidays of each provisional year, computed once per year the calendar is asked about.
  const provisionalDaysOff = new Map<number, Set<number>>();
  const statutoryOff = (year: number): Set<number> => {
    let days = provisionalDaysOff.get(year);
    if (!days) {
      days = new Set(
        year >= STATUTORY_HOLIDAY_YEARS.from && year <= STATUTORY_HOLIDAY_YEARS.to
          ? statutoryHolidays(year).map((h) => dayNumber(h.date))
          : [],
      );
      provisionalDaysOff.set(year, days);
    }
    return days;
  };

  // Every plan walks the days from its anchor to the departure: answer each day once per calendar
  // (its inputs are fixed when it is created; a loaded schedule makes a new calendar).
  const known = new Map<number, boolean>();
  const isWork = (dn: number): boolean => {
    let w = known.get(dn);
    if (w === undefined) known.set(dn, (w = isWorkUncached(dn)));
    return w;
  };
  const isWorkUncached = (dn: number): boolean => {
    const l = local.get(dn);
    if (l !== undefined) return l;
    const year = yearOfDay(dn);
    if (loadedYears.has(year)) {
      const s = loaded.get(dn);
      if (s !== undefined) return s;
    } else {
      const n = packaged.get(dn);
      if (n !== undefined) return n;
      if (statutory && !published(year) && statutoryOff(year).has(dn)) return false;
    }
    const wd = weekdayOf(dn);
    return wd >= 1 && wd <= 5;
  };

  const timeline = (anchor: Instant): WorkingTimeline => {
    const anchorDay = Math.floor((parseInstant(anchor) + SHANGHAI_OFFSET_MS) / MS_PER_DAY);
    // fwdCum[i] = working days in [anchor, anchor + i); fwdDays[k] = k-th working day >= anchor.
    const fwdCum: number[] = [0];
    const fwdDays: number[] = [];
    // bwdCum[j] = -(working days in [anchor - j, anchor)); bwdDays[k] = (k+1)-th working day before anchor.
    const bwdCum: number[] = [0];
    const bwdDays: number[] = [];

    const growFwd = (): void => {
      const i = fwdCum.length - 1;
      if (i > MAX_SPAN_DAYS) throw new CalendarSpanError();
      const dn = anchorDay + i;
      const w = isWork(dn);
      if (w) fwdDays.push(dn);
      fwdCum.push(fwdCum[i]! + (w ? 1 : 0));
    };
    const growBwd = (): void => {
      const j = bwdCum.length; // day anchor - j
      if (j > MAX_SPAN_DAYS) throw new CalendarSpanError();
      const dn = anchorDay - j;
      const w = isWork(dn);
      if (w) bwdDays.push(dn);
      bwdCum.push(bwdCum[j - 1]! - (w ? 1 : 0));
    };
    // A day or a working day the span cannot reach throws at once, as the walk would after MAX_SPAN_DAYS steps (at most
    // one working day a day: the walk holds at most MAX_SPAN_DAYS + 1 days forward, MAX_SPAN_DAYS back). A case clock
    // on a time scale (caseClockNow) asks that of an inbox's rows: the walk was two thirds of the API's time at 100,000
    // cases (docs/benchmarks.md "The case clock in the inbox").
    const cumAt = (dn: number): number => {
      const i = dn - anchorDay;
      if (i > MAX_SPAN_DAYS + 1 || -i > MAX_SPAN_DAYS) throw new CalendarSpanError();
      if (i >= 0) {
        while (fwdCum.length <= i) growFwd();
        return fwdCum[i]!;
      }
      while (bwdCum.length <= -i) growBwd();
      return bwdCum[-i]!;
    };
    const workdayAt = (k: number): number => {
      if (k > MAX_SPAN_DAYS || -k - 1 >= MAX_SPAN_DAYS) throw new CalendarSpanError();
      if (k >= 0) {
        while (fwdDays.length <= k) growFwd();
        return fwdDays[k]!;
      }
      while (bwdDays.length <= -k - 1) growBwd();
      return bwdDays[-k - 1]!;
    };
    const toWd = (ms: number): number => {
      const local = ms + SHANGHAI_OFFSET_MS;
      const dn = Math.floor(local / MS_PER_DAY);
      const base = cumAt(dn);
      if (!isWork(dn)) return base;
      const minute = (local - dn * MS_PER_DAY) / 60_000;
      const frac = (minute - WORKDAY_START_MINUTE) / WORKDAY_MINUTES;
      return base + Math.min(1, Math.max(0, frac));
    };
    const fromWd = (wd: number, edge: 'start' | 'end' = 'start'): number => {
      const rounded = Math.round(wd);
      let k: number;
      let frac: number;
      if (Math.abs(wd - rounded) < EPS) {
        k = edge === 'end' ? rounded - 1 : rounded;
        frac = edge === 'end' ? 1 : 0;
      } else {
        k = Math.floor(wd);
        frac = wd - k;
      }
      const dn = workdayAt(k);
      return dn * MS_PER_DAY - SHANGHAI_OFFSET_MS + (WORKDAY_START_MINUTE + frac * WORKDAY_MINUTES) * 60_000;
    };
    return {
      anchorDate: fromDayNumber(anchorDay),
      toWd,
      dayStartWd: (date) => cumAt(dayNumber(date)),
      fromWd,
    };
  };

  return {
    isWorkday: (date) => isWork(dayNumber(date)),
    isCovered: (date) => published(Number(date.slice(0, 4))),
    isProvisional: (date) => !published(Number(date.slice(0, 4))),
    coverage,
    unpublishedYears: statutory ? 'statutory' : 'weekends',
    addWorkingDays: (at, wd, edge) => {
      const ms = parseInstant(at);
      const tl = timeline(ms);
      // A finish lands at 17:00 rather than 09:00 of the next working day; adding nothing stays put.
      return tl.fromWd(tl.toWd(ms) + wd, edge ?? (wd > 0 ? 'end' : 'start'));
    },
    workingDaysBetween: (from, to) => {
      const a = parseInstant(from);
      const tl = timeline(a);
      return tl.toWd(parseInstant(to)) - tl.toWd(a);
    },
    addWorkdaysToDate: (date, n) => {
      let dn = dayNumber(date);
      if (n === 0) {
        while (!isWork(dn)) dn++;
        return fromDayNumber(dn);
      }
      const step = n > 0 ? 1 : -1;
      const from = dn;
      for (let left = Math.abs(n); left > 0;) {
        dn += step;
        if (Math.abs(dn - from) > MAX_SPAN_DAYS) throw new CalendarSpanError();
        if (isWork(dn)) left--;
      }
      return fromDayNumber(dn);
    },
    timeline,
  };
}

let defaultCalendar: WorkingCalendar | undefined;
let weekendsOnlyCalendar: WorkingCalendar | undefined;

/**
 * The national calendar (shared, built lazily): published years from the package data, the others provisional with
 * their statutory holidays. `{ unpublishedYears: 'weekends' }` gives the calendar of cases started before provisional
 * years existed (weekends only past the package data), which their workflow histories were recorded with.
 */
export function chineseCalendar(options: { unpublishedYears?: 'statutory' | 'weekends' } = {}): WorkingCalendar {
  if (options.unpublishedYears === 'weekends') return (weekendsOnlyCalendar ??= createCalendar({ unpublishedYears: 'weekends' }));
  return (defaultCalendar ??= createCalendar());
}
