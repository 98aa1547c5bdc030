import { MigrationInterface, QueryRunner } from "typeorm";

// case_members: every case's current members by person key (historyKeys: the personId, and unit + name), for the
// open-case overlap rule (MEMBER_ON_OPEN_CASE). Filled here from the event store as the projection folds it: the
// last member list (case.submitted's facts, or a later case.amended's changes.members) without the members
// withdrawn after it (member.withdrawn).
export class CaseMembers1796142302631 implements MigrationInterface {
    name = 'CaseMembers1796142302631'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "case_members" (
                "case_id" character varying(64) NOT NULL,
                "member_id" character varying(64) NOT NULL,
                "person_key" character varying(200) NOT NULL,
                CONSTRAINT "PK_8a34138b1f34d633230298e54cc" PRIMARY KEY ("case_id", "member_id", "person_key")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_case_members_person" ON "case_members" ("person_key")
        `);
        await queryRunner.query(`
            WITH submitted AS (
              SELECT stream_id, payload->>'unit' AS unit FROM case_events WHERE type = 'case.submitted'
            ), lists AS (
              SELECT DISTINCT ON (stream_id) stream_id, seq, members FROM (
                SELECT stream_id, seq, payload->'facts'->'members' AS members FROM case_events WHERE type = 'case.submitted'
                UNION ALL
                SELECT stream_id, seq, payload->'changes'->'members' FROM case_events
                 WHERE type = 'case.amended' AND jsonb_typeof(payload->'changes'->'members') = 'array'
              ) l WHERE jsonb_typeof(members) = 'array' ORDER BY stream_id, seq DESC
            ), current AS (
              SELECT l.stream_id, s.unit, m->>'id' AS member_id, m->>'personId' AS person_id, m->>'name' AS name
                FROM lists l JOIN submitted s USING (stream_id) CROSS JOIN jsonb_array_elements(l.members) m
               WHERE NOT EXISTS (SELECT 1 FROM case_events w WHERE w.stream_id = l.stream_id AND w.type = 'member.withdrawn'
                                   AND w.seq > l.seq AND w.payload->>'memberId' = m->>'id')
            )
            INSERT INTO case_members (case_id, member_id, person_key)
            SELECT stream_id, member_id, unit || ':' || name FROM current WHERE member_id IS NOT NULL
            UNION
            SELECT stream_id, member_id, person_id FROM current WHERE member_id IS NOT NULL AND coalesce(person_id, '') <> ''
            ON CONFLICT DO NOTHING
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_case_members_person"
        `);
        await queryRunner.query(`
            DROP TABLE "case_members"
        `);
    }

}
