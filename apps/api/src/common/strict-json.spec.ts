import { jsonTextProblems } from './strict-json';

describe('jsonTextProblems: what JSON.parse would silently change', () => {
  it('names a key given twice in one object, at its path (new-user trial: the last value was taken)', () => {
    expect(jsonTextProblems('{"facts":{"title":"a","members":[{"rank":"ministerial","rank":"ordinary"}],"title":"b"}}')).toEqual([
      expect.objectContaining({ field: 'facts.members[0].rank', rule: 'duplicate-key' }),
      expect.objectContaining({ field: 'facts.title', rule: 'duplicate-key' }),
    ]);
    // The same key in different objects, or in an object and its parent, is no duplicate.
    expect(jsonTextProblems('{"a":{"a":1},"b":[{"a":1},{"a":2}],"c":{"d":{"a":1}}}')).toEqual([]);
    expect(jsonTextProblems('{"a":1,"a":1}')).toEqual([expect.objectContaining({ field: 'a', rule: 'duplicate-key' })]);
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
});
