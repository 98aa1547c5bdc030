import type { CountryInfo, CountryTable } from './countries';
import { COUNTRIES } from './countries';
import { addMonths, dayNumber } from './dates';
import type { Label, Scope } from './roles';
import { Converter } from 'opencc-js/t2cn';
import { INVISIBLE } from './text-rule';

export const PURPOSES = ['investment-promotion', 'trade', 'education', 'culture', 'friendship-city', 'academic-exchange', 'other'] as const;
export type Purpose = (typeof PURPOSES)[number];

export const PURPOSE_LABELS: Record<Purpose, Label> = {
  'investment-promotion': { zh: '招商引资', en: 'Investment promotion' },
  trade: { zh: '经贸', en: 'Trade' },
  education: { zh: '教育', en: 'Education' },
  culture: { zh: '文化', en: 'Culture' },
  'friendship-city': { zh: '友好城市交流', en: 'Friendship city' },
  'academic-exchange': { zh: '学术交流', en: 'Academic exchange' },
  other: { zh: '其他', en: 'Other' },
};

export const RANKS = ['provincial', 'bureau', 'division', 'section', 'staff'] as const;
export type Rank = (typeof RANKS)[number];

export const RANK_LABELS: Record<Rank, Label> = {
  provincial: { zh: '省部级', en: 'Provincial/ministerial' },
  bureau: { zh: '厅局级', en: 'Bureau' },
  division: { zh: '县处级', en: 'Division' },
  section: { zh: '乡科级', en: 'Section' },
  staff: { zh: '一般工作人员', en: 'Staff' },
};

/** How one member enters one country. */
export const ROUTES = ['visa', 'e-visa', 'visa-free', 'apec-card'] as const;
export type EntryRoute = (typeof ROUTES)[number];
/** An entry route as messages name it (the code stays in the data). */
export const ENTRY_ROUTE_LABELS: Record<EntryRoute, Label> = {
  visa: { zh: '签证', en: 'Visa' },
  'e-visa': { zh: '电子签证', en: 'E-visa' },
  'visa-free': { zh: '免签', en: 'Visa-free' },
  'apec-card': { zh: 'APEC商务旅行卡', en: 'APEC business travel card' },
};

export interface Passport {
  /** Official passport held by the FAO in custody (委托保管). */
  inCustody: boolean;
  number?: string;
  expiresOn?: string;
}

export interface ApecCard {
  number?: string;
  expiresOn: string;
  /** Economies the card is endorsed for (alpha-2); all APEC economies in the table when absent. */
  economies?: string[];
}

export interface Member {
  /** Case-local id (m1, m2, ...): used in step instance keys. */
  id: string;
  /** Stable identity across cases (e.g. a staff number) for the frequency rule; defaults to unit + name. */
  personId?: string;
  name: string;
  position: string;
  rank: Rank;
  partyMember: boolean;
  classifiedAccess: boolean;
  /**
   * Id/name of the leadership team (领导班子) the member sits on; two from one team may not travel together. Stored
   * canonical (canonicalIdentity: the API canonicalizes it at the edge), so the rule's exact comparison holds.
   */
  leadershipTeam: string | null;
  passport: Passport | null;
  apecCard?: ApecCard | null;
  /** Route per destination country decided by the visa officer (D01), overriding the table. */
  routes?: Record<string, EntryRoute>;
}

export interface Inviter {
  name: string;
  organization: string;
}

export interface Destination {
  /** ISO 3166-1 alpha-2. */
  country: string;
  city: string;
  arrive: string;
  leave: string;
  inviter: Inviter;
  /** Transit stop. An airside transit does not count as a country and needs no visa steps. */
  transit?: 'airside' | 'landside';
}

export interface CaseFacts {
  title: string;
  unit: string;
  purpose: Purpose;
  departureDate: string;
  returnDate: string;
  destinations: Destination[];
  members: Member[];
  /** Cross-unit delegation (联合组团): needs the lead unit's confirmation (A17). */
  jointDelegation: boolean;
  supervisingDepartment: string | null;
}

/** Facts only known while a case runs; the workflow rebuilds instances/plan when they change. */
export interface RuntimeFlags {
  /** An objection was raised during the pre-trip public notice (A14). */
  objectionRaised: boolean;
  /** FAO intake accepted the case with deficiencies (容缺受理, B03). */
  acceptedWithDeficiencies: boolean;
}

