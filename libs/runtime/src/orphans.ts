import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { commandLine, isAlive, readPidFile, removePidFile, StartRefusedError, terminate } from './processes';

/**
 * The launcher's pid files, in DATA_DIR/run: one per process it starts, so that a later start can
 * tell its own orphans (left by a launcher that was killed outright) from someone else's servers.
 * PostgreSQL keeps its own (DATA_DIR/postgres/postmaster.pid).
 */
export type RunFile = 'launcher' | 'api' | 'worker' | 'temporal';

export const runFile = (dataDir: string, name: RunFile): string => join(dataDir, 'run', `${name}.pid`);
export const postmasterPidFile = (pgDataDir: string): string => join(pgDataDir, 'postmaster.pid');

export class LauncherAlreadyRunningError extends StartRefusedError {
  constructor(
    readonly pid: number,
    readonly dataDir: string,
  ) {
    super(
      `数据目录正被使用 Another delegation-flow launcher (pid ${pid}) is running on ${dataDir}. Stop it first (Ctrl-C in its terminal, or kill -TERM ${pid}), or set DATA_DIR.`,
    );
  }
}

/** What each pid file's process must look like to be ours (pids are reused after a reboot). */
const LOOKS_LIKE: Record<Exclude<RunFile, 'launcher'>, (cmd: string) => boolean> = {
  api: (cmd) => /apps\/api\/main\.js/.test(cmd),
  worker: (cmd) => /apps\/worker\/main\.js/.test(cmd),
  temporal: (cmd) => /\bserver\b.*\bstart-dev\b/.test(cmd),
};

const LABEL: Record<Exclude<RunFile, 'launcher'>, string> = { api: 'API', worker: 'worker', temporal: 'Temporal dev server' };

/**
 * Stops what an earlier launcher on this data folder left running: the API and the worker (they
 * normally follow their launcher out), the Temporal dev server (SIGTERM: it flushes its SQLite file)
 * and PostgreSQL (SIGINT: fast shutdown, it recovers nothing because it loses nothing). Stopping rather
 * than adopting gives the new start children it can supervise and flags it chose. Throws
 * LauncherAlreadyRunningError if the earlier launcher itself is still alive.
 */
export async function stopOrphans(dataDir: string, pgDataDir: string | undefined, log: (line: string) => void): Promise<void> {
  const launcherPid = readPidFile(runFile(dataDir, 'launcher'));
  if (launcherPid && launcherPid !== process.pid && isAlive(launcherPid) && /launcher\/main\.js/.test(commandLine(launcherPid))) {
    throw new LauncherAlreadyRunningError(launcherPid, dataDir);
  }
  for (const name of ['api', 'worker', 'temporal'] as const) {
    const file = runFile(dataDir, name);
    const pid = readPidFile(file);
    if (pid && isAlive(pid) && LOOKS_LIKE[name](commandLine(pid))) {
      log(`launcher: found the ${LABEL[name]} (pid ${pid}) left running by an earlier start on ${dataDir}; stopping it`);
      await terminate(pid, 'SIGTERM', 15_000);
    }
    removePidFile(file);
  }
  if (pgDataDir) {
    const pid = postmasterPid(pgDataDir);
    if (pid && isAlive(pid) && /postgres/.test(commandLine(pid))) {
      log(`launcher: found PostgreSQL (pid ${pid}) left running by an earlier start on ${pgDataDir}; stopping it (fast shutdown)`);
      await terminate(pid, 'SIGINT', 30_000);
    }
  }
}

/** The postmaster's pid if postmaster.pid names this very data folder (line 2), else undefined. */
export function postmasterPid(pgDataDir: string): number | undefined {
  try {
    const [pidLine, dirLine] = readFileSync(postmasterPidFile(pgDataDir), 'utf8').split('\n');
    if (!dirLine || resolve(dirLine.trim()) !== resolve(pgDataDir)) return undefined;
    const pid = Number.parseInt(pidLine!.trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
