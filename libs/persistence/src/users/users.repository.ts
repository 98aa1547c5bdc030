import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type FindOptionsWhere, Raw } from 'typeorm';
import type { NewAuditEvent } from '../audit-events.repository';
import { type RoleGrant, UserEntity } from '../entities/api.entity';

/** A user as the administration sees it (no hash). */
export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  grants: RoleGrant[];
  enabled: boolean;
  mustChangePassword: boolean;
  demo: boolean;
  lastSignInAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface UserQuery {
  unit?: string;
  role?: string;
  enabled?: boolean;
}

export interface NewUserRecord {
  id: string;
  username: string;
  displayName: string;
  grants: RoleGrant[];
  passwordHash: string;
  mustChangePassword: boolean;
}

/**
 * Why a change was refused: the username is taken, there is no such user, an administrator would disable
 * themselves, the change would leave no active administrator, or would leave the user with no grant.
 */
export type UserChangeRefusal = 'username-taken' | 'not-found' | 'self' | 'last-admin' | 'last-grant' | 'no-such-grant';
export type UserChange =
  | { ok: true; user: UserRecord; changed: boolean }
  | { ok: false; reason: UserChangeRefusal }
  /**
   * `field` displayName: the new display name holds `account`'s username; `field` username: the new username is a word
   * of `account`'s display name.
   */
  | { ok: false; reason: 'name-is-account'; account: string; field: 'displayName' | 'username' };

/**
 * The words of a display name as an account would be read in it: split at spaces and the name's middle dot, the marks
 * a name may end a word with (. ' -) set aside, compatibility forms folded (ｆａｏ is fao), without letter case.
 */
export const nameWords = (displayName: string): string[] =>
  displayName
    .normalize('NFKC')
    .toLowerCase()
    .split(/[\s·・]+/u)
    .map((w) => w.replace(/^[.'’-]+|[.'’-]+$/gu, ''))
    .filter((w) => w !== '');

/**
 * The caller's own rules of a change (apps/api/src/users: an administrator changes no grant of their own account, an
 * account holding admin holds no other role), run under the lock with the user as stored and the grants the change
 * would leave; it throws to refuse (the transaction rolls back, nothing is written).
 */
export type ChangeGuard = (user: UserRecord, grantsAfter: RoleGrant[]) => void;

