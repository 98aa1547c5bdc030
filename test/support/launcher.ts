import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, isAlive, isZombie, postmasterPid, readPidFile, runFile, type RunFile } from '@df/runtime';
import { projectRoot } from '../../libs/runtime/src/project-root';

/** The built launcher (`npm run build`, done by the faults project's global setup) as a real process tree. */
export const LAUNCHER_MAIN = join(projectRoot(), 'dist', 'apps', 'launcher', 'main.js');

export interface LauncherPorts {
  PORT: number;
  EMBEDDED_PG_PORT: number;
  TEMPORAL_PORT: number;
  TEMPORAL_UI_PORT: number;
}

export async function freeLauncherPorts(): Promise<LauncherPorts> {
  return {
    PORT: await freePort(),
    EMBEDDED_PG_PORT: await freePort(),
    TEMPORAL_PORT: await freePort(),
    TEMPORAL_UI_PORT: await freePort(),
  };
}

export interface RunningLauncher {
  process: ChildProcess;
  pid: number;
  baseUrl: string;
  /** Everything it printed so far (stdout and stderr, with its children's output). */
  output(): string;
  /** Resolves with the match once the output matches (polls), or rejects after timeoutMs with the output's tail. */
  waitFor(pattern: RegExp, timeoutMs?: number, from?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startLauncher(dataDir: string, ports: LauncherPorts, env: Record<string, string> = {}): RunningLauncher {
  const child = spawn(process.execPath, [LAUNCHER_MAIN], {
    cwd: projectRoot(),
    env: {
      ...process.env,
      // The test run's own servers are not the launcher's business.
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      WORKING_DAY_SECONDS: '1',
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, as in a terminal: `process.kill(-pid, 'SIGINT')` is then a Ctrl-C.
    detached: true,
  });
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let done = false;
  void exited.then(() => (done = true));
  const waitFor = async (pattern: RegExp, timeoutMs = 90_000, from = 0) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = text.slice(from).match(pattern);
      if (m) return m;
      if (done || Date.now() > deadline) {
        throw new Error(`launcher output never matched ${pattern}${done ? ' (it exited)' : ''}; its last output:\n${text.slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { process: child, pid: child.pid!, baseUrl: `http://127.0.0.1:${ports.PORT}`, output: () => text, waitFor, exited };
}

/** The pid the launcher recorded for a child (DATA_DIR/run), or PostgreSQL's own (postmaster.pid). */
export function childPid(dataDir: string, name: RunFile | 'postgres'): number | undefined {
  return name === 'postgres' ? postmasterPid(join(dataDir, 'postgres')) : readPidFile(runFile(dataDir, name));
}

/** Waits until the pid file names a live process other than `not` (a restarted child). */
export async function waitForNewPid(
  dataDir: string,
  name: RunFile | 'postgres',
  not: number | undefined,
  timeoutMs = 60_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pid = childPid(dataDir, name);
    if (pid && pid !== not && isAlive(pid)) return pid;
    if (Date.now() > deadline) throw new Error(`${name} was not restarted within ${timeoutMs} ms (pid file: ${pid})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function waitGone(pid: number, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && !isZombie(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}
