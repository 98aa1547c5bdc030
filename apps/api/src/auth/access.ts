import {
  decidedUpstream,
  dutiesRefusal,
  FAO_ROLES,
  inboxSelectors as stepSelectors,
  mayReadProcess,
  PROCESS_LABELS,
  PROCESSES,
  processOfVersion,
  organizersOf,
  processRoleRefusal,
  reaches,
  unitReach,
  UNIT_ROLES,
  type AccessRefusal,
  type CaseDecision,
  type ProcessDefinition,
  type ProcessKind,
  type Role,
  type StepKind,
  type UserRole,
} from '@df/domain';
import { domainError, type DomainError } from '../common/errors';

/** The signed-in caller, from the access token. `id` is the username (stable, readable in the record). */
export interface AuthUser {
  id: string;
  userId: string;
  role: Role;
  unit: string;
  name: string;
  /** Signed in with a password an administrator set: every route but the password change answers 403 PASSWORD_CHANGE_REQUIRED. */
  passwordChangeRequired?: boolean;
}

// The roles a person can sign in with are the domain's (libs/domain/src/roles.ts), named there once for API and web.
export { USER_ROLES, type UserRole } from '@df/domain';

// Who reaches which units' cases is the access table's (libs/domain/src/access.ts); the API only reads it.
export { FAO_ROLES, UNIT_ROLES };

/**
 * The grants an account may sign in with: all of them, except that an account holding admin uses only its admin
 * grants (separation of duties, docs/security.md "Users and roles"). User administration refuses admin beside another
 * role (users-admin.service `assertAdminAlone`); an account that mixed them before that rule cannot use the other
 * role: sign-in refuses it (403 ROLE_NOT_GRANTED) and a token of it stops at the next request.
 */
export function usableGrants<G extends { role: string }>(grants: readonly G[]): G[] {
  const admin = grants.filter((g) => g.role === 'admin');
  return admin.length > 0 ? admin : [...grants];
}

/** FAO roles, the leader and the manager see every unit's cases; unit roles only their own unit's (or the supervised one's). */
export function seesAllUnits(user: AuthUser): boolean {
  return unitReach(user.role) === 'any';
}

/**
 * May this caller read (and so try to act on) this case? Its unit within the caller's reach (reaches) and its process
 * one the caller's role works (mayReadProcess: the APEC desk and the enterprise clerk read the APEC cases only). The
 * process is the case's definition version's; `definitionVersion` null: not known, read only by roles no process bounds.
 */
export function canSeeCase(user: AuthUser, c: CaseReadScope): boolean {
  return reaches(user, c) && mayReadProcess(user.role, c.definitionVersion === null ? undefined : processOfVersion(c.definitionVersion));
}

/** The processes whose cases this caller reads (mayReadProcess), for lists; undefined: every process. */
export function readableProcesses(user: Pick<AuthUser, 'role'>): readonly ProcessKind[] | undefined {
  const readable = PROCESSES.filter((p) => mayReadProcess(user.role, p));
  return readable.length === PROCESSES.length ? undefined : readable;
}

/**
 * A list filter naming a process the caller's role does not read (the APEC desk's `process=delegation`): 403
 * CASE_OUT_OF_SCOPE, as a unit filter outside the caller's units is; undefined when it may.
 */
export function processFilterRefusal(user: Pick<AuthUser, 'role'>, process: ProcessKind | undefined): DomainError | undefined {
  if (process === undefined) return undefined;
  const refusal = processRoleRefusal(user.role, process, PROCESS_LABELS[process]);
  return refusal && domainError('CASE_OUT_OF_SCOPE', refusal.message.zh, refusal.message.en);
}

/** A case as the read scoping sees it: its units and its definition version (null: not known). */
export interface CaseReadScope {
  unit: string;
  supervisingDepartment?: string | null;
  definitionVersion: string | null;
}

/**
 * The answer to a caller refused a case (canSeeCase) within its units because its role does not work the case's
 * process: 403 CASE_OUT_OF_SCOPE naming the process (the APEC desk and a 审护签 case). Undefined when the process is
 * not why (a case of another unit keeps the unit's answer, saying nothing of its process).
 */
export function caseProcessRefusal(user: AuthUser, c: CaseReadScope): DomainError | undefined {
  if (!reaches(user, c) || c.definitionVersion === null) return undefined;
  return processFilterRefusal(user, processOfVersion(c.definitionVersion));
}

/** Refuses a case the caller may not see (canSeeCase): naming the process when that is why (caseProcessRefusal), else `outOfScope()`. */
export function assertCanSeeCase(user: AuthUser, c: CaseReadScope, outOfScope: () => DomainError): void {
  if (!canSeeCase(user, c)) throw caseProcessRefusal(user, c) ?? outOfScope();
}

/** May this caller reach this unit's own records (an APEC enterprise's routes: not a case, no process)? */
export function canReachUnit(user: AuthUser, unit: string): boolean {
  return reaches(user, { unit });
}

/**
 * Which steps land in a role's inbox: its own, and those it records for others (members' steps for the
 * organizer, `external` steps for the officer of their phase), as the access table's RECORDED_BY says.
 */
export function inboxSelectors(role: UserRole): ReturnType<typeof stepSelectors> {
  return stepSelectors(role);
}

/**
 * Why this user may not take this decision or complete this step acting for no one: separation of duties as the
 * workflow's Update validator applies it (dutiesRefusal, the access table), from the read models: the case's organizers
 * (cases.organizers), the user's decisions on it (caseDecisions, from the event store) and its definition's needs (restsOn). The API's
 * pre-check refuses it (403 SELF_APPROVAL) and the inbox marks it (`blockedFor`), so neither offers what the workflow
 * refuses. Undefined when the rule lets the user act (the workflow stays the authority).
 */
export function dutiesRefusalFor(
  user: Pick<AuthUser, 'id' | 'role'>,
  q: {
    action: 'decide' | 'complete';
    stepKind: StepKind;
    stepKey: string;
    definition: Pick<ProcessDefinition, 'steps'>;
    organizers: readonly string[];
    decisions: readonly CaseDecision[];
  },
): AccessRefusal | undefined {
  const actor = { id: user.id, role: user.role };
  return dutiesRefusal({
    action: q.action,
    actor,
    stepKind: q.stepKind,
    organizers: q.organizers,
    asOrganizer: organizersOf({ actor }).includes(user.id),
    decisions: q.decisions,
    upstream: decidedUpstream(q.definition, q.decisions, q.stepKey),
  });
}
