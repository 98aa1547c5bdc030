import { Inject, Injectable } from '@nestjs/common';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import holidayData from 'chinese-days/dist/chinese-days.json';
import {
  CLOSED_STATUSES,
  instanceKey,
  historyKeys,
  normalPassportNumber,
  passportExpired,
  isPassportNumber,
  type PersonStatus,
  COUNTRIES,
  mayEverSeeInClear,
  resolveCountryTable,
  mayReadRoster,
  mayReadUnitRecords,
  mayWriteRoster,
  registryUnitKind,
  type RegistryUnit,
  DEFAULT_DEFINITION,
  DefinitionError,
  diffDefinitions,
  holidayDataCoverage,
  loadDefinition,
  publishedDefinition,
  upcastDefinition,
  validateDefinition,
  passportState,
  checkInDueDays,
  checkOutProblems,
  duplicatePersonLabel,
  HOLIDAY_SCHEDULE_RECORD,
  pastQuarterPlanProblems,
  pastYearProblem,
  planYearHorizonProblem,
  type RegistryFieldProblem,
  scheduleImportProblems,
  daysOverdue,
  shanghaiDate,
  snapshotMember,
  typedMemberIdentity,
  custodyClaimProblem,
  addDays,
  personIdentityKey,
  ANOTHER_PERSONS_PASSPORT,
  personNameKey,
  sameMemberPerson,
  custodyMoveProblem,
  type CustodyMoveProblem,
  type Ownership,
  type WhitelistState,
  custodyMoveLabel,
  custodyMovePassport,
  travelPassport,
  type CustodyMove,
  passportNumberKey,
  RANK_LABELS,
  RANKS,
  type Rank,
  type Label,
  statutoryHolidays,
  unitSuspension,
  validateOverrides,
  PERSON_STATUS_LABELS,
  type AnnualPlan,
  type PlannedTrip,
  type CalendarYearSummary,
  type CaseFacts,
  type CustodyPassport,
  type OfficeSettings,
  type PlanMatch,
  type ProcessDefinition,
  type RegisteredPerson,
  type RegisteredUnit,
  type Suspension,
  REGISTRY_WRITERS,
  type YearSchedule,
  unitLabel,
  seesInClear,
  type PersonalDataClass,
  unknownDefinitionFields,
  unknownSettingsFields,
  unknownCountryMessage,
  officeUnitRegistryProblems,
} from '@df/domain';
import type { DelegationProgress } from '@df/contracts';
import {
  ApecRepository,
  DuplicatePersonError,
  memberHasPersonKey,
  PASSPORT_NUMBER_CLAIMS,
  stepNumberHolder,
  openCaseMembersWithPassport,
  openCaseMembers,
  PassportHeldError,
  PassportRegisteringError,
  UnitReferenceError,
  PassportExpiredError,
  PassportTransitionError,
  passportStateLabel,
  RegistryDateError,
  RegistriesRepository,
  UsersRepository,
  type RegistryActor,
  type StandingHold,
} from '@df/persistence';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import { seesAllUnits, type AuthUser } from '../auth/access';
import { withActorNames } from '../common/actor-names';
import { echo } from '../common/echo';
import { maskPassportNumber } from '../common/masking';
import { DomainError, domainError, ruleRefusal, type FieldError } from '../common/errors';
import { assertKnownUnit, storedUnitCode } from '../common/unit-filter';
import { assertRegisteredClerk } from '../common/registered-clerk';
import { isUuid } from '../common/uuid';
import { parseOrThrow, parsePathParam } from '../common/validation';
import { REGISTRY_MEMBER_FIELDS } from '../delegations/schemas';
import { isKeptMember } from '../delegations/kept-members';
import { seedDemoRegistries } from './seed';
import {
  AnnualPlanSchema,
  PlanApprovalSchema,
  ChangesQuerySchema,
  UnitQuerySchema,
  ClassifiedAccessSchema,
  code as CodeSchema,
  passportNumber as PassportNumberSchema,
  processVersionKey as ProcessVersionKeySchema,
  passportRef as PassportRefSchema,
  HolidayScheduleSchema,
  PassportRegistrationSchema,
  PassportTransitionSchema,
  PersonSchema,
  ProcessVersionSchema,
  UnitSchema,
  year as YearSchema,
  calendarYear as CalendarYearPathSchema,
} from './schemas';

/**
 * A person id the caller may not read, or none: one answer for both, without the id (a person id is personal data, and
 * repeating it would say nothing the caller lacks while the masking walk counts it as shown).
 */
const noPersonInReach = () =>
  domainError('NOT_FOUND', '花名册中没有此人员，或不在您可查看的范围内', 'No such person on a roster you may read');

const outOfScope = () =>
  domainError('CASE_OUT_OF_SCOPE', '只能查看和维护本单位的登记信息', "You may read and keep only your own unit's records");
const notFound = (zh: string, en: string) => domainError('NOT_FOUND', zh, en);
/**
 * A year that has ended is on record (its annual plans, its holiday schedule): the domain's pastYearProblem (rule
 * `not-past`, a year before this one, Asia/Shanghai) as 409 ACTION_NOT_ALLOWED at `path.year`. `record`: what of the
 * year, in both languages.
 */
const pastYearRefusal = (year: number, record: Label, problem: RegistryFieldProblem): DomainError =>
  new DomainError(
    'ACTION_NOT_ALLOWED',
    { zh: `${year} 年已结束，其${record.zh}已归档，不能修改`, en: `${year} has ended: its ${record.en} is on record and cannot change` },
    { errors: [{ ...problem, field: 'path.year' }] },
  );
function assertNotPast(year: number, record: Label): void {
  const past = pastYearProblem(year, today(), record);
  if (past) throw pastYearRefusal(year, record, past);
}
/** This year's quarters that have passed are on record too (pastQuarterPlanProblems): 409 naming each trip. */
function assertPastQuartersKept(approved: readonly PlannedTrip[] | null, filed: readonly PlannedTrip[], year: number): void {
  const problems = pastQuarterPlanProblems(approved, filed, year, today());
  if (problems.length > 0)
    throw new DomainError(
      'ACTION_NOT_ALLOWED',
      {
        zh: `${year} 年已过去季度的计划出访已归档，不能新增、修改或删除`,
        en: `The planned trips of ${year}'s past quarters are on record: not added, changed or removed`,
      },
      { errors: problems },
    );
}
const actorOf = (user: AuthUser): RegistryActor => ({ id: user.id, role: user.role });

/** Whether the user's filing of a plan is the approved plan (the FAO clerk) rather than a proposal (the unit's organizer). */
const approvesPlans = (user: AuthUser): boolean => (REGISTRY_WRITERS.planApproval as readonly string[]).includes(user.role);
const today = (): string => shanghaiDate(Date.now());

/** A case member as the custody ledger's checks read them (Member, libs/domain): the roster person and the passport's number. */
export interface LedgerMember {
  personId?: string;
  passport?: { number?: string } | null;
}

export type { CalendarSource } from '@df/domain';

/** Who is told of annual plan changes (the API's AnnualPlanRecheckService); none in tools. */
export interface AnnualPlanListener {
  planChanged(unit: string, year: number): Promise<{ signalled: number; failed: number }>;
}

/** What the submission hook hands back: the submission as the registries know it, and the process version for a new case. */
export interface ResolvedSubmission {
  submission: unknown;
  definition: ProcessDefinition;
  settings: OfficeSettings;
}

/**
 * The registries of issue 14: units (开户备案) and their annual plans, rosters, passports in custody, holiday
 * schedules and process versions; scoping (FAO roles see all, a unit's roles their own); and the submission hook.
 */
@Injectable()
export class RegistriesService {
  /** Told when a schedule is loaded (the API's CalendarReplanService re-plans running cases); none in tools. */
  private scheduleListener?: (schedules: YearSchedule[]) => Promise<{ signalled: number; failed: number }>;
  private planListener?: AnnualPlanListener;
  /** The case workflow's own answer (answerCasesWith), for a manual check-out's confirmation; none in tools. */
  private caseAnswer?: (
    caseId: string,
  ) => Promise<Pick<DelegationProgress, 'status' | 'facts' | 'definitionVersion' | 'steps' | 'withdrawnMembers'>>;

  private registrationGuard?: (userId: string, heldElsewhere: boolean) => Promise<void>;

  private readonly apec: ApecRepository;
  /** Published process versions already read (processDefinition): immutable once published. */
  private readonly publishedDefinitions = new Map<string, ProcessDefinition>();

  constructor(
    private readonly repo: RegistriesRepository,
    private readonly db: DataSource,
    private readonly users: UsersRepository,
    @Inject(API_CONFIG) private readonly config: Pick<ServiceConfig, 'officeUnits'>,
  ) {
    this.apec = new ApecRepository(db);
  }

  /**
   * C05's new passport (schema `new-passport`) against the custody ledger, before the completion is sent: a number the
   * ledger holds for anyone but this member's roster person is 422 `data.number` `passport-holder`, the holder not
   * named (as the registries refuse a member's number). The workflow's validator cannot read the ledger: a client that
   * bypasses the API meets the worker's note instead (the passport is not registered). A malformed number is left to
   * the schema's own rule.
   */
  async newPassportHolderProblem(caseId: string, memberId: string | undefined, number: unknown): Promise<FieldError | null> {
    if (!isPassportNumber(number)) return null;
    const normal = normalPassportNumber(number);
    const isThisMember = async (keys: readonly string[]) => {
      if (memberId === undefined) return false;
      for (const key of keys) if (await memberHasPersonKey(this.db.manager, caseId, memberId, key)) return true;
      return false;
    };
    const row = await this.repo.passport(normal);
    if (row) {
      // The member's own passport the ledger holds lost or cancelled is no new passport (trial: C05 recorded the
      // member's lost passport as the new one; the ledger kept it lost, C06 was skipped and C07 moved nothing).
      if (await isThisMember([row.holder])) {
        if (row.state !== 'lost' && row.state !== 'cancelled') return null;
        const state = passportStateLabel(row.state);
        return {
          field: 'data.number',
          rule: 'valid-passport',
          message: {
            zh: `此号码是该成员在护照保管登记中${state.zh}的护照，不是新签发的护照，请核对号码`,
            en: `This number is the member's passport the custody ledger has as ${state.en.toLowerCase()}, not a newly issued one: check the number`,
          },
        };
      }
      return {
        field: 'data.number',
        rule: 'passport-holder',
        message: {
          zh: '此护照号码已在护照保管登记中登记在他人名下，请核对号码',
          en: 'the passport custody ledger holds this number for someone else: check the number',
        },
      };
    }
    // Nor a number another open case gives another person (typed there, not in the ledger: third trial, C05 took a
    // number typed for another case's member). The other case and person are not named.
    for (const other of await openCaseMembersWithPassport(this.db.manager, [normal], caseId, 5))
      if (!(await isThisMember(historyKeys({ unit: other.unit }, other.member))))
        return {
          field: 'data.number',
          rule: 'passport-holder',
          message: {
            zh: '此护照号码是另一在办案件中他人的护照，请核对号码',
            en: "the number is another person's passport on another open case: check the number",
          },
        };
    return null;
  }

  /**
   * Why a member's custody move at a step cannot be made now (custodyMoveProblem: a passport out on loan it waits for,
   * or no valid passport to check out), read from the ledger: the member's roster person's passports and the row of the
   * facts' number. `newNumber`: C05's new passport as sent (a number the ledger's format refuses is the step data's 422
   * before this). Null: the move can be made, or the ledger holds nothing of the member's (noted by the worker's move).
   */
  async custodyMoveProblem(
    action: CustodyMove,
    caseId: string,
    member: LedgerMember,
    newNumber?: unknown,
    returnDate?: string,
  ): Promise<CustodyMoveProblem | null> {
    return (await this.custodyMoveProblems([{ action, caseId, member, newNumber, returnDate }]))[0]!;
  }

  /**
   * The refusal of a step whose custody move cannot be made now (custodyMoveRefusal), a passport out for another running
   * case named as such (withOtherCase): the precheck's, C07's check-out and C05's claim alike.
   */
  async custodyMoveRefusalFor(problem: CustodyMoveProblem, caseId: string, stepKey?: string): Promise<DomainError> {
    return custodyMoveRefusal(await this.withOtherCase(problem, caseId), today(), stepKey);
  }

  /**
   * A passport out for another case that still runs, its holder still on it, is waited for at that case's check-in
   * (forOpenCase), not by hand; one out for a case that closed or its holder left (a refused visa withdrew them: trial
   * 86) comes back by the ledger's check-in. The other case named by its title.
   */
  private async withOtherCase(problem: CustodyMoveProblem, caseId: string): Promise<CustodyMoveProblem> {
    const other = problem.passport.caseId;
    if (problem.reason !== 'checked-out' || !other || other === caseId) return problem;
    const running = await this.repo.caseForCheckOut(other);
    if (running === 'registering') return { ...problem, forOpenCase: true };
    if (!running) return problem;
    const named = running.title ? { ...problem, caseTitle: running.title } : problem;
    return running.open && running.personIds.includes(problem.passport.holder) ? { ...named, forOpenCase: true } : named;
  }

  /**
   * Each of `personIds` as a refusal names a passport's holder: 张三（P-commerce-001）, by the roster's name; the person id
   * alone for one the roster does not hold (trial 86: P-commerce-001 的护照…).
   */
  async holdersNamed(personIds: readonly string[]): Promise<Map<string, string>> {
    const ids = [...new Set(personIds)];
    const people = ids.length > 0 ? await this.repo.people({ ids }) : [];
    const names = new Map(people.map((p) => [p.personId, p.name]));
    return new Map(ids.map((id) => [id, names.has(id) ? `${names.get(id)}（${id}）` : id]));
  }

