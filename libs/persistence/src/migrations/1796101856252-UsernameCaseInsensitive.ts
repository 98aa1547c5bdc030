import { MigrationInterface, QueryRunner } from "typeorm";

// Written by hand: `npm run migration:generate -- UsernameCaseInsensitive` has nothing to generate (the entity does
// not change; TypeORM cannot express an index on an expression, and it ignores one it finds in PostgreSQL).
// Usernames are unique regardless of case (new-user trial: `Organizer.Commerce` was created beside
// `organizer.commerce`) and stored as given; every lookup compares lower(username) (UsersRepository's byUsername),
// which this index also serves. The case-sensitive ux_users_username stays (implied by this one, harmless).
//
// Existing rows that differ only by case: the migration FAILS, naming them, and changes nothing; it does not pick a
// winner (each is an account with its own password, grants and audit trail). Rename or disable-and-rename one of each
// pair (UPDATE users SET username = … WHERE id = …), then migrate again.
export class UsernameCaseInsensitive1796101856252 implements MigrationInterface {
    name = 'UsernameCaseInsensitive1796101856252'

    public async up(queryRunner: QueryRunner): Promise<void> {
        const clashes = (await queryRunner.query(`
            SELECT lower(username) AS name, string_agg(username, ', ' ORDER BY username) AS usernames
              FROM users GROUP BY lower(username) HAVING count(*) > 1 ORDER BY 1
        `)) as Array<{ name: string; usernames: string }>;
        if (clashes.length > 0)
            throw new Error(
                `UsernameCaseInsensitive: usernames must be unique regardless of case; these differ only by case: ` +
                    `${clashes.map((c) => c.usernames).join('; ')}. Rename one of each (UPDATE users SET username = ... WHERE id = ...) and migrate again.`,
            );
        await queryRunner.query(`CREATE UNIQUE INDEX "ux_users_username_lower" ON "users" (lower("username"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."ux_users_username_lower"`);
    }
}
