import { preparationDone, tenths } from './dates';

describe('preparationDone', () => {
  const now = Date.parse('2027-01-10T09:00:00.000Z');

  it('is done once the forecast ready instant is behind the case clock', () => {
    expect(preparationDone('2027-01-08T09:00:00.000Z', now)).toBe(true);
  });

  it('is not done while the forecast is ahead or at the case clock, or when there is none', () => {
    expect(preparationDone('2027-01-14T09:00:00.000Z', now)).toBe(false);
    expect(preparationDone('2027-01-10T09:00:00.000Z', now)).toBe(false);
    expect(preparationDone(null, now)).toBe(false);
  });
});

describe('tenths', () => {
  it('rounds working days to a tenth and never reads -0', () => {
    expect(tenths(245.469)).toBe(245.5);
    expect(Object.is(tenths(-0.04), 0)).toBe(true);
  });
});
