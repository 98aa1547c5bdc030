import request from 'supertest';
import { CASE_STATUSES, STEP_STATUSES } from '@df/contracts';
import { CARD_STATUSES, ENTERPRISE_SIZES, PASSPORT_STATES, PERSON_STATUSES, WHITELIST_STATES } from '@df/domain';
import { bearer, createTestUsers, startTestApi, uniqueSuffix, type TestApi, type TestUsers } from '../support/api-harness';

interface Doc {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; responses?: Record<string, unknown> }>>;
}

/** Every route whose query names a unit, as of this change: the walk below must find at least these. */
const UNIT_FILTERED = [
  '/api/delegations',
  '/api/dashboard',
  '/api/dashboard/export',
  '/api/users',
  '/api/apec/cards',
  '/api/registries/people',
  '/api/registries/passports',
  '/api/registries/changes',
];

/**
 * A filter naming a unit the system does not know is refused, not answered with an empty page (new-user trial:
 * GET /api/delegations?unit=NOPE was an empty 200). By kind: every GET of the OpenAPI document with a `unit`
 * query parameter is walked, so a filter added later is held to the same rule: 422 INVALID_REQUEST naming
 * `query.unit` and the rule `known-unit`, bilingual; a known unit (here: one with accounts only) still answers.
 */
