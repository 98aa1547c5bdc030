import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * cases.prepared: nothing of the case's preparation remains, as its last re-plan said (Plan.prepared, case.replanned's
 * `prepared`); null for a case re-planned before the field was, read by its forecast until its next re-plan (trial 86:
 * the board read 已就绪 with D13 overdue). Generated (the column); the generator's default-expression noise on other
 * tables is left out.
 */
export class CasesPrepared1796687416201 implements MigrationInterface {
    name = 'CasesPrepared1796687416201'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "cases"
            ADD "prepared" boolean
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "cases" DROP COLUMN "prepared"
        `);
    }

}
