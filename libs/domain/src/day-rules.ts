import { addDays, dayNumber, isIsoDate } from './dates';
import type { Label } from './roles';

/** A day field's broken rule, in the shape of the API's field errors (`field`, `rule`, bilingual `message`). */
export interface DayProblem {
  field: string;
  rule: 'future-date' | 'not-past' | 'horizon';
  message: Label;
}

/**
 * The rules on a request's day relative to today, one home for the API that enforces them and the web that
 * refuses them as the user types. Days are 'YYYY-MM-DD'; `today` is the Asia/Shanghai date of the caller's clock
 * (the API's at the request, the browser's as typed). A malformed day is the schema's business: no problem here.
 */

/** Strictly after today (rule `future-date`): an APEC card application's `neededBy` (ApecService.apply). */
export function afterTodayProblem(field: string, day: unknown, today: string): DayProblem | null {
  if (!isIsoDate(day) || !isIsoDate(today) || dayNumber(day) > dayNumber(today)) return null;
  return { field, rule: 'future-date', message: { zh: '须晚于今天（北京时间）', en: 'Must be after today (Asia/Shanghai)' } };
}

/** Today or later (rule `not-past`): the whitelist criteria's `effectiveFrom` (WhitelistService.putCriteria). */
export function notBeforeTodayProblem(field: string, day: unknown, today: string): DayProblem | null {
  if (!isIsoDate(day) || !isIsoDate(today) || dayNumber(day) >= dayNumber(today)) return null;
  return { field, rule: 'not-past', message: { zh: '不得早于今天（北京时间）', en: 'Must not be before today (Asia/Shanghai)' } };
}

/**
 * Not later than `days` calendar days after today (rule `horizon`): the whitelist criteria's `effectiveFrom`
 * (CRITERIA_HORIZON_DAYS, WhitelistService.putCriteria), so a mistyped year is not scheduled for 9999.
 */
export function withinHorizonProblem(field: string, day: unknown, today: string, days: number): DayProblem | null {
  if (!isIsoDate(day) || !isIsoDate(today) || dayNumber(day) <= dayNumber(today) + days) return null;
  const last = addDays(today, days);
  return {
    field,
    rule: 'horizon',
    message: { zh: `不得晚于${last}（今天起${days}天内）`, en: `Must not be after ${last} (within ${days} days of today)` },
  };
}
