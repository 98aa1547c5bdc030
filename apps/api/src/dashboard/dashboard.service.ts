import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CASE_STATUSES } from '@df/contracts';
import {
  processDefinitions,
  versionFilter,
  DEFAULT_DEFINITION,
  PHASES,
  ROLE_LABELS,
  shanghaiDate,
  type Label,
  type Role,
} from '@df/domain';
import { IncidentsRepository } from '@df/persistence';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import { JsonLogger } from '../common/json-logger';
import { parseOrThrow } from '../common/validation';
import { DashboardQuerySchema, type DashboardFilter } from './schemas';

/** The brief's headline: a delegation out in 22 calendar days from submission. */
export const HEADLINE_DAYS = 22;

// Step codes of both processes are disjoint (A-P for the chain, K for the card application).
const STEP_NAMES = new Map(
  processDefinitions(DEFAULT_DEFINITION)
    .flatMap((d) => d.steps)
    .map((s) => [s.code, { name: s.name, phase: s.phase as string }]),
);
const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
const round = (x: number | null, digits = 3): number | null => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);
const nameOf = (zh: string | null, en: string | null, code: string): Label | null =>
  zh !== null && en !== null ? { zh, en } : (STEP_NAMES.get(code)?.name ?? null);

/** Bands of calendar days from submission to departure (inclusive upper bounds): the third ends at the 22-day headline. */
export const DISTRIBUTION_BANDS: ReadonlyArray<readonly [number, number | null]> = [
  [0, 7],
  [8, 14],
  [15, HEADLINE_DAYS],
  [HEADLINE_DAYS + 1, 30],
  [31, 45],
  [46, 60],
  [61, 90],
  [91, null],
];

const DAY_MS = 86_400_000;
/** Filtered slices whose analytics are kept (a Map in insertion order: the oldest goes first). */
const FILTERED_CACHE_SIZE = 100;
/** The instant an Asia/Shanghai calendar day starts (UTC+8, no daylight saving). */
const shanghaiDayStart = (day: string): Date => new Date(`${day}T00:00:00+08:00`);

export const isFiltered = (f: DashboardFilter): boolean => !!(f.unit || f.from || f.to || f.process);

/**
 * The board's filters as `AND ...` conditions on `cases c`, their parameters numbered from `$first`. A
 * submission period compares instants (Shanghai day starts) so ix_cases_submitted_at serves it.
 */
export function caseFilterSql(f: DashboardFilter, first: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const conditions: string[] = [];
  const param = (v: unknown) => {
    params.push(v);
    return `$${first + params.length - 1}`;
  };
  if (f.unit) conditions.push(`c.unit = ${param(f.unit)}`);
  // A case's process is its definition version's (issue 17: a named process's versions, or the chain's: any other).
  if (f.process) {
    const v = versionFilter(f.process);
    conditions.push(`${'in' in v ? '' : 'NOT '}(c.definition_version = ANY(${param([...('in' in v ? v.in : v.notIn)])}))`);
  }
  if (f.period === 'departure') {
    if (f.from) conditions.push(`c.departure_date >= ${param(f.from)}::date`);
    if (f.to) conditions.push(`c.departure_date <= ${param(f.to)}::date`);
  } else {
    if (f.from) conditions.push(`c.submitted_at >= ${param(shanghaiDayStart(f.from))}`);
    if (f.to) conditions.push(`c.submitted_at < ${param(new Date(shanghaiDayStart(f.to).getTime() + DAY_MS))}`);
  }
  return { sql: conditions.map((x) => ` AND ${x}`).join(''), params };
}

interface CaseRow {
  case_id: string;
  title: string;
  unit: string;
  phase: string;
  departure_date: string;
  forecast_ready_at: Date | null;
  slack_wd: number | null;
  at_risk: boolean;
  critical_step: string | null;
  provisional_calendar: boolean;
}

interface StepRow {
  step_key: string;
  code: string;
  name_zh: string | null;
  name_en: string | null;
  actor_role: string;
  status: string;
  started_at: Date | null;
  due_at: Date | null;
  latest_start_at: Date | null;
  overdue_since: Date | null;
}

