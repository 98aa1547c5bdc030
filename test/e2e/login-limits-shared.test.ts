import request from 'supertest';
import { DataSource } from 'typeorm';
import { UsersService } from '../../apps/api/src/auth/users.service';
import { createTestDatabase } from '../support/database';
import { startTestApi, TEST_PASSWORD, uniqueSuffix, type TestApi } from '../support/api-harness';

/**
 * The sign-in budgets live in PostgreSQL (login_limits, RateLimiterPostgres): API replicas on one database share
 * them, a restart keeps a lock, another key prefix (another installation, another test file) has its own, and a
 * store that cannot be used refuses sign-in with 503 instead of letting attempts through unlimited.
 */
describe('sign-in limits shared by API replicas and kept over restarts', () => {
  const prefix = `shared-${uniqueSuffix()}`;
  const unit = `unit-${uniqueSuffix()}`;
  const username = `organizer.${unit}`;
  let a: TestApi;
  let b: TestApi;

  beforeAll(async () => {
    [a, b] = await Promise.all([startTestApi({ loginThrottleKeyPrefix: prefix }), startTestApi({ loginThrottleKeyPrefix: prefix })]);
    await a.app.get(UsersService).upsert({ username, password: TEST_PASSWORD, role: 'organizer', unit });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  const attempt = (api: TestApi, password: string, name = username) =>
    request(api.http).post('/api/auth/login').send({ username: name, password });

  it('4 failures on replica B, then the 5th on replica A answers 429 ACCOUNT_LOCKED with Retry-After; a restart keeps the lock', async () => {
    expect(a.config.loginMaxFailuresPerAccountAddress).toBe(5);
    for (let i = 0; i < 4; i++) await attempt(b, `wrong-${i}`).expect(401);
    const fifth = await attempt(a, 'wrong-4').expect(429);
    expect(fifth.body.code).toBe('ACCOUNT_LOCKED');
    expect(Number(fifth.headers['retry-after'])).toBe(a.config.loginLockoutSeconds);
    // Both replicas refuse the right password now.
    for (const api of [a, b]) expect((await attempt(api, TEST_PASSWORD).expect(429)).body.code).toBe('ACCOUNT_LOCKED');

    await a.close();
    a = await startTestApi({ loginThrottleKeyPrefix: prefix });
    const afterRestart = await attempt(a, TEST_PASSWORD).expect(429);
    expect(afterRestart.body.code).toBe('ACCOUNT_LOCKED');
    expect(Number(afterRestart.headers['retry-after'])).toBeGreaterThan(a.config.loginLockoutSeconds - 120);

    const rows: Array<{ key: string; expire: string }> = await a.app
      .get(DataSource)
      .query(`SELECT key, expire FROM login_limits WHERE key = $1`, [`${prefix}-account-address:127.0.0.1 ${username}`]);
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!.expire)).toBeGreaterThan(Date.now());
  });

  it('an API with another key prefix on the same database has its own budgets', async () => {
    const other = await startTestApi();
    try {
      expect(other.config.loginThrottleKeyPrefix).not.toBe(prefix);
      await attempt(other, TEST_PASSWORD).expect(200);
    } finally {
      await other.close();
    }
  });

  it('fails closed: a limiter store that cannot be used answers 503 (retry), never an unlimited attempt', async () => {
    // A database of its own whose limiter table is gone (PostgreSQL unreachable: test/e2e/api-outage.test.ts).
    const db = await createTestDatabase('login_limits');
    const broken = await startTestApi({ databaseUrl: db.url });
    try {
      const name = `organizer.${uniqueSuffix()}`;
      await broken.app.get(UsersService).upsert({ username: name, password: TEST_PASSWORD, role: 'organizer', unit });
      await broken.app.get(DataSource).query('DROP TABLE login_limits');
      for (const password of ['wrong', TEST_PASSWORD]) {
        const res = await attempt(broken, password, name);
        expect([res.status, res.body.code]).toEqual([503, 'DATABASE_UNAVAILABLE']);
        expect(res.headers['retry-after']).toBe('5');
        expect(res.body.message).toEqual({ zh: expect.stringContaining('重试'), en: expect.stringContaining('try again') });
      }
    } finally {
      await broken.close();
      await db.drop();
    }
  });
});
