import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';

/** Process helpers of the launcher: pid files, liveness, who listens on a port (Linux /proc; elsewhere "unknown"). */

/** true while a process with this pid exists (signal 0 checks without signalling). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a process ("" when unknown or gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').replace(/\s+/g, ' ');
  } catch {
    return '';
  }
}

export function writePidFile(path: string, pid: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${pid}\n`);
}

/** The pid in the file's first line, or undefined when the file is missing or not a pid. */
export function readPidFile(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').split('\n')[0]!.trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function removePidFile(path: string): void {
  rmSync(path, { force: true });
}

/**
 * Signals a process and waits until it is gone; `forceAfterMs` later it gets SIGKILL.
 * Resolves true if it exited, false if it was still there after the force (should not happen).
 */
export async function terminate(pid: number, signal: NodeJS.Signals = 'SIGTERM', forceAfterMs = 15_000): Promise<boolean> {
  const send = (s: NodeJS.Signals) => {
    try {
      process.kill(pid, s);
    } catch {
      // already gone
    }
  };
  send(signal);
  const forceAt = Date.now() + forceAfterMs;
  let forced = false;
  while (isAlive(pid) && !isZombie(pid)) {
    if (!forced && Date.now() > forceAt) {
      send('SIGKILL');
      forced = true;
    } else if (forced && Date.now() > forceAt + 5_000) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/** An exited child its parent has not reaped yet counts as gone. */
export function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** true when nothing listens on host:port (a bind attempt succeeds). */
export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export interface PortOwner {
  pid?: number;
  command?: string;
}

/** Which process listens on a TCP port: from /proc/net/tcp{,6} (socket inode) and /proc/<pid>/fd. */
export function portOwner(port: number): PortOwner {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A is LISTEN; column 9 is the inode.
      if (cols.length > 9 && cols[3] === '0A' && Number.parseInt(cols[1]!.split(':')[1]!, 16) === port) inodes.add(cols[9]!);
    }
  }
  if (inodes.size === 0) return {};
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return {};
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1]!)) return { pid: Number(pid), command: commandLine(Number(pid)) };
    }
  }
  return {};
}

/** A start refused for a reason the operator can fix: printed as is, without a stack trace. */
export class StartRefusedError extends Error {
  override name = 'StartRefusedError';
}

export class PortTakenError extends StartRefusedError {
  constructor(
    readonly port: number,
    readonly variable: string,
    readonly owner: PortOwner,
  ) {
    const who = owner.pid
      ? `process ${owner.pid} (${truncate(owner.command || 'unknown command', 160)})`
      : 'another process (its pid is not visible to this user)';
    super(
      `端口 ${port} 已被占用 Port ${port} (${variable}) is already in use by ${who}. ` +
        `It was not started by this data folder, so it is not stopped or used. Stop it, or set ${variable} to a free port.`,
    );
  }
}

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Throws PortTakenError naming the port, its variable and the listening process if the port is in use. */
export async function assertPortFree(port: number, variable: string, host = '127.0.0.1'): Promise<void> {
  if (await portIsFree(port, host)) return;
  throw new PortTakenError(port, variable, portOwner(port));
}
