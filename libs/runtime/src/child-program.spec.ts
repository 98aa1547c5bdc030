import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildProgram, WORKER_MALLOC_ARENA_MAX, workerHeapArgs, workerProcessEnv } from './child-program';

/** A program that writes its V8 heap limit to HEAP_OUT and reports ready, as the worker main does. */
const PROGRAM = `
const v8 = require('node:v8');
require('node:fs').writeFileSync(process.env.HEAP_OUT, String(v8.getHeapStatistics().heap_size_limit));
process.send({ ready: 'heap-probe' });
setInterval(() => undefined, 1000);
`;

describe('startChildProgram with a heap cap (WORKER_HEAP_MB)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'df-child-'));
  const program = join(dir, 'probe.js');
  writeFileSync(program, PROGRAM);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const heapLimitMiB = async (execArgv: string[]): Promise<number> => {
    const out = join(dir, `heap-${execArgv.length}`);
    const child = await startChildProgram('probe', program, { ...process.env, HEAP_OUT: out }, { output: 'stderr', execArgv });
    await child.stop();
    return Number(readFileSync(out, 'utf8')) / 2 ** 20;
  };

  it('starts the child with --max-old-space-size from the setting; 0 adds nothing', async () => {
    expect(workerHeapArgs(384)).toEqual(['--max-old-space-size=384']);
    expect(workerHeapArgs(0)).toEqual([]);
    const capped = await heapLimitMiB(workerHeapArgs(384));
    const uncapped = await heapLimitMiB(workerHeapArgs(0));
    // The limit is the old space plus the young generation's semi-spaces.
    expect(capped).toBeGreaterThanOrEqual(384);
    expect(capped).toBeLessThan(512);
    expect(uncapped).toBeGreaterThan(capped);
  });
});

describe("a worker process's environment", () => {
  it("sets glibc's malloc arenas unless the environment does, leaving the given environment as it was", () => {
    const env = { DATABASE_URL: 'postgres://x' };
    expect(workerProcessEnv(env)).toEqual({ DATABASE_URL: 'postgres://x', MALLOC_ARENA_MAX: WORKER_MALLOC_ARENA_MAX });
    expect(env).toEqual({ DATABASE_URL: 'postgres://x' });
    expect(workerProcessEnv({ MALLOC_ARENA_MAX: '4' }).MALLOC_ARENA_MAX).toBe('4');
    expect(workerProcessEnv({ MALLOC_ARENA_MAX: '' }).MALLOC_ARENA_MAX).toBe('2');
  });
});
