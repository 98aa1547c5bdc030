// `npm start`: the whole system in one process tree on embedded defaults. PostgreSQL (embedded
// unless DATABASE_URL), Temporal (CLI dev server unless TEMPORAL_ADDRESS), then the worker and the API.
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SearchAttributes } from '@df/contracts';
import { runMigrations } from '@df/persistence';
import {
  AppConfig,
  loadConfig,
  resolveTemporalCli,
  runUntilSignal,
  startChildProgram,
  startEmbeddedPostgres,
  startTemporalDevServer,
  resolvePayloadKeys,
} from '@df/runtime';

type Stop = () => Promise<void>;

void runUntilSignal('delegation-flow', async () => {
  const config = loadConfig();
  // Payload keys before anything starts: refused without keys outside development, and the development key
  // file is created here once, not raced by the worker and the API.
  resolvePayloadKeys(config);
  // Stopped in reverse order of start: API, worker, Temporal, PostgreSQL.
  const stops: Stop[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => console.error(String(err)));
  };
  try {
    const lines: string[] = [];
    const databaseUrl = await startDatabase(config, stops, lines);
    const applied = await runMigrations(databaseUrl);
    if (applied.length) console.log(`migrations applied: ${applied.join(', ')}`);
    const { address, uiUrl } = await startTemporal(config, stops, lines);
    // The worker and the API run as their own processes, exactly as in docker/ and multi-machine setups.
    const env = { ...process.env, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: address };
    const worker = await startChildProgram('worker', join(__dirname, '..', 'worker', 'main.js'), env);
    stops.push(() => worker.stop());
    const api = await startChildProgram('api', join(__dirname, '..', 'api', 'main.js'), env);
    stops.push(() => api.stop());

    const host = config.host === '0.0.0.0' ? 'localhost' : config.host;
    const base = `http://${host}:${config.port}`;
    console.log(
      [
        '',
        'delegation-flow is up 系统已启动',
        `  API            ${base}/api`,
        `  OpenAPI docs   ${base}/api/docs   (JSON: ${base}/api/docs-json)`,
        `  Health         ${base}/health`,
        uiUrl ? `  Temporal UI    ${uiUrl}` : undefined,
        ...lines,
        `  Worker         task queue "${config.taskQueue}"` + (config.workingDaySeconds ? `, 1 working day = ${config.workingDaySeconds}s` : ''),
        '  Ctrl-C stops everything; data is kept for the next start.',
        '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
    return { stop: stopAll, stopped: Promise.race([worker.exited, api.exited]) };
  } catch (err) {
    await stopAll();
    throw err;
  }
});

async function startDatabase(config: AppConfig, stops: Stop[], lines: string[]): Promise<string> {
  if (config.databaseUrl) {
    lines.push(`  PostgreSQL     external (DATABASE_URL)`);
    return config.databaseUrl;
  }
  const dataDir = join(config.dataDir, 'postgres');
  const pg = await startEmbeddedPostgres({ dataDir, port: config.embeddedPostgresPort, persistent: true });
  stops.push(() => pg.stop());
  lines.push(`  PostgreSQL     embedded on 127.0.0.1:${config.embeddedPostgresPort}, data in ${dataDir}`);
  return pg.url;
}

async function startTemporal(config: AppConfig, stops: Stop[], lines: string[]): Promise<{ address: string; uiUrl?: string }> {
  if (config.temporalAddress) {
    lines.push(`  Temporal       external ${config.temporalAddress} (namespace ${config.temporalNamespace})`);
    return { address: config.temporalAddress };
  }
  const dbFile = join(config.dataDir, 'temporal', 'temporal.db');
  const cli = resolveTemporalCli();
  if (cli) {
    const server = await startTemporalDevServer({
      cliPath: cli.path,
      port: config.temporalPort,
      uiPort: config.temporalUiPort,
      uiCodecEndpoint: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/api/codec`,
      dbFile,
      namespace: config.temporalNamespace,
    });
    stops.push(() => server.stop());
    lines.push(`  Temporal       dev server ${server.address} (${cli.path}), history in ${dbFile}`);
    return server;
  }
  // Last resort, needs the internet: the SDK downloads the CLI itself.
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
  return { address, uiUrl: `http://localhost:${config.temporalUiPort}` };
}
