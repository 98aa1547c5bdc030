import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The workflow's `progress` answer as it last published it (issue 16): written by the worker from a workflow
 * sink (not in Temporal's history) after every drain that changed it, with the seq of the batch about to be
 * stored (what the query would answer), read by the case page while it is current (`last_seq` at least the read model's `cases.last_seq`). Best effort: a lost write only
 * sends the case page back to the workflow query. Holds what case_events hold (facts with passport numbers);
 * masked by the API like the query's answer.
 */
@Entity({ name: 'case_progress' })
export class CaseProgressEntity {
  @PrimaryColumn({ name: 'case_id', type: 'varchar', length: 64 })
  caseId!: string;

  /** The engine's last event seq when the answer was made (its last batch may still be on its way to the store). */
  @Column({ name: 'last_seq', type: 'integer' })
  lastSeq!: number;

  /** The answer's `now` (case time, epoch ms): orders two answers of the same seq. */
  @Column({ name: 'case_now', type: 'bigint' })
  caseNow!: string;

  /** DelegationProgress (libs/contracts), incident included. */
  @Column({ name: 'answer', type: 'jsonb' })
  answer!: Record<string, unknown>;

  /** Real time of the write: the API serves an answer only this fresh (API_PROGRESS_SNAPSHOT_MAX_AGE_MS). */
  @Column({ name: 'written_at', type: 'timestamptz' })
  writtenAt!: Date;
}