  /** The passports the custody ledger has out on loan for a case (C07 done, or by hand; not yet back). */
  passportsOutFor(caseId: string): Promise<CustodyPassport[]> {
    return this.repo.passports({ outFor: caseId });
  }

  /**
   * custodyMoveProblem of many members at once (the inbox's passport steps, each as its action's precheck asks it, with
   * no new number), the ledger read in two queries for all; in the order given.
   */
  async custodyMoveProblems(
    moves: ReadonlyArray<{ action: CustodyMove; caseId: string; member: LedgerMember; newNumber?: unknown; returnDate?: string }>,
  ): Promise<Array<CustodyMoveProblem | null>> {
    const passports = await this.membersPassports(moves.map((m) => m.member));
    return Promise.all(
      moves.map(async (m, i) => {
        const { held, byNumber } = passports[i]!;
        const fresh = isPassportNumber(m.newNumber) ? normalPassportNumber(m.newNumber) : undefined;
        const problem = custodyMoveProblem(m.action, m.caseId, held, byNumber, today(), fresh, m.returnDate);
        return problem ? this.withOtherCase(problem, m.caseId) : null;
      }),
    );
  }

  /** A case member's passports in the ledger: their roster person's (`held`) and the row of the facts' number. */
  private async memberPassports(member: LedgerMember): Promise<{ held: CustodyPassport[]; byNumber: CustodyPassport | null }> {
    return (await this.membersPassports([member]))[0]!;
  }

  /** memberPassports of each member, in order: the ledger read once for all. */
  private async membersPassports(
    members: readonly LedgerMember[],
  ): Promise<Array<{ held: CustodyPassport[]; byNumber: CustodyPassport | null }>> {
    const holders = [...new Set(members.flatMap((m) => (m.personId ? [m.personId] : [])))];
    const numberOf = (m: LedgerMember) => {
      const number = m.passport?.number;
      return number && isPassportNumber(number) ? normalPassportNumber(number) : null;
    };
    const numbers = [...new Set(members.flatMap((m) => numberOf(m) ?? []))];
    const [held, numbered] = await Promise.all([
      holders.length ? this.repo.passports({ holders }) : [],
      numbers.length ? this.repo.passports({ numbers }) : [],
    ]);
    return members.map((m) => {
      const number = numberOf(m);
      return {
        held: m.personId ? held.filter((p) => p.holder === m.personId) : [],
        byNumber: (number && numbered.find((p) => p.number === number)) || null,
      };
    });
  }

  /** The calendar days a case's passports are due back after its return (checkInDueDays of its version, else the current rule). */
  private async checkInDays(definitionVersion: string | undefined): Promise<number> {
    const definition = definitionVersion === undefined ? undefined : await this.processDefinition(definitionVersion);
    // A version that declares no check-in (2026.1 ran P02 outside its definition): the current rule.
    return (definition && checkInDueDays(definition)) ?? checkInDueDays(DEFAULT_DEFINITION)!;
  }

  /**
   * C07's check-out made by the API before its completion is sent, in the ledger's transaction under the holder's lock
   * (second trial: two C07s of one person's two cases at once both passed the check, and one was done with nothing
   * checked out): the member's travel passport (custodyMovePassport) out for the case, due back the check-in step's
   * days after the return. The worker's move then finds it out for the case (a no-op). Answers the passport's number
   * when this call moved it (the caller checks it back in if the completion is refused), null when there was nothing
   * to move (already out for the case: a retry; or the ledger holds nothing of the member's). 409 ACTION_NOT_ALLOWED
   * `passport-checked-out` when another request took it first.
   */
  async checkOutForStep(
    caseId: string,
    member: LedgerMember,
    returnDate: string,
    definitionVersion: string,
    actor: RegistryActor,
    stepKey?: string,
  ): Promise<string | null> {
    const { held, byNumber } = await this.memberPassports(member);
    const target = custodyMovePassport('check-out', caseId, held, byNumber);
    if (!target) {
      // Nothing in custody to move: taken for another case since the request's precheck read the ledger (CI: two C07s
      // of one person at once were both done, one with the passport out for the other case). The precheck's refusal,
      // on this read.
      const problem = custodyMoveProblem('check-out', caseId, held, byNumber, today());
      if (problem) throw await this.custodyMoveRefusalFor(problem, caseId, stepKey);
      return null;
    }
    if (target.state !== 'in-custody') return null;
    const dueDays = await this.checkInDays(definitionVersion);
    try {
      await this.repo.transitionPassport(
        target.number,
        'checked-out',
        { caseId, dueBackOn: addDays(returnDate, dueDays), note: `C07 (${caseId})` },
        actor,
      );
    } catch (err) {
      if (!(err instanceof PassportTransitionError) && !(err instanceof PassportHeldError)) throw err;
      const now = await this.repo.passport(target.number);
      if (now?.state === 'checked-out') throw await this.custodyMoveRefusalFor({ reason: 'checked-out', passport: now }, caseId, stepKey);
      const label = err.label;
      const rule = err instanceof PassportRegisteringError ? 'new-passport-in-flight' : 'passport-checked-out';
      throw new DomainError('ACTION_NOT_ALLOWED', label, {
        ...(stepKey ? { stepKey } : {}),
        errors: [{ field: 'path.stepKey', rule, message: label }],
      });
    }
    return target.number;
  }

  /** A check-out checkOutForStep made for a completion that was then refused: back in custody, as it was. */
  undoCheckOutForStep(number: string, caseId: string, actor: RegistryActor): Promise<void> {
    return this.undoCheckOut(number, caseId, actor, `C07 (${caseId}) refused`);
  }

  /**
   * A check-out for `caseId` undone: back in custody, noted. Nothing when the passport is no longer out for the case
   * (checked in meanwhile, or moved by another request).
   */
  private async undoCheckOut(number: string, caseId: string, actor: RegistryActor, note: string): Promise<void> {
    const p = await this.repo.passport(number);
    if (p?.state !== 'checked-out' || p.caseId !== caseId) return;
    try {
      await this.repo.transitionPassport(number, 'in-custody', { note }, actor);
    } catch (err) {
      // Moved between the read and the transition (its row is locked there): no longer ours to undo.
      if (!(err instanceof PassportTransitionError)) throw err;
    }
  }

  /**
   * K06's card number against the cards registry, before the completion is sent: a card registered to anyone but this
   * member's person is 422 `data.cardNumber` `card-holder`, the holder not named (K07 would register nothing and block).
   */
  async cardHolderProblem(caseId: string, memberId: string | undefined, number: string): Promise<FieldError | null> {
    const card = await this.apec.card(number);
    if (!card) return null;
    if (memberId !== undefined && (await memberHasPersonKey(this.db.manager, caseId, memberId, card.holder))) return null;
    return {
      field: 'data.cardNumber',
      rule: 'card-holder',
      message: {
        zh: '此卡号已在卡片登记簿中登记在他人名下，请核对国家APEC卡办理机构给出的卡号',
        en: 'the cards registry holds this card number for someone else: check the number the national card office gave',
      },
    };
  }

  /**
   * An enterprise's ownership and whitelist standing (a card application's own steps go forward on it; `standing` null:
   * not one), held for `caseId`'s step until `release()`: a whitelist move or ownership change waits for it
   * (ApecRepository.holdStanding).
   */
  holdEnterpriseStanding(unit: string, caseId: string): Promise<StandingHold> {
    return this.apec.holdStanding(unit, caseId);
  }

  /** An enterprise's ownership and whitelist state as it reads now, not held (the inbox's hint); null: not one. */
  async enterpriseStanding(unit: string): Promise<{ ownership: Ownership; state: WhitelistState | null } | null> {
    const e = await this.apec.enterprise(unit);
    return e ? { ownership: e.ownership, state: e.whitelist?.state ?? null } : null;
  }

  onScheduleLoaded(listener: (schedules: YearSchedule[]) => Promise<{ signalled: number; failed: number }>): void {
    this.scheduleListener = listener;
  }

  /** Told when a unit's annual plan changes or a case holding a planned trip closes (AnnualPlanRecheckService). */
  onAnnualPlanChanged(listener: AnnualPlanListener): void {
    this.planListener = listener;
  }

  /**
   * How a registration is guarded (IdentityProbesService.registration, from the API's DelegationsService): refused
   * while the caller's identity-probe budget is spent; an answer that tells of another unit's person (`heldElsewhere`:
   * the id, or the identity, is on another unit's roster) takes a point; none in tools.
   */
  registerPersonWith(guard: (userId: string, heldElsewhere: boolean) => Promise<void>): void {
    this.registrationGuard = guard;
  }

  /** How a case's workflow is asked for its current answer (DelegationsService: its progress query); none in tools. */
  answerCasesWith(
    query: (caseId: string) => Promise<Pick<DelegationProgress, 'status' | 'facts' | 'definitionVersion' | 'steps' | 'withdrawnMembers'>>,
  ): void {
    this.caseAnswer = query;
  }

  /**
   * Refuses a unit whose registry records the caller may not read (mayReadUnitRecords, the access table's one rule):
   * another unit for a unit role, a government unit for the APEC roles (F7). 403 CASE_OUT_OF_SCOPE.
   */
  private async assertUnitScope(user: AuthUser, unit: string): Promise<void> {
    if (!mayReadUnitRecords(user, await this.registryUnit(user, unit))) throw outOfScope();
  }

  /**
   * A unit as the registry scoping sees it (RegistryUnit). Whether it is an APEC card enterprise is read only for a role
   * whose registry scope is the enterprises' (registryUnitKind): no other role's answer depends on it.
   */
  private async registryUnit(user: AuthUser, code: string): Promise<RegistryUnit> {
    return { code, enterprise: registryUnitKind(user.role) === 'enterprise' && (await this.repo.isEnterprise(code)) };
  }

  /**
   * The units a list may hold for this caller beyond its unit reach: undefined for a role whose scope is its reach,
   * else the APEC card enterprises it reaches (registryUnitKind 'enterprise': the APEC desk every enterprise, the
   * enterprise clerk its own if it is one; F7).
   */
  private async enterpriseScope(user: AuthUser): Promise<string[] | undefined> {
    if (registryUnitKind(user.role) === 'any') return undefined;
    return (await this.repo.enterpriseUnits()).filter((code) => mayReadUnitRecords(user, { code, enterprise: true }));
  }

  // -------------------------------------------------------------------------------------------
  // Units and plans

  /**
   * The units in reach, each in full when the caller reads its records (mayReadUnitRecords), else by its code and names
   * only: the APEC desk registers enterprises from the registered units' names, and reads no government unit's
   * clerks, signatories or suspension (F7).
   */
  async listUnits(user: AuthUser) {
    const own = seesAllUnits(user) ? undefined : [user.unit];
    const units = await this.repo.units(own);
    const scope = await this.enterpriseScope(user);
    // A caller who reads only their own unit reads the units it refers to (its parent, its supervising department) by
    // name only, as every page names a unit (trial 83: the new-trip form read 主管部门 commerce2).
    const refs = own
      ? [...new Set(units.flatMap((u) => [u.parentCode, u.supervisingDepartment]))].filter((c): c is string => !!c && c !== user.unit)
      : [];
    const referred = refs.length > 0 ? await this.repo.units(refs) : [];
    const named = (u: RegisteredUnit) => ({ code: u.code, nameZh: u.nameZh, nameEn: u.nameEn });
    return {
      items: [
        ...(await Promise.all(
          units.map((u) => (scope === undefined || scope.includes(u.code) ? this.withSuspension(u) : Promise.resolve(named(u)))),
        )),
        ...referred.map(named),
      ],
    };
  }

  /** @throws VALIDATION_FAILED 400 `path.code` for a malformed code (as PUT does), before scope or lookup. */
  async getUnit(user: AuthUser, rawCode: string) {
    const code = parsePathParam(CodeSchema, rawCode, 'code');
    const unit = await this.repo.unit(code);
    const unregistered = () => notFound(`单位 ${echo(code)} 未备案`, `Unit ${echo(code)} is not registered`);
    // The caller's own unit not registered says only that (404), before the scope: an enterprise clerk whose unit is
    // not on file yet is told to have it registered (the APEC page's hint), not refused as for a government unit.
    if (!unit && code === user.unit) throw unregistered();
    await this.assertUnitScope(user, code);
    if (!unit) throw unregistered();
    return this.withSuspension(unit);
  }

  /** A unit as refusals name it: 市商务局（commerce）; the bare code for a unit not registered. */
  async unitLabel(code: string): Promise<Label> {
    return unitLabel(code, await this.repo.unit(code));
  }

  /** The unit with its effective suspension (registry status or the passport rule) on today's date. */
  private async withSuspension(unit: RegisteredUnit): Promise<RegisteredUnit & { suspension: Suspension }> {
    return { ...unit, suspension: unitSuspension(unit, await this.repo.passports({ unit: unit.code }), today()) };
  }

