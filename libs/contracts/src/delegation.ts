import { defineQuery, defineSignal, defineUpdate, type SignalDefinition } from '@temporalio/workflow';
import { delegationWorkflowId } from './temporal';
import type { DecisionKind, DeficiencyStatus, StepStatus } from './labels';
import type {
  AttachmentKind,
  CaseFacts,
  CasePhase,
  Label,
  CaseStatus,
  EntryRoute,
  OfficeSettings,
  Plan,
  ProcessDefinition,
  Role,
  RuleViolation,
  YearSchedule,
} from '@df/domain';
import { waitingStepOf } from '@df/domain';

/**
 * The contract of the `delegation` workflow: what the API (and the Temporal CLI) send and read.
 * Everything is plain JSON.
 */
export const DELEGATION_WORKFLOW_TYPE = 'delegation';

/** Who acts: the signed-in user, and for 帮代办 the person on whose behalf an FAO officer acts. */
export interface Actor {
  id: string;
  role: Role;
  unit: string;
  name?: string;
}

export interface DelegationInput {
  caseId: string;
  facts: CaseFacts;
  /** Pinned at start: a running case never changes definition or office settings under its feet. */
  definition: ProcessDefinition;
  settings?: OfficeSettings;
  /** Time scale pinned at start: one working day lasts this many seconds. Unset: real time. */
  workingDaySeconds?: number;
  submittedBy: Actor;
  /** ISO instant of the submission (the API's clock). */
  submittedAt: string;
  /** Holiday schedules the office had loaded at submission (issue 14 item 5); the package data and provisional years otherwise. */
  schedules?: YearSchedule[];
}

/**
 * 帮代办: the user on whose behalf an officer acts, as the API resolved it from the users table. `role` null: no
 * enabled user (nor member of the case) has that name; the workflow refuses it as a user without the role.
 */
export interface OnBehalfOfUser {
  id: string;
  role: Role | null;
  unit: string;
  name?: string;
}

/** Fields every action carries. requestId makes retries idempotent: the same id returns the first result. */
export interface ActionBase {
  requestId: string;
  actor: Actor;
  /**
   * 帮代办: acting for this person, checked against the access table (libs/domain/src/access.ts): a user the API
   * resolved ({id, role, unit}), or a member id of this delegation (a member's step). The record keeps both.
   */
  onBehalfOf?: string | OnBehalfOfUser;
  comment?: string;
}

/** What a step action names of the case as the person saw it (SEEN_SEQ_RULE). */
export interface SeenCase {
  /**
   * The case's event sequence (the progress answer's `lastSeq`) the person acted on: a step opened again after it (a
   * step it rests on done again, a return) is refused, 409 STEP_NOT_AWAITING, so no one approves what they did not see
   * (trial 48: finance approved a budget of 1,000,000 元 in a dialog showing 2,003). Optional: without it, no check.
   */
  seenSeq?: number;
}

export interface CompleteStepRequest extends ActionBase, SeenCase {
  stepKey: string;
  /** Task output, e.g. { route: 'visa' } at D01, { outcome: 'refused', members: ['m2'] } at D12. */
  data?: Record<string, unknown>;
}

export { DECISION_KINDS, DECISION_KIND_LABELS, type DecisionKind } from './labels';

export interface MissingDocument {
  /** Short id, unique within the case, e.g. 'invitation-translation'. */
  id: string;
  name: string;
  /** Step code that cannot proceed once the deadline is missed (default B05). */
  neededBy?: string;
}

export interface DecideStepRequest extends ActionBase, SeenCase {
  stepKey: string;
  decision: DecisionKind;
  /** For 'return': the upstream instance key (or step code) to run again. */
  returnTo?: string;
  /** For 'accept-with-deficiencies' (B02 only). */
  missingDocuments?: MissingDocument[];
}

export interface AmendRequest extends ActionBase {
  changes: Partial<Pick<CaseFacts, 'departureDate' | 'returnDate' | 'destinations' | 'members'>>;
}

export interface CloseRequest extends ActionBase {
  reason: string;
}

export interface ObjectionRequest extends ActionBase {
  objection: string;
}

export interface SupplyDocumentRequest extends ActionBase {
  documentId: string;
  /**
   * The supplied document: the id of a live attachment of the case. The Update validator refuses it absent or naming
   * another; optional in the type because histories recorded before that rule hold supplies without one.
   */
  fileRef?: string;
}

