import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { officeUnitProblem, UNIT_ROLES, type Role } from '@df/domain';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import {
  ApecRepository,
  type NewAuditEvent,
  RegistriesRepository,
  type RoleGrant,
  type UserChange,
  type UserRecord,
  UsersRepository,
} from '@df/persistence';
import type { AuthUser } from '../auth/access';
import { UsersService } from '../auth/users.service';
import { echo } from '../common/echo';
import { currentRequestId } from '../common/request-context';
import { DomainError, domainError, ruleRefusal } from '../common/errors';
import { assertKnownUnit, storedUnitCode } from '../common/unit-filter';
import { usernameTaken } from './refusals';
import { parseOrThrow, parsePathParam, parsePathParams } from '../common/validation';
import {
  assertOwnPassword,
  CreateUserSchema,
  PasswordResetSchema,
  RoleGrantSchema,
  UserQuerySchema,
  username as usernameSchema,
  type UserView,
} from './schemas';

/** Audit actions of user administration (audit_events.action). */
export const USER_AUDIT = {
  create: 'users.create',
  disable: 'users.disable',
  enable: 'users.enable',
  grant: 'users.grant',
  revoke: 'users.revoke',
  passwordReset: 'users.password-reset',
} as const;

const grantKey = (g: { role: string; unit: string }): string => `${g.role}\u0000${g.unit.toLowerCase()}`;

/**
 * The grants (role at unit) exactly one of `enabled` accounts holds: disabling that account, or revoking the grant,
 * leaves the unit's steps of the role with no one to act (trial 86: the only approving leader was disabled unwarned).
 */
function soleHolders(enabled: readonly UserRecord[]): Set<string> {
  const count = new Map<string, number>();
  for (const u of enabled) for (const g of u.grants) count.set(grantKey(g), (count.get(grantKey(g)) ?? 0) + 1);
  return new Set([...count].filter(([, n]) => n === 1).map(([k]) => k));
}

/** A one-time password: 16 characters of base64url (96 random bits). */
export const oneTimePassword = (): string => randomBytes(12).toString('base64url');

export function userView(u: UserRecord): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    grants: u.grants as UserView['grants'],
    status: u.enabled ? 'active' : 'disabled',
    mustChangePassword: u.mustChangePassword,
    demo: u.demo,
    lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

const NOT_FOUND = (username: string) => domainError('USER_NOT_FOUND', `没有用户 ${echo(username)}`, `No user ${echo(username)}`);

/**
 * User administration (issue 14 item 4, docs/security.md "Users and roles"): the admin role only (the
 * controller's @Roles). Every change is one transaction with its audit event (UsersRepository). Errors:
 * 400 VALIDATION_FAILED (field and rule), 422 INVALID_REQUEST (a unit role's unit must be registered: rule registered-unit;
 * a display name holding another account's username: rule not-an-account), 404 USER_NOT_FOUND,
 * 403 SELF_GRANT (assertNotSelf), 422 rule `admin-alone` (assertAdminAlone), 409 USERNAME_TAKEN / ADMIN_SELF_DISABLE /
 * LAST_ACTIVE_ADMIN / LAST_GRANT.
 */
@Injectable()
export class UsersAdminService {
  private readonly apec: ApecRepository;

  constructor(
    private readonly repo: UsersRepository,
    private readonly registries: RegistriesRepository,
    private readonly users: UsersService,
    @Inject(API_CONFIG) private readonly config: ServiceConfig,
    db: DataSource,
  ) {
    this.apec = new ApecRepository(db);
  }

  /**
   * `units`: the registered units the listed grants name, with their names (the administrator reads no registry:
   * the Users page names a grant's unit from here, 市商务局 (commerce)); a grant of an unregistered unit has none.
   */
  async list(
    query: unknown,
  ): Promise<{ items: UserView[]; total: number; units: Array<{ code: string; nameZh: string; nameEn: string }> }> {
    const parsed = parseOrThrow(UserQuerySchema, query, ['query']);
    const unitFilter = await storedUnitCode(this.registries, parsed.unit);
    const q = { ...parsed, unit: unitFilter.code };
    assertKnownUnit(unitFilter);
    const rows = await this.repo.list({
      ...(q.unit !== undefined ? { unit: q.unit } : {}),
      ...(q.role !== undefined ? { role: q.role } : {}),
      ...(q.status !== undefined ? { enabled: q.status === 'active' } : {}),
    });
    const codes = [...new Set(rows.flatMap((u) => u.grants.map((g) => g.unit)))];
    const units = codes.length > 0 ? await this.registries.units(codes) : [];
    const sole = soleHolders(await this.repo.list({ enabled: true }));
    return {
      items: rows.map((u) => ({ ...userView(u), soleHolderOf: u.enabled ? u.grants.filter((g) => sole.has(grantKey(g))) : [] })),
      total: rows.length,
      units: units.map((u) => ({ code: u.code, nameZh: u.nameZh, nameEn: u.nameEn })),
    };
  }

