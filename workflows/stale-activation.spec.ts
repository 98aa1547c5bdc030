import type { ActivateInput, WorkflowInternalsInterceptor } from '@temporalio/workflow';
import { interceptors, StaleActivationError } from './stale-activation';

/** One activation as Core sends it: the task's start (epoch seconds and nanos), the history length, the jobs' variants. */
const activation = (seconds: number, nanos: number, historyLength: number, ...variants: string[]): ActivateInput => ({
  batchIndex: 0,
  activation: { timestamp: { seconds: seconds as never, nanos }, historyLength, jobs: variants.map((variant) => ({ variant })) as never },
});

function guard(): (input: ActivateInput) => string[] {
  const internals = interceptors().internals![0] as Required<WorkflowInternalsInterceptor>;
  return (input) => {
    const ran: string[] = [];
    internals.activate(input, (i) => void ran.push(...(i.activation.jobs ?? []).map((j) => (j as { variant: string }).variant)));
    return ran;
  };
}

describe('the stale-activation guard (workflows/stale-activation.ts)', () => {
  it('lets a run through whose activations move on in history and clock, and activations within one task', () => {
    const activate = guard();
    expect(activate(activation(1_796_153_061, 967_000_000, 3, 'initializeWorkflow'))).toEqual(['initializeWorkflow']);
    expect(activate(activation(1_796_153_062, 100, 9, 'resolveActivity'))).toEqual(['resolveActivity']);
    // A second activation of the same task: same length, same clock.
    expect(activate(activation(1_796_153_062, 100, 9, 'doUpdate'))).toEqual(['doUpdate']);
    expect(activate(activation(1_796_153_062, 101, 15, 'fireTimer', 'doUpdate'))).toEqual(['fireTimer', 'doUpdate']);
  });

  it('refuses history events at the clock of an earlier task (the hand-over test: a timer fired, seen at the last task’s start)', () => {
    const activate = guard();
    activate(activation(1_796_153_378, 193_000_000, 220, 'initializeWorkflow'));
    expect(() => activate(activation(1_796_153_378, 193_000_000, 228, 'fireTimer'))).toThrow(StaleActivationError);
    // An append that completed, a signal: the same.
    expect(() => activate(activation(1_796_153_378, 193_000_000, 230, 'resolveActivity'))).toThrow(
      /stale activation refused: history events up to 230/,
    );
    expect(() => activate(activation(1_796_153_300, 0, 231, 'signalWorkflow'))).toThrow(StaleActivationError);
    // The next task, at its own time, goes on.
    expect(activate(activation(1_796_153_379, 0, 231, 'fireTimer'))).toEqual(['fireTimer']);
  });

  it('passes queries and evictions, which carry no history event', () => {
    const activate = guard();
    activate(activation(1_796_153_378, 193_000_000, 220, 'initializeWorkflow'));
    expect(activate(activation(1_796_153_378, 193_000_000, 228, 'queryWorkflow'))).toEqual(['queryWorkflow']);
    expect(activate(activation(1_796_153_378, 193_000_000, 228, 'removeFromCache'))).toEqual(['removeFromCache']);
  });

  it('keeps the latest clock seen: a later task (a dropped speculative one) does not let an earlier clock through', () => {
    const activate = guard();
    activate(activation(100, 0, 10, 'initializeWorkflow'));
    activate(activation(105, 0, 14, 'doUpdate')); // an update refused in a speculative task, never recorded
    expect(() => activate(activation(103, 0, 15, 'fireTimer'))).toThrow(StaleActivationError);
    expect(activate(activation(106, 0, 15, 'fireTimer'))).toEqual(['fireTimer']);
  });
});
