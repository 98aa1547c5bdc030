import type { Role } from '@df/domain';

/** The signed-in caller, from the access token. `id` is the username (stable, readable in the record). */
export interface AuthUser {
  id: string;
  userId: string;
  role: Role;
  unit: string;
  name: string;
}

/** Roles a person can sign in with (system, member and external are not people of the API). */
export const USER_ROLES = [
  'organizer',
  'unit-leader',
  'personnel',
  'secrecy',
  'finance',
  'dept-approver',
  'fao-clerk',
  'fao-reviewer',
  'fao-director',
  'leader',
  'passport-officer',
  'visa-officer',
  'manager',
] as const satisfies readonly Role[];
export type UserRole = (typeof USER_ROLES)[number];

export const UNIT_ROLES: readonly Role[] = ['organizer', 'unit-leader', 'personnel', 'secrecy', 'finance', 'dept-approver'];
export const FAO_ROLES: readonly Role[] = ['fao-clerk', 'fao-reviewer', 'fao-director', 'passport-officer', 'visa-officer'];

/** FAO roles, the leader and the manager see every unit's cases; unit roles only their own unit's. */
export function seesAllUnits(user: AuthUser): boolean {
  return !UNIT_ROLES.includes(user.role);
}

/** May this caller read (and so try to act on) a case of this unit? */
export function canSeeCase(user: AuthUser, c: { unit: string; supervisingDepartment?: string | null }): boolean {
  if (seesAllUnits(user)) return true;
  if (c.unit === user.unit) return true;
  return user.role === 'dept-approver' && !!c.supervisingDepartment && c.supervisingDepartment === user.unit;
}

/**
 * Which steps land in a role's inbox: its own, members' steps for the organizer, and `external` steps for
 * the officer of their phase (passport phase: passport officer; otherwise: visa officer).
 */
export function inboxSelectors(role: UserRole): Array<{ actorRole: string; phase?: 'passport' | 'not-passport' }> {
  switch (role) {
    case 'manager':
      return [];
    case 'organizer':
      return [{ actorRole: 'organizer' }, { actorRole: 'member' }];
    case 'passport-officer':
      return [{ actorRole: 'passport-officer' }, { actorRole: 'external', phase: 'passport' }];
    case 'visa-officer':
      return [{ actorRole: 'visa-officer' }, { actorRole: 'external', phase: 'not-passport' }];
    default:
      return [{ actorRole: role }];
  }
}
