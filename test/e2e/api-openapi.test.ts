import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';
import request from 'supertest';
import { startTestWorker, type TestWorker } from '../support/harness';
import {
  bearer,
  canonicalSubmission,
  createTestUsers,
  startTestApi,
  TEST_PASSWORD,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';
import { waitForStep } from '../support/api-flow';
import { SUBMISSION_EXAMPLE } from '../../apps/api/src/delegations/schemas';

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: { content: Record<string, { example?: unknown; examples?: Record<string, unknown>; schema?: { $ref?: string } }> };
        responses: Record<string, { content?: Record<string, { example?: unknown; schema?: { $ref?: string } }> }>;
      }
    >
  >;
  components: { schemas: Record<string, { example?: unknown }> };
};

const ROUTES = [
  'get /health',
  'get /metrics',
  'post /api/auth/login',
  'post /api/delegations',
  'post /api/delegations/check',
  'get /api/delegations',
  'get /api/delegations/{id}',
  'get /api/delegations/{id}/timeline',
  'get /api/delegations/{id}/documents/approval-document.pdf',
  'get /api/delegations/{id}/documents/application-form.pdf',
  'post /api/delegations/{id}/steps/{stepKey}/complete',
  'post /api/delegations/{id}/steps/{stepKey}/decision',
  'post /api/delegations/{id}/amend',
  'post /api/delegations/{id}/amendment-preview',
  'post /api/delegations/{id}/withdraw',
  'post /api/delegations/{id}/cancel',
  'post /api/delegations/{id}/notice-objections',
  'post /api/delegations/{id}/documents',
  'post /api/delegations/{id}/documents/extensions',
  // Attachments (issue 15 item 3): test/e2e/attachments.test.ts checks their bodies against the schemas.
  'get /api/delegations/{id}/attachments',
  'post /api/delegations/{id}/attachments',
  'get /api/delegations/{id}/attachments/{attachmentId}',
  'delete /api/delegations/{id}/attachments/{attachmentId}',
  'get /api/inbox',
  'get /api/catalog',
  'get /api/dashboard',
  'get /api/dashboard/export',
  // Registries (issue 14): apps/api/src/registries, test/e2e/registries.test.ts checks their bodies against the schemas.
  'get /api/registries/units',
  'get /api/registries/units/{code}',
  'put /api/registries/units/{code}',
  'get /api/registries/units/{code}/plans/{year}',
  'put /api/registries/units/{code}/plans/{year}',
  'get /api/registries/people',
  'get /api/registries/people/{personId}',
  'put /api/registries/people/{personId}',
  'put /api/registries/people/{personId}/classified-access',
  'get /api/registries/passports',
  'get /api/registries/passports/{key}',
  'post /api/registries/passports',
  'post /api/registries/passports/{number}/transitions',
  'get /api/registries/calendars',
  'get /api/registries/calendars/{year}',
  'put /api/registries/calendars/{year}',
  'get /api/registries/process-versions',
  'get /api/registries/process-versions/{version}',
  'post /api/registries/process-versions',
  'post /api/registries/process-versions/check',
  'post /api/registries/units/{code}/plans/{year}/approve',
  'get /api/registries/changes',
  'post /api/codec/decode',
  'post /api/codec/encode',
  // Users and roles (issue 14.4): apps/api/src/users, test/e2e/users-admin.test.ts checks their bodies against the schemas.
  'post /api/auth/password',
  'get /api/users',
  'post /api/users',
  'get /api/users/{username}',
  'post /api/users/{username}/disable',
  'post /api/users/{username}/enable',
  'post /api/users/{username}/grants',
  'delete /api/users/{username}/grants/{role}/{unit}',
  'post /api/users/{username}/password-reset',
  // APEC business travel cards (issue 17).
  'get /api/apec/enterprises',
  'put /api/apec/enterprises/{unit}',
  'get /api/apec/enterprises/{unit}',
  'post /api/apec/enterprises/{unit}/whitelist/admission',
  'post /api/apec/enterprises/{unit}/whitelist/{move}',
  'post /api/apec/applications',
  'get /api/apec/cards',
  'post /api/apec/cards/{number}/status',
  // Whitelist admission as a process, the criteria as office data (issue 17): test/e2e/apec-whitelist.test.ts.
  'get /api/apec/whitelist/criteria',
  'put /api/apec/whitelist/criteria',
  'post /api/apec/whitelist/applications',
];

