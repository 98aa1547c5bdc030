// What the launcher's signal handling (runUntilSignal, shared by the API and the worker) does with
// one Ctrl-C echoed by npm, a second Ctrl-C after the window, and SIGTERM: a real Node process.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPEATED_SIGINT_WINDOW_MS } from '@df/runtime';
import { projectRoot } from '../../libs/runtime/src/project-root';

jest.setTimeout(60_000);

async function startProbe(until = 'probe: ready', startMs = 0, lines = 'text') {
  const root = projectRoot();
  const child = spawn(process.execPath, [join(root, 'test/support/run-ts.js'), join(root, 'test/support/signal-probe.ts')], {
    cwd: root,
    env: { ...process.env, STOP_MS: '3000', START_MS: String(startMs), LINES: lines },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  const deadline = Date.now() + 30_000;
  while (!out.includes(until)) {
    if (Date.now() > deadline) throw new Error(`probe never ready: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, exited, output: () => out };
}

describe('stopping on signals', () => {
  it('one Ctrl-C that arrives twice within the window (terminal + npm) is one orderly stop, exit 0', async () => {
    const probe = await startProbe();
    probe.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 20));
    probe.child.kill('SIGINT');
    expect(await probe.exited).toEqual({ code: 0, signal: null });
    expect(probe.output()).toContain('probe: orderly stop done');
  });

  it('a second Ctrl-C after the window forces the exit (130) without waiting for the orderly stop', async () => {
    const probe = await startProbe();
    probe.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, REPEATED_SIGINT_WINDOW_MS + 300));
    probe.child.kill('SIGINT');
    expect(await probe.exited).toEqual({ code: 130, signal: null });
    expect(probe.output()).not.toContain('probe: orderly stop done');
  });

  it("the API's and the worker's way (`json`): its own stop lines are JSON log lines of its service (twentieth trial: text among JSON)", async () => {
    const probe = await startProbe('probe: ready', 0, 'json');
    probe.child.kill('SIGTERM');
    expect(await probe.exited).toEqual({ code: 0, signal: null });
    const own = probe
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(own).toEqual([
      expect.objectContaining({ level: 'info', service: 'probe', msg: 'SIGTERM, stopping...' }),
      expect.objectContaining({ level: 'info', service: 'probe', msg: 'stopped' }),
    ]);
    expect(probe.output()).not.toMatch(/^probe: (SIGTERM|stopped)/m);
  });

  it('SIGTERM stops in order (exit 0); a SIGTERM while stopping changes nothing', async () => {
    const probe = await startProbe();
    probe.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    probe.child.kill('SIGTERM');
    expect(await probe.exited).toEqual({ code: 0, signal: null });
    expect(probe.output()).toContain('probe: orderly stop done');
  });

  it('SIGTERM while starting (trial: the Temporal dev server it had started was left running): the start finishes, then an orderly stop, exit 0', async () => {
    const probe = await startProbe('probe: starting', 2000);
    probe.child.kill('SIGTERM');
    expect(await probe.exited).toEqual({ code: 0, signal: null });
    const out = probe.output();
    expect(out).toContain('probe: waiting for the start to finish');
    expect(out.indexOf('probe: ready')).toBeLessThan(out.indexOf('probe: orderly stop done'));
  });
});
