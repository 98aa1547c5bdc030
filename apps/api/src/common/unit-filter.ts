import { echo } from './echo';
import { ruleRefusal } from './errors';

/** The filters' documentation of the check (OpenAPI descriptions). */
export const KNOWN_UNIT_RULE =
  'A unit code the system knows (registered, or with cases or accounts); an unknown one is 422 INVALID_REQUEST (rule `known-unit`), not an empty answer';

/** What answers whether a unit code is known (RegistriesRepository, RegistriesService). */
export interface UnitLookup {
  knownUnit(code: string): Promise<boolean>;
}

/**
 * A filter naming a unit the system does not know is a mistake to name, not an empty page: 422 INVALID_REQUEST
 * on `field`, rule `known-unit` (which units exist is the system's fact, beyond the schema). Known: registered, or
 * named by a case or a user's grant (RegistriesRepository.knownUnit). Absent: no filter, nothing checked.
 */
export async function assertKnownUnit(registries: UnitLookup, unit: string | undefined, field = 'query.unit'): Promise<void> {
  if (unit === undefined || (await registries.knownUnit(unit))) return;
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