export const DEFAULT_RUNTIME_FLAGS: RuntimeFlags = { objectionRaised: false, acceptedWithDeficiencies: false };

/** Passport must be valid at least this many months past the return date. */
export const PASSPORT_VALIDITY_MONTHS = 6;

/** The longest case title the read model holds (cases.title varchar(200)); the API's `title` is bounded by it. */
export const CASE_TITLE_MAX = 200;

/**
 * A title made of fixed text around a name (an APEC application's `APEC卡白名单准入申请（<enterprise>）`), the name
 * shortened with … so the whole fits CASE_TITLE_MAX code points: a unit's name may itself be 200 characters, and a
 * longer title would fail the case's first append forever.
 */
export function fittedTitle(before: string, name: string, after: string): string {
  const room = CASE_TITLE_MAX - [...before].length - [...after].length;
  const chars = [...name];
  return before + (chars.length <= room ? name : `${chars.slice(0, Math.max(0, room - 1)).join('')}…`) + after;
}

/** Identity of a person across cases, for the frequency history (member_trips): personId, else unit + name. */
export function personKey(facts: Pick<CaseFacts, 'unit'>, member: Pick<Member, 'personId' | 'name'>): string {
  return member.personId ?? `${facts.unit}:${member.name}`;
}

/**
 * Every key a person's recorded trips (member_trips) may be under, for the frequency rule's history: personKey(),
 * and for a roster person (personId) also the unit + name a typed entry of them was keyed by before the registries
 * identified typed members (typedMemberIdentity; new-user trial: 张三 typed in one case and named by personId in
 * another had two histories). No typed namesake of an active roster person is accepted since (rule
 * `roster-person`), so the unit + name key of a roster person's unit is theirs.
 */
export function historyKeys(facts: Pick<CaseFacts, 'unit'>, member: Pick<Member, 'personId' | 'name'>): string[] {
  const typed = `${facts.unit}:${member.name}`;
  // The unit + name as the registries compare names (third trial: 陈 十三 and 陳十三 escaped 陈十三's frequency limit and
  // his open case; fifth trial: 李四. escaped 李四's), as folded before punctuation was dropped, and as written, for
  // trips recorded before the history folded names those ways (member_trips of then).
  const keys = [typedHistoryKey(facts.unit, member.name), `${facts.unit}:${personNameKeyKeepingPunctuation(member.name)}`, typed];
  return [...new Set(member.personId && member.personId !== typed ? [member.personId, ...keys] : keys)];
}

/** A passport number as a person key (openCaseKeys): `passport:` and the number as passportNumberKey compares it. */
export const passportPersonKey = (number: string): string => `passport:${passportNumberKey(number)}`;

/**
 * Every identity a member carries, as the open-case overlap rule, the members' trip claims and the frequency rule's
 * trip history (memberTripHistory, tripsOf: a trip counts for a person if any key matches) key them: the person
 * id, the passport number (passportPersonKey: one passport, one person, whatever unit or name it is typed with) and
 * the unit + name keys of historyKeys (the only identity of a member typed with nothing else). A member shares a key
 * with another case's member only if they are one person: third trial, one typed member (one passport number) was on
 * two overlapping trips of two units, the rule keying a typed member by unit + name alone. (Members carry no ID-card
 * number: the roster and the submission keep none.) case_members holds each of these keys (the projection).
 */
export function openCaseKeys(facts: Pick<CaseFacts, 'unit'>, member: Pick<Member, 'personId' | 'name' | 'passport'>): string[] {
  const number = passportNumberKey(member.passport?.number);
  return [
    ...new Set([
      ...(member.personId ? [member.personId] : []),
      ...(number ? [passportPersonKey(number)] : []),
      ...historyKeys(facts, member),
    ]),
  ];
}

/** A typed member's key in the trip history and the open cases: unit + the name as personNameKey compares it. */
export function typedHistoryKey(unit: string, name: string): string {
  return `${unit}:${personNameKey(name)}`;
}

/**
 * A recorded personKey (the departure event's trips: personId, else unit + name as typed) as the trip history keeps
 * it (member_trips): a unit + name key with the name folded (typedHistoryKey), a person id as it is.
 */
