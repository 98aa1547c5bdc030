import { MigrationInterface, QueryRunner } from 'typeorm';

// custody_passport_events.at: the statement's clock (clock_timestamp()), not the transaction's start (now()). Moves of
// one passport are serialised by its row lock, and a move that waited for the lock was stamped before the one it
// waited for, so a passport's history could read out of order. Generated; the generator's other differences (defaults
// it reads back differently from how the entities spell them) are left out, as in earlier migrations.
export class CustodyPassportEventsClock1796317456786 implements MigrationInterface {
  name = 'CustodyPassportEventsClock1796317456786';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "custody_passport_events" ALTER COLUMN "at" SET DEFAULT clock_timestamp()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "custody_passport_events" ALTER COLUMN "at" SET DEFAULT now()`);
  }
}
