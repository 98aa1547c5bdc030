import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { SUBMISSION_EXAMPLE } from '../../apps/api/src/delegations/schemas';
import { bearer, createTestUsers, startTestApi, TEST_PASSWORD, type TestApi, type TestUsers } from '../support/api-harness';

/** The OpenAPI components the web's forms validate against: the names apps/web/src passes to validate / useSchemaForm. */
function webFormComponents(): string[] {
  const dir = join(__dirname, '..', '..', 'apps', 'web', 'src');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.spec.ts'));
  const names = files.flatMap((f) =>
    [...readFileSync(join(dir, f), 'utf8').matchAll(/(?:\bvalidate|useSchemaForm<[^>]*>)\(\s*'([A-Za-z]+)'/g)].map((m) => m[1]!),
  );
  return [...new Set(names)].sort();
}

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
      // Scripts from the app's own origin only, never inline, no eval: the form validators come compiled from the API
      // (/api/form-validators.js), not compiled in the browser (docs/security.md, CSP).
      const csp = Object.fromEntries(
        String(res.headers['content-security-policy'])
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .map(([name, ...values]) => [name, values]),
      );
      expect(csp['script-src']).toEqual(["'self'"]);
      expect(csp['script-src-attr']).toEqual(["'none'"]);
      expect(csp['object-src']).toEqual(["'none'"]);
      expect(csp['frame-ancestors']).toEqual(["'self'"]);
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['x-powered-by']).toBeUndefined();
      // API_HTTPS unset: no upgrade of the page's requests to https (over plain HTTP on a host other than localhost,
      // every /assets/*.js would fail: a blank page); the rest of helmet's defaults stay.
      expect(csp['upgrade-insecure-requests']).toBeUndefined();
    }
  });

  it('asks browsers to upgrade insecure requests only when the deployment says it is served over HTTPS (API_HTTPS)', async () => {
    const directives = (header: unknown) =>
      String(header)
        .split(';')
        .map((d) => d.trim().split(/\s+/)[0]);
    const plain = await request(api.http).get('/health');
    expect(api.config.apiHttps).toBe(false);
    expect(directives(plain.headers['content-security-policy'])).not.toContain('upgrade-insecure-requests');
    const https = await startTestApi({ apiHttps: true });
    try {
      for (const path of ['/health', '/api/form-validators.js', '/api/docs-json']) {
        const res = await request(https.http).get(path);
        const names = directives(res.headers['content-security-policy']);
        expect(names).toContain('upgrade-insecure-requests');
        // The same policy otherwise.
        expect(names.filter((n) => n !== 'upgrade-insecure-requests').sort()).toEqual(
          directives(plain.headers['content-security-policy']).sort(),
        );
        expect(String(res.headers['content-security-policy'])).toMatch(/script-src 'self';/);
        expect(res.headers['content-security-policy']).not.toMatch(/unsafe-eval/);
      }
    } finally {
      await https.close();
    }
  });

  it("serves the request schemas' validators as one same-origin module the web imports, compiled from the OpenAPI document", async () => {
    const res = await request(api.http).get('/api/form-validators.js').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.headers['content-security-policy']).not.toMatch(/unsafe-eval/);
    const components = Object.keys((await request(api.http).get('/api/docs-json').expect(200)).body.components.schemas as object);
    // Run as the browser runs it (its exports read as locals here): one validator per component, the API's verdicts.
    const validators = new Function(`${res.text.replace(/export const /g, 'const ')}\nreturn validators;`)() as Record<
      string,
      ((value: unknown) => boolean) & { errors?: Array<{ instancePath: string; keyword: string }> | null }
    >;
    // Every form's component has its validator (the names the web passes to validate / useSchemaForm); what is left
    // out is only what Ajv cannot compile (OpenAPI 3.0 beyond JSON Schema: nullable with no type, boolean exclusiveMinimum).
    const forms = webFormComponents();
    expect(forms).toEqual(expect.arrayContaining(['DelegationSubmission', 'RegistryPerson', 'PasswordChangeRequest']));
    expect(Object.keys(validators)).toEqual(expect.arrayContaining(forms));
    expect(Object.keys(validators).length).toBeGreaterThan(components.length * 0.8);
    const submission = validators.DelegationSubmission!;
    expect(submission(SUBMISSION_EXAMPLE)).toBe(true);
    expect(submission({ ...SUBMISSION_EXAMPLE, departureDate: '2027-3-1' })).toBe(false);
    expect(submission.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ instancePath: '/departureDate', keyword: 'pattern' })]),
    );
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
