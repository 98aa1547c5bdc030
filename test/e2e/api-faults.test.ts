import request from 'supertest';
import { startTestWorker, type TestWorker } from '../support/harness';
import {
  bearer,
  canonicalSubmission,
  passportsNotInCustody,
  createTestUsers,
  startTestApi,
  uniqueSuffix,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';
import { getProgress } from '../support/api-flow';

/**
 * The new-user trial's faults, each by kind, on the real servers: a field the server derives from a registry is
 * validated as sent and never silently replaced; one rule for unknown query parameters on every GET route.
 */
describe('API faults by kind (the new-user trial)', () => {
  let worker: TestWorker;
  let api: TestApi;
  let reg: TestUsers;
  let unreg: TestUsers;
  const dept = `dept-${uniqueSuffix()}`;
  const pairs = (body: { errors?: Array<{ field: string; rule: string }> }) => (body.errors ?? []).map((e) => [e.field, e.rule]);

  beforeAll(async () => {
    worker = await startTestWorker();
    api = await startTestApi({ taskQueue: worker.config.taskQueue });
    reg = await createTestUsers(api);
    unreg = await createTestUsers(api);
    // The supervising department is a registered unit (rule registered-unit).
    await request(api.http)
      .put(`/api/registries/units/${dept}`)
      .set(bearer(reg.tokens['fao-clerk']))
      .send({ nameZh: `主管部门${dept}`, nameEn: `Supervising department ${dept}`, supervisingDepartment: null })
      .expect(201);
    await request(api.http)
      .put(`/api/registries/units/${reg.unit}`)
      .set(bearer(reg.tokens['fao-clerk']))
      .send({
        nameZh: `测试单位${reg.unit}`,
        nameEn: `Test unit ${reg.unit}`,
        parentCode: null,
        supervisingDepartment: dept,
        clerks: [],
        signatories: [],
        status: 'active',
        suspendedReason: null,
      })
      .expect(201);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it('supervisingDepartment is validated as sent, for a registered unit and not (check and submit alike)', async () => {
    const cases: Array<[unknown, string]> = [
      [[1], 'type'],
      [12345, 'type'],
      [{ a: 1 }, 'type'],
      ['', 'min'],
      ['x'.repeat(5000), 'max'],
    ];
    for (const users of [reg, unreg])
      for (const path of ['/api/delegations/check', '/api/delegations'])
        for (const [value, rule] of cases) {
          const res = await request(api.http)
            .post(path)
            .set(bearer(users.tokens.organizer))
            .send(canonicalSubmission(users.unit, { supervisingDepartment: value }));
          expect([path, JSON.stringify(value).slice(0, 12), res.status, pairs(res.body)]).toEqual([
            path,
            JSON.stringify(value).slice(0, 12),
            400,
            [['supervisingDepartment', rule]],
          ]);
        }
  });

  it("a registered unit's department is the registry's: left out or null it applies, another is refused 422 naming the field", async () => {
    const org = bearer(reg.tokens.organizer);
    const other = await request(api.http)
      .post('/api/delegations')
      .set(org)
      .send(canonicalSubmission(reg.unit, { supervisingDepartment: 'someone-else' }))
      .expect(422);
    expect(other.body).toMatchObject({
      code: 'INVALID_REQUEST',
      errors: [
        {
          field: 'supervisingDepartment',
          rule: 'registry-value',
          message: {
            zh: `与单位 测试单位${reg.unit}（${reg.unit}） 的登记不一致：不填则以登记为准，填写须与登记一致`,
            en: `Differs from the Test unit ${reg.unit} (${reg.unit})'s registration: leave it out to use the registered value, or send that value`,
          },
        },
        // Collected in the same answer: the typed member's passport claimed in custody, which the ledger does not hold.
        { field: 'members[0].passport.inCustody', rule: 'in-ledger' },
      ],
    });
    expect(other.body.errors).toHaveLength(2);
    await request(api.http)
      .post('/api/delegations/check')
      .set(org)
      .send(canonicalSubmission(reg.unit, { supervisingDepartment: 'someone-else' }))
      .expect(422);
    const { supervisingDepartment: _left, ...without } = passportsNotInCustody(canonicalSubmission(reg.unit));
    for (const body of [without, passportsNotInCustody(canonicalSubmission(reg.unit, { supervisingDepartment: dept }))]) {
      const res = await request(api.http).post('/api/delegations').set(org).send(body).expect(201);
      expect((await getProgress(api, reg.tokens['fao-clerk'], res.body.caseId)).facts.supervisingDepartment).toBe(dept);
    }
    // A unit not in the registry: as typed, absent = none.
    const { supervisingDepartment: _none, ...bare } = canonicalSubmission(unreg.unit);
    const res = await request(api.http).post('/api/delegations').set(bearer(unreg.tokens.organizer)).send(bare).expect(201);
    expect((await getProgress(api, unreg.tokens['fao-clerk'], res.body.caseId)).facts.supervisingDepartment).toBeNull();
  });

  it('an unknown query parameter is 400 naming it on every GET route of the document; what the web app sends passes', async () => {
    const doc = (await request(api.http).get('/api/docs-json').expect(200)).body as {
      paths: Record<string, { get?: { parameters?: Array<{ in: string; name: string }> } }>;
    };
    const gets = Object.entries(doc.paths).filter(([, item]) => item.get);
    const withFilters = gets.filter(([, item]) => (item.get!.parameters ?? []).some((p) => p.in === 'query')).map(([path]) => path);
    // The health probe and the metrics scrape are outside the rule: a probe or scraper adding a parameter must not fail.
    const operational = ['/health', '/metrics'];
    for (const path of operational) expect([path, (await request(api.http).get(`${path}?probe=1`)).status]).toEqual([path, 200]);
    const without = gets.filter(([path]) => !withFilters.includes(path) && !operational.includes(path));
    expect([withFilters.length >= 10, without.length >= 10]).toEqual([true, true]);
    const unknownField = (name: string) => ({
      field: `query.${name}`,
      rule: 'unknown-field',
      message: { zh: '不允许的字段', en: 'Field not allowed' },
    });
    // Routes without filters: the route table's rule, before anything else (the trial's 200s).
    for (const [path] of without) {
      const res = await request(api.http)
        .get(`${path.replace(/\{[^}]+\}/g, 'x')}?bogus=1`)
        .set(bearer(reg.tokens['fao-clerk']));
      expect([path, res.status, res.body.errors]).toEqual([path, 400, [unknownField('bogus')]]);
    }
    // Routes with filters: their strict schema says the same (the dashboard's 400 the trial saw), with every other error at once.
    const roleFor: Record<string, keyof TestUsers['tokens']> = {
      '/api/users': 'admin',
      '/api/apec/enterprises': 'apec-desk',
      '/api/apec/cards': 'apec-desk',
      '/api/dashboard': 'manager',
      '/api/dashboard/export': 'manager',
    };
    const plain = withFilters.filter((p) => !p.includes('{'));
    expect(plain).toEqual(expect.arrayContaining(Object.keys(roleFor)));
    for (const path of plain) {
      const res = await request(api.http)
        .get(`${path}?bogus=1`)
        .set(bearer(reg.tokens[roleFor[path] ?? 'fao-clerk']));
      expect([path, res.status, res.body.errors]).toEqual([path, 400, [unknownField('bogus')]]);
    }
    // The web app's and the bench's query strings (apps/web, apps/bench), each by a role that sends it.
    for (const [url, role] of [
      ['/api/inbox?pageSize=200', 'organizer'],
      ['/api/delegations?process=apec-card&pageSize=100', 'apec-desk'],
      ['/api/delegations?pageSize=100&sort=departure', 'organizer'],
      [`/api/delegations?phase=review&unit=${reg.unit}&atRisk=true`, 'fao-clerk'],
      ['/api/dashboard?limit=200&period=departure', 'manager'],
      ['/api/apec/enterprises?pageSize=50', 'apec-desk'],
      [`/api/registries/people?unit=${reg.unit}`, 'personnel'],
      ['/api/users?status=active', 'admin'],
    ] as const)
      expect([url, (await request(api.http).get(url).set(bearer(reg.tokens[role]))).status]).toEqual([url, 200]);
  });

  it('every number of the APEC and registry writes has a maximum and an integer or decimal rule in the OpenAPI document', async () => {
    type Node = Record<string, unknown> & { $ref?: string; properties?: Record<string, Node>; items?: Node };
    const doc = (await request(api.http).get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Node }> } }>>;
      components: { schemas: Record<string, Node> };
    };
    const found: Array<[string, unknown, unknown]> = [];
    const walk = (node: Node | undefined, at: string, seen: Set<string>): void => {
      if (!node || typeof node !== 'object') return;
      if (node.$ref) {
        const name = node.$ref.split('/').pop()!;
        if (!seen.has(name)) walk(doc.components.schemas[name], at, new Set([...seen, name]));
        return;
      }
      // An enum of numbers (a quarter 1-4) is its own bound and rule.
      if (node.type === 'number' || node.type === 'integer')
        found.push(
          Array.isArray(node.enum)
            ? [at, Math.max(...(node.enum as number[])), 'enum']
            : [at, node.maximum, node.type === 'integer' ? 'integer' : node.multipleOf],
        );
      for (const [k, v] of Object.entries(node.properties ?? {})) walk(v, `${at}.${k}`, seen);
      walk(node.items, `${at}[]`, seen);
      for (const key of ['anyOf', 'oneOf', 'allOf'] as const) for (const v of (node[key] as Node[] | undefined) ?? []) walk(v, at, seen);
    };
    for (const [path, item] of Object.entries(doc.paths))
      if (path.startsWith('/api/apec') || path.startsWith('/api/registries'))
        for (const [method, op] of Object.entries(item))
          if (['post', 'put', 'patch'].includes(method))
            walk(op.requestBody?.content?.['application/json']?.schema, `${method} ${path}`, new Set());
    // The admission figures (desk and clerk), the criteria thresholds, the plan sizes at least.
    expect(found.length).toBeGreaterThanOrEqual(13);
    for (const [at, maximum, rule] of found) expect([at, typeof maximum, rule !== undefined]).toEqual([at, 'number', true]);
  });
});
