import { addDays, addMonths, DATE_BOUNDS, dayNumber, isIsoDate, weekdayOf } from './dates';
import type { YearSchedule } from './calendar';
import type { ProcessDefinition, StepDefinition } from './definition/types';
import type { CaseFacts, Member, Purpose, Rank } from './facts';
import { countryLabel } from './countries';
import { STATUTORY_HOLIDAY_YEARS, statutoryHolidays } from './statutory-holidays';
import { canonicalIdentity, passportLastsTrip, passportNeededUntil, passportNumberKey, personNameKey, tripCountries } from './facts';
import type { Label } from './roles';
import { MAX_DEPARTURE_AHEAD_DAYS } from './rules';

/**
 * Registries kept by the office (issue 14): units (开户备案), the people of each unit, the passports held in
 * custody (护照委托保管), annual outbound plans. Pure types and rules; the tables are in libs/persistence.
 */

export const UNIT_STATUSES = ['active', 'suspended'] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];

export interface RegisteredUnit {
  code: string;
  nameZh: string;
  nameEn: string;
  parentCode: string | null;
  /** Unit code of the supervising department (主管部门); A16 runs when set. */
  supervisingDepartment: string | null;
  /** Usernames of the registered clerks (专办员), 1-2 by the FAO's rules. */
  clerks: string[];
  /** Names of the signatories (签批人). */
  signatories: string[];
  status: UnitStatus;
  suspendedReason: string | null;
}

/**
 * A unit's code and references against the registered units: a new code is not another unit's in other letter case
 * (rule `unique-code`: trial, `COMMERCE` was registered beside `commerce`, two units users and people could not tell
 * apart); its references (parentCode, supervisingDepartment) each name a registered unit (rule `registered-unit`) and
 * do not lead back to the unit along the same relation (rule `no-cycle`: A's parent B, B's parent A); its Chinese and
 * English names are no other unit's, as people read them (unitNameKey; rule `unique-name`: trial 79 registered a second
 * 市商务局, and every unit picker listed two that only their codes told apart). A name the unit already bore is not
 * checked again, so a unit registered before the rule can still be edited or suspended. `units`: every registered unit
 * (the unit's own old record is replaced by `unit`). Pure.
 */
export function unitReferenceProblems(
  unit: Pick<RegisteredUnit, 'code' | 'nameZh' | 'nameEn' | 'parentCode' | 'supervisingDepartment'>,
  units: readonly Pick<RegisteredUnit, 'code' | 'nameZh' | 'nameEn' | 'parentCode' | 'supervisingDepartment'>[],
): Array<{
  field: 'code' | 'nameZh' | 'nameEn' | 'parentCode' | 'supervisingDepartment';
  rule: 'unique-code' | 'unique-name' | 'registered-unit' | 'no-cycle';
  message: Label;
}> {
  const byCode = new Map(units.map((u) => [u.code, u]));
  const problems: ReturnType<typeof unitReferenceProblems> = [];
  const twin = byCode.has(unit.code) ? undefined : units.find((u) => u.code.toLowerCase() === unit.code.toLowerCase());
  if (twin)
    problems.push({
      field: 'code',
      rule: 'unique-code',
      message: {
        zh: `单位代码与已备案单位 ${twin.code} 仅大小写不同，请使用该单位或另取代码`,
        en: `Differs from the registered unit ${twin.code} only in letter case: use that unit or another code`,
      },
    });
  const before = byCode.get(unit.code);
  for (const [field, zh, en] of [
    ['nameZh', '中文名称', 'Chinese name'],
    ['nameEn', '英文名称', 'English name'],
  ] as const) {
    const key = unitNameKey(unit[field]);
    if (before && unitNameKey(before[field]) === key) continue;
    // Either of another unit's names (trial 84: a Chinese name that was another unit's English one was taken).
    const namesake = units.find((u) => u.code !== unit.code && (unitNameKey(u.nameZh) === key || unitNameKey(u.nameEn) === key));
    if (namesake) {
      const name = unitNameKey(namesake.nameZh) === key ? namesake.nameZh : namesake.nameEn;
      problems.push({
        field,
        rule: 'unique-name',
        message: {
          zh: `${zh}与已备案单位 ${namesake.code}（${name}）相同，请使用该单位或另取名称`,
          en: `The ${en} is the registered unit ${namesake.code}'s (${name}): use that unit or another name`,
        },
      });
    }
  }
  byCode.set(unit.code, unit);
  for (const field of ['parentCode', 'supervisingDepartment'] as const) {
    const ref = unit[field];
    if (ref === null || ref === unit.code) continue; // self: the API's `not-self`
    if (!byCode.has(ref)) {
      problems.push({
        field,
        rule: 'registered-unit',
        message: { zh: `单位 ${ref} 未备案`, en: `Unit ${ref} is not registered` },
      });
      continue;
    }
    const seen = new Set<string>([unit.code]);
    for (let at: string | null = ref; at !== null; at = byCode.get(at)?.[field] ?? null) {
      if (seen.has(at)) {
        if (at === unit.code)
          problems.push({
            field,
            rule: 'no-cycle',
            message: {
              zh: `单位 ${ref} 的${field === 'parentCode' ? '上级' : '主管部门'}链条又回到本单位`,
              en: `Unit ${ref}'s chain of ${field === 'parentCode' ? 'parents' : 'supervising departments'} leads back to this unit`,
            },
          });
        break;
      }
      seen.add(at);
    }
  }
  return problems;
}

/**
 * A unit's name as people tell names apart: personNameKey's fold (NFKC, letter case, traditional to simplified
 * characters, invisible characters, punctuation and symbols dropped) with every space dropped too, so 市商务局,
 * 市 商务局, 市商務局 and 市商务局。 are one name. Pure.
 */
export function unitNameKey(name: string): string {
  return personNameKey(name).replace(/\s+/gu, '');
}

/**
 * Where the office's own departments (config OFFICE_UNITS: the FAO, the government's leadership) stand in the units'
 * hierarchy (trial 79: the intake clerk registered the FAO as a sub-unit of the commerce bureau): under no unit but
 * another of the office's, as parent (`parentCode`) or supervising department (`supervisingDepartment`: its approvers
 * reach the unit's cases, so a bureau's would read the office's own), rule `office-unit`. Nothing for any other unit.
 * Pure.
 */
export function officeUnitRegistryProblems(
  unit: Pick<RegisteredUnit, 'code' | 'parentCode' | 'supervisingDepartment'>,
  officeUnits: readonly string[],
): Array<{ field: 'parentCode' | 'supervisingDepartment'; rule: 'office-unit'; message: Label }> {
  const office = (code: string) => officeUnits.includes(code.toLowerCase());
  if (!office(unit.code)) return [];
  const named = officeUnits.join(', ');
  return (
    [
      ['parentCode', '上级单位', 'parent unit'],
      ['supervisingDepartment', '主管部门', 'supervising department'],
    ] as const
  ).flatMap(([field, zh, en]) => {
    const ref = unit[field];
    if (ref === null || office(ref)) return [];
    return [
      {
        field,
        rule: 'office-unit' as const,
        message: {
          zh: `本机关单位的${zh}只能是本机关单位（${named}），不能隶属于 ${ref}`,
          en: `An office unit's ${en} is one of the office's own units (${named}), not ${ref}`,
        },
      },
    ];
  });
}

/**
 * A unit as messages name it: its registered name with the code beside (`市商务局（commerce）` /
 * `Municipal Bureau of Commerce (commerce)`); a code no registry holds stays the code, the one thing known.
 */
export function unitLabel(code: string, unit: Pick<RegisteredUnit, 'nameZh' | 'nameEn'> | null | undefined): Label {
  return unit ? { zh: `${unit.nameZh}（${code}）`, en: `${unit.nameEn} (${code})` } : { zh: code, en: code };
}

export const PERSON_STATUSES = ['active', 'left', 'retired'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];
/** A roster entry's status as messages name it (the code stays in the data). */
export const PERSON_STATUS_LABELS: Record<PersonStatus, Label> = {
  active: { zh: '在职', en: 'Active' },
  left: { zh: '已调离', en: 'Left the unit' },
  retired: { zh: '已退休', en: 'Retired' },
};
export const GENDERS = ['male', 'female'] as const;
export type Gender = (typeof GENDERS)[number];

/**
 * One person once on the rosters: name (personNameKey), gender and date of birth make a person's identity, and two
 * active roster entries of one identity are one person registered twice (new-user trial: a copy under a new person id
 * escaped the trip-frequency rule). The repository locks on identityKey while it compares.
 */
export function personIdentityKey(p: Pick<RegisteredPerson, 'name' | 'gender' | 'dateOfBirth'>): string {
  return `${personNameKey(p.name)}|${p.gender}|${p.dateOfBirth}`;
}

/** The active roster entry (other than the person itself) `person` would duplicate, or null; an inactive person duplicates none. */
export function duplicatePerson(person: RegisteredPerson, others: readonly RegisteredPerson[]): RegisteredPerson | null {
  if (person.status !== 'active') return null;
  const key = personIdentityKey(person);
  return others.find((o) => o.personId !== person.personId && o.status === 'active' && personIdentityKey(o) === key) ?? null;
}

/** The refusal of duplicatePerson, naming the registered entry only when `existing` is given (the caller may read it). */
export function duplicatePersonLabel(person: Pick<RegisteredPerson, 'name'>, existing: string | null): Label {
  return existing
    ? {
        zh: `${person.name}（姓名、性别、出生日期相同）已在花名册中登记为 ${existing}：同一人只登记一次`,
        en: `The same person (name ${person.name}, gender and date of birth) is already on a roster as ${existing}: a person is registered once`,
      }
    : {
        zh: `${person.name}（姓名、性别、出生日期相同）已在花名册中登记：同一人只登记一次`,
        en: `The same person (name ${person.name}, gender and date of birth) is already on a roster: a person is registered once`,
      };
}

export interface RegisteredPerson {
  personId: string;
  unit: string;
  name: string;
  gender: Gender;
  dateOfBirth: string;
  rank: Rank;
  position: string;
  partyMember: boolean;
  /** Kept by the unit's secrecy office. */
  classifiedAccess: boolean;
  leadershipTeam: string | null;
  status: PersonStatus;
}

export const PASSPORT_TYPES = ['official', 'diplomatic', 'service'] as const;
export type PassportType = (typeof PASSPORT_TYPES)[number];
/**
 * Stored states; 'overdue' (checked out and past its due date) and 'expired' (in custody and past its expiry date)
 * are derived, see passportState: the custody state machine knows only the stored ones.
 */
