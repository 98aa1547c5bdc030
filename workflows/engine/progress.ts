import {
  DEFAULT_AT_RISK_THRESHOLD_WD,
  certifiedDays,
  dayNumber,
  deriveFacts,
  plan as planCase,
  shanghaiDate,
  toIso,
  type CasePhase,
  type InstanceState,
  type Plan,
  missingAttachmentKinds,
  planReasonProblem,
  PLAN_REASON_MISSING,
  waitingStepOf,
} from '@df/domain';
import type { DelegationProgress, DeficiencyProgress, StepProgress, StepStatus } from '@df/contracts';
import { planSummary, stepOfClosedCase } from '@df/contracts';
import type { CaseCore, StepState } from './core';
import type { StepMeta } from './step-meta';
import { returnChoices } from './actions/decide';

/** The progress view: the plan over the instances' states, the phase, the replanned event and the progress query's answer. */

/**
 * What the planner reads of the state, as one string: the due date, and per instance its status and times.
 * With the instances array and the calendar (both replaced, never mutated, when they change) it identifies
 * the planner's input but for `now`.
 */
function planInputKey(core: CaseCore): string {
  // The return date only where the planner reads it (certifiedDays): the key of older runs is as it was.
  let key =
    core.deps.certifiedStepPlan !== false ? `${core.facts.departureDate}|${core.facts.returnDate}|` : `${core.facts.departureDate}|`;
  for (const inst of core.instances) {
    const s = core.states.get(inst.key)!;
    key += `${inst.key}:${s.status}:${s.startedAt ?? ''}:${s.doneAt ?? ''};`;
  }
  return key;
}

/** The last plan the drain made (replan with a window): reused while the state is the same and `now` within the window. */
export interface PlanMemo {
  key: string;
  instances: CaseCore['instances'];
  calendar: CaseCore['calendar'];
  now: number;
  plan: Plan;
}

export function currentPlan(core: CaseCore, now: number): Plan {
  const states: Record<string, InstanceState> = {};
  for (const inst of core.instances) {
    const s = core.states.get(inst.key)!;
    states[inst.key] = {
      status: s.status === 'returned' ? 'pending' : s.status === 'overdue' ? 'awaiting' : s.status === 'withdrawn' ? 'skipped' : s.status,
      ...(s.startedAt !== undefined ? { startedAt: s.startedAt } : {}),
      ...(s.doneAt !== undefined ? { doneAt: s.doneAt } : {}),
    };
  }
  return planCase({
    instances: core.instances,
    states,
    now,
    departureDate: core.facts.departureDate,
    calendar: core.calendar,
    atRiskThresholdWd: core.input.settings?.atRiskThresholdWd ?? DEFAULT_AT_RISK_THRESHOLD_WD,
    caseStartedAt: core.input.submittedAt,
    ...(core.deps.certifiedStepPlan !== false
      ? { certifiedDays: certifiedDays(core.definition, core.facts), certifiedLate: core.deps.certifiedLateRisk !== false }
      : {}),
    throughRechecks: core.deps.planThroughRechecks !== false,
  });
}

/**
 * Re-plans only on a state change (issue 16): the plan of the last replan is reused while the planner's input
 * is the same and `now` is less than `windowMs` (case time) after the instant it was made for, so the
 * activation that only sees an append done, a timer with nothing due or a handler that changed nothing does
 * not run the planner again. Only the drain's replan reads and writes the memo (a query's clock is not the
 * workflow's: a memo written by a query would differ on replay).
 */
function memoisedPlan(core: CaseCore, now: number, windowMs: number): Plan {
  const key = planInputKey(core);
  const m = core.planMemo;
  if (m && m.key === key && m.instances === core.instances && m.calendar === core.calendar && now >= m.now && now - m.now < windowMs)
    return m.plan;
  const plan = currentPlan(core, now);
  core.planMemo = { key, instances: core.instances, calendar: core.calendar, now, plan };
  return plan;
}

/** The case's phase: the phase of the step its plan waits on (`waiting`, waitingFor's answer, when the caller has it). */
export function phaseOf(core: CaseCore, plan: Plan, waiting = waitingFor(core, plan)): CasePhase {
  if (core.closed) return 'closed';
  if (core.status === 'departed') return 'post-trip';
  return waiting === null ? 'depart' : core.metas.get(waiting)!.phase;
}

