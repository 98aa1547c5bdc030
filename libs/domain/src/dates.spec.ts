import { preparationDone, tenths } from './dates';

describe('preparationDone', () => {
  const now = Date.parse('2027-01-10T09:00:00.000Z');
  const past = '2027-01-08T09:00:00.000Z';

  it("is the plan's state: an overdue step's forecast behind the clock is not done (trial 86: 已就绪 with D13 overdue)", () => {
    expect(preparationDone({ prepared: false, forecastReadyAt: past }, now)).toBe(false);
    expect(preparationDone({ prepared: true, forecastReadyAt: past }, now)).toBe(true);
  });

  it('a plan recorded before the state: done once the forecast ready instant is behind the case clock', () => {
    expect(preparationDone({ forecastReadyAt: past }, now)).toBe(true);
    expect(preparationDone({ prepared: null, forecastReadyAt: '2027-01-14T09:00:00.000Z' }, now)).toBe(false);
    expect(preparationDone({ forecastReadyAt: '2027-01-10T09:00:00.000Z' }, now)).toBe(false);
    expect(preparationDone({ forecastReadyAt: null }, now)).toBe(false);
  });
});

describe('tenths', () => {
  it('rounds working days to a tenth and never reads -0', () => {
    expect(tenths(245.469)).toBe(245.5);
    expect(Object.is(tenths(-0.04), 0)).toBe(true);
  });
});
