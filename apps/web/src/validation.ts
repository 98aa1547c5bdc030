import type { ErrorObject, ValidateFunction } from 'ajv';
import type { FieldError } from './api';
import { NOT_A_FIGURE_WORDS, NOT_A_WHOLE_NUMBER_WORDS } from './dialog-fields';
import { textError, textRuleBroken } from '../../../libs/domain/src/text-rule';

/**
 * Validation as the user types, with the API's own rules: the request schemas of the OpenAPI document (generated
 * from the same zod schemas that validate the requests), compiled by the API with Ajv into one module of validators
 * (GET /api/form-validators.js, apps/api/src/common/form-validators.ts) that the browser imports: nothing is compiled
 * here, so the page's CSP needs no 'unsafe-eval'. Nothing is re-written here; only the messages of Ajv's keywords
 * are put into words.
 */
const FORM_VALIDATORS_URL = '/api/form-validators.js';
let loaded: Promise<Record<string, ValidateFunction>> | null = null;

function load(): Promise<Record<string, ValidateFunction>> {
  return (loaded ??= (import(/* @vite-ignore */ FORM_VALIDATORS_URL) as Promise<{ validators: Record<string, ValidateFunction> }>)
    .then((m) => m.validators)
    .catch((e: unknown) => {
      loaded = null;
      throw e;
    }));
}

