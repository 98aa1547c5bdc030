/**
 * Calendar-date arithmetic on 'YYYY-MM-DD' strings via integer day numbers (days since 1970-01-01).
 * Pure integer maths: no host time zone, no Date.now().
 */
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/**
 * The days any date the API takes lies between, inclusive (rule `date-bounds`): births from 1900 (the registries'
 * earliest, EARLIEST_BIRTH) to expiries and trips well within two centuries. Outside it the arithmetic leaves the
 * years 0000-9999 and PostgreSQL's `date` has no year 0 (new-user trial: 0000-01-01 and 0001-01-01 were 500 in the
 * list and board filters, the dry run and the amendment).
 */
export const DATE_BOUNDS = { earliest: '1900-01-01', latest: '2199-12-31' } as const;
/** The same range as a pattern over YYYY-MM-DD (the OpenAPI document's, so a fuzzer's valid date is in range). */
export const DATE_BOUNDS_PATTERN = '^(?:19[0-9]{2}|2[01][0-9]{2})-[0-9]{2}-[0-9]{2}$';

/** A YYYY-MM-DD string within DATE_BOUNDS (string order is date order here). */
export function isDateInBounds(s: string): boolean {
  return s >= DATE_BOUNDS.earliest && s <= DATE_BOUNDS.latest;
}

/** What a date field expects (rule `format`), in the words of every date the API refuses (zod-text isoDate re-exports it). */
export const DATE_WORDS = { zh: '应为日期 YYYY-MM-DD', en: 'Expected a date YYYY-MM-DD' } as const;
/** A value in the form YYYY-MM-DD that is no day of the calendar (2027-02-30): rule `date`. */
export const NOT_A_DATE_WORDS = { zh: '不是有效日期', en: 'Not a calendar date' } as const;
/** A day outside DATE_BOUNDS: rule `date-bounds`. */
export const DATE_BOUNDS_WORDS = {
  zh: `应在 ${DATE_BOUNDS.earliest} 至 ${DATE_BOUNDS.latest} 之间`,
  en: `Must be from ${DATE_BOUNDS.earliest} to ${DATE_BOUNDS.latest}`,
} as const;

/**
 * The one date rule a value breaks, its form before its meaning (docs/api.md, "One error per field"): not text in the
 * form YYYY-MM-DD is `format` (`2026/01/01`, `abc`, a number), a form-valid day that does not exist `date`
 * (`2030-02-30`), a day outside DATE_BOUNDS `date-bounds`; undefined for a day within them. The rule of every date field
 * the API takes (isoDate's refinements) and of every day a completion's data carries (stepDataDateProblems): a C05
 * `issuedOn` of `2026/01/01` read rule `date` where every other date field reads `format` (new-user trial).
 */
export function dateRuleBroken(
  value: unknown,
): { rule: 'format' | 'date' | 'date-bounds'; message: { zh: string; en: string } } | undefined {
  if (typeof value !== 'string' || !DATE_RE.test(value)) return { rule: 'format', message: { ...DATE_WORDS } };
  if (!isIsoDate(value)) return { rule: 'date', message: { ...NOT_A_DATE_WORDS } };
  if (!isDateInBounds(value)) return { rule: 'date-bounds', message: { ...DATE_BOUNDS_WORDS } };
  return undefined;
}

export function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeap(year) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Day number of a 'YYYY-MM-DD' date. Throws on malformed input. */
export function dayNumber(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`invalid date '${date}', expected YYYY-MM-DD`);
  return Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / MS_PER_DAY);
}

/**
 * Proleptic Gregorian (year, month 1-12, day) of a day number (days since 1970-01-01), by integer arithmetic
 * (H. Hinnant's civil_from_days): no Date, which inside a Temporal workflow is the sandbox's override and
 * was the planner's top frame (docs/benchmarks.md).
 */
export function civilFromDays(dn: number): [number, number, number] {
  const z = Math.floor(dn) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

export function fromDayNumber(dn: number): string {
  if (Number.isFinite(dn)) {
    const [y, m, d] = civilFromDays(dn);
    if (y >= 0 && y <= 9999) return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
  }
  return new Date(dn * MS_PER_DAY).toISOString().slice(0, 10); // outside 0000-9999 (and NaN: RangeError), as before
}

/** 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(dn: number): number {
  return (((dn + 4) % 7) + 7) % 7;
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(dayNumber(date) + days);
}

/** Same day n months later (or earlier), clamped to the month's end: 2026-08-31 + 6 months = 2027-02-28. */
export function addMonths(date: string, months: number): string {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`invalid date '${date}', expected YYYY-MM-DD`);
  const total = Number(m[1]) * 12 + (Number(m[2]) - 1) + months;
  const y = Math.floor(total / 12);
  const mo = (total % 12) + 1;
  const d = Math.min(Number(m[3]), daysInMonth(y, mo));
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Calendar days from a to b inclusive of both ends (days abroad count departure and re-entry days). */
export function daysInclusive(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from) + 1;
}

/**
 * Working days (a plan's slack) as every page and export shows them: to a tenth, never -0 (the web's figures and the
 * board's export alike; trial 77: -0.04 read -0.0; trial 79: the export's 245.469 beside the board's 245.5).
 */
export const tenths = (wd: number): number => Math.round(wd * 10) / 10 || 0;

/**
 * Whether a case's preparation is done: its plan's `prepared` (nothing of the preparation remains, Plan.prepared). Done,
 * the forecast is the day the preparation ended, 准备就绪 / prepared, not a date ahead (trials 77, 78 and 83: 预计办结
 * read a past day beside a negative slack with only E07 waiting). A state, not a time: an overdue step "finishing now"
 * in a plan made earlier is not done (trial 86: 已就绪 with D13 overdue). A plan recorded before `prepared` was (null or
 * absent) is read by its forecast: done once its ready instant (ISO) lies behind `nowMs` (epoch ms on the case clock),
 * until the case's next re-plan says. No forecast is not done.
 */
export const preparationDone = (plan: { prepared?: boolean | null; forecastReadyAt: string | null }, nowMs: number): boolean =>
  typeof plan.prepared === 'boolean' ? plan.prepared : plan.forecastReadyAt !== null && Date.parse(plan.forecastReadyAt) < nowMs;