  async putUnit(user: AuthUser, code: string, body: unknown) {
    const c = parsePathParam(CodeSchema, code, 'code');
    // GET's own fields sent back: the code as the path's, the computed suspension ignored.
    const { code: sentCode, suspension: _computed, ...u } = parseOrThrow(UnitSchema, body);
    assertPathMatch('code', sentCode, c);
    if (u.parentCode === c || u.supervisingDepartment === c)
      throw new DomainError(
        'INVALID_REQUEST',
        { zh: '单位不能是自己的上级或主管部门', en: 'A unit cannot be its own parent or supervising department' },
        {
          errors: [
            {
              field: u.parentCode === c ? 'parentCode' : 'supervisingDepartment',
              rule: 'not-self',
              message: { zh: '不能是本单位', en: 'Must not be the unit itself' },
            },
          ],
        },
      );
    // The government hierarchy holds no APEC card enterprise: a supervising department (主管部门) or a parent unit is a
    // government unit (second trial: a private firm set as a bureau's department read its case and decided A16; fourth
    // trial: a unit was registered under an enterprise as its parent), and an enterprise is under neither (a bureau's
    // department approver would reach its card cases). The enterprise registration refuses the same ties
    // (GOVERNMENT_TIES, PUT /api/apec/enterprises/:unit).
    const hierarchy: FieldError[] = [];
    const isEnterprise = await this.apec.enterprise(c);
    for (const [field, zh, en] of [
      ['parentCode', '上级单位', 'a parent unit'],
      ['supervisingDepartment', '主管部门', 'a supervising department'],
    ] as const) {
      const ref = u[field];
      if (!ref) continue;
      if (await this.apec.enterprise(ref)) hierarchy.push(enterpriseInHierarchy(field, ref, zh, en));
      else if (isEnterprise)
        hierarchy.push({
          field,
          rule: 'enterprise-unit',
          message: {
            zh: `本单位是APEC卡企业，不隶属机关层级：不设${zh}`,
            en: `This unit is an APEC card enterprise, in no government hierarchy: it has no ${en.replace(/^a /, '')}`,
          },
        });
    }
    hierarchy.push(...officeUnitRegistryProblems({ code: c, ...u }, this.config.officeUnits));
    if (hierarchy.length > 0) throw ruleRefusal(hierarchy);
    // The reason is the suspension's: a unit not suspended keeps none (trial: an active unit showed an old reason);
    // the one it had stays in the registry's changes.
    const unit: RegisteredUnit = {
      code: c,
      ...u,
      suspendedReason: u.status === 'suspended' ? u.suspendedReason : null,
      clerks: await this.clerkAccounts(c, u.clerks),
    };
    let before: RegisteredUnit | null;
    try {
      before = await this.repo.putUnit(unit, actorOf(user));
    } catch (err) {
      // Another unit's code or name, an unregistered parent or supervising department, or a cycle (unitReferenceProblems):
      // 422 at each field.
      if (err instanceof UnitReferenceError) throw ruleRefusal(err.problems);
      throw err;
    }
    return { unit: await this.withSuspension(unit), created: before === null };
  }

  /**
   * 专办员备案: each registered clerk is an account holding this unit's `organizer` or `enterprise-clerk` role, named once
   * (usernames compare without letter case): 422 at `clerks[i]`, rule `unique` / `unit-clerk` (trial: another unit's
   * organizer, a finance officer, an unknown name and a duplicate were taken, and the unit's own organizers were then
   * refused at submission, with no warning when the list was saved). A clerk's account is created before it is named.
   * Returns the names as the accounts spell them (`ORGANIZER.COMMERCE` is stored as `organizer.commerce`).
   */
  private async clerkAccounts(unit: string, clerks: readonly string[]): Promise<string[]> {
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    const names: string[] = [];
    for (const [i, name] of clerks.entries()) {
      const key = name.toLowerCase();
      if (seen.has(key)) {
        errors.push({
          field: `clerks[${i}]`,
          rule: 'unique',
          message: { zh: `${echo(name)} 重复列出`, en: `${echo(name)} is listed twice` },
        });
        continue;
      }
      seen.add(key);
      const account = await this.users.get(name);
      if (account) names.push(account.username);
      if (!account?.grants.some((g) => g.unit === unit && (g.role === 'organizer' || g.role === 'enterprise-clerk')))
        errors.push({
          field: `clerks[${i}]`,
          rule: 'unit-clerk',
          message: {
            zh: `${echo(name)} 不是本单位专办员账户：须先由管理员开户并授予本单位 organizer（或 enterprise-clerk）角色`,
            en: `${echo(name)} is no clerk account of this unit: an administrator first creates it with this unit's organizer (or enterprise-clerk) role`,
          },
        });
    }
    if (errors.length > 0) throw ruleRefusal(errors);
    return names;
  }

  async getPlan(user: AuthUser, rawUnit: string, rawYear: string) {
    const unit = parsePathParam(CodeSchema, rawUnit, 'code');
    await this.assertUnitScope(user, unit);
    const y = parsePathParam(YearSchema, rawYear, 'year');
    const plan = await this.repo.planRecord(unit, y);
    if (!plan) throw notFound(`单位 ${echo(unit)} 未登记 ${y} 年度出访计划`, `No ${y} outbound plan on file for unit ${echo(unit)}`);
    return this.withActorNames({ ...plan, holders: await this.repo.planHolders(unit, y) });
  }

  /**
   * An answer with the display name of each account it names (`actorNames`, as a case's detail has): a plan's approver and
   * filer, a schedule's loader, a process version's publisher, a registry change's actor.
   */
  private withActorNames<T extends object>(answer: T): Promise<T & { actorNames: Record<string, string> }> {
    return withActorNames(answer, (usernames) => this.users.displayNames(usernames));
  }

  /**
   * The year's plan filed: the FAO clerk's is the approved plan (REGISTRY_WRITERS.planApproval: A01 reads it at once),
   * the unit organizer's a proposal awaiting that approval (the approved plan unchanged until then). The unit must be
   * registered; a past year is on record (409 `not-past`); a year after the departure horizon's is 422 at `path.year`, rule `max`
   * (planYearHorizonProblem).
   */
  async putPlan(user: AuthUser, rawUnit: string, rawYear: string, body: unknown) {
    const unit = parsePathParam(CodeSchema, rawUnit, 'code');
    await this.assertUnitScope(user, unit);
    const y = parsePathParam(YearSchema, rawYear, 'year');
    // The path's year first, as its form is (trial 31: a body error was named before a year no plan can be for).
    const beyond = planYearHorizonProblem(y, today());
    if (beyond)
      throw new DomainError(
        'INVALID_REQUEST',
        { zh: `${y} 年超出出发期限，不能登记出访计划`, en: `${y} is beyond the departure horizon: no outbound plan for it` },
        { errors: [{ ...beyond, field: 'path.year' }] },
      );
    const p = parseOrThrow(AnnualPlanSchema, body);
    assertPathMatch('unit', p.unit, unit);
    assertPathMatch('year', p.year === undefined ? undefined : String(p.year), String(y));
    assertKnownCountries(p.trips);
    if (!(await this.repo.unit(unit))) throw notFound(`单位 ${echo(unit)} 未备案`, `Unit ${echo(unit)} is not registered`);
    // A year that has ended is on record: the cases A01 matched against its plan stay explained by it (trial: rewritable).
    assertNotPast(y, { zh: '年度出访计划', en: 'outbound plan' });
    // The schema holds quarter to 1..4 (a whole number in range, refused as every bounded number is: `min` / `max`).
    const plan: AnnualPlan = { unit, year: y, trips: p.trips as AnnualPlan['trips'] };
    assertPastQuartersKept((await this.repo.planRecord(unit, y))?.trips ?? null, plan.trips, y);
    if (!approvesPlans(user)) return this.withActorNames(await this.repo.proposePlan(plan, actorOf(user)));
    const written = await this.repo.putPlan(plan, actorOf(user));
    return this.withActorNames({ ...written, rechecked: await this.planRechecked(unit, y) });
  }

  /**
   * The FAO clerk approves the unit's filed proposal for the year, the one filed at `proposedAt` (what the clerk read):
   * A01 reads it from now on. 404 when no plan is on file; 409 ACTION_NOT_ALLOWED at `path.year`, rule `no-proposal`,
   * when none awaits approval, and at `proposedAt`, rule `proposal-changed`, when the unit filed another since (it is
   * not approved unseen); a past year is on record.
   */
  async approvePlan(user: AuthUser, rawUnit: string, rawYear: string, body: unknown) {
    const unit = parsePathParam(CodeSchema, rawUnit, 'code');
    await this.assertUnitScope(user, unit);
    const y = parsePathParam(YearSchema, rawYear, 'year');
    const { proposedAt } = parseOrThrow(PlanApprovalSchema, body ?? {});
    assertNotPast(y, { zh: '年度出访计划', en: 'outbound plan' });
    const record = await this.repo.planRecord(unit, y);
    if (!record) throw notFound(`单位 ${echo(unit)} 未登记 ${y} 年度出访计划`, `No ${y} outbound plan on file for unit ${echo(unit)}`);
    // A quarter that passed while the filing waited is on record too.
    if (record.proposal) assertPastQuartersKept(record.trips, record.proposal.trips, y);
    // One instant however written (an offset of +08:00 or Z): the filing's `at` is stored to the millisecond.
    const approved = await this.repo.approvePlan(unit, y, actorOf(user), new Date(proposedAt).toISOString());
    if (approved === 'none') {
      const label = { zh: `${y} 年度出访计划没有待审批的报备`, en: `No filing of the ${y} outbound plan awaits approval` };
      throw new DomainError('ACTION_NOT_ALLOWED', label, { errors: [{ field: 'path.year', rule: 'no-proposal', message: label }] });
    }
    if (approved === 'changed') {
      const label = {
        zh: '该单位在您查看之后又重新报备了计划：请查看新的报备后再审批',
        en: 'The unit filed its plan again since you read it: read the new filing, then approve it',
      };
      throw new DomainError('ACTION_NOT_ALLOWED', label, { errors: [{ field: 'proposedAt', rule: 'proposal-changed', message: label }] });
    }
    return this.withActorNames({ ...approved, rechecked: await this.planRechecked(unit, y) });
  }

  /**
   * The approved plan changed: the unit's open cases departing that year run A01 again (AnnualPlanRecheckService),
   * `{signalled, failed}` as the answer's `rechecked`.
   */
  private async planRechecked(unit: string, year: number): Promise<{ signalled: number; failed: number }> {
    return (await this.planListener?.planChanged(unit, year).catch(() => null)) ?? { signalled: 0, failed: 0 };
  }

  /**
   * A01's check of a trip against the unit's plan for its departure year, as the worker's system step runs it
   * (RegistriesRepository.plan, the trips other delegations took, matchAnnualPlan; docs/registries.md).
   * `exceptCaseId`: the case checked, whose own A01 takes nothing from it.
   */
  async checkPlan(
    facts: Pick<CaseFacts, 'unit' | 'purpose' | 'departureDate' | 'members' | 'destinations'>,
    exceptCaseId = '',
  ): Promise<PlanMatch> {
    return this.repo.planMatch(facts, exceptCaseId);
  }

  // -------------------------------------------------------------------------------------------
  // People

  private async assertRosterScope(user: AuthUser, unit: string): Promise<void> {
    if (!(await this.readsRoster(user, unit))) throw outOfScope();
  }

  /** May the caller read this unit's roster? The access table's (libs/domain/src/access.ts ROSTER_READERS, mayReadRoster). */
  private async readsRoster(user: AuthUser, unit: string): Promise<boolean> {
    return mayReadRoster(user, await this.registryUnit(user, unit));
  }

  /** @throws VALIDATION_FAILED 400 (a malformed `query.unit`), INVALID_REQUEST 422 (an unknown one), 403 for a unit out of the roster's reach. */
  async listPeople(user: AuthUser, rawQuery: unknown) {
    const { unit } = await this.unitQuery(user, rawQuery);
    const u = unit ?? (seesAllUnits(user) ? undefined : user.unit);
    if (u !== undefined) await this.assertRosterScope(user, u);
    const units = await this.enterpriseScope(user);
    return { items: await this.repo.people({ unit: u, ...(units ? { units } : {}) }) };
  }

  /**
   * A person on a roster the caller may read; one on another unit's roster answers exactly as one on none (404), so
   * the answer does not tell another unit's staff whether an id exists (new-user trial: 403 for another unit's person,
   * 404 for an unknown id, was an oracle). The submission's `registered-person` refusal hides it the same way.
   */
  async getPerson(user: AuthUser, rawPersonId: string) {
    const personId = parsePathParam(CodeSchema, rawPersonId, 'personId');
    const p = await this.repo.person(personId);
    if (!p || !(await this.readsRoster(user, p.unit))) throw noPersonInReach();
    return {
      ...p,
      passports: await this.passportsView(user, await this.repo.passports({ holders: [personId] }), new Map([[p.personId, p.unit]])),
    };
  }

