import { MigrationInterface, QueryRunner } from "typeorm";

// Generated (npm run migration:generate -- ApecRenewalClaims); the generator's noise removed (the jsonb defaults of
// users.grants and audit_events.detail, apec_cards.ref's default re-set to the same gen_random_uuid()). Added by
// hand: the open renewal applications from before the table claim their cards (the first by case id per card).
export class ApecRenewalClaims1796003820347 implements MigrationInterface {
    name = 'ApecRenewalClaims1796003820347'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "apec_renewal_claims" (
                "card_number" character varying(32) NOT NULL,
                "case_id" character varying(64) NOT NULL,
                "claimed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_3706967f00858ec2bbd5a6e657a" PRIMARY KEY ("card_number")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_apec_renewal_claims_case" ON "apec_renewal_claims" ("case_id")
        `);
        await queryRunner.query(`
            INSERT INTO "apec_renewal_claims" ("card_number", "case_id")
            SELECT DISTINCT ON (m->'apecCard'->>'number') m->'apecCard'->>'number', c.case_id
              FROM cases c
              JOIN case_events e ON e.stream_id = c.case_id AND e.type = 'case.submitted'
              CROSS JOIN LATERAL jsonb_array_elements(e.payload->'facts'->'members') m
             WHERE c.status = 'open' AND c.definition_version = 'apec-2027.1' AND m->'apecCard'->>'number' IS NOT NULL
             ORDER BY m->'apecCard'->>'number', c.case_id
            ON CONFLICT DO NOTHING
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_apec_renewal_claims_case"
        `);
        await queryRunner.query(`
            DROP TABLE "apec_renewal_claims"
        `);
    }

}
