import { parseOptions, UsageError } from './options';

describe('bench options', () => {
  it('has the issue defaults', () => {
    expect(parseOptions([], {})).toMatchObject({
      cases: 50,
      openCases: 1000,
      boardCases: 100_000,
      quick: false,
      only: ['decision', 'history', 'worker', 'board'],
    });
  });

  it('reads flags over the environment, and --quick shrinks what is not given', () => {
    const o = parseOptions(['--quick', '--cases', '7', '--only=board,decision'], { BENCH_CASES: '3', BENCH_BOARD_CASES: '500' });
    expect(o).toMatchObject({ cases: 7, boardCases: 500, openCases: 50, quick: true, only: ['decision', 'board'] });
  });

  it('refuses what it does not know', () => {
    expect(() => parseOptions(['--cases', '0'], {})).toThrow(UsageError);
    expect(() => parseOptions(['--only', 'nope'], {})).toThrow(/unknown section/);
    expect(() => parseOptions(['--fast'], {})).toThrow(/unknown argument/);
  });
});
