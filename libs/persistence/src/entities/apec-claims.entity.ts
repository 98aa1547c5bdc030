import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The one open card application a person may be an applicant of (issue 17; a real FAO refuses a second): the
 * person id is the primary key, so of concurrent applications naming one person exactly one inserts its claim
 * before its case starts. Every applicant of an application is claimed in one transaction (all or none). The
 * claim lapses when its case closes (any closed status: a finished application frees the person too) and the
 * next application takes it over (apec.repository.ts claimApplication).
 */
@Entity({ name: 'apec_applicant_claims' })
export class ApecApplicantClaimEntity {
  /** The applicant (persons.person_id of the enterprise's roster). */
  @PrimaryColumn({ name: 'person_id', type: 'varchar', length: 64 })
  personId!: string;

  /** The card application's case (its workflow is delegationWorkflowId(caseId)). */
  @Index('ix_apec_applicant_claims_case')
  @Column({ name: 'case_id', type: 'varchar', length: 64 })
  caseId!: string;

  @Column({ name: 'claimed_at', type: 'timestamptz', default: () => 'now()' })
  claimedAt!: Date;
}

/**
 * The one open whitelist admission application an enterprise may have (issue 17): the unit is the primary key, so
 * of concurrent filings exactly one inserts its claim before its case starts (the check on the cases read model
 * alone let six filings sent at once start six cases). The claim lapses when its case closes; the next filing
 * takes it over (apec.repository.ts claimWhitelistFiling).
 */
@Entity({ name: 'apec_whitelist_filing_claims' })
export class ApecWhitelistFilingClaimEntity {
  /** The enterprise (units.code). */
  @PrimaryColumn({ name: 'unit', type: 'varchar', length: 64 })
  unit!: string;

  /** The admission application's case (its workflow is delegationWorkflowId(caseId)). */
  @Index('ix_apec_whitelist_filing_claims_case')
  @Column({ name: 'case_id', type: 'varchar', length: 64 })
  caseId!: string;

  @Column({ name: 'claimed_at', type: 'timestamptz', default: () => 'now()' })
  claimedAt!: Date;
}

/**
 * A card number the national card office gave at the issue step (K06's `cardNumber`), held for that case's member
 * from the moment the API accepts it until its card is registered (K07) — and after, while the case is open: the
 * number is the primary key, so of two cases completing their issue step with one number at once exactly one
 * inserts it, and the other is refused 422 `data.cardNumber` `card-holder` before its completion is sent (before,
 * both were accepted, one K07 registered the card and the other blocked for ever). Taken after the Idempotency-Key,
 * before the Update is sent; kept by a keyed retry; deleted when the Update is definitely refused; taken over when
 * its case has closed, its member has left the case, or its step's completion names another number, or was never
 * recorded (an unknown outcome not retried: CLAIM_STALE_MS, asked of Temporal). number-claims.ts claimStepNumber.
 */
@Entity({ name: 'apec_card_number_claims' })
export class ApecCardNumberClaimEntity {
  /** The card number as the issue step recorded it (capital letters and digits). */
  @PrimaryColumn({ name: 'card_number', type: 'varchar', length: 32 })
  cardNumber!: string;

  /** The card application's case (its workflow is delegationWorkflowId(caseId)). */
  @Index('ix_apec_card_number_claims_case')
  @Column({ name: 'case_id', type: 'varchar', length: 64 })
  caseId!: string;

  /** The issue step's instance (e.g. `K06:m1`) whose completion names the number. */
  @Column({ name: 'step_key', type: 'varchar', length: 64 })
  stepKey!: string;

  /** The member the card is for (the step instance's member). */
  @Column({ name: 'member_id', type: 'varchar', length: 64 })
  memberId!: string;

  /** The Update's request id (the scoped Idempotency-Key): a definite refusal of that request deletes the claim. */
  @Column({ name: 'request_id', type: 'varchar', length: 64 })
  requestId!: string;

  @Column({ name: 'claimed_at', type: 'timestamptz', default: () => 'now()' })
  claimedAt!: Date;
}

/**
 * A card application's step going forward on its enterprise's standing (cardStepHangsOnStanding: K01-K04 completed or
 * approved), from the API's standing check until its Update is answered: a whitelist move or an ownership change waits
 * while one is live, so a suspension and a completion at one instant are not both accepted (eleventh trial: the check
 * and the Update are not one transaction). Taken and read under the enterprise's standing lock (shared; the writers
 * take it exclusive); deleted when the Update is answered, accepted or refused; one left by an unknown outcome or a
 * crashed API lapses (apec.repository.ts STANDING_HOLD_LAPSE). apec.repository.ts holdStanding.
 */
@Entity({ name: 'apec_standing_holds' })
export class ApecStandingHoldEntity {
  @PrimaryColumn({ name: 'hold_id', type: 'uuid' })
  holdId!: string;

  /** The enterprise (units.code). */
  @Index('ix_apec_standing_holds_unit')
  @Column({ name: 'unit', type: 'varchar', length: 64 })
  unit!: string;

  /** The case whose step goes forward. */
  @Column({ name: 'case_id', type: 'varchar', length: 64 })
  caseId!: string;

  @Column({ name: 'held_at', type: 'timestamptz', default: () => 'now()' })
  heldAt!: Date;
}
