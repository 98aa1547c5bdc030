import { MigrationInterface, QueryRunner } from "typeorm";

// Generated (npm run migration:generate -- ApecCardRef); the generator's jsonb-default noise on users.grants and
// audit_events.detail (the same defaults written as '[]' vs '[]'::jsonb) removed: those columns are unchanged.
export class ApecCardRef1796001469987 implements MigrationInterface {
    name = 'ApecCardRef1796001469987'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "apec_cards"
            ADD "ref" uuid NOT NULL DEFAULT gen_random_uuid()
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_apec_cards_ref" ON "apec_cards" ("ref")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."uq_apec_cards_ref"
        `);
        await queryRunner.query(`
            ALTER TABLE "apec_cards" DROP COLUMN "ref"
        `);
    }

}
