import { z } from 'zod';
import {
  DATE_BOUNDS,
  DATE_BOUNDS_PATTERN,
  DATE_BOUNDS_WORDS,
  DATE_WORDS,
  INVISIBLE_CLASS,
  BLANK_MESSAGE,
  isBlank,
  isStatedReason,
  isDateInBounds,
  isIsoDate,
  NOT_A_DATE_WORDS,
  foldedPassportNumber,
  PASSPORT_NUMBER_FORMAT,
  PASSPORT_NUMBER_FORMAT_MESSAGE,
  personNameProblem,
  REASON_WORDS_MESSAGE,
} from '@df/domain';
import { UUID_PATTERN } from './uuid';

/**
 * zod builders for request text and numbers whose OpenAPI form says exactly what the server accepts, so a
 * fuzzer's "valid" input is valid (issue 13.6). The text rule itself is enforced for every string by
 * parseOrThrow (text-rule.ts); these builders only make the contract state it.
 */

// C0 controls except tab, LF, CR; the bidirectional embedding/override/isolate controls (text-bidi).
const CONTROLS = '\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\u202A-\\u202E\\u2066-\\u2069';
/** Any text the rule allows (tab, LF, CR fine). Same meaning in ECMAScript and Python `re`. */
export const TEXT_PATTERN = `^[^${CONTROLS}]*$`;
/** Allowed text with at least one visible character (not whitespace or an invisible one: INVISIBLE_CLASS, isBlank). */
export const NONBLANK_TEXT_PATTERN = `^[^${CONTROLS}]*[^\\x00-\\x1F${INVISIBLE_CLASS}${CONTROLS}][^${CONTROLS}]*$`;

/** What a blank text's refusal says (libs/domain text-rule.ts, where the web's boxes read it too). */
export { BLANK_MESSAGE };
/** Refused as `blank`: text of only whitespace and invisible characters ("   ", "\u200B\u200B"); empty text is `min`'s. */
const notBlank = [
  (s: string) => s === '' || !isBlank(s),
  { message: BLANK_MESSAGE.en, params: { zh: BLANK_MESSAGE.zh, rule: 'blank' } },
] as const;

/** Length in Unicode code points, as JSON Schema's maxLength counts (not UTF-16 units: an emoji is one). */
const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

const maxChars = (max: number) => (s: string) => codePoints(s) <= max;
const tooLong = (max: number) => ({
  message: `At most ${max} character(s)`,
  params: { zh: `最多${max}个字符`, rule: 'max' },
});

/** Required text: trimmed, 1..max characters. */
export const text = (max: number) =>
  z
    .string()
    // Before the trim: spaces only are `blank` as invisible characters are (trial: a blank objection or title read `min`).
    .refine(notBlank[0], { ...notBlank[1], abort: true })
    .trim()
    .min(1)
    .refine(maxChars(max), tooLong(max))
    .meta({ minLength: 1, maxLength: max, pattern: NONBLANK_TEXT_PATTERN });

/** What a one-line field's refusal says (rule `single-line`); also the OpenAPI document's words for its pattern. */
export const SINGLE_LINE_MESSAGE = { zh: '须为单行：不得包含换行或制表符', en: 'Must be one line: no line break or tab' };

/** Text of one line: the text rule without its tab, line feed and carriage return. */
export const NONBLANK_LINE_PATTERN = `^[^${CONTROLS}\\t\\n\\r]*[^\\x00-\\x1F${INVISIBLE_CLASS}${CONTROLS}][^${CONTROLS}\\t\\n\\r]*$`;

/** The invisible spaces a paste carries (zero-width space, word joiner, BOM): never meant inside a line of text. */
const PASTED_INVISIBLE = /[\u200B\u2060\uFEFF]/g;

/**
 * Required text of one line (a name, a title, a position, a code): as `text`, and no tab, line feed or carriage return
 * inside it (rule `single-line`; thirteenth trial: a member named "褚\n八" and a position "副局长\t(兼)" were stored, and
 * every list, document and export that prints them one to a line broke). The invisible spaces a paste carries
 * (U+200B, U+2060, U+FEFF) are dropped: 市商务局\u200b is stored 市商务局, as it reads (trials 80 and 83: a person's and a
 * unit's name no one could tell from another on screen). The joiners some scripts write with (U+200C, U+200D) stay.
 */
