import { accessRefusal, separationRefusal, type CaseAction, type Principal, type CaseFacts, type CaseStatus, type Role } from '@df/domain';
import type { Actor, OnBehalfOfUser } from '@df/contracts';
import type { StepKind } from '@df/domain';
import { reject } from './rejection';

export { responsibleRole } from '@df/domain';

/** The id the record keeps for whom an action was done (a user id or a member id). */
export function onBehalfId(o: string | OnBehalfOfUser | undefined | null): string | undefined {
  if (o === undefined || o === null) return undefined;
  return typeof o === 'string' ? o : o.id;
}

/** A string names a member of this delegation; a user comes resolved by the API. Anything else is refused. */
function principalOf(o: string | OnBehalfOfUser): Principal {
  if (typeof o === 'string') return { kind: 'member', memberId: o };
  if (
    !o ||
    typeof o !== 'object' ||
    typeof o.id !== 'string' ||
    (typeof o.role !== 'string' && o.role !== null) ||
    typeof o.unit !== 'string'
  ) {
    return reject(
      'INVALID_ON_BEHALF',
      'onBehalfOf 须为用户 {id, role, unit} 或本团成员编号',
      'onBehalfOf must be a user {id, role, unit} or a member id of this delegation',
    );
  }
  return { kind: 'user', id: o.id, role: o.role, unit: o.unit };
}

/**
 * Refuses (throws a Rejection) unless the access table (libs/domain/src/access.ts) lets this actor do
 * this action on this case in its current status; for complete/decide, on this step.
 */
export function authorize(
  action: CaseAction,
  actor: Actor,
  c: { facts: CaseFacts; status: CaseStatus },
  opts: {
    step?: { actor: Role; phase: string; memberId?: string };
    stepKey?: string;
    onBehalfOf?: string | OnBehalfOfUser;
    /** The case's process: the access table's processRoles apply (the Update validator's only: never replayed). */
    process?: string;
  } = {},
): void {
  const refusal = accessRefusal({
    action,
    actor,
    case: {
      unit: c.facts.unit,
      supervisingDepartment: c.facts.supervisingDepartment ?? null,
      status: c.status,
      ...(opts.process !== undefined ? { process: opts.process } : {}),
    },
    ...(opts.step ? { step: opts.step } : {}),
    ...(opts.onBehalfOf ? { onBehalfOf: principalOf(opts.onBehalfOf) } : {}),
    members: c.facts.members.map((m) => m.id),
    ...(opts.step?.memberId !== undefined ? { stepMemberId: opts.step.memberId } : {}),
  });
  if (refusal) reject(refusal.code, refusal.message.zh, refusal.message.en, opts.stepKey);
}

/**
 * Separation of duties (libs/domain/src/access.ts separationRefusal): refuses SELF_APPROVAL when the actor (or the
 * user acted for) submitted the case or acted on it as its organizer. Called by the Update validator only
 * (CaseEngine.validate): a validator is not replayed, so histories recorded before the rule replay unchanged.
 */
export function authorizeDuties(
  action: CaseAction,
  actor: Actor,
  organizers: Iterable<string>,
  opts: { stepKind?: StepKind; stepKey?: string; onBehalfOf?: string | OnBehalfOfUser } = {},
): void {
  const onBehalfOfUserId = opts.onBehalfOf && typeof opts.onBehalfOf === 'object' ? opts.onBehalfOf.id : undefined;
  const refusal = separationRefusal({
    action,
    actor,
    organizers: [...organizers],
    ...(opts.stepKind ? { stepKind: opts.stepKind } : {}),
    ...(onBehalfOfUserId !== undefined ? { onBehalfOfUserId } : {}),
  });
  if (refusal) reject(refusal.code, refusal.message.zh, refusal.message.en, opts.stepKey);
}
