import { MigrationInterface, QueryRunner } from 'typeorm';

// annual_plans: the plan A01 reads is the one the FAO approved (`trips`, null while none is); a unit's organizer files a
// proposal (`proposed_trips`, by, at) the FAO clerk approves (trial's list: the unit clerk edited the plan A01 read, so a
// trip could be made "planned" right before its submission). The plans on file were the registry's as written: kept as
// approved by `system` at their last change. Generated; the generator's default-expression diffs (users.grants,
// custody_passports.ref, audit_events.detail, apec_cards.ref) left out, as in the migrations before.
export class AnnualPlanApproval1796343233003 implements MigrationInterface {
  name = 'AnnualPlanApproval1796343233003';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "annual_plans"
            ADD "approved_by" character varying(100)
        `);
    await queryRunner.query(`
            ALTER TABLE "annual_plans"
            ADD "approved_at" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            ALTER TABLE "annual_plans"
            ADD "proposed_trips" jsonb
        `);
    await queryRunner.query(`
            ALTER TABLE "annual_plans"
            ADD "proposed_by" character varying(100)
        `);
    await queryRunner.query(`
            ALTER TABLE "annual_plans"
            ADD "proposed_at" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            ALTER TABLE "annual_plans"
            ALTER COLUMN "trips" DROP NOT NULL
        `);
    await queryRunner.query(`
            UPDATE "annual_plans" SET "approved_by" = 'system', "approved_at" = "updated_at"
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DELETE FROM "annual_plans" WHERE "trips" IS NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "annual_plans"
            ALTER COLUMN "trips"
            SET NOT NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "annual_plans" DROP COLUMN "proposed_at"
        `);
    await queryRunner.query(`
            ALTER TABLE "annual_plans" DROP COLUMN "proposed_by"
        `);
    await queryRunner.query(`
            ALTER TABLE "annual_plans" DROP COLUMN "proposed_trips"
        `);
    await queryRunner.query(`
            ALTER TABLE "annual_plans" DROP COLUMN "approved_at"
        `);
    await queryRunner.query(`
            ALTER TABLE "annual_plans" DROP COLUMN "approved_by"
        `);
  }
}
