import { rmSync } from 'node:fs';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import type { DelegationActivities, DelegationProgress } from '@df/contracts';
import { setWorkflowStackTraces, temporalConnectionOptions, temporalDataConverter } from '@df/runtime';
import { CaseEventActivitiesService } from './activities/case-events.activities';
import { ChainActivitiesService } from './activities/chain.activities';
import { ProgressSnapshotWriter } from './progress-snapshots';
import { WORKER_OPTIONS, WorkerModuleOptions } from './worker.options';
import { bundleInChildProcess, workflowSource } from './workflow-source';

/** Binds an injectable's activity methods to it, so Temporal can call them as plain functions. */
function bindActivities<T extends object, K extends keyof T & string>(service: T, names: K[]): Pick<T, K> {
  return Object.fromEntries(names.map((name) => [name, (service[name] as (...args: unknown[]) => unknown).bind(service)])) as Pick<T, K>;
}

@Injectable()
export class TemporalWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TemporalWorker');
  private connection?: NativeConnection;
  private worker?: Worker;
  private running?: Promise<void>;

  constructor(
    @Inject(WORKER_OPTIONS) private readonly options: WorkerModuleOptions,
    private readonly caseEvents: CaseEventActivitiesService,
    private readonly chain: ChainActivitiesService,
    private readonly snapshots: ProgressSnapshotWriter,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { config } = this.options;
    // Keys first: a missing key refuses the start before any bundling or connecting.
    const dataConverter = temporalDataConverter(config);
    const bundlePath = this.options.workflowBundlePath ?? (await bundleInChildProcess());
    this.connection = await NativeConnection.connect(temporalConnectionOptions(config));
    const activities: DelegationActivities = {
      ...bindActivities(this.caseEvents, ['appendCaseEvents', 'recordIncident', 'resolveIncident']),
      ...bindActivities(this.chain, [
        'runSystemStep',
        'recordEscalation',
        'recordTrips',
        'passportCustody',
        'openCardRenewal',
        'remindWhitelistReview',
      ]),
    };
    const workerOptions: WorkerOptions = {
      connection: this.connection,
      namespace: config.temporalNamespace,
      taskQueue: config.taskQueue,
      // Every payload (case data, step data, query and update answers) is encrypted in Temporal's history.
      dataConverter,
      activities,
      // The workflows' progress answers for the case page (issue 16): queued here, stored apart from the task.
      sinks: {
        caseProgress: { snapshot: { fn: (_info, answer: DelegationProgress) => this.snapshots.offer(answer), callDuringReplay: false } },
      },
      // The SDK's default sizes the cache from the heap limit (about 2,200 cases on a 4 GiB heap): with
      // every open case cached the worker's memory grows without bound (docs/benchmarks.md).
      maxCachedWorkflows: config.workerMaxCachedWorkflows,
      ...(config.workerMaxCachedWorkflows > 0 && config.workerMaxCachedWorkflows < 40
        ? { maxConcurrentWorkflowTaskExecutions: Math.max(2, config.workerMaxCachedWorkflows) }
        : {}),
      ...workflowSource(bundlePath),
      // On SIGTERM running activities get this long before they are cancelled: longer than the longest
      // activity (1 min, workflows/delegation.workflow.ts), shorter than the 90 s the orchestrator waits
      // before SIGKILL (compose stop_grace_period, Helm terminationGracePeriodSeconds).
      shutdownGraceTime: '70 seconds',
    };
    // Read by the workflow threads Worker.create starts (WORKER_WORKFLOW_STACK_TRACES, libs/runtime workflow-stack-traces.ts).
    if (!setWorkflowStackTraces(config.workerWorkflowStackTraces) && !config.workerWorkflowStackTraces)
      this.logger.warn(
        'the Temporal SDK is not patched (run `npx patch-package`): workflow stack traces stay on, at a third more CPU per replay',
      );
    else
      this.logger.log(
        `workflow stack traces ${config.workerWorkflowStackTraces ? 'on' : 'off'} (WORKER_WORKFLOW_STACK_TRACES; docs/operations.md "Where a workflow waits")`,
      );
    try {
      this.worker = await Worker.create(workerOptions);
    } finally {
      // The worker has read its own bundle; the file was only the way over from the bundling process.
      if (bundlePath && !this.options.workflowBundlePath) rmSync(bundlePath, { force: true });
    }
    this.running = this.worker.run().catch((err: unknown) => {
      this.logger.error(`worker stopped with an error: ${String(err)}`);
      throw err;
    });
    this.logger.log(`polling task queue "${config.taskQueue}" on ${config.temporalAddress} (namespace ${config.temporalNamespace})`);
  }

  /** Lets in-flight tasks finish, then closes the connection. */
  async onApplicationShutdown(): Promise<void> {
    if (this.worker && this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.running?.catch(() => undefined);
    await this.connection?.close();
  }

  /** Resolves when the worker stops (crash or shutdown); the launcher watches it. */
  whenStopped(): Promise<void> {
    return this.running ?? Promise.resolve();
  }
}
