// `npm start`: the whole system in one supervised process tree on embedded defaults. PostgreSQL (embedded
// unless DATABASE_URL), Temporal (CLI dev server unless TEMPORAL_ADDRESS), then the worker and the API.
// Each is restarted when it dies (docs/operations.md); Ctrl-C or SIGTERM stops them in reverse order.
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SearchAttributes } from '@df/contracts';
import { runMigrations } from '@df/persistence';
import {
  AppConfig,
  assertPortFree,
  loadConfig,
  readPidFile,
  removePidFile,
  resolveTemporalCli,
  runFile,
  runUntilSignal,
  startChildProgram,
  workerHeapArgs,
  workerProcessEnv,
  startEmbeddedPostgres,
  startTemporalDevServer,
  stopOrphans,
  Supervisor,
  writePidFile,
  type RunFile,
  resolvePayloadKeys,
} from '@df/runtime';

type Stop = () => Promise<void>;
/** Every supervised child, to stop all restarts at once when the launcher stops. */
const supervisors: Supervisor[] = [];
const log = (line: string) => console.error(line);

void runUntilSignal('delegation-flow', async () => {
  const config = loadConfig();
  const pgDataDir = config.databaseUrl ? undefined : join(config.dataDir, 'postgres');
  // Our own orphans first (they hold our ports), then anyone else on those ports is refused.
  await stopOrphans(config.dataDir, pgDataDir, log);
  const launcherPidFile = runFile(config.dataDir, 'launcher');
  writePidFile(launcherPidFile, process.pid);
  // Payload keys before anything starts: refused without keys outside development, and the development key
  // file is created here once, not raced by the worker and the API.
  resolvePayloadKeys(config);
  // Stopped in reverse order of start: API, worker, Temporal, PostgreSQL.
  const stops: Stop[] = [];
  const stopAll = async () => {
    for (const supervisor of supervisors) supervisor.stopRestarting();
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => console.error(String(err)));
    if (readPidFile(launcherPidFile) === process.pid) removePidFile(launcherPidFile);
  };
  try {
    await checkPorts(config);
    const lines: string[] = [];
    const databaseUrl = await startDatabase(config, stops, lines);
    const applied = await runMigrations(databaseUrl);
    if (applied.length) console.log(`migrations applied: ${applied.join(', ')}`);
    const { address, uiUrl } = await startTemporal(config, stops, lines);
    // The worker and the API run as their own processes, exactly as in docker/ and multi-machine setups.
    const env = { ...process.env, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: address };
    for (const name of ['worker', 'api'] as const) {
      const program = join(__dirname, '..', name, 'main.js');
      const execArgv = name === 'worker' ? workerHeapArgs(config.workerHeapMb) : [];
      const childEnv = name === 'worker' ? workerProcessEnv(env) : env;
      await supervise(config, stops, name, name, () => startChildProgram(name, program, childEnv, { ownProcessGroup: true, execArgv }));
    }

    const host = config.host === '0.0.0.0' ? 'localhost' : config.host;
    const base = `http://${host}:${config.port}`;
    console.log(
      [
        '',
        'delegation-flow is up 系统已启动',
        `  Web app 网页    ${base}/   (sign in as a demo user: README, "Demo users")`,
        `  API            ${base}/api`,
        `  OpenAPI docs   ${base}/api/docs   (JSON: ${base}/api/docs-json)`,
        `  Health         ${base}/health`,
        uiUrl ? `  Temporal UI    ${uiUrl}` : undefined,
        ...lines,
        `  Worker         task queue "${config.taskQueue}"` +
          (config.workingDaySeconds ? `, 1 working day = ${config.workingDaySeconds}s` : ''),
        '  A process that dies is restarted; Ctrl-C stops everything; data is kept for the next start.',
        '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
    return { stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
});

/** Refuses a foreign server on any port this start would use, before anything starts (PortTakenError names it). */
async function checkPorts(config: AppConfig): Promise<void> {
  if (!config.databaseUrl) await assertPortFree(config.embeddedPostgresPort, 'EMBEDDED_PG_PORT');
  if (!config.temporalAddress) {
    await assertPortFree(config.temporalPort, 'TEMPORAL_PORT');
    await assertPortFree(config.temporalUiPort, 'TEMPORAL_UI_PORT');
  }
  await assertPortFree(config.port, 'PORT', config.host);
}

/** Starts a process under a Supervisor (restart with backoff), keeping its pid file current when it has one. */
async function supervise(
  config: AppConfig,
  stops: Stop[],
  label: string,
  pidFile: RunFile | undefined,
  start: ConstructorParameters<typeof Supervisor>[1],
): Promise<Supervisor> {
  const supervisor = new Supervisor(label, start, {
    log,
    onStarted: (instance) => pidFile && writePidFile(runFile(config.dataDir, pidFile), instance.pid),
  });
  supervisors.push(supervisor);
  await supervisor.start();
  stops.push(async () => {
    await supervisor.stop();
    if (pidFile) removePidFile(runFile(config.dataDir, pidFile));
  });
  return supervisor;
}

async function startDatabase(config: AppConfig, stops: Stop[], lines: string[]): Promise<string> {
  if (config.databaseUrl) {
    lines.push(`  PostgreSQL     external (DATABASE_URL)`);
    return config.databaseUrl;
  }
  const dataDir = join(config.dataDir, 'postgres');
  let url = '';
  // PostgreSQL keeps its own pid file (postmaster.pid in its data folder).
  await supervise(config, stops, 'PostgreSQL', undefined, async () => {
    const pg = await startEmbeddedPostgres({ dataDir, port: config.embeddedPostgresPort, persistent: true, ownProcessGroup: true });
    url = pg.url;
    return pg;
  });
  lines.push(`  PostgreSQL     embedded on 127.0.0.1:${config.embeddedPostgresPort}, data in ${dataDir}`);
  return url;
}

async function startTemporal(config: AppConfig, stops: Stop[], lines: string[]): Promise<{ address: string; uiUrl?: string }> {
  if (config.temporalAddress) {
    lines.push(`  Temporal       external ${config.temporalAddress} (namespace ${config.temporalNamespace})`);
    return { address: config.temporalAddress };
  }
  const dbFile = join(config.dataDir, 'temporal', 'temporal.db');
  const cli = resolveTemporalCli();
  if (cli) {
    let running = { address: '', uiUrl: undefined as string | undefined };
    await supervise(config, stops, 'Temporal dev server', 'temporal', async () => {
      const server = await startTemporalDevServer({
        cliPath: cli.path,
        port: config.temporalPort,
        uiPort: config.temporalUiPort,
        uiCodecEndpoint: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/api/codec`,
        dbFile,
        namespace: config.temporalNamespace,
        ownProcessGroup: true,
        logFile: join(config.dataDir, 'temporal', 'server.log'),
      });
      running = { address: server.address, uiUrl: server.uiUrl };
      return server;
    });
    lines.push(`  Temporal       dev server ${running.address} (${cli.path}), history in ${dbFile}`);
    return running;
  }
  // Last resort, needs the internet: the SDK downloads the CLI itself (not supervised: the SDK owns that process).
  console.log('Temporal CLI not found (TEMPORAL_CLI_PATH, .tools, PATH); trying the SDK download...');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: '127.0.0.1',
      port: config.temporalPort,
      ui: true,
      uiPort: config.temporalUiPort,
      dbFilename: dbFile,
      namespace: config.temporalNamespace,
      searchAttributes: Object.values(SearchAttributes),
    },
  });
  stops.push(() => env.teardown());
  const address = `127.0.0.1:${config.temporalPort}`;
  lines.push(`  Temporal       dev server ${address} (downloaded by the SDK), history in ${dbFile}`);
  return { address, uiUrl: `http://127.0.0.1:${config.temporalUiPort}` };
}
