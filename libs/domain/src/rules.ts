import { CLOSED_STATUSES, type CaseStatus } from './access';
import type { CountryTable, Region } from './countries';
import { COUNTRIES } from './countries';
import { addMonths, dayNumber, daysInclusive, fromDayNumber, isIsoDate } from './dates';
import type { CaseFacts, Member, Purpose, Rank } from './facts';
import { canonicalIdentity, openCaseKeys, passportNumberKey, personNameKey, RANK_LABELS, tripCountries } from './facts';
import type { Label } from './roles';
import { isBlank, reasonRuleBroken, REASON_WORDS_MESSAGE, type ReasonRule } from './text-rule';

export const RULE_CODES = [
  'NO_MEMBERS',
  'NO_DESTINATIONS',
  'INVALID_DATES',
  'DESTINATION_OUTSIDE_TRIP',
  // Two stops in different countries at once (legsOverlapViolations).
  'LEGS_OVERLAP',
  'UNKNOWN_COUNTRY',
  'DUPLICATE_MEMBER',
  'SIZE_EXCEEDED',
  'TOO_MANY_COUNTRIES',
  'DAYS_EXCEEDED',
  'LEADERSHIP_TEAM_OVERLAP',
  'FREQUENCY_EXCEEDED',
  // One person on two open cases whose trip windows overlap (openCaseOverlapViolations).
  'MEMBER_ON_OPEN_CASE',
  // Text a case cannot store (libs/domain/src/text-rule.ts), refused by the workflow's validators for any client.
  'TEXT_RULE',
  'DEPARTURE_NOT_FUTURE',
  'DEPARTURE_TOO_FAR',
  // K07 (APEC card registration): the card a renewal names was already replaced by another case's card.
  'APEC_CARD_REPLACED',
  // K07: the card number K06 recorded is another person's card in the cards registry (nothing registered).
  'APEC_CARD_NUMBER_TAKEN',
  // K07: the enterprise left the whitelist before the case's first card was registered (nothing registered: the exit stops it).
  'APEC_ENTERPRISE_EXITED',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

export interface RuleViolation {
  code: RuleCode;
  message: Label;
  /** JSON path into the submission body, e.g. 'members', 'destinations[0]', 'members[2]'. */
  field?: string;
  details?: Record<string, string | number | boolean | string[]>;
}

export interface FrequencyLimit {
  /** Length of every window a trip is counted in (checkMemberFrequency: each window holding this trip). */
  windowMonths: number;
  /** Trips allowed in the window, this one included. */
  maxTrips: number;
}

export interface RulesConfig {
  maxMembers: number;
  maxCountries: number;
  /** Max days abroad (departure and re-entry days counted) for 1, 2, 3 countries. */
  maxDaysByCountryCount: number[];
  /** Regions granting extra days when any destination lies there. */
  farRegions: Region[];
  farRegionExtraDays: number;
  /** Per rank; null = no limit. */
  frequency: Record<Rank, FrequencyLimit | null>;
  /** Trips with these purposes neither are checked nor count against the quota. */
  frequencyExemptPurposes: Purpose[];
}

/**
 * Defaults: the national size/country/day limits of the brief, and Shandong-style frequency
 * (bureau level once per 2 years; provincial leaders and city heads once a year).
 */
export const DEFAULT_RULES_CONFIG: RulesConfig = {
  maxMembers: 6,
  maxCountries: 3,
  maxDaysByCountryCount: [5, 8, 10],
  farRegions: ['latin-america', 'africa'],
  farRegionExtraDays: 1,
  frequency: {
    provincial: { windowMonths: 12, maxTrips: 1 },
    bureau: { windowMonths: 24, maxTrips: 1 },
    division: { windowMonths: 12, maxTrips: 1 },
    section: { windowMonths: 12, maxTrips: 1 },
    staff: null,
  },
  frequencyExemptPurposes: ['academic-exchange'],
};

export function resolveRulesConfig(patch?: Partial<RulesConfig>): RulesConfig {
  if (!patch) return DEFAULT_RULES_CONFIG;
  return {
    ...DEFAULT_RULES_CONFIG,
    ...patch,
    frequency: { ...DEFAULT_RULES_CONFIG.frequency, ...(patch.frequency ?? {}) },
  };
}

/** Max days abroad for a trip to these countries (0 countries: the 1-country limit). */
export function maxDaysAbroad(countries: string[], config: RulesConfig, table: CountryTable = COUNTRIES): number {
  const limits = config.maxDaysByCountryCount;
  const n = Math.min(Math.max(countries.length, 1), limits.length);
  const far = countries.some((c) => {
    const region = table[c]?.region;
    return region !== undefined && config.farRegions.includes(region);
  });
  return limits[n - 1]! + (far ? config.farRegionExtraDays : 0);
}

/**
 * One person once per delegation (DUPLICATE_MEMBER). A person is known by their personId and by their passport:
 * an official passport is one person's, so two members with one passport number are one person listed twice
 * (new-user trials: 李四 twice by personId ran every per-member step twice, two passport applications for one
 * passport; the same person typed twice with one passport number, or named from the roster and typed again, did
 * too). Passport numbers are compared as the passport office writes them: spaces dropped, letters upper case.
 *
 * `comparingHeld`: whether a roster member's passport number (held from the organizer: docs/registries.md,
 * `registry-held`) is compared with a typed one. On in A07's activity and in the API's dry run, submission and
 * amendment, so a member named by personId and typed again with their passport is refused up front as A07 would
 * (new-user trial: the dry run passed what A07 refused). It tells no guessed number: a typed number the custody
 * ledger holds reaches this rule only as its holder's, under the holder's name (typedMemberIdentity refuses any
 * other name, `passport-holder`, and the holder's name with a wrong number, `roster-person`). Off in the engine's
 * amend Update validator (behind the API) and by default. The number is never repeated in the refusal (personal data). Kept apart from checkTripRules: the
 * workflow's amend handler replays checkTripRules as it was, so the engine checks this in its Update validator
 * only (and A07's activity, whose answer is in the history).
 *
 * One member, one violation: a member whose id repeats an earlier member's is refused at `members[i].id` by
 * duplicateMemberIdViolations (which every caller runs beside this one, checkTripRules included), the first field
 * that tells the repeat, so it gets no second violation here (new-user trial: two identical member objects read
 * DUPLICATE_MEMBER twice, at the id and at the passport number). It still counts as a person for the members after it.
 *
 * Typed members (no personId) are known by their name too, as the registries compare names (personNameKey: spaces
 * and invisible characters dropped, traditional characters simplified; the trip history keys them so too,
 * typedHistoryKey): a typed member whose name is an earlier typed member's is the same person (DUPLICATE_MEMBER at
 * `members[i].name`; trial: 孔一 and 孔 一, 张三 and 張三 were accepted as two people) unless both carry passport
 * numbers and they differ, the one fact a typed member has that tells two namesakes apart (a typed member has no
 * date of birth). The refusal tells the organizer to register the persons or give each their own passport. Members
 * named by personId are the roster's people: namesakes there are told apart by the roster (name, gender, birth date).
 */
export function duplicatePersonViolations(
  members: readonly Pick<Member, 'id' | 'name' | 'personId' | 'passport'>[],
  { comparingHeld = false }: { comparingHeld?: boolean } = {},
): RuleViolation[] {
  const out: RuleViolation[] = [];
  const byPerson = new Map<string, number>();
  const byPassport = new Map<string, number>();
  // Typed members by name key: each earlier typed member under that key with its passport number ('' for none).
  const byName = new Map<string, { index: number; number: string }[]>();
  const ids = new Set<string>();
  members.forEach((m, i) => {
    const person = m.personId ? byPerson.get(m.personId) : undefined;
    const number = m.personId && !comparingHeld ? '' : passportKey(m.passport?.number);
    const passport = number ? byPassport.get(number) : undefined;
    if (m.personId && person === undefined) byPerson.set(m.personId, i);
    if (number && passport === undefined) byPassport.set(number, i);
    const nameKey = !m.personId && typeof m.name === 'string' ? personNameKey(m.name) : '';
    const own = passportKey(m.passport?.number);
    const namesakes = nameKey ? (byName.get(nameKey) ?? []) : [];
    // Two typed namesakes are two people only when both have passport numbers and these differ.
    const namesake = namesakes.find((n) => !n.number || !own || n.number === own);
    if (nameKey) byName.set(nameKey, [...namesakes, { index: i, number: own }]);
    const repeatedId = ids.has(m.id);
    ids.add(m.id);
    if (repeatedId) return;
    if (person !== undefined)
      out.push({
        code: 'DUPLICATE_MEMBER',
        field: `members[${i}].personId`,
        message: {
          zh: `成员 ${m.name}（${m.personId}）与第${person + 1}名成员是同一人`,
          en: `Member ${m.name} (${m.personId}) is the same person as member ${person + 1}`,
        },
        details: { index: i, sameAs: person },
      });
    else if (passport !== undefined)
      out.push({
        code: 'DUPLICATE_MEMBER',
        field: `members[${i}].passport.number`,
        message: {
          zh: `成员 ${m.name} 的护照号码与第${passport + 1}名成员相同：同一人不能重复列入`,
          en: `Member ${m.name} has the passport number of member ${passport + 1}: one person is listed once`,
        },
        details: { index: i, sameAs: passport },
      });
    else if (namesake !== undefined)
      out.push({
        code: 'DUPLICATE_MEMBER',
        field: `members[${i}].name`,
        message: {
          zh: `成员 ${m.name} 与第${namesake.index + 1}名成员（${members[namesake.index]!.name}）同名，视为同一人，不能重复列入；如确为同名的两人，请先登记入花名册并以 personId 指明，或分别填写各自的护照号码`,
          en: `Member ${m.name} has the name of member ${namesake.index + 1} (${members[namesake.index]!.name}) and is taken for the same person, listed once; two people of one name are registered on the roster and named by personId, or each given their own passport number`,
        },
        details: { index: i, sameAs: namesake.index },
      });
  });
  return out;
}

/**
 * One member id once per delegation (DUPLICATE_MEMBER on `members[i].id`, the second use): part of checkTripRules,
 * and on its own where only the members are at hand (the API's check of an amendment's `changes.members`, refused
 * as a submission's members are).
 */
export function duplicateMemberIdViolations(members: readonly Pick<Member, 'id' | 'name'>[]): RuleViolation[] {
  const out: RuleViolation[] = [];
  const ids = new Set<string>();
  members.forEach((m, i) => {
    if (ids.has(m.id))
      out.push({
        code: 'DUPLICATE_MEMBER',
        field: `members[${i}].id`,
        // The member id is what repeats (the same person twice is duplicatePersonViolations).
        message: { zh: `成员编号 ${m.id} 重复（${m.name}）`, en: `Member id ${m.id} is used twice (${m.name})` },
        details: { memberId: m.id },
      });
    ids.add(m.id);
  });
  return out;
}

const passportKey = passportNumberKey;

/**
 * One place at a time (LEGS_OVERLAP): a stop in one country may not share days with a stop in another (trial: the US
 * 03-01..03-05 and Canada 03-03..03-08 were accepted). A same-day transfer is no overlap: a stop may arrive on the day
 * the other leaves (both days inclusive otherwise). Stops in two cities of one country are not compared (a base and
 * a day trip), but one city listed twice is (trial 83: two US stops in one city on the same days passed the check);
 * nor is a stop whose own dates are malformed or reversed (INVALID_DATES' business). The later-listed stop of the pair is named, at
 * `destinations[i].arrive`, with the first earlier stop it overlaps. Part of checkTripRules (the dry run, submission,
 * A07, an amendment's Update validator); the workflow's amend handler, which replays, leaves it out (checkAmend).
 */
export function legsOverlapViolations(facts: Pick<CaseFacts, 'destinations'>): RuleViolation[] {
  const out: RuleViolation[] = [];
  const legs = facts.destinations.map((d) =>
    isIsoDate(d.arrive) && isIsoDate(d.leave) && dayNumber(d.arrive) <= dayNumber(d.leave)
      ? {
          country: d.country,
          city: canonicalIdentity(d.city ?? '').replace(/\s+/g, ''),
          arrive: dayNumber(d.arrive),
          leave: dayNumber(d.leave),
        }
      : undefined,
  );
  legs.forEach((leg, i) => {
    if (!leg) return;
    const j = legs.findIndex(
      (other, k) =>
        k < i &&
        other !== undefined &&
        (other.country !== leg.country || other.city === leg.city) &&
        Math.max(other.arrive, leg.arrive) < Math.min(other.leave, leg.leave),
    );
    if (j < 0) return;
    const [d, o] = [facts.destinations[i]!, facts.destinations[j]!];
    const sameCity = d.country === o.country;
    out.push({
      code: 'LEGS_OVERLAP',
      field: `destinations[${i}].arrive`,
      message: sameCity
        ? {
            zh: `第${i + 1}站（${d.country} ${(d.city ?? '').trim()}，${d.arrive}至${d.leave}）与第${j + 1}站是同一城市，日期重叠：请合并为一站`,
            en: `Stop ${i + 1} (${d.country} ${(d.city ?? '').trim()}, ${d.arrive} to ${d.leave}) is stop ${j + 1}'s city on overlapping days: make them one stop`,
          }
        : {
            zh: `第${i + 1}站（${d.country}，${d.arrive}至${d.leave}）与第${j + 1}站（${o.country}，${o.arrive}至${o.leave}）日期重叠：同一时间只能在一国（当天转机可在前一站离开之日抵达）`,
            en: `Stop ${i + 1} (${d.country}, ${d.arrive} to ${d.leave}) overlaps stop ${j + 1} (${o.country}, ${o.arrive} to ${o.leave}): one country at a time (a same-day transfer may arrive on the day the other stop leaves)`,
          },
      details: { index: i, overlaps: j, arrive: d.arrive, leave: d.leave, otherArrive: o.arrive, otherLeave: o.leave },
    });
  });
  return out;
}

/**
 * A stop's days outside the trip (DESTINATION_OUTSIDE_TRIP): at the day that is (`destinations[i].arrive` or
 * `.leave`; the whole stop `destinations[i]` when both are), saying which side of the trip it falls and the trip's
 * days (new-user trial 61: 第1站的抵离日期不在出访期间内 under both days, with one outside and no trip period said).
 */
function stopOutsideTrip(
  i: number,
  d: { arrive: string; leave: string },
  facts: { departureDate: string; returnDate: string },
  within: (day: string) => boolean,
): { field: string; message: Label } {
  const period = {
    zh: `出访期间（${facts.departureDate} 至 ${facts.returnDate}）`,
    en: `the trip (${facts.departureDate} to ${facts.returnDate})`,
  };
  const outside = (['arrive', 'leave'] as const).filter((f) => !within(d[f]));
  // One day outside, and a day (a malformed one is the schema's to name): at it; else the whole stop.
  if (outside.length !== 1 || !isIsoDate(d[outside[0]!]))
    return {
      field: `destinations[${i}]`,
      message: {
        zh: `第${i + 1}站的抵离日期（${d.arrive} 至 ${d.leave}）不在${period.zh}内`,
        en: `Stop ${i + 1}'s days (${d.arrive} to ${d.leave}) fall outside ${period.en}`,
      },
    };
  const f = outside[0]!;
  const day = d[f];
  const early = dayNumber(day) < dayNumber(facts.departureDate);
  const what = f === 'arrive' ? { zh: '抵达', en: 'arrives' } : { zh: '离开', en: 'leaves' };
  return {
    field: `destinations[${i}].${f}`,
    message: {
      zh: `第${i + 1}站的${what.zh}日期（${day}）${early ? `早于出发日期（${facts.departureDate}）` : `晚于回国日期（${facts.returnDate}）`}：各站须在${period.zh}内`,
      en: `Stop ${i + 1} ${what.en} (${day}) ${early ? `before the departure (${facts.departureDate})` : `after the return (${facts.returnDate})`}: every stop is within ${period.en}`,
    },
  };
}

/** A07 and the trip part of the FAO review: every violation, not just the first. */
export function checkTripRules(
  facts: CaseFacts,
  config: Partial<RulesConfig> = DEFAULT_RULES_CONFIG,
  table: CountryTable = COUNTRIES,
): RuleViolation[] {
  const cfg = resolveRulesConfig(config);
  const out: RuleViolation[] = [];
  const members = facts.members;

  if (members.length === 0)
    out.push({ code: 'NO_MEMBERS', field: 'members', message: { zh: '团组没有成员', en: 'The delegation has no members' } });
  if (facts.destinations.length === 0)
    out.push({
      code: 'NO_DESTINATIONS',
      field: 'destinations',
      message: { zh: '未填写出访国家', en: 'No destination given' },
    });

  const datesOk =
    isIsoDate(facts.departureDate) && isIsoDate(facts.returnDate) && dayNumber(facts.returnDate) >= dayNumber(facts.departureDate);
  // Which date is wrong, and how (second trial: "departure or return date is invalid" named neither).
  if (!datesOk)
    out.push({
      code: 'INVALID_DATES',
      ...(!isIsoDate(facts.departureDate)
        ? { field: 'departureDate', message: { zh: '出发日期无效', en: 'The departure date is not a valid date' } }
        : !isIsoDate(facts.returnDate)
          ? { field: 'returnDate', message: { zh: '回国日期无效', en: 'The return date is not a valid date' } }
          : {
              field: 'returnDate',
              message: {
                zh: `回国日期（${facts.returnDate}）早于出发日期（${facts.departureDate}）`,
                en: `The return date (${facts.returnDate}) is before the departure date (${facts.departureDate})`,
              },
            }),
      details: { departureDate: String(facts.departureDate), returnDate: String(facts.returnDate) },
    });

  facts.destinations.forEach((d, i) => {
    if (!table[d.country])
      out.push({
        code: 'UNKNOWN_COUNTRY',
        field: `destinations[${i}].country`,
        message: unknownCountryMessage(d.country),
        details: { country: d.country },
      });
    const ordered = isIsoDate(d.arrive) && isIsoDate(d.leave) && dayNumber(d.arrive) <= dayNumber(d.leave);
    const within = (day: string) =>
      isIsoDate(day) && dayNumber(day) >= dayNumber(facts.departureDate) && dayNumber(day) <= dayNumber(facts.returnDate);
    const inside = datesOk && ordered && within(d.arrive) && within(d.leave);
    // A stop that leaves before it arrives is wrong in itself, wherever it lies (second trial: it read "outside the trip").
    if (datesOk && !ordered && isIsoDate(d.arrive) && isIsoDate(d.leave))
      out.push({
        code: 'INVALID_DATES',
        field: `destinations[${i}].leave`,
        message: {
          zh: `第${i + 1}站的离开日期（${d.leave}）早于抵达日期（${d.arrive}）`,
          en: `Stop ${i + 1} leaves (${d.leave}) before it arrives (${d.arrive})`,
        },
        details: { arrive: String(d.arrive), leave: String(d.leave) },
      });
    else if (datesOk && !inside)
      out.push({
        code: 'DESTINATION_OUTSIDE_TRIP',
        ...stopOutsideTrip(i, d, facts, within),
        details: { arrive: String(d.arrive), leave: String(d.leave) },
      });
  });

  out.push(...legsOverlapViolations(facts));
  out.push(...duplicateMemberIdViolations(members));

  if (members.length > cfg.maxMembers)
    out.push({
      code: 'SIZE_EXCEEDED',
      field: 'members',
      message: {
        zh: `团组人数${members.length}人，超过${cfg.maxMembers}人的上限`,
        en: `Delegation of ${members.length} exceeds the limit of ${cfg.maxMembers} members`,
      },
      details: { size: members.length, max: cfg.maxMembers },
    });

  const countries = tripCountries(facts);
  if (countries.length > cfg.maxCountries)
    out.push({
      code: 'TOO_MANY_COUNTRIES',
      field: 'destinations',
      message: {
        zh: `出访${countries.length}国，超过${cfg.maxCountries}国的上限（非中转区停留的经停国计入）`,
        en: `${countries.length} countries exceed the limit of ${cfg.maxCountries} (transits count unless airside)`,
      },
      details: { countries, max: cfg.maxCountries },
    });

  if (datesOk && countries.length > 0) {
    const days = daysInclusive(facts.departureDate, facts.returnDate);
    const max = maxDaysAbroad(countries, cfg, table);
    if (days > max)
      out.push({
        code: 'DAYS_EXCEEDED',
        field: 'returnDate',
        message: {
          zh: `在外${days}天（含出入境当日），出访${countries.length}国不得超过${max}天`,
          en: `${days} days abroad (departure and re-entry days counted) exceed ${max} for ${countries.length} ${
            countries.length === 1 ? 'country' : 'countries'
          }`,
        },
        details: { days, max, countries },
      });
  }

  const byTeam = new Map<string, Member[]>();
  for (const m of members) if (m.leadershipTeam) byTeam.set(m.leadershipTeam, [...(byTeam.get(m.leadershipTeam) ?? []), m]);
  for (const [team, listed] of byTeam) {
    // One person listed twice (a repeated member id, or duplicatePersonViolations' same person) is DUPLICATE_MEMBER's
    // fault, not two members of one team: only distinct people count. Never stricter than before, so the amend
    // handler's replay of this rule accepts what it accepted.
    const repeats = new Set(duplicatePersonViolations(listed).map((v) => (v.details as { index: number }).index));
    const ms = listed.filter((m, i) => !repeats.has(i) && listed.findIndex((x) => x.id === m.id) === i);
    if (ms.length >= 2)
      out.push({
        code: 'LEADERSHIP_TEAM_OVERLAP',
        field: 'members',
        message: {
          zh: `同一领导班子成员不得同团出访：${ms.map((m) => m.name).join('、')}`,
          en: `Members of one leadership team may not travel together: ${ms.map((m) => m.name).join(', ')}`,
        },
        details: { leadershipTeam: team, memberIds: ms.map((m) => m.id) },
      });
  }
  return out;
}

/**
 * A trip of the member's for the frequency rule: one made (member_trips, recorded at departure) or `planned` (a
 * case not closed that has not departed, or a submission's claim not projected yet: memberTripHistory).
 */
export interface TripRecord {
  memberId: string;
  departureDate: string;
  returnDate: string;
  purpose?: Purpose;
  caseId?: string;
  /** Not departed yet: the trip of another open case (trial H2: two planned trips of one person both passed A08). */
  planned?: boolean;
  /**
   * A trip of a case whose reader is not the caller's (another unit's: withholdTrips, libs/persistence): it counts, but a refusal names
   * none of its dates (fifteenth trial: a typed passport number showed another unit's trip dates).
   */
  withheld?: boolean;
}

/**
 * Whether a violation rests on records of a case the caller may not read (`details.withheld`, set by
 * checkMemberFrequency and openCaseOverlapViolations): its answer says something of another unit's person, so it
 * counts as an identity probe (IdentityProbesService) and names no dates of theirs.
 */
export const restsOnWithheldRecords = (v: RuleViolation): boolean => v.details?.withheld === true;

/**
 * A08: no window of `windowMonths` that holds this trip may hold more than `maxTrips` of the member's trips, made or
 * planned (`planned`), this one included; a window is (end - windowMonths, end], the start exclusive (exactly
 * windowMonths earlier is outside). The windows checked end at this departure or at another trip's departing
 * later within the window (a planned trip in June is refused for a trip in March as the March one would be for
 * June's). Exempt purposes (`frequencyExemptPurposes`) count neither as this trip nor in history.
 * Returns [] or one FREQUENCY_EXCEEDED at members[i] naming the fullest window: details `previousDepartures` (made),
 * `plannedDepartures` (planned, other cases' dates; never their ids: the caller may not see them), `plannedTrips`
 * (how many planned, dated or not), `withheld`/`withheldTrips` (another unit's trips counted undated), the window
 * (`windowAfter`, exclusive, `windowThrough`, inclusive: ISO dates; left out when another unit's trip counts).
 * Source: Shandong's limits per rank (docs/domain.md "Frequency").
 */
export function checkMemberFrequency(
  member: Member,
  history: TripRecord[],
  facts: CaseFacts,
  config: Partial<RulesConfig> = DEFAULT_RULES_CONFIG,
): RuleViolation[] {
  const cfg = resolveRulesConfig(config);
  if (cfg.frequencyExemptPurposes.includes(facts.purpose)) return [];
  const limit = cfg.frequency[member.rank];
  if (!limit) return [];
  const dep = dayNumber(facts.departureDate);
  const others = history.filter((t) => t.memberId === member.id && !(t.purpose && cfg.frequencyExemptPurposes.includes(t.purpose)));
  const windowOf = (end: string) => ({ from: dayNumber(addMonths(end, -limit.windowMonths)), to: dayNumber(end), end });
  const ends = [facts.departureDate, ...others.map((t) => t.departureDate).filter((d) => dayNumber(d) > dep)];
  const fullest = ends
    .map(windowOf)
    .filter((w) => w.from < dep)
    .map((w) => ({ w, counted: others.filter((t) => dayNumber(t.departureDate) > w.from && dayNumber(t.departureDate) <= w.to) }))
    .sort((a, b) => b.counted.length - a.counted.length || a.w.to - b.w.to)[0];
  if (!fullest || fullest.counted.length + 1 <= limit.maxTrips) return [];
  const counted = [...fullest.counted].sort((a, b) => a.departureDate.localeCompare(b.departureDate));
  const made = counted.filter((t) => !t.planned);
  const planned = counted.filter((t) => t.planned);
  const withheld = counted.filter((t) => t.withheld).length;
  const index = facts.members.findIndex((m) => m.id === member.id);
  const rank = RANK_LABELS[member.rank];
  // Another unit's trips count, undated (TripRecord.withheld).
  const shownDates = (trips: TripRecord[]) => trips.filter((t) => !t.withheld).map((t) => t.departureDate);
  const plannedDates = shownDates(planned);
  const dated =
    plannedDates.length > 0
      ? { zh: `（${plannedDates.map((d) => `${d}出发`).join('、')}）`, en: ` (departing ${plannedDates.join(', ')})` }
      : { zh: '', en: '' };
  const undated =
    withheld > 0
      ? { zh: `；其中${withheld}次为其他单位的记录，不显示日期`, en: `; ${withheld} of them another unit's, dates not shown` }
      : { zh: '', en: '' };
  return [
    {
      code: 'FREQUENCY_EXCEEDED',
      ...(index >= 0 ? { field: `members[${index}]` } : {}),
      message:
        planned.length === 0
          ? {
              zh: `${member.name}（${rank.zh}）${limit.windowMonths}个月内已出访${made.length}次，限${limit.maxTrips}次${undated.zh}`,
              en: `${member.name} (${rank.en}) already travelled ${made.length} time(s) in ${limit.windowMonths} months; limit ${limit.maxTrips}${undated.en}`,
            }
          : {
              zh: `${member.name}（${rank.zh}）${limit.windowMonths}个月内已出访${made.length}次，另有已申报出访${planned.length}次${dated.zh}，限${limit.maxTrips}次${undated.zh}`,
              en: `${member.name} (${rank.en}) already travelled ${made.length} time(s) and has ${planned.length} other planned trip(s)${dated.en} in ${limit.windowMonths} months; limit ${limit.maxTrips}${undated.en}`,
            },
      details: {
        memberId: member.id,
        rank: member.rank,
        windowMonths: limit.windowMonths,
        maxTrips: limit.maxTrips,
        previousDepartures: shownDates(made),
        plannedDepartures: plannedDates,
        plannedTrips: planned.length,
        ...(withheld > 0 ? { withheld: true, withheldTrips: withheld } : {}),
        // With another unit's trips counted the window is not named: where it starts and ends would date them (fifteenth
        // trial: windowThrough appeared from another unit's departure date on).
        ...(withheld > 0
          ? {}
          : {
              windowAfter: fromDayNumber(fullest.w.from),
              windowThrough: fullest.w.end,
            }),
      },
    },
  ];
}

/**
 * The member-trip check a submission passes before its case exists (the dry run and submission): A08's frequency
 * rule, by the same function the case runs at A08 (checkMemberFrequency), against each member's recorded trips
 * (`history` by person key: memberTripHistory, libs/persistence, as A08's activity reads them; every key of the
 * person: tripsOf). Each violation names members[i].
 */
export function memberTripViolations(
  facts: CaseFacts,
  history: ReadonlyMap<string, readonly Omit<TripRecord, 'memberId'>[]>,
  config: Partial<RulesConfig> = DEFAULT_RULES_CONFIG,
): RuleViolation[] {
  if (!isIsoDate(facts.departureDate)) return [];
  return facts.members.flatMap((m) => checkMemberFrequency(m, tripsOf(facts, m, history), facts, config));
}

/**
 * A member's recorded trips from a history by person key: those under every key of the person (openCaseKeys, the
 * overlap rule's identity: person id, passport number, unit + name; a trip counts if any key matches), each case's
 * trip once. The API's check and A08's activity read one person's trips with it.
 */
export function tripsOf(
  facts: Pick<CaseFacts, 'unit'>,
  member: Pick<Member, 'id' | 'personId' | 'name' | 'passport'>,
  history: ReadonlyMap<string, readonly Omit<TripRecord, 'memberId'>[]>,
): TripRecord[] {
  const seen = new Set<string>();
  return openCaseKeys(facts, member)
    .flatMap((k) => history.get(k) ?? [])
    .filter((t) => t.caseId === undefined || (!seen.has(t.caseId) && !!seen.add(t.caseId)))
    .map((t) => ({ ...t, memberId: member.id }));
}

/**
 * A person's place on another open case (status open or departed): the case's trip window and, when the caller may
 * see that case, its title (else the refusal names no case). `personKey` is one of the person's openCaseKeys.
 */
export interface OpenCaseTrip {
  caseId: string;
  /** A closed case (CLOSED_STATUSES: completed, rejected, withdrawn, cancelled, …) holds no one. */
  status: CaseStatus;
  personKey: string;
  departureDate: string;
  returnDate: string;
  title?: string;
  /** A case the caller may not read (another unit's): the refusal names neither it nor its dates. */
  withheld?: boolean;
}

/**
 * One person cannot be abroad on two official trips at once (new-user trial: 李四 on two open cases, 03-10..03-17
 * and 03-12..; A08 counts only departed trips, so both passed it). A member whose person (any of openCaseKeys: the
 * person id, the passport number, the unit + name) is on another open case whose [departure, return] overlaps this trip's, both days
 * inclusive, is MEMBER_ON_OPEN_CASE at members[i]. `exceptCaseId`: the case being amended, never its own rival.
 */
export function openCaseOverlapViolations(
  facts: Pick<CaseFacts, 'unit' | 'members' | 'departureDate' | 'returnDate'>,
  others: readonly OpenCaseTrip[],
  exceptCaseId?: string,
): RuleViolation[] {
  if (!isIsoDate(facts.departureDate) || !isIsoDate(facts.returnDate)) return [];
  const dep = dayNumber(facts.departureDate);
  const ret = dayNumber(facts.returnDate);
  return facts.members.flatMap((m, i) => {
    const keys = openCaseKeys(facts, m);
    const rival = others
      .filter((t) => t.caseId !== exceptCaseId && !CLOSED_STATUSES.includes(t.status) && keys.includes(t.personKey))
      .filter((t) => dayNumber(t.departureDate) <= ret && dayNumber(t.returnDate) >= dep)
      .sort((a, b) => a.departureDate.localeCompare(b.departureDate) || a.caseId.localeCompare(b.caseId))[0];
    if (!rival) return [];
    const span = { zh: `${rival.departureDate}至${rival.returnDate}`, en: `${rival.departureDate} to ${rival.returnDate}` };
    const where = rival.withheld
      ? { zh: '其他单位的另一未结出访（日期不显示，可向外办核实）', en: "another unit's open trip (dates not shown; the FAO can tell)" }
      : rival.title !== undefined
        ? {
            zh: `另一未结案件“${rival.title}”（${rival.caseId}，${span.zh}）`,
            en: `another open case “${rival.title}” (${rival.caseId}, ${span.en})`,
          }
        : { zh: `另一未结出访（${span.zh}）`, en: `another open trip (${span.en})` };
    return [
      {
        code: 'MEMBER_ON_OPEN_CASE' as const,
        field: `members[${i}]`,
        message: {
          zh: `${m.name}已在${where.zh}中，与本次出访期间重叠：同一人不能同时出访两次`,
          en: `Member ${m.name} is already on ${where.en}, which overlaps this trip: one person cannot be on two trips at once`,
        },
        details: rival.withheld
          ? ({ memberId: m.id, withheld: true } as RuleViolation['details'])
          : {
              memberId: m.id,
              departureDate: rival.departureDate,
              returnDate: rival.returnDate,
              ...(rival.title !== undefined ? { caseId: rival.caseId, title: rival.title } : {}),
            },
      },
    ];
  });
}

/**
 * Codes a user may well type that are no destination of this chain (third trial: TW read 未知国家代码 TW): Hong Kong,
 * Macao and Taiwan are not 出国 — official travel there (因公赴港澳、赴台) is approved under its own rules, with its own
 * documents (往来港澳通行证、赴台通行证) — and China is home.
 */
export const NOT_ABROAD: Readonly<Record<string, { zh: string; en: string }>> = {
  HK: { zh: '香港', en: 'Hong Kong' },
  MO: { zh: '澳门', en: 'Macao' },
  TW: { zh: '台湾', en: 'Taiwan' },
};

/** The refusal of a destination the country table does not hold, saying why for those a user may expect (NOT_ABROAD, CN). */
export function unknownCountryMessage(code: string): { zh: string; en: string } {
  const region = NOT_ABROAD[code];
  if (region)
    return {
      zh: `${region.zh}（${code}）不属出国审批：因公赴港澳台按其专门规定另行报批，不走本流程`,
      en: `${region.en} (${code}) is not a trip abroad: official travel to Hong Kong, Macao and Taiwan is approved under its own rules, not in this chain`,
    };
  if (code === 'CN') return { zh: '中国（CN）是出发地，不是出访目的地', en: 'China (CN) is home, not a destination' };
  return { zh: `未知国家代码 ${code}`, en: `Unknown country code ${code}` };
}

/** How far ahead a departure may be planned, in calendar days from today: two years (an annual plan and the next). */
export const MAX_DEPARTURE_AHEAD_DAYS = 730;

/** The latest departure date a trip submitted `today` may have (DEPARTURE_TOO_FAR past it), YYYY-MM-DD. */
export function latestDeparture(today: string): string {
  return fromDayNumber(dayNumber(today) + MAX_DEPARTURE_AHEAD_DAYS);
}

/**
 * A departure more than MAX_DEPARTURE_AHEAD_DAYS after today (Asia/Shanghai), DEPARTURE_TOO_FAR at `departureDate`
 * (new-user trial: an amendment to 2099 overflowed the working-day calendar and the case's every workflow task
 * failed). Checked where a departure date is sent: the dry run, the submission, an amendment's Update validator.
 */
export function departureHorizonViolations(facts: Pick<CaseFacts, 'departureDate'>, today: string): RuleViolation[] {
  if (!isIsoDate(facts.departureDate) || !isIsoDate(today)) return [];
  const latest = latestDeparture(today);
  if (facts.departureDate <= latest) return [];
  return [
    {
      code: 'DEPARTURE_TOO_FAR',
      field: 'departureDate',
      message: {
        zh: `出发日期不得晚于${latest}（今天起两年内）`,
        en: `The departure date must be no later than ${latest} (within two years of today)`,
      },
      details: { departureDate: facts.departureDate, latest },
    },
  ];
}

/**
 * The date rule a submission and an amendment share (one validation for both, issue 11 item 5): the departure
 * is after `today` ('YYYY-MM-DD', the Asia/Shanghai date of the caller's clock: the API's at submission, the
 * case's working clock at an amendment). Malformed dates are INVALID_DATES' business (checkTripRules).
 */
export function departureDateViolations(facts: Pick<CaseFacts, 'departureDate'>, today: string): RuleViolation[] {
  if (!isIsoDate(facts.departureDate) || !isIsoDate(today) || dayNumber(facts.departureDate) > dayNumber(today)) return [];
  return [
    {
      code: 'DEPARTURE_NOT_FUTURE',
      field: 'departureDate',
      message: { zh: `出发日期须晚于今天（${today}，北京时间）`, en: `The departure date must be after today (${today}, Asia/Shanghai)` },
      details: { departureDate: facts.departureDate, today },
    },
  ];
}

/**
 * The trip's dates have passed before the delegation left (a lapsed approval: 批件所列出访日期已过): nothing moves the
 * case towards a departure on dates that are gone. The way on is 改期 (amend the dates, which reruns what rests on
 * them) or 撤回 (withdraw). `step.certifiesDeparture` (E07 确认出发): the departure is recorded up to and on the return
 * date (a delegation that left on time and is recorded late); any other step is done up to and on the departure date.
 * Dates are `YYYY-MM-DD` in Asia/Shanghai (`today`: the case clock's). Only advancing actions ask (a completion, an
 * approval, 容缺受理); a rejection, a return, an amendment or a withdrawal do not. Answers the refusal (409
 * `DEPARTURE_PASSED`, bilingual, naming the date and today) or undefined. The engine refuses with it (CaseEngine.validate)
 * and the inbox shows it on the step (blockedFor), so an approver sees it before deciding.
 */
export function departurePassedRefusal(
  step: { code: string; certifiesDeparture: boolean },
  trip: Pick<CaseFacts, 'departureDate' | 'returnDate'>,
  today: string,
): { code: 'DEPARTURE_PASSED'; message: Label } | undefined {
  const last = step.certifiesDeparture ? trip.returnDate : trip.departureDate;
  if (!isIsoDate(last) || !isIsoDate(today) || dayNumber(today) <= dayNumber(last)) return undefined;
  const way = { zh: '请先修改出访日期（改期）或撤回申请', en: 'amend the trip dates first, or withdraw the application' };
  return {
    code: 'DEPARTURE_PASSED',
    message: step.certifiesDeparture
      ? {
          zh: `回国日期（${last}）已过，${step.code} 不能再确认出发（今天是 ${today}，北京时间）：${way.zh}`,
          en: `The return date (${last}) has passed: ${step.code} can no longer confirm the departure (today is ${today}, Asia/Shanghai); ${way.en}`,
        }
      : {
          zh: `出发日期（${last}）已过，尚未出发（今天是 ${today}，北京时间）：${way.zh}，再办理 ${step.code}`,
          en: `The departure date (${last}) has passed without a departure (today is ${today}, Asia/Shanghai): ${way.en}, then ${step.code}`,
        },
  };
}

/** Whether a step records the delegation's departure (E07 确认出发: `behaviour.certifies.event` 'departure'). */
export const certifiesDeparture = (step: { behaviour?: { certifies?: { event: string } } }): boolean =>
  step.behaviour?.certifies?.event === 'departure';

/**
 * departurePassedRefusal for the step `code` (the instance `stepKey`) of a process (`steps`: its definition's steps, or a case's instances):
 * undefined for a step after departure, and in a process none of whose steps certifies a departure (the card
 * application's "departure" is the day its cards are needed by).
 */
export function departurePassedFor(
  steps: ReadonlyArray<{ code: string; behaviour?: { certifies?: { event: string }; afterDeparture?: unknown } }>,
  code: string,
  trip: Pick<CaseFacts, 'departureDate' | 'returnDate'>,
  today: string,
  stepKey = code,
): ReturnType<typeof departurePassedRefusal> {
  const step = steps.find((s) => s.code === code);
  if (!step || step.behaviour?.afterDeparture || !steps.some(certifiesDeparture)) return undefined;
  // Named by its instance (A11:m1, D04:US), as the refusal's stepKey.
  return departurePassedRefusal({ code: stepKey, certifiesDeparture: certifiesDeparture(step) }, trip, today);
}

/**
 * A step certifying the departure (E07 确认出发, `behaviour.certifies.event` 'departure') before the departure date: the
 * departure is recorded on its day, not before (issue 11 item 5). `today` and `departureDate` are `YYYY-MM-DD` in
 * Asia/Shanghai (`today`: the case clock's). Answers the refusal (409 `NOT_BEFORE_DATE`, bilingual, naming the date and
 * today) or undefined: any other step, or on and after the date. The engine refuses with it (checkCertifiedDate) and
 * the inbox shows it on the step (blockedFor), so the organizer sees when the step opens instead of meeting a 409
 * (thirty-ninth trial: E07 sat in the inbox as actionable for weeks of the case's clock).
 */
export function departureNotYetFor(
  steps: ReadonlyArray<{ code: string; behaviour?: { certifies?: { event: string } } }>,
  code: string,
  departureDate: string,
  today: string,
): { code: 'NOT_BEFORE_DATE'; message: Label } | undefined {
  const step = steps.find((s) => s.code === code);
  return step && certifiesDeparture(step) ? certifiedDayRefusal(code, 'departure', departureDate, today) : undefined;
}

/** What a certifying step records, in a refusal's words (确认出发 / 回国登记). */
const CERTIFIED_EVENT_WORDS = {
  departure: { zh: '确认出发', en: 'confirm the departure' },
  return: { zh: '回国登记', en: 'register the return' },
} as const;

/**
 * A certifying step (`code`: as the message names it) recording `event` before its `day` (`YYYY-MM-DD`, Asia/Shanghai;
 * `today`: the case clock's): 409 `NOT_BEFORE_DATE`, naming the day and today; undefined on and after it. The engine's
 * checkCertifiedDate refuses the departure and the return with it, the inbox the departure (departureNotYetFor).
 */
export function certifiedDayRefusal(
  code: string,
  event: keyof typeof CERTIFIED_EVENT_WORDS,
  day: string,
  today: string,
): { code: 'NOT_BEFORE_DATE'; message: Label } | undefined {
  if (!isIsoDate(day) || !isIsoDate(today) || dayNumber(today) >= dayNumber(day)) return undefined;
  const what = CERTIFIED_EVENT_WORDS[event];
  return {
    code: 'NOT_BEFORE_DATE',
    message: {
      zh: `${code} ${what.zh}不能早于 ${day}（今天是 ${today}，北京时间）`,
      en: `${code} cannot ${what.en} before ${day} (today is ${today}, Asia/Shanghai)`,
    },
  };
}

/**
 * The annual plan check's outcomes (A01 `planOutcome`) that put a trip outside the plan: its approval needs a written
 * reason. `no-plan` too: a unit with no plan on file for the trip's year has no trip in a plan (trial 65: filing no plan
 * spared the unit the written reason a unit that filed one owed for the same trip).
 */
export const OUTSIDE_PLAN_OUTCOMES: readonly string[] = ['unplanned', 'over-plan', 'no-plan'];

/**
 * An approval of a step declaring `requiresPlanReason` while the annual plan check recorded `planOutcome` outside the
 * plan (OUTSIDE_PLAN_OUTCOMES) must state the unit's written reason in its comment (isStatedReason: words, not a stance
 * alone: a bare 同意 is the approval, not its reason). Answers the problem (field `comment`, rule `plan-reason`), or
 * undefined: a decision other than approve, a trip in the plan (or the check not done), a reason stated. `since`: the
 * rule that alone refuses it, added after the plan reason itself: `reason-words` when the comment has a letter or
 * digit (all the rule asked before patched('reason-words')), `reason-substance`, `reason-boilerplate` or `reason-vague` when only
 * reasonRuleBroken's later rule of that name does. Checked by the workflow's Update validator (a decide signal asks patched('plan-reason-no-plan') before `no-plan`
 * is held to it, and the patch of `since` when given).
 */
export function planReasonProblem(
  planOutcome: unknown,
  decision: unknown,
  comment: unknown,
): { field: 'comment'; rule: 'plan-reason'; message: Label; since?: ReasonRule } | undefined {
  if (decision !== 'approve' || typeof planOutcome !== 'string' || !OUTSIDE_PLAN_OUTCOMES.includes(planOutcome)) return undefined;
  const broken = typeof comment === 'string' ? reasonRuleBroken(comment) : 'reason-words';
  if (broken === undefined) return undefined;
  // Before patched('reason-words') some letter or digit was a reason (fourteenth trial: a lone "。" passed).
  const since =
    broken !== 'reason-words'
      ? broken
      : typeof comment === 'string' && !isBlank(comment) && /[\p{L}\p{N}]/u.test(comment)
        ? broken
        : undefined;
  const what =
    planOutcome === 'over-plan'
      ? { zh: '超出年度出访计划', en: 'over the annual plan' }
      : planOutcome === 'no-plan'
        ? { zh: '所在年度本单位未登记年度出访计划', en: 'in a year for which the unit has no annual plan on file' }
        : { zh: '未列入年度出访计划', en: 'not in the annual plan' };
  return {
    field: 'comment',
    rule: 'plan-reason',
    message: {
      zh: `本次出访${what.zh}：同意前须在意见中写明单位书面说明的理由（“同意”等表态用语和“材料齐全”“符合规定”“请按程序办理”等套话之外，至少两个汉字或一个英文单词）`,
      en: `The trip is ${what.en}: an approval must state the unit's written reason in its comment (at least two Chinese characters or an English word besides a stance such as "approved" and formulas such as "documents complete")`,
    },
    ...(since ? { since } : {}),
  };
}

/**
 * What a done approval declaring `requiresPlanReason` lacks when the annual plan check, run again after it (the plan
 * changed), now finds the trip outside the plan and its approval's comment states no reason (planReasonProblem on the
 * recorded comment). The approval stands (work done after a re-check stands); this says so to whoever decides next and
 * to the office (trial 66: the plan's trip dropped after B05, and B06 went on with no reason on record).
 */
export const PLAN_REASON_MISSING: Label = {
  zh: '年度出访计划核对现认定本次出访在计划外，而此步骤的同意意见未载明单位书面说明理由',
  en: "The annual plan check now finds the trip outside the plan, and this step's approval states no written reason from the unit",
};

/**
 * A decision that sends a case back or ends it must say why (the written result of a review: a return's reason tells
 * the organizer what to fix, a rejection's is the office's answer): `reject` and `return` need a comment that is not
 * blank (isBlank) and states a reason (reasonRuleBroken: rule `reason-words`; a return's 。 or 退回 tells the organizer
 * nothing). Answers the problem (field `comment`, rule `required`, `blank` or `reason-words`, with `since`
 * `reason-substance`, `reason-boilerplate` or `reason-vague` when only that later rule refuses it), or undefined. Checked by the API before sending and by the
 * workflow's Update validator (a decide signal asks patched('decision-reason'), and patched('reason-words') or
 * patched('reason-substance') for `reason-words`).
 */
export function decisionReasonProblem(
  decision: unknown,
  comment: unknown,
):
  | { field: 'comment'; rule: 'required' | 'blank' | 'reason-words'; message: Label; since?: Exclude<ReasonRule, 'reason-words'> }
  | undefined {
  if (decision !== 'reject' && decision !== 'return') return undefined;
  if (typeof comment !== 'string')
    return {
      field: 'comment',
      rule: 'required',
      message: { zh: '不同意或退回修改须填写理由', en: 'A rejection or a return for revision must give its reason' },
    };
  if (isBlank(comment))
    return {
      field: 'comment',
      rule: 'blank',
      message: { zh: '理由不得为空白', en: 'The reason must not be blank (only invisible characters)' },
    };
  const broken = reasonRuleBroken(comment);
  if (broken === 'reason-words') return { field: 'comment', rule: 'reason-words', message: REASON_WORDS_MESSAGE };
  if (broken) return { field: 'comment', rule: 'reason-words', message: REASON_WORDS_MESSAGE, since: broken };
  return undefined;
}
