import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { WorkflowHandle } from '@temporalio/client';
import { Brackets, MoreThan, Repository, type EntityManager } from 'typeorm';
import {
  amendUpdate,
  attachUpdate,
  caseClockNow,
  stepOpenToRole,
  cancelUpdate,
  detachUpdate,
  completeStepUpdate,
  decideStepUpdate,
  amendPreviewQuery,
  delegationWorkflowId,
  objectionUpdate,
  planSummary,
  stepOfClosedCase,
  supplyDocumentUpdate,
  extendDeficiencyUpdate,
  tripReportProblems,
  withdrawUpdate,
  withCriticalStep,
  type ActionResult,
  type Actor,
  type AmendPreview,
  type AmendRequest,
  type DelegationInput,
  type DelegationProgress,
  type OnBehalfOfUser,
  type PlanSummary,
} from '@df/contracts';
import {
  departurePassedFor,
  newPassportTripProblems,
  stayIn,
  visaStayProblems,
  passportLastsTrip,
  passportNeededUntil,
  checkTripRules,
  restsOnWithheldRecords,
  tripsOf,
  duplicateMemberIdViolations,
  duplicatePersonViolations,
  accessRefusal,
  CLOSED_STATUSES,
  UPDATE_ACCESS_ACTIONS,
  statusRefusesForGood,
  type CaseUpdateKind,
  dayNumber,
  departureDateViolations,
  departureHorizonViolations,
  allowedRoles,
  mayActOnStep,
  mayAttempt,
  memberTripViolations,
  isIsoDate,
  openCaseKeys,
  openCaseOverlapViolations,
  parseInstanceKey,
  responsibleRole,
  processOfVersion,
  cardStepHangsOnStanding,
  cardStepStandingRefusal,
  stepDataFieldProblems,
  systemReadDataProblems,
  outcomeMembersProblems,
  outcomeRequiredProblems,
  systemWorkReading,
  stepDataProblems,
  foldedStepData,
  isRecord,
  tripReportSummaryProblems,
  writtenWordsProblems,
  versionFilter,
  shanghaiDate,
  type AccessRefusal,
  type CaseAction,
  type CaseFacts,
  type CaseStatus,
  type OfficeSettings,
  type PlanMatch,
  type ProcessDefinition,
  type Role,
  type RuleViolation,
} from '@df/domain';
import {
  CaseEntity,
  CaseEventEntity,
  caseDecisions,
  memberTripHistory,
  withholdTrips,
  type PersonTrip,
  claimOpenCaseTrip,
  openCaseMembers,
  releaseOpenCaseTrip,
  type OpenCaseMemberRow,
  readCaseRecord,
  readProgressSnapshot,
  readPublishedAnswer,
  type CaseRecord,
  type StandingHold,
} from '@df/persistence';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import {
  assertCanSeeCase,
  canSeeCase,
  dutiesRefusalFor,
  processFilterRefusal,
  readableProcesses,
  seesAllUnits,
  type AuthUser,
} from '../auth/access';
import { UsersService } from '../auth/users.service';
import { withActorNames } from '../common/actor-names';
import { echo } from '../common/echo';
import { CaseRows } from '../common/case-rows';
import { DomainError, domainError, ruleRefusal, type FieldError } from '../common/errors';
import { JsonLogger } from '../common/json-logger';
import { withIncidentNotice, type IncidentForUsers } from '../common/incident-notice';
import { maskFor } from '../common/masking';
import { assertKnownUnit, storedUnitCode } from '../common/unit-filter';
import { parseOrThrow, parsePathParam } from '../common/validation';
import { MetricsService } from '../metrics/metrics.service';
import { custodyMoveRefusal, RegistriesService } from '../registries/registries.service';
import { IdentityProbesService } from './identity-probes.service';
import { queryCase, queryCaseProgress } from '../temporal/case-query';
import { TemporalClientService } from '../temporal/temporal-client.provider';
import { fingerprint, IdempotencyService, scopedKey, uuidFrom } from './idempotency.service';
import { holdDocumentNumber, type HeldNumber } from './number-claims';
import {
  AmendSchema,
  CloseSchema,
  CompleteStepSchema,
  DecisionContractSchema,
  DecisionSchema,
  ListQuerySchema,
  ObjectionSchema,
  SubmissionSchema,
  SupplyDocumentSchema,
  ExtendDeficiencySchema,
  StepKeySchema,
  TimelineQuerySchema,
  type Submission,
} from './schemas';
import { startCaseWorkflow, storeFirstAnswer, submissionFirstTurn } from './start-case';
import { expandKeptMembers, isKeptMember } from './kept-members';
import {
  amendmentRefusal,
  HeldByIncident,
  heldByIncident,
  isDefiniteRefusal,
  NotSent,
  refusalError,
  toDomainError,
  unknownOutcome,
} from './temporal-errors';

export interface SubmissionResponse {
  caseId: string;
  workflowId: string;
  status: 'open';
  submittedAt: string;
  plan: PlanSummary;
}

export interface Replayable<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/**
 * The updates a case takes (the access table's UPDATE_ACCESS_ACTIONS): complete, decide, amend, withdraw, cancel,
 * objection, supplyDocument, extendDeficiency; attach and detach (apps/api/src/attachments: the body is built by the API
 * after storing the file, never the client's).
 */
export type ActionKind = CaseUpdateKind;

/** A case id a route may carry (what the API issues: a UUID; 1-64 letters, digits, _ or -): anything else is 404 unread. */
export const CASE_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

const notFound = () => domainError('CASE_NOT_FOUND', '没有这个案件', 'No such case');
const unknownStep = (stepKey: string) =>
  domainError('UNKNOWN_STEP', `本案没有步骤 ${echo(stepKey)}`, `This case has no step ${echo(stepKey)}`, { stepKey: echo(stepKey) });
const outOfScope = () =>
  domainError('CASE_OUT_OF_SCOPE', '只能查看和办理本单位的案件', "You may read and act only on your own unit's cases");

/** How long a worker's beat (every 5 s, apps/worker/src/progress-snapshots.ts) counts as the worker running. */
const WORKER_ALIVE_MS = 20_000;
/** How often an update in flight looks for an incident holding it (watchingIncidents). */
const INCIDENT_POLL_MS = 1000;
/**
 * What a new case's first read leaves of API_QUERY_TIMEOUT_MS for the query when no first answer was published in
 * the rest of it (see currentProgress): the read never takes longer than a query alone could.
 */
const FIRST_ANSWER_QUERY_MS = 1_000;
const FIRST_ANSWER_POLL_MS = 25;
/** How long after starting a case this API waits for its first published answer instead of querying (see currentProgress). */
const FIRST_ANSWER_WINDOW_MS = 10_000;

interface PublishedRead {
  current: boolean;
  serve: boolean;
  answer?: DelegationProgress;
}

/** 422 RULE_VIOLATION: the trip rules' violations, each also a field error whose rule is the violation's code. */
const tripRefusal = (zh: string, en: string, violations: RuleViolation[]): DomainError =>
  domainError('RULE_VIOLATION', zh, en, {
    violations,
    errors: violations.map((v) => ({ field: v.field ?? '(body)', rule: v.code, message: v.message })),
  });

/**
 * The overlap rule's question of a trip: its members' person keys (openCaseKeys: person id, passport number, unit +
 * name) and its window; none for malformed dates.
 */
const tripWindow = (facts: Pick<CaseFacts, 'unit' | 'members' | 'departureDate' | 'returnDate'>) =>
  isIsoDate(facts.departureDate) && isIsoDate(facts.returnDate)
    ? {
        personKeys: [...new Set(facts.members.flatMap((m) => openCaseKeys(facts, m)))],
        window: { from: facts.departureDate, to: facts.returnDate },
      }
    : undefined;

/** Whether the caller reads a case of this scope (canSeeCase): else the trip rules name none of its dates. */
const readsCaseOf = (user: AuthUser, scope: { unit: string; supervisingDepartment: string | null }) =>
  canSeeCase(user, { unit: scope.unit, supervisingDepartment: scope.supervisingDepartment, definitionVersion: null });

/**
 * Whether the trip rules' answer told of another unit's records through a typed passport (a member with no personId:
 * the way an identity probe comes in): a withheld violation at such a member (restsOnWithheldRecords), or, with the
 * `history` read, such a member's trips from another unit's cases. A roster person's own record is their unit's to
 * meet and costs nothing (sixteenth trial: a unit filing its registered person, whose number another unit had typed,
 * was locked out by the count).
 */
function revealsThroughTyped(
  facts: CaseFacts,
  violations: readonly RuleViolation[],
  history?: ReadonlyMap<string, readonly PersonTrip[]>,
): boolean {
  const typed = facts.members.filter((m) => !m.personId);
  const ids = new Set(typed.map((m) => m.id));
  return (
    violations.some((v) => restsOnWithheldRecords(v) && ids.has(String(v.details?.memberId))) ||
    (history !== undefined && typed.some((m) => tripsOf(facts, m, history).some((t) => t.withheld)))
  );
}

/**
 * The overlap rule's rivals as the caller may see them: another case's title only to who may read that case; a case
 * they may not read is `withheld` (fifteenth trial: another unit's trip dates were named for a typed passport number).
 */
const rivalsFor = (user: AuthUser, rows: readonly OpenCaseMemberRow[]) =>
  rows.map((r) => {
    const reads = readsCaseOf(user, r);
    return {
      caseId: r.caseId,
      status: r.status as CaseStatus,
      personKey: r.personKey,
      departureDate: r.departureDate,
      returnDate: r.returnDate,
      ...(r.title !== undefined && reads ? { title: r.title } : {}),
      ...(reads ? {} : { withheld: true }),
    };
  });

/**
 * An amendment's members once each, refused as a submission's are (one rule, one refusal): 422 RULE_VIOLATION,
 * DUPLICATE_MEMBER on the second use of a member id (`changes.members[1].id`) or of a person
 * (`changes.members[1].personId`, `…passport.number`, a roster member's held number too, as A07 compares). Checked here, before the workflow, whose own check of
 * repeated ids answered 422 INVALID_REQUEST rule `unique-ids` on `changes.members` (new-user trial).
 */
function assertMembersOnce(request: { changes?: { members?: CaseFacts['members'] } }): void {
  const members = request.changes?.members;
  if (!members) return;
  const violations = [...duplicateMemberIdViolations(members), ...duplicatePersonViolations(members, { comparingHeld: true })];
  if (violations.length > 0) throw amendmentRefusal(tripRefusal('变更后不符合出访规定', 'The amended trip breaks the rules', violations));
}

/** A case's progress answer as the read scoping sees it: its units and its definition version. */
const progressScope = (p: DelegationProgress) => ({
  unit: p.unit,
  supervisingDepartment: p.facts?.supervisingDepartment ?? null,
  definitionVersion: p.definitionVersion,
});

const iso = (d: Date | string | null): string | null => (d === null ? null : typeof d === 'string' ? d : d.toISOString());

