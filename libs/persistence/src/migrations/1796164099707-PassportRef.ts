import { MigrationInterface, QueryRunner } from 'typeorm';

export class PassportRef1796164099707 implements MigrationInterface {
  name = 'PassportRef1796164099707';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "custody_passports"
            ADD "ref" uuid NOT NULL DEFAULT gen_random_uuid()
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_custody_passports_ref" ON "custody_passports" ("ref")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."ux_custody_passports_ref"
        `);
    await queryRunner.query(`
            ALTER TABLE "custody_passports" DROP COLUMN "ref"
        `);
  }
}