export const PASSPORT_STATES = ['in-custody', 'checked-out', 'overdue', 'expired', 'cancelled', 'lost'] as const;
export type PassportState = (typeof PASSPORT_STATES)[number];
export type StoredPassportState = Exclude<PassportState, 'overdue' | 'expired'>;
/** A passport's custody state as messages name it (the code stays in the data). */
export const PASSPORT_STATE_LABELS: Record<PassportState, Label> = {
  'in-custody': { zh: '在库保管', en: 'In custody' },
  'checked-out': { zh: '已借出', en: 'Checked out' },
  overdue: { zh: '逾期未交回', en: 'Overdue' },
  expired: { zh: '已过期', en: 'Expired' },
  cancelled: { zh: '已注销', en: 'Cancelled' },
  lost: { zh: '已挂失', en: 'Lost' },
};

export interface CustodyPassport {
  /** The ledger row's opaque id (a UUID): names the passport to readers who see its number masked. Absent outside the ledger. */
  ref?: string;
  number: string;
  type: PassportType;
  issuedOn: string;
  expiresOn: string;
  /** personId of the holder. */
  holder: string;
  state: StoredPassportState;
  /** While checked out: the case it went out for and the day it is due back (the trip's return date). */
  caseId: string | null;
  dueBackOn: string | null;
}

/**
 * 专办员备案 (registered clerks): a unit that registered its clerks (`clerks`, 1-2 usernames) takes applications only from
 * them; a unit with none registered takes them from any of its organizers, as before registration (docs/registries.md).
 * Usernames compare without letter case, as sign-in does. The refusal's label, or null when `username` may submit.
 */
export function unregisteredClerk(unit: Pick<RegisteredUnit, 'clerks'>, username: string): Label | null {
  if (unit.clerks.length === 0 || unit.clerks.some((c) => c.toLowerCase() === username.toLowerCase())) return null;
  return {
    zh: `您不是本单位备案的专办员（${unit.clerks.join('、')}）：申请须由备案专办员提交，或请外办更新单位备案`,
    en: `You are not one of the unit's registered clerks (${unit.clerks.join(', ')}): a registered clerk submits, or the FAO updates the unit's registration`,
  };
}

/**
 * One valid official passport per person (the ledger holds 因公 passports only: official, diplomatic, service): while
 * one of a holder's passports is checked out (借出) for a trip, no other of theirs is taken into custody or checked
 * out; a new one only after the old is back in custody, cancelled (注销) or reported lost (挂失). Answers the other
 * passport that holds the place (null: none), for every path that creates a passport or puts one into circulation
 * (the registry's registration, its seed, a check-out).
 */
export function passportHeldElsewhere(held: readonly CustodyPassport[], number: string): CustodyPassport | null {
  return held.find((p) => p.number !== number && p.state === 'checked-out') ?? null;
}

/**
 * A passport its holder still has (one valid official passport per person counts these): out on loan (借出), or in
 * custody and not expired on `today` (YYYY-MM-DD, Asia/Shanghai). The one test of validity for every rule of the ledger
 * that counts a person's passports (secondValidPassport, the new passport's registration under the holder's lock, the
 * claims of C05 numbers, a replaced one superseded).
 */
export function passportValid(p: Pick<CustodyPassport, 'state' | 'expiresOn'>, today: string): boolean {
  return p.state === 'checked-out' || (p.state === 'in-custody' && !passportExpired(p, today));
}

/**
 * One valid official passport per person where the chain issues a new one (C05, custody 'register'): the holder's valid
 * passport (passportValid) other than the new one (`newNumber`) and those it replaces: the one the case names
 * (`replaces`, the member's passport in the case's facts, cancelled at C06) and, with the trip's `returnDate`, any that
 * does not last this trip (passportLastsTrip: eighth trial, D: a first case's new passport lasting its trip but not a
 * later one's blocked the later case's C05, with advice that led nowhere; it is replaced too, outlastedPassports). A
 * valid one that lasts the trip is the passport to use (record its number, or amend the member). Trial: one roster
 * person on two cases, each running C02-C06; both C05s registered a new passport, and the person held two valid ones.
 * Null: none, the new passport may be registered (one replaced out on loan is passportHeldElsewhere's to wait for).
 */
export function secondValidPassport(
  held: readonly CustodyPassport[],
  newNumber: string,
  replaces: string | null | undefined,
  today: string,
  returnDate?: string,
): CustodyPassport | null {
  return (
    held.find(
      (p) =>
        p.number !== newNumber &&
        p.number !== replaces &&
        passportValid(p, today) &&
        (returnDate === undefined || passportLastsTrip(p.expiresOn, returnDate)),
    ) ?? null
  );
}

/**
 * The holder's valid passports (passportValid) a new one issued for a trip replaces beside the one the case names
 * (`except`: that one and the new one): those that do not last the trip (`returnDate`; secondValidPassport lets C05
 * register the new one beside them). Cancelled at the new one's registration (C05's register move: a member with no
 * passport in the facts has no C06, eleventh trial) and again at C06 (or when the case closes first), and only while the
 * ledger holds a valid passport that lasts the trip (the replacement: nothing is cancelled that leaves the person
 * without one). Eighth trial, D.
 */
export function outlastedPassports(
  held: readonly CustodyPassport[],
  returnDate: string,
  today: string,
  except: ReadonlyArray<string | null | undefined>,
): CustodyPassport[] {
  const valid = held.filter((p) => passportValid(p, today));
  if (!valid.some((p) => passportLastsTrip(p.expiresOn, returnDate))) return [];
  return valid.filter((p) => !except.includes(p.number) && !passportLastsTrip(p.expiresOn, returnDate));
}

/**
 * The refusal of passportHeldElsewhere (the other passport out on loan) or secondValidPassport (another valid one,
 * in custody too), naming the other passport and its case.
 */
export function passportHeldLabel(holder: string, other: Pick<CustodyPassport, 'number' | 'caseId'> & { state?: PassportState }): Label {
  if (other.state !== undefined && other.state !== 'checked-out')
    return {
      zh: `${holder} 已有一本有效的因公护照 ${other.number}（${PASSPORT_STATE_LABELS[other.state].zh}）：每人只能有一本有效的因公护照，须先将其注销或挂失`,
      en: `${holder} already holds a valid official passport, ${other.number} (${PASSPORT_STATE_LABELS[other.state].en.toLowerCase()}): one valid official passport per person; cancel it or report it lost first`,
    };
  const forCase = other.caseId ? `（案件 ${other.caseId}）` : '';
  const forCaseEn = other.caseId ? ` (case ${other.caseId})` : '';
  return {
    zh: `${holder} 的护照 ${other.number} 已借出${forCase}：每人只能有一本有效的因公护照，须待其交回、注销或挂失后再办理`,
    en: `${holder}'s passport ${other.number} is checked out${forCaseEn}: one valid official passport per person; another only once it is back, cancelled or reported lost`,
  };
}

/**
 * The ledger's passport a chain step's custody move (behaviour.custody) moves for a member, or null when the ledger holds
 * none to move: 'check-out' (C07) the holder's travel passport in custody (a new one issued at C05 before the old), or
 * the one already out for this case (a retried move), else the facts' number if in custody; 'check-in' (P02) the one out
 * for this case; 'cancel' (C06) the replaced one the facts name. One selection for the worker's move and the API's check
 * before the step is completed (custodyMoveWaitsFor). `held`: the holder's passports (none for a typed member); `byNumber`:
 * the ledger's row of the facts' number.
 */
export function custodyMovePassport(
  action: 'check-out' | 'check-in' | 'cancel',
  caseId: string,
  held: readonly CustodyPassport[],
  byNumber: CustodyPassport | null,
): CustodyPassport | null {
  if (action === 'check-out')
    return (
      travelPassport(held.filter((p) => p.state === 'in-custody')) ??
      held.find((p) => p.state === 'checked-out' && p.caseId === caseId) ??
      (byNumber?.state === 'in-custody' ? byNumber : null)
    );
  if (action === 'check-in')
    return held.find((p) => p.state === 'checked-out' && p.caseId === caseId) ?? (byNumber && byNumber.caseId === caseId ? byNumber : null);
  return byNumber;
}

/**
 * Why a chain step's custody move cannot be made now, or null when it can (or the ledger holds nothing of the member's:
 * a typed member's, noted by the worker's move as before). The step is refused until it can (the API, before the
 * completion is sent), rather than done with a move the ledger refused:
 * - `checked-out`: a passport out on loan (借出) for a trip is the office's, due back (trial: a second case's C06
 *   cancelled a passport still out for a withdrawn first case, losing its due-back, and its C05's new passport was never
 *   registered): C07 does not check out another while the member's travel passport is out for another case, C06 does
 *   not cancel one that is out (the named one, or one it replaces that does not last the trip: outlastedPassports), and
 *   C05's new passport is not taken in while another of the holder's is out (passportHeldElsewhere). The passport
 *   officer checks it back in first (P02 of its case, or the ledger's check-in).
 * - `not-valid`: C07 finds no valid passport of the member to check out, only a lost, cancelled or expired one (trial:
 *   a passport reported lost while out; the next case's C07 was done with nothing checked out and the trip went on to
 *   the embassy without a passport). The organizer amends the member, whose snapshot then has no passport, so the
 *   new-passport steps (C02-C06) run.
 * - `short-validity`: C07's passport expires less than 6 months after the trip's return (`returnDate`; trial: a new
 *   passport expiring before the trip was taken at C05 and checked out): amend the member, for a new one.
 * - `second-valid`: C05's new passport would be the holder's second valid one that lasts the trip (secondValidPassport;
 *   `byNumber`, the member's passport in the facts, is the one it replaces, with any that does not last the trip). The
 *   officer records that passport's number (one person's two cases share their new passport), or the organizer amends
 *   the member, whose snapshot then has it.
 * `newNumber`: C05's new passport, normalised; `today`: YYYY-MM-DD (Asia/Shanghai), for expiry; `returnDate`: the trip's,
 * for the passport a trip goes on (C07) and those a new one replaces (C05, C06).
 */