/** The role that administers users (libs/domain ADMIN_ROLES; a string here: persistence does not import the domain). */
const ADMIN = 'admin';
/** Every change takes this transaction lock: the last-active-admin check cannot race another change. */
const LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtext('df.users.admin'))`;

const sameGrant = (a: RoleGrant, b: RoleGrant) => a.role === b.role && a.unit === b.unit;

function record(u: UserEntity): UserRecord {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    grants: u.grants,
    enabled: u.enabled,
    mustChangePassword: u.mustChangePassword,
    demo: u.demo,
    lastSignInAt: u.lastSignInAt,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
  };
}

/**
 * A user by name, compared regardless of case (`Organizer.Commerce` is `organizer.commerce`): usernames are unique
 * case-insensitively (ux_users_username_lower, migration UsernameCaseInsensitive) and stored as given.
 */
export const byUsername = (username: string): FindOptionsWhere<UserEntity> => ({
  username: Raw((column) => `lower(${column}) = lower(:username)`, { username }),
});

/**
 * The users table for user administration (issue 14): list, create, disable/enable, grant/revoke, set a
 * password. Each change and its audit event are one transaction (nothing half-written); each change that
 * takes a right away (disable, revoke, password) raises token_version, so tokens issued before stop at once.
 */
@Injectable()
export class UsersRepository {
  constructor(private readonly ds: DataSource) {}

  /** Ordered by username; `unit`/`role` match any of a user's grants. */
  async list(q: UserQuery = {}): Promise<UserRecord[]> {
    const qb = this.ds.getRepository(UserEntity).createQueryBuilder('u');
    if (q.unit !== undefined || q.role !== undefined) {
      const grant: Partial<RoleGrant> = {};
      if (q.role !== undefined) grant.role = q.role;
      if (q.unit !== undefined) grant.unit = q.unit;
      qb.andWhere('u.grants @> :grant::jsonb', { grant: JSON.stringify([grant]) });
    }
    if (q.enabled !== undefined) qb.andWhere('u.enabled = :enabled', { enabled: q.enabled });
    return (await qb.orderBy('u.username', 'ASC').getMany()).map(record);
  }

  /**
   * The display name of each of `usernames` that is an account, keyed as the caller spelled it (usernames compare
   * without letter case); an unknown name is absent. One indexed query (ux_users_username_lower), whatever the count.
   */
  async displayNames(usernames: readonly string[]): Promise<Record<string, string>> {
    const asked = [...new Set(usernames)];
    if (asked.length === 0) return {};
    const rows: Array<{ key: string; displayName: string }> = await this.ds.query(
      `SELECT lower(username) AS key, display_name AS "displayName" FROM users WHERE lower(username) = ANY($1::text[])`,
      [asked.map((u) => u.toLowerCase())],
    );
    const byKey = new Map(rows.map((r) => [r.key, r.displayName]));
    return Object.fromEntries(asked.flatMap((u) => (byKey.has(u.toLowerCase()) ? [[u, byKey.get(u.toLowerCase())!]] : [])));
  }

  async get(username: string): Promise<UserRecord | null> {
    const u = await this.ds.getRepository(UserEntity).findOneBy(byUsername(username));
    return u ? record(u) : null;
  }

  /** Enabled users holding the admin role (any unit). */
  async countActiveAdmins(m: EntityManager = this.ds.manager): Promise<number> {
    const [row] = (await m.query(`SELECT count(*)::int AS n FROM users WHERE enabled AND grants @> $1::jsonb`, [
      JSON.stringify([{ role: ADMIN }]),
    ])) as Array<{ n: number }>;
    return row!.n;
  }

  /** Inserts a user; refused 'username-taken' when the username exists (also under a concurrent insert). */
  async create(u: NewUserRecord, audit: (user: UserRecord) => NewAuditEvent): Promise<UserChange> {
    return this.change(async (m) => {
      if (await m.findOneBy(UserEntity, byUsername(u.username))) return { ok: false, reason: 'username-taken' };
      const named = await this.accountInNames(m, u.username, u.displayName);
      if (named !== undefined) return { ok: false, reason: 'name-is-account', ...named };
      await m.insert(UserEntity, { ...u, role: u.grants[0]!.role, unit: u.grants[0]!.unit });
      return this.done(m, u.username, true, audit);
    });
  }

  /**
   * Disables or re-enables a user; the token version rises either way. Refused: 'self' (an admin disabling
   * themselves), 'last-admin' (disabling the last enabled admin).
   */
  async setEnabled(
    username: string,
    enabled: boolean,
    actor: string,
    audit: (user: UserRecord) => NewAuditEvent,
    guard?: ChangeGuard,
  ): Promise<UserChange> {
    return this.change(async (m) => {
      const u = await this.locked(m, username);
      if (!u) return { ok: false, reason: 'not-found' };
      guard?.(record(u), u.grants);
      if (u.enabled === enabled) return this.done(m, username, false, audit);
      if (!enabled && u.username === actor) return { ok: false, reason: 'self' };
      if (!enabled && u.grants.some((g) => g.role === ADMIN) && (await this.countActiveAdmins(m)) <= 1)
        return { ok: false, reason: 'last-admin' };
      await m.update(UserEntity, { id: u.id }, { enabled, tokenVersion: u.tokenVersion + 1, updatedAt: () => 'now()' });
      return this.done(m, username, true, audit);
    });
  }

  /** Adds a grant (a no-op when held). Tokens stay valid: nothing is taken away. */
  async grant(username: string, grant: RoleGrant, audit: (user: UserRecord) => NewAuditEvent, guard?: ChangeGuard): Promise<UserChange> {
    return this.change(async (m) => {
      const u = await this.locked(m, username);
      if (!u) return { ok: false, reason: 'not-found' };
      guard?.(record(u), u.grants.some((g) => sameGrant(g, grant)) ? u.grants : [...u.grants, grant]);
      if (u.grants.some((g) => sameGrant(g, grant))) return this.done(m, username, false, audit);
      await m.update(UserEntity, { id: u.id }, { grants: [...u.grants, grant], updatedAt: () => 'now()' });
      return this.done(m, username, true, audit);
    });
  }

  /**
   * Removes a grant; the first remaining one becomes the default (role, unit); the token version rises.
   * Refused: 'no-such-grant', 'last-grant' (disable the user instead), 'last-admin'.
   */
  async revoke(username: string, grant: RoleGrant, audit: (user: UserRecord) => NewAuditEvent, guard?: ChangeGuard): Promise<UserChange> {
    return this.change(async (m) => {
      const u = await this.locked(m, username);
      if (!u) return { ok: false, reason: 'not-found' };
      guard?.(
        record(u),
        u.grants.filter((g) => !sameGrant(g, grant)),
      );
      if (!u.grants.some((g) => sameGrant(g, grant))) return { ok: false, reason: 'no-such-grant' };
      const rest = u.grants.filter((g) => !sameGrant(g, grant));
      if (rest.length === 0) return { ok: false, reason: 'last-grant' };
      const stillAdmin = rest.some((g) => g.role === ADMIN);
      if (grant.role === ADMIN && !stillAdmin && u.enabled && (await this.countActiveAdmins(m)) <= 1)
        return { ok: false, reason: 'last-admin' };
      await m.update(
        UserEntity,
        { id: u.id },
        { grants: rest, role: rest[0]!.role, unit: rest[0]!.unit, tokenVersion: u.tokenVersion + 1, updatedAt: () => 'now()' },
      );
      return this.done(m, username, true, audit);
    });
  }

  /**
   * Replaces the password hash (an administrator's reset: mustChange true; the user's own change: false);
   * the token version rises. `expectHash` (own change): refused 'not-found' if the hash changed meanwhile.
   */
  async setPassword(
    username: string,
    passwordHash: string,
    mustChangePassword: boolean,
    audit: (user: UserRecord) => NewAuditEvent,
    expectHash?: string,
  ): Promise<UserChange> {
    return this.change(async (m) => {
      const u = await this.locked(m, username);
      if (!u || (expectHash !== undefined && u.passwordHash !== expectHash)) return { ok: false, reason: 'not-found' };
      await m.update(
        UserEntity,
        { id: u.id },
        { passwordHash, mustChangePassword, tokenVersion: u.tokenVersion + 1, updatedAt: () => 'now()' },
      );
      return this.done(m, username, true, audit);
    });
  }

  private async change(work: (m: EntityManager) => Promise<UserChange>): Promise<UserChange> {
    try {
      return await this.ds.transaction(async (m) => {
        await m.query(LOCK_SQL);
        return work(m);
      });
    } catch (err) {
      // A concurrent insert of the same username (ux_users_username).
      if ((err as { code?: string }).code === '23505') return { ok: false, reason: 'username-taken' };
      throw err;
    }
  }

  /**
   * An account a new user's names would read as (trial 85: the display name fao-director.fao, or 林芳 fao-director.fao,
   * shown as fao-director.fao（evil）): another account whose username is a word of `displayName` (nameWords), or one
   * whose display name has `username` as a word. Under the users' lock, so two creations cannot cross. A name word
   * that is the user's own username is theirs.
   */
  private async accountInNames(
    m: EntityManager,
    username: string,
    displayName: string,
  ): Promise<{ account: string; field: 'displayName' | 'username' } | undefined> {
    const own = username.toLowerCase();
    const words = nameWords(displayName).filter((w) => w !== own);
    if (words.length > 0) {
      const [hit] = (await m.query(`SELECT username FROM users WHERE lower(username) = ANY($1::text[]) ORDER BY username LIMIT 1`, [
        words,
      ])) as Array<{ username: string }>;
      if (hit) return { account: hit.username, field: 'displayName' };
    }
    // The other way: the new username a word of someone's display name (only the names holding it as text are read).
    const holders = (await m.query(
      `SELECT username, display_name AS "displayName" FROM users WHERE strpos(lower(normalize(display_name, NFKC)), $1) > 0 ORDER BY username`,
      [own],
    )) as Array<{ username: string; displayName: string }>;
    const holder = holders.find((h) => nameWords(h.displayName).includes(own));
    return holder ? { account: holder.username, field: 'username' } : undefined;
  }

  private locked(m: EntityManager, username: string): Promise<UserEntity | null> {
    return m.findOne(UserEntity, { where: byUsername(username), lock: { mode: 'pessimistic_write' } });
  }

  /** Reads the user back and appends the audit event in the same transaction (unchanged: no event). */
  private async done(
    m: EntityManager,
    username: string,
    changed: boolean,
    audit: (user: UserRecord) => NewAuditEvent,
  ): Promise<UserChange> {
    const user = record((await m.findOneBy(UserEntity, byUsername(username)))!);
    if (changed) {
      const e = audit(user);
      await m.query(
        `INSERT INTO audit_events (action, outcome, actor, user_id, target, address, request_id, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [e.action, e.outcome, e.actor ?? null, e.userId ?? null, e.target ?? null, e.address ?? null, e.requestId ?? null, e.detail ?? {}],
      );
    }
    return { ok: true, user, changed };
  }
}
