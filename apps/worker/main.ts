// The worker as its own process, against an external PostgreSQL and Temporal (docker/, multi-machine).
import { loadConfig, requireServices, runUntilSignal } from '@df/runtime';
import { bootstrapWorker, TemporalWorkerService } from './src';


void runUntilSignal('worker', async () => {
  const config = requireServices(loadConfig());
  const app = await bootstrapWorker({ config });
  return { stop: () => app.close(), stopped: app.get(TemporalWorkerService).whenStopped() };
});