export interface DashboardAnalytics {
  computedAt: string;
  maxAgeSeconds: number;
  departures: {
    departed: number;
    medianDays: number | null;
    p90Days: number | null;
    within22Days: number;
    shareWithin22Days: number | null;
    distribution: Array<{ fromDays: number; toDays: number | null; count: number }>;
  };
  stepTimes: Array<{
    code: string;
    name: Label | null;
    phase: string;
    count: number;
    totalWd: number;
    meanWd: number;
    medianWd: number;
    p90Wd: number;
  }>;
  outcomes: { reportsFiled: number; investmentSignedYuan: number; tradeSignedYuan: number; promotionEvents: number };
}

/**
 * The managers' board from the read models, never Temporal. Two halves:
 * - operational (every request, indexed, bounded by `limit`): cases in flight by slack, counts by phase and
 *   status, the at-risk list with each case's critical step, overdue steps by role;
 * - portfolio analytics over every case ever (percentiles over all departures and all done steps): computed
 *   with SQL aggregates (percentile_cont) and kept for DASHBOARD_CACHE_SECONDS, then recomputed in the
 *   background while the previous figures are served (their `computedAt` says how old they are).
 */
@Injectable()
export class DashboardService implements OnApplicationBootstrap, OnApplicationShutdown {
  private cached?: { value: DashboardAnalytics; at: number };
  private refreshing?: Promise<DashboardAnalytics>;
  private readonly filteredCache = new Map<string, { value: Promise<DashboardAnalytics>; at: number }>();

  constructor(
    private readonly db: DataSource,
    @Inject(API_CONFIG) private readonly config: ServiceConfig,
    private readonly logger: JsonLogger,
    private readonly incidents: IncidentsRepository,
  ) {}

  /** GET /api/dashboard: every figure over the cases the filters select (unit, departure or submission period). */
  async board(rawQuery: unknown) {
    const { limit, ...filter } = parseOrThrow(DashboardQuerySchema, rawQuery, ['query']);
    const generatedAt = new Date().toISOString();
    const [units, counts, inFlight, atRisk, overdue, analytics, incidents] = await Promise.all([
      this.units(),
      this.counts(filter),
      this.inFlight(limit, filter),
      this.atRisk(limit, filter),
      this.overdue(limit, filter),
      this.analytics(filter),
      this.incidents.list({ open: true }),
    ]);
    return {
      generatedAt,
      limit,
      filter: {
        unit: filter.unit ?? null,
        period: filter.period,
        from: filter.from ?? null,
        to: filter.to ?? null,
        process: filter.process ?? null,
      },
      units,
      inFlight: { total: counts.byStatus.open ?? 0, items: inFlight },
      byPhase: counts.byPhase,
      byStatus: counts.byStatus,
      atRisk,
      overdue,
      // Cases stopped by an incident (issue 12 item 2): an operator retries them (docs/operations.md); office-wide.
      incidents: {
        total: incidents.length,
        items: incidents.slice(0, limit).map((i) => ({
          caseId: i.caseId,
          openedAt: i.openedAt,
          activity: i.activity,
          errorType: i.errorType,
          error: i.error,
          stepKeys: i.stepKeys,
        })),
      },
      analytics,
    };
  }

  /** Computes the analytics in the background at start, so the first manager after a deploy does not wait for them. */
  onApplicationBootstrap(): void {
    if (this.config.dashboardCacheSeconds === 0) return;
    this.analytics({ period: 'departure' }).catch((err: unknown) =>
      this.logger.event('warn', 'dashboard analytics warm-up failed', { error: String(err) }),
    );
  }

  onApplicationShutdown(): Promise<unknown> | undefined {
    return this.refreshing?.catch(() => undefined);
  }

  // ------------------------------------------------------------------------------------------ operational

  /** Every unit with a case (the unit filter's choices), whatever the filters (ix_cases_unit_status). */
  private async units(): Promise<string[]> {
    const rows: Array<{ unit: string }> = await this.db.query('SELECT DISTINCT unit FROM cases ORDER BY unit');
    return rows.map((r) => r.unit);
  }