export function historyKeyOf(unit: string, recorded: string): string {
  const prefix = `${unit}:`;
  return recorded.startsWith(prefix) ? typedHistoryKey(unit, recorded.slice(prefix.length)) : recorded;
}

/**
 * A passport number as the passport office writes it and as every rule compares it (one person per passport:
 * DUPLICATE_MEMBER, and a typed member's identity in the custody ledger): spaces dropped, upper case; empty is none.
 */
export const passportNumberKey = (n: string | undefined | null): string => (n ?? '').replace(/\s+/g, '').toUpperCase();

/** The spaces a passport number may be typed with (as printed, `SE 1234567`; an IME's full-width space): dropped. */
const PASSPORT_SPACES = /[ \t\u00A0\u3000]+/g;
/**
 * A passport number as typed, written as the passport office writes it: the spaces dropped, the ASCII letters in
 * capitals (`se 1234567` is SE1234567). Non-ASCII letters are left as typed, so the format refuses them.
 */
export const normalPassportNumber = (s: string): string => s.replace(PASSPORT_SPACES, '').replace(/[a-z]+/g, (l) => l.toUpperCase());

/**
 * A passport number as a person types it in the app or sends it to the API: full-width letters and digits (a Chinese
 * input method's, ＳＥ１２３４５６７) folded to ASCII (NFKC) first, then normalPassportNumber (trial 76: the budget took
 * ３６０００, a passport number ＳＥ１２３４５６７ was refused as not letters or digits). The engine keeps
 * normalPassportNumber: the numbers it has recorded were ASCII already, and so replay as they ran.
 */
export const foldedPassportNumber = (s: string): string => normalPassportNumber(s.normalize('NFKC'));

/** The passport ledger's number format, after normalPassportNumber: 5-20 letters or digits. */
export const PASSPORT_NUMBER_FORMAT = /^[A-Z0-9]{5,20}$/;

/** The refusal of a number out of PASSPORT_NUMBER_FORMAT, as every field taking a passport number words it. */
export const PASSPORT_NUMBER_FORMAT_MESSAGE = {
  zh: '护照号码须为5-20位字母或数字（空格忽略，小写按大写）',
  en: 'Passport numbers are 5-20 letters or digits (spaces ignored, lower case read as capitals)',
} as const;

/** Is `s` a passport number the ledger takes (normalised first, as it is stored)? */
export const isPassportNumber = (s: unknown): s is string => typeof s === 'string' && PASSPORT_NUMBER_FORMAT.test(normalPassportNumber(s));

/** Countries counted by the rules and expanded into instances: unique, in order, airside transits excluded. */
export function tripCountries(facts: CaseFacts): string[] {
  const seen: string[] = [];
  for (const d of facts.destinations) {
    if (d.transit === 'airside') continue;
    if (!seen.includes(d.country)) seen.push(d.country);
  }
  return seen;
}

/** The first day a passport must still be valid on for a trip returning on `returnDate`: 6 months after (YYYY-MM-DD). */
export function passportNeededUntil(returnDate: string): string {
  return addMonths(returnDate, PASSPORT_VALIDITY_MONTHS);
}

/**
 * Whether a passport expiring on `expiresOn` is valid for a trip returning on `returnDate`: at least 6 months past the
 * return (C01's rule, process.md), for every passport a trip goes on: the one on file (needsNewPassport), a new one
 * recorded at C05, and the one checked out at C07 or by hand.
 */
export function passportLastsTrip(expiresOn: string, returnDate: string): boolean {
  return dayNumber(expiresOn) >= dayNumber(passportNeededUntil(returnDate));
}

/** No valid official passport in custody, or it expires before return date + 6 months. */
export function needsNewPassport(member: Member, returnDate: string): boolean {
  const p = member.passport;
  if (!p || !p.inCustody || !p.expiresOn) return true;
  return !passportLastsTrip(p.expiresOn, returnDate);
}

/**
 * Whether a member's APEC business travel card takes the place of a visa for `country`: a full APEC card economy
 * (`info.apec`: not the US or Canada, transitional members), the card valid through the return and (when it lists
 * them) pre-cleared for the economy. The route D01 may record as 'apec-card' (trial: it was taken for a member
 * with no card, to the US, and the visa steps were skipped).
 */
export function apecCardUsable(member: Member, country: string, info: CountryInfo | undefined, returnDate: string): boolean {
  const card = member.apecCard;
  if (!card || !info?.apec) return false;
  if (dayNumber(card.expiresOn) < dayNumber(returnDate)) return false;
  return !card.economies || card.economies.includes(country);
}

