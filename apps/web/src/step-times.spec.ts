import { describe, expect, it } from '@jest/globals';
import { stepTimesView, type StepTime } from './step-times';

const line = (code: string, totalWd: number, count = 1): StepTime => ({ code, name: null, count, totalWd, meanWd: totalWd / count });

describe("the board's step durations (各步骤耗时)", () => {
  it('draws the steps with working days, most first as the API ranks them, at most 15', () => {
    const lines = [line('B04', 6.5, 2), line('A02', 1), ...Array.from({ length: 20 }, (_, i) => line(`C${i}`, 0.5))];
    const v = stepTimesView(lines);
    expect(v.empty).toBeNull();
    expect(v.rows).toHaveLength(15);
    expect(v.rows.slice(0, 2).map((r) => r.code)).toEqual(['B04', 'A02']);
  });

  it('says why it is empty: no done step yet, or done steps that took no working time', () => {
    expect(stepTimesView([])).toEqual({ rows: [], empty: 'none' });
    expect(stepTimesView([line('A02', 0, 3), line('A05', 0)])).toEqual({ rows: [], empty: 'zero' });
    // A step with no working time is left out of a chart that has others.
    expect(stepTimesView([line('A02', 2), line('A05', 0)]).rows.map((r) => r.code)).toEqual(['A02']);
  });
});
