import { MigrationInterface, QueryRunner } from "typeorm";

export class Init1795333139030 implements MigrationInterface {
    name = 'Init1795333139030'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "case_events" (
                "stream_id" character varying(64) NOT NULL,
                "seq" integer NOT NULL,
                "event_id" uuid NOT NULL,
                "type" character varying(64) NOT NULL,
                "actor_id" character varying(128),
                "actor_role" character varying(32),
                "on_behalf_of" character varying(128),
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "payload" jsonb NOT NULL,
                CONSTRAINT "PK_0d84c7d5d39381ecf993ab5c8dd" PRIMARY KEY ("stream_id", "seq")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_case_events_event_id" ON "case_events" ("event_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_case_events_type_occurred" ON "case_events" ("type", "occurred_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_case_events_type_occurred"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_case_events_event_id"
        `);
        await queryRunner.query(`
            DROP TABLE "case_events"
        `);
    }

}
