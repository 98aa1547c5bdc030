import { ApplicationFailure } from '@temporalio/common';
import { JsonLogger, writeJsonLogLine } from './json-logger';

/** What `log` wrote, by stream: each line parsed. */
function captured(log: () => void): { stdout: Array<Record<string, unknown>>; stderr: Array<Record<string, unknown>> } {
  const out = { stdout: [] as string[], stderr: [] as string[] };
  const spies = (['stdout', 'stderr'] as const).map((name) =>
    jest.spyOn(process[name], 'write').mockImplementation((chunk: string | Uint8Array) => {
      out[name].push(String(chunk));
      return true;
    }),
  );
  try {
    log();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  const parse = (chunks: string[]) =>
    chunks.map((c) => {
      expect(c.endsWith('\n')).toBe(true);
      expect(c.slice(0, -1)).not.toContain('\n');
      return JSON.parse(c) as Record<string, unknown>;
    });
  return { stdout: parse(out.stdout), stderr: parse(out.stderr) };
}

/** The one line shape of every process (the nineteenth trial: the worker's lines were text beside the API's JSON). */
describe('writeJsonLogLine and JsonLogger: one JSON line per entry, the same shape for every service', () => {
  it('time, level, service and msg first, then the fields; info on stdout, warn and above on stderr', () => {
    const at = new Date('2026-12-04T08:00:00.000Z');
    const lines = captured(() => {
      writeJsonLogLine('worker', 'info', { msg: 'polling', taskQueue: 'delegation' }, at);
      writeJsonLogLine('persistence', 'warn', { msg: 'PostgreSQL connection lost', error: 'terminated' }, at);
    });
    expect(lines.stdout).toEqual([
      { time: '2026-12-04T08:00:00.000Z', level: 'info', service: 'worker', msg: 'polling', taskQueue: 'delegation' },
    ]);
    expect(lines.stderr).toEqual([
      { time: '2026-12-04T08:00:00.000Z', level: 'warn', service: 'persistence', msg: 'PostgreSQL connection lost', error: 'terminated' },
    ]);
    expect(Object.keys(lines.stdout[0]!).slice(0, 4)).toEqual(['time', 'level', 'service', 'msg']);
  });

  it('an Error is written with its name, message, own fields, stack and cause (JSON.stringify alone writes {}), personal data masked', () => {
    const cause = new Error('duplicate key: Key (number)=(CHN123456789) already exists');
    const failure = ApplicationFailure.create({
      message: 'K07:m1 could not register card CHN123456789',
      type: 'QueryFailedError',
      details: [{ passport: 'SE1234567' }],
      cause,
    });
    const [line] = captured(() => writeJsonLogLine('worker', 'error', { msg: 'Activity failed', error: failure, nanos: 17n })).stderr;
    const text = JSON.stringify(line);
    expect(text).not.toMatch(/CHN123456789|SE1234567/);
    expect(line).toMatchObject({
      msg: 'Activity failed',
      nanos: '17',
      error: {
        name: 'ApplicationFailure',
        message: 'K07:m1 could not register card CH*******789',
        type: 'QueryFailedError',
        stack: expect.stringContaining('ApplicationFailure'),
        cause: { name: 'Error', message: 'duplicate key: Key (number)=(…) already exists' },
      },
    });
  });

  it('a value JSON cannot hold still gives a line, its fields as text', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    const [line] = captured(() => writeJsonLogLine('api', 'warn', { msg: 'odd', value: loop })).stderr;
    expect(line).toMatchObject({ level: 'warn', service: 'api', msg: 'odd', fields: expect.stringContaining('loop') });
  });

  it("Nest's calls: log(message, context), error(message, stack, context), an object message, an event; levels filtered", () => {
    let n = 0;
    const logger = new JsonLogger('worker', ['log', 'warn', 'error'], () => ({ seq: ++n }));
    const lines = captured(() => {
      logger.log('polling task queue "delegation"', 'TemporalWorker');
      logger.error('worker stopped', 'Error: boom\n    at x', 'TemporalWorker');
      logger.warn({ msg: 'slow', ms: 12 });
      logger.event('log', 'case projected', { caseId: 'c1' });
      logger.debug('not written');
    });
    expect(lines.stdout).toEqual([
      expect.objectContaining({
        level: 'info',
        service: 'worker',
        seq: 1,
        msg: 'polling task queue "delegation"',
        context: 'TemporalWorker',
      }),
      expect.objectContaining({ level: 'info', seq: 4, msg: 'case projected', caseId: 'c1' }),
    ]);
    expect(lines.stderr).toEqual([
      expect.objectContaining({ level: 'error', seq: 2, msg: 'worker stopped', stack: 'Error: boom\n    at x', context: 'TemporalWorker' }),
      expect.objectContaining({ level: 'warn', seq: 3, msg: 'slow', ms: 12 }),
    ]);
  });
});
