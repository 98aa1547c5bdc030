import { MigrationInterface, QueryRunner } from "typeorm";

export class ApecStandingHolds1796354005296 implements MigrationInterface {
    name = 'ApecStandingHolds1796354005296'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "apec_standing_holds" (
                "hold_id" uuid NOT NULL,
                "unit" character varying(64) NOT NULL,
                "case_id" character varying(64) NOT NULL,
                "held_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_7c171e6dba34af4b3ad7934d56a" PRIMARY KEY ("hold_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_apec_standing_holds_unit" ON "apec_standing_holds" ("unit")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_apec_standing_holds_unit"
        `);
        await queryRunner.query(`
            DROP TABLE "apec_standing_holds"
        `);
    }

}
