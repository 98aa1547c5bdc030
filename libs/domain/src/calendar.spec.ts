import { isWorkday } from 'chinese-days';
import {
  CalendarSpanError,
  MAX_SPAN_DAYS,
  createCalendar,
  chineseCalendar,
  holidayDataCoverage,
  parseInstant,
  shanghaiDate,
  toIso,
} from './calendar';
import { addDays, civilFromDays, fromDayNumber } from './dates';

const cal = chineseCalendar();
const at = (s: string) => parseInstant(s);

describe('working days', () => {
  it('follow chinese-days: holidays and adjusted working weekends (调休)', () => {
    expect(cal.isWorkday('2026-10-01')).toBe(false);
    expect(cal.isWorkday('2026-10-07')).toBe(false);
    expect(cal.isWorkday('2026-09-20')).toBe(true); // Sunday worked
    expect(cal.isWorkday('2026-10-10')).toBe(true); // Saturday worked
    expect(cal.isWorkday('2026-03-02')).toBe(true);
    expect(cal.isWorkday('2026-03-07')).toBe(false);
  });

  it('agree with the package isWorkday on every day of 2024-2026', () => {
    for (let d = '2024-01-01'; d <= '2026-12-31'; d = addDays(d, 1)) expect([d, cal.isWorkday(d)]).toEqual([d, isWorkday(d)]);
  });

  it('outside the data, take the statutory holidays (provisional), or weekends only for cases begun before', () => {
    const { to } = holidayDataCoverage();
    expect(to).toBeGreaterThanOrEqual(2026);
    expect(cal.isCovered('2026-06-01')).toBe(true);
    expect(cal.isCovered(`${to + 1}-10-01`)).toBe(false);
    expect(cal.isProvisional(`${to + 1}-10-01`)).toBe(true);
    expect(cal.isWorkday('2031-10-01')).toBe(false); // a Wednesday: National Day, by the statutory rule
    expect(cal.isWorkday('2031-10-06')).toBe(true); // Monday
    expect(cal.isWorkday('2031-10-04')).toBe(false); // Saturday
    const weekendsOnly = chineseCalendar({ unpublishedYears: 'weekends' });
    expect(weekendsOnly.isWorkday('2031-10-01')).toBe(true);
    expect(weekendsOnly.isWorkday('2031-10-04')).toBe(false);
  });

  it('accept local holidays and working days', () => {
    const local = createCalendar({ extraHolidays: ['2026-03-10'], extraWorkdays: ['2026-03-07'] });
    expect(local.isWorkday('2026-03-10')).toBe(false);
    expect(local.isWorkday('2026-03-07')).toBe(true);
  });
});

describe('fractional working-day arithmetic (09:00-17:00 Asia/Shanghai)', () => {
  it('0.5 WD is four working hours', () => {
    expect(cal.addWorkingDays('2026-03-02T09:00:00+08:00', 0.5)).toBe(at('2026-03-02T13:00:00+08:00'));
    expect(cal.addWorkingDays('2026-03-02T15:00:00+08:00', 0.5)).toBe(at('2026-03-03T11:00:00+08:00'));
  });

  it('a whole day ends at 17:00; nothing added stays put', () => {
    expect(cal.addWorkingDays('2026-03-02T09:00:00+08:00', 1)).toBe(at('2026-03-02T17:00:00+08:00'));
    expect(cal.addWorkingDays('2026-03-06T09:00:00+08:00', 2)).toBe(at('2026-03-09T17:00:00+08:00'));
    expect(cal.addWorkingDays('2026-03-02T09:00:00+08:00', 0)).toBe(at('2026-03-02T09:00:00+08:00'));
  });

  it('time outside working hours counts from the next working start', () => {
    expect(cal.addWorkingDays('2026-03-06T20:00:00+08:00', 0.5)).toBe(at('2026-03-09T13:00:00+08:00'));
    expect(cal.addWorkingDays('2026-03-07T10:00:00+08:00', 1)).toBe(at('2026-03-09T17:00:00+08:00'));
  });

  it('crosses the National Day holiday', () => {
    // Wed 09-30 09:00 + 2 WD: 09-30, then 10-08 (10-01..07 off).
    expect(cal.addWorkingDays('2026-09-30T09:00:00+08:00', 2)).toBe(at('2026-10-08T17:00:00+08:00'));
    expect(cal.workingDaysBetween('2026-09-30T09:00:00+08:00', '2026-10-09T09:00:00+08:00')).toBe(2);
    expect(cal.addWorkdaysToDate('2026-09-30', 1)).toBe('2026-10-08');
    expect(cal.addWorkdaysToDate('2026-10-03', 0)).toBe('2026-10-08');
  });

  it('goes backwards', () => {
    expect(cal.addWorkingDays('2026-10-08T13:00:00+08:00', -1)).toBe(at('2026-09-30T13:00:00+08:00'));
    expect(cal.workingDaysBetween('2026-10-08T13:00:00+08:00', '2026-09-30T13:00:00+08:00')).toBe(-1);
  });

  it('parses dates and zone-less times as Shanghai', () => {
    expect(parseInstant('2026-03-02')).toBe(Date.parse('2026-03-01T16:00:00Z'));
    expect(parseInstant('2026-03-02T09:00')).toBe(Date.parse('2026-03-02T01:00:00Z'));
    expect(shanghaiDate(Date.parse('2026-03-01T16:30:00Z'))).toBe('2026-03-02');
    expect(() => parseInstant('not a date')).toThrow(RangeError);
  });
});

