import type { Plan } from '@df/domain';
import type { CaseEvent } from '@df/contracts';
import type { CaseEngine, CustodyWork, Escalation, SystemResult, SystemWork } from './case-engine';

export interface DrainHooks {
  /** Start the system steps that became due (the workflow schedules activities; sync drivers may answer later). */
  systemWork(work: SystemWork[]): void;
  /** Escalations and the trips flag, for drivers that still record them apart from the events (legacy histories). */
  sideRecords?(escalations: Escalation[], recordTrips: boolean): void;
  /** The passport custody ledger's moves of finished steps (behaviour.custody). */
  custody?(work: CustodyWork[]): void;
  /** Working days the forecast of a late case may drift before a new case.replanned (CaseEngine.replan); read after the side records. */
  settleWd?(): number;
  /** Case-time ms a plan is reused while the state is unchanged (CaseEngine.replan); read after settleWd. 0: plan every time. */
  planWindowMs?(): number;
  /** Whether this turn may record the forecast's drift alone (CaseEngine.replan); read after planWindowMs. Default true. */
  recordDrift?(): boolean;
  /**
   * Whether a plan turning provisional or final (a year's schedule loaded: 暂排 on or off) is recorded by itself
   * (CaseEngine.replan); read after recordDrift. Default true; the workflow asks patched('provisional-calendar-record').
   */
  recordProvisional?(): boolean;
}

/**
 * One turn of the drain protocol, the same for the workflow, the bench and the tests: hand out the due
 * system work, then escalations and trips, then re-plan, then take the events to flush. The order is the
 * workflow's command order (recorded histories replay on it): do not reorder.
 */
export function drain(engine: CaseEngine, now: number, hooks: DrainHooks): { plan: Plan; events: CaseEvent[] } {
  hooks.systemWork(engine.takeSystemWork());
  const escalations = engine.takeEscalations();
  const trips = engine.takeTripRecording();
  hooks.sideRecords?.(escalations, trips);
  hooks.custody?.(engine.takeCustodyWork());
  const settleWd = hooks.settleWd?.() ?? 0;
  const windowMs = hooks.planWindowMs?.() ?? 0;
  const recordDrift = hooks.recordDrift?.() ?? true;
  const plan = engine.replan(now, settleWd, windowMs, recordDrift, hooks.recordProvisional?.() ?? true);
  return { plan, events: engine.takeEvents() };
}

/**
 * For synchronous drivers (tests, the bench): drains until nothing is left, answering each system step
 * at once with `answer`. Returns the flushed batches in order (a read model only ever shows whole batches).
 */
export function drainNow(engine: CaseEngine, now: number, answer: (work: SystemWork) => SystemResult = () => ({})): CaseEvent[][] {
  const batches: CaseEvent[][] = [];
  for (let guard = 0; guard < 1000; guard++) {
    let pending: SystemWork[] = [];
    const { events } = drain(engine, now, { systemWork: (w) => (pending = w) });
    for (const work of pending) engine.applySystemResult(work, answer(work), now);
    if (events.length > 0) batches.push(events);
    if (events.length === 0 && pending.length === 0) return batches;
  }
  throw new Error('drainNow: the engine did not settle');
}
