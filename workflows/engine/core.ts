import {
  addDays,
  buildInstances,
  checkInDueDays,
  chineseCalendar,
  countryLabel,
  DEFAULT_DEFICIENCY_RULE,
  completeKeys,
  dayNumber,
  entryRoute,
  isDecision,
  nextActions,
  organizersOf,
  outcomeRefuses,
  processOf,
  personKey,
  shanghaiDate,
  toIso,
  upcastDefinition,
  type CaseDecision,
  type CaseFacts,
  type EntryRoute,
  type InstanceState,
  type Label,
  type ProcessDefinition,
  type RuleViolation,
  type RuntimeFlags,
  type StepDefinition,
  type StepInstance,
  type SystemWork as SystemWorkKind,
  type WorkingCalendar,
} from '@df/domain';
import type {
  ActionBase,
  ActionResult,
  AmendRequest,
  AttachmentMetadata,
  AttachRequest,
  DetachRequest,
  CaseEventOf,
  CaseEventPayloads,
  CaseEventType,
  CaseStatus,
  CloseRequest,
  CompleteStepRequest,
  DecideStepRequest,
  DelegationInput,
  MissingDocument,
  ObjectionRequest,
  ReplanCause,
  StepDataValue,
  StepStatus,
  SupplyDocumentRequest,
  ExtendDeficiencyRequest,
} from '@df/contracts';
import { STEP_STATUS_LABELS } from '@df/contracts';
import { authorize, onBehalfId, responsibleRole } from './authorization';
import { deficiencyBlock } from './deficiencies';
import { EventLog } from './emission';
import { refuseField, reject } from './rejection';
import type { PlanMemo } from './progress';
import { metaOfInstance, type StepMeta } from './step-meta';

/** Deficiencies accepted at intake (容缺) must be supplied within this many working days unless the settings say otherwise. */
export const DEFICIENCY_DEADLINE_WD = DEFAULT_DEFICIENCY_RULE.deadlineWd;
/** Human steps of zero target duration still get half a working day before they count as overdue. */
export const MIN_DUE_WD = 0.5;

/** 00:00 of a YYYY-MM-DD day in Asia/Shanghai (UTC+8, no daylight saving), epoch ms. */
const shanghaiDayStart = (day: string): number => dayNumber(day) * DAY_MS - 8 * 3_600_000;
export const CLOSED: ReadonlySet<CaseStatus> = new Set(['completed', 'rejected', 'withdrawn', 'cancelled', 'failed']);
export const DAY_MS = 86_400_000;

/** recheck: a blocked system step whose check may pass later (frequency blocked by another open case's trip) runs again. */
export type DeadlineKind = 'timer' | 'overdue' | 'unit-flagged' | 'recheck';

export interface Deadline {
  at: number;
  kind: DeadlineKind;
  fired: boolean;
}

export interface StepState {
  status: StepStatus;
  /** Bumped whenever the step is reset, so a late system result for an older run is ignored. */
  generation: number;
  startedAt?: number;
  /** The case's event sequence (EventLog.seq) when it opened: a file it takes as new was added after (refuseStaleFile). */
  startedSeq?: number;
  /**
   * The case's event sequence when the documents the step requires became stale (an amendment: another inviter or city
   * for its country, another route, its country or member brought to the trip; a return to the step): only files added
   * after serve it (documentsServe). Kept through reopening.
   */
  documentsSince?: number;
  doneAt?: number;
  dueAt?: number;
  deadlines: Deadline[];
  blockedReason?: Label;
  /** The block is a 容缺 document's past its deadline (deficiencyBlock), not a system step's violations: a supply lifts it. */
  deficiencyBlocked?: boolean;
  systemRunning?: boolean;
  actedBy?: string;
  actedByRole?: string;
  onBehalfOf?: string;
  decision?: DecideStepRequest['decision'];
  comment?: string;
  data?: Record<string, unknown>;
  /**
   * The data of its last completion, kept when the step opens again (a return, an amendment): the dialog offers it to
   * correct rather than retype (trial 52: a budget returned for one item came back blank). State only, never recorded.
   */
  lastData?: Record<string, unknown>;
  returns: number;
  /** The last return that sent this step back (the returning step, its reason, who, when): shown until it is done again. */
  lastReturn?: { by: string; comment?: string; actedBy?: string; at: number };
  /**
   * The amendment that ran this done or open step again (its rerunOnAmend and the like; who, when), shown until it is
   * done again: the person redoing it reads why it is back (trial 75: D13 reopened after a date change said nothing).
   * State only, never recorded.
   */
  rerunBy?: { cause: 'amend'; actedBy?: string; at: number };
}

export interface Deficiency extends MissingDocument {
  neededBy: string;
  dueAt: number;
  status: 'missing' | 'overdue' | 'supplied';
  suppliedAt?: number;
  /** The attachment it was supplied as (the supply's fileRef), which may then not be removed (checkDetach). */
  fileRef?: string;
  /** The case's event sequence (EventLog.seq) when intake recorded it missing: its file was added after (refuseStaleFile). */
  recordedSeq?: number;
  /** Times the FAO clerk extended the deadline. */
  extensions: number;
}

export interface SystemWork {
  key: string;
  code: string;
  /** The work the step declares (behaviour.system). */
  system: SystemWorkKind;
  generation: number;
  memberId?: string;
}

export interface SystemResult {
  violations?: RuleViolation[];
  documentNo?: string;
  note?: Label;
  data?: Record<string, StepDataValue>;
}

/** The custody ledger's part of a finished step (behaviour.custody), for the workflow to carry out. */
export interface CustodyWork {
  key: string;
  /** 'due-back': a case closed with the passport out for it (withdrawn, refused, cancelled before its return): due back sooner. */
  /**
   * 'supersede': the case closed after C05 registered a member's new passport (`newPassport`) and before C06 cancelled
   * the one it replaces: that one is cancelled, superseded (seventh trial: it stayed valid beside the new one).
   */
  action: 'check-out' | 'check-in' | 'cancel' | 'register' | 'due-back' | 'supersede';
  memberId: string;
  /**
   * For 'check-out': the day the passport is due back, from the check-in step's declared due rule (P02: 7 calendar days
   * after return). For 'due-back': that rule's days counted from the day the case closed.
   */
  dueBackOn?: string;
  /**
   * For 'due-back': the member left a case that goes on (a refused visa, an amendment), rather than the case closing. For
   * 'supersede': the member's place changed (dropped, or re-picked), rather than the case closing.
   */
  memberLeft?: boolean;
  /** For 'due-back': the trip's dates changed, so the day is set as it is (later or sooner), not only brought forward. */
  redated?: boolean;
  /** For a member no longer in the facts (they left the case): who they were, for the ledger to find the passport. */
  personId?: string;
  passportNumber?: string;
  /** For 'register': the new passport the step's completion recorded (schema 'new-passport', C05). */
  newPassport?: NewPassport;
}

/** A passport issued during the case, as its step's completion records it (data schema 'new-passport'). */
export interface NewPassport {
  number: string;
  issuedOn: string;
  expiresOn: string;
}

export interface Escalation {
  id: string;
  caseId: string;
  stepKey: string | null;
  kind: 'step-overdue' | 'deficiency-overdue' | 'passport-overdue' | 'unit-flagged' | 'report-overdue';
  role: string;
  unit: string;
  message: Label;
  dueAt: string | null;
}