  async get(username: string): Promise<UserView> {
    const u = await this.repo.get(this.name(username));
    if (!u) throw NOT_FOUND(username);
    return userView(u);
  }

  /** Creates a user who must change the password at first sign-in; returns the generated password once when none was given. */
  async create(admin: AuthUser, body: unknown): Promise<{ user: UserView; oneTimePassword?: string }> {
    const b = parseOrThrow(CreateUserSchema, body);
    const grants = b.grants;
    assertGrantsOnce(grants);
    assertAdminAlone(grants, 'grants');
    await this.checkUnits(grants, 'grants');
    const generated = b.password === undefined ? oneTimePassword() : undefined;
    const r = await this.repo.create(
      {
        id: randomUUID(),
        username: b.username,
        displayName: b.displayName,
        grants,
        passwordHash: await this.users.hash(b.password ?? generated!),
        mustChangePassword: true,
      },
      (u) => this.event(admin, USER_AUDIT.create, u, { grants, generatedPassword: generated !== undefined }),
    );
    const user = this.ok(r, b.username);
    return generated ? { user, oneTimePassword: generated } : { user };
  }

  /** Disables (tokens refused at the next request) or re-enables (sign-in works again; old tokens stay dead). */
  async setEnabled(admin: AuthUser, username: string, enabled: boolean): Promise<UserView> {
    const name = this.name(username);
    const r = await this.repo.setEnabled(
      name,
      enabled,
      admin.id,
      (u) => this.event(admin, enabled ? USER_AUDIT.enable : USER_AUDIT.disable, u),
      // Disabling oneself is the repository's 409 ADMIN_SELF_DISABLE; enabling oneself would be a change of one's own access.
      enabled ? (u) => assertNotSelf(admin, u) : undefined,
    );
    return this.ok(r, name);
  }

  async grant(admin: AuthUser, username: string, body: unknown): Promise<UserView> {
    const name = this.name(username);
    const g = parseOrThrow(RoleGrantSchema, body);
    await this.checkUnits([g], null);
    const r = await this.repo.grant(
      name,
      g,
      (u) => this.event(admin, USER_AUDIT.grant, u, { grant: g }),
      (u, after) => {
        assertNotSelf(admin, u);
        assertAdminAlone(after, null);
      },
    );
    return this.ok(r, name);
  }

  async revoke(admin: AuthUser, username: string, role: string, unit: string): Promise<UserView> {
    const name = this.name(username);
    const g = parsePathParams(RoleGrantSchema, { role, unit });
    const r = await this.repo.revoke(
      name,
      g,
      (u) => this.event(admin, USER_AUDIT.revoke, u, { grant: g }),
      (u) => assertNotSelf(admin, u),
    );
    return this.ok(r, name);
  }

  /** Sets a new password (given, or generated and returned once) that must be changed at the next sign-in; tokens stop. */
  async resetPassword(admin: AuthUser, username: string, body: unknown): Promise<{ user: UserView; oneTimePassword?: string }> {
    const name = this.name(username);
    const b = parseOrThrow(PasswordResetSchema, body ?? {});
    const u = await this.repo.get(name);
    if (!u) throw NOT_FOUND(name);
    assertNotOwnReset(admin, u);
    // The user's own username and name are words of the guess (a new-user trial: the username repeated).
    if (b.password !== undefined) assertOwnPassword(b.password, 'password', u);
    const generated = b.password === undefined ? oneTimePassword() : undefined;
    const hash = await this.users.hash(b.password ?? generated!);
    const r = await this.repo.setPassword(name, hash, true, (u) =>
      this.event(admin, USER_AUDIT.passwordReset, u, { generatedPassword: generated !== undefined }),
    );
    const user = this.ok(r, name);
    return generated ? { user, oneTimePassword: generated } : { user };
  }

