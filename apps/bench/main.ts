// `npm run bench`: the engine side by side with bare Temporal, history size and replay, the worker's
// memory with open cases, and the managers' board at portfolio scale. Starts what it needs (or uses
// DATABASE_URL / TEMPORAL_ADDRESS), prints a short table and a JSON summary, and leaves nothing running.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg, totalmem } from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Pool } from 'pg';
import { setWorkflowStackTraces } from '@df/runtime';
import { workflowBundleOptions } from '../worker/src/workflow-source';
import { ApiClient, signInBenchUsers } from './api';
import { runBaseline, type BaselineFigures } from './baseline/run';
import { runBoard, type BoardFigures } from './board/run';
import { runDecision, type DecisionFigures } from './decision';
import { runHistory, type HistoryFigures } from './history';
import { parseOptions, UsageError, type BenchOptions } from './options';
import { report } from './report';
import { log, startStack, type Stack } from './stack';
import { runWorkerLoad, sampleProcess, type WorkerFigures } from './worker-load';
import { runYear, type YearFigures } from './year';

export interface BenchSummary {
  startedAt: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  options: BenchOptions;
  external: Stack['external'];
  /** The workers' V8 heap cap in MiB (0 = none): WORKER_HEAP_MB unless --worker-heap-mb. */
  workerHeapMb?: number;
  /** WORKER_WORKFLOW_STACK_TRACES: the SDK's stack-trace hook in the workers' and the replays' workflow threads. */
  workflowStackTraces?: boolean;
  decision?: Omit<DecisionFigures, 'updatesPerCase' | 'workflowIds'>;
  /** The bare and the append baseline, in the same run on the same server. */
  baselines?: { bare: BaselineFigures; append: BaselineFigures };
  history?: HistoryFigures[];
  worker?: WorkerFigures;
  board?: BoardFigures;
  year?: YearFigures;
  /** Load on the machine when the run began and ended (1-minute load average, `os.loadavg`). */
  loadAverage: { start: number; end: number };
  workerRssMiB: Record<string, number>;
  totalSeconds: number;
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (m: string) => log(m),
};

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      return err.message.startsWith('npm run bench') ? 0 : 2;
    }
    throw err;
  }
  const t0 = Date.now();
  const summary: BenchSummary = {
    startedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    },
    options,
    external: { database: false, temporal: false },
    loadAverage: { start: Number(loadavg()[0]!.toFixed(2)), end: 0 },
    workerRssMiB: {},
    totalSeconds: 0,
  };
  log(`sections: ${options.only.join(', ')}${options.quick ? ' (quick)' : ''}`);
  log(`workers: ${options.workers}${options.cpuProfDir ? `; CPU profiles into ${options.cpuProfDir}` : ''}`);
  // The decision section on its own time scale (one the machine follows), the others on the run's: the API restarts
  // between them (the scale is the API's, given to each case with its submission).
  const decisionFirst = options.only.includes('decision');
  const stack = await startStack(decisionFirst ? options.decisionWorkingDaySeconds : options.workingDaySeconds, {
    workers: options.workers,
    ...(options.cpuProfDir ? { cpuProfDir: options.cpuProfDir } : {}),
    ...(options.workerHeapMb !== undefined ? { workerHeapMb: options.workerHeapMb } : {}),
  });
  // Stop everything on Ctrl-C too: nothing is left running.
  let stopping: Promise<void> | undefined;
  const stopOnce = () => (stopping ??= stack.stop());
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping`);
    void stopOnce().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  summary.external = stack.external;
  summary.workerHeapMb = stack.workerHeapMb;
  // The replays and the baselines' workers run in this process: their workflow threads as the worker's.
  summary.workflowStackTraces = stack.workflowStackTraces;
  if (!setWorkflowStackTraces(stack.workflowStackTraces)) log('the Temporal SDK is not patched: workflow stack traces stay on');
  const db = new Pool({ connectionString: stack.databaseUrl, max: 8 });
  const connection = await Connection.connect(stack.temporal.connection);
  const client = new Client({ connection, namespace: stack.namespace, dataConverter: stack.temporal.dataConverter });
  const rss = (label: string) => (summary.workerRssMiB[label] = sampleProcess(stack.worker.pid).rssMiB);
  try {
    const api = new ApiClient(stack.apiUrl);
    const tokens = await signInBenchUsers(api, db);
    const cpu = { workerPids: stack.workers.map((w) => w.pid), apiPid: stack.api.pid };
    const ctx = { api, tokens, db, cpu };
    rss('started');
    if (options.only.includes('decision')) {
      const decision = await runDecision(ctx, options.cases, options.decisionWorkingDaySeconds);
      rss('afterDecision');
      const { updatesPerCase, workflowIds: _ids, ...figures } = decision;
      summary.decision = figures;
      summary.baselines = {
        bare: await runBaseline('bare', stack.temporalAddress, stack.namespace, updatesPerCase, db, cpu),
        append: await runBaseline('append', stack.temporalAddress, stack.namespace, updatesPerCase, db, cpu),
      };
      if (options.decisionWorkingDaySeconds !== options.workingDaySeconds && options.only.some((s) => s !== 'decision')) {
        await stack.restartApi(options.workingDaySeconds);
        cpu.apiPid = stack.api.pid;
      }
    }
    if (options.only.includes('history')) {
      const { code } = await bundleWorkflowCode({ ...workflowBundleOptions(), logger: quietLogger });
      // Replay runs in this process: profile it with `node --cpu-prof` and map its frames with this copy.
      if (options.cpuProfDir) writeFileSync(join(options.cpuProfDir, 'replay-bundle.js'), code);
      summary.history = await runHistory(ctx, client, { code });
      rss('afterHistory');
    }
    if (options.only.includes('worker')) {
      summary.worker = await runWorkerLoad(client, db, stack.worker.pid, stack.taskQueue, options.openCases);
      rss('afterWorker');
    }
    if (options.only.includes('board')) {
      summary.board = await runBoard(
        { api, tokens, db, databaseUrl: stack.databaseUrl, external: stack.external.database, keep: options.boardKeep },
        options.boardCases,
        options.boardRequests,
      );
    }
    if (options.only.includes('year')) {
      summary.year = await runYear(
        ctx,
        client,
        stack.workers.map((w) => w.pid),
        options.yearCases,
        options.workingDaySeconds,
        options.boardRequests,
        options.quick ? 25 : 250,
      );
      rss('afterYear');
    }
  } finally {
    await connection.close().catch(() => undefined);
    await db.end().catch(() => undefined);
    log('stopping the API, the worker and the servers');
    await stopOnce();
  }
  summary.totalSeconds = Math.round((Date.now() - t0) / 1000);
  summary.loadAverage.end = Number(loadavg()[0]!.toFixed(2));
  const { text, json } = report(summary);
  process.stdout.write(`${text}\n\n${json}\n`);
  if (options.out) writeFileSync(options.out, `${json}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
