import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One role held for one unit (issue 14: a user holds one or more, in one or more units). */
export interface RoleGrant {
  role: string;
  unit: string;
}

/**
 * People who sign in to the API. `grants` lists every role held for a unit; `role` and `unit` are the
 * default grant (the first of `grants`), used when a sign-in names none.
 */
@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id!: string;

  @Index('ux_users_username', { unique: true })
  @Column({ name: 'username', type: 'varchar', length: 100 })
  username!: string;

  /** PHC-encoded argon2id hash (older rows: a bcrypt hash, replaced at the next sign-in), never the password. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ name: 'role', type: 'varchar', length: 32 })
  role!: string;

  @Column({ name: 'unit', type: 'varchar', length: 64 })
  unit!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 100 })
  displayName!: string;

  /** Every role this user may sign in with, each for a unit; never empty; the first is (role, unit). */
  @Column({ name: 'grants', type: 'jsonb', default: () => "'[]'::jsonb" })
  grants!: RoleGrant[];

  /** Seeded demo account (username <role>.<unit>, password DEMO_PASSWORD). */
  @Column({ name: 'demo', type: 'boolean', default: false })
  demo!: boolean;

  /** A disabled user cannot sign in, and their tokens are refused at the next request. */
  @Column({ name: 'enabled', type: 'boolean', default: true })
  enabled!: boolean;

  /**
   * Carried in every access token (`ver`) and compared on every request: raising it (disable, role or unit
   * change, password reset) revokes every token issued before.
   */
  @Column({ name: 'token_version', type: 'integer', default: 1 })
  tokenVersion!: number;

  /** Set by an administrator's password reset: the next sign-in must choose a new password (issue 14). */
  @Column({ name: 'must_change_password', type: 'boolean', default: false })
  mustChangePassword!: boolean;

  @Column({ name: 'last_sign_in_at', type: 'timestamptz', nullable: true })
  lastSignInAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/**
 * Idempotency-Key records of the API's mutating requests: the first response is kept and returned
 * to a retry with the same key; a key reused for a different request is refused.
 */
@Entity({ name: 'idempotency_records' })
@Index('ix_idempotency_records_created', ['createdAt'])
export class IdempotencyRecordEntity {
  @PrimaryColumn({ name: 'key', type: 'varchar', length: 200 })
  key!: string;

  /** Who sent it: a key belongs to one user. */
  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  /** sha256 of method, route, user and body: the same key must carry the same request. */
  @Column({ name: 'fingerprint', type: 'varchar', length: 64 })
  fingerprint!: string;

  /** pending (the first request is in flight or died) | completed */
  @Column({ name: 'status', type: 'varchar', length: 16 })
  status!: string;

  @Column({ name: 'case_id', type: 'varchar', length: 64, nullable: true })
  caseId!: string | null;

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus!: number | null;

  @Column({ name: 'response_body', type: 'jsonb', nullable: true })
  responseBody!: unknown;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
