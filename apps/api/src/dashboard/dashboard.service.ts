import { incidentForUsers } from '../common/incident-notice';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CASE_STATUSES, caseClockNow } from '@df/contracts';
import {
  DEFAULT_DEFINITION,
  PHASES,
  PROCESS_PHASES,
  preparationDone,
  ROLE_LABELS,
  processDefinitions,
  processOfVersion,
  shanghaiDate,
  type Label,
  type ProcessDefinition,
  type ProcessKind,
  type Role,
} from '@df/domain';
import {
  BoardRepository,
  IncidentsRepository,
  RegistriesRepository,
  isFiltered,
  type BoardCaseRow,
  type BoardStepRow,
} from '@df/persistence';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import { processFilterRefusal, readableProcesses, type AuthUser } from '../auth/access';
import { JsonLogger } from '../common/json-logger';
import { assertKnownUnit, storedUnitCode } from '../common/unit-filter';
import { parseOrThrow } from '../common/validation';
import { DashboardQuerySchema, type DashboardFilter } from './schemas';

/**
 * The board's filter for this viewer: a process its role does not read is refused (403 CASE_OUT_OF_SCOPE, as the case
 * list), and the APEC roles' board counts their processes' cases only (PROCESS_ROLES, libs/domain/src/access.ts).
 */
export function boardFilterFor<F extends DashboardFilter>(
  viewer: Pick<AuthUser, 'role'>,
  filter: F,
): F & Pick<DashboardFilter, 'processes'> {
  const refusal = processFilterRefusal(viewer, filter.process);
  if (refusal) throw refusal;
  const processes = readableProcesses(viewer);
  return processes ? { ...filter, processes } : filter;
}

/**
 * The processes a board filter counts: the one chosen, else the viewer's (boardFilterFor's `processes`); undefined for
 * every process. What the by-phase counts list (PROCESS_PHASES) and whether a trip's own figures apply read it.
 */
export function countedProcesses(filter: Pick<DashboardFilter, 'process' | 'processes'>): readonly ProcessKind[] | undefined {
  return filter.process ? [filter.process] : filter.processes;
}

/**
 * Whether the board's filter (and the viewer's processes, `processes`) counts the delegation chain's trips: only then
 * has it a trip's own figures (departures, the 22 days, the trip reports' outcomes; trial 73: under the APEC filter they
 * read 0 departed, as if trips were counted and none had left).
 */
export function countsTrips(filter: Pick<DashboardFilter, 'process' | 'processes'>): boolean {
  const counted = countedProcesses(filter);
  return !counted || counted.includes('delegation');
}

/**
 * What of a board filter is the viewer's (not a choice on the board): the processes its role reads (boardFilterFor).
 * The lists shown whatever the filters (the units to choose from, the incidents) are still this viewer's: the APEC desk
 * reads neither a delegation case's unit nor its incident (new-user trial: both leaked to its board).
 */
export function boardScope(filter: DashboardFilter): DashboardFilter {
  return { period: 'departure', ...(filter.processes ? { processes: filter.processes } : {}) };
}

/** The brief's headline: a delegation out in 22 calendar days from submission. */
export const HEADLINE_DAYS = 22;

// Step codes of both processes are disjoint (A-P for the chain, K for the card application).
const STEP_NAMES = new Map(
  processDefinitions(DEFAULT_DEFINITION)
    .flatMap((d) => d.steps)
    .map((s) => [s.code, { name: s.name, phase: s.phase as string }]),
);
/**
 * Codes of the steps whose time is the wait for a real-world event, not work (E07 "departure confirmed" waits for the
 * departure day: checkCertifiedDate), in the given definitions: left out of "where the chain loses its days", which a
 * case ready early would otherwise top (new-user trial: E07 second with 54.75 WD, all of it the wait). By behaviour
 * (`behaviour.certifies`), so a version the office publishes with a certifying step of its own is covered too.
 */
export function certifyingCodes(definitions: Iterable<Pick<ProcessDefinition, 'steps'>>): Set<string> {
  const codes = new Set<string>();
  for (const d of definitions) for (const s of d.steps) if (s.behaviour?.certifies) codes.add(s.code);
  return codes;
}
const BUILT_IN_CERTIFYING = certifyingCodes(processDefinitions(DEFAULT_DEFINITION));
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

