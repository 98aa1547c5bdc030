import { percentile, ratio, summarize, table, target } from './stats';

describe('bench stats', () => {
  it('takes percentiles by nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100, unsorted
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 95)).toBe(95);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('summarizes a sample', () => {
    expect(summarize([1, 2, 3, 4])).toEqual({ count: 4, p50: 2, p95: 4, p99: 4, max: 4, mean: 2.5 });
    expect(summarize([]).count).toBe(0);
  });

  it('gives ratios and verdicts', () => {
    expect(ratio(50, 200)).toBe(0.25);
    expect(ratio(1, 0)).toBeNaN();
    expect(target('p99', '≤ 100 ms', 80, 100, ' ms').verdict).toBe('met');
    expect(target('p99', '≤ 100 ms', 120, 100, ' ms')).toMatchObject({ verdict: 'missed', measured: '120 ms' });
    expect(target('ratio', '≥ 0.5', 0.4, 0.5, '', true).verdict).toBe('missed');
    expect(target('x', 'y', undefined, 1, '').verdict).toBe('not measured');
  });

  it('pads table columns, CJK characters counting double', () => {
    expect(
      table([
        ['a', 'bb'],
        ['审批', 1],
      ]),
    ).toBe('a     bb\n----  --\n审批  1');
  });
});
