import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  log,
  patched,
  proxyActivities,
  proxySinks,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  chineseCalendar,
  createCalendar,
  isYearScheduleList,
  parseInstant,
  shanghaiDate,
  tripCountries,
  type Plan,
  type YearSchedule,
} from '@df/domain';
import {
  amendPreviewQuery,
  amendUpdate,
  attachUpdate,
  annualPlanChangedSignal,
  calendarChangedSignal,
  isAnnualPlanChange,
  type AnnualPlanChange,
  detachUpdate,
  cancelUpdate,
  completeStepSignal,
  completeStepUpdate,
  decideStepSignal,
  decideStepUpdate,
  objectionUpdate,
  progressQuery,
  SearchAttributes,
  supplyDocumentUpdate,
  extendDeficiencyUpdate,
  retryIncidentUpdate,
  withdrawUpdate,
  type ActionResult,
  type AmendPreviewAnswer,
  type AmendRequest,
  type CaseIncident,
  type RetryIncidentRequest,
  type DelegationActivities,
  type DelegationInput,
  type DelegationResult,
} from '@df/contracts';
import type { CaseProgressSinks } from '@df/contracts';
import { CaseEngine, type EngineAction, type SystemWork } from './engine/case-engine';
import { CaseClock } from './engine/clock';
import { drain } from './engine/drain';
import { newCaseCalendar, PLAN_WINDOW_MS, REPLAN_SETTLE_WD } from './engine/first-turn';
import { startInputProblems } from './engine/input';
import { Rejection } from './engine/rejection';

const { appendCaseEvents } = proxyActivities<DelegationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '30 seconds' },
});
const { recordIncident, resolveIncident } = proxyActivities<DelegationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
const { runSystemStep, recordEscalation, recordTrips, passportCustody } = proxyActivities<DelegationActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * Cases started with this patch record a forecast that only drifts with the clock once it moved by
 * REPLAN_SETTLE_WD (see CaseEngine.replan); histories recorded before it replay without it.
 */
const REPLAN_SETTLE_PATCH = 'replan-settle';
/**
 * Re-plan only on a state change (issue 16): the drain reuses its last plan while the planner's input is the
 * same and the case clock moved less than PLAN_WINDOW_MS (CaseEngine.replan). A reused plan can move a drift
 * record or a time wake by up to the window: histories recorded before it replay planning every time.
 */
const REPLAN_ON_CHANGE_PATCH = 'replan-on-change';
const PROJECTED_SIDE_RECORDS_PATCH = 'projected-side-records';
const FORECAST_DATE_PATCH = 'forecast-date-attribute';
/** Cases started with this patch plan years without a published holiday schedule with their statutory holidays. */
const PROVISIONAL_CALENDAR_PATCH = 'provisional-calendar';
/**
 * Cases started with this patch wake when time alone changes their plan (the at-risk instant, and every
 * working day while open) and answer `progress` from the time the query is evaluated at.
 */
const TIME_WAKE_PATCH = 'time-wake';
/** Cases started with this patch store date-only search attributes as 00:00Z of the calendar date. */
const UTC_DATE_ATTRIBUTES_PATCH = 'utc-date-attributes';
/**
 * With this patch a fact change (amendment, entry route, refused visa, objection, 容缺) reopens finished joins
 * whose set grew, re-evaluates skips both ways, and reruns a member's checks when the member's facts change
 * (CaseCore.reopenStale); amendments recorded before it replay as they ran.
 */
const REOPEN_ON_CHANGE_PATCH = 'reopen-on-change';
/**
 * With this patch an append the event store refuses for good (EVENT_STORE_REJECTED, classified by the
 * activity) opens an incident instead of failing the workflow: the case waits, refusing actions, until an
 * operator's retryIncident (issue 12 item 2, docs/operations.md).
 */
const INCIDENTS_PATCH = 'incidents';
/** With this patch finished steps move the passport custody ledger (behaviour.custody: C06, C07, P02). */
const PASSPORT_CUSTODY_PATCH = 'passport-custody';
/** With this patch the new passport C05's completion records goes into the ledger (custody 'register'); asked only then. */
const CUSTODY_REGISTER_PATCH = 'custody-register';
/**
 * With this patch a case closing with passports out for it (after C07, before P02) moves their due-back day to the
 * check-in step's days after the close (CaseCore.passportsDueOnClose); asked only when a passport is out.
 */
const CUSTODY_ON_CLOSE_PATCH = 'custody-on-close';
/**
 * With this patch a case closing between a member's C05 (new passport registered) and C06 cancels the passport it
 * replaced, superseded (CaseCore.passportsSupersededOnClose); asked only for such a member.
 */
const CUSTODY_SUPERSEDE_PATCH = 'custody-supersede';
/**
 * With this patch a member's C06 that will not run after their C05 registered a new passport (the member dropped by an
 * amendment, or re-picked so the new-passport steps are skipped) cancels the passport it replaced, superseded
 * (CaseCore.passportsSupersededOnChange); asked only for such a step.
 */
