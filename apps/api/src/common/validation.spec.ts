import { z } from 'zod';
import { EXIT_REASONS } from '@df/domain';
import { DomainError } from './errors';
import { AmendSchema } from '../delegations/schemas';
import { WhitelistMovePathSchema } from '../apec/schemas';
import { AnnualPlanSchema, PassportTransitionSchema, PlanApprovalSchema } from '../registries/schemas';
import { expectedMessage, parseOrThrow, parsePathParam, parsePathParams, TYPE_WORDS } from './validation';
import { isoDate, line, personName, text } from './zod-text';

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
      message: { zh: '不接受 null：请填写有效值，或省略此字段', en: 'Null is not accepted: give a value or leave the field out' },
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

describe('parseOrThrow: a rule name of ours for every zod issue, never zod’s own code', () => {
  const ZOD_CODES = [
    'invalid_type',
    'too_big',
    'too_small',
    'invalid_format',
    'not_multiple_of',
    'unrecognized_keys',
    'invalid_union',
    'invalid_key',
    'invalid_element',
    'invalid_value',
    'custom',
  ];

  it("twentieth trial: a zod built-in format (a plan approval's proposedAt of 'yesterday') names what it expects, in both languages", () => {
    expect(refusal(PlanApprovalSchema, { proposedAt: 'yesterday' })).toEqual([
      {
        field: 'proposedAt',
        rule: 'format',
        message: {
          zh: '格式不正确，须为含时区的ISO 8601日期时间，如 2026-12-03T01:30:00.000Z',
          en: 'Not in the expected format: an ISO 8601 date-time with its offset, e.g. 2026-12-03T01:30:00.000Z',
        },
      },
    ]);
    // Every built-in format the API's bodies use, by kind: each names what it expects, none the bare 格式不正确.
    // A date reads as every date field of the API does (isoDate's pattern): one date, one sentence.
    expect(refusal(z.object({ v: z.iso.date() }), { v: '2026/12/03' })).toEqual([
      { field: 'v', rule: 'format', message: { zh: '应为日期 YYYY-MM-DD', en: 'Expected a date YYYY-MM-DD' } },
    ]);
    expect(refusal(z.object({ v: isoDate }), { v: '2026/12/03' })).toEqual(refusal(z.object({ v: z.iso.date() }), { v: '2026/12/03' }));
    for (const [schema, value] of [
      [z.iso.datetime({ offset: true }), '2026-12-03 01:30'],
      [z.uuid(), 'not-a-uuid'],
      [z.guid(), 'not-a-uuid'],
    ] as const) {
      const [error] = refusal(z.object({ v: schema }), { v: value })!;
      expect(error).toMatchObject({ field: 'v', rule: 'format' });
      expect(error!.message.zh).toMatch(/^格式不正确，须为.+，/);
      expect(error!.message.en).toMatch(/^Not in the expected format: .+, e\.g\. /);
    }
  });

  it('handed input: a plan quarter of 5 is rule max like every bounded number (it read rule type, "Invalid input")', () => {
    const trip = { id: 'P1', purpose: 'trade', countries: ['US'], size: 1 };
    expect(refusal(AnnualPlanSchema, { trips: [{ ...trip, quarter: 5 }] })).toEqual([
      { field: 'trips[0].quarter', rule: 'max', message: { zh: '不得大于4', en: 'Must be at most 4' } },
    ]);
    expect(refusal(AnnualPlanSchema, { trips: [{ ...trip, quarter: 0 }] })).toEqual([
      { field: 'trips[0].quarter', rule: 'min', message: { zh: '不得小于1', en: 'Must be at least 1' } },
    ]);
  });

  it('a discriminated union: its discriminator missing is required, not among the options enum (passport transition `to`)', () => {
    expect(refusal(PassportTransitionSchema, {})).toEqual([{ field: 'to', rule: 'required', message: { zh: '必填', en: 'Required' } }]);
    expect(refusal(PassportTransitionSchema, { to: 'bogus' })).toEqual([
      expect.objectContaining({
        field: 'to',
        rule: 'enum',
        message: expect.objectContaining({ en: expect.stringContaining('checked-out') }),
      }),
    ]);
  });

  it('handed input: a passport reported lost (or cancelled) without a reason, or a blank one, names `note`', () => {
    for (const to of ['lost', 'cancelled']) {
      expect(refusal(PassportTransitionSchema, { to })).toEqual([
        { field: 'note', rule: 'required', message: { zh: '必填', en: 'Required' } },
      ]);
      expect(refusal(PassportTransitionSchema, { to, note: '  \u200B ' })).toEqual([
        expect.objectContaining({ field: 'note', rule: 'blank' }),
      ]);
      expect(refusal(PassportTransitionSchema, { to, note: '   ' })).toEqual([expect.objectContaining({ field: 'note', rule: 'blank' })]);
      expect(parseOrThrow(PassportTransitionSchema, { to, note: ' 持照人报失 ' })).toEqual({ to, note: '持照人报失' });
    }
    expect(parseOrThrow(PassportTransitionSchema, { to: 'in-custody' })).toEqual({ to: 'in-custody' });
  });

  it('a union of literals is enum naming its values; a record key by the rule its key schema breaks; multipleOf multiple-of', () => {
    expect(refusal(z.object({ n: z.union([z.literal(1), z.literal(2)]) }), { n: 5 })).toEqual([
      { field: 'n', rule: 'enum', message: { zh: '取值须为：1、2', en: 'Must be one of: 1, 2' } },
    ]);
    expect(refusal(z.object({ m: z.record(z.string().max(3), z.string()) }), { m: { abcdef: 'x' } })).toEqual([
      { field: 'm.abcdef', rule: 'max', message: { zh: '最多3个字符', en: 'At most 3 character(s)' } },
    ]);
    expect(refusal(z.object({ n: z.number().multipleOf(0.5) }), { n: 0.3 })).toEqual([
      { field: 'n', rule: 'multiple-of', message: { zh: '须为0.5的倍数', en: 'Must be a multiple of 0.5' } },
    ]);
  });

  it('no issue of any kind surfaces zod’s code as the rule', () => {
    const schema = z.object({
      t: z.number(),
      big: z.number().max(1),
      small: z.string().min(2),
      f: z.string().email(),
      m: z.number().multipleOf(2),
      u: z.union([z.number(), z.boolean()]),
      k: z.record(z.string().max(1), z.number()),
      e: z.set(z.number()),
      v: z.enum(['a']),
      c: z.string().refine(() => false),
      o: z.strictObject({}),
    });
    const errors = refusal(schema, {
      t: 'x',
      big: 2,
      small: 'a',
      f: 'x',
      m: 3,
      u: 'x',
      k: { ab: 1 },
      e: new Set(['x']),
      v: 'b',
      c: 'x',
      o: { x: 1 },
    });
    expect(errors?.length).toBeGreaterThanOrEqual(10);
    for (const e of errors ?? []) expect([e.field, ZOD_CODES.includes(e.rule)]).toEqual([e.field, false]);
  });
});

