import { createHash } from 'node:crypto';
import { createParamDecorator, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { IdempotencyRecordEntity } from '@df/persistence';
import { domainError } from '../common/errors';
import type { AuthUser } from '../auth/access';

/** What an Idempotency-Key may be (docs/api.md, Idempotency): the document's pattern and the check's (idempotencyKeyOf). */
export const IDEMPOTENCY_KEY_PATTERN = '^[A-Za-z0-9._:-]{1,200}$';
const KEY_RE = new RegExp(IDEMPOTENCY_KEY_PATTERN);

export interface Replay<T> {
  status: number;
  body: T;
}

/** Parses the Idempotency-Key header (absent: undefined; malformed: 400 naming the header). */
export function idempotencyKeyOf(header: unknown): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !KEY_RE.test(header))
    throw domainError('VALIDATION_FAILED', 'Idempotency-Key 格式不正确', 'Malformed Idempotency-Key header', {
      errors: [
        {
          field: 'headers.Idempotency-Key',
          rule: 'format',
          message: { zh: '须为1-200个字母、数字或 . _ : -', en: '1-200 letters, digits or . _ : -' },
        },
      ],
    });
  return header;
}

/** Where IdempotencyKeyFormat leaves the checked key on the request, for the IdempotencyKey parameter. */
const CHECKED_KEY = Symbol('idempotencyKey');
type CheckedRequest = { headers: Record<string, unknown>; [CHECKED_KEY]?: { key: string | undefined } };

/**
 * The key's format on every route that documents the header (IdempotencyKeyHeader, openapi.ts, applies it), whether or
 * not the route keeps the key: 400 `headers.Idempotency-Key` `format` after authentication and the role, before the
 * body (new-user trial: POST /api/delegations/check took `<script>` with 200 where POST /api/delegations refused it;
 * the check lived in each handler that used the key). The handlers that keep the key read the checked one through
 * the IdempotencyKey parameter, so it is checked once.
 */
@Injectable()
export class IdempotencyKeyFormat implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<CheckedRequest>();
    req[CHECKED_KEY] = { key: idempotencyKeyOf(req.headers['idempotency-key']) };
    return next.handle();
  }
}

/**
 * The handler's Idempotency-Key, as IdempotencyKeyFormat checked it (Nest resolves parameters after interceptors):
 * undefined when absent. A route without IdempotencyKeyHeader() has no checked key, and using this there is a
 * programming error (500), never an unchecked key.
 */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined => {
  const checked = context.switchToHttp().getRequest<CheckedRequest>()[CHECKED_KEY];
  if (!checked) throw new Error('IdempotencyKey() on a route without IdempotencyKeyHeader()');
  return checked.key;
});

/** JSON with object keys sorted: the same request in another key order has the same fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}

/**
 * The stored, scoped form of a client's key: keys belong to the user who sent them, so two users may use the
 * same key without meeting (issue 13.5). UUID-shaped (fits the 200-character column whatever the key's length);
 * also the case id of a keyed submission and the workflow request/update id of a keyed action.
 */
export function scopedKey(user: Pick<AuthUser, 'userId'>, key: string): string {
  return uuidFrom(`${user.userId}:${key}`);
}

/** A UUID (v4 layout) derived from a string: the same seed gives the same id. */
export function uuidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function fingerprint(user: AuthUser, operation: string, body: unknown): string {
  return createHash('sha256')
    .update(canonical([user.userId, operation, body ?? null]))
    .digest('hex');
}

/** A key used for another request's body (the same user's): one refusal wherever it is found. */
const keyReused = () =>
  domainError(
    'IDEMPOTENCY_KEY_REUSED',
    '该 Idempotency-Key 已用于另一个请求',
    'This Idempotency-Key was already used for a different request',
    {
      errors: [
        { field: 'headers.Idempotency-Key', rule: 'unique', message: { zh: '已用于另一个请求', en: 'Used for a different request' } },
      ],
    },
  );

/**
 * Idempotency records, stored under scopedKey(user, key): claim a key before acting, store the first response
 * after. A retry with the same key and request gets the stored response, or — while the first outcome is
 * unknown (503, timeout, crash) — redoes the idempotent work (the same workflow id or update id, which Temporal
 * deduplicates) and so learns the real outcome; the same key with another request is refused (422 naming it).
 * Only a definite refusal releases a key (`release`).
 */
@Injectable()
export class IdempotencyService {
  constructor(@InjectRepository(IdempotencyRecordEntity) private readonly records: Repository<IdempotencyRecordEntity>) {}

  /**
   * Claims the key. Returns the stored response when the first request completed, `pending` when a first
   * attempt is recorded but unfinished (the caller redoes its idempotent work), or `claimed` for a new key.
   */
  async claim<T>(
    key: string,
    user: AuthUser,
    print: string,
  ): Promise<{ state: 'claimed' } | { state: 'pending' } | { state: 'done'; replay: Replay<T> }> {
    const inserted = await this.records
      .createQueryBuilder()
      .insert()
      .values({ key, userId: user.userId, fingerprint: print, status: 'pending' })
      .orIgnore()
      .returning(['key'])
      .execute();
    if ((inserted.raw as unknown[]).length > 0) return { state: 'claimed' };
    const existing = await this.peek<T>(key, print);
    return existing.state === 'new' ? this.claim(key, user, print) : existing; // new: released in between, claim again
  }

  /**
   * The key's state without claiming it: `new` (never claimed, or released), `pending` (a first attempt unfinished: its
   * outcome unknown), `done` with the stored response; IDEMPOTENCY_KEY_REUSED when it was used for another body.
   */
  async peek<T>(key: string, print: string): Promise<{ state: 'new' } | { state: 'pending' } | { state: 'done'; replay: Replay<T> }> {
    const existing = await this.records.findOneBy({ key });
    if (!existing) return { state: 'new' };
    if (existing.fingerprint !== print) throw keyReused();
    if (existing.status !== 'completed') return { state: 'pending' };
    return { state: 'done', replay: { status: existing.responseStatus ?? 200, body: existing.responseBody as T } };
  }

  /**
   * Reads the key without claiming it: the stored response when the first request completed with this body, undefined
   * when the key is new or its first attempt unfinished; IDEMPOTENCY_KEY_REUSED when it was used for another body.
   */
  async recorded<T>(key: string, print: string): Promise<Replay<T> | undefined> {
    const earlier = await this.peek<T>(key, print);
    return earlier.state === 'done' ? earlier.replay : undefined;
  }

  /**
   * Stores the response of the first request to finish. A concurrent duplicate that finishes second gets
   * the stored response back, so every attempt with one key answers the same.
   */
  async complete<T>(key: string, status: number, body: T, caseId?: string): Promise<Replay<T>> {
    const result = await this.records.update(
      { key, status: 'pending' },
      { status: 'completed', responseStatus: status, responseBody: body as object, caseId: caseId ?? null, completedAt: new Date() },
    );
    if (result.affected) return { status, body };
    const stored = await this.records.findOneBy({ key });
    return stored?.status === 'completed' ? { status: stored.responseStatus ?? status, body: stored.responseBody as T } : { status, body };
  }

  /**
   * The request was definitely refused (nothing was or will be applied): forget the key so a corrected retry
   * may use it. Never for an unknown outcome. Best effort: if the database is gone the key stays pending, which
   * is safe (a retry redoes the idempotent work).
   */
  async release(key: string): Promise<void> {
    await this.records.delete({ key, status: 'pending' }).catch(() => undefined);
  }
}
