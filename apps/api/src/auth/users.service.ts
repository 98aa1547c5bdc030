import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ROLE_LABELS } from '@df/domain';
import { byUsername, type NewAuditEvent, UserEntity, UsersRepository } from '@df/persistence';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import { JsonLogger } from '../common/json-logger';
import { FAO_ROLES, UNIT_ROLES, type UserRole } from './access';
import { hashPassword, verifyPassword } from './passwords';

export interface NewUser {
  username: string;
  password?: string;
  /** A precomputed hash, argon2id or bcrypt (tests, seeding many accounts with one password). */
  passwordHash?: string;
  role: UserRole;
  unit: string;
  displayName?: string;
  demo?: boolean;
}

export interface DemoUser {
  username: string;
  role: UserRole;
  unit: string;
  /** A person's name (DEMO_PERSON_NAMES), as an office names its staff: pages name who acted by it. */
  displayName: string;
}

/**
 * The demo staff's names, one per demo account in demoUsers' order. A person's name, not `专办员（市商务局）`: the
 * header shows the role and unit beneath the name, and pages name who acted as 王建国（fao-director.fao） beside their
 * role (trial 82: accounts only), which a role-and-unit name would only repeat.
 */
const DEMO_PERSON_NAMES = [
  ...['王建国', '李秀英', '张伟', '刘洋', '陈静', '杨帆', '赵磊', '黄敏', '周涛', '吴霞'],
  ...['徐明', '孙丽', '胡斌', '朱婷', '高峰', '林芳', '何勇', '郭晶', '马超', '罗燕'],
  ...['梁鹏', '宋佳', '郑凯', '谢蕾', '韩冰', '唐亮', '冯雪', '于洁', '董军', '程琳'],
  ...['曹阳', '袁媛', '邓刚', '许倩', '傅强', '沈悦', '曾辉', '彭丹', '吕健', '苏晴'],
] as const;