export type EngineAction =
  | { type: 'complete'; request: CompleteStepRequest }
  | { type: 'decide'; request: DecideStepRequest }
  | { type: 'amend'; request: AmendRequest }
  | { type: 'withdraw'; request: CloseRequest }
  | { type: 'cancel'; request: CloseRequest }
  | { type: 'objection'; request: ObjectionRequest }
  | { type: 'supplyDocument'; request: SupplyDocumentRequest }
  | { type: 'extendDeficiency'; request: ExtendDeficiencyRequest }
  | { type: 'attach'; request: AttachRequest }
  | { type: 'detach'; request: DetachRequest };

export interface EngineDeps {
  /** Deterministic ids (uuid4 of the workflow sandbox). */
  newId: () => string;
  workflowId: string;
  calendar?: WorkingCalendar;
  /**
   * Whether a fact change reopens finished joins and re-evaluates skips (issue 11 items 1-2). The workflow
   * answers with patched('reopen-on-change') so cases amended before it replay as they ran; default true.
   */
  reopenOnChange?: () => boolean;
  /**
   * Whether an overdue 容缺 document also notifies the FAO clerk (who may extend or end the case). The
   * workflow answers with patched('deficiency-office'); default true.
   */
  deficiencyOffice?: () => boolean;
  /** A case closing with passports out moves their due-back day (patched('custody-on-close'); asked only then). */
  custodyOnClose?: () => boolean;
  /**
   * A case closing after a member's C05 registered a new passport and before C06 cancelled the old one cancels it,
   * superseded (patched('custody-supersede'); asked only then).
   */
  custodySupersede?: () => boolean;
  /**
   * A member's C06 that will never run after their C05 registered a new passport (an amendment dropping the member, or
   * re-picking them so the new-passport steps are skipped) cancels the passport it replaced, superseded, as a case
   * closing there does (patched('custody-supersede-on-change'); asked only then).
   */
  custodySupersedeOnChange?: () => boolean;
  /**
   * A member leaving an open case with their passport out (a refused visa, an amendment dropping them) moves its
   * due-back day (patched('custody-on-withdrawal'); asked only then).
   */
  custodyOnWithdrawal?: () => boolean;
  /**
   * An amendment changing the return date moves the due-back day of the passports out for the case to the new return
   * plus the check-in step's days (patched('custody-on-redate'); asked only when such a passport is out).
   */
  custodyOnRedate?: () => boolean;
  /**
   * The due-back moves (a close, a member leaving, a return date amended) also go to the members whose C07 has not run,
   * for a passport the office checked out for the case by hand (patched('custody-by-ledger'); asked only when there is
   * such a member): the activity moves whichever passport the ledger holds out for the case.
   */
  custodyByLedger?: () => boolean;
  /**
   * An amendment dropping a country drops the entry routes D01 recorded for it, so the country added again is routed
   * anew (patched('routes-follow-countries'); asked only when an amendment drops a recorded route).
   */
  routesFollowCountries?: () => boolean;
  /** Whether finished steps move the passport custody ledger (patched('passport-custody')); default true. */
  custody?: () => boolean;
  /**
   * Whether a step declaring custody 'register' (C05) takes the new passport its completion records into the ledger
   * (patched('custody-register'); asked only when there is such a passport to register).
   */
  custodyRegister?: () => boolean;
  /**
   * Certifying steps wait for their real-world date (issue 11 item 5); default on. The workflow turns it off only
   * for histories recorded before the rule (patched()), so they replay as they ran.
   */
  realWorldDates?: boolean;
  /**
   * A 容缺 document's neededBy must name a step still ahead of the case (issue 16's trial: A01, done long before,
   * was accepted, a gate that never shuts); default on. Off only for histories recorded before the rule
   * (patched('deficiency-needed-ahead')), so they replay as they ran.
   */
  deficiencyNeededAhead?: boolean;
  /**
   * A system step a 容缺 document blocked (opened while the document was past its deadline: a version whose B08 does
   * not wait for B03) runs once the document is supplied; before, it stayed blocked for ever. Asked only when such a
   * step would be unblocked (patched('deficiency-unblocks-system')), so a history recorded before replays as it ran.
   */
  deficiencyUnblocksSystem?: () => boolean;
  /**
   * A frequency check (A08) blocked by another open case's planned trip runs again every working day while blocked, so
   * the case moves on once that trip is withdrawn, refused or moved (a planned trip can go away; a made one cannot).
   * Asked only when such a block is recorded (patched('frequency-recheck')), so a history recorded before replays as it ran.
   */
  recheckPlannedTrips?: () => boolean;
  /**
   * An amendment changing a member's facts (rank, person, passport, name) or the purpose runs the frequency check
   * (A08) again for that member, as a change of dates does (trial: amended to bureau rank, or onto another person's
   * passport, A08's old pass stood). Asked only when that alone reruns it (patched('frequency-on-member-change')).
   */
  frequencyOnMemberChange?: () => boolean;
  /**
   * An amendment changing a kept country's city or inviter reruns that country's preparation and review steps (A03,
   * A04, B04) and the trip's reviews (rerunOnAmend 'trip': B05-B08), as a new invitation (trial: an approved case
   * changed its inviter and city and nothing was reviewed again). Asked only when an inviter changed
   * (patched('inviter-change-reruns')).
   */
  inviterChangeReruns?: () => boolean;
  /**
   * An amendment after which a member's new passport (C05 done) no longer serves the trip issues one again: the
   * member's new-passport steps (C02-C06) run again (ninth trial: the trip moved past the new passport's validity, or
   * it was lost; C07 refused and re-picking the member, as its advice said, changed nothing). Asked only then
   * (patched('passport-reissue')).
   */
  passportReissue?: () => boolean;
  /**
   * A step opens only once every step upstream of it is done again (trial: an amendment sent B08 back, the approval
   * document withdrawn, and C04's approval still opened C05, the passport's issue). Asked only when a step would open
   * with a step it rests on not done (patched('open-after-upstream')), so a history recorded before replays as it ran.
   */
  openAfterUpstream?: () => boolean;
  /**
   * A person's step rerun by an amendment (rerunOnAmend: B05-B07 on a trip change, C01 on a member's) holds the steps
   * resting on it that are open and not acted on (awaiting, overdue, blocked) until it is done again (trial M1's
   * remainder: the approval document withdrawn, B09's filing, D07's visa note and E01's exchange approval stayed open).
   * Asked only when there is such a step to hold (patched('hold-after-recheck')), so a history recorded before replays
   * as it ran.
   */
  holdAfterRecheck?: () => boolean;
  /**
   * A member's own work done stands when only the delegation's or a country's joint work it rests on is done again
   * (fourth trial: a member added after the passports were issued sent every member back through C04-C07 and each
   * country's visa through D13: a passport issued is not issued again). Asked only when such a step would be reopened
   * (patched('member-work-stands')), so a history recorded before replays as it ran.
   */
  memberWorkStands?: () => boolean;
  /**
   * A closed case's case.replanned names no critical step and no latest starts (trial 36); default on. Asked only when
   * the plan of a closed case names some (patched('closed-plan-waits-for-nothing')): the events a replan emits depend on
   * it, so a history recorded before replays as it ran.
   */
  closedPlanWaitsForNothing?: () => boolean;
  /**
   * Steps declaring requiresAttachments refuse completion without those kinds (issue 15 item 3); default on. Off only
   * for histories recorded before the rule (patched('attachments')), so they replay as they ran.
   */
  attachments?: boolean;
  /**
   * A step certifying the departure is due no earlier than the end of the departure day (dueOf); default on. Off
   * only for histories recorded before the rule (patched('certified-step-due')), so they replay as they ran.
   */
  certifiedStepDue?: boolean;
  /**
   * The planner plans a step certifying a day (E07 the departure) against the end of that day and leaves it out of the
   * forecast, slack and risk (PlanInput.certifiedDays): a case prepared but for E07 is not at risk in its last days;
   * default on. Off only for histories recorded before the rule (patched('certified-step-plan')), so they replay as
   * they ran (their case.replanned events were recorded with the old plan).
   */
  certifiedStepPlan?: boolean;
  /**
   * With certifiedStepPlan: a step certifying a day still not done after that day (E07 past the departure day) makes
   * the case late and at risk (PlanInput.certifiedLate; trial 76: a trip whose dates had passed without E07 read 正常);
   * default on. Off only for histories recorded before the rule (patched('certified-late-risk')), so they replay as they
   * ran (their case.replanned events were recorded with the old plan).
   */
  certifiedLateRisk?: boolean;
  /**
   * The planner passes a re-check's finish on through the done steps resting on it (PlanInput.throughRechecks): after
   * an amendment the forecast and the critical path count the budget's, countersign's and sign-offs' days again before
   * the FAO's review; default on. Off only for histories recorded before the rule (patched('plan-through-rechecks')),
   * so they replay as they ran (their case.replanned events were recorded with the old plan).
   */
  planThroughRechecks?: boolean;
}