  async counts(filter: DashboardFilter) {
    const f = caseFilterSql(filter, 1);
    const rows: Array<{ status: string; phase: string; n: number }> = await this.db.query(
      `SELECT c.status, c.phase, count(*)::int AS n FROM cases c WHERE true${f.sql} GROUP BY c.status, c.phase`,
      f.params,
    );
    const byPhase: Record<string, number> = Object.fromEntries(PHASES.map((p) => [p, 0]));
    const byStatus: Record<string, number> = Object.fromEntries(CASE_STATUSES.map((s) => [s, 0]));
    for (const r of rows) {
      byPhase[r.phase] = (byPhase[r.phase] ?? 0) + r.n;
      byStatus[r.status] = (byStatus[r.status] ?? 0) + r.n;
    }
    return { byPhase, byStatus };
  }

  private caseLine(r: CaseRow) {
    return {
      caseId: r.case_id,
      title: r.title,
      unit: r.unit,
      phase: r.phase,
      departureDate: r.departure_date,
      forecastReadyAt: iso(r.forecast_ready_at),
      forecastReadyDate: r.forecast_ready_at ? shanghaiDate(new Date(r.forecast_ready_at).getTime()) : null,
      slackWd: r.slack_wd,
      atRisk: r.at_risk,
      criticalStep: r.critical_step,
      provisionalCalendar: r.provisional_calendar,
    };
  }

  private stepRef(s: StepRow) {
    return {
      key: s.step_key,
      code: s.code,
      name: nameOf(s.name_zh, s.name_en, s.code),
      actorRole: s.actor_role,
      status: s.status,
      startedAt: iso(s.started_at),
      dueAt: iso(s.due_at),
      latestStartAt: iso(s.latest_start_at),
      overdueSince: iso(s.overdue_since),
    };
  }

  private static readonly CASE_COLUMNS = `c.case_id, c.title, c.unit, c.phase, to_char(c.departure_date, 'YYYY-MM-DD') AS departure_date,
    c.forecast_ready_at, c.slack_wd, c.at_risk, c.critical_step, c.provisional_calendar`;

  /** Open cases, least slack first (ix_cases_status_slack). */
  async inFlight(limit: number, filter: DashboardFilter) {
    const f = caseFilterSql(filter, 2);
    const rows: CaseRow[] = await this.db.query(
      `SELECT ${DashboardService.CASE_COLUMNS} FROM cases c WHERE c.status = 'open'${f.sql}
        ORDER BY c.slack_wd ASC NULLS LAST, c.departure_date ASC, c.case_id ASC LIMIT $1`,
      [limit, ...f.params],
    );
    return rows.map((r) => this.caseLine(r));
  }

  /** Open cases at risk (ix_cases_open_at_risk) with the step that puts each at risk: the open step on its critical path. */
  private async atRisk(limit: number, filter: DashboardFilter) {
    const f = caseFilterSql(filter, 2);
    const g = caseFilterSql(filter, 1);
    const [rows, total] = await Promise.all([
      this.db.query(
        `SELECT ${DashboardService.CASE_COLUMNS}, s.step_key, s.code, s.name_zh, s.name_en, s.actor_role, s.status, s.started_at, s.due_at,
                s.latest_start_at, s.overdue_since
           FROM cases c LEFT JOIN case_steps s ON s.case_id = c.case_id AND s.step_key = c.critical_step
          WHERE c.status = 'open' AND c.at_risk${f.sql}
          ORDER BY c.slack_wd ASC, c.departure_date ASC, c.case_id ASC LIMIT $1`,
        [limit, ...f.params],
      ) as Promise<Array<CaseRow & StepRow>>,
      this.db.query(`SELECT count(*)::int AS n FROM cases c WHERE c.status = 'open' AND c.at_risk${g.sql}`, g.params) as Promise<
        Array<{ n: number }>
      >,
    ]);
    return {
      total: total[0]?.n ?? 0,
      items: rows.map((r) => ({ ...this.caseLine(r), step: r.step_key ? this.stepRef(r) : null })),
    };
  }

