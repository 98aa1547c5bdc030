import { MigrationInterface, QueryRunner } from "typeorm";

// cases.organizers: who submitted the case or acted on it as its organizer (organizersOf, libs/domain access.ts),
// projected from the events so the API's separation-of-duties check reads the case row it already loads instead of
// querying case_events on every decision. Filled here from the event store by the same rule: the submitter, every
// actor signed in as organizer or acting on behalf of someone (帮代办: the officer who did the organizer's part), and
// the user a 帮代办 acted for (an action's own event, not a member's step).
export class CaseOrganizers1796131036504 implements MigrationInterface {
    name = 'CaseOrganizers1796131036504'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "cases"
            ADD "organizers" character varying(128) array NOT NULL DEFAULT '{}'
        `);
        await queryRunner.query(`
            UPDATE "cases" c SET "organizers" = ARRAY(
              SELECT id FROM (
                SELECT c.submitted_by AS id
                UNION
                SELECT e.actor_id FROM case_events e
                 WHERE e.stream_id = c.case_id AND e.actor_id IS NOT NULL
                   AND (e.actor_role = 'organizer' OR e.on_behalf_of IS NOT NULL)
                UNION
                SELECT e.on_behalf_of FROM case_events e
                  LEFT JOIN case_steps s ON s.case_id = e.stream_id AND s.step_key = e.payload->>'key'
                 WHERE e.stream_id = c.case_id AND e.on_behalf_of IS NOT NULL AND s.member_id IS NULL
                   AND e.type IN ('step.completed', 'step.decided', 'case.amended', 'case.closed', 'deficiency.supplied')
              ) ids WHERE id IS NOT NULL ORDER BY id COLLATE "C"
            )
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "cases" DROP COLUMN "organizers"
        `);
    }

}