export function custodyMoveProblem(
  action: 'check-out' | 'check-in' | 'cancel' | 'register',
  caseId: string,
  held: readonly CustodyPassport[],
  byNumber: CustodyPassport | null,
  today: string,
  newNumber?: string,
  returnDate?: string,
): CustodyMoveProblem | null {
  if (action === 'check-in') return null;
  const out = (p: CustodyPassport | null) => (p ? { reason: 'checked-out' as const, passport: p } : null);
  if (action === 'register') {
    if (!newNumber) return null;
    // Another valid one than the passport replaced, in custody or out, is a second (amend the member, not "check it
    // back in": seventh trial); the replaced one out on loan is waited for.
    const second = secondValidPassport(held, newNumber, byNumber?.number, today, returnDate);
    return second ? { reason: 'second-valid', passport: second } : out(passportHeldElsewhere(held, newNumber));
  }
  if (action === 'cancel')
    return out(
      [byNumber, ...(returnDate ? outlastedPassports(held, returnDate, today, [byNumber?.number]) : [])].find(
        (p) => p?.state === 'checked-out',
      ) ?? null,
    );
  const known = [...held, ...(byNumber && !held.some((p) => p.number === byNumber.number) ? [byNumber] : [])];
  const target = custodyMovePassport(action, caseId, held, byNumber);
  if (target) {
    if (target.state !== 'in-custody') return null;
    if (passportExpired(target, today)) return { reason: 'not-valid', passport: target };
    return returnDate && !passportLastsTrip(target.expiresOn, returnDate)
      ? { reason: 'short-validity', passport: target, returnDate }
      : null;
  }
  const elsewhere = travelPassport(known.filter((p) => p.state === 'checked-out' && p.caseId !== caseId));
  if (elsewhere) return out(elsewhere);
  const latest = [...known].sort((a, b) => dayNumber(b.expiresOn) - dayNumber(a.expiresOn))[0];
  return latest ? { reason: 'not-valid', passport: latest } : null;
}

/**
 * Why a chain step's custody move cannot be made now (custodyMoveProblem): `checked-out`, a passport out on loan it
 * waits for; `not-valid`, no valid passport to check out; `second-valid`, C05's new passport would be the holder's
 * second valid one (secondValidPassport). `passport`: the ledger's passport in the way.
 */
export interface CustodyMoveProblem {
  reason: 'checked-out' | 'not-valid' | 'second-valid' | 'short-validity';
  passport: CustodyPassport;
  /** For `short-validity`: the trip's return date the passport does not last 6 months past. */
  returnDate?: string;
  /**
   * For `checked-out`: the passport is out for another case that still runs (its trip not over): it comes back at that
   * case's check-in step, not by hand (tenth trial: checked in by hand as the refusal advised, the other case was left
   * with its C07 done, nothing out and, once this case's C06 ran, a cancelled passport).
   */
  forOpenCase?: boolean;
  /** For `checked-out`: the title of the case the passport is out for, as the refusal names it (trial 86: its UUID). */
  caseTitle?: string;
}

/** The refusal of a step whose custody move cannot be made (custodyMoveProblem): which passport, why, what to do. */
export function custodyMoveLabel(problem: CustodyMoveProblem, today: string): Label {
  const p = problem.passport;
  if (problem.reason === 'short-validity') {
    const until = passportNeededUntil(problem.returnDate ?? today);
    return {
      zh: `护照 ${p.number} 有效期至 ${p.expiresOn}，不足回国日期（${problem.returnDate ?? ''}）后6个月（须至 ${until}）：请专办员变更该成员（重新选择花名册人员），按新护照流程（C02-C06）办理`,
      en: `Passport ${p.number} expires on ${p.expiresOn}, less than 6 months after the return (${problem.returnDate ?? ''}; valid until ${until} needed): the organizer amends the member (picks the roster person again), and a new passport is issued (C02-C06)`,
    };
  }
  if (problem.reason === 'second-valid') {
    const state = PASSPORT_STATE_LABELS[p.state];
    return {
      zh: `该成员已有一本有效的因公护照 ${p.number}（${state.zh}，有效期至 ${p.expiresOn}）：每人只能有一本有效的因公护照。如签发给该成员的就是此护照，请填写此号码；否则请专办员变更该成员（重新选择花名册人员），案件即以该护照办理（其有效期不足时才签发新护照将其替换）`,
      en: `The member already holds a valid official passport, ${p.number} (${state.en.toLowerCase()}, valid until ${p.expiresOn}): one valid official passport per person. If that is the passport issued to the member, record its number; otherwise the organizer amends the member (picks the roster person again), and the case goes on with that passport (a new one replaces it only if it does not last the trip)`,
    };
  }
  if (problem.reason === 'not-valid') {
    const state = p.state === 'in-custody' && passportExpired(p, today) ? PASSPORT_STATE_LABELS.expired : PASSPORT_STATE_LABELS[p.state];
    return {
      zh: `护照保管登记中没有该成员可借出的有效护照（${p.number}：${state.zh}）：请专办员变更该成员（重新选择花名册人员），按新护照流程（C02-C06）办理`,
      en: `The custody ledger holds no valid passport of this member to check out (${p.number}: ${state.en.toLowerCase()}): the organizer amends the member (picks the roster person again), and a new passport is issued (C02-C06)`,
    };
  }
  const due = p.dueBackOn ? `，应于 ${p.dueBackOn} 前交回` : '';
  const dueEn = p.dueBackOn ? `, due back by ${p.dueBackOn}` : '';
  const other = problem.caseTitle ? `“${problem.caseTitle}”（${p.caseId ?? ''}）` : (p.caseId ?? '');
  const otherEn = problem.caseTitle ? `“${problem.caseTitle}” (${p.caseId ?? ''})` : (p.caseId ?? '');
  if (problem.forOpenCase)
    return {
      zh: `护照 ${p.number} 已为在办案件 ${other} 借出${due}：待该案件出访归来、在其护照交回步骤交回保管（或该案件结案）后，才能办理此步骤；请勿在护照登记中提前交回，否则该案件将无护照可用`,
      en: `Passport ${p.number} is out for the running case ${otherEn}${dueEn}: this step waits until it comes back at that case's check-in step after its trip (or that case closes); do not check it in by hand before, or that case is left without a passport`,
    };
  // Out for a case that closed, or one its holder has left: nothing brings it back but the ledger's check-in.
  const forCase = p.caseId ? `为案件 ${other} ` : '';
  const forCaseEn = p.caseId ? ` for case ${otherEn}` : '';
  return {
    zh: `护照 ${p.number} 已${forCase}借出${due}：借出的护照仍属外办保管，须先在护照登记中办理“交回”，才能办理此步骤`,
    en: `Passport ${p.number} is checked out${forCaseEn}${dueEn}: a passport out on loan is still the office's; check it back in first, at the custody ledger's check-in, then this step`,
  };
}

/**
 * C05's refusal when another case's C05 recorded (or is recording) another new passport of the member's person
 * (`number`, not yet or no longer in the custody ledger's view of this request): one valid official passport per
 * person, the ways on as custodyMoveLabel's `second-valid`.
 */
export function newPassportElsewhereLabel(number: string, inLedger = false): Label {
  // Taken into custody by hand a moment ago (the ledger holds it, valid): the second-valid refusal's words.
  if (inLedger)
    return {
      zh: `该成员已有一本有效的因公护照 ${number}（护照保管登记中）：每人只能有一本有效的因公护照。如签发给该成员的就是此护照，请填写此号码；否则请专办员变更该成员（重新选择花名册人员），案件即以该护照办理`,
      en: `The member already holds a valid official passport, ${number} (in the custody ledger): one valid official passport per person. If that is the passport issued to the member, record its number; otherwise the organizer amends the member (picks the roster person again), and the case goes on with that passport`,
    };
  return {
    zh: `该成员的另一本新护照 ${number} 已在其另一在办案件的护照签发步骤中记录：每人只能有一本有效的因公护照。如签发给该成员的就是此护照，请填写此号码；否则请专办员变更该成员（重新选择花名册人员），案件即以该护照办理`,
    en: `Another new passport of the member, ${number}, was recorded at the passport issue step of their other open case: one valid official passport per person. If that is the passport issued to the member, record its number; otherwise the organizer amends the member (picks the roster person again), and the case goes on with that passport`,
  };
}

/** A passport not back this many days after the return date escalates to the unit (issue 14). */
export const PASSPORT_ESCALATE_AFTER_DAYS = 7;
/** ... and this many days suspends the unit's new submissions until it is back. */
export const PASSPORT_SUSPEND_AFTER_DAYS = 30;

/** One state change of a passport in the custody ledger (GET passports/{number}'s history): who, when, for which case. */
export interface PassportEvent {
  at: string;
  fromState: string | null;
  toState: string;
  caseId: string | null;
  actor: string;
  note: string | null;
}

/** Whole days a checked-out passport is past its due date on `today` (0 when not overdue or not out). */
export function daysOverdue(p: Pick<CustodyPassport, 'state' | 'dueBackOn'>, today: string): number {
  if (p.state !== 'checked-out' || !p.dueBackOn) return 0;
  return Math.max(0, dayNumber(today) - dayNumber(p.dueBackOn));
}

/**
 * The state as shown: a checked-out passport past its due date is 'overdue'; one in custody past its expiry date is
 * 'expired' (new-user trial: an expired passport read 在库保管, as if it could travel). A checked-out one stays
 * checked out or overdue whatever its expiry: it has to come back first.
 */
export function passportState(p: Pick<CustodyPassport, 'state' | 'dueBackOn' | 'expiresOn'>, today: string): PassportState {
  if (daysOverdue(p, today) > 0) return 'overdue';
  if (p.state === 'in-custody' && passportExpired(p, today)) return 'expired';
  return p.state;
}

// ---------------------------------------------------------------------------------------------
// The dates a registry holds: one home for each rule (the API's request schemas and its services apply them)

/**
 * A registry code (a unit's code, a person's id) as every route takes it: 1-64 letters, digits or . _ -, starting
 * with a letter or digit (trial: `__proto__` and `...` were registered as units, which no grant could then name).
 */
export const CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
/** What a code breaking CODE_PATTERN is told (rule `format`). */
export const CODE_WORDS = {
  zh: '代码须为1-64位字母、数字、_ . 或 -（以字母或数字开头）',
  en: 'Codes are 1-64 letters, digits, _ . or - (starting with a letter or digit)',
} as const;

/** A refusal of a registry's field: the field as the request names it, our rule, the message in Chinese and English. */
export interface RegistryFieldProblem {
  field: string;
  rule: string;
  message: Label;
}

/** The earliest date of birth a registry takes (anyone on a roster was born after it): rule `plausible-date`. */
export const EARLIEST_BIRTH = DATE_BOUNDS.earliest;
/** The youngest a unit's staff member can be, in years (劳动法 第十五条: no employment under 16): rule `working-age`. */
export const MIN_STAFF_AGE = 16;
/**
 * The oldest a person on a roster can be on the day of the write, in whole years (rule `working-age`, as the minimum):
 * a roster holds serving staff and their retired colleagues, and nobody past 100 travels on official business (new-user
 * trial: a person born 1900-01-01, aged 126, was registered).
 */
