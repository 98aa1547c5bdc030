// Projects: unit (pure code, next to it), integration (real PostgreSQL + Temporal), e2e (HTTP API on the whole stack),
// deploy (compose file, Helm chart, Dockerfile and monitoring through their validators; scripts/validate-deploy.mjs),
// faults (the built `npm start` launcher as a real process tree, processes killed mid-case; its own servers),
// browser (the web app in Chromium on the whole stack).
// Integration and e2e share one PostgreSQL and one Temporal dev server per run (test/support/global-setup.ts).
const moduleNameMapper = {
  '^@df/(domain|contracts|persistence|runtime)$': '<rootDir>/libs/$1/src/index.ts',
};
const common = {
  transform: { '^.+\\.(ts|m?js)$': '<rootDir>/test/support/jest-transform.js' },
  // node_modules go through the transformer too: it converts only the ESM-only packages (see there).
  transformIgnorePatterns: [],
  moduleNameMapper,
  testEnvironment: 'node',
};

module.exports = {
  // Two workers on two cores: the files mostly wait (Temporal timers of the time-scaled cases, servers, the browser),
  // so two at a time roughly halve the suite; one worker would run them all in band, in one process that kept what
  // each file left behind. A worker whose heap passed 1.5 GB after a file is replaced by a fresh one.
  maxWorkers: 2,
  workerIdleMemoryLimit: '1536MB',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,workflows}/**/*.spec.ts', '<rootDir>/test/support/*.spec.ts'] },
    { ...common, displayName: 'deploy', testMatch: ['<rootDir>/test/deploy/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/setup-timeouts.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/setup-timeouts.ts'],
    },
    {
      ...common,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/build-once.ts',
    },
    {
      // The web app in Debian's Chromium (playwright-core) against the whole stack (test/browser/README in docs/web.md).
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/setup-timeouts.ts'],
    },
  ],
};
