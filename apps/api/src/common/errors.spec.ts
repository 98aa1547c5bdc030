import { DEFAULT_FIELD, ERROR_STATUS, type ErrorCode, refusalErrors } from './errors';

describe('every refusal (4xx) carries errors[]', () => {
  const label = { zh: '没有这个案件', en: 'No such case' };

  it('a refusal that named no field names the one DEFAULT_FIELD gives its code, with its own message', () => {
    expect(refusalErrors('CASE_NOT_FOUND', label, undefined)).toEqual([{ field: 'path.id', rule: 'known-case', message: label }]);
    expect(refusalErrors('UNKNOWN_STEP', label, [])).toEqual([{ field: 'path.stepKey', rule: 'known-step', message: label }]);
    expect(refusalErrors('NOT_BEFORE_DATE', label, undefined)![0]).toMatchObject({ field: 'path.stepKey', rule: 'not-before-date' });
    expect(refusalErrors('WRONG_ROLE', label, undefined)![0]).toMatchObject({ field: '(request)', rule: 'role' });
    expect(refusalErrors('CASE_OUT_OF_SCOPE', label, undefined)![0]).toMatchObject({ field: '(request)', rule: 'scope' });
    expect(refusalErrors('METHOD_NOT_ALLOWED', label, undefined)![0]).toMatchObject({ field: '(request)', rule: 'method' });
  });

  it("a refusal's own errors stay as they are; a 5xx gets none", () => {
    const own = [{ field: 'username', rule: 'unique', message: label }];
    expect(refusalErrors('USERNAME_TAKEN', label, own)).toBe(own);
    expect(refusalErrors('INTERNAL_ERROR', label, undefined)).toBeUndefined();
    expect(refusalErrors('TEMPORAL_UNAVAILABLE', label, undefined)).toBeUndefined();
  });

  it('DEFAULT_FIELD has exactly the 4xx codes', () => {
    const refusals = (Object.keys(ERROR_STATUS) as ErrorCode[]).filter((c) => ERROR_STATUS[c] < 500).sort();
    expect(Object.keys(DEFAULT_FIELD).sort()).toEqual(refusals);
  });
});
