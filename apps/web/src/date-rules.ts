import type { FieldError } from './api';
import { fromDayNumber, isIsoDate } from '../../../libs/domain/src/dates';
import { afterTodayProblem, notBeforeTodayProblem } from '../../../libs/domain/src/day-rules';
import type { CaseFacts } from '../../../libs/domain/src/facts';
import { checkTripRules, departureDateViolations } from '../../../libs/domain/src/rules';

/**
 * The date rules the API enforces beyond the OpenAPI schema, refused in the forms as the user types with the
 * domain's own functions and messages (libs/domain: rules.ts for a trip's dates, day-rules.ts for days relative to
 * today). Nothing is re-written here: the web only picks the functions' date verdicts and names the form's field.
 * The API stays the judge (its clock, a case's working clock at an amendment): a day the browser lets through may
 * still be refused there, and that refusal is shown at the field.
 */

const MS_PER_DAY = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** Today in Asia/Shanghai ('YYYY-MM-DD') by the browser's clock (`now`: ms since the epoch). */
export function shanghaiToday(now: number = Date.now()): string {
  return fromDayNumber(Math.floor((now + SHANGHAI_OFFSET_MS) / MS_PER_DAY));
}

export interface TripDates {
  departureDate?: string;
  returnDate?: string;
  destinations?: Array<{ country?: string; arrive?: string; leave?: string }>;
}

/**
 * A trip's date rules as field errors, for the new-trip form and the amendment: the departure after today
 * (departureDateViolations; skipped when `departureUnchanged` is the departure, as an amendment that keeps it),
 * the return not before the departure (INVALID_DATES, at `returnDate`) and each stop's days inside the trip
 * (DESTINATION_OUTSIDE_TRIP, at the stop's `arrive` and `leave`). Only between days that are typed: an empty or
 * malformed day is the schema's business.
 */
export function tripDateErrors(v: TripDates, today: string, departureUnchanged?: string): FieldError[] {
  const out: FieldError[] = [];
  const dep = v.departureDate;
  const ret = v.returnDate;
  if (isIsoDate(dep) && dep !== departureUnchanged)
    for (const x of departureDateViolations({ departureDate: dep }, today)) out.push({ field: 'departureDate', rule: x.code, message: x.message });
  if (!isIsoDate(dep) || !isIsoDate(ret)) return out;
  const stops = (v.destinations ?? []).map((d) => ({ country: d.country ?? '', arrive: d.arrive, leave: d.leave }));
  const facts = { departureDate: dep, returnDate: ret, destinations: stops, members: [] } as unknown as CaseFacts;
  for (const x of checkTripRules(facts)) {
    if (x.code === 'INVALID_DATES') out.push({ field: 'returnDate', rule: x.code, message: x.message });
    const stop = x.code === 'DESTINATION_OUTSIDE_TRIP' ? /^destinations\[(\d+)\]$/.exec(x.field ?? '') : null;
    const s = stop ? stops[Number(stop[1])] : undefined;
    if (stop && s && isIsoDate(s.arrive) && isIsoDate(s.leave))
      for (const f of ['arrive', 'leave']) out.push({ field: `destinations[${stop[1]}].${f}`, rule: x.code, message: x.message });
  }
  return out;
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