  /**
   * The personnel office keeps its unit's roster, the enterprise clerk its own enterprise's (mayWriteRoster, F4: an
   * enterprise holds no personnel office); classified access stays the secrecy office's.
   */
  async putPerson(user: AuthUser, personId: string, body: unknown) {
    const id = parsePathParam(CodeSchema, personId, 'personId');
    // GET's own fields sent back: the id as the path's, the ledger's passports ignored, classified access as on record.
    const { personId: sentId, classifiedAccess: sentAccess, passports: _ledger, ...p } = parseOrThrow(PersonSchema, body);
    assertPathMatch('personId', sentId, id);
    if (user.unit !== p.unit || !mayWriteRoster(user, await this.registryUnit(user, p.unit))) throw outOfScope();
    const existing = await this.repo.person(id);
    // Another unit's person answers as the read route does (getPerson: 404 noPersonInReach, naming neither id nor
    // unit; new-user trial: 409 named the unit). A registration still tells a held id from a free one, so it is an
    // identity probe: counted, and refused once the budget is spent whatever the id (thirteenth trial: 404 against
    // 200, unlimited). Nor may a new id be in another unit's numbering.
    if (!existing || !(await this.readsRoster(user, existing.unit))) {
      await this.registrationGuard?.(user.id, existing !== null);
      if (existing) throw noPersonInReach();
      await this.assertOwnNumbering(id, p.unit);
    } else if (personIdentityKey(existing) !== personIdentityKey(p)) {
      // An update to another name, gender or birth date may meet another unit's person (409 unique-person, below):
      // refused while the budget is spent whatever it meets, as a registration (fifteenth trial: 429 against 200 told).
      await this.registrationGuard?.(user.id, false);
    }
    if (existing && existing.unit !== p.unit) {
      const theirs = unitLabel(existing.unit, await this.repo.unit(existing.unit));
      throw new DomainError(
        'ACTION_NOT_ALLOWED',
        {
          zh: `${echo(id)} 属于单位 ${theirs.zh}，不能改登到其他单位`,
          en: `${echo(id)} belongs to ${theirs.en}; another unit cannot take them over`,
        },
        {
          errors: [{ field: 'unit', rule: 'same-unit', message: { zh: `须为 ${theirs.zh}`, en: `Must be ${theirs.en}` } }],
        },
      );
    }
    if (!(await this.repo.unit(p.unit))) throw notFound(`单位 ${echo(p.unit)} 未备案`, `Unit ${echo(p.unit)} is not registered`);
    if (sentAccess !== undefined && sentAccess !== (existing?.classifiedAccess ?? false))
      throw ruleRefusal([
        {
          field: 'classifiedAccess',
          rule: 'secrecy-held',
          message: {
            zh: '涉密资格由保密部门登记（PUT …/classified-access）：此处只能按登记值原样提交或不填',
            en: 'Classified access is the secrecy office’s (PUT …/classified-access): send it as on record, or leave it out',
          },
        },
      ]);
    if (existing?.status === 'active' && p.status !== 'active') await this.assertOffOpenCases(id, p.status);
    const person: RegisteredPerson = { personId: id, ...p, classifiedAccess: false };
    try {
      return await this.repo.putPerson(person, actorOf(user), { keepClassifiedAccess: true });
    } catch (err) {
      if (err instanceof RegistryDateError) throw ruleRefusal(err.problems);
      if (err instanceof DuplicatePersonError) {
        const reads = await this.readsRoster(user, err.existing.unit);
        // Another unit's person by name, gender and birth date: the answer tells they exist, an identity probe too.
        if (!reads) await this.registrationGuard?.(user.id, true);
        throw duplicateRefusal(err, reads);
      }
      throw err;
    }
  }

  /**
   * A new person id in another registered unit's numbering (its code, then `-` or `_`: unitsNumbering), and not in the
   * unit's own, is 422 at `path.personId`, rule `unit-numbering` (thirteenth trial: a unit took an id in another unit's
   * pattern, which that unit could then not register). Asked of free ids only, so it says nothing of who holds one.
   */
  private async assertOwnNumbering(personId: string, unit: string): Promise<void> {
    const numbering = await this.repo.unitsNumbering(personId);
    if (numbering.length === 0 || numbering.some((code) => code.toLowerCase() === unit.toLowerCase())) return;
    throw ruleRefusal([
      {
        field: 'path.personId',
        rule: 'unit-numbering',
        message: {
          zh: `人员编号 ${echo(personId)} 属于其他单位的编号规则（以单位代码 ${numbering[0]} 开头）：请使用本单位的编号`,
          en: `Person id ${echo(personId)} is in another unit's numbering (it begins with unit code ${numbering[0]}): use your unit's own`,
        },
      },
    ]);
  }

  /**
   * A person who leaves the roster's active staff (left, retired) may not stay a member of an open case (or one being
   * submitted: its claim): 409 ACTION_NOT_ALLOWED at `status`, rule `on-open-case`, naming the cases, so the organizer
   * amends or withdraws first (trial: a person set to "left" stayed on open trips, unflagged).
   */
  private async assertOffOpenCases(personId: string, status: PersonStatus): Promise<void> {
    const rows = await openCaseMembers(this.db.manager, [personId], { from: '0001-01-01', to: '9999-12-31' }, CLOSED_STATUSES);
    const cases = [...new Map(rows.map((r) => [r.caseId, r])).values()];
    if (cases.length === 0) return;
    const named = cases.map((c) => (c.title ? `${c.caseId}（${c.title}）` : c.caseId));
    const label = PERSON_STATUS_LABELS[status];
    throw new DomainError(
      'ACTION_NOT_ALLOWED',
      {
        zh: `此人员仍是办理中案件的成员：${named.join('、')}。请先变更成员或撤回案件，再登记为${label.zh}`,
        en: `This person is still a member of open cases: ${named.join(', ')}. Amend the members or withdraw the case first, then record them as ${label.en.toLowerCase()}`,
      },
      {
        errors: [
          {
            field: 'status',
            rule: 'on-open-case',
            message: { zh: `仍在 ${cases.length} 个办理中的案件中`, en: `On ${cases.length} open case(s)` },
          },
        ],
      },
    );
  }

  async setClassifiedAccess(user: AuthUser, rawPersonId: string, body: unknown) {
    const personId = parsePathParam(CodeSchema, rawPersonId, 'personId');
    const { classifiedAccess } = parseOrThrow(ClassifiedAccessSchema, body);
    const p = await this.repo.person(personId);
    // Another unit's person answers as no person (getPerson), whoever may read that roster (a secrecy office its own).
    if (!p || p.unit !== user.unit || !(await this.readsRoster(user, p.unit))) throw noPersonInReach();
    return (await this.repo.setClassifiedAccess(personId, classifiedAccess, actorOf(user)))!;
  }

  // -------------------------------------------------------------------------------------------
  // Passports in custody

  /**
   * Ledger passports as the viewer may read them: the number masked unless their role reads passport numbers in clear.
   * Masked here by the field, not left to the response walk, which knows a bare `number` only by its shape: a ledger
   * number outside the passport pattern (9 digits; the ledger takes 5-20 letters and digits) went out in clear.
   * Each row carries its holder's `unit` (`units`: the holders' units, when known), the unit the response walk reads
   * the own-unit grants by: without it the organizer's own ledger masked the holder id its roster and the registry's
   * changes show (trial).
   */
  private async passportsView(viewer: AuthUser, passports: CustodyPassport[], units?: ReadonlyMap<string, string>) {
    const d = today();
    const clear = seesInClear('passport-number', viewer, undefined);
    const unitOf =
      units ??
      new Map(
        (passports.length > 0 ? await this.repo.people({ ids: [...new Set(passports.map((p) => p.holder))] }) : []).map((h) => [
          h.personId,
          h.unit,
        ]),
      );
    return passports.map((p) => ({
      ...p,
      unit: unitOf.get(p.holder) ?? null,
      number: clear ? p.number : maskPassportNumber(p.number),
      displayState: passportState(p, d),
      daysOverdue: daysOverdue(p, d),
    }));
  }

  async listPassports(user: AuthUser, rawQuery: unknown) {
    const { unit } = await this.unitQuery(user, rawQuery);
    const u = unit ?? (seesAllUnits(user) ? undefined : user.unit);
    if (u !== undefined) await this.assertUnitScope(user, u);
    // The APEC roles' list: the enterprises' passports only (enterpriseScope, F7).
    const units = await this.enterpriseScope(user);
    const filter = { ...(u === undefined ? {} : { unit: u }), ...(units ? { units } : {}) };
    return { items: await this.passportsView(user, await this.repo.passports(filter)) };
  }

  /**
   * One passport with its history, named by its ledger id (`ref`) or, for a reader who sees passport numbers in clear,
   * by its number. Anyone else naming a number is 403 `path.key` `clearance` before the ledger is read: with the list's
   * masked numbers (`SE****567`) a 200/404 answer would confirm a guess in about 10^4 requests (second trial).
   * Another unit's passport, or none: one 404 for both.
   */
  async getPassport(user: AuthUser, rawKey: string) {
    // A ledger id (CustodyPassport.ref), told apart from a passport number (which has no hyphen).
    const byRef = isUuid(rawKey);
    const number = byRef ? null : parsePathParam(PassportNumberSchema, rawKey, 'key');
    if (number !== null && !mayEverSeeInClear('passport-number', user.role))
      throw new DomainError(
        'FORBIDDEN_ROLE',
        {
          zh: '只有护照、签证管理人员可按护照号码查询；请使用台账列表中的编号（ref）',
          en: 'Only the passport and visa officers look a passport up by its number; name it by its ledger id (ref) from the list',
        },
        {
          errors: [
            {
              field: 'path.key',
              rule: 'clearance',
              message: { zh: '按号码查询须能查看完整护照号码', en: 'Looking up by number needs clearance to read passport numbers' },
            },
          ],
        },
      );
    const p =
      number === null ? await this.repo.passportByRef(parsePathParam(PassportRefSchema, rawKey, 'key')) : await this.repo.passport(number);
    const holder = p ? await this.repo.person(p.holder) : null;
    // Another unit's passport answers as none (getPerson): the answer says nothing of passports out of reach.
    if (!p || !holder || !mayReadUnitRecords(user, await this.registryUnit(user, holder.unit)))
      throw notFound('护照不在保管登记中，或不在您可查看的范围内', 'No such passport in a custody ledger you may read');
    const units = new Map(holder ? [[holder.personId, holder.unit]] : []);
    return { ...(await this.passportsView(user, [p], units))[0]!, history: await this.repo.passportHistory(p.number) };
  }

  async registerPassport(user: AuthUser, body: unknown) {
    const p = parseOrThrow(PassportRegistrationSchema, body);
    const holder = await this.repo.person(p.holder);
    if (!holder)
      throw new DomainError(
        'INVALID_REQUEST',
        { zh: '持照人不在花名册中', en: 'The holder is not on a roster' },
        {
          errors: [
            {
              field: 'holder',
              rule: 'registered-person',
              message: { zh: `花名册中没有 ${echo(p.holder)}`, en: `No person ${echo(p.holder)} on a roster` },
            },
          ],
        },
      );
    // A number the ledger holds already is that first, whatever cases say of it (trial 84: a number in the ledger for
    // another person read typed-elsewhere, naming a case that was right). The insert below stays the race's guard.
    if (await this.repo.passport(p.number)) throw passportInLedger(p.number);
    // Nor a number another open case's C05 holds for someone else (its claim, passport_number_claims; seventh trial:
    // registered by hand to another person, whose trip checks then named that case). The case is not named.
    const claimed = await stepNumberHolder(this.db, PASSPORT_NUMBER_CLAIMS, normalPassportNumber(p.number));
    if (claimed && !(await memberHasPersonKey(this.db.manager, claimed.caseId, claimed.memberId, p.holder)))
      throw ruleRefusal([
        {
          field: 'number',
          rule: 'passport-holder',
          message: {
            zh: '此护照号码已在另一在办案件的护照签发步骤中记录为他人的新护照，请核对号码',
            en: "another open case's passport issue step recorded this number as someone else's new passport: check the number",
          },
        },
      ]);
    // Nor a number another open case records, typed, for someone else (another name): one passport is one person, and
    // the holder's unit could then not file them (seventeenth trial: another unit had typed the number first, and the
    // holder's every trip met that case's). The passport officer reads every case: the case is named, to be put right.
    const typedElsewhere = (await openCaseMembersWithPassport(this.db.manager, [normalPassportNumber(p.number)], '', 5)).filter(
      (r) => r.member.personId !== holder.personId && personNameKey(r.member.name) !== personNameKey(holder.name),
    );
    if (typedElsewhere.length > 0)
      throw new DomainError(
        'ACTION_NOT_ALLOWED',
        {
          zh: `在办案件 ${typedElsewhere.map((r) => r.caseId).join('、')} 将此护照号码填在他人名下：请先核实并更正该案件，再登记`,
          en: `Open case ${typedElsewhere.map((r) => r.caseId).join(', ')} records this number for someone else: check and correct that case first`,
        },
        {
          errors: [
            {
              field: 'number',
              rule: 'typed-elsewhere',
              message: { zh: '另一在办案件将此号码填在他人名下', en: 'Another open case records it for someone else' },
            },
          ],
        },
      );
    let added: boolean;
    try {
      added = await this.repo.registerPassport(p, holder.unit, actorOf(user), { replaces: null });
    } catch (err) {
      if (err instanceof RegistryDateError) throw ruleRefusal(err.problems);
      throw heldRefusal(err, 'holder');
    }
    // A number the ledger holds already is the field's fault, named (new-user trial: it read `(request)`).
    if (!added) throw passportInLedger(p.number);
    return this.getPassport(user, p.number);
  }

