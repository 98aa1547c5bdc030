/**
 * Where JSON.parse stopped reading `text`, as a 1-based line and column, from the engine's message: V8 says
 * "… in JSON at position 16" (newer ones "… (line 2 column 3)"), "Unexpected end of JSON input" for text that ends
 * early (`end`). Null when the message names no place ("Unexpected token 'a', "abc" is not valid JSON").
 */
export function jsonErrorAt(text: string, message: string): { line: number; column: number; end: boolean } | null {
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return { line: Number(lineColumn[1]), column: Number(lineColumn[2]), end: false };
  const position = /at position (\d+)/.exec(message);
  const end = /end of JSON input/.test(message);
  if (!position && !end) return null;
  const offset = position ? Math.min(Number(position[1]), text.length) : text.length;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1, end: !position };
}