/**
 * An attachment the API stored (file and checksum verified) for this case, brought into the case state so the
 * engine can require a step's documents (StepBehaviour.requiresAttachments) and the timeline records the upload.
 * The file itself never enters the workflow: only its metadata (docs/attachments.md).
 */
// A type alias (not an interface): it is also an event payload, which must be assignable to a record.
export type AttachmentMetadata = {
  /** The attachment id (UUID), also the last part of its storage key. */
  id: string;
  kind: AttachmentKind;
  /** The step instance key it is for (e.g. A03:US), or null for the case as a whole. */
  stepKey: string | null;
  fileName: string;
  /** Sniffed from the content (ATTACHMENT_MIME_TYPES). */
  mimeType: string;
  /** Bytes. */
  size: number;
  /** Lower-case hex SHA-256 of the content. */
  sha256: string;
  storageKey: string;
};

export interface AttachRequest extends ActionBase {
  attachment: AttachmentMetadata;
}

export interface DetachRequest extends ActionBase {
  attachmentId: string;
}

/** 容缺: the FAO clerk extends a missing document's deadline (at most settings.deficiencies.extensions times, default once). */
export interface ExtendDeficiencyRequest extends ActionBase {
  documentId: string;
  /** Why the office grants more time (on record in the timeline). */
  reason: string;
}

export interface ActionResult {
  accepted: true;
  requestId: string;
  /** Event sequence number of the first event this action produced. */
  seq: number;
  /** Instance keys that became actionable because of this action. */
  opened: string[];
  status: CaseStatus;
}

// The case statuses live with the access table that says what may run in each (libs/domain/src/access.ts).
export { CASE_STATUSES, type CaseStatus } from '@df/domain';

import { stepStatusOfClosedCase } from './labels';
export { STEP_STATUSES, STEP_STATUS_LABELS, stepStatusOfClosedCase, type StepStatus } from './labels';

export interface StepProgress {
  key: string;
  code: string;
  name: { zh: string; en: string };
  phase: CasePhase;
  kind: 'task' | 'approval' | 'system' | 'external' | 'timer';
  actorRole: Role;
  memberId?: string;
  country?: string;
  status: StepStatus;
  /** Target duration in working days (D12: the country's embassy processing). */
  durationWd: number;
  /** Why it is blocked (rule violations, a missed deficiency deadline, ...). */
  blockedReason?: { zh: string; en: string };
  startedAt?: string;
  doneAt?: string;
  dueAt?: string;
  latestStartAt?: string;
  /**
   * A step not started yet: the plan's earliest start and finish (ISO instants), the schedule the forecast ready date
   * is the end of; the Gantt draws such a step there (trial 82: drawn at its latest start, weeks after the forecast).
   */
  earliestStartAt?: string;
  earliestFinishAt?: string;
  critical: boolean;
  /** Last action on this step. */
  actedBy?: string;
  actedByRole?: Role;
  onBehalfOf?: string;
  decision?: DecisionKind;
  comment?: string;
  data?: Record<string, unknown>;
  /**
   * A step opened again (a return, an amendment), while it is not done again: the data of its last completion, which
   * the step's dialog fills in to be corrected (trial 52: a budget returned for one item came back blank).
   */
  lastData?: Record<string, unknown>;
  /** How many times this step was sent back for revision. */
  returns: number;
  /**
   * The return that sent this step back, while it is not done again: the returning step's key, its reason (the
   * decision's comment), who returned it and when (ISO). The person redoing it reads why (forty-third trial).
   */
  returnedBy?: { stepKey: string; comment?: string; actedBy?: string; at: string };
  /**
   * The amendment that ran this step again (`cause: 'amend'`: the trip's dates, members, inviter… changed what it
   * checked), while it is not done again: who amended (the user's id) and when (ISO). The person redoing it reads why it
   * is back, with `lastData` to check (trial 75: D13 reopened after a date change said nothing).
   */
  rerunBy?: { cause: 'amend'; actedBy?: string; at: string };
  /**
   * An open approval's return targets, nearest first: the done people's steps upstream of it (returnChoices), what a
   * return may name in `returnTo`.
   */
  returnTargets?: string[];
  /** Attachment kinds the step needs before it completes and which of them are still missing (absent: none needed). */
  requiresAttachments?: AttachmentKind[];
  missingAttachments?: AttachmentKind[];
  /**
   * An approval declaring requiresPlanReason, not done, while the annual plan check found the trip outside the plan:
   * what its approval's comment must state (planReasonProblem's message; absent: nothing asked).
   */
  planReason?: Label;
  /**
   * A done approval declaring requiresPlanReason whose comment states no reason while the annual plan check, run again
   * since, finds the trip outside the plan: PLAN_REASON_MISSING (libs/domain rules.ts). Absent otherwise.
   */
  planReasonMissing?: Label;
  /**
   * A done approval declaring requiresPlanReason while the annual plan check finds the trip outside the plan: its
   * comment, which states the unit's written reason (absent otherwise), for whoever decides next.
   */
  planReasonStated?: string;
}

