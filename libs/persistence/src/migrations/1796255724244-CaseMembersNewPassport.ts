import { MigrationInterface, QueryRunner } from 'typeorm';

// Written by hand, as CaseMembersPassport1796172000000 (no schema changes, nothing for migration:generate to find).
// The passport a member's C05 recorded (schema 'new-passport', `data.number`) is one more key of that member on the
// case (case_members `passport:<number>`, the number as passportNumberKey compares it): the projection folds it since
// this migration, and here the cases whose C05 already recorded one are given it as the projection folds it (a rebuild
// equals them): the step's member still on the case, completed after the case's last member list (a new list replaces
// the keys), on a definition whose C05 declares the schema (every version but the built-in 2026.1, 2027.1 and 2027.2:
// behaviourOf reads an office's own version as the newest built-in). Handed input: F1's typed 龚十七 left on EN9000001
// issued at C05; 龚石七 typed with EN9000001 in another unit passed the overlap and the frequency rules.
export class CaseMembersNewPassport1796255724244 implements MigrationInterface {
  name = 'CaseMembersNewPassport1796255724244';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            WITH lists AS (
              SELECT stream_id, max(seq) AS seq FROM case_events
               WHERE type = 'case.submitted'
                  OR (type = 'case.amended' AND jsonb_typeof(payload->'changes'->'members') = 'array')
               GROUP BY stream_id
            ), issued AS (
              SELECT e.stream_id, s.member_id,
                     upper(regexp_replace(e.payload->'data'->>'number', '\\s+', '', 'g')) AS number
                FROM case_events e
                JOIN lists l ON l.stream_id = e.stream_id AND e.seq > l.seq
                JOIN cases c ON c.case_id = e.stream_id
                JOIN case_steps s ON s.case_id = e.stream_id AND s.step_key = e.payload->>'key'
               WHERE e.type = 'step.completed' AND s.code = 'C05' AND s.member_id IS NOT NULL
                 AND c.definition_version NOT IN ('2026.1', '2027.1', '2027.2')
                 AND jsonb_typeof(e.payload->'data'->'number') = 'string'
                 AND EXISTS (SELECT 1 FROM case_members m WHERE m.case_id = e.stream_id AND m.member_id = s.member_id)
            )
            INSERT INTO case_members (case_id, member_id, person_key)
            SELECT stream_id, member_id, 'passport:' || number FROM issued WHERE number <> ''
            ON CONFLICT DO NOTHING
        `);
  }

  public async down(): Promise<void> {
    // The keys are the projection's own (a rebuild writes them again): nothing to undo.
  }
}
