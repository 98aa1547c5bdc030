import { z } from 'zod';
import { DomainError } from './errors';
import { datesInOrder, parseOrThrow } from './validation';
import { intQuery, isoDate, line, passportNumber, text, wholeNumber } from './zod-text';

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

describe('dates: one error per field', () => {
  const trip = z.object({ departureDate: isoDate, returnDate: isoDate.optional() });

  it('handed inputs: abc is format only; 2027-13-45 date only', () => {
    expect(refusal(trip, { departureDate: 'abc' })).toEqual([['departureDate', 'format', 'Expected a date YYYY-MM-DD']]);
    expect(refusal(trip, { departureDate: '2027-13-45' })).toEqual([['departureDate', 'date', 'Not a calendar date']]);
    expect(refusal(trip, { departureDate: '2027-03-15', returnDate: '2027-3-5' })).toEqual([
      ['returnDate', 'format', 'Expected a date YYYY-MM-DD'],
    ]);
  });

  it('a date that is not one stops the cross-field rules of its object: no date-range on the well-formed end', () => {
    const period = z.object({ from: isoDate, to: isoDate }).superRefine(datesInOrder('from', 'to'));
    expect(refusal(period, { from: '2027-02-30', to: '2027-01-01' })).toEqual([['from', 'date', 'Not a calendar date']]);
    expect(refusal(period, { from: 'abc', to: '2027-01-01' })).toEqual([['from', 'format', 'Expected a date YYYY-MM-DD']]);
  });

  it('any schema: a field with two failing checks is named once, by the first', () => {
    const schema = z.object({
      code: z
        .string()
        .min(5)
        .regex(/^[A-Z]+$/),
    });
    expect(refusal(schema, { code: 'ab' })).toEqual([['code', 'min', 'At least 5 character(s)']]);
  });
});

describe('required text: empty is min, only spaces or invisible characters blank (trial: a blank objection read min)', () => {
  it('names the rule the text breaks, and trims what it keeps', () => {
    const schema = z.strictObject({ comment: text(20) });
    expect(refusal(schema, { comment: '' })).toEqual([['comment', 'min', expect.any(String)]]);
    for (const blank of ['   ', ' \t ', '\u3000', '\u200B\u200B', ' \u200B '])
      expect([blank, refusal(schema, { comment: blank })]).toEqual([
        blank,
        [['comment', 'blank', 'Must not be blank (only invisible characters)']],
      ]);
    expect(parseOrThrow(schema, { comment: ' 不同意 ' })).toEqual({ comment: '不同意' });
    expect(refusal(schema, { comment: 'x'.repeat(21) })).toEqual([['comment', 'max', 'At most 20 character(s)']]);
  });
});

describe('a line of text (line): the invisible spaces a paste carries dropped, as it reads (trial 83: 市商务局\u200b stored so)', () => {
  it('drops U+200B, U+2060 and U+FEFF anywhere, then trims; keeps the joiners scripts write with; an invisible line is blank', () => {
    const schema = z.strictObject({ nameZh: line(20) });
    for (const sent of ['市商务局\u200b', '\u200b市商务局 \u200b', '市\u2060商务局', '\uFEFF市商务局'])
      expect([sent, parseOrThrow(schema, { nameZh: sent })]).toEqual([sent, { nameZh: '市商务局' }]);
    expect(parseOrThrow(schema, { nameZh: 'می\u200cخواهم' })).toEqual({ nameZh: 'می\u200cخواهم' });
    expect(refusal(schema, { nameZh: '\u200b\u2060' })).toEqual([['nameZh', 'blank', 'Must not be blank (only invisible characters)']]);
  });
});

describe('passport numbers as typed (passportNumber): full-width forms folded (trial 76: ＳＥ１２３４５６７ refused)', () => {
  it("takes an input method's full-width letters, digits and spaces as the ASCII number, and refuses what is no number", () => {
    const schema = passportNumber();
    expect(schema.parse('ＳＥ１２３４５６７')).toBe('SE1234567');
    expect(schema.parse('ｓｅ\u3000１２３４５６７')).toBe('SE1234567');
    expect(schema.safeParse('护照１２３４５').success).toBe(false);
  });
});
