import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { MAX_JSON_DEPTH } from '../../apps/api/src/common/text-rule';
import type { UserRole } from '../../apps/api/src/auth/access';
import { startTestWorker, type TestWorker } from '../support/harness';
import { bearer, canonicalSubmission, createTestUsers, startTestApi, type TestApi, type TestUsers } from '../support/api-harness';
import { waitForStep } from '../support/api-flow';

interface FieldError {
  field: string;
  rule: string;
  message: { zh: string; en: string };
}
type Json = Record<string, unknown>;

/** The error a 400 gives for one field: the text rule, in Chinese and English. */
const textErrorOf = (body: { errors?: FieldError[] }, field: string) => (body.errors ?? []).find((e) => e.field === field);

/**
 * Every string leaf of a request schema, as [path, body] where the body holds only that string (set to
 * `value`): `{ members: [{ name: value }] }`. Follows $ref, items, properties, additionalProperties and unions.
 */
function stringLeaves(schema: Json, components: Record<string, Json>, value: string): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  const walk = (s: Json, path: string, wrap: (v: unknown) => unknown, seen: Set<string>): void => {
    if (typeof s.$ref === 'string') {
      const id = s.$ref.split('/').pop()!;
      if (seen.has(id)) return;
      return walk(components[id]!, path, wrap, new Set([...seen, id]));
    }
    for (const alt of [...((s.anyOf as Json[]) ?? []), ...((s.oneOf as Json[]) ?? []), ...((s.allOf as Json[]) ?? [])])
      walk(alt, path, wrap, seen);
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (types.includes('string') && !s.enum) out.push([path, wrap(value)]);
    if (types.includes('array') && s.items) walk(s.items as Json, `${path}[0]`, (v) => wrap([v]), seen);
    if (s.properties)
      for (const [k, p] of Object.entries(s.properties as Record<string, Json>))
        walk(p, path ? `${path}.${k}` : k, (v) => wrap({ [k]: v }), seen);
    if (s.additionalProperties && typeof s.additionalProperties === 'object') {
      const ap = s.additionalProperties as Json;
      // Free-form values (`data`): a string value and a nested one.
      if (Object.keys(ap).length === 0) {
        out.push([`${path}.note`, wrap({ note: value })]);
        out.push([`${path}.deep.list[1]`, wrap({ deep: { list: ['ok', value] } })]);
      } else walk(ap, `${path}.x`, (v) => wrap({ x: v }), seen);
    }
  };
  walk(schema, '', (v) => v, new Set());
  return out;
}

/** A documented route's path with its parameters filled, and the role that may write to it (the role check comes first). */
function routeTarget(path: string, users: TestUsers): { url: string; writer: UserRole } {
  const url = path
    .replace('{id}', '00000000-0000-4000-8000-000000000000')
    .replace('{stepKey}', 'A02')
    .replace('{code}', users.unit)
    .replace('{year}', '2027')
    .replace('{personId}', 'P-text-rule')
    .replace('{number}', 'SE1234567')
    .replace('{unit}', users.unit)
    .replace('{move}', 'suspend')
    .replace('{username}', users.usernames.organizer);
  // The registries' writers (issue 14): the role check comes before the body is read.
  const writer: UserRole = path.startsWith('/api/users')
    ? 'admin'
    : path === '/api/apec/applications' || path === '/api/apec/whitelist/applications'
      ? 'enterprise-clerk'
      : path.startsWith('/api/apec/')
        ? 'apec-desk'
        : path.startsWith('/api/codec/')
          ? 'fao-reviewer'
          : path.includes('/classified-access')
            ? 'secrecy'
            : path.startsWith('/api/registries/people')
              ? 'personnel'
              : path.startsWith('/api/registries/passports')
                ? 'passport-officer'
                : path.startsWith('/api/registries/process-versions')
                  ? 'fao-director'
                  : path.startsWith('/api/registries/')
                    ? 'fao-clerk'
                    : 'organizer';
  return { url, writer };
}

