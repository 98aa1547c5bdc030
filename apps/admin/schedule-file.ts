import ICAL from 'ical.js';
import { addDays, dayNumber, isIsoDate, type YearSchedule } from '@df/domain';

/**
 * Reads holiday schedules from a file the office has: the State Council's notice typed as JSON, or an
 * iCalendar (.ics) feed of Chinese public holidays. Returns one schedule per year found (sorted, deduplicated).
 *
 * JSON: `{ year?, holidays: [YYYY-MM-DD...], workdays?: [...] }` or an array of these (year taken from the dates
 * when absent).
 * iCalendar: every all-day VEVENT covers DTSTART up to DTEND (exclusive; one day without DTEND). An event whose
 * SUMMARY or CATEGORIES says it is a working day (补班, 上班, 班, workday, working day) lists adjusted working
 * days; every other event lists days off. Throws Error naming the event or field at fault.
 */
export function parseScheduleFile(fileName: string, text: string, onlyYear?: number): YearSchedule[] {
  const days = /\.ics$/i.test(fileName) ? fromIcs(text) : fromJson(text);
  const byYear = new Map<number, { holidays: Set<string>; workdays: Set<string> }>();
  for (const { date, work } of days) {
    const year = Number(date.slice(0, 4));
    if (onlyYear !== undefined && year !== onlyYear) continue;
    let y = byYear.get(year);
    if (!y) byYear.set(year, (y = { holidays: new Set(), workdays: new Set() }));
    (work ? y.workdays : y.holidays).add(date);
  }
  return [...byYear.entries()]
    .sort(([a], [b]) => a - b)
    .map(([year, y]) => ({ year, holidays: [...y.holidays].sort(), workdays: [...y.workdays].sort() }));
}

type Day = { date: string; work: boolean };

function fromJson(text: string): Day[] {
  const raw: unknown = JSON.parse(text);
  const items = Array.isArray(raw) ? raw : [raw];
  const out: Day[] = [];
  items.forEach((item, i) => {
    if (!item || typeof item !== 'object') throw new Error(`item ${i}: expected { holidays, workdays }`);
    const { holidays, workdays, year } = item as { holidays?: unknown; workdays?: unknown; year?: unknown };
    for (const [field, list, work] of [
      ['holidays', holidays, false],
      ['workdays', workdays ?? [], true],
    ] as const) {
      if (!Array.isArray(list)) throw new Error(`item ${i}: ${field} must be an array of YYYY-MM-DD dates`);
      for (const d of list) {
        if (!isIsoDate(d)) throw new Error(`item ${i}: ${field} has '${String(d)}', not a date YYYY-MM-DD`);
        if (year !== undefined && Number(d.slice(0, 4)) !== year)
          throw new Error(`item ${i}: ${field} has ${d}, outside year ${String(year)}`);
        out.push({ date: d, work });
      }
    }
  });
  return out;
}

const WORKDAY_RE = /补班|上班|班$|workday|working day/i;

function fromIcs(text: string): Day[] {
  const root = new ICAL.Component(ICAL.parse(text));
  const out: Day[] = [];
  for (const v of root.getAllSubcomponents('vevent')) {
    const ev = new ICAL.Event(v);
    const start = ev.startDate;
    if (!start) throw new Error(`event '${ev.summary ?? ev.uid}': no DTSTART`);
    const label = `${ev.summary ?? ''} ${String(v.getFirstPropertyValue('categories') ?? '')}`;
    const work = WORKDAY_RE.test(label.trim());
    const first = dateOf(start);
    const end = ev.endDate ? dateOf(ev.endDate) : addDays(first, 1);
    // DTEND is exclusive; an event ending on its start day (timed, or malformed) still covers that day.
    const n = Math.max(1, dayNumber(end) - dayNumber(first));
    for (let k = 0; k < n; k++) out.push({ date: addDays(first, k), work });
  }
  return out;
}

const pad = (n: number) => String(n).padStart(2, '0');
const dateOf = (t: ICAL.Time): string => `${t.year}-${pad(t.month)}-${pad(t.day)}`;
