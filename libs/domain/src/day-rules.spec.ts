import { afterTodayProblem, notBeforeTodayProblem } from './day-rules';

describe('day rules (relative to today, Asia/Shanghai)', () => {
  it('after today: yesterday and today are refused naming the field, tomorrow passes', () => {
    expect(afterTodayProblem('neededBy', '2026-11-29', '2026-11-30')).toEqual({
      field: 'neededBy',
      rule: 'future-date',
      message: { zh: '须晚于今天（北京时间）', en: 'Must be after today (Asia/Shanghai)' },
    });
    expect(afterTodayProblem('neededBy', '2026-11-30', '2026-11-30')?.rule).toBe('future-date');
    expect(afterTodayProblem('neededBy', '2026-12-01', '2026-11-30')).toBeNull();
  });

  it('not before today: yesterday is refused, today and later pass', () => {
    expect(notBeforeTodayProblem('effectiveFrom', '2026-11-29', '2026-11-30')).toEqual({
      field: 'effectiveFrom',
      rule: 'not-past',
      message: { zh: '不得早于今天（北京时间）', en: 'Must not be before today (Asia/Shanghai)' },
    });
    expect(notBeforeTodayProblem('effectiveFrom', '2026-11-30', '2026-11-30')).toBeNull();
    expect(notBeforeTodayProblem('effectiveFrom', '2027-01-01', '2026-11-30')).toBeNull();
  });

  it('a malformed or empty day is the schema business: no day problem', () => {
    for (const day of ['', undefined, null, '2026-13-01', '2026-02-30', 'tomorrow'])
      expect([afterTodayProblem('d', day, '2026-11-30'), notBeforeTodayProblem('d', day, '2026-11-30')]).toEqual([null, null]);
  });
});
