import type { FieldError } from './api';
import { isIsoDate } from '../../../libs/domain/src/dates';
import type { CaseFacts } from '../../../libs/domain/src/facts';
import { checkTripRules, departureDateViolations, departureHorizonViolations } from '../../../libs/domain/src/rules';

/*
 * A trip's date rules refused as typed (see date-rules.ts), in a module of its own: the new-trip form and the
 * amendment dialog import it dynamically, so the domain's trip rules are not part of the app's first load.
 */

export interface TripDates {
  departureDate?: string;
  returnDate?: string;
  destinations?: Array<{ country?: string; city?: string; arrive?: string; leave?: string }>;
}

/**
 * A trip's date rules as field errors, for the new-trip form and the amendment: the departure after today
 * (departureDateViolations; skipped when `departureUnchanged` is the departure, as an amendment that keeps it),
 * the return not before the departure (INVALID_DATES, at `returnDate`) and each stop's days inside the trip
 * (DESTINATION_OUTSIDE_TRIP, at the day outside, or at both when both are) and stops in two countries, or one city
 * listed twice, not sharing days (LEGS_OVERLAP, at the later stop's `arrive`; a same-day transfer is none). Only between days that are typed: an empty or
 * malformed day is the schema's business.
 */
export function tripDateErrors(v: TripDates, today: string, departureUnchanged?: string): FieldError[] {
  const out: FieldError[] = [];
  const dep = v.departureDate;
  const ret = v.returnDate;
  if (isIsoDate(dep) && dep !== departureUnchanged)
    for (const x of [
      ...departureDateViolations({ departureDate: dep }, today),
      ...departureHorizonViolations({ departureDate: dep }, today),
    ])
      out.push({ field: 'departureDate', rule: x.code, message: x.message });
  if (!isIsoDate(dep) || !isIsoDate(ret)) return out;
  // The city too: one city listed twice on the same days overlaps, two cities of one country do not (LEGS_OVERLAP).
  const stops = (v.destinations ?? []).map((d) => ({ country: d.country ?? '', city: d.city ?? '', arrive: d.arrive, leave: d.leave }));
  const facts = { departureDate: dep, returnDate: ret, destinations: stops, members: [] } as unknown as CaseFacts;
  for (const x of checkTripRules(facts)) {
    // INVALID_DATES names its field (returnDate, or a stop's leave day when it comes before the arrival).
    if (x.code === 'INVALID_DATES') out.push({ field: x.field ?? 'returnDate', rule: x.code, message: x.message });
    // Two stops in different countries sharing days (LEGS_OVERLAP), at the later stop's arrival day.
    if (x.code === 'LEGS_OVERLAP' && x.field) out.push({ field: x.field, rule: x.code, message: x.message });
    // A stop's day outside the trip at that day; both outside, the whole stop, at both days.
    const stop = x.code === 'DESTINATION_OUTSIDE_TRIP' ? /^destinations\[(\d+)\](?:\.(arrive|leave))?$/.exec(x.field ?? '') : null;
    const s = stop ? stops[Number(stop[1])] : undefined;
    if (stop && s && isIsoDate(s.arrive) && isIsoDate(s.leave))
      for (const f of stop[2] ? [stop[2]] : ['arrive', 'leave'])
        out.push({ field: `destinations[${stop[1]}].${f}`, rule: x.code, message: x.message });
  }
  return out;
}