describe('AmendSchema: one fault, one error', () => {
  it('handed input: {"changes":{"bogus":1}} is changes.bogus unknown-field alone (it also read changes min)', () => {
    expect(refusal(AmendSchema, { changes: { bogus: 1 } })).toEqual([
      { field: 'changes.bogus', rule: 'unknown-field', message: { zh: '不允许的字段', en: 'Field not allowed' } },
    ]);
    expect(refusal(AmendSchema, { changes: {} })).toEqual([
      { field: 'changes', rule: 'min', message: { zh: '至少变更一项', en: 'Name at least one change' } },
    ]);
  });
  it("handed input (trial 50): the trip's only member removed reads a member, not 至少1项; an empty route a destination", () => {
    expect(refusal(AmendSchema, { changes: { members: [] } })).toEqual([
      { field: 'changes.members', rule: 'min', message: { zh: '至少1名出访人员', en: 'At least 1 member(s) of the delegation' } },
    ]);
    expect(refusal(AmendSchema, { changes: { destinations: [] } })).toEqual([
      { field: 'changes.destinations', rule: 'min', message: { zh: '至少1个出访国家（地区）', en: 'At least 1 destination(s)' } },
    ]);
    // Any other list keeps the plain words.
    expect(refusal(z.strictObject({ tags: z.array(z.string()).min(2) }), { tags: [] })).toEqual([
      { field: 'tags', rule: 'min', message: { zh: '至少2项', en: 'At least 2 item(s)' } },
    ]);
  });
});

