import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import bcrypt from 'bcryptjs';
import request from 'supertest';
import { AuditEventsRepository, type UserEntity } from '@df/persistence';
import { DataSource } from 'typeorm';
import { UsersService } from '../../apps/api/src/auth/users.service';
import { bearer, login, startTestApi, TEST_PASSWORD, uniqueSuffix, type TestApi } from '../support/api-harness';

/** Issue 13 items 1 and 2: tokens are bound to the user row; sign-in is limited, locked out and audited. */
describe('tokens bound to real users', () => {
  let api: TestApi;
  let users: UsersService;
  let signer: JwtService;
  let organizer: UserEntity;
  const unit = `unit-${uniqueSuffix()}`;

  beforeAll(async () => {
    api = await startTestApi();
    users = api.app.get(UsersService);
    signer = new JwtService({ secret: api.config.jwtSecret! });
    organizer = await users.upsert({ username: `organizer.${unit}`, password: TEST_PASSWORD, role: 'organizer', unit });
  });
  afterAll(async () => {
    await api?.close();
  });

  /** A token signed with the real secret, as an insider or a leaked secret would make it. */
  const forge = (claims: Record<string, unknown>, options: { expiresIn?: number; noTimestamp?: boolean } = { expiresIn: 600 }) =>
    signer.sign(
      {
        sub: organizer.id,
        username: organizer.username,
        role: 'organizer',
        unit,
        name: organizer.displayName,
        ver: organizer.tokenVersion,
        ...claims,
      },
      { algorithm: 'HS256', ...options },
    );
  const catalogWith = (token: string) => request(api.http).get('/api/catalog').set(bearer(token));

  it('accepts a well-formed token of the real user (the control of the forgeries below)', async () => {
    await catalogWith(forge({})).expect(200);
  });

  // Every row has all three cells: a shorter row would make Jest pass its `done` callback as `options`.
  const valid = { expiresIn: 600 };
  it.each<[string, Record<string, unknown>, { expiresIn?: number; noTimestamp?: boolean }]>([
    ['a user that does not exist', { sub: randomUUID(), username: 'ghost.nowhere' }, valid],
    ['no exp', {}, {}],
    ['no iat', {}, { expiresIn: 600, noTimestamp: true }],
    ['a lifetime beyond JWT_TTL_SECONDS', {}, { expiresIn: 30 * 24 * 3600 }],
    ['role system', { role: 'system' }, valid],
    ['role member', { role: 'member' }, valid],
    ['the organizer re-issued as passport officer', { role: 'passport-officer' }, valid],
    ['the organizer re-issued into the FAO unit', { unit: 'fao' }, valid],
    ['an old token version', { ver: 0 }, valid],
    ['no token version', { ver: undefined }, valid],
    ['a sub that is not a user id', { sub: "' OR 1=1 --" }, valid],
  ])('refuses a token signed with the real secret for %s (401)', async (_label, claims, options) => {
    const res = await catalogWith(forge(claims, options)).expect(401);
    expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED', message: { zh: expect.any(String), en: expect.any(String) } });
  });

  it('refuses a token signed with any other secret', async () => {
    const other = new JwtService({ secret: 'another-secret-0123456789-0123456789' });
    await catalogWith(
      other.sign({ sub: organizer.id, username: organizer.username, role: 'organizer', unit, ver: 1 }, { expiresIn: 600 }),
    ).expect(401);
  });

  it("refuses a disabled user's existing token at once, and re-enabling does not revive it", async () => {
    const username = `finance.${unit}`;
    await users.upsert({ username, password: TEST_PASSWORD, role: 'finance', unit });
    const token = await login(api, username);
    await catalogWith(token).expect(200);
    expect(await users.setEnabled(username, false)).toBe(true);
    const refused = await catalogWith(token).expect(401);
    expect(refused.body.message.en).toMatch(/disabled or role changed/);
    // Signing in again: the right password of a disabled account is refused too.
    const again = await request(api.http).post('/api/auth/login').send({ username, password: TEST_PASSWORD }).expect(403);
    expect(again.body.code).toBe('ACCOUNT_DISABLED');
    await users.setEnabled(username, true);
    await catalogWith(token).expect(401);
    await catalogWith(await login(api, username)).expect(200);
  });

  it("refuses a token once the user's role or unit changed", async () => {
    const username = `personnel.${unit}`;
    await users.upsert({ username, password: TEST_PASSWORD, role: 'personnel', unit });
    const token = await login(api, username);
    await catalogWith(token).expect(200);
    const user = (await users.findByUsername(username))!;
    await users.upsert({ username, passwordHash: user.passwordHash, role: 'passport-officer', unit: 'fao' });
    await catalogWith(token).expect(401);
    const fresh = await request(api.http).post('/api/auth/login').send({ username, password: TEST_PASSWORD }).expect(200);
    expect(fresh.body.user).toMatchObject({ role: 'passport-officer', unit: 'fao' });
  });

  it('keeps signing in users with a bcrypt hash of earlier versions and rehashes it to argon2id', async () => {
    const username = `secrecy.${unit}`;
    await users.upsert({ username, passwordHash: await bcrypt.hash(TEST_PASSWORD, 4), role: 'secrecy', unit });
    const token = await login(api, username);
    const after = (await users.findByUsername(username))!;
    expect(after.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    // The rehash keeps the password and the tokens.
    await catalogWith(token).expect(200);
    await login(api, username);
  });
});

describe('sign-in limits, lockout and audit events', () => {
  let api: TestApi;
  let users: UsersService;
  let audit: AuditEventsRepository;
  const unit = `unit-${uniqueSuffix()}`;

  beforeAll(async () => {
    api = await startTestApi();
    users = api.app.get(UsersService);
    audit = api.app.get(AuditEventsRepository);
  });
  afterAll(async () => {
    await api?.close();
  });

  const attempt = (username: string, password: string, app = api) => request(app.http).post('/api/auth/login').send({ username, password });

  it('records a successful sign-in: who, what, when, address, outcome', async () => {
    const username = `organizer.${unit}`;
    const user = await users.upsert({ username, password: TEST_PASSWORD, role: 'organizer', unit });
    const before = new Date(Date.now() - 1000);
    await attempt(username, TEST_PASSWORD).set('X-Request-Id', 'audit-login-ok').expect(200);
    const [event] = await audit.find({ actor: username, action: 'auth.login' });
    expect(event).toMatchObject({
      action: 'auth.login',
      outcome: 'success',
      actor: username,
      userId: user.id,
      address: '127.0.0.1',
      requestId: 'audit-login-ok',
    });
    expect(event!.occurredAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(JSON.stringify(event)).not.toContain(TEST_PASSWORD);
  });

  it('100 wrong passwords: 429 with Retry-After long before the 100th, the lockout recorded, the right password refused meanwhile', async () => {
    const username = `unit-leader.${unit}`;
    await users.upsert({ username, password: TEST_PASSWORD, role: 'unit-leader', unit });
    const statuses: number[] = [];
    let firstRefusal: request.Response | undefined;
    for (let i = 0; i < 100; i++) {
      const res = await attempt(username, `wrong-${i}`);
      statuses.push(res.status);
      if (res.status === 429 && !firstRefusal) firstRefusal = res;
    }
    const first429 = statuses.indexOf(429);
    expect(first429).toBe(api.config.loginMaxFailuresPerAccount - 1);
    expect(statuses.slice(0, first429).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(first429).every((s) => s === 429)).toBe(true);
    expect(firstRefusal!.body).toMatchObject({
      statusCode: 429,
      code: 'ACCOUNT_LOCKED',
      message: { zh: expect.stringContaining('锁定'), en: expect.stringContaining('locked') },
    });
    const retryAfter = Number(firstRefusal!.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(api.config.loginLockoutSeconds);

    const refused = await attempt(username, TEST_PASSWORD).expect(429);
    expect(refused.body.code).toBe('ACCOUNT_LOCKED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    const lockouts = await audit.find({ actor: username, action: 'auth.lockout' });
    expect(lockouts).toHaveLength(1);
    expect(lockouts[0]).toMatchObject({
      outcome: 'refused',
      target: `account:${username}`,
      address: '127.0.0.1',
      detail: { scope: 'account', lockoutSeconds: api.config.loginLockoutSeconds },
    });
    const failures = await audit.find({ actor: username, action: 'auth.login' });
    expect(failures).toHaveLength(api.config.loginMaxFailuresPerAccount);
    expect(failures.every((e) => e.outcome === 'failure' && e.detail.reason === 'wrong-password')).toBe(true);
  });

  it('locks unknown usernames exactly like known ones (no hint which exist)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < api.config.loginMaxFailuresPerAccount + 1; i++) statuses.push((await attempt(`nobody.${unit}`, 'x')).status);
    expect(statuses.at(-1)).toBe(429);
    const [event] = await audit.find({ actor: `nobody.${unit}`, action: 'auth.login' });
    expect(event).toMatchObject({ outcome: 'failure', userId: null, detail: { reason: 'unknown-user' } });
  });

  it('a success clears the failures of the account', async () => {
    const username = `finance.${unit}`;
    await users.upsert({ username, password: TEST_PASSWORD, role: 'finance', unit });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < api.config.loginMaxFailuresPerAccount - 1; i++) await attempt(username, 'wrong').expect(401);
      await attempt(username, TEST_PASSWORD).expect(200);
    }
  });

  it('per address: failures over many usernames block the address (429 TOO_MANY_ATTEMPTS), a right password included, recorded', async () => {
    const strict = await startTestApi({ loginMaxFailuresPerAddress: 8, loginMaxFailuresPerAccount: 5 });
    try {
      const username = `personnel.${unit}`;
      await users.upsert({ username, password: TEST_PASSWORD, role: 'personnel', unit });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await attempt(`spray-${i}.${unit}`, 'wrong', strict)).status);
      expect(statuses.slice(0, 7).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(7).every((s) => s === 429)).toBe(true);
      const res = await attempt(username, TEST_PASSWORD, strict).expect(429);
      expect(res.body.code).toBe('TOO_MANY_ATTEMPTS');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      const blocked = (await audit.find({ action: 'auth.lockout', limit: 20 })).filter(
        (e) => e.target === 'address:127.0.0.1' && e.actor === null,
      );
      expect(blocked.length).toBeGreaterThanOrEqual(1);
      expect(blocked[0]!.detail).toMatchObject({ scope: 'address', failures: 8 });
    } finally {
      await strict.close();
    }
  });

  it('a burst of right passwords beyond the address budget is refused while in flight but locks nothing', async () => {
    const strict = await startTestApi({ loginMaxFailuresPerAddress: 5, loginMaxFailuresPerAccount: 100 });
    try {
      const username = `dept-approver.${unit}`;
      await users.upsert({ username, password: TEST_PASSWORD, role: 'dept-approver', unit });
      const statuses = await Promise.all(Array.from({ length: 20 }, () => attempt(username, TEST_PASSWORD, strict).then((r) => r.status)));
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(5);
      expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
      // Nothing failed, so nothing is locked: the next sign-ins go through at once.
      for (let i = 0; i < 3; i++) await attempt(username, TEST_PASSWORD, strict).expect(200);
      expect((await audit.find({ action: 'auth.lockout', limit: 50 })).filter((e) => e.actor === username)).toHaveLength(0);
    } finally {
      await strict.close();
    }
  });

  it('concurrent guesses cannot slip past the account budget', async () => {
    const username = `secrecy.${unit}`;
    await users.upsert({ username, password: TEST_PASSWORD, role: 'secrecy', unit });
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => attempt(username, `burst-${i}`).then((r) => r.status)));
    expect(statuses.filter((s) => s === 401).length).toBeLessThan(api.config.loginMaxFailuresPerAccount);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(25);
  });

  it('keeps no password in the users table or the audit log', async () => {
    const rows: Array<{ password_hash: string }> = await api.app
      .get(DataSource)
      .query(`SELECT password_hash FROM users WHERE username LIKE $1`, [`%.${unit}`]);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.password_hash).not.toContain(TEST_PASSWORD);
  });
});
