import { Lunar } from 'lunar-typescript';

/**
 * The statutory public holidays of a year (法定节假日), computed from the rules rather than from a published schedule.
 *
 * Source: 《全国年节及纪念日放假办法》, as amended by State Council Decree No. 795 (2024-11-10, in force 2025-01-01),
 * Article 2: New Year's Day 1 day (1 January); Spring Festival 4 days (lunar New Year's Eve and the 1st-3rd of the
 * first lunar month); Qingming 1 day (the day of the Qingming solar term); Labour Day 2 days (1-2 May); Dragon Boat
 * Festival 1 day (5th of the fifth lunar month); Mid-Autumn 1 day (15th of the eighth lunar month); National Day
 * 3 days (1-3 October). Lunar dates and the solar term come from the lunar-typescript package.
 *
 * What this does not know: the State Council's yearly schedule (国务院办公厅关于某年部分节假日安排的通知) also moves
 * weekends (调休) to make longer breaks and compensates a holiday that falls on a weekend. Those come only with the
 * published schedule, which replaces this list for its year; until then a plan over this year is provisional.
 */
export interface StatutoryHoliday {
  /** 'YYYY-MM-DD', Shanghai calendar day. */
  date: string;
  name: { zh: string; en: string };
}

const NAMES = {
  newYear: { zh: '元旦', en: "New Year's Day" },
  springFestival: { zh: '春节', en: 'Spring Festival' },
  qingming: { zh: '清明节', en: 'Qingming Festival' },
  labourDay: { zh: '劳动节', en: 'Labour Day' },
  dragonBoat: { zh: '端午节', en: 'Dragon Boat Festival' },
  midAutumn: { zh: '中秋节', en: 'Mid-Autumn Festival' },
  nationalDay: { zh: '国庆节', en: 'National Day' },
} as const;

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * The Gregorian years statutoryHolidays computes: the range its lunar dates and solar terms are taken as reliable for
 * (the lunar tables). The one home of the bound: statutoryWeekdays, the provisional calendar and the years a holiday
 * schedule may be loaded for (CALENDAR_YEARS) all stop where it stops.
 */
export const STATUTORY_HOLIDAY_YEARS = { from: 1901, to: 2099 } as const;

/** Statutory holidays of a Gregorian year, sorted by date; throws RangeError outside STATUTORY_HOLIDAY_YEARS (the lunar tables). */
export function statutoryHolidays(year: number): StatutoryHoliday[] {
  const { from, to } = STATUTORY_HOLIDAY_YEARS;
  if (!Number.isInteger(year) || year < from || year > to)
    throw new RangeError(`statutory holidays: year ${year} out of range ${from}-${to}`);
  const out: StatutoryHoliday[] = [];
  const add = (date: string, name: StatutoryHoliday['name']): void => {
    // Mid-Autumn can fall on 1-3 October (as in 2020): one day off, not two.
    if (date.startsWith(`${year}-`) && !out.some((h) => h.date === date)) out.push({ date, name });
  };
  add(`${year}-01-01`, NAMES.newYear);
  // Lunar New Year of this Gregorian year: its eve is the day before (the 29th or 30th of the twelfth month).
  const lunarNewYear = Lunar.fromYmd(year, 1, 1).getSolar();
  add(lunarNewYear.next(-1).toYmd(), NAMES.springFestival);
  for (let d = 0; d < 3; d++) add(lunarNewYear.next(d).toYmd(), NAMES.springFestival);
  const qingming = Lunar.fromYmd(year, 3, 1).getJieQiTable()['清明'];
  if (qingming) add(qingming.toYmd(), NAMES.qingming);
  add(`${year}-05-01`, NAMES.labourDay);
  add(`${year}-05-02`, NAMES.labourDay);
  add(Lunar.fromYmd(year, 5, 5).getSolar().toYmd(), NAMES.dragonBoat);
  add(Lunar.fromYmd(year, 8, 15).getSolar().toYmd(), NAMES.midAutumn);
  for (let d = 1; d <= 3; d++) add(`${year}-10-${pad(d)}`, NAMES.nationalDay);
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