export const MAX_STAFF_AGE = 100;
/**
 * The longest a passport is valid, in years: rule `max-validity`. The Passport Law's longest (《护照法》第七条: an
 * ordinary passport, ten years for a holder of sixteen or more); a diplomatic or service passport's validity is the
 * Ministry of Foreign Affairs' to set (第九条), within it. Trial 79: the message cited 第五条 (who applies for one).
 */
export const MAX_PASSPORT_YEARS = 10;

/**
 * A registry code as typed (a unit's code, a person's id, sent in the path where no body schema holds it): empty is
 * `required`, else CODE_PATTERN's `format` (trial 56: a full-width ＡＢＣ１２３ was refused only by the API's answer). Pure.
 */
export function codeProblems(field: string, code: string | undefined): RegistryFieldProblem[] {
  const c = (code ?? '').trim();
  if (c === '') return [{ field, rule: 'required', message: { zh: '必填', en: 'Required' } }];
  return new RegExp(CODE_PATTERN).test(c) ? [] : [{ field, rule: 'format', message: { ...CODE_WORDS } }];
}

/**
 * A roster's date of birth on `today`: not before EARLIEST_BIRTH nor after today (`plausible-date`), and of working age,
 * MIN_STAFF_AGE to MAX_STAFF_AGE years old (`working-age`). At most one problem, at `dateOfBirth`; none for a value that
 * is no calendar date (the request's `date` rule names it). Pure.
 */
export function birthDateProblems(dateOfBirth: string, today: string): RegistryFieldProblem[] {
  if (!isIsoDate(dateOfBirth) || !isIsoDate(today)) return [];
  const born = dayNumber(dateOfBirth);
  if (dateOfBirth < EARLIEST_BIRTH || born > dayNumber(today))
    return [
      {
        field: 'dateOfBirth',
        rule: 'plausible-date',
        message: { zh: `出生日期须在${EARLIEST_BIRTH}至今天之间`, en: `Must be between ${EARLIEST_BIRTH} and today` },
      },
    ];
  // Third trial: a bureau-rank 副市长 born yesterday was registered.
  if (born > dayNumber(addMonths(today, -12 * MIN_STAFF_AGE)))
    return [
      {
        field: 'dateOfBirth',
        rule: 'working-age',
        message: {
          zh: `须年满${MIN_STAFF_AGE}周岁（《劳动法》第十五条）`,
          en: `Must be at least ${MIN_STAFF_AGE} years before today: a unit's staff are of working age`,
        },
      },
    ];
  // Fourth trial: a staff member born 1900-01-01 (126 years old) was registered. 101 today is too old.
  if (born <= dayNumber(addMonths(today, -12 * (MAX_STAFF_AGE + 1))))
    return [
      {
        field: 'dateOfBirth',
        rule: 'working-age',
        message: {
          zh: `年龄不得超过${MAX_STAFF_AGE}周岁，请核对出生日期`,
          en: `Must be at most ${MAX_STAFF_AGE} years old today: check the date of birth`,
        },
      },
    ];
  return [];
}

/**
 * A passport's own dates on `today`: issued not after today (`issuedOn`, rule `not-future`), expiring after its issue
 * (`expiresOn`, `after-issue`) and at most MAX_PASSPORT_YEARS after it (`expiresOn`, `max-validity`). A passport long
 * expired is a record the ledger may hold (it shows as 已过期, and is never checked out: passportExpired). A date that is
 * no calendar date gets no rule here (its own `date` refusal is its only one). Pure.
 */
export function passportDateProblems(p: { issuedOn: string; expiresOn: string }, today: string): RegistryFieldProblem[] {
  const problems: RegistryFieldProblem[] = [];
  const issued = isIsoDate(p.issuedOn);
  // New-user trial: a passport issued in 2029 was registered.
  if (issued && isIsoDate(today) && dayNumber(p.issuedOn) > dayNumber(today))
    problems.push({ field: 'issuedOn', rule: 'not-future', message: { zh: '签发日期不能晚于今天', en: 'Must not be after today' } });
  if (issued && isIsoDate(p.expiresOn)) {
    if (dayNumber(p.expiresOn) <= dayNumber(p.issuedOn))
      problems.push({ field: 'expiresOn', rule: 'after-issue', message: { zh: '须晚于签发日期', en: 'Must be after the date of issue' } });
    // Third trial: a passport issued in 1800 and valid to 9999 was registered.
    else if (dayNumber(p.expiresOn) > dayNumber(addMonths(p.issuedOn, 12 * MAX_PASSPORT_YEARS)))
      problems.push({
        field: 'expiresOn',
        rule: 'max-validity',
        message: {
          zh: `有效期自签发之日起不超过${MAX_PASSPORT_YEARS}年（护照最长有效期，《护照法》第七条；外交、公务护照有效期由外交部规定，第九条）`,
          en: `Must be at most ${MAX_PASSPORT_YEARS} years after the date of issue (a passport's longest validity, Passport Law art. 7; the Ministry of Foreign Affairs sets a service passport's, art. 9)`,
        },
      });
  }
  return problems;
}

/**
 * A passport is issued on or after its holder's birth (rule `after-birth`; new-user trial: a passport issued 1975-01-01
 * to a person born 1980-05-01 was registered). Both sides of the rule: a passport registered for a holder (at
 * `issuedOn`), and a roster write that moves a holder's date of birth after a passport already in the ledger (at
 * `dateOfBirth`; the passport's number is not repeated, the personnel office sees it masked). Pure.
 */
export function passportBirthProblems(
  dateOfBirth: string,
  passports: readonly Pick<CustodyPassport, 'issuedOn'>[],
  side: 'issuedOn' | 'dateOfBirth',
): RegistryFieldProblem[] {
  if (!isIsoDate(dateOfBirth)) return [];
  const before = passports
    .map((p) => p.issuedOn)
    .filter((d) => isIsoDate(d) && dayNumber(d) < dayNumber(dateOfBirth))
    .sort()[0];
  if (before === undefined) return [];
  return [
    side === 'issuedOn'
      ? {
          field: 'issuedOn',
          rule: 'after-birth',
          message: {
            zh: `签发日期不能早于持照人的出生日期（${dateOfBirth}）`,
            en: `Must not be before the holder's date of birth (${dateOfBirth})`,
          },
        }
      : {
          field: 'dateOfBirth',
          rule: 'after-birth',
          message: {
            zh: `出生日期不能晚于其护照的签发日期（${before}）`,
            en: `Must not be after the date of issue of the person's passport (${before})`,
          },
        },
  ];
}

/**
 * Whether a passport is past its expiry date on `today` (its last valid day is `expiresOn`): it may stay a record of the
 * ledger (已过期) but never goes out for a trip (a check-out, by hand or the chain's C07, is refused). Pure.
 */
export function passportExpired(p: Pick<CustodyPassport, 'expiresOn'>, today: string): boolean {
  return dayNumber(p.expiresOn) < dayNumber(today);
}

/** The refusal of a check-out of an expired passport (passportExpired). */
export function passportExpiredLabel(p: Pick<CustodyPassport, 'number' | 'expiresOn'>): Label {
  return {
    zh: `护照 ${p.number} 已于 ${p.expiresOn} 过期，不能借出用于出访：须换发新护照`,
    en: `Passport ${p.number} expired on ${p.expiresOn}; it cannot be checked out for a trip: a new passport is needed`,
  };
}

/**
 * The calendar days after the return date a checked-out passport is due back: the rule the definition's check-in step
 * declares (P02 `afterDeparture.due`, as the engine dates its own check-outs); null when the definition declares none.
 */
export function checkInDueDays(definition: Pick<ProcessDefinition, 'steps'>): number | null {
  const due = definition.steps.find((s) => s.behaviour?.custody === 'check-in')?.behaviour?.afterDeparture?.due;
  return due && 'calendarDays' in due ? due.calendarDays : null;
}

/** The case a passport is checked out for by hand, as the custody ledger checks it (checkOutProblems). */
export interface CheckOutCase {
  caseId: string;
  /** The case's title (团组名称), as refusals name it. */
  title?: string;
  /** Whether the case still runs (open or departed: not closed). */
  open: boolean;
  returnDate: string;
  /** The person ids of its members still on it (roster members, and typed ones the registries resolved; not withdrawn). */
  personIds: readonly string[];
}

/**
 * A manual check-out (POST passports/{number}/transitions, to 'checked-out'): the case must be a running case with the
 * holder among its members (`caseId`, rule `open-case-member`), and the due date neither past nor later than the return
 * date plus `dueDays` (`dueBackOn`, rule `due-back-window`; new-user trial: an invented case id, a due date of 2020 that
 * suspended the unit at once, one of 9999 never overdue). Answers the latest allowed due date too (the default when
 * none is sent). And the passport is the holder's travel passport, the newest valid one in custody (`travel`, the
 * number travelPassport picks; path `number`, rule `travel-passport`; second trial: the passport a C05 was replacing was
 * checked out by hand for the case, C07 then found it out and the visa went ahead on it while the new one stayed in
 * custody). The passport lasts the trip, 6 months past its return (`expiresOn`; path `number`, rule `valid-for-trip`).
 * Pure.
 */
export function checkOutProblems(
  input: {
    holder: string;
    dueBackOn: string | undefined;
    today: string;
    dueDays: number;
    number?: string;
    travel?: string | null;
    expiresOn?: string;
  },
  found: CheckOutCase | null,
): { latest: string | null; errors: Array<{ field: 'caseId' | 'dueBackOn' | 'path.number'; rule: string; message: Label }> } {
  if (input.number !== undefined && input.travel && input.travel !== input.number)
    return {
      latest: null,
      errors: [
        {
          field: 'path.number',
          rule: 'travel-passport',
          message: {
            zh: `持照人在库的最新有效护照是 ${input.travel}：借出用于出访的须是该护照`,
            en: `The holder's newest valid passport in custody is ${input.travel}: that is the one checked out for a trip`,
          },
        },
      ],
    };
  if (!found || !found.open || !found.personIds.includes(input.holder))
    return {
      latest: null,
      errors: [
        {
          field: 'caseId',
          rule: 'open-case-member',
          message: {
            zh: '须为进行中的出访案件，且持照人是该案件的成员',
            en: 'Must be a running case with the holder among its members',
          },
        },
      ],
    };
  // The passport lasts the trip, as C07's (custodyMoveProblem `short-validity`; trial: one expiring before the trip
  // went out by hand for it).
  if (input.expiresOn !== undefined && !passportLastsTrip(input.expiresOn, found.returnDate))
    return {
      latest: null,
      errors: [
        {
          field: 'path.number',
          rule: 'valid-for-trip',
          message: {
            zh: `护照有效期至 ${input.expiresOn}，不足该案件回国日期（${found.returnDate}）后6个月（须至 ${passportNeededUntil(found.returnDate)}）`,
            en: `The passport expires on ${input.expiresOn}, less than 6 months after the case's return (${found.returnDate}; valid until ${passportNeededUntil(found.returnDate)} needed)`,
          },
        },
      ],
    };
  const latest = addDays(found.returnDate, input.dueDays);
  const due = input.dueBackOn ?? latest;
  if (dayNumber(due) < dayNumber(input.today) || dayNumber(due) > dayNumber(latest))
    return {
      latest,
      errors: [
        {
          field: 'dueBackOn',
          rule: 'due-back-window',
          message: {
            zh: `交回日期须在今天（${input.today}）至回国后${input.dueDays}日（${latest}）之间`,
            en: `Must be between today (${input.today}) and ${input.dueDays} days after the return date (${latest})`,
          },
        },
      ],
    };
  return { latest, errors: [] };
}