  /**
   * Checks a passport out for a case (C07/E06), back in (return registration), cancels it (C06) or records it
   * lost. A check-in that brings its unit back under the 30-day rule records the lifting of the suspension.
   */
  async transitionPassport(user: AuthUser, rawNumber: string, body: unknown) {
    const number = parsePathParam(PassportNumberSchema, rawNumber, 'number');
    const t = parseOrThrow(PassportTransitionSchema, body);
    const current = await this.repo.passport(number);
    // Checked out from custody only (any other state is the ledger's 409 below, whatever the case).
    const dueBackOn =
      t.to === 'checked-out' && current?.state === 'in-custody' ? await this.checkOutDueDate(current, t.caseId, t.dueBackOn) : null;
    if (t.to === 'in-custody' && current?.state === 'checked-out') await this.assertNotOutForTrip(current);
    const holderUnit = current ? ((await this.repo.person(current.holder))?.unit ?? null) : null;
    const before = holderUnit ? await this.effectiveSuspension(holderUnit) : null;
    try {
      await this.repo.transitionPassport(
        number,
        t.to,
        { caseId: t.to === 'checked-out' ? t.caseId : null, dueBackOn, note: t.note ?? null },
        actorOf(user),
      );
    } catch (err) {
      if (err instanceof PassportHeldError) throw heldRefusal(err, 'to');
      // An expired passport is the ledger's record, never a trip's (passportExpired): 409 at `to`, rule not-expired.
      if (err instanceof PassportExpiredError)
        throw new DomainError('ACTION_NOT_ALLOWED', err.label, {
          errors: [{ field: 'to', rule: 'not-expired', message: err.label }],
        });
      if (!(err instanceof PassportTransitionError)) throw err;
      if (err.from === null) throw notFound(`护照 ${echo(number)} 不在保管登记中`, `Passport ${echo(number)} is not in the custody ledger`);
      const from = passportStateLabel(err.from);
      throw new DomainError('ACTION_NOT_ALLOWED', err.label, {
        errors: [{ field: 'to', rule: 'passport-state', message: { zh: `当前状态：${from.zh}`, en: `Current state: ${from.en}` } }],
      });
    }
    if (t.to === 'checked-out' && current?.state === 'in-custody') await this.confirmCheckOut(current, t.caseId, actorOf(user));
    if (holderUnit && before?.suspended) {
      const after = await this.effectiveSuspension(holderUnit);
      if (!after.suspended) await this.recordSuspension(holderUnit, false, after, user);
    }
    return this.getPassport(user, number);
  }

  /**
   * A passport its running case's check-out step (C07, custody 'check-out') took out for the trip comes back at that
   * case's check-in step (P02, custody 'check-in'), not by hand: 409 ACTION_NOT_ALLOWED at `to`, rule `out-for-trip`,
   * naming the case (eleventh trial: checked in by hand, it was free for another case's C07 or C06 while the trip that
   * took it was still to come back; the refusals of those steps already said to wait for that case). Checked in by hand
   * as before: one lent by hand (the case's C07 not done), one out for a closed case or a case the holder has left.
   * Asked of the case's workflow (the read model may be a moment behind); no answer is the caller's 503 (retry).
   */
  private async assertNotOutForTrip(passport: CustodyPassport): Promise<void> {
    const caseId = passport.caseId;
    if (!caseId || !this.caseAnswer) return;
    const found = await this.repo.caseForCheckOut(caseId);
    if (found === null || (found !== 'registering' && !found.open)) return;
    const answer = await this.caseAnswer(caseId);
    if (CLOSED_STATUSES.includes(answer.status)) return;
    // A member the case withdrew (a refused visa) has no check-in step to wait for (trial 86).
    const member = answer.facts?.members?.find(
      (m) => m.personId === passport.holder && !(answer.withdrawnMembers ?? []).some((w) => w.memberId === m.id),
    );
    const definition = member ? await this.processDefinition(answer.definitionVersion) : null;
    const codeOf = (move: 'check-out' | 'check-in') => definition?.steps.find((s) => s.behaviour?.custody === move)?.code;
    const [out, back] = [codeOf('check-out'), codeOf('check-in')];
    // A version with no check-in step of its own (2026.1 ran P02 outside its definition): nothing else brings it back.
    if (!member || !out || !back) return;
    const status = (code: string) => answer.steps.find((s) => s.key === instanceKey(code, member.id))?.status;
    if (status(out) !== 'done' || status(back) === 'done') return;
    const step = instanceKey(back, member.id);
    const label = {
      zh: `护照 ${passport.number} 已为在办案件 ${caseId} 出库用于出访：由该案的护照交回步骤（${step}）入库，不能手工入库；如出访取消，请撤回该案或将该成员移出`,
      en: `Passport ${passport.number} is out for the trip of the running case ${caseId}: it is checked in by that case's check-in step (${step}), not by hand; if the trip is called off, withdraw the case or amend the member out`,
    };
    throw new DomainError('ACTION_NOT_ALLOWED', label, { errors: [{ field: 'to', rule: 'out-for-trip', message: label }] });
  }

  /**
   * A manual check-out made, the case's workflow itself (not the read model, which may be a moment behind) is asked
   * whether the case still runs with the holder among its members (fourth trial, second look: a check-out sent while an
   * amendment dropped the holder passed the read model's check, and the passport stayed out for a case they had left,
   * due back with a trip they were no longer on). If not, the check-out is undone and refused 422 at `caseId`, rule
   * `open-case-member`; when the workflow gives no answer in time it is undone and the answer is 503 (retry). A change
   * the workflow applies after the answer finds the passport out and moves it (custody-by-ledger).
   */
  private async confirmCheckOut(passport: CustodyPassport, caseId: string, actor: RegistryActor): Promise<void> {
    if (!this.caseAnswer) return;
    const undo = (why: string) => this.undoCheckOut(passport.number, caseId, actor, `check-out for ${caseId} undone: ${why}`);
    let answer: Pick<DelegationProgress, 'status' | 'facts'>;
    try {
      answer = await this.caseAnswer(caseId);
    } catch (err) {
      await undo('the case did not answer');
      throw err;
    }
    const member = answer.facts?.members?.some((m) => m.personId === passport.holder) === true;
    if (member && !CLOSED_STATUSES.includes(answer.status)) return;
    await undo('the holder is not on the running case');
    throw ruleRefusal(checkOutProblems({ holder: passport.holder, dueBackOn: undefined, today: today(), dueDays: 0 }, null).errors);
  }

  /**
   * The case a manual check-out names, as the read model has it (caseForCheckOut); where that shows the case running
   * without the holder, or not yet, the workflow's own answer decides, the read model being a moment behind it (fourth trial: a
   * check-out sent while an amendment adding the holder was applied read 422 open-case-member). The definition version
   * is the read model's (a case's version never changes).
   */
  private async caseWithHolder(caseId: string, holder: string): ReturnType<RegistriesRepository['caseForCheckOut']> {
    const found = await this.repo.caseForCheckOut(caseId);
    // A case closed in the read model is closed in the workflow too (a closed workflow's query would replay its history).
    if (!this.caseAnswer || found === null || (found !== 'registering' && (!found.open || found.personIds.includes(holder)))) return found;
    const answer = await this.caseAnswer(caseId).catch(() => undefined);
    if (!answer || !answer.facts) return found;
    const personIds = (answer.facts.members ?? []).map((m) => m.personId).filter((id): id is string => typeof id === 'string');
    return {
      caseId,
      open: !CLOSED_STATUSES.includes(answer.status),
      returnDate: answer.facts.returnDate,
      personIds,
      definitionVersion: found === 'registering' ? answer.definitionVersion : found.definitionVersion,
    };
  }

  /**
   * A manual check-out's case and due date (checkOutProblems): a running case with the holder among its members, the
   * due date within today … its return date plus the days its definition's check-in step (P02) allows; when none is
   * sent, that latest day; the holder's newest valid passport in custody. 422 at `caseId` / `dueBackOn` / `path.number`
   * otherwise.
   */
  private async checkOutDueDate(passport: CustodyPassport, caseId: string, sent: string | undefined): Promise<string> {
    const found = await this.caseWithHolder(caseId, passport.holder);
    // Submitted a moment ago, its first events not stored yet: the same request succeeds in a moment.
    if (found === 'registering')
      throw domainError(
        'OUTCOME_UNKNOWN',
        '案件正在登记，请稍后重试同一请求',
        'The case is being registered: retry the same request in a moment',
        {
          errors: [
            {
              field: 'caseId',
              rule: 'case-registering',
              message: { zh: '案件刚提交，尚未登记完成', en: 'The case was just submitted and is not registered yet' },
            },
          ],
        },
      );
    const dueDays = await this.checkInDays(found?.definitionVersion);
    const inCustody = (await this.repo.passports({ holders: [passport.holder] })).filter((p) => p.state === 'in-custody');
    // Another in custody expiring later is the travel passport (one of equal expiry may go out as well).
    const newest = travelPassport(inCustody);
    const travel = newest && newest.expiresOn > passport.expiresOn ? newest.number : null;
    const { latest, errors } = checkOutProblems(
      {
        holder: passport.holder,
        dueBackOn: sent,
        today: today(),
        dueDays,
        number: passport.number,
        travel,
        // An expired one is the ledger's own refusal (not-expired), more exact than "does not last the trip".
        ...(passportExpired(passport, today()) ? {} : { expiresOn: passport.expiresOn }),
      },
      found,
    );
    if (errors.length > 0) throw ruleRefusal(errors);
    return sent ?? latest!;
  }

  private async effectiveSuspension(unitCode: string): Promise<Suspension> {
    const unit = await this.repo.unit(unitCode);
    if (!unit) return { suspended: false, reasons: [] };
    return unitSuspension(unit, await this.repo.passports({ unit: unitCode }), today());
  }

  /** The passport rule's suspension and its lifting are events on record (registry_changes), once each. */
  private async recordSuspension(unit: string, suspended: boolean, s: Suspension, user: AuthUser): Promise<void> {
    const last = await this.repo.lastChange('unit', unit, ['suspended', 'lifted']);
    const isSuspended = last?.action === 'suspended';
    if (isSuspended === suspended) return;
    await this.repo.recordEvent(suspended ? { id: 'system', role: 'system' } : actorOf(user), {
      entity: 'unit',
      key: unit,
      action: suspended ? 'suspended' : 'lifted',
      unit,
      after: { rule: 'passport-overdue', reasons: s.reasons },
    });
  }

  // -------------------------------------------------------------------------------------------
  // Submission hook

  /**
   * Resolves a parsed submission against the registries: a suspended unit is refused (422 RULE_VIOLATION,
   * violation UNIT_SUSPENDED or PASSPORT_OVERDUE); a registered unit's supervising department and the roster's
   * and ledger's facts of members named by personId apply where the submission leaves them out, and a value sent
   * that differs from the registry's is refused (422 INVALID_REQUEST, rule `registry-value`, naming each field):
   * nothing typed is silently replaced. An unknown personId is a 422 (rule registered-person) for a registered unit; a unit not in the
   * registry with no person ids passes as typed (backward compatible, see docs/registries.md). Also picks the
   * newest published process version.
   */
  async resolveSubmission(user: AuthUser, body: unknown): Promise<ResolvedSubmission> {
    const version = await this.currentProcessVersion();
    if (!body || typeof body !== 'object' || Array.isArray(body)) return { submission: body, ...version };
    const b = body as Record<string, unknown>;
    // Another unit's submission is refused by the caller's UNIT_MISMATCH check, without the registry's details.
    if (typeof b.unit !== 'string' || b.unit !== user.unit) return { submission: body, ...version };
    const unit = await this.repo.unit(b.unit);
    const out: Record<string, unknown> = { ...b, supervisingDepartment: b.supervisingDepartment ?? null };
    const mismatches: FieldError[] = [];
    if (unit) {
      assertRegisteredClerk(unit, user); // who submits, before what the unit may (its suspension)
      const s = unitSuspension(unit, await this.repo.passports({ unit: unit.code }), today());
      if (s.suspended) {
        if (s.reasons.some((r) => r.code === 'PASSPORT_OVERDUE')) await this.recordSuspension(unit.code, true, s, user);
        const named = unitLabel(unit.code, unit);
        throw domainError('RULE_VIOLATION', `单位 ${named.zh} 暂停受理出访申请`, `Unit ${named.en} is suspended from new applications`, {
          errors: s.reasons.map((r) => ({ field: 'unit', rule: r.code, message: r.message })),
        });
      }
      const sent = b.supervisingDepartment;
      if (sent === undefined || sent === null) out.supervisingDepartment = unit.supervisingDepartment;
      else if (sent !== unit.supervisingDepartment)
        mismatches.push(
          registryMismatch('supervisingDepartment', {
            zh: `单位 ${unitLabel(unit.code, unit).zh} 的登记`,
            en: `${unitLabel(unit.code, unit).en}'s registration`,
          }),
        );
    }
    // A supervising department typed for a unit not in the registry (a registered unit's is the registry's, which
    // holds no enterprise there: putUnit) is a government department too: an APEC card enterprise stands in no
    // government hierarchy, and has no department approver to decide A16 (the case would wait for ever).
    const typedDepartment = out.supervisingDepartment;
    if (!unit && typeof typedDepartment === 'string' && typedDepartment !== '' && (await this.apec.enterprise(typedDepartment)))
      throw ruleRefusal([enterpriseInHierarchy('supervisingDepartment', typedDepartment, '主管部门', 'a supervising department')]);
    if (Array.isArray(b.members))
      out.members = await this.resolveMembers(b.members, { code: b.unit, registered: !!unit }, user, 'members', mismatches);
    throwMismatches(mismatches);
    return { submission: out, ...version };
  }

  /**
   * The amendment's hook: members named by personId in `changes.members` get the registries' facts, as at
   * submission (the case records the new snapshot; a value sent must equal the registries'). Other actions pass
   * through unchanged.
   */
  async resolveAmendment<T extends Record<string, unknown>>(
    user: AuthUser,
    kind: string,
    parsed: T,
    caseUnit: string,
    caseId: string,
  ): Promise<T> {
    const changes = parsed.changes as { members?: unknown[] } | undefined;
    if (kind !== 'amend' || !changes || !Array.isArray(changes.members)) return parsed;
    const registered = !!(await this.repo.unit(caseUnit));
    const mismatches: FieldError[] = [];
    const members = await this.resolveMembers(changes.members, { code: caseUnit, registered }, user, 'changes.members', mismatches, caseId);
    throwMismatches(mismatches);
    return { ...parsed, changes: { ...changes, members } };
  }