/**
 * How often the API folds case_counts' deltas (a few per case transition) into one row per key: the board's counts
 * read the deltas since, so this bounds them to a minute of transitions.
 */
const COUNTS_COMPACT_MS = 60_000;

/** Filtered slices whose analytics are kept (a Map in insertion order: the oldest goes first). */
const FILTERED_CACHE_SIZE = 100;
export { isFiltered };

export interface DashboardAnalytics {
  computedAt: string;
  maxAgeSeconds: number;
  /** Null where no trip is counted (countsTrips false: an APEC process's filter, a viewer who reads no trip). */
  departures: {
    departed: number;
    medianDays: number | null;
    p90Days: number | null;
    within22Days: number;
    shareWithin22Days: number | null;
    distribution: Array<{ fromDays: number; toDays: number | null; count: number }>;
  } | null;
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
  /** Null where no trip is counted, as `departures`. */
  outcomes: { reportsFiled: number; investmentSignedYuan: number; tradeSignedYuan: number; promotionEvents: number } | null;
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
  private compactTimer?: NodeJS.Timeout;
  private readonly filteredCache = new Map<string, { value: Promise<DashboardAnalytics>; at: number }>();

  constructor(
    private readonly repo: BoardRepository,
    @Inject(API_CONFIG) private readonly config: ServiceConfig,
    private readonly logger: JsonLogger,
    private readonly incidents: IncidentsRepository,
    private readonly registries: RegistriesRepository,
  ) {}

