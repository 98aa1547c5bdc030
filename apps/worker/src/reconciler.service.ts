import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection, WorkflowFailedError, type WorkflowExecutionInfo } from '@temporalio/client';
import { DELEGATION_WORKFLOW_TYPE, type CaseStatus } from '@df/contracts';
import { DataSource } from 'typeorm';
import { closedCasesHoldingTrips, EventSequenceConflictError, EventStore } from '@df/persistence';
import { temporalConnectionOptions, temporalDataConverter } from '@df/runtime';
import { announceTripFreed } from './activities/trip-freed';
import { WORKER_OPTIONS, WorkerModuleOptions } from './worker.options';

/** How Temporal's closing statuses land in the read model; Completed and ContinuedAsNew are the engine's own ends. */
export const RECONCILED_STATUSES: Partial<Record<WorkflowExecutionInfo['status']['name'], CaseStatus>> = {
  TERMINATED: 'terminated',
  FAILED: 'failed',
  TIMED_OUT: 'failed',
  CANCELLED: 'cancelled',
};

/** Read-model statuses of a case still owed work: only these are closed by the reconciler. */
const LIVE_STATUSES = ['open', 'departed'] as const;

/** Closes seen since the watermark minus this margin are looked at again: visibility lags behind the close. */
const WATERMARK_MARGIN_MS = 5 * 60_000;

const PREFIXES: Record<string, string> = {
  terminated: '流程被强制终止 / Workflow terminated',
  failed: '流程异常终止 / Workflow failed',
  cancelled: '流程被取消 / Workflow cancelled',
};

/** A UUID (v4 layout) derived from a string: the same close always gets the same event id. */
function uuidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface ReconcileResult {
  /** Closed workflows visibility returned. */
  seen: number;
  /** Case ids that got a `case.closed` event in this run. */
  closed: string[];
  /** Closed cases whose freed planned trip was announced again by this run's sweep (sweepFreedTrips). */
  tripsFreed?: string[];
}