/**
 * Route of one member into one country: the visa officer's decision if recorded, else a valid APEC card for an
 * APEC economy, else the table's route for official passports (unknown country: visa).
 */
export function entryRoute(member: Member, country: string, facts: CaseFacts, countries: CountryTable = COUNTRIES): EntryRoute {
  const override = member.routes?.[country];
  if (override) return override;
  const info = countries[country];
  if (apecCardUsable(member, country, info, facts.returnDate)) return 'apec-card';
  return info?.officialPassportRoute ?? 'visa';
}

/**
 * Why the visa officer may not record `route` for `country` at D01 (behaviour.data 'entry-route'), as a problem of
 * `data.route`; undefined when the route may be recorded. A visa may always be applied for; `visa-free` and `e-visa`
 * only where the office's country table (`countries`: COUNTRIES with OfficeSettings.countries over it) gives that
 * route to official passports (an agreement newer than the table is entered there first, so every case plans with
 * it); `apec-card` is apecCardUsable's (checked apart, with the member's card). Trial: a US trip routed `visa-free`
 * skipped the visa application and the embassy interview, though the table says the US needs a visa.
 */
export function entryRouteTableProblem(
  route: unknown,
  country: string,
  countries: CountryTable,
): { field: string; rule: string; message: Label } | undefined {
  if (route !== 'visa-free' && route !== 'e-visa') return undefined;
  const info = countries[country];
  const given = info?.officialPassportRoute ?? 'visa';
  if (given === route) return undefined;
  const name = info ? { zh: info.nameZh, en: info.nameEn } : { zh: country, en: country };
  const want = ENTRY_ROUTE_LABELS[route];
  const table = ENTRY_ROUTE_LABELS[given];
  return {
    field: 'route',
    rule: 'country-route',
    message: {
      zh: `按外办国别表，${name.zh}（${country}）对公务护照的入境方式为${table.zh}，不能登记为${want.zh}；如有新的互免或电子签证安排，请先在系统设置的国别表中更新`,
      en: `the office's country table gives ${name.en} (${country}) the route ${table.en.toLowerCase()} for official passports, not ${want.en.toLowerCase()}; a newer agreement is entered in the country table (settings) first`,
    },
  };
}

export function routeNeedsVisa(route: EntryRoute): boolean {
  return route === 'visa' || route === 'e-visa';
}

// ---------------------------------------------------------------------------------------------
// Conditions

export interface ConditionContext {
  facts: CaseFacts;
  runtime: RuntimeFlags;
  countries: CountryTable;
  /** Set for member and member-country scope. */
  member?: Member;
  /** Set for country and member-country scope. */
  country?: string;
}

export interface ConditionSpec {
  label: Label;
  /** Scopes a step using this condition may have (the context it needs is available there). */
  scopes: readonly Scope[];
  evaluate: (ctx: ConditionContext) => boolean;
}

const C_MC: readonly Scope[] = ['country', 'member-country'];
const M_MC: readonly Scope[] = ['member', 'member-country'];
const ALL: readonly Scope[] = ['delegation', 'member', 'country', 'member-country'];

/** Members whose instances a country-level condition aggregates over (the one member at MC scope). */
function membersOf(ctx: ConditionContext): Member[] {
  return ctx.member ? [ctx.member] : ctx.facts.members;
}

function anyRoute(ctx: ConditionContext, pred: (route: EntryRoute, info: CountryInfo | undefined) => boolean): boolean {
  const country = ctx.country;
  if (!country) return false;
  const info = ctx.countries[country];
  return membersOf(ctx).some((m) => pred(entryRoute(m, country, ctx.facts, ctx.countries), info));
}