export interface Suspension {
  suspended: boolean;
  /** 'registry' = set by the FAO on the unit; 'passport-overdue' = the rule below. */
  reasons: Array<{ code: 'UNIT_SUSPENDED' | 'PASSPORT_OVERDUE'; passport?: string; daysOverdue?: number; message: Label }>;
}

/**
 * Is a unit barred from new submissions on `today`? Suspended in the registry, or one of its people's passports
 * more than PASSPORT_SUSPEND_AFTER_DAYS days overdue after return (issue 14; lifted when it is checked in).
 */
export function unitSuspension(
  unit: Pick<RegisteredUnit, 'code' | 'status' | 'suspendedReason'>,
  passports: CustodyPassport[],
  today: string,
): Suspension {
  const reasons: Suspension['reasons'] = [];
  if (unit.status === 'suspended')
    reasons.push({
      code: 'UNIT_SUSPENDED',
      message: {
        zh: `单位 ${unit.code} 已被外办暂停受理出访申请${unit.suspendedReason ? `：${unit.suspendedReason}` : ''}`,
        en: `Unit ${unit.code} is suspended from new applications${unit.suspendedReason ? `: ${unit.suspendedReason}` : ''}`,
      },
    });
  for (const p of passports) {
    const days = daysOverdue(p, today);
    if (days > PASSPORT_SUSPEND_AFTER_DAYS)
      reasons.push({
        code: 'PASSPORT_OVERDUE',
        passport: p.number,
        daysOverdue: days,
        message: {
          zh: `护照 ${p.number} 回国后逾期 ${days} 天未交回（超过 ${PASSPORT_SUSPEND_AFTER_DAYS} 天），交回前暂停受理本单位新的出访申请`,
          en: `Passport ${p.number} is ${days} days overdue after return (more than ${PASSPORT_SUSPEND_AFTER_DAYS}); new applications are refused until it is back`,
        },
      });
  }
  return { suspended: reasons.length > 0, reasons };
}

// ---------------------------------------------------------------------------------------------
// Snapshot of the registries into a submission

/** The passport a member travels on: the valid one in custody (or out) with the latest expiry; null when none. */
export function travelPassport(passports: CustodyPassport[]): CustodyPassport | null {
  const usable = passports.filter((p) => p.state === 'in-custody' || p.state === 'checked-out');
  usable.sort((a, b) => dayNumber(b.expiresOn) - dayNumber(a.expiresOn));
  return usable[0] ?? null;
}

/**
 * A member's facts as the registries know them, whatever the submission says: rank, Party membership,
 * classified access, leadership team from the roster; the passport from the custody ledger. Name and
 * position stay as typed when the roster has none; the case-local id and routes stay. The travel passport is the
 * office's (`inCustody`) in custody or out on loan (借出) for any case, due back: the member needs no new passport for it
 * (trial: a member whose valid passport was out for a withdrawn case was sent for a new one; its C06 cancelled the one
 * out, and the new one could not be registered while the old was out). C07 checks it out once it is back
 * (custodyMoveWaitsFor).
 */
export function snapshotMember<
  M extends Pick<
    Member,
    'id' | 'personId' | 'name' | 'position' | 'rank' | 'partyMember' | 'classifiedAccess' | 'leadershipTeam' | 'passport'
  >,
>(member: M, person: RegisteredPerson, passports: CustodyPassport[]): M {
  const p = travelPassport(passports);
  return {
    ...member,
    personId: person.personId,
    name: person.name,
    position: person.position || member.position,
    rank: person.rank,
    partyMember: person.partyMember,
    classifiedAccess: person.classifiedAccess,
    // Canonical as the API stores it (a roster row written before canonicalization compares as one written after).
    leadershipTeam: typeof person.leadershipTeam === 'string' ? canonicalIdentity(person.leadershipTeam) : person.leadershipTeam,
    passport: p ? { inCustody: true, number: p.number, expiresOn: p.expiresOn } : null,
  };
}

/**
 * The refusal of a typed passport number that is another person's, whoever records it (the custody ledger, or another
 * open case under another name: rule `passport-holder`): one text, so the answer does not say which holds it
 * (sixteenth trial: two texts told the ledger from an open case).
 */
export const ANOTHER_PERSONS_PASSPORT: Label = {
  zh: '此护照号码属于另一人员（其他单位或本单位的其他人），不是所填的成员',
  en: "This passport number is another person's (another unit's, or another of this unit's), not this member's",
};

/**
 * Who a typed member (one sent without a personId) is, by the registries: one identity for a person across every
 * path, so the frequency rule's trip history (personKey), the leadership-team overlap, DUPLICATE_MEMBER and the
 * custody ledger's checkout read one person whether the organizer named them from the roster or typed them
 * (new-user trial: 张三 by personId in one case and typed in another had two trip histories; a typed lower rank
 * was believed; another unit's passport number was accepted).
 *
 * - the typed passport number (passportNumberKey) is in the custody ledger: its holder on the case unit's roster
 *   with the typed name (canonicalIdentity) → `person` (the member IS that person: the caller snapshots and compares
 *   the typed facts as for a member named by personId); the holder of another unit, or of this unit under another
 *   name → `refused` at `passport.number` (rule `passport-holder`; one answer for both, the holder not named);
 * - no ledger passport, and the name is an active person's on the case unit's roster → `refused` at `name` (rule
 *   `roster-person`): the person is named by personId, a namesake not on the roster is registered first;
 * - else `typed` (a person the registries do not know: an unregistered unit's, or a new one's).
 *
 * `registry`: the ledger's passports with the typed number and the people they name, plus the case unit's roster.
 */
export type TypedMemberIdentity =
  | { kind: 'typed' }
  | { kind: 'person'; person: RegisteredPerson }
  | { kind: 'refused'; field: 'passport.number' | 'name'; rule: 'passport-holder' | 'roster-person'; message: Label };

export function typedMemberIdentity(
  member: { name?: unknown; passport?: unknown },
  caseUnit: string,
  registry: { passports: readonly CustodyPassport[]; people: readonly RegisteredPerson[] },
): TypedMemberIdentity {
  const typedNumber = member.passport && typeof member.passport === 'object' ? (member.passport as { number?: unknown }).number : undefined;
  const number = typeof typedNumber === 'string' ? passportNumberKey(typedNumber) : '';
  const name = typeof member.name === 'string' ? personNameKey(member.name) : '';
  const row = number ? registry.passports.find((p) => passportNumberKey(p.number) === number) : undefined;
  if (row) {
    const holder = registry.people.find((p) => p.personId === row.holder);
    // Another unit's person, or another of this unit's: one answer, naming neither.
    if (!holder || holder.unit !== caseUnit || personNameKey(holder.name) !== name)
      return {
        kind: 'refused',
        field: 'passport.number',
        rule: 'passport-holder',
        message: ANOTHER_PERSONS_PASSPORT,
      };
    return { kind: 'person', person: holder };
  }
  const namesake = name
    ? registry.people.find((p) => p.unit === caseUnit && p.status === 'active' && personNameKey(p.name) === name)
    : undefined;
  if (namesake)
    return {
      kind: 'refused',
      field: 'name',
      rule: 'roster-person',
      message: {
        zh: `本单位花名册中有${namesake.name}：请在“花名册人员”中选择该人员（接口：以 personId 指明），其护照等信息由登记提供；同名的另一人须先由人事部门登记入花名册`,
        en: `${namesake.name} is on the unit's roster: pick them under “Roster person” (in the API: name them by personId), and the registries supply their passport and the rest; a namesake not on the roster is registered by the personnel office first`,
      },
    };
  return { kind: 'typed' };
}

/**
 * A typed member's claim that the FAO holds their passport (委托保管, `passport.inCustody: true`), checked against the
 * custody ledger (rule `in-ledger`): the engine trusts it (no new passport, C01-C06 skipped; C07 checks it out), so
 * the office must hold it. The ledger holds that number (passportNumberKey) for a person of the case's unit, in
 * custody or out on loan for a case (due back, as snapshotMember reads it), and with the expiry typed (when one is
 * typed); else a problem at `passport.inCustody` (not held for the unit, or cancelled or lost) or `passport.expiresOn`
 * (another expiry). A number held for another unit's person
 * reads as one the ledger does not hold: one answer, the same words, so the refusal tells an organizer nothing of
 * another unit's passports. Null for a passport not claimed in custody.
 *
 * `registry`: the ledger's passports with the typed number and the people they name (as typedMemberIdentity's).
 */
