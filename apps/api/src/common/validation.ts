import type { z } from 'zod';
import { enumChoices } from './enum-choices';
import { contractRefusal, ruleRefusal, type FieldError } from './errors';
import { textRuleErrors } from './text-rule';
import { DATE_WORDS, FORMAT_ZH } from './zod-text';

/**
 * `members[0].passport.number` from zod's ['members', 0, 'passport', 'number']. A client's long key is bounded where the
 * refusal is written (echoPath in the exception filter), like every other field path.
 */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(body)';
}

/** The literal members of a union that also takes any string (zod's `expected` is `'string' | … | (string & {})`). */
type Literal<T> = T extends string ? (string extends T ? never : T) : never;

/**
 * Every kind of value zod 4 may expect (`invalid_type`'s `expected`) in our words, both languages: `应为{zh}` /
 * `Expected {en}`. Typed over zod's own list, so a kind added by a newer zod fails the typecheck until named here
 * (new-user trial: `data: [1]` read "应为record / Expected record", a quarter 1.5 "Expected int").
 */
export const TYPE_WORDS: Record<Literal<z.core.$ZodInvalidTypeExpected>, { zh: string; en: string }> = {
  string: { zh: '文本（字符串）', en: 'text (a string)' },
  number: { zh: '数字', en: 'a number' },
  int: { zh: '整数', en: 'a whole number' },
  bigint: { zh: '整数', en: 'a whole number' },
  boolean: { zh: '布尔值（true 或 false）', en: 'true or false' },
  symbol: { zh: '符号', en: 'a symbol' },
  undefined: { zh: '不填写此字段', en: 'the field left out' },
  void: { zh: '不填写此字段', en: 'the field left out' },
  never: { zh: '不填写此字段', en: 'the field left out' },
  null: { zh: 'null', en: 'null' },
  nan: { zh: 'NaN', en: 'NaN' },
  date: { zh: '日期', en: 'a date' },
  array: { zh: '列表（数组）', en: 'a list (an array)' },
  tuple: { zh: '列表（数组）', en: 'a list (an array)' },
  set: { zh: '列表（数组）', en: 'a list (an array)' },
  object: { zh: '对象', en: 'an object' },
  record: { zh: '对象', en: 'an object' },
  map: { zh: '对象', en: 'an object' },
  file: { zh: '文件', en: 'a file' },
  nonoptional: { zh: '有值', en: 'a value' },
  function: { zh: '函数', en: 'a function' },
};

/** `应为…` / `Expected …` for a kind zod expects; a kind not in TYPE_WORDS (a newer zod) still in our words. */
export function expectedMessage(expected: string): FieldError['message'] {
  const words = (TYPE_WORDS as Record<string, { zh: string; en: string } | undefined>)[expected];
  return words ? { zh: `应为${words.zh}`, en: `Expected ${words.en}` } : { zh: '取值类型不正确', en: 'The value is of the wrong kind' };
}

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: unknown;
  input?: unknown;
  keys?: string[];
  values?: unknown[];
  minimum?: unknown;
  maximum?: unknown;
  origin?: string;
  format?: string;
  divisor?: unknown;
  /** invalid_union: each alternative's issues; a discriminated union's discriminator and its options. */
  errors?: Issue[][];
  discriminator?: string;
  options?: unknown[];
  /** invalid_key / invalid_element: the key's or element's own issues. */
  issues?: Issue[];
  params?: { zh?: string; rule?: string; beyondSchema?: boolean };
}

/**
 * The params of a zod refinement the OpenAPI schema cannot state (one field against another: expiry after issue,
 * ids unique by a key, a period in order): its failure alone is 422 INVALID_REQUEST, not a contract 400.
 */
export const beyondSchema = (zh: string, rule: string) => ({ zh, rule, beyondSchema: true });

/**
 * A zod superRefine for a period given by two optional dates of one object (`from`/`to`, `departureFrom`/
 * `departureTo`): the end not before the start, else 422 rule `date-range` on the end (a rule beyond the schema).
 */
