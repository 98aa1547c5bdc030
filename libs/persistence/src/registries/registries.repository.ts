import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { lockPlanYear, openPlanClaimants, plannedTripClaimOf, plannedTripHolders, recordPlannedTrip } from '../case-record.repository';
import { passportClaimInForce } from '../number-claims';
import { heldBy, toPassport } from './custody-rows';
import type {
  AnnualPlan,
  AnnualPlanRecord,
  CustodyPassport,
  DefinitionChange,
  Label,
  PassportEvent,
  PassportState,
  PlannedTrip,
  PlanMatch,
  RegisteredPerson,
  RegisteredUnit,
  RegistryFieldProblem,
  StoredPassportState,
  YearSchedule,
} from '@df/domain';
import {
  CLOSED_STATUSES,
  assignPlannedTrips,
  duplicatePerson,
  matchAnnualPlan,
  PASSPORT_STATE_LABELS,
  passportBirthProblems,
  passportExpired,
  passportExpiredLabel,
  passportHeldElsewhere,
  secondValidPassport,
  passportHeldLabel,
  passportNumberKey,
  personIdentityKey,
  shanghaiDate,
  unitReferenceProblems,
  type CaseStatus,
  type CheckOutCase,
} from '@df/domain';
import type { DelegationProgress } from '@df/contracts';
import { readCaseRecord } from '../case-record.repository';
import {
  AnnualPlanEntity,
  CustodyPassportEntity,
  CustodyPassportEventEntity,
  HolidayScheduleEntity,
  PersonEntity,
  ProcessVersionEntity,
  RegistryChangeEntity,
  UnitEntity,
} from '../entities/registries.entity';

/** Who made a change (recorded in registry_changes). */
export interface RegistryActor {
  id: string;
  role: string;
}

export interface RegistryChange {
  id: string;
  at: string;
  actor: string;
  actorRole: string;
  entity: string;
  entityKey: string;
  action: string;
  unit: string | null;
  before: unknown;
  after: unknown;
}

export interface StoredSchedule extends YearSchedule {
  source: string;
  loadedBy: string;
  loadedAt: string;
}

export interface StoredProcessVersion {
  version: string;
  definition: unknown;
  settings: Record<string, unknown>;
  changes: DefinitionChange[];
  previousVersion: string | null;
  publishedBy: string;
  publishedAt: string;
}

/** Thrown when a passport's state change is not allowed from its current state (or it does not exist). */
export class PassportTransitionError extends Error {
  constructor(
    readonly number: string,
    readonly from: string | null,
    readonly to: string,
  ) {
    super(from === null ? `no passport ${number} in custody` : `passport ${number}: ${from} -> ${to} is not allowed`);
    this.name = 'PassportTransitionError';
  }

  /** The refusal as users read it: the states by their labels (PASSPORT_STATE_LABELS), never their codes. */
  get label(): Label {
    if (this.from === null) return { zh: `护照 ${this.number} 不在保管登记中`, en: `Passport ${this.number} is not in the custody ledger` };
    const [from, to] = [passportStateLabel(this.from), passportStateLabel(this.to)];
    return {
      zh: `护照 ${this.number} 当前为${from.zh}，不能改为${to.zh}`,
      en: `Passport ${this.number} is ${from.en.toLowerCase()}; it cannot become ${to.en.toLowerCase()}`,
    };
  }
}

/**
 * Thrown when a passport past its expiry date would be checked out (passportExpired): it stays a record of the ledger
 * (已过期) but never goes out for a trip. A PassportTransitionError, so the chain's C07 notes it as any refused move.
 */
export class PassportExpiredError extends PassportTransitionError {
  constructor(readonly passport: CustodyPassport) {
    super(passport.number, passport.state, 'checked-out');
    this.name = 'PassportExpiredError';
  }

  override get label(): Label {
    return passportExpiredLabel(this.passport);
  }
}

/**
 * Thrown when a write would leave a passport issued before its holder's birth (passportBirthProblems, rule
 * `after-birth`): a passport registered for the holder, or the holder's date of birth moved after a passport's issue.
 */
export class RegistryDateError extends Error {
  constructor(readonly problems: RegistryFieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.rule}`).join('; '));
    this.name = 'RegistryDateError';
  }
}

/** A ledger state (stored as text) by its label; an unknown one as it is. */
export const passportStateLabel = (state: string): Label => PASSPORT_STATE_LABELS[state as PassportState] ?? { zh: state, en: state };

/**
 * Thrown when a passport would become a second valid one of its holder (passportHeldElsewhere): taken into custody or
 * checked out while another of theirs is checked out; or, issued by the chain's C05, while another is valid in custody
 * (secondValidPassport).
 */
export class PassportHeldError extends Error {
  constructor(
    readonly number: string,
    readonly holder: string,
    readonly other: CustodyPassport,
  ) {
    super(`passport ${number}: holder ${holder} holds ${other.number}, ${other.state}`);
    this.name = 'PassportHeldError';
  }

  /** The holder's name on the roster (namedHolder), when it has one. */
  holderName?: string;

  /** The holder as a refusal names them: 张三（P-commerce-001）, the person id alone while the roster names no one (trial 86). */
  protected get who(): string {
    return this.holderName ? `${this.holderName}（${this.holder}）` : this.holder;
  }

  get label(): Label {
    return passportHeldLabel(this.who, this.other);
  }
}

/** `err` with its holder's roster name (the people table), read in the transaction that refuses: the refusal names them. */
async function namedHolder<E extends PassportHeldError>(m: EntityManager, err: E): Promise<E> {
  const [row] = (await m.query('SELECT name FROM people WHERE person_id = $1', [err.holder])) as Array<{ name: string }>;
  if (row?.name) err.holderName = row.name;
  return err;
}

/**
 * A new passport of `holder`'s a case's C05 recorded and the ledger does not hold yet (`claimed`, passportClaimInForce),
 * standing in the way of another passport move: the refusals below name it. A PassportHeldError, so every caller that
 * notes or refuses that one does the same with these.
 */
abstract class PassportPendingError extends PassportHeldError {
  constructor(
    number: string,
    holder: string,
    readonly claimed: string,
  ) {
    // The ledger holds no row of the claimed number: the "other passport" is its number alone.
    super(number, holder, {
      number: claimed,
      type: 'official',
      issuedOn: '',
      expiresOn: '',
      holder,
      state: 'in-custody',
      caseId: null,
      dueBackOn: null,
    });
  }
}

/**
 * Thrown when a passport registered would stand beside another new passport a case's C05 holds for the holder
 * (passportClaimInForce): one valid official passport per person.
 */
export class PassportClaimedError extends PassportPendingError {
  override name = 'PassportClaimedError';

  override get label(): Label {
    return {
      zh: `${this.who} 的另一本新护照 ${this.claimed} 正在其在办案件的护照签发步骤中记录：每人只能有一本有效的因公护照`,
      en: `${this.who}'s other new passport, ${this.claimed}, is being recorded at the passport issue step of their open case: one valid official passport per person`,
    };
  }
}

