import { MigrationInterface, QueryRunner } from "typeorm";

export class AuthUsersAuditEvents1795966383677 implements MigrationInterface {
    name = 'AuthUsersAuditEvents1795966383677'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "audit_events" (
                "id" BIGSERIAL NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "action" character varying(64) NOT NULL,
                "outcome" character varying(16) NOT NULL,
                "actor" character varying(100),
                "user_id" uuid,
                "target" character varying(200),
                "address" character varying(64),
                "request_id" character varying(128),
                "detail" jsonb NOT NULL DEFAULT '{}'::jsonb,
                CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_audit_events_action" ON "audit_events" ("action", "occurred_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_audit_events_actor" ON "audit_events" ("actor", "occurred_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_audit_events_occurred" ON "audit_events" ("occurred_at")
        `);
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD "enabled" boolean NOT NULL DEFAULT true
        `);
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD "token_version" integer NOT NULL DEFAULT '1'
        `);
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD "must_change_password" boolean NOT NULL DEFAULT false
        `);
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD "last_sign_in_at" TIMESTAMP WITH TIME ZONE
        `);
        // Generated as DROP + ADD, which loses every hash (and fails on a filled table): widened in place.
        await queryRunner.query(`
            ALTER TABLE "users" ALTER COLUMN "password_hash" TYPE character varying(255)
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "users" ALTER COLUMN "password_hash" TYPE character varying(100)
        `);
        await queryRunner.query(`
            ALTER TABLE "users" DROP COLUMN "last_sign_in_at"
        `);
        await queryRunner.query(`
            ALTER TABLE "users" DROP COLUMN "must_change_password"
        `);
        await queryRunner.query(`
            ALTER TABLE "users" DROP COLUMN "token_version"
        `);
        await queryRunner.query(`
            ALTER TABLE "users" DROP COLUMN "enabled"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_audit_events_occurred"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_audit_events_actor"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_audit_events_action"
        `);
        await queryRunner.query(`
            DROP TABLE "audit_events"
        `);
    }

}
