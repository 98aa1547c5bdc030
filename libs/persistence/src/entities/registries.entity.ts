import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** Units registered with the FAO (开户备案). Rules: libs/domain/src/registries.ts. */
@Entity({ name: 'units' })
export class UnitEntity {
  @PrimaryColumn({ name: 'code', type: 'varchar', length: 64 })
  code!: string;

  @Column({ name: 'name_zh', type: 'varchar', length: 200 })
  nameZh!: string;

  @Column({ name: 'name_en', type: 'varchar', length: 200 })
  nameEn!: string;

  @Column({ name: 'parent_code', type: 'varchar', length: 64, nullable: true })
  parentCode!: string | null;

  @Column({ name: 'supervising_department', type: 'varchar', length: 64, nullable: true })
  supervisingDepartment!: string | null;

  /** Usernames of the registered clerks (专办员). */
  @Column({ name: 'clerks', type: 'jsonb', default: () => `'[]'` })
  clerks!: string[];

  /** Names of the signatories (签批人). */
  @Column({ name: 'signatories', type: 'jsonb', default: () => `'[]'` })
  signatories!: string[];

  /** active | suspended */
  @Column({ name: 'status', type: 'varchar', length: 16, default: 'active' })
  status!: string;

  @Column({ name: 'suspended_reason', type: 'varchar', length: 500, nullable: true })
  suspendedReason!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/**
 * A unit's annual outbound plan (one row per unit and year; trips as JSON: purpose, countries, size, quarter): `trips`
 * the plan the FAO approved (what A01 reads; null while none is), `proposedTrips` the unit's filing awaiting approval.
 */
@Entity({ name: 'annual_plans' })
export class AnnualPlanEntity {
  @PrimaryColumn({ name: 'unit', type: 'varchar', length: 64 })
  unit!: string;

  @PrimaryColumn({ name: 'year', type: 'integer' })
  year!: number;

  @Column({ name: 'trips', type: 'jsonb', nullable: true })
  trips!: unknown[] | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  /** Who approved `trips` (the FAO clerk; `system` for the seed and rows from before approval), and when. */
  @Column({ name: 'approved_by', type: 'varchar', length: 100, nullable: true })
  approvedBy!: string | null;

  @Column({ name: 'approved_at', type: 'timestamptz', nullable: true })
  approvedAt!: Date | null;

  @Column({ name: 'proposed_trips', type: 'jsonb', nullable: true })
  proposedTrips!: unknown[] | null;

  @Column({ name: 'proposed_by', type: 'varchar', length: 100, nullable: true })
  proposedBy!: string | null;

  @Column({ name: 'proposed_at', type: 'timestamptz', nullable: true })
  proposedAt!: Date | null;
}

/** The roster of each unit, kept by its personnel office (classified access by the secrecy office). */
@Entity({ name: 'people' })
@Index('ix_people_unit', ['unit'])
export class PersonEntity {
  @PrimaryColumn({ name: 'person_id', type: 'varchar', length: 64 })
  personId!: string;

  @Column({ name: 'unit', type: 'varchar', length: 64 })
  unit!: string;

  @Column({ name: 'name', type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'gender', type: 'varchar', length: 8 })
  gender!: string;

  @Column({ name: 'date_of_birth', type: 'date' })
  dateOfBirth!: string;

  @Column({ name: 'rank', type: 'varchar', length: 16 })
  rank!: string;

  @Column({ name: 'position', type: 'varchar', length: 100 })
  position!: string;

  @Column({ name: 'party_member', type: 'boolean' })
  partyMember!: boolean;

  @Column({ name: 'classified_access', type: 'boolean', default: false })
  classifiedAccess!: boolean;

  @Column({ name: 'leadership_team', type: 'varchar', length: 100, nullable: true })
  leadershipTeam!: string | null;

  /** active | left | retired */
  @Column({ name: 'status', type: 'varchar', length: 16, default: 'active' })
  status!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/** Passports held by the FAO in custody (护照委托保管): the passport section's ledger. */
@Entity({ name: 'custody_passports' })
@Index('ix_custody_passports_holder', ['holder'])
@Index('ux_custody_passports_ref', ['ref'], { unique: true })
export class CustodyPassportEntity {
  @PrimaryColumn({ name: 'number', type: 'varchar', length: 20 })
  number!: string;

  /**
   * The ledger row's opaque id: how a reader who sees numbers masked names one passport (GET /passports/:ref), so no
   * route answers whether a typed number is in the ledger to someone who may not read it.
   */
  @Column({ name: 'ref', type: 'uuid', default: () => 'gen_random_uuid()' })
  ref!: string;

  @Column({ name: 'type', type: 'varchar', length: 16 })
  type!: string;

  @Column({ name: 'issued_on', type: 'date' })
  issuedOn!: string;

  @Column({ name: 'expires_on', type: 'date' })
  expiresOn!: string;

  /** person_id of the holder. */
  @Column({ name: 'holder', type: 'varchar', length: 64 })
  holder!: string;

