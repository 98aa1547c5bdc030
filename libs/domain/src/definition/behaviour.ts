import type { AttachmentKind } from '../attachments';
import type { Scope } from '../roles';

/**
 * What a step does beyond "its role completes it", declared on the step (StepDefinition.behaviour) and
 * interpreted by the engine (workflows/engine): no step code is special-cased anywhere else. docs/domain.md
 * describes each declaration; docs/architecture.md says where a new one is added.
 */

/** The work a system step asks of the worker (apps/worker/src/activities/chain.activities.ts). */
export const SYSTEM_WORK = [
  'annual-plan',
  'trip-rules',
  'frequency',
  'approval-document',
  'apec-card-register',
  'apec-whitelist-decide',
] as const;
export type SystemWork = (typeof SYSTEM_WORK)[number];

/**
 * Where each system work can run: the process whose worker code it is, the step scopes it reads (the frequency check
 * and the card's registration are a member's; the others the case's), and the built-in chain's step that does it. A
 * published version places it there only, once (behaviourProblems): elsewhere the worker fails the step (a member's check
 * with no member) or does another process's work, and a second step does it twice (a second approval document).
 */
export const SYSTEM_WORK_PLACES: Readonly<
  Record<SystemWork, { process: 'delegation' | 'apec-card' | 'apec-whitelist'; scopes: readonly Scope[]; step: string }>
> = {
  'annual-plan': { process: 'delegation', scopes: ['delegation'], step: 'A01' },
  'trip-rules': { process: 'delegation', scopes: ['delegation'], step: 'A07' },
  frequency: { process: 'delegation', scopes: ['member'], step: 'A08' },
  'approval-document': { process: 'delegation', scopes: ['delegation'], step: 'B08' },
  'apec-card-register': { process: 'apec-card', scopes: ['member'], step: 'K07' },
  'apec-whitelist-decide': { process: 'apec-whitelist', scopes: ['delegation'], step: 'W03' },
};

/** Shapes a completion's `data` may take; the engine validates `data` against the step's schema. */
export const STEP_DATA_SCHEMAS = [
  'entry-route',
  'external-outcome',
  'return-registration',
  'trip-report',
  'admission-application',
  // A step whose purpose is a written result (A14 the objections' outcome, D11 the interview report): `data.outcome`,
  // non-blank text under the text rule (step-data.ts writtenOutcomeProblems).
  'written-outcome',
  // The passport the issuing authority issued (C05): `data.number`, `data.issuedOn`, `data.expiresOn`, taken into the
  // custody ledger by the step's custody move 'register' (step-data.ts newPassportProblems).
  'new-passport',
  // The budget estimate of the trip (A09 from 2027.11): `data.budget`, its items in yuan (step-data.ts
  // budgetEstimateProblems), which the finance countersign (A10) and the FAO's review (B05) read.
  'budget-estimate',
  // The visa collected (D13 from 2027.12): `data.validFrom`, `data.validUntil`, `data.entries`, which must cover the
  // member's stay in the country (step-data.ts visaIssuedProblems, visaStayProblems).
  'visa-issued',
] as const;
export type StepDataSchema = (typeof STEP_DATA_SCHEMAS)[number];

/** The custody ledger's moves a step may declare (behaviour.custody). */
export const CUSTODY_MOVES = ['check-out', 'check-in', 'cancel', 'register'] as const;
export type CustodyMove = (typeof CUSTODY_MOVES)[number];
/**
 * The step of the chain that makes each custody move, as the built-in definition places it (a spec holds the two
 * together): out for the visa (C07), back at return (P02), the replaced one cancelled (C06), the new one registered
 * (C05). A published version may declare a move on that step only (custodyMoveProblems).
 */
export const CUSTODY_MOVE_STEPS: Readonly<Record<CustodyMove, string>> = {
  'check-out': 'C07',
  'check-in': 'P02',
  cancel: 'C06',
  register: 'C05',
};

/**
 * The step that certifies each real-world event (behaviour.certifies), as the built-in chain places it: the departure
 * confirmation (E07) and the return registration (P01), whose days the post-trip deadlines and the case's phase follow.
 * A published version declares it on that step only (behaviourProblems).
 */
export const CERTIFYING_STEPS: Readonly<Record<'departure' | 'return', string>> = { departure: 'E07', return: 'P01' };

/** Escalation kinds a step's overdue deadline raises (default 'step-overdue'). */
export const OVERDUE_ESCALATIONS = ['step-overdue', 'passport-overdue', 'report-overdue'] as const;
export type OverdueEscalation = (typeof OVERDUE_ESCALATIONS)[number];

/** When a step runs again after an amendment (StepBehaviour.rerunOnAmend). */
export const RERUN_ON_AMEND = ['always', 'dates', 'trip', 'itinerary', 'additions', 'member', 'visa-lapsed'] as const;

