import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DelegationProgress } from '@df/contracts';
import { beatWorker, endWorker, writeProgressSnapshots, type ProgressSnapshot } from '@df/persistence';
import { WORKER_OPTIONS, WorkerModuleOptions } from './worker.options';

/** Seconds between a worker's beats (worker_heartbeats); the API trusts a beat for WORKER_ALIVE_MS. */
export const WORKER_BEAT_MS = 5_000;

/**
 * Stores the progress answers the workflows publish (the `caseProgress` sink, issue 16) in case_progress, for
 * the case page. The SDK awaits a sink before it completes the workflow task, so `offer` only queues: the
 * newest answer per case, written by one flush at a time in a multi-row upsert. Best effort: a failed write is
 * logged and dropped (the case page then asks the workflow, as before). Also beats for the worker
 * (worker_heartbeats) while it runs, so the API serves published answers only while a worker can change them.
 */
@Injectable()
export class ProgressSnapshotWriter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ProgressSnapshots');
  private readonly workerId = randomUUID();
  private pending = new Map<string, ProgressSnapshot>();
  private flushing: Promise<void> | null = null;
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(WORKER_OPTIONS) private readonly options: WorkerModuleOptions,
    private readonly db: DataSource,
  ) {}

  offer(answer: DelegationProgress): void {
    const caseNow = Date.parse(answer.now);
    if (!answer.caseId || !Number.isFinite(caseNow)) return;
    this.pending.set(answer.caseId, { caseId: answer.caseId, lastSeq: answer.lastSeq, caseNow, answer });
    this.flushing ??= this.flush();
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.size > 0) {
        const batch = [...this.pending.values()];
        this.pending = new Map();
        try {
          await writeProgressSnapshots(this.db.manager, batch);
        } catch (err) {
          this.logger.warn(`progress snapshots not stored (${batch.length}): ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  private beat = async (): Promise<void> => {
    try {
      await beatWorker(this.db.manager, this.workerId, this.options.config.taskQueue);
    } catch (err) {
      this.logger.warn(`heartbeat not stored: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), WORKER_BEAT_MS);
    this.timer.unref();
  }

  /** Writes what is queued and removes the beat before the database connection closes. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flushing;
    await endWorker(this.db.manager, this.workerId).catch(() => undefined);
  }
}
