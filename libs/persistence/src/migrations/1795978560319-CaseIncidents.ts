import { MigrationInterface, QueryRunner } from "typeorm";

export class CaseIncidents1795978560319 implements MigrationInterface {
    name = 'CaseIncidents1795978560319'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "case_incidents" (
                "incident_id" uuid NOT NULL,
                "case_id" character varying(64) NOT NULL,
                "activity" character varying(64) NOT NULL,
                "error_type" character varying(64) NOT NULL,
                "error" text NOT NULL,
                "step_keys" jsonb NOT NULL,
                "opened_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "resolved_at" TIMESTAMP WITH TIME ZONE,
                "resolved_by" character varying(128),
                CONSTRAINT "PK_48b5d688fe0477ae3b5e0aca0af" PRIMARY KEY ("incident_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_case_incidents_open" ON "case_incidents" ("opened_at")
            WHERE "resolved_at" IS NULL
        `);
        await queryRunner.query(`
            ALTER TABLE "audit_events"
            ALTER COLUMN "detail"
            SET DEFAULT '{}'::jsonb
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "audit_events"
            ALTER COLUMN "detail"
            SET DEFAULT '{}'
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_case_incidents_open"
        `);
        await queryRunner.query(`
            DROP TABLE "case_incidents"
        `);
    }

}
