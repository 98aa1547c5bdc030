import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A new passport number the issuing authority gave at C05 (`new-passport` data `number`, as the ledger writes it),
 * held for that case's member from the moment the API accepts the completion, until and after the custody ledger
 * registers it while the case is open: the number is the primary key, so of two cases completing C05 with one number
 * at once exactly one inserts it, and the other is refused 422 `data.number` `passport-holder` before its completion
 * is sent (before, both were accepted, read against the ledger and the published progress alone; the second's
 * custody registration only noted the number as someone else's). Kept for the same person on another open case (one
 * passport is theirs on every trip). The same claim as apec_card_number_claims (number-claims.ts claimStepNumber).
 */
@Entity({ name: 'passport_number_claims' })
export class PassportNumberClaimEntity {
  @PrimaryColumn({ name: 'number', type: 'varchar', length: 32 })
  number!: string;

  /** The delegation's case (its workflow is delegationWorkflowId(caseId)). */
  @Index('ix_passport_number_claims_case')
  @Column({ name: 'case_id', type: 'varchar', length: 64 })
  caseId!: string;

  /** The step instance (e.g. `C05:m1`) whose completion names the number. */
  @Column({ name: 'step_key', type: 'varchar', length: 64 })
  stepKey!: string;

  /** The member the passport is for (the step instance's member). */
  @Column({ name: 'member_id', type: 'varchar', length: 64 })
  memberId!: string;

  /** The Update's request id (the scoped Idempotency-Key): a definite refusal of that request deletes the claim. */
  @Column({ name: 'request_id', type: 'varchar', length: 64 })
  requestId!: string;

  @Column({ name: 'claimed_at', type: 'timestamptz', default: () => 'now()' })
  claimedAt!: Date;
}
