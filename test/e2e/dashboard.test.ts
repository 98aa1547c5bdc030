import request from 'supertest';
import { shanghaiDate, type CasePhase } from '@df/domain';
import { requiredTaskData, type CaseEventRecord, type StepProgress, type TripOutcomes } from '@df/contracts';
import { EventStore, IncidentsRepository } from '@df/persistence';
import { DataSource } from 'typeorm';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import {
  addTestUser,
  bearer,
  canonicalSubmission,
  createTestUsers,
  startTestApi,
  uniqueSuffix,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';
import { actionable, actOn, getProgress, roleFor } from '../support/api-flow';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { caseStream, type CaseSpec, type DoneStepSpec, type OpenStepSpec } from '../support/event-factories';

const DAY = 86_400_000;
// Monday 2026-03-02 09:00 Shanghai.
const BASE = Date.parse('2026-03-02T01:00:00Z');

/** percentile_cont as PostgreSQL defines it: linear interpolation between the two closest ranks. */
function percentileCont(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = p * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (pos - lo) * (s[hi]! - s[lo]!);
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The chain a seeded case runs through, in order, with the phase the case is in while each step is open. */
const CHAIN: Array<Omit<DoneStepSpec, 'wd'> & { casePhase: CasePhase }> = [
  { key: 'A02', code: 'A02', phase: 'prepare', actorRole: 'organizer', kind: 'task', casePhase: 'prepare' },
  { key: 'A13', code: 'A13', phase: 'prepare', actorRole: 'system', kind: 'timer', casePhase: 'prepare' },
  { key: 'B02', code: 'B02', phase: 'review', actorRole: 'fao-clerk', kind: 'approval', casePhase: 'review' },
  { key: 'B07', code: 'B07', phase: 'review', actorRole: 'leader', kind: 'approval', casePhase: 'review' },
  { key: 'D12:US', code: 'D12', phase: 'visa', actorRole: 'visa-officer', kind: 'external', country: 'US', casePhase: 'visa' },
];
/** Working days of chain step k in case i: varied, multiples of 1/8 WD (one working hour). */
const wdOf = (i: number, k: number): number => (k === 1 ? 5 : [0.5, 1, 1.5, 2.25, 0.75, 3, 1.25, 4][(i * 3 + k * 5) % 8]!);
const chainDone = (i: number, n: number): DoneStepSpec[] =>
  CHAIN.slice(0, n).map(({ casePhase: _p, ...s }, k) => ({ ...s, wd: wdOf(i, k) }));

interface Seeded {
  spec: CaseSpec;
  caseId: string;
  status: string;
  phase: CasePhase;
}

/** 12 departed (6 reported and closed), 10 in flight, 2 closed before departure. */
function portfolio(units: [string, string]): Seeded[] {
  const out: Seeded[] = [];
  const DEPARTURE_DAYS = [15, 18, 20, 21, 22, 22, 24, 27, 30, 33, 38, 45];
  DEPARTURE_DAYS.forEach((days, i) => {
    const reported = i % 2 === 0;
    const report: TripOutcomes | undefined = !reported
      ? undefined
      : i === 4
        ? { promotionEvents: 7 }
        : { investmentSignedYuan: (i + 1) * 10_000_000 + 0.5, tradeSignedYuan: (i + 1) * 25_000_000, promotionEvents: i % 4 };
    const open: OpenStepSpec[] =
      i === 1 || i === 3
        ? [{ key: 'P02:m1', code: 'P02', phase: 'post-trip', actorRole: 'passport-officer', memberId: 'm1', overdue: true }]
        : i === 5
          ? [{ key: 'P03', code: 'P03', phase: 'post-trip', actorRole: 'organizer' }]
          : [];
    const spec: CaseSpec = {
      caseId: `dep-${String(i).padStart(2, '0')}-${units[0]}`,
      unit: units[i % 2],
      submittedAt: BASE + i * 7 * DAY,
      departureDate: shanghaiDate(BASE + (i * 7 + days) * DAY),
      done: chainDone(i, CHAIN.length),
      open,
      departedAfterDays: days,
      ...(report ? { report, closed: 'completed' as const } : {}),
    };
    out.push({ spec, caseId: spec.caseId!, status: reported ? 'completed' : 'departed', phase: reported ? 'closed' : 'post-trip' });
  });
  const SLACKS = [4.5, -1, 8, 0.5, 10, -2.5, 3, 1.5, 6, 0];
  SLACKS.forEach((slackWd, j) => {
    const n = j % CHAIN.length; // steps done before the open one
    const next = CHAIN[n]!;
    const { casePhase, ...openStep } = next;
    const spec: CaseSpec = {
      caseId: `fly-${String(j).padStart(2, '0')}-${units[0]}`,
      unit: units[j % 2],
      submittedAt: BASE + (100 + j) * DAY,
      departureDate: shanghaiDate(BASE + (140 + ((j * 7) % 10)) * DAY),
      done: chainDone(20 + j, n),
      open: [{ ...openStep, overdue: j % 3 === 0 && next.kind !== 'timer', latestStartWd: 1 + j }],
      plan: { phase: casePhase, slackWd, atRisk: slackWd < 2, forecastReadyAt: BASE + (130 + j) * DAY, criticalStep: next.key },
    };
    out.push({ spec, caseId: spec.caseId!, status: 'open', phase: casePhase });
  });
  out.push({
    spec: {
      caseId: `rej-${units[0]}`,
      unit: units[0],
      submittedAt: BASE + 50 * DAY,
      departureDate: '2026-07-01',
      done: chainDone(40, 3),
      closed: 'rejected',
    },
    caseId: `rej-${units[0]}`,
    status: 'rejected',
    phase: 'closed',
  });
  // Withdrawn while A02 was overdue: a closed case owes nothing, it is not on the overdue list.
  out.push({
    spec: {
      caseId: `wdr-${units[0]}`,
      unit: units[1],
      submittedAt: BASE + 60 * DAY,
      departureDate: '2026-07-10',
      done: [],
      open: [{ ...CHAIN[0]!, overdue: true }],
      closed: 'withdrawn',
    },
    caseId: `wdr-${units[0]}`,
    status: 'withdrawn',
    phase: 'closed',
  });
  return out;
}

/** Appends a stream the way the workflow does: in a few flushes (the projection folds each into the stored rows). */
async function append(store: EventStore, events: CaseEventRecord[]): Promise<void> {
  for (let i = 0; i < events.length; i += 4) await store.append(events.slice(i, i + 4));
}

describe('GET /api/dashboard on a seeded portfolio (a database of its own)', () => {
  let db: TestDatabase;
  let api: TestApi;
  let users: TestUsers;
  let seeded: Seeded[];
  beforeAll(async () => {
    db = await createTestDatabase('board');
    api = await startTestApi({ databaseUrl: db.url, dashboardCacheSeconds: 0 });
    users = await createTestUsers(api);
    const suffix = uniqueSuffix();
    seeded = portfolio([`${users.unit}`, `other-${suffix}`]);
    const store = api.app.get(EventStore);
    for (const s of seeded) await append(store, caseStream(s.spec));
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  const board = (token: string, query: Record<string, string> = {}) =>
    request(api.http).get('/api/dashboard').query(query).set(bearer(token));

  it('gives the figures the seeded cases imply', async () => {
    const res = await board(users.tokens.manager).expect(200);
    const b = res.body;
    const inFlight = seeded.filter((s) => s.status === 'open');
    const departed = seeded.filter((s) => s.spec.departedAfterDays !== undefined);

    // Counts by phase and status: every phase listed.
    const countBy = (f: (s: Seeded) => string) =>
      seeded.reduce<Record<string, number>>((acc, s) => ({ ...acc, [f(s)]: (acc[f(s)] ?? 0) + 1 }), {});
    expect(b.byPhase).toEqual({
      prepare: 0,
      review: 0,
      passport: 0,
      visa: 0,
      depart: 0,
      'post-trip': 0,
      closed: 0,
      ...countBy((s) => s.phase),
    });
    // …and per process, adding up to them (trial 70: a card application's 经济体预审 counted under a trip's 签证办理).
    const perProcess = b.byProcessPhase as Record<string, Record<string, number>>;
    expect(Object.keys(perProcess)).toContain('delegation');
    for (const [phase, n] of Object.entries(b.byPhase as Record<string, number>))
      expect([phase, Object.values(perProcess).reduce((sum, of) => sum + (of[phase] ?? 0), 0)]).toEqual([phase, n]);
    expect(b.byStatus).toEqual({
      open: 0,
      departed: 0,
      completed: 0,
      rejected: 0,
      withdrawn: 0,
      cancelled: 0,
      failed: 0,
      terminated: 0,
      ...countBy((s) => s.status),
    });

    // In flight, least slack first.
    const bySlack = [...inFlight].sort((a, c) => a.spec.plan!.slackWd - c.spec.plan!.slackWd);
    expect(b.inFlight.total).toBe(10);
    expect(b.inFlight.items.map((c: { caseId: string }) => c.caseId)).toEqual(bySlack.map((s) => s.caseId));
    const first = bySlack[0]!.spec;
    expect(b.inFlight.items[0]).toEqual({
      caseId: first.caseId,
      // Which process, so a list of several names each case's day for what it is (trial 60).
      process: 'delegation',
      title: expect.any(String),
      unit: first.unit,
      phase: bySlack[0]!.phase,
      departureDate: first.departureDate,
      forecastReadyAt: new Date(first.plan!.forecastReadyAt).toISOString(),
      forecastReadyDate: shanghaiDate(first.plan!.forecastReadyAt),
      // Seeded events are of the schema before `prepared`: read by the forecast (July 2026), behind now (trial 83).
      prepared: true,
      slackWd: first.plan!.slackWd,
      atRisk: true,
      criticalStep: first.plan!.criticalStep,
      // The seeded events are of the schema before the flag: absent is false.
      provisionalCalendar: false,
    });

    // At risk (slack under 2 WD), each with the open step on its critical path.
    const atRisk = bySlack.filter((s) => s.spec.plan!.atRisk);
    expect(b.atRisk.total).toBe(atRisk.length);
    expect(
      b.atRisk.items.map((c: { caseId: string; step: { key: string; status: string; actorRole: string } }) => [
        c.caseId,
        c.step.key,
        c.step.status,
        c.step.actorRole,
      ]),
    ).toEqual(
      atRisk.map((s) => [s.caseId, s.spec.open![0]!.key, s.spec.open![0]!.overdue ? 'overdue' : 'awaiting', s.spec.open![0]!.actorRole]),
    );
    for (const item of b.atRisk.items) expect(item.step.latestStartAt).toEqual(expect.any(String));
    expect(b.atRisk.items.find((c: { step: { code: string } }) => c.step.code === 'B07')?.step.name).toEqual({
      zh: '按权限报批',
      en: 'Approval at the authority level',
    });

    // Overdue steps by the role that owes them: open and departed cases only (not the withdrawn one).
    const overdue = seeded
      .filter((s) => s.status === 'open' || s.status === 'departed')
      .flatMap((s) => (s.spec.open ?? []).filter((o) => o.overdue).map((o) => ({ caseId: s.caseId, key: o.key, role: o.actorRole })));
    const roles = [...new Set(overdue.map((o) => o.role))];
    const expectedRoles = roles
      .map((role) => ({
        role,
        count: overdue.filter((o) => o.role === role).length,
        items: overdue
          .filter((o) => o.role === role)
          .map((o) => `${o.caseId}/${o.key}`)
          .sort(),
      }))
      .sort((x, y) => y.count - x.count || x.role.localeCompare(y.role));
    expect(b.overdue.total).toBe(overdue.length);
    expect(
      b.overdue.byRole.map((g: { role: string; count: number; items: Array<{ caseId: string; key: string }> }) => ({
        role: g.role,
        count: g.count,
        items: g.items.map((i) => `${i.caseId}/${i.key}`).sort(),
      })),
    ).toEqual(expectedRoles);
    expect(b.overdue.byRole.find((g: { role: string }) => g.role === 'passport-officer')).toMatchObject({
      count: 2,
      label: { zh: '护照管理处' },
    });
    for (const g of b.overdue.byRole) {
      const since = g.items.map((i: { overdueSince: string; dueAt: string }) => {
        expect(i.overdueSince).toBe(i.dueAt);
        return Date.parse(i.overdueSince);
      });
      expect(since).toEqual([...since].sort((x, y) => x - y));
    }

    // Submission to departure: percentiles over the departed cases, the share within 22 days.
    const days = departed.map((s) => s.spec.departedAfterDays!);
    expect(b.analytics.departures.departed).toBe(12);
    expect(b.analytics.departures.medianDays).toBeCloseTo(percentileCont(days, 0.5), 3);
    expect(b.analytics.departures.p90Days).toBeCloseTo(percentileCont(days, 0.9), 3);
    expect(b.analytics.departures.within22Days).toBe(days.filter((d) => d <= 22).length);
    expect(b.analytics.departures.shareWithin22Days).toBeCloseTo(days.filter((d) => d <= 22).length / days.length, 4);
    expect(b.analytics.departures).toEqual({
      departed: 12,
      medianDays: 23,
      p90Days: 37.5,
      within22Days: 6,
      shareWithin22Days: 0.5,
      // Days 15, 18, 20, 21, 22, 22 | 24, 27, 30 | 33, 38, 45: the third band ends at the headline.
      distribution: [
        { fromDays: 0, toDays: 7, count: 0 },
        { fromDays: 8, toDays: 14, count: 0 },
        { fromDays: 15, toDays: 22, count: 6 },
        { fromDays: 23, toDays: 30, count: 3 },
        { fromDays: 31, toDays: 45, count: 3 },
        { fromDays: 46, toDays: 60, count: 0 },
        { fromDays: 61, toDays: 90, count: 0 },
        { fromDays: 91, toDays: null, count: 0 },
      ],
    });

    // Time per step code over every done step of the chain, most total days first; the post-trip report is not in it.
    const samples = seeded.flatMap((s) => s.spec.done.map((d) => ({ code: d.code, wd: d.wd })));
    const codes = [...new Set(samples.map((x) => x.code))];
    const expectedSteps = codes
      .map((code) => {
        const v = samples.filter((x) => x.code === code).map((x) => x.wd);
        return {
          code,
          count: v.length,
          totalWd: sum(v),
          meanWd: sum(v) / v.length,
          medianWd: percentileCont(v, 0.5),
          p90Wd: percentileCont(v, 0.9),
        };
      })
      .sort((x, y) => y.totalWd - x.totalWd || x.code.localeCompare(y.code));
    expect(b.analytics.stepTimes.map((s: { code: string }) => s.code)).toEqual(expectedSteps.map((s) => s.code));
    for (const [i, e] of expectedSteps.entries()) {
      const got = b.analytics.stepTimes[i];
      expect({ code: got.code, count: got.count }).toEqual({ code: e.code, count: e.count });
      for (const k of ['totalWd', 'meanWd', 'medianWd', 'p90Wd'] as const)
        expect([e.code, k, got[k]]).toEqual([e.code, k, expect.closeTo(e[k], 3)]);
    }
    expect(b.analytics.stepTimes.find((s: { code: string }) => s.code === 'A13')).toMatchObject({
      phase: 'prepare',
      medianWd: 5,
      name: { zh: '出访前公示（不少于5个工作日）' },
    });
    expect(b.analytics.stepTimes.some((s: { code: string }) => s.code === 'P03')).toBe(false);

    // Trip outcomes: the filed reports' figures summed.
    const reports = seeded.map((s) => s.spec.report).filter((r): r is TripOutcomes => !!r);
    expect(b.analytics.outcomes).toEqual({
      reportsFiled: reports.length,
      investmentSignedYuan: sum(reports.map((r) => r.investmentSignedYuan ?? 0)),
      tradeSignedYuan: sum(reports.map((r) => r.tradeSignedYuan ?? 0)),
      promotionEvents: sum(reports.map((r) => r.promotionEvents ?? 0)),
    });
    expect(b.analytics.outcomes.investmentSignedYuan).toBe(310_000_002.5);
    expect(b).toMatchObject({ limit: 50, analytics: { maxAgeSeconds: 0 } });
  });

  it('lists at most `limit` items (totals stay whole) and refuses a limit outside 1-500', async () => {
    const b = (await board(users.tokens['fao-director'], { limit: '3' }).expect(200)).body;
    expect(b.limit).toBe(3);
    expect([b.inFlight.items.length, b.inFlight.total, b.atRisk.items.length, b.atRisk.total]).toEqual([3, 10, 3, 5]);
    for (const g of b.overdue.byRole) expect(g.items.length).toBeLessThanOrEqual(3);
    for (const limit of ['0', '501', 'many']) {
      const res = await board(users.tokens.manager, { limit }).expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'query.limit' }] });
    }
    // The filters are the board's own names (unit, period, from, to), not the case list's.
    expect((await board(users.tokens.manager, { departureFrom: '2026-01-01' }).expect(400)).body.errors[0]).toMatchObject({
      field: 'query.departureFrom',
      rule: 'unknown-field',
    });
  });

  it("shows a manager an incident as what happened and what to do, never PostgreSQL's error or the failure's code", async () => {
    const raw =
      'error: new row for relation "case_events" violates check constraint "ck_payload" (SQLSTATE 23514) DETAIL: Failing row contains (…)';
    const incidentId = '00000000-0000-4000-8000-00000000000a';
    const caseId = seeded.find((s) => s.status === 'open')!.spec.caseId!;
    await new IncidentsRepository(api.app.get(DataSource)).open({
      incidentId,
      caseId,
      activity: 'appendCaseEvents',
      errorType: 'EVENT_STORE_REJECTED',
      error: raw,
      stepKeys: ['A02'],
      openedAt: '2026-03-03T02:00:00.000Z',
    });
    const b = (await board(users.tokens.manager).expect(200)).body;
    expect(b.incidents.total).toBe(1);
    expect(b.incidents.items).toEqual([
      {
        caseId,
        incidentId,
        openedAt: '2026-03-03T02:00:00.000Z',
        stepKeys: ['A02'],
        notice: {
          zh: '本案暂停：系统记录失败，已通知运维，恢复后可继续办理',
          en: 'Paused: the system could not record the case; operations have been told, and it can go on once they have fixed it',
        },
      },
    ]);
    const text = JSON.stringify(b);
    for (const leak of ['EVENT_STORE_REJECTED', 'SQLSTATE', 'violates check constraint', 'appendCaseEvents'])
      expect(text).not.toContain(leak);
    await new IncidentsRepository(api.app.get(DataSource)).resolve(incidentId, 'test', new Date().toISOString());
  });

  it('is for the manager and the FAO roles only', async () => {
    for (const role of ['manager', 'fao-clerk', 'fao-reviewer', 'fao-director', 'passport-officer', 'visa-officer'] as const)
      await board(users.tokens[role]).expect(200);
    for (const role of ['organizer', 'unit-leader', 'dept-approver', 'leader'] as const) {
      const res = await board(users.tokens[role]).expect(403);
      expect(res.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN_ROLE' });
      // The roles named by their labels, never their codes (new-user trial: "fao-reviewer" in the Chinese text).
      expect(res.body.message).toEqual({
        zh: '此操作仅限：外办管理人员、外办受理窗口、外办审核处、外办主任、护照管理处、签证处、外办APEC卡窗口',
        en: 'Only these roles may do this: FAO manager, FAO intake clerk, FAO reviewer, FAO director, Passport officer, Visa officer, FAO APEC desk',
      });
    }
    await request(api.http).get('/api/dashboard').expect(401);
  });

  /**
   * A departed case of the organizer's unit whose trip report (P03) is open, appended on first use (after the figures
   * tests: it is not one of `seeded`). A completed case's P03 is refused for its state first (409 CASE_CLOSED), before
   * its data's rules.
   */
  let reportingCase: string | undefined;
  const reporting = async (): Promise<string> => {
    if (reportingCase) return reportingCase;
    const stream = caseStream({
      caseId: `rep-${users.unit}`,
      unit: users.unit,
      submittedAt: BASE + 150 * DAY,
      departureDate: shanghaiDate(BASE + 170 * DAY),
      done: chainDone(0, CHAIN.length),
      open: [{ key: 'P03', code: 'P03', phase: 'post-trip', actorRole: 'organizer' }],
      departedAfterDays: 20,
    });
    await append(api.app.get(EventStore), stream);
    return (reportingCase = stream[0]!.streamId);
  };

  it('refuses trip-report outcomes it could not sum, naming each field (before anything reaches the workflow)', async () => {
    const res = await request(api.http)
      .post(`/api/delegations/${await reporting()}/steps/P03/complete`)
      .set(bearer(users.tokens.organizer))
      .send({ data: { outcomes: { investmentSignedYuan: 1e8, promotionEvents: 1.5, visitors: 200 } } })
      .expect(422);
    expect(res.body).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(res.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule])).toEqual([
      ['data.outcomes.promotionEvents', 'trip-report'],
      ['data.outcomes.visitors', 'trip-report'],
      // Figures without the report itself: the summary is named in the same answer.
      ['data.summary', 'required'],
    ]);
    // A completed case's report is refused for its state first, whatever its data (forty-first trial's kind).
    const closed = await request(api.http)
      .post(`/api/delegations/${seeded[0]!.caseId}/steps/P03/complete`)
      .set(bearer(users.tokens.organizer))
      .send({ data: { outcomes: { investmentSignedYuan: 1e8, promotionEvents: 1.5, visitors: 200 } } })
      .expect(409);
    expect(closed.body).toMatchObject({ code: 'CASE_CLOSED', message: { en: 'The case is closed (Completed)' } });
  });

  it('handed input: amounts up to 1e15 yuan are refused past their bound (max), and a field the report does not read (unknown-field)', async () => {
    const res = await request(api.http)
      .post(`/api/delegations/${await reporting()}/steps/P03/complete`)
      .set(bearer(users.tokens.organizer))
      .send({
        data: {
          summary: '考察三家企业',
          outcomes: { investmentSignedYuan: 1e15, tradeSignedYuan: 1e12 + 1, promotionEvents: 1e6 },
          foo: 'bar',
        },
      })
      .expect(422);
    expect(res.body).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(res.body.errors).toEqual([
      {
        field: 'data.foo',
        rule: 'unknown-field',
        message: {
          zh: '此步骤不读取此字段（可填：summary、outcomes、reportRef）',
          en: 'The step reads no such field (known: summary, outcomes, reportRef)',
        },
      },
      {
        field: 'data.outcomes.investmentSignedYuan',
        rule: 'max',
        message: { zh: '不得大于1,000,000,000,000元', en: 'Must be at most 1,000,000,000,000 yuan' },
      },
      expect.objectContaining({ field: 'data.outcomes.tradeSignedYuan', rule: 'max' }),
      {
        field: 'data.outcomes.promotionEvents',
        rule: 'max',
        message: { zh: '不得大于10,000场', en: 'Must be at most 10,000 events' },
      },
    ]);
    // Past the handler's own bound (10^15) the figure is named once, by the rule it breaks first.
    const past = await request(api.http)
      .post(`/api/delegations/${await reporting()}/steps/P03/complete`)
      .set(bearer(users.tokens.organizer))
      .send({ data: { summary: '考察三家企业', outcomes: { tradeSignedYuan: 5e15 } } })
      .expect(422);
    expect(past.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule])).toEqual([
      ['data.outcomes.tradeSignedYuan', 'trip-report'],
    ]);
  });

  it('keeps the portfolio analytics for DASHBOARD_CACHE_SECONDS while the operational figures stay live', async () => {
    const cached = await startTestApi({ databaseUrl: db.url, dashboardCacheSeconds: 60 });
    try {
      const token = users.tokens.manager;
      const first = (await request(cached.http).get('/api/dashboard').set(bearer(token)).expect(200)).body;
      expect(first.analytics.maxAgeSeconds).toBe(60);
      const extra = caseStream({
        unit: users.unit,
        submittedAt: BASE + 200 * DAY,
        departureDate: '2026-10-20',
        done: chainDone(99, CHAIN.length),
        departedAfterDays: 16,
      });
      await append(cached.app.get(EventStore), extra);
      const second = (await request(cached.http).get('/api/dashboard').set(bearer(token)).expect(200)).body;
      expect(second.byStatus.departed).toBe(first.byStatus.departed + 1);
      expect(second.analytics).toEqual(first.analytics);
      // The uncached API sees the new departure at once.
      const fresh = (await board(token).expect(200)).body;
      expect(fresh.analytics.departures.departed).toBe(first.analytics.departures.departed + 1);
    } finally {
      await cached.close();
    }
  });
});

