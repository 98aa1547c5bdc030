import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The role a file was uploaded in (attachment.added's actor role), so the attachment list answers per file whether
 * the caller may remove it (mayRemoveUpload: the FAO's files are the FAO's). Generated (the column), with the
 * backfill from the event store; the generator's default-expression noise on other tables is left out.
 */
export class AttachmentUploaderRole1796393060205 implements MigrationInterface {
    name = 'AttachmentUploaderRole1796393060205'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "case_attachments"
            ADD "uploaded_by_role" character varying(32)
        `);
        await queryRunner.query(`
            UPDATE "case_attachments" a SET "uploaded_by_role" = e."actor_role"
              FROM "case_events" e
             WHERE e."stream_id" = a."case_id" AND e."type" = 'attachment.added' AND e."payload"->>'id' = a."id"::text
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "case_attachments" DROP COLUMN "uploaded_by_role"
        `);
    }

}
