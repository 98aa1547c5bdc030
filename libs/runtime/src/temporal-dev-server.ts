import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeCliArgs } from '@df/contracts';
import { assertPortFree } from './processes';
import type { ExitInfo } from './supervisor';

export interface TemporalDevServerOptions {
  cliPath: string;
  port: number;
  /** undefined: no Web UI (tests). */
  uiPort?: number;
  /** The Web UI's remote codec (the API's /api/codec), so it can show decrypted payloads to a signed-in officer. */
  uiCodecEndpoint?: string;
  /** undefined: in memory (tests); a file keeps workflows across restarts. */
  dbFile?: string;
  namespace: string;
  ip?: string;
  onLog?: (line: string) => void;
  startTimeoutMs?: number;
  /** Own process group (the launcher): a terminal Ctrl-C reaches only the launcher, which stops the server in order. */
  ownProcessGroup?: boolean;
  /**
   * Append the server's output to this file instead of a pipe (the launcher): a server whose launcher
   * was killed then keeps running until the next start stops it cleanly, instead of dying of SIGPIPE
   * at its next log line (Go exits on a write to a closed stdout/stderr).
   */
  logFile?: string;
  /** Dynamic configuration values (`--dynamic-config-value`); default TEMPORAL_DYNAMIC_CONFIG. */
  dynamicConfig?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * The server settings every Temporal the project starts runs with (the dev server here, docker/temporal/dynamicconfig
 * for the cluster): eager activity execution, so a workflow task that schedules an activity on its own task queue
 * gets the activity task in the answer to its completion instead of a poll round trip (the append after each
 * decision: docs/benchmarks.md). The SDK asks for it by default (`allowEagerDispatch`).
 */
export const TEMPORAL_DYNAMIC_CONFIG: Readonly<Record<string, string | number | boolean>> = {
  'system.enableActivityEagerExecution': true,
};

export interface RunningTemporal {
  address: string;
  uiUrl?: string;
  pid: number;
  /** Settles when the server process has ended (crash or stop). */
  ended: Promise<ExitInfo>;
  /** The server's last output lines (why it died). */
  lastOutput(): string;
  stop(): Promise<void>;
}

/**
 * Starts `temporal server start-dev` as a child process, with the project's search attributes registered.
 * Refuses (PortTakenError naming the process) when something already listens on the port: otherwise the
 * readiness probe below would answer from that other server and the system would silently use it.
 */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<RunningTemporal> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      // A port the server binds besides ours (the CLI's own random picks) or one checked free a moment before can be
      // taken by another process between the check and the bind (fresh-clone CI: "bind: address already in use" on
      // a port nobody configured): start again; a port that stays taken is refused by assertPortFree, naming who holds it.
      if (attempt >= START_ATTEMPTS || !(err instanceof Error) || !PORT_RACE.test(err.message) || !err.message.includes(EXITED_EARLY))
        throw err;
      options.onLog?.(
        `Temporal dev server: a port was taken while it started (attempt ${attempt} of ${START_ATTEMPTS}); starting it again`,
      );
    }
  }
}

/** How often a start that lost a port race is tried. */
const START_ATTEMPTS = 3;
const PORT_RACE = /bind: address already in use/;
const EXITED_EARLY = 'before it answered on';

async function startOnce(options: TemporalDevServerOptions): Promise<RunningTemporal> {
  const ip = options.ip ?? '127.0.0.1';
  await assertPortFree(options.port, 'TEMPORAL_PORT', ip);
  if (options.uiPort) await assertPortFree(options.uiPort, 'TEMPORAL_UI_PORT', ip);
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(options.port), '--namespace', options.namespace, '--log-level', 'warn'];
  args.push(...searchAttributeCliArgs());
  for (const [key, value] of Object.entries(options.dynamicConfig ?? TEMPORAL_DYNAMIC_CONFIG))
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  if (options.uiPort)
    args.push('--ui-port', String(options.uiPort), ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []));
  else args.push('--headless');
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  let logFd: number | undefined;
  if (options.logFile) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    logFd = openSync(options.logFile, 'a');
  }
  const logStart = logFd === undefined ? 0 : fstatSync(logFd).size;
  const stdio = logFd === undefined ? 'pipe' : logFd;
  const child = spawn(options.cliPath, args, { stdio: ['ignore', stdio, stdio], detached: options.ownProcessGroup ?? false });
  if (logFd !== undefined) closeSync(logFd);
  let exited: string | undefined;
  let piped = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    piped = (piped + text).slice(-4000);
    for (const line of text.split('\n')) if (line.trim()) options.onLog?.(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  /** The last 4000 characters this run wrote (the pipe, or the log file from where this run started). */
  const output = () => (options.logFile ? tail(options.logFile, logStart) : '') + piped;
  const ended = new Promise<ExitInfo>((resolve) =>
    child.once('exit', (code, signal) => {
      exited ??= `exited with ${signal ?? `code ${code}`}`;
      resolve({ code, signal });
    }),
  );
  // A binary that cannot be spawned (removed, not executable) emits 'error' and never 'exit'.
  child.once('error', (err) => {
    exited ??= `could not be started (${err.message})`;
    piped += `\n${err.message}`;
    child.emit('exit', null, null);
  });
  const exitedPromise = ended.then(() => undefined);

  const address = `${ip}:${options.port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) {
      throw new Error(`Temporal dev server ${exited} ${EXITED_EARLY} ${address}. Its output:\n${output()}`);
    }
    // Only our own server counts: an answer while it has already exited came from someone else.
    if ((await answers(address, options.namespace)) && !exited) break;
    if (Date.now() > deadline) {
      await stopChild(child, exitedPromise);
      throw new Error(`Temporal dev server did not answer on ${address} in time. Output:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    address,
    // The address the UI listens on (the CLI's --ui-ip defaults to --ip): `localhost` may resolve to ::1 first.
    uiUrl: options.uiPort ? `http://${ip}:${options.uiPort}` : undefined,
    pid: child.pid ?? -1,
    ended,
    lastOutput: output,
    stop: () => stopChild(child, exitedPromise),
  };
}

async function answers(address: string, namespace: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1000 });
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** SIGTERM lets the server flush its SQLite file; SIGKILL only if it does not exit in time. */
async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** The end (at most 4000 bytes) of a file from `from` on; "" if unreadable. */
function tail(file: string, from: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const start = Math.max(from, size - 4000);
    const buffer = Buffer.alloc(Math.max(0, size - start));
    readSync(fd, buffer, 0, buffer.length, start);
    return buffer.toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