export const line = (max: number) =>
  z
    .string()
    .refine(notBlank[0], { ...notBlank[1], abort: true })
    .overwrite((v) => v.replace(PASTED_INVISIBLE, ''))
    .trim()
    .min(1)
    .refine(maxChars(max), tooLong(max))
    .refine((s) => !/[\t\n\r]/.test(s), { message: SINGLE_LINE_MESSAGE.en, params: { zh: SINGLE_LINE_MESSAGE.zh, rule: 'single-line' } })
    .meta({ minLength: 1, maxLength: max, pattern: NONBLANK_LINE_PATTERN });

/**
 * An identifier a path carries (a step key, a process version, a card number): one line first (rule `single-line`: a
 * tab, LF or CR is named as such, never echoed back in a lookup's message; new-user trial: `A10\n` read 本案没有步骤
 * A10\n), then its pattern (rule `format`, in `zh`/`en`). Documented with the pattern (openapi.ts pathParam), parsed
 * by parsePathParam, so the refusal is 400 at `path.<name>` before any lookup.
 */
export const pathKey = (pattern: string, zh: string, en: string) =>
  z
    .string()
    .refine((s) => !/[\t\n\r]/.test(s), {
      message: SINGLE_LINE_MESSAGE.en,
      params: { zh: SINGLE_LINE_MESSAGE.zh, rule: 'single-line' },
      abort: true,
    })
    .regex(new RegExp(pattern), formatMessage(zh, en))
    .meta({ pattern });

/**
 * A person's name (a typed member's, a roster's): required text of one line (`line`: 张\u200b三 is stored 张三), at most
 * 100 characters, with some letter and only what names are written with (personNameProblem, rule `person-name`: 422, a
 * rule beyond the schema).
 */
export const personName = () =>
  line(100).superRefine((v, ctx) => {
    const problem = personNameProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.en, params: { zh: problem.zh, rule: 'person-name', beyondSchema: true } });
  });

/**
 * A required reason (why a case is withdrawn or cancelled, a deficiency extended, a passport cancelled or reported lost,
 * a card lost, a unit suspended, a member objects): required text that states something (isStatedReason, rule
 * `reason-words`: 422, a rule beyond the schema; not 。 nor a bare 同意 or 退回). `oneLine`: as `line`, else as `text`.
 */
export const reason = (max: number, oneLine = false) =>
  (oneLine ? line(max) : text(max)).superRefine((v, ctx) => {
    if (!isStatedReason(v))
      ctx.addIssue({
        code: 'custom',
        message: REASON_WORDS_MESSAGE.en,
        params: { zh: REASON_WORDS_MESSAGE.zh, rule: 'reason-words', beyondSchema: true },
      });
  });

/** Text that may be empty (a comment): trimmed, at most max characters. */
export const freeText = (max: number) =>
  z.string().trim().refine(maxChars(max), tooLong(max)).meta({ maxLength: max, pattern: TEXT_PATTERN });

/** Text taken as typed (a password): 1..max characters, nothing trimmed. */
export const untrimmedText = (max: number) =>
  z.string().min(1).refine(maxChars(max), tooLong(max)).meta({ minLength: 1, maxLength: max, pattern: TEXT_PATTERN });

/** The Chinese of each pattern's message (formatMessage), keyed by its English: validation.ts names both. */
export const FORMAT_ZH = new Map<string, string>();

/**
 * A pattern's refusal in both languages: the zod option `{ message: en }`, the Chinese recorded beside it for the
 * 400's field error (second trial: a passport number read 格式不正确 in Chinese, the rule only in English).
 */
export function formatMessage(zh: string, en: string): { message: string } {
  FORMAT_ZH.set(en, zh);
  return { message: en };
}

/**
 * A case id in a body (a passport check-out's `caseId`): the shape the API issues case ids in (a UUID: randomUUID, or
 * derived from the Idempotency-Key), either letter case, read in lower case as stored. Another shape is 400 rule
 * `format` at the field, before any case is looked up (new-user trial: `case-invented` answered 422 open-case-member).
 */
export const caseIdText = () =>
  z
    .string()
    .regex(
      new RegExp(UUID_PATTERN),
      formatMessage(
        '案件编号须为UUID（报送时答复的 caseId），如 5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
        'A case id is a UUID (the caseId a submission answers), e.g. 5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
      ),
    )
    .overwrite((s) => s.toLowerCase())
    .meta({ pattern: UUID_PATTERN, example: '5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b' });

