// Runs the bare baseline on the same Temporal server: the same number of cases, each taking the same
// number of updates as its counterpart in the decision path, one update in flight per case, sent with
// the raw @temporalio/client.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { log } from '../stack';
import { summarize, type LatencySummary } from '../stats';
import { baselineActUpdate } from './workflows';

export interface BaselineFigures {
  cases: number;
  updates: number;
  wallSeconds: number;
  updatesPerSecond: number;
  requestToResultMs: LatencySummary;
}

const quiet = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (m: string) => log(m),
};

export async function runBaseline(address: string, namespace: string, updatesPerCase: number[]): Promise<BaselineFigures> {
  const taskQueue = `bench-baseline-${randomUUID().slice(0, 8)}`;
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: quiet });
  const workerConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  try {
    const worker = await Worker.create({ connection: workerConnection, namespace, taskQueue, workflowBundle: { code } });
    log(`baseline: ${updatesPerCase.length} workflows, ${updatesPerCase.reduce((a, b) => a + b, 0)} updates on task queue ${taskQueue}`);
    const drive = async () => {
      const started = performance.now();
      const latencies = await Promise.all(
        updatesPerCase.map(async (count, i) => {
          const handle = await client.workflow.start('baselineCase', { taskQueue, workflowId: `${taskQueue}-${i}`, args: [count] });
          const ms: number[] = [];
          for (let n = 0; n < count; n++) {
            const t0 = performance.now();
            const requestId = randomUUID();
            await handle.executeUpdate(baselineActUpdate, { args: [{ requestId, stepKey: `S${n}` }], updateId: requestId });
            ms.push(performance.now() - t0);
          }
          await handle.result();
          return ms;
        }),
      );
      return { latencies: latencies.flat(), wallSeconds: (performance.now() - started) / 1000 };
    };
    const { latencies, wallSeconds } = await worker.runUntil(drive());
    return {
      cases: updatesPerCase.length,
      updates: latencies.length,
      wallSeconds: Number(wallSeconds.toFixed(2)),
      updatesPerSecond: Number((latencies.length / wallSeconds).toFixed(1)),
      requestToResultMs: summarize(latencies),
    };
  } finally {
    await connection.close();
    await workerConnection.close();
  }
}
