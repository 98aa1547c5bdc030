import { z } from 'zod';
import { isBlank } from '@df/domain';
import { MAX_JSON_DEPTH, textRuleBroken, textRuleErrors } from './text-rule';
import { line, NONBLANK_LINE_PATTERN, NONBLANK_TEXT_PATTERN, TEXT_PATTERN, text } from './zod-text';

describe('the one text rule', () => {
  it('refuses NUL, the other C0 controls but tab/LF/CR, and unpaired surrogates; keeps everything else', () => {
    expect(textRuleBroken('ok\u0000')).toBe('text-control');
    expect(textRuleBroken('a\u0001b')).toBe('text-control');
    expect(textRuleBroken('a\u001Fb')).toBe('text-control');
    expect(textRuleBroken('a\u000Bb')).toBe('text-control');
    expect(textRuleBroken('x\uD800')).toBe('text-surrogate');
    expect(textRuleBroken('\uDC00x')).toBe('text-surrogate');
    expect(textRuleBroken('\uDC00\uD800')).toBe('text-surrogate');
    expect(textRuleBroken('行1\t行2\r\n行3 😀 \u007F é')).toBeUndefined();
    expect(textRuleBroken('')).toBeUndefined();
  });

  it('names every offending value and key by path, at any depth', () => {
    const errors = textRuleErrors({ title: 'ok', members: [{ name: 'a\u0000' }], data: { deep: { 'k\u0000': 1, list: ['x', '\uD800'] } } });
    expect(errors.map((e) => [e.field, e.rule])).toEqual([
      ['members[0].name', 'text-control'],
      ['data.deep.k\\u0000', 'text-control'],
      ['data.deep.list[1]', 'text-surrogate'],
    ]);
    expect(textRuleErrors({ unit: 'a\u0000' }, 'query')[0]!.field).toBe('query.unit');
    expect(textRuleErrors({ data: { 'k\u0002': 'v' } })).toEqual([]); // keys: only NUL and lone surrogates
    expect(textRuleErrors('\u0000')[0]!.field).toBe('(body)');
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels without recursing (40,000 levels)`, () => {
    const nest = (n: number) => JSON.parse('{"a":'.repeat(n) + '1' + '}'.repeat(n));
    expect(textRuleErrors({ data: nest(MAX_JSON_DEPTH - 2) })).toEqual([]);
    const deep = textRuleErrors({ data: nest(40_000) });
    expect(deep).toHaveLength(1);
    expect(deep[0]!.rule).toBe('max-depth');
    expect(deep[0]!.field).toMatch(/^data(\.a)+$/);
  });

  it('refuses the bidirectional embedding/override/isolate controls (text-bidi: 王\u202E小明, a spoofed file name); keeps LRM/RLM', () => {
    expect(textRuleBroken('王\u202E小明')).toBe('text-bidi');
    expect(textRuleBroken('邀请函 \u202Efdp.exe.pdf')).toBe('text-bidi');
    for (const c of ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'])
      expect(textRuleBroken(`a${c}b`)).toBe('text-bidi');
    expect(textRuleBroken('abc\u200Eשלום\u200F')).toBeUndefined();
    // legacy: the rule as before text-bidi (a workflow replaying a signal applied before it)
    expect(textRuleBroken('王\u202E小明', true)).toBeUndefined();
    expect(textRuleErrors({ members: [{ name: '王\u202E小明' }] })).toEqual([
      {
        field: 'members[0].name',
        rule: 'text-bidi',
        message: {
          zh: '不得包含改变文字方向的控制字符（U+202A–U+202E、U+2066–U+2069）',
          en: 'Must not contain bidirectional override, embedding or isolate controls (U+202A–U+202E, U+2066–U+2069)',
        },
      },
    ]);
    expect(new RegExp(TEXT_PATTERN).test('王\u202E小明')).toBe(false);
    expect(new RegExp(TEXT_PATTERN).test('王小明\u200F')).toBe(true);
  });

  it('takes text of only whitespace and invisible characters as blank: required text refuses it (rule blank)', () => {
    for (const s of ['', ' ', '\u200B\u200B\u200B', '\u200C\u200D', '\u2060', '\uFEFF', '\u200E\u200F', ' \u200B\t\n'])
      expect(isBlank(s)).toBe(true);
    // Second trial: the Braille blank, the Hangul filler, the soft hyphen, the combining grapheme joiner, a variation selector.
    for (const s of ['\u2800', '\u3164', '\u00AD\u00AD', '\u034F', '\uFE0F', '\uFFA0', ' \u2800\u3164 ']) expect(isBlank(s)).toBe(true);
    expect(isBlank('\u200Ba')).toBe(false);
    expect(isBlank('王')).toBe(false);
    const title = z.object({ title: text(200) });
    const issues = title.safeParse({ title: '\u200B\u200B\u200B' }).error!.issues;
    expect(issues.map((i) => [i.path.join('.'), (i as { params?: { rule?: string } }).params?.rule])).toEqual([['title', 'blank']]);
    expect(title.safeParse({ title: '' }).error!.issues.map((i) => i.code)).toEqual(['too_small']); // empty: min, not also blank
    expect(title.safeParse({ title: ' \u200B出访 ' }).data).toEqual({ title: '\u200B出访' });
    const pattern = new RegExp(NONBLANK_TEXT_PATTERN);
    expect(pattern.test('\u200B\u200B\u200B')).toBe(false);
    // The document's pattern says what isBlank says, character for character (the fuzzer reads the pattern).
    for (const s of ['\u2800', '\u3164', '\u00AD', '\u034F', '\uFE0F', '\uFFA0', '\u2060\u2061']) expect(pattern.test(s)).toBe(false);
    for (let c = 0x20; c < 0x3000; c++) {
      const ch = String.fromCharCode(c);
      if (textRuleBroken(ch)) continue;
      expect([ch, pattern.test(ch)]).toEqual([ch, !isBlank(ch)]);
    }
    expect(pattern.test('\u200B出访')).toBe(true);
    expect(pattern.test('出访\u202E')).toBe(false);
  });

  it('a one-line field (line) refuses a tab, LF or CR inside it (single-line), and its pattern says the same', () => {
    const name = z.object({ name: line(100) });
    for (const v of ['褚\n八', '副局长\t(兼)', '甲\r乙'])
      expect(name.safeParse({ name: v }).error!.issues.map((i) => (i as { params?: { rule?: string } }).params?.rule)).toEqual([
        'single-line',
      ]);
    // Trimmed first: a line break at either end is no line break inside.
    expect(name.safeParse({ name: '张三\n' }).data).toEqual({ name: '张三' });
    const pattern = new RegExp(NONBLANK_LINE_PATTERN);
    for (const v of ['褚\n八', '副局长\t(兼)', '甲\r乙', '\u200B']) expect([v, pattern.test(v)]).toEqual([v, false]);
    for (const v of ['张三', 'Hou ston', '\u200B出访']) expect([v, pattern.test(v)]).toEqual([v, true]);
  });
});