describe('the OpenAPI document', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  let doc: Doc;
  let ajv: Ajv;
  beforeAll(async () => {
    worker = await startTestWorker();
    api = await startTestApi({ taskQueue: worker.config.taskQueue });
    users = await createTestUsers(api);
    doc = (await request(api.http).get('/api/docs-json').expect(200)).body as Doc;
    ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addSchema(structuredClone(doc) as object, 'openapi.json');
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  /** The body matches the schema the document gives for this route and status. */
  const expectDocumented = (route: string, status: number, body: unknown) => {
    const [method, path] = route.split(' ') as [string, string];
    const ref = doc.paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema?.$ref;
    expect({ route, status, ref }).toEqual({ route, status, ref: expect.stringMatching(/^#\/components\/schemas\//) });
    const validate = ajv.compile({ $ref: `openapi.json${ref}` });
    const ok = validate(body);
    expect({ route, status, errors: ok ? null : validate.errors }).toEqual({ route, status, errors: null });
  };

  it("says every pattern of the document's schemas in the API's words: x-message {zh, en}, or a format or an example (the web shows it, never the regular expression)", () => {
    const bare: string[] = [];
    const said: Record<string, unknown> = {};
    const visit = (node: unknown, at: string): void => {
      if (!node || typeof node !== 'object') return;
      if (Array.isArray(node)) return node.forEach((x, i) => visit(x, `${at}[${i}]`));
      const n = node as Record<string, unknown>;
      if (typeof n.pattern === 'string') {
        const m = n['x-message'] as { zh?: unknown; en?: unknown } | undefined;
        if (m) said[at] = m;
        else if (n.format === undefined && n.example === undefined) bare.push(`${at} ${n.pattern}`);
      }
      for (const [k, v] of Object.entries(n)) if (k !== 'example' && k !== 'examples' && k !== 'x-message') visit(v, `${at}.${k}`);
    };
    for (const [id, schema] of Object.entries(doc.components.schemas)) visit(schema, id);
    expect(bare).toEqual([]);
    for (const m of Object.values(said)) expect(m).toEqual({ zh: expect.stringMatching(/[\u4e00-\u9fff]/), en: expect.any(String) });
    // The handed input: a passport number's pattern says what the API's 400 says.
    expect(said['DelegationSubmission.properties.members.items.properties.passport.properties.number']).toEqual({
      zh: expect.stringContaining('护照号码'),
      en: expect.stringMatching(/passport/i),
    });
  });

  it('validates as OpenAPI 3', async () => {
    expect(doc.openapi).toMatch(/^3\.0\./);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('documents exactly the routes the API serves, each with a request and response example', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(documented.sort()).toEqual([...ROUTES].sort());
    for (const route of ROUTES) {
      const [method, path] = route.split(' ') as [string, string];
      const op = doc.paths[path]![method]!;
      if (op.requestBody) {
        // JSON bodies everywhere but the attachment upload (multipart/form-data).
        const media = (op.requestBody.content['application/json'] ?? op.requestBody.content['multipart/form-data'])!;
        const component = media.schema?.$ref ? doc.components.schemas[media.schema.$ref.split('/').pop()!] : undefined;
        expect({ route, hasRequestExample: !!(media.example ?? media.examples ?? component?.example) }).toEqual({
          route,
          hasRequestExample: true,
        });
      }
      const success = Object.entries(op.responses).find(([s]) => s.startsWith('2'));
      expect({ route, success: !!success }).toEqual({ route, success: true });
      const media = Object.values(success![1].content ?? {})[0];
      const component = media?.schema?.$ref ? doc.components.schemas[media.schema.$ref.split('/').pop()!] : undefined;
      expect({
        route,
        hasResponseExample: !!(media?.example ?? (media?.schema as { example?: unknown } | undefined)?.example ?? component?.example),
      }).toEqual({ route, hasResponseExample: true });
    }
  });

  it('matches what the endpoints accept and return', async () => {
    // The documented submission example is accepted as it stands (for the caller's own unit).
    const docExample = (
      doc.paths['/api/delegations']!.post!.requestBody!.content['application/json']!.examples as Record<
        string,
        { value: Record<string, unknown> }
      >
    ).canonicalUsTrip!.value;
    expect(docExample).toEqual({ ...canonicalSubmission('commerce'), members: SUBMISSION_EXAMPLE.members });
    const login = await request(api.http)
      .post('/api/auth/login')
      .send({ username: users.usernames.organizer, password: TEST_PASSWORD })
      .expect(200);
    expectDocumented('post /api/auth/login', 200, login.body);
    const submitted = await request(api.http)
      .post('/api/delegations')
      .set(bearer(users.tokens.organizer))
      .send({ ...docExample, unit: users.unit })
      .expect(201);
    expectDocumented('post /api/delegations', 201, submitted.body);
    const caseId = submitted.body.caseId as string;

    await waitForStep(api, users.tokens.organizer, caseId, 'A02', ['awaiting', 'overdue']);
    const completed = await request(api.http)
      .post(`/api/delegations/${caseId}/steps/A02/complete`)
      .set(bearer(users.tokens.organizer))
      .send({ comment: '已起草' })
      .expect(200);
    expectDocumented('post /api/delegations/{id}/steps/{stepKey}/complete', 200, completed.body);

    expectDocumented(
      'get /api/delegations/{id}',
      200,
      (await request(api.http).get(`/api/delegations/${caseId}`).set(bearer(users.tokens.organizer)).expect(200)).body,
    );
    expectDocumented(
      'get /api/delegations/{id}/timeline',
      200,
      (await request(api.http).get(`/api/delegations/${caseId}/timeline`).set(bearer(users.tokens.organizer)).expect(200)).body,
    );
    const list = await request(api.http).get('/api/delegations').set(bearer(users.tokens.organizer)).expect(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    expectDocumented('get /api/delegations', 200, list.body);
    const inbox = await request(api.http).get('/api/inbox').set(bearer(users.tokens.organizer)).expect(200);
    expect(inbox.body.items.length).toBeGreaterThan(0);
    expectDocumented('get /api/inbox', 200, inbox.body);
    expectDocumented(
      'get /api/catalog',
      200,
      (await request(api.http).get('/api/catalog').set(bearer(users.tokens.organizer)).expect(200)).body,
    );
    const board = (await request(api.http).get('/api/dashboard').query({ limit: 5 }).set(bearer(users.tokens.manager)).expect(200)).body;
    expect(board.inFlight.total).toBeGreaterThan(0);
    expectDocumented('get /api/dashboard', 200, board);
    const filtered = await request(api.http)
      .get('/api/dashboard')
      .query({ unit: users.unit, period: 'submission', from: '2026-01-01' })
      .set(bearer(users.tokens.manager))
      .expect(200);
    expectDocumented('get /api/dashboard', 200, filtered.body);
    expectDocumented(
      'post /api/delegations/check',
      200,
      (
        await request(api.http)
          .post('/api/delegations/check')
          .set(bearer(users.tokens.organizer))
          .send({ ...docExample, unit: users.unit })
          .expect(200)
      ).body,
    );
    expectDocumented(
      'get /api/dashboard',
      403,
      (await request(api.http).get('/api/dashboard').set(bearer(users.tokens.organizer)).expect(403)).body,
    );

    // The APEC enterprises list (issue 17) and its refusals.
    expectDocumented(
      'get /api/apec/enterprises',
      200,
      (await request(api.http).get('/api/apec/enterprises').set(bearer(users.tokens['apec-desk'])).expect(200)).body,
    );
    expectDocumented(
      'get /api/apec/enterprises',
      400,
      (await request(api.http).get('/api/apec/enterprises?size=huge').set(bearer(users.tokens['apec-desk'])).expect(400)).body,
    );
    expectDocumented(
      'get /api/apec/enterprises',
      403,
      (await request(api.http).get('/api/apec/enterprises').set(bearer(users.tokens.organizer)).expect(403)).body,
    );

    // Error bodies.
    expectDocumented(
      'post /api/delegations',
      400,
      (await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send({}).expect(400)).body,
    );
    expectDocumented('post /api/delegations', 401, (await request(api.http).post('/api/delegations').send({}).expect(401)).body);
    expectDocumented(
      'post /api/delegations',
      422,
      (
        await request(api.http)
          .post('/api/delegations')
          .set(bearer(users.tokens.organizer))
          .send({ ...docExample, unit: users.unit, returnDate: '2027-03-30' })
          .expect(422)
      ).body,
    );
    expectDocumented(
      'post /api/delegations/{id}/steps/{stepKey}/decision',
      409,
      (
        await request(api.http)
          .post(`/api/delegations/${caseId}/steps/B07/decision`)
          .set(bearer(users.tokens.leader))
          .send({ decision: 'approve' })
          .expect(409)
      ).body,
    );
    expectDocumented(
      'post /api/delegations/{id}/steps/{stepKey}/decision',
      403,
      (await request(api.http).post(`/api/delegations/${caseId}/steps/A05/complete`).set(bearer(users.tokens.finance)).send({}).expect(403))
        .body,
    );
  });

  it('declares the edge statuses where they can occur, and the bounds of every query number and string (issue 13.6)', () => {
    for (const route of ROUTES) {
      const [method, path] = route.split(' ') as [string, string];
      const op = doc.paths[path]![method]! as { responses: Record<string, unknown>; requestBody?: unknown; security?: unknown[] };
      const expected = ['400', '431', '503'];
      if (path.startsWith('/api/')) expected.push('429');
      if (op.requestBody) expected.push('413', '415');
      if (op.security?.length) expected.push('401', '403');
      if (path.includes('{')) expected.push('404');
      expect({ route, missing: expected.filter((s) => !(s in op.responses)) }).toEqual({ route, missing: [] });
    }
    // The upload's 413 and 415 are its own (the file's size, multipart), every JSON body's the JSON ones.
    const response = (route: string, status: number) => {
      const [method, path] = route.split(' ') as [string, string];
      return (doc.paths[path]![method]! as { responses: Record<string, { description: string }> }).responses[String(status)]!;
    };
    const upload = ROUTES.find((r) => r.startsWith('post ') && r.endsWith('/attachments'))!;
    expect(response(upload, 415).description).toMatch(/multipart\/form-data/);
    expect(response(upload, 413).description).toMatch(/file/);
    expect(response('post /api/delegations', 415).description).toMatch(/application\/json/);
    const param = (path: string, name: string) =>
      (doc.paths[path]!.get as unknown as { parameters: Array<{ name: string; schema: Record<string, unknown> }> }).parameters.find(
        (p) => p.name === name,
      )!.schema;
    expect(param('/api/delegations', 'page')).toMatchObject({ type: 'integer', minimum: 1, maximum: 100000 });
    expect(param('/api/delegations', 'pageSize')).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    expect(param('/api/inbox', 'pageSize')).toMatchObject({ type: 'integer', minimum: 1, maximum: 200 });
    expect(param('/api/dashboard', 'limit')).toMatchObject({ type: 'integer', minimum: 1, maximum: 500 });
    expect(param('/api/delegations', 'unit')).toMatchObject({ type: 'string', maxLength: 64, pattern: expect.any(String) });
    // The APEC enterprises list (issue 17): bounded like the other lists.
    expect(param('/api/apec/enterprises', 'pageSize')).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    expect(param('/api/apec/enterprises', 'size')).toMatchObject({ enum: ['large', 'medium', 'small', 'micro'] });
    // Every request string states the text rule (a pattern) and a bound; free-form data is JsonValue.
    const submission = JSON.stringify(doc.components.schemas.DelegationSubmission);
    expect(submission).toContain('"maxLength":100');
    const strings: Array<Record<string, unknown>> = [];
    const collect = (n: unknown): void => {
      if (!n || typeof n !== 'object') return;
      if (Array.isArray(n)) return n.forEach(collect);
      const o = n as Record<string, unknown>;
      if (o.type === 'string' && !o.enum) strings.push(o);
      for (const [k, v] of Object.entries(o)) if (k !== 'example' && k !== 'examples') collect(v);
    };
    for (const id of [
      'DelegationSubmission',
      'CompleteStepRequest',
      'DecisionRequest',
      'AmendRequest',
      'CloseRequest',
      'ObjectionRequest',
      'SupplyDocumentRequest',
      'LoginRequest',
      'JsonValue',
    ])
      collect(doc.components.schemas[id]);
    expect(strings.length).toBeGreaterThan(30);
    for (const s of strings) expect({ s, pattern: typeof s.pattern }).toEqual({ s, pattern: 'string' });
    expect(JSON.stringify(doc.components.schemas.CompleteStepRequest)).toContain('#/components/schemas/JsonValue');
  });
});
