import { MigrationInterface, QueryRunner } from "typeorm";

export class BoardIndexes1796034550882 implements MigrationInterface {
    name = 'BoardIndexes1796034550882'

    // The board at 100,000 cases (docs/benchmarks.md, "The board with margin"): list orders served by indexes to
    // their last tie-breaker, open-step partial indexes for the inboxes, the overdue ranking from its index alone.
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_cases_departure"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_cases_status_slack"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_cases_open_at_risk"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_case_steps_inbox"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_case_steps_overdue"
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_cases_open_at_risk" ON "cases" ("slack_wd", "departure_date", "case_id")
            WHERE "status" = 'open'
                AND "at_risk"
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_cases_departure" ON "cases" ("departure_date", "slack_wd", "case_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_cases_slack_order" ON "cases" ("slack_wd", "departure_date", "case_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_cases_status_slack" ON "cases" (
                "status",
                "slack_wd",
                "departure_date",
                "case_id"
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_case_steps_overdue" ON "case_steps" (
                "actor_role",
                "overdue_since",
                "case_id",
                "step_key"
            )
            WHERE "overdue_since" IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_case_steps_open_unit" ON "case_steps" (
                "unit",
                "actor_role",
                "latest_start_at",
                "case_id",
                "step_key",
                "phase"
            )
            WHERE "status" IN ('awaiting', 'overdue', 'blocked')
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_case_steps_open" ON "case_steps" (
                "actor_role",
                "latest_start_at",
                "case_id",
                "step_key",
                "phase"
            )
            WHERE "status" IN ('awaiting', 'overdue', 'blocked')
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        // The old indexes in the column orders ReadModels1795333978845 gave them (the generator lists them by name).
        await queryRunner.query(`
            DROP INDEX "public"."ix_case_steps_open"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_case_steps_open_unit"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_case_steps_overdue"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_cases_status_slack"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_cases_slack_order"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_cases_departure"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_cases_open_at_risk"
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_case_steps_overdue" ON "case_steps" USING btree ("actor_role", "overdue_since")
            WHERE (overdue_since IS NOT NULL)
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_case_steps_inbox" ON "case_steps" USING btree ("actor_role", "status", "latest_start_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_cases_open_at_risk" ON "cases" USING btree ("slack_wd")
            WHERE (
                    ((status)::text = 'open'::text)
                    AND at_risk
                )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_cases_status_slack" ON "cases" USING btree ("status", "slack_wd")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_cases_departure" ON "cases" USING btree ("departure_date")
        `);
    }

}