/** The critical path's first step the engine holds not done (waitingStepOf over the engine's own statuses). */
function waitingFor(core: CaseCore, plan: Plan): string | null {
  return waitingStepOf(plan.criticalPath, (key) => core.states.get(key)?.status);
}

/**
 * Emits case.replanned when what managers see (forecast, slack, risk, phase, latest starts) changed.
 * While a critical step is late the forecast moves with the clock at every replan; with `settleWd` > 0
 * such drift alone is recorded only once the slack has moved by that much since the last record
 * (anything else that changes is recorded at once). Without it, every workflow task of a late case
 * appended a new case.replanned, whose append woke the workflow again: a loop for as long as the
 * step stayed late (docs/benchmarks.md). With `recordDrift` false such drift is not recorded at all in this
 * replan, whatever its size (the workflow passes true only on a turn time began: a timer fired, or the calendar
 * changed): under a compressed time scale, or a slow store, an append could take longer than `settleWd` of case
 * time, so the drain after each append recorded drift again and appended again, a loop of its own.
 * `recordProvisional`: whether the plan turning provisional or final (provisionalCalendar) is itself a change to record.
 */
export function replan(core: CaseCore, now: number, settleWd = 0, windowMs = 0, recordDrift = true, recordProvisional = true): Plan {
  core.now = now;
  const p = windowMs > 0 ? memoisedPlan(core, now, windowMs) : currentPlan(core, now);
  // The engine's own statuses (a returned or overdue step waits as the plan's pending or awaiting one does).
  const waiting = waitingFor(core, p);
  const phase = phaseOf(core, p, waiting);
  const open = p.steps.filter((s) => s.status === 'awaiting' || s.status === 'blocked');
  // A closed case waits for nothing: the steps it left undone are withdrawn (stepOfClosedCase), with no latest start and
  // on no path, as its page and the list show it (trial 36: a withdrawn case's closing event named E07 critical). Asked
  // only when the plan names something (CaseDeps.closedPlanWaitsForNothing), so a history recorded before replays as it ran.
  const nothing = core.closed && (open.length > 0 || waiting !== null) && (core.deps.closedPlanWaitsForNothing?.() ?? true);
  const latestStarts = nothing ? {} : Object.fromEntries(open.map((s) => [s.key, s.latestStart]));
  const criticalStep = nothing ? null : waiting;
  // With `recordProvisional` a plan turning provisional or final is recorded by itself: the list's 暂排 mark stayed on
  // when the office loaded a year whose days off left the forecast where it was. Old runs (patch) record it only with
  // another change.
  const shape = JSON.stringify([
    p.atRisk,
    phase,
    criticalStep,
    latestStarts,
    core.status,
    ...(recordProvisional ? [p.provisionalCalendar] : []),
  ]);
  const key = JSON.stringify([p.forecastReadyAt, p.slackWd, shape]);
  const drifted = settleWd > 0 && shape === core.lastPlanShape && (!recordDrift || Math.abs(p.slackWd - core.lastPlanSlack) < settleWd);
  if (key !== core.lastPlanKey && !drifted) {
    core.lastPlanKey = key;
    core.lastPlanShape = shape;
    core.lastPlanSlack = p.slackWd;
    core.emit('case.replanned', null, {
      phase,
      status: core.status,
      forecastReadyAt: p.forecastReadyAt,
      forecastReadyDate: p.forecastReadyDate,
      slackWd: p.slackWd,
      atRisk: p.atRisk,
      criticalPath: p.criticalPath,
      criticalStep,
      latestStarts,
      provisionalCalendar: p.provisionalCalendar,
      prepared: p.prepared,
      ...(core.replanCause ? { cause: core.replanCause } : {}),
    });
  }
  // Said by the re-plan it caused, or by none when the forecast stayed.
  core.replanCause = undefined;
  return p;
}

