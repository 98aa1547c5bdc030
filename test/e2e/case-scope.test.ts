import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import { bearer, canonicalSubmission, createTestUsers, startTestApi, type TestApi, type TestUsers } from '../support/api-harness';
import { waitForStep } from '../support/api-flow';
import { GOVERNMENT_UNIT_ROLES } from '@df/domain';
import type { UserRole } from '../../apps/api/src/auth/access';

interface Doc {
  paths: Record<string, Record<string, unknown>>;
}
interface Route {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
}

/**
 * Scope before role, by kind (issue 15 review): on every route of a case, taken from the OpenAPI document so a
 * route added later is walked too, another unit's user gets 403 CASE_OUT_OF_SCOPE: whatever the route, the
 * role (allowed on their own unit's cases or not), the body, or the case's status. An unknown case answers as the
 * case detail does (404 CASE_NOT_FOUND) on every route: no more is revealed than the detail already did.
 */
describe('scope before role on every case route', () => {
  let worker: TestWorker;
  let api: TestApi;
  let home: TestUsers;
  let other: TestUsers;
  let openCase: string;
  let closedCase: string;
  let caseRoutes: Route[];
  let enterpriseRoutes: Route[];
  let apecRoutes: Route[];

  const submit = async () =>
    (await request(api.http).post('/api/delegations').set(bearer(home.tokens.organizer)).send(canonicalSubmission(home.unit)).expect(201))
      .body.caseId as string;

  beforeAll(async () => {
    worker = await startTestWorker();
    api = await startTestApi({ taskQueue: worker.config.taskQueue });
    home = await createTestUsers(api);
    other = await createTestUsers(api);
    [openCase, closedCase] = [await submit(), await submit()];
    await waitForStep(api, home.tokens.organizer, closedCase, 'A02', ['awaiting', 'overdue']);
    await request(api.http)
      .post(`/api/delegations/${closedCase}/withdraw`)
      .set(bearer(home.tokens.organizer))
      .set('Idempotency-Key', randomUUID())
      .send({ reason: '测试撤回' })
      .expect(200);
    // Both cases in the read model (the scope check reads it first).
    await eventually(
      () => request(api.http).get('/api/delegations').query({ unit: home.unit }).set(bearer(home.tokens.organizer)),
      (r) => r.body.items?.length === 2 && r.body.items.some((c: { status: string }) => c.status === 'withdrawn'),
    );
    const doc = (await request(api.http).get('/api/docs-json').expect(200)).body as Doc;
    const routes = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m): m is Route['method'] => ['get', 'post', 'put', 'delete'].includes(m))
        .map((method) => ({ method, path })),
    );
    caseRoutes = routes.filter((r) => r.path.startsWith('/api/delegations/{id}'));
    enterpriseRoutes = routes.filter((r) => r.path.startsWith('/api/apec/enterprises/{unit}'));
    apecRoutes = routes.filter((r) => r.path.startsWith('/api/apec/'));
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  const call = (route: Route, token: string, params: Record<string, string>) => {
    const url = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? 'x'));
    const req = request(api.http)[route.method](url).set(bearer(token)).set('Idempotency-Key', randomUUID());
    // Each route's body in its media type (the upload's multipart/form-data): a body in another is 415 before sign-in
    // and scope on every route alike (jsonBodiesOnly), which says nothing of the case.
    return route.method === 'post' && route.path.endsWith('/attachments') ? req.field('kind', 'other') : req.send({});
  };
  const params = (id: string) => ({ id, stepKey: 'A02', attachmentId: randomUUID(), unit: home.unit, move: 'suspend' });

  it('walks every case route (at least the attachments, documents, steps and case actions)', () => {
    const paths = new Set(caseRoutes.map((r) => r.path));
    for (const p of ['/api/delegations/{id}', '/api/delegations/{id}/attachments', '/api/delegations/{id}/attachments/{attachmentId}'])
      expect(paths).toContain(p);
    expect(caseRoutes.length).toBeGreaterThanOrEqual(15);
  });

  it.each(['organizer', 'finance', 'personnel'] as const)(
    "another unit's %s gets 403 CASE_OUT_OF_SCOPE on every route of an open and of a closed case",
    async (role) => {
      const answers: string[] = [];
      for (const caseId of [openCase, closedCase])
        for (const route of caseRoutes) {
          const res = await call(route, other.tokens[role], params(caseId));
          answers.push(`${route.method} ${route.path} ${caseId === openCase ? 'open' : 'closed'}: ${res.status} ${res.body.code}`);
        }
      expect(answers.filter((a) => !a.endsWith(': 403 CASE_OUT_OF_SCOPE'))).toEqual([]);
    },
  );

  it("the attachment list (the handed input): 403 CASE_OUT_OF_SCOPE for the outsider, 200 for the case's own organizer", async () => {
    const res = await request(api.http).get(`/api/delegations/${openCase}/attachments`).set(bearer(other.tokens.organizer)).expect(403);
    expect(res.body).toMatchObject({
      code: 'CASE_OUT_OF_SCOPE',
      message: { zh: expect.stringContaining('本单位'), en: expect.any(String) },
    });
    await request(api.http).get(`/api/delegations/${openCase}/attachments`).set(bearer(home.tokens.organizer)).expect(200);
    await request(api.http).get(`/api/delegations/${openCase}/attachments`).set(bearer(home.tokens.manager)).expect(200);
  });

  it('a case id in capitals is the case on every route (trial: 404), its scope checked the same', async () => {
    const upper = openCase.toUpperCase();
    expect(upper).not.toBe(openCase);
    const detail = await request(api.http).get(`/api/delegations/${upper}`).set(bearer(home.tokens.organizer)).expect(200);
    expect(detail.body.caseId).toBe(openCase);
    await request(api.http).get(`/api/delegations/${upper}/timeline`).set(bearer(home.tokens.organizer)).expect(200);
    await request(api.http).get(`/api/delegations/${upper}/attachments?includeRemoved=true`).set(bearer(home.tokens.manager)).expect(200);
    const outsider = await request(api.http).get(`/api/delegations/${upper}/attachments`).set(bearer(other.tokens.organizer)).expect(403);
    expect(outsider.body.code).toBe('CASE_OUT_OF_SCOPE');
    // The list's search by id too: the id in capitals finds it (trial: case-sensitive, nothing found).
    const found = await request(api.http).get(`/api/delegations?q=${upper}`).set(bearer(home.tokens.organizer)).expect(200);
    expect(found.body.items.map((c: { caseId: string }) => c.caseId)).toContain(openCase);
    // And by its unit's code in capitals (trial: ?q=COMMERCE found nothing, ?q=commerce three cases).
    const byUnit = await request(api.http)
      .get(`/api/delegations?q=${home.unit.toUpperCase()}`)
      .set(bearer(home.tokens.organizer))
      .expect(200);
    expect(byUnit.body.items.map((c: { caseId: string }) => c.caseId)).toContain(openCase);
  });

  it('an unknown case answers as before on every route: its body checked, then 404 CASE_NOT_FOUND; never out of scope', async () => {
    const missing = `nope-${randomUUID().slice(0, 8)}`;
    const detail = await request(api.http).get(`/api/delegations/${missing}`).set(bearer(other.tokens.organizer));
    expect([detail.status, detail.body.code]).toEqual([404, 'CASE_NOT_FOUND']);
    const answers: string[] = [];
    for (const route of caseRoutes) {
      const res = await call(route, other.tokens.organizer, params(missing));
      answers.push(`${route.method} ${route.path}: ${res.status} ${res.body.code}`);
    }
    expect(answers.filter((a) => !a.endsWith(': 404 CASE_NOT_FOUND') && !a.endsWith(': 400 VALIDATION_FAILED'))).toEqual([]);
    // Every GET has no body to check: 404, as the case detail.
    expect(answers.filter((a) => a.startsWith('get ') && !a.endsWith(': 404 CASE_NOT_FOUND'))).toEqual([]);
  });

  it('a government role gets 403 FORBIDDEN_ROLE naming the roles allowed on every APEC route, whatever enterprise it names (trial)', async () => {
    // Handed input (new-user trial): a government unit's organizer read the enterprise clerk's CASE_OUT_OF_SCOPE on
    // POST /api/apec/enterprises/trading/whitelist/suspend and GET /api/apec/enterprises/trading, FORBIDDEN_ROLE on the list.
    expect(apecRoutes.length).toBeGreaterThanOrEqual(10);
    const answers: string[] = [];
    for (const role of GOVERNMENT_UNIT_ROLES as UserRole[])
      for (const route of apecRoutes)
        for (const unit of ['trading', home.unit, other.unit]) {
          const res = await call(route, other.tokens[role], { ...params(''), unit, number: 'x' });
          answers.push(`${role} ${route.method} ${route.path} ${unit}: ${res.status} ${res.body.code} ${res.body.message?.zh}`);
        }
    expect(answers.filter((a) => !/: 403 FORBIDDEN_ROLE 此操作仅限：/.test(a))).toEqual([]);
  });

  it("an enterprise clerk reaching another enterprise's records gets 403 CASE_OUT_OF_SCOPE; a route not its role's, FORBIDDEN_ROLE", async () => {
    expect(enterpriseRoutes.length).toBeGreaterThanOrEqual(3);
    const clerk = other.tokens['enterprise-clerk'];
    const read = await call({ method: 'get', path: '/api/apec/enterprises/{unit}' }, clerk, params(''));
    expect([read.status, read.body.code, read.body.message.zh]).toEqual([403, 'CASE_OUT_OF_SCOPE', '只能查看和办理本企业的记录']);
    // Every other enterprise route is the APEC desk's: refused by role, as on its own enterprise (no more revealed).
    const answers: string[] = [];
    for (const route of enterpriseRoutes.filter((r) => !(r.method === 'get' && r.path === '/api/apec/enterprises/{unit}')))
      for (const unit of [home.unit, other.unit]) {
        const res = await call(route, clerk, { ...params(''), unit });
        answers.push(`${route.method} ${route.path} ${unit}: ${res.status} ${res.body.code}`);
      }
    expect(answers.filter((a) => !a.endsWith(': 403 FORBIDDEN_ROLE'))).toEqual([]);
  });
});
