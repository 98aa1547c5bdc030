import { format } from 'node:util';
import { ApplicationFailure } from '@temporalio/common';
import type { LogEntry } from '@temporalio/worker';
import { maskingRuntimeLogger, writeLogEntry } from './log-masking';

/**
 * Trial (a leak): the K07 failure log printed an APEC card number. Every line of the Temporal runtime's logger (the
 * activities' failures, the workflows' `log` calls) is masked at the logger, whatever the statement logged.
 */
describe("the worker's runtime logger masks personal data (maskForLog)", () => {
  const lines = (log: (logger: ReturnType<typeof maskingRuntimeLogger>) => void): string => {
    const out: string[] = [];
    log(maskingRuntimeLogger('DEBUG', (e: LogEntry) => out.push(`[${e.level}] ${e.message} ${format(e.meta)}`)));
    return out.join('\n');
  };

  it('the handed K07 failure: no card number in clear, in the error, its cause, its details or the workflow id', () => {
    const cause = new Error('duplicate key value violates unique constraint "pk_apec_cards": Key (number)=(CHN123456789) already exists');
    const failure = ApplicationFailure.create({
      message: 'K07:m1 could not register card CHN123456789',
      type: 'QueryFailedError',
      details: [{ cardNumber: 'CHN123456789', passport: 'SE1234567', idNumber: '110105196107150031' }],
      cause,
    });
    const line = lines((l) =>
      l.warn('Activity failed', {
        workflowId: 'delegation-3f2a9c1e-1234-4abc-8def-123456789abc',
        activityType: 'registerCard',
        error: failure,
      }),
    );
    expect(line).not.toMatch(/CHN123456789|SE1234567|110105196107150031/);
    expect(line).toContain('CH*******789');
    // What operators need stays: the case's workflow id, the step key, the failure's type.
    expect(line).toContain('delegation-3f2a9c1e-1234-4abc-8def-123456789abc');
    expect(line).toContain('K07:m1');
    expect(line).toContain('QueryFailedError');
    // The original failure is untouched (the SDK still reports it to the server).
    expect(failure.message).toContain('CHN123456789');
  });

  it("a failed statement's values and the key values of a constraint violation are withheld (names in payloads)", () => {
    // As TypeORM throws it (a transient failure is rethrown as it is, and the SDK logs it with its own fields).
    class QueryFailedError extends Error {
      constructor(
        readonly query: string,
        readonly parameters: unknown[],
        readonly driverError: Error & { detail?: string },
      ) {
        super(driverError.message);
      }
    }
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint "ux_case_members"'), {
      detail: 'Key (unit, name)=(commerce, 张三丰) already exists.',
    });
    const payload = JSON.stringify({ members: [{ name: '张三丰', passport: { number: 'SE1234567' } }] });
    const err = new QueryFailedError('INSERT INTO case_events (payload) VALUES ($1)', [payload], driverError);
    const line = lines((l) => l.warn('Activity failed', { activityType: 'appendCaseEvents', error: err }));
    expect(line).not.toMatch(/张三丰|SE1234567/);
    expect(line).toContain('Key (unit, name)=(…) already exists.');
    expect(line).toContain('INSERT INTO case_events (payload) VALUES ($1)');
    expect(line).toContain('duplicate key value violates unique constraint');
  });

  it("a card's renewal workflow is named by its number: its lines name it masked", () => {
    const line = lines((l) =>
      l.info('Workflow completed', { workflowId: 'apec-renewal-CHN987654321', attempt: 1, durationMs: 1733158000000 }),
    );
    expect(line).not.toContain('CHN987654321');
    expect(line).toContain('apec-renewal-CH*******321');
    expect(line).toContain('1733158000000');
  });

  it("the SDK's entries are JSON lines of the worker, as the API's are (nineteenth trial: text beside JSON)", () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const failure = ApplicationFailure.create({ message: 'K07:m1 could not register card CHN123456789', type: 'QueryFailedError' });
      maskingRuntimeLogger('INFO', writeLogEntry).warn('Activity failed', {
        workflowId: 'apec-renewal-CHN987654321',
        activityType: 'registerCard',
        level: 'not ours',
        error: failure,
      });
    } finally {
      spy.mockRestore();
    }
    expect(written).toHaveLength(1);
    const line = JSON.parse(written[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'warn',
      service: 'worker',
      msg: 'Activity failed',
      workflowId: 'apec-renewal-CH*******321',
      activityType: 'registerCard',
      error: { name: 'ApplicationFailure', message: 'K07:m1 could not register card CH*******789', type: 'QueryFailedError' },
    });
    expect(Number.isNaN(Date.parse(line.time as string))).toBe(false);
    expect(written[0]).not.toMatch(/CHN123456789|CHN987654321/);
  });
});