export const datesInOrder =
  <K extends string>(fromKey: K, toKey: K) =>
  (q: Partial<Record<K, string | undefined>>, ctx: z.RefinementCtx): void => {
    const from = q[fromKey];
    const to = q[toKey];
    if (from && to && to < from)
      ctx.addIssue({
        code: 'custom',
        path: [toKey],
        message: `The period ends before it starts (${fromKey} ${from})`,
        params: beyondSchema(`结束日期早于开始日期（${from}）`, 'date-range'),
      });
  };

const BAD_FORMAT = { zh: '格式不正确', en: 'Not in the expected format' };

const UUID_WORDS = {
  zh: '格式不正确，须为UUID，如 5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
  en: 'Not in the expected format: a UUID, e.g. 5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
};

/**
 * A zod built-in format's refusal in words of ours, by the issue's `format` (zod's own English, `Invalid ISO
 * datetime`, is not sent): what is expected, with an example. Twentieth trial: a plan approval's `proposedAt` of
 * `yesterday` read only 格式不正确. A built-in format not named here keeps BAD_FORMAT.
 */
const BUILTIN_FORMATS: Readonly<Record<string, { zh: string; en: string }>> = {
  datetime: {
    zh: '格式不正确，须为含时区的ISO 8601日期时间，如 2026-12-03T01:30:00.000Z',
    en: 'Not in the expected format: an ISO 8601 date-time with its offset, e.g. 2026-12-03T01:30:00.000Z',
  },
  // the words of every date field the API has (isoDate's pattern): one date, one sentence
  date: DATE_WORDS,
  uuid: UUID_WORDS,
  // zod's `guid`: a UUID without RFC 9562's version check, the same words.
  guid: UUID_WORDS,
};

/**
 * What the items of a list are, by the list's field name, for its bounds in words (trial 50: removing a trip's only
 * member read 至少1项, "at least 1 item").
 */
const LIST_ITEMS: Readonly<Record<string, { zh: string; en: string }>> = {
  members: { zh: '名出访人员', en: 'member(s) of the delegation' },
  destinations: { zh: '个出访国家（地区）', en: 'destination(s)' },
};

/** A length or size bound in words: items of a list (named for a list LIST_ITEMS knows), characters of a text, else the value itself. */
function boundMessage(
  side: 'min' | 'max',
  origin: string | undefined,
  limit: unknown,
  path: readonly PropertyKey[] = [],
): FieldError['message'] {
  const n = String(limit);
  const [zh, en] = side === 'min' ? ['至少', 'At least'] : ['最多', 'At most'];
  const last = path[path.length - 1];
  const items = typeof last === 'string' && Object.hasOwn(LIST_ITEMS, last) ? LIST_ITEMS[last] : undefined;
  if (origin === 'array' && items) return { zh: `${zh}${n}${items.zh}`, en: `${en} ${n} ${items.en}` };
  if (origin === 'array') return { zh: `${zh}${n}项`, en: `${en} ${n} item(s)` };
  if (origin === 'string') return { zh: `${zh}${n}个字符`, en: `${en} ${n} character(s)` };
  return side === 'min' ? { zh: `不得小于${n}`, en: `Must be at least ${n}` } : { zh: `不得大于${n}`, en: `Must be at most ${n}` };
}

/**
 * One zod issue as field errors: a Chinese message first, an English one beside (ours for requirements and bounds).
 * `mayBeLeftOut`: the field is optional (the request without it has no issue there), so a null in it is not "empty
 * where a value is required" but a null the field does not take.
 */