describe("a case's timeline from the API lists every decision with actor, on-behalf-of and time", () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  beforeAll(async () => {
    worker = await startTestWorker({ workingDaySeconds: 1 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 1 });
    users = await createTestUsers(api);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it('through approval (B07), with a return for revision and 帮代办 (the unit leader signs in their own right: no deputy names another)', async () => {
    const submitted = await request(api.http)
      .post('/api/delegations')
      .set(bearer(users.tokens.organizer))
      .send(canonicalSubmission(users.unit))
      .expect(201);
    const caseId = submitted.body.caseId as string;
    const deskClerk = await addTestUser(api, 'fao-clerk', 'fao');
    const decisions: Array<{ key: string; decision: string; actorId: string; actorRole: string; onBehalfOf: string | null }> = [];
    let returned = false;
    const deadline = Date.now() + 90_000;
    for (;;) {
      const p = await getProgress(api, users.tokens.organizer, caseId);
      if (p.steps.find((s) => s.key === 'B07')?.status === 'done') break;
      if (Date.now() > deadline)
        throw new Error(
          `stuck: ${JSON.stringify(p.steps.filter((s) => !['done', 'skipped', 'pending'].includes(s.status)).map((s) => [s.key, s.status]))}`,
        );
      const open = actionable(p);
      if (open.length === 0) {
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      for (const step of open) {
        const role = roleFor(step);
        const extra: Record<string, unknown> = {};
        let token = users.tokens[role];
        let by = { id: users.usernames[role], role: role as string };
        if (step.code === 'A09') {
          // 帮代办: an FAO clerk completes the organizer's budget for them (not the clerk who decides the intake, B02:
          // who did the organizer's part may not approve the case).
          token = deskClerk.token;
          by = { id: deskClerk.username, role: 'fao-clerk' };
          extra.onBehalfOf = users.usernames.organizer;
        }
        if (step.code === 'B05' && !returned) {
          Object.assign(extra, { decision: 'return', returnTo: 'A09', comment: '预算需调整' });
          returned = true;
        }
        const res =
          token === users.tokens[role]
            ? await actOn(api, users, caseId, step, extra)
            : await request(api.http)
                .post(`/api/delegations/${caseId}/steps/${step.key}/complete`)
                .set(bearer(token))
                .send({ comment: '外办代办', data: requiredTaskData(step.code), ...extra }); // the budget's figures (2027.11)
        if (res.status === 409) continue;
        expect({ key: step.key, status: res.status, body: res.body }).toMatchObject({ status: 200, body: { accepted: true } });
        if (step.kind === 'approval') {
          decisions.push({
            key: step.key,
            decision: (extra.decision as string) ?? 'approve',
            actorId: by.id,
            actorRole: by.role,
            onBehalfOf: (extra.onBehalfOf as string) ?? null,
          });
        }
      }
    }
    expect(returned).toBe(true);

    const timeline = (await request(api.http).get(`/api/delegations/${caseId}/timeline`).set(bearer(users.tokens.organizer)).expect(200))
      .body;
    const decided = timeline.events.filter((e: { type: string }) => e.type === 'step.decided');
    // Every decision, in order, with who decided, for whom, and when.
    expect(
      decided.map((e: { payload: { key: string; decision: string }; actorId: string; actorRole: string; onBehalfOf: string | null }) => ({
        key: e.payload.key,
        decision: e.payload.decision,
        actorId: e.actorId,
        actorRole: e.actorRole,
        onBehalfOf: e.onBehalfOf,
      })),
    ).toEqual(expect.arrayContaining(decisions));
    expect(decided).toHaveLength(decisions.length);
    expect(decided.map((e: { payload: { key: string } }) => e.payload.key)).toEqual(
      expect.arrayContaining(['A10', 'A11:m1', 'A15', 'B02', 'B04:US', 'B05', 'B06', 'B07']),
    );
    expect(decided.find((e: { payload: { key: string } }) => e.payload.key === 'A15')).toMatchObject({
      actorId: users.usernames['unit-leader'],
      actorRole: 'unit-leader',
      onBehalfOf: null,
    });
    expect(
      decided
        .filter((e: { payload: { key: string } }) => e.payload.key === 'B05')
        .map((e: { payload: { decision: string } }) => e.payload.decision),
    ).toEqual(['return', 'approve']);
    const times = decided.map((e: { occurredAt: string }) => Date.parse(e.occurredAt));
    expect(times.every((t: number) => Number.isFinite(t))).toBe(true);
    expect(times).toEqual([...times].sort((a: number, b: number) => a - b));
    // The time is the case's: the same instant the workflow records as the step's completion.
    const progress = await getProgress(api, users.tokens.organizer, caseId);
    const lastDecision = new Map<string, { payload: { key: string }; occurredAt: string; actorId: string; onBehalfOf: string | null }>(
      decided.map((e: { payload: { key: string } }) => [e.payload.key, e]),
    );
    for (const e of lastDecision.values()) {
      const step: StepProgress = progress.steps.find((s) => s.key === e.payload.key)!;
      expect({ key: step.key, doneAt: step.doneAt, actedBy: step.actedBy, onBehalfOf: step.onBehalfOf ?? null }).toEqual({
        key: e.payload.key,
        doneAt: e.occurredAt,
        actedBy: e.actorId,
        onBehalfOf: e.onBehalfOf,
      });
    }
    // 帮代办 on a task is in the timeline too.
    expect(
      timeline.events
        .filter((e: { type: string; payload: { key: string } }) => e.type === 'step.completed' && e.payload.key === 'A09')
        .at(-1),
    ).toMatchObject({
      actorId: deskClerk.username,
      actorRole: 'fao-clerk',
      onBehalfOf: users.usernames.organizer,
    });
    // The read model agrees: the inbox no longer lists B07, the leader's decision is on its step.
    await eventually(
      () =>
        request(api.http)
          .get('/api/inbox')
          .set(bearer(users.tokens.leader))
          .then((r) => r.body.items as Array<{ caseId: string }>),
      (items) => !items.some((i) => i.caseId === caseId),
    );
    await worker.client.workflow.getHandle(`delegation-${caseId}`).terminate('test done');
  });
});