describe('date arithmetic without Date (the workflow sandbox overrides Date)', () => {
  it('fromDayNumber and toIso give what Date gives, over years 0000-9999 and fractional times', () => {
    for (let dn = -719_528; dn <= 2_932_896; dn += 997) {
      expect(fromDayNumber(dn)).toBe(new Date(dn * 86_400_000).toISOString().slice(0, 10));
      expect(civilFromDays(dn)[0]).toBe(new Date(dn * 86_400_000).getUTCFullYear());
    }
    for (const dn of [-1, 0, 59, 60, 365, 10_956, 11_016, 20_513, 20_819])
      expect(fromDayNumber(dn)).toBe(new Date(dn * 86_400_000).toISOString().slice(0, 10));
    for (const ms of [
      0,
      -1,
      -1.5,
      1.5,
      999,
      1_798_000_000_123,
      1_798_000_000_999.9,
      -62_167_219_200_000,
      253_402_300_799_999,
      Date.UTC(2028, 1, 29, 23, 59, 59, 7),
    ])
      expect(toIso(ms)).toBe(new Date(ms).toISOString());
    for (let ms = -5e12; ms < 5e12; ms += 7_777_777_777.7) expect(toIso(ms)).toBe(new Date(ms).toISOString());
    expect(() => toIso(Number.NaN)).toThrow(RangeError);
    expect(() => fromDayNumber(Number.NaN)).toThrow(RangeError);
  });
});

describe('the calendar walks at most MAX_SPAN_DAYS from its anchor (a stored absurd duration must not run away)', () => {
  it('throws CalendarSpanError, a RangeError with the message it always had, in every walk', () => {
    const from = at('2026-03-02T09:00:00+08:00');
    expect(() => cal.addWorkingDays(from, 1e9)).toThrow(CalendarSpanError);
    expect(() => cal.addWorkingDays(from, -1e9)).toThrow(RangeError);
    expect(() => cal.addWorkdaysToDate('2026-03-02', 1e9)).toThrow('working-day calendar: date too far from the anchor');
    expect(() => cal.addWorkdaysToDate('2026-03-02', -1e9)).toThrow(CalendarSpanError);
    expect(new CalendarSpanError().name).toBe('RangeError');
    expect(cal.addWorkdaysToDate('2026-03-02', 3000) > '2037-01-01').toBe(true);
  });

  it('answers every working day the span holds and throws for the first beyond it, forward and back, however far asked', () => {
    // The working days within the span, counted day by day: forward the anchor's day and MAX_SPAN_DAYS after it, back
    // the MAX_SPAN_DAYS days before it. A working day past them throws whether asked just past or a billion past.
    const anchor = at('2026-03-02T12:00:00+08:00');
    const day = (i: number) => shanghaiDate(anchor + i * 86_400_000);
    let ahead = 0;
    for (let i = 0; i <= MAX_SPAN_DAYS; i++) if (cal.isWorkday(day(i))) ahead++;
    let behind = 0;
    for (let i = 1; i <= MAX_SPAN_DAYS; i++) if (cal.isWorkday(day(-i))) behind++;
    const tl = () => cal.timeline(anchor);
    expect(shanghaiDate(tl().fromWd(ahead - 0.5))).toBe(lastWorkday(1));
    expect(() => tl().fromWd(ahead + 0.5)).toThrow(CalendarSpanError);
    expect(() => tl().fromWd(1e9)).toThrow(CalendarSpanError);
    expect(shanghaiDate(tl().fromWd(-behind + 0.5))).toBe(lastWorkday(-1));
    expect(() => tl().fromWd(-behind - 0.5)).toThrow(CalendarSpanError);
    expect(() => tl().fromWd(-1e9)).toThrow(CalendarSpanError);
    // Days: the span's last day forward is counted (MAX_SPAN_DAYS + 1 days' working time), one more throws.
    expect(tl().dayStartWd(day(MAX_SPAN_DAYS + 1))).toBe(ahead);
    expect(() => tl().dayStartWd(day(MAX_SPAN_DAYS + 2))).toThrow(CalendarSpanError);
    expect(tl().dayStartWd(day(-MAX_SPAN_DAYS))).toBe(-behind);
    expect(() => tl().dayStartWd(day(-MAX_SPAN_DAYS - 1))).toThrow(CalendarSpanError);

    /** The last working day within the span in that direction. */
    function lastWorkday(direction: 1 | -1): string {
      for (let i = direction > 0 ? MAX_SPAN_DAYS : -MAX_SPAN_DAYS; ; i -= direction) if (cal.isWorkday(day(i))) return day(i);
    }
  });
});
