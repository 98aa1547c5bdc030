import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A submission's (or an amendment's) hold on its members' trip window, by person key, written by the API under one
 * advisory lock per key after the open-case overlap rule (MEMBER_ON_OPEN_CASE) passed: of two submissions naming one
 * person at overlapping dates at the same moment, the second waits for the first's claim and is refused by it, before
 * either case is projected into case_members (claimOpenCaseTrip, case-record.repository.ts). Not a read model (the
 * API writes it, no event folds it): a claim counts for CLAIM_HOLD_MINUTES, long after its case is projected, and
 * not once its case is closed; a definite refusal of the start or the amendment drops it at once.
 */
@Entity({ name: 'member_trip_claims' })
@Index('ix_member_trip_claims_person', ['personKey'])
export class MemberTripClaimEntity {
  @PrimaryColumn({ name: 'case_id', type: 'varchar', length: 64 })
  caseId!: string;

  /** One of the member's openCaseKeys (personId, passport number, unit + folded name), as case_members holds them. */
  @PrimaryColumn({ name: 'person_key', type: 'varchar', length: 200 })
  personKey!: string;

  /** The claiming case's unit, for naming it only to those who may read it (canSeeCase). */
  @Column({ name: 'unit', type: 'varchar', length: 64 })
  unit!: string;

  @Column({ name: 'departure_date', type: 'date' })
  departureDate!: string;

  @Column({ name: 'return_date', type: 'date' })
  returnDate!: string;

  @Column({ name: 'claimed_at', type: 'timestamptz', default: () => 'now()' })
  claimedAt!: Date;
}
