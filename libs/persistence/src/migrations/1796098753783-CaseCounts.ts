import { MigrationInterface, QueryRunner } from "typeorm";

// Generated (npm run migration:generate -- CaseCounts): the table; the generator's noise removed (the jsonb
// defaults of users.grants and audit_events.detail, apec_cards.ref's default re-set to the same gen_random_uuid()).
// Added by hand (no entity can say them): the triggers that keep case_counts, and its first rows from the cases
// already there. Statement-level with transition tables, so a bulk write (a rebuild, 10,000 seeded cases) appends
// one row per key it changes, and an upsert that changes no key appends nothing. CREATE TRIGGER locks `cases`
// against writes until this migration commits, so no case is written between the triggers and the first count.
export class CaseCounts1796098753783 implements MigrationInterface {
    name = 'CaseCounts1796098753783'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "case_counts" (
                "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
                "unit" character varying(64) NOT NULL,
                "status" character varying(16) NOT NULL,
                "phase" character varying(16) NOT NULL,
                "definition_version" character varying(32) NOT NULL,
                "n" integer NOT NULL,
                CONSTRAINT "PK_15378875e95db56789daaed2a45" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE FUNCTION case_counts_delta() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'INSERT' THEN
                INSERT INTO case_counts (unit, status, phase, definition_version, n)
                SELECT unit, status, phase, definition_version, count(*) FROM case_counts_new GROUP BY 1, 2, 3, 4;
              ELSIF TG_OP = 'DELETE' THEN
                INSERT INTO case_counts (unit, status, phase, definition_version, n)
                SELECT unit, status, phase, definition_version, -count(*) FROM case_counts_old GROUP BY 1, 2, 3, 4;
              ELSE
                INSERT INTO case_counts (unit, status, phase, definition_version, n)
                SELECT unit, status, phase, definition_version, sum(d)
                  FROM (SELECT unit, status, phase, definition_version, 1 AS d FROM case_counts_new
                        UNION ALL
                        SELECT unit, status, phase, definition_version, -1 FROM case_counts_old) moved
                 GROUP BY 1, 2, 3, 4 HAVING sum(d) <> 0;
              END IF;
              RETURN NULL;
            END $$
        `);
        await queryRunner.query(`
            CREATE FUNCTION case_counts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              DELETE FROM case_counts;
              RETURN NULL;
            END $$
        `);
        await queryRunner.query(`
            CREATE TRIGGER case_counts_insert AFTER INSERT ON cases REFERENCING NEW TABLE AS case_counts_new
            FOR EACH STATEMENT EXECUTE FUNCTION case_counts_delta()
        `);
        await queryRunner.query(`
            CREATE TRIGGER case_counts_update AFTER UPDATE ON cases REFERENCING OLD TABLE AS case_counts_old NEW TABLE AS case_counts_new
            FOR EACH STATEMENT EXECUTE FUNCTION case_counts_delta()
        `);
        await queryRunner.query(`
            CREATE TRIGGER case_counts_delete AFTER DELETE ON cases REFERENCING OLD TABLE AS case_counts_old
            FOR EACH STATEMENT EXECUTE FUNCTION case_counts_delta()
        `);
        await queryRunner.query(`
            CREATE TRIGGER case_counts_truncate AFTER TRUNCATE ON cases
            FOR EACH STATEMENT EXECUTE FUNCTION case_counts_truncated()
        `);
        await queryRunner.query(`
            INSERT INTO case_counts (unit, status, phase, definition_version, n)
            SELECT unit, status, phase, definition_version, count(*) FROM cases GROUP BY 1, 2, 3, 4
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER case_counts_truncate ON cases`);
        await queryRunner.query(`DROP TRIGGER case_counts_delete ON cases`);
        await queryRunner.query(`DROP TRIGGER case_counts_update ON cases`);
        await queryRunner.query(`DROP TRIGGER case_counts_insert ON cases`);
        await queryRunner.query(`DROP FUNCTION case_counts_truncated()`);
        await queryRunner.query(`DROP FUNCTION case_counts_delta()`);
        await queryRunner.query(`
            DROP TABLE "case_counts"
        `);
    }

}
