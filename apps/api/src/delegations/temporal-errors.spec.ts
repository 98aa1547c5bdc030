import { DomainError } from '../common/errors';
import { amendmentRefusal, underChanges } from './temporal-errors';

describe("an amendment's refusal names its fields as sent, under changes", () => {
  it('the trip facts an amendment changes are prefixed; others and (case) are not', () => {
    expect(underChanges('returnDate')).toBe('changes.returnDate');
    expect(underChanges('departureDate')).toBe('changes.departureDate');
    expect(underChanges('destinations[0]')).toBe('changes.destinations[0]');
    expect(underChanges('members[1].passport.number')).toBe('changes.members[1].passport.number');
    expect(underChanges('changes.members')).toBe('changes.members');
    expect(underChanges('(case)')).toBe('(case)');
    expect(underChanges('unit')).toBe('unit');
  });

  it('errors and violations alike', () => {
    const message = { zh: '在外16天', en: '16 days abroad' };
    const err = new DomainError(
      'RULE_VIOLATION',
      { zh: '变更后不符合出访规定', en: 'The amended trip breaks the rules' },
      {
        violations: [
          { code: 'DAYS_EXCEEDED', field: 'returnDate', message },
          { code: 'SIZE_EXCEEDED', message },
        ],
        errors: [{ field: 'returnDate', rule: 'DAYS_EXCEEDED', message }],
      },
    );
    const mapped = amendmentRefusal(err);
    expect(mapped.code).toBe('RULE_VIOLATION');
    expect(mapped.extras.errors!.map((e) => e.field)).toEqual(['changes.returnDate']);
    expect(mapped.extras.violations!.map((v) => v.field)).toEqual(['changes.returnDate', undefined]);
  });
});
