/** How many characters of a client's value a refusal repeats back (ECHO_MAX code points, then `…`). */
export const ECHO_MAX = 64;

/**
 * A value the client sent (a path segment, a query name, a body value, a step code of a definition), as a refusal
 * repeats it: at most ECHO_MAX characters (Unicode code points, never half a surrogate pair), then `…` (new-user trial:
 * an unknown step key of 5,000 characters came back whole in the 404). Every refusal text that repeats a client's value
 * goes through here: the API's (apps/api/src/common/echo.ts) and the definition validator's problem texts.
 */
export function echo(value: unknown): string {
  const s = String(value);
  if (s.length <= ECHO_MAX) return s;
  const points = Array.from(s);
  return points.length <= ECHO_MAX ? s : `${points.slice(0, ECHO_MAX).join('')}…`;
}
