import { MigrationInterface, QueryRunner } from "typeorm";

// member_trip_claims: a submission's or an amendment's hold on its members' trip window by person key, written by
// the API under one advisory lock per key (claimOpenCaseTrip), so two submissions naming one person at overlapping
// dates cannot both pass the open-case overlap rule before either case is projected. Starts empty.
// (The generator's default-value diffs of users.grants, audit_events.detail and apec_cards.ref, which it reports on
// every run, are left out as in the earlier migrations.)
export class MemberTripClaims1796154649377 implements MigrationInterface {
    name = 'MemberTripClaims1796154649377'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "member_trip_claims" (
                "case_id" character varying(64) NOT NULL,
                "person_key" character varying(200) NOT NULL,
                "unit" character varying(64) NOT NULL,
                "departure_date" date NOT NULL,
                "return_date" date NOT NULL,
                "claimed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_65986065da1a3761eda4921d013" PRIMARY KEY ("case_id", "person_key")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_member_trip_claims_person" ON "member_trip_claims" ("person_key")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_member_trip_claims_person"
        `);
        await queryRunner.query(`
            DROP TABLE "member_trip_claims"
        `);
    }

}
