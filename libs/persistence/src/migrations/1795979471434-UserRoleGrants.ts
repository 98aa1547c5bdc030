import { MigrationInterface, QueryRunner } from "typeorm";

export class UserRoleGrants1795979471434 implements MigrationInterface {
    name = 'UserRoleGrants1795979471434'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD "grants" jsonb NOT NULL DEFAULT '[]'::jsonb
        `);
        // Existing users keep their one role as their one grant: their tokens (role, unit) stay valid.
        await queryRunner.query(`
            UPDATE "users" SET "grants" = jsonb_build_array(jsonb_build_object('role', "role", 'unit', "unit"))
        `);
        // The generator also offered audit_events.detail's default ('{}' vs '{}'::jsonb): the same value, left out.
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "users" DROP COLUMN "grants"
        `);
    }

}
