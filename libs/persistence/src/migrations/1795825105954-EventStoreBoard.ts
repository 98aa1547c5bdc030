import { MigrationInterface, QueryRunner } from "typeorm";

export class EventStoreBoard1795825105954 implements MigrationInterface {
    name = 'EventStoreBoard1795825105954'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "cases" DROP COLUMN "outcomes"
        `);
        await queryRunner.query(`
            ALTER TABLE "cases"
            ADD "supervising_department" character varying(64)
        `);
        await queryRunner.query(`
            ALTER TABLE "cases"
            ADD "submission_to_departure_days" integer
        `);
        await queryRunner.query(`
            ALTER TABLE "cases"
            ADD "report_filed_at" TIMESTAMP WITH TIME ZONE
        `);
        await queryRunner.query(`
            ALTER TABLE "cases"
            ADD "investment_signed_yuan" numeric(20, 2)
        `);
        await queryRunner.query(`
            ALTER TABLE "cases"
            ADD "trade_signed_yuan" numeric(20, 2)
        `);
        await queryRunner.query(`
            ALTER TABLE "cases"
            ADD "promotion_events" integer
        `);
        await queryRunner.query(`
            ALTER TABLE "case_steps"
            ADD "name_zh" character varying(200)
        `);
        await queryRunner.query(`
            ALTER TABLE "case_steps"
            ADD "name_en" character varying(300)
        `);
        await queryRunner.query(`
            ALTER TABLE "case_steps"
            ADD "overdue_since" TIMESTAMP WITH TIME ZONE
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_cases_report_filed" ON "cases" ("report_filed_at")
            WHERE "report_filed_at" IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_cases_departure_days" ON "cases" ("submission_to_departure_days")
            WHERE "submission_to_departure_days" IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_cases_open_at_risk" ON "cases" ("slack_wd")
            WHERE "status" = 'open'
                AND "at_risk"
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_cases_status_phase" ON "cases" ("status", "phase")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_case_steps_done_code" ON "case_steps" ("code", "working_days")
            WHERE "status" = 'done'
                AND "working_days" IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_case_steps_overdue" ON "case_steps" ("actor_role", "overdue_since")
            WHERE "overdue_since" IS NOT NULL
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_case_steps_overdue"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_case_steps_done_code"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_cases_status_phase"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_cases_open_at_risk"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_cases_departure_days"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_cases_report_filed"
        `);
        await queryRunner.query(`
            ALTER TABLE "case_steps" DROP COLUMN "overdue_since"
        `);
        await queryRunner.query(`
            ALTER TABLE "case_steps" DROP COLUMN "name_en"
        `);
        await queryRunner.query(`
            ALTER TABLE "case_steps" DROP COLUMN "name_zh"
        `);
        await queryRunner.query(`
            ALTER TABLE "cases" DROP COLUMN "promotion_events"
        `);
        await queryRunner.query(`
            ALTER TABLE "cases" DROP COLUMN "trade_signed_yuan"
        `);
        await queryRunner.query(`
            ALTER TABLE "cases" DROP COLUMN "investment_signed_yuan"
        `);
        await queryRunner.query(`
            ALTER TABLE "cases" DROP COLUMN "report_filed_at"
        `);
        await queryRunner.query(`
            ALTER TABLE "cases" DROP COLUMN "submission_to_departure_days"
        `);
        await queryRunner.query(`
            ALTER TABLE "cases" DROP COLUMN "supervising_department"
        `);
        await queryRunner.query(`
            ALTER TABLE "cases"
            ADD "outcomes" jsonb
        `);
    }

}
