import { isUtf8 } from 'node:buffer';
import type { NextFunction, Request, Response } from 'express';
import { getLocation, visit } from 'jsonc-parser';
import { depthError, MAX_JSON_DEPTH, textRuleErrors } from '@df/domain';
import { contractRefusal, DomainError, ruleRefusal, type FieldError } from './errors';
import { expectedMessage, fieldPath } from './validation';

/**
 * The one refusal of a JSON body that is not an object (an array, a number, a string, true/false, null) on every JSON
 * route: 400 VALIDATION_FAILED `请求体应为 JSON 对象` / `The request body must be a JSON object`, one error `(body)`
 * rule `type` `应为对象`. Every request body the API documents is an object (docs/api.md "The top-level message");
 * the body parser's strict mode refuses the scalars (ApiExceptionFilter), strictJsonBodies the arrays it lets through
 * (new-user trial: `[]` read `请求有1处错误` where `null` read this).
 */
export const nonObjectBody = (): DomainError =>
  new DomainError(
    'VALIDATION_FAILED',
    { zh: '请求体应为 JSON 对象', en: 'The request body must be a JSON object' },
    { errors: [{ field: '(body)', rule: 'type', message: expectedMessage('object') }] },
  );

/** At most this many problems are listed (a body of 10,000 duplicated keys is one refusal, not a 1 MB answer). */
const MAX_PROBLEMS = 20;

/**
 * What JSON.parse silently changes in a JSON text, as refusals naming the field (paths as zod's: `members[0].rank`):
 * - `duplicate-key`: a key given twice in one object (JSON.parse keeps the last; a reviewer reading the text sees
 *   the first — RFC 8259 §4 leaves the meaning of duplicate names undefined, so we accept none);
 * - `reserved-key`: the key `__proto__` (JSON.parse keeps it, but any copy of the object (a schema's parse, a spread)
 *   sets the copy's prototype instead: trial, a completion's `data.__proto__` was accepted and silently dropped);
 * - `finite`: a number too large for a double (`1e400` became Infinity, stored as null);
 * - `safe-integer`: an integer literal beyond ±(2^53 − 1) (`12345678901234567890` became 12345678901234567000).
 * Parsed with jsonc-parser's visitor (comments and trailing commas are not JSON: the body parser refused those
 * before this runs). Pure.
 */
