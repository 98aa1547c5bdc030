import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
// Deep import on purpose: global setup runs under Node's own require, where the ESM-only NestJS
// packages that the persistence index pulls in cannot be transformed (see jest-transform.js).
import { runMigrations } from '../../libs/persistence/src/data-source';
import { FAILURE_CONVERTER_PATH, freePort, resolveTemporalCli, startEmbeddedPostgres, startTemporalDevServer } from '@df/runtime';
import { workflowBundleOptions } from '../../apps/worker/src/workflow-source';

/**
 * One real PostgreSQL and one real Temporal dev server for the whole test run (global setup),
 * unless DATABASE_URL / TEMPORAL_ADDRESS point at external ones. The workflow bundle is built once
 * here too, so each test worker starts in well under a second.
 */
export interface TestServices {
  databaseUrl: string;
  temporalAddress: string;
  workflowBundlePath: string;
  /** PAYLOAD_KEYS of the run (or the caller's): every test worker and client encrypts with the same keys. */
  payloadKeys: string;
  /** An empty directory for the run's claims (uniqueBirthDate): one file per value a test file took. */
  claimsDir: string;
  stop(): Promise<void>;
}

export async function startTestServices(): Promise<TestServices> {
  const dir = mkdtempSync(join(tmpdir(), 'delegation-flow-test-'));
  const stops: Array<() => Promise<void>> = [() => Promise.resolve(rmSync(dir, { recursive: true, force: true }))];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err: unknown) => console.error(String(err)));
  };
  try {
    let databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), persistent: false });
      stops.push(pg.stop);
      databaseUrl = pg.url;
    }
    await runMigrations(databaseUrl);

    let temporalAddress = process.env.TEMPORAL_ADDRESS;
    if (!temporalAddress) {
      const cli = resolveTemporalCli();
      if (!cli) throw new Error('Temporal CLI not found: run `npm run tools` (or set TEMPORAL_CLI_PATH / TEMPORAL_ADDRESS)');
      const server = await startTemporalDevServer({ cliPath: cli.path, port: await freePort(), namespace: 'default' });
      stops.push(server.stop);
      temporalAddress = server.address;
    }

    const { code } = await bundleWorkflowCode({
      ...workflowBundleOptions(),
      failureConverterPath: FAILURE_CONVERTER_PATH,
      logger: quietLogger,
    });
    const workflowBundlePath = join(dir, 'workflow-bundle.js');
    writeFileSync(workflowBundlePath, code);
    const payloadKeys = process.env.PAYLOAD_KEYS || `test-${randomBytes(3).toString('hex')}:${randomBytes(32).toString('base64')}`;
    const claimsDir = join(dir, 'claims');
    mkdirSync(claimsDir);
    return { databaseUrl, temporalAddress, workflowBundlePath, payloadKeys, claimsDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => console.error(m) };
