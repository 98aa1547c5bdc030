import { PassportTransitionError } from './registries.repository';

// The ledger's refusal as the API and the chain's custody note show it: states by their labels, never codes.
describe('PassportTransitionError.label', () => {
  it('names the current and the asked state by their labels', () => {
    expect(new PassportTransitionError('E12345678', 'checked-out', 'checked-out').label).toEqual({
      zh: '护照 E12345678 当前为已借出，不能改为已借出',
      en: 'Passport E12345678 is checked out; it cannot become checked out',
    });
    expect(new PassportTransitionError('E12345678', 'lost', 'in-custody').label).toEqual({
      zh: '护照 E12345678 当前为已挂失，不能改为在库保管',
      en: 'Passport E12345678 is lost; it cannot become in custody',
    });
  });
  it('says when the ledger holds no such passport', () => {
    expect(new PassportTransitionError('E1', null, 'in-custody').label.zh).toBe('护照 E1 不在保管登记中');
  });
});