/**
 * The state core of a case: the instances derived from the pinned definition and the facts, each
 * instance's state, deficiencies, objections, and the event log. The action modules (actions/*), deadlines,
 * deficiencies, system steps and the progress view read and change it; CaseEngine is the only way in from
 * outside workflows/engine.
 */
export class CaseCore {
  readonly caseId: string;
  readonly definition: ProcessDefinition;
  facts: CaseFacts;
  status: CaseStatus = 'open';
  closedReason?: string;
  /** Replaced when the office loads a holiday schedule (CaseEngine.setCalendar); deadlines already set keep their instants. */
  calendar: WorkingCalendar;
  runtime: RuntimeFlags = { objectionRaised: false, acceptedWithDeficiencies: false };
  instances: StepInstance[] = [];
  readonly metas = new Map<string, StepMeta>();
  readonly states = new Map<string, StepState>();
  readonly withdrawnSteps = new Map<string, { meta: StepMeta; state: StepState }>();
  /** The cancellation steps (C06) whose passport a new one superseded (custody 'supersede' asked): never asked twice. */
  private readonly superseded = new Set<string>();
  postTrip: StepMeta[] = [];
  /** The pinned definition's steps by code (read through upcastDefinition: behaviour declared on every version). */
  readonly steps: Map<string, StepDefinition>;
  returnedOn?: string;
  readonly deficiencies: Deficiency[] = [];
  /** The case's live attachments (metadata only) by id, from attach/detach. */
  readonly attachments = new Map<string, AttachmentMetadata>();
  /** Uploads applied in all, removed ones included (checkAttach's ATTACHMENT_UPLOADS_PER_CASE_MAX). */
  attachmentUploads = 0;
  /** The role that uploaded each attachment (checkDetach: what the FAO uploaded, only the FAO removes). */
  readonly attachmentUploaders = new Map<string, string>();
  /** The event sequence (EventLog.seq) of each attachment's attachment.added: which came before what (refuseStaleFile). */
  readonly attachmentSeqs = new Map<string, number>();
  /**
   * The event sequence at which each content (SHA-256) was first added to the case, kept after the file is removed: a
   * document made stale stays stale uploaded again (documentsServe; forty-seventh trial: the old itinerary's bytes, and
   * the first inviter's letter, served the step rerun for a new one).
   */
  readonly contentSeqs = new Map<string, number>();
  readonly objections: Array<{ at: number; by: string; text: string }> = [];
  readonly withdrawnMembers: Array<{ memberId: string; reason: string }> = [];
  violations: RuleViolation[] = [];
  /** Steps rerun by rerunOnAmend and not yet finished again (see reopenStale). */
  readonly rechecks = new Set<string>();
  approvalDocumentNo?: string;
  readonly results = new Map<string, ActionResult>();
  escalations: Escalation[] = [];
  readonly log: EventLog;
  tripsToRecord = false;
  /** Ledger moves of finished steps, taken by the drain (CaseEngine.takeCustodyWork). */
  custodyWork: CustodyWork[] = [];
  /** The members the instances were last derived from: who a member leaving at the next derivation was. */
  private derivedMembers: CaseFacts['members'] = [];
  now = 0;
  lastPlanKey = '';
  lastPlanShape = '';
  lastPlanSlack = 0;
  /** Why the next re-plan runs, said in its case.replanned (state only: set by CaseEngine.setCalendar, taken by replan). */
  replanCause?: ReplanCause;
  /** The drain's last plan, reused while nothing it reads changed (progress.ts memoisedPlan; `replan-on-change` patch). */
  planMemo?: PlanMemo;

  /**
   * Who submitted the case or acted on it as its organizer (user ids; organizersOf: 帮代办, the organizer acted for
   * and the officer who did their part): they may not decide on it (separation of duties, checked by the Update
   * validator). Memory only, rebuilt by replaying the actions.
   */
  readonly organizers = new Set<string>();
  /**
   * The set as signals were checked against before `separation-on-behalf` (the officer of a 帮代办 not in it): a
   * signal's refusal only the officer causes asks that patch first (CaseEngine.validate).
   */
  readonly organizersBeforeOnBehalf = new Set<string>();
  /**
   * Every decision taken on the case (an approval decided or completed, returns and reruns included): who, in which
   * role, on which instance. Separation of duties across roles (crossRoleRefusal) reads it. Memory only, rebuilt by
   * replaying the actions.
   */
  readonly decisions: CaseDecision[] = [];

  constructor(
    readonly input: DelegationInput,
    readonly deps: EngineDeps,
  ) {
    if (input.submittedBy && typeof input.submittedBy.id === 'string') {
      this.organizers.add(input.submittedBy.id);
      this.organizersBeforeOnBehalf.add(input.submittedBy.id);
    }
    this.caseId = input.caseId;
    this.definition = upcastDefinition(input.definition);
    this.facts = input.facts;
    this.calendar = deps.calendar ?? chineseCalendar();
    this.steps = new Map(this.definition.steps.map((s) => [s.code, s]));
    this.log = new EventLog(input.caseId, deps.newId);
  }

  /** Records who acted on the case as its organizer by an accepted action (organizersOf, the access table's rule). */
  noteOrganizer(r: ActionBase): void {
    const p = r.onBehalfOf;
    const onBehalfOf = typeof p === 'string' ? { id: p, member: true } : p && typeof p === 'object' ? { id: p.id } : null;
    for (const id of organizersOf({ actor: r.actor ?? null, onBehalfOf })) this.organizers.add(id);
    // As recorded before separation-on-behalf: the organizer signed in, or the organizer a 帮代办 acted for.
    if (r.actor?.role === 'organizer') this.organizersBeforeOnBehalf.add(r.actor.id);
    if (p && typeof p === 'object' && p.role === 'organizer') this.organizersBeforeOnBehalf.add(p.id);
  }

  /** Records a decision by an accepted action (complete of an approval step, or decide). */
  noteDecision(type: 'complete' | 'decide', r: ActionBase & { stepKey?: string }): void {
    const key = typeof r.stepKey === 'string' ? r.stepKey : undefined;
    const kind = key !== undefined ? this.metas.get(key)?.kind : undefined;
    if (key === undefined || !r.actor || !isDecision(type, kind)) return;
    this.decisions.push({ stepKey: key, actorId: r.actor.id, role: r.actor.role });
  }

  get closed(): boolean {
    return CLOSED.has(this.status);
  }

