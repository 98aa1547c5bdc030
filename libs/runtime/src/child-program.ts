import { type ChildProcess, fork } from 'node:child_process';

export interface ChildProgram {
  name: string;
  pid: number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

/**
 * Forks a Node program (the API or the worker main) and resolves once it reports ready over IPC
 * (see runUntilSignal). Rejects if it exits first, e.g. on a configuration error. `output: 'stderr'`
 * sends the child's stdout to this process's stderr (a program whose stdout is a report).
 */
export function startChildProgram(name: string, modulePath: string, env: NodeJS.ProcessEnv, output: 'inherit' | 'stderr' = 'inherit'): Promise<ChildProgram> {
  const stdout = output === 'stderr' ? 2 : 'inherit';
  const child: ChildProcess = fork(modulePath, [], { env, stdio: ['ignore', stdout, 'inherit', 'ipc'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (graceMs = 15_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    child.on('message', (message: { ready?: string }) => {
      if (message?.ready) {
        // The open channel is how the child notices if this process dies without stopping it.
        resolve({ name, pid: child.pid ?? -1, stop, exited });
      }
    });
    void exited.then((code) => reject(new Error(`${name} exited with code ${code} before it was ready`)));
  });
}
