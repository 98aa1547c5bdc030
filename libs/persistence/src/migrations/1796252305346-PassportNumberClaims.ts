import { MigrationInterface, QueryRunner } from "typeorm";

// Generated (npm run migration:generate -- PassportNumberClaims); the generator's noise removed (the jsonb defaults of
// users.grants and audit_events.detail, apec_cards.ref's and custody_passports.ref's defaults re-set to the same
// gen_random_uuid()). Added by hand: the new passports the open delegations' C05 completions recorded before the table
// are claimed for them (each step's latest completion naming a `number`; a number two cases recorded goes to the first
// recorded).
export class PassportNumberClaims1796252305346 implements MigrationInterface {
    name = 'PassportNumberClaims1796252305346'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "passport_number_claims" (
                "number" character varying(32) NOT NULL,
                "case_id" character varying(64) NOT NULL,
                "step_key" character varying(64) NOT NULL,
                "member_id" character varying(64) NOT NULL,
                "request_id" character varying(64) NOT NULL,
                "claimed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_ec11af2673a041353fd35d48b66" PRIMARY KEY ("number")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_passport_number_claims_case" ON "passport_number_claims" ("case_id")
        `);
        await queryRunner.query(`
            INSERT INTO "passport_number_claims" ("number", "case_id", "step_key", "member_id", "request_id")
            SELECT DISTINCT ON (l.number) l.number, l.case_id, l.step_key, split_part(l.step_key, ':', 2), 'migration'
              FROM (SELECT DISTINCT ON (e.stream_id, e.payload->>'key')
                           e.stream_id AS case_id, e.payload->>'key' AS step_key,
                           e.payload->'data'->>'number' AS number, e.recorded_at
                      FROM case_events e
                      JOIN cases c ON c.case_id = e.stream_id AND c.status IN ('open', 'departed')
                     WHERE e.type = 'step.completed' AND e.payload->>'code' = 'C05' AND e.payload->>'key' LIKE '%:%'
                     ORDER BY e.stream_id, e.payload->>'key', e.seq DESC) l
             WHERE l.number IS NOT NULL AND length(l.number) <= 32
             ORDER BY l.number, l.recorded_at
            ON CONFLICT DO NOTHING
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_passport_number_claims_case"
        `);
        await queryRunner.query(`
            DROP TABLE "passport_number_claims"
        `);
    }

}