/** The demo accounts of `npm start`: <role>.<unit>, each named as a person (DEMO_PERSON_NAMES). */
export function demoUsers(): DemoUser[] {
  const out: DemoUser[] = [];
  const add = (username: string, role: UserRole, unit: string) => {
    const displayName = DEMO_PERSON_NAMES[out.length];
    if (!displayName) throw new Error(`DEMO_PERSON_NAMES has no name for demo account ${username}: add names`);
    out.push({ username, role, unit, displayName });
  };
  for (const unit of ['commerce', 'education'])
    for (const role of UNIT_ROLES.filter((r) => r !== 'enterprise-clerk')) add(`${role}.${unit}`, role as UserRole, unit);
  // Issue 17: the clerk of a demo enterprise (the unit 'trading' of the demo registries) applies for APEC cards.
  add('enterprise-clerk.trading', 'enterprise-clerk', 'trading');
  for (const role of [...FAO_ROLES, 'manager'] as UserRole[]) add(`${role}.fao`, role, 'fao');
  add('leader.city', 'leader', 'city');
  add('admin.fao', 'admin', 'fao');
  return out;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly repo: UsersRepository,
    @Inject(API_CONFIG) private readonly config: ServiceConfig,
    private readonly logger: JsonLogger,
  ) {}

  /** Usernames are compared regardless of case, everywhere (sign-in included); stored as given. */
  findByUsername(username: string): Promise<UserEntity | null> {
    return this.users.findOneBy(byUsername(username));
  }

  /** The display name of each of `usernames` that is an account, keyed as given (UsersRepository.displayNames). */
  displayNames(usernames: readonly string[]): Promise<Record<string, string>> {
    return this.repo.displayNames(usernames);
  }

  /** The user an access token names, with what every request checks (enabled, token version, role, unit). */
  findById(
    id: string,
  ): Promise<Pick<
    UserEntity,
    'id' | 'username' | 'role' | 'unit' | 'grants' | 'displayName' | 'enabled' | 'tokenVersion' | 'mustChangePassword'
  > | null> {
    return this.users.findOne({
      select: {
        id: true,
        username: true,
        role: true,
        unit: true,
        grants: true,
        displayName: true,
        enabled: true,
        tokenVersion: true,
        mustChangePassword: true,
      },
      where: { id },
    });
  }

  /** argon2id, on the thread pool. */
  hash(password: string): Promise<string> {
    return hashPassword(password);
  }

  /** argon2id or a legacy bcrypt hash, on the thread pool; false for a malformed hash. */
  verify(password: string, hash: string): Promise<boolean> {
    return verifyPassword(password, hash);
  }

  /** Replaces a verified hash by a current one (sign-in rehash); a no-op if the hash changed meanwhile. Tokens stay valid. */
  async replaceHash(id: string, oldHash: string, newHash: string): Promise<void> {
    await this.users.update({ id, passwordHash: oldHash }, { passwordHash: newHash });
  }

  /**
   * The user's own password change: replaces `oldHash` (false when it changed meanwhile), clears the forced
   * change, raises the token version, and appends `audit`, in one transaction.
   */
  async changePassword(username: string, oldHash: string, newHash: string, audit: NewAuditEvent): Promise<boolean> {
    const r = await this.repo.setPassword(username, newHash, false, () => audit, oldHash);
    return r.ok;
  }

  async recordSignIn(id: string): Promise<void> {
    await this.users.update({ id }, { lastSignInAt: () => 'now()' });
  }

  /**
   * Creates or updates (role, unit, name, password) a user by username; idempotent. The user holds exactly
   * this one grant afterwards (demo seeding and tests). A change of role, unit or password raises the token
   * version: tokens issued before stop working at once.
   */
  async upsert(user: NewUser): Promise<UserEntity> {
    const passwordHash = user.passwordHash ?? (await this.hash(user.password ?? randomUUID()));
    const label = ROLE_LABELS[user.role];
    const fields = {
      passwordHash,
      role: user.role,
      unit: user.unit,
      grants: [{ role: user.role, unit: user.unit }],
      displayName: user.displayName ?? `${label.zh}（${user.unit}）`,
      demo: user.demo ?? false,
    };
    await this.users.manager.transaction(async (m) => {
      const repo = m.getRepository(UserEntity);
      const existing = await repo.findOne({ where: byUsername(user.username), lock: { mode: 'pessimistic_write' } });
      if (!existing) {
        await repo.insert({ id: randomUUID(), username: user.username, ...fields });
        return;
      }
      const revokes =
        existing.role !== fields.role ||
        existing.unit !== fields.unit ||
        existing.passwordHash !== fields.passwordHash ||
        existing.grants.length !== 1;
      await repo.update(
        { id: existing.id },
        { ...fields, tokenVersion: existing.tokenVersion + (revokes ? 1 : 0), updatedAt: () => 'now()' },
      );
    });
    return (await this.findByUsername(user.username))!;
  }

  /**
   * Disables or re-enables a user. Either way the token version rises: a disabled user's tokens are refused
   * at their next request, and re-enabling does not revive tokens issued before. Returns false for an unknown username.
   */
  async setEnabled(username: string, enabled: boolean): Promise<boolean> {
    const result = await this.users
      .createQueryBuilder()
      .update()
      .set({ enabled, tokenVersion: () => 'token_version + 1', updatedAt: () => 'now()' })
      .where('username = :username', { username })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Seeds the demo users (idempotent upsert) with DEMO_PASSWORD and prints them. One bcrypt hash per run,
   * shared by the demo accounts (they share the password by design); nothing is rewritten when the stored
   * hash already matches DEMO_PASSWORD.
   */
  async seedDemoUsers(): Promise<DemoUser[]> {
    const wanted = demoUsers();
    const existing = await this.users.find({ where: wanted.map((u) => ({ username: u.username })) });
    const byName = new Map(existing.map((u) => [u.username, u]));
    const current =
      existing.length === wanted.length &&
      wanted.every((w) => {
        const u = byName.get(w.username);
        return u?.role === w.role && u.unit === w.unit && u.displayName === w.displayName;
      }) &&
      (await this.verify(this.config.demoPassword, existing[0]!.passwordHash));
    if (!current) {
      const passwordHash = await this.hash(this.config.demoPassword);
      for (const u of wanted) await this.upsert({ ...u, passwordHash, demo: true });
    }
    const lines = wanted.map((u) => `  ${u.username.padEnd(26)} ${u.role.padEnd(17)} ${u.unit}`);
    console.log(
      [`demo users 演示账号 (password: DEMO_PASSWORD${this.config.demoPassword === 'demo' ? ' = "demo"' : ''}):`, ...lines].join('\n'),
    );
    this.logger.event('log', 'demo users seeded', { count: wanted.length, rewritten: !current });
    return wanted;
  }
}
