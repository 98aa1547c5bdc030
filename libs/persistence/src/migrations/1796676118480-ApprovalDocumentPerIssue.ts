import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * One approval document number per issue (ApprovalDocumentEntity): the key is the case and the issue's instant, so B08
 * run again after an amendment issues a new number (trial 83: three issues of one case each read 外任批〔2027〕0001号).
 * Generated (the key); the generator's default-expression noise on other tables is left out. Down keeps each case's
 * latest issue, the one its key held.
 */
export class ApprovalDocumentPerIssue1796676118480 implements MigrationInterface {
    name = 'ApprovalDocumentPerIssue1796676118480'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "approval_documents" DROP CONSTRAINT "PK_f187cf85a3230b4737afd1b006c"
        `);
        await queryRunner.query(`
            ALTER TABLE "approval_documents"
            ADD CONSTRAINT "PK_83c636edb46e802ac1266ac357d" PRIMARY KEY ("case_id", "issued_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DELETE FROM "approval_documents" a USING "approval_documents" b
             WHERE a."case_id" = b."case_id" AND a."issued_at" < b."issued_at"
        `);
        await queryRunner.query(`
            ALTER TABLE "approval_documents" DROP CONSTRAINT "PK_83c636edb46e802ac1266ac357d"
        `);
        await queryRunner.query(`
            ALTER TABLE "approval_documents"
            ADD CONSTRAINT "PK_f187cf85a3230b4737afd1b006c" PRIMARY KEY ("case_id")
        `);
    }

}
