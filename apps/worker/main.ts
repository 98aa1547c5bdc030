// The worker as its own process, against an external PostgreSQL and Temporal (docker/, multi-machine).
import { loadConfig, requireServices, runUntilSignal } from '@df/runtime';
import { bootstrapWorker, TemporalWorkerService } from './src';

void runUntilSignal(
  'worker',
  async () => {
    const config = requireServices(loadConfig());
    // The image ships a bundle built at image build time (WORKFLOW_BUNDLE_PATH): no webpack at start.
    const app = await bootstrapWorker({ config, workflowBundlePath: config.workflowBundlePath });
    return { stop: () => app.close(), stopped: app.get(TemporalWorkerService).whenStopped() };
  },
  'json',
);