/**
 * Thrown when a passport would be checked out while a new passport of its holder, recorded at an open case's C05, is not
 * in the ledger yet (passportClaimInForce): the new one replaces it, and the check-out would keep it from being
 * registered (ninth trial: a C07 and another case's C05 of one person at once; the C05 recorded a passport the ledger
 * never registered). Taken under the person's claims lock, as C05's claim is.
 */
export class PassportRegisteringError extends PassportPendingError {
  override name = 'PassportRegisteringError';

  override get label(): Label {
    return {
      zh: `${this.who} 的新护照 ${this.claimed} 已在其在办案件的护照签发步骤中记录，尚未入库保管：每人只能有一本有效的因公护照，待新护照入库（随即自动办理，或由护照管理处手工登记）后再借出`,
      en: `${this.who}'s new passport, ${this.claimed}, recorded at the passport issue step of their open case, is not in the custody ledger yet: one valid official passport per person; check out once it is (registered in a moment, or by the passport officer by hand)`,
    };
  }
}

/** Thrown when a roster write would register an active person a second time (duplicatePerson): the entry already there. */
export class DuplicatePersonError extends Error {
  constructor(
    readonly person: RegisteredPerson,
    readonly existing: RegisteredPerson,
  ) {
    super(`person ${person.personId}: already registered as ${existing.personId}`);
    this.name = 'DuplicatePersonError';
  }
}

/**
 * Thrown when a unit's code or a name is another unit's, or its parent or supervising department is not a registered unit
 * or would close a cycle (unitReferenceProblems).
 */
export class UnitReferenceError extends Error {
  constructor(readonly problems: ReturnType<typeof unitReferenceProblems>) {
    super(problems.map((p) => `${p.field}: ${p.rule}`).join('; '));
    this.name = 'UnitReferenceError';
  }
}

/**
 * Serialises the roster writes of one identity (personIdentityKey), to the transaction's end: two registrations of one
 * person at once both compare after the other's commit, so one of them is refused (an advisory lock, as no unique index
 * can hold a name compared as personNameKey compares it, nor only the active entries).
 */
const lockIdentity = (m: EntityManager, key: string) => m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`person-identity:${key}`]);

/** Serialises the unit writes, so two writes cannot each close half of a cycle (A's parent B, B's parent A). */
const lockUnitGraph = (m: EntityManager) => m.query(`SELECT pg_advisory_xact_lock(hashtext('units-graph'))`);

/** Serialises the passport writes of one holder (one valid passport per person), to the transaction's end. */
const lockHolder = (m: EntityManager, holder: string) =>
  m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`custody-holder:${holder}`]);

/**
 * Allowed stored-state changes of a custody passport. A passport out on loan is cancelled (注销) only once it is back in
 * custody (or reported lost): cancelling it where it stood lost its case and due-back day (trial: a second case's C06).
 */
const TRANSITIONS: Record<StoredPassportState, StoredPassportState[]> = {
  'in-custody': ['checked-out', 'cancelled', 'lost'],
  'checked-out': ['in-custody', 'lost'],
  cancelled: [],
  lost: [],
};

const iso = (d: Date | string): string => (typeof d === 'string' ? d : d.toISOString());

const toPlanRecord = (e: AnnualPlanEntity): AnnualPlanRecord => ({
  unit: e.unit,
  year: e.year,
  trips: (e.trips as PlannedTrip[] | null) ?? null,
  approved: e.trips && e.approvedBy ? { by: e.approvedBy, at: iso(e.approvedAt ?? e.updatedAt) } : null,
  proposal:
    e.proposedTrips && e.proposedBy
      ? { trips: e.proposedTrips as PlannedTrip[], by: e.proposedBy, at: iso(e.proposedAt ?? e.updatedAt) }
      : null,
});

const toUnit = (e: UnitEntity): RegisteredUnit => ({
  code: e.code,
  nameZh: e.nameZh,
  nameEn: e.nameEn,
  parentCode: e.parentCode,
  supervisingDepartment: e.supervisingDepartment,
  clerks: e.clerks,
  signatories: e.signatories,
  status: e.status as RegisteredUnit['status'],
  suspendedReason: e.suspendedReason,
});

const toPerson = (e: PersonEntity): RegisteredPerson => ({
  personId: e.personId,
  unit: e.unit,
  name: e.name,
  gender: e.gender as RegisteredPerson['gender'],
  dateOfBirth: e.dateOfBirth,
  rank: e.rank as RegisteredPerson['rank'],
  position: e.position,
  partyMember: e.partyMember,
  classifiedAccess: e.classifiedAccess,
  leadershipTeam: e.leadershipTeam,
  status: e.status as RegisteredPerson['status'],
});

/**
 * The registries' tables (issue 14): units, annual plans, people, custody passports and their history, loaded
 * holiday schedules, process versions. Every write records a registry_changes row in the same transaction.
 */
@Injectable()
export class RegistriesRepository {
  constructor(private readonly ds: DataSource) {}

  private async audit(
    m: EntityManager,
    actor: RegistryActor,
    c: { entity: string; key: string; action: string; unit: string | null; before: unknown; after: unknown },
  ): Promise<void> {
    await m.insert(RegistryChangeEntity, {
      actor: actor.id,
      actorRole: actor.role,
      entity: c.entity,
      entityKey: c.key,
      action: c.action,
      unit: c.unit,
      before: (c.before ?? null) as never,
      after: (c.after ?? null) as never,
    });
  }

  /** Records a change that is not a row write (e.g. a unit suspended or lifted by the passport rule). */
  recordEvent(
    actor: RegistryActor,
    c: { entity: string; key: string; action: string; unit: string | null; after?: unknown },
  ): Promise<void> {
    return this.ds.transaction((m) => this.audit(m, actor, { ...c, before: null, after: c.after ?? null }));
  }

  /**
   * `units`: the changes of these units only (a registry scope: the APEC roles' enterprises), and the office-wide ones
   * of no unit (holiday calendars, process versions: every signed-in user reads those registries).
   */
  async changes(filter: {
    unit?: string;
    units?: readonly string[];
    entity?: string;
    notEntities?: readonly string[];
    limit?: number;
  }): Promise<RegistryChange[]> {
    const qb = this.ds.getRepository(RegistryChangeEntity).createQueryBuilder('c');
    if (filter.unit !== undefined) qb.andWhere('c.unit = :unit', { unit: filter.unit });
    if (filter.units !== undefined) qb.andWhere('(c.unit = ANY(:scope) OR c.unit IS NULL)', { scope: [...filter.units] });
    if (filter.entity !== undefined) qb.andWhere('c.entity = :entity', { entity: filter.entity });
    if (filter.notEntities?.length) qb.andWhere('c.entity NOT IN (:...notEntities)', { notEntities: [...filter.notEntities] });
    const rows = await qb
      .orderBy('c.id', 'DESC')
      .take(filter.limit ?? 200)
      .getMany();
    return rows.map((r) => ({ ...r, at: iso(r.at) }));
  }

