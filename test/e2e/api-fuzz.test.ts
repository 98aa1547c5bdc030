import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestWorker, type TestWorker } from '../support/harness';
import { createTestUsers, startTestApi, TEST_PASSWORD, type TestApi, type TestUsers } from '../support/api-harness';

/**
 * The short version of `npm run fuzz` (issue 13.6): schemathesis, every check, against this test stack as an
 * organizer and as an FAO reviewer, with a small example budget. Any failure fails the test.
 */
describe('schemathesis against the API (short fuzz run)', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  let base: string;
  beforeAll(async () => {
    worker = await startTestWorker();
    api = await startTestApi({ taskQueue: worker.config.taskQueue });
    users = await createTestUsers(api);
    await api.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it('finds no failure in either role', async () => {
    const reportDir = mkdtempSync(join(tmpdir(), 'df-fuzz-'));
    const output: string[] = [];
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [join(__dirname, '../../scripts/fuzz.mjs')], {
        env: {
          ...process.env,
          FUZZ_BASE_URL: base,
          FUZZ_ORGANIZER: users.usernames.organizer,
          FUZZ_REVIEWER: users.usernames['fao-reviewer'],
          FUZZ_PASSWORD: TEST_PASSWORD,
          FUZZ_MAX_EXAMPLES: process.env.FUZZ_MAX_EXAMPLES ?? '3',
          FUZZ_MIN_REQUESTS: process.env.FUZZ_MIN_REQUESTS ?? '60',
          FUZZ_PHASES: process.env.FUZZ_PHASES ?? 'examples,fuzzing',
          FUZZ_SEED: process.env.FUZZ_SEED ?? '20261129',
          FUZZ_REPORT_DIR: reportDir,
        },
      });
      child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
      child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
      child.on('close', resolve);
    });
    const text = output.join('');
    expect({ code, tail: code === 0 ? '' : text.slice(-6000) }).toEqual({ code: 0, tail: '' });
    expect(text).toMatch(/fuzz: organizer\t\d+/);
    expect(text).toMatch(/fuzz: fao-reviewer\t\d+/);
  }, 600_000);
});
