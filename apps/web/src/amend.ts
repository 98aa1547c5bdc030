/**
 * The amendment dialog (变更) of the case page: what it sends and where the API's refusal shows. The amendment
 * replaces what it names (docs/api.md: `{changes: {departureDate?, returnDate?, destinations?, members?}}`): a stop's
 * days are changed by sending the whole `destinations` list, each stop as the case holds it with its new days.
 */

/** A stop as the case's facts hold it (the progress answer). */
export interface Stop {
  country: string;
  city?: string;
  arrive: string;
  leave: string;
  inviter?: { name: string; organization: string };
  transit?: 'airside' | 'landside';
}

export interface AmendValues {
  departureDate: string;
  returnDate: string;
  /** Each stop's days, in the case's order. */
  destinations?: Array<{ arrive: string; leave: string }>;
}

/** The amendment's `changes`: the dates, and the stops only when a stop's day changed (the API's fields, no others). */
export function amendChanges(v: AmendValues, stops: readonly Stop[]): Record<string, unknown> {
  const changes: Record<string, unknown> = { departureDate: v.departureDate, returnDate: v.returnDate };
  const days = v.destinations ?? [];
  if (days.some((d, i) => stops[i] && (d.arrive !== stops[i].arrive || d.leave !== stops[i].leave)))
    changes.destinations = stops.map((s, i) => ({
      country: s.country,
      city: s.city,
      arrive: days[i]?.arrive ?? s.arrive,
      leave: days[i]?.leave ?? s.leave,
      inviter: s.inviter,
      ...(s.transit ? { transit: s.transit } : {}),
    }));
  return changes;
}

/** A form field of the dialog: `departureDate`, or a stop's day `['destinations', 0, 'arrive']`. */
export type AmendField = string | [string, number, string];

/**
 * The dialog's field for a refusal's field (`changes.returnDate`, `changes.destinations[0].arrive`): a whole stop
 * (`changes.destinations[0]`, DESTINATION_OUTSIDE_TRIP) shows at both its days, as the typed check does; a field
 * the dialog does not edit is none (the alert says it).
 */
export function amendFields(field: string | undefined): AmendField[] {
  const f = (field ?? '').replace(/^changes\./, '');
  if (f === 'departureDate' || f === 'returnDate') return [f];
  const stop = /^destinations\[(\d+)\](?:\.(arrive|leave))?$/.exec(f);
  if (!stop) return [];
  const i = Number(stop[1]);
  return stop[2]
    ? [['destinations', i, stop[2]]]
    : [
        ['destinations', i, 'arrive'],
        ['destinations', i, 'leave'],
      ];
}
