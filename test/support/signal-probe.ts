// A program under runUntilSignal whose orderly stop takes STOP_MS (default 3 s): the fault tests
// signal it to check what one Ctrl-C, a forced second one and SIGTERM do.
import { runUntilSignal } from '@df/runtime';

const stopMs = Number(process.env.STOP_MS ?? 3000);

const startMs = Number(process.env.START_MS ?? 0);

// LINES=json: its own lines as the API's and the worker's are written (runUntilSignal's `lines`).
const lines = process.env.LINES === 'json' ? 'json' : 'text';

void runUntilSignal(
  'probe',
  async () => {
    // Stands for the API's server: something that keeps the process alive until stopped.
    const alive = setInterval(() => undefined, 60_000);
    // Stands for servers being started (the launcher's PostgreSQL, Temporal, worker, API): a signal may come meanwhile.
    console.log('probe: starting');
    await new Promise((r) => setTimeout(r, startMs));
    console.log('probe: ready');
    return {
      stop: async () => {
        clearInterval(alive);
        await new Promise((r) => setTimeout(r, stopMs));
        console.log('probe: orderly stop done');
      },
    };
  },
  lines,
);