function toFieldErrors(issue: Issue, mayBeLeftOut = false): FieldError[] {
  const field = fieldPath(issue.path);
  const kindOfValue = issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_union';
  if (kindOfValue && issue.input === null && mayBeLeftOut)
    return [
      {
        field,
        rule: 'type',
        message: { zh: '不接受 null：请填写有效值，或省略此字段', en: 'Null is not accepted: give a value or leave the field out' },
      },
    ];
  // A missing or cleared field (undefined or null where a value is required) reads as missing whatever the value's
  // kind (a type, one of a list of codes, one of several shapes): the user has to fill it in.
  const missing = issue.input === undefined || issue.input === null;
  if (missing && kindOfValue) return [{ field, rule: 'required', message: { zh: '必填', en: 'Required' } }];
  switch (issue.code) {
    case 'unrecognized_keys':
      return (issue.keys ?? []).map((k) => ({
        field: fieldPath([...issue.path, k]),
        rule: 'unknown-field',
        message: { zh: '不允许的字段', en: 'Field not allowed' },
      }));
    case 'invalid_type': {
      const expected = String(issue.expected);
      // A number that is not whole where a whole number is expected (a quarter 1.5): the query's whole-number rule
      // and words (`wholeNumber`, zod-text.ts), rule `format`; any other kind of value is rule `type`.
      const notWhole = (expected === 'int' || expected === 'bigint') && typeof issue.input === 'number';
      return [{ field, rule: notWhole ? 'format' : 'type', message: expectedMessage(expected) }];
    }
    case 'invalid_value': {
      const choices = enumChoices(issue.values ?? []);
      return [{ field, rule: 'enum', message: { zh: `取值须为：${choices.zh}`, en: `Must be one of: ${choices.en}` } }];
    }
    case 'too_small':
      return [{ field, rule: 'min', message: boundMessage('min', issue.origin, issue.minimum, issue.path) }];
    case 'too_big':
      return [{ field, rule: 'max', message: boundMessage('max', issue.origin, issue.maximum, issue.path) }];
    case 'invalid_format':
      // Our patterns carry their words (formatMessage); a zod built-in format's English (`Invalid UUID`) is not sent.
      return [
        {
          field,
          rule: 'format',
          message: FORMAT_ZH.has(issue.message)
            ? { zh: FORMAT_ZH.get(issue.message)!, en: issue.message }
            : (BUILTIN_FORMATS[String(issue.format)] ?? BAD_FORMAT),
        },
      ];
    case 'not_multiple_of':
      return [
        {
          field,
          rule: 'multiple-of',
          message: { zh: `须为${String(issue.divisor)}的倍数`, en: `Must be a multiple of ${String(issue.divisor)}` },
        },
      ];
    case 'custom':
      // Every refinement of ours names its rule (params.rule); `invalid` only for one that forgot.
      return [{ field, rule: issue.params?.rule ?? 'invalid', message: { zh: issue.params?.zh ?? issue.message, en: issue.message } }];
    case 'invalid_union':
      return unionErrors(issue, field);
    case 'invalid_key':
    case 'invalid_element': {
      // A record's key (or a map's or set's element) at fault: named at its path, by the rule its own schema breaks.
      const inner = issue.issues?.[0];
      if (inner) return toFieldErrors({ ...inner, path: issue.path, input: inner.input ?? issue.input });
      return [{ field, rule: 'format', message: BAD_FORMAT }];
    }
    default:
      // Every issue code of zod 4 is named above by a rule of ours; an unknown one (a newer zod) keeps the API's words.
      return [{ field, rule: 'invalid', message: { zh: '取值不正确', en: 'The value is not accepted' } }];
  }
}

/**
 * A value no alternative of a union takes: a discriminated union's discriminator missing is `required`, one not
 * among its options `enum` (the passport transition's `to`); a union of literals (every alternative one value)
 * `enum` naming the values; else `type` (the value's kind fits none).
 */
function unionErrors(issue: Issue, field: string): FieldError[] {
  if (issue.discriminator !== undefined && issue.options) {
    const input = issue.input as Record<string, unknown> | undefined;
    const value = input && typeof input === 'object' ? input[issue.discriminator] : undefined;
    if (value === undefined || value === null) return [{ field, rule: 'required', message: { zh: '必填', en: 'Required' } }];
    const choices = enumChoices(issue.options);
    return [{ field, rule: 'enum', message: { zh: `取值须为：${choices.zh}`, en: `Must be one of: ${choices.en}` } }];
  }
  const alternatives = issue.errors ?? [];
  const literals = alternatives.every((a) => a.length === 1 && a[0]!.code === 'invalid_value' && a[0]!.path.length === 0);
  if (alternatives.length > 0 && literals) {
    const choices = enumChoices(alternatives.flatMap((a) => a[0]!.values ?? []));
    return [{ field, rule: 'enum', message: { zh: `取值须为：${choices.zh}`, en: `Must be one of: ${choices.en}` } }];
  }
  return [{ field, rule: 'type', message: { zh: '取值类型不正确', en: 'The value is of none of the accepted kinds' } }];
}

