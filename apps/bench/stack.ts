// What the benchmark runs on: PostgreSQL and Temporal (its own, or DATABASE_URL / TEMPORAL_ADDRESS),
// then the worker and the API as their own processes, exactly as `npm start` does (apps/launcher).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations } from '@df/persistence';
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode } from '@temporalio/worker';
import {
  FAILURE_CONVERTER_PATH,
  freePort,
  loadConfig,
  resolveTemporalCli,
  startChildProgram,
  workerHeapArgs,
  workerProcessEnv,
  startEmbeddedPostgres,
  startTemporalDevServer,
  TEMPORAL_DYNAMIC_CONFIG,
  temporalConnectionOptions,
  temporalDataConverter,
  type ChildProgram,
  type TemporalConnectionOptions,
} from '@df/runtime';
import { workflowBundleOptions } from '../worker/src/workflow-source';

type Stop = () => Promise<void>;

export interface Stack {
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  /** The delegation workers' task queue (one of the run's own, so an external deployment's workers never see its cases). */
  taskQueue: string;
  /** http://127.0.0.1:<port> */
  apiUrl: string;
  /** The first worker (the one whose memory and CPU the bench reads). */
  worker: ChildProgram;
  /** Every worker process on the task queue (`--workers`). */
  workers: ChildProgram[];
  /** The workers' V8 heap cap in MiB as started (0 = none). */
  workerHeapMb: number;
  /** WORKER_WORKFLOW_STACK_TRACES as the worker(s) read it: the SDK's stack-trace hook installed. */
  workflowStackTraces: boolean;
  /** The API process now (restartApi replaces it). */
  api: ChildProgram;
  /**
   * Stops the API and starts it again on the same port with another time scale (WORKING_DAY_SECONDS): the scale
   * is the API's (a case gets it with its submission; the worker reads it from the case), so a section can have its own.
   */
  restartApi(workingDaySeconds: number): Promise<void>;
  /** How the bench's own Temporal client connects and encrypts, exactly as the worker and the API do. */
  temporal: { connection: TemporalConnectionOptions; dataConverter: DataConverter };
  external: { database: boolean; temporal: boolean };
  /** Stops what was started, in reverse order, and deletes the temporary folder. */
  stop(): Promise<void>;
}

export const log = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

export interface StackOptions {
  /** Worker processes on the one task queue (scale-out on one machine). */
  workers?: number;
  /**
   * Profile the worker(s) and the API (`node --cpu-prof`) into this folder; the workflow bundle is built
   * into it too (WORKFLOW_BUNDLE_PATH), so profile-summary can map the workflow frames to their sources.
   */
  cpuProfDir?: string;
  /** Heap cap of the worker process(es) in MiB (0 = none); default the configuration's WORKER_HEAP_MB, as `npm start`. */
  workerHeapMb?: number;
}