  /** The latest change of a kind for a key (e.g. the last suspension event of a unit). */
  async lastChange(entity: string, key: string, actions: string[]): Promise<RegistryChange | null> {
    const r = await this.ds
      .getRepository(RegistryChangeEntity)
      .findOne({ where: { entity, entityKey: key, action: In(actions) }, order: { id: 'DESC' } });
    return r ? { ...r, at: iso(r.at) } : null;
  }

  // ---------------------------------------------------------------------------------------------
  // Units and plans

  /**
   * The units registered as APEC card enterprises (apec_enterprises): the registry scope of the roles whose cases are
   * theirs (registryUnitKind 'enterprise', libs/domain/src/access.ts).
   */
  async enterpriseUnits(): Promise<string[]> {
    const rows: Array<{ unit: string }> = await this.ds.query('SELECT unit FROM apec_enterprises ORDER BY unit');
    return rows.map((r) => r.unit);
  }

  /** Is this unit registered as an APEC card enterprise (apec_enterprises)? */
  async isEnterprise(code: string): Promise<boolean> {
    const rows: unknown[] = await this.ds.query('SELECT 1 FROM apec_enterprises WHERE unit = $1', [code]);
    return rows.length > 0;
  }

  async units(codes?: string[]): Promise<RegisteredUnit[]> {
    const rows = await this.ds.getRepository(UnitEntity).find({ where: codes ? { code: In(codes) } : {}, order: { code: 'ASC' } });
    return rows.map(toUnit);
  }

  async unit(code: string): Promise<RegisteredUnit | null> {
    const row = await this.ds.getRepository(UnitEntity).findOneBy({ code });
    return row ? toUnit(row) : null;
  }

  /**
   * Whether the system knows a unit code, for the filters that name one: registered, or named by a case or by a
   * user's grant (a unit not in the registry still submits as typed: docs/registries.md).
   */
  async knownUnit(code: string): Promise<boolean> {
    const rows: Array<{ known: boolean }> = await this.ds.query(
      `SELECT EXISTS (SELECT 1 FROM units WHERE code = $1)
           OR EXISTS (SELECT 1 FROM cases WHERE unit = $1)
           OR EXISTS (SELECT 1 FROM users WHERE unit = $1 OR grants @> jsonb_build_array(jsonb_build_object('unit', $1::text))) AS known`,
      [code],
    );
    return rows[0]?.known === true;
  }

  /**
   * A unit code as stored, found without letter case (storedUnitCode, the `?unit=` filters): the code itself when known
   * as sent, else a registered unit's, an account's or a case's code equal to it in lower case; null when none.
   */
  async unitAsStored(code: string): Promise<string | null> {
    if (await this.knownUnit(code)) return code;
    const rows: Array<{ code: string }> = await this.ds.query(
      `SELECT code FROM (
         (SELECT code, 0 AS o FROM units WHERE lower(code) = lower($1) LIMIT 1)
         UNION ALL (SELECT unit, 1 FROM users WHERE lower(unit) = lower($1) LIMIT 1)
         UNION ALL (SELECT g->>'unit', 2 FROM users, jsonb_array_elements(grants) g WHERE lower(g->>'unit') = lower($1) LIMIT 1)
         UNION ALL (SELECT unit, 3 FROM cases WHERE lower(unit) = lower($1) LIMIT 1)
       ) k ORDER BY o LIMIT 1`,
      [code],
    );
    return rows[0]?.code ?? null;
  }

  /** Creates or replaces a unit; returns the previous record (null when new). */
  async putUnit(unit: RegisteredUnit, actor: RegistryActor): Promise<RegisteredUnit | null> {
    return this.ds.transaction(async (m) => {
      await lockUnitGraph(m);
      const problems = unitReferenceProblems(unit, (await m.find(UnitEntity)).map(toUnit));
      if (problems.length > 0) throw new UnitReferenceError(problems);
      const old = await m.findOne(UnitEntity, { where: { code: unit.code }, lock: { mode: 'pessimistic_write' } });
      const before = old ? toUnit(old) : null;
      await m.upsert(UnitEntity, { ...unit, updatedAt: new Date() }, ['code']);
      const action = !before
        ? 'created'
        : before.status !== unit.status
          ? unit.status === 'suspended'
            ? 'suspended'
            : 'lifted'
          : 'updated';
      await this.audit(m, actor, { entity: 'unit', key: unit.code, action, unit: unit.code, before, after: unit });
      return before;
    });
  }

  /** The unit's approved plan for the year (what A01 reads), or null while none is approved. */
  async plan(unit: string, year: number): Promise<AnnualPlan | null> {
    return planIn(this.ds.manager, unit, year);
  }

  /** The year's plan on file: the approved one and the proposal awaiting approval (AnnualPlanRecord); null: neither. */
  /**
   * The cases of `unit` holding a trip of its `year` plan (plannedTripHolders: open, departed, completed, or claimed
   * within the day), each with its title (null before it is projected), by trip id then case: what a change of the plan
   * takes from them (trial 70: the approval dropped a trip an open case held, and nothing said so).
   */
  async planHolders(unit: string, year: number): Promise<Array<{ tripId: string; caseId: string; title: string | null }>> {
    const holders = await plannedTripHolders(this.ds.manager, unit, year);
    if (holders.length === 0) return [];
    const titles = new Map(
      (
        await this.ds.query<Array<{ case_id: string; title: string }>>('SELECT case_id, title FROM cases WHERE case_id = ANY($1)', [
          holders.map((h) => h.caseId),
        ])
      ).map((r) => [r.case_id, r.title]),
    );
    return holders
      .map((h) => ({ ...h, title: titles.get(h.caseId) ?? null }))
      .sort((a, b) => a.tripId.localeCompare(b.tripId) || a.caseId.localeCompare(b.caseId));
  }

  async planRecord(unit: string, year: number): Promise<AnnualPlanRecord | null> {
    const row = await this.ds.getRepository(AnnualPlanEntity).findOneBy({ unit, year });
    // A row with neither (a first filing's lock row, its write refused) is no plan on file.
    return row && (row.trips !== null || row.proposedTrips !== null) ? toPlanRecord(row) : null;
  }

  /**
   * The trip against its unit's plan for the departure year (matchAnnualPlan), the plan's trips other delegations of
   * the unit hold not free (plannedTripsTaken, case-record.repository.ts), nor those due to cases filed before it
   * (tripsDueEarlierFiled; before every open case when it is not filed). `exceptCaseId`: the case checked, whose own
   * claim takes nothing from it. The API's dry run (checkPlan) asks this; A01 claims with claimPlannedTrip.
   */
  async planMatch(facts: Parameters<typeof matchAnnualPlan>[1] & { unit: string }, exceptCaseId = ''): Promise<PlanMatch> {
    return this.matchPlan(this.ds.manager, facts, exceptCaseId);
  }