  /**
   * One passport, one person: a typed member (not on a roster) whose passport number another open or departed case
   * records under another name is 422 `…passport.number` `passport-holder`, as a ledger number held for someone else.
   * One typed person's rank is one fact across the open cases naming their passport: a typed member
   * whose passport number another open or departed case records with a higher rank is 422 `…rank` `recorded-rank`
   * naming that rank (trial: 孙八 division on one unit's case, typed 孫捌 staff with the same passport on another's,
   * so that case's frequency limit was staff's, none). `caseId`: an amendment's own case is not compared.
   */
  private async recordedRanks(
    members: unknown[],
    typedAt: boolean[],
    resolvedTyped: ReadonlySet<number>,
    path: string,
    errors: FieldError[],
    caseUnit: string,
    caseId?: string,
  ): Promise<void> {
    const typed = members.map((m, i) =>
      typedAt[i] && !resolvedTyped.has(i) ? (m as { name?: unknown; rank?: unknown; passport?: { number?: unknown } | null }) : null,
    );
    const numberOf = (m: (typeof typed)[number]) =>
      typeof m?.passport?.number === 'string' && passportNumberKey(m.passport.number) !== '' ? passportNumberKey(m.passport.number) : null;
    const numbers = [...new Set(typed.flatMap((m) => numberOf(m) ?? []))];
    if (numbers.length === 0) return;
    const recorded = await openCaseMembersWithPassport(this.db.manager, numbers, caseId ?? '');
    typed.forEach((m, i) => {
      const number = numberOf(m);
      if (!m || number === null || errors.some((e) => e.field === `${path}[${i}].passport.number`)) return;
      // One passport, one person: a number another open case records for someone else (another name) is that
      // person's, as the ledger's numbers are (passport-holder, counted as an identity probe; fifteenth trial: another
      // unit typed a unit's passport under another name and a higher rank, and the unit could then not file its own
      // person at their rank). The other case and person are not named.
      const name = typeof m.name === 'string' ? m.name : '';
      if (recorded.some((r) => r.number === number && !sameMemberPerson({ name }, r.member))) {
        errors.push({
          field: `${path}[${i}].passport.number`,
          rule: 'passport-holder',
          message: ANOTHER_PERSONS_PASSPORT,
        });
        return;
      }
      if (!RANKS.includes(m.rank as Rank)) return;
      const top = recorded
        .filter((r) => r.number === number && RANKS.includes(r.member.rank as Rank))
        .sort((a, b) => RANKS.indexOf(a.member.rank as Rank) - RANKS.indexOf(b.member.rank as Rank))[0];
      const higher = top?.member.rank as Rank | undefined;
      if (higher === undefined || RANKS.indexOf(higher) >= RANKS.indexOf(m.rank as Rank)) return;
      // The rank is named from the unit's own cases only: another unit's record is theirs (sixteenth trial).
      const label = top!.unit === caseUnit ? RANK_LABELS[higher] : null;
      errors.push({
        field: `${path}[${i}].rank`,
        rule: 'recorded-rank',
        message: label
          ? {
              zh: `此护照的持有人在另一在办团组中登记的职级为${label.zh}，不得填写更低的职级`,
              en: `This passport's holder is recorded as ${label.en} on another open delegation: a lower rank is refused`,
            }
          : {
              zh: '此护照的持有人在其他单位的在办团组中登记的职级更高，不得填写更低的职级（可向外办核实）',
              en: "This passport's holder is recorded at a higher rank on another unit's open delegation: a lower rank is refused (the FAO can tell)",
            },
      });
    });
  }

