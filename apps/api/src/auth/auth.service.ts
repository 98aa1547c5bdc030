import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { MAX_JWT_TTL_SECONDS, type ServiceConfig } from '@df/runtime';
import { ROLE_LABELS, type Role } from '@df/domain';
import { AuditEventsRepository } from '@df/persistence';
import { API_CONFIG } from '../api.options';
import { echo } from '../common/echo';
import { DomainError, domainError, ruleRefusal } from '../common/errors';
import { USER_ROLES, usableGrants, type AuthUser } from './access';
import { LoginThrottleService, isRefusal, type ThrottleScope } from './login-throttle.service';
import { needsRehash } from './passwords';
import { UsersService } from './users.service';
import { assertOwnPassword } from '../users/schemas';

/** Claims of an access token. `ver` is the user's token version at issue (revocation); `exp` is required. */
export interface TokenClaims {
  sub: string;
  username: string;
  role: Role;
  unit: string;
  name: string;
  ver: number;
  iat?: number;
  exp?: number;
}

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: { id: string; username: string; role: Role; unit: string; name: string };
  /** Every (role, unit) the user may sign in with; the token carries `user.role` in `user.unit`. */
  grants: Array<{ role: Role; unit: string }>;
  /** The password was set by an administrator: only POST /api/auth/password works until it is changed. */
  mustChangePassword: boolean;
}

/** The grant a sign-in asks for; omitted: the user's default grant (the first). */
export interface GrantChoice {
  role?: string;
  unit?: string;
}

/** Where a sign-in comes from, for limits and the audit record. */
export interface LoginContext {
  address: string;
  requestId?: string;
}

/** Audit actions written by sign-in (audit_events.action). */
export const AUDIT_ACTIONS = { login: 'auth.login', lockout: 'auth.lockout', passwordChange: 'auth.password-change' } as const;

/** Whole minutes (at least 1) a wait of `seconds` is, as people read a lockout. */
export const lockoutMinutes = (seconds: number): number => Math.max(1, Math.ceil(seconds / 60));

/**
 * A 429: the caller may retry after `retryAfterSeconds` (the controller sends it as Retry-After; the message says minutes
 * of a lockout, or seconds of a burst of attempts in flight: `inFlight`, TOO_MANY_ATTEMPTS).
 */
export class RetryLaterError extends DomainError {
  constructor(
    readonly scope: ThrottleScope,
    readonly retryAfterSeconds: number,
    inFlight = false,
  ) {
    const min = lockoutMinutes(retryAfterSeconds);
    const code = scope === 'address' || inFlight ? 'TOO_MANY_ATTEMPTS' : 'ACCOUNT_LOCKED';
    super(
      code,
      inFlight
        ? scope === 'address'
          ? {
              zh: `此地址同时进行的登录请求过多，请稍后（约 ${retryAfterSeconds} 秒）再试`,
              en: `Too many sign-ins from this address at once: retry in a moment (${retryAfterSeconds} s)`,
            }
          : {
              zh: `该账号同时进行的登录请求过多，请稍后（约 ${retryAfterSeconds} 秒）再试`,
              en: `Too many sign-ins for this account at once: retry in a moment (${retryAfterSeconds} s)`,
            }
        : scope === 'account-address'
          ? {
              zh: `该账号从此地址登录失败次数过多，已暂时锁定，请 ${min} 分钟后再试`,
              en: `Too many failed sign-ins for this account from this address: it is locked here, retry in ${min} min`,
            }
          : scope === 'account'
            ? {
                zh: `该账号登录失败次数过多，已暂时锁定，请 ${min} 分钟后再试`,
                en: `Too many failed sign-ins for this account: it is locked, retry in ${min} min`,
              }
            : {
                zh: `此地址登录失败次数过多，请 ${min} 分钟后再试`,
                en: `Too many failed sign-ins from this address: retry in ${min} min`,
              },
    );
  }
}

const INVALID = () => domainError('INVALID_CREDENTIALS', '用户名或密码错误', 'Wrong username or password');
const INVALID_TOKEN = () => domainError('UNAUTHENTICATED', '访问令牌无效', 'The access token is invalid');
const REVOKED = () =>
  domainError(
    'UNAUTHENTICATED',
    '访问令牌已失效（账号已停用或权限已变更），请重新登录',
    'The access token is no longer valid (account disabled or role changed): sign in again',
  );
/** Clock skew allowed on `iat` (a token issued by a replica whose clock runs ahead), seconds. */
const CLOCK_TOLERANCE_SECONDS = 30;