  /**
   * A01: planMatch and, in the same transaction under the unit and year's lock (lockPlanYear), the case's claim on the
   * planned trip it matched (recordPlannedTrip; none when not planned): of two cases of a unit whose A01 runs at once,
   * the second reads the first's claim. Idempotent for a retried A01 (its own claim is not another's). The trips due to
   * cases filed earlier that hold none yet (tripsDueEarlierFiled) are claimed for them first, so cases filed at once get
   * the plan's trips in filing order whichever A01 runs first.
   */
  async claimPlannedTrip(facts: Parameters<typeof matchAnnualPlan>[1] & { unit: string }, caseId: string): Promise<PlanMatch> {
    const year = Number(facts.departureDate.slice(0, 4));
    return this.ds.transaction(async (m) => {
      await lockPlanYear(m, facts.unit, year);
      const plan = await planIn(m, facts.unit, year);
      // One read of the holders serves both: the trips due to earlier cases, then (with those claims) what is taken.
      const holders = plan ? await plannedTripHolders(m, facts.unit, year) : [];
      const due = plan ? await tripsDueEarlierFiled(m, plan, facts.unit, year, caseId, 'none', holders) : new Map<string, string>();
      for (const [earlier, tripId] of due) await recordPlannedTrip(m, { caseId: earlier, unit: facts.unit, year, tripId });
      // The trip it holds stays its own while it still qualifies (a shared-out trip, assignPlannedTrips, is kept).
      const held = await plannedTripClaimOf(m, caseId);
      const taken = tripsTaken(holders, caseId, due);
      const match = matchAnnualPlan(plan, facts, taken, held && held.unit === facts.unit && held.year === year ? held.tripId : undefined);
      await recordPlannedTrip(m, { caseId, unit: facts.unit, year, tripId: match.outcome === 'planned' ? match.tripId : null });
      return match;
    });
  }

  private async matchPlan(m: EntityManager, facts: Parameters<typeof matchAnnualPlan>[1] & { unit: string }, exceptCaseId: string) {
    const year = Number(facts.departureDate.slice(0, 4));
    const plan = await planIn(m, facts.unit, year);
    if (!plan) return matchAnnualPlan(plan, facts, new Set());
    // As A01 would read it: the trips other cases hold, and those due to cases filed before this one.
    const holders = await plannedTripHolders(m, facts.unit, year);
    const due = await tripsDueEarlierFiled(m, plan, facts.unit, year, exceptCaseId, 'all', holders);
    return matchAnnualPlan(plan, facts, tripsTaken(holders, exceptCaseId, due));
  }

  /**
   * The FAO's plan for the year, approved as written (the FAO clerk, the seed): A01 reads it from now on; a proposal
   * awaiting approval is settled by it (cleared). Audited (registry_changes `plan`, `approved`).
   */
  async putPlan(plan: AnnualPlan, actor: RegistryActor): Promise<AnnualPlanRecord & { created: boolean }> {
    return this.writePlan(plan.unit, plan.year, actor, (old) => ({
      set: { trips: plan.trips, approvedBy: actor.id, approvedAt: new Date(), proposedTrips: null, proposedBy: null, proposedAt: null },
      change: { action: old?.trips ? 'updated' : 'created', before: old?.trips ?? null, after: plan.trips },
    }));
  }

  /**
   * The unit's filing of its plan (its organizer): kept as the proposal awaiting the FAO clerk's approval, the approved
   * plan (what A01 reads) unchanged until then. Audited (`proposed`).
   */
  async proposePlan(plan: AnnualPlan, actor: RegistryActor): Promise<AnnualPlanRecord & { created: boolean }> {
    return this.writePlan(plan.unit, plan.year, actor, (old) => ({
      set: { proposedTrips: plan.trips, proposedBy: actor.id, proposedAt: new Date() },
      change: { action: 'proposed', before: old?.proposedTrips ?? null, after: plan.trips },
    }));
  }

  /**
   * The FAO clerk approves the unit's proposal filed at `proposedAt` (ISO instant, as the record shows it): it becomes
   * the plan A01 reads. 'none' when no proposal awaits, 'changed' when the one awaiting was filed at another instant
   * (the unit filed again since the clerk read it: what is approved is what was read); nothing is changed then. Audited
   * (`approved`, before: the plan it replaces).
   */
  async approvePlan(unit: string, year: number, actor: RegistryActor, proposedAt: string): Promise<AnnualPlanRecord | 'none' | 'changed'> {
    let refusal: 'none' | 'changed' = 'none';
    const approved = await this.writePlan<(AnnualPlanRecord & { created: boolean }) | null>(unit, year, actor, (old) => {
      if (!old?.proposedTrips) return null;
      if (iso(old.proposedAt ?? old.updatedAt) !== proposedAt) {
        refusal = 'changed';
        return null;
      }
      return {
        set: {
          trips: old.proposedTrips,
          approvedBy: actor.id,
          approvedAt: new Date(),
          proposedTrips: null,
          proposedBy: null,
          proposedAt: null,
        },
        change: { action: 'approved', before: old.trips, after: old.proposedTrips },
      };
    });
    if (!approved) return refusal;
    const { created: _approvedOnFile, ...record } = approved;
    return record;
  }

