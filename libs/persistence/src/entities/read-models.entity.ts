import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Read models, projected from case_events in the same transaction as the append (and rebuildable
 * from them). The API's lists, inbox, timeline and the managers' board read these, never Temporal.
 */
@Entity({ name: 'cases' })
// Orders of the lists to their last tie-breaker, so a page is the index's first rows (no sort of every match):
// the board's in-flight list (status, then slack order), the case list's default (slack) and departure sorts.
@Index('ix_cases_status_slack', ['status', 'slackWd', 'departureDate', 'caseId'])
@Index('ix_cases_slack_order', ['slackWd', 'departureDate', 'caseId'])
@Index('ix_cases_unit_status', ['unit', 'status'])
@Index('ix_cases_departure', ['departureDate', 'slackWd', 'caseId'])
// The managers' board (GET /api/dashboard): counts by phase, the at-risk list, departure and outcome figures.
@Index('ix_cases_status_phase', ['status', 'phase'])
@Index('ix_cases_open_at_risk', ['slackWd', 'departureDate', 'caseId'], { where: `"status" = 'open' AND "at_risk"` })
@Index('ix_cases_departure_days', ['submissionToDepartureDays'], { where: '"submission_to_departure_days" IS NOT NULL' })
@Index('ix_cases_report_filed', ['reportFiledAt'], { where: '"report_filed_at" IS NOT NULL' })
// The board's submission period and the case list's newest-first order.
@Index('ix_cases_submitted_at', ['submittedAt'])
export class CaseEntity {
  @PrimaryColumn({ name: 'case_id', type: 'varchar', length: 64 })
  caseId!: string;

  @Column({ name: 'workflow_id', type: 'varchar', length: 100 })
  workflowId!: string;

  @Column({ name: 'title', type: 'varchar', length: 200 })
  title!: string;

  @Column({ name: 'unit', type: 'varchar', length: 64 })
  unit!: string;

  /** The unit's competent department (主管部门), whose dept-approver reviews the case (A16) and may read it. */
  @Column({ name: 'supervising_department', type: 'varchar', length: 64, nullable: true })
  supervisingDepartment!: string | null;

  @Column({ name: 'purpose', type: 'varchar', length: 32 })
  purpose!: string;

  /** open | departed | completed | rejected | withdrawn | cancelled | failed | terminated (CASE_STATUSES) */
  @Column({ name: 'status', type: 'varchar', length: 16 })
  status!: string;

  @Column({ name: 'phase', type: 'varchar', length: 16 })
  phase!: string;

  @Column({ name: 'departure_date', type: 'date' })
  departureDate!: string;

  @Column({ name: 'return_date', type: 'date' })
  returnDate!: string;

  @Column({ name: 'countries', type: 'varchar', length: 2, array: true })
  countries!: string[];

  @Column({ name: 'member_count', type: 'integer' })
  memberCount!: number;

  @Column({ name: 'forecast_ready_at', type: 'timestamptz', nullable: true })
  forecastReadyAt!: Date | null;

  @Column({ name: 'slack_wd', type: 'double precision', nullable: true })
  slackWd!: number | null;

  @Column({ name: 'at_risk', type: 'boolean', default: false })
  atRisk!: boolean;

  /** The plan crosses a year without a published or loaded holiday schedule (planned with its statutory holidays). */
  @Column({ name: 'provisional_calendar', type: 'boolean', default: false })
  provisionalCalendar!: boolean;

  /** Nothing of the preparation remains (the last re-plan's Plan.prepared); null: re-planned before the field was. */
  @Column({ name: 'prepared', type: 'boolean', nullable: true })
  prepared!: boolean | null;

  /** The first unfinished step on the critical path: what puts the case at risk. */
  @Column({ name: 'critical_step', type: 'varchar', length: 64, nullable: true })
  criticalStep!: string | null;

