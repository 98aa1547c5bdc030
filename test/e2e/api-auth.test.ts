import request from 'supertest';
import { createApiApp } from '../../apps/api/src';
import { demoUsers, UsersService } from '../../apps/api/src/auth/users.service';
import { testConfig } from '../support/harness';
import { bearer, createTestUsers, startTestApi, TEST_PASSWORD, type TestApi, type TestUsers } from '../support/api-harness';

describe('sign-in, tokens, request ids and metrics', () => {
  let api: TestApi;
  let users: TestUsers;
  beforeAll(async () => {
    api = await startTestApi();
    users = await createTestUsers(api);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('signs in with username and password and returns a bearer token that expires', async () => {
    const res = await request(api.http)
      .post('/api/auth/login')
      .send({ username: users.usernames.organizer, password: TEST_PASSWORD })
      .expect(200);
    expect(res.body).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: api.config.jwtTtlSeconds,
      user: { username: users.usernames.organizer, role: 'organizer', unit: users.unit },
    });
    const [, payload] = (res.body.accessToken as string).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(api.config.jwtTtlSeconds);
    expect(res.body.user).not.toHaveProperty('passwordHash');
  });

  it('refuses a wrong password and an unknown user alike (401 INVALID_CREDENTIALS)', async () => {
    const wrong = await request(api.http)
      .post('/api/auth/login')
      .send({ username: users.usernames.organizer, password: 'nope' })
      .expect(401);
    const unknown = await request(api.http).post('/api/auth/login').send({ username: 'nobody.nowhere', password: 'nope' }).expect(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.body).toMatchObject({ code: 'INVALID_CREDENTIALS', message: { zh: expect.any(String), en: expect.any(String) } });
  });

  it('names each missing or malformed login field (400)', async () => {
    const res = await request(api.http).post('/api/auth/login').send({ username: 42 }).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['password', 'username']);
  });

  it('answers malformed JSON with 400 MALFORMED_JSON, not 500', async () => {
    const res = await request(api.http).post('/api/auth/login').set('Content-Type', 'application/json').send('{"username": ').expect(400);
    expect(res.body.code).toBe('MALFORMED_JSON');
  });

  it('requires a token everywhere except /health, sign-in, docs and metrics', async () => {
    for (const path of ['/api/delegations', '/api/inbox', '/api/catalog', '/api/delegations/x', '/api/delegations/x/timeline']) {
      const res = await request(api.http).get(path).expect(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    }
    await request(api.http).post('/api/delegations').send({}).expect(401);
    await request(api.http).get('/api/inbox').set(bearer('not.a.token')).expect(401);
    await request(api.http).get('/health').expect(200);
    await request(api.http).get('/api/docs-json').expect(200);
    await request(api.http).get('/metrics').expect(200);
  });

  it('refuses an expired token', async () => {
    // 5 s to live: on a loaded machine the first use came more than 1 s after the sign-in (a 401 "expired" too early).
    const shortLived = await createApiApp(testConfig({ jwtSecret: api.config.jwtSecret, jwtTtlSeconds: 5 }));
    await shortLived.init();
    try {
      const login = await request(shortLived.getHttpServer())
        .post('/api/auth/login')
        .send({ username: users.usernames.manager, password: TEST_PASSWORD })
        .expect(200);
      await request(api.http).get('/api/catalog').set(bearer(login.body.accessToken)).expect(200);
      // Until the token's own expiry (its `exp`, whole seconds) has passed, plus a second.
      const exp = (JSON.parse(Buffer.from(String(login.body.accessToken).split('.')[1]!, 'base64url').toString()) as { exp: number }).exp;
      await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 - Date.now()) + 1100));
      const res = await request(api.http).get('/api/catalog').set(bearer(login.body.accessToken)).expect(401);
      expect(res.body.message.en).toMatch(/expired/);
    } finally {
      await shortLived.close();
    }
  });

  it('echoes X-Request-Id, or generates one, on every response including errors', async () => {
    const given = await request(api.http)
      .get('/api/catalog')
      .set('X-Request-Id', 'req-abc-123')
      .set(bearer(users.tokens.manager))
      .expect(200);
    expect(given.headers['x-request-id']).toBe('req-abc-123');
    const generated = await request(api.http).get('/api/inbox').expect(401);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.body.requestId).toBe(generated.headers['x-request-id']);
  });

  it('writes structured JSON logs carrying the request id and the caller', async () => {
    const verbose = await createApiApp(testConfig({ jwtSecret: api.config.jwtSecret, logLevel: 'info' }));
    await verbose.init();
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await request(verbose.getHttpServer())
        .get('/api/catalog')
        .set('X-Request-Id', 'log-check-1')
        .set(bearer(users.tokens.organizer))
        .expect(200);
      await new Promise((r) => setImmediate(r));
      const lines = write.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith('{'));
      const entry = lines.map((l) => JSON.parse(l)).find((e) => e.requestId === 'log-check-1' && e.msg === 'request');
      expect(entry).toMatchObject({
        level: 'info',
        service: 'api',
        method: 'GET',
        route: '/api/catalog',
        status: 200,
        user: users.usernames.organizer,
        role: 'organizer',
      });
      expect(typeof entry.durationMs).toBe('number');
      // A person id in the path is personal data: logged by its template name (new-user trial: in clear).
      await request(verbose.getHttpServer())
        .get('/api/registries/people/P-secret-001')
        .set('X-Request-Id', 'log-check-2')
        .set(bearer(users.tokens.personnel))
        .expect(404);
      await new Promise((r) => setImmediate(r));
      const all = write.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith('{'));
      const roster = all.map((l) => JSON.parse(l)).find((e) => e.requestId === 'log-check-2' && e.msg === 'request');
      expect(roster).toMatchObject({ route: '/api/registries/people/:personId', path: '/api/registries/people/:personId', status: 404 });
      expect(all.join('\n')).not.toContain('P-secret-001');
      // An APEC card number has no fixed shape: no parameter or query value, and no segment of an unmatched path
      // carrying a digit, is logged (F-k: `"path":"/api/apec/cards/CARD0002X"` in clear, while a passport was masked).
      const probes: Array<[string, string, string]> = [
        ['/api/apec/cards/CARD0002X', 'unmatched', '/api/apec/cards/*'],
        ['/api/delegations/CARD0002X', '/api/delegations/:id', '/api/delegations/:id'],
        ['/api/nothing/CARD0002X', 'unmatched', '/api/nothing/*'],
        ['/api/delegations/A1B2C3D4E5/timeline', '/api/delegations/:id/timeline', '/api/delegations/:id/timeline'],
        ['/api/nothing?number=CARD0002X', 'unmatched', '/api/nothing?number=*'],
      ];
      for (const [i, [path]] of probes.entries())
        await request(verbose.getHttpServer()).get(path).set('X-Request-Id', `log-check-card-${i}`).set(bearer(users.tokens['apec-desk']));
      await new Promise((r) => setImmediate(r));
      const lines2 = write.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith('{'));
      for (const [i, [, route, logged]] of probes.entries()) {
        const entry = lines2.map((l) => JSON.parse(l)).find((e) => e.requestId === `log-check-card-${i}` && e.msg === 'request');
        expect(entry).toMatchObject({ route, path: logged });
      }
      expect(lines2.join('\n')).not.toMatch(/CARD0002X|A1B2C3D4E5/);
    } finally {
      write.mockRestore();
      await verbose.close();
    }
  });

  it('serves Prometheus metrics with request latency by route', async () => {
    await request(api.http).get('/api/catalog').set(bearer(users.tokens.manager)).expect(200);
    const res = await request(api.http).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/api\/catalog"/);
    expect(res.text).toContain('delegation_updates_total');
  });

  it('returns the catalog: the definition in force with labels', async () => {
    const res = await request(api.http).get('/api/catalog').set(bearer(users.tokens.organizer)).expect(200);
    // The 53 steps to departure and the post-trip steps (definition 2027.2), with their names.
    expect(res.body.steps.filter((s: { phase: string }) => s.phase !== 'post-trip')).toHaveLength(53);
    expect(
      res.body.steps
        .filter((s: { phase: string }) => s.phase === 'post-trip')
        .map((s: { code: string; name: { zh: string } }) => [s.code, s.name.zh]),
    ).toEqual([
      ['P01', '回国登记'],
      ['P02', '护照交回保管（7日内）'],
      ['P03', '出访报告（15个工作日内）'],
      ['P04', '出访成果公开（1个月内）'],
      ['P05', '经费报销（1个月内）'],
    ]);
    const b07 = res.body.steps.find((s: { code: string }) => s.code === 'B07');
    expect(b07).toMatchObject({ actor: 'leader', actorLabel: { zh: '审批领导' }, kind: 'approval' });
  });

  it('seeds the demo users idempotently, and they can sign in with DEMO_PASSWORD', async () => {
    const service = api.app.get(UsersService);
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const first = await service.seedDemoUsers();
      await service.seedDemoUsers();
      expect(first).toEqual(demoUsers());
      expect(first.map((u) => u.username)).toEqual(
        expect.arrayContaining([
          'organizer.commerce',
          'dept-approver.education',
          'fao-clerk.fao',
          'visa-officer.fao',
          'manager.fao',
          'leader.city',
          'admin.fao',
          'apec-desk.fao',
          'enterprise-clerk.trading',
        ]),
      );
      expect(first).toHaveLength(22);
      expect(log.mock.calls.flat().join('\n')).toContain('organizer.commerce');
    } finally {
      log.mockRestore();
    }
    const res = await request(api.http)
      .post('/api/auth/login')
      .send({ username: 'leader.city', password: api.config.demoPassword })
      .expect(200);
    expect(res.body.user).toMatchObject({ role: 'leader', unit: 'city' });
  });
});
