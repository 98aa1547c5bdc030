// The baselines on the same Temporal server: a workflow that does nothing but take updates (the limit
// Temporal sets), and one whose update appends one event row to PostgreSQL through an activity before
// it answers (the least any design with a durable read model pays). Deterministic workflow code (lint:
// no Node built-ins, no I/O), bundled for a worker of its own on a task queue of its own.
import { allHandlersFinished, condition, defineUpdate, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { BaselineActivities } from './activities';

export interface BaselineAction {
  requestId: string;
  stepKey: string;
}

export interface BaselineResult {
  accepted: true;
  requestId: string;
  seq: number;
}

export const baselineActUpdate = defineUpdate<BaselineResult, [BaselineAction]>('act');

/** Takes `expected` updates, answering each with its sequence number, then completes. */
export async function baselineCase(expected: number): Promise<number> {
  let seq = 0;
  setHandler(baselineActUpdate, (action) => ({ accepted: true, requestId: action.requestId, seq: ++seq }));
  await condition(() => seq >= expected);
  await condition(allHandlersFinished);
  return seq;
}

const { appendBaselineEvent } = proxyActivities<BaselineActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '50 milliseconds', maximumAttempts: 20 },
});

/**
 * Takes `expected` updates; each appends its event row (the update id as the event id, so a retried
 * activity inserts nothing new) before it answers, then completes.
 */
export async function appendBaselineCase(expected: number): Promise<number> {
  let seq = 0;
  let answered = 0;
  setHandler(baselineActUpdate, async (action) => {
    const n = ++seq;
    await appendBaselineEvent({ streamId: workflowInfo().workflowId, seq: n, eventId: action.requestId, stepKey: action.stepKey });
    answered++;
    return { accepted: true as const, requestId: action.requestId, seq: n };
  });
  await condition(() => answered >= expected);
  await condition(allHandlersFinished);
  return seq;
}