/**
 * A whole number sent as text (a query parameter `?page=2`, a path's year), min..max. One error per value, naming the
 * rule it breaks (new-user trial): not digits is rule `format` (应为整数); a whole number below `min` (`page=-1`,
 * `pageSize=0`) is rule `min` (不得小于1), above `max` (however many digits: `page=99999999999999999999` read two `max`
 * errors, one of them 2^53) is rule `max`.
 */
export const wholeNumber = (min: number, max: number) =>
  z.string().transform((s, ctx) => {
    if (!/^-?[0-9]+$/.test(s)) {
      ctx.addIssue({ code: 'custom', message: 'Expected a whole number', params: { zh: '应为整数', rule: 'format' } });
      return z.NEVER;
    }
    const n = BigInt(s);
    if (n < BigInt(min)) {
      ctx.addIssue({ code: 'custom', message: `Must be at least ${min}`, params: { zh: `不得小于${min}`, rule: 'min' } });
      return z.NEVER;
    }
    if (n > BigInt(max)) {
      ctx.addIssue({ code: 'custom', message: `Must be at most ${max}`, params: { zh: `不得大于${max}`, rule: 'max' } });
      return z.NEVER;
    }
    return Number(n);
  });

/** A whole number in a query string (`?page=2`), min..max (wholeNumber), documented as an integer with its bounds. */
export const intQuery = (min: number, max: number, fallback: number) =>
  wholeNumber(min, max).default(fallback).meta({ type: 'integer', minimum: min, maximum: max, default: fallback, pattern: undefined });

/** What a date field expects, in the words of every date the API refuses (isoDate's pattern, zod's own `date` format): libs/domain dates.ts, which a completion's data days share. */
export { DATE_WORDS };

/**
 * A calendar date YYYY-MM-DD (Asia/Shanghai), documented as `format: date` with its pattern: a generator that
 * honours the format sends real dates only (2027-02-30 is refused 400, rule date, as the format says), and within
 * DATE_BOUNDS (1900-01-01 to 2199-12-31, else 400 rule date-bounds; the pattern states it).
 */
export const isoDate = z
  .string()
  // abort: a value not in the form YYYY-MM-DD is one error (format), not also "not a calendar date" (new-user trial)
  .regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, { ...formatMessage(DATE_WORDS.zh, DATE_WORDS.en), abort: true })
  .refine(isIsoDate, { message: NOT_A_DATE_WORDS.en, params: { zh: NOT_A_DATE_WORDS.zh, rule: 'date' }, abort: true })
  .refine(isDateInBounds, {
    message: DATE_BOUNDS_WORDS.en,
    params: { zh: DATE_BOUNDS_WORDS.zh, rule: 'date-bounds' },
    abort: true,
  })
  .meta({
    format: 'date',
    pattern: DATE_BOUNDS_PATTERN,
    description: `Calendar date YYYY-MM-DD, Asia/Shanghai, from ${DATE_BOUNDS.earliest} to ${DATE_BOUNDS.latest}`,
    example: '2027-03-15',
  });

/** A registry code's pattern (libs/domain registries.ts, where the web's forms read it too). */
export { CODE_PATTERN } from '@df/domain';

/** The spaces a passport number may be typed with, as the document states them (normalPassportNumber drops them). */
const PASSPORT_SPACES = '[ \\t\\u00A0\\u3000]';
/** What a passport number field takes, as the document states it: 5-20 letters or digits, either case, spaces anywhere. */
export const PASSPORT_INPUT_PATTERN = `^${PASSPORT_SPACES}*(?:[A-Za-z0-9]${PASSPORT_SPACES}*){5,20}$`;

/**
 * Passport numbers wherever the API takes one (a registration's `number`, the `:number` of a path, a member's
 * `passport.number`): normalised first (foldedPassportNumber, libs/domain facts.ts: full-width forms folded, then
 * normalPassportNumber, the one home the engine's C05 check shares), then checked (PASSPORT_NUMBER_FORMAT), and stored so; the document states the
 * input form (PASSPORT_INPUT_PATTERN) with the API's words for a refusal.
 */
export const passportNumber = () =>
  z
    .string()
    .overwrite(foldedPassportNumber)
    .regex(PASSPORT_NUMBER_FORMAT, formatMessage(PASSPORT_NUMBER_FORMAT_MESSAGE.zh, PASSPORT_NUMBER_FORMAT_MESSAGE.en))
    .meta({ pattern: PASSPORT_INPUT_PATTERN, example: 'SE1234567' });
