import { FAO_ROLES, inboxSelectors as stepSelectors, reaches, unitReach, UNIT_ROLES, type Role, type UserRole } from '@df/domain';

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

/** May this caller read (and so try to act on) a case of this unit? */
export function canSeeCase(user: AuthUser, c: { unit: string; supervisingDepartment?: string | null }): boolean {
  return reaches(user, c);
}

/**
 * Which steps land in a role's inbox: its own, and those it records for others (members' steps for the
 * organizer, `external` steps for the officer of their phase), as the access table's RECORDED_BY says.
 */
export function inboxSelectors(role: UserRole): ReturnType<typeof stepSelectors> {
  return stepSelectors(role);
}
