import { MigrationInterface, QueryRunner } from 'typeorm';

// Generated; the generator's default-expression diffs (users.grants, custody_passports.ref, audit_events.detail,
// apec_cards.ref: TypeORM reading back what PostgreSQL normalised) left out, as in the migrations before.
export class CaseEventsPlanTaken1796281772278 implements MigrationInterface {
  name = 'CaseEventsPlanTaken1796281772278';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX "ix_case_events_plan_taken" ON "case_events" ("stream_id")
            WHERE type = 'step.completed'
                AND (payload->'data'->>'planOutcome') = 'planned'
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."ix_case_events_plan_taken"
        `);
  }
}