const CUSTODY_SUPERSEDE_ON_CHANGE_PATCH = 'custody-supersede-on-change';
/**
 * With this patch a member leaving a case that goes on with their passport out for it (a refused visa, an amendment)
 * moves its due-back day the same way (CaseCore.passportsDueOnLeaving); asked only when such a passport is out.
 */
const CUSTODY_ON_WITHDRAWAL_PATCH = 'custody-on-withdrawal';
/**
 * With this patch an amendment of the return date moves the due-back day of the passports out for the case to the new
 * return plus the check-in step's days (CaseCore.passportsRedated); asked only when such a passport is out.
 */
const CUSTODY_ON_REDATE_PATCH = 'custody-on-redate';
/**
 * With this patch those due-back moves also go to members whose C07 has not run, for a passport the office checked out
 * for the case by hand (CaseDeps.custodyByLedger); asked only when there is such a member.
 */
const CUSTODY_BY_LEDGER_PATCH = 'custody-by-ledger';
/**
 * With this patch an amendment dropping a country drops the entry routes D01 recorded for it (the country added again
 * is routed anew); asked only when an amendment drops a recorded route.
 */
const ROUTES_FOLLOW_COUNTRIES_PATCH = 'routes-follow-countries';
/**
 * With this patch a plan turning provisional or final (a year's schedule loaded) records a case.replanned by itself, so
 * the read model's 暂排 mark follows the case; old runs recorded it only with another change of the plan.
 */
const PROVISIONAL_CALENDAR_RECORD_PATCH = 'provisional-calendar-record';
/** With this patch a signal is validated like an Update (text the case cannot store is refused, not applied). */
const SIGNAL_VALIDATION_PATCH = 'signal-validation';
/** With this patch an overdue 容缺 document also notifies the FAO clerk (extend once or end the case). */
const DEFICIENCY_OFFICE_PATCH = 'deficiency-office';
/**
 * Cases started with this patch record the forecast's drift alone (case.replanned, nothing else changed) only on a
 * turn time began: a timer fired (a deadline or the time wake) or the office's calendar changed. Before it, the
 * drain after every append could record drift again once the append took REPLAN_SETTLE_WD of case time (a time
 * scale, a slow store): an append, a workflow task and a drift record in a loop while the case stayed late.
 */
const DRIFT_ON_TIME_TURN_PATCH = 'drift-on-time-turn';
/** Cases started with this patch refuse a 容缺 document whose neededBy step is no longer ahead (CaseDeps.deficiencyNeededAhead). */
const DEFICIENCY_NEEDED_AHEAD_PATCH = 'deficiency-needed-ahead';
/** A system step a 容缺 document blocked runs once the document is supplied (CaseDeps.deficiencyUnblocksSystem); asked only then. */
const DEFICIENCY_UNBLOCKS_SYSTEM_PATCH = 'deficiency-unblocks-system';
/** A frequency check blocked by another open case's planned trip runs again every working day (CaseDeps.recheckPlannedTrips). */
const FREQUENCY_RECHECK_PATCH = 'frequency-recheck';
/** An amendment of a member's facts or the purpose runs A08 again for that member (CaseDeps.frequencyOnMemberChange). */
const FREQUENCY_ON_MEMBER_CHANGE_PATCH = 'frequency-on-member-change';
/** An amendment of a kept country's city or inviter reruns its invitation steps and the trip's reviews (CaseDeps.inviterChangeReruns). */
const INVITER_CHANGE_RERUNS_PATCH = 'inviter-change-reruns';
/** An amendment after which a member's new passport no longer serves the trip reruns their C02-C06 (CaseDeps.passportReissue). */
const PASSPORT_REISSUE_PATCH = 'passport-reissue';
/** A rerun review holds the open steps resting on it (CaseDeps.holdAfterRecheck); asked only when there is one to hold. */
const HOLD_AFTER_RECHECK_PATCH = 'hold-after-recheck';
/** A step opens only once every step upstream of it is done again (CaseDeps.openAfterUpstream); asked only when one would open before. */
const OPEN_AFTER_UPSTREAM_PATCH = 'open-after-upstream';
/** A member's step done stands when only joint work it rests on is done again (CaseDeps.memberWorkStands); asked only then. */
const MEMBER_WORK_STANDS_PATCH = 'member-work-stands';
/** A closed case's case.replanned waits for nothing (CaseDeps.closedPlanWaitsForNothing); asked only when it would name a step. */
const CLOSED_PLAN_PATCH = 'closed-plan-waits-for-nothing';
/** Cases started with this patch refuse certifying steps before their real-world date and amendments into the past (issue 11 item 5). */
const REAL_WORLD_DATES_PATCH = 'real-world-dates';
/** Cases started with this patch have a step certifying the departure (E07) due no earlier than the departure day's end (CaseDeps.certifiedStepDue). */
const CERTIFIED_STEP_DUE_PATCH = 'certified-step-due';
/**
 * Cases started with this patch plan a step certifying a day (E07 the departure) against the end of that day, out of
 * the forecast, slack and risk (EngineDeps.certifiedStepPlan): before it a case prepared but for E07 showed at risk in
 * its last days. Older histories recorded their case.replanned events with the old plan and keep it.
 */
