// A program under runUntilSignal whose orderly stop takes STOP_MS (default 3 s): the fault tests
// signal it to check what one Ctrl-C, a forced second one and SIGTERM do.
import { runUntilSignal } from '@df/runtime';

const stopMs = Number(process.env.STOP_MS ?? 3000);

void runUntilSignal('probe', async () => {
  // Stands for the API's server: something that keeps the process alive until stopped.
  const alive = setInterval(() => undefined, 60_000);
  console.log('probe: ready');
  return {
    stop: async () => {
      clearInterval(alive);
      await new Promise((r) => setTimeout(r, stopMs));
      console.log('probe: orderly stop done');
    },
  };
});
