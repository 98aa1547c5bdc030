import { MigrationInterface, QueryRunner } from "typeorm";

export class ApecCards1795989647814 implements MigrationInterface {
    name = 'ApecCards1795989647814'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "apec_enterprises" (
                "unit" character varying(64) NOT NULL,
                "ownership" character varying(16) NOT NULL,
                "size" character varying(16) NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_854dd122750bf17755bba959630" PRIMARY KEY ("unit")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "apec_whitelist" (
                "unit" character varying(64) NOT NULL,
                "state" character varying(16) NOT NULL,
                "reason" character varying(32),
                "note" character varying(500),
                "review_due_on" date,
                "since" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_015f6502940a9ff921b72387761" PRIMARY KEY ("unit")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "apec_whitelist_history" (
                "id" BIGSERIAL NOT NULL,
                "unit" character varying(64) NOT NULL,
                "action" character varying(16) NOT NULL,
                "from_state" character varying(16),
                "to_state" character varying(16),
                "reason" character varying(32),
                "detail" jsonb,
                "stopped_cases" jsonb NOT NULL DEFAULT '[]',
                "actor_id" character varying(128) NOT NULL,
                "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_af974b6e3bd49c25e3f9a024014" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_apec_whitelist_history_unit" ON "apec_whitelist_history" ("unit", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "apec_cards" (
                "number" character varying(32) NOT NULL,
                "holder" character varying(64) NOT NULL,
                "unit" character varying(64) NOT NULL,
                "economies" character varying(2) array NOT NULL,
                "issued_on" date NOT NULL,
                "valid_until" date NOT NULL,
                "status" character varying(16) NOT NULL,
                "renewal_opened_at" TIMESTAMP WITH TIME ZONE,
                "case_id" character varying(64),
                "status_reason" character varying(500),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_9124e38b5c0919a10232167481a" PRIMARY KEY ("number")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_apec_cards_unit" ON "apec_cards" ("unit")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_apec_cards_holder" ON "apec_cards" ("holder")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_apec_cards_holder"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_apec_cards_unit"
        `);
        await queryRunner.query(`
            DROP TABLE "apec_cards"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_apec_whitelist_history_unit"
        `);
        await queryRunner.query(`
            DROP TABLE "apec_whitelist_history"
        `);
        await queryRunner.query(`
            DROP TABLE "apec_whitelist"
        `);
        await queryRunner.query(`
            DROP TABLE "apec_enterprises"
        `);
    }

}
