/**
 * The amendment dialog (变更) of the case page: what it sends and where the API's refusal shows. The amendment
 * replaces what it names (docs/api.md: `{changes: {departureDate?, returnDate?, destinations?, members?}}`): a stop's
 * days are changed by sending the whole `destinations` list, each stop as the case holds it with its new days; the
 * members (人员变更) by sending the list, each member kept as `{ id }` (the page sees them masked) and each person
 * added from the unit's roster as `{ id, personId }` under a new member id.
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
  /**
   * Each stop's days, city and inviter, in the case's order (forty-seventh trial: the dialog changed no city, so another
   * invitation went by the API only). A field left out keeps the case's.
   */
  destinations?: Array<{ arrive: string; leave: string; city?: string; inviter?: { name?: string; organization?: string } }>;
  /** The ids of the case's members kept (every member unless one is unticked). */
  keep?: string[];
  /** People of the unit's roster added (person ids), each under a new member id. */
  add?: string[];
}

/** What the dialog knows of the case's members: the current ones, and every member id the case used (its steps'). */
export interface AmendMembers {
  current: ReadonlyArray<{ id: string }>;
  used: ReadonlySet<string>;
}

/**
 * `n` new member ids, m1, m2, … skipping every id the case used: a withdrawn member's id stays theirs (the API
 * refuses it for another person, rule unique).
 */
export function newMemberIds(used: ReadonlySet<string>, n: number): string[] {
  const out: string[] = [];
  for (let k = 1; out.length < n; k++) if (!used.has(`m${k}`)) out.push(`m${k}`);
  return out;
}

/** A name as the picker compares a typed member's with a roster person's: NFKC, without spaces or invisible characters. */
const nameKey = (name: string): string => name.normalize('NFKC').replace(/[\s\u200b-\u200d\u2060\ufeff]+/g, '');

/**
 * The roster people already on the case, by person id, whom the picker offers disabled (trial: it offered them and
 * the API refused the amendment, DUPLICATE_MEMBER): a member named by that person id, or a member typed without one
 * under that person's name (a typed namesake of a unit's roster person is that person, the API's rule roster-person).
 * The API's rules stay the authority (a name spelt another way, a person id the viewer sees masked).
 */
export function rosterPeopleOnCase(
  members: ReadonlyArray<{ id: string; name: string; personId?: string }>,
  roster: ReadonlyArray<{ personId: string; name: string }>,
): Set<string> {
  const ids = new Set(members.flatMap((m) => (m.personId ? [m.personId] : [])));
  const typed = new Set(members.filter((m) => !m.personId).map((m) => nameKey(m.name)));
  return new Set(roster.filter((x) => ids.has(x.personId) || typed.has(nameKey(x.name))).map((x) => x.personId));
}

/**
 * A case's members as its pages list them: each by name, and a name another member shares with the member's person
 * id beside (赵六（P-commerce-0012）), or its member id when it names no roster person (赵六（m2）): trial 81, a case
 * of two 赵六 read 成员：赵六、赵六. `lang`: the brackets' width.
 */
export function memberNamesOnCase(members: ReadonlyArray<{ id: string; name: string; personId?: string }>, lang: 'zh' | 'en'): string[] {
  return members.map((m) => {
    if (!members.some((x) => x.id !== m.id && nameKey(x.name) === nameKey(m.name))) return m.name;
    const which = m.personId ?? m.id;
    return lang === 'zh' ? `${m.name}（${which}）` : `${m.name} (${which})`;
  });
}

/**
 * A roster person as the member pickers (new trip, amendment) offer them: 王五（科员）, and the person id beside a name
 * another person of the list shares (王五（科员） · P-commerce-0012: trial 79, two 王五 read alike and either could be
 * picked). `roster`: the whole list offered.
 */
export function rosterOptionLabel(
  person: { personId: string; name: string; position?: string },
  roster: ReadonlyArray<{ personId: string; name: string }>,
): string {
  const label = person.position ? `${person.name}（${person.position}）` : person.name;
  const namesake = roster.some((x) => x.personId !== person.personId && nameKey(x.name) === nameKey(person.name));
  return namesake ? `${label} · ${person.personId}` : label;
}

/** The amendment's `changes`: the dates, and the stops only when a stop's day changed (the API's fields, no others). */
export function amendChanges(v: AmendValues, stops: readonly Stop[], members?: AmendMembers): Record<string, unknown> {
  const changes: Record<string, unknown> = { departureDate: v.departureDate, returnDate: v.returnDate };
  if (members) {
    const keep = members.current.filter((m) => (v.keep ?? members.current.map((c) => c.id)).includes(m.id)).map((m) => m.id);
    const add = v.add ?? [];
    if (add.length > 0 || keep.length !== members.current.length) {
      const ids = newMemberIds(new Set([...members.used, ...members.current.map((m) => m.id)]), add.length);
      changes.members = [...keep.map((id) => ({ id })), ...add.map((personId, k) => ({ id: ids[k], personId }))];
    }
  }
  // Each stop as the dialog leaves it, built once: sent whole (every stop) when one of them changed.
  const next = stops.map((s, i) => {
    const d = v.destinations?.[i];
    return {
      country: s.country,
      city: d?.city?.trim() || s.city,
      arrive: d?.arrive ?? s.arrive,
      leave: d?.leave ?? s.leave,
      inviter: s.inviter && {
        ...s.inviter,
        name: d?.inviter?.name?.trim() || s.inviter.name,
        organization: d?.inviter?.organization?.trim() || s.inviter.organization,
      },
      ...(s.transit ? { transit: s.transit } : {}),
    };
  });
  const changed = (s: Stop, n: (typeof next)[number]) =>
    n.arrive !== s.arrive ||
    n.leave !== s.leave ||
    n.city !== s.city ||
    n.inviter?.name !== s.inviter?.name ||
    n.inviter?.organization !== s.inviter?.organization;
  if (stops.some((s, i) => changed(s, next[i]!))) changes.destinations = next;
  return changes;
}

/** A form field of the dialog: `departureDate`, a stop's day `['destinations', 0, 'arrive']` or its inviter's name `['destinations', 0, 'inviter', 'name']`. */
export type AmendField = string | Array<string | number>;

/**
 * The dialog's field for a refusal's field (`changes.returnDate`, `changes.destinations[0].arrive`): a whole stop
 * (`changes.destinations[0]`, DESTINATION_OUTSIDE_TRIP with both days outside) shows at both its days, one day
 * (`….leave`) at that day, as the typed check does; a member's
 * (`changes.members[2]…`) at the people added when its index is past the `kept` members, else at the kept ones; a
 * field the dialog does not edit is none (the alert says it).
 */
export function amendFields(field: string | undefined, kept = 0): AmendField[] {
  const f = (field ?? '').replace(/^changes\./, '');
  if (f === 'departureDate' || f === 'returnDate') return [f];
  // A member's refusal (another open case, the frequency rule, …): at the kept members or at the people added.
  const member = /^members(?:\[(\d+)\])?/.exec(f);
  if (member) return [member[1] !== undefined && Number(member[1]) >= kept ? 'add' : 'keep'];
  // A stop's city and inviter, which the dialog edits beside its days (trial 49: their refusals read only "1 error").
  const named = /^destinations\[(\d+)\]\.(city|inviter\.name|inviter\.organization)$/.exec(f);
  if (named) return [['destinations', Number(named[1]), ...named[2]!.split('.')]];
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
