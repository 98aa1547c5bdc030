import { echo } from './echo';
import { ruleRefusal } from './errors';

/** The filters' documentation of the check (OpenAPI descriptions). */
export const KNOWN_UNIT_RULE =
  'A unit code the system knows (registered, or with cases or accounts), in any letter case (`COMMERCE` is `commerce`: no two units differ only in case); an unknown one is 422 INVALID_REQUEST (rule `known-unit`), not an empty answer';

/** What finds a unit code as stored (RegistriesRepository, RegistriesService). */
export interface UnitLookup {
  /** The code as the system stores it, found without letter case (the unit registry's unique-code rule); null when none. */
  unitAsStored(code: string): Promise<string | null>;
}

/** A `?unit=` filter: the code as the system stores it (as sent when unknown), and whether the system knows it. */
export interface UnitFilter {
  code: string | undefined;
  known: boolean;
}

/**
 * A `?unit=` filter's code as the system stores it: unit codes are one unit's in any letter case (a code differing from
 * a registered one only in case is refused at registration, rule `unique-code`), so `?unit=COMMERCE` is `commerce`.
 * Read before any scope check compares it with the caller's own unit (trial: commerce's organizer was 403 for
 * `?unit=COMMERCE`); a code the system does not know is left as sent and marked unknown, for the scope check (403) or
 * assertKnownUnit (422), which reads the mark rather than asking the database again. Absent: no filter, known.
 */
export async function storedUnitCode(registries: UnitLookup, unit: string | undefined): Promise<UnitFilter> {
  if (unit === undefined) return { code: undefined, known: true };
  const stored = await registries.unitAsStored(unit);
  return { code: stored ?? unit, known: stored !== null };
}

/**
 * A filter naming a unit the system does not know is a mistake to name, not an empty page: 422 INVALID_REQUEST
 * on `field`, rule `known-unit` (which units exist is the system's fact, beyond the schema). Known: registered, or
 * named by a case or a user's grant (RegistriesRepository.knownUnit, through storedUnitCode).
 */
export function assertKnownUnit(filter: UnitFilter, field = 'query.unit'): void {
  if (filter.known || filter.code === undefined) return;
  const unit = filter.code;
  throw ruleRefusal([
    {
      field,
      rule: 'known-unit',
      message: {
        zh: `没有单位代码 ${echo(unit)}：须为已备案或已有案件、账号的单位`,
        en: `No unit "${echo(unit)}": it must be a registered unit or one with cases or accounts`,
      },
    },
  ]);
}
