import type { BoardRepository, IncidentsRepository, RegistriesRepository, StepTimeRow } from '@df/persistence';
import type { ServiceConfig } from '@df/runtime';
import { JsonLogger } from '../common/json-logger';
import { DashboardService } from './dashboard.service';

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
  it('leaves out the steps whose time is a wait for a real-world event (E07) and the post-trip ones (new-user trial)', async () => {
    const repo = {
      departures: async () => [{ n: 0, median: null, p90: null, within: 0 }],
      departureDays: async () => [],
      stepTimes: async () => [row('E07', 'depart', 54.75), row('A13', 'prepare', 10), row('P03', 'post-trip', 4), row('B02', 'review', 1)],
      outcomes: async () => [{ reports: 0, investment: '0', trade: '0', events: '0' }],
    } as unknown as BoardRepository;
    const service = new DashboardService(
      repo,
      { dashboardCacheSeconds: 0 } as ServiceConfig,
      new JsonLogger([]),
      {} as IncidentsRepository,
      {} as RegistriesRepository,
    );
    const analytics = await service.computeAnalytics();
    expect(analytics.stepTimes.map((s) => s.code)).toEqual(['A13', 'B02']);
  });
});
