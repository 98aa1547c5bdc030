import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The planned trip of a unit's annual outbound plan (年度出访计划) a case's A01 found it to be, held for that case: a
 * planned trip covers one delegation, so the next case of the unit reads it taken (over-plan). Written by the worker's
 * A01 under one advisory lock per unit and year, after it read the trips other cases hold (claimPlannedTrip,
 * registries.repository.ts): of two cases whose A01 runs at the same moment, the second finds the first's claim (trial:
 * both read the one US trip of the plan free, as each read the other's A01 from the event store before it was
 * appended). One row per case, replaced when its A01 runs again and removed when it no longer matches a planned trip.
 * Not a read model (no event folds it): a claim counts while its case is not closed.
 */
@Entity({ name: 'annual_plan_claims' })
@Index('ix_annual_plan_claims_unit_year', ['unit', 'year'])
export class AnnualPlanClaimEntity {
  @PrimaryColumn({ name: 'case_id', type: 'varchar', length: 64 })
  caseId!: string;

  @Column({ name: 'unit', type: 'varchar', length: 64 })
  unit!: string;

  /** The plan's year: the departure's, when A01 ran. */
  @Column({ name: 'year', type: 'int' })
  year!: number;

  /** The plan's trip id (PlannedTrip.id). */
  @Column({ name: 'trip_id', type: 'varchar', length: 32 })
  tripId!: string;

  @Column({ name: 'claimed_at', type: 'timestamptz', default: () => 'now()' })
  claimedAt!: Date;
}
