import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError, domainError } from '../common/errors';
import { CASE_ID_RE, DelegationsService } from '../delegations/delegations.service';
import { canReachUnit, type AuthUser } from './access';

/** Every route of one case: /api/delegations/:id and everything under it (steps, timeline, attachments, documents). */
const CASE_ROUTE = /^\/api\/delegations\/:id(\/|$)/;
/** The APEC routes of one enterprise (unit): /api/apec/enterprises/:unit and under it. */
const ENTERPRISE_ROUTE = /^\/api\/apec\/enterprises\/:unit(\/|$)/;

/** The pattern of the route Express matched (`/api/delegations/:id/steps/:stepKey/complete`); undefined before routing. */
function routePattern(req: Request): string | undefined {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  return typeof pattern === 'string' ? pattern : undefined;
}

/** The answer to a caller outside the case's units, the same on every case route. */
export const caseOutOfScope = () =>
  domainError('CASE_OUT_OF_SCOPE', '只能查看和办理本单位的案件', "You may read and act only on your own unit's cases");
/** The answer to a caller outside an enterprise's records (its routes, its cards), reading or acting alike (trial: a write read "read only"). */
export const enterpriseOutOfScope = () =>
  domainError('CASE_OUT_OF_SCOPE', '只能查看和办理本企业的记录', "You may read and act only on your own enterprise's records");

/**
 * Scope by route kind (issue 15): the auth guard asks this before any handler, validation pipe or upload. On a case's
 * routes before the route's @Roles (scopeFirst), so another unit's user gets 403 CASE_OUT_OF_SCOPE on every route of a
 * case whatever the route, the case's status or the role would say; on an enterprise's routes after them, so only a
 * role the route admits (the enterprise clerk) reaching another enterprise is refused by scope, every other role by
 * role (new-user trial: a government organizer read the enterprise clerk's wording). The case's units come from
 * the read model; a case not projected yet from the workflow (DelegationsService.lookupCase, as GET /api/delegations/:id). An unknown case is
 * left to the route (404 CASE_NOT_FOUND, as before), so nothing is revealed beyond what the case detail gives.
 * The cards routes (`/api/apec/cards/:number`) are the APEC desk's only: no unit-bound role reaches them.
 */
@Injectable()
export class CaseScopeService {
  constructor(private readonly delegations: DelegationsService) {}

  /** Whether `req`'s route puts its scope before its roles: a case's routes (CASE_ROUTE) only; AuthGuard's order. */
  scopeFirst(req: Request): boolean {
    const pattern = routePattern(req);
    return pattern !== undefined && CASE_ROUTE.test(pattern);
  }

  /** @throws CASE_OUT_OF_SCOPE 403 when `req` is a case or enterprise route outside the user's units; CASE_NOT_FOUND, TEMPORAL_UNAVAILABLE as the case detail. */
  async assert(req: Request, user: AuthUser): Promise<void> {
    const pattern = routePattern(req);
    if (pattern === undefined) return;
    if (ENTERPRISE_ROUTE.test(pattern)) {
      const unit = req.params.unit;
      if (typeof unit === 'string' && !canReachUnit(user, unit)) throw enterpriseOutOfScope();
      return;
    }
    if (!CASE_ROUTE.test(pattern)) return;
    const caseId = req.params.id;
    if (typeof caseId !== 'string' || !CASE_ID_RE.test(caseId)) return; // the route answers 404
    // The per-case routes' shared lookup (read model, or the workflow's answer for a case not projected yet); the
    // handler, the case detail and the masking reuse its reads. A case the workflow does not know either is left to
    // the route (its body checks first, then 404), as before.
    try {
      await this.delegations.lookupCase(user, caseId, req);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'CASE_NOT_FOUND') return;
      throw err;
    }
  }
}