  /** The 容缺 rule's numbers for this case: its office settings over DEFAULT_DEFICIENCY_RULE. */
  get deficiencyRule(): { deadlineWd: number; extensions: number } {
    return { ...DEFAULT_DEFICIENCY_RULE, ...(this.input.settings?.deficiencies ?? {}) };
  }

  emit<T extends CaseEventType>(type: T, by: ActionBase | null, payload: CaseEventPayloads[T]): CaseEventOf<T> {
    return this.log.emit(type, by, payload, this.now);
  }

  /** Keys of the live instances whose step declares a behaviour. */
  keysWhere(declares: (b: StepMeta['behaviour']) => boolean): string[] {
    return [...this.metas.values()].filter((m) => declares(m.behaviour)).map((m) => m.key);
  }

  openKeys(): string[] {
    return [...this.states].filter(([, s]) => s.status === 'awaiting' || s.status === 'overdue' || s.status === 'blocked').map(([k]) => k);
  }

  /**
   * Re-derives instances from facts and runtime flags, keeping the state of every key that survives, then
   * keeps every state true to the new instances (reopenStale). `cause` names the change in the step.returned
   * event: 'amend', 'objection', a step key.
   */
  deriveInstances(cause = 'facts'): void {
    const previousMembers = this.derivedMembers;
    this.derivedMembers = this.facts.members;
    this.instances = buildInstances(this.definition, this.facts, { runtime: this.runtime, settings: this.input.settings ?? {} });
    const live = new Set(this.instances.map((i) => i.key));
    const leftWithPassport: string[] = [];
    const leftMaybeByHand: string[] = [];
    const issued = this.newPassportsIssued();
    // C06s that will not run after their member's C05 registered a new passport: withdrawn, or skipped from now on.
    const unrun: string[] = [];
    const willRun = (key: string, state: StepState) =>
      state.status !== 'done' && state.status !== 'skipped' && !this.superseded.has(key) && issued.has(this.metas.get(key)?.memberId ?? '');
    for (const [key, state] of [...this.states]) {
      const meta = this.metas.get(key)!;
      if (meta.behaviour.afterDeparture) continue;
      if (!live.has(key)) {
        if (meta.behaviour.custody === 'cancel' && willRun(key, state)) unrun.push(key);
        const member = meta.memberId;
        if (meta.behaviour.custody === 'check-out' && member !== undefined && !this.facts.members.some((m) => m.id === member)) {
          if (state.status === 'done') leftWithPassport.push(key);
          else if (this.mayHoldPassport(previousMembers, member)) leftMaybeByHand.push(key);
        }
        this.withdrawnSteps.set(key, { meta, state });
        this.states.delete(key);
        this.metas.delete(key);
        // A step that had started (a member left, a destination was dropped) leaves the read model's open work too.
        if (state.status !== 'pending') this.emit('step.withdrawn', null, { key, code: meta.code });
      }
    }
    for (const inst of this.instances) {
      this.metas.set(inst.key, metaOfInstance(inst, this.steps.get(inst.code)!));
      if (!this.states.has(inst.key)) this.states.set(inst.key, { status: 'pending', generation: 0, deadlines: [], returns: 0 });
      const state = this.states.get(inst.key)!;
      if (inst.skipped && this.metas.get(inst.key)!.behaviour.custody === 'cancel' && willRun(inst.key, state)) unrun.push(inst.key);
      // A condition that turned false (e.g. a route changed to visa-free) skips a step not yet done.
      if (
        inst.skipped &&
        state.status !== 'done' &&
        state.status !== 'skipped' &&
        state.status !== 'pending' &&
        state.status !== 'returned'
      ) {
        this.clear(state);
        state.status = 'pending';
      }
    }
    if (this.deps.reopenOnChange?.() ?? true) this.reopenStale(cause);
    this.passportsDueOnLeaving(leftWithPassport, leftMaybeByHand, previousMembers);
    this.passportsSupersededOnChange(unrun, issued, previousMembers);
  }

  /** The new passport each member's done C05 (custody 'register') recorded, by member id (the live steps'). */
  private newPassportsIssued(): Map<string, NewPassport> {
    const issued = new Map<string, NewPassport>();
    for (const [key, state] of this.states) {
      const meta = this.metas.get(key);
      if (meta?.behaviour.custody !== 'register' || meta.memberId === undefined || state.status !== 'done') continue;
      const { number, issuedOn, expiresOn } = state.data ?? {};
      if (typeof number === 'string' && typeof issuedOn === 'string' && typeof expiresOn === 'string')
        issued.set(meta.memberId, { number, issuedOn, expiresOn });
    }
    return issued;
  }

  /**
   * A member's C06 (`keys`) that will not run after their C05 registered a new passport (`issued`): the member dropped
   * by an amendment, or re-picked so the new-passport steps are skipped (the snapshot now has the new one). The passport
   * it was to cancel (the member's before the change, `previousMembers`) is superseded, as when the case closes there
   * (passportsSupersededOnClose; eighth trial: a member dropped between C05 and C06 kept the old passport valid beside
   * the new). Asks `deps.custodySupersedeOnChange` only when there is such a step, so earlier histories replay as they ran.
   */
  private passportsSupersededOnChange(
    keys: readonly string[],
    issued: ReadonlyMap<string, NewPassport>,
    previousMembers: CaseFacts['members'],
  ): void {
    if (keys.length === 0 || !(this.deps.custody?.() ?? true) || !(this.deps.custodySupersedeOnChange?.() ?? true)) return;
    for (const key of keys) {
      const memberId = (this.metas.get(key) ?? this.withdrawnSteps.get(key)?.meta)?.memberId;
      const newPassport = memberId === undefined ? undefined : issued.get(memberId);
      if (memberId === undefined || !newPassport) continue;
      const before = previousMembers.find((m) => m.id === memberId);
      this.superseded.add(key);
      this.custodyWork.push({
        key,
        action: 'supersede',
        memberId,
        newPassport,
        memberLeft: true,
        ...(before?.personId ? { personId: before.personId } : {}),
        ...(before?.passport?.number ? { passportNumber: before.passport.number } : {}),
      });
    }
  }

  /**
   * A member who leaves a case that goes on (a refused visa, an amendment dropping them) with their passport out for
   * it (C07 done) leaves the trip it was lent for, as a closing case does (passportsDueOnClose): due back the check-in
   * step's days after today, not after the trip's return (second trial). `done`: their withdrawn check-out steps done;
   * `notDone`: those not done, for a passport checked out by hand (`deps.custodyByLedger`, asked only when there is
   * one). Asks `deps.custodyOnWithdrawal` (patched('custody-on-withdrawal')) only when there is one, so earlier
   * histories replay as they ran.
   */
  private passportsDueOnLeaving(done: readonly string[], notDone: readonly string[], previousMembers: CaseFacts['members']): void {
    if ((done.length === 0 && notDone.length === 0) || !(this.deps.custody?.() ?? true)) return;
    const days = this.checkInDueDays();
    if (days === undefined) return;
    const keys = notDone.length > 0 && (this.deps.custodyByLedger?.() ?? true) ? [...done, ...notDone] : done;
    if (keys.length === 0 || !(this.deps.custodyOnWithdrawal?.() ?? true)) return;
    this.passportsDueBack(
      days,
      keys.map((key) => {
        const memberId = this.withdrawnSteps.get(key)!.meta.memberId!;
        const member = previousMembers.find((m) => m.id === memberId);
        return {
          key,
          memberId,
          memberLeft: true,
          ...(member?.personId ? { personId: member.personId } : {}),
          ...(member?.passport?.number ? { passportNumber: member.passport.number } : {}),
        };
      }),
    );
  }

