import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
// Deep import, as in services.ts: no Nest packages needed to migrate.
import { runMigrations } from '../../libs/persistence/src/data-source';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A migrated database of the test's own on the suite's PostgreSQL server. For assertions over every row
 * of a table (the board's figures, a rebuild of all read models), which the shared database cannot give
 * while other test files write to it. Needs the right to CREATE DATABASE on the server.
 */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  await runMigrations(url.toString());
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
