import { describe, expect, it } from '@jest/globals';
import type { ValidateFunction } from 'ajv';
import { formValidatorsModule } from '../../api/src/common/form-validators';
import { fieldErrorsOf, messageOf } from './validation';

/** The validators the API serves the browser (formValidatorsModule), run here as the browser imports them. */
function servedValidators(schemas: Record<string, unknown>): Record<string, ValidateFunction> {
  const module = formValidatorsModule(schemas);
  return new Function(`${module.replace(/export const /g, 'const ')}\nreturn validators;`)() as Record<string, ValidateFunction>;
}

// The shapes the API's OpenAPI document gives its request schemas (zod → OpenAPI 3.0): required number and text
// fields, nullable ones, dates backed by a pattern with `format: date`, enums, lists, a strict object.
const SCHEMAS = {
  Figures: {
    type: 'object',
    additionalProperties: false,
    required: ['capital', 'title', 'day', 'size', 'grades', 'code', 'count'],
    properties: {
      capital: { type: 'number', minimum: 0 },
      share: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      count: { type: 'integer', minimum: 1, maximum: 6 },
      title: { type: 'string', minLength: 1, maxLength: 10 },
      day: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', format: 'date', example: '2027-03-15' },
      code: { type: 'string', pattern: '^[A-Z]{2}$', example: 'JP' },
      passport: {
        type: 'string',
        pattern: '^[A-Z0-9]{5,20}$',
        'x-message': { zh: '护照号码须为5-20位大写字母或数字', en: 'Passport number: 5-20 capital letters or digits' },
      },
      // A text field's pattern as the API documents it (the text rule's characters), its x-message every rule at once.
      note: {
        type: 'string',
        pattern:
          '^[^\\u0000-\\u0008\\u202A-\\u202E\\u2066-\\u2069]*[^\\s\\u200B\\u0000-\\u0008\\u202A-\\u202E\\u2066-\\u2069][^\\u0000-\\u0008\\u202A-\\u202E\\u2066-\\u2069]*$',
        'x-message': {
          zh: '不得为空白；不得包含控制字符；不得包含改变文字方向的控制字符',
          en: 'Not blank; no controls; no direction controls',
        },
      },
      size: { type: 'string', enum: ['large', 'medium', 'small', 'micro'] },
      grades: { type: 'array', minItems: 1, maxItems: 3, uniqueItems: true, items: { type: 'string' } },
      team: { type: 'string', nullable: true },
      step: { type: 'number', multipleOf: 0.5 },
      wan: { type: 'number', multipleOf: 0.0001 },
    },
  },
};
const validator = servedValidators(SCHEMAS).Figures!;
const errorsOf = (value: unknown) => {
  validator(value);
  return fieldErrorsOf(validator.errors ?? []);
};
const valid = { capital: 1, title: 'Trip', day: '2027-03-15', code: 'JP', size: 'small', grades: ['A'], count: 2 };
// What a user must never read: the schema's words for types and keywords (in the Chinese sentence none at all; in the
// English one no keyword and no bare type name: "a number" is English, "Must be number" is the schema's).
const RAW_ZH =
  /\b(number|integer|string|boolean|array|object|null|type|format|minimum|maximum|exclusiveMinimum|exclusiveMaximum|minLength|maxLength|minItems|maxItems|uniqueItems|pattern|enum|const|required|additionalProperties|multipleOf|anyOf|oneOf|some-future-keyword)\b/;
const RAW_EN =
  /\b(integer|string|boolean|array|object|null|exclusiveMinimum|exclusiveMaximum|minLength|maxLength|minItems|maxItems|uniqueItems|enum|const|additionalProperties|multipleOf|anyOf|oneOf|some-future-keyword)\b|Must be number\b/;