/**
 * Closes in the read model the cases whose workflow ended outside the engine: terminated from the Temporal
 * CLI or Web UI, failed, timed out or cancelled. Such a workflow never emits `case.closed`, so its case would
 * stay `open` (or `departed`) in lists and its steps in inboxes forever.
 *
 * Every RECONCILE_INTERVAL_MS (libs/runtime/src/config.ts) it lists, through Temporal's visibility, the
 * `delegation` workflows of this worker's task queue closed with one of those statuses since a moving
 * watermark (the first run after start: all of them), and appends ONE `case.closed` event (status
 * terminated | failed | cancelled, reason = the terminate reason or failure message with a bilingual prefix)
 * for each whose case is still open or departed (EventStore.appendNext). The event id is derived from the
 * workflow and run ids, so retries and several workers append nothing twice. A case so closed frees the planned trip
 * it held, as a close by the engine does (announceTripFreed).
 */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Reconciler');
  private connecting?: Promise<Client>;
  private timer?: NodeJS.Timeout;
  private running?: Promise<ReconcileResult>;
  /** Close time (epoch ms) from which the next run looks; undefined: from the beginning. */
  private watermark?: number;

  constructor(
    @Inject(WORKER_OPTIONS) private readonly options: WorkerModuleOptions,
    private readonly events: EventStore,
    private readonly db: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      this.reconcile().catch((err: unknown) => this.logger.warn(`reconcile run failed (tried again in the next run): ${String(err)}`));
    };
    this.timer = setInterval(tick, this.options.config.reconcileIntervalMs);
    this.timer.unref();
    tick(); // what closed while no worker ran
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
    const client = await this.connecting?.catch(() => undefined);
    await client?.connection.close();
  }

  /** One reconcile run (runs never overlap: a call during a run waits for that run). */
  reconcile(): Promise<ReconcileResult> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private client(): Promise<Client> {
    const { config } = this.options;
    this.connecting ??= Connection.connect(temporalConnectionOptions(config))
      .then((connection) => new Client({ connection, namespace: config.temporalNamespace, dataConverter: temporalDataConverter(config) }))
      .catch((err: unknown) => {
        this.connecting = undefined;
        throw err;
      });
    return this.connecting;
  }

  private async run(): Promise<ReconcileResult> {
    const client = await this.client();
    const startedAt = Date.now();
    const since = this.watermark === undefined ? '' : ` AND CloseTime >= '${new Date(this.watermark - WATERMARK_MARGIN_MS).toISOString()}'`;
    const query =
      `WorkflowType = '${DELEGATION_WORKFLOW_TYPE}' AND TaskQueue = '${this.options.config.taskQueue.replace(/'/g, "\\'")}'` +
      ` AND ExecutionStatus IN ('Terminated', 'Failed', 'TimedOut', 'Canceled')${since}`;
    const result: ReconcileResult = { seen: 0, closed: [] };
    let failures = 0;
    for await (const info of client.workflow.list({ query })) {
      result.seen++;
      try {
        const caseId = await this.closeCase(client, info);
        if (caseId) result.closed.push(caseId);
      } catch (err) {
        // One case's trouble (a racing append, a database blip) does not stop the others; the watermark stays.
        failures++;
        if (!(err instanceof EventSequenceConflictError)) this.logger.warn(`could not reconcile ${info.workflowId}: ${String(err)}`);
      }
    }
    if (failures === 0) this.watermark = startedAt;
    if (result.closed.length > 0) this.logger.log(`closed ${result.closed.length} case(s) whose workflow ended outside the engine`);
    result.tripsFreed = await this.sweepFreedTrips(client);
    return result;
  }

  /**
   * Closed cases still holding a planned trip a while after their close (closedCasesHoldingTrips): the announcement
   * sent once the close was stored was lost (a worker stopped in between, a signal failed). Announced again here, so
   * no way of losing it keeps a trip from the unit's other cases (a case told twice runs A01 again: no harm).
   * Returns the cases announced.
   */
  private async sweepFreedTrips(client: Client): Promise<string[]> {
    const graceSeconds = Math.max(60, Math.ceil(this.options.config.reconcileIntervalMs / 1000));
    const announced: string[] = [];
    for (const caseId of await closedCasesHoldingTrips(this.db.manager, graceSeconds)) {
      await announceTripFreed(this.db.manager, caseId, undefined, client);
      announced.push(caseId);
    }
    if (announced.length > 0) this.logger.log(`told the units' open cases of ${announced.length} planned trip(s) a closed case still held`);
    return announced;
  }

  /** Appends the case.closed of one closed workflow; the case id when it was appended now. */
  private async closeCase(client: Client, info: WorkflowExecutionInfo): Promise<string | null> {
    const status = RECONCILED_STATUSES[info.status.name];
    if (!status || !info.workflowId.startsWith('delegation-')) return null;
    const caseId = info.workflowId.slice('delegation-'.length);
    const reason = `${PREFIXES[status]}: ${await this.closeReason(client, info)}`;
    const appended = await this.events.appendNext(
      {
        streamId: caseId,
        eventId: uuidFrom(`reconciled:${info.workflowId}:${info.runId}`),
        type: 'case.closed',
        actorId: null,
        actorRole: 'system',
        onBehalfOf: null,
        occurredAt: (info.closeTime ?? new Date()).toISOString(),
        payload: { status, reason, temporalStatus: info.status.name, runId: info.runId },
      },
      LIVE_STATUSES,
    );
    if (!appended) return null;
    // Closed outside the engine, as by an action: the planned trip it held is free for the unit's other cases.
    await announceTripFreed(this.db.manager, caseId, undefined, client);
    return caseId;
  }

  /** The terminate reason or the failure's message, decoded with the payload keys (failure messages are encrypted). */
  private async closeReason(client: Client, info: WorkflowExecutionInfo): Promise<string> {
    try {
      await client.workflow.getHandle(info.workflowId, info.runId, { followRuns: false }).result();
      return info.status.name;
    } catch (err) {
      if (err instanceof WorkflowFailedError) return err.cause?.message || err.message;
      return info.status.name;
    }
  }
}
