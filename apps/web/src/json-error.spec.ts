import { describe, expect, it } from '@jest/globals';
import { jsonErrorAt } from './json-error';

/** What this engine's JSON.parse says of `text`, and where jsonErrorAt reads it stopped. */
const at = (text: string) => {
  try {
    JSON.parse(text);
  } catch (e) {
    return jsonErrorAt(text, (e as Error).message);
  }
  throw new Error('parsed');
};

describe('jsonErrorAt: the place JSON.parse stopped, for the version page (thirty-fourth trial: the parser’s English in Chinese)', () => {
  it('a missing colon on line 3 is at line 3, the column of the value', () => {
    expect(at('{\n  "a": 1,\n  "b" 2\n}')).toEqual({ line: 3, column: 7, end: false });
  });
  it('text that ends early (the trial’s `{"definition": `) is at its end', () => {
    expect(at('{"definition": ')).toEqual({ line: 1, column: 16, end: true });
  });
  it('reads the newer engines’ "(line L column C)" and says null where the message names no place', () => {
    expect(jsonErrorAt('x', `Expected ',' or '}' after property value in JSON at position 15 (line 2 column 3)`)).toEqual({
      line: 2,
      column: 3,
      end: false,
    });
    expect(jsonErrorAt('abc', `Unexpected token 'a', "abc" is not valid JSON`)).toBeNull();
  });
});
