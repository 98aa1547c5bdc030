/** How many characters of a client's value a refusal repeats back (ECHO_MAX code points, then `…`). */
export const ECHO_MAX = 64;

/**
 * A value the client sent (a path segment, a query name, a body value), as a refusal repeats it: at most ECHO_MAX
 * characters (Unicode code points, never half a surrogate pair), then `…` (new-user trial: an unknown step key of 5,000
 * characters came back whole in the 404). Every refusal text and field name that repeats a client's value goes through here.
 */
export function echo(value: unknown): string {
  const s = String(value);
  if (s.length <= ECHO_MAX) return s;
  const points = Array.from(s);
  return points.length <= ECHO_MAX ? s : `${points.slice(0, ECHO_MAX).join('')}…`;
}

/**
 * A field path as a refusal names it (`data.<key>.<key>`, `members[1].passport.number`): each name between its `.` and
 * `[n]` separators bounded by echo(), so a path built from client keys (a step's free-form `data`, up to MAX_JSON_DEPTH levels) never
 * repeats them whole (new-user trial: a 5,000-character key came back in `field`, and 33 levels of 2,900-character
 * keys as a 90 KB path). Paths of the API's own names are shorter than ECHO_MAX per segment and pass unchanged.
 */
export function echoPath(field: string): string {
  // Names between the path's `.` and `[n]` separators, each bounded; indices and separators as they are.
  return field.length <= ECHO_MAX ? field : field.replace(/[^.[\]]+/g, (name) => echo(name));
}
