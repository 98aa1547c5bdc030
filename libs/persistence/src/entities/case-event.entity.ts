import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The append-only event store: one stream per case. The per-stream sequence number is the primary
 * key with the stream id, so two writers can never both append event N; the deterministic event id
 * makes an activity retry a no-op instead of a duplicate.
 */
@Entity({ name: 'case_events' })
@Index('ix_case_events_type_occurred', ['type', 'occurredAt'])
// A person's decisions and completions by case (caseDecisions: separation of duties in the inbox and the API's pre-check).
@Index('ix_case_events_decisions', ['actorId', 'streamId', 'seq'], {
  where: "type IN ('step.decided', 'step.completed') AND actor_id IS NOT NULL",
})
export class CaseEventEntity {
  @PrimaryColumn({ name: 'stream_id', type: 'varchar', length: 64 })
  streamId!: string;

  @PrimaryColumn({ name: 'seq', type: 'integer' })
  seq!: number;

  @Index('ux_case_events_event_id', { unique: true })
  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'type', type: 'varchar', length: 64 })
  type!: string;

  @Column({ name: 'actor_id', type: 'varchar', length: 128, nullable: true })
  actorId!: string | null;

  @Column({ name: 'actor_role', type: 'varchar', length: 32, nullable: true })
  actorRole!: string | null;

  @Column({ name: 'on_behalf_of', type: 'varchar', length: 128, nullable: true })
  onBehalfOf!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;

  @Column({ name: 'payload', type: 'jsonb' })
  payload!: Record<string, unknown>;
}