/**
 * A step as a closed case shows it (stepStatusOfClosedCase): one left undone is `withdrawn`, on no critical path, with no
 * latest start, blocked reason, plan reason or return (nothing is waited for); done and skipped steps as they are. The engine's
 * progress of a closed case and the API's answer for a workflow closed outside the engine both show steps through it.
 */
export function stepOfClosedCase(step: StepProgress): StepProgress {
  const status = stepStatusOfClosedCase(step.status);
  if (status === step.status) return step;
  const {
    latestStartAt: _start,
    earliestStartAt: _earliest,
    earliestFinishAt: _earliestFinish,
    blockedReason: _blocked,
    planReason: _reason,
    returnTargets: _targets,
    returnedBy: _returned,
    rerunBy: _rerun,
    lastData: _last,
    ...rest
  } = step;
  return { ...rest, status, critical: false };
}

export interface DeficiencyProgress {
  id: string;
  name: string;
  neededBy: string;
  dueAt: string;
  status: DeficiencyStatus;
  suppliedAt?: string;
  /** The attachment it was supplied as (the supply's fileRef: GET /api/delegations/{id}/attachments lists it). */
  fileRef?: string;
  /** Times the FAO clerk extended the deadline, and how many more it may (settings.deficiencies.extensions). */
  extensions?: number;
  extensionsLeft?: number;
}

export interface PlanSummary {
  criticalPath: string[];
  criticalPathCodes: string[];
  forecastReadyAt: string;
  forecastReadyDate: string;
  slackWd: number;
  atRisk: boolean;
  totalWd: number;
  remainingWd: number;
  /**
   * The step the forecast waits on (关键步骤), as the list and the board name it: the critical path's first step not
   * done (`waitingStepOf`); null when none is left, and for a closed case (it waits for nothing).
   */
  criticalStep: string | null;
  /** Part of the plan lies in a year without a published holiday schedule (see Plan.provisionalCalendar). */
  provisionalCalendar: boolean;
  /** Nothing of the preparation remains (Plan.prepared: 准备就绪); absent in an answer published before it was. */
  prepared?: boolean;
  warnings: string[];
}

/** The planner's figures that callers see (the submission's answer, the progress query); not its per-step schedule. */
export function planSummary(p: Plan): PlanSummary {
  const {
    criticalPath,
    criticalPathCodes,
    criticalStep,
    forecastReadyAt,
    forecastReadyDate,
    slackWd,
    atRisk,
    totalWd,
    remainingWd,
    provisionalCalendar,
    prepared,
    warnings,
  } = p;
  return {
    criticalPath,
    criticalPathCodes,
    forecastReadyAt,
    forecastReadyDate,
    slackWd,
    atRisk,
    totalWd,
    remainingWd,
    criticalStep,
    provisionalCalendar,
    prepared,
    warnings,
  };
}

/**
 * A progress answer published before its plan carried `criticalStep` (the case page derived it), with the field, by
 * the same rule over the answer's own step statuses: null for a closed case. An answer that has it is returned as is.
 */
export function withCriticalStep(answer: DelegationProgress): DelegationProgress {
  if (answer.plan.criticalStep !== undefined) return answer;
  const statusOf = new Map(answer.steps.map((s) => [s.key, s.status]));
  const open = answer.status === 'open' || answer.status === 'departed';
  const criticalStep = open ? waitingStepOf(answer.plan.criticalPath, (key) => statusOf.get(key)) : null;
  return { ...answer, plan: { ...answer.plan, criticalStep } };
}