/** What the per-case routes know of a case (lookupCase): its scope, status, definition version and organizers. */
/** An action being sent (DelegationsService.act): who, what, on which case, as parsed and checked. */
interface SendingAction {
  user: AuthUser;
  kind: ActionKind;
  caseId: string;
  stepKey: string | undefined;
  /** The Idempotency-Key as the client sent it, and scoped to the user (the key stored and the workflow request id). */
  clientKey: string | undefined;
  key: string | undefined;
  /** A retry of an unknown (or held) outcome: the update may be in the workflow already. */
  retrying: boolean;
  parsed: { onBehalfOf?: string } & Record<string, unknown>;
  sent: Record<string, unknown>;
  scope: CaseLookup;
  /** The case's answer validateStepData read, if it read one (C07 reuses it). */
  read: DelegationProgress | undefined;
}

/**
 * What every log line of an action names: the case, the update, the step, who, and the action's two ids: the
 * `Idempotency-Key` as the client sent it (the answer's `requestId`) and the Temporal update id (`updateId`, the
 * workflow's request id: the key scoped to the user). The line's `requestId` stays the HTTP request's (X-Request-Id), as
 * on every line of the request (twenty-first trial: the update's id took its place, an id the client never sees).
 */
const actionLogFields = ({ caseId, kind, stepKey, user, clientKey }: SendingAction, updateId: string) => ({
  caseId,
  update: kind,
  stepKey,
  ...(clientKey !== undefined ? { idempotencyKey: clientKey } : {}),
  updateId,
  user: user.id,
  role: user.role,
});

/** What prepareAction took for the action, undone if the workflow refuses it (actionNotApplied). */
interface PreparedAction {
  requestId: string;
  onBehalfOf?: OnBehalfOfUser | string;
  /** The amendment claimed its members' new window (assertNoOpenCaseOverlap). */
  claimedTrip: boolean;
  /** K06's card, C05's passport: the number held for this case's member (number-claims.ts). */
  heldNumber?: HeldNumber;
  /** C07: the passport this request checked out for the case (checkOutForStep). */
  checkedOut: string | null;
}

export interface CaseLookup {
  caseId: string;
  unit: string;
  supervisingDepartment: string | null;
  status: CaseStatus;
  definitionVersion: string;
  /** Empty while the case is not projected yet (the workflow's validator checks separation of duties). */
  organizers: readonly string[];
  /** false: read from the workflow's answer, the read model has no row yet. */
  projected: boolean;
}

/** The access table's refusal of `action` by `user` on the case `lookup` names, or undefined when it is allowed. */
export const lookupAccessRefusal = (user: AuthUser, lookup: CaseLookup, action: CaseAction): AccessRefusal | undefined =>
  accessRefusal({
    action,
    actor: user,
    case: {
      unit: lookup.unit,
      supervisingDepartment: lookup.supervisingDepartment,
      status: lookup.status,
      process: processOfVersion(lookup.definitionVersion),
    },
  });

/** Everything the delegation endpoints do: validation, scoping, the workflow's start/updates/query, the read models. */

@Injectable()
export class DelegationsService {
  /** The progress answer each request in flight already got (see get): held only as long as the request is. */
  private readonly answered = new WeakMap<object, { caseId: string; answer: DelegationProgress }>();
  /** Cases this API started in the last FIRST_ANSWER_WINDOW_MS (case id -> when): their first read waits for the first published answer. */
  private readonly startedHere = new Map<string, number>();

  constructor(
    @Inject(API_CONFIG) private readonly config: ServiceConfig,
    private readonly temporal: TemporalClientService,
    private readonly idempotency: IdempotencyService,
    private readonly metrics: MetricsService,
    private readonly logger: JsonLogger,
    @InjectRepository(CaseEntity) private readonly cases: Repository<CaseEntity>,
    @InjectRepository(CaseEventEntity) private readonly events: Repository<CaseEventEntity>,
    private readonly registries: RegistriesService,
    private readonly users: UsersService,
    private readonly rows: CaseRows,
    private readonly probes: IdentityProbesService,
  ) {
    // A manual check-out is confirmed against the workflow's own answer (RegistriesService.confirmCheckOut).
    registries.answerCasesWith((caseId) => this.progress(caseId));
    registries.registerPersonWith((userId, heldElsewhere) => this.probes.registration(userId, heldElsewhere));
  }

  // -------------------------------------------------------------------------------------------
  // Submission

  /** Validates the whole input, then the trip rules, then starts the case (once per Idempotency-Key). */
  async submit(user: AuthUser, body: unknown, clientKey: string | undefined): Promise<Replayable<SubmissionResponse>> {
    const print = fingerprint(user, 'submit', body);
    const key = clientKey ? scopedKey(user, clientKey) : undefined;
    // A key already used answers first, before the rules its own first case now meets (its members are on that case):
    // the first response again, or IDEMPOTENCY_KEY_REUSED for another body.
    if (key) {
      const earlier = await this.idempotency.recorded<SubmissionResponse>(key, print);
      if (earlier) {
        this.metrics.submissions.inc({ outcome: 'replayed' });
        return { ...earlier, replayed: true };
      }
    }
    // The shape first (400 naming the field as sent), then the registries' values (422 where they differ), then the rules.
    const parsed = await this.parseOwnSubmission(user, body);
    // A user who drew too many refusals naming another's passport learns nothing more for a while (IdentityProbesService).
    const { submission, definition, settings } = await this.probes.guarded(user.id, () => this.registries.resolveSubmission(user, parsed)); // issue 14: roster/ledger snapshot, unit registry, newest process version
    // A retry of an unknown outcome may find the case its first attempt started (the case id is the key): not a rival.
    const facts = await this.validateSubmission(user, submission, settings, key);
    // The office's loaded holiday schedules (issue 14 item 5): the case plans with them from its start.
    const schedules = await this.registries.loadedSchedules();
    // With a key the case id is derived from it: a retry after a crash or an unknown outcome finds the workflow it started.
    const caseId = key ?? randomUUID();
    // The open-case overlap rule again, atomically with the members' claim: of two submissions naming one person at
    // the same moment, one claims and the other is refused here (the check above saw neither case yet).
    const rivals = await this.claimTrip(user, caseId, facts as CaseFacts, { rules: settings?.rules });
    if (rivals.length > 0) {
      this.metrics.submissions.inc({ outcome: 'rejected' });
      throw tripRefusal('出访申请不符合规定', 'The trip breaks the rules', rivals);
    }
    if (key) {
      const claim = await this.idempotency.claim<SubmissionResponse>(key, user, print);
      if (claim.state === 'done') {
        this.metrics.submissions.inc({ outcome: 'replayed' });
        return { ...claim.replay, replayed: true };
      }
    }
    const workflowId = delegationWorkflowId(caseId);
    const now = new Date();
    const submittedAt = now.toISOString();
    try {
      const input = this.caseInput(user, caseId, facts as CaseFacts, definition, settings, schedules, submittedAt);
      // The case's first turn, once: planned as the workflow plans the case (the office's threshold, certified
      // days: patch certified-step-plan) for the 201, and the page's first answer once the workflow is started.
      // A plan that cannot be computed is a definite refusal (submissionFirstTurn), never a 503 "retry".
      const turn = submissionFirstTurn(input, now.getTime(), this.logger);
      const { started } = await startCaseWorkflow(this.temporal, this.config.taskQueue, workflowId, input, key !== undefined);
      if (started) await storeFirstAnswer(this.cases.manager, this.config, this.logger, input, now.getTime(), turn);
      this.forgetOldStarts();
      this.startedHere.set(caseId, Date.now());
      const response: SubmissionResponse = {
        caseId,
        workflowId,
        status: 'open',
        submittedAt,
        plan: planSummary(turn.plan),
      };
      const stored = key ? await this.idempotency.complete(key, 201, response, caseId) : { status: 201, body: response };
      this.metrics.submissions.inc({ outcome: 'started' });
      this.logger.event('log', 'case submitted', { caseId, workflowId, unit: facts.unit, user: user.id, idempotencyKey: clientKey });
      return { ...stored, replayed: stored.body !== response };
    } catch (err) {
      // Only a definite refusal frees the key; after an unknown outcome the retry must meet the same fingerprint.
      // (also when this was the retry of an unknown outcome: the refusal is now the known outcome)
      if (key && isDefiniteRefusal(err)) await this.idempotency.release(key);
      if (isDefiniteRefusal(err)) {
        await releaseOpenCaseTrip(this.cases.manager, caseId).catch(() => undefined); // lapses anyway (CLAIM_HOLD_MINUTES)
        throw toDomainError(err);
      }
      // The 503's cause, for operators (the answer names none).
      this.logger.event('warn', 'submission outcome unknown', {
        caseId,
        workflowId,
        user: user.id,
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      });
      throw unknownOutcome(err, key !== undefined);
    }
  }

  /** The workflow's start input for a submission (the case's pinned definition, settings and schedules). */
  private caseInput(
    user: AuthUser,
    caseId: string,
    facts: CaseFacts,
    definition: DelegationInput['definition'],
    settings: OfficeSettings | undefined,
    schedules: NonNullable<DelegationInput['schedules']>,
    submittedAt: string,
  ): DelegationInput {
    const actor: Actor = { id: user.id, role: user.role, unit: user.unit, name: user.name };
    return {
      caseId,
      facts,
      definition,
      settings,
      ...(this.config.workingDaySeconds !== undefined ? { workingDaySeconds: this.config.workingDaySeconds } : {}),
      submittedBy: actor,
      submittedAt,
      ...(schedules.length > 0 ? { schedules } : {}),
    };
  }

  /** The Temporal client; failing to connect is a definite "nothing was sent" (NotSent), unlike a failed call. */
  private async connect() {
    try {
      return await this.temporal.client();
    } catch (err) {
      throw new NotSent(err);
    }
  }

  /**
   * POST /api/delegations/check: submit's validation without submitting. The same schema (400), own-unit and
   * registry checks, then the trip rules (checkTripRules, the departure-date rule and A08's member-trip frequency,
   * libs/domain/src/rules.ts), whose violations are the answer (200) instead of a 422; none, the answer carries the plan
   * the case would start with (`plan`: forecast ready date, slack, at risk). Nothing is started, stored or claimed.
   */
  async check(
    user: AuthUser,
    body: unknown,
  ): Promise<{ ok: boolean; violations: RuleViolation[]; plan?: PlanSummary; annualPlan?: PlanMatch }> {
    const parsed = await this.parseOwnSubmission(user, body);
    const { submission, definition, settings } = await this.probes.guarded(user.id, () => this.registries.resolveSubmission(user, parsed));
    const facts = this.parseSubmission(submission);
    const violations = await this.tripViolations(user, facts, settings);
    if (violations.length > 0) return { ok: false, violations };
    // A trip the rules pass is planned as the submission would be: 409 `plannable` here too when the current process
    // version cannot plan it (the dry run said ok:true to what the submission then refused). Its plan is the answer's:
    // a departure the chain cannot reach in its working days reads at risk before the case is filed (thirteenth trial:
    // the dry run said nothing of a timeline that could not be met).
    const now = new Date();
    const input = this.caseInput(
      user,
      randomUUID(),
      facts as CaseFacts,
      definition,
      settings,
      await this.registries.loadedSchedules(),
      now.toISOString(),
    );
    // A01's answer as it would read now (RegistriesService.checkPlan): the organizer sees 超出年度计划 or 未列入计划
    // before filing, and so that the reviewer will ask for a reason (twenty-first trial: the dry run said nothing of it).
    const annualPlan = await this.registries.checkPlan(facts as CaseFacts);
    return { ok: true, violations, plan: planSummary(submissionFirstTurn(input, now.getTime(), this.logger).plan), annualPlan };
  }