  @Column({ name: 'critical_path', type: 'jsonb', default: () => "'[]'" })
  criticalPath!: string[];

  @Column({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt!: Date;

  @Column({ name: 'submitted_by', type: 'varchar', length: 128 })
  submittedBy!: string;

  /**
   * Who submitted the case or acted on it as its organizer (user ids, sorted; organizersOf in libs/domain access.ts):
   * separation of duties keeps them from deciding on it, checked by the API from this row before sending.
   */
  @Column({ name: 'organizers', type: 'varchar', length: 128, array: true, default: () => "'{}'" })
  organizers!: string[];

  @Column({ name: 'departed_at', type: 'timestamptz', nullable: true })
  departedAt!: Date | null;

  /** Calendar days (Asia/Shanghai dates) from the submission to the departure (E07): the brief's headline is 22. */
  @Column({ name: 'submission_to_departure_days', type: 'integer', nullable: true })
  submissionToDepartureDays!: number | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'definition_version', type: 'varchar', length: 32 })
  definitionVersion!: string;

  /** When the trip report (P03) was filed; its outcomes below (null: not reported). */
  @Column({ name: 'report_filed_at', type: 'timestamptz', nullable: true })
  reportFiledAt!: Date | null;

  /** Investment signed, yuan (numeric: PostgreSQL returns it as a string). */
  @Column({ name: 'investment_signed_yuan', type: 'numeric', precision: 20, scale: 2, nullable: true })
  investmentSignedYuan!: string | null;

  /** Trade signed, yuan. */
  @Column({ name: 'trade_signed_yuan', type: 'numeric', precision: 20, scale: 2, nullable: true })
  tradeSignedYuan!: string | null;

  @Column({ name: 'promotion_events', type: 'integer', nullable: true })
  promotionEvents!: number | null;

  @Column({ name: 'last_seq', type: 'integer' })
  lastSeq!: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

@Entity({ name: 'case_steps' })
// The inboxes (libs/persistence/src/read-models/inbox.repository.ts): open steps only (a few % of the rows), in
// the inbox's order, with the columns its filters and count read, so a page and the capped count are index scans
// that stop early. One for roles reaching every unit, one for unit-scoped roles. OPEN_STEP_STATUSES, spelled out.
@Index('ix_case_steps_open', ['actorRole', 'latestStartAt', 'caseId', 'stepKey', 'phase'], {
  where: `"status" IN ('awaiting', 'overdue', 'blocked')`,
})
@Index('ix_case_steps_open_unit', ['unit', 'actorRole', 'latestStartAt', 'caseId', 'stepKey', 'phase'], {
  where: `"status" IN ('awaiting', 'overdue', 'blocked')`,
})
// The board: overdue steps by role (ranked and counted from the index alone), and time spent per step code.
@Index('ix_case_steps_overdue', ['actorRole', 'overdueSince', 'caseId', 'stepKey'], { where: '"overdue_since" IS NOT NULL' })
@Index('ix_case_steps_done_code', ['code', 'workingDays'], { where: `"status" = 'done' AND "working_days" IS NOT NULL` })
export class CaseStepEntity {
  @PrimaryColumn({ name: 'case_id', type: 'varchar', length: 64 })
  caseId!: string;

  @PrimaryColumn({ name: 'step_key', type: 'varchar', length: 64 })
  stepKey!: string;

  @Column({ name: 'code', type: 'varchar', length: 8 })
  code!: string;

  /** The step's name in the case's pinned definition (from its events). */
  @Column({ name: 'name_zh', type: 'varchar', length: 200, nullable: true })
  nameZh!: string | null;

  @Column({ name: 'name_en', type: 'varchar', length: 300, nullable: true })
  nameEn!: string | null;

  @Column({ name: 'phase', type: 'varchar', length: 16 })
  phase!: string;

  @Column({ name: 'kind', type: 'varchar', length: 16 })
  kind!: string;