  /** Steps past a deadline on live cases (ix_case_steps_overdue), by the role that owes them, longest overdue first. */
  async overdue(limit: number, filter: DashboardFilter) {
    const f = caseFilterSql(filter, 2);
    const rows: Array<StepRow & { case_id: string; title: string; unit: string; n: number }> = await this.db.query(
      // overdue_since is cleared when a step is done, returned or withdrawn and when its case closes (projection.ts):
      // the partial index holds exactly the steps overdue now, and only the listed ones need their case.
      `SELECT o.*, c.title, c.unit FROM (
         SELECT s.case_id, s.step_key, s.code, s.name_zh, s.name_en, s.actor_role, s.status, s.started_at, s.due_at, s.latest_start_at, s.overdue_since,
                row_number() OVER (PARTITION BY s.actor_role ORDER BY s.overdue_since, s.case_id, s.step_key) AS rn,
                count(*) OVER (PARTITION BY s.actor_role)::int AS n
           FROM case_steps s JOIN cases c ON c.case_id = s.case_id WHERE s.overdue_since IS NOT NULL${f.sql}) o
         JOIN cases c ON c.case_id = o.case_id
        WHERE o.rn <= $1
        ORDER BY o.n DESC, o.actor_role, o.rn`,
      [limit, ...f.params],
    );
    const byRole: Array<{ role: string; label: Label | null; count: number; items: unknown[] }> = [];
    for (const r of rows) {
      let group = byRole.at(-1);
      if (group?.role !== r.actor_role) {
        group = { role: r.actor_role, label: ROLE_LABELS[r.actor_role as Role] ?? null, count: r.n, items: [] };
        byRole.push(group);
      }
      group.items.push({ caseId: r.case_id, title: r.title, unit: r.unit, ...this.stepRef(r) });
    }
    return { total: byRole.reduce((sum, g) => sum + g.count, 0), byRole };
  }

  // ------------------------------------------------------------------------------------------ analytics