  /** GET /api/dashboard: every figure over the cases the filters select (unit, departure or submission period). */
  async board(rawQuery: unknown, viewer: Pick<AuthUser, 'role'>) {
    const { limit, ...parsed } = parseOrThrow(DashboardQuerySchema, rawQuery, ['query']);
    const unitFilter = await storedUnitCode(this.registries, parsed.unit);
    const filter = boardFilterFor(viewer, { ...parsed, unit: unitFilter.code });
    assertKnownUnit(unitFilter);
    const scope = boardScope(filter);
    const generatedAt = new Date().toISOString();
    const [units, counts, inFlight, atRisk, overdue, analytics, incidents] = await Promise.all([
      this.repo.units(scope.processes),
      this.counts(filter),
      this.inFlight(limit, filter),
      this.atRisk(limit, filter),
      this.overdue(limit, filter),
      this.analytics(filter),
      // The viewer's processes' cases only (boardScope): the other figures' filters select them.
      this.incidents.list({ open: true, ...(scope.processes ? { cases: scope } : {}) }),
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
      byProcessPhase: counts.byProcessPhase,
      byStatus: counts.byStatus,
      atRisk,
      overdue,
      // Cases stopped by an incident (issue 12 item 2): an operator retries them (docs/operations.md); every unit's, of
      // the processes the viewer reads.
      incidents: {
        total: incidents.length,
        // What happened and what to do, in both languages; the raw failure is the operators' (admin CLI).
        items: incidents.slice(0, limit).map((i) => ({ caseId: i.caseId, ...incidentForUsers(i) })),
      },
      analytics,
    };
  }

  /**
   * Computes the analytics in the background at start, so the first manager after a deploy does not wait for them,
   * and folds the board's case counts (case_counts' deltas) now and every COUNTS_COMPACT_MS after.
   */
  onApplicationBootstrap(): void {
    const compact = () =>
      this.repo
        .compactCaseCounts()
        .catch((err: unknown) => this.logger.event('warn', 'case counts compaction failed', { error: String(err) }));
    void compact();
    this.compactTimer = setInterval(compact, COUNTS_COMPACT_MS).unref();
    if (this.config.dashboardCacheSeconds === 0) return;
    this.analytics({ period: 'departure' }).catch((err: unknown) =>
      this.logger.event('warn', 'dashboard analytics warm-up failed', { error: String(err) }),
    );
  }

  onApplicationShutdown(): Promise<unknown> | undefined {
    clearInterval(this.compactTimer);
    return this.refreshing?.catch(() => undefined);
  }

  // ------------------------------------------------------------------------------------------ operational

  async counts(filter: DashboardFilter) {
    const rows = await this.repo.counts(filter);
    // The phases of the processes counted (a card application has no 护照办理; trials 71, 72), every one for all.
    const counted = countedProcesses(filter);
    const phases = counted ? PHASES.filter((p) => counted.some((pr) => PROCESS_PHASES[pr].includes(p))) : PHASES;
    const byPhase: Record<string, number> = Object.fromEntries(phases.map((p) => [p, 0]));
    const byStatus: Record<string, number> = Object.fromEntries(CASE_STATUSES.map((s) => [s, 0]));
    // …and per process: a card application's 经济体预审 is not a trip's 签证办理 (trial 70: one bar counted both).
    const byProcessPhase: Record<string, Record<string, number>> = {};
    for (const r of rows) {
      byPhase[r.phase] = (byPhase[r.phase] ?? 0) + r.n;
      byStatus[r.status] = (byStatus[r.status] ?? 0) + r.n;
      const of = (byProcessPhase[processOfVersion(r.definition_version)] ??= {});
      of[r.phase] = (of[r.phase] ?? 0) + r.n;
    }
    return { byPhase, byStatus, byProcessPhase };
  }

  private caseLine(r: BoardCaseRow) {
    return {
      caseId: r.case_id,
      process: processOfVersion(r.definition_version),
      title: r.title,
      unit: r.unit,
      phase: r.phase,
      departureDate: r.departure_date,
      forecastReadyAt: iso(r.forecast_ready_at),
      forecastReadyDate: r.forecast_ready_at ? shanghaiDate(new Date(r.forecast_ready_at).getTime()) : null,
      // The forecast behind the case's now: the preparation is done, the date is when (trial 83: 预计办结日期 read a past
      // day beside a negative slack, only E07 waiting), as the case page's 准备就绪日期 (forecastTitle) says.
      prepared: preparationDone(
        { prepared: r.prepared, forecastReadyAt: iso(r.forecast_ready_at) },
        caseClockNow({ submittedAt: new Date(r.submitted_at).toISOString(), workingDaySeconds: this.config.workingDaySeconds }),
      ),
      slackWd: r.slack_wd,
      atRisk: r.at_risk,
      criticalStep: r.critical_step,
      provisionalCalendar: r.provisional_calendar,
    };
  }

  private stepRef(s: BoardStepRow) {
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

  /** Open cases, least slack first (ix_cases_status_slack). */
  async inFlight(limit: number, filter: DashboardFilter) {
    const rows = await this.repo.inFlight(limit, filter);
    return rows.map((r) => this.caseLine(r));
  }

  /** Open cases at risk (ix_cases_open_at_risk) with the step that puts each at risk: the open step on its critical path. */
  private async atRisk(limit: number, filter: DashboardFilter) {
    const { rows, total } = await this.repo.atRisk(limit, filter);
    return {
      total,
      items: rows.map((r) => ({ ...this.caseLine(r), step: r.step_key ? this.stepRef(r) : null })),
    };
  }

  /** Steps past a deadline on live cases (ix_case_steps_overdue), by the role that owes them, longest overdue first. */
  async overdue(limit: number, filter: DashboardFilter) {
    const rows = await this.repo.overdue(limit, filter);
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
    const key = JSON.stringify([
      filter.unit ?? null,
      filter.period,
      filter.from ?? null,
      filter.to ?? null,
      filter.process ?? null,
      filter.processes ?? null,
    ]);
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
    const trips = countsTrips(filter);
    const [departures, days, steps, outcomes, published] = await Promise.all([
      trips ? this.repo.departures(filter, HEADLINE_DAYS) : null,
      trips ? this.repo.departureDays(filter) : [],
      this.repo.stepTimes(filter),
      trips ? this.repo.outcomes(filter) : null,
      this.registries.processVersions(),
    ]);
    // Published definitions passed the definition validator at publishing (steps with their behaviour).
    const certifying = new Set([...BUILT_IN_CERTIFYING, ...certifyingCodes(published.map((v) => v.definition as ProcessDefinition))]);
    const d = departures?.[0];
    const o = outcomes?.[0];
    return {
      computedAt,
      maxAgeSeconds: this.config.dashboardCacheSeconds,
      departures: d
        ? {
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
          }
        : null,
      // The chain to departure: the post-trip obligations run on their own deadlines; a certifying step's time is a wait.
      stepTimes: steps
        .filter((s) => s.phase !== 'post-trip' && !certifying.has(s.code))
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
      outcomes: o
        ? {
            reportsFiled: o.reports,
            investmentSignedYuan: Number(o.investment),
            tradeSignedYuan: Number(o.trade),
            promotionEvents: Number(o.events),
          }
        : null,
    };
  }
}
