import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The office's whitelist admission criteria (issue 17), versioned: each change is a new row (append-only), so
 * the rows are also the audit (who, when, the criteria before and after). Version 1 is the code default
 * (DEFAULT_WHITELIST_CRITERIA, libs/domain/src/definition/apec-card.ts), not stored: the first change is version 2.
 */
@Entity({ name: 'apec_whitelist_criteria' })
export class ApecWhitelistCriteriaEntity {
  @PrimaryColumn({ name: 'version', type: 'integer' })
  version!: number;

  /** Applied to evaluations from this day on (Asia/Shanghai). */
  @Column({ name: 'effective_from', type: 'date' })
  effectiveFrom!: string;

  /** WhitelistCriteria: thresholds per size (万元, USD), accepted tax credit grades, clean credit record required. */
  @Column({ name: 'criteria', type: 'jsonb' })
  criteria!: Record<string, unknown>;

  /** The version in force when this one was set (the audit's "before"). */
  @Column({ name: 'previous', type: 'jsonb' })
  previous!: Record<string, unknown>;

  @Column({ name: 'changed_by', type: 'varchar', length: 128 })
  changedBy!: string;

  @Column({ name: 'changed_at', type: 'timestamptz', default: () => 'now()' })
  changedAt!: Date;
}