  /**
   * Portfolio figures. Unfiltered: cached, fresh within DASHBOARD_CACHE_SECONDS, else the last ones while a
   * refresh runs. Filtered (a unit or a period): over that slice only, kept per slice (filteredAnalytics).
   */
  analytics(filter: DashboardFilter): Promise<DashboardAnalytics> {
    const maxAgeMs = this.config.dashboardCacheSeconds * 1000;
    if (isFiltered(filter)) return maxAgeMs === 0 ? this.computeAnalytics(filter) : this.filteredAnalytics(filter, maxAgeMs);
    if (maxAgeMs === 0) return this.computeAnalytics();
    if (this.cached && Date.now() - this.cached.at < maxAgeMs) return Promise.resolve(this.cached.value);
    this.refreshing ??= this.computeAnalytics()
      .then((value) => {
        this.cached = { value, at: Date.parse(value.computedAt) };
        return value;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    if (!this.cached) return this.refreshing;
    this.refreshing.catch((err: unknown) => this.logger.event('warn', 'dashboard analytics refresh failed', { error: String(err) }));
    return Promise.resolve(this.cached.value);
  }

  /**
   * A slice's analytics, kept like the whole portfolio's for DASHBOARD_CACHE_SECONDS (the board refetches on
   * every filter change, and managers look at the same units and months), for at most FILTERED_CACHE_SIZE
   * slices, oldest dropped first. A stale slice is recomputed for the request (no background refresh).
   */
  private filteredAnalytics(filter: DashboardFilter, maxAgeMs: number): Promise<DashboardAnalytics> {
    const key = JSON.stringify([filter.unit ?? null, filter.period, filter.from ?? null, filter.to ?? null, filter.process ?? null]);
    const hit = this.filteredCache.get(key);
    if (hit && Date.now() - hit.at < maxAgeMs) return hit.value;
    const value = this.computeAnalytics(filter);
    this.filteredCache.delete(key);
    this.filteredCache.set(key, { value, at: Date.now() });
    value.catch(() => this.filteredCache.delete(key));
    while (this.filteredCache.size > FILTERED_CACHE_SIZE) this.filteredCache.delete(this.filteredCache.keys().next().value!);
    return value;
  }

  async computeAnalytics(filter: DashboardFilter = { period: 'departure' }): Promise<DashboardAnalytics> {
    const computedAt = new Date().toISOString();
    const f1 = caseFilterSql(filter, 1);
    const f2 = caseFilterSql(filter, 2);
    const [departures, days, steps, outcomes] = await Promise.all([
      this.db.query(
        `SELECT count(*)::int AS n,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY c.submission_to_departure_days) AS median,
                percentile_cont(0.9) WITHIN GROUP (ORDER BY c.submission_to_departure_days) AS p90,
                count(*) FILTER (WHERE c.submission_to_departure_days <= $1)::int AS within
           FROM cases c WHERE c.submission_to_departure_days IS NOT NULL${f2.sql}`,
        [HEADLINE_DAYS, ...f2.params],
      ) as Promise<Array<{ n: number; median: number | null; p90: number | null; within: number }>>,
      this.db.query(
        `SELECT c.submission_to_departure_days AS days, count(*)::int AS n
           FROM cases c WHERE c.submission_to_departure_days IS NOT NULL${f1.sql} GROUP BY 1`,
        f1.params,
      ) as Promise<Array<{ days: number; n: number }>>,
      this.db.query(
        // Unfiltered, case_steps alone (ix_case_steps_done_code); filtered, joined to the cases the filters select.
        `WITH g AS (
           SELECT s.code, count(*)::int AS n, sum(s.working_days) AS total, avg(s.working_days) AS mean,
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY s.working_days) AS median,
                  percentile_cont(0.9) WITHIN GROUP (ORDER BY s.working_days) AS p90
             FROM case_steps s${isFiltered(filter) ? ' JOIN cases c ON c.case_id = s.case_id' : ''}
            WHERE s.status = 'done' AND s.working_days IS NOT NULL${f1.sql}
            GROUP BY s.code)
         SELECT g.*, x.name_zh, x.name_en, x.phase
           FROM g CROSS JOIN LATERAL (
             SELECT s.name_zh, s.name_en, s.phase FROM case_steps s
              WHERE s.code = g.code AND s.status = 'done' AND s.working_days IS NOT NULL LIMIT 1) x
          ORDER BY g.total DESC, g.code`,
        f1.params,
      ) as Promise<
        Array<{
          code: string;
          n: number;
          total: number;
          mean: number;
          median: number;
          p90: number;
          name_zh: string | null;
          name_en: string | null;
          phase: string;
        }>
      >,
      this.db.query(
        `SELECT count(*)::int AS reports, coalesce(sum(investment_signed_yuan), 0) AS investment, coalesce(sum(trade_signed_yuan), 0) AS trade,
                coalesce(sum(promotion_events), 0)::bigint AS events
           FROM cases c WHERE c.report_filed_at IS NOT NULL${f1.sql}`,
        f1.params,
      ) as Promise<Array<{ reports: number; investment: string; trade: string; events: string }>>,
    ]);
    const d = departures[0]!;
    const o = outcomes[0]!;
    return {
      computedAt,
      maxAgeSeconds: this.config.dashboardCacheSeconds,
      departures: {
        departed: d.n,
        medianDays: round(d.median),
        p90Days: round(d.p90),
        within22Days: d.within,
        shareWithin22Days: d.n > 0 ? round(d.within / d.n, 4) : null,
        distribution: DISTRIBUTION_BANDS.map(([fromDays, toDays]) => ({
          fromDays,
          toDays,
          count: days.filter((r) => r.days >= fromDays && (toDays === null || r.days <= toDays)).reduce((n, r) => n + r.n, 0),
        })),
      },
      // The chain to departure: the post-trip obligations run on their own deadlines.
      stepTimes: steps
        .filter((s) => s.phase !== 'post-trip')
        .map((s) => ({
          code: s.code,
          name: nameOf(s.name_zh, s.name_en, s.code),
          phase: s.phase,
          count: s.n,
          totalWd: round(s.total)!,
          meanWd: round(s.mean)!,
          medianWd: round(s.median)!,
          p90Wd: round(s.p90)!,
        })),
      outcomes: {
        reportsFiled: o.reports,
        investmentSignedYuan: Number(o.investment),
        tradeSignedYuan: Number(o.trade),
        promotionEvents: Number(o.events),
      },
    };
  }
}