export const CONDITIONS = {
  classifiedAccess: {
    label: { zh: '成员涉密', en: 'Member has classified access' },
    scopes: M_MC,
    evaluate: (ctx) => ctx.member?.classifiedAccess === true,
  },
  objectionRaised: {
    label: { zh: '公示期间有异议', en: 'An objection was raised' },
    scopes: ALL,
    evaluate: (ctx) => ctx.runtime.objectionRaised,
  },
  supervisingDepartment: {
    label: { zh: '有主管部门', en: 'Unit has a supervising department' },
    scopes: ALL,
    evaluate: (ctx) => !!ctx.facts.supervisingDepartment,
  },
  jointDelegation: {
    label: { zh: '跨单位联合组团', en: 'Cross-unit delegation' },
    scopes: ALL,
    evaluate: (ctx) => ctx.facts.jointDelegation,
  },
  acceptedWithDeficiencies: {
    label: { zh: '容缺受理', en: 'Accepted with deficiencies' },
    scopes: ALL,
    evaluate: (ctx) => ctx.runtime.acceptedWithDeficiencies,
  },
  newPassportNeeded: {
    label: { zh: '需办理新护照', en: 'New passport needed' },
    scopes: M_MC,
    evaluate: (ctx) => !!ctx.member && needsNewPassport(ctx.member, ctx.facts.returnDate),
  },
  passportReplaced: {
    label: { zh: '旧护照需注销', en: 'An expiring passport is replaced' },
    scopes: M_MC,
    evaluate: (ctx) => !!ctx.member?.passport && !!ctx.member.passport.expiresOn && needsNewPassport(ctx.member, ctx.facts.returnDate),
  },
  visaFreeRoute: {
    label: { zh: '免签入境', en: 'Visa-free route' },
    scopes: C_MC,
    evaluate: (ctx) => anyRoute(ctx, (r) => r === 'visa-free' || r === 'apec-card'),
  },
  visaNeeded: {
    label: { zh: '需办理签证', en: 'Visa needed' },
    scopes: C_MC,
    evaluate: (ctx) => anyRoute(ctx, (r) => routeNeedsVisa(r)),
  },
  interviewRequired: {
    label: { zh: '需面谈', en: 'Interview required' },
    scopes: C_MC,
    evaluate: (ctx) => anyRoute(ctx, (r, info) => r === 'visa' && info?.interviewRequired === true),
  },
  legalizationRequired: {
    label: { zh: '需认证或附加证明书', en: 'Destination requires certified documents' },
    scopes: C_MC,
    evaluate: (ctx) => !!ctx.country && ctx.countries[ctx.country]?.certifiedDocuments === true,
  },
  partyBranch: {
    label: { zh: '党员3人以上', en: 'Three or more Party members' },
    scopes: ALL,
    evaluate: (ctx) => ctx.facts.members.filter((m) => m.partyMember).length >= 3,
  },
} satisfies Record<string, ConditionSpec>;

export type ConditionName = keyof typeof CONDITIONS;
export const CONDITION_NAMES = Object.keys(CONDITIONS) as ConditionName[];

export function isConditionName(s: unknown): s is ConditionName {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(CONDITIONS, s);
}

export function evaluateCondition(name: ConditionName, ctx: ConditionContext): boolean {
  return CONDITIONS[name].evaluate(ctx);
}

/** Case-level derived facts, for display and for the API (one call instead of many). */
export interface DerivedFacts {
  countries: string[];
  newPassport: Record<string, boolean>;
  routes: Record<string, Record<string, EntryRoute>>;
  interviewRequired: Record<string, boolean>;
  legalizationRequired: Record<string, boolean>;
  partyMembers: number;
  partyBranch: boolean;
  jointDelegation: boolean;
  supervisingDepartment: boolean;
}

export function deriveFacts(facts: CaseFacts, countries: CountryTable = COUNTRIES): DerivedFacts {
  const cs = tripCountries(facts);
  const ctx: ConditionContext = { facts, runtime: DEFAULT_RUNTIME_FLAGS, countries };
  const partyMembers = facts.members.filter((m) => m.partyMember).length;
  return {
    countries: cs,
    newPassport: Object.fromEntries(facts.members.map((m) => [m.id, needsNewPassport(m, facts.returnDate)])),
    routes: Object.fromEntries(
      facts.members.map((m) => [m.id, Object.fromEntries(cs.map((c) => [c, entryRoute(m, c, facts, countries)]))]),
    ),
    interviewRequired: Object.fromEntries(cs.map((c) => [c, CONDITIONS.interviewRequired.evaluate({ ...ctx, country: c })])),
    legalizationRequired: Object.fromEntries(cs.map((c) => [c, CONDITIONS.legalizationRequired.evaluate({ ...ctx, country: c })])),
    partyMembers,
    partyBranch: partyMembers >= 3,
    jointDelegation: facts.jointDelegation,
    supervisingDepartment: !!facts.supervisingDepartment,
  };
}

