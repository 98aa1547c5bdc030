import { MigrationInterface, QueryRunner } from "typeorm";

// Generated (npm run migration:generate -- ApecCardReplacedBy); the generator's noise removed: the jsonb defaults
// of users.grants and audit_events.detail, and apec_cards.ref's default re-set to the same gen_random_uuid().
export class ApecCardReplacedBy1796002119210 implements MigrationInterface {
    name = 'ApecCardReplacedBy1796002119210'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "apec_cards"
            ADD "replaced_by" character varying(32)
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "apec_cards" DROP COLUMN "replaced_by"
        `);
    }

}