  /** A path's username checked like a body's (400 naming `path.username`). */
  private name(username: string): string {
    return parsePathParam(usernameSchema(), username, 'username');
  }

  /**
   * Unit roles act for a sending unit, which must be registered (开户备案, the units registry): rule
   * `registered-unit`. The office's own roles (FAO, leader, manager, admin) name one of the office's departments
   * (config OFFICE_UNITS: rule `office-unit`, officeUnitProblem), registered or not, so a fresh database can get its
   * first officers before any unit is registered.
   */
  private async checkUnits(grants: RoleGrant[], path: string | null): Promise<void> {
    const errors = [];
    for (const [i, g] of grants.entries()) {
      const office = officeUnitProblem(g.role as Role, g.unit, this.config.officeUnits);
      if (office) errors.push({ field: path ? `${path}[${i}].unit` : 'unit', ...office });
      if (!UNIT_ROLES.includes(g.role as Role)) continue;
      // The enterprise clerk acts for an APEC enterprise (the enterprises registry), not a government unit (trial: granted
      // for commerce, it read the bureau's delegations and roster).
      if (g.role === 'enterprise-clerk' && (await this.registries.unit(g.unit)) && !(await this.apec.enterprise(g.unit))) {
        errors.push({
          field: path ? `${path}[${i}].unit` : 'unit',
          rule: 'apec-enterprise',
          message: {
            zh: `单位 ${echo(g.unit)} 不是APEC卡企业（企业专办员只授予已登记的APEC企业）`,
            en: `Unit ${echo(g.unit)} is not an APEC card enterprise (the enterprise clerk role is granted for a registered enterprise only)`,
          },
        });
        continue;
      }
      // And the government unit roles act for a government unit, not an APEC enterprise (second trial: an organizer and
      // a department approver were granted for the enterprise `trading`).
      if (g.role !== 'enterprise-clerk' && (await this.apec.enterprise(g.unit))) {
        errors.push({
          field: path ? `${path}[${i}].unit` : 'unit',
          rule: 'government-unit',
          message: {
            zh: `单位 ${echo(g.unit)} 是APEC卡企业（只授予企业专办员角色）`,
            en: `Unit ${echo(g.unit)} is an APEC card enterprise (only the enterprise clerk role is granted for it)`,
          },
        });
        continue;
      }
      if (await this.registries.unit(g.unit)) continue;
      errors.push({
        field: path ? `${path}[${i}].unit` : 'unit',
        rule: 'registered-unit',
        message: {
          zh: `单位 ${echo(g.unit)} 未备案（单位角色须属于已备案单位）`,
          en: `Unit ${echo(g.unit)} is not registered (a unit role needs a registered unit)`,
        },
      });
    }
    if (errors.length > 0) throw ruleRefusal(errors);
  }

  private ok(r: UserChange, username: string): UserView {
    if (r.ok) return userView(r.user);
    switch (r.reason) {
      case 'not-found':
        throw NOT_FOUND(username);
      case 'username-taken':
        throw usernameTaken(username);
      case 'self':
        throw domainError('ADMIN_SELF_DISABLE', '管理员不能停用自己的账号', 'An administrator cannot disable their own account');
      case 'last-admin':
        throw domainError(
          'LAST_ACTIVE_ADMIN',
          '这是最后一个在用的管理员账号，不能停用或撤销其管理员角色',
          'This is the last active administrator: it cannot be disabled or lose the admin role',
        );
      case 'last-grant':
        throw domainError(
          'LAST_GRANT',
          '这是该用户唯一的角色，不能撤销（请停用账号）',
          "This is the user's only role: disable the account instead",
        );
      case 'no-such-grant':
        throw domainError('GRANT_NOT_FOUND', '该用户没有这个角色', 'The user does not hold this role in this unit');
      case 'name-is-account':
        // Pages show a person as 林芳（fao-director.fao）: a name holding another account reads as that account.
        throw ruleRefusal([
          r.field === 'displayName'
            ? {
                field: 'displayName',
                rule: 'not-an-account',
                message: {
                  zh: `姓名不能含其他账号的用户名（${echo(r.account)}），否则页面上会被误认为该账号`,
                  en: `A display name may not hold another account's username (${echo(r.account)}): pages would read it as that account`,
                },
              }
            : {
                field: 'username',
                rule: 'not-an-account',
                message: {
                  zh: `该用户名是账号 ${echo(r.account)} 姓名中的一个词，页面上会被误认为该用户`,
                  en: `This username is a word of the display name of ${echo(r.account)}: pages would read one as the other`,
                },
              },
        ]);
    }
  }

