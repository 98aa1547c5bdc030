import { MAX_JSON_DEPTH } from '@df/domain';
import type { Request, Response } from 'express';
import { DomainError } from './errors';
import { jsonTextProblems, nestingDepth, strictJsonBodies, utf8Problem } from './strict-json';

describe('jsonTextProblems: what JSON.parse would silently change', () => {
  it('names a key given twice in one object, at its path (new-user trial: the last value was taken)', () => {
    expect(jsonTextProblems('{"facts":{"title":"a","members":[{"rank":"ministerial","rank":"ordinary"}],"title":"b"}}')).toEqual([
      expect.objectContaining({ field: 'facts.members[0].rank', rule: 'duplicate-key' }),
      expect.objectContaining({ field: 'facts.title', rule: 'duplicate-key' }),
    ]);
    // The same key in different objects, or in an object and its parent, is no duplicate.
    expect(jsonTextProblems('{"a":{"a":1},"b":[{"a":1},{"a":2}],"c":{"d":{"a":1}}}')).toEqual([]);
    expect(jsonTextProblems('{"a":1,"a":1}')).toEqual([expect.objectContaining({ field: 'a', rule: 'duplicate-key' })]);
    // Trial: a completion's data.__proto__ was accepted and dropped; escaped, the same key.
    expect(jsonTextProblems('{"data":{"__proto__":{"x":1}},"b":[{"\\u005f_proto__":1}]}')).toEqual([
      expect.objectContaining({ field: 'data.__proto__', rule: 'reserved-key' }),
      expect.objectContaining({ field: 'b[0].__proto__', rule: 'reserved-key' }),
    ]);
    expect(jsonTextProblems('{"proto":1,"constructor":{"prototype":1}}')).toEqual([]);
  });

  it('names a number out of range (1e400 became Infinity, stored as null) and an integer beyond 2^53', () => {
    expect(jsonTextProblems('{"data":{"amount":1e400,"debt":-1e999}}')).toEqual([
      expect.objectContaining({ field: 'data.amount', rule: 'finite' }),
      expect.objectContaining({ field: 'data.debt', rule: 'finite' }),
    ]);
    expect(jsonTextProblems('{"data":{"n":12345678901234567890,"list":[1,9007199254740993]}}')).toEqual([
      expect.objectContaining({ field: 'data.n', rule: 'safe-integer' }),
      expect.objectContaining({ field: 'data.list[1]', rule: 'safe-integer' }),
    ]);
    // In range, a fraction or an exponent that is merely rounded (as every decimal is), -0: accepted.
    expect(jsonTextProblems('[9007199254740991,-9007199254740991,0.1,1e300,1.5e-400,-0,1e21]')).toEqual([]);
  });

  it('lists at most 20 problems, and finds none in plain JSON of any shape', () => {
    const many = `{${Array.from({ length: 100 }, () => '"k":1').join(',')}}`;
    expect(jsonTextProblems(many)).toHaveLength(20);
    for (const text of ['null', '"text"', '[]', '{}', '{"a":[{"b":null,"c":true}],"d":"e"}', '1'])
      expect(jsonTextProblems(text)).toEqual([]);
  });

  it('leaves a body nested deeper than the API takes to its max-depth rule (40,000 levels overflowed the stack: a 500)', () => {
    const deep = `{"data":{"a":${'['.repeat(40_000)}1${']'.repeat(40_000)},"a":1}}`;
    expect(() => jsonTextProblems(deep)).not.toThrow();
    expect(jsonTextProblems(deep)).toEqual([]);
    expect(nestingDepth(deep)).toBe(40_002);
    // Brackets inside strings (escaped quotes too) are text, not nesting.
    expect(nestingDepth('{"a":"[[[{\\"\\"}","b":[1]}')).toBe(2);
    const atLimit = `${'['.repeat(MAX_JSON_DEPTH - 1)}{"k":1,"k":2}${']'.repeat(MAX_JSON_DEPTH - 1)}`;
    expect(jsonTextProblems(atLimit)).toEqual([expect.objectContaining({ rule: 'duplicate-key' })]);
  });
});

describe('strictJsonBodies: a parsed body that is not an object', () => {
  const run = (text: string, body: unknown) => {
    let passed: unknown = 'not called';
    strictJsonBodies()({ rawBody: Buffer.from(text), body } as unknown as Request, {} as Response, (err?: unknown) => (passed = err));
    return passed;
  };
  it('refuses an array (the parser lets it through; new-user trial: `[]` on the sign-in read 请求有1处错误) as the scalars are', () => {
    for (const [text, body] of [
      ['[]', []],
      ['[{"username":"x"}]', [{ username: 'x' }]],
    ] as const) {
      const err = run(text, body);
      expect(err).toBeInstanceOf(DomainError);
      expect(err).toMatchObject({
        code: 'VALIDATION_FAILED',
        label: { zh: '请求体应为 JSON 对象', en: 'The request body must be a JSON object' },
        extras: { errors: [{ field: '(body)', rule: 'type' }] },
      });
    }
    expect(run('{}', {})).toBeUndefined();
  });
});

describe('utf8Problem: JSON bytes that are not UTF-8, named by their field', () => {
  const bytes = (...parts: Array<string | number[]>) =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
  const fieldOf = (raw: Buffer) => utf8Problem(raw)?.field;

  it('handed input (new-user trial): a title of UTF8测试 and the bytes FF FE C0 AF is refused at title, rule encoding', () => {
    const raw = bytes('{"title":"UTF8测试', [0xff, 0xfe, 0xc0, 0xaf], '","purpose":"business"}');
    expect(utf8Problem(raw)).toEqual({
      field: 'title',
      rule: 'encoding',
      message: { zh: '含有无效的 UTF-8 字节', en: 'Contains bytes that are not valid UTF-8' },
    });
    let passed: unknown = 'not called';
    strictJsonBodies()({ rawBody: raw, body: {} } as unknown as Request, {} as Response, (err?: unknown) => (passed = err));
    expect(passed).toMatchObject({ code: 'VALIDATION_FAILED', extras: { errors: [{ field: 'title', rule: 'encoding' }] } });
  });

  it('names the field of every ill-formed kind: a stray byte, an overlong form, a surrogate, past U+10FFFF, a cut-off sequence', () => {
    for (const bad of [
      [0x80],
      [0xc0, 0xaf],
      [0xe0, 0x80, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
      [0xe6, 0xb5],
    ])
      expect(fieldOf(bytes('{"members":[{"name":"张', bad, '三"}]}'))).toBe('members[0].name');
    // A sequence cut off by the end of the body.
    expect(fieldOf(bytes('{"a":"x', [0xe6, 0xb5]))).toBe('a');
    // In a key, and between values.
    expect(fieldOf(bytes('{"data":{"k', [0xff], '":1}}'))).toMatch(/^data/);
    expect(fieldOf(bytes('{"a":1,', [0xff], '"b":2}'))).toBe('(body)');
  });

  it('takes well-formed text of every length, U+FFFD and a 4-byte character included', () => {
    expect(utf8Problem(Buffer.from('{"title":"中文 ✓ 😀 \uFFFD ","x":"é"}'))).toBeUndefined();
    expect(utf8Problem(bytes('{"t":"', [0xef, 0xbf, 0xbd], [0xf0, 0x9f, 0x98, 0x80], [0xf4, 0x8f, 0xbf, 0xbf], '"}'))).toBeUndefined();
  });
});