  /** in-custody | checked-out | cancelled | lost ('overdue' is derived from due_back_on). */
  @Column({ name: 'state', type: 'varchar', length: 16 })
  state!: string;

  @Column({ name: 'case_id', type: 'varchar', length: 64, nullable: true })
  caseId!: string | null;

  /** While checked out: the trip's return date, from which overdue days count. */
  @Column({ name: 'due_back_on', type: 'date', nullable: true })
  dueBackOn!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/** History of each custody passport's state changes. */
@Entity({ name: 'custody_passport_events' })
@Index('ix_custody_passport_events_number', ['number', 'id'])
export class CustodyPassportEventEntity {
  @PrimaryGeneratedColumn({ name: 'id', type: 'bigint' })
  id!: string;

  @Column({ name: 'number', type: 'varchar', length: 20 })
  number!: string;

  @Column({ name: 'from_state', type: 'varchar', length: 16, nullable: true })
  fromState!: string | null;

  @Column({ name: 'to_state', type: 'varchar', length: 16 })
  toState!: string;

  @Column({ name: 'case_id', type: 'varchar', length: 64, nullable: true })
  caseId!: string | null;

  @Column({ name: 'actor', type: 'varchar', length: 100 })
  actor!: string;

  @Column({ name: 'note', type: 'varchar', length: 500, nullable: true })
  note!: string | null;

  /**
   * When the move was written: the statement's clock, not the transaction's start (now()), so moves of one passport,
   * serialised by its row lock, read in the order they were made (a move that waited for the lock was stamped before
   * the one it waited for).
   */
  @Column({ name: 'at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  at!: Date;
}

/** Holiday schedules the office loaded (the State Council's notice for a year); they take precedence over the package. */
@Entity({ name: 'holiday_schedules' })
export class HolidayScheduleEntity {
  @PrimaryColumn({ name: 'year', type: 'integer' })
  year!: number;

  @Column({ name: 'holidays', type: 'jsonb' })
  holidays!: string[];

  @Column({ name: 'workdays', type: 'jsonb' })
  workdays!: string[];

  /** Where it came from: 'api', 'cli:file.ics', ... */
  @Column({ name: 'source', type: 'varchar', length: 200 })
  source!: string;

  @Column({ name: 'loaded_by', type: 'varchar', length: 100 })
  loadedBy!: string;

  @Column({ name: 'loaded_at', type: 'timestamptz', default: () => 'now()' })
  loadedAt!: Date;
}

/** Published versions of the process definition (with the office settings); the newest applies to new cases. */
@Entity({ name: 'process_versions' })
export class ProcessVersionEntity {
  @PrimaryColumn({ name: 'version', type: 'varchar', length: 64 })
  version!: string;

  @Column({ name: 'definition', type: 'jsonb' })
  definition!: unknown;

  @Column({ name: 'settings', type: 'jsonb', default: () => `'{}'` })
  settings!: unknown;

  /** What changed against the version it replaced (DefinitionChange[]). */
  @Column({ name: 'changes', type: 'jsonb', default: () => `'[]'` })
  changes!: unknown[];

  @Column({ name: 'previous_version', type: 'varchar', length: 64, nullable: true })
  previousVersion!: string | null;

  @Column({ name: 'published_by', type: 'varchar', length: 100 })
  publishedBy!: string;

  @Index('ix_process_versions_published')
  @Column({ name: 'published_at', type: 'timestamptz', default: () => 'now()' })
  publishedAt!: Date;
}

/** Audit of every registry change: who, when, what (before/after). */
@Entity({ name: 'registry_changes' })
@Index('ix_registry_changes_entity', ['entity', 'entityKey', 'id'])
export class RegistryChangeEntity {
  @PrimaryGeneratedColumn({ name: 'id', type: 'bigint' })
  id!: string;

  @Column({ name: 'at', type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  @Column({ name: 'actor', type: 'varchar', length: 100 })
  actor!: string;

  @Column({ name: 'actor_role', type: 'varchar', length: 32 })
  actorRole!: string;

  /** unit | plan | person | passport | calendar | process-version */
  @Column({ name: 'entity', type: 'varchar', length: 32 })
  entity!: string;

  @Column({ name: 'entity_key', type: 'varchar', length: 100 })
  entityKey!: string;

  /** created | updated | suspended | lifted | checked-out | ... */
  @Column({ name: 'action', type: 'varchar', length: 32 })
  action!: string;

  /** Unit the change concerns (for scoping the audit list). */
  @Column({ name: 'unit', type: 'varchar', length: 64, nullable: true })
  unit!: string | null;

  @Column({ name: 'before', type: 'jsonb', nullable: true })
  before!: unknown;

  @Column({ name: 'after', type: 'jsonb', nullable: true })
  after!: unknown;
}

export const REGISTRY_ENTITIES = [
  UnitEntity,
  AnnualPlanEntity,
  PersonEntity,
  CustodyPassportEntity,
  CustodyPassportEventEntity,
  HolidayScheduleEntity,
  ProcessVersionEntity,
  RegistryChangeEntity,
];