  @Column({ name: 'actor_role', type: 'varchar', length: 32 })
  actorRole!: string;

  /** Denormalised from the case for unit-scoped inboxes. */
  @Column({ name: 'unit', type: 'varchar', length: 64 })
  unit!: string;

  @Column({ name: 'member_id', type: 'varchar', length: 64, nullable: true })
  memberId!: string | null;

  @Column({ name: 'country', type: 'varchar', length: 2, nullable: true })
  country!: string | null;

  /** pending | awaiting | done | skipped | returned | blocked | overdue | withdrawn */
  @Column({ name: 'status', type: 'varchar', length: 16 })
  status!: string;

  /**
   * Why the step is blocked, as step.blocked gave it ({zh, en}: the 容缺 documents past their deadline it needs), for the
   * inbox's blockedFor while `status` is blocked (every action on it is refused 409 STEP_NOT_AWAITING meanwhile);
   * cleared by step.unblocked. Read only with status blocked.
   */
  @Column({ name: 'blocked_reason', type: 'jsonb', nullable: true })
  blockedReason!: { zh: string; en: string } | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'done_at', type: 'timestamptz', nullable: true })
  doneAt!: Date | null;

  @Column({ name: 'due_at', type: 'timestamptz', nullable: true })
  dueAt!: Date | null;

  @Column({ name: 'latest_start_at', type: 'timestamptz', nullable: true })
  latestStartAt!: Date | null;

  /**
   * Due date of a deadline missed while the step was open (step.overdue); cleared when the step is done,
   * returned, withdrawn or opened again, or the case closes. Set: the step counts as overdue on the board,
   * whatever its status (blocked included).
   */
  @Column({ name: 'overdue_since', type: 'timestamptz', nullable: true })
  overdueSince!: Date | null;

  @Column({ name: 'acted_by', type: 'varchar', length: 128, nullable: true })
  actedBy!: string | null;

  @Column({ name: 'acted_by_role', type: 'varchar', length: 32, nullable: true })
  actedByRole!: string | null;

  @Column({ name: 'on_behalf_of', type: 'varchar', length: 128, nullable: true })
  onBehalfOf!: string | null;

  @Column({ name: 'decision', type: 'varchar', length: 32, nullable: true })
  decision!: string | null;

  /** Working days from start (the last opening) to done, rounded to 0.001: where the chain loses its days. */
  @Column({ name: 'working_days', type: 'double precision', nullable: true })
  workingDays!: number | null;

  @Column({ name: 'updated_seq', type: 'integer' })
  updatedSeq!: number;
}

/** Escalations and reminders: a record a person will see, not a log line. */
@Entity({ name: 'notifications' })
@Index('ix_notifications_role_unit', ['role', 'unit', 'createdAt'])
export class NotificationEntity {
  /** Deterministic (from the workflow), so a retried escalation writes one row. */
  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id!: string;

  @Column({ name: 'case_id', type: 'varchar', length: 64 })
  caseId!: string;

  @Column({ name: 'step_key', type: 'varchar', length: 64, nullable: true })
  stepKey!: string | null;

  /** step-overdue | deficiency-overdue | passport-overdue | unit-flagged | report-overdue */
  @Column({ name: 'kind', type: 'varchar', length: 32 })
  kind!: string;

  @Column({ name: 'role', type: 'varchar', length: 32 })
  role!: string;

  @Column({ name: 'unit', type: 'varchar', length: 64 })
  unit!: string;

  @Column({ name: 'message', type: 'jsonb' })
  message!: { zh: string; en: string };

  @Column({ name: 'due_at', type: 'timestamptz', nullable: true })
  dueAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** Trips made, per person, for the frequency rule (A08) across cases and years. */
@Entity({ name: 'member_trips' })
@Index('ix_member_trips_person', ['personKey', 'departureDate'])
export class MemberTripEntity {
  @PrimaryColumn({ name: 'case_id', type: 'varchar', length: 64 })
  caseId!: string;

