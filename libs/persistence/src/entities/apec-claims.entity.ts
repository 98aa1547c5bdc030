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
