import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('applies defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, temporalNamespace: 'default', taskQueue: 'delegations', temporalUiPort: 8233 });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.workingDaySeconds).toBeUndefined();
  });

  it('names every bad variable and the rule it breaks', () => {
    try {
      loadConfig({ PORT: 'abc', TEMPORAL_ADDRESS: 'nope', DATABASE_URL: 'mysql://x', WORKING_DAY_SECONDS: '-1' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^PORT: .*"abc"/m);
      expect(problems).toMatch(/^TEMPORAL_ADDRESS: must be host:port/m);
      expect(problems).toMatch(/^DATABASE_URL: must start with postgres:\/\//m);
      expect(problems).toMatch(/^WORKING_DAY_SECONDS: /m);
    }
  });

  it('refuses a privileged port for the embedded PostgreSQL, saying why (trial 57: 557 failed with the cause unsaid)', () => {
    expect(() => loadConfig({ EMBEDDED_PG_PORT: '557' })).toThrow(
      /EMBEDDED_PG_PORT: must be 1024 or more: the embedded PostgreSQL runs unprivileged and cannot bind a lower port/,
    );
    expect(loadConfig({ EMBEDDED_PG_PORT: '1024' }).embeddedPostgresPort).toBe(1024);
  });

  it('reads the reconcile interval (default 60 s, 1 s to 24 h)', () => {
    expect(loadConfig({}).reconcileIntervalMs).toBe(60_000);
    expect(loadConfig({ RECONCILE_INTERVAL_MS: '5000' }).reconcileIntervalMs).toBe(5000);
    for (const bad of ['500', '1.5', '86400001', 'soon'])
      expect(() => loadConfig({ RECONCILE_INTERVAL_MS: bad })).toThrow(/^[\s\S]*RECONCILE_INTERVAL_MS: /);
  });

  it('reads the worker heap cap (default 384 MiB, 0 = none)', () => {
    expect(loadConfig({}).workerHeapMb).toBe(384);
    expect(loadConfig({ WORKER_HEAP_MB: '0' }).workerHeapMb).toBe(0);
    for (const bad of ['-1', '1.5', 'big', '70000']) expect(() => loadConfig({ WORKER_HEAP_MB: bad })).toThrow(/^[\s\S]*WORKER_HEAP_MB: /);
  });

  it('reads whether workflow stack traces are kept (default off)', () => {
    expect(loadConfig({}).workerWorkflowStackTraces).toBe(false);
    expect(loadConfig({ WORKER_WORKFLOW_STACK_TRACES: 'true' }).workerWorkflowStackTraces).toBe(true);
    expect(() => loadConfig({ WORKER_WORKFLOW_STACK_TRACES: 'on' })).toThrow(/WORKER_WORKFLOW_STACK_TRACES: must be true or false/);
  });

  it('refuses a program whose required variables are missing', () => {
    expect(() => loadConfig({}, ['DATABASE_URL', 'TEMPORAL_ADDRESS'])).toThrow(
      /DATABASE_URL: is required[\s\S]*TEMPORAL_ADDRESS: is required/,
    );
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 3000, databaseUrl: undefined });
  });
});