  /**
   * Snapshots members named by personId (the registries' values fill what was left out; a value sent that differs
   * is pushed to `mismatches`); unknown ids are 422 when the unit is registered, inactive people always, and a
   * member whose personId is on no roster must carry every fact itself (422 `required`: registry facts, beyond the schema).
   * A person of another unit's roster reads as unknown (`registered-person`, the same words: the registries say
   * nothing about another unit's people). A registry fact the caller may not read (party membership, classified
   * access, a passport or card number: seesInClear) may only be left out: a value sent is 422 `registry-held`
   * whatever it is, so the answer never tells a guess right from wrong (new-user trial: the dry run confirmed a
   * guessed partyMember).
   *
   * A typed member (no personId) is identified first (typedMemberIdentity): a passport number the custody ledger
   * gives to a person of the case's unit under the typed name makes the member that person (personId set, the
   * same snapshot, the typed facts compared: a lower rank is 422 `…rank` `registry-value` naming the registered
   * rank; a fact the sender may not read is the registry's, not compared); another unit's or another person's
   * passport number is 422 `…passport.number` `passport-holder`; an active roster person's name without their
   * passport is 422 `…name` `roster-person`. So the frequency rule, the leadership-team overlap, DUPLICATE_MEMBER
   * and the ledger's checkout read one person however the organizer entered them.
   */
  private async resolveMembers(
    members: unknown[],
    unit: { code: unknown; registered: boolean },
    viewer: AuthUser,
    path: string,
    mismatches: FieldError[],
    /** An amendment's case: its own members' recorded ranks are not another case's (recordedRanks). */
    caseId?: string,
  ): Promise<unknown[]> {
    const unitRegistered = unit.registered;
    const idOf = (m: unknown): string | undefined => {
      const id = m && typeof m === 'object' ? (m as { personId?: unknown }).personId : undefined;
      return typeof id === 'string' ? id : undefined;
    };
    // Every member's problem goes in one answer with the submission's other registry problems (the caller's
    // mismatches: the supervising department's), in the order found: one 422 names them all.
    const errors = mismatches;
    // Typed members (no personId) first: one identity per person (typedMemberIdentity), so a typed member whose
    // passport number the ledger gives to a person of the unit IS that person, snapshotted and compared below.
    // A member an amendment keeps (`{ id }` alone, isKeptMember) is the case's, filled in by the delegations service.
    const typedAt = members.map((m) => !!m && typeof m === 'object' && idOf(m) === undefined && !isKeptMember(m));
    const typedNumbers = members.flatMap((m, i) => {
      const n = typedAt[i] ? (m as { passport?: { number?: unknown } | null }).passport?.number : undefined;
      return typeof n === 'string' ? [n] : [];
    });
    const ledger = await this.repo.passportsByNumbers(typedNumbers);
    const anyTyped = typedAt.some(Boolean);
    const known = [
      ...(ledger.length > 0 ? await this.repo.people({ ids: ledger.map((p) => p.holder) }) : []),
      ...(anyTyped && typeof unit.code === 'string' ? await this.repo.people({ unit: unit.code }) : []),
    ];
    const resolvedTyped = new Set<number>();
    // A typed member's passport claimed in custody is checked against the ledger (custodyClaimProblem, rule in-ledger;
    // a registered unit's: the ledger holds only registered units' people). Such a member is identified by the unit's
    // own ledger rows only, so another unit's number reads as one the ledger does not hold (no passport-holder for it):
    // the answer tells the organizer nothing of another unit's passports.
    const custodyRefused = new Set<number>();
    const unitLedger = ledger.filter((p) => known.find((k) => k.personId === p.holder)?.unit === unit.code);
    const listed = new Set(members.flatMap((m) => idOf(m) ?? []));
    const named = members.map((m, i) => {
      if (!typedAt[i]) return m;
      const passport = (m as { passport?: unknown }).passport;
      const claimsCustody =
        unitRegistered && !!passport && typeof passport === 'object' && (passport as { inCustody?: unknown }).inCustody === true;
      const identity = typedMemberIdentity(m as { name?: unknown; passport?: unknown }, String(unit.code), {
        passports: claimsCustody ? unitLedger : ledger,
        people: known,
      });
      if (identity.kind === 'refused')
        errors.push({ field: `${path}[${i}].${identity.field}`, rule: identity.rule, message: identity.message });
      // Another person's number is refused as such (passport-holder): whether that passport is in custody is not theirs to ask.
      const custody =
        claimsCustody && !(identity.kind === 'refused' && identity.field === 'passport.number')
          ? custodyClaimProblem(passport, String(unit.code), { passports: unitLedger, people: known })
          : null;
      if (custody) {
        custodyRefused.add(i);
        errors.push({ field: `${path}[${i}].${custody.field}`, rule: custody.rule, message: custody.message });
      }
      if (identity.kind !== 'person') return m;
      // The person listed already (by personId, or typed before): one person twice, DUPLICATE_MEMBER's business
      // (duplicatePersonViolations comparingHeld, in the trip rules as A07); left as typed for it.
      if (listed.has(identity.person.personId)) return m;
      listed.add(identity.person.personId);
      resolvedTyped.add(i);
      return { ...(m as Record<string, unknown>), personId: identity.person.personId };
    });
    await this.recordedRanks(named, typedAt, resolvedTyped, path, errors, String(unit.code), caseId);
    const ids = named.flatMap((m) => idOf(m) ?? []);
    if (ids.length === 0) {
      if (errors.length > 0) throw ruleRefusal(errors);
      return members;
    }
    const people = new Map((await this.repo.people({ ids })).map((p) => [p.personId, p]));
    const passports = await this.repo.passports({ holders: [...people.keys()] });
    // Issue 17: a valid APEC card in the cards registry is the member's apecCard fact (its cleared economies).
    const cards = await this.apec.usableCards([...people.keys()], today());
    const out = named.map((m, i) => {
      const id = idOf(m);
      if (id === undefined) return m;
      const typed = m as Record<string, unknown>;
      const found = people.get(id);
      const person = found && found.unit === unit.code ? found : undefined;
      if (!person) {
        if (unitRegistered)
          errors.push({
            field: `${path}[${i}].personId`,
            rule: 'registered-person',
            message: { zh: `花名册中没有 ${echo(id)}`, en: `No person ${echo(id)} on a roster` },
          });
        else
          for (const f of REGISTRY_MEMBER_FIELDS)
            if (typed[f] === undefined)
              errors.push({
                field: `${path}[${i}].${f}`,
                rule: 'required',
                message: { zh: `必填（花名册中没有 ${echo(id)}）`, en: `Required (no person ${echo(id)} on a roster)` },
              });
        return m;
      }
      if (person.status !== 'active')
        errors.push({
          field: `${path}[${i}].${resolvedTyped.has(i) ? 'passport.number' : 'personId'}`,
          rule: 'active-person',
          // A typed member is named by what was typed: the person id is not the sender's to read.
          message: resolvedTyped.has(i)
            ? {
                zh: `此护照的持有人 ${person.name} 状态为${PERSON_STATUS_LABELS[person.status].zh}`,
                en: `This passport's holder ${person.name} is not active (${PERSON_STATUS_LABELS[person.status].en})`,
              }
            : {
                zh: `${echo(id)} 状态为${PERSON_STATUS_LABELS[person.status].zh}`,
                en: `${echo(id)} is not active (${PERSON_STATUS_LABELS[person.status].en})`,
              },
        });
      const snap = snapshotMember(
        { ...typed, position: typed.position ?? '' } as Parameters<typeof snapshotMember>[0],
        person,
        passports.filter((p) => p.holder === id),
      ) as unknown as Record<string, unknown>;
      const card = cards.get(id);
      if (card) snap.apecCard = { number: card.number, expiresOn: card.validUntil, economies: card.economies };
      // Sent and different from the registries' is refused; the message does not repeat the registry's value
      // (a classified or passport fact may be masked for the sender), but the rank, which the roster's readers see.
      for (const f of [...REGISTRY_MEMBER_FIELDS, ...(card ? (['apecCard'] as const) : [])]) {
        if (typed[f] === undefined) continue;
        if (f === 'passport' && custodyRefused.has(i)) continue; // refused above, by its field (in-ledger)
        const held = heldFrom(f, typed[f], viewer, String(unit.code));
        if (held) {
          // A typed member the ledger's passport number identified: the number is how they were named (compared
          // below); a fact the sender may not read is the registry's, the typed one never compared (which would
          // tell a guess right from wrong), as a personId member's left out.
          if (resolvedTyped.has(i) && f !== 'passport') continue;
          if (!resolvedTyped.has(i)) {
            mismatches.push(registryHeld(`${path}[${i}].${held}`));
            continue;
          }
        }
        if (sameValue(comparable(f, typed[f]), comparable(f, snap[f]))) continue;
        if (f === 'position' && !person.position) continue; // the roster has none: the typed one stands
        if (f === 'rank' && typeof snap.rank === 'string') {
          mismatches.push(rankMismatch(`${path}[${i}].rank`, snap.rank as Rank));
          continue;
        }
        const what =
          f === 'passport'
            ? { zh: '护照保管登记', en: 'custody ledger' }
            : f === 'apecCard'
              ? { zh: 'APEC卡登记', en: 'cards registry' }
              : { zh: '花名册', en: 'roster' };
        // An object fact (a passport, a card) is named by each part that differs (trial: `members[0].passport` did not
        // say whether the number or the expiry was wrong).
        const sent = comparable(f, typed[f]);
        const registered = comparable(f, snap[f]);
        const parts =
          sent && typeof sent === 'object' && !Array.isArray(sent) && registered && typeof registered === 'object'
            ? Object.entries(sent)
                .filter(([k, v]) => v !== undefined && !sameValue(v, (registered as Record<string, unknown>)[k]))
                .map(([k]) => `${f}.${k}`)
            : [];
        for (const part of parts.length > 0 ? parts : [f]) mismatches.push(registryMismatch(`${path}[${i}].${part}`, what));
      }
      return snap;
    });
    if (errors.length > 0) throw ruleRefusal(errors);
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Holiday calendars

  /** Years known to the calendar: loaded by the office, in the package data, or provisional (to two years ahead). */
  async listCalendars() {
    const loaded = await this.repo.schedules();
    const coverage = holidayDataCoverage();
    const byYear = new Map(loaded.map((s) => [s.year, s]));
    const last = Math.max(coverage.to, Number(today().slice(0, 4)) + 2, ...loaded.map((s) => s.year));
    const items: CalendarYearSummary[] = [];
    for (let y = coverage.from; y <= last; y++) {
      const s = byYear.get(y);
      if (s)
        items.push({
          year: y,
          source: 'loaded',
          provisional: false,
          holidays: s.holidays.length,
          workdays: s.workdays.length,
          loadedBy: s.loadedBy,
          loadedAt: s.loadedAt,
          note: s.source,
        });
      else if (y <= coverage.to)
        items.push({ year: y, source: 'package', provisional: false, holidays: 0, workdays: 0, note: 'chinese-days' });
      else
        items.push({
          year: y,
          source: 'provisional',
          provisional: true,
          holidays: statutoryHolidays(y).length,
          workdays: 0,
          note: '《全国年节及纪念日放假办法》',
        });
    }
    for (const it of items) if (it.source === 'package') Object.assign(it, packageCounts(it.year));
    // Who loaded each schedule, by name (trial 85's kind: pages name people, not accounts).
    return this.withActorNames({ items });
  }

  async getCalendar(rawYear: string) {
    const y = parsePathParam(CalendarYearPathSchema, rawYear, 'year');
    const s = (await this.repo.schedules()).find((x) => x.year === y);
    if (s) return this.withActorNames({ ...s, source: 'loaded' as const, provisional: false, note: s.source });
    const coverage = holidayDataCoverage();
    if (y >= coverage.from && y <= coverage.to) return { year: y, source: 'package' as const, provisional: false, ...packageDays(y) };
    return {
      year: y,
      source: 'provisional' as const,
      provisional: true,
      holidays: statutoryHolidays(y).map((h) => h.date),
      workdays: [],
      statutory: statutoryHolidays(y),
    };
  }

  /**
   * Loads (or replaces) a year's schedule, refused by scheduleImportProblems as the admin CLI's `calendar import` is: a
   * year that has ended is on record, as its annual plans are (409 at `path.year`, alone: its days are what the cases of
   * that year were planned on, and a rewrite would re-plan every running case; trial: 2024 emptied, one case
   * signalled); every other problem 422, each field named.
   */
  async putCalendar(user: AuthUser, rawYear: string, body: unknown, origin = 'api') {
    const y = parsePathParam(CalendarYearPathSchema, rawYear, 'year');
    const s = parseOrThrow(HolidayScheduleSchema, body);
    const problems = scheduleImportProblems({ year: y, holidays: s.holidays, workdays: s.workdays }, { today: today() });
    const past = problems.find((p) => p.rule === 'not-past');
    if (past) throw pastYearRefusal(y, HOLIDAY_SCHEDULE_RECORD, past);
    if (problems.length > 0) throw ruleRefusal(problems.map((p) => (p.field === 'year' ? { ...p, field: 'path.year' } : p)));
    const schedule: YearSchedule = { year: y, holidays: [...s.holidays].sort(), workdays: [...s.workdays].sort() };
    const { replaced } = await this.repo.putSchedule(schedule, s.source ? `${origin}: ${s.source}` : origin, actorOf(user));
    // Running cases re-plan with every loaded schedule (the one stored is among them).
    const replanned = (await this.scheduleListener?.(await this.loadedSchedules())) ?? { signalled: 0, failed: 0 };
    return { ...schedule, source: 'loaded' as const, replaced, replanned };
  }

  /** Loaded schedules in the shape createCalendar({ schedules }) takes (for the engine's re-planning). */
  async loadedSchedules(): Promise<YearSchedule[]> {
    return this.repo.yearSchedules();
  }

  // -------------------------------------------------------------------------------------------
  // Process versions

  /** The newest published version, else the built-in definition with no office settings. */
  async currentProcessVersion(): Promise<{ definition: ProcessDefinition; settings: OfficeSettings }> {
    const v = await this.repo.latestProcessVersion();
    return v
      ? { definition: v.definition as ProcessDefinition, settings: v.settings as OfficeSettings }
      : { definition: DEFAULT_DEFINITION, settings: {} };
  }

  /**
   * The definition a case runs, by its `definitionVersion`: a built-in version, else one the office published (read
   * once: a published version never changes), as the engine reads it (upcast); undefined for a version neither knows.
   */
  async processDefinition(version: string): Promise<ProcessDefinition | undefined> {
    const builtIn = publishedDefinition(version);
    if (builtIn) return builtIn;
    let definition = this.publishedDefinitions.get(version);
    if (!definition) {
      const stored = (await this.repo.processVersions()).find((v) => v.version === version);
      if (!stored) return undefined;
      definition = upcastDefinition(stored.definition as ProcessDefinition);
      this.publishedDefinitions.set(version, definition);
    }
    return definition;
  }

  /**
   * The office settings a case pinned at its start, by its `definitionVersion`: the published version's (a case is
   * started on the newest published version with its settings: currentProcessVersion), none for a built-in version.
   */
  async processSettings(version: string): Promise<OfficeSettings> {
    if (publishedDefinition(version)) return {};
    const stored = (await this.repo.processVersions()).find((v) => v.version === version);
    return (stored?.settings as OfficeSettings | undefined) ?? {};
  }

  async listProcessVersions() {
    const stored = await this.repo.processVersions();
    const builtIn = {
      version: DEFAULT_DEFINITION.version,
      source: 'built-in' as const,
      current: stored.length === 0,
      changes: [],
      previousVersion: null,
      publishedBy: null,
      publishedAt: null,
    };
    return this.withActorNames({
      items: [
        ...stored.map((v, i) => ({
          version: v.version,
          source: 'published' as const,
          current: i === 0,
          changes: v.changes,
          previousVersion: v.previousVersion,
          publishedBy: v.publishedBy,
          publishedAt: v.publishedAt,
          steps: (v.definition as ProcessDefinition).steps.length,
        })),
        { ...builtIn, steps: DEFAULT_DEFINITION.steps.length },
      ],
    });
  }

  async getProcessVersion(rawVersion: string) {
    const version = parsePathParam(ProcessVersionKeySchema, rawVersion, 'version');
    if (version === DEFAULT_DEFINITION.version && !(await this.repo.processVersions()).some((v) => v.version === version))
      return { version, source: 'built-in', definition: DEFAULT_DEFINITION, settings: {}, changes: [] };
    const v = (await this.repo.processVersions()).find((x) => x.version === version);
    if (!v) throw notFound(`没有流程版本 ${echo(version)}`, `No process version ${echo(version)}`);
    return { ...v, source: 'published' };
  }

  /**
   * Checks a version as publishing would, storing nothing (a dry run: 发布前校验): `{version, previousVersion, changes,
   * published: false}` against the current version, or the 422/409 publishing would give. New cases keep the current
   * version (trial 31: to try a version the office published it, and it became the default at once).
   */
  async checkProcessVersion(body: unknown) {
    const { definition, base, changes } = await this.versionToPublish(body);
    return { version: definition.version, previousVersion: base.definition.version, changes, published: false as const };
  }

  /** Validates the definition as at load and the settings against it, diffs against the current version, publishes. */
  async publishProcessVersion(user: AuthUser, body: unknown) {
    const { definition, settings, base, changes } = await this.versionToPublish(body);
    const published = await this.repo.publishProcessVersion(
      {
        version: definition.version,
        definition,
        settings: settings as Record<string, unknown>,
        changes,
        previousVersion: base.definition.version,
        publishedBy: user.id,
      },
      base.published ? base.definition.version : null,
      actorOf(user),
    );
    if (published.outcome === 'taken') throw versionTaken(definition.version);
    if (published.outcome === 'stale') throw currentVersionChanged(base.definition.version, published.current);
    return { version: definition.version, previousVersion: base.definition.version, changes };
  }

  /**
   * A version as it would be published: the definition validated as at load and as the engine runs it, the settings
   * against it, its name free, and what changed against the current version. 422 INVALID_REQUEST (every problem), 409
   * VERSION_TAKEN.
   */
  private async versionToPublish(body: unknown) {
    const p = parseOrThrow(ProcessVersionSchema, body);
    // A field the engine does not read is refused with the definition's other problems, never stored and ignored (new-user
    // trial: a misspelt `condtion` was stored and A12's rule silently dropped).
    const unknownField = (field: string): FieldError => ({
      field,
      rule: 'unknown-field',
      message: { zh: '流程不读取此字段', en: 'The process reads no such field' },
    });
    const unknownInDefinition = unknownDefinitionFields(p.definition).map((path) => unknownField(`definition.${path}`));
    const unknownInSettings = unknownSettingsFields(p.settings).map((path) => unknownField(`settings.${path}`));
    let definition: ProcessDefinition;
    try {
      definition = loadDefinition(p.definition);
    } catch (err) {
      if (err instanceof DefinitionError) throw definitionInvalid(err, 'definition', unknownInDefinition);
      throw err;
    }
    if (unknownInDefinition.length > 0)
      throw definitionInvalid(new DefinitionError([], definition.version), 'definition', unknownInDefinition);
    // As the engine will read it: a definition declaring no behaviour gets its steps' from their codes (upcast), and a
    // step the engine cannot run as declared would wedge every case pinned to it (trial: A02 as a system step).
    const asRun = validateDefinition(upcastDefinition(definition));
    if (asRun.length > 0) throw definitionInvalid(new DefinitionError(asRun, definition.version), 'definition');
    const settings = p.settings as OfficeSettings;
    const problems = validateOverrides(definition, settings);
    const countries = unknownSettingsCountries(settings);
    if (problems.length > 0 || countries.length > 0 || unknownInSettings.length > 0)
      throw definitionInvalid(new DefinitionError(problems, definition.version), 'settings', [...unknownInSettings, ...countries]);
    const current = await this.repo.latestProcessVersion();
    const base = current
      ? { definition: current.definition as ProcessDefinition, settings: current.settings, published: true }
      : { definition: DEFAULT_DEFINITION, settings: {}, published: false };
    // A built-in version's name too (2026.1, the APEC processes'): readers that hold only a case's version name (the
    // projection, event upcasters, the API's checks) would take the built-in for the office's.
    if (definition.version === base.definition.version || publishedDefinition(definition.version) !== undefined)
      throw versionTaken(definition.version);
    if (await this.repo.processVersionExists(definition.version)) throw versionTaken(definition.version);
    const changes = diffDefinitions(base, { definition, settings: settings as Record<string, unknown> });
    return { definition, settings, base, changes };
  }

  /** Demo data for `npm start` (called where the demo users are seeded). */
  async seedDemo(): Promise<number> {
    return seedDemoRegistries(this.repo);
  }

  // -------------------------------------------------------------------------------------------
  // Audit

  /**
   * A list's `?unit=` filter, parsed and checked against the known units (400 malformed, 422 unknown). Another unit than
   * a unit role's own is left to the caller's scope check (403 whether or not it exists: trial, `?unit=zzzz` answered
   * 422 where a real unit answered 403, so a unit's staff could list the codes).
   */
  private async unitQuery(user: AuthUser, rawQuery: unknown): Promise<{ unit?: string | undefined }> {
    const q = parseOrThrow(UnitQuerySchema, rawQuery ?? {}, ['query']);
    const unit = await storedUnitCode(this.repo, q.unit);
    if (seesAllUnits(user) || unit.code === user.unit) assertKnownUnit(unit);
    return { unit: unit.code };
  }

  /** A unit code as stored, found without letter case (storedUnitCode). */
  unitAsStored(code: string): Promise<string | null> {
    return this.repo.unitAsStored(code);
  }

  async changes(user: AuthUser, rawQuery: unknown) {
    const parsed = parseOrThrow(ChangesQuerySchema, rawQuery, ['query']);
    const unitFilter = await storedUnitCode(this.repo, parsed.unit);
    const q = { ...parsed, unit: unitFilter.code };
    if (!seesAllUnits(user) && q.unit !== undefined && q.unit !== user.unit) throw outOfScope();
    assertKnownUnit(unitFilter);
    const unit = seesAllUnits(user) ? q.unit : user.unit;
    // The APEC roles read the enterprises' changes only (mayReadUnitRecords, F7): another unit named is 403 as for a
    // unit role, and the list holds the enterprises' rows (and the office-wide ones of no unit).
    if (q.unit !== undefined) await this.assertUnitScope(user, q.unit);
    const units = await this.enterpriseScope(user);
    // The roster's and the custody ledger's changes name people: only for whoever reads that roster (mayReadRoster;
    // trial: finance and the unit leader, refused the roster, read its names, ranks and positions here). A role reaching
    // every unit reads every roster of its scope.
    const peopleHidden = !seesAllUnits(user) && !(await this.readsRoster(user, user.unit));
    if (peopleHidden && q.entity !== undefined && PEOPLE_ENTITIES.includes(q.entity))
      throw new DomainError(
        'CASE_OUT_OF_SCOPE',
        {
          zh: '人员与护照的登记变更只对可查阅花名册的角色开放',
          en: 'The changes of people and passports are open only to the roles that read the roster',
        },
        {
          errors: [
            {
              field: 'query.entity',
              rule: 'roster-reader',
              message: { zh: '本角色不能查阅花名册', en: 'This role does not read the roster' },
            },
          ],
        },
      );
    return this.withActorNames({
      items: await this.repo.changes({
        ...(unit !== undefined ? { unit } : {}),
        ...(units ? { units } : {}),
        ...(q.entity ? { entity: q.entity } : {}),
        ...(peopleHidden ? { notEntities: PEOPLE_ENTITIES } : {}),
        limit: q.limit,
      }),
    });
  }
}

/** Registry changes that name people (the roster, the custody ledger). */
const PEOPLE_ENTITIES: readonly string[] = ['person', 'passport'];

/**
 * One country rule (new-user trial: a plan took `ZZ` that a submission refuses): every planned country is in the
 * COUNTRIES table the submission checks against, else 422 RULE_VIOLATION rule UNKNOWN_COUNTRY on
 * `trips[i].countries[j]`, with the same message and `violations` as the submission's refusal.
 */
function assertKnownCountries(trips: ReadonlyArray<{ countries: readonly string[] }>): void {
  const violations = trips.flatMap((t, i) =>
    t.countries
      .map((country, j) => ({ country, j }))
      .filter(({ country }) => !Object.prototype.hasOwnProperty.call(COUNTRIES, country))
      .map(({ country, j }) => ({
        code: 'UNKNOWN_COUNTRY' as const,
        field: `trips[${i}].countries[${j}]`,
        message: unknownCountryMessage(country),
        details: { country },
      })),
  );
  if (violations.length > 0)
    throw domainError('RULE_VIOLATION', '年度出访计划含未知国家代码', 'The annual plan names an unknown country code', {
      violations,
      errors: violations.map((v) => ({ field: v.field, rule: v.code, message: v.message })),
    });
}

/**
 * 422 INVALID_REQUEST listing every problem of a definition (or its settings), mapped at this one place: the field
 * is its JSON path as sent (`definition.steps[0].code`, `settings.stepDurations.Q42`), the rule the problem's code
 * in our kebab-case (`invalid-field`, `unknown-dependency`, …), the message Chinese beside English.
 */
function definitionInvalid(err: DefinitionError, field: 'definition' | 'settings', more: FieldError[] = []): DomainError {
  const errors: FieldError[] = [
    ...err.problems.map((p) => ({
      field: p.path ? `${field}.${p.path}` : field,
      rule: p.code.toLowerCase().replace(/_/g, '-'),
      message: p.text,
    })),
    ...more,
  ];
  const [zh, en] = field === 'definition' ? ['流程定义', 'The process definition'] : ['流程设置', 'The process settings'];
  return new DomainError('INVALID_REQUEST', { zh: `${zh}有${errors.length}处错误`, en: `${en}: ${errors.length} problem(s)` }, { errors });
}

/**
 * One country rule for the settings too: `settings.countries.XX` patches a country of the COUNTRIES table or adds
 * one with a full entry; a partial patch of an unknown code would be dropped without a word (resolveCountryTable),
 * so it is refused as a submission's unknown country is: rule UNKNOWN_COUNTRY.
 */
function unknownSettingsCountries(settings: OfficeSettings): FieldError[] {
  const resolved = resolveCountryTable(settings.countries);
  return Object.keys(settings.countries ?? {})
    .filter((c) => !Object.prototype.hasOwnProperty.call(resolved, c))
    .map((c) => ({
      field: `settings.countries.${c}`,
      rule: 'UNKNOWN_COUNTRY',
      message: {
        zh: `未知国家代码 ${echo(c)}：须为已知国家，或给出完整的国家条目`,
        en: `Unknown country code ${echo(c)}: patch a known country or give a full entry`,
      },
    }));
}

// The package data, per year (for the list's counts and GET of a package year).
function packageDays(year: number): { holidays: string[]; workdays: string[] } {
  const data = holidayData as unknown as { holidays: Record<string, string>; workdays: Record<string, string> };
  const p = `${year}-`;
  return {
    holidays: Object.keys(data.holidays)
      .filter((d) => d.startsWith(p))
      .sort(),
    workdays: Object.keys(data.workdays)
      .filter((d) => d.startsWith(p))
      .sort(),
  };
}
function packageCounts(year: number): { holidays: number; workdays: number } {
  const d = packageDays(year);
  return { holidays: d.holidays.length, workdays: d.workdays.length };
}

export type UnitBody = z.input<typeof UnitSchema>;

/** POST passports of a number the custody ledger holds already: 409 at `number`, rule `unique-number`. */
function passportInLedger(number: string): DomainError {
  const label = { zh: `护照 ${echo(number)} 已在保管登记中`, en: `Passport ${echo(number)} is already in the custody ledger` };
  return domainError('ACTION_NOT_ALLOWED', label.zh, label.en, { errors: [{ field: 'number', rule: 'unique-number', message: label }] });
}

/** A field sent with a value the registry holds otherwise (rule `registry-value`); `where` names the registry. */
function registryMismatch(field: string, where: Label): FieldError {
  return {
    field,
    rule: 'registry-value',
    message: {
      zh: `与${where.zh}不一致：不填则以登记为准，填写须与登记一致`,
      en: `Differs from the ${where.en}: leave it out to use the registered value, or send that value`,
    },
  };
}

/**
 * The part of a registry fact sent for a registry member that the viewer may not read (seesInClear): `partyMember`,
 * `classifiedAccess`, `passport.number`, `apecCard.number`; null when the viewer reads it (or nothing of it was sent).
 */
function heldFrom(field: string, sent: unknown, viewer: AuthUser, caseUnit: string): string | null {
  const reads = (cls: PersonalDataClass) => seesInClear(cls, { role: viewer.role, unit: viewer.unit }, caseUnit);
  if (field === 'partyMember') return reads('party-membership') ? null : field;
  if (field === 'classifiedAccess') return reads('classified-access') ? null : field;
  if ((field === 'passport' || field === 'apecCard') && sent && typeof sent === 'object' && 'number' in sent)
    return reads(field === 'passport' ? 'passport-number' : 'apec-card-number') ? null : `${field}.number`;
  return null;
}

/**
 * A rank sent that differs from the roster's (rule `registry-value`, as every registry fact): the message names
 * the registered rank, which the roster's readers (the organizer among them) see; the frequency limit is the
 * registered rank's (new-user trial: a typed lower rank escaped A08's limit).
 */
function rankMismatch(field: string, registered: Rank): FieldError {
  const label = RANK_LABELS[registered];
  return {
    field,
    rule: 'registry-value',
    message: {
      zh: `与花名册不一致：登记的职级为${label.zh}，不填则以登记为准，填写须与登记一致`,
      en: `Differs from the roster: the registered rank is ${label.en}; leave it out to use it, or send that value`,
    },
  };
}

/** A registry fact the sender may not read: left out, the registry's applies; sent, refused whatever its value. */
function registryHeld(field: string): FieldError {
  return {
    field,
    rule: 'registry-held',
    message: {
      zh: '此项由登记提供，您无权查看，请勿填写（不填则以登记为准）',
      en: 'Supplied by the registries and not visible to you: leave it out (the registered value applies)',
    },
  };
}

/** 422 INVALID_REQUEST listing every field that contradicts a registry. */
function throwMismatches(errors: FieldError[]): void {
  // One wording for every 422 of a rule beyond the schema (a registry's value, or a fact the sender may not read).
  if (errors.length > 0) throw ruleRefusal(errors);
}

/** A passport as compared: its number as the passport office writes it (passportNumberKey), the rest as sent. */
function comparable(field: string, value: unknown): unknown {
  if (field !== 'passport' || !value || typeof value !== 'object') return value;
  const number = (value as { number?: unknown }).number;
  return typeof number === 'string' ? { ...value, number: passportNumberKey(number) } : value;
}

/** A value sent agrees with the registry's: equal, an object's keys each agreeing (keys left out are not claims), lists as sets. */
/**
 * An APEC card enterprise named where the government hierarchy holds only government units (a unit's parent or
 * supervising department, a submission's typed supervising department): 422 at `field`, rule `government-unit`.
 */
function enterpriseInHierarchy(field: string, ref: string, zh: string, en: string): FieldError {
  return {
    field,
    rule: 'government-unit',
    message: { zh: `${echo(ref)} 是APEC卡企业，不能作为${zh}`, en: `${echo(ref)} is an APEC card enterprise, not ${en}` },
  };
}

function sameValue(sent: unknown, registered: unknown): boolean {
  if (Array.isArray(sent))
    return Array.isArray(registered) && sent.length === registered.length && sent.every((x) => registered.some((y) => sameValue(x, y)));
  if (sent && typeof sent === 'object')
    return (
      !!registered &&
      typeof registered === 'object' &&
      Object.entries(sent).every(([k, v]) => v === undefined || sameValue(v, (registered as Record<string, unknown>)[k]))
    );
  return sent === registered;
}

/**
 * 409 PERSON_ALREADY_REGISTERED at `name` (rule `unique-person`): the entry already there named only to a caller who may
 * read its roster (`readsTheirRoster`: mayReadRoster), as getPerson hides another unit's person.
 */
function duplicateRefusal(err: DuplicatePersonError, readsTheirRoster: boolean): DomainError {
  const shown = readsTheirRoster ? err.existing.personId : null;
  const label = duplicatePersonLabel(err.person, shown);
  return new DomainError('PERSON_ALREADY_REGISTERED', label, {
    errors: [{ field: 'name', rule: 'unique-person', message: label }],
  });
}

/**
 * 409 ACTION_NOT_ALLOWED at `definition.version`, rule `current-version-changed`: another version was published since
 * this one's changes were taken against `basedOn` (check again against the new current one).
 */
function currentVersionChanged(basedOn: string, current: string): DomainError {
  const label = {
    zh: `发布期间当前版本已由 ${echo(basedOn)} 变为 ${echo(current)}：请对照新的当前版本重新校验后再发布`,
    en: `The current version changed from ${echo(basedOn)} to ${echo(current)} while this was published: check it again against the new one`,
  };
  return domainError('ACTION_NOT_ALLOWED', label.zh, label.en, {
    errors: [{ field: 'definition.version', rule: 'current-version-changed', message: label }],
  });
}

/** 409 ACTION_NOT_ALLOWED at `definition.version`, rule `unique-version`: a process version's name is published once. */
function versionTaken(version: string): DomainError {
  const label = {
    zh: `流程版本 ${echo(version)} 已存在，请使用新的版本号`,
    en: `Process version ${echo(version)} exists: publish under a new version`,
  };
  return domainError('ACTION_NOT_ALLOWED', label.zh, label.en, {
    errors: [{ field: 'definition.version', rule: 'unique-version', message: label }],
  });
}

/**
 * 409 PASSPORT_ALREADY_HELD (one valid official passport per person, passportHeldElsewhere): the other passport
 * named, at `field` (the registration's holder, a transition's target state). Anything else is rethrown.
 */
function heldRefusal(err: unknown, field: 'holder' | 'to'): unknown {
  if (!(err instanceof PassportHeldError)) return err;
  // A check-out while the holder's new passport is on its way into the ledger: in a moment, not "cancel it first".
  const rule = err instanceof PassportRegisteringError ? 'new-passport-in-flight' : 'one-valid-passport';
  return new DomainError('PASSPORT_ALREADY_HELD', err.label, { errors: [{ field, rule, message: err.label }] });
}

/**
 * A read-only field of a GET body sent back with a PUT (`code`, `personId`, a plan's `unit` and `year`): as the path names it (letter case aside,
 * as codes are stored), else 422 at the field, rule `path-match`.
 */
function assertPathMatch(field: string, sent: string | undefined, path: string): void {
  if (sent === undefined || sent.toLowerCase() === path.toLowerCase()) return;
  throw ruleRefusal([
    {
      field,
      rule: 'path-match',
      message: { zh: `须与路径中的 ${echo(path)} 一致`, en: `Must be ${echo(path)}, as in the path` },
    },
  ]);
}

const CUSTODY_MOVE_RULES: Record<CustodyMoveProblem['reason'], string> = {
  'checked-out': 'passport-checked-out',
  'not-valid': 'valid-passport',
  'second-valid': 'one-valid-passport',
  'short-validity': 'valid-for-trip',
};

/**
 * The 409 of a chain step whose custody move cannot be made now (custodyMoveProblem): which passport, why, what to do
 * (custodyMoveLabel), at `path.stepKey` with rule `passport-checked-out` (out on loan for another case) or
 * `valid-passport` (no valid passport to move) or `valid-for-trip` (C07's passport expires less than 6 months after the
 * return), or at `data.number` with rule `one-valid-passport` (C05's new passport
 * would be the holder's second valid one). `today`: YYYY-MM-DD, Asia/Shanghai; `stepKey`: the step's instance, named
 * at the body's top level as the workflow's refusals name it.
 */
export function custodyMoveRefusal(problem: CustodyMoveProblem, today: string, stepKey?: string): DomainError {
  const label = custodyMoveLabel(problem, today);
  const rule = CUSTODY_MOVE_RULES[problem.reason];
  const field = problem.reason === 'second-valid' ? 'data.number' : 'path.stepKey';
  return new DomainError('ACTION_NOT_ALLOWED', label, { ...(stepKey ? { stepKey } : {}), errors: [{ field, rule, message: label }] });
}
