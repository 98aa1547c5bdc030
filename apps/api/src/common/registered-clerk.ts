import { unregisteredClerk, type RegisteredUnit } from '@df/domain';
import type { AuthUser } from '../auth/access';
import { DomainError } from './errors';

/**
 * 专办员备案: 403 FORBIDDEN_ROLE, rule `registered-clerk`, for a submitter (a delegation's organizer, an enterprise's
 * clerk) who is not one of the unit's registered clerks; the rule is the domain's (unregisteredClerk).
 */
export function assertRegisteredClerk(unit: Pick<RegisteredUnit, 'clerks'>, user: AuthUser): void {
  const refusal = unregisteredClerk(unit, user.id);
  if (refusal)
    throw new DomainError('FORBIDDEN_ROLE', refusal, {
      errors: [
        {
          field: '(request)',
          rule: 'registered-clerk',
          message: { zh: '非本单位备案专办员', en: "Not one of the unit's registered clerks" },
        },
      ],
    });
}