  /**
   * One write of a plan row under its row lock, with its registry_changes row; `write` null: nothing (the answer null).
   * `created`: no plan was on file for the year before (neither approved nor filed: the PUT's 201).
   */
  private async writePlan<T extends (AnnualPlanRecord & { created: boolean }) | null = AnnualPlanRecord & { created: boolean }>(
    unit: string,
    year: number,
    actor: RegistryActor,
    write: (old: AnnualPlanEntity | null) => {
      set: Partial<AnnualPlanEntity>;
      change: { action: string; before: unknown; after: unknown };
    } | null,
  ): Promise<T> {
    return this.ds.transaction(async (m) => {
      // The row exists before its lock is taken (an empty one for a first filing), so two writes of a year queue on it.
      await m.query(`INSERT INTO annual_plans (unit, year) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [unit, year]);
      const old = await m.findOne(AnnualPlanEntity, { where: { unit, year }, lock: { mode: 'pessimistic_write' } });
      const fresh = old && old.trips === null && old.proposedTrips === null ? null : old;
      const w = write(fresh);
      if (!w) return null as T;
      await m.update(AnnualPlanEntity, { unit, year }, { ...w.set, updatedAt: new Date() } as QueryDeepPartialEntity<AnnualPlanEntity>);
      await this.audit(m, actor, {
        entity: 'plan',
        key: `${unit}:${year}`,
        action: w.change.action,
        unit,
        before: w.change.before,
        after: w.change.after,
      });
      return { ...toPlanRecord((await m.findOne(AnnualPlanEntity, { where: { unit, year } }))!), created: fresh === null } as T;
    });
  }

  // ---------------------------------------------------------------------------------------------
  // People

  /** `units`: of these units only (a registry scope), none when empty; with `unit`, both hold. */
  async people(filter: { unit?: string; units?: readonly string[]; ids?: string[] }): Promise<RegisteredPerson[]> {
    const where: Record<string, unknown> = {};
    if (filter.units !== undefined) {
      const units = filter.unit === undefined ? filter.units : filter.units.filter((u) => u === filter.unit);
      if (units.length === 0) return [];
      where.unit = In([...units]);
    } else if (filter.unit !== undefined) where.unit = filter.unit;
    if (filter.ids !== undefined) where.personId = In(filter.ids);
    const rows = await this.ds.getRepository(PersonEntity).find({ where, order: { unit: 'ASC', personId: 'ASC' } });
    return rows.map(toPerson);
  }

  /**
   * The registered units whose numbering `personId` is in (case-insensitive): the unit's code as a part of the id set
   * off by anything but a letter or digit (`commerce-0001`, `P-commerce-004`, `commerce.7`), or leading it before a
   * digit (`commerce0001`). Fifteenth trial: `P-<unit>-NNN`, the seeded ids' pattern, was not seen.
   */
  async unitsNumbering(personId: string): Promise<string[]> {
    const rows = await this.ds.query<Array<{ code: string }>>(
      // Unit codes are letters, digits and . _ - (CODE_PATTERN): only the dot means something to a regular expression.
      `SELECT code FROM (SELECT code, replace(lower(code), '.', '\\.') AS pattern FROM units) u
        WHERE lower($1) ~ ('(^|[^[:alnum:]])' || u.pattern || '([^[:alnum:]]|$)') OR lower($1) ~ ('^' || u.pattern || '[0-9]')`,
      [personId],
    );
    return rows.map((r) => r.code);
  }

  async person(personId: string): Promise<RegisteredPerson | null> {
    const row = await this.ds.getRepository(PersonEntity).findOneBy({ personId });
    return row ? toPerson(row) : null;
  }

  /**
   * Creates or replaces a person. `keepClassifiedAccess`: the personnel office's write leaves the secrecy office's
   * field as stored (a new person starts without classified access). Throws RegistryDateError when one of the person's
   * passports was issued before the new date of birth (after-birth), DuplicatePersonError when another active
   * entry has the person's identity (duplicatePerson), compared under the identity's lock.
   */
  async putPerson(
    person: RegisteredPerson,
    actor: RegistryActor,
    opts: { keepClassifiedAccess?: boolean } = {},
  ): Promise<RegisteredPerson> {
    return this.ds.transaction(async (m) => {
      await lockIdentity(m, personIdentityKey(person));
      // The holder's passports stay issued after the birth (after-birth), compared under the holder's lock.
      await lockHolder(m, person.personId);
      const issuedBeforeBirth = passportBirthProblems(person.dateOfBirth, await heldBy(m, person.personId), 'dateOfBirth');
      if (issuedBeforeBirth.length > 0) throw new RegistryDateError(issuedBeforeBirth);
      const namesakes = await m.find(PersonEntity, { where: { gender: person.gender, dateOfBirth: person.dateOfBirth, status: 'active' } });
      const existing = duplicatePerson(person, namesakes.map(toPerson));
      if (existing) throw new DuplicatePersonError(person, existing);
      const old = await m.findOne(PersonEntity, { where: { personId: person.personId }, lock: { mode: 'pessimistic_write' } });
      const before = old ? toPerson(old) : null;
      const after: RegisteredPerson = opts.keepClassifiedAccess
        ? { ...person, classifiedAccess: before?.classifiedAccess ?? false }
        : person;
      await m.upsert(PersonEntity, { ...after, updatedAt: new Date() }, ['personId']);
      await this.audit(m, actor, {
        entity: 'person',
        key: person.personId,
        action: before ? 'updated' : 'created',
        unit: person.unit,
        before,
        after,
      });
      return after;
    });
  }

  /** The secrecy office's field; null when there is no such person. */
  async setClassifiedAccess(personId: string, value: boolean, actor: RegistryActor): Promise<RegisteredPerson | null> {
    return this.ds.transaction(async (m) => {
      const old = await m.findOne(PersonEntity, { where: { personId }, lock: { mode: 'pessimistic_write' } });
      if (!old) return null;
      await m.update(PersonEntity, { personId }, { classifiedAccess: value, updatedAt: new Date() });
      await this.audit(m, actor, {
        entity: 'person',
        key: personId,
        action: 'classified-access',
        unit: old.unit,
        before: { classifiedAccess: old.classifiedAccess },
        after: { classifiedAccess: value },
      });
      return { ...toPerson(old), classifiedAccess: value };
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Passports in custody

  /** Passports of the given holders, or of the people of a unit. */
  async passports(filter: {
    holders?: string[];
    /** These numbers exactly (normalPassportNumber's form, as the ledger stores them). */
    numbers?: readonly string[];
    unit?: string;
    units?: readonly string[];
    outFor?: string;
  }): Promise<CustodyPassport[]> {
    const qb = this.ds.getRepository(CustodyPassportEntity).createQueryBuilder('p');
    if (filter.numbers !== undefined) qb.andWhere('p.number = ANY(:numbers)', { numbers: [...filter.numbers] });
    // Out on loan for this case.
    if (filter.outFor !== undefined) qb.andWhere(`p.caseId = :outFor AND p.state = 'checked-out'`, { outFor: filter.outFor });
    if (filter.holders !== undefined) qb.andWhere('p.holder IN (:...holders)', { holders: filter.holders.length ? filter.holders : [''] });
    if (filter.unit !== undefined) qb.andWhere('p.holder IN (SELECT person_id FROM people WHERE unit = :unit)', { unit: filter.unit });
    // A registry scope (the APEC roles' enterprises): the passports of these units' people only, none when empty.
    if (filter.units !== undefined)
      qb.andWhere('p.holder IN (SELECT person_id FROM people WHERE unit = ANY(:scope))', { scope: [...filter.units] });
    const rows = await qb.orderBy('p.number', 'ASC').getMany();
    return rows.map(toPassport);
  }

  /**
   * Ledger passports whose number is one of these, compared as passportNumberKey compares (spaces dropped, upper
   * case): a typed member's number finds its holder however it was written (typedMemberIdentity).
   */
  async passportsByNumbers(numbers: readonly string[]): Promise<CustodyPassport[]> {
    const keys = [...new Set(numbers.map(passportNumberKey).filter((n) => n !== ''))];
    if (keys.length === 0) return [];
    const rows = await this.ds
      .getRepository(CustodyPassportEntity)
      .createQueryBuilder('p')
      .where(`upper(regexp_replace(p.number, '\\s+', '', 'g')) IN (:...keys)`, { keys })
      .orderBy('p.number', 'ASC')
      .getMany();
    return rows.map(toPassport);
  }

  /**
   * A case as a manual check-out checks it (checkOutProblems): running or not, its return date, its members' person ids
   * (from its submitted facts and amendments), and its pinned process version. A case not projected yet (submitted a
   * moment ago; fourth trial: a check-out right after the submission read 422 open-case-member) is read from the
   * workflow's published answer (case_progress), and is 'registering' while only its submission's claim
   * (member_trip_claims) is on record; null when no case has the id.
   */
  async caseForCheckOut(caseId: string): Promise<(CheckOutCase & { definitionVersion: string }) | 'registering' | null> {
    const record = await readCaseRecord(this.ds.manager, caseId);
    // The members still on the case: one withdrawn (a refused visa, D12) is no longer its member (trial 86: a passport
    // out for a case its holder had left was "waited for" at that case's check-in, which never comes for them).
    const personIds = (members: unknown, current: (id: string) => boolean) =>
      (Array.isArray(members) ? (members as Array<{ id?: unknown; personId?: unknown }>) : [])
        .filter((mb) => typeof mb?.id !== 'string' || current(mb.id))
        .map((mb) => mb?.personId)
        .filter((id): id is string => typeof id === 'string');
    if (record) {
      const onCase = new Set(
        (await this.ds.query<Array<{ member_id: string }>>('SELECT DISTINCT member_id FROM case_members WHERE case_id = $1', [caseId])).map(
          (r) => r.member_id,
        ),
      );
      return {
        caseId,
        title: record.case.title,
        open: !CLOSED_STATUSES.includes(record.case.status as CaseStatus),
        returnDate: record.case.returnDate,
        personIds: personIds(record.facts?.members, (id) => onCase.has(id)),
        definitionVersion: record.case.definitionVersion,
      };
    }
    const [published] = await this.ds.query<
      Array<{ answer: Pick<DelegationProgress, 'status' | 'facts' | 'definitionVersion' | 'title' | 'withdrawnMembers'> }>
    >('SELECT answer FROM case_progress WHERE case_id = $1', [caseId]);
    if (published) {
      const left = new Set((published.answer.withdrawnMembers ?? []).map((w) => w.memberId));
      return {
        caseId,
        ...(typeof published.answer.title === 'string' ? { title: published.answer.title } : {}),
        open: !CLOSED_STATUSES.includes(published.answer.status),
        returnDate: published.answer.facts.returnDate,
        personIds: personIds(published.answer.facts.members, (id) => !left.has(id)),
        definitionVersion: published.answer.definitionVersion,
      };
    }
    const claimed = await this.ds.query<unknown[]>('SELECT 1 FROM member_trip_claims WHERE case_id = $1 LIMIT 1', [caseId]);
    return claimed.length > 0 ? 'registering' : null;
  }

  async passport(number: string): Promise<CustodyPassport | null> {
    const row = await this.ds.getRepository(CustodyPassportEntity).findOneBy({ number });
    return row ? toPassport(row) : null;
  }

  /** The passport whose ledger row has this opaque id (CustodyPassport.ref); null when none. */
  async passportByRef(ref: string): Promise<CustodyPassport | null> {
    const row = await this.ds.getRepository(CustodyPassportEntity).findOneBy({ ref });
    return row ? toPassport(row) : null;
  }

  async passportHistory(number: string): Promise<PassportEvent[]> {
    const rows = await this.ds.getRepository(CustodyPassportEventEntity).find({ where: { number }, order: { id: 'ASC' } });
    return rows.map((r) => ({ at: iso(r.at), fromState: r.fromState, toState: r.toState, caseId: r.caseId, actor: r.actor, note: r.note }));
  }

  /**
   * Takes a passport into custody; false when the number is already in the ledger. Throws RegistryDateError when it
   * was issued before its holder's birth (after-birth), PassportHeldError while
   * another of the holder's passports is checked out (one valid official passport per person): the API's
   * registration and the demo seed alike. `oneValid`: the rule in full, also refused while the holder has another
   * valid one in custody than the passport it `replaces` and, with the trip's `returnDate`, those that do not last it
   * (secondValidPassport, under the holder's lock: two at once register one): the chain's C05 (`replaces` the member's
   * passport in the case's facts) and a registration by hand
   * (replaces none: the old one is cancelled or reported lost first; seventh trial: by hand a person was given two).
   */
  async registerPassport(
    p: Omit<CustodyPassport, 'state' | 'caseId' | 'dueBackOn'>,
    unit: string,
    actor: RegistryActor,
    oneValid?: { replaces: string | null; returnDate?: string },
  ): Promise<boolean> {
    return this.ds.transaction(async (m) => {
      await lockHolder(m, p.holder);
      const held = await heldBy(m, p.holder);
      if (held.some((x) => x.number === p.number)) return false;
      // Issued on or after the holder's birth (after-birth): the roster's date, read under the holder's lock.
      const holder = await m.findOne(PersonEntity, { where: { personId: p.holder } });
      const issuedBeforeBirth = holder ? passportBirthProblems(holder.dateOfBirth, [p], 'issuedOn') : [];
      if (issuedBeforeBirth.length > 0) throw new RegistryDateError(issuedBeforeBirth);
      const other =
        passportHeldElsewhere(held, p.number) ??
        (oneValid ? secondValidPassport(held, p.number, oneValid.replaces, shanghaiDate(Date.now()), oneValid.returnDate) : null);
      if (other) throw await namedHolder(m, new PassportHeldError(p.number, p.holder, other));
      // Nor beside another new passport a case's C05 holds for the person, in flight (its claim), under the lock the
      // claims are taken under (eighth trial: a C05 and a registration by hand at once were both accepted).
      if (oneValid) {
        const claimed = await passportClaimInForce(m, p.holder, p.number);
        if (claimed) throw await namedHolder(m, new PassportClaimedError(p.number, p.holder, claimed.number));
      }
      // ON CONFLICT: two officers registering one number at once get one row and one 409, never a 500.
      const inserted: unknown[] = await m.query(
        `INSERT INTO custody_passports (number, type, issued_on, expires_on, holder, state) VALUES ($1, $2, $3, $4, $5, 'in-custody')
           ON CONFLICT (number) DO NOTHING RETURNING number`,
        [p.number, p.type, p.issuedOn, p.expiresOn, p.holder],
      );
      if (inserted.length === 0) return false;
      await m.insert(CustodyPassportEventEntity, {
        number: p.number,
        fromState: null,
        toState: 'in-custody',
        caseId: null,
        actor: actor.id,
        note: null,
      });
      await this.audit(m, actor, {
        entity: 'passport',
        key: p.number,
        action: 'registered',
        unit,
        before: null,
        after: { ...p, state: 'in-custody' },
      });
      return true;
    });
  }

  /**
   * Changes a passport's stored state (checked out for a case until a due date, checked in, cancelled, lost) and
   * records it in its history. Throws PassportTransitionError when not allowed from the current state, and its
   * PassportExpiredError when an expired passport would go out (checked-out).
   */
  async transitionPassport(
    number: string,
    to: StoredPassportState,
    details: { caseId?: string | null; dueBackOn?: string | null; note?: string | null },
    actor: RegistryActor,
  ): Promise<{ before: CustodyPassport; after: CustodyPassport }> {
    return this.ds.transaction(async (m) => {
      const unit = (holder: string) => holderUnitIn(m, holder);
      // Into circulation (checked out): the holder's passports are read under the holder's lock, taken before the row's.
      const holder = to === 'checked-out' ? (await m.findOne(CustodyPassportEntity, { where: { number } }))?.holder : undefined;
      if (holder !== undefined) await lockHolder(m, holder);
      const row = await m.findOne(CustodyPassportEntity, { where: { number }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new PassportTransitionError(number, null, to);
      const before = toPassport(row);
      if (!TRANSITIONS[before.state].includes(to)) throw new PassportTransitionError(number, before.state, to);
      if (to === 'checked-out' && before.state !== 'checked-out') {
        // An expired passport is a record, never a travel document: by hand or by the chain's C07.
        if (passportExpired(before, shanghaiDate(Date.now()))) throw new PassportExpiredError(before);
        const other = passportHeldElsewhere(await heldBy(m, before.holder), number);
        if (other) throw await namedHolder(m, new PassportHeldError(number, before.holder, other));
        // Nor while a new passport of the holder is on its way into the ledger (a C05's claim, under its lock).
        const claimed = await passportClaimInForce(m, before.holder, number);
        if (claimed) throw await namedHolder(m, new PassportRegisteringError(number, before.holder, claimed.number));
      }
      const out = to === 'checked-out';
      const after: CustodyPassport = {
        ...before,
        state: to,
        caseId: out ? (details.caseId ?? null) : null,
        dueBackOn: out ? (details.dueBackOn ?? null) : null,
      };
      await m.update(
        CustodyPassportEntity,
        { number },
        { state: to, caseId: after.caseId, dueBackOn: after.dueBackOn, updatedAt: new Date() },
      );
      await m.insert(CustodyPassportEventEntity, {
        number,
        fromState: before.state,
        toState: to,
        caseId: details.caseId ?? before.caseId,
        actor: actor.id,
        note: details.note ?? null,
      });
      await this.audit(m, actor, { entity: 'passport', key: number, action: to, unit: await unit(before.holder), before, after });
      return { before, after };
    });
  }

  /**
   * A passport out for a case that closed before it came back (CaseCore.passportsDueOnClose): due back on `dueBackOn`
   * if that is sooner than the day it was lent until; `redated` (its trip's return date amended: passportsRedated): on
   * `dueBackOn`, later or sooner. Recorded in its history and the audit trail. False when there is nothing to move: not
   * out for this case, or already due by then (a retried move).
   */
  async passportDueBack(
    number: string,
    caseId: string,
    dueBackOn: string,
    actor: RegistryActor,
    note: string | null = null,
    redated = false,
  ): Promise<boolean> {
    return this.ds.transaction(async (m) => {
      const unit = (holder: string) => holderUnitIn(m, holder);
      const row = await m.findOne(CustodyPassportEntity, { where: { number }, lock: { mode: 'pessimistic_write' } });
      if (!row || row.state !== 'checked-out' || row.caseId !== caseId) return false;
      const before = toPassport(row);
      if (before.dueBackOn !== null && (redated ? before.dueBackOn === dueBackOn : before.dueBackOn <= dueBackOn)) return false;
      const after: CustodyPassport = { ...before, dueBackOn };
      await m.update(CustodyPassportEntity, { number }, { dueBackOn, updatedAt: new Date() });
      await m.insert(CustodyPassportEventEntity, {
        number,
        fromState: 'checked-out',
        toState: 'checked-out',
        caseId,
        actor: actor.id,
        note,
      });
      await this.audit(m, actor, { entity: 'passport', key: number, action: 'due-back', unit: await unit(before.holder), before, after });
      return true;
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Holiday schedules

  async schedules(): Promise<StoredSchedule[]> {
    const rows = await this.ds.getRepository(HolidayScheduleEntity).find({ order: { year: 'ASC' } });
    return rows.map((r) => ({
      year: r.year,
      holidays: r.holidays,
      workdays: r.workdays,
      source: r.source,
      loadedBy: r.loadedBy,
      loadedAt: iso(r.loadedAt),
    }));
  }

  /** The loaded schedules in the shape createCalendar({ schedules }) takes (what cases plan with). */
  async yearSchedules(): Promise<YearSchedule[]> {
    return (await this.schedules()).map(({ year, holidays, workdays }) => ({ year, holidays, workdays }));
  }

  async putSchedule(s: YearSchedule, source: string, actor: RegistryActor): Promise<{ replaced: boolean }> {
    return this.ds.transaction(async (m) => {
      const old = await m.findOne(HolidayScheduleEntity, { where: { year: s.year }, lock: { mode: 'pessimistic_write' } });
      await m.upsert(
        HolidayScheduleEntity,
        { year: s.year, holidays: s.holidays, workdays: s.workdays, source, loadedBy: actor.id, loadedAt: new Date() },
        ['year'],
      );
      await this.audit(m, actor, {
        entity: 'calendar',
        key: String(s.year),
        action: old ? 'replaced' : 'loaded',
        unit: null,
        before: old ? { holidays: old.holidays, workdays: old.workdays, source: old.source } : null,
        after: { ...s, source },
      });
      return { replaced: !!old };
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Process versions

  async processVersions(): Promise<StoredProcessVersion[]> {
    const rows = await this.ds.getRepository(ProcessVersionEntity).find({ order: { publishedAt: 'DESC' } });
    return rows.map(toVersion);
  }

  async latestProcessVersion(): Promise<StoredProcessVersion | null> {
    const row = await this.ds.getRepository(ProcessVersionEntity).findOne({ where: {}, order: { publishedAt: 'DESC' } });
    return row ? toVersion(row) : null;
  }

  /** Whether a version of that name is published (a dry run's 409; publishing itself checks in its transaction). */
  async processVersionExists(version: string): Promise<boolean> {
    return this.ds.getRepository(ProcessVersionEntity).existsBy({ version });
  }

  /**
   * Publishes a version on top of `v.previousVersion`, the current one its changes were taken against (null: the
   * built-in, none published). One publication at a time (an advisory lock): 'taken' when the name is published already
   * (versions are immutable), 'stale' with the current version when another was published since the changes were
   * taken (trial 34: parallel publications of one name answered 500 on the primary key, of several names all 201 against
   * the same previous version, in no order).
   */
  async publishProcessVersion(
    v: Omit<StoredProcessVersion, 'publishedAt'>,
    basedOn: string | null,
    actor: RegistryActor,
  ): Promise<{ outcome: 'published' } | { outcome: 'taken' } | { outcome: 'stale'; current: string }> {
    return this.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('process-versions'))`);
      const exists = await m.findOneBy(ProcessVersionEntity, { version: v.version });
      if (exists) return { outcome: 'taken' as const };
      const latest = await m.findOne(ProcessVersionEntity, { where: {}, order: { publishedAt: 'DESC' } });
      if ((latest?.version ?? null) !== basedOn) return { outcome: 'stale' as const, current: latest!.version };
      await m.insert(ProcessVersionEntity, {
        version: v.version,
        definition: v.definition as object,
        settings: v.settings,
        changes: v.changes,
        previousVersion: v.previousVersion,
        publishedBy: v.publishedBy,
        publishedAt: new Date(),
      });
      await this.audit(m, actor, {
        entity: 'process-version',
        key: v.version,
        action: 'published',
        unit: null,
        before: v.previousVersion,
        after: { changes: v.changes },
      });
      return { outcome: 'published' as const };
    });
  }
}