export function custodyClaimProblem(
  passport: unknown,
  caseUnit: string,
  registry: { passports: readonly CustodyPassport[]; people: readonly RegisteredPerson[] },
): { field: 'passport.inCustody' | 'passport.expiresOn'; rule: 'in-ledger'; message: Label } | null {
  if (!passport || typeof passport !== 'object') return null;
  const claim = passport as { inCustody?: unknown; number?: unknown; expiresOn?: unknown };
  if (claim.inCustody !== true) return null;
  const number = typeof claim.number === 'string' ? passportNumberKey(claim.number) : '';
  const row = number ? registry.passports.find((p) => passportNumberKey(p.number) === number) : undefined;
  const holder = row ? registry.people.find((p) => p.personId === row.holder) : undefined;
  if (!row || !holder || holder.unit !== caseUnit)
    return {
      field: 'passport.inCustody',
      rule: 'in-ledger',
      message: {
        zh: '护照保管登记中本单位没有此号码的护照：外办未保管的护照不能填“由外办保管”（请先交外办登记保管，或填写未保管）',
        en: 'The custody ledger holds no passport of this number for the unit: a passport the FAO does not hold is not in custody (hand it in to be registered first, or send inCustody: false)',
      },
    };
  // Out on loan (借出) for this case or another: still the office's, due back (snapshotMember; trial: an amendment
  // sending the member unchanged was refused, "checked out", once C07 was done). Cancelled or lost: not held.
  if (row.state !== 'in-custody' && row.state !== 'checked-out') {
    const state = PASSPORT_STATE_LABELS[row.state];
    return {
      field: 'passport.inCustody',
      rule: 'in-ledger',
      message: {
        zh: `护照保管登记中此护照当前为${state.zh}，不在外办保管中`,
        en: `The custody ledger has this passport as ${state.en.toLowerCase()}, not in the FAO's custody`,
      },
    };
  }
  if (typeof claim.expiresOn === 'string' && claim.expiresOn !== row.expiresOn)
    return {
      field: 'passport.expiresOn',
      rule: 'in-ledger',
      message: {
        zh: '与护照保管登记的有效期不一致：不填则以登记为准',
        en: "Not the expiry date in the custody ledger: leave it out and the ledger's applies",
      },
    };
  return null;
}

// ---------------------------------------------------------------------------------------------
// Annual outbound plans (A01)

export const QUARTERS = [1, 2, 3, 4] as const;
export type Quarter = (typeof QUARTERS)[number];

export interface PlannedTrip {
  id: string;
  purpose: Purpose;
  /** ISO alpha-2 codes. */
  countries: string[];
  /** Planned number of members. */
  size: number;
  quarter: Quarter;
}

export interface AnnualPlan {
  unit: string;
  year: number;
  trips: PlannedTrip[];
}

/**
 * A unit's annual plan on file: the plan the FAO approved (`trips`, what A01 reads; null while none is, with who and
 * when: `approved`) and the unit's filing awaiting approval (`proposal`: its organizer's, which A01 does not read until
 * the FAO clerk approves it: trial's list, the unit clerk edited the plan A01 read). Times are ISO instants.
 */
export interface AnnualPlanRecord {
  unit: string;
  year: number;
  trips: PlannedTrip[] | null;
  approved: { by: string; at: string } | null;
  proposal: { trips: PlannedTrip[]; by: string; at: string } | null;
}

export type PlanMatch =
  | { outcome: 'no-plan'; message: Label }
  | { outcome: 'planned'; tripId: string; message: Label }
  /** `comparedWith`: the plan's trips it was held against (the nearest free one, else those taken); it holds none. */
  | { outcome: 'over-plan'; comparedWith: string[]; message: Label }
  | { outcome: 'unplanned'; message: Label };

export const quarterOf = (date: string): Quarter => (Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1) as Quarter;

/** What A01 asks of a trip (planQuestion): its purpose and quarter, the countries it visits (tripCountries), its size. */
export interface PlanQuestion {
  purpose: Purpose;
  quarter: Quarter;
  countries: readonly string[];
  size: number;
}

/** A case's question for the plan check (matchAnnualPlan): from its facts. */
export const planQuestion = (facts: Pick<CaseFacts, 'purpose' | 'departureDate' | 'members' | 'destinations'>): PlanQuestion => ({
  purpose: facts.purpose,
  quarter: quarterOf(facts.departureDate),
  countries: tripCountries(facts as CaseFacts),
  size: facts.members.length,
});

const candidatesFor = (plan: AnnualPlan, q: PlanQuestion) => plan.trips.filter((t) => t.purpose === q.purpose && t.quarter === q.quarter);
const coversTrip = (t: PlannedTrip, q: PlanQuestion) => q.countries.every((c) => t.countries.includes(c)) && q.size <= t.size;

/** The planned trip a question is planned by: `held` (the one its case holds) while it still covers it, else the first free one. */
function plannedBy(plan: AnnualPlan, q: PlanQuestion, taken: ReadonlySet<string>, held?: string): PlannedTrip | undefined {
  const candidates = candidatesFor(plan, q).filter((t) => coversTrip(t, q) && !taken.has(t.id));
  return candidates.find((t) => t.id === held) ?? candidates[0];
}

/**
 * A01: the trip against the unit's annual plan for its departure year. 'planned': a planned trip of the same
 * purpose and quarter whose countries cover the trip's and whose size is not exceeded, and that no other delegation
 * of the unit took (`taken`: the plan's trip ids other cases not closed recorded as planned at their A01:
 * RegistriesRepository.planMatch, libs/persistence); the one the case holds (`held`) while it still qualifies, so an
 * A01 run again keeps its trip (assignPlannedTrips relies on it); 'over-plan': such a trip exists but the delegation
 * is larger or goes to more countries, or every trip it matches, wholly or in part, was taken by another delegation (a planned trip
 * covers one delegation; trial H2's kind, quota used by other open cases: a plan of one US trip let every US trip of
 * the quarter read 计划内); 'unplanned': none (the reviewer needs a written reason); 'no-plan': no plan on file for
 * the departure's year (a written reason too: OUTSIDE_PLAN_OUTCOMES).
 */
export function matchAnnualPlan(
  plan: AnnualPlan | null,
  facts: Pick<CaseFacts, 'purpose' | 'departureDate' | 'members' | 'destinations'>,
  taken: ReadonlySet<string> = new Set(),
  held?: string,
): PlanMatch {
  if (!plan) {
    const year = facts.departureDate.slice(0, 4);
    return { outcome: 'no-plan', message: { zh: `未登记${year}年度出访计划`, en: `No annual outbound plan on file for ${year}` } };
  }
  const q = planQuestion(facts);
  const candidates = candidatesFor(plan, q);
  const exact = plannedBy(plan, q, taken, held);
  if (exact)
    return { outcome: 'planned', tripId: exact.id, message: { zh: `列入年度计划（${exact.id}）`, en: `In the annual plan (${exact.id})` } };
  const partial = candidates.find((t) => !taken.has(t.id) && q.countries.some((c) => t.countries.includes(c)));
  if (partial)
    return {
      outcome: 'over-plan',
      comparedWith: [partial.id],
      message: {
        zh: `超出年度计划（${partial.id}：${partial.size}人，${partial.countries.map((c) => countryLabel(c).zh).join('、')}）`,
        en: `Over the annual plan (${partial.id}: ${partial.size} people, ${partial.countries.map((c) => countryLabel(c).en).join(', ')})`,
      },
    };
  // Every trip it matches, wholly or in part, is taken: named all (trial: the note named one when the plan had two). A
  // larger delegation than a taken trip's is over the plan as a smaller one is (twenty-third trial: 6 people against a
  // taken trip of 5 read unplanned, 5 read over-plan).
  const used = candidates.filter((t) => q.countries.some((c) => t.countries.includes(c))).map((t) => t.id);
  if (used.length > 0)
    return {
      outcome: 'over-plan',
      comparedWith: used,
      message: {
        zh: `超出年度计划（${used.join('、')}已由本单位其他团组使用）`,
        en:
          used.length === 1
            ? `Over the annual plan (${used[0]} was taken by another delegation of the unit)`
            : `Over the annual plan (${used.join(', ')} were taken by other delegations of the unit)`,
      },
    };
  return {
    outcome: 'unplanned',
    // Where the reason goes (trial 59: the new trip's check said a reason was needed and the form has no box for it).
    message: {
      zh: '未列入年度计划，须由本单位书面说明理由（外办规则审核 B05 时载明）',
      en: "Not in the annual plan: the unit's written reason is needed (stated at the FAO rule review, B05)",
    },
  };
}

/** An open case as the plan's trips are shared out (assignPlannedTrips): its question and the trip it holds, if any. */
export interface PlanClaimant {
  caseId: string;
  question: PlanQuestion;
  held: string | null;
}

/**
 * Who holds which planned trip after the plan changed or a trip was freed, decided once, in filing order
 * (thirteenth trial: re-saving a plan gave a trip to whichever case's A01 ran first). `claimants`: the unit's open
 * cases departing in the plan's year, earliest filed first; `fixed`: trips held by cases that keep them whatever
 * happens (departed or completed: the trip was made). First each case keeps the trip it holds while that still
 * exists, covers it and is not fixed; then each case left without one, in filing order, gets the first free trip
 * that covers it. Each case's A01 run again then finds the same (matchAnnualPlan keeps a held trip). Returns every
 * claimant's trip id, or null.
 */
export function assignPlannedTrips(
  plan: AnnualPlan | null,
  claimants: readonly PlanClaimant[],
  fixed: ReadonlySet<string>,
): Map<string, string | null> {
  const out = new Map<string, string | null>(claimants.map((c) => [c.caseId, null]));
  if (!plan) return out;
  const taken = new Set(fixed);
  for (const c of claimants) {
    const held = c.held === null ? undefined : plan.trips.find((t) => t.id === c.held);
    if (held && !taken.has(held.id) && candidatesFor(plan, c.question).includes(held) && coversTrip(held, c.question)) {
      out.set(c.caseId, held.id);
      taken.add(held.id);
    }
  }
  for (const c of claimants) {
    if (out.get(c.caseId) !== null) continue;
    const trip = plannedBy(plan, c.question, taken);
    if (!trip) continue;
    out.set(c.caseId, trip.id);
    taken.add(trip.id);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Process versions: what changed

export interface DefinitionChange {
  kind: 'step-added' | 'step-removed' | 'step-changed' | 'setting-changed';
  step?: string;
  field?: string;
  from?: unknown;
  to?: unknown;
}

const STEP_FIELDS: Array<keyof StepDefinition> = [
  'phase',
  'actor',
  'scope',
  'needs',
  'durationWd',
  'condition',
  'kind',
  'durationSource',
  'name',
  'behaviour',
];

/** A JSON value with every object's keys in order: two values that differ only in key order (`{zh, en}`, `{en, zh}`) are the same. */
const canonical = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(canonical)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
        )
      : v;
/**
 * Whether two JSON values are equal whatever their objects' key order (new-user trial: every step's name listed as
 * changed, zh and en swapped).
 */
export const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
const same = sameValue;

/** Steps added, removed or changed (field by field), and settings changed (by top-level key path), from → to. */
export function diffDefinitions(
  from: { definition: ProcessDefinition; settings?: Record<string, unknown> },
  to: { definition: ProcessDefinition; settings?: Record<string, unknown> },
): DefinitionChange[] {
  const changes: DefinitionChange[] = [];
  const before = new Map(from.definition.steps.map((s) => [s.code, s]));
  const after = new Map(to.definition.steps.map((s) => [s.code, s]));
  for (const [code, s] of after) {
    const old = before.get(code);
    if (!old) {
      changes.push({ kind: 'step-added', step: code });
      continue;
    }
    for (const f of STEP_FIELDS)
      if (!same(old[f], s[f])) changes.push({ kind: 'step-changed', step: code, field: f, from: old[f] ?? null, to: s[f] ?? null });
  }
  for (const code of before.keys()) if (!after.has(code)) changes.push({ kind: 'step-removed', step: code });
  const flat = (o: Record<string, unknown> | undefined, prefix = ''): Map<string, unknown> => {
    const out = new Map<string, unknown>();
    for (const [k, v] of Object.entries(o ?? {})) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (v && typeof v === 'object' && !Array.isArray(v)) for (const [kk, vv] of flat(v as Record<string, unknown>, key)) out.set(kk, vv);
      else out.set(key, v);
    }
    return out;
  };
  const sa = flat(from.settings);
  const sb = flat(to.settings);
  for (const k of new Set([...sa.keys(), ...sb.keys()]))
    if (!same(sa.get(k), sb.get(k))) changes.push({ kind: 'setting-changed', field: k, from: sa.get(k) ?? null, to: sb.get(k) ?? null });
  return changes;
}

