import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeCliArgs } from '@df/contracts';

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
}

export interface RunningTemporal {
  address: string;
  uiUrl?: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `temporal server start-dev` as a child process, with the project's search attributes registered. */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<RunningTemporal> {
  const ip = options.ip ?? '127.0.0.1';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(options.port), '--namespace', options.namespace, '--log-level', 'warn'];
  args.push(...searchAttributeCliArgs());
  if (options.uiPort) args.push('--ui-port', String(options.uiPort), ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []));
  else args.push('--headless');
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let exited: string | undefined;
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output = (output + text).slice(-4000);
    for (const line of text.split('\n')) if (line.trim()) options.onLog?.(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? `code ${code}`}`;
      resolve();
    }),
  );

  const address = `${ip}:${options.port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) {
      throw new Error(`Temporal dev server ${exited} before it answered on ${address}. Is the port taken? Output:\n${output}`);
    }
    if (await answers(address, options.namespace)) break;
    if (Date.now() > deadline) {
      await stopChild(child, exitedPromise);
      throw new Error(`Temporal dev server did not answer on ${address} in time. Output:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    address,
    uiUrl: options.uiPort ? `http://localhost:${options.uiPort}` : undefined,
    pid: child.pid ?? -1,
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
