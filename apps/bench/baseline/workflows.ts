// The bare Temporal baseline: a workflow that does nothing but take updates. Deterministic workflow
// code (lint: no Node built-ins, no I/O), bundled for a worker of its own on a task queue of its own.
import { allHandlersFinished, condition, defineUpdate, setHandler } from '@temporalio/workflow';

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
