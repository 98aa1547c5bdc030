import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, requireServices, temporalConnectionOptions, temporalDataConverter, type ServiceConfig } from '@df/runtime';
import { bootstrapWorker } from '../../apps/worker/src';

/** Config for code under test: the servers of the global setup, and a task queue of the test's own. */
export function testConfig(overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  const config = requireServices(loadConfig(process.env));
  // Test files share one database: each API instance gets its own sign-in budgets (they all sign in from 127.0.0.1).
  const loginThrottleKeyPrefix = `test-${randomUUID().slice(0, 8)}`;
  return { ...config, logLevel: 'warn', taskQueue: `test-${randomUUID()}`, loginThrottleKeyPrefix, ...overrides };
}

export interface TestWorker {
  config: ServiceConfig;
  client: Client;
  app: INestApplicationContext;
  stop(): Promise<void>;
}

/** A real worker (the Nest worker app with its activities) on the shared Temporal and PostgreSQL. */
export async function startTestWorker(overrides: Partial<ServiceConfig> = {}): Promise<TestWorker> {
  const config = testConfig(overrides);
  const app = await bootstrapWorker({ config, workflowBundlePath: process.env.DF_WORKFLOW_BUNDLE });
  const connection = await Connection.connect(temporalConnectionOptions(config));
  const client = new Client({ connection, namespace: config.temporalNamespace, dataConverter: temporalDataConverter(config) });
  return {
    config,
    client,
    app,
    stop: async () => {
      await app.close();
      await connection.close();
    },
  };
}

/** Polls until `probe` returns a value that passes `done` (visibility and read models are eventually consistent). */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}