const toVersion = (r: ProcessVersionEntity): StoredProcessVersion => ({
  version: r.version,
  definition: r.definition,
  settings: (r.settings ?? {}) as Record<string, unknown>,
  changes: r.changes as DefinitionChange[],
  previousVersion: r.previousVersion,
  publishedBy: r.publishedBy,
  publishedAt: iso(r.publishedAt),
});

/**
 * RegistriesRepository.sharePlannedTrips with a manager (the worker's, where a close frees a trip): the approved plan,
 * the unit's open cases departing in `year` earliest filed first with the trips they hold (openPlanClaimants), and
 * the trips held by cases that keep theirs (departed, completed, or not projected yet and not among the claimants);
 * the claims as assignPlannedTrips decides, in one transaction under lockPlanYear. `exceptCaseId`: a case whose own
 * A01 just decided (its claim is fixed, not shared). Returns the open cases but `exceptCaseId` (the ones whose A01
 * reads that plan year: openCaseIdsDepartingIn's set, read once) and how many of them hold a trip; with no approved
 * plan nothing is shared (`holding` 0) and the cases are still named.
 */
export async function sharePlannedTrips(
  manager: EntityManager,
  unit: string,
  year: number,
  exceptCaseId = '',
): Promise<{ caseIds: string[]; holding: number }> {
  return manager.transaction(async (m) => {
    await lockPlanYear(m, unit, year);
    // The case whose A01 just let a trip go keeps what that A01 decided (its read-model row may not show its amendment yet).
    const claimants = (await openPlanClaimants(m, unit, year)).filter((c) => c.caseId !== exceptCaseId);
    const caseIds = claimants.map((c) => c.caseId);
    const plan = await planIn(m, unit, year);
    if (!plan || claimants.length === 0) return { caseIds, holding: 0 };
    const open = new Set(caseIds);
    const fixed = new Set((await plannedTripHolders(m, unit, year)).filter((h) => !open.has(h.caseId)).map((h) => h.tripId));
    const shared = assignPlannedTrips(plan, claimants, fixed);
    let holding = 0;
    for (const c of claimants) {
      const tripId = shared.get(c.caseId) ?? null;
      if (tripId !== null) holding++;
      if (tripId !== c.held) await recordPlannedTrip(m, { caseId: c.caseId, unit, year, tripId });
    }
    return { caseIds, holding };
  });
}

