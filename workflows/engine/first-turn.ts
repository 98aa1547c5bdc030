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
 * A new case's first turn (engine.start, then one drain: the case as submitted, its first steps open, its first
 * system steps running), computed where the case is submitted, at `now` (epoch ms, the submission instant: the
 * case clock's origin). Every rule applies, as for any case started today (a new workflow's patched() answers
 * true). One turn gives both things the submission answers with:
 * - `plan`: the plan of the submission's 201 (the office's risk threshold, the steps certifying a day out of the
 *   forecast: patch certified-step-plan), planned as the workflow will plan the case;
 * - `answer` and `lastSeq`: the progress answer the workflow publishes after its first turn and the seq of that
 *   turn's batch, which the workflow stores. Its own answer, published at its first task (a later case time),
 *   replaces this one (writeProgressSnapshots keeps the newer). Only the clock differs: steps started at `now`,
 *   not at the first task's instant.
 * Pure: nothing is stored or scheduled here; `newId` names the turn's events.
 */
export function firstTurn(
  input: DelegationInput,
  now: number,
  newId: () => string,
): { plan: Plan; answer: DelegationProgress; lastSeq: number } {
  const engine = new CaseEngine(input, { newId, workflowId: delegationWorkflowId(input.caseId), calendar: newCaseCalendar(input) });
  engine.start(now);
  const { plan } = drain(engine, now, {
    systemWork: () => undefined,
    settleWd: () => REPLAN_SETTLE_WD,
    planWindowMs: () => PLAN_WINDOW_MS,
    recordDrift: () => false,
  });
  return { plan, answer: { ...engine.progress(now, input.workingDaySeconds, plan), incident: null }, lastSeq: engine.lastSeq };
}
