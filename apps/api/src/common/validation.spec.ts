import { z } from 'zod';
import { EXIT_REASONS } from '@df/domain';
import { DomainError } from './errors';
import { parseOrThrow } from './validation';
import { text } from './zod-text';

/** The field errors parseOrThrow refuses `value` with. */
function refusal(schema: z.ZodType, value: unknown) {
  try {
    parseOrThrow(schema, value);
  } catch (err) {
    return (err as DomainError).extras.errors;
  }
  throw new Error('expected a refusal');
}

describe('parseOrThrow: field errors in our words, Chinese first', () => {
  it('a cleared required field (null, as a form sends an emptied number) reads as required, like a missing one', () => {
    const schema = z.object({ registeredCapitalWan: z.number() });
    const required = [{ field: 'registeredCapitalWan', rule: 'required', message: { zh: '必填', en: 'Required' } }];
    expect(refusal(schema, { registeredCapitalWan: null })).toEqual(required);
    expect(refusal(schema, {})).toEqual(required);
    expect(refusal(schema, { registeredCapitalWan: 'x' })).toEqual([expect.objectContaining({ rule: 'type' })]);
  });

  it('handed inputs: a required code (decision, purpose, rank) null or missing reads as required, not as a list of codes', () => {
    const schema = z.object({
      decision: z.enum(['approve', 'reject']),
      members: z.array(z.object({ rank: z.enum(['ministerial', 'other']) })),
      either: z.union([z.number(), z.string()]),
    });
    const required = (field: string) => ({ field, rule: 'required', message: { zh: '必填', en: 'Required' } });
    expect(refusal(schema, { decision: null, members: [{}], either: null })).toEqual([
      required('decision'),
      required('members[0].rank'),
      required('either'),
    ]);
    expect(refusal(schema, { members: [{ rank: null }] })).toEqual([required('decision'), required('members[0].rank'), required('either')]);
    // A value given but not one of the codes still lists them.
    expect(refusal(schema, { decision: 'maybe', members: [], either: 1 })).toEqual([
      expect.objectContaining({ field: 'decision', rule: 'enum' }),
    ]);
  });

  it('handed input: null in an optional field (effectiveFrom) says null is not taken, not 必填; a required one stays 必填', () => {
    const schema = z.object({
      taxCreditGrades: z.array(z.string()),
      effectiveFrom: z.string().optional(),
      members: z.array(z.object({ id: z.string(), rank: z.enum(['a', 'b']).optional() })),
    });
    const notNull = (field: string) => ({
      field,
      rule: 'type',
      message: { zh: '不接受 null：请填写有效值，或省略此字段', en: 'null is not accepted: give a value or leave the field out' },
    });
    expect(refusal(schema, { taxCreditGrades: null, effectiveFrom: null, members: [{ id: null, rank: null }] })).toEqual([
      { field: 'taxCreditGrades', rule: 'required', message: { zh: '必填', en: 'Required' } },
      notNull('effectiveFrom'),
      { field: 'members[0].id', rule: 'required', message: { zh: '必填', en: 'Required' } },
      notNull('members[0].rank'),
    ]);
  });

  it("lengths and bounds in both languages without the library's wording", () => {
    const errors = refusal(z.object({ neededBy: text(8), items: z.array(z.number()).max(1), n: z.number().min(2) }), {
      neededBy: '2026-12-31',
      items: [1, 2],
      n: 1,
    });
    expect(errors).toEqual([
      { field: 'neededBy', rule: 'max', message: { zh: '最多8个字符', en: 'At most 8 character(s)' } },
      { field: 'items', rule: 'max', message: { zh: '最多1项', en: 'At most 1 item(s)' } },
      { field: 'n', rule: 'min', message: { zh: '不得小于2', en: 'Must be at least 2' } },
    ]);
  });

  it('an enum refusal names the whitelist exit reasons by their labels', () => {
    const [error] = refusal(z.object({ reason: z.enum(EXIT_REASONS) }), { reason: 'x' })!;
    expect(error!.message.zh).toBe(
      '取值须为：violation（违规）、annual-review-failed（年度复核未通过）、enterprise-request（企业申请退出）',
    );
  });
});