/**
 * The plan's trips due to the unit's open cases departing in `year` filed before `caseId` that hold none yet
 * (openPlanClaimants), shared out in filing
 * order (assignPlannedTrips) around the trips held already, which stay with their holders: case id → trip id. Their
 * first A01s may not have run: cases filed within the same second went by the order their A01s ran (eighteenth trial:
 * the fourth of four filed at once held the trip and the second read over-plan). Read under lockPlanYear by A01, which
 * claims them for those cases (each one's own A01 then keeps it: matchAnnualPlan's `held`); a case that recorded
 * over-plan before such a trip was free is told by whatever freed it (announceTripFreed, the plan's recheck).
 * `unknown`: when `caseId` is not among the open cases, every one of them comes first (`all`: the dry run of a trip not
 * filed yet) or none is known to (`none`: an A01 whose case is neither projected nor published yet, its filing instant
 * unknown; it claims as before, what is free).
 */
async function tripsDueEarlierFiled(
  m: EntityManager,
  plan: AnnualPlan,
  unit: string,
  year: number,
  caseId: string,
  unknown: 'all' | 'none',
  holders: ReadonlyArray<{ caseId: string; tripId: string }>,
): Promise<Map<string, string>> {
  const claimants = await openPlanClaimants(m, unit, year);
  const at = claimants.findIndex((c) => c.caseId === caseId);
  const waiting = (at >= 0 ? claimants.slice(0, at) : unknown === 'all' ? claimants : []).filter((c) => c.held === null);
  const due = new Map<string, string>();
  if (waiting.length === 0) return due;
  for (const [earlier, tripId] of assignPlannedTrips(plan, waiting, new Set(holders.map((h) => h.tripId))))
    if (tripId !== null) due.set(earlier, tripId);
  return due;
}