  /**
   * Due-back work for passports out for a trip they no longer serve (passportsDueOnLeaving, passportsDueOnClose): each
   * due the check-in step's `days` after today (Asia/Shanghai), whatever the trip's return.
   */
  private passportsDueBack(days: number, passports: ReadonlyArray<Omit<CustodyWork, 'action' | 'dueBackOn'>>): void {
    const dueBackOn = addDays(shanghaiDate(this.now), days);
    for (const p of passports) this.custodyWork.push({ ...p, action: 'due-back', dueBackOn });
  }

  /**
   * The invariant behind joins and skips (issue 11 items 1-2, docs/domain.md "Joins and skips"): a step
   * that has started, finished or been skipped rests on needs that are all complete, and is skipped only
   * while its condition is false. After a fact change, a skipped instance whose condition turned true, and
   * every started or finished instance with a need that is no longer complete (a new member's reviews, a
   * new country's steps, an unskipped step), go back to be done again, with their dependents, until that
   * holds. A step rerun by rerunOnAmend (in `rechecks`) still stands for the work done after it while its
   * own needs are complete: a re-check does not undo that work, but it holds anything not yet started. A member's
   * step done stands when the needs no longer complete are all joint (the delegation's or a country's: the approval
   * document B08 issued again, a country's embassy submission D09 made again for a member added), its member's own
   * work unchanged (`deps.memberWorkStands`); what has not started after it waits for the joint work (openAfterUpstream).
   */
  reopenStale(cause: string): void {
    const statuses = new Map([...this.states].map(([key, state]) => [key, state.status as string]));
    let memberWorkStands: boolean | undefined;
    const { reopened, targets } = staleReopened(
      this.instances,
      statuses,
      new Set(this.rechecks),
      () => (memberWorkStands ??= this.deps.memberWorkStands?.() ?? true),
    );
    for (const key of reopened) {
      const state = this.states.get(key)!;
      state.generation++;
      this.clear(state);
      state.status = 'returned';
      this.rechecks.delete(key);
    }
    if (reopened.length > 0) this.emit('step.returned', null, { by: cause, targets, keys: reopened });
  }

  /**
   * The engine's step states in the instance graph's terms (libs/domain instances.ts): a returned step waits
   * to be opened again (pending), an overdue one is still awaiting its decision.
   */
  private instanceStates(): Record<string, InstanceState> {
    return instanceStatesOf(this.instances, (key) => this.states.get(key)!.status);
  }

  /** Opens every instance whose needs are complete, records pass-through skips; repeats until stable. */
  advance(): void {
    if (this.closed) return;
    for (let round = 0; round < 10_000; round++) {
      const next = nextActions(this.instances, this.instanceStates());
      // A step whose needs are done but a step they rest on was sent back (an amendment, a return) waits for it
      // (CaseDeps.openAfterUpstream: asked only when such a step would open).
      const withheld = next.unsettled.length > 0 && (this.deps.openAfterUpstream?.() ?? true) ? new Set(next.unsettled) : undefined;
      const ready = withheld ? next.ready.filter((k) => !withheld.has(k)) : next.ready;
      const skipNow = withheld ? next.skipNow.filter((k) => !withheld.has(k)) : next.skipNow;
      const postReady = this.readyPostTrip();
      if (ready.length === 0 && skipNow.length === 0 && postReady.length === 0) return;
      for (const key of skipNow) {
        const state = this.states.get(key)!;
        state.status = 'skipped';
        const meta = this.metas.get(key)!;
        this.emit('step.skipped', null, this.metaPayload(meta));
      }
      for (const key of [...ready, ...postReady]) this.open(key);
    }
  }

  /**
   * Whether a live attachment serves `stepKey`'s required documents. A file for the whole case serves a step the case has
   * one instance of; a step with an instance per country or member (A03 of a two-country trip) takes its own instance's
   * files (another inviter, another letter: a case-wide letter stood for every country's). And none added before an
   * amendment made the step's documents stale (StepState.documentsSince).
   */
  documentsServe(stepKey: string): (a: { id: string; stepKey: string | null; sha256?: string }) => boolean {
    const since = this.states.get(stepKey)?.documentsSince;
    const caseFiles = this.takesCaseFiles(stepKey);
    // Added after the change, and its content too: the stale document's bytes uploaded again are the stale document.
    const fresh = (a: { id: string; sha256?: string }) =>
      (this.attachmentSeqs.get(a.id) ?? -1) > since! &&
      (a.sha256 === undefined || (this.contentSeqs.get(a.sha256) ?? this.attachmentSeqs.get(a.id) ?? -1) > since!);
    return (a) => (a.stepKey !== null || caseFiles) && (since === undefined || fresh(a));
  }

  /** Whether a file for the whole case serves `stepKey`: the case has one instance of its step (documentsServe). */
  takesCaseFiles(stepKey: string): boolean {
    const code = this.metas.get(stepKey)?.code;
    let instances = 0;
    // A country or member the trip no longer has leaves a withdrawn instance: not one of the trip's.
    for (const m of this.metas.values()) if (m.code === code && this.states.get(m.key)?.status !== 'withdrawn') instances++;
    return instances <= 1;
  }

  open(key: string): void {
    const meta = this.metas.get(key)!;
    const state = this.states.get(key)!;
    this.clear(state);
    state.startedAt = this.now;
    state.startedSeq = this.log.seq;
    const block = deficiencyBlock(this, meta.code);
    state.status = block ? 'blocked' : 'awaiting';
    if (block) {
      state.blockedReason = block;
      state.deficiencyBlocked = true;
    }
    if (meta.kind === 'timer') {
      state.dueAt = this.calendar.addWorkingDays(this.now, meta.durationWd, 'end');
      state.deadlines = [{ at: state.dueAt, kind: 'timer', fired: false }];
    } else if (meta.kind !== 'system') {
      state.dueAt = this.dueOf(meta);
      state.deadlines = [{ at: state.dueAt, kind: 'overdue', fired: false }];
      const after = meta.behaviour.afterDeparture?.escalateAfterDays;
      if (after) state.deadlines.push({ at: state.dueAt + after * DAY_MS, kind: 'unit-flagged', fired: false });
    }
    this.emit('step.awaiting', null, {
      ...this.metaPayload(meta),
      startedAt: toIso(this.now),
      dueAt: state.dueAt !== undefined ? toIso(state.dueAt) : null,
    });
    if (block) this.emit('step.blocked', null, { key, code: meta.code, reason: block });
  }

  /**
   * When an open step is due (epoch ms): its duration in working days from now (at least MIN_DUE_WD); a post-trip
   * step by its rule from the day of return. A step that certifies the departure cannot be done before the departure
   * day (checkCertifiedDate), so it is due no earlier than that day's end (Asia/Shanghai): else E07 "departure
   * confirmed" (0 WD) showed overdue for as long as it was refused (new-user trial, 2026-12-01).
   */
  dueOf(meta: StepMeta): number {
    const rule = meta.behaviour.afterDeparture?.due;
    if (!rule) {
      const due = this.calendar.addWorkingDays(this.now, Math.max(meta.durationWd, MIN_DUE_WD), 'end');
      const waitsForDeparture =
        meta.behaviour.certifies?.event === 'departure' && this.deps.realWorldDates !== false && this.deps.certifiedStepDue !== false;
      return waitsForDeparture ? Math.max(due, shanghaiDayStart(this.facts.departureDate) + DAY_MS) : due;
    }
    const startOfReturnDay = shanghaiDayStart(this.returnedOn ?? this.facts.returnDate);
    if ('calendarDays' in rule) return startOfReturnDay + (rule.calendarDays + 1) * DAY_MS;
    return this.calendar.addWorkingDays(startOfReturnDay + DAY_MS, rule.workingDays, 'end');
  }

