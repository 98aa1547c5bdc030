import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { startTemporalDevServer } from './temporal-dev-server';

/** A stand-in for the temporal CLI that counts its starts and exits as the real one does when a port is taken. */
function fakeCli(dir: string, message: string): { cliPath: string; starts: () => number } {
  const counter = join(dir, 'starts');
  const cliPath = join(dir, 'temporal');
  writeFileSync(cliPath, `#!/bin/sh\necho x >> '${counter}'\necho '${message}'\nexit 1\n`);
  chmodSync(cliPath, 0o755);
  return { cliPath, starts: () => readFileSync(counter, 'utf8').trim().split('\n').length };
}

describe('startTemporalDevServer: a port taken while the server starts', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tds-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts again when the server lost a port race (fresh-clone CI), up to three times, then says why', async () => {
    const fake = fakeCli(dir, '{"level":"FATAL","message":"listen tcp 127.0.0.1:36761: bind: address already in use"}');
    const logs: string[] = [];
    await expect(
      startTemporalDevServer({ cliPath: fake.cliPath, port: await freePort(), namespace: 'default', onLog: (l) => logs.push(l) }),
    ).rejects.toThrow(/exited with code 1 before it answered on .*bind: address already in use/s);
    expect(fake.starts()).toBe(3);
    expect(logs.filter((l) => l.includes('starting it again'))).toHaveLength(2);
  });

  it('does not retry a server that fails for another reason', async () => {
    const fake = fakeCli(dir, 'unknown flag: --bogus');
    await expect(startTemporalDevServer({ cliPath: fake.cliPath, port: await freePort(), namespace: 'default' })).rejects.toThrow(
      /unknown flag/,
    );
    expect(fake.starts()).toBe(1);
  });
});
