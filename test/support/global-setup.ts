import { startTestServices, type TestServices } from './services';

// Jest runs each project's globalSetup; the integration and e2e projects share one set of servers.
const registry = globalThis as { __dfServices?: Promise<TestServices> };

export default async function globalSetup(): Promise<void> {
  registry.__dfServices ??= startTestServices();
  const services = await registry.__dfServices;
  // Test files run in worker processes forked after this, so they inherit these variables.
  process.env.DATABASE_URL = services.databaseUrl;
  process.env.TEMPORAL_ADDRESS = services.temporalAddress;
  process.env.DF_WORKFLOW_BUNDLE = services.workflowBundlePath;
  process.env.PAYLOAD_KEYS = services.payloadKeys;
  process.env.DF_TEST_CLAIMS_DIR = services.claimsDir;
}