// ---------------------------------------------------------------------------------------------
// Holiday schedules loaded by the office

/**
 * Problems of a year's schedule, by field: a day outside the year ('in-year'), an adjusted working day that is
 * not a Saturday or Sunday ('weekend': 调休 only moves weekend days), a day both off and worked ('not-both').
 */
export function scheduleProblems(s: YearSchedule): Array<{ field: string; rule: string; message: Label }> {
  const errors: Array<{ field: string; rule: string; message: Label }> = [];
  const inYear = (d: string) => Number(d.slice(0, 4)) === s.year;
  s.holidays.forEach((d, i) => {
    if (!inYear(d))
      errors.push({ field: `holidays[${i}]`, rule: 'in-year', message: { zh: `${d} 不在 ${s.year} 年`, en: `${d} is not in ${s.year}` } });
  });
  const off = new Set(s.holidays);
  s.workdays.forEach((d, i) => {
    if (!inYear(d))
      errors.push({ field: `workdays[${i}]`, rule: 'in-year', message: { zh: `${d} 不在 ${s.year} 年`, en: `${d} is not in ${s.year}` } });
    const wd = weekdayOf(dayNumber(d));
    if (wd >= 1 && wd <= 5)
      errors.push({
        field: `workdays[${i}]`,
        rule: 'weekend',
        message: { zh: `${d} 不是周末，无需调休上班`, en: `${d} is not a weekend day: only weekends are adjusted working days` },
      });
    if (off.has(d))
      errors.push({
        field: `workdays[${i}]`,
        rule: 'not-both',
        message: { zh: `${d} 同时列为假日和调休上班日`, en: `${d} is listed both as a holiday and as a working day` },
      });
  });
  return errors;
}

/**
 * Weekday holidays a year's schedule may hold: the State Council's schedules give about 18-20 (2025: New Year 1,
 * Spring Festival 6, Qingming 1, Labour Day 3, Dragon Boat 1, National Day 6), so more than twice that is no
 * published schedule (new-user trial: a year of every weekday off was accepted, and every case re-planned on it).
 */
export const MAX_WEEKDAY_HOLIDAYS = 40;

/**
 * The statutory holidays (statutoryHolidays) of a year that fall on a weekday: days off in every State Council
 * schedule, whatever it moves around them (调休 moves weekends only). From 2025, the year the rules statutoryHolidays
 * computes came into force (State Council Decree No. 795); none for earlier years (their rules differed: no 除夕, one
 * day of Labour Day) or past STATUTORY_HOLIDAY_YEARS.to (2099, the lunar tables: CALENDAR_YEARS stops there, so no
 * schedule the registries take goes unchecked).
 */
export function statutoryWeekdays(year: number): Array<{ date: string; name: Label }> {
  return statutoryInForce(year).filter((h) => weekdayOf(dayNumber(h.date)) >= 1 && weekdayOf(dayNumber(h.date)) <= 5);
}

/** Every statutory holiday of a year (weekends too) under the rules in force, for the years statutoryWeekdays checks. */
function statutoryInForce(year: number): Array<{ date: string; name: Label }> {
  if (year < 2025 || year > STATUTORY_HOLIDAY_YEARS.to) return [];
  return statutoryHolidays(year);
}

/**
 * Adjusted working days (调休上班) a year's schedule may hold. The State Council's notices in the chinese-days data
 * give 5-8 a year from 2014 to 2026 (2025: 5, 2026: 6) and 12 at most (2013, when three-day breaks each took two
 * weekend days); more than 12 (half again the usual most, every published schedule since 2004 within it) is no
 * published schedule (new-user trial: all 98 weekend days of 2027 were loaded as working days, and every running case
 * re-planned on a year without weekends).
 */
export const MAX_ADJUSTED_WORKDAYS = 12;

/**
 * How far, in calendar days, an adjusted working day may lie from a holiday: 调休 moves the weekend of the week before
 * or after a break into it, so every working day of the published schedules (chinese-days, 2004-2026) lies at most 6
 * days from a day off (2021-04-25, 2022-04-24, 2023-04-23 before Labour Day; 2024-05-11 after it).
 */
export const MAX_WORKDAY_HOLIDAY_DISTANCE = 7;

/**
 * What a schedule sent to the registries must also hold, beyond scheduleProblems (which the workflow also applies to a
 * calendar signal, so it stays as recorded histories know it): each day listed once (a day given twice was silently
 * stored once), at most MAX_WEEKDAY_HOLIDAYS weekday holidays, and every statutory holiday on a weekday among the days
 * off (statutoryWeekdays, rule `statutory-holidays`; trial: an empty schedule was loaded, and every running case re-planned
 * on a year without holidays). Its adjusted working days are plausible as the State Council sets them (new-user trial:
 * all 98 weekend days of 2027, and the weekend days of its Spring Festival, Labour Day and National Day, were loaded as
 * working days, and every running case re-planned): from 2025, none is a statutory holiday (statutoryHolidays, weekends
 * included: rule `not-statutory` at `workdays[i]`; 调休 moves weekends around the holidays, never onto them); each lies
 * within MAX_WORKDAY_HOLIDAY_DISTANCE days of a day off of the schedule, a statutory holiday of its year or 1 January of
 * the next (rule `near-holiday` at `workdays[i]`: a notice's working weekend at the end of December, as 2011-12-31,
 * belongs to the next year's New Year; days outside the year are left to `in-year`); at most MAX_ADJUSTED_WORKDAYS of
 * them (rule `plausible-count` at `workdays`). That they are weekend days is scheduleProblems' rule `weekend`. Fields as
 * the request names them. Pure.
 */
export function scheduleEntryProblems(s: YearSchedule): Array<{ field: string; rule: string; message: Label }> {
  const errors: Array<{ field: string; rule: string; message: Label }> = [];
  for (const list of ['holidays', 'workdays'] as const) {
    const seen = new Set<string>();
    s[list].forEach((d, i) => {
      if (seen.has(d))
        errors.push({ field: `${list}[${i}]`, rule: 'unique', message: { zh: `${d} 重复列出`, en: `${d} is listed twice` } });
      seen.add(d);
    });
  }
  const isWeekday = (d: string) => isIsoDate(d) && weekdayOf(dayNumber(d)) >= 1 && weekdayOf(dayNumber(d)) <= 5;
  const weekdayOff = new Set(s.holidays.filter(isWeekday));
  const missing = statutoryWeekdays(s.year).filter((h) => !weekdayOff.has(h.date));
  if (missing.length > 0)
    errors.push({
      field: 'holidays',
      rule: 'statutory-holidays',
      message: {
        zh: `缺少逢工作日的法定节假日：${missing.map((h) => `${h.date}（${h.name.zh}）`).join('、')}（《全国年节及纪念日放假办法》第二条）`,
        en: `Statutory holidays on weekdays are missing: ${missing.map((h) => `${h.date} (${h.name.en})`).join(', ')} (National Holidays Regulation, art. 2)`,
      },
    });
  if (weekdayOff.size > MAX_WEEKDAY_HOLIDAYS)
    errors.push({
      field: 'holidays',
      rule: 'plausible-count',
      message: {
        zh: `工作日放假${weekdayOff.size}天，超过${MAX_WEEKDAY_HOLIDAYS}天：国务院公布的放假安排每年约18-20个工作日，请核对`,
        en: `${weekdayOff.size} weekdays off, more than ${MAX_WEEKDAY_HOLIDAYS}: the State Council's schedules give about 18-20 a year; check the list`,
      },
    });
  const statutory = new Map(statutoryInForce(s.year).map((h) => [h.date, h.name]));
  const near = [
    ...s.holidays.filter((d) => isIsoDate(d)),
    ...(s.year >= STATUTORY_HOLIDAY_YEARS.from && s.year <= STATUTORY_HOLIDAY_YEARS.to ? statutoryHolidays(s.year).map((h) => h.date) : []),
    `${s.year}-01-01`,
    `${s.year + 1}-01-01`,
  ].map((d) => dayNumber(d));
  s.workdays.forEach((d, i) => {
    const name = statutory.get(d);
    if (name)
      errors.push({
        field: `workdays[${i}]`,
        rule: 'not-statutory',
        message: {
          zh: `${d} 是法定节假日（${name.zh}），不能调休上班（《全国年节及纪念日放假办法》第二条）`,
          en: `${d} is a statutory holiday (${name.en}), not an adjusted working day (National Holidays Regulation, art. 2)`,
        },
      });
    if (!isIsoDate(d) || Number(d.slice(0, 4)) !== s.year) return;
    const dn = dayNumber(d);
    if (!near.some((h) => Math.abs(h - dn) <= MAX_WORKDAY_HOLIDAY_DISTANCE))
      errors.push({
        field: `workdays[${i}]`,
        rule: 'near-holiday',
        message: {
          zh: `${d} 前后${MAX_WORKDAY_HOLIDAY_DISTANCE}天内没有假日：调休上班日都在假期前后一周内，请核对`,
          en: `${d} is more than ${MAX_WORKDAY_HOLIDAY_DISTANCE} days from any holiday: adjusted working days lie within a week of a break; check the list`,
        },
      });
  });
  const worked = new Set(s.workdays).size;
  if (worked > MAX_ADJUSTED_WORKDAYS)
    errors.push({
      field: 'workdays',
      rule: 'plausible-count',
      message: {
        zh: `调休上班${worked}天，超过${MAX_ADJUSTED_WORKDAYS}天：国务院公布的放假安排每年约5-8天，请核对`,
        en: `${worked} adjusted working days, more than ${MAX_ADJUSTED_WORKDAYS}: the State Council's schedules give about 5-8 a year; check the list`,
      },
    });
  return errors;
}

