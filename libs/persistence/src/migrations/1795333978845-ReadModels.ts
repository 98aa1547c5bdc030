import { MigrationInterface, QueryRunner } from "typeorm";

export class ReadModels1795333978845 implements MigrationInterface {
    name = 'ReadModels1795333978845'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "cases" (
                "case_id" character varying(64) NOT NULL,
                "workflow_id" character varying(100) NOT NULL,
                "title" character varying(200) NOT NULL,
                "unit" character varying(64) NOT NULL,
                "purpose" character varying(32) NOT NULL,
                "status" character varying(16) NOT NULL,
                "phase" character varying(16) NOT NULL,
                "departure_date" date NOT NULL,
                "return_date" date NOT NULL,
                "countries" character varying(2) array NOT NULL,
                "member_count" integer NOT NULL,
                "forecast_ready_at" TIMESTAMP WITH TIME ZONE,
                "slack_wd" double precision,
                "at_risk" boolean NOT NULL DEFAULT false,
                "critical_step" character varying(64),
                "critical_path" jsonb NOT NULL DEFAULT '[]',
                "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "submitted_by" character varying(128) NOT NULL,
                "departed_at" TIMESTAMP WITH TIME ZONE,
                "closed_at" TIMESTAMP WITH TIME ZONE,
                "definition_version" character varying(32) NOT NULL,
                "outcomes" jsonb,
                "last_seq" integer NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_b8dcf802997909e8a6c413bf8d6" PRIMARY KEY ("case_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_cases_departure" ON "cases" ("departure_date")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_cases_unit_status" ON "cases" ("unit", "status")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_cases_status_slack" ON "cases" ("status", "slack_wd")
        `);
        await queryRunner.query(`
            CREATE TABLE "case_steps" (
                "case_id" character varying(64) NOT NULL,
                "step_key" character varying(64) NOT NULL,
                "code" character varying(8) NOT NULL,
                "phase" character varying(16) NOT NULL,
                "kind" character varying(16) NOT NULL,
                "actor_role" character varying(32) NOT NULL,
                "unit" character varying(64) NOT NULL,
                "member_id" character varying(64),
                "country" character varying(2),
                "status" character varying(16) NOT NULL,
                "started_at" TIMESTAMP WITH TIME ZONE,
                "done_at" TIMESTAMP WITH TIME ZONE,
                "due_at" TIMESTAMP WITH TIME ZONE,
                "latest_start_at" TIMESTAMP WITH TIME ZONE,
                "acted_by" character varying(128),
                "acted_by_role" character varying(32),
                "on_behalf_of" character varying(128),
                "decision" character varying(32),
                "working_days" double precision,
                "updated_seq" integer NOT NULL,
                CONSTRAINT "PK_2666b43a5696834814023775f3d" PRIMARY KEY ("case_id", "step_key")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_case_steps_inbox" ON "case_steps" ("actor_role", "status", "latest_start_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "notifications" (
                "id" uuid NOT NULL,
                "case_id" character varying(64) NOT NULL,
                "step_key" character varying(64),
                "kind" character varying(32) NOT NULL,
                "role" character varying(32) NOT NULL,
                "unit" character varying(64) NOT NULL,
                "message" jsonb NOT NULL,
                "due_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_6a72c3c0f683f6462415e653c3a" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_notifications_role_unit" ON "notifications" ("role", "unit", "created_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "member_trips" (
                "case_id" character varying(64) NOT NULL,
                "member_id" character varying(64) NOT NULL,
                "person_key" character varying(200) NOT NULL,
                "unit" character varying(64) NOT NULL,
                "purpose" character varying(32) NOT NULL,
                "departure_date" date NOT NULL,
                "return_date" date NOT NULL,
                CONSTRAINT "PK_d5fb59d1c1151780f0ee37f62ae" PRIMARY KEY ("case_id", "member_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_member_trips_person" ON "member_trips" ("person_key", "departure_date")
        `);
        await queryRunner.query(`
            CREATE TABLE "approval_documents" (
                "case_id" character varying(64) NOT NULL,
                "year" integer NOT NULL,
                "serial" integer NOT NULL,
                "document_no" character varying(64) NOT NULL,
                "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_f187cf85a3230b4737afd1b006c" PRIMARY KEY ("case_id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_approval_documents_no" ON "approval_documents" ("document_no")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ux_approval_documents_no"
        `);
        await queryRunner.query(`
            DROP TABLE "approval_documents"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_member_trips_person"
        `);
        await queryRunner.query(`
            DROP TABLE "member_trips"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_notifications_role_unit"
        `);
        await queryRunner.query(`
            DROP TABLE "notifications"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_case_steps_inbox"
        `);
        await queryRunner.query(`
            DROP TABLE "case_steps"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_cases_status_slack"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_cases_unit_status"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_cases_departure"
        `);
        await queryRunner.query(`
            DROP TABLE "cases"
        `);
    }

}