const CERTIFIED_STEP_PLAN_PATCH = 'certified-step-plan';
/**
 * Cases started with this patch plan through the done steps resting on a re-check (EngineDeps.planThroughRechecks):
 * before it, after a change of dates the critical step was B05 (returned) and the unit's re-approvals were left out of
 * the forecast (forty-first trial). Older histories recorded their case.replanned events with the old plan and keep it.
 */
const PLAN_THROUGH_RECHECKS_PATCH = 'plan-through-rechecks';
/**
 * Cases started with this patch are late and at risk once a step certifying a day is still not done after it
 * (EngineDeps.certifiedLateRisk: E07 past the departure day; trial 76: a trip whose dates had passed without E07 read
 * 正常, with 29.7 working days of slack). Older histories recorded their case.replanned events with the old plan and keep it.
 */
const CERTIFIED_LATE_RISK_PATCH = 'certified-late-risk';
/**
 * Cases started with this patch refuse completing a step without the attachment kinds it declares
 * (requiresAttachments, issue 15 item 3). The attach/detach Updates are new messages: histories without them
 * replay unchanged; the patch keeps a replayed completion of an older case from being refused.
 */
const ATTACHMENTS_PATCH = 'attachments';
/**
 * With this patch a `calendarChanged` signal whose schedules fail isYearScheduleList is refused (logged):
 * before it, garbage failed every workflow task (a wedged case) and a schedule with problems was applied.
 * Asked only for such a signal, so cases that never get one record no marker.
 */
const CALENDAR_SIGNAL_VALIDATION_PATCH = 'calendar-signal-validation';
/**
 * With this patch the case.replanned that a loaded holiday schedule moves says so (`cause: 'calendar'`): the case's
 * timeline read 重新预测 with nothing to say why (trial 56). Asked only for such a signal.
 */
const REPLAN_CAUSE_PATCH = 'replan-cause';
/**
 * A complete/decide signal holding a bidirectional control (text rule `text-bidi`, U+202A–U+202E, U+2066–U+2069) or a
 * principal (actor.id, onBehalfOf) longer than the read models' varchar(128) is refused like the Update; asked only for
 * such a signal (CaseEngine.validate's `newerRules`), so a signal applied before the rule replays as it ran.
 */
const TEXT_BIDI_PATCH = 'text-bidi';
/**
 * A complete/decide signal by someone who submitted the case or acted on it as its organizer is refused like the
 * Update (separation of duties, SELF_APPROVAL); asked only for such a signal, so one applied before the rule replays
 * as it ran.
 */
const SEPARATION_OF_DUTIES_PATCH = 'separation-of-duties';
/** Separation of duties counts the officer of a 帮代办 among the case's organizers (a signal's refusal only that causes asks it). */
const SEPARATION_ON_BEHALF_PATCH = 'separation-on-behalf';
/**
 * Separation of duties across roles (crossRoleRefusal): a complete/decide signal deciding a step that rests on the
 * sender's own decision in another role, or acting as the organizer after deciding, is refused like the Update; asked
 * only for such a signal, so one applied before the rule replays as it ran.
 */
const SEPARATION_CROSS_ROLE_PATCH = 'separation-cross-role';
/** A decide signal rejecting or returning without a reason (a non-blank comment) is refused like the Update; asked only for such a signal. */
const DECISION_REASON_PATCH = 'decision-reason';
/** A complete signal filing the trip report (schema 'trip-report') without a written summary is refused like the Update. */
const TRIP_REPORT_SUMMARY_PATCH = 'trip-report-summary';
/**
 * A complete signal whose data carries a field its step does not read, or a trip report figure past its upper bound
 * (stepDataFieldProblems), is refused like the Update; asked only for such a signal.
 */
const STEP_DATA_FIELDS_PATCH = 'step-data-fields';
/** A complete signal filing the trip report with a reportRef that names no attachment of the case is refused like the Update; asked only for such a signal. */
const REPORT_REF_ATTACHMENT_PATCH = 'report-ref-attachment';
/**
 * 主管部门审核 (A16) by an approver of the case's own unit instead of its supervising department (competentDepartmentRefusal)
 * is refused like the Update; asked only for such a signal, so one applied before the rule replays as it ran.
 */
const COMPETENT_DEPARTMENT_PATCH = 'competent-department';
/** A complete signal whose data a system step would read wrongly (K06's card: systemReadDataProblems) is refused like the Update; asked only for such a signal. */
const SYSTEM_READ_DATA_PATCH = 'system-read-data';
/** A complete signal filing the trip report with a file on the case before the step opened (refuseStaleFile) is refused like the Update; asked only for such a signal. */
const REPORT_REF_NEW_FILE_PATCH = 'report-ref-new-file';
/**
 * A complete signal naming an outcome's refused members wrongly (outcomeMembersProblems: an empty list, a member twice, a
 * withdrawn member, members with a granted outcome) is refused like the Update; asked only for such a signal.
 */
const OUTCOME_MEMBERS_PATCH = 'outcome-members';
/**
 * A complete signal recording K06's card beyond its 5-year term, already expired, or issued before the application
 * (systemReadDataProblems' CARD_TERM_RULES) is refused like the Update; asked only when those alone refuse.
 */