  metaPayload(meta: StepMeta): CaseEventPayloads['step.skipped'] {
    return {
      key: meta.key,
      code: meta.code,
      name: meta.name,
      phase: meta.phase,
      kind: meta.kind,
      actorRole: responsibleRole(meta),
      memberId: meta.memberId ?? null,
      country: meta.country ?? null,
    };
  }

  clear(state: StepState): void {
    state.startedAt = undefined;
    state.startedSeq = undefined;
    state.doneAt = undefined;
    state.dueAt = undefined;
    state.deadlines = [];
    state.blockedReason = undefined;
    state.deficiencyBlocked = undefined;
    state.systemRunning = false;
    state.decision = undefined;
    if (state.data !== undefined) state.lastData = state.data;
    state.data = undefined;
  }

  reset(keys: string[]): void {
    for (const key of keys) {
      const state = this.states.get(key);
      if (!state || state.status === 'pending' || state.status === 'skipped') continue;
      state.generation++;
      this.clear(state);
      state.status = 'returned';
      this.rechecks.delete(key);
    }
  }

  /**
   * The people's steps (tasks, approvals) resting (transitively, by their instances' needs) on the person's steps among
   * `rerun` that are open and not acted on go back to wait for them (status returned: advance opens them once every
   * step they rest on is done again); done ones stand, as a re-check does not undo work done after it. Returns the
   * keys held.
   */
  holdOpenDependents(rerun: readonly string[]): string[] {
    const roots = rerun.filter((k) => this.metas.get(k)?.kind !== 'system');
    if (roots.length === 0) return [];
    const dependents = new Map<string, string[]>();
    for (const inst of this.instances) for (const n of inst.needs) dependents.set(n, [...(dependents.get(n) ?? []), inst.key]);
    const seen = new Set(roots);
    const queue = [...roots];
    const held: string[] = [];
    while (queue.length > 0) {
      for (const next of dependents.get(queue.shift()!) ?? []) {
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
        // A person's task or approval not acted on waits; work under way outside (an external outcome: the embassy,
        // the issuing authority) or a timer running is not taken back.
        const st = this.states.get(next)?.status;
        const kind = this.metas.get(next)?.kind;
        if ((kind === 'task' || kind === 'approval') && (st === 'awaiting' || st === 'overdue' || st === 'blocked')) held.push(next);
      }
    }
    if (held.length === 0 || !(this.deps.holdAfterRecheck?.() ?? true)) return [];
    for (const key of held) {
      const state = this.states.get(key)!;
      state.generation++;
      this.clear(state);
      state.status = 'returned';
      this.rechecks.delete(key);
    }
    return held;
  }

  finish(key: string, by: ActionBase | null): void {
    const state = this.states.get(key)!;
    const meta = this.metas.get(key)!;
    this.rechecks.delete(key);
    const custody = meta.behaviour.custody;
    if (custody === 'register') this.registerNewPassport(key, meta.memberId, by);
    else if (custody && meta.memberId && (this.deps.custody?.() ?? true))
      this.custodyWork.push(this.custodyOf(key, custody, meta.memberId));
    state.status = 'done';
    state.doneAt = this.now;
    state.lastReturn = undefined;
    state.rerunBy = undefined;
    state.blockedReason = undefined;
    state.deficiencyBlocked = undefined;
    state.systemRunning = false;
    if (by) {
      state.actedBy = by.actor.id;
      state.actedByRole = by.actor.role;
      state.onBehalfOf = onBehalfId(by.onBehalfOf);
      state.comment = by.comment;
      if ('decision' in by) state.decision = (by as DecideStepRequest).decision;
    }
  }

  /** The entry route decided by the step `cause` (a key): the route's steps re-derive. */
  setRoute(memberId: string, country: string, route: EntryRoute, cause: string): void {
    const current = this.facts.members.find((m) => m.id === memberId);
    if (!current || entryRoute(current, country, this.facts) === route) return;
    this.facts = {
      ...this.facts,
      members: this.facts.members.map((m) => (m.id === memberId ? { ...m, routes: { ...(m.routes ?? {}), [country]: route } } : m)),
    };
    this.deriveInstances(cause);
  }

  visaRefused(country: string, memberIds: string[], by: ActionBase): void {
    const head = this.facts.members[0]?.id;
    if (head && memberIds.includes(head)) {
      this.close('failed', `团长（${country}）签证被拒 / visa refused for the head of delegation (${country})`, by);
      return;
    }
    this.withdrawMembers(memberIds, `visa-refused:${country}`, 'visa-refused', by);
  }

  /**
   * Members leave the case for `reason` (a refused visa, a pre-clearance refused everywhere): off the facts, each one
   * recorded (`member.withdrawn`, with the members left), then the instances derived again (`cause`) so their own steps
   * are withdrawn.
   */
  private withdrawMembers(memberIds: readonly string[], reason: string, cause: string, by: ActionBase): void {
    this.facts = { ...this.facts, members: this.facts.members.filter((m) => !memberIds.includes(m.id)) };
    for (const id of memberIds) {
      this.withdrawnMembers.push({ memberId: id, reason });
      this.emit('member.withdrawn', by, { memberId: id, reason, memberCount: this.facts.members.length });
    }
    this.deriveInstances(cause);
  }

  /**
   * A per-country outcome step declaring `mayFail: 'member-everywhere'` refused someone (`code`): each member whom every
   * country's instance of it refused (all done, outcomeRefuses) leaves the case, their own steps withdrawn (the card's
   * pre-clearance: a card no economy cleared is not issued, K06/K07 are not offered for them); when that is every
   * member, the case fails. Only a definition declaring it gets here, so no history recorded before changes.
   */
  refusedEverywhere(code: string, by: ActionBase): void {
    const instances = [...this.metas.values()].filter((m) => m.code === code && m.country !== undefined);
    if (instances.length === 0) return;
    const refusedEverywhere = (memberId: string) =>
      instances.every((m) => {
        const state = this.states.get(m.key);
        return state?.status === 'done' && outcomeRefuses(state.data, memberId);
      });
    const out = this.facts.members.filter((m) => refusedEverywhere(m.id)).map((m) => m.id);
    if (out.length === 0) return;
    if (out.length === this.facts.members.length) {
      this.close('failed', `${code}：所有成员均被全部国家或经济体拒绝 / ${code} refused every member everywhere`, by);
      return;
    }
    this.withdrawMembers(out, `refused-everywhere:${code}`, 'refused-everywhere', by);
  }

  depart(by: ActionBase): void {
    this.status = 'departed';
    this.tripsToRecord = true;
    this.emit('case.departed', by, {
      departedAt: toIso(this.now),
      members: this.facts.members.map((m) => m.id),
      // The members' trips join the frequency history (member_trips) from this event.
      departureDate: this.facts.departureDate,
      returnDate: this.facts.returnDate,
      trips: this.facts.members.map((m) => ({ memberId: m.id, personKey: personKey(this.facts, m) })),
    });
    // The steps after departure, from the definition; their needs are among themselves (validateDefinition).
    const part = buildInstances(this.definition, this.facts, {
      part: 'after-departure',
      runtime: this.runtime,
      settings: this.input.settings ?? {},
    });
    for (const inst of part) {
      const meta: StepMeta = { ...metaOfInstance(inst, this.steps.get(inst.code)!), durationWd: 0 };
      this.postTrip.push(meta);
      this.metas.set(inst.key, meta);
      this.states.set(inst.key, { status: 'pending', generation: 0, deadlines: [], returns: 0 });
    }
  }

