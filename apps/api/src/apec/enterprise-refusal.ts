import { unitLabel, type RegisteredUnit } from '@df/domain';
import { echo } from '../common/echo';
import { type DomainError, domainError } from '../common/errors';

/**
 * The one refusal of a unit that is not a registered enterprise (APEC enterprises registry), named by its registered
 * name where it has one (`市商务局（commerce）不是已登记的企业`): NOT_FOUND where the enterprise is the resource (the
 * APEC desk's reads and moves); RULE_VIOLATION, field `unit`, rule `enterprise`, where it is the applicant (a card
 * application, a whitelist filing), telling the clerk who registers it. Its one home (new-user trial: the whitelist
 * filing had its own copy beside the card application's).
 */
export function notAnEnterprise(code: 'NOT_FOUND' | 'RULE_VIOLATION', unit: string, registered: RegisteredUnit | null): DomainError {
  const named = unitLabel(echo(unit), registered);
  if (code === 'NOT_FOUND') return domainError(code, `${named.zh}不是已登记的企业`, `${named.en} is not a registered enterprise`);
  return domainError(
    code,
    `${named.zh}不是已登记的企业（请外办APEC窗口先登记）`,
    `${named.en} is not a registered enterprise (the APEC desk registers it first)`,
    { errors: [{ field: 'unit', rule: 'enterprise', message: { zh: '须为已登记的企业', en: 'Must be a registered enterprise' } }] },
  );
}