@Injectable()
export class AuthService {
  private dummyHash?: Promise<string>;

  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly throttle: LoginThrottleService,
    private readonly audit: AuditEventsRepository,
    @Inject(API_CONFIG) private readonly config: ServiceConfig,
  ) {}

  /**
   * Username and password for a token. Errors: 401 INVALID_CREDENTIALS (wrong password or unknown user, alike),
   * 403 ACCOUNT_DISABLED (right password, disabled user), 429 ACCOUNT_LOCKED / TOO_MANY_ATTEMPTS (RetryLaterError)
   * when the username or the address has spent its failure budget (LOGIN_* settings). Every outcome but a
   * 429 is an `auth.login` audit event; the start of a lockout is an `auth.lockout` event. `choice` picks one
   * of the user's grants (403 ROLE_NOT_GRANTED when not held, checked after the password).
   */
  async login(username: string, password: string, ctx: LoginContext, choice: GrantChoice = {}): Promise<LoginResult> {
    const ticket = await this.throttle.acquire(username, ctx.address);
    if (isRefusal(ticket)) throw new RetryLaterError(ticket.scope, ticket.retryAfterSeconds, ticket.inFlight);

    const user = await this.users.findByUsername(username);
    // Compare against a dummy hash for unknown users too: no timing hint of which usernames exist.
    this.dummyHash ??= this.users.hash('not a password');
    const storedHash = user?.passwordHash ?? (await this.dummyHash);
    const ok = await this.users.verify(password, storedHash);
    const base = {
      action: AUDIT_ACTIONS.login,
      actor: username,
      userId: user?.id ?? null,
      address: ctx.address,
      requestId: ctx.requestId ?? null,
    };

    if (!user || !ok || !user.enabled) {
      const reason = !user ? 'unknown-user' : !ok ? 'wrong-password' : 'disabled';
      await this.audit.append({ ...base, outcome: 'failure', detail: { reason } });
      const outcome = await this.throttle.failed(ticket);
      const [scope] = outcome.locked;
      if (scope) {
        const onAccount = scope !== 'address';
        await this.audit.append({
          action: AUDIT_ACTIONS.lockout,
          outcome: 'refused',
          actor: onAccount ? username : null,
          userId: onAccount ? (user?.id ?? null) : null,
          target: onAccount ? `account:${username}` : `address:${ctx.address}`,
          address: ctx.address,
          requestId: ctx.requestId ?? null,
          detail: {
            scope,
            ...(outcome.locked.length > 1 ? { also: outcome.locked.slice(1) } : {}),
            failures: this.throttle.limit(scope),
            lockoutSeconds: outcome.retryAfterSeconds,
          },
        });
        throw new RetryLaterError(scope, outcome.retryAfterSeconds);
      }
      if (user && ok) throw domainError('ACCOUNT_DISABLED', '该账号已停用', 'This account is disabled');
      throw INVALID();
    }

    await this.throttle.succeeded(ticket);
    const grant = usableGrants(user.grants).find(
      (g) => (choice.role === undefined || g.role === choice.role) && (choice.unit === undefined || g.unit === choice.unit),
    );
    if (!grant) {
      await this.audit.append({ ...base, outcome: 'refused', detail: { reason: 'role-not-granted', ...choice } });
      // The role named by its label (the login schema let only a known role through); the unit by its code.
      const role = choice.role === undefined ? undefined : (ROLE_LABELS[choice.role as Role] ?? { zh: choice.role, en: choice.role });
      throw domainError(
        'ROLE_NOT_GRANTED',
        `该账号没有此角色（${role?.zh ?? '任意角色'}，${choice.unit === undefined ? '任意单位' : echo(choice.unit)}）`,
        `This account does not hold that role (${role?.en ?? 'any role'} in ${choice.unit === undefined ? 'any unit' : echo(choice.unit)})`,
      );
    }
    // Hashes from earlier versions (bcrypt) or older parameters are replaced while the password is at hand.
    if (needsRehash(user.passwordHash)) await this.users.replaceHash(user.id, user.passwordHash, await this.users.hash(password));
    await this.users.recordSignIn(user.id);
    await this.audit.append({
      ...base,
      outcome: 'success',
      detail: { role: grant.role, unit: grant.unit, ...(user.mustChangePassword ? { mustChangePassword: true } : {}) },
    });
    return this.issue({ ...user }, grant);
  }

  /**
   * The caller changes their own password (always allowed, and the only route while a change is required).
   * 403 CURRENT_PASSWORD_WRONG (field `currentPassword`, rule current-password): a wrong current password,
   * counted against the sign-in failure budget of the username and address (so a stolen token cannot
   * guess it faster than a sign-in could; 429 when spent). 422 INVALID_REQUEST: `newPassword` the same as
   * the current one (rule differs). Every earlier token stops; the answer is a new token for the same grant.
   */
  async changePassword(caller: AuthUser, currentPassword: string, newPassword: string, ctx: LoginContext): Promise<LoginResult> {
    const user = await this.users.findByUsername(caller.id);
    if (!user || !user.enabled) throw REVOKED();
    const fieldError = (field: string, rule: string, zh: string, en: string) => ruleRefusal([{ field, rule, message: { zh, en } }]);
    // The user's own username and name are words of the guess, checked with the schema's rules (before the current password).
    assertOwnPassword(newPassword, 'newPassword', user);
    const ticket = await this.throttle.acquire(user.username, ctx.address);
    if (isRefusal(ticket)) throw new RetryLaterError(ticket.scope, ticket.retryAfterSeconds, ticket.inFlight);
    if (!(await this.users.verify(currentPassword, user.passwordHash))) {
      await this.audit.append({
        action: AUDIT_ACTIONS.passwordChange,
        outcome: 'failure',
        actor: user.username,
        userId: user.id,
        target: `user:${user.username}`,
        address: ctx.address,
        requestId: ctx.requestId ?? null,
        detail: { reason: 'wrong-password' },
      });
      const outcome = await this.throttle.failed(ticket);
      if (outcome.locked[0]) throw new RetryLaterError(outcome.locked[0], outcome.retryAfterSeconds);
      throw domainError('CURRENT_PASSWORD_WRONG', '当前密码不正确', 'The current password is wrong', {
        errors: [
          { field: 'currentPassword', rule: 'current-password', message: { zh: '当前密码不正确', en: 'The current password is wrong' } },
        ],
      });
    }
    await this.throttle.succeeded(ticket);
    if (currentPassword === newPassword)
      throw fieldError('newPassword', 'differs', '新密码不能与当前密码相同', 'The new password must differ from the current one');
    const changed = await this.users.changePassword(user.username, user.passwordHash, await this.users.hash(newPassword), {
      action: AUDIT_ACTIONS.passwordChange,
      outcome: 'success',
      actor: user.username,
      userId: user.id,
      target: `user:${user.username}`,
      address: ctx.address,
      requestId: ctx.requestId ?? null,
      detail: { wasRequired: user.mustChangePassword },
    });
    // Changed meanwhile (another change or a reset): sign in again.
    if (!changed) throw REVOKED();
    const fresh = (await this.users.findByUsername(user.username))!;
    return this.issue(fresh, { role: caller.role, unit: caller.unit });
  }

  /** A token for one grant of the user, at the user's current token version. */
  private async issue(
    user: {
      id: string;
      username: string;
      displayName: string;
      tokenVersion: number;
      grants: Array<{ role: string; unit: string }>;
      mustChangePassword: boolean;
    },
    grant: { role: string; unit: string },
  ): Promise<LoginResult> {
    const claims: TokenClaims = {
      sub: user.id,
      username: user.username,
      role: grant.role as Role,
      unit: grant.unit,
      name: user.displayName,
      ver: user.tokenVersion,
    };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: this.config.jwtTtlSeconds });
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: this.config.jwtTtlSeconds,
      user: { id: user.id, username: user.username, role: grant.role as Role, unit: grant.unit, name: user.displayName },
      grants: usableGrants(user.grants).map((g) => ({ role: g.role as Role, unit: g.unit })),
      mustChangePassword: user.mustChangePassword,
    };
  }

  /**
   * The caller of a bearer token; 401 UNAUTHENTICATED when it is missing, malformed, forged, expired, without
   * `exp`, living longer than JWT_TTL_SECONDS, or no longer matches the user in the database (unknown id,
   * disabled, token version raised, the token's (role, unit) no longer among the user's grants). One
   * primary-key read per request, no cache: a disable or role change takes effect at the next request.
   */
  async authenticate(token: string): Promise<AuthUser> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token, { algorithms: ['HS256'] });
    } catch (err) {
      const expired = (err as { name?: string }).name === 'TokenExpiredError';
      throw domainError(
        'UNAUTHENTICATED',
        expired ? '登录已过期，请重新登录' : '访问令牌无效',
        expired ? 'The access token has expired: sign in again' : 'The access token is invalid',
      );
    }
    if (!wellFormed(claims, Math.min(this.config.jwtTtlSeconds, MAX_JWT_TTL_SECONDS))) throw INVALID_TOKEN();
    const user = await this.users.findById(claims.sub);
    if (
      !user ||
      !user.enabled ||
      user.tokenVersion !== claims.ver ||
      !usableGrants(user.grants).some((g) => g.role === claims.role && g.unit === claims.unit) ||
      user.username !== claims.username
    )
      throw REVOKED();
    // The grant is checked against the database row above; the name comes from the row, not from the token.
    return {
      id: user.username,
      userId: user.id,
      role: claims.role,
      unit: claims.unit,
      name: user.displayName,
      ...(user.mustChangePassword ? { passwordChangeRequired: true } : {}),
    };
  }
}

/** Shape and lifetime of verified claims: a person's role, an `exp` no further than `maxTtl` seconds from `iat`. */
function wellFormed(c: TokenClaims, maxTtl: number): boolean {
  const now = Math.floor(Date.now() / 1000);
  return (
    typeof c.sub === 'string' &&
    /^[0-9a-f-]{36}$/i.test(c.sub) &&
    typeof c.username === 'string' &&
    typeof c.unit === 'string' &&
    (USER_ROLES as readonly string[]).includes(c.role) &&
    Number.isInteger(c.ver) &&
    Number.isInteger(c.iat) &&
    Number.isInteger(c.exp) &&
    c.iat! <= now + CLOCK_TOLERANCE_SECONDS &&
    c.exp! > c.iat! &&
    c.exp! - c.iat! <= maxTtl
  );
}
