import { MigrationInterface, QueryRunner } from "typeorm";

export class ApiUsers1795334570857 implements MigrationInterface {
    name = 'ApiUsers1795334570857'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "users" (
                "id" uuid NOT NULL,
                "username" character varying(100) NOT NULL,
                "password_hash" character varying(100) NOT NULL,
                "role" character varying(32) NOT NULL,
                "unit" character varying(64) NOT NULL,
                "display_name" character varying(100) NOT NULL,
                "demo" boolean NOT NULL DEFAULT false,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_users_username" ON "users" ("username")
        `);
        await queryRunner.query(`
            CREATE TABLE "idempotency_records" (
                "key" character varying(200) NOT NULL,
                "user_id" uuid NOT NULL,
                "fingerprint" character varying(64) NOT NULL,
                "status" character varying(16) NOT NULL,
                "case_id" character varying(64),
                "response_status" integer,
                "response_body" jsonb,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "completed_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_f97e644e78e639ac55614cbaffe" PRIMARY KEY ("key")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_idempotency_records_created" ON "idempotency_records" ("created_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_idempotency_records_created"
        `);
        await queryRunner.query(`
            DROP TABLE "idempotency_records"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_users_username"
        `);
        await queryRunner.query(`
            DROP TABLE "users"
        `);
    }

}
