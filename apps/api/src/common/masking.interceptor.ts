import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, StreamableFile } from '@nestjs/common';
import { from, type Observable, throwError } from 'rxjs';
import { catchError, mergeMap } from 'rxjs/operators';
import { PERSONAL_DATA, PERSONAL_DATA_CLASSES } from '@df/domain';
import type { AuthedRequest } from '../auth/decorators';
import { CaseRows } from './case-rows';
import { DomainError } from './errors';
import { maskForViewer, type Viewer } from './masking';

/** Roles with an own-unit grant somewhere in the classification: only for them the case unit is looked up. */
const OWN_UNIT_ROLES: ReadonlySet<string> = new Set(
  PERSONAL_DATA_CLASSES.flatMap((c) => PERSONAL_DATA[c].clearFor.filter((g) => g.ownUnit).map((g) => g.role)),
);

/**
 * Masks every response body and every error body of the API from the personal-data classification, for the
 * signed-in user's role and unit (anonymous callers: everything masked). The case unit of a value is the `unit`
 * of its nearest enclosing object; for routes on one case (`:id`) without one (the timeline), the case's unit
 * from the read model. Services need no masking of their own.
 */
@Injectable()
export class MaskingInterceptor implements NestInterceptor {
  constructor(private readonly rows: CaseRows) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const viewer: Viewer | undefined = req.user ? { role: req.user.role, unit: req.user.unit } : undefined;
    const caseId = typeof req.params?.id === 'string' ? req.params.id : undefined;
    return next.handle().pipe(
      mergeMap((body) =>
        isOpaque(body) ? [body] : from(this.rootUnit(viewer, caseId, req).then((unit) => maskForViewer(viewer, body, unit))),
      ),
      catchError((err: unknown) => throwError(() => (err instanceof DomainError ? maskError(err, viewer) : err))),
    );
  }

  /** The case's unit when an own-unit grant may apply (else undefined: no query). */
  private async rootUnit(viewer: Viewer | undefined, caseId: string | undefined, req: object): Promise<string | undefined> {
    if (!viewer || !caseId || !OWN_UNIT_ROLES.has(viewer.role)) return undefined;
    // A read-model hiccup masks (fails closed) rather than failing a read the service already answered.
    // The scope guard's read, when it made one; a case it found not projected yet may be by now.
    const read = () => this.rows.read(caseId, req).then((row) => row ?? this.rows.read(caseId));
    const row = await read().catch(() => null);
    return row?.unit;
  }
}

/** The same error with its message and field errors masked (messages may quote what was typed). */
function maskError(err: DomainError, viewer: Viewer | undefined): DomainError {
  const masked = new DomainError(err.code, maskForViewer(viewer, err.label), maskForViewer(viewer, err.extras));
  masked.stack = err.stack;
  return masked;
}

/** Bytes and streams pass as they are (no JSON to mask; walking them would turn them into objects). */
function isOpaque(body: unknown): boolean {
  if (body === null || typeof body !== 'object') return false;
  return (
    body instanceof StreamableFile ||
    ArrayBuffer.isView(body) ||
    body instanceof ArrayBuffer ||
    typeof (body as { pipe?: unknown }).pipe === 'function'
  );
}
