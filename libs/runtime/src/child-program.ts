import { type ChildProcess, fork } from 'node:child_process';
import type { ExitInfo } from './supervisor';

export interface ChildProgram {
  name: string;
  pid: number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  /** The exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Exit code and signal. */
  ended: Promise<ExitInfo>;
}

export interface ChildProgramOptions {
  /** 'stderr' sends the child's stdout to this process's stderr (a program whose stdout is a report). */
  output?: 'inherit' | 'stderr';
  /**
   * Own process group: a Ctrl-C in the terminal then reaches only the parent, which stops its
   * children in order instead of all of them stopping (and looking crashed) at once.
   */
  ownProcessGroup?: boolean;
  /** Node options for the child besides this process's own (e.g. `--max-old-space-size=384`). */
  execArgv?: readonly string[];
}

/** The Node options that cap a worker's heap (WORKER_HEAP_MB; 0 = none). */
export const workerHeapArgs = (heapMb: number): string[] => (heapMb > 0 ? [`--max-old-space-size=${heapMb}`] : []);

/** glibc malloc arenas of a worker process unless its environment sets MALLOC_ARENA_MAX (docs/benchmarks.md). */
export const WORKER_MALLOC_ARENA_MAX = '2';

/**
 * A worker process's environment: `env`, with glibc's MALLOC_ARENA_MAX at WORKER_MALLOC_ARENA_MAX unless set. The
 * worker's threads (the SDK's Rust core and its Tokio pool, V8's workflow thread, libuv's pool) each take a malloc
 * arena of their own by default (up to 8 per core), and memory freed into one is kept there: two arenas kept the
 * worker's RSS with 1,000 open cases 27–52 MiB lower in the bench, side by side (docs/benchmarks.md, "Worker
 * memory"). The docker/ and Helm worker set the same variable.
 */
export function workerProcessEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX || WORKER_MALLOC_ARENA_MAX };
}

/**
 * Forks a Node program (the API or the worker main) and resolves once it reports ready over IPC
 * (see runUntilSignal). Rejects if it exits first, e.g. on a configuration error.
 */
export function startChildProgram(
  name: string,
  modulePath: string,
  env: NodeJS.ProcessEnv,
  options: ChildProgramOptions | 'inherit' | 'stderr' = {},
): Promise<ChildProgram> {
  const opts = typeof options === 'string' ? { output: options } : options;
  const stdout = opts.output === 'stderr' ? 2 : 'inherit';
  const child: ChildProcess = fork(modulePath, [], {
    env,
    stdio: ['ignore', stdout, 'inherit', 'ipc'],
    detached: opts.ownProcessGroup ?? false,
    ...(opts.execArgv?.length ? { execArgv: [...process.execArgv, ...opts.execArgv] } : {}),
  });
  const ended = new Promise<ExitInfo>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const exited = ended.then((e) => e.code);
  const stop = async (graceMs = 15_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await ended;
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    child.on('message', (message: { ready?: string }) => {
      if (message?.ready) {
        // The open channel is how the child notices if this process dies without stopping it.
        resolve({ name, pid: child.pid ?? -1, stop, exited, ended });
      }
    });
    void ended.then(({ code, signal }) => reject(new Error(`${name} exited with ${signal ?? `code ${code}`} before it was ready`)));
  });
}
