import type { FieldError } from './api';
import { fromDayNumber } from '../../../libs/domain/src/dates';
import { afterTodayProblem, notBeforeTodayProblem } from '../../../libs/domain/src/day-rules';

/**
 * The date rules the API enforces beyond the OpenAPI schema, refused in the forms as the user types with the
 * domain's own functions and messages (libs/domain: rules.ts for a trip's dates, day-rules.ts for days relative to
 * today). Nothing is re-written here: the web only picks the functions' date verdicts and names the form's field.
 * The API stays the judge (its clock, a case's working clock at an amendment): a day the browser lets through may
 * still be refused there, and that refusal is shown at the field. A trip's dates are trip-date-rules.ts, loaded
 * with the forms that need them (the trip rules and their tables stay out of the first load).
 */

const MS_PER_DAY = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** Today in Asia/Shanghai ('YYYY-MM-DD') by the browser's clock (`now`: ms since the epoch). */
export function shanghaiToday(now: number = Date.now()): string {
  return fromDayNumber(Math.floor((now + SHANGHAI_OFFSET_MS) / MS_PER_DAY));
}

/** An APEC card application's needed-by day: after today (the API's rule `future-date`). */
export function neededByErrors(neededBy: unknown, today: string): FieldError[] {
  const p = afterTodayProblem('neededBy', neededBy, today);
  return p ? [p] : [];
}

/** New whitelist criteria's first day: today or later (the API's rule `not-past`); blank means today. */
export function effectiveFromErrors(effectiveFrom: unknown, today: string): FieldError[] {
  const p = notBeforeTodayProblem('effectiveFrom', effectiveFrom, today);
  return p ? [p] : [];
}
