import { MigrationInterface, QueryRunner } from "typeorm";

// Generated (npm run migration:generate -- ApecWhitelistFilingClaims); the generator's noise removed (the jsonb
// defaults of users.grants and audit_events.detail, apec_cards.ref's default re-set to the same gen_random_uuid()).
// Added by hand: the whitelist admission applications already open claim their enterprises (the first by
// submission, then case id, per enterprise), so a second filing is refused from now on.
export class ApecWhitelistFilingClaims1796048177168 implements MigrationInterface {
    name = 'ApecWhitelistFilingClaims1796048177168'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "apec_whitelist_filing_claims" (
                "unit" character varying(64) NOT NULL,
                "case_id" character varying(64) NOT NULL,
                "claimed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_d0df51c69bd74f38f88984c4ee0" PRIMARY KEY ("unit")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_apec_whitelist_filing_claims_case" ON "apec_whitelist_filing_claims" ("case_id")
        `);
        await queryRunner.query(`
            INSERT INTO "apec_whitelist_filing_claims" ("unit", "case_id")
            SELECT DISTINCT ON (c.unit) c.unit, c.case_id
              FROM cases c
             WHERE c.status = 'open' AND c.definition_version = 'apec-whitelist-2027.1'
             ORDER BY c.unit, c.submitted_at, c.case_id
            ON CONFLICT DO NOTHING
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_apec_whitelist_filing_claims_case"
        `);
        await queryRunner.query(`
            DROP TABLE "apec_whitelist_filing_claims"
        `);
    }

}