  /** The submission's shape (400), then the organizer's own unit (403 UNIT_MISMATCH, the unit named by its name). */
  private async parseOwnSubmission(user: AuthUser, body: unknown): Promise<Submission> {
    const facts = this.parseSubmission(body);
    if (facts.unit !== user.unit) {
      const own = await this.registries.unitLabel(user.unit);
      throw domainError('UNIT_MISMATCH', `专办员只能为本单位${own.zh}报送`, `An organizer submits only for their own unit, ${own.en}`, {
        errors: [{ field: 'unit', rule: 'own-unit', message: { zh: `须为本单位${own.zh}`, en: `Must be your unit, ${own.en}` } }],
      });
    }
    return facts;
  }

  /** A submission as resolved by the registries, parsed again (its unit is the organizer's: parseOwnSubmission). */
  private parseSubmission(body: unknown): Submission {
    return parseOrThrow(SubmissionSchema, body);
  }

  /**
   * The trip rules a submission must pass; the date rule is the one an amendment passes in the workflow; the members'
   * trip frequency is A08's (memberTripViolations: the same checkMemberFrequency, the same member_trips history, the
   * office's rules the case would pin), so a trip the case would block at A08 is refused before it starts; and no
   * member may be on another open case at the same dates (openCaseViolations).
   */
  private async tripViolations(
    user: AuthUser,
    facts: Submission,
    settings: OfficeSettings | undefined,
    ownCaseId?: string,
  ): Promise<RuleViolation[]> {
    const f = facts as CaseFacts;
    const history = withholdTrips(await memberTripHistory(this.cases.manager, f, f.members, ownCaseId), (t) => readsCaseOf(user, t));
    const violations = [
      ...checkTripRules(f),
      ...duplicatePersonViolations(f.members, { comparingHeld: true }), // as A07 compares: one answer, up front
      ...departureDateViolations(facts, shanghaiDate(Date.now())),
      ...departureHorizonViolations(facts, shanghaiDate(Date.now())),
      ...memberTripViolations(f, history, settings?.rules),
      ...(await this.openCaseViolations(user, f, ownCaseId)),
    ];
    return this.probes.counted(user.id, violations, revealsThroughTyped(f, violations, history));
  }

  /**
   * MEMBER_ON_OPEN_CASE (openCaseOverlapViolations): a member on another case not closed whose trip window overlaps
   * this one (case_members by the frequency rule's person keys: openCaseMembers). The other case is named (title, id,
   * dates) only to a caller who may read it (canSeeCase); to anyone else, neither it nor its dates (rivalsFor:
   * withheld). `exceptCaseId`: the amended case.
   */
  private async openCaseViolations(
    user: AuthUser,
    facts: Pick<CaseFacts, 'unit' | 'members' | 'departureDate' | 'returnDate'>,
    exceptCaseId?: string,
  ): Promise<RuleViolation[]> {
    const trip = tripWindow(facts);
    if (!trip) return [];
    const rows = await openCaseMembers(this.cases.manager, trip.personKeys, trip.window, CLOSED_STATUSES, exceptCaseId);
    return openCaseOverlapViolations(facts, rivalsFor(user, rows), exceptCaseId);
  }

  /**
   * Claims the case's members' trip window (claimOpenCaseTrip: under a lock per person key, after the overlap rule
   * once more, now seeing claims of cases not projected yet). Answers its MEMBER_ON_OPEN_CASE violations; none: claimed.
   * `frequency` (a submission: the office's rules it pins): the members' trip frequency once more under the same locks,
   * counting the trips claimed meanwhile (trial: two submissions of one division head at the same moment, March and
   * June, both passed and both cases' A08 then blocked on the other); its violations claim nothing.
   */
  private async claimTrip(
    user: AuthUser,
    caseId: string,
    facts: CaseFacts,
    frequency?: { rules: OfficeSettings['rules'] | undefined },
  ): Promise<RuleViolation[]> {
    const trip = tripWindow(facts);
    if (!trip) return [];
    let refused: RuleViolation[] = [];
    const recheck = frequency
      ? async (locked: EntityManager) => {
          const history = await memberTripHistory(locked, facts, facts.members, caseId);
          refused = memberTripViolations(
            facts,
            withholdTrips(history, (t) => readsCaseOf(user, t)),
            frequency.rules,
          );
          return refused.length > 0;
        }
      : undefined;
    const rows = await claimOpenCaseTrip(this.cases.manager, { caseId, unit: facts.unit, ...trip }, CLOSED_STATUSES, recheck);
    const violations = [...openCaseOverlapViolations(facts, rivalsFor(user, rows), caseId), ...refused];
    return this.probes.counted(user.id, violations, revealsThroughTyped(facts, violations));
  }

  /**
   * An amendment moving the return date while passports are out on loan for the trip (after C07, before P02): each lasts
   * 6 months past the new return (passportLastsTrip; eighth trial: a trip moved later after C07 kept a passport out that
   * no longer lasted it, and nothing planned a new one). Else 422 at `changes.returnDate`, rule `passport-lasts-trip`,
   * naming its holder (not the number: an organizer reads numbers masked) and the day it must reach: the passport
   * officer checks it back in and the organizer amends the member for a new passport first, or the trip keeps dates it
   * lasts.
   */
  private async assertPassportsLastAmendedTrip(caseId: string, request: { changes?: Partial<CaseFacts> }): Promise<void> {
    const returnDate = request.changes?.returnDate;
    if (typeof returnDate !== 'string' || !isIsoDate(returnDate)) return;
    const short = (await this.registries.passportsOutFor(caseId)).filter((p) => !passportLastsTrip(p.expiresOn, returnDate));
    if (short.length === 0) return;
    const until = passportNeededUntil(returnDate);
    const who = await this.registries.holdersNamed(short.map((p) => p.holder));
    throw ruleRefusal(
      short.map((p) => ({
        field: 'changes.returnDate',
        rule: 'passport-lasts-trip',
        message: {
          zh: `为本次出访借出的 ${who.get(p.holder)} 的护照有效期至 ${p.expiresOn}，不足新的回国日期后6个月（须至 ${until}）：请先交回该护照并变更该成员以办理新护照，或保留其有效期内的出访日期`,
          en: `${who.get(p.holder)}'s passport, out on loan for this trip, expires on ${p.expiresOn}, less than 6 months after the new return (valid until ${until} needed): check it back in and amend the member for a new passport first, or keep dates it lasts`,
        },
      })),
    );
  }

  /**
   * An amendment that changes the members, the dates or the purpose: the amended trip's members on another open case at
   * the amended dates, or over their trip frequency with the amended trip (the rules the case pinned: its version's
   * settings), are refused as at submission (422 RULE_VIOLATION, MEMBER_ON_OPEN_CASE or FREQUENCY_EXCEEDED at
   * `changes.members[i]`; second trial: amendments into a division head's window of another open case were accepted and
   * A08 then blocked both cases); the case itself is not its own rival. The case's facts are the workflow's (progress).
   */
  private async assertNoOpenCaseOverlap(
    user: AuthUser,
    caseId: string,
    definitionVersion: string,
    request: { changes?: Partial<CaseFacts> },
  ): Promise<boolean> {
    const changes = request.changes;
    if (!changes || (!changes.members && !changes.departureDate && !changes.returnDate && !changes.purpose)) return false;
    const facts = (await this.progress(caseId)).facts;
    if (!facts) return false;
    const settings = await this.registries.processSettings(definitionVersion);
    // Checked and claimed at once (claimTrip), so an amendment and a submission naming one person cannot both pass.
    const violations = await this.claimTrip(user, caseId, { ...facts, ...changes }, { rules: settings.rules });
    if (violations.length > 0) throw amendmentRefusal(tripRefusal('变更后不符合出访规定', 'The amended trip breaks the rules', violations));
    return true;
  }

  /** `ownCaseId`: the case a retry with the same Idempotency-Key may already have started (never its own rival). */
  private async validateSubmission(
    user: AuthUser,
    body: unknown,
    settings: OfficeSettings | undefined,
    ownCaseId?: string,
  ): Promise<Submission> {
    const facts = this.parseSubmission(body);
    const violations = await this.tripViolations(user, facts, settings, ownCaseId);
    if (violations.length > 0) {
      this.metrics.submissions.inc({ outcome: 'rejected' });
      throw tripRefusal('出访申请不符合规定', 'The trip breaks the rules', violations);
    }
    return facts;
  }

  // -------------------------------------------------------------------------------------------
  // Reads

