import type { Pool, PoolClient } from 'pg';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { dataSourceOptions, ObservedPgClient } from '@df/persistence';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * A pooled connection that the server ends while it is checked out (a restart, pg_terminate_backend,
 * DROP DATABASE … FORCE) must not crash the process: pg-pool listens only to idle clients, and an `error`
 * event with no listener is thrown by Node (the health test's dropped database met it under load).
 */
describe('a pooled PostgreSQL connection lost while checked out', () => {
  let tdb: TestDatabase;
  let db: DataSource;
  beforeAll(async () => {
    tdb = await createTestDatabase('connection_lost');
    db = new DataSource(dataSourceOptions(tdb.url, { max: 2, applicationName: 'connection-lost-test' }));
    await db.initialize();
  });
  afterAll(async () => {
    await db?.destroy();
    await tdb?.drop();
  });

  it('is logged as a warning and discarded by the pool; the next query gets a fresh connection', async () => {
    const pool = (db.driver as PostgresDriver).master as Pool;
    const client: PoolClient = await pool.connect();
    const stderr = jest.spyOn(process.stderr, 'write');
    let pid: number;
    let written: string[];
    try {
      expect(client).toBeInstanceOf(ObservedPgClient);
      pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
      const admin = new Client({ connectionString: tdb.url });
      await admin.connect();
      try {
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      } finally {
        await admin.end();
      }
      await ended;
    } finally {
      written = stderr.mock.calls.map(([chunk]) => String(chunk));
      stderr.mockRestore();
      client.release();
    }
    // Node would have thrown on `emit('error')` without a listener (the server's 57P01, then the socket's end);
    // instead one warning line says what happened.
    const warnings = written.filter((line) => line.includes('PostgreSQL connection lost'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0])).toMatchObject({
      level: 'warn',
      service: 'persistence',
      msg: 'PostgreSQL connection lost',
      error: expect.stringContaining('terminating connection due to administrator command'),
    });
    const [row] = await db.query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid');
    expect(row.pid).not.toBe(pid);
  });
});
