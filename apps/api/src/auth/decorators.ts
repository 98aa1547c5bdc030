import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthUser, UserRole } from './access';

export const IS_PUBLIC = 'df:public';
export const ROLES_KEY = 'df:roles';
export const PASSWORD_CHANGE_ROUTE = 'df:password-change';

/** No access token needed (health, sign-in, metrics). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Reachable with a token whose password must be changed first (the password change itself). */
export const PasswordChangeRoute = () => SetMetadata(PASSWORD_CHANGE_ROUTE, true);

/** Only these roles may call the route (403 FORBIDDEN_ROLE otherwise). */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES_KEY, roles);

export type AuthedRequest = Request & { user?: AuthUser; requestId?: string };

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  const user = ctx.switchToHttp().getRequest<AuthedRequest>().user;
  if (!user) throw new Error('CurrentUser used on a public route');
  return user;
});
