import { DATE_BOUNDS, shanghaiDate } from '@df/domain';
import { caseClockNow } from './step-actions';

describe('caseClockNow: a case’s clock, real or on a time scale', () => {
  const submittedAt = '2026-03-02T01:00:00.000Z'; // a Monday, 09:00 in Shanghai

  it('is real time without a time scale, and working days elapsed with one', () => {
    const realNow = Date.parse('2026-03-02T01:00:10.000Z');
    expect(caseClockNow({ submittedAt }, realNow)).toBe(realNow);
    // Ten seconds at 5 s per working day: two working days on, Wednesday 09:00.
    expect(shanghaiDate(caseClockNow({ submittedAt, workingDaySeconds: 5 }, realNow))).toBe('2026-03-04');
  });

  it('a case submitted long before, on a 1 s working day, is at the last day there is, not an error (CI: the inbox answered 500)', () => {
    const realNow = Date.parse('2026-12-04T04:00:00.000Z'); // 23 million working days of case time: past the calendar's 50 years
    expect(shanghaiDate(caseClockNow({ submittedAt, workingDaySeconds: 1 }, realNow))).toBe(DATE_BOUNDS.latest);
  });
});