describe('filters that name a unit check it against the known units', () => {
  let api: TestApi;
  let users: TestUsers;
  let routes: string[];
  let documented422: string[];

  beforeAll(async () => {
    api = await startTestApi();
    users = await createTestUsers(api);
    const doc = (await request(api.http).get('/api/docs-json').expect(200)).body as Doc;
    routes = Object.entries(doc.paths)
      .filter(([, item]) => item.get?.parameters?.some((p) => p.in === 'query' && p.name === 'unit'))
      .map(([path]) => path);
    documented422 = routes.filter((path) => '422' in (doc.paths[path]!.get!.responses ?? {}));
  });
  afterAll(async () => {
    await api?.close();
  });

  /** The first of these roles the route lets read the test unit (the admin: users only; the FAO roles: the rest). */
  async function reader(path: string): Promise<string> {
    for (const role of ['manager', 'admin', 'fao-clerk', 'passport-officer', 'apec-desk'] as const) {
      const res = await request(api.http).get(path).query({ unit: users.unit }).set(bearer(users.tokens[role]));
      if (res.status === 200) return users.tokens[role];
    }
    throw new Error(`no test role reads ${path}?unit=${users.unit}`);
  }

  it('documents a unit filter on every list that has one', () => {
    expect(routes).toEqual(expect.arrayContaining(UNIT_FILTERED));
    // …and the refusal it may answer, so a client (or a fuzzer) reading the document expects it.
    expect(documented422).toEqual(routes);
  });

  it('answers 400 format for a value no unit code can be, on every route with the filter, unechoed, as the unit in a path', async () => {
    // New-user trial, handed input: GET /api/delegations?unit=<script> as manager read 422 known-unit echoing <script>.
    for (const path of routes) {
      const token = await reader(path);
      for (const bad of ['<script>', '单位', 'a b', '-lead']) {
        const res = await request(api.http).get(path).query({ unit: bad }).set(bearer(token));
        expect({ path, bad, status: res.status, errors: res.body.errors }).toEqual({
          path,
          bad,
          status: 400,
          errors: [expect.objectContaining({ field: 'query.unit', rule: 'format' })],
        });
        expect(JSON.stringify(res.body)).not.toContain(bad);
      }
    }
  });

  it('answers 422 naming query.unit and the rule for an unknown unit, on every route with the filter', async () => {
    const unknown = `NOPE-${uniqueSuffix()}`;
    for (const path of routes) {
      const token = await reader(path);
      const res = await request(api.http).get(path).query({ unit: unknown }).set(bearer(token));
      expect({ path, status: res.status, code: res.body.code, errors: res.body.errors }).toEqual({
        path,
        status: 422,
        code: 'INVALID_REQUEST',
        errors: [
          {
            field: 'query.unit',
            rule: 'known-unit',
            message: {
              zh: expect.stringMatching(new RegExp(`^没有单位代码 ${unknown}：`)),
              en: expect.stringContaining(`No unit "${unknown}"`),
            },
          },
        ],
      });
      expect(res.body.message).toEqual({ zh: '请求有1处不符合规则', en: 'The request breaks 1 rule(s)' });
    }
  });

  it('a unit role naming another unit is refused 403 whether or not the unit exists: the answer lists no unit codes (trial)', async () => {
    const other = await createTestUsers(api);
    const unknown = `NOPE-${uniqueSuffix()}`;
    // The unit roles that read these lists: the organizer (cases, cards, roster, passports, changes), personnel (roster).
    for (const [path, role] of [
      ['/api/delegations', 'organizer'],
      ['/api/registries/people', 'organizer'],
      ['/api/registries/people', 'personnel'],
      ['/api/registries/passports', 'organizer'],
      ['/api/registries/changes', 'organizer'],
      ['/api/apec/cards', 'enterprise-clerk'],
    ] as const) {
      const answer = async (unit: string) => {
        const res = await request(api.http).get(path).query({ unit }).set(bearer(users.tokens[role]));
        return { path, role, status: res.status, code: res.body.code, errors: res.body.errors, message: res.body.message };
      };
      const real = await answer(other.unit);
      expect(real).toMatchObject({ status: 403, code: 'CASE_OUT_OF_SCOPE' });
      expect(await answer(unknown)).toEqual(real);
    }
  });

  it('the inbox, which has no unit filter, refuses one as an unknown field (not an empty inbox)', async () => {
    const res = await request(api.http).get('/api/inbox').query({ unit: 'NOPE' }).set(bearer(users.tokens['fao-clerk'])).expect(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'query.unit', rule: 'unknown-field' }] });
  });

  it('still answers the lists for a known unit with no case (an account names it)', async () => {
    const list = await request(api.http).get('/api/delegations').query({ unit: users.unit }).set(bearer(users.tokens.manager)).expect(200);
    expect(list.body).toMatchObject({ items: [], total: 0 });
    const board = await request(api.http).get('/api/dashboard').query({ unit: users.unit }).set(bearer(users.tokens.manager)).expect(200);
    expect(board.body.filter.unit).toBe(users.unit);
    expect(board.body.inFlight.total).toBe(0);
    // A unit only in the registry (no case, no account) is known too.
    const registered = `reg-${uniqueSuffix()}`;
    await request(api.http)
      .put(`/api/registries/units/${registered}`)
      .set(bearer(users.tokens['fao-clerk']))
      .send({
        nameZh: '登记单位',
        nameEn: 'Registered unit',
        parentCode: null,
        supervisingDepartment: null,
        clerks: [],
        signatories: ['王局长'],
        status: 'active',
        suspendedReason: null,
      })
      .expect(201);
    await request(api.http).get('/api/delegations').query({ unit: registered }).set(bearer(users.tokens.manager)).expect(200);
  });

  it('the catalog serves the label tables messages use, one entry per code', async () => {
    const catalog = (await request(api.http).get('/api/catalog').set(bearer(users.tokens.organizer)).expect(200)).body;
    const keys = (o: Record<string, unknown>) => Object.keys(o).sort();
    expect({
      caseStatuses: keys(catalog.caseStatuses),
      stepStatuses: keys(catalog.stepStatuses),
      enterpriseSizes: keys(catalog.enterpriseSizes),
      whitelistStates: keys(catalog.whitelistStates),
      cardStatuses: keys(catalog.cardStatuses),
      personStatuses: keys(catalog.personStatuses),
      passportStates: keys(catalog.passportStates),
    }).toEqual({
      caseStatuses: [...CASE_STATUSES].sort(),
      stepStatuses: [...STEP_STATUSES].sort(),
      enterpriseSizes: [...ENTERPRISE_SIZES].sort(),
      whitelistStates: [...WHITELIST_STATES].sort(),
      cardStatuses: [...CARD_STATUSES].sort(),
      personStatuses: [...PERSON_STATUSES].sort(),
      passportStates: [...PASSPORT_STATES].sort(),
    });
    expect(catalog.enterpriseSizes.small).toEqual({ zh: '小型', en: 'Small' });
    expect(catalog.decisionKinds['accept-with-deficiencies']).toEqual({ zh: '容缺受理', en: 'Accept with deficiencies' });
  });
});
