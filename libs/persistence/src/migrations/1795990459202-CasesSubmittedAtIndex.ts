import { MigrationInterface, QueryRunner } from "typeorm";

export class CasesSubmittedAtIndex1795990459202 implements MigrationInterface {
    name = 'CasesSubmittedAtIndex1795990459202'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "users"
            ALTER COLUMN "grants"
            SET DEFAULT '[]'::jsonb
        `);
        await queryRunner.query(`
            ALTER TABLE "audit_events"
            ALTER COLUMN "detail"
            SET DEFAULT '{}'::jsonb
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_cases_submitted_at" ON "cases" ("submitted_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_cases_submitted_at"
        `);
        await queryRunner.query(`
            ALTER TABLE "audit_events"
            ALTER COLUMN "detail"
            SET DEFAULT '{}'
        `);
        await queryRunner.query(`
            ALTER TABLE "users"
            ALTER COLUMN "grants"
            SET DEFAULT '[]'
        `);
    }

}