/**
 * Parses a request part; a failure lists every field at fault: 400 VALIDATION_FAILED (the contract), or 422
 * INVALID_REQUEST when only rules beyond the schema fail (`beyondSchema` refinements). Every request part
 * passes here, so the one text rule and the depth limit (text-rule.ts) are checked here first, on the raw
 * input, for every string whatever its schema says (including `z.unknown()` data at any depth).
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix: PropertyKey[] = []): z.output<S> {
  assertText(value, prefix);
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ ...(i as unknown as Issue), path: [...prefix, ...i.path] }));
  const optional = leftOutFine(schema, value, result.error.issues);
  // One error per field, the first found (its form before its meaning: a date `abc` is `format`, not also `date`;
  // new-user trial: two errors for one field), of the kind answered.
  const errorsOf = (beyondSchema: boolean): FieldError[] => {
    const kept = new Set<string>();
    const errors: FieldError[] = [];
    issues.forEach((issue, i) => {
      if (Boolean(issue.params?.beyondSchema) !== beyondSchema) return;
      for (const e of toFieldErrors(issue, optional[i])) {
        if (kept.has(e.field)) continue;
        kept.add(e.field);
        errors.push(e);
      }
    });
    return errors;
  };
  // The contract first and alone (400, every field that breaks it); only a request that fits it hears of the rules
  // beyond the schema (422). Twenty-third trial: a blank title and a member name of digits came in one 400, the
  // name's 422 rule among the contract's errors.
  const contract = errorsOf(false);
  throw contract.length > 0 ? contractRefusal(contract) : ruleRefusal(errorsOf(true));
}

/**
 * A path parameter parsed like a body field, its refusal naming it `path.<name>` (`path.year`, `path.personId`), as
 * the text rule (auth.guard.ts) and an undecodable parameter (exception.filter.ts) name it: a body field is bare
 * (`unit`), a query parameter `query.<name>`, a path parameter `path.<name>`.
 */
export function parsePathParam<S extends z.ZodType>(schema: S, value: unknown, name: string): z.output<S> {
  return parseOrThrow(schema, value, ['path', name]);
}

/** Several path parameters at once (`{ role, unit }` of a grant's path), each named `path.<name>`. */
export function parsePathParams<S extends z.ZodType>(schema: S, params: Record<string, unknown>): z.output<S> {
  return parseOrThrow(schema, params, ['path']);
}

/**
 * For each issue on a null value: whether the request without that field has no issue at its path (the field
 * is optional). Runs on a refusal only; one re-parse per null.
 */
function leftOutFine(schema: z.ZodType, value: unknown, issues: readonly z.core.$ZodIssue[]): boolean[] {
  return issues.map((issue) => {
    const input = (issue as unknown as Issue).input;
    const key = issue.path.at(-1);
    if (input !== null || key === undefined) return false;
    const copy = structuredClone(value) as Record<PropertyKey, unknown>;
    let parent: unknown = copy;
    for (const p of issue.path.slice(0, -1)) parent = (parent as Record<PropertyKey, unknown> | undefined)?.[p];
    if (!parent || typeof parent !== 'object' || Array.isArray(parent)) return false;
    delete (parent as Record<PropertyKey, unknown>)[key];
    const again = schema.safeParse(copy);
    const at = issue.path.join('\u0000');
    return again.success || !again.error.issues.some((x) => x.path.join('\u0000') === at);
  });
}

/** 400 VALIDATION_FAILED naming every string (or key) of `value` that breaks the text rule or nests too deep. */
export function assertText(value: unknown, prefix: PropertyKey[] = []): void {
  const errors = textRuleErrors(value, prefix.length ? fieldPath(prefix) : '');
  if (errors.length > 0) throw contractRefusal(errors);
}
