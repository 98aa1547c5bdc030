import { MigrationInterface, QueryRunner } from 'typeorm';

// Generated; the generator's default-expression diffs (users.grants, custody_passports.ref, audit_events.detail,
// apec_cards.ref: TypeORM reading back what PostgreSQL normalised) left out, as in the migrations before.
// Then by hand, as the projection folds it since this migration (case_members.issued: a passport a member's C05
// recorded, kept through a new member list, replaced when C05 is done again): each member still on a case is given
// the number the last completion of their C05 recorded, flagged issued unless the member's facts (case_progress)
// carry it typed; the definitions whose C05 declares the schema as CaseMembersNewPassport1796255724244 reads them.
// Trial H1's remainder: an amendment after C05 dropped the key. A case whose C05 was redone before this migration
// keeps the earlier number's key too until `npm run projections:rebuild`. IF NOT EXISTS: the backfill runs again (a test).
export class CaseMembersIssued1796280255150 implements MigrationInterface {
  name = 'CaseMembersIssued1796280255150';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "case_members"
            ADD COLUMN IF NOT EXISTS "issued" boolean NOT NULL DEFAULT false
        `);
    await queryRunner.query(`
            WITH issued AS (
              SELECT DISTINCT ON (e.stream_id, s.member_id) e.stream_id, s.member_id,
                     upper(regexp_replace(e.payload->'data'->>'number', '\\s+', '', 'g')) AS number
                FROM case_events e
                JOIN cases c ON c.case_id = e.stream_id
                JOIN case_steps s ON s.case_id = e.stream_id AND s.step_key = e.payload->>'key'
               WHERE e.type = 'step.completed' AND s.code = 'C05' AND s.member_id IS NOT NULL
                 AND c.definition_version NOT IN ('2026.1', '2027.1', '2027.2')
                 AND jsonb_typeof(e.payload->'data'->'number') = 'string'
                 AND EXISTS (SELECT 1 FROM case_members m WHERE m.case_id = e.stream_id AND m.member_id = s.member_id)
               ORDER BY e.stream_id, s.member_id, e.seq DESC
            ), untyped AS (
              SELECT i.* FROM issued i
               WHERE i.number <> ''
                 AND NOT EXISTS (
                   SELECT 1 FROM case_progress p
                    CROSS JOIN LATERAL jsonb_array_elements(COALESCE(p.answer->'facts'->'members', '[]'::jsonb)) f
                    WHERE p.case_id = i.stream_id AND f->>'id' = i.member_id
                      AND upper(regexp_replace(f->'passport'->>'number', '\\s+', '', 'g')) = i.number)
            )
            INSERT INTO case_members (case_id, member_id, person_key, issued)
            SELECT stream_id, member_id, 'passport:' || number, true FROM untyped
            ON CONFLICT (case_id, member_id, person_key) DO UPDATE SET issued = true
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "case_members" DROP COLUMN "issued"
        `);
  }
}
