// Runs the baselines on the same Temporal server: the same number of cases, each taking the same
// number of updates as its counterpart in the decision path, one update in flight per case, sent with
// the raw @temporalio/client. `bare` only counts; `append` writes one event row to PostgreSQL through
// an activity before it answers, and is also timed to that row being readable (as ours is to case_steps).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import type { Pool } from 'pg';
import { cpuMsPer, sampleCpu, type CpuSample, type CpuSources } from '../cpu';
import { log } from '../stack';
import { summarize, type LatencySummary } from '../stats';
import { BASELINE_TABLE, baselineActivities, createBaselineTable, dropBaselineTable } from './activities';
import { baselineActUpdate } from './workflows';

export type BaselineKind = 'bare' | 'append';

export interface BaselineFigures {
  kind: BaselineKind;
  cases: number;
  updates: number;
  wallSeconds: number;
  updatesPerSecond: number;
  requestToResultMs: LatencySummary;
  /** append only: to the event row being readable (polled every 2 ms from the response, as ours). */
  requestToReadModelMs?: LatencySummary;
  /** CPU ms per update by part of the machine (cpu.ts); the worker is this bench process here. */
  cpuMsPerUpdate?: CpuSample;
}

const quiet = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (m: string) => log(m),
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitRow(db: Pool, eventId: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { rowCount } = await db.query(`SELECT 1 FROM ${BASELINE_TABLE} WHERE event_id = $1`, [eventId]);
    if (rowCount) return;
    if (performance.now() > deadline) throw new Error(`append baseline: event ${eventId} never showed`);
    await sleep(2);
  }
}

export async function runBaseline(
  kind: BaselineKind,
  address: string,
  namespace: string,
  updatesPerCase: number[],
  db: Pool,
  cpu?: CpuSources,
): Promise<BaselineFigures> {
  const taskQueue = `bench-baseline-${kind}-${randomUUID().slice(0, 8)}`;
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: quiet });
  const workerConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  if (kind === 'append') await createBaselineTable(db);
  try {
    const worker = await Worker.create({
      connection: workerConnection,
      namespace,
      taskQueue,
      workflowBundle: { code },
      ...(kind === 'append' ? { activities: baselineActivities(db) } : {}),
    });
    log(
      `baseline ${kind}: ${updatesPerCase.length} workflows, ${updatesPerCase.reduce((a, b) => a + b, 0)} updates on task queue ${taskQueue}`,
    );
    const drive = async () => {
      const cpuBefore = cpu ? sampleCpu(cpu) : undefined;
      const started = performance.now();
      const runs = await Promise.all(
        updatesPerCase.map(async (count, i) => {
          const handle = await client.workflow.start(kind === 'append' ? 'appendBaselineCase' : 'baselineCase', {
            taskQueue,
            workflowId: `${taskQueue}-${i}`,
            args: [count],
          });
          const result: number[] = [];
          const visible: number[] = [];
          for (let n = 0; n < count; n++) {
            const t0 = performance.now();
            const requestId = randomUUID();
            await handle.executeUpdate(baselineActUpdate, { args: [{ requestId, stepKey: `S${n}` }], updateId: requestId });
            result.push(performance.now() - t0);
            if (kind === 'append') {
              await waitRow(db, requestId);
              visible.push(performance.now() - t0);
            }
          }
          await handle.result();
          return { result, visible };
        }),
      );
      const wallSeconds = (performance.now() - started) / 1000;
      const cpuAfter = cpu ? sampleCpu(cpu) : undefined;
      return { runs, wallSeconds, cpuBefore, cpuAfter };
    };
    const { runs, wallSeconds, cpuBefore, cpuAfter } = await worker.runUntil(drive());
    const latencies = runs.flatMap((r) => r.result);
    return {
      kind,
      cases: updatesPerCase.length,
      updates: latencies.length,
      wallSeconds: Number(wallSeconds.toFixed(2)),
      updatesPerSecond: Number((latencies.length / wallSeconds).toFixed(1)),
      requestToResultMs: summarize(latencies),
      ...(kind === 'append' ? { requestToReadModelMs: summarize(runs.flatMap((r) => r.visible)) } : {}),
      ...(cpuBefore && cpuAfter ? { cpuMsPerUpdate: cpuMsPer(cpuBefore, cpuAfter, latencies.length) } : {}),
    };
  } finally {
    if (kind === 'append') await dropBaselineTable(db).catch((err: unknown) => log(`append baseline: ${String(err)}`));
    await connection.close();
    await workerConnection.close();
  }
}
