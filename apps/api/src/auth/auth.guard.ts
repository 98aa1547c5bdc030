import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { domainError } from '../common/errors';
import { assertText } from '../common/validation';
import { requestContext } from '../common/request-context';
import { AuthService } from './auth.service';
import { CaseScopeService } from './case-scope.service';
import { type AuthedRequest, IS_PUBLIC, PASSWORD_CHANGE_ROUTE, ROLES_KEY } from './decorators';
import { ADMIN_ROLES, roleNames } from '@df/domain';
import type { UserRole } from './access';

/**
 * 400 VALIDATION_FAILED naming each path parameter (`path.id`, `path.unit`, …) that breaks the one text rule
 * (libs/domain/src/text-rule.ts), on every route: the rule covers what the API reads of a request, and path
 * parameters are read by scope checks, services and SQL before any handler-level validation.
 */
function assertPathText(req: AuthedRequest): void {
  const params = req.params as Record<string, unknown> | undefined;
  if (params && Object.keys(params).length > 0) assertText({ ...params }, ['path']);
}

/**
 * Global guard: a valid bearer token on every route not marked @Public(), a password change first when one is
 * required, admin tokens only on admin routes, then the route's @Roles() (403 FORBIDDEN_ROLE naming the roles
 * allowed) and the case's (or enterprise's) scope (CaseScopeService, 403 CASE_OUT_OF_SCOPE). On a case's routes scope
 * comes before role, so another unit's user learns the same on every case route; on every other route (the APEC
 * enterprise routes) role comes first, so a role a route does not admit gets the role refusal on every route alike,
 * and only a role it admits (the enterprise clerk) reaching another enterprise gets the scope refusal.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly scope: CaseScopeService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      assertPathText(req);
      return true;
    }
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match)
      throw domainError('UNAUTHENTICATED', '请先登录（缺少 Bearer 访问令牌）', 'Sign in first: a Bearer access token is required');
    const user = await this.auth.authenticate(match[1]!);
    req.user = user;
    // Before anything reads a path parameter (the scope check, a handler, a repository): a NUL reached PostgreSQL
    // and failed the request with 500. After authentication, so a caller without a token learns nothing more.
    assertPathText(req);
    const store = requestContext.getStore();
    if (store) {
      store.userId = user.id;
      store.role = user.role;
    }
    if (user.passwordChangeRequired && !this.reflector.getAllAndOverride<boolean>(PASSWORD_CHANGE_ROUTE, targets))
      throw domainError(
        'PASSWORD_CHANGE_REQUIRED',
        '请先修改初始密码（POST /api/auth/password）',
        'Change the password an administrator set first (POST /api/auth/password)',
      );
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES_KEY, targets);
    // The administrator manages users and reads no cases or registries (issue 14.4): an admin token opens
    // only the routes that name the admin role, and the caller's own password change.
    if (
      ADMIN_ROLES.includes(user.role) &&
      !roles?.includes(user.role as UserRole) &&
      !this.reflector.getAllAndOverride<boolean>(PASSWORD_CHANGE_ROUTE, targets)
    )
      throw domainError(
        'FORBIDDEN_ROLE',
        '系统管理员只管理用户，不办理、不查看案件和登记信息',
        'The administrator manages users only: no cases, inboxes or registries',
      );
    const roleRefusal =
      roles && !roles.includes(user.role as UserRole)
        ? domainError('FORBIDDEN_ROLE', `此操作仅限：${roleNames(roles).zh}`, `Only these roles may do this: ${roleNames(roles).en}`)
        : undefined;
    // Only a case's routes put scope first (an outsider learns nothing of the case); on every other route a role the
    // route does not admit is told so, never another enterprise's scope (new-user trial: an organizer read the
    // enterprise clerk's "own enterprise's records" on the APEC whitelist moves, FORBIDDEN_ROLE on the list).
    if (roleRefusal && !this.scope.scopeFirst(req)) throw roleRefusal;
    await this.scope.assert(req, user);
    if (roleRefusal) throw roleRefusal;
    return true;
  }
}