/**
 * A free-text identity value as rules compare it (LEADERSHIP_TEAM_OVERLAP's team): Unicode NFKC (full-width forms
 * become ASCII), trimmed, inner whitespace runs collapsed to one space, case-folded. "City-Government " and
 * "city-government" are one team. Applied by the API where the value enters (submission, check, amendment, roster),
 * before the rules compare and before the case stores it: the workflow's own comparison (which replays) is unchanged.
 */
export function canonicalIdentity(value: string): string {
  return value.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLowerCase();
}

/** Traditional Chinese to simplified (OpenCC's t2cn), built on first use: only the registries' comparisons need it. */
let toSimplified: ((text: string) => string) | undefined;

/**
 * Whether two entries of one member id are the same person: the same roster person (personId) when both name one,
 * else the same name (personNameKey). An amendment may change a member's facts (a new passport, a corrected rank),
 * never the person: the member's vetting (政审 A11, 保密审查 A12, the frequency check A08) was theirs (trial: 李四
 * approved at A11:m1, then m1 amended to 张三 kept A11:m1 done).
 */
export function sameMemberPerson(a: Pick<Member, 'name' | 'personId'>, b: Pick<Member, 'name' | 'personId'>): boolean {
  if (a.personId !== undefined && b.personId !== undefined) return a.personId === b.personId;
  return personNameKey(a.name) === personNameKey(b.name);
}

/**
 * A person's name as the registries compare it (typedMemberIdentity, personIdentityKey): canonicalIdentity without any
 * whitespace, invisible character (text-rule INVISIBLE), punctuation or symbol, in simplified characters (OpenCC,
 * traditional → simplified), so `张 三`, `张\u200b三`, `\u2060张三` and `張三` are all 张三 (second and third trials: each
 * passed as a person the roster did not know, or as a second registration of one), and so are `张三.`, `张三·` and
 * `张-三` (fifth trial: `李四.` escaped 李四's open case, rank and frequency). The middle dot of a minority name
 * (`阿依古丽·买买提`) goes too: written with it, without it or with another dot, it is one person.
 */
export function personNameKey(value: string): string {
  return personNameKeyKeepingPunctuation(value).replace(/[\p{P}\p{S}]/gu, '');
}

/** personNameKey as the trip history keyed names before punctuation was dropped (2026-12-01): member_trips of then. */
function personNameKeyKeepingPunctuation(value: string): string {
  const fold = (toSimplified ??= Converter({ from: 't', to: 'cn' }));
  return fold(canonicalIdentity(value).replace(INVISIBLE, ''));
}

/**
 * What a person's name is written with besides letters and their marks: spaces and the punctuation of names, the
 * interpunct of transcribed names (·, ・, •: 买买提·艾力), the full stop of initials, the apostrophe and the hyphen
 * (O'Brien, Jean-Luc), invisible joiners (the text rule and personNameKey handle them), and digits (a roster's
 * namesakes told apart, 王五2: no markup or statement is written with them alone).
 */
const PERSON_NAME_CHARS = /^[\p{L}\p{M}\p{N}\s·・•．.'’\-‐\u200B-\u200D\u2060\uFEFF]*$/u;

/**
 * A person's name as a roster or a typed member may hold it (rule `person-name`): some letter, a Han character or a
 * Latin one (fifth trial: a member named `12345` was accepted), and nothing but letters, spaces and the punctuation of
 * names (PERSON_NAME_CHARS; trial 79: `<script>alert(1)</script>` and `Robert'); DROP TABLE people;--` were registered
 * on a roster, and every member picker listed them). Punctuation of names stays as written; the registries compare
 * names without it (personNameKey). Undefined when the name passes. Pure.
 */
export function personNameProblem(value: string): Label | undefined {
  if (!/\p{L}/u.test(value)) return { zh: '姓名须含文字', en: "Must contain letters: a person's name" };
  if (!PERSON_NAME_CHARS.test(value))
    return {
      zh: '姓名只能由文字、空格和姓名中的间隔号（·）、连字符、撇号组成，不能含 < > ; ( ) = 等符号',
      en: "A person's name is letters, spaces and a name's own marks (·, hyphen, apostrophe, full stop): no symbols such as < > ; ( ) =",
    };
  return undefined;
}
