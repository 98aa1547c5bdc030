import { accessRefusal, type CaseAction, type CaseFacts, type CaseStatus, type Role } from '@df/domain';
import type { Actor } from '@df/contracts';
import { reject } from './rejection';

export { responsibleRole } from '@df/domain';

/**
 * Refuses (throws a Rejection) unless the access table (libs/domain/src/access.ts) lets this actor do
 * this action on this case in its current status; for complete/decide, on this step.
 */
export function authorize(
  action: CaseAction,
  actor: Actor,
  c: { facts: CaseFacts; status: CaseStatus },
  opts: { step?: { actor: Role; phase: string }; stepKey?: string; onBehalfOf?: string } = {},
): void {
  const refusal = accessRefusal({
    action,
    actor,
    case: { unit: c.facts.unit, supervisingDepartment: c.facts.supervisingDepartment ?? null, status: c.status },
    ...(opts.step ? { step: opts.step } : {}),
    ...(opts.onBehalfOf ? { onBehalfOf: opts.onBehalfOf } : {}),
  });
  if (refusal) reject(refusal.code, refusal.message.zh, refusal.message.en, opts.stepKey);
}
