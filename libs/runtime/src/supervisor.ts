/** How a supervised process ended: its exit code or the signal that killed it. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One running instance of a supervised process. */
export interface Supervisable {
  pid: number;
  /** Settles when the process has ended, for whatever reason. */
  ended: Promise<ExitInfo>;
  /** Orderly stop; resolves once the process has exited. */
  stop(): Promise<void>;
  /** Last lines of its own output, to say why it died (PostgreSQL, Temporal); children that share the terminal have none. */
  lastOutput?: () => string;
}

export interface Backoff {
  /** Delay before the first restart after a crash, ms. */
  initialMs: number;
  /** Delays double up to this, ms. */
  maxMs: number;
  /** A run at least this long counts as healthy: the next crash starts from initialMs again. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 };

export interface SupervisorOptions {
  backoff?: Backoff;
  log?: (line: string) => void;
  /** Called with each new instance (first start and every restart): pid files, messages. */
  onStarted?: (instance: Supervisable, restarts: number) => void;
}

/** Says what an exit means, for the log line that names the child that died. */
export function describeExit({ code, signal }: ExitInfo): string {
  if (signal === 'SIGKILL') return 'killed by SIGKILL (out of memory, or killed by someone)';
  if (signal === 'SIGSEGV' || signal === 'SIGABRT' || signal === 'SIGBUS') return `crashed with ${signal}`;
  if (signal) return `ended by ${signal} (not sent by this launcher)`;
  if (code === 0) return 'exited with code 0 although nobody asked it to stop';
  return `exited with code ${code} (an error: see its output above)`;
}

/**
 * Keeps one process running: when it ends without stop() having been called it is started again
 * after a backoff (1 s, doubling to 30 s; back to 1 s after a healthy minute), with a log line naming
 * it, its pid, its exit code or signal and why. A failed restart is retried the same way: the data
 * it works on is kept, so a restart is the recovery (PostgreSQL recovers from its WAL, Temporal
 * from its SQLite file, the API and the worker hold no state).
 */
export class Supervisor {
  private current?: Supervisable;
  private stopping = false;
  private delayMs: number;
  private timer?: NodeJS.Timeout;
  private wake?: () => void;
  private loop?: Promise<void>;
  restarts = 0;
  private readonly backoff: Backoff;
  private readonly log: (line: string) => void;

  constructor(
    readonly name: string,
    private readonly startOnce: () => Promise<Supervisable>,
    private readonly options: SupervisorOptions = {},
  ) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.delayMs = this.backoff.initialMs;
    this.log = options.log ?? ((line) => console.error(line));
  }

  get pid(): number | undefined {
    return this.current?.pid;
  }

  /** First start: a failure here is the caller's (a start that never worked is not retried). */
  async start(): Promise<void> {
    this.current = await this.startOnce();
    this.options.onStarted?.(this.current, 0);
    this.loop = this.watch(this.current);
  }

  private async watch(instance: Supervisable): Promise<void> {
    let running: Supervisable | undefined = instance;
    let startedAt = Date.now();
    for (;;) {
      if (running) {
        const exit = await running.ended;
        if (this.stopping) return;
        const tail = running.lastOutput?.().trim();
        this.log(
          `launcher: ${this.name} (pid ${running.pid}) ${describeExit(exit)}; restarting in ${this.delayMs / 1000}s` +
            (tail
              ? `. Its last output:\n${tail
                  .split('\n')
                  .slice(-8)
                  .map((l) => `    ${l}`)
                  .join('\n')}`
              : ''),
        );
        if (Date.now() - startedAt >= this.backoff.resetAfterMs) this.delayMs = this.backoff.initialMs;
      }
      await this.sleep(this.delayMs);
      if (this.stopping) return;
      this.delayMs = Math.min(this.delayMs * 2, this.backoff.maxMs);
      try {
        running = await this.startOnce();
      } catch (err) {
        if (this.stopping) return;
        this.log(`launcher: ${this.name} did not restart: ${(err as Error).message}; trying again in ${this.delayMs / 1000}s`);
        running = undefined;
        continue;
      }
      startedAt = Date.now();
      this.restarts += 1;
      this.current = running;
      this.log(`launcher: ${this.name} restarted (pid ${running.pid}, restart ${this.restarts})`);
      this.options.onStarted?.(running, this.restarts);
      if (this.stopping) {
        await running.stop();
        return;
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }

  /**
   * No more restarts from now on, without stopping the process yet: a launcher that stops its children
   * one after the other calls this on all of them first, so that a child that exits early (PostgreSQL
   * shares the terminal and gets the Ctrl-C directly) is not taken for a crash and restarted.
   */
  stopRestarting(): void {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
  }

  /** Stops the process and any pending restart; resolves once it has exited. */
  async stop(): Promise<void> {
    this.stopRestarting();
    await this.current?.stop();
    // A restart in flight finishes and then stops its instance (see watch).
    await this.loop;
  }
}
