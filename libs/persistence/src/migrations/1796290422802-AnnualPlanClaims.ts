import { MigrationInterface, QueryRunner } from 'typeorm';

// annual_plan_claims: the planned trip of its unit's annual plan each case's A01 holds, written by the worker under one
// advisory lock per unit and year (claimPlannedTrip), so two cases whose A01 runs at once cannot both read one planned
// trip free. Backfilled from each case's latest A01 completion recorded planned (what plannedTripsTaken read from the
// event store until now); the partial index that read served goes. Generated; the generator's default-expression diffs
// (users.grants, custody_passports.ref, audit_events.detail, apec_cards.ref) left out, as in the migrations before.
export class AnnualPlanClaims1796290422802 implements MigrationInterface {
  name = 'AnnualPlanClaims1796290422802';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "annual_plan_claims" (
                "case_id" character varying(64) NOT NULL,
                "unit" character varying(64) NOT NULL,
                "year" integer NOT NULL,
                "trip_id" character varying(32) NOT NULL,
                "claimed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_9f096d5ba4958eb9f7f42219258" PRIMARY KEY ("case_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_annual_plan_claims_unit_year" ON "annual_plan_claims" ("unit", "year")
        `);
    await queryRunner.query(`
            INSERT INTO "annual_plan_claims" ("case_id", "unit", "year", "trip_id", "claimed_at")
            SELECT a.case_id, a.unit, a.year, a.trip_id, a.occurred_at
              FROM (SELECT DISTINCT ON (c.case_id) c.case_id, c.unit, extract(year FROM c.departure_date)::int AS year,
                           e.payload->'data'->>'planOutcome' AS outcome, e.payload->'data'->>'planTripId' AS trip_id, e.occurred_at
                      FROM cases c JOIN case_events e ON e.stream_id = c.case_id
                     WHERE e.type = 'step.completed' AND (e.payload->'data'->>'planOutcome') IS NOT NULL
                     ORDER BY c.case_id, e.seq DESC) a
             WHERE a.outcome = 'planned' AND a.trip_id IS NOT NULL AND length(a.trip_id) <= 32
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_case_events_plan_taken"
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX "ix_case_events_plan_taken" ON "case_events" USING btree ("stream_id")
            WHERE type = 'step.completed' AND (payload->'data'->>'planOutcome') = 'planned'
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_annual_plan_claims_unit_year"
        `);
    await queryRunner.query(`
            DROP TABLE "annual_plan_claims"
        `);
  }
}
