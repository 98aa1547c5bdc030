import { ConfigError } from './config';

export interface RunningProgram {
  stop(): Promise<void>;
  /** Settles when the program ends on its own (a crashed worker, a closed server). */
  stopped?: Promise<unknown>;
}

/**
 * Runs a program until SIGINT/SIGTERM, then stops it once and exits. A configuration error prints
 * the variables at fault and exits 1 without a stack trace; a second signal forces the exit.
 */
export async function runUntilSignal(name: string, start: () => Promise<RunningProgram>): Promise<void> {
  let program: RunningProgram | undefined;
  let stopping = false;
  const stop = async (reason: string, code: number) => {
    if (stopping) {
      // Ctrl-C reaches every process of the group and the launcher then sends SIGTERM: only a
      // second Ctrl-C means "force".
      if (reason !== 'SIGINT') return;
      console.error(`${name}: second SIGINT, exiting now`);
      process.exit(130);
    }
    stopping = true;
    console.log(`${name}: ${reason}, stopping...`);
    try {
      await program?.stop();
    } catch (err) {
      console.error(`${name}: error while stopping: ${String(err)}`);
      code = code || 1;
    }
    console.log(`${name}: stopped`);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('SIGINT', 0));
  process.on('SIGTERM', () => void stop('SIGTERM', 0));
  try {
    program = await start();
  } catch (err) {
    console.error(err instanceof ConfigError ? `${name}: ${err.message}` : `${name}: failed to start: ${(err as Error).stack ?? String(err)}`);
    await program?.stop().catch(() => undefined);
    process.exit(1);
  }
  // Tell a parent launcher (fork with IPC) that this program is ready; the channel stays open so
  // that a launcher killed outright (no chance to stop us) never leaves this program orphaned.
  if (process.send) {
    process.send({ ready: name });
    process.once('disconnect', () => !stopping && void stop('launcher gone', 0));
  }
  program.stopped?.then(
    () => !stopping && void stop('stopped on its own', 1),
    (err: unknown) => !stopping && void stop(`failed: ${String(err)}`, 1),
  );
}