export function progressView(core: CaseCore, now: number, workingDaySeconds?: number, plan?: Plan): DelegationProgress {
  // A closed case's plan is the one it closed with (the engine's last instant), not one moving with each read (fifth
  // trial: a failed case's forecast moved on every read, at risk); a departed or closed case is never at risk, as
  // the read model has it.
  const p = plan ?? currentPlan(core, core.closed ? core.now : now);
  const planned = new Map(p.steps.map((s) => [s.key, s]));
  const steps: StepProgress[] = [];
  // What an approval declaring requiresPlanReason must state while the trip is outside the annual plan (the refusal's text).
  const planOutcome = core.annualPlanOutcome();
  const planReason = planReasonProblem(planOutcome, 'approve', undefined)?.message;
  // A done approval declaring requiresPlanReason while the trip is outside the plan: approved before a re-check put
  // it there with no reason stated (said, not undone), or with the reason it stated, for whoever decides next (trial
  // 67: B06 and B07 did not see it).
  const approvedOutsidePlan = (
    meta: StepMeta,
    state: StepState,
    status: StepStatus,
  ): Pick<StepProgress, 'planReasonMissing' | 'planReasonStated'> => {
    if (!meta.behaviour.requiresPlanReason || status !== 'done' || state.decision !== 'approve') return {};
    if (planReasonProblem(planOutcome, 'approve', state.comment)) return { planReasonMissing: PLAN_REASON_MISSING };
    return planReason && typeof state.comment === 'string' ? { planReasonStated: state.comment } : {};
  };
  const describe = (meta: StepMeta, state: StepState, status: StepStatus): StepProgress => {
    const ps = planned.get(meta.key);
    return {
      key: meta.key,
      code: meta.code,
      name: meta.name,
      phase: meta.phase,
      kind: meta.kind,
      actorRole: meta.actor,
      ...(meta.memberId !== undefined ? { memberId: meta.memberId } : {}),
      ...(meta.country !== undefined ? { country: meta.country } : {}),
      status,
      durationWd: meta.durationWd,
      ...(state.blockedReason && status === 'blocked' ? { blockedReason: state.blockedReason } : {}),
      ...(state.startedAt !== undefined ? { startedAt: toIso(state.startedAt) } : {}),
      ...(state.doneAt !== undefined ? { doneAt: toIso(state.doneAt) } : {}),
      ...(state.dueAt !== undefined ? { dueAt: toIso(state.dueAt) } : {}),
      ...(ps && status !== 'done' && status !== 'skipped' && status !== 'withdrawn' ? { latestStartAt: ps.latestStart } : {}),
      ...(ps && state.startedAt === undefined && status !== 'done' && status !== 'skipped' && status !== 'withdrawn'
        ? { earliestStartAt: ps.earliestStart, earliestFinishAt: ps.earliestFinish }
        : {}),
      critical: status !== 'withdrawn' && (ps?.critical ?? false), // a step no longer needed is on no path
      ...(state.actedBy ? { actedBy: state.actedBy } : {}),
      ...(state.actedByRole ? { actedByRole: state.actedByRole as StepProgress['actedByRole'] } : {}),
      ...(state.onBehalfOf ? { onBehalfOf: state.onBehalfOf } : {}),
      ...(state.decision ? { decision: state.decision } : {}),
      ...(state.comment ? { comment: state.comment } : {}),
      ...(state.data ? { data: state.data } : {}),
      ...(state.lastData && status !== 'done' && status !== 'skipped' && status !== 'withdrawn' ? { lastData: state.lastData } : {}),
      returns: state.returns,
      ...(state.lastReturn && status !== 'done' && status !== 'skipped' && status !== 'withdrawn'
        ? {
            returnedBy: {
              stepKey: state.lastReturn.by,
              ...(state.lastReturn.comment ? { comment: state.lastReturn.comment } : {}),
              ...(state.lastReturn.actedBy ? { actedBy: state.lastReturn.actedBy } : {}),
              at: toIso(state.lastReturn.at),
            },
          }
        : {}),
      ...(state.rerunBy && status !== 'done' && status !== 'skipped' && status !== 'withdrawn'
        ? { rerunBy: { ...state.rerunBy, at: toIso(state.rerunBy.at) } }
        : {}),
      ...(meta.kind === 'approval' && (status === 'awaiting' || status === 'overdue') && !core.closed
        ? { returnTargets: returnChoices(core, meta.key) }
        : {}),
      ...(meta.behaviour.requiresAttachments?.length
        ? {
            requiresAttachments: [...meta.behaviour.requiresAttachments],
            missingAttachments: missingAttachmentKinds(
              meta.behaviour.requiresAttachments,
              meta.key,
              core.attachments.values(),
              core.documentsServe(meta.key),
              true,
            ),
          }
        : {}),
      ...(planReason && meta.behaviour.requiresPlanReason && status !== 'done' && status !== 'skipped' && status !== 'withdrawn'
        ? { planReason }
        : {}),
      ...approvedOutsidePlan(meta, state, status),
    };
  };
  for (const [key, state] of core.states) {
    const step = describe(core.metas.get(key)!, state, state.status);
    steps.push(core.closed ? stepOfClosedCase(step) : step);
  }
  for (const { meta, state } of core.withdrawnSteps.values()) steps.push(describe(meta, state, 'withdrawn'));
  // A closed case waits for nothing (replan's rule: its case.replanned names no critical step either).
  const summary = core.closed
    ? { ...planSummary(p), atRisk: false, criticalStep: null }
    : core.status === 'departed'
      ? { ...planSummary(p), atRisk: false }
      : planSummary(p);
  const derived = deriveFacts(core.facts);
  return {
    caseId: core.caseId,
    workflowId: core.deps.workflowId,
    definitionVersion: core.definition.version,
    title: core.facts.title,
    unit: core.facts.unit,
    facts: core.facts,
    status: core.status,
    phase: phaseOf(core, p),
    now: toIso(now),
    ...(workingDaySeconds ? { workingDaySeconds } : {}),
    submittedAt: core.input.submittedAt,
    departureDate: core.facts.departureDate,
    daysToDeparture: dayNumber(core.facts.departureDate) - dayNumber(shanghaiDate(now)),
    plan: summary,
    steps,
    deficiencies: core.deficiencies.map((d): DeficiencyProgress => ({
      id: d.id,
      name: d.name,
      neededBy: d.neededBy,
      dueAt: toIso(d.dueAt),
      // A case closed before the document came needs it no more (as its open steps read withdrawn: stepOfClosedCase).
      status: core.closed && d.status !== 'supplied' ? 'not-needed' : d.status,
      ...(d.suppliedAt ? { suppliedAt: toIso(d.suppliedAt) } : {}),
      ...(d.fileRef ? { fileRef: d.fileRef } : {}),
      extensions: d.extensions ?? 0,
      extensionsLeft: Math.max(0, core.deficiencyRule.extensions - (d.extensions ?? 0)),
    })),
    objections: core.objections.map((o) => ({ at: toIso(o.at), by: o.by, text: o.text })),
    withdrawnMembers: [...core.withdrawnMembers],
    routes: derived.routes,
    violations: core.violations,
    // The approval document stands while the step that issued it is done: an amendment that sends it back (its
    // approvals run again) withdraws it until it is issued anew (trial: the PDF was still served, listing a member
    // never approved).
    ...(core.approvalDocumentNo && approvalDocumentStands(core) ? { approvalDocumentNo: core.approvalDocumentNo } : {}),
    lastSeq: core.log.seq,
  };
}