/** `/members/0/rank` → `members[0].rank` (the API's field paths). */
export function fieldPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (extra) parts.push(extra);
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** A JSON-schema type in words (Ajv's `type` error names them: `number`, `string,null`…). */
const TYPE_WORDS: Record<string, FieldError['message']> = {
  string: { zh: '文本', en: 'text' },
  number: { zh: '数字', en: 'a number' },
  integer: { zh: '整数', en: 'a whole number' },
  boolean: { zh: '“是”或“否”', en: 'yes or no' },
  array: { zh: '列表', en: 'a list' },
  object: { zh: '一组字段', en: 'a group of fields' },
  null: { zh: '空', en: 'empty' },
};

/** A format (`format: date`…) in words; the schemas back each one with a pattern, so Ajv reports it as `pattern`. */
const FORMAT_WORDS: Record<string, FieldError['message']> = {
  date: { zh: '日期（年-月-日，如 2027-03-15）', en: 'a date (YYYY-MM-DD, e.g. 2027-03-15)' },
  'date-time': { zh: '日期和时间（如 2027-03-15T09:00:00+08:00）', en: 'a date and time (e.g. 2027-03-15T09:00:00+08:00)' },
  email: { zh: '电子邮箱地址', en: 'an email address' },
  uuid: { zh: 'UUID 编号', en: 'a UUID' },
  uri: { zh: '网址', en: 'a web address' },
};

const both = (zh: string, en: string): FieldError['message'] => ({ zh, en });
const list = (xs: unknown, sep: string) => (Array.isArray(xs) ? xs : [xs]).map((x) => String(x)).join(sep);

/** Nothing typed: absent, null (a cleared number or select), '' or only spaces, or an empty list. */
export function isEmptyValue(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
}

type AjvError = Pick<ErrorObject, 'keyword' | 'params'> & { data?: unknown; parentSchema?: unknown };

/** A missing property, or any other error on a value left empty: the field is to be filled in. */
const readsAsRequired = (e: AjvError): boolean =>
  e.keyword === 'required' || (e.keyword !== 'additionalProperties' && 'data' in e && isEmptyValue(e.data));

/**
 * One error of Ajv (with `verbose`: its `data` and `parentSchema`) as a sentence, Chinese first and English beside.
 * Every keyword Ajv can report has one; none shows a JSON-schema keyword or type name. An error on an empty value
 * (a cleared required field: null fails `type: number`, '' fails `minLength`/`pattern`, [] fails `minItems`) reads
 * as required: the user has to fill it, not to learn the schema.
 */
export function messageOf(e: AjvError): FieldError['message'] {
  const p = e.params as Record<string, unknown>;
  const schema = (e.parentSchema ?? {}) as { format?: string; example?: unknown; 'x-message'?: { zh?: unknown; en?: unknown } };
  if (readsAsRequired(e)) return both('必填', 'Required');
  switch (e.keyword) {
    case 'type': {
      // A figure box's text that is no number (amountOfText keeps it as typed): said as the box's own rule says it, a
      // count as a whole number (trial 59: 1e3 in the plan's size read 须填写整数 beside the budget's words).
      const expected = list(p.type, ',').split(',');
      if (typeof e.data === 'string' && expected.includes('number')) return { ...NOT_A_FIGURE_WORDS };
      if (typeof e.data === 'string' && expected.includes('integer')) return { ...NOT_A_WHOLE_NUMBER_WORDS };
      const w = expected.filter((x) => x !== 'null').map((x) => TYPE_WORDS[x] ?? both('有效值', 'a valid value'));
      return both(`须填写${w.map((x) => x.zh).join('或')}`, `Must be ${w.map((x) => x.en).join(' or ')}`);
    }
    case 'format':
    case 'pattern': {
      // A text that breaks the API's text rule is said by the rule it breaks, as the API's 400 says it, not by the
      // pattern's list of every text rule (trial 56: "AB" with U+202E read 不得为空白 among four rules).
      const broken = typeof e.data === 'string' ? textRuleBroken(e.data) : undefined;
      if (broken) return textError('', broken).message;
      const f = FORMAT_WORDS[String(p.format ?? schema.format)];
      if (f) return both(`格式不正确，须为${f.zh}`, `Wrong format: must be ${f.en}`);
      // The API's own words for the pattern (the OpenAPI document's x-message), as its 400 would say them.
      const said = schema['x-message'];
      if (typeof said?.zh === 'string' && typeof said.en === 'string') return both(said.zh, said.en);
      return schema.example !== undefined && typeof schema.example !== 'object'
        ? both(`格式不正确，例如 ${String(schema.example)}`, `Wrong format, e.g. ${String(schema.example)}`)
        : both(`格式不正确（须符合 ${String(p.pattern ?? p.format)}）`, `Wrong format (must match ${String(p.pattern ?? p.format)})`);
    }
    case 'minimum':
      return both(`不得小于 ${String(p.limit)}`, `Must be at least ${String(p.limit)}`);
    case 'exclusiveMinimum':
      return both(`须大于 ${String(p.limit)}`, `Must be more than ${String(p.limit)}`);
    case 'maximum':
      return both(`不得大于 ${String(p.limit)}`, `Must be at most ${String(p.limit)}`);
    case 'exclusiveMaximum':
      return both(`须小于 ${String(p.limit)}`, `Must be less than ${String(p.limit)}`);
    case 'multipleOf': {
      const step = Number(p.multipleOf);
      const places = -Math.log10(step);
      if (step === 1) return both('须为整数', 'Must be a whole number');
      // 0.01, 0.0001…: a number of decimal places, as the API's rule `decimals` says it.
      if (Number.isInteger(places) && places > 0) return both(`最多 ${places} 位小数`, `At most ${places} decimal place(s)`);
      return both(`须为 ${String(p.multipleOf)} 的整数倍`, `Must be a multiple of ${String(p.multipleOf)}`);
    }
    case 'minLength':
      return both(`至少 ${String(p.limit)} 个字符`, `At least ${String(p.limit)} characters`);
    case 'maxLength':
      return both(`最多 ${String(p.limit)} 个字符`, `At most ${String(p.limit)} characters`);
    case 'minItems':
      return both(`至少 ${String(p.limit)} 项`, `At least ${String(p.limit)} items`);
    case 'maxItems':
      return both(`最多 ${String(p.limit)} 项`, `At most ${String(p.limit)} items`);
    case 'uniqueItems':
      return both(`第 ${Number(p.j) + 1} 项与第 ${Number(p.i) + 1} 项重复`, `Items ${Number(p.j) + 1} and ${Number(p.i) + 1} are the same`);
    case 'minProperties':
      return both(`至少填写 ${String(p.limit)} 项`, `Fill in at least ${String(p.limit)} fields`);
    case 'maxProperties':
      return both(`最多填写 ${String(p.limit)} 项`, `Fill in at most ${String(p.limit)} fields`);
    case 'enum':
    case 'const':
      // The forms offer these as choices (labelled in the user's language): the raw codes are not shown.
      return both('请从列表中选择', 'Pick one of the listed values');
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return both('不允许的字段', 'Field not allowed');
    case 'dependentRequired':
    case 'dependencies':
      return both(`填写此项时须同时填写 ${String(p.missingProperty)}`, `${String(p.missingProperty)} is required with this field`);
    case 'anyOf':
    case 'oneOf':
    case 'if':
    case 'not':
    case 'discriminator':
      return both('取值不符合允许的任何一种形式', 'The value fits none of the allowed forms');
    default:
      return both('取值不符合规则', 'The value breaks a rule');
  }
}

/** Ajv's errors as the API's field errors: the field path, the rule (`required` for an empty value) and the sentence. */
export function fieldErrorsOf(errors: readonly ErrorObject[]): FieldError[] {
  const all = errors.map((e) => ({
    field: fieldPath(
      e.instancePath,
      e.keyword === 'required' ? String((e.params as { missingProperty: string }).missingProperty) : undefined,
    ),
    rule: readsAsRequired(e) ? 'required' : e.keyword,
    message: messageOf(e),
  }));
  // An empty value fails several keywords at once (null: `type` and `enum`): the field is required, once.
  return all.filter((e, i) => e.rule !== 'required' || all.findIndex((x) => x.field === e.field && x.rule === 'required') === i);
}

/** Validates `value` against the OpenAPI component `component`; every error with its field path. */
export async function validate(component: string, value: unknown): Promise<FieldError[]> {
  const fn = (await load())[component];
  if (!fn) throw new Error(`no validator for the OpenAPI component ${component}`);
  return fn(value) ? [] : fieldErrorsOf(fn.errors ?? []);
}