export function jsonTextProblems(text: string, depth = nestingDepth(text)): FieldError[] {
  // The visitor descends recursively: a body nested deeper than the API takes (MAX_JSON_DEPTH, refused 400 max-depth
  // where the body is read) is left to that rule, not walked (40,000 levels overflowed the stack: a 500). `depth`: the
  // text's nestingDepth, when the caller has it.
  if (depth > MAX_JSON_DEPTH) return [];
  const problems: FieldError[] = [];
  const keys: Array<Set<string>> = [];
  const add = (e: FieldError) => {
    if (problems.length < MAX_PROBLEMS) problems.push(e);
  };
  visit(
    text,
    {
      onObjectBegin: () => {
        keys.push(new Set());
      },
      onObjectEnd: () => {
        keys.pop();
      },
      onObjectProperty: (name, _offset, _length, _line, _column, pathSupplier) => {
        const seen = keys.at(-1);
        if (!seen) return;
        if (name === '__proto__')
          add({
            field: fieldPath([...pathSupplier(), name]),
            rule: 'reserved-key',
            message: { zh: '键名 __proto__ 不可用', en: 'The key __proto__ is not taken' },
          });
        else if (seen.has(name))
          add({
            field: fieldPath([...pathSupplier(), name]),
            rule: 'duplicate-key',
            message: { zh: '同一对象中此键出现了不止一次', en: 'This key is given more than once in the same object' },
          });
        seen.add(name);
      },
      onLiteralValue: (value, offset, length, _line, _column, pathSupplier) => {
        if (typeof value !== 'number') return;
        if (!Number.isFinite(value))
          add({
            field: fieldPath(pathSupplier()),
            rule: 'finite',
            message: { zh: '数值超出可表示的范围', en: 'The number is too large to be represented' },
          });
        else if (!Number.isSafeInteger(value) && /^-?\d+$/.test(text.slice(offset, offset + length)))
          add({
            field: fieldPath(pathSupplier()),
            rule: 'safe-integer',
            message: {
              zh: '整数超出可精确表示的范围（±9007199254740991）',
              en: 'The integer is beyond what can be represented exactly (±9007199254740991)',
            },
          });
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  return problems;
}

/**
 * Where the first ill-formed UTF-8 sequence starts in `raw` (RFC 3629 §4: no overlong form, no surrogate, nothing past
 * U+10FFFF, no sequence cut short); `raw.length` when there is none.
 */
function firstIllFormedByte(raw: Buffer): number {
  let i = 0;
  while (i < raw.length) {
    const b = raw[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // The sequence's length and the range its second byte must be in (the rest are 0x80-0xBF).
    const [n, lo, hi] =
      b >= 0xc2 && b <= 0xdf
        ? [2, 0x80, 0xbf]
        : b === 0xe0
          ? [3, 0xa0, 0xbf]
          : b === 0xed
            ? [3, 0x80, 0x9f]
            : b >= 0xe1 && b <= 0xef
              ? [3, 0x80, 0xbf]
              : b === 0xf0
                ? [4, 0x90, 0xbf]
                : b >= 0xf1 && b <= 0xf3
                  ? [4, 0x80, 0xbf]
                  : b === 0xf4
                    ? [4, 0x80, 0x8f]
                    : [0, 0, 0];
    if (n === 0 || i + n > raw.length || raw[i + 1]! < lo || raw[i + 1]! > hi) return i;
    for (let k = 2; k < n; k++) if (raw[i + k]! < 0x80 || raw[i + k]! > 0xbf) return i;
    i += n;
  }
  return i;
}

/**
 * A JSON body's bytes that are not UTF-8 (RFC 8259 §8.1: JSON text exchanged between systems is UTF-8), as the one
 * refusal naming the field they are in (`title`, `members[0].name`; `(body)` between values), rule `encoding`; undefined
 * when they are. The body parser decodes such bytes to U+FFFD without a word, so a title sent as `测试\xff` was stored
 * as `测试�` (new-user trial). Pure.
 */
export function utf8Problem(raw: Buffer): FieldError | undefined {
  if (isUtf8(raw)) return undefined;
  const bad = firstIllFormedByte(raw);
  // The text before the first bad byte decodes alike either way, so its length is the bad byte's offset in the text.
  const at = raw.subarray(0, bad).toString('utf8').length;
  const location = getLocation(raw.toString('utf8'), at);
  return {
    field: fieldPath(location.path.filter((p) => p !== '')),
    rule: 'encoding',
    message: { zh: '含有无效的 UTF-8 字节', en: 'Contains bytes that are not valid UTF-8' },
  };
}

/** The deepest nesting of arrays and objects in a JSON text, by one pass over it (strings skipped). */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/**
 * After the JSON body parser (the app is created with `rawBody: true`, so Nest's parser keeps the bytes it parsed
 * in `req.rawBody`; JSON bodies are UTF-8 only, another charset is 415 before): a body that is not an object (an
 * array: nonObjectBody) is refused whole; a body whose text JSON.parse would
 * have silently changed (jsonTextProblems), or nested deeper than MAX_JSON_DEPTH (400 rule max-depth), is refused naming
 * each field, before any handler sees the parsed value —
 * for every route and every field (new-user trial: step data `1e400` was stored as null, a duplicated key took its
 * last value). A duplicated key and a `__proto__` key are 400 VALIDATION_FAILED (no document describes an object with two values for one
 * name: I-JSON, RFC 7493 §2.3); a number out of range is 422 INVALID_REQUEST (a free-form `data` value may be any
 * number by the schema: RFC 8259 §6 leaves the range to the implementation, and ours is a double's).
 */
export function strictJsonBodies() {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const r = req as Request & { rawBody?: Buffer };
    const raw = r.rawBody;
    if (raw === undefined) return next();
    r.rawBody = undefined; // not kept for the rest of the request
    const encoding = utf8Problem(raw);
    if (encoding) return next(contractRefusal([encoding]));
    // The parser's strict mode lets an array through (only the scalars are refused there): the same refusal.
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) return next(nonObjectBody());
    const text = raw.toString('utf8');
    // Nesting past MAX_JSON_DEPTH is refused here, before any handler, guard or interceptor walks the body (trial 65:
    // the idempotency fingerprint's recursive walk of a 5,000-level body overflowed the stack, a 500, before the
    // validation's depth check ran; without a key the same body was 400). textRuleErrors is iterative: it names where.
    const depth = nestingDepth(text);
    if (depth > MAX_JSON_DEPTH) {
      const deep = textRuleErrors(req.body).filter((e) => e.rule === 'max-depth');
      return next(contractRefusal(deep.length > 0 ? deep : [depthError('(body)')]));
    }
    const problems = jsonTextProblems(text, depth);
    if (problems.length === 0) return next();
    next(problems.some((p) => p.rule === 'duplicate-key' || p.rule === 'reserved-key') ? contractRefusal(problems) : ruleRefusal(problems));
  };
}
