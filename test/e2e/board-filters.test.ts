import request from 'supertest';
import ExcelJS from 'exceljs';
import { shanghaiDate } from '@df/domain';
import type { CaseEventRecord } from '@df/contracts';
import { EventStore } from '@df/persistence';
import {
  bearer,
  binaryBody,
  canonicalSubmission,
  createTestUsers,
  startTestApi,
  uniqueSuffix,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { caseStream, type CaseSpec, type OpenStepSpec } from '../support/event-factories';

/**
 * Issue 15's web items on the API: the board's unit and period filters (every figure), its CSV and Excel export,
 * the case list's 退回修改 flag and search, and the trip rules' dry run (POST /api/delegations/check).
 */

const DAY = 86_400_000;
// Monday 2026-03-02 09:00 Shanghai.
const BASE = Date.parse('2026-03-02T01:00:00Z');

interface Seed {
  spec: CaseSpec;
  caseId: string;
  unit: string;
  open: boolean;
  atRisk: boolean;
  overdue: number;
  departedDays?: number;
  reported?: number;
}

/** Appends a stream the way the workflow does: in a few flushes. */
async function append(store: EventStore, events: CaseEventRecord[]): Promise<void> {
  for (let i = 0; i < events.length; i += 4) await store.append(events.slice(i, i + 4));
}

/** Open cases (half at risk, some with an overdue step) and departed cases, over two units and a year of dates. */
function portfolio(units: [string, string], tag: string): Seed[] {
  const out: Seed[] = [];
  for (let i = 0; i < 12; i++) {
    const unit = units[i % 3 === 0 ? 1 : 0];
    const submittedAt = BASE + i * 20 * DAY;
    const departureDate = shanghaiDate(submittedAt + (30 + i) * DAY);
    const caseId = `flt-${String(i).padStart(2, '0')}-${tag}`;
    const overdue = i % 4 === 1;
    const open: OpenStepSpec[] = [{ key: 'B02', code: 'B02', phase: 'review', actorRole: 'fao-clerk', kind: 'approval', overdue }];
    out.push({
      caseId,
      unit,
      open: true,
      atRisk: i % 2 === 0,
      overdue: overdue ? 1 : 0,
      spec: {
        caseId,
        unit,
        title: `筛选案件 ${i} ${tag}`,
        submittedAt,
        departureDate,
        done: [{ key: 'A02', code: 'A02', phase: 'prepare', actorRole: 'organizer', kind: 'task', wd: 1 + (i % 3) }],
        open,
        plan: {
          phase: 'review',
          slackWd: i - 4 + 0.469,
          atRisk: i % 2 === 0,
          forecastReadyAt: submittedAt + 20 * DAY,
          criticalStep: 'B02',
        },
      },
    });
  }
  for (let i = 0; i < 8; i++) {
    const unit = units[i % 2];
    const submittedAt = BASE + (i * 30 + 5) * DAY;
    const days = [10, 16, 22, 25, 35, 50, 70, 100][i]!;
    const caseId = `dep-${String(i).padStart(2, '0')}-${tag}`;
    out.push({
      caseId,
      unit,
      open: false,
      atRisk: false,
      overdue: 0,
      departedDays: days,
      ...(i % 2 === 0 ? { reported: (i + 1) * 1_000_000 } : {}),
      spec: {
        caseId,
        unit,
        title: `已出发 ${i} ${tag}`,
        submittedAt,
        departureDate: shanghaiDate(submittedAt + days * DAY),
        done: [{ key: 'A02', code: 'A02', phase: 'prepare', actorRole: 'organizer', kind: 'task', wd: 2 }],
        departedAfterDays: days,
        ...(i % 2 === 0 ? { report: { investmentSignedYuan: (i + 1) * 1_000_000 }, closed: 'completed' as const } : {}),
      },
    });
  }
  return out;
}

const departure = (s: Seed) => s.spec.departureDate;
const submitted = (s: Seed) => shanghaiDate(s.spec.submittedAt);

describe('the board filtered by unit and period, and exported', () => {
  let db: TestDatabase;
  let api: TestApi;
  let users: TestUsers;
  let seeds: Seed[];
  let units: [string, string];
  beforeAll(async () => {
    db = await createTestDatabase('boardfilter');
    // Uncached, so the unfiltered figures are of the seeded cases too (filtered ones are never cached).
    api = await startTestApi({ databaseUrl: db.url, dashboardCacheSeconds: 0 });
    users = await createTestUsers(api);
    const tag = uniqueSuffix();
    units = [users.unit, `other-${tag}`];
    seeds = portfolio(units, tag);
    const store = api.app.get(EventStore);
    for (const s of seeds) await append(store, caseStream(s.spec));
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  const board = (query: Record<string, string>, token = users.tokens.manager) =>
    request(api.http).get('/api/dashboard').query(query).set(bearer(token));

  /** What every figure of the board must be over the seeds a filter selects. */
  function expected(selected: Seed[]) {
    const open = selected.filter((s) => s.open);
    const departed = selected.filter((s) => s.departedDays !== undefined);
    const days = departed.map((s) => s.departedDays!);
    return {
      inFlight: open.length,
      inFlightIds: [...open].sort((a, b) => a.spec.plan!.slackWd - b.spec.plan!.slackWd).map((s) => s.caseId),
      atRisk: open.filter((s) => s.atRisk).length,
      overdue: open.reduce((n, s) => n + s.overdue, 0),
      review: open.length,
      departed: departed.length,
      within22: days.filter((d) => d <= 22).length,
      reports: selected.filter((s) => s.reported !== undefined).length,
      investment: selected.reduce((n, s) => n + (s.reported ?? 0), 0),
      a02: selected.length,
    };
  }

  /** The figures of a board answer (the API's Dashboard shape, loosely typed here). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON answer read field by field
  function actual(b: Record<string, any>) {
    return {
      inFlight: b.inFlight.total,
      inFlightIds: b.inFlight.items.map((c: { caseId: string }) => c.caseId),
      atRisk: b.atRisk.total,
      overdue: b.overdue.total,
      review: b.byPhase.review,
      departed: b.analytics.departures.departed,
      within22: b.analytics.departures.within22Days,
      reports: b.analytics.outcomes.reportsFiled,
      investment: b.analytics.outcomes.investmentSignedYuan,
      a02: b.analytics.stepTimes.find((s: { code: string }) => s.code === 'A02')?.count ?? 0,
    };
  }

  it('counts every figure over the unit and the period it is given (departure or submission date)', async () => {
    // Unfiltered: the whole portfolio.
    expect(actual((await board({}).expect(200)).body)).toEqual(expected(seeds));
    const cases: Array<[Record<string, string>, (s: Seed) => boolean]> = [
      [{ unit: units[1] }, (s) => s.unit === units[1]],
      [{ from: '2026-06-01', to: '2026-09-30' }, (s) => departure(s) >= '2026-06-01' && departure(s) <= '2026-09-30'],
      [{ period: 'departure', from: '2026-08-01' }, (s) => departure(s) >= '2026-08-01'],
      [{ period: 'submission', to: '2026-05-01' }, (s) => submitted(s) <= '2026-05-01'],
      [
        { unit: units[0], period: 'submission', from: '2026-04-11', to: '2026-10-28' },
        (s) => s.unit === units[0] && submitted(s) >= '2026-04-11' && submitted(s) <= '2026-10-28',
      ],
    ];
    for (const [query, select] of cases) {
      const b = (await board(query).expect(200)).body;
      const selected = seeds.filter(select);
      expect({ query, ...actual(b) }).toEqual({ query, ...expected(selected) });
      expect(b.filter).toEqual({
        unit: query.unit ?? null,
        period: query.period ?? 'departure',
        from: query.from ?? null,
        process: null,
        to: query.to ?? null,
      });
      // The distribution's bands hold every departed case once.
      expect(b.analytics.departures.distribution.reduce((n: number, x: { count: number }) => n + x.count, 0)).toBe(
        expected(selected).departed,
      );
    }
    // The bounds are inclusive, in Asia/Shanghai days: a case submitted on a day is in a period ending that day.
    const first = seeds.find((s) => s.caseId.startsWith('flt-04'))!;
    const day = submitted(first);
    const b = (await board({ period: 'submission', from: day, to: day }).expect(200)).body;
    expect(b.inFlight.items.map((c: { caseId: string }) => c.caseId)).toEqual([first.caseId]);
    expect(b.units).toEqual([...units].sort());
  });

  it('puts the departed cases in bands that end at the 22-day headline', async () => {
    const b = (await board({}).expect(200)).body;
    expect(b.analytics.departures.distribution).toEqual([
      { fromDays: 0, toDays: 7, count: 0 },
      { fromDays: 8, toDays: 14, count: 1 },
      { fromDays: 15, toDays: 22, count: 2 },
      { fromDays: 23, toDays: 30, count: 1 },
      { fromDays: 31, toDays: 45, count: 1 },
      { fromDays: 46, toDays: 60, count: 1 },
      { fromDays: 61, toDays: 90, count: 1 },
      { fromDays: 91, toDays: null, count: 1 },
    ]);
  });

  it('refuses a filter it cannot apply, naming the field and the rule', async () => {
    // 400: the query breaks its documented contract; 422: the rules beyond it (a period in order, a unit that exists).
    const refusals: Array<[Record<string, string>, string, string]> = [
      [{ from: '2026-02-30' }, 'query.from', 'date'],
      [{ to: 'tomorrow' }, 'query.to', 'invalid_string'],
      [{ from: '2026-05-02', to: '2026-05-01' }, 'query.to', 'date-range'],
      [{ period: 'return' }, 'query.period', 'invalid_value'],
      [{ unit: '' }, 'query.unit', 'too_small'],
      [{ unit: 'no-such-unit' }, 'query.unit', 'known-unit'],
      [{ departureFrom: '2026-01-01' }, 'query.departureFrom', 'unknown-field'],
    ];
    for (const [query, field, rule] of refusals) {
      const beyond = rule === 'known-unit' || rule === 'date-range';
      const res = await board(query).expect(beyond ? 422 : 400);
      const fields = [...new Set(res.body.errors.map((e: { field: string }) => e.field))];
      expect({ query, code: res.body.code, fields }).toEqual({
        query,
        code: beyond ? 'INVALID_REQUEST' : 'VALIDATION_FAILED',
        fields: [field],
      });
      if (rule === 'known-unit')
        expect(res.body.errors[0]).toMatchObject({ rule, message: { zh: expect.stringContaining('没有单位代码') } });
      if (rule === 'date-range')
        expect(res.body.errors[0]).toMatchObject({ rule, message: { zh: expect.stringContaining('结束日期早于开始日期') } });
      const exported = await request(api.http)
        .get('/api/dashboard/export')
        .query(query)
        .set(bearer(users.tokens.manager))
        .expect(beyond ? 422 : 400);
      expect(exported.body.errors[0].field).toBe(field);
    }
    await request(api.http).get('/api/dashboard/export').query({ format: 'pdf' }).set(bearer(users.tokens.manager)).expect(400);
  });

  it('exports the filtered board as CSV (the ranked cases) with Chinese headers and English beside', async () => {
    const query = { unit: units[0], period: 'departure', from: '2026-04-01' };
    const res = await request(api.http)
      .get('/api/dashboard/export')
      .query({ format: 'csv', ...query })
      .set(bearer(users.tokens['fao-director']))
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="board-\d{4}-\d{2}-\d{2}\.csv"$/);
    const text = (res.body as Buffer).toString('utf8');
    expect(text.startsWith('\ufeff标题 Title,单位 Unit,单位名称 Unit name,阶段 Phase,出发日期 Departure,')).toBe(true);
    const lines = text.slice(1).trimEnd().split('\r\n');
    const ids = lines.slice(1).map((l) => l.split(',').at(-1));
    const b = (await board(query).expect(200)).body;
    expect(ids).toEqual(b.inFlight.items.map((c: { caseId: string }) => c.caseId));
    expect(ids.length).toBe(seeds.filter((s) => s.open && s.unit === units[0] && departure(s) >= '2026-04-01').length);
    expect(lines[1]).toContain('外办审批 FAO review and approval');
    // The slack to a tenth, as the board shows it (trial 79: 245.469 beside the board's 245.5).
    const slackColumn = lines[0]!.split(',').indexOf('余量（工作日）Slack (WD)');
    for (const line of lines.slice(1)) expect(line.split(',')[slackColumn]).toMatch(/^-?\d+(\.\d)?$/);
  });

  it('exports every table of the filtered board as an Excel workbook', async () => {
    const query = { unit: units[1] };
    const res = await request(api.http)
      .get('/api/dashboard/export')
      .query({ format: 'xlsx', ...query })
      .set(bearer(users.tokens.manager))
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      '筛选 Filter',
      '在办案件 Cases in flight',
      '按阶段 By phase',
      '按角色逾期 Overdue by role',
      '步骤耗时 Days per step',
      '报送至出发 Submission-departure',
      '出访成果 Outcomes',
    ]);
    const rows = (name: string) => {
      const out: unknown[][] = [];
      wb.getWorksheet(name)!.eachRow((r) => out.push((r.values as unknown[]).slice(1)));
      return out;
    };
    const selected = seeds.filter((s) => s.unit === units[1]);
    const want = expected(selected);
    expect(rows('筛选 Filter')[1]).toEqual(['单位 Unit', units[1]]);
    const cases = rows('在办案件 Cases in flight');
    expect(cases[0]![0]).toBe('标题 Title');
    expect(cases.slice(1).map((r) => r.at(-1))).toEqual(want.inFlightIds);
    expect(rows('按阶段 By phase')).toContainEqual(['外办审批 FAO review and approval', want.review]);
    expect(
      rows('按角色逾期 Overdue by role')
        .slice(1)
        .reduce((n, r) => n + Number(r[1]), 0),
    ).toBe(want.overdue);
    expect(rows('步骤耗时 Days per step')[1]!.slice(0, 3)).toEqual([
      'A02',
      '起草出访申请（任务、目的类别） Draft trip application (task, purpose category)',
      want.a02,
    ]);
    expect(rows('报送至出发 Submission-departure')).toContainEqual(['已出发 Departed', want.departed]);
    expect(rows('出访成果 Outcomes')).toContainEqual(['签约投资（元）Investment signed (yuan)', want.investment]);
  });

  it('keeps a slice’s analytics for DASHBOARD_CACHE_SECONDS, per filter, while its operational figures stay live', async () => {
    const cached = await startTestApi({ databaseUrl: db.url, dashboardCacheSeconds: 60 });
    try {
      const get = async (query: Record<string, string>) =>
        (await request(cached.http).get('/api/dashboard').query(query).set(bearer(users.tokens.manager)).expect(200)).body;
      const slice = { unit: units[1] };
      const first = await get(slice);
      expect(actual(first)).toEqual(expected(seeds.filter((s) => s.unit === units[1])));
      // One more departure in that unit: the counts see it at once, the slice's analytics after their max age.
      const extra = caseStream({
        unit: units[1],
        submittedAt: BASE + 300 * DAY,
        departureDate: shanghaiDate(BASE + 315 * DAY),
        done: [{ key: 'A02', code: 'A02', phase: 'prepare', actorRole: 'organizer', kind: 'task', wd: 1 }],
        departedAfterDays: 15,
      });
      await append(cached.app.get(EventStore), extra);
      const second = await get(slice);
      expect(second.byStatus.departed).toBe(first.byStatus.departed + 1);
      expect(second.analytics).toEqual(first.analytics);
      // Another slice is its own entry: computed now, so it counts the new departure.
      const other = await get({ ...slice, period: 'submission', from: '2026-01-01' });
      expect(other.analytics.departures.departed).toBe(first.analytics.departures.departed + 1);
      // The uncached API sees it in the first slice too.
      expect((await board(slice).expect(200)).body.analytics.departures.departed).toBe(first.analytics.departures.departed + 1);
    } finally {
      await cached.close();
    }
  });

  it('exports for the board roles only', async () => {
    for (const role of ['organizer', 'unit-leader', 'leader'] as const)
      await request(api.http).get('/api/dashboard/export').set(bearer(users.tokens[role])).expect(403);
    await request(api.http).get('/api/dashboard/export').expect(401);
  });
});

describe('my cases: returned for revision, and search', () => {
  let db: TestDatabase;
  let api: TestApi;
  let users: TestUsers;
  const tag = uniqueSuffix();
  const ids = {
    returned: `ret-${tag}`,
    redone: `red-${tag}`,
    amended: `amd-${tag}`,
    plain: `pln-${tag}`,
    closed: `cls-${tag}`,
    upstream: `ups-${tag}`,
    objected: `obj-${tag}`,
  };
  beforeAll(async () => {
    db = await createTestDatabase('returned');
    api = await startTestApi({ databaseUrl: db.url });
    users = await createTestUsers(api);
    const store = api.app.get(EventStore);
    const spec = (caseId: string, title: string): CaseSpec => ({
      caseId,
      unit: users.unit,
      title,
      submittedAt: BASE,
      departureDate: '2026-06-01',
      done: [
        { key: 'A04', code: 'A04', phase: 'prepare', actorRole: 'organizer', kind: 'task', wd: 0.5 },
        { key: 'B04', code: 'B04', phase: 'review', actorRole: 'fao-reviewer', kind: 'approval', wd: 1 },
      ],
    });
    /**
     * B04 returns to A04 (`by` the return's cause), A04 opens again; `redo`: the organizer then completes it. `targets`:
     * what the return named, when not A04 itself (A04 reopened as their dependent).
     */
    const withReturn = (caseId: string, title: string, by: string, opts: { redo?: boolean; close?: boolean; targets?: string[] } = {}) => {
      const events = caseStream(spec(caseId, title));
      const at = BASE + 10 * DAY;
      const push = (type: string, payload: Record<string, unknown>, role: string | null, dt = 0) =>
        events.push({
          streamId: caseId,
          seq: events.length + 1,
          eventId: crypto.randomUUID(),
          type,
          actorId: role ? `${role}.x` : null,
          actorRole: role ?? 'system',
          onBehalfOf: null,
          occurredAt: new Date(at + dt).toISOString(),
          payload,
        });
      const targets = opts.targets ?? ['A04'];
      const keys = [...new Set([...targets, 'A04', 'B04'])];
      push('step.returned', { by, targets, keys }, by === 'amend' ? 'organizer' : 'fao-reviewer');
      push(
        'step.awaiting',
        {
          key: 'A04',
          code: 'A04',
          name: { zh: '邀请方情况说明', en: 'Note on the inviting party' },
          phase: 'prepare',
          kind: 'task',
          actorRole: 'organizer',
          memberId: null,
          country: null,
          startedAt: new Date(at).toISOString(),
          dueAt: new Date(at + DAY).toISOString(),
        },
        null,
        1,
      );
      if (opts.redo) push('step.completed', { key: 'A04', code: 'A04', data: null, comment: null }, 'organizer', 2);
      if (opts.close) push('case.closed', { status: 'withdrawn', reason: 'withdrawn' }, 'organizer', 3);
      return events;
    };
    await append(store, withReturn(ids.returned, `退回案件 Alpha ${tag}`, 'B04'));
    await append(store, withReturn(ids.redone, `重办案件 Beta ${tag}`, 'B04', { redo: true }));
    await append(store, withReturn(ids.amended, `变更案件 Gamma ${tag}`, 'amend'));
    await append(store, withReturn(ids.closed, `撤回案件 Delta ${tag}`, 'B04', { close: true }));
    // Trial: a return to a system step upstream (A01) reopens the organizer's step after it; so may an objection.
    await append(store, withReturn(ids.upstream, `上游重核 Epsilon ${tag}`, 'B04', { targets: ['A01'] }));
    await append(store, withReturn(ids.objected, `公示异议 Zeta ${tag}`, 'objection', { targets: ['A03:US'] }));
    await append(store, caseStream(spec(ids.plain, `普通案件 100%_off ${tag}`)));
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  const list = (query: Record<string, string>) =>
    request(api.http)
      .get('/api/delegations')
      .query({ pageSize: '100', ...query })
      .set(bearer(users.tokens.organizer))
      .expect(200);

  it('flags the open cases an approver returned to the organizer, and filters on it', async () => {
    const all = (await list({})).body.items as Array<{ caseId: string; returnedForRevision: boolean }>;
    expect(Object.fromEntries(all.map((c) => [c.caseId, c.returnedForRevision]))).toEqual({
      [ids.returned]: true,
      [ids.redone]: false,
      [ids.amended]: false,
      [ids.closed]: false,
      [ids.plain]: false,
      [ids.upstream]: true,
      [ids.objected]: true,
    });
    expect((await list({ returned: 'true' })).body.items.map((c: { caseId: string }) => c.caseId).sort()).toEqual(
      [ids.returned, ids.upstream, ids.objected].sort(),
    );
    expect((await list({ returned: 'false' })).body.total).toBe(4);
    const bad = await request(api.http)
      .get('/api/delegations')
      .query({ returned: 'maybe' })
      .set(bearer(users.tokens.organizer))
      .expect(400);
    expect(bad.body.errors[0].field).toBe('query.returned');
  });

  it('searches titles (any part, wildcards taken literally), the unit and the start of the case id', async () => {
    const found = async (q: string) => ((await list({ q })).body.items as Array<{ caseId: string }>).map((c) => c.caseId).sort();
    expect(await found('alpha')).toEqual([ids.returned]);
    expect(await found('退回')).toEqual([ids.returned]);
    expect(await found('100%_')).toEqual([ids.plain]);
    expect(await found('%')).toEqual([ids.plain]);
    expect(await found('_')).toEqual([ids.plain]);
    expect(await found(`red-${tag}`)).toEqual([ids.redone]);
    expect(await found(users.unit)).toEqual(Object.values(ids).sort());
    expect(await found('no such title')).toEqual([]);
    const bad = await request(api.http)
      .get('/api/delegations')
      .query({ q: 'x'.repeat(101) })
      .set(bearer(users.tokens.organizer))
      .expect(400);
    expect(bad.body.errors[0].field).toBe('query.q');
  });
});

describe('POST /api/delegations/check: the trip rules before submitting', () => {
  let api: TestApi;
  let users: TestUsers;
  beforeAll(async () => {
    api = await startTestApi();
    users = await createTestUsers(api);
  });
  afterAll(async () => {
    await api?.close();
  });

  const check = (body: unknown, token = users.tokens.organizer) =>
    request(api.http)
      .post('/api/delegations/check')
      .set(bearer(token))
      .send(body as object);

  it('answers the violations a submission would get, and starts nothing', async () => {
    const before = (await request(api.http).get('/api/delegations').set(bearer(users.tokens.organizer)).expect(200)).body.total;
    expect((await check(canonicalSubmission(users.unit)).expect(200)).body).toMatchObject({ ok: true, violations: [] });

    // Departure already past and the return before it: the rules' codes, each with its field and bilingual message.
    const bad = canonicalSubmission(users.unit, { departureDate: '2026-01-10', returnDate: '2026-01-05' });
    const res = await check(bad).expect(200);
    expect(res.body.ok).toBe(false);
    const codes = res.body.violations.map((v: { code: string }) => v.code);
    expect(codes).toEqual(expect.arrayContaining(['DEPARTURE_NOT_FUTURE']));
    for (const v of res.body.violations) expect(v.message).toEqual({ zh: expect.any(String), en: expect.any(String) });
    // The same rules, the same answer as the submission's 422 (one home per rule).
    const refused = await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(bad).expect(422);
    expect(refused.body.violations).toEqual(res.body.violations);

    const after = (await request(api.http).get('/api/delegations').set(bearer(users.tokens.organizer)).expect(200)).body.total;
    expect(after).toBe(before);
  });

  it('refuses what it cannot check as the submission would: the body (400), another unit (403), other roles (403)', async () => {
    const res = await check({ ...canonicalSubmission(users.unit), members: [], title: '' }).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('title');
    expect((await check(canonicalSubmission('someone-else')).expect(403)).body.code).toBe('UNIT_MISMATCH');
    expect((await check(canonicalSubmission(users.unit), users.tokens['fao-clerk']).expect(403)).body.code).toBe('FORBIDDEN_ROLE');
  });
});