/** Where a year's working calendar comes from: loaded by the office, the package's data, or provisional. */
export type CalendarSource = 'loaded' | 'package' | 'provisional';

/** One year of GET /api/registries/calendars: its source and how many days off and adjusted working days it has. */
export interface CalendarYearSummary {
  year: number;
  source: CalendarSource;
  provisional: boolean;
  holidays: number;
  workdays: number;
  loadedBy?: string;
  loadedAt?: string;
  note?: string;
}

/**
 * The years the registries keep: annual plans (the API's `year` of `units/{code}/plans/{year}`) and the schedules a
 * `calendarChanged` signal may carry (isYearScheduleList, which the workflow applies: it stays as recorded histories
 * know it). A schedule the registries are sent is held to CALENDAR_YEARS, within this.
 */
export const SCHEDULE_YEARS = { from: 2000, to: 2100 } as const;

/**
 * The years a holiday schedule may be loaded for (`PUT /api/registries/calendars/{year}`, `calendar import`) and read
 * (`GET calendars/{year}`): SCHEDULE_YEARS up to the last year the statutory holidays are known
 * (STATUTORY_HOLIDAY_YEARS.to, 2099: the lunar tables), so the rule `statutory-holidays` checks every year loaded
 * (2100 was taken unchecked). Beyond it: rule `max` at the year.
 */
export const CALENDAR_YEARS = {
  from: SCHEDULE_YEARS.from,
  to: Math.min(SCHEDULE_YEARS.to, STATUTORY_HOLIDAY_YEARS.to),
} as const;

/**
 * A year that has ended is on record (its annual plans, its holiday schedule): rule `not-past` at `year` for a year
 * before `today`'s (YYYY-MM-DD, Asia/Shanghai), else none. `record`: what of the year, in both languages (the
 * message names it). The API answers it 409 ACTION_NOT_ALLOWED at `path.year` (assertNotPast). Pure.
 */
export function pastYearProblem(year: number, today: string, record: Label): RegistryFieldProblem | undefined {
  if (year >= Number(today.slice(0, 4))) return undefined;
  return {
    field: 'year',
    rule: 'not-past',
    message: { zh: `只能登记或修改本年度及以后的${record.zh}`, en: `Only this and later years' ${record.en} may be filed or changed` },
  };
}

/**
 * A plan for a year no departure can fall in: after the year of today + MAX_DEPARTURE_AHEAD_DAYS (the departure horizon,
 * two years: departureHorizonViolations), rule `max` at `year` naming the last year, else none (thirtieth trial: a plan
 * for 2100 was filed, while no case can depart after two years from today). Pure.
 */
export function planYearHorizonProblem(year: number, today: string): RegistryFieldProblem | undefined {
  const last = Number(addDays(today, MAX_DEPARTURE_AHEAD_DAYS).slice(0, 4));
  if (year <= last) return undefined;
  return {
    field: 'year',
    rule: 'max',
    message: {
      zh: `不得晚于${last}年（出发日期须在今天起两年内，没有案件能在更晚的年份出发）`,
      en: `Must be at most ${last} (a departure is within two years of today: no case can depart in a later year)`,
    },
  };
}

/**
 * The first quarter of `year` whose planned trips may be added or changed (Asia/Shanghai `today`): 1 for a later year,
 * this quarter for this year, 5 (none) for a year that has ended (pastYearProblem, pastQuarterPlanProblems).
 */
export function firstOpenPlanQuarter(year: number, today: string): number {
  const thisYear = Number(today.slice(0, 4));
  return year > thisYear ? 1 : year < thisYear ? 5 : quarterOf(today);
}

/**
 * A plan filed (or a filing approved) for this year keeps the approved plan's trips of the quarters that have passed
 * (Asia/Shanghai `today`) as they are: A01 matched that quarter's trips against them, so a past quarter's planned trip
 * may not be added, changed or removed (fresh trial: the organizer filed this year's plan with trips in quarters already
 * over). `approved`: the plan's approved trips (null: none yet, so no past-quarter trip may be filed); `filed`: the
 * trips sent. Each problem names `trips[i]` (added or changed) or `trips` (removed), rule `not-past`; none for a later year.
 */
export function pastQuarterPlanProblems(
  approved: readonly PlannedTrip[] | null,
  filed: readonly PlannedTrip[],
  year: number,
  today: string,
): RegistryFieldProblem[] {
  if (year !== Number(today.slice(0, 4))) return [];
  const current = firstOpenPlanQuarter(year, today);
  const past = (t: PlannedTrip) => t.quarter < current;
  const same = (a: PlannedTrip, b: PlannedTrip) =>
    a.id === b.id &&
    a.purpose === b.purpose &&
    a.size === b.size &&
    a.quarter === b.quarter &&
    [...a.countries].sort().join() === [...b.countries].sort().join();
  const before = (approved ?? []).filter(past);
  const problems: RegistryFieldProblem[] = [];
  filed.forEach((t, i) => {
    const was = (approved ?? []).find((a) => a.id === t.id);
    if ((past(t) || (was && past(was))) && !(was && same(t, was)))
      problems.push({
        field: `trips[${i}]`,
        rule: 'not-past',
        message: {
          zh: `第${t.quarter}季度${was && past(was) && was.quarter !== t.quarter ? `（原第${was.quarter}季度）` : ''}已过去：已批准计划中过去季度的出访不能新增或修改`,
          en: `Quarter ${t.quarter}${was && past(was) && was.quarter !== t.quarter ? ` (was ${was.quarter})` : ''} is over: the approved plan's trips of a past quarter are not added or changed`,
        },
      });
  });
  for (const a of before)
    if (!filed.some((t) => t.id === a.id))
      problems.push({
        field: 'trips',
        rule: 'not-past',
        message: {
          zh: `已批准计划中第${a.quarter}季度的出访 ${a.id} 已过去，不能删除`,
          en: `Planned trip ${a.id} of quarter ${a.quarter}, which is over, is kept: a past quarter's trip is not removed`,
        },
      });
  return problems;
}

/** What a holiday schedule is, in the words of pastYearProblem's message: 放假安排 / holiday schedule. */
export const HOLIDAY_SCHEDULE_RECORD: Label = { zh: '放假安排', en: 'holiday schedule' };

/**
 * Every problem of a holiday schedule sent to the registries, whichever way it comes: `PUT
 * /api/registries/calendars/{year}` (RegistriesService.putCalendar) and the admin CLI's `calendar import`
 * (apps/admin/main.ts) both refuse exactly what this returns (one home for the rules: the CLI checked scheduleProblems
 * only, and could load a schedule the API refuses).
 *
 * Shape: `s` is one year's schedule as sent, its days in the order given (fields name their positions: `holidays[i]`,
 * `workdays[i]`); `today` is today's date YYYY-MM-DD in Asia/Shanghai (shanghaiDate). Returns `{ field, rule, message }`
 * in this order, [] for a schedule that may be stored:
 * - `year`, rule `min` / `max`: outside CALENDAR_YEARS (the API's path schema refuses this first, 400 at `path.year`);
 * - `year`, rule `not-past`: a year that has ended is on record (pastYearProblem; the API answers it alone, 409 at
 *   `path.year`; trial: 2024 was emptied and a running case re-planned on it);
 * - scheduleEntryProblems: `unique` (a day listed twice), `statutory-holidays` (from 2025, a statutory holiday on a
 *   weekday missing from the days off: 《全国年节及纪念日放假办法》 art. 2 as amended by State Council Decree No. 795),
 *   `plausible-count` (more than MAX_WEEKDAY_HOLIDAYS weekdays off); at `workdays[i]`, `not-statutory` (from 2025, an
 *   adjusted working day on a statutory holiday) and `near-holiday` (more than MAX_WORKDAY_HOLIDAY_DISTANCE days from any
 *   holiday), and at `workdays`, `plausible-count` (more than MAX_ADJUSTED_WORKDAYS adjusted working days; trial: all
 *   98 weekend days of 2027 were loaded as working days);
 * - scheduleProblems: `in-year`, `weekend` (an adjusted working day on a weekday), `not-both`, each at its place in
 *   the lists as sent, as every other problem here (thirtieth trial: they counted in the sorted lists, and a 2027 day
 *   sent last in a 2028 schedule was named `holidays[0]`).
 * The API answers the last two groups 422 INVALID_REQUEST with these fields. Pure.
 */
export function scheduleImportProblems(s: YearSchedule, { today }: { today: string }): RegistryFieldProblem[] {
  const range: RegistryFieldProblem[] =
    s.year < CALENDAR_YEARS.from
      ? [{ field: 'year', rule: 'min', message: { zh: `不得小于${CALENDAR_YEARS.from}`, en: `Must be at least ${CALENDAR_YEARS.from}` } }]
      : s.year > CALENDAR_YEARS.to
        ? [{ field: 'year', rule: 'max', message: { zh: `不得大于${CALENDAR_YEARS.to}`, en: `Must be at most ${CALENDAR_YEARS.to}` } }]
        : [];
  const past = pastYearProblem(s.year, today, HOLIDAY_SCHEDULE_RECORD);
  return [...range, ...(past ? [past] : []), ...scheduleEntryProblems(s), ...scheduleProblems(s)];
}

/**
 * Whether `value` is a list of schedules a calendar can take: objects `{ year, holidays, workdays }` with an
 * integer year in SCHEDULE_YEARS, at most 366 ISO days (YYYY-MM-DD) in each list (the API stores each day once), no scheduleProblems, each
 * year once. The API checks a schedule field by field before storing it; a `calendarChanged` signal from any
 * Temporal client arrives unchecked, and the workflow refuses what fails this (issue 12: nothing wedges).
 */
export function isYearScheduleList(value: unknown): value is YearSchedule[] {
  if (!Array.isArray(value)) return false;
  const years = new Set<number>();
  for (const s of value as unknown[]) {
    if (typeof s !== 'object' || s === null) return false;
    const { year, holidays, workdays } = s as Record<string, unknown>;
    if (typeof year !== 'number' || !Number.isInteger(year) || year < SCHEDULE_YEARS.from || year > SCHEDULE_YEARS.to) return false;
    if (years.has(year)) return false;
    years.add(year);
    for (const days of [holidays, workdays])
      if (!Array.isArray(days) || days.length > 366 || !days.every((d) => isIsoDate(d))) return false;
    if (scheduleProblems({ year, holidays, workdays } as YearSchedule).length > 0) return false;
  }
  return true;
}