const APEC_CARD_TERM_PATCH = 'apec-card-term';
/** A complete signal recording at D01 a route the office's country table does not give (entryRouteTableProblem) is refused like the Update; asked only for such a signal. */
const ENTRY_ROUTE_TABLE_PATCH = 'entry-route-table';
/** A complete signal recording D12's or K05's outcome without one (outcomeRequiredProblems: it was read as granted) is refused like the Update; asked only for such a signal. */
const OUTCOME_REQUIRED_PATCH = 'outcome-required';
/** A complete signal recording a written result with no words (A14's outcome 。: trial 84) is refused like the Update; asked only for such a signal. */
const WRITTEN_WORDS_PATCH = 'written-words';
/** A complete signal recording K06's card without its number (CARD_NUMBER_RULES: K07 made one up) is refused like the Update; asked only when that alone refuses. */
const APEC_CARD_NUMBER_PATCH = 'apec-card-number';
/** A complete or approving decide signal on a trip whose dates passed without a departure (departurePassedRefusal) is refused like the Update; asked only for such a signal. */
const DEPARTURE_PASSED_PATCH = 'departure-passed';
/** A decide signal holds a trip of a unit with no annual plan on file to the written reason (trial 65). */
const PLAN_REASON_NO_PLAN_PATCH = 'plan-reason-no-plan';
/** A decide signal's reason (a return's, a rejection's, an approval's outside the annual plan) is more than punctuation or a stance (isStatedReason); asked only when that alone refuses. */
const REASON_WORDS_PATCH = 'reason-words';
/** …and has grounds besides a stance or the action inflected (已撤回, withdrew) and letters that say nothing (aa, 11): reasonRuleBroken's `reason-substance`; asked only when that alone refuses. */
const REASON_SUBSTANCE_PATCH = 'reason-substance';
/** …and more than formulas (材料齐全，符合规定, 待定, pending: trial 78): reasonRuleBroken's `reason-boilerplate`; asked only when that alone refuses. */
const REASON_BOILERPLATE_PATCH = 'reason-boilerplate';
/** …and more than requests naming no fault (请修改, 有误: trial 83) or rows of letters (ａｂｃｄ ｅｆｇｈ): `reason-vague`; asked only when that alone refuses. */
const REASON_VAGUE_PATCH = 'reason-vague';
/**
 * With this patch a start input the engine cannot run (startInputProblems) fails the workflow at once with
 * INVALID_INPUT; before it, such an input (from a client other than the API) failed every workflow task or
 * opened an incident at the first append. Asked only for such an input.
 */
const INPUT_VALIDATION_PATCH = 'input-validation';
/**
 * With this patch the case starts (its steps derived and opened) before the Update handlers are set: an
 * Update that reached the workflow with its start (a client acting at once, e.g. the whitelist filing that
 * completes W01 right after starting the case) was dispatched by setHandler to an engine not yet started and
 * refused as UNKNOWN_STEP. Histories without the marker start where they did.
 */
const START_BEFORE_HANDLERS_PATCH = 'start-before-handlers';

/**
 * A date-only search attribute: 00:00Z of the calendar date, so `DepartureDate < '2027-04-01T00:00:00Z'`
 * means "before 1 April" for a CLI user (Shanghai midnight, 16:00Z the day before, matched it).
 */
const dateAttribute = (date: string): Date => new Date(`${date}T00:00:00Z`);

/** A refused action as the failure Temporal returns to the caller (type = rejection code, details = bilingual reason). */
/** An activity failure the activity classified as permanent (apps/worker/src/activities/failure-kind.ts). */
function storeRejected(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  return cause instanceof ApplicationFailure && cause.type === 'EVENT_STORE_REJECTED' ? cause : undefined;
}

const incidentRefusal = (incident: CaseIncident) =>
  new Rejection('CASE_INCIDENT', {
    zh: `案件因故障暂停（${incident.errorType}，${incident.openedAt}），待运维人员排除后重试：暂不能办理`,
    en: `The case is stopped by an incident (${incident.errorType}, ${incident.openedAt}) until an operator fixes the cause and retries it`,
  });

function toFailure(err: unknown): unknown {
  if (err instanceof Rejection) {
    return ApplicationFailure.create({
      type: err.code,
      message: `${err.label.zh} / ${err.label.en}`,
      details: [err.details()],
      nonRetryable: true,
    });
  }
  return err;
}

/**
 * One case of the 审护签 chain, from submission through departure to the post-trip obligations.
 * Interprets the process definition pinned in the input; every instance whose needs are met is
 * opened at once. Human steps arrive as Updates (or Signals), system steps run as activities,
 * deadlines are durable timers on the case's working-day clock.
 */
