import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** People who sign in to the API: one role of the domain brief and one unit each. */
@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id!: string;

  @Index('ux_users_username', { unique: true })
  @Column({ name: 'username', type: 'varchar', length: 100 })
  username!: string;

  /** bcrypt hash (bcryptjs), never the password. */
  @Column({ name: 'password_hash', type: 'varchar', length: 100 })
  passwordHash!: string;

  @Column({ name: 'role', type: 'varchar', length: 32 })
  role!: string;

  @Column({ name: 'unit', type: 'varchar', length: 64 })
  unit!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 100 })
  displayName!: string;

  /** Seeded demo account (username <role>.<unit>, password DEMO_PASSWORD). */
  @Column({ name: 'demo', type: 'boolean', default: false })
  demo!: boolean;

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
