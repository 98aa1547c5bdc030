import { MigrationInterface, QueryRunner } from "typeorm";

export class ProvisionalCalendarFlag1795981165006 implements MigrationInterface {
    name = 'ProvisionalCalendarFlag1795981165006'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "cases"
            ADD "provisional_calendar" boolean NOT NULL DEFAULT false
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
            ALTER TABLE "cases" DROP COLUMN "provisional_calendar"
        `);
    }

}