  private event(admin: AuthUser, action: string, u: UserRecord, detail: Record<string, unknown> = {}): NewAuditEvent {
    return {
      action,
      outcome: 'success',
      actor: admin.id,
      userId: admin.userId,
      target: `user:${u.username}`,
      requestId: currentRequestId() ?? null,
      detail: { userId: u.id, ...detail },
    };
  }
}

/**
 * Each grant of a new user once: a repeated `{role, unit}` is 422 INVALID_REQUEST, field `grants[i]` (the later use),
 * rule `unique` (new-user trial: repeats were merged without a word).
 */
function assertGrantsOnce(grants: RoleGrant[]): void {
  const errors = grants.flatMap((g, i) =>
    grants.findIndex((h) => h.role === g.role && h.unit === g.unit) === i
      ? []
      : [
          {
            field: `grants[${i}]`,
            rule: 'unique',
            message: {
              zh: `角色 ${g.role} 与单位 ${echo(g.unit)} 的授权重复`,
              en: `The grant of ${g.role} for ${echo(g.unit)} is listed twice`,
            },
          },
        ],
  );
  if (errors.length > 0) throw ruleRefusal(errors);
}

// -------------------------------------------------------------------------------------------
// Separation of duties in user administration (docs/security.md "Users and roles"): the one home of both rules.

/**
 * An administrator changes no grant of their own account (new-user trial: admin.fao granted itself fao-director and
 * read every case): adding or revoking a grant, or enabling the account, is another administrator's. 403 SELF_GRANT,
 * field `path.username`, rule `not-self`. (Disabling oneself is 409 ADMIN_SELF_DISABLE; the password is one's own.)
 */
export function assertNotSelf(admin: AuthUser, target: UserRecord): void {
  if (target.id !== admin.userId) return;
  const message = {
    zh: '管理员不能更改自己账号的角色授权，须由另一名管理员办理',
    en: "An administrator cannot change their own account's grants: another administrator must",
  };
  throw new DomainError('SELF_GRANT', message, { errors: [{ field: 'path.username', rule: 'not-self', message }] });
}

/**
 * An administrator does not reset their own password (second trial: admin.fao reset its own, which a stolen session
 * token could do to take the account over, no current password asked): their own is changed with the current one
 * (POST /api/auth/password). 403 SELF_GRANT, field `path.username`, rule `not-self`.
 */
export function assertNotOwnReset(admin: AuthUser, target: UserRecord): void {
  if (target.id !== admin.userId) return;
  const message = {
    zh: '管理员不能重置自己的密码：请使用“修改密码”（须输入当前密码）',
    en: 'An administrator cannot reset their own password: change it with the current one instead',
  };
  throw new DomainError('SELF_GRANT', message, { errors: [{ field: 'path.username', rule: 'not-self', message }] });
}

/**
 * An account holding the admin role holds no other role (the administrator manages users and reads no case: a case
 * role beside it would let one person both grant access and use it). Refused on creation (field `grants[i].role`)
 * and on a grant (field `role`), whichever of the two came second: 422 INVALID_REQUEST, rule `admin-alone`. An account
 * that mixed them before this rule signs in with its admin grants only (auth/access.ts `usableGrants`).
 */
export function assertAdminAlone(grants: readonly RoleGrant[], path: string | null): void {
  if (!grants.some((g) => g.role === 'admin')) return;
  const others = grants.flatMap((g, i) => (g.role === 'admin' ? [] : [i]));
  if (others.length === 0) return;
  const message = {
    zh: '系统管理员账号不能同时持有其他角色（职责分离：管理员只管理用户）',
    en: 'An administrator account cannot hold any other role (separation of duties: the administrator manages users only)',
  };
  // The grant route checks the grants it would leave: name its one field.
  if (path === null) throw ruleRefusal([{ field: 'role', rule: 'admin-alone', message }]);
  throw ruleRefusal(others.map((i) => ({ field: `${path}[${i}].role`, rule: 'admin-alone', message })));
}
