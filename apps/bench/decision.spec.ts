import { certifiesDeparture, msUntilCertifiedDate, preparationWindow } from './decision';

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

describe("preparationWindow: the decision section's throughput until each case first tries E07", () => {
  it('counts the updates before E07 over the seconds until the last case came to it (the wait for dates left out)', () => {
    // Submitted at t = 1,000 ms; two cases came to E07 at 5 s and 11 s after 40 and 44 decisions, then decided more.
    const w = preparationWindow(
      [
        { preparedAt: 6_000, preparedUpdates: 40, updates: 47 },
        { preparedAt: 12_000, preparedUpdates: 44, updates: 52 },
      ],
      1_000,
      90_000,
    );
    expect(w).toEqual({ cases: 2, updates: 84, seconds: 11, updatesPerSecond: 7.6 });
  });

  it('a case that never came to E07 counts whole, and the window is then the whole run', () => {
    const w = preparationWindow(
      [
        { preparedAt: 6_000, preparedUpdates: 40, updates: 47 },
        { preparedAt: undefined, preparedUpdates: 0, updates: 30 },
      ],
      1_000,
      21_000,
    );
    expect(w).toEqual({ cases: 1, updates: 70, seconds: 20, updatesPerSecond: 3.5 });
  });

  it('E07 is the step certifying the departure (its behaviour, not its name); P01 certifies the return', () => {
    expect(certifiesDeparture({ code: 'E07' })).toBe(true);
    expect(certifiesDeparture({ code: 'P01' })).toBe(false);
    expect(certifiesDeparture({ code: 'A01' })).toBe(false);
  });
});
