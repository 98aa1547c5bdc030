import request from 'supertest';
import { bearer, createTestUsers, startTestApi, TEST_PASSWORD, type TestApi, type TestUsers } from '../support/api-harness';

/** Issue 13.5: security headers, no caching of personal data, JSON bodies only, bounded and protected /metrics. */
describe('HTTP hardening', () => {
  let api: TestApi;
  let users: TestUsers;
  beforeAll(async () => {
    api = await startTestApi();
    users = await createTestUsers(api);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('sends helmet security headers and Cache-Control: no-store on login and on case data', async () => {
    const login = await request(api.http)
      .post('/api/auth/login')
      .send({ username: users.usernames.organizer, password: TEST_PASSWORD })
      .expect(200);
    const list = await request(api.http).get('/api/delegations').set(bearer(users.tokens.organizer)).expect(200);
    const refused = await request(api.http).get('/api/delegations').expect(401);
    for (const res of [login, list, refused]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      // Scripts from the app's own origin only, never inline; eval stays allowed for Ajv's form validators alone
      // (apps/web/src/validation.ts compiles the OpenAPI request schemas in the browser: docs/security.md, CSP).
      const csp = Object.fromEntries(
        String(res.headers['content-security-policy'])
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .map(([name, ...values]) => [name, values]),
      );
      expect(csp['script-src']).toEqual(["'self'", "'unsafe-eval'"]);
      expect(csp['script-src-attr']).toEqual(["'none'"]);
      expect(csp['object-src']).toEqual(["'none'"]);
      expect(csp['frame-ancestors']).toEqual(["'self'"]);
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('accepts JSON bodies only: a form-encoded login is 415 naming Content-Type, not a sign-in', async () => {
    const form = await request(api.http)
      .post('/api/auth/login')
      .type('form')
      .send({ username: users.usernames.organizer, password: TEST_PASSWORD })
      .expect(415);
    expect(form.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', errors: [{ field: 'headers.Content-Type', rule: 'media-type' }] });
    expect(form.body.accessToken).toBeUndefined();
    await request(api.http)
      .post('/api/auth/login')
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ username: users.usernames.organizer, password: TEST_PASSWORD }))
      .expect(200);
    // A bodiless POST is not a media-type question: it reaches validation (400 naming the fields).
    expect((await request(api.http).post('/api/auth/login').expect(400)).body.code).toBe('VALIDATION_FAILED');
  });

  it('labels /metrics by route template or "unmatched", never by a raw path (even when JSON parsing fails before routing)', async () => {
    const probe = `probe-${Date.now()}`;
    await request(api.http).post(`/api/${probe}/x`).set('Content-Type', 'application/json').send('{"broken":').expect(400);
    await request(api.http).post(`/api/${probe}/y`).type('form').send('a=1').expect(415);
    await request(api.http).get(`/api/${probe}/z`).expect(404);
    await request(api.http).get(`/api/delegations/${probe}`).set(bearer(users.tokens.manager)).expect(404);
    const metrics = await request(api.http).get('/metrics').expect(200);
    expect(metrics.text).not.toContain(probe);
    expect(metrics.text).toMatch(/http_request_duration_seconds_count\{[^}]*method="GET",route="\/api\/delegations\/:id",status="404"/);
    expect(metrics.text).toMatch(/http_request_duration_seconds_count\{[^}]*method="POST",route="unmatched",status="400"/);
  });
});

describe('/metrics protection', () => {
  it('with METRICS_TOKEN: 401 without it or with a user token, 200 with it', async () => {
    const token = 'metrics-token-0123456789';
    const api = await startTestApi({ metricsToken: token });
    try {
      const users = await createTestUsers(api);
      const denied = await request(api.http).get('/metrics').expect(401);
      expect(denied.body.code).toBe('UNAUTHENTICATED');
      await request(api.http).get('/metrics').set(bearer(users.tokens.manager)).expect(401);
      await request(api.http)
        .get('/metrics')
        .set(bearer(`${token}x`))
        .expect(401);
      const ok = await request(api.http).get('/metrics').set(bearer(token)).expect(200);
      expect(ok.text).toContain('http_request_duration_seconds');
    } finally {
      await api.close();
    }
  });

  it('without METRICS_TOKEN: only loopback clients are answered', async () => {
    const api = await startTestApi({ metricsToken: undefined });
    try {
      await request(api.http).get('/metrics').expect(200); // supertest connects over 127.0.0.1
      const res = await request(api.http).get('/metrics').set('X-Forwarded-For', '203.0.113.9').expect(200);
      expect(res.text).toContain('http_request_duration_seconds'); // a forwarded-for header does not change who connected
    } finally {
      await api.close();
    }
  });
});
