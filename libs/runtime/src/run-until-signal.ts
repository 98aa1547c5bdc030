import { ConfigError } from './config';
import { writeJsonLogLine } from './json-logger';
import { StartRefusedError } from './processes';

export interface RunningProgram {
  stop(): Promise<void>;
  /** Settles when the program ends on its own (a crashed worker, a closed server). */
  stopped?: Promise<unknown>;
}

/**
 * A SIGINT this soon after the first one is the same Ctrl-C: `npm start` forwards the terminal's
 * SIGINT to its child, which the terminal has already signalled (its process group), so one key press
 * arrives twice within milliseconds. Only a SIGINT after this window means "force".
 */
export const REPEATED_SIGINT_WINDOW_MS = 1_000;

/**
 * Runs a program until SIGINT/SIGTERM, then stops it once and exits (code 0). A configuration error
 * prints the variables at fault and exits 1 without a stack trace. A second SIGINT more than
 * REPEATED_SIGINT_WINDOW_MS after the first forces the exit (code 130); SIGTERM while stopping is ignored.
 *
 * `lines`: how its own lines are written: `text` (`name: SIGTERM, stopping...`, the launcher's and the tools'), or
 * `json`, the service's JSON log lines (writeJsonLogLine, service `name`: the API and the worker, whose every line is
 * JSON; twentieth trial: their stop and start-failure lines were the text among them).
 */
export async function runUntilSignal(name: string, start: () => Promise<RunningProgram>, lines: 'text' | 'json' = 'text'): Promise<void> {
  const say = (level: 'info' | 'error', msg: string) => {
    if (lines === 'json') writeJsonLogLine(name, level, { msg });
    else if (level === 'error') console.error(`${name}: ${msg}`);
    else console.log(`${name}: ${msg}`);
  };
  let program: RunningProgram | undefined;
  // A stop while starting waits for the start and stops what it started (trial: SIGTERM during `npm start`'s start-up
  // exited at once and left the Temporal dev server it had started running).
  let starting: Promise<RunningProgram | undefined> | undefined;
  let stopping = false;
  let firstSigintAt = 0;
  const stop = async (reason: string, code: number) => {
    if (reason === 'SIGINT' && !firstSigintAt) firstSigintAt = Date.now();
    if (stopping) {
      // The launcher's own SIGTERM to a child, or the echo of one Ctrl-C: not a reason to force.
      if (reason !== 'SIGINT' || Date.now() - firstSigintAt < REPEATED_SIGINT_WINDOW_MS) return;
      say('error', 'second Ctrl-C (SIGINT), exiting now without waiting for an orderly stop');
      process.exit(130);
    }
    stopping = true;
    say('info', `${reason}, stopping...`);
    try {
      if (!program && starting) say('info', 'waiting for the start to finish, to stop what it started');
      await (program ?? (await starting))?.stop();
    } catch (err) {
      say('error', `error while stopping: ${String(err)}`);
      code = code || 1;
    }
    say('info', 'stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('SIGINT', 0));
  process.on('SIGTERM', () => void stop('SIGTERM', 0));
  // A closed terminal: stop in order rather than die and leave the servers running.
  process.on('SIGHUP', () => void stop('SIGHUP', 0));
  try {
    const started = start();
    starting = started.catch(() => undefined);
    program = await started;
  } catch (err) {
    say(
      'error',
      err instanceof ConfigError || err instanceof StartRefusedError
        ? err.message
        : `failed to start: ${(err as Error).stack ?? String(err)}`,
    );
    await program?.stop().catch(() => undefined);
    process.exit(1);
  }
  // Tell a parent launcher (fork with IPC) that this program is ready; the channel stays open so
  // that a launcher killed outright (no chance to stop us) never leaves this program orphaned.
  if (process.send) {
    // A launcher that went away meanwhile (stopped while this was starting) is no error (ERR_IPC_CHANNEL_CLOSED).
    if (process.connected) process.send({ ready: name }, undefined, {}, () => undefined);
    process.once('disconnect', () => !stopping && void stop('launcher gone', 0));
  }
  program.stopped?.then(
    () => !stopping && void stop('stopped on its own', 1),
    (err: unknown) => !stopping && void stop(`failed: ${String(err)}`, 1),
  );
}
