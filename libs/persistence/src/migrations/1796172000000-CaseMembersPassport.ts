import { MigrationInterface, QueryRunner } from 'typeorm';

// case_members also by passport number (openCaseKeys: `passport:` and the number as passportNumberKey compares it), so
// the open-case overlap rule finds one typed person however their unit and name were typed (third trial: one passport
// number on two overlapping trips of two units). Filled here from the event store as the projection folds it, as
// CaseMembers1796142302631 filled the other keys: the last member list without the members withdrawn after it. The
// numbers were stored as the API normalises them (spaces dropped, capitals), so the key is the number as stored.
export class CaseMembersPassport1796172000000 implements MigrationInterface {
  name = 'CaseMembersPassport1796172000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            WITH lists AS (
              SELECT DISTINCT ON (stream_id) stream_id, seq, members FROM (
                SELECT stream_id, seq, payload->'facts'->'members' AS members FROM case_events WHERE type = 'case.submitted'
                UNION ALL
                SELECT stream_id, seq, payload->'changes'->'members' FROM case_events
                 WHERE type = 'case.amended' AND jsonb_typeof(payload->'changes'->'members') = 'array'
              ) l WHERE jsonb_typeof(members) = 'array' ORDER BY stream_id, seq DESC
            ), current AS (
              SELECT l.stream_id, m->>'id' AS member_id,
                     upper(regexp_replace(coalesce(m->'passport'->>'number', ''), '\\s+', '', 'g')) AS number
                FROM lists l CROSS JOIN jsonb_array_elements(l.members) m
               WHERE jsonb_typeof(m) = 'object'
                 AND NOT EXISTS (SELECT 1 FROM case_events w WHERE w.stream_id = l.stream_id AND w.type = 'member.withdrawn'
                                   AND w.seq > l.seq AND w.payload->>'memberId' = m->>'id')
            )
            INSERT INTO case_members (case_id, member_id, person_key)
            SELECT stream_id, member_id, 'passport:' || number FROM current WHERE member_id IS NOT NULL AND number <> ''
            ON CONFLICT DO NOTHING
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM case_members WHERE person_key LIKE 'passport:%'`);
  }
}
