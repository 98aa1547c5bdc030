import type { TestServices } from './services';

const registry = globalThis as { __dfServices?: Promise<TestServices> };

export default async function globalTeardown(): Promise<void> {
  const services = registry.__dfServices;
  registry.__dfServices = undefined; // the second project's teardown finds nothing left to stop
  await (await services)?.stop();
}