export async function startStack(workingDaySeconds: number, opts: StackOptions = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'delegation-flow-bench-'));
  const stops: Stop[] = [() => Promise.resolve(rmSync(dir, { recursive: true, force: true }))];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err: unknown) => log(`while stopping: ${String(err)}`));
    stops.length = 0;
  };
  try {
    let databaseUrl = process.env.DATABASE_URL || undefined;
    if (!databaseUrl) {
      const port = await freePort();
      const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port, persistent: false });
      stops.push(() => pg.stop());
      databaseUrl = pg.url;
      log(`embedded PostgreSQL on 127.0.0.1:${port} (data in ${dir})`);
    } else log('PostgreSQL: DATABASE_URL');
    const applied = await runMigrations(databaseUrl);
    if (applied.length) log(`migrations applied: ${applied.join(', ')}`);

    const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
    let temporalAddress = process.env.TEMPORAL_ADDRESS || undefined;
    if (!temporalAddress) {
      const cli = resolveTemporalCli();
      if (!cli) throw new Error('Temporal CLI not found: run `npm run tools` (or set TEMPORAL_CLI_PATH / TEMPORAL_ADDRESS)');
      // BENCH_EAGER_ACTIVITIES=0: the server without eager activity execution (an A/B of TEMPORAL_DYNAMIC_CONFIG).
      const eager = process.env.BENCH_EAGER_ACTIVITIES !== '0';
      const server = await startTemporalDevServer({
        cliPath: cli.path,
        port: await freePort(),
        namespace,
        ...(eager ? {} : { dynamicConfig: { ...TEMPORAL_DYNAMIC_CONFIG, 'system.enableActivityEagerExecution': false } }),
      });
      if (!eager) log('Temporal: eager activity execution off (BENCH_EAGER_ACTIVITIES=0)');
      stops.push(() => server.stop());
      temporalAddress = server.address;
      log(`Temporal dev server on ${temporalAddress} (in memory)`);
    } else log(`Temporal: TEMPORAL_ADDRESS ${temporalAddress}`);

    const port = await freePort();
    const taskQueue = `bench-delegations-${randomUUID().slice(0, 8)}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      PORT: String(port),
      HOST: '127.0.0.1',
      WORKING_DAY_SECONDS: String(workingDaySeconds),
      // One JSON line per request would be most of the API's output; the figures are about the work.
      LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
      DATA_DIR: dir,
      JWT_SECRET: randomBytes(32).toString('hex'),
      // The benchmark signs in with users of its own (apps/bench/api.ts).
      SEED_DEMO_USERS: 'false',
      // One key for the worker, the API and the bench's client (payloads are encrypted in Temporal).
      PAYLOAD_KEYS: process.env.PAYLOAD_KEYS || (process.env.PAYLOAD_KEYS_FILE ? undefined : `bench:${randomBytes(32).toString('base64')}`),
    };
    if (opts.cpuProfDir) {
      mkdirSync(opts.cpuProfDir, { recursive: true });
      const bundlePath = join(opts.cpuProfDir, 'workflow-bundle.js');
      const noop = () => undefined;
      const { code } = await bundleWorkflowCode({
        ...workflowBundleOptions(),
        failureConverterPath: FAILURE_CONVERTER_PATH,
        logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => log(m) },
      });
      writeFileSync(bundlePath, code);
      env.WORKFLOW_BUNDLE_PATH = bundlePath;
      log(`CPU profiles of the worker(s) and the API go to ${opts.cpuProfDir}`);
    }
    const config = { ...loadConfig(env), temporalAddress };
    const dist = join(__dirname, '..');
    // fork() passes process.execArgv to the child, and Node refuses --cpu-prof in NODE_OPTIONS: add the
    // flags to this process's execArgv while the children are forked (this process is not profiled by it).
    const profiled = async <T>(fork: () => Promise<T>): Promise<T> => {
      const execArgv = [...process.execArgv];
      if (opts.cpuProfDir) process.execArgv.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`);
      try {
        return await fork();
      } finally {
        process.execArgv.splice(0, process.execArgv.length, ...execArgv);
      }
    };
    const startApi = (seconds: number) =>
      profiled(() => startChildProgram('api', join(dist, 'api', 'main.js'), { ...env, WORKING_DAY_SECONDS: String(seconds) }, 'stderr'));
    const workers: ChildProgram[] = [];
    const workerHeapMb = opts.workerHeapMb ?? config.workerHeapMb;
    await profiled(async () => {
      for (let i = 0; i < Math.max(1, opts.workers ?? 1); i++) {
        const worker = await startChildProgram(
          `worker${i === 0 ? '' : ` ${i + 1}`}`,
          join(dist, 'worker', 'main.js'),
          workerProcessEnv(env),
          {
            output: 'stderr',
            execArgv: workerHeapArgs(workerHeapMb),
          },
        );
        stops.push(() => worker.stop());
        workers.push(worker);
        log(`worker pid ${worker.pid} on task queue ${taskQueue}${workerHeapMb ? `, heap cap ${workerHeapMb} MiB` : ', no heap cap'}`);
      }
    });
    const apiUrl = `http://127.0.0.1:${port}`;
    const stack: Stack = {
      databaseUrl,
      temporalAddress,
      namespace,
      taskQueue,
      apiUrl,
      worker: workers[0]!,
      workers,
      workerHeapMb,
      workflowStackTraces: config.workerWorkflowStackTraces,
      api: await startApi(workingDaySeconds),
      restartApi: async (seconds) => {
        await stack.api.stop();
        stack.api = await startApi(seconds);
        log(`API pid ${stack.api.pid} on ${apiUrl}, one working day = ${seconds} s`);
      },
      temporal: { connection: temporalConnectionOptions(config), dataConverter: temporalDataConverter(config) },
      external: { database: !!process.env.DATABASE_URL, temporal: !!process.env.TEMPORAL_ADDRESS },
      stop,
    };
    stops.push(() => stack.api.stop());
    log(`API pid ${stack.api.pid} on ${apiUrl}, one working day = ${workingDaySeconds} s`);
    return stack;
  } catch (err) {
    await stop();
    throw err;
  }
}