export interface DelegationProgress {
  caseId: string;
  workflowId: string;
  definitionVersion: string;
  title: string;
  unit: string;
  facts: CaseFacts;
  status: CaseStatus;
  phase: CasePhase;
  /** Working-time clock of the case (scaled when the deployment has a time scale). */
  now: string;
  workingDaySeconds?: number;
  submittedAt: string;
  departureDate: string;
  daysToDeparture: number;
  plan: PlanSummary;
  steps: StepProgress[];
  deficiencies: DeficiencyProgress[];
  objections: Array<{ at: string; by: string; text: string }>;
  /** Members no longer travelling (visa refused, removed by amendment). */
  withdrawnMembers: Array<{ memberId: string; reason: string }>;
  routes: Record<string, Record<string, EntryRoute>>;
  violations: RuleViolation[];
  approvalDocumentNo?: string;
  lastSeq: number;
  /** The open incident stopping the case (issue 12 item 2), if any; set by the workflow, not the engine. */
  incident?: CaseIncident | null;
}

/**
 * An incident (Camunda's term): the case stopped on a failure that retrying cannot fix, e.g. an event the
 * event store refuses for good. Actions are refused (409 CASE_INCIDENT) until an operator retries it after
 * fixing the cause (`npm run admin -- incidents retry <caseId>`, docs/operations.md).
 */
export interface CaseIncident {
  incidentId: string;
  /** The activity that failed (appendCaseEvents). */
  activity: string;
  /** The failure's type as the activity classified it (EVENT_STORE_REJECTED, ...). */
  errorType: string;
  error: string;
  /** Steps whose events wait to be stored. */
  stepKeys: string[];
  openedAt: string;
}

/** An operator asks a case with an incident to retry what failed. */
export interface RetryIncidentRequest {
  requestId: string;
  /** The operator (admin CLI user name), on record in the incident. */
  operator: string;
}

// Workflow messages. Each update also exists as a signal (same payload) for callers that must not wait.
export const completeStepUpdate = defineUpdate<ActionResult, [CompleteStepRequest]>('complete');
export const decideStepUpdate = defineUpdate<ActionResult, [DecideStepRequest]>('decide');
export const amendUpdate = defineUpdate<ActionResult, [AmendRequest]>('amend');
export const withdrawUpdate = defineUpdate<ActionResult, [CloseRequest]>('withdraw');
export const cancelUpdate = defineUpdate<ActionResult, [CloseRequest]>('cancel');
export const objectionUpdate = defineUpdate<ActionResult, [ObjectionRequest]>('objection');
export const supplyDocumentUpdate = defineUpdate<ActionResult, [SupplyDocumentRequest]>('supplyDocument');
export const retryIncidentUpdate = defineUpdate<{ retried: true; incidentId: string; resolved: boolean }, [RetryIncidentRequest]>(
  'retryIncident',
);
export const extendDeficiencyUpdate = defineUpdate<ActionResult, [ExtendDeficiencyRequest]>('extendDeficiency');
/** An attachment was stored for the case (attachment.added); removed (attachment.removed). */
export const attachUpdate = defineUpdate<ActionResult, [AttachRequest]>('attach');
export const detachUpdate = defineUpdate<ActionResult, [DetachRequest]>('detach');

/** The office loaded or replaced a year's holiday schedule: every loaded schedule, for open cases to re-plan with. */
export const calendarChangedSignal = defineSignal<[{ schedules: YearSchedule[] }]>('calendarChanged');
/**
 * What a unit's annual plan for `year` lost or gained (annualPlanChangedSignal): the approved plan itself changed
 * (`plan-changed`: the FAO clerk wrote it or approved a filing), or another case of the unit that held a planned trip
 * closed (`trip-freed`).
 */
export interface AnnualPlanChange {
  year: number;
  cause: 'plan-changed' | 'trip-freed';
}
/**
 * The unit's annual plan for a year changed: an open case departing in that year runs its plan check (A01) again, so
 * the outcome the reviewer reads is the plan's as it stands (CaseEngine.recheckAnnualPlan).
 */
export const annualPlanChangedSignal = defineSignal<[AnnualPlanChange]>('annualPlanChanged');
/** The part of a Temporal client that signals cases (the API's, the admin CLI's and an activity's `client`). */
export interface CaseSignaller {
  workflow: { getHandle(workflowId: string): { signal<A extends unknown[]>(def: SignalDefinition<A>, ...args: A): Promise<void> } };
}
/**
 * Sends `def` with `arg` to each case (by id), one after another (calendarChanged, annualPlanChanged); a case that
 * cannot be told (gone, Temporal down) is counted, not thrown. Returns how many could not be.
 */