describe('validation messages (the OpenAPI schema put into words)', () => {
  it('the handed input: a cleared required number field reads as required, not "Must be number"', () => {
    expect(errorsOf({ ...valid, capital: null })).toEqual([
      { field: 'capital', rule: 'required', message: { zh: '必填', en: 'Required' } },
    ]);
  });

  it.each([
    ['a cleared number (null)', { capital: null }, 'capital'],
    ['an emptied text field', { title: '' }, 'title'],
    ['spaces only in a patterned field', { code: '  ' }, 'code'],
    ['an emptied date', { day: '' }, 'day'],
    ['an emptied list', { grades: [] }, 'grades'],
    ['a cleared select (null)', { size: null }, 'size'],
    ['a missing field', { count: undefined }, 'count'],
  ])('every empty required field reads as required: %s', (_what, patch, field) => {
    const value: Record<string, unknown> = { ...valid, ...patch };
    for (const k of Object.keys(value)) if (value[k] === undefined) delete value[k];
    expect(errorsOf(value)).toEqual([{ field, rule: 'required', message: { zh: '必填', en: 'Required' } }]);
  });

  it.each([
    // A figure box keeps a text that is no number as typed (amountOfText): said as the box's own rule says it.
    [
      'type',
      { capital: 'many' },
      '须为数字（只用数字和小数点，如 12600.50）',
      'Must be a number (digits and a decimal point only, e.g. 12600.50)',
    ],
    ['type', { count: 'many' }, '须为整数（只用数字，如 12）', 'Must be a whole number (digits only, e.g. 12)'],
    ['type', { count: true }, '须填写整数', 'Must be a whole number'],
    ['integer', { count: 2.5 }, '须填写整数', 'Must be a whole number'],
    ['minimum', { capital: -1 }, '不得小于 0', 'Must be at least 0'],
    ['maximum', { count: 7 }, '不得大于 6', 'Must be at most 6'],
    ['exclusiveMinimum', { share: 0 }, '须大于 0', 'Must be more than 0'],
    ['exclusiveMaximum', { share: 1 }, '须小于 1', 'Must be less than 1'],
    ['multipleOf', { step: 0.3 }, '须为 0.5 的整数倍', 'Must be a multiple of 0.5'],
    ['multipleOf', { wan: 0.12345 }, '最多 4 位小数', 'At most 4 decimal place(s)'],
    ['maxLength', { title: 'x'.repeat(11) }, '最多 10 个字符', 'At most 10 characters'],
    [
      'date pattern',
      { day: '2027-3-15' },
      '格式不正确，须为日期（年-月-日，如 2027-03-15）',
      'Wrong format: must be a date (YYYY-MM-DD, e.g. 2027-03-15)',
    ],
    ['pattern with example', { code: 'jp' }, '格式不正确，例如 JP', 'Wrong format, e.g. JP'],
    // New-user trial: the regular expression itself was the message; the API's words are in the document.
    [
      "pattern with the API's words",
      { passport: 'e123456' },
      '护照号码须为5-20位大写字母或数字',
      'Passport number: 5-20 capital letters or digits',
    ],
    // Trial 56: "AB" with U+202E read every text rule, 不得为空白 among them; the one broken is said, as the API says it.
    [
      "a text pattern, by the text rule's broken rule",
      { note: 'AB\u202E' },
      '不得包含改变文字方向的控制字符（U+202A–U+202E、U+2066–U+2069）',
      'Must not contain bidirectional override, embedding or isolate controls (U+202A–U+202E, U+2066–U+2069)',
    ],
    ['enum', { size: 'huge' }, '请从列表中选择', 'Pick one of the listed values'],
    ['maxItems', { grades: ['A', 'B', 'C', 'D'] }, '最多 3 项', 'At most 3 items'],
    ['uniqueItems', { grades: ['A', 'A'] }, '第 2 项与第 1 项重复', 'Items 2 and 1 are the same'],
    ['additionalProperties', { extra: 1 }, '不允许的字段', 'Field not allowed'],
  ])('%s: a Chinese-first bilingual sentence', (_keyword, patch, zh, en) => {
    const errors = errorsOf({ ...valid, ...patch });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toEqual({ zh, en });
  });

  it('handed input: amounts with up to 4 decimals are multiples of 0.0001 despite binary floating point (0.3 万元)', () => {
    for (const wan of [0.3, 0.1, 1234.5678, 99999999.9999]) expect([wan, errorsOf({ ...valid, wan })]).toEqual([wan, []]);
  });

  it('a nullable field may be null (no error)', () => {
    expect(errorsOf({ ...valid, team: null })).toEqual([]);
  });

  it.each([
    'type',
    'format',
    'pattern',
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'multipleOf',
    'minLength',
    'maxLength',
    'minItems',
    'maxItems',
    'uniqueItems',
    'minProperties',
    'maxProperties',
    'enum',
    'const',
    'required',
    'additionalProperties',
    'unevaluatedProperties',
    'dependentRequired',
    'dependencies',
    'anyOf',
    'oneOf',
    'if',
    'not',
    'discriminator',
    'contains',
    'propertyNames',
    'false schema',
    'unevaluatedItems',
    'some-future-keyword',
  ])('no raw keyword or type name in the sentence of %s', (keyword) => {
    const m = messageOf({
      keyword,
      params: { type: 'number', limit: 3, pattern: '^[A-Z]{2}$', allowedValues: ['a'], multipleOf: 2, i: 0, j: 1, missingProperty: 'x' },
      data: 'some value',
      parentSchema: { example: 'AB' },
    });
    expect(m.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(m.en).not.toMatch(RAW_EN);
    expect(m.zh).not.toMatch(RAW_ZH);
  });
});
