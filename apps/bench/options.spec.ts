import { parseOptions, UsageError } from './options';

describe('bench options', () => {
  it('has the issue defaults', () => {
    expect(parseOptions([], {})).toMatchObject({
      cases: 50,
      openCases: 1000,
      boardCases: 100_000,
      quick: false,
      yearCases: 25,
      workers: 1,
      only: ['decision', 'history', 'worker', 'board', 'year'],
    });
    expect(parseOptions([], {}).cpuProfDir).toBeUndefined();
    // No cap given: the bench's worker gets WORKER_HEAP_MB's, as npm start's does.
    expect(parseOptions([], {}).workerHeapMb).toBeUndefined();
  });

  it('times the decision section on a scale of its own, one the machine follows with 50 cases (the year section needs 0.5 s)', () => {
    expect(parseOptions([], {})).toMatchObject({ workingDaySeconds: 0.5, decisionWorkingDaySeconds: 10 });
    expect(parseOptions(['--quick'], {})).toMatchObject({ workingDaySeconds: 0.5, decisionWorkingDaySeconds: 0.5 });
    // One scale given for the run is every section's, as before the decision section had its own.
    expect(parseOptions(['--working-day-seconds', '2'], {})).toMatchObject({ workingDaySeconds: 2, decisionWorkingDaySeconds: 2 });
    expect(parseOptions(['--working-day-seconds', '2', '--decision-working-day-seconds=4'], {})).toMatchObject({
      workingDaySeconds: 2,
      decisionWorkingDaySeconds: 4,
    });
    expect(parseOptions([], { BENCH_DECISION_WORKING_DAY_SECONDS: '3' }).decisionWorkingDaySeconds).toBe(3);
    expect(() => parseOptions(['--decision-working-day-seconds', '0'], {})).toThrow(
      /--decision-working-day-seconds must be a positive number/,
    );
    expect(() => parseOptions(['--working-day-seconds', 'Infinity'], {})).toThrow(/--working-day-seconds must be a positive number/);
  });

  it('reads flags over the environment, and --quick shrinks what is not given', () => {
    const o = parseOptions(['--quick', '--cases', '7', '--only=board,decision'], { BENCH_CASES: '3', BENCH_BOARD_CASES: '500' });
    expect(o).toMatchObject({ cases: 7, boardCases: 500, openCases: 50, yearCases: 10, quick: true, only: ['decision', 'board'] });
    expect(parseOptions(['--workers', '2', '--cpu-prof', '/tmp/p', '--only', 'year'], { BENCH_YEAR_CASES: '2000' })).toMatchObject({
      workers: 2,
      cpuProfDir: '/tmp/p',
      yearCases: 2000,
      only: ['year'],
    });
    expect(parseOptions(['--worker-heap-mb', '0'], { BENCH_WORKER_HEAP_MB: '256' }).workerHeapMb).toBe(0);
    expect(parseOptions([], { BENCH_WORKER_HEAP_MB: '256' }).workerHeapMb).toBe(256);
    // Keeping the board's rows is asked for, never the default.
    expect(parseOptions([], {}).boardKeep).toBe(false);
    expect(parseOptions(['--board-keep'], {}).boardKeep).toBe(true);
    expect(parseOptions([], { BENCH_BOARD_KEEP: '1' }).boardKeep).toBe(true);
  });

  it('refuses what it does not know', () => {
    expect(() => parseOptions(['--cases', '0'], {})).toThrow(UsageError);
    expect(() => parseOptions(['--only', 'nope'], {})).toThrow(/unknown section/);
    expect(() => parseOptions(['--fast'], {})).toThrow(/unknown argument/);
    expect(() => parseOptions(['--workers', '1.5'], {})).toThrow(/whole number/);
    expect(() => parseOptions(['--worker-heap-mb', '-1'], {})).toThrow(/--worker-heap-mb must be a whole number ≥ 0/);
  });
});