/** Working days between two time wakes of an open case: the board is never more than a day stale. */
export const TIME_WAKE_WD = 1;
/** Precision (working days) of the at-risk instant found by bisection: 1/64 WD, 7.5 minutes of a working day. */
const TIME_WAKE_PRECISION_WD = 1 / 64;

/**
 * The next instant (case time, epoch ms) at which the case must re-plan although nobody acted: the first
 * instant it turns at risk if that falls within TIME_WAKE_WD, else TIME_WAKE_WD from now. Undefined once
 * closed. `current` is the plan at `now` (the drain just made it). Slack falls at most one working day
 * per working day elapsed, so a case whose slack exceeds the threshold by more than TIME_WAKE_WD cannot
 * turn at risk before the daily wake; otherwise the crossing is bisected on the pure planner.
 */
export function nextTimeWake(core: CaseCore, now: number, current: Plan): number | undefined {
  if (core.closed) return undefined;
  const at = (wd: number) => core.calendar.addWorkingDays(now, wd, 'start');
  const daily = at(TIME_WAKE_WD);
  if (current.atRisk || current.slackWd - current.atRiskThresholdWd > TIME_WAKE_WD) return daily;
  if (!currentPlan(core, daily).atRisk) return daily;
  let lo = 0;
  let hi = TIME_WAKE_WD;
  while (hi - lo > TIME_WAKE_PRECISION_WD) {
    const mid = (lo + hi) / 2;
    if (currentPlan(core, at(mid)).atRisk) hi = mid;
    else lo = mid;
  }
  return at(hi);
}

/** Whether the case's approval document stands: the step issuing it (system work 'approval-document', B08) is done. */
function approvalDocumentStands(core: CaseCore): boolean {
  for (const [key, meta] of core.metas)
    if (meta.behaviour.system === 'approval-document' && core.states.get(key)?.status === 'done') return true;
  return false;
}
