import { describeExit, Supervisor, type ExitInfo, type Supervisable } from './supervisor';

/** A stand-in process: `die` ends it as a crash would; stop() ends it as asked. */
function fakeProcess(pid: number) {
  let end!: (e: ExitInfo) => void;
  const ended = new Promise<ExitInfo>((r) => (end = r));
  const instance: Supervisable & { die(e: ExitInfo): void; stopped: boolean } = {
    pid,
    ended,
    stopped: false,
    die: (e) => end(e),
    stop: async () => {
      instance.stopped = true;
      end({ code: 0, signal: null });
    },
  };
  return instance;
}

const until = async (check: () => boolean, ms = 2_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('Supervisor', () => {
  const backoff = { initialMs: 20, maxMs: 80, resetAfterMs: 60_000 };

  it('restarts a process that died on its own, naming it, its pid and its signal, with doubling backoff', async () => {
    const started: ReturnType<typeof fakeProcess>[] = [];
    const log: string[] = [];
    const s = new Supervisor(
      'worker',
      async () => {
        const p = fakeProcess(100 + started.length);
        started.push(p);
        return p;
      },
      { backoff, log: (l) => log.push(l) },
    );
    await s.start();
    started[0]!.die({ code: null, signal: 'SIGKILL' });
    await until(() => started.length === 2);
    started[1]!.die({ code: 3, signal: null });
    await until(() => started.length === 3);
    expect(log[0]).toBe('launcher: worker (pid 100) killed by SIGKILL (out of memory, or killed by someone); restarting in 0.02s');
    expect(log[1]).toBe('launcher: worker restarted (pid 101, restart 1)');
    expect(log[2]).toBe('launcher: worker (pid 101) exited with code 3 (an error: see its output above); restarting in 0.04s');
    expect(s.pid).toBe(102);
    await s.stop();
    expect(started[2]!.stopped).toBe(true);
    expect(started).toHaveLength(3);
  });

  it('a failed restart is retried; stop() during the backoff cancels the restart', async () => {
    const started: ReturnType<typeof fakeProcess>[] = [];
    let attempts = 0;
    const log: string[] = [];
    const s = new Supervisor(
      'PostgreSQL',
      async () => {
        attempts += 1;
        if (attempts === 2) throw new Error('port taken');
        const p = fakeProcess(attempts);
        started.push(p);
        return p;
      },
      { backoff: { initialMs: 10, maxMs: 10_000, resetAfterMs: 60_000 }, log: (l) => log.push(l) },
    );
    await s.start();
    started[0]!.die({ code: 1, signal: null });
    await until(() => attempts === 3);
    expect(log).toContain('launcher: PostgreSQL did not restart: port taken; trying again in 0.02s');
    // Crash again: the next restart waits 0.04 s; stopping now must cancel it.
    started[1]!.die({ code: 1, signal: null });
    await until(() => log.some((l) => l.includes('(pid 3) exited')));
    await s.stop();
    await new Promise((r) => setTimeout(r, 100));
    expect(attempts).toBe(3);
  });

  it('after stopRestarting() an exit is not taken for a crash (PostgreSQL got the Ctrl-C itself)', async () => {
    const started: ReturnType<typeof fakeProcess>[] = [];
    const log: string[] = [];
    const s = new Supervisor(
      'PostgreSQL',
      async () => {
        const p = fakeProcess(started.length + 1);
        started.push(p);
        return p;
      },
      { backoff, log: (l) => log.push(l) },
    );
    await s.start();
    s.stopRestarting();
    started[0]!.die({ code: 0, signal: null });
    await new Promise((r) => setTimeout(r, 60));
    await s.stop();
    expect(started).toHaveLength(1);
    expect(log).toEqual([]);
  });

  it('says what an exit means', () => {
    expect(describeExit({ code: null, signal: 'SIGSEGV' })).toBe('crashed with SIGSEGV');
    expect(describeExit({ code: 0, signal: null })).toBe('exited with code 0 although nobody asked it to stop');
    expect(describeExit({ code: null, signal: 'SIGTERM' })).toBe('ended by SIGTERM (not sent by this launcher)');
  });
});
