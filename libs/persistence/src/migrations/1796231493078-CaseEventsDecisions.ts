import { MigrationInterface, QueryRunner } from 'typeorm';

// Generated; the generator's default-expression diffs (users.grants, custody_passports.ref, audit_events.detail,
// apec_cards.ref: TypeORM reading back what PostgreSQL normalised) left out, as in the migrations before.
export class CaseEventsDecisions1796231493078 implements MigrationInterface {
  name = 'CaseEventsDecisions1796231493078';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX "ix_case_events_decisions" ON "case_events" ("actor_id", "stream_id", "seq")
            WHERE type IN ('step.decided', 'step.completed')
                AND actor_id IS NOT NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."ix_case_events_decisions"
        `);
  }
}
