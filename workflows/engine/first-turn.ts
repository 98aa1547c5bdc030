import { chineseCalendar, createCalendar, type Plan, type WorkingCalendar } from '@df/domain';
import { delegationWorkflowId, type DelegationInput, type DelegationProgress } from '@df/contracts';
import { CaseEngine } from './case-engine';
import { drain } from './drain';

/** Working days a late case's forecast may drift before a new case.replanned (CaseEngine.replan; patch replan-settle). */
export const REPLAN_SETTLE_WD = 0.5;
/** 1/64 working day (7.5 minutes of an 8-hour day) of case time, the at-risk instant's precision (progress.ts; patch replan-on-change). */
export const PLAN_WINDOW_MS = (8 * 3_600_000) / 64;

/**
 * The working calendar a case started today plans with: the office's schedules loaded at submission, else the
 * package's (years without a published schedule planned provisionally). The workflow takes it for every case
 * started since patch provisional-calendar.
 */
export function newCaseCalendar(input: Pick<DelegationInput, 'schedules'>): WorkingCalendar {
  return input.schedules?.length ? createCalendar({ schedules: input.schedules }) : chineseCalendar();
}

/**
 * The progress answer a new case's workflow publishes after its first turn (engine.start, then one drain: the
 * case as submitted, its first steps open, its first system steps running), computed where the case is
 * submitted, at `now` (epoch ms, the submission instant: the case clock's origin). Every rule applies, as for any
 * case started today (a new workflow's patched() answers true). `lastSeq` is the seq of that turn's batch, which
 * the workflow stores; its own answer, published at its first task (a later case time), replaces this one
 * (writeProgressSnapshots keeps the newer). Only the clock differs: steps started at `now`, not at the first
 * task's instant. Pure: nothing is stored or scheduled here.
 */
export function firstTurnAnswer(input: DelegationInput, now: number, newId: () => string): { answer: DelegationProgress; lastSeq: number } {
  const engine = new CaseEngine(input, { newId, workflowId: delegationWorkflowId(input.caseId), calendar: newCaseCalendar(input) });
  engine.start(now);
  const { plan } = drain(engine, now, {
    systemWork: () => undefined,
    settleWd: () => REPLAN_SETTLE_WD,
    planWindowMs: () => PLAN_WINDOW_MS,
    recordDrift: () => false,
  });
  return { answer: { ...engine.progress(now, input.workingDaySeconds, plan), incident: null }, lastSeq: engine.lastSeq };
}

/**
 * The plan a new case answers its submission with (the API's 201), at `now` (epoch ms, the submission instant): the
 * engine's own planner over the case as it starts, with every rule on and the calendar the workflow takes
 * (newCaseCalendar), so the submission's answer plans as the case will (the office's risk threshold, the steps
 * certifying a day out of the forecast: patch certified-step-plan). Pure: nothing is stored or scheduled.
 */
export function submissionPlan(input: DelegationInput, now: number): Plan {
  let ids = 0;
  const engine = new CaseEngine(input, {
    newId: () => `submission-${++ids}`,
    workflowId: delegationWorkflowId(input.caseId),
    calendar: newCaseCalendar(input),
  });
  engine.start(now);
  return engine.plan(now);
}