describe('one text rule for every string the API reads (issue 12.1)', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  let doc: { paths: Record<string, Record<string, Json>>; components: { schemas: Record<string, Json> } };
  beforeAll(async () => {
    worker = await startTestWorker();
    api = await startTestApi({ taskQueue: worker.config.taskQueue });
    users = await createTestUsers(api);
    doc = (await request(api.http).get('/api/docs-json').expect(200)).body;
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it('handed input: {"comment":"ok\\u0000"} on an open case is 400 naming comment, and the case takes the next valid action at once', async () => {
    const submitted = await request(api.http)
      .post('/api/delegations')
      .set(bearer(users.tokens.organizer))
      .send(canonicalSubmission(users.unit))
      .expect(201);
    const caseId = submitted.body.caseId as string;
    await waitForStep(api, users.tokens.organizer, caseId, 'A02', ['awaiting', 'overdue']);
    const bad = await request(api.http)
      .post(`/api/delegations/${caseId}/steps/A02/complete`)
      .set(bearer(users.tokens.organizer))
      .send({ comment: 'ok\u0000' })
      .expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(textErrorOf(bad.body, 'comment')).toMatchObject({
      rule: 'text-control',
      message: { zh: expect.stringContaining('控制字符'), en: expect.stringContaining('control characters') },
    });
    const started = Date.now();
    const ok = await request(api.http)
      .post(`/api/delegations/${caseId}/steps/A02/complete`)
      .set(bearer(users.tokens.organizer))
      .send({ comment: 'ok' })
      .expect(200);
    expect(ok.body.accepted).toBe(true);
    expect(Date.now() - started).toBeLessThan(15_000); // "at once": not the 30 s update timeout of a wedged case
    const timeline = await request(api.http).get(`/api/delegations/${caseId}/timeline`).set(bearer(users.tokens.organizer)).expect(200);
    expect(JSON.stringify(timeline.body)).not.toContain('\\u0000');
  });

  it('handed input: a NUL in a member name at submission is 400 naming members[0].name, and no case appears', async () => {
    const body = canonicalSubmission(users.unit, { title: `nul-probe-${Date.now()}` });
    (body.members[0] as Json).name = '张\u0000三';
    const res = await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(body).expect(400);
    expect(textErrorOf(res.body, 'members[0].name')?.rule).toBe('text-control');
    const list = await request(api.http).get('/api/delegations').query({ pageSize: '100' }).set(bearer(users.tokens.organizer)).expect(200);
    expect(list.body.items.map((c: { title: string }) => c.title)).not.toContain(body.title);
  });

  it('handed inputs: a member name "王\\u202E小明" is 400 text-bidi; a title of zero-width spaces is 400 blank; no case appears', async () => {
    const title = `bidi-probe-${Date.now()}`;
    const body = canonicalSubmission(users.unit, { title });
    (body.members[0] as Json).name = '王\u202E小明';
    const bidi = await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(body).expect(400);
    expect(textErrorOf(bidi.body, 'members[0].name')).toEqual({
      field: 'members[0].name',
      rule: 'text-bidi',
      message: {
        zh: '不得包含改变文字方向的控制字符（U+202A–U+202E、U+2066–U+2069）',
        en: 'Must not contain bidirectional override, embedding or isolate controls (U+202A–U+202E, U+2066–U+2069)',
      },
    });
    const blank = await request(api.http)
      .post('/api/delegations')
      .set(bearer(users.tokens.organizer))
      .send(canonicalSubmission(users.unit, { title: '\u200B\u200B\u200B' }))
      .expect(400);
    expect(blank.body.errors).toEqual([
      {
        field: 'title',
        rule: 'blank',
        message: { zh: '不得为空白（仅含不可见字符）', en: 'Must not be blank (only invisible characters)' },
      },
    ]);
    const list = await request(api.http).get('/api/delegations').query({ pageSize: '100' }).set(bearer(users.tokens.organizer)).expect(200);
    expect(list.body.items.map((c: { title: string }) => c.title)).not.toContain(title);
    expect(list.body.items.map((c: { title: string }) => c.title)).not.toContain('\u200B\u200B\u200B');
  });

  it('thirteenth trial: a line break or a tab inside a one-line field (a member name, a position, a title, a city, a unit name) is 400 single-line; a multi-line reason is not', async () => {
    const title = `line-probe-${Date.now()}`;
    const sent = (edit: (b: Json) => void) => {
      const body = canonicalSubmission(users.unit, { title }) as Json;
      edit(body);
      return request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(body);
    };
    const members = (b: Json) => b.members as Json[];
    const destinations = (b: Json) => b.destinations as Json[];
    for (const [field, edit] of [
      ['members[0].name', (b: Json) => (members(b)[0]!.name = '褚\n八')],
      ['members[0].position', (b: Json) => (members(b)[0]!.position = '副局长\t(兼)')],
      ['title', (b: Json) => (b.title = `${title}\r\n第二行`)],
      ['destinations[0].city', (b: Json) => (destinations(b)[0]!.city = 'Hou\nston')],
    ] as const) {
      const res = await sent(edit);
      expect({ field, status: res.status, errors: res.body.errors }).toEqual({
        field,
        status: 400,
        errors: [
          { field, rule: 'single-line', message: { zh: '须为单行：不得包含换行或制表符', en: 'Must be one line: no line break or tab' } },
        ],
      });
    }
    const unit = await request(api.http)
      .put(`/api/registries/units/line-${Date.now()}`)
      .set(bearer(users.tokens['fao-clerk']))
      .send({ nameZh: '测试\n单位', nameEn: 'Line unit', supervisingDepartment: null })
      .expect(400);
    expect(unit.body.errors).toContainEqual(expect.objectContaining({ field: 'nameZh', rule: 'single-line' }));
    const list = await request(api.http).get('/api/delegations').query({ pageSize: '100' }).set(bearer(users.tokens.organizer)).expect(200);
    expect(list.body.items.map((c: { title: string }) => c.title)).not.toContain(title);
  });

  it('handed inputs: a unit name and a user display name of zero-width spaces are 400 blank', async () => {
    const unit = await request(api.http)
      .put(`/api/registries/units/zw-${Date.now()}`)
      .set(bearer(users.tokens['fao-clerk']))
      .send({ nameZh: '\u200B\u200B', nameEn: 'Zero width', supervisingDepartment: null })
      .expect(400);
    expect(unit.body.errors).toContainEqual(expect.objectContaining({ field: 'nameZh', rule: 'blank' }));
    const user = await request(api.http)
      .post('/api/users')
      .set(bearer(users.tokens.admin))
      .send({
        username: `zw${Date.now()}`,
        displayName: '\u200B\uFEFF',
        password: 'a-long-password-1',
        grants: [{ role: 'organizer', unit: users.unit }],
      })
      .expect(400);
    expect(user.body.errors).toContainEqual(expect.objectContaining({ field: 'displayName', rule: 'blank' }));
  });

  it('handed inputs: a NUL in the login username and in a list filter are 400, not 500', async () => {
    const login = await request(api.http).post('/api/auth/login').send({ username: 'organizer\u0000', password: 'x' }).expect(400);
    expect(textErrorOf(login.body, 'username')?.rule).toBe('text-control');
    const list = await request(api.http).get('/api/delegations?unit=a%00b').set(bearer(users.tokens.manager)).expect(400);
    expect(textErrorOf(list.body, 'query.unit')?.rule).toBe('text-control');
    const control = await request(api.http).get('/api/inbox?page=1%1B').set(bearer(users.tokens.organizer)).expect(400);
    expect(textErrorOf(control.body, 'query.page')?.rule).toBe('text-control');
  });

  it(`data nested deeper than ${MAX_JSON_DEPTH} levels is 400 max-depth (40,000 levels), a body over the limit 413`, async () => {
    const depth = 40_000;
    const raw = `{"data":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const res = await request(api.http)
      .post(`/api/delegations/${'0'.repeat(8)}/steps/A02/complete`)
      .set(bearer(users.tokens.organizer))
      .set('Content-Type', 'application/json')
      .send(raw)
      .expect(400);
    expect(res.body.errors[0]).toMatchObject({ rule: 'max-depth', field: expect.stringMatching(/^data\.a(\[0\])+$/) });
    const big = await request(api.http)
      .post('/api/delegations/x/steps/A02/complete')
      .set(bearer(users.tokens.organizer))
      .set('Content-Type', 'application/json')
      .send(`{"data":{"a":${'['.repeat(60_000)}${']'.repeat(60_000)}}}`);
    expect(big.status).toBe(413);
  });

  it('a body nested past the limit is 400 max-depth on every JSON route, with an Idempotency-Key too, before anything walks it (trial 65: a keyed submission of 5,000 levels answered 500)', async () => {
    const depth = 5_000;
    const raw = `{"title":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const answers: Array<[string, number, string | undefined]> = [];
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) {
        if (!((op.requestBody as Json | undefined)?.content as Record<string, unknown> | undefined)?.['application/json']) continue;
        const { url, writer } = routeTarget(path, users);
        for (let attempt = 0; attempt < 2; attempt++) {
          const res = await request(api.http)
            [method as 'post'](url)
            .set(bearer(users.tokens[writer]))
            .set('Idempotency-Key', randomUUID())
            .set('Content-Type', 'application/json')
            .send(raw);
          answers.push([`${method} ${path}`, res.status, (res.body as { errors?: FieldError[] }).errors?.[0]?.rule]);
        }
      }
    expect(answers.length).toBeGreaterThan(40);
    expect(answers).toEqual(answers.map(([route]) => [route, 400, 'max-depth']));
  });

  it('no string field of any request body escapes the rule: every leaf of every OpenAPI request schema, NUL, a lone surrogate, U+202E', async () => {
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const schema = ((op.requestBody as Json | undefined)?.content as Record<string, { schema: Json }> | undefined)?.['application/json']
          ?.schema;
        if (!schema) continue;
        const { url, writer } = routeTarget(path, users);
        for (const [value, rule] of [
          ['x\u0000', 'text-control'],
          ['x\uD800', 'text-surrogate'],
          ['x\u202E', 'text-bidi'],
        ] as const) {
          for (const [field, body] of stringLeaves(schema, doc.components.schemas, value)) {
            const res = await request(api.http)
              [method as 'post'](url)
              .set(bearer(users.tokens[writer]))
              .send(body as object);
            expect([`${method} ${path} ${field}`, res.status, textErrorOf(res.body, field)?.rule]).toEqual([
              `${method} ${path} ${field}`,
              400,
              rule,
            ]);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('no query parameter escapes the rule: every string query parameter of every operation', async () => {
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (method !== 'get') continue;
        for (const p of (op.parameters as Array<{ name: string; in: string }> | undefined) ?? []) {
          if (p.in !== 'query') continue;
          const token = path.startsWith('/api/dashboard')
            ? users.tokens.manager
            : path.startsWith('/api/users')
              ? users.tokens.admin
              : path.startsWith('/api/apec/')
                ? users.tokens['apec-desk']
                : users.tokens.organizer;
          const res = await request(api.http).get(`${path}?${p.name}=a%00`).set(bearer(token));
          expect([path, p.name, res.status, textErrorOf(res.body, `query.${p.name}`)?.rule]).toEqual([path, p.name, 400, 'text-control']);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('handed inputs: a NUL in a path parameter is 400 naming path.<name>, never 500 (every parameter of every operation)', async () => {
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const params = ((op.parameters as Array<{ name: string; in: string }> | undefined) ?? []).filter((p) => p.in === 'path');
        for (const p of params) {
          const url = path.replace(/\{(\w+)\}/g, (_, name: string) => (name === p.name ? 'a%00b' : 'x'));
          const res = await request(api.http)[method as 'get'](url).set(bearer(users.tokens.organizer));
          expect([method, path, p.name, res.status, textErrorOf(res.body, `path.${p.name}`)?.rule]).toEqual([
            method,
            path,
            p.name,
            400,
            'text-control',
          ]);
          // Bytes that are not UTF-8 (an encoded lone surrogate): the router cannot decode them; the route's template
          // names the parameter (path.<name>, as the text rule does), the refusal's only error.
          const broken = await request(api.http)
            [method as 'get'](path.replace(/\{(\w+)\}/g, (_, name: string) => (name === p.name ? 'a%ED%A0%80' : 'x')))
            .set(bearer(users.tokens.organizer));
          expect([method, path, p.name, broken.status, broken.body.errors]).toEqual([
            method,
            path,
            p.name,
            400,
            [
              {
                field: `path.${p.name}`,
                rule: 'percent-encoding',
                message: { zh: '不是有效的百分号编码 UTF-8 文本', en: 'Not valid percent-encoded UTF-8 text' },
              },
            ],
          ]);
          checked++;
        }
      }
    }
    // The handed routes among them (a 500 before): the case detail, an enterprise, a card, the registries.
    expect(checked).toBeGreaterThan(20);
  });
});
