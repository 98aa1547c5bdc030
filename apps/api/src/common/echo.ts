import { ECHO_MAX, echo } from '@df/domain';

export { ECHO_MAX, echo };

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
