import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { freePort } from '@df/runtime';
import { scopedKey } from '../../apps/api/src/delegations/idempotency.service';
import {
  bearer,
  canonicalSubmission,
  createTestUsers,
  startTestApi,
  uniquePassportNumber,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';

interface FieldError {
  field: string;
  rule: string;
  message: { zh: string; en: string };
}

const fields = (body: { errors?: FieldError[] }) => (body.errors ?? []).map((e) => e.field);

describe('malformed input: a 4xx naming each field, for every endpoint', () => {
  let api: TestApi;
  let users: TestUsers;
  const fakeCase = randomUUID();
  beforeAll(async () => {
    api = await startTestApi();
    users = await createTestUsers(api);
  });
  afterAll(async () => {
    await api?.close();
  });

  const post = (path: string, token: string, body: unknown) =>
    request(api.http)
      .post(path)
      .set(bearer(token))
      .send(body as object);

  it('POST /api/delegations: every shape error of the whole input at once, by path and rule, in Chinese and English', async () => {
    const body = canonicalSubmission(users.unit) as Record<string, unknown>;
    const members = body.members as Array<Record<string, unknown>>;
    const bad = {
      ...body,
      title: undefined,
      departureDate: '2027-02-30',
      destinations: [{ ...(body.destinations as object[])[0], country: 'usa' }],
      members: [{ ...members[0], rank: 'mayor', passport: { inCustody: 'yes', number: 'se12' } }],
      foo: 1,
    };
    const res = await post('/api/delegations', users.tokens.organizer, bad).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(fields(res.body)).toEqual(
      expect.arrayContaining([
        'title',
        'departureDate',
        'destinations[0].country',
        'members[0].rank',
        'members[0].passport.inCustody',
        'members[0].passport.number',
        'foo',
      ]),
    );
    const rank = (res.body.errors as FieldError[]).find((e) => e.field === 'members[0].rank')!;
    // The codes a client sends, each named by its label (the zh half never shows a bare code where a label exists).
    expect(rank).toMatchObject({
      rule: 'enum',
      message: {
        zh: '取值须为：provincial（省部级）、bureau（厅局级）、division（县处级）、section（乡科级）、staff（一般工作人员）',
        en: 'Must be one of: provincial (Provincial/ministerial), bureau (Bureau), division (Division), section (Section), staff (Staff)',
      },
    });
    expect((res.body.errors as FieldError[]).find((e) => e.field === 'title')!.rule).toBe('required');
    expect((res.body.errors as FieldError[]).find((e) => e.field === 'foo')!.rule).toBe('unknown-field');
  });

  it('a pattern refused names its rule in Chinese as in English (second trial: the passport number read only 格式不正确)', async () => {
    const first = canonicalSubmission(users.unit).members[0] as Record<string, unknown> & { passport: Record<string, unknown> };
    const body = canonicalSubmission(users.unit, { members: [{ ...first, passport: { ...first.passport, number: 'SE-1234567' } }] });
    const res = await post('/api/delegations/check', users.tokens.organizer, body).expect(400);
    expect(res.body.errors).toContainEqual({
      field: 'members[0].passport.number',
      rule: 'format',
      message: {
        zh: '护照号码须为5-20位字母或数字（空格忽略，小写按大写）',
        en: 'Passport numbers are 5-20 letters or digits (spaces ignored, lower case read as capitals)',
      },
    });
    const page = await request(api.http).get('/api/delegations?page=1e3').set(bearer(users.tokens.organizer)).expect(400);
    expect(page.body.errors).toContainEqual(
      expect.objectContaining({ field: 'query.page', rule: 'format', message: { zh: '应为整数', en: 'Expected a whole number' } }),
    );
  });

  it('POST /api/delegations: a non-object body and malformed JSON are 400 too', async () => {
    expect(fields((await post('/api/delegations', users.tokens.organizer, [1, 2]).expect(400)).body)).toEqual(['(body)']);
    const res = await request(api.http)
      .post('/api/delegations')
      .set(bearer(users.tokens.organizer))
      .set('Content-Type', 'application/json')
      .send('{"title":')
      .expect(400);
    expect(res.body.code).toBe('MALFORMED_JSON');
    // Valid JSON of another type (second trial: `null` read "not valid JSON"; a new-user trial: `[]` on the sign-in read
    // `请求有1处错误`): every JSON body that is not an object gets the one refusal (nonObjectBody), on every JSON route.
    const notObject = {
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: { zh: '请求体应为 JSON 对象', en: 'The request body must be a JSON object' },
      errors: [{ field: '(body)', rule: 'type', message: { zh: '应为对象', en: 'Expected an object' } }],
    };
    const routes: Array<[method: 'post' | 'put', path: string, token?: string]> = [
      ['post', '/api/auth/login'],
      ['post', '/api/delegations', users.tokens.organizer],
      ['post', '/api/delegations/check', users.tokens.organizer],
      ['put', `/api/registries/units/${users.unit}`, users.tokens.manager],
      ['post', '/api/apec/applications', users.tokens['enterprise-clerk']],
    ];
    const answers: string[] = [];
    for (const [method, path, token] of routes)
      for (const text of ['[]', '[{"username":"x"}]', 'null', '"x"', '1', 'true', 'false']) {
        const req = request(api.http)[method](path).set('Content-Type', 'application/json');
        const res = await (token ? req.set(bearer(token)) : req).send(text);
        answers.push(`${method} ${path} ${text}: ${res.status} ${JSON.stringify(res.body.message)}`);
        if (res.status === 400) expect(res.body).toMatchObject(notObject);
      }
    expect(answers.filter((a) => !a.includes(': 400 {"zh":"请求体应为 JSON 对象","en":"The request body must be a JSON object"}'))).toEqual(
      [],
    );
  });

  it('what JSON.parse would silently change is refused at its path: a duplicated key, 1e400, an integer beyond 2^53 (new-user trial)', async () => {
    const raw = (path: string, text: string, method: 'post' | 'put' = 'post') =>
      request(api.http)[method](path).set(bearer(users.tokens.organizer)).set('Content-Type', 'application/json').send(text);
    // The dry run with the rank given twice: the reader of the text sees the first, the API took the last.
    const body = JSON.stringify(canonicalSubmission(users.unit));
    const twice = body.replace('"rank":', '"rank":"ministerial","rank":');
    expect(twice).not.toBe(body);
    const dup = await raw('/api/delegations/check', twice).expect(400);
    expect(dup.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'members[0].rank', rule: 'duplicate-key', message: { en: 'This key is given more than once in the same object' } }],
    });
    // Step data: 1e400 was stored as null; every action's body is checked before its handler (here a case that does not exist).
    const huge = await raw(
      `/api/delegations/${fakeCase}/steps/A02/complete`,
      '{"data":{"amount":1e400,"count":12345678901234567890}}',
    ).expect(422); // a free-form value may be any number by the schema: a rule beyond it, not the contract
    expect(huge.body.code).toBe('INVALID_REQUEST');
    expect(huge.body.errors).toEqual([
      expect.objectContaining({ field: 'data.amount', rule: 'finite' }),
      expect.objectContaining({ field: 'data.count', rule: 'safe-integer' }),
    ]);
    // Handed input (trial): a completion's data.__proto__ was accepted and silently dropped (a copy sets the prototype).
    const proto = await raw(`/api/delegations/${fakeCase}/steps/A02/complete`, '{"data":{"__proto__":{"outcome":"x"}}}').expect(400);
    expect(proto.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'data.__proto__', rule: 'reserved-key', message: { zh: '键名 __proto__ 不可用' } }],
    });
    // Registries too: a unit's name given twice.
    const unit = await raw('/api/registries/units/X1', '{"name":"甲","name":"乙"}', 'put').expect(400);
    expect(fields(unit.body)).toEqual(['name']);
  });

  it('one person typed twice with one passport number is DUPLICATE_MEMBER at the second passport number (dry run and submission)', async () => {
    const first = canonicalSubmission(users.unit).members[0] as Record<string, unknown> & { passport: { number: string } };
    // The handed input: the same person typed again under another id with the same passport (the schema holds
    // numbers to upper case and no spaces; the rule compares them so, for any other client).
    const again = { ...first, id: 'm2' };
    const body = canonicalSubmission(users.unit, { members: [first, again] });
    const expected = {
      field: 'members[1].passport.number',
      rule: 'DUPLICATE_MEMBER',
      message: {
        zh: `成员 ${String(first.name)} 的护照号码与第1名成员相同：同一人不能重复列入`,
        en: `Member ${String(first.name)} has the passport number of member 1: one person is listed once`,
      },
    };
    const checked = await post('/api/delegations/check', users.tokens.organizer, body).expect(200);
    expect(checked.body.violations).toContainEqual(expect.objectContaining({ code: 'DUPLICATE_MEMBER', field: expected.field }));
    const refused = await post('/api/delegations', users.tokens.organizer, body).expect(422);
    expect(refused.body.code).toBe('RULE_VIOLATION');
    expect(refused.body.errors).toContainEqual(expected);
    // Another passport: two people, accepted by the dry run.
    const other = { ...again, passport: { ...first.passport, number: uniquePassportNumber() } };
    const fine = await post(
      '/api/delegations/check',
      users.tokens.organizer,
      canonicalSubmission(users.unit, { members: [first, other] }),
    ).expect(200);
    expect(fine.body.violations.filter((v: { code: string }) => v.code === 'DUPLICATE_MEMBER')).toEqual([]);
  });

  it('POST /api/delegations: well-formed but against the rules is 422 with the violation codes and fields', async () => {
    // Passport numbers of their own: a number another file's open case holds under another name is refused first
    // (422 INVALID_REQUEST passport-holder), and the shared database holds the example's SE1234567 (CI flake).
    const seven = Array.from({ length: 7 }, (_, i) => ({
      ...canonicalSubmission(users.unit).members[0],
      id: `m${i + 1}`,
      name: `成员${i + 1}`,
      passport: { inCustody: true, number: uniquePassportNumber(), expiresOn: '2031-06-30' },
    }));
    const body = canonicalSubmission(users.unit, {
      members: seven,
      destinations: [{ ...canonicalSubmission(users.unit).destinations[0], country: 'XX' }],
    });
    const res = await post('/api/delegations', users.tokens.organizer, body).expect(422);
    expect(res.body.code).toBe('RULE_VIOLATION');
    const codes = res.body.violations.map((v: { code: string }) => v.code);
    expect(codes).toEqual(expect.arrayContaining(['SIZE_EXCEEDED', 'UNKNOWN_COUNTRY', 'LEADERSHIP_TEAM_OVERLAP']));
    expect(fields(res.body)).toEqual(expect.arrayContaining(['members', 'destinations[0].country']));
    const past = await post(
      '/api/delegations',
      users.tokens.organizer,
      canonicalSubmission(users.unit, {
        departureDate: '2020-01-06',
        returnDate: '2020-01-08',
        destinations: [{ ...canonicalSubmission(users.unit).destinations[0], arrive: '2020-01-06', leave: '2020-01-08' }],
      }),
    ).expect(422);
    expect(past.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'departureDate', rule: 'DEPARTURE_NOT_FUTURE' })]),
    );
  });

  it('POST .../steps/:stepKey/complete', async () => {
    const res = await post(`/api/delegations/${fakeCase}/steps/A02/complete`, users.tokens.organizer, {
      data: 'x',
      onBehalfOf: '',
      extra: true,
    }).expect(400);
    expect(fields(res.body).sort()).toEqual(['data', 'extra', 'onBehalfOf']);
  });

  it('POST .../steps/:stepKey/decision', async () => {
    expect(fields((await post(`/api/delegations/${fakeCase}/steps/B07/decision`, users.tokens.leader, {}).expect(400)).body)).toEqual([
      'decision',
    ]);
    const res = await post(`/api/delegations/${fakeCase}/steps/B02/decision`, users.tokens['fao-clerk'], {
      decision: 'maybe',
      missingDocuments: [{ name: 1 }],
    }).expect(400);
    expect(fields(res.body).sort()).toEqual(['decision', 'missingDocuments[0].id', 'missingDocuments[0].name']);
    // A field of another decision (rule decision-field, 422) is a rule beyond the contract: it comes after the case and
    // the role (trial 47), so for a case that does not exist the case's 404 (the rule itself: written-outcome.test.ts).
    const stray = await post(`/api/delegations/${fakeCase}/steps/B02/decision`, users.tokens['fao-clerk'], {
      decision: 'approve',
      returnTo: 'A05',
      missingDocuments: [{ id: 'x', name: '译文' }],
    }).expect(404);
    expect(stray.body.code).toBe('CASE_NOT_FOUND');
  });

  it('GET /api/delegations: a departure period that ends before it starts is 422 date-range on departureTo', async () => {
    const res = await request(api.http)
      .get('/api/delegations')
      .query({ departureFrom: '2027-05-02', departureTo: '2027-05-01' })
      .set(bearer(users.tokens.organizer))
      .expect(422);
    expect(res.body).toMatchObject({ code: 'INVALID_REQUEST', errors: [{ field: 'query.departureTo', rule: 'date-range' }] });
  });

  it('POST .../amend', async () => {
    expect(fields((await post(`/api/delegations/${fakeCase}/amend`, users.tokens.organizer, { changes: {} }).expect(400)).body)).toEqual([
      'changes',
    ]);
    const res = await post(`/api/delegations/${fakeCase}/amend`, users.tokens.organizer, {
      changes: { returnDate: '19-03-2027', members: [{ id: 'a:b', name: '张三' }] },
    }).expect(400);
    expect(fields(res.body)).toEqual(expect.arrayContaining(['changes.returnDate', 'changes.members[0].id', 'changes.members[0].rank']));
    // `{ id }` alone keeps a member the case has (AmendMemberSchema): only its id's format is the schema's.
    const kept = await post(`/api/delegations/${fakeCase}/amend`, users.tokens.organizer, { changes: { members: [{ id: 'a:b' }] } }).expect(
      400,
    );
    expect(fields(kept.body)).toEqual(['changes.members[0].id']);
  });

  it('POST .../withdraw and .../cancel', async () => {
    expect(fields((await post(`/api/delegations/${fakeCase}/withdraw`, users.tokens.organizer, {}).expect(400)).body)).toEqual(['reason']);
    expect(
      fields((await post(`/api/delegations/${fakeCase}/cancel`, users.tokens['fao-clerk'], { reason: '  ' }).expect(400)).body),
    ).toEqual(['reason']);
  });

  it('POST .../notice-objections', async () => {
    const res = await post(`/api/delegations/${fakeCase}/notice-objections`, users.tokens['unit-leader'], { objection: 5 }).expect(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'objection', rule: 'type' })]);
  });

  it('POST .../documents', async () => {
    expect(
      fields((await post(`/api/delegations/${fakeCase}/documents`, users.tokens.organizer, { fileRef: 'x' }).expect(400)).body),
    ).toEqual(['documentId']);
    // The document itself is required: a supply without its file would mark it supplied resting on nothing.
    expect(
      fields((await post(`/api/delegations/${fakeCase}/documents`, users.tokens.organizer, { documentId: 'x' }).expect(400)).body),
    ).toEqual(['fileRef']);
  });

  it('a malformed Idempotency-Key header is named', async () => {
    const res = await request(api.http)
      .post(`/api/delegations/${fakeCase}/withdraw`)
      .set(bearer(users.tokens.organizer))
      .set('Idempotency-Key', 'has spaces in it')
      .send({ reason: '邀请方取消活动' })
      .expect(400);
    expect(fields(res.body)).toEqual(['headers.Idempotency-Key']);
  });

  it('GET /api/delegations: query parameters by name', async () => {
    const res = await request(api.http)
      .get('/api/delegations')
      .query({ status: 'bogus', page: '0', pageSize: 'abc', atRisk: 'maybe', departureFrom: '2027-13-01', sort: 'name' })
      .set(bearer(users.tokens.manager))
      .expect(400);
    expect(fields(res.body).sort()).toEqual([
      'query.atRisk',
      'query.departureFrom',
      'query.page',
      'query.pageSize',
      'query.sort',
      'query.status',
    ]);
  });

  it('GET /api/inbox: query parameters by name', async () => {
    const res = await request(api.http)
      .get('/api/inbox')
      .query({ pageSize: '1000', other: '1' })
      .set(bearer(users.tokens.organizer))
      .expect(400);
    expect(fields(res.body).sort()).toEqual(['query.other', 'query.pageSize']);
  });

  it('odd inputs are 4xx, never 500: repeated query parameters, a text body (415), an oversized body', async () => {
    const repeated = await request(api.http)
      .get('/api/delegations?status=open&status=departed')
      .set(bearer(users.tokens.manager))
      .expect(400);
    expect(fields(repeated.body)).toEqual(['query.status']);
    const text = await request(api.http)
      .post('/api/delegations')
      .set(bearer(users.tokens.organizer))
      .set('Content-Type', 'text/plain')
      .send('hello')
      .expect(415);
    expect(text.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const big = await request(api.http)
      .post('/api/delegations')
      .set(bearer(users.tokens.organizer))
      .send({ title: 'x'.repeat(200_000) });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('GET /api/delegations/:id with an id that cannot exist is 404, not 500', async () => {
    expect((await request(api.http).get('/api/delegations/..%2F..%2Fetc').set(bearer(users.tokens.manager))).status).toBe(404);
    const missing = await request(api.http)
      .get(`/api/delegations/${'x'.repeat(100)}/timeline`)
      .set(bearer(users.tokens.manager))
      .expect(404);
    // Every 4xx carries errors[]: a refusal that names no field of its own names its code's (DEFAULT_FIELD).
    expect(missing.body).toMatchObject({
      code: 'CASE_NOT_FOUND',
      errors: [{ field: 'path.id', rule: 'known-case', message: { zh: '没有这个案件', en: 'No such case' } }],
    });
  });

  it('a documented path with another method is 405 naming (request) rule method', async () => {
    const res = await request(api.http).delete('/api/delegations').set(bearer(users.tokens.manager)).expect(405);
    expect(res.body).toMatchObject({
      code: 'METHOD_NOT_ALLOWED',
      errors: [{ field: '(request)', rule: 'method', message: res.body.message }],
    });
  });

  it("405 lists the methods of the documented path a request is, and comes before the body's checks (trial 57)", async () => {
    // A concrete path is matched before its templated counterpart (OpenAPI 3): `/check` is the check's, POST only, not
    // the version's or the case's GET (trial 57 read `Allow: GET, HEAD`; schemathesis ST205 any GET as undocumented).
    for (const path of ['/api/registries/process-versions/check', '/api/delegations/check'])
      for (const method of ['options', 'get'] as const) {
        const res = await request(api.http)[method](path).set(bearer(users.tokens.manager)).expect(405);
        expect([path, method, res.headers.allow, res.body.message]).toEqual([
          path,
          method,
          'POST',
          { zh: '此地址只接受 POST', en: 'This path accepts POST only' },
        ]);
      }
    // The request line is wrong whatever the body: 405, not 415 "must be JSON".
    const id = '00000000-0000-4000-8000-000000000000';
    for (const [method, type, body] of [
      ['trace', 'multipart/form-data; boundary=x', '--x--\r\n'],
      ['patch', 'text/plain', 'hello'],
      ['delete', 'application/x-www-form-urlencoded', 'a=1'],
    ] as const) {
      const res = await request(api.http)[method](`/api/delegations/${id}/attachments`).set('Content-Type', type).send(body).expect(405);
      expect([res.headers.allow, res.body.code]).toEqual(['GET, HEAD, POST', 'METHOD_NOT_ALLOWED']);
    }
  });

  it('Temporal down: a submission is 503 TEMPORAL_UNAVAILABLE, writes nothing and frees its key', async () => {
    const down = await startTestApi({ temporalAddress: `127.0.0.1:${await freePort()}` });
    try {
      const key = randomUUID();
      const res = await request(down.http)
        .post('/api/delegations')
        .set(bearer(users.tokens.organizer))
        .set('Idempotency-Key', key)
        .send(canonicalSubmission(users.unit))
        .expect(503);
      expect(res.body.code).toBe('TEMPORAL_UNAVAILABLE');
      expect(res.headers['retry-after']).toBe('5');
      // Nothing was sent (no connection): a definite refusal, so the key is free again.
      const db = down.app.get(DataSource);
      const [{ id: userId }] = await db.query('SELECT id FROM users WHERE username = $1', [users.usernames.organizer]);
      expect(await db.query('SELECT count(*)::int AS n FROM idempotency_records WHERE key = $1', [scopedKey({ userId }, key)])).toEqual([
        { n: 0 },
      ]);
    } finally {
      await down.close();
    }
  });
});