/** What an external outcome may refuse (StepBehaviour.outcome.mayFail). */
export const OUTCOME_FAILURES = ['member', 'member-everywhere'] as const;

/** A deadline counted from the day the delegation returned (Asia/Shanghai), ending at the end of that day. */
export type ReturnDue = { workingDays: number } | { calendarDays: number };

export interface StepBehaviour {
  /** A system step: the work the worker does; its violations block the step, a document number is kept. */
  system?: SystemWork;
  /** The intake (受理) may accept with deficiencies (容缺); a missing document is needed by `defaultNeededBy` unless it names its step. */
  intake?: { acceptWithDeficiencies: { defaultNeededBy: string } };
  /** Completed by the engine once every missing document is supplied; a manual completion is refused before. */
  collectsDeficiencies?: true;
  /** The public notice timer: objections may be raised while it runs (they open the steps conditioned on objectionRaised). */
  notice?: { objections: true };
  /** The completion certifies a real-world event: 'departure' moves the case to departed, 'return' records the return day. */
  certifies?: { event: 'departure' | 'return' };
  /**
   * An external outcome that may fail: 'member' = refused members leave the case; refusing the head of delegation fails it.
   * 'member-everywhere' (a per-country step): a member leaves the case once every country's instance refused them (a
   * refusal for some countries only leaves those countries off the member's result: the card's pre-clearance, K05, where
   * a card no economy cleared is not issued); the case fails when no member is left (outcomeRefuses says who is refused).
   */
  outcome?: { mayFail: (typeof OUTCOME_FAILURES)[number] };
  /** The schema of the completion's `data` (validated); entry-route also sets the member's route for the country. */
  data?: StepDataSchema;
  /**
   * Runs again after an amendment: on any, when the dates change, when the trip changes (dates, countries or
   * members), when the itinerary changes ('itinerary': the trip's, or a stop's city: what tickets and insurance
   * cover), when a member or a country is added ('additions': someone or somewhere the step has not covered, as the
   * pre-trip public notice from 2027.7), or when its member's facts change ('member': a member-scoped check such as the
   * passport's validity; on a delegation-scoped step, any member's), or when the dates change so that a member's visa
   * recorded at a 'visa-issued' step (D13) no longer covers the member's stay in its country ('visa-lapsed': the visa
   * application of that country runs again, a country's step for it, a member's for that member, a member's step of no
   * country for a member with any such visa: E06 hands over the new one; trial 76).
   */
  rerunOnAmend?: (typeof RERUN_ON_AMEND)[number];
  /**
   * The passport custody ledger (护照委托保管) follows the step: 'check-out' the member's passport for the case
   * (due back 7 days after return), 'check-in' it back into custody, 'cancel' the replaced one (issue 14 item 3),
   * 'register' the new passport the completion's data names (schema 'new-passport') into custody for its holder.
   */
  custody?: CustodyMove;
  /**
   * Attachment kinds that must be uploaded (for this step instance or the case) before the step is completed or
   * approved; a completion without them is refused naming the missing kinds (issue 15 item 3, docs/attachments.md).
   */
  requiresAttachments?: readonly AttachmentKind[];
  /**
   * An approval that needs the unit's written reason (书面说明) while the case's annual plan check (system 'annual-plan',
   * A01) found the trip outside the plan ('unplanned', 'over-plan'): approving it is refused unless the decision's
   * comment states it (planReasonProblem; rule `plan-reason`). The FAO rule review (B05) from 2027.6 (thirteenth trial:
   * a trip not in the plan was approved with nothing written, though A01 said a written reason is needed).
   */
  requiresPlanReason?: true;
  /** The escalation an overdue deadline raises. */
  overdue?: OverdueEscalation;
  /** Opens after departure (not planned to departure): due relative to the return day; a second, harder deadline after it. */
  afterDeparture?: { due: ReturnDue; escalateAfterDays?: number };
  /** Completing it closes the case as completed: a process that ends without a departure (the card application's hand-over, K08). */
  closes?: true;
}

/**
 * Whether an external outcome's completion data (schema 'external-outcome': `{outcome, members?}`) refuses member
 * `memberId`: `outcome` refused, for the members listed (every member when none are). No data (a step not done, or done
 * without data) refuses no one: granted is the default. The one reading of an outcome's members: the engine's
 * member-everywhere withdrawal and the card registration's cleared economies (clearedEconomies) both call it.
 */
export function outcomeRefuses(data: Readonly<Record<string, unknown>> | null | undefined, memberId: string): boolean {
  if (!data || data.outcome !== 'refused') return false;
  const members = data.members;
  return !Array.isArray(members) || members.includes(memberId);
}
