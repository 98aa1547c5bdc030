import type { BoardCaseRow, BoardRepository, IncidentsRepository, RegistriesRepository, StepTimeRow } from '@df/persistence';
import type { ServiceConfig } from '@df/runtime';
import { JsonLogger } from '../common/json-logger';
import { unitReach, type Role } from '@df/domain';
import { BOARD_ROLES } from './dashboard.controller';
import { boardFilterFor, boardScope, DashboardService } from './dashboard.service';

const row = (code: string, phase: string, total: number): StepTimeRow => ({
  code,
  n: 2,
  total,
  mean: total / 2,
  median: total / 2,
  p90: total / 2,
  name_zh: null,
  name_en: null,
  phase,
});

describe("the board's time per step", () => {
  const analyticsOf = async (stepTimes: StepTimeRow[], published: unknown[] = []) => {
    const repo = {
      departures: async () => [{ n: 0, median: null, p90: null, within: 0 }],
      departureDays: async () => [],
      stepTimes: async () => stepTimes,
      outcomes: async () => [{ reports: 0, investment: '0', trade: '0', events: '0' }],
    } as unknown as BoardRepository;
    const service = new DashboardService(
      repo,
      { dashboardCacheSeconds: 0 } as ServiceConfig,
      new JsonLogger([]),
      {} as IncidentsRepository,
      { processVersions: async () => published } as unknown as RegistriesRepository,
    );
    return service.computeAnalytics();
  };

  it('leaves out the steps whose time is a wait for a real-world event (E07) and the post-trip ones (new-user trial)', async () => {
    const analytics = await analyticsOf([
      row('E07', 'depart', 54.75),
      row('A13', 'prepare', 10),
      row('P03', 'post-trip', 4),
      row('B02', 'review', 1),
    ]);
    expect(analytics.stepTimes.map((s) => s.code)).toEqual(['A13', 'B02']);
  });

  it("also a certifying step only a version the office published declares (by behaviour, not the built-ins' codes)", async () => {
    const steps = [row('E07', 'depart', 54.75), row('X01', 'depart', 30), row('A13', 'prepare', 10)];
    const officeVersion = { version: '2028.1', definition: { steps: [{ code: 'X01', behaviour: { certifies: { event: 'departure' } } }] } };
    expect((await analyticsOf(steps)).stepTimes.map((s) => s.code)).toEqual(['X01', 'A13']);
    expect((await analyticsOf(steps, [officeVersion])).stepTimes.map((s) => s.code)).toEqual(['A13']);
  });
});

describe("the board's cases in flight", () => {
  const line = (forecast: string, submitted: string, prepared: boolean | null = null): BoardCaseRow => ({
    case_id: `c-${forecast}`,
    title: 't',
    unit: 'commerce',
    phase: 'depart',
    departure_date: '2027-09-01',
    forecast_ready_at: new Date(forecast),
    slack_wd: -18.9,
    at_risk: true,
    critical_step: 'E07',
    provisional_calendar: false,
    prepared,
    definition_version: '2027.6',
    submitted_at: new Date(submitted),
  });
  const inFlight = (rows: BoardCaseRow[], workingDaySeconds?: number) =>
    new DashboardService(
      { inFlight: async () => rows } as unknown as BoardRepository,
      { dashboardCacheSeconds: 0, ...(workingDaySeconds ? { workingDaySeconds } : {}) } as ServiceConfig,
      new JsonLogger([]),
      {} as IncidentsRepository,
      {} as RegistriesRepository,
    ).inFlight(10, { period: 'departure' });

  it("say when the preparation is done: the last re-plan's state, whatever the forecast's day (trial 86: 已就绪 with D13 overdue)", async () => {
    const past = new Date(Date.now() - 86_400_000).toISOString();
    const ahead = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const lines = await inFlight([line(past, past, false), line(past, past, true), line(ahead, past, true)]);
    expect(lines.map((l) => l.prepared)).toEqual([false, true, true]);
  });

  it("a case re-planned before the state was: the forecast behind the case's now (trial 83: a past 预计 day beside -18.9)", async () => {
    const past = new Date(Date.now() - 86_400_000).toISOString();
    const ahead = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const lines = await inFlight([line(past, past), line(ahead, past)]);
    expect(lines.map((l) => l.prepared)).toEqual([true, false]);
    // On a time scale the case's clock runs ahead of the reader's: a month of case time since a submission an hour ago.
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    expect((await inFlight([line(ahead, hourAgo)], 60)).map((l) => l.prepared)).toEqual([true]);
  });
});

describe("the board's scope", () => {
  it("is the reader's processes (boardScope); every board role reaches every unit, so units need no filter of their own", () => {
    expect(BOARD_ROLES.filter((r) => unitReach(r as Role) !== 'any')).toEqual([]);
    expect(boardScope(boardFilterFor({ role: 'apec-desk' }, { period: 'submission', unit: 'x' }))).toEqual({
      period: 'departure',
      processes: ['apec-card', 'apec-whitelist'],
    });
    expect(boardScope(boardFilterFor({ role: 'manager' }, { period: 'departure' }))).toEqual({ period: 'departure' });
  });
});