  @PrimaryColumn({ name: 'member_id', type: 'varchar', length: 64 })
  memberId!: string;

  /** Stable identity of the person across cases (personId, else unit + name). */
  @Column({ name: 'person_key', type: 'varchar', length: 200 })
  personKey!: string;

  @Column({ name: 'unit', type: 'varchar', length: 64 })
  unit!: string;

  @Column({ name: 'purpose', type: 'varchar', length: 32 })
  purpose!: string;

  @Column({ name: 'departure_date', type: 'date' })
  departureDate!: string;

  @Column({ name: 'return_date', type: 'date' })
  returnDate!: string;
}

/**
 * The current members of every case by person key (each of openCaseKeys: personId, passport number and unit + name), for the
 * open-case overlap rule (MEMBER_ON_OPEN_CASE): a person's cases are found by key, their status and trip window
 * read from `cases`. Projected from case.submitted, case.amended (a new member list), member.withdrawn and the
 * passport a member's C05 recorded (`issued`).
 */
@Entity({ name: 'case_members' })
@Index('ix_case_members_person', ['personKey'])
export class CaseMemberEntity {
  @PrimaryColumn({ name: 'case_id', type: 'varchar', length: 64 })
  caseId!: string;

  @PrimaryColumn({ name: 'member_id', type: 'varchar', length: 64 })
  memberId!: string;

  @PrimaryColumn({ name: 'person_key', type: 'varchar', length: 200 })
  personKey!: string;

  /**
   * The key is a passport issued during the case (C05's completion, schema 'new-passport'), not one of the member's
   * facts: a new member list (an amendment) keeps it for a member still on the case, and the step done again replaces
   * it (trial H1's remainder: an amendment after C05 dropped the key; a C05 redone kept the old number's).
   */
  @Column({ name: 'issued', type: 'boolean', default: false })
  issued!: boolean;
}

/**
 * Task approval documents (任务批件, B08), numbered per year: one number per issue, so a document issued again after an
 * amendment (other dates, other members) is told apart from the one it replaces by its number (trial 83: three issues
 * of one case each read 外任批〔2027〕0001号). An issue is its case and its run's instant (`issued_at`, the step's case
 * time): a retry of the same run returns the number it already has.
 */
@Entity({ name: 'approval_documents' })
export class ApprovalDocumentEntity {
  @PrimaryColumn({ name: 'case_id', type: 'varchar', length: 64 })
  caseId!: string;

  @Column({ name: 'year', type: 'integer' })
  year!: number;

  @Column({ name: 'serial', type: 'integer' })
  serial!: number;

  @Index('ux_approval_documents_no', { unique: true })
  @Column({ name: 'document_no', type: 'varchar', length: 64 })
  documentNo!: string;

  @PrimaryColumn({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;
}

/**
 * The board's case counts by (unit, status, phase, definition version), kept as signed deltas: triggers on `cases`
 * (migration CaseCounts) append, per statement, how many rows entered and left each key (+n / −n), so no two
 * writers ever wait on one counter row. The count of a key is the sum of its rows; `BoardRepository.compactCaseCounts`
 * folds the rows into one per key now and then. Written by PostgreSQL alone: no code inserts here.
 */
@Entity({ name: 'case_counts' })
export class CaseCountEntity {
  @PrimaryGeneratedColumn('identity', { name: 'id', type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'unit', type: 'varchar', length: 64 })
  unit!: string;

  @Column({ name: 'status', type: 'varchar', length: 16 })
  status!: string;

  @Column({ name: 'phase', type: 'varchar', length: 16 })
  phase!: string;

  @Column({ name: 'definition_version', type: 'varchar', length: 32 })
  definitionVersion!: string;

  /** Cases that entered the key (positive) or left it (negative). */
  @Column({ name: 'n', type: 'integer' })
  n!: number;
}