export async function delegation(input: DelegationInput): Promise<DelegationResult> {
  const info = workflowInfo();
  const problems = startInputProblems(input);
  if (problems.length > 0 && patched(INPUT_VALIDATION_PATCH))
    throw ApplicationFailure.create({
      type: 'INVALID_INPUT',
      message: `工作流输入无法办理 / The workflow input cannot be run: ${problems.slice(0, 20).join('; ')}`,
      details: [{ problems }],
      nonRetryable: true,
    });
  // The office's loaded schedules (at submission) over the package data and provisional years.
  const calendar =
    input.schedules?.length || patched(PROVISIONAL_CALENDAR_PATCH)
      ? newCaseCalendar(input)
      : chineseCalendar({ unpublishedYears: 'weekends' });
  const clock = new CaseClock(calendar, parseInstant(input.submittedAt), info.startTime.getTime(), input.workingDaySeconds);
  const now = (): number => clock.at(Date.now());
  const engine = new CaseEngine(input, {
    newId: uuid4,
    workflowId: info.workflowId,
    calendar,
    reopenOnChange: () => patched(REOPEN_ON_CHANGE_PATCH),
    deficiencyOffice: () => patched(DEFICIENCY_OFFICE_PATCH),
    custody: () => patched(PASSPORT_CUSTODY_PATCH),
    custodyRegister: () => patched(CUSTODY_REGISTER_PATCH),
    custodyOnClose: () => patched(CUSTODY_ON_CLOSE_PATCH),
    custodySupersede: () => patched(CUSTODY_SUPERSEDE_PATCH),
    custodySupersedeOnChange: () => patched(CUSTODY_SUPERSEDE_ON_CHANGE_PATCH),
    custodyOnWithdrawal: () => patched(CUSTODY_ON_WITHDRAWAL_PATCH),
    custodyOnRedate: () => patched(CUSTODY_ON_REDATE_PATCH),
    custodyByLedger: () => patched(CUSTODY_BY_LEDGER_PATCH),
    routesFollowCountries: () => patched(ROUTES_FOLLOW_COUNTRIES_PATCH),
    realWorldDates: patched(REAL_WORLD_DATES_PATCH),
    deficiencyNeededAhead: patched(DEFICIENCY_NEEDED_AHEAD_PATCH),
    deficiencyUnblocksSystem: () => patched(DEFICIENCY_UNBLOCKS_SYSTEM_PATCH),
    recheckPlannedTrips: () => patched(FREQUENCY_RECHECK_PATCH),
    frequencyOnMemberChange: () => patched(FREQUENCY_ON_MEMBER_CHANGE_PATCH),
    inviterChangeReruns: () => patched(INVITER_CHANGE_RERUNS_PATCH),
    passportReissue: () => patched(PASSPORT_REISSUE_PATCH),
    openAfterUpstream: () => patched(OPEN_AFTER_UPSTREAM_PATCH),
    memberWorkStands: () => patched(MEMBER_WORK_STANDS_PATCH),
    closedPlanWaitsForNothing: () => patched(CLOSED_PLAN_PATCH),
    holdAfterRecheck: () => patched(HOLD_AFTER_RECHECK_PATCH),
    attachments: patched(ATTACHMENTS_PATCH),
    certifiedStepDue: patched(CERTIFIED_STEP_DUE_PATCH),
    certifiedStepPlan: patched(CERTIFIED_STEP_PLAN_PATCH),
    planThroughRechecks: patched(PLAN_THROUGH_RECHECKS_PATCH),
    certifiedLateRisk: patched(CERTIFIED_LATE_RISK_PATCH),
  });
  // Updates buffered with the start are dispatched by setHandler: the case must be started by then.
  const startedFirst = patched(START_BEFORE_HANDLERS_PATCH);
  if (startedFirst) engine.start(now());
  let dirty = true;
  /** This turn began with time (a timer fired) or a new calendar: the forecast's drift may be recorded (DRIFT_ON_TIME_TURN_PATCH). */
  let timeTurn = false;
  let flushedSeq = 0;
  let incident: CaseIncident | null = null;
  let retryAsked: RetryIncidentRequest | null = null;

  // The progress answer for the case page (issue 16), through a sink: not a command, not in the history, not
  // called on replay, so no patch. Published after every drain (its events about to be stored: the answer the
  // query would give), and only when something the answer shows moved (seq, incident, the plan's figures).
  const { caseProgress } = proxySinks<CaseProgressSinks>();
  let publishedKey = '';
  const publishProgress = (plan?: Plan) => {
    if (workflowInfo().unsafe.isReplaying) return; // the sink drops it anyway: spare the replay the work
    const at = now();
    const current = plan ?? engine.plan(at);
    const key = JSON.stringify([
      engine.lastSeq,
      engine.status,
      incident?.incidentId ?? null,
      current.forecastReadyAt,
      current.slackWd,
      current.atRisk,
      current.provisionalCalendar,
    ]);
    if (key === publishedKey) return;
    publishedKey = key;
    caseProgress.snapshot({ ...engine.progress(at, input.workingDaySeconds, current), incident });
  };

  /** Stores events; a permanent refusal opens an incident and waits for an operator's retry (INCIDENTS_PATCH). */
  const store = async (events: Parameters<typeof appendCaseEvents>[0]): Promise<void> => {
    for (;;) {
      try {
        await appendCaseEvents(events);
        break;
      } catch (err) {
        const failure = storeRejected(err);
        if (!failure || !patched(INCIDENTS_PATCH)) throw err;
        incident = {
          incidentId: uuid4(),
          activity: 'appendCaseEvents',
          errorType: failure.type ?? 'EVENT_STORE_REJECTED',
          error: failure.message,
          stepKeys: [...new Set(events.map((e) => (e.payload as { key?: unknown }).key).filter((k): k is string => typeof k === 'string'))],
          openedAt: new Date(now()).toISOString(),
        };
        upsertSearchAttributes([{ key: SearchAttributes.Incident, value: true }]);
        publishProgress(); // the case page shows the incident (nothing new is stored while it stands)
        log.error('incident: the event store refused the case events', { incidentId: incident.incidentId, error: incident.error });
        await recordIncident({ ...incident, caseId: input.caseId });
        await condition(() => retryAsked !== null);
      }
    }
    if (retryAsked && incident) {
      const resolved = incident;
      const by = retryAsked;
      incident = null;
      retryAsked = null;
      upsertSearchAttributes([{ key: SearchAttributes.Incident, value: false }]);
      await resolveIncident({ incidentId: resolved.incidentId, resolvedBy: by.operator, at: new Date(now()).toISOString() });
    }
  };

  const actionHandlers = <R extends EngineAction['request']>(type: EngineAction['type']) => ({
    validator: (request: R): void => {
      try {
        // Not replayed, so its order is free: what does not exist, role, separation of duties, then state (the incident first).
        engine.validate({ type, request } as EngineAction, now(), {
          ordered: {
            beforeState: () => {
              if (incident) throw incidentRefusal(incident);
            },
          },
        });
      } catch (err) {
        throw toFailure(err);
      }
    },
    handler: async (request: R): Promise<ActionResult> => {
      let result: ActionResult;
      try {
        result = engine.apply({ type, request } as EngineAction, now());
      } catch (err) {
        throw toFailure(err);
      }
      dirty = true;
      // Answer once the action's events are in the event store: what the caller reads next includes them.
      const target = engine.lastSeq;
      await condition(() => flushedSeq >= target);
      return result;
    },
  });
  setHandler(completeStepUpdate, actionHandlers('complete').handler, { validator: actionHandlers('complete').validator });
  setHandler(decideStepUpdate, actionHandlers('decide').handler, { validator: actionHandlers('decide').validator });
  setHandler(amendUpdate, actionHandlers('amend').handler, { validator: actionHandlers('amend').validator });
  setHandler(withdrawUpdate, actionHandlers('withdraw').handler, { validator: actionHandlers('withdraw').validator });
  setHandler(cancelUpdate, actionHandlers('cancel').handler, { validator: actionHandlers('cancel').validator });
  setHandler(objectionUpdate, actionHandlers('objection').handler, { validator: actionHandlers('objection').validator });
  setHandler(supplyDocumentUpdate, actionHandlers('supplyDocument').handler, { validator: actionHandlers('supplyDocument').validator });
  setHandler(extendDeficiencyUpdate, actionHandlers('extendDeficiency').handler, {
    validator: actionHandlers('extendDeficiency').validator,
  });
  setHandler(attachUpdate, actionHandlers('attach').handler, { validator: actionHandlers('attach').validator });
  setHandler(detachUpdate, actionHandlers('detach').handler, { validator: actionHandlers('detach').validator });

  // The same messages as Signals, for callers that must not wait for a worker: a refused one is logged.
  const signal = (type: 'complete' | 'decide') => (request: EngineAction['request']) => {
    try {
      // A signal has no validator: check what an Update's validator checks (text the case cannot store) first.
      if (patched(SIGNAL_VALIDATION_PATCH)) {
        if (incident) throw incidentRefusal(incident);
        engine.validate({ type, request } as EngineAction, now(), {
          newer: () => patched(TEXT_BIDI_PATCH),
          duties: () => patched(SEPARATION_OF_DUTIES_PATCH),
          onBehalfDuties: () => patched(SEPARATION_ON_BEHALF_PATCH),
          reason: () => patched(DECISION_REASON_PATCH),
          report: () => patched(TRIP_REPORT_SUMMARY_PATCH),
          crossRole: () => patched(SEPARATION_CROSS_ROLE_PATCH),
          stepData: () => patched(STEP_DATA_FIELDS_PATCH),
          reportRef: () => patched(REPORT_REF_ATTACHMENT_PATCH),
          competentDepartment: () => patched(COMPETENT_DEPARTMENT_PATCH),
          systemRead: () => patched(SYSTEM_READ_DATA_PATCH),
          freshFile: () => patched(REPORT_REF_NEW_FILE_PATCH),
          outcomeMembers: () => patched(OUTCOME_MEMBERS_PATCH),
          cardTerm: () => patched(APEC_CARD_TERM_PATCH),
          routeTable: () => patched(ENTRY_ROUTE_TABLE_PATCH),
          outcomeRequired: () => patched(OUTCOME_REQUIRED_PATCH),
          writtenWords: () => patched(WRITTEN_WORDS_PATCH),
          cardNumber: () => patched(APEC_CARD_NUMBER_PATCH),
          departurePassed: () => patched(DEPARTURE_PASSED_PATCH),
          noPlanReason: () => patched(PLAN_REASON_NO_PLAN_PATCH),
          reasonWords: () => patched(REASON_WORDS_PATCH),
          reasonSubstance: () => patched(REASON_SUBSTANCE_PATCH),
          reasonBoilerplate: () => patched(REASON_BOILERPLATE_PATCH),
          reasonVague: () => patched(REASON_VAGUE_PATCH),
        });
      }
      engine.apply({ type, request } as EngineAction, now());
      dirty = true;
    } catch (err) {
      log.warn('signal refused', { type, requestId: request?.requestId, reason: err instanceof Rejection ? err.code : String(err) });
    }
  };
  // The office loaded a holiday schedule (issue 14 item 5): plan with it; the drain re-plans the case.
  setHandler(calendarChangedSignal, (payload: { schedules?: unknown } | null | undefined) => {
    const schedules = payload?.schedules;
    if (!isYearScheduleList(schedules) && patched(CALENDAR_SIGNAL_VALIDATION_PATCH)) {
      log.warn('signal refused', { type: 'calendarChanged', reason: 'INVALID_SCHEDULES' });
      return;
    }
    engine.setCalendar(createCalendar({ schedules: schedules as YearSchedule[] }), patched(REPLAN_CAUSE_PATCH));
    dirty = true;
    timeTurn = true;
  });
  // The unit's annual plan for a year changed (the FAO wrote or approved it, or another case freed a planned trip): the
  // plan check runs again while the case is open. A new signal: no history recorded before it holds one.
  setHandler(annualPlanChangedSignal, (payload: AnnualPlanChange | null | undefined) => {
    if (!isAnnualPlanChange(payload)) {
      log.warn('signal refused', { type: 'annualPlanChanged', reason: 'INVALID_PLAN_CHANGE' });
      return;
    }
    if (engine.recheckAnnualPlan(payload, now()).length > 0) dirty = true;
  });
  setHandler(completeStepSignal, signal('complete'));
  setHandler(decideStepSignal, signal('decide'));

  // A query runs in no workflow task of its own: Date.now() is frozen at the last one, so a case left alone
  // would answer with the slack of its last action. Read the worker's clock (a query changes no state).
  let timeWakes = false;
  setHandler(progressQuery, () => ({
    ...engine.progress(timeWakes ? clock.at(workflowInfo().unsafe.now()) : now(), input.workingDaySeconds),
    incident,
  }));
  // What an amendment would do (the engine's previewAmend), asked before it is sent; its refusal as the answer, as the
  // amendment's validator would refuse it (the incident first). Changes nothing.
  setHandler(amendPreviewQuery, (request: AmendRequest): AmendPreviewAnswer => {
    try {
      const at = timeWakes ? clock.at(workflowInfo().unsafe.now()) : now();
      return {
        preview: engine.previewAmend(request, at, {
          ordered: {
            beforeState: () => {
              if (incident) throw incidentRefusal(incident);
            },
          },
        }),
      };
    } catch (err) {
      if (err instanceof Rejection) return { refused: err.details() };
      throw err;
    }
  });
  setHandler(
    retryIncidentUpdate,
    async (request: RetryIncidentRequest) => {
      const open = incident!;
      retryAsked = request;
      // Answer once the retry ran: resolved, or a new incident opened by the same cause.
      await condition(() => incident?.incidentId !== open.incidentId);
      return { retried: true as const, incidentId: open.incidentId, resolved: incident === null };
    },
    {
      validator: (_request: RetryIncidentRequest) => {
        if (!incident)
          throw toFailure(new Rejection('ACTION_NOT_ALLOWED', { zh: '本案没有待处理的故障', en: 'The case has no open incident' }));
      },
    },
  );

  const inflight = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    inflight.add(work);
    void work.finally(() => {
      inflight.delete(work);
      dirty = true;
    });
  };
  const runSystem = async (work: SystemWork) => {
    const result = await runSystemStep({
      caseId: input.caseId,
      key: work.key,
      code: work.code,
      system: work.system,
      ...(work.memberId ? { memberId: work.memberId } : {}),
      facts: engine.facts,
      ...(input.settings ? { settings: input.settings } : {}),
      at: new Date(now()).toISOString(),
    });
    engine.applySystemResult(work, result, now());
  };

  let lastAttributes = '';
  const updateSearchAttributes = (plan: Plan) => {
    const phase = engine.phase(plan);
    const values = {
      unit: engine.facts.unit,
      departure: engine.facts.departureDate,
      phase,
      countries: tripCountries(engine.facts),
      atRisk: engine.closed ? false : plan.atRisk,
      // The forecast of a late case moves with the clock: as a search attribute it is the Shanghai date
      // (what managers filter on), so it is upserted when the date changes, not at every workflow task.
      ready: patched(FORECAST_DATE_PATCH) ? `${shanghaiDate(plan.forecastReadyAt)}T00:00:00+08:00` : plan.forecastReadyAt,
      utcDates: patched(UTC_DATE_ATTRIBUTES_PATCH),
    };
    const key = JSON.stringify(values);
    if (key === lastAttributes) return;
    lastAttributes = key;
    const pairs: SearchAttributeUpdatePair[] = [
      { key: SearchAttributes.DelegationUnit, value: values.unit },
      {
        key: SearchAttributes.DepartureDate,
        value: values.utcDates ? dateAttribute(values.departure) : new Date(`${values.departure}T00:00:00+08:00`),
      },
      { key: SearchAttributes.Phase, value: values.phase },
      { key: SearchAttributes.Countries, value: values.countries },
      { key: SearchAttributes.AtRisk, value: values.atRisk },
      {
        key: SearchAttributes.ForecastReadyDate,
        value:
          values.utcDates && values.ready.endsWith('T00:00:00+08:00') ? dateAttribute(values.ready.slice(0, 10)) : new Date(values.ready),
      },
    ];
    upsertSearchAttributes(pairs);
  };

  if (!startedFirst) engine.start(now());
  for (;;) {
    const { plan, events } = drain(engine, now(), {
      systemWork: (work) => work.forEach((w) => track(runSystem(w))),
      // Notifications and members' trips are projected from their events in the append transaction; cases
      // that began before that still schedule the (now empty) activities their histories hold.
      sideRecords: (escalations, trips) => {
        if ((escalations.length > 0 || trips) && !patched(PROJECTED_SIDE_RECORDS_PATCH)) {
          for (const e of escalations) track(recordEscalation({ ...e, createdAt: new Date(now()).toISOString() }));
          if (trips) track(recordTrips({ caseId: input.caseId, facts: engine.facts }));
        }
      },
      custody: (work) =>
        work.forEach((w) => {
          const member = engine.facts.members.find((m) => m.id === w.memberId);
          // A supersession after a change names the passport the member had before it (the facts now name the new one).
          const passportNumber = (w.action === 'supersede' ? w.passportNumber : undefined) ?? member?.passport?.number ?? w.passportNumber;
          track(
            passportCustody({
              caseId: input.caseId,
              key: w.key,
              action: w.action,
              memberId: w.memberId,
              ...((member?.personId ?? w.personId) ? { personId: member?.personId ?? w.personId } : {}),
              ...(passportNumber ? { passportNumber } : {}),
              ...(w.dueBackOn ? { dueBackOn: w.dueBackOn } : {}),
              ...(w.memberLeft ? { memberLeft: true } : {}),
              ...(w.redated ? { redated: true } : {}),
              ...(w.newPassport ? { newPassport: w.newPassport } : {}),
              // The passports a new one replaces beside the facts' (those not lasting the trip): the worker's to find.
              ...(w.action === 'register' || w.action === 'cancel' || w.action === 'supersede'
                ? { returnDate: engine.facts.returnDate }
                : {}),
            }).then(() => undefined),
          );
        }),
      settleWd: () => (patched(REPLAN_SETTLE_PATCH) ? REPLAN_SETTLE_WD : 0),
      planWindowMs: () => (patched(REPLAN_ON_CHANGE_PATCH) ? PLAN_WINDOW_MS : 0),
      recordDrift: () => !patched(DRIFT_ON_TIME_TURN_PATCH) || timeTurn,
      recordProvisional: () => patched(PROVISIONAL_CALENDAR_RECORD_PATCH),
    });
    timeTurn = false;
    // Published with the batch's seq before the batch is stored: the answer is current for the case page
    // from the moment the append commits, not only once this workflow's next task ran (seconds under load).
    publishProgress(plan);
    if (events.length > 0) {
      await store(events);
      flushedSeq = events[events.length - 1]!.seq;
      continue; // handlers may have acted while we were appending
    }
    updateSearchAttributes(plan);
    if (engine.closed && inflight.size === 0) break;
    dirty = false;
    const deadline = engine.nextDeadline();
    let waitMs = deadline === undefined ? undefined : clock.msUntil(Date.now(), deadline);
    if (waitMs !== undefined && waitMs <= 0) {
      engine.fireDueDeadlines(now());
      timeTurn = true;
      continue;
    }
    // Time alone moves the plan: wake at the at-risk instant and every working day, so the next drain
    // re-plans (case.replanned) and the search attributes follow. A timer: new commands, hence the patch.
    timeWakes = patched(TIME_WAKE_PATCH);
    const wake = timeWakes ? engine.nextTimeWake(now(), plan) : undefined;
    if (wake !== undefined) {
      const wakeMs = Math.max(1, clock.msUntil(Date.now(), wake));
      waitMs = waitMs === undefined ? wakeMs : Math.min(waitMs, wakeMs);
    }
    const woke = waitMs === undefined ? (await condition(() => dirty), true) : await condition(() => dirty, waitMs);
    if (!woke) {
      engine.fireDueDeadlines(now());
      timeTurn = true;
    }
  }
  await condition(allHandlersFinished);
  return {
    caseId: input.caseId,
    status: engine.status,
    ...(engine.closedReason ? { reason: engine.closedReason } : {}),
    lastSeq: engine.lastSeq,
  };
}
