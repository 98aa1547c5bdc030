import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { ApecWhitelistCriteriaEntity } from '../apec/criteria.entity';
import {
  ApecApplicantClaimEntity,
  ApecCardNumberClaimEntity,
  ApecStandingHoldEntity,
  ApecWhitelistFilingClaimEntity,
} from './apec-claims.entity';

/**
 * APEC business travel cards (issue 17): the enterprise profile of a unit of type enterprise, the whitelist
 * (白名单) with its history, and the cards registry. Rules: libs/domain/src/definition/apec-card.ts.
 */

/** A unit that is an enterprise (the unit row holds its names and clerks): ownership and size. */
@Entity({ name: 'apec_enterprises' })
export class ApecEnterpriseEntity {
  /** The unit's code (units.code). */
  @PrimaryColumn({ name: 'unit', type: 'varchar', length: 64 })
  unit!: string;

  /** state | non-state */
  @Column({ name: 'ownership', type: 'varchar', length: 16 })
  ownership!: string;

  /** large | medium | small | micro */
  @Column({ name: 'size', type: 'varchar', length: 16 })
  size!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/** The whitelist's current state per enterprise; every change is also a row of apec_whitelist_history. */
@Entity({ name: 'apec_whitelist' })
export class ApecWhitelistEntity {
  @PrimaryColumn({ name: 'unit', type: 'varchar', length: 64 })
  unit!: string;

  /** admitted | suspended | exited */
  @Column({ name: 'state', type: 'varchar', length: 16 })
  state!: string;

  /** For exited: violation | annual-review-failed | enterprise-request. */
  @Column({ name: 'reason', type: 'varchar', length: 32, nullable: true })
  reason!: string | null;

  @Column({ name: 'note', type: 'varchar', length: 500, nullable: true })
  note!: string | null;

  /** The next annual review (admission + 1 year, then yearly): the reminder's day. */
  @Column({ name: 'review_due_on', type: 'date', nullable: true })
  reviewDueOn!: string | null;

  @Column({ name: 'since', type: 'timestamptz' })
  since!: Date;
}

@Entity({ name: 'apec_whitelist_history' })
@Index('ix_apec_whitelist_history_unit', ['unit', 'id'])
export class ApecWhitelistHistoryEntity {
  @PrimaryGeneratedColumn({ name: 'id', type: 'bigint' })
  id!: string;

  @Column({ name: 'unit', type: 'varchar', length: 64 })
  unit!: string;

  /** admitted | re-admitted | suspended | exited | refused (admission criteria not met) */
  @Column({ name: 'action', type: 'varchar', length: 16 })
  action!: string;

  @Column({ name: 'from_state', type: 'varchar', length: 16, nullable: true })
  fromState!: string | null;

  @Column({ name: 'to_state', type: 'varchar', length: 16, nullable: true })
  toState!: string | null;

  @Column({ name: 'reason', type: 'varchar', length: 32, nullable: true })
  reason!: string | null;

  /** The criteria evaluation (application, thresholds applied, failures) or the note. */
  @Column({ name: 'detail', type: 'jsonb', nullable: true })
  detail!: Record<string, unknown> | null;

  /** Case ids stopped by an exit. */
  @Column({ name: 'stopped_cases', type: 'jsonb', default: () => `'[]'` })
  stoppedCases!: string[];

  @Column({ name: 'actor_id', type: 'varchar', length: 128 })
  actorId!: string;

  @Column({ name: 'at', type: 'timestamptz', default: () => 'now()' })
  at!: Date;
}

/** The cards registry: one row per card; the number is personal data (masked for all but the officers). */
@Entity({ name: 'apec_cards' })
@Index('ix_apec_cards_holder', ['holder'])
@Index('ix_apec_cards_unit', ['unit'])
export class ApecCardEntity {
  @PrimaryColumn({ name: 'number', type: 'varchar', length: 32 })
  number!: string;

  /** The holder's person id (people.person_id). */
  @Column({ name: 'holder', type: 'varchar', length: 64 })
  holder!: string;

  /** The enterprise the card was applied for through. */
  @Column({ name: 'unit', type: 'varchar', length: 64 })
  unit!: string;

  /** Economies cleared (alpha-2). */
  @Column({ name: 'economies', type: 'varchar', length: 2, array: true })
  economies!: string[];

  @Column({ name: 'issued_on', type: 'date' })
  issuedOn!: string;

  @Column({ name: 'valid_until', type: 'date' })
  validUntil!: string;

  /** valid | renewal-open | expired | lost | cancelled */
  @Column({ name: 'status', type: 'varchar', length: 16 })
  status!: string;

  @Column({ name: 'renewal_opened_at', type: 'timestamptz', nullable: true })
  renewalOpenedAt!: Date | null;

  /** The application case that issued it (null for a card registered from before the system). */
  @Column({ name: 'case_id', type: 'varchar', length: 64, nullable: true })
  caseId!: string | null;

  @Column({ name: 'status_reason', type: 'varchar', length: 500, nullable: true })
  statusReason!: string | null;

  /** The number of the card that replaced this one (a renewal's new card, registered at K07); null otherwise. */
  @Column({ name: 'replaced_by', type: 'varchar', length: 32, nullable: true })
  replacedBy!: string | null;

  /**
   * The card's reference: not personal data, so a screen that shows the number masked can still name the card
   * (the APEC desk's lost/cancelled form). Issued by the database.
   */
  @Index('uq_apec_cards_ref', { unique: true })
  @Column({ name: 'ref', type: 'uuid', default: () => 'gen_random_uuid()' })
  ref!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/**
 * The one renewal application a card may have (issue 17 item 5): the card's number is the primary key, so of
 * concurrent renewal applications for one card exactly one inserts its claim before its case starts. The claim
 * lapses when its case ends without replacing the card (closed other than by K07's replacement); the next
 * renewal takes it over in one conditional UPDATE (apec.repository.ts claimRenewal).
 */
@Entity({ name: 'apec_renewal_claims' })
export class ApecRenewalClaimEntity {
  @PrimaryColumn({ name: 'card_number', type: 'varchar', length: 32 })
  cardNumber!: string;

  /** The renewal application's case (its workflow is delegationWorkflowId(caseId)). */
  @Index('ix_apec_renewal_claims_case')
  @Column({ name: 'case_id', type: 'varchar', length: 64 })
  caseId!: string;

  @Column({ name: 'claimed_at', type: 'timestamptz', default: () => 'now()' })
  claimedAt!: Date;
}

export const APEC_ENTITIES = [
  ApecEnterpriseEntity,
  ApecWhitelistEntity,
  ApecWhitelistHistoryEntity,
  ApecCardEntity,
  ApecRenewalClaimEntity,
  ApecWhitelistCriteriaEntity,
  ApecApplicantClaimEntity,
  ApecWhitelistFilingClaimEntity,
  ApecCardNumberClaimEntity,
  ApecStandingHoldEntity,
];