describe('parsePathParam: a path parameter is named path.<name>', () => {
  it('the registries year and the users username (they read bare year, username)', () => {
    try {
      parsePathParam(z.string().regex(/^\d+$/), 'abc', 'year');
      throw new Error('expected a refusal');
    } catch (err) {
      expect((err as DomainError).extras.errors?.map((e) => e.field)).toEqual(['path.year']);
    }
    try {
      parsePathParams(z.strictObject({ role: z.enum(['a']), unit: z.string() }), { role: 'b', unit: 'u' });
      throw new Error('expected a refusal');
    } catch (err) {
      expect((err as DomainError).extras.errors?.map((e) => [e.field, e.rule])).toEqual([['path.role', 'enum']]);
    }
  });

  it('the APEC whitelist move: 400 enum at path.move, each move named with its label (WHITELIST_MOVE_LABELS)', () => {
    try {
      parsePathParam(WhitelistMovePathSchema, 'ban', 'move');
      throw new Error('expected a refusal');
    } catch (err) {
      expect((err as DomainError).extras.errors).toEqual([
        {
          field: 'path.move',
          rule: 'enum',
          message: {
            zh: '取值须为：suspend（暂停）、lift（恢复）、exit（退出）、readmit（重新准入）',
            en: 'Must be one of: suspend, lift (lift the suspension), exit, readmit (re-admit)',
          },
        },
      ]);
    }
  });
});

describe('zod expected types in our words (new-user trial: "应为record / Expected record", "Expected int")', () => {
  it('handed inputs: data [1] where a record is expected is type "an object"; a quarter 1.5 is format "a whole number"', () => {
    expect(refusal(z.object({ data: z.record(z.string(), z.unknown()) }), { data: [1] })).toEqual([
      { field: 'data', rule: 'type', message: { zh: '应为对象', en: 'Expected an object' } },
    ]);
    expect(refusal(z.object({ quarter: z.int().min(1).max(4) }), { quarter: 1.5 })).toEqual([
      { field: 'quarter', rule: 'format', message: { zh: '应为整数', en: 'Expected a whole number' } },
    ]);
    expect(refusal(z.object({ size: z.int() }), { size: -1.5 })).toEqual([
      { field: 'size', rule: 'format', message: { zh: '应为整数', en: 'Expected a whole number' } },
    ]);
    expect(refusal(z.object({ quarter: z.int() }), { quarter: 'x' })).toEqual([
      { field: 'quarter', rule: 'type', message: { zh: '应为数字', en: 'Expected a number' } },
    ]);
  });

  it('every kind zod may expect has our words in both languages, none of them a zod type name', () => {
    for (const [kind, words] of Object.entries(TYPE_WORDS)) {
      const m = expectedMessage(kind);
      expect([kind, /[\u4e00-\u9fff]|null|NaN/.test(m.zh)]).toEqual([kind, true]);
      expect([kind, m.en]).toEqual([kind, `Expected ${words.en}`]);
      if (!['null', 'NaN'].includes(words.en)) expect([kind, words.en]).not.toEqual([kind, kind]);
    }
  });
});

describe('the contract first, alone: a rule beyond the schema only for a request that fits it (docs/api.md Input rules)', () => {
  const schema = z.object({ title: line(50), name: personName() });
  const refused = (value: unknown) => {
    try {
      parseOrThrow(schema, value);
    } catch (err) {
      const e = err as DomainError;
      return { status: e.status, errors: e.extras.errors?.map((x) => [x.field, x.rule]) };
    }
    throw new Error('expected a refusal');
  };
  it('handed input (twenty-third trial): a blank title and a name of digits is 400 on the title alone, the name 422 once it fits', () => {
    expect(refused({ title: '\u200B\u200B', name: '12345' })).toEqual({ status: 400, errors: [['title', 'blank']] });
    expect(refused({ title: '出访', name: '12345' })).toEqual({ status: 422, errors: [['name', 'person-name']] });
    // Both kinds on one field: the contract's (too long) is the one named.
    expect(refused({ title: '出访', name: '1'.repeat(101) })).toMatchObject({ status: 400, errors: [['name', 'max']] });
  });
});
