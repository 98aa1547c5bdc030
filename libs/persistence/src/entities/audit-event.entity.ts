import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Security-relevant events, append-only: sign-ins (success and failure), lockouts, and later the
 * administrators' changes to users (issue 14). Who (`actor`, `userId`), what (`action`, `target`),
 * when, from where (`address`) and how it ended (`outcome`). Never a password or a token.
 */
@Entity({ name: 'audit_events' })
@Index('ix_audit_events_occurred', ['occurredAt'])
@Index('ix_audit_events_actor', ['actor', 'occurredAt'])
@Index('ix_audit_events_action', ['action', 'occurredAt'])
export class AuditEventEntity {
  /** Insertion order (bigint, as a string in JS). */
  @PrimaryGeneratedColumn({ name: 'id', type: 'bigint' })
  id!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt!: Date;

  /** e.g. auth.login, auth.lockout (AUDIT_ACTIONS in the API). */
  @Column({ name: 'action', type: 'varchar', length: 64 })
  action!: string;

  /** success | failure | refused */
  @Column({ name: 'outcome', type: 'varchar', length: 16 })
  outcome!: string;

  /** Who acted: the username as given (also for unknown usernames), null for an address-wide event. */
  @Column({ name: 'actor', type: 'varchar', length: 100, nullable: true })
  actor!: string | null;

  /** The user's id when the username exists. */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  /** What was acted on, when not the actor themself (a locked address, an administered user). */
  @Column({ name: 'target', type: 'varchar', length: 200, nullable: true })
  target!: string | null;

  /** Client address (the socket's, IPv4-mapped IPv6 stripped). */
  @Column({ name: 'address', type: 'varchar', length: 64, nullable: true })
  address!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  /** Small structured facts: reason of a failure, lockout length in seconds, counts. */
  @Column({ name: 'detail', type: 'jsonb', default: () => "'{}'::jsonb" })
  detail!: Record<string, unknown>;
}