  readyPostTrip(): string[] {
    if (this.status !== 'departed') return [];
    const done = (key: string) => this.states.get(key)?.status === 'done';
    const ready = this.postTrip.filter((m) => this.states.get(m.key)!.status === 'pending' && m.needs.every(done)).map((m) => m.key);
    if (ready.length === 0 && this.postTrip.length > 0 && this.postTrip.every((m) => this.states.get(m.key)!.status === 'done')) {
      this.close('completed', '回国后事项均已办结 / post-trip obligations fulfilled', null);
    }
    return ready;
  }

  /**
   * The new passport a member's step records (custody 'register', C05) goes into the ledger. The patches are asked only
   * when the completion carries one, so a history without such work replays as it ran; a completion without the data
   * (a step not requiring it) registers nothing.
   */
  private registerNewPassport(key: string, memberId: string | undefined, by: ActionBase | null): void {
    const data = by && 'data' in by ? (by as CompleteStepRequest).data : undefined;
    const { number, issuedOn, expiresOn } = data ?? {};
    if (!memberId || typeof number !== 'string' || typeof issuedOn !== 'string' || typeof expiresOn !== 'string') return;
    if (!(this.deps.custody?.() ?? true) || !(this.deps.custodyRegister?.() ?? true)) return;
    this.custodyWork.push({ key, action: 'register', memberId, newPassport: { number, issuedOn, expiresOn } });
  }

  /** What the annual plan check (system 'annual-plan', A01) recorded (`planOutcome`), or undefined while it is not done. */
  annualPlanOutcome(): string | undefined {
    for (const meta of this.metas.values()) {
      if (meta.behaviour.system !== 'annual-plan') continue;
      const state = this.states.get(meta.key);
      if (state?.status === 'done' && typeof state.data?.planOutcome === 'string') return state.data.planOutcome;
    }
    return undefined;
  }

  /** Calendar days a passport out for the case is due back in: the check-in step's declared due rule (P02: 7). */
  private checkInDueDays(): number | undefined {
    return checkInDueDays(this.definition) ?? undefined;
  }

  /** The ledger move of a finished step; a check-out is due back by the rule the check-in step declares. */
  private custodyOf(key: string, action: CustodyWork['action'], memberId: string): CustodyWork {
    if (action !== 'check-out') return { key, action, memberId };
    const days = this.checkInDueDays();
    return days !== undefined ? { key, action, memberId, dueBackOn: addDays(this.facts.returnDate, days) } : { key, action, memberId };
  }

  close(status: CaseStatus, reason: string, by: ActionBase | null): void {
    this.status = status;
    this.closedReason = reason;
    this.emit('case.closed', by, { status, reason });
    this.passportsDueOnClose();
    this.passportsSupersededOnClose();
  }

  /**
   * The passports a new one superseded when the case closes between a member's C05 (custody 'register', done) and
   * their C06 (custody 'cancel', not done nor skipped): each is cancelled by the worker once the ledger holds the new one
   * (seventh trial: a case withdrawn after C05 left the old passport valid beside the new, and nothing asked for its
   * cancellation). Asks `deps.custodySupersede` only when there is such a member, so earlier histories replay as they ran.
   */
  private passportsSupersededOnClose(): void {
    if (!(this.deps.custody?.() ?? true)) return;
    const work: CustodyWork[] = [];
    for (const [key, state] of this.states) {
      const meta = this.metas.get(key);
      if (
        meta?.behaviour.custody !== 'cancel' ||
        meta.memberId === undefined ||
        state.status === 'done' ||
        state.status === 'skipped' ||
        this.superseded.has(key)
      )
        continue;
      const issued = [...this.states.entries()].find(([k, s]) => {
        const m = this.metas.get(k);
        return m?.behaviour.custody === 'register' && m.memberId === meta.memberId && s.status === 'done';
      })?.[1].data;
      const { number, issuedOn, expiresOn } = issued ?? {};
      if (typeof number !== 'string' || typeof issuedOn !== 'string' || typeof expiresOn !== 'string') continue;
      work.push({ key, action: 'supersede', memberId: meta.memberId, newPassport: { number, issuedOn, expiresOn } });
    }
    if (work.length === 0 || !(this.deps.custodySupersede?.() ?? true)) return;
    this.custodyWork.push(...work);
  }

  /**
   * The return date amended with passports out for the case (C07 done, P02 not: second trial, the trip moved a month
   * later and the passport read overdue before its departure, and 30 days on its unit would have been suspended): each
   * is due back the check-in step's days after the new return. Asks `deps.custodyOnRedate` (patched('custody-on-redate'))
   * only when some passport is out, so earlier histories replay as they ran.
   */
  passportsRedated(): void {
    if (!(this.deps.custody?.() ?? true)) return;
    const days = this.checkInDueDays();
    if (days === undefined) return;
    const pending = this.passportsMaybeOut();
    if (pending.length === 0 || !(this.deps.custodyOnRedate?.() ?? true)) return;
    const dueBackOn = addDays(this.facts.returnDate, days);
    for (const key of pending)
      this.custodyWork.push({ key, memberId: this.metas.get(key)!.memberId!, action: 'due-back', dueBackOn, redated: true });
  }

  /**
   * The check-out steps (C07) whose member's check-in (P02) is not done: those done (the passports the engine moved
   * out), then, with `deps.custodyByLedger` (asked only when there are any), those not done of members with a passport
   * the ledger may hold out for the case by hand (a roster person or a passport number; fourth trial: a passport
   * checked out by hand kept its due-back day when its case closed or its dates changed). The activity finds whichever
   * passport is out for the case, or moves nothing.
   */
  private passportsMaybeOut(): string[] {
    const back = new Set(
      [...this.states.entries()]
        .filter(([key, s]) => this.metas.get(key)?.behaviour.custody === 'check-in' && s.status === 'done')
        .map(([key]) => this.metas.get(key)!.memberId),
    );
    const checkOuts = [...this.states.entries()].filter(([key]) => {
      const meta = this.metas.get(key);
      return meta?.behaviour.custody === 'check-out' && meta.memberId !== undefined && !back.has(meta.memberId);
    });
    const out = checkOuts.filter(([, s]) => s.status === 'done').map(([key]) => key);
    const byHand = checkOuts
      .filter(([key, s]) => s.status !== 'done' && this.mayHoldPassport(this.facts.members, this.metas.get(key)!.memberId!))
      .map(([key]) => key);
    return byHand.length > 0 && (this.deps.custodyByLedger?.() ?? true) ? [...out, ...byHand] : out;
  }

  /** Whether the ledger can know the member's passport: a roster person or a passport number. */
  private mayHoldPassport(members: CaseFacts['members'], memberId: string): boolean {
    const member = members.find((m) => m.id === memberId);
    return !!(member?.personId || member?.passport?.number);
  }

  /**
   * A case that closes with passports out for it (checked out at C07, not back at P02: withdrawn or cancelled before the
   * trip, a visa refused; fifth trial) leaves the trip it was lent for: each is due back the check-in step's days after
   * the close, not after a return that will not come. Asks `deps.custodyOnClose` (patched('custody-on-close')) only
   * when some passport is out, so a history closed before it replays as it ran.
   */
  private passportsDueOnClose(): void {
    if (!(this.deps.custody?.() ?? true)) return;
    const days = this.checkInDueDays();
    if (days === undefined) return;
    const pending = this.passportsMaybeOut();
    if (pending.length === 0 || !(this.deps.custodyOnClose?.() ?? true)) return;
    this.passportsDueBack(
      days,
      pending.map((key) => ({ key, memberId: this.metas.get(key)!.memberId! })),
    );
  }