  async list(user: AuthUser, rawQuery: unknown) {
    const parsed = parseOrThrow(ListQuerySchema, rawQuery, ['query']);
    const unitFilter = await storedUnitCode(this.registries, parsed.unit);
    const q = { ...parsed, unit: unitFilter.code };
    if (!seesAllUnits(user) && q.unit !== undefined && q.unit !== user.unit) throw outOfScope();
    // A process the caller's role does not read (the APEC roles: delegation) is refused as another unit is.
    const processRefusal = processFilterRefusal(user, q.process);
    if (processRefusal) throw processRefusal;
    assertKnownUnit(unitFilter);
    const qb = this.cases.createQueryBuilder('c');
    const unit = seesAllUnits(user) ? q.unit : user.unit;
    if (unit !== undefined) qb.andWhere('c.unit = :unit', { unit });
    if (q.status) qb.andWhere('c.status = :status', { status: q.status });
    if (q.phase) qb.andWhere('c.phase = :phase', { phase: q.phase });
    if (q.departureFrom) qb.andWhere('c.departure_date >= :from', { from: q.departureFrom });
    if (q.departureTo) qb.andWhere('c.departure_date <= :to', { to: q.departureTo });
    if (q.atRisk !== undefined) qb.andWhere('c.at_risk = :atRisk', { atRisk: q.atRisk });
    if (q.returned !== undefined) qb.andWhere(`${q.returned ? '' : 'NOT '}${RETURNED_FOR_REVISION('c')}`);
    if (q.q) {
      const like = `%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      qb.andWhere(
        new Brackets((w) =>
          w
            .where('c.title ILIKE :like', { like })
            .orWhere('lower(c.unit) = lower(:qUnit)', { qUnit: q.q })
            // Case ids are stored in lower case: an id pasted in capitals finds its case, as its route does (trial).
            .orWhere('c.case_id LIKE :idPrefix', { idPrefix: like.slice(1).toLowerCase() }),
        ),
      );
    }
    // The process asked for, else those the caller's role reads (every one but for the APEC roles: PROCESS_ROLES).
    const processes = q.process ? [q.process] : readableProcesses(user);
    if (processes) {
      qb.andWhere(
        new Brackets((w) =>
          processes.forEach((p, i) => {
            const f = versionFilter(p);
            w.orWhere(`c.definition_version ${'in' in f ? 'IN' : 'NOT IN'} (:...processVersions${i})`, {
              [`processVersions${i}`]: 'in' in f ? f.in : f.notIn,
            });
          }),
        ),
      );
    }
    if (q.sort === 'slack') qb.orderBy('c.slack_wd', 'ASC', 'NULLS LAST').addOrderBy('c.departure_date', 'ASC');
    else if (q.sort === 'departure') qb.orderBy('c.departure_date', 'ASC').addOrderBy('c.slack_wd', 'ASC', 'NULLS LAST');
    else qb.orderBy('c.submitted_at', 'DESC');
    qb.addOrderBy('c.case_id', 'ASC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize);
    // The page is the first rows of the sort's index (ix_cases_slack_order, ix_cases_departure, ix_cases_submitted_at).
    const [rows, total] = await qb.getManyAndCount();
    const returned = await this.returnedForRevision(rows.map((r) => r.caseId));
    return {
      items: rows.map((r) => ({ ...summaryOf(r), returnedForRevision: returned.has(r.caseId) })),
      total,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  /** Which of these cases are returned for revision (RETURNED_FOR_REVISION), in one query. */
  private async returnedForRevision(caseIds: string[]): Promise<Set<string>> {
    if (caseIds.length === 0) return new Set();
    const rows: Array<{ case_id: string }> = await this.cases.query(
      `SELECT c.case_id FROM cases c WHERE c.case_id = ANY($1) AND ${RETURNED_FOR_REVISION('c')}`,
      [caseIds],
    );
    return new Set(rows.map((r) => r.case_id));
  }

  /**
   * The workflow's progress (published or queried: currentProgress), scoped and masked, with the read model's
   * status when it knows the case closed outside the engine. `request` (the HTTP request being answered): an
   * answer this request already got for the case (the scope guard's, for a case not projected yet) is reused,
   * so a page view reads and counts the progress once.
   */
  async get(user: AuthUser, caseId: string, request?: object): Promise<DelegationProgress> {
    const earlier = request ? this.answered.get(request) : undefined;
    const progress = earlier?.caseId === caseId ? earlier.answer : await this.currentProgress(caseId);
    if (request) this.answered.set(request, { caseId, answer: progress });
    assertCanSeeCase(user, progressScope(progress), outOfScope);
    return maskFor(user.role, await this.withClosedStatus(progress, request));
  }

  /**
   * GET /api/delegations/:id: the workflow's progress (`source: 'workflow'`, as `get`); once Temporal no longer
   * has the workflow (history past the namespace's retention, or deleted), the read models' record of it
   * (`source: 'read-model'`, readModelDetail). Actions on such a case stay refused: 409 CASE_CLOSED. A closed
   * case's record is final, so it is also what a closed case shows while Temporal cannot answer in time; an open
   * case's is not (503 TEMPORAL_UNAVAILABLE, as currentProgress).
   */
  async detail(user: AuthUser, caseId: string, request?: object): Promise<CaseDetail> {
    return this.withActorNames(await this.detailAnswer(user, caseId, request));
  }

  private async detailAnswer(user: AuthUser, caseId: string, request?: object): Promise<CaseDetailAnswer> {
    try {
      // An incident says what happened and what to do, not the raw failure (operators read that: admin CLI).
      return { ...withIncidentNotice(await this.get(user, caseId, request)), source: 'workflow' };
    } catch (err) {
      // progress() maps a missing workflow to CASE_NOT_FOUND: the read model may still know the case.
      const missing = err instanceof DomainError && err.code === 'CASE_NOT_FOUND';
      const unanswered = err instanceof DomainError && err.code === 'TEMPORAL_UNAVAILABLE';
      if (!missing && !unanswered) throw err;
      const record = await readCaseRecord(this.cases.manager, caseId);
      if (!record || (unanswered && !CLOSED_STATUSES.includes(record.case.status as CaseStatus))) throw err;
      const { unit, supervisingDepartment, definitionVersion } = record.case;
      assertCanSeeCase(user, { unit, supervisingDepartment, definitionVersion }, outOfScope);
      return maskFor(user.role, readModelDetail(record));
    }
  }

  /**
   * `answer` with `actorNames`: the display name of each account it names (accountsNamedIn), so pages name people
   * (王主任), not accounts (fao-director.fao) (trial 82). An account no longer registered, and `system`, are absent.
   */
  private withActorNames<T extends object>(answer: T): Promise<T & { actorNames: Record<string, string> }> {
    return withActorNames(answer, (usernames) => this.users.displayNames(usernames));
  }

  /**
   * A workflow terminated from Temporal still answers queries with its own state (open); the read model knows
   * it closed (the worker's reconciler recorded case.closed), and says so: the case's status and phase, and its steps
   * left undone withdrawn, as a case the engine closed shows them.
   */
  private async withClosedStatus(progress: DelegationProgress, request?: object): Promise<DelegationProgress> {
    if (progress.status !== 'open' && progress.status !== 'departed') return progress;
    const row = await this.rows.read(progress.caseId, request);
    if (!row || !CLOSED_STATUSES.includes(row.status as CaseStatus)) return progress;
    return {
      ...progress,
      status: row.status as CaseStatus,
      phase: row.phase as DelegationProgress['phase'],
      steps: progress.steps.map(stepOfClosedCase),
    };
  }

  /**
   * The case's events after `afterSeq`, at most `limit` (TimelineQuerySchema: 400 naming the query field), oldest first,
   * masked for the reader; `more`: events past the page exist (a case of the year's mix holds up to a few thousand).
   */
  async timeline(user: AuthUser, caseId: string, rawQuery: unknown, request?: object) {
    const q = parseOrThrow(TimelineQuerySchema, rawQuery, ['query']);
    await this.lookupCase(user, caseId, request);
    const page = await this.events.find({
      where: { streamId: caseId, seq: MoreThan(q.afterSeq) },
      order: { seq: 'ASC' },
      take: q.limit + 1,
    });
    const rows = page.slice(0, q.limit);
    return this.withActorNames({
      caseId,
      events: maskFor(
        user.role,
        rows.map((e) => ({
          seq: e.seq,
          type: e.type,
          occurredAt: iso(e.occurredAt)!,
          recordedAt: iso(e.recordedAt)!,
          actorId: e.actorId,
          actorRole: e.actorRole,
          onBehalfOf: e.onBehalfOf,
          payload: e.payload,
        })),
      ),
      more: page.length > q.limit,
    });
  }

  /**
   * The case's progress answer (issue 16). The workflow publishes its answer after every drain that changed it,
   * with the seq of the batch it is about to store (case_progress, written by the worker); while that answer is current — its seq at least the
   * read model's `cases.last_seq` (or the case not projected yet), so no stored change is missing — and at
   * most API_PROGRESS_SNAPSHOT_MAX_AGE_MS old, it is served without a query, which under load queues behind the
   * worker's workflow tasks (seconds; docs/benchmarks.md) — provided the engine runs (a worker beats, this API
   * reached Temporal). That answer shows the case as the workflow last left it, a system step whose result is not
   * back yet as running (awaiting), as the read model does. A case this API started is stored with its first
   * answer (storeFirstAnswer); within FIRST_ANSWER_WINDOW_MS of the start, a read that finds no answer to serve
   * yet waits for one, within the query's budget (API_QUERY_TIMEOUT_MS, of which FIRST_ANSWER_QUERY_MS is left to
   * the query if none comes). Otherwise the workflow is asked; if it cannot
   * answer in time (503) while the engine runs, a current published answer of any age is served instead: the case as of its last change (its `now` says
   * when). Same shape either way; the caller masks and scopes it.
   */
  private async currentProgress(caseId: string): Promise<DelegationProgress> {
    if (!CASE_ID_RE.test(caseId)) throw notFound();
    const maxAge = this.config.apiProgressSnapshotMaxAgeMs;
    if (maxAge === 0) return this.queried(caseId);
    let stored = await this.published(caseId, maxAge);
    if (stored.serve) return this.servedPublished('published', stored.answer);
    // A case this API just started has no answer to serve yet — none, or its first answer (storeFirstAnswer)
    // already behind the read model while the worker's next answer is on its way: the workflow task that
    // publishes is in the task queue, and a query would wait for it too (behind other cases' tasks) and then for
    // one more task.
    let queryMs = this.config.apiQueryTimeoutMs;
    if (this.startedJustNow(caseId)) {
      const deadline = Date.now() + queryMs;
      stored = await this.publishedSoon(caseId, maxAge, deadline - FIRST_ANSWER_QUERY_MS);
      queryMs = Math.max(FIRST_ANSWER_QUERY_MS, deadline - Date.now());
      if (stored.serve) return this.servedPublished('published', stored.answer);
    }
    let answer: DelegationProgress;
    try {
      answer = await this.queried(caseId, queryMs);
    } catch (err) {
      if (!(stored.current && err instanceof DomainError && err.code === 'TEMPORAL_UNAVAILABLE')) throw err;
      return this.servedPublished('published-after-timeout', stored.answer!);
    }
    return answer;
  }

  private async queried(caseId: string, timeoutMs?: number): Promise<DelegationProgress> {
    const answer = await this.progress(caseId, timeoutMs);
    this.metrics.progressReads.inc({ source: 'query' });
    return answer;
  }

  private servedPublished(source: 'published' | 'published-after-timeout', answer: DelegationProgress | undefined): DelegationProgress {
    this.metrics.progressReads.inc({ source });
    return answer!;
  }

  /**
   * The published answer and whether it may be served: `current` — a worker beats on our task queue, this API
   * reached Temporal (otherwise the query answers, or 503s, as an action would), and its seq is at least the
   * read model's; `serve` — also at most `maxAge` old.
   * A closed case is final: its last answer, as current as the read model, is served at any age, with or without a
   * worker or Temporal (new-user trial: every read of a completed case queried it, and a query of a closed workflow
   * replays its whole history on a worker: 2-5 s a read, the worker's other cases slowed meanwhile) — one the engine
   * closed, and one whose workflow ended outside it (terminated from the CLI or Web UI) once the reconciler recorded
   * the close, when that close is all the answer lacks (every event the workflow stored is in it; withClosedStatus
   * then says it closed, as it does for the query's answer).
   */
  private async published(caseId: string, maxAge: number): Promise<PublishedRead> {
    const stored = await readProgressSnapshot(this.cases.manager, caseId, this.config.taskQueue, WORKER_ALIVE_MS);
    if (!stored) return { current: false, serve: false };
    const answer = withCriticalStep(stored.answer as unknown as DelegationProgress); // stored before the field: upcast
    const asRecorded = stored.modelSeq === null || stored.lastSeq >= stored.modelSeq;
    if (asRecorded && CLOSED_STATUSES.includes(answer.status)) return { current: true, serve: true, answer };
    if (stored.behindOnlyByOutsideClose) return { current: true, serve: true, answer };
    const current = stored.workerAlive && this.temporal.connected() && asRecorded;
    return { current, serve: current && stored.ageMs <= maxAge, answer };
  }

  /** Whether this API started the case within FIRST_ANSWER_WINDOW_MS. */
  private startedJustNow(caseId: string): boolean {
    this.forgetOldStarts();
    return this.startedHere.has(caseId);
  }

  private forgetOldStarts(): void {
    const now = Date.now();
    for (const [id, at] of this.startedHere) {
      if (now - at <= FIRST_ANSWER_WINDOW_MS) break; // in start order: the rest are newer
      this.startedHere.delete(id);
    }
  }

  /** Polls for a published answer to serve until `until` (epoch ms); the last read otherwise. */
  private async publishedSoon(caseId: string, maxAge: number, until: number): Promise<PublishedRead> {
    let read: PublishedRead = { current: false, serve: false };
    while (!read.serve && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, FIRST_ANSWER_POLL_MS));
      read = await this.published(caseId, maxAge);
    }
    return read;
  }

  /** The workflow's `progress` query within `timeoutMs` (default API_QUERY_TIMEOUT_MS). @throws CASE_NOT_FOUND 404, TEMPORAL_UNAVAILABLE 503 */
  private async progress(caseId: string, timeoutMs = this.config.apiQueryTimeoutMs): Promise<DelegationProgress> {
    if (!CASE_ID_RE.test(caseId)) throw notFound();
    return queryCaseProgress(this.temporal, caseId, timeoutMs);
  }

  /**
   * The shared case lookup of every per-case route (timeline, actions, attachments; the scope guard and the detail
   * read the same way): refuses a case out of the caller's scope — 404 for an unknown case (or a malformed id), 403
   * for one outside the caller's units (or supervised units) — and answers what the routes need of it. Read model
   * first (this request's read, CaseRows); a case not projected yet (just started: its first events are still on
   * their way to the read model) from the workflow's answer as the case detail gets it — this request's earlier
   * answer (the scope guard's), else the published first answer of a case this API started, else the query — so
   * a case that exists is never 404 here; an answer that cannot come in time is 503 TEMPORAL_UNAVAILABLE (retry).
   */
  async lookupCase(user: AuthUser, caseId: string, request?: object): Promise<CaseLookup> {
    if (!CASE_ID_RE.test(caseId)) throw notFound();
    const row = await this.rows.read(caseId, request);
    if (row) {
      assertCanSeeCase(
        user,
        { unit: row.unit, supervisingDepartment: row.supervisingDepartment, definitionVersion: row.definitionVersion },
        outOfScope,
      );
      return {
        caseId,
        unit: row.unit,
        supervisingDepartment: row.supervisingDepartment,
        status: row.status as CaseStatus,
        definitionVersion: row.definitionVersion,
        organizers: row.organizers,
        projected: true,
      };
    }
    const earlier = request ? this.answered.get(request) : undefined;
    const p = earlier?.caseId === caseId ? earlier.answer : await this.currentProgress(caseId);
    if (request) this.answered.set(request, { caseId, answer: p });
    const scope = progressScope(p);
    assertCanSeeCase(user, scope, outOfScope);
    // Not projected yet: no organizers known here (the workflow's validator checks separation of duties).
    return { caseId, ...scope, status: p.status, organizers: [], projected: false };
  }

  /**
   * The case's last published answer as stored (any age, no query, no masking), for what a list derives from the
   * steps' statuses (the attachment list's heldBy); undefined when none was published. Call after lookupCase: it
   * checks nothing. Up to the workflow's last published change: the engine still decides.
   */
  async lastPublished(caseId: string): Promise<DelegationProgress | undefined> {
    const answer = await readPublishedAnswer(this.cases.manager, caseId);
    return answer ? (answer as unknown as DelegationProgress) : undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Actions (workflow updates)

  async act(
    user: AuthUser,
    kind: ActionKind,
    caseId: string,
    stepKey: string | undefined,
    body: unknown,
    clientKey: string | undefined,
    httpRequest?: object,
  ): Promise<Replayable<ActionResult>> {
    // A step key no case could have (a line break, a stray character) is 400 at path.stepKey before the body and any
    // lookup, never echoed in a 404 (new-user trial: `A10\n` read 本案没有步骤 A10\n): StepKeySchema, the document's pattern.
    if (stepKey !== undefined) parsePathParam(StepKeySchema, stepKey, 'stepKey');
    // A decision's contract first; its rules beyond it once the caller may decide the step (decisionRules, below).
    const sent: ReturnType<DelegationsService['parseAction']> =
      kind === 'decide' ? parseOrThrow(DecisionContractSchema, body) : this.parseAction(kind, body);
    const scope = await this.lookupCase(user, caseId, httpRequest); // the scope guard's read of the case row
    // The document numbers a completion names, folded before any check reads them and as the workflow records them.
    if (kind === 'complete' && stepKey !== undefined && isRecord(sent.data)) {
      const definition = await this.registries.processDefinition(scope.definitionVersion);
      if (definition) sent.data = foldedStepData(definition, stepKey.split(':')[0]!, sent.data);
    }
    const print = fingerprint(user, `${kind}:${caseId}:${stepKey ?? ''}`, body);
    const key = clientKey ? scopedKey(user, clientKey) : undefined;
    // A case whose status refuses the action for good (statusRefusesForGood: closed, or departed for what only an open
    // case takes) is refused now, by the access table's rule naming the status: after the API's reading of the request
    // and the scope check, before the request's own rule checks (forty-first trial: a departed case's amendment with a
    // bad date read 422) and before anything reads its workflow (a query of a closed workflow replays its whole
    // history on a worker: thirty-seventh trial, an amendment of a completed case answered 409 after 1.5 s; the ended
    // workflow answers CASE_CLOSED to any update). Not a retry: one answered answers as the first time did, one whose
    // outcome is unknown may be what moved the case on.
    if (
      statusRefusesForGood(UPDATE_ACCESS_ACTIONS[kind], scope.status) &&
      (!key || (await this.idempotency.peek(key, print)).state === 'new')
    ) {
      const refusal = lookupAccessRefusal(user, scope, UPDATE_ACCESS_ACTIONS[kind]);
      if (refusal) throw new DomainError(refusal.code, refusal.message);
    }
    // The role before the request's own rules, as the workflow orders them (forty-seventh trial: finance returning A02
    // without a reason read 422 before 403): a caller a case-wide action is never for, by its own right or acting for
    // someone, hears the access table's 403 now, before an amendment's members, passports and dates are looked at.
    const onBehalf = sent.onBehalfOf != null;
    if (
      kind !== 'complete' &&
      kind !== 'decide' &&
      !mayAttempt(UPDATE_ACCESS_ACTIONS[kind], user.role, onBehalf, undefined, processOfVersion(scope.definitionVersion))
    ) {
      const refusal = lookupAccessRefusal(user, scope, UPDATE_ACCESS_ACTIONS[kind]);
      if (refusal) throw new DomainError(refusal.code, refusal.message);
    }
    // issue 14: amended members against the case unit's roster, after the scope check (resolvedAction).
    const resolved = await this.resolvedAction(user, kind, sent, scope.unit, caseId);
    let read: DelegationProgress | undefined; // the case's answer validateStepData read, if it read one (C07 reuses it)
    let standingHold: StandingHold | null = null; // a card step's enterprise standing, held until the update is answered
    try {
      if (user.role === 'manager')
        throw domainError('FORBIDDEN_ROLE', '管理人员只能查看，不能办理', 'Managers read everything and decide nothing');
      if (kind === 'decide' && stepKey !== undefined) await this.decisionRules(scope.definitionVersion, stepKey, body, user, onBehalf);
      if (kind === 'complete' && stepKey !== undefined)
        read = await this.validateStepData(caseId, scope.definitionVersion, stepKey, sent.data, user, onBehalf);
      if ((kind === 'complete' || kind === 'decide') && stepKey !== undefined)
        ({ read, hold: standingHold } = await this.holdEnterpriseStanding(user, kind, scope, stepKey, sent, read));
    } catch (err) {
      return this.unknownStepFirst(caseId, stepKey, err);
    }
    // Released once the update is answered, accepted or refused; an unknown (or held) outcome leaves it to lapse.
    let keepHold = false;
    try {
      const parsed = kind === 'amend' ? await this.amendedMembers(caseId, resolved) : resolved;
      let retrying = false; // a retry of an unknown (or held) outcome: the update may be in the workflow already
      if (key) {
        const claim = await this.idempotency.claim<ActionResult>(key, user, print);
        if (claim.state === 'done') {
          this.metrics.updates.inc({ update: kind, outcome: 'replayed' });
          return { ...claim.replay, replayed: true };
        }
        retrying = claim.state === 'pending';
      }
      const action: SendingAction = { user, kind, caseId, stepKey, clientKey, key, retrying, parsed, sent, scope, read };
      const prepared = await this.prepareAction(action);
      try {
        return await this.sendAction(action, prepared);
      } catch (err) {
        keepHold = !isDefiniteRefusal(err);
        throw await this.actionNotApplied(action, prepared, err);
      }
    } finally {
      if (!keepHold) await standingHold?.release();
    }
  }

  /**
   * What an amendment would do if it were sent now (POST …/amendment-preview; the workflow's amendPreviewQuery): the
   * amendment's body and its checks up to sending it (the API's reading, the scope, the case's status, the role, the
   * members against the roster, the passports against the new return), then the engine's own (the Update validator's,
   * as its refusal) and the steps it runs again (trial 77: an amendment said what it undid only once done). Nothing is
   * claimed, held or recorded: the amendment checks everything again.
   * @throws as the amendment would (400, 403, 404, 409, 422); TEMPORAL_UNAVAILABLE 503 when the workflow does not answer in time
   */
  async previewAmendment(user: AuthUser, caseId: string, body: unknown, httpRequest?: object): Promise<AmendPreview> {
    const sent = this.parseAction('amend', body);
    const scope = await this.lookupCase(user, caseId, httpRequest);
    const action = UPDATE_ACCESS_ACTIONS.amend;
    const onBehalf = sent.onBehalfOf != null;
    if (
      statusRefusesForGood(action, scope.status) ||
      !mayAttempt(action, user.role, onBehalf, undefined, processOfVersion(scope.definitionVersion))
    ) {
      const refusal = lookupAccessRefusal(user, scope, action);
      if (refusal) throw new DomainError(refusal.code, refusal.message);
    }
    if (user.role === 'manager')
      throw domainError('FORBIDDEN_ROLE', '管理人员只能查看，不能办理', 'Managers read everything and decide nothing');
    const parsed = await this.amendedMembers(caseId, await this.resolvedAction(user, 'amend', sent, scope.unit, caseId));
    await this.assertPassportsLastAmendedTrip(caseId, parsed as { changes?: Partial<CaseFacts> });
    const onBehalfOf = await this.resolveOnBehalfOf(caseId, parsed.onBehalfOf);
    const actor: Actor = { id: user.id, role: user.role, unit: user.unit, name: user.name };
    const request = {
      ...parsed,
      ...(onBehalfOf !== undefined ? { onBehalfOf } : {}),
      requestId: randomUUID(),
      actor,
    } as unknown as AmendRequest;
    const answer = await queryCase(this.temporal, caseId, this.config.apiQueryTimeoutMs, amendPreviewQuery, request);
    if ('refused' in answer) throw amendmentRefusal(refusalError(answer.refused.code, answer.refused));
    return answer.preview;
  }

  /**
   * What an action takes before it is sent, after the scope check (an outsider learns nothing about the case's members
   * or the users) and after a replay (a retry answers as the first time did, whatever case came since): 帮代办's
   * principal, separation of duties, an amendment's passports and trip window, K06's or C05's number, C07's passport.
   * Nothing was sent yet, so a refusal here frees the key and what was held.
   */
  private async prepareAction(action: SendingAction): Promise<PreparedAction> {
    const { user, kind, caseId, stepKey, key, parsed, sent, scope, read } = action;
    // The workflow request id (and Temporal update id) is the scoped key: the workflow and Temporal deduplicate
    // a retry by it, and two users' equal keys never meet.
    const prepared: PreparedAction = { requestId: key ?? randomUUID(), claimedTrip: false, checkedOut: null };
    try {
      prepared.onBehalfOf = await this.resolveOnBehalfOf(caseId, parsed.onBehalfOf);
      await this.assertSeparationOfDuties(user, kind, caseId, scope, stepKey, prepared.onBehalfOf).catch((err) =>
        this.unknownStepFirst(caseId, stepKey, err),
      );
      if (kind === 'amend') {
        const amended = parsed as { changes?: Partial<CaseFacts> };
        await this.assertPassportsLastAmendedTrip(caseId, amended);
        prepared.claimedTrip = await this.assertNoOpenCaseOverlap(user, caseId, scope.definitionVersion, amended);
      }
      if (kind === 'complete')
        prepared.heldNumber = await holdDocumentNumber(
          this.cases.manager.connection,
          await this.registries.processDefinition(scope.definitionVersion),
          { caseId, stepKey, data: sent.data, requestId: prepared.requestId, role: user.role, ...(read ? { read } : {}) },
          (id) => this.progress(id),
          (problem) => this.registries.custodyMoveRefusalFor(problem, caseId, stepKey),
        );
      if (kind === 'complete' && stepKey !== undefined)
        prepared.checkedOut = await this.checkOutForStep(user, caseId, scope.definitionVersion, stepKey, read);
    } catch (err) {
      if (key) await this.idempotency.release(key);
      await prepared.heldNumber?.refused().catch(() => undefined);
      throw err;
    }
    return prepared;
  }

  /** Sends the update (watching for an incident, within API_UPDATE_TIMEOUT_MS) and records its result under the key. */
  private async sendAction(action: SendingAction, prepared: PreparedAction): Promise<Replayable<ActionResult>> {
    const { user, kind, caseId, stepKey, clientKey, key, retrying, parsed } = action;
    const { requestId, onBehalfOf, heldNumber } = prepared;
    const actor: Actor = { id: user.id, role: user.role, unit: user.unit, name: user.name };
    const request = {
      ...parsed,
      ...(onBehalfOf !== undefined ? { onBehalfOf } : {}),
      ...(stepKey !== undefined ? { stepKey } : {}),
      requestId,
      actor,
    };
    const client = await this.connect();
    const handle = client.workflow.getHandle(delegationWorkflowId(caseId));
    const options = { args: [request] as [never], updateId: requestId };
    const applied = await this.watchingIncidents(caseId, retrying, (stop) =>
      client.connection.withAbortSignal(AbortSignal.any([AbortSignal.timeout(this.config.apiUpdateTimeoutMs), stop]), () =>
        this.sendUpdate(handle, kind, options),
      ),
    );
    await heldNumber?.accepted().catch(() => undefined);
    // The client knows its request by its own key.
    const result = clientKey ? { ...applied, requestId: clientKey } : applied;
    const stored = key ? await this.idempotency.complete(key, 200, result, caseId) : { status: 200, body: result };
    this.metrics.updates.inc({ update: kind, outcome: 'accepted' });
    this.logger.event('log', 'update accepted', { ...actionLogFields(action, requestId), onBehalfOf: parsed.onBehalfOf, seq: result.seq });
    return { ...stored, replayed: stored.body !== result };
  }

  /**
   * The update was not applied, or the API cannot know (an unknown outcome, one held by an incident): the error to
   * answer with. A definite refusal frees the key and what the action held (the amended window's claim, the number,
   * the passport C07 checked out); an unknown outcome keeps them for the retry with the same key.
   */
  private async actionNotApplied(action: SendingAction, prepared: PreparedAction, err: unknown): Promise<DomainError> {
    const { user, kind, caseId, key } = action;
    const { requestId, claimedTrip, heldNumber, checkedOut } = prepared;
    const definite = isDefiniteRefusal(err);
    if (definite) {
      if (key) await this.idempotency.release(key);
      // The amended window's claim goes with the refused amendment (the case's members stay in case_members).
      if (claimedTrip) await releaseOpenCaseTrip(this.cases.manager, caseId).catch(() => undefined);
      await heldNumber?.refused().catch(() => undefined);
      if (checkedOut)
        await this.registries.undoCheckOutForStep(checkedOut, caseId, { id: user.id, role: user.role }).catch(() => undefined);
    }
    const held = err instanceof HeldByIncident;
    const refusal = held
      ? heldByIncident(key !== undefined)
      : definite
        ? toDomainError(err, { caseKnown: true })
        : unknownOutcome(err, key !== undefined);
    // An amendment's rule errors name its fields as sent: under `changes` (amendmentRefusal).
    const mapped = kind === 'amend' ? amendmentRefusal(refusal) : refusal;
    this.metrics.updates.inc({ update: kind, outcome: mapped.code });
    this.logger.event('warn', definite ? 'update refused' : held ? 'update held by an incident' : 'update outcome unknown', {
      ...actionLogFields(action, requestId),
      code: mapped.code,
      ...(definite || held ? {} : { error: err instanceof Error ? err.message : String(err) }),
      ...(held ? { incidentId: err.incidentId } : {}),
    });
    return mapped;
  }

  /**
   * Sends an update while watching the case's published answer: an incident opening meanwhile (one not there before)
   * holds the update, which waits for its events to be stored (the workflow stores them once operations retry). That
   * outcome is known, held and not recorded: HeldByIncident (409 CASE_INCIDENT) at once, not a 503 after
   * API_UPDATE_TIMEOUT_MS. An incident open before is the validator's to answer (409 CASE_INCIDENT, nothing taken),
   * unless this is a retry (`retrying`): then the first attempt may be the update it holds, which the retry rejoins.
   */
  private async watchingIncidents<T>(caseId: string, retrying: boolean, send: (stop: AbortSignal) => Promise<T>): Promise<T> {
    const publishedIncident = async () =>
      ((await readPublishedAnswer(this.cases.manager, caseId)) as { incident?: { incidentId?: string } | null } | null)?.incident
        ?.incidentId;
    const before = retrying ? undefined : await publishedIncident().catch(() => undefined);
    const stop = new AbortController();
    const watch = new Promise<never>((_, reject) => {
      const tick = async () => {
        const now = await publishedIncident().catch(() => undefined);
        if (stop.signal.aborted) return;
        if (now !== undefined && now !== before) {
          reject(new HeldByIncident(now));
          stop.abort();
        } else timer = setTimeout(() => void tick(), INCIDENT_POLL_MS);
      };
      let timer = setTimeout(() => void tick(), INCIDENT_POLL_MS);
      stop.signal.addEventListener('abort', () => clearTimeout(timer));
    });
    watch.catch(() => undefined); // settled by the race or never
    try {
      return await Promise.race([send(stop.signal), watch]);
    } finally {
      stop.abort();
    }
  }

  /**
   * 帮代办 names someone: a user (username, enabled) goes to the workflow resolved as {id, role, unit} (the workflow
   * checks they hold the role the step needs for the case's unit); a member id of this delegation as itself (the
   * workflow checks it is the member of the step); any other name as a user holding no role, which the workflow
   * refuses exactly as a user without the role (422 INVALID_ON_BEHALF at onBehalfOf, rule on-behalf): whether a name
   * exists, and what its holder may do, is not the caller's to learn (trial: existing-principal against "their role: …").
   */
  private async resolveOnBehalfOf(caseId: string, name: string | undefined): Promise<OnBehalfOfUser | string | undefined> {
    if (name === undefined) return undefined;
    const user = await this.users.findByUsername(name);
    if (user?.enabled) return { id: user.username, role: user.role as Role, unit: user.unit, name: user.displayName };
    const members = await this.memberIds(caseId);
    if (members.includes(name)) return name;
    return { id: name, role: null, unit: '' };
  }

  /**
   * Separation of duties, before sending, as the workflow's validator applies it (dutiesRefusalFor: the access table's
   * dutiesRefusal): nobody decides on a case they submitted or acted on as its organizer (帮代办 included: organizersOf),
   * whatever role they signed in with; nobody decides a step resting on their own decision in another role, nor acts
   * as organizer after deciding (crossRoleRefusal; second trial: a person holding two approver roles decided A11, then
   * A15, sent and refused by the workflow only). 403 SELF_APPROVAL. The organizers are the case row's (cases.organizers,
   * read once with the scope check), the decisions the event store's (caseDecisions: one query by the case's key). The
   * workflow's validator checks the same for every client (the Temporal CLI too), with what the case itself recorded:
   * it stays the authority (an action not projected yet included).
   */
  private async assertSeparationOfDuties(
    user: AuthUser,
    kind: ActionKind,
    caseId: string,
    scope: { definitionVersion: string; organizers: readonly string[] },
    stepKey: string | undefined,
    onBehalfOf: OnBehalfOfUser | string | undefined,
  ): Promise<void> {
    if (kind !== 'decide' && kind !== 'complete') return;
    // The workflow's order (the step exists, the role, then this, then the state; unknownStepFirst says the first):
    // here only a caller acting for no one who holds the step's role; the workflow checks the rest (an officer acting
    // for the submitter included).
    if (onBehalfOf !== undefined || stepKey === undefined) return;
    const code = stepKey.split(':')[0];
    const definition = await this.registries.processDefinition(scope.definitionVersion);
    const step = definition?.steps.find((s) => s.code === code);
    // A decision on a step that is no approval is the workflow's to refuse as such, before separation of duties.
    if (!definition || !step || (kind === 'decide' && step.kind !== 'approval')) return;
    if (!allowedRoles(kind, step).includes(user.role)) return;
    const decisions = (await caseDecisions(this.events.manager, [caseId], user.id)).get(caseId) ?? [];
    const refusal = dutiesRefusalFor(user, {
      action: kind,
      stepKind: step.kind,
      stepKey,
      definition,
      organizers: scope.organizers,
      decisions,
    });
    if (refusal) throw new DomainError(refusal.code, refusal.message, { stepKey });
  }

  /**
   * What does not exist is said first (then role, separation of duties, state: the workflow's validator keeps the same
   * order): before a refusal of its own about a step (the manager's role, the step's data, SELF_APPROVAL), the API
   * makes sure the case has the step, by its progress answer; 404 UNKNOWN_STEP when it has not. If the progress cannot
   * be read, the refusal stands.
   */
  private async unknownStepFirst(caseId: string, stepKey: string | undefined, refusal: unknown): Promise<never> {
    if (stepKey === undefined || !(refusal instanceof DomainError)) throw refusal;
    const steps = await this.currentProgress(caseId).then(
      (p) => p.steps,
      () => undefined,
    );
    if (steps && !steps.some((s) => s.key === stepKey)) throw unknownStep(stepKey);
    throw refusal;
  }

  /**
   * An action's request with an amendment's members resolved against the unit's roster (RegistriesService
   * .resolveAmendment; after the scope check, so the registries answer nothing about their people to a caller the case
   * is not for). An amendment naming members is checked against the ledger as a submission is: its refusals naming
   * another person's passport count as identity probes, and a spent budget refuses it (IdentityProbesService). The
   * amendment and its preview both read it.
   */
  private async resolvedAction<T extends Record<string, unknown>>(
    user: AuthUser,
    kind: ActionKind,
    sent: T,
    unit: string,
    caseId: string,
  ): Promise<T> {
    const resolve = () => this.registries.resolveAmendment(user, kind, sent, unit, caseId);
    const namesMembers = kind === 'amend' && Array.isArray((sent as { changes?: { members?: unknown } }).changes?.members);
    return namesMembers ? this.probes.guarded(user.id, resolve) : resolve();
  }

  /**
   * An amendment's members as the case will hold them: the kept ones as the case holds them (withKeptMembers), each
   * person once (assertMembersOnce). The amendment and its preview both read it.
   */
  private async amendedMembers<T extends Record<string, unknown>>(caseId: string, resolved: T): Promise<T> {
    const parsed = await this.withKeptMembers(caseId, resolved);
    assertMembersOnce(parsed as { changes?: { members?: CaseFacts['members'] } });
    return parsed;
  }

  /**
   * An amendment's members sent as `{ id }` alone (isKeptMember), as the case holds them (the workflow's facts, read
   * after the registries resolved the others: a kept member is not re-checked against the roster).
   * @throws INVALID_REQUEST 422 `changes.members[i].id` `known-member`
   */
  private async withKeptMembers<T extends Record<string, unknown>>(caseId: string, parsed: T): Promise<T> {
    const changes = parsed.changes as { members?: unknown[] } | undefined;
    if (!changes?.members?.some(isKeptMember)) return parsed;
    const current = (await this.progress(caseId)).facts?.members ?? [];
    return { ...parsed, changes: { ...changes, members: expandKeptMembers(changes.members, current) } };
  }

  /** The delegation's current member ids (the workflow's facts: amendments and refusals change them). */
  private async memberIds(caseId: string): Promise<string[]> {
    const p = await this.progress(caseId);
    return p.facts?.members?.map((m) => m.id) ?? [];
  }

  private sendUpdate(handle: WorkflowHandle, kind: ActionKind, options: { args: [never]; updateId: string }): Promise<ActionResult> {
    switch (kind) {
      case 'complete':
        return handle.executeUpdate(completeStepUpdate, options);
      case 'decide':
        return handle.executeUpdate(decideStepUpdate, options);
      case 'amend':
        return handle.executeUpdate(amendUpdate, options);
      case 'withdraw':
        return handle.executeUpdate(withdrawUpdate, options);
      case 'cancel':
        return handle.executeUpdate(cancelUpdate, options);
      case 'objection':
        return handle.executeUpdate(objectionUpdate, options);
      case 'supplyDocument':
        return handle.executeUpdate(supplyDocumentUpdate, options);
      case 'extendDeficiency':
        return handle.executeUpdate(extendDeficiencyUpdate, options);
      case 'attach':
        return handle.executeUpdate(attachUpdate, options);
      case 'detach':
        return handle.executeUpdate(detachUpdate, options);
    }
  }

  /**
   * A decision's rules beyond its contract (DecisionSchema: a rejection's or a return's reason, a field of another
   * decision), 422, for a caller who may decide the step; anyone else is left to the workflow's 403 (the role before the
   * request's rules, as for a completion's data: validateStepData). A version this API does not know: checked as well.
   */
  private async decisionRules(definitionVersion: string, stepKey: string, body: unknown, user: AuthUser, onBehalf: boolean): Promise<void> {
    const definition = await this.registries.processDefinition(definitionVersion);
    const step = definition?.steps.find((s) => s.code === stepKey.split(':')[0]);
    if (step && !mayActOnStep('decide', user.role, step, onBehalf)) return;
    parseOrThrow(DecisionSchema, body);
  }

  /**
   * A completion's data against the data schema the step declares in the case's own definition (a built-in version
   * or one the office published), before anything is sent: 422 naming each `data.<field>` and its rule, as the
   * engine refuses it — the trip report's outcomes (summed on the managers' board) and its written summary, and the
   * schemas whose field checks the domain declares (step-data.ts). No data is checked as `{}`, as the engine reads it (a step whose
   * schema requires a field, e.g. A14's written outcome, is refused without it). A version this API does not know is
   * left to the engine.
   */
  private async validateStepData(
    caseId: string,
    definitionVersion: string,
    stepKey: string,
    sent: unknown,
    user: AuthUser,
    onBehalf: boolean,
  ): Promise<DelegationProgress | undefined> {
    const code = stepKey.split(':')[0]!;
    const data = sent ?? {};
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
    const definition = await this.registries.processDefinition(definitionVersion);
    const step = definition?.steps.find((s) => s.code === code);
    // The workflow's order: the role before the data. A caller the step is not for, by its own right or as one who may
    // act for its role, gets the workflow's 403, as on a step without data (trial 33: a wrong role's completion was 422
    // at its data; trial 35: the same naming someone to act for).
    if (step && !mayActOnStep('complete', user.role, step, onBehalf)) return undefined;
    const behaviour = step?.behaviour ?? {};
    const schema = behaviour.data;
    const fields = data as Record<string, unknown>;
    const report: FieldError[] =
      schema === 'trip-report'
        ? [...tripReportProblems(fields).map((p) => ({ ...p, rule: 'trip-report' })), ...tripReportSummaryProblems(fields)]
        : [];
    // A field the step does not read (unknown-field) and the trip report's upper bounds (max), once per field: a figure
    // the handler's rule already refuses (trip-report) is not named twice. Only for a step of a version this API knows.
    const named = new Set(report.map((p) => p.field));
    // The case as the workflow holds it, where a rule reads it: its current members (an outcome's refused members,
    // outcomeMembersProblems) and its submission day (K06's card not issued before the application). Its current
    // answer (currentProgress: the published one while current, else the query), not a query per action.
    const reads =
      definition &&
      (fields.members !== undefined ||
        systemWorkReading(definition, code).length > 0 ||
        schema === 'new-passport' ||
        schema === 'visa-issued');
    let held = reads ? await this.currentProgress(caseId) : undefined;
    // The day the rules that read it see (C05's passport not issued after today, K06's card): the case's own, as the
    // workflow's Update validator reads it (core.now). On a time scale (WORKING_DAY_SECONDS) its clock runs ahead of
    // the API's (thirty-sixth trial: C05 issued on the case's today was refused not-future here and never sent).
    const today = shanghaiDate(held ? caseClockNow(held) : Date.now());
    const strict = definition
      ? [
          ...stepDataFieldProblems(definition, code, fields).filter((p) => !named.has(p.field)),
          ...systemReadDataProblems(definition, code, fields, today, held ? shanghaiDate(Date.parse(held.submittedAt)) : undefined),
          ...outcomeRequiredProblems(behaviour, fields),
          ...outcomeMembersProblems(
            behaviour,
            fields,
            (held?.facts?.members ?? []).map((m) => m.id),
          ),
        ]
      : [];
    const errors: FieldError[] = [
      ...report,
      ...stepDataProblems(schema, fields, true, today),
      ...writtenWordsProblems(schema, fields),
      ...strict,
    ].map((p) => ({
      ...p,
      field: `data.${p.field}`,
    }));
    // C05's new passport lasts the trip (6 months past the return): once its dates' own rules pass.
    if (schema === 'new-passport' && held?.facts && !errors.some((e) => e.field === 'data.expiresOn'))
      errors.push(...newPassportTripProblems(fields, held.facts.returnDate).map((p) => ({ ...p, field: `data.${p.field}` })));
    // D13's visa covers the member's stay in its country (2027.12): once its dates' own rules pass.
    const country = step && parseInstanceKey(stepKey, step.scope).country;
    if (schema === 'visa-issued' && held?.facts && country && !errors.some((e) => /^data\.valid(From|Until)$/.test(e.field)))
      errors.push(...visaStayProblems(fields, stayIn(held.facts.destinations, country)).map((p) => ({ ...p, field: `data.${p.field}` })));
    // K06's card is not a number the cards registry holds for someone else (third trial: accepted, then K07 blocked with
    // no way back), as C05's passport below. Only once the number's own rules pass.
    if (
      definition &&
      typeof fields.cardNumber === 'string' &&
      systemWorkReading(definition, code).includes('apec-card-register') &&
      !errors.some((e) => e.field === 'data.cardNumber')
    ) {
      const problem = await this.registries.cardHolderProblem(
        caseId,
        step && parseInstanceKey(stepKey, step.scope).memberId,
        fields.cardNumber,
      );
      if (problem) errors.push(problem);
    }
    // C05's new passport is not a number the custody ledger holds for someone else (the registries' read; the engine
    // refuses another member's number itself). Only once the number's own rules pass.
    if (schema === 'new-passport' && !errors.some((e) => e.field === 'data.number')) {
      const problem = await this.registries.newPassportHolderProblem(
        caseId,
        step && parseInstanceKey(stepKey, step.scope).memberId,
        fields.number,
      );
      if (problem) errors.push(problem);
    }
    // Named at the body's top level too (`stepKey`), as the workflow's refusals name it (seventh trial).
    if (errors.length > 0) {
      const refusal = ruleRefusal(errors);
      throw new DomainError(refusal.code, refusal.label, { ...refusal.extras, stepKey });
    }
    // The custody ledger's move of the step (C05 register, C06 cancel, C07 check-out) cannot be made now
    // (custodyMoveProblem: the member's passport out on loan for a case, or no valid passport to check out): 409 until
    // it can, rather than a done step whose move the ledger refused (or, before, a passport cancelled where it stood).
    const move = behaviour.custody;
    const memberId = step && move && move !== 'check-in' ? parseInstanceKey(stepKey, step.scope).memberId : undefined;
    // Asked of the step's own role, while the step awaits (as the case is read now): anyone else, or a step done or not
    // yet open, is the workflow's to refuse (403 WRONG_ROLE, 409 STEP_NOT_AWAITING), not the ledger's (seventh trial:
    // the organizer's C05 read "passport checked out", a done C05 "one valid passport").
    if (move && memberId !== undefined && step && user.role === responsibleRole(step)) {
      held ??= await this.currentProgress(caseId);
      if (!stepOpenToRole(step, stepKey, user.role, held)) return held;
      // A lapsed trip's step is refused for its dates first, as the workflow would, not for a passport it waits for.
      const lapsed = departurePassedRefusal(definition?.steps, step.code, held, stepKey);
      if (lapsed) throw lapsed;
      const member = held.facts?.members?.find((m) => m.id === memberId);
      const problem =
        member &&
        (await this.registries.custodyMoveProblem(
          move,
          caseId,
          member,
          schema === 'new-passport' ? fields.number : undefined,
          held.facts?.returnDate,
        ));
      if (problem) throw custodyMoveRefusal(problem, shanghaiDate(Date.now()), stepKey);
    }
    return held;
  }

  /**
   * A card application's own steps (prepare, review) go forward only while its enterprise may apply for cards
   * (cardStepStandingRefusal, libs/domain apec-card.ts): a completion or an approval while the enterprise is suspended
   * (or exited, its applications not yet stopped) is 409 ACTION_NOT_ALLOWED at `path.stepKey`, rule
   * `enterprise-standing`; a return or a rejection goes through. Asked of the step's own role while it awaits
   * (stepOpenToRole): anyone else gets the workflow's refusal. The standing read is held (RegistriesService
   * holdEnterpriseStanding) until the caller releases it, once the update is answered: a suspension at the same instant
   * waits for it, or is read first and refuses the step (eleventh trial: both were accepted). Answers the case as read,
   * if it read it, and the hold (null: none taken, or released already).
   */
  private async holdEnterpriseStanding(
    user: AuthUser,
    kind: 'complete' | 'decide',
    scope: CaseLookup,
    stepKey: string,
    sent: Record<string, unknown>,
    read?: DelegationProgress,
  ): Promise<{ read: DelegationProgress | undefined; hold: StandingHold | null }> {
    if (processOfVersion(scope.definitionVersion) !== 'apec-card') return { read, hold: null };
    const forward = kind === 'complete' || (sent.decision !== 'reject' && sent.decision !== 'return');
    const step = (await this.registries.processDefinition(scope.definitionVersion))?.steps.find((s) => s.code === stepKey.split(':')[0]);
    if (!step || !cardStepHangsOnStanding(step, forward)) return { read, hold: null };
    const hold = await this.registries.holdEnterpriseStanding(scope.unit, scope.caseId);
    const standing = hold.standing;
    const refusal = standing && cardStepStandingRefusal(step, forward, standing.ownership, standing.state);
    if (!refusal) return { read, hold };
    await hold.release();
    const progress = read ?? (await this.currentProgress(scope.caseId));
    if (!stepOpenToRole(step, stepKey, user.role, progress)) return { read: progress, hold: null };
    throw new DomainError('ACTION_NOT_ALLOWED', refusal, {
      stepKey,
      errors: [{ field: 'path.stepKey', rule: 'enterprise-standing', message: refusal }],
    });
  }

  /**
   * C07 (a step whose custody move is 'check-out'): the member's passport checked out for the case by the API before the
   * completion is sent, atomically in the ledger (RegistriesService.checkOutForStep), so two C07s of one person at once
   * cannot both be done; the worker's move then finds it out. The number moved, or null. `read`: the case's answer the
   * request's custody precheck read (validateStepData), so the member checked is the member moved.
   */
  private async checkOutForStep(
    user: AuthUser,
    caseId: string,
    definitionVersion: string,
    stepKey: string,
    read?: DelegationProgress,
  ): Promise<string | null> {
    const definition = await this.registries.processDefinition(definitionVersion);
    const step = definition?.steps.find((s) => s.code === stepKey.split(':')[0]);
    // Only for the step's own role: anyone else is refused by the access table, and moves nothing first.
    if (!step || step.behaviour?.custody !== 'check-out' || user.role !== responsibleRole(step)) return null;
    const memberId = parseInstanceKey(stepKey, step.scope).memberId;
    if (memberId === undefined) return null;
    const progress = read ?? (await this.currentProgress(caseId));
    // A step not awaiting is the workflow's to refuse: nothing moves for it (a check-out undone a moment later kept
    // another case's C07 out meanwhile).
    if (!stepOpenToRole(step, stepKey, user.role, progress)) return null;
    // What the workflow refuses by the trip's dates alone, before anything moves (trial: a lapsed trip's C07 checked the
    // passport out for a moment before its refusal undid it, and another case's C07 and a check-out by hand meanwhile
    // were refused passport-checked-out): the rule the workflow applies, on the case's clock (caseClockNow).
    const lapsed = departurePassedRefusal(definition?.steps, step.code, progress, stepKey);
    if (lapsed) throw lapsed;
    const facts = progress.facts;
    const member = facts?.members?.find((m) => m.id === memberId);
    if (!facts || !member) return null;
    return this.registries.checkOutForStep(caseId, member, facts.returnDate, definitionVersion, { id: user.id, role: user.role }, stepKey);
  }

  private parseAction(kind: ActionKind, body: unknown): { onBehalfOf?: string; comment?: string } & Record<string, unknown> {
    switch (kind) {
      case 'complete':
        return parseOrThrow(CompleteStepSchema, body);
      case 'decide':
        return parseOrThrow(DecisionSchema, body);
      case 'amend':
        return parseOrThrow(AmendSchema, body);
      case 'withdraw':
      case 'cancel':
        return parseOrThrow(CloseSchema, body);
      case 'objection':
        return parseOrThrow(ObjectionSchema, body);
      case 'supplyDocument':
        return parseOrThrow(SupplyDocumentSchema, body);
      case 'extendDeficiency':
        return parseOrThrow(ExtendDeficiencySchema, body);
      case 'attach':
      case 'detach':
        return body as Record<string, unknown>; // validated by AttachmentsService; the workflow checks it again
    }
  }
}

export { uuidFrom };

/**
 * 退回修改, as SQL over `cases <alias>`: the case is open and one of the organizer's steps is open (awaiting,
 * overdue, blocked) because a return reopened it: a step.returned event naming it among the steps it reopened (`keys`:
 * the targets and what depends on them, so a return to a system step upstream, such as A01, counts for the organizer
 * step after it; trial: `returned=true` found nothing), caused by a return decision or a public-notice objection (`by`
 * a step key or 'objection'), not by the organizer's own amendment nor a re-derivation of the facts. The step's
 * completion closes it, so a redone step no longer counts.
 */
export const RETURNED_FOR_REVISION = (alias: string): string => `(${alias}.status = 'open' AND EXISTS (
  SELECT 1 FROM case_steps rs
   WHERE rs.case_id = ${alias}.case_id AND rs.actor_role = 'organizer' AND rs.status IN ('awaiting', 'overdue', 'blocked')
     AND EXISTS (SELECT 1 FROM case_events re
                  WHERE re.stream_id = rs.case_id AND re.type = 'step.returned'
                    AND re.payload->>'by' NOT IN ('amend', 'facts') AND re.payload->'keys' @> jsonb_build_array(rs.step_key))))`;

export function summaryOf(c: CaseEntity) {
  return {
    caseId: c.caseId,
    workflowId: c.workflowId,
    process: processOfVersion(c.definitionVersion),
    title: c.title,
    unit: c.unit,
    purpose: c.purpose,
    status: c.status,
    phase: c.phase,
    departureDate: c.departureDate,
    returnDate: c.returnDate,
    countries: c.countries,
    memberCount: c.memberCount,
    forecastReadyAt: iso(c.forecastReadyAt),
    slackWd: c.slackWd,
    atRisk: c.atRisk,
    criticalStep: c.criticalStep,
    provisionalCalendar: c.provisionalCalendar,
    submittedAt: iso(c.submittedAt)!,
    submittedBy: c.submittedBy,
    departedAt: iso(c.departedAt),
    closedAt: iso(c.closedAt),
    updatedAt: iso(c.updatedAt)!,
  };
}

/** The detail of a case: the workflow's own answer, or the read models' once the workflow is gone. */
export type CaseDetail = CaseDetailAnswer & {
  /** The display name of each account the answer names, by username (withActorNames). */
  actorNames: Record<string, string>;
};
type CaseDetailAnswer =
  (Omit<DelegationProgress, 'incident'> & { incident?: IncidentForUsers | null; source: 'workflow' }) | ReadModelDetail;

/**
 * A case's detail from the read models (schemas.ts ReadModelProgressSchema): what cases and case_steps
 * keep, the facts from the event store, the plan figures last recorded. Deficiencies, objections and routes
 * live only in the workflow: see the timeline for them.
 */
export interface ReadModelDetail {
  source: 'read-model';
  caseId: string;
  workflowId: string;
  definitionVersion: string;
  title: string;
  unit: string;
  purpose: string;
  facts: Record<string, unknown> | null;
  status: string;
  phase: string;
  now: string;
  submittedAt: string;
  submittedBy: string;
  departureDate: string;
  returnDate: string;
  countries: string[];
  memberCount: number;
  daysToDeparture: number;
  departedAt: string | null;
  closedAt: string | null;
  plan: {
    criticalPath: string[];
    criticalPathCodes: string[];
    forecastReadyAt: string | null;
    forecastReadyDate: string | null;
    slackWd: number | null;
    atRisk: boolean;
  };
  steps: Array<{
    key: string;
    code: string;
    name: { zh: string; en: string };
    phase: string;
    kind: string;
    actorRole: string;
    memberId: string | null;
    country: string | null;
    status: string;
    startedAt: string | null;
    doneAt: string | null;
    dueAt: string | null;
    actedBy: string | null;
    actedByRole: string | null;
    onBehalfOf: string | null;
    decision: string | null;
    workingDays: number | null;
    critical: boolean;
  }>;
  lastSeq: number;
}

export function readModelDetail(record: CaseRecord, now = Date.now()): ReadModelDetail {
  const c = record.case;
  const critical = new Set(c.criticalPath);
  return {
    source: 'read-model',
    caseId: c.caseId,
    workflowId: c.workflowId,
    definitionVersion: c.definitionVersion,
    title: c.title,
    unit: c.unit,
    purpose: c.purpose,
    facts: record.facts,
    status: c.status,
    phase: c.phase,
    now: new Date(now).toISOString(),
    submittedAt: iso(c.submittedAt)!,
    submittedBy: c.submittedBy,
    departureDate: c.departureDate,
    returnDate: c.returnDate,
    countries: c.countries,
    memberCount: c.memberCount,
    daysToDeparture: dayNumber(c.departureDate) - dayNumber(shanghaiDate(now)),
    departedAt: iso(c.departedAt),
    closedAt: iso(c.closedAt),
    plan: {
      criticalPath: c.criticalPath,
      criticalPathCodes: c.criticalPath.map((k) => k.split(':')[0]!),
      forecastReadyAt: iso(c.forecastReadyAt),
      forecastReadyDate: c.forecastReadyAt ? shanghaiDate(c.forecastReadyAt.getTime()) : null,
      slackWd: c.slackWd,
      atRisk: c.atRisk,
    },
    steps: record.steps.map((s) => ({
      key: s.stepKey,
      code: s.code,
      name: { zh: s.nameZh ?? s.code, en: s.nameEn ?? s.code },
      phase: s.phase,
      kind: s.kind,
      actorRole: s.actorRole,
      memberId: s.memberId,
      country: s.country,
      status: s.status,
      startedAt: iso(s.startedAt),
      doneAt: iso(s.doneAt),
      dueAt: iso(s.dueAt),
      actedBy: s.actedBy,
      actedByRole: s.actedByRole,
      onBehalfOf: s.onBehalfOf,
      decision: s.decision,
      workingDays: s.workingDays,
      critical: critical.has(s.stepKey),
    })),
    lastSeq: c.lastSeq,
  };
}

/**
 * The 409 DEPARTURE_PASSED the workflow would answer a completion of `stepKey` (departurePassedFor, on the case's clock:
 * caseClockNow), for the API to refuse before it moves anything in the custody ledger; undefined when the case is not
 * open, the version is unknown, or the step may still be done.
 */
function departurePassedRefusal(
  steps: ProcessDefinition['steps'] | undefined,
  code: string | undefined,
  progress: DelegationProgress,
  stepKey: string,
): DomainError | undefined {
  if (!steps || code === undefined || progress.status !== 'open') return undefined;
  const lapsed = departurePassedFor(steps, code, progress.facts, shanghaiDate(caseClockNow(progress)), stepKey);
  return lapsed
    ? new DomainError('DEPARTURE_PASSED', lapsed.message, {
        stepKey,
        errors: [{ field: 'path.stepKey', rule: 'departure-passed', message: lapsed.message }],
      })
    : undefined;
}
