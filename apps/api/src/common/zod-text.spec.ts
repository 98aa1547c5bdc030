import { z } from 'zod';
import { DomainError } from './errors';
import { parseOrThrow } from './validation';
import { intQuery, wholeNumber } from './zod-text';

const refusal = (schema: z.ZodType, value: unknown) => {
  try {
    parseOrThrow(schema, value);
  } catch (err) {
    return (err as DomainError).extras.errors!.map((e) => [e.field, e.rule, e.message.en]);
  }
  throw new Error('expected a refusal');
};

describe('whole numbers sent as text: one error, naming the rule broken', () => {
  const page = z.object({ page: intQuery(1, 100000, 1) });

  it('handed inputs: -1 is below the minimum (not "not a whole number"), 20 digits is above the maximum, once', () => {
    expect(refusal(page, { page: '-1' })).toEqual([['page', 'min', 'Must be at least 1']]);
    expect(refusal(page, { page: '0' })).toEqual([['page', 'min', 'Must be at least 1']]);
    expect(refusal(page, { page: '99999999999999999999' })).toEqual([['page', 'max', 'Must be at most 100000']]);
    expect(refusal(page, { page: '-99999999999999999999' })).toEqual([['page', 'min', 'Must be at least 1']]);
  });

  it('not digits is format; in bounds parses; absent takes the default', () => {
    for (const v of ['1.5', '1e3', 'abc', '', ' 1', '+1'])
      expect(refusal(page, { page: v })).toEqual([['page', 'format', 'Expected a whole number']]);
    expect(parseOrThrow(page, { page: '007' })).toEqual({ page: 7 });
    expect(parseOrThrow(page, {})).toEqual({ page: 1 });
    expect(parseOrThrow(wholeNumber(2000, 2100), '2027')).toBe(2027);
  });
});
