import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import bcrypt from 'bcryptjs';
import { Repository } from 'typeorm';
import { ROLE_LABELS } from '@df/domain';
import { UserEntity } from '@df/persistence';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import { JsonLogger } from '../common/json-logger';
import { FAO_ROLES, UNIT_ROLES, type UserRole } from './access';

export const BCRYPT_ROUNDS = 10;

export interface NewUser {
  username: string;
  password?: string;
  /** A precomputed bcrypt hash (tests, seeding many accounts with one password). */
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
}

/** The demo accounts of `npm start`: <role>.<unit>. */
export function demoUsers(): DemoUser[] {
  const out: DemoUser[] = [];
  for (const unit of ['commerce', 'education'])
    for (const role of UNIT_ROLES) out.push({ username: `${role}.${unit}`, role: role as UserRole, unit });
  for (const role of [...FAO_ROLES, 'manager'] as UserRole[]) out.push({ username: `${role}.fao`, role, unit: 'fao' });
  out.push({ username: 'leader.city', role: 'leader', unit: 'city' });
  return out;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @Inject(API_CONFIG) private readonly config: ServiceConfig,
    private readonly logger: JsonLogger,
  ) {}

  findByUsername(username: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ username });
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, BCRYPT_ROUNDS);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(password, hash);
  }

  /** Creates or updates (role, unit, name, password) a user by username; idempotent. */
  async upsert(user: NewUser): Promise<UserEntity> {
    const passwordHash = user.passwordHash ?? (await this.hash(user.password ?? randomUUID()));
    const label = ROLE_LABELS[user.role];
    await this.users
      .createQueryBuilder()
      .insert()
      .values({
        id: randomUUID(),
        username: user.username,
        passwordHash,
        role: user.role,
        unit: user.unit,
        displayName: user.displayName ?? `${label.zh}（${user.unit}）`,
        demo: user.demo ?? false,
      })
      .orUpdate(['password_hash', 'role', 'unit', 'display_name', 'demo', 'updated_at'], ['username'])
      .execute();
    return (await this.findByUsername(user.username))!;
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
      wanted.every((w) => byName.get(w.username)?.role === w.role && byName.get(w.username)?.unit === w.unit) &&
      (await this.verify(this.config.demoPassword, existing[0]!.passwordHash));
    if (!current) {
      const passwordHash = await this.hash(this.config.demoPassword);
      for (const u of wanted) await this.upsert({ ...u, passwordHash, demo: true });
    }
    const lines = wanted.map((u) => `  ${u.username.padEnd(26)} ${u.role.padEnd(17)} ${u.unit}`);
    console.log(
      [
        `demo users 演示账号 (password: DEMO_PASSWORD${this.config.demoPassword === 'demo' ? ' = "demo"' : ''}):`,
        ...lines,
      ].join('\n'),
    );
    this.logger.event('log', 'demo users seeded', { count: wanted.length, rewritten: !current });
    return wanted;
  }
}
