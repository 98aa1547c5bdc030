import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';

/**
 * The workflow bundle's interceptors (BundleOptions.workflowInterceptorModules, apps/worker/src/workflow-source.ts):
 * one guard, against activations that carry history events at an earlier task's clock.
 *
 * Seen with @temporalio/worker 1.24 (its Core SDK): a legacy query (a query while no workflow task is outstanding)
 * reaching a worker that does not hold the case replays the history to answer it, and a timer that fired after
 * the last completed workflow task (an append that completed, a signal) is handed to the workflow in that
 * activation, with `Date.now()` still at the last task's start. The case acts on it at that stale instant (a
 * deadline not yet due, a shorter wait) and its commands are kept and sent with the next workflow task. A replay
 * delivers the same event in that task's activation, at the task's own time, and acts otherwise: `[TMPRL1100]
 * Activity machine does not handle this event … TimerStarted`, and the case could never be replayed again. Found
 * by the worker hand-over test (test/integration/event-store.test.ts), which drives a case by queries right after
 * a new worker takes over; the 1-second working day there makes the stale instant a different case day.
 *
 * The guard fails such an activation before any job runs (`StaleActivationError`): Core answers the query with
 * that failure (the API's 503 "retry") and drops the run, and the next workflow task replays it at its own time.
 * Recognised by its history length, which moved on, and its clock, which did not. Activations within one workflow
 * task (same length, same clock) and queries and evictions (no event of their own) pass. A false alarm costs one
 * failed workflow task, retried with a fresh replay; nothing is recorded from the failed activation.
 */
export class StaleActivationError extends Error {
  override readonly name = 'StaleActivationError';
}

/** Jobs that carry no history event: a query's answer, the run leaving the cache. */
const WITHOUT_EVENT = new Set(['queryWorkflow', 'removeFromCache']);

interface Seen {
  seconds: number;
  nanos: number;
  historyLength: number;
}

const later = (a: Seen, b: Seen): boolean => a.seconds > b.seconds || (a.seconds === b.seconds && a.nanos > b.nanos);

export const interceptors: WorkflowInterceptorsFactory = () => {
  let seen: Seen | undefined;
  return {
    internals: [
      {
        activate(input, next) {
          const { timestamp, historyLength, jobs } = input.activation;
          const withEvents = (jobs ?? []).some((job) => !WITHOUT_EVENT.has((job as { variant?: string }).variant ?? ''));
          if (timestamp && withEvents) {
            const now: Seen = { seconds: Number(timestamp.seconds ?? 0), nanos: timestamp.nanos ?? 0, historyLength: historyLength ?? 0 };
            if (seen && now.historyLength > seen.historyLength && !later(now, seen))
              throw new StaleActivationError(
                `stale activation refused: history events up to ${now.historyLength} at the clock of an earlier workflow task ` +
                  `(${new Date(now.seconds * 1000 + Math.floor(now.nanos / 1e6)).toISOString()}, already seen at history ${seen.historyLength}); ` +
                  'the run is dropped and the next workflow task replays it at its own time (workflows/stale-activation.ts)',
              );
            seen = {
              ...(seen && !later(now, seen) ? { seconds: seen.seconds, nanos: seen.nanos } : { seconds: now.seconds, nanos: now.nanos }),
              historyLength: Math.max(now.historyLength, seen?.historyLength ?? 0),
            };
          }
          next(input);
        },
      },
    ],
  };
};
