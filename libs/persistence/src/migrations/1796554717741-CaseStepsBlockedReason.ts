import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Why a step is blocked (step.blocked's reason), for the inbox's blockedFor on a blocked step (forty-second trial: B05,
 * blocked by a 容缺 document past its deadline, was offered with blockedFor null and refused 409). Generated (the
 * column), with the backfill of the blocked rows from the event store (each step's last step.blocked); the generator's
 * default-expression noise on other tables is left out.
 */
export class CaseStepsBlockedReason1796554717741 implements MigrationInterface {
    name = 'CaseStepsBlockedReason1796554717741'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "case_steps"
            ADD "blocked_reason" jsonb
        `);
        await queryRunner.query(`
            UPDATE "case_steps" s SET "blocked_reason" = b."reason"
              FROM (SELECT DISTINCT ON (e."stream_id", e."payload"->>'key') e."stream_id", e."payload"->>'key' AS "key", e."payload"->'reason' AS "reason"
                      FROM "case_events" e
                     WHERE e."type" = 'step.blocked'
                       AND e."stream_id" IN (SELECT "case_id" FROM "case_steps" WHERE "status" = 'blocked')
                     ORDER BY e."stream_id", e."payload"->>'key', e."seq" DESC) b
             WHERE s."status" = 'blocked' AND s."case_id" = b."stream_id" AND s."step_key" = b."key"
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "case_steps" DROP COLUMN "blocked_reason"
        `);
    }

}
