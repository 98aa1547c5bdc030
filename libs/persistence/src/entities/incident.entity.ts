import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An incident (Camunda's term): a case stopped on a failure that retrying cannot fix (issue 12 item 2).
 * Written by the worker when the workflow raises one, resolved when an operator's retry succeeds.
 */
@Entity({ name: 'case_incidents' })
@Index('ix_case_incidents_open', ['openedAt'], { where: '"resolved_at" IS NULL' })
export class CaseIncidentEntity {
  /** Deterministic (from the workflow), so a retried record writes one row. */
  @PrimaryColumn({ name: 'incident_id', type: 'uuid' })
  incidentId!: string;

  @Column({ name: 'case_id', type: 'varchar', length: 64 })
  caseId!: string;

  /** The activity that failed, e.g. appendCaseEvents. */
  @Column({ name: 'activity', type: 'varchar', length: 64 })
  activity!: string;

  /** The failure's type (e.g. EVENT_STORE_REJECTED) and message, as the activity reported them. */
  @Column({ name: 'error_type', type: 'varchar', length: 64 })
  errorType!: string;

  @Column({ name: 'error', type: 'text' })
  error!: string;

  /** Steps whose events could not be stored. */
  @Column({ name: 'step_keys', type: 'jsonb' })
  stepKeys!: string[];

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt!: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  /** Who asked for the retry that resolved it (the admin CLI's operator). */
  @Column({ name: 'resolved_by', type: 'varchar', length: 128, nullable: true })
  resolvedBy!: string | null;
}