/**
 * The plan's trips taken for `caseId` (plannedTripsTaken's answer, from `holders` read once, plannedTripHolders): those
 * other cases hold, and those `due` to cases filed before it (tripsDueEarlierFiled), claimed or about to be.
 */
function tripsTaken(
  holders: ReadonlyArray<{ caseId: string; tripId: string }>,
  caseId: string,
  due: ReadonlyMap<string, string>,
): Set<string> {
  return new Set([...holders.filter((h) => h.caseId !== caseId).map((h) => h.tripId), ...due.values()]);
}

/**
 * The approved plan of `unit` for `year`, read with `manager`: inside a transaction, its own connection. A query on the
 * pool from within a transaction that holds a lock waits for a free connection while the other connections wait for
 * that lock: ten A01s of one unit at once wedged the worker this way (bench, 2026-12-04).
 */
async function planIn(manager: EntityManager, unit: string, year: number): Promise<AnnualPlan | null> {
  const row = await manager.getRepository(AnnualPlanEntity).findOneBy({ unit, year });
  return row?.trips ? { unit: row.unit, year: row.year, trips: row.trips as PlannedTrip[] } : null;
}

/** The unit of a passport's holder (the people registry), read with the transaction's `manager`: planIn says why. */
async function holderUnitIn(manager: EntityManager, personId: string): Promise<string | null> {
  return (await manager.findOne(PersonEntity, { where: { personId } }))?.unit ?? null;
}
