import { MAX_JSON_DEPTH, textRuleBroken, textRuleErrors } from './text-rule';

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
});
