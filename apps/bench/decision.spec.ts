import { msUntilCertifiedDate } from './decision';

describe('msUntilCertifiedDate: a driver refused NOT_BEFORE_DATE comes back when the case reaches the date', () => {
  /** The API's 409 as the workflow words it (workflows/engine/actions/complete.ts checkCertifiedDate). */
  const refusal = (date: string, today: string) => ({
    code: 'NOT_BEFORE_DATE',
    message: {
      zh: `E07 确认出发不能早于 ${date}（今天是 ${today}，北京时间）`,
      en: `E07 cannot confirm the departure before ${date} (today is ${today}, Asia/Shanghai)`,
    },
  });

  it("the working days from the refusal's today to its date, at the time scale", () => {
    // Monday 2027-01-04 to Wednesday: Monday's and Tuesday's working days, 2 × 500 ms.
    expect(msUntilCertifiedDate(refusal('2027-01-06', '2027-01-04'), 0.5, 100)).toBe(1000);
    expect(msUntilCertifiedDate(refusal('2027-01-06', '2027-01-04'), 2, 100)).toBe(4000);
    // Friday to Monday: Friday only (the weekend counts for nothing).
    expect(msUntilCertifiedDate(refusal('2027-01-11', '2027-01-08'), 0.5, 100)).toBe(500);
  });

  it('the floor in real time, or for a refusal naming no dates', () => {
    expect(msUntilCertifiedDate(refusal('2027-01-06', '2027-01-04'), undefined, 100)).toBe(100);
    expect(msUntilCertifiedDate({ code: 'NOT_BEFORE_DATE' }, 0.5, 100)).toBe(100);
  });
});