export async function signalCases<T>(
  client: CaseSignaller,
  caseIds: readonly string[],
  def: SignalDefinition<[T]>,
  arg: T,
): Promise<number> {
  let failed = 0;
  for (const id of caseIds)
    await client.workflow
      .getHandle(delegationWorkflowId(id))
      .signal(def, arg)
      .catch(() => failed++);
  return failed;
}
/** An annualPlanChanged payload as any client may send it: a whole year 2000-2100 and a known cause. */
export function isAnnualPlanChange(v: unknown): v is AnnualPlanChange {
  const c = v as Partial<AnnualPlanChange> | null | undefined;
  return (
    typeof c === 'object' &&
    c !== null &&
    Number.isInteger(c.year) &&
    c.year! >= 2000 &&
    c.year! <= 2100 &&
    (c.cause === 'plan-changed' || c.cause === 'trip-freed')
  );
}
export const completeStepSignal = defineSignal<[CompleteStepRequest]>('complete');
export const decideStepSignal = defineSignal<[DecideStepRequest]>('decide');

export const progressQuery = defineQuery<DelegationProgress>('progress');

/**
 * What an amendment would do if it were sent now (the engine's previewAmend): the steps it runs again (`reruns`, each
 * with its status now: `done` work is undone, an open step starts over), whether the dates change, and the member ids
 * and country codes it adds and removes. The rules as a new amendment meets them: a case running an older patch of a
 * rerun rule may rerun less.
 */
export interface AmendPreview {
  reruns: Array<{ key: string; status: string }>;
  datesChanged: boolean;
  membersAdded: string[];
  membersRemoved: string[];
  countriesAdded: string[];
  countriesRemoved: string[];
}

/** amendPreviewQuery's answer: the preview, or the refusal the amendment would meet (the Update validator's). */
export type AmendPreviewAnswer = { preview: AmendPreview } | { refused: RejectionDetails };

/** What amending would do now (AmendPreview); a query: it changes nothing and is in no history. */
export const amendPreviewQuery = defineQuery<AmendPreviewAnswer, [AmendRequest]>('amendPreview');

/**
 * The workflow publishes its progress answer through this sink (issue 16) after every drain that changed it,
 * before the drain's events are stored; the worker stores it (case_progress) for the case page, which then need
 * not queue a query behind the worker's workflow tasks. Sinks are not in the history and are not called on replay.
 */
export type CaseProgressSinks = {
  caseProgress: { snapshot(answer: DelegationProgress): void };
};

/**
 * Why the workflow refused an action (the ApplicationFailure type of a rejected update). The API maps
 * them to HTTP: UNKNOWN_STEP 404, FORBIDDEN_ROLE / WRONG_ROLE / SELF_APPROVAL 403, STEP_NOT_AWAITING / ACTION_NOT_ALLOWED / CASE_CLOSED 409,
 * NOT_BEFORE_DATE / MISSING_ATTACHMENTS / DEPARTURE_PASSED 409, INVALID_RETURN_TARGET / INVALID_REQUEST / RULE_VIOLATION / INVALID_ON_BEHALF 422.
 */
export const REJECTION_CODES = [
  'UNKNOWN_STEP',
  'FORBIDDEN_ROLE',
  'WRONG_ROLE',
  'STEP_NOT_AWAITING',
  'ACTION_NOT_ALLOWED',
  'CASE_CLOSED',
  'INVALID_RETURN_TARGET',
  'INVALID_REQUEST',
  'RULE_VIOLATION',
  'CASE_INCIDENT',
  'INVALID_ON_BEHALF',
  'NOT_BEFORE_DATE',
  'MISSING_ATTACHMENTS',
  'DEPARTURE_PASSED',
  'SELF_APPROVAL',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

export interface RejectionDetails {
  code: RejectionCode;
  message: { zh: string; en: string };
  stepKey?: string;
  violations?: RuleViolation[];
  /** The request's fields at fault (INVALID_REQUEST), by their path in the request body (`missingDocuments[0].neededBy`). */
  errors?: RequestFieldError[];
}

/** A request field the engine refused: its path in the request body, the rule it breaks, why (bilingual). */
export interface RequestFieldError {
  field: string;
  rule: string;
  message: { zh: string; en: string };
}

export interface DelegationResult {
  caseId: string;
  status: CaseStatus;
  reason?: string;
  lastSeq: number;
}
