import { MigrationInterface, QueryRunner } from "typeorm";

// Generated (npm run migration:generate -- ApecApplicantClaims); the generator's noise removed (the jsonb defaults of
// users.grants and audit_events.detail, apec_cards.ref's default re-set to the same gen_random_uuid()). Added by
// hand: the applicants of the open card applications from before the table claim their persons (the first
// application by submission, then case id, per person), so a second application for them is refused from now on.
export class ApecApplicantClaims1796046958479 implements MigrationInterface {
    name = 'ApecApplicantClaims1796046958479'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "apec_applicant_claims" (
                "person_id" character varying(64) NOT NULL,
                "case_id" character varying(64) NOT NULL,
                "claimed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_64cf4cfa6e9768bde32f702e723" PRIMARY KEY ("person_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_apec_applicant_claims_case" ON "apec_applicant_claims" ("case_id")
        `);
        await queryRunner.query(`
            INSERT INTO "apec_applicant_claims" ("person_id", "case_id")
            SELECT DISTINCT ON (m->>'personId') m->>'personId', c.case_id
              FROM cases c
              JOIN case_events e ON e.stream_id = c.case_id AND e.type = 'case.submitted'
              CROSS JOIN LATERAL jsonb_array_elements(e.payload->'facts'->'members') m
             WHERE c.status = 'open' AND c.definition_version = 'apec-2027.1' AND m->>'personId' IS NOT NULL
             ORDER BY m->>'personId', c.submitted_at, c.case_id
            ON CONFLICT DO NOTHING
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_apec_applicant_claims_case"
        `);
        await queryRunner.query(`
            DROP TABLE "apec_applicant_claims"
        `);
    }

}