  /**
   * Why a step an amendment withdrew no longer stands (its member left, its country left the trip, or it is no longer
   * needed); undefined when `stepKey` is not such a step. Every action naming a step says it (trial 46: an upload to a
   * dropped country's A03 read "本案没有步骤").
   */
  withdrawnReason(stepKey: string): Label | undefined {
    const withdrawn = this.withdrawnSteps.get(stepKey)?.meta;
    if (!withdrawn) return undefined;
    const { memberId, country } = withdrawn;
    return memberId !== undefined && !this.facts.members.some((m) => m.id === memberId)
      ? processOf(this.definition) === 'apec-card'
        ? { zh: `申请人 ${memberId} 已退出本申请`, en: `applicant ${memberId} left the application` }
        : { zh: `成员 ${memberId} 已退出本团组`, en: `member ${memberId} left the delegation` }
      : country !== undefined && !this.facts.destinations.some((d) => d.country === country)
        ? {
            zh: `${countryLabel(country).zh}（${country}）已不在行程中`,
            en: `${countryLabel(country).en} (${country}) is no longer on the trip`,
          }
        : { zh: '团组变更后不再需要', en: 'no longer needed after an amendment' };
  }

  /**
   * The step a complete/decide names, whatever its state: UNKNOWN_STEP when the case has none; one withdrawn (its member
   * left, its country dropped) is STEP_NOT_AWAITING saying which (trial: a dropped country's step read "withdrawn with
   * its member").
   */
  existingStep(stepKey: unknown): { meta: StepMeta; state: StepState; key: string } {
    if (typeof stepKey !== 'string') return refuseField('stepKey', 'required', '缺少步骤', 'is required');
    const meta = this.metas.get(stepKey);
    const state = this.states.get(stepKey);
    if (!meta || !state) {
      const why = this.withdrawnReason(stepKey);
      if (why) return reject('STEP_NOT_AWAITING', `步骤 ${stepKey} 已撤销：${why.zh}`, `Step ${stepKey} was withdrawn: ${why.en}`, stepKey);
      return reject('UNKNOWN_STEP', `本案没有步骤 ${stepKey}`, `This case has no step ${stepKey}`, stepKey);
    }
    return { meta, state, key: stepKey };
  }

  awaitingStep(
    action: 'complete' | 'decide',
    rawKey: unknown,
    actor: ActionBase['actor'],
    onBehalfOf?: ActionBase['onBehalfOf'],
  ): { meta: StepMeta; state: StepState } {
    const { meta, state, key } = this.existingStep(rawKey);
    if (state.status === 'blocked') {
      const why = state.blockedReason ?? { zh: '已受阻', en: 'blocked' };
      return reject('STEP_NOT_AWAITING', `步骤 ${key} 受阻：${why.zh}`, `Step ${key} is blocked: ${why.en}`, key);
    }
    if (state.status !== 'awaiting' && state.status !== 'overdue') {
      return reject(
        'STEP_NOT_AWAITING',
        `步骤 ${key} 当前状态为${STEP_STATUS_LABELS[state.status].zh}，不在待办理状态`,
        `Step ${key} is ${STEP_STATUS_LABELS[state.status].en.toLowerCase()}, not awaiting an action`,
        key,
      );
    }
    authorize(action, actor, this, { step: meta, stepKey: key, onBehalfOf });
    return { meta, state };
  }
}

/**
 * The engine's step states in the instance graph's terms (libs/domain instances.ts): a returned step waits to be opened
 * again (pending), an overdue one is still awaiting its decision. `statusOf`: each instance's engine status.
 */
function instanceStatesOf(instances: readonly StepInstance[], statusOf: (key: string) => string): Record<string, InstanceState> {
  const states: Record<string, InstanceState> = {};
  for (const inst of instances) {
    const st = statusOf(inst.key);
    states[inst.key] = { status: st === 'returned' ? 'pending' : st === 'overdue' ? 'awaiting' : (st as InstanceState['status']) };
  }
  return states;
}

/** completeKeys, with a step under re-check (`rechecks`) counted as done while its own needs are complete (to a fixpoint). */
function completeWithRechecksOf(
  instances: StepInstance[],
  states: Record<string, InstanceState>,
  rechecks: ReadonlySet<string>,
): Set<string> {
  const byKey = new Map(instances.map((i) => [i.key, i]));
  for (;;) {
    const complete = completeKeys(instances, states);
    const promoted = [...rechecks].filter((k) => !complete.has(k) && byKey.get(k)?.needs.every((n) => complete.has(n)) === true);
    if (promoted.length === 0) return complete;
    for (const k of promoted) states[k] = { status: 'done' };
  }
}

/**
 * The steps not complete that keep `missing` from being complete: each itself, or for a skipped one (complete only
 * once its own needs are: C05 skipped for a member keeping their passport rests on C04, skipped, on B08) those
 * behind its own needs (fourth trial: C07 of a member whose C02-C06 were skipped went back with B08 for a member
 * added, though their own work was unchanged).
 */
function behindOf(
  missing: readonly string[],
  complete: ReadonlySet<string>,
  byKey: ReadonlyMap<string, StepInstance>,
  statusOf: (key: string) => string | undefined,
): string[] {
  const out = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    const inst = byKey.get(key);
    if (inst && (inst.skipped || statusOf(key) === 'skipped')) inst.needs.filter((n) => !complete.has(n)).forEach(visit);
    else out.add(key);
  };
  missing.forEach(visit);
  return [...out];
}

/**
 * What CaseCore.reopenStale reopens on `instances` (its invariant: a started, finished or skipped step rests on needs
 * all complete), as the one computation the engine applies and an amendment's preview asks: the skipped instances
 * whose condition turned true, then round by round the started or finished ones with a need not complete (the first
 * round's are the `targets` the change reached directly). `statuses` (engine statuses by key) and `rechecks` are
 * copies, updated as steps reopen (`returned`). `memberWorkStands`: whether a member's done step stands when only joint
 * needs are missing (deps.memberWorkStands), asked only when that decides.
 */
export function staleReopened(
  instances: StepInstance[],
  statuses: Map<string, string>,
  rechecks: Set<string>,
  memberWorkStands: () => boolean,
): { reopened: string[]; targets: string[] } {
  const reopened: string[] = [];
  const reopen = (key: string) => {
    statuses.set(key, 'returned');
    rechecks.delete(key);
    reopened.push(key);
  };
  for (const inst of instances) if (!inst.skipped && statuses.get(inst.key) === 'skipped') reopen(inst.key);
  const targets = [...reopened];
  const byKey = new Map(instances.map((i) => [i.key, i]));
  const statusOf = (key: string) => statuses.get(key);
  for (let round = 0; ; round++) {
    const complete = completeWithRechecksOf(
      instances,
      instanceStatesOf(instances, (key) => statuses.get(key)!),
      rechecks,
    );
    const stale = instances.filter((inst) => {
      const st = statuses.get(inst.key)!;
      if (st === 'pending' || st === 'returned') return false;
      const missing = inst.needs.filter((n) => !complete.has(n));
      if (missing.length === 0) return false;
      // A member's step skipped (its condition false) stays skipped the same way: it passes through again unchanged.
      const joint =
        (st === 'done' || st === 'skipped') &&
        inst.memberId !== undefined &&
        behindOf(missing, complete, byKey, statusOf).every((n) => byKey.get(n)?.memberId === undefined);
      return !(joint && memberWorkStands());
    });
    if (stale.length === 0) break;
    // The first round holds the steps the change reached directly; later rounds are their dependents.
    if (round === 0) targets.push(...stale.map((i) => i.key));
    stale.forEach((inst) => reopen(inst.key));
  }
  return { reopened, targets };
}
