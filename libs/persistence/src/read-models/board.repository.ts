import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { versionFilter, type ProcessKind } from '@df/domain';

/** The managers' board's filters (the API validates them: apps/api/src/dashboard/schemas.ts). Dates YYYY-MM-DD, Asia/Shanghai. */
export interface BoardFilter {
  unit?: string | undefined;
  period: 'departure' | 'submission';
  from?: string | undefined;
  to?: string | undefined;
  process?: ProcessKind | undefined;
  /** The processes the viewer's role reads (the APEC roles: theirs only, PROCESS_ROLES); absent: every process. */
  processes?: readonly ProcessKind[] | undefined;
}

/** A case line of the board (snake_case as PostgreSQL answers). */
export interface BoardCaseRow {
  case_id: string;
  title: string;
  unit: string;
  phase: string;
  /** YYYY-MM-DD */
  departure_date: string;
  forecast_ready_at: Date | null;
  slack_wd: number | null;
  at_risk: boolean;
  critical_step: string | null;
  provisional_calendar: boolean;
  prepared: boolean | null;
  /** The process version the case runs (its process: processOfVersion). */
  definition_version: string;
  /** The case clock's origin (caseClockNow: on a time scale its day runs ahead of the reader's). */
  submitted_at: Date;
}

/** A step of the board (the at-risk case's critical step, an overdue step). */
export interface BoardStepRow {
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

export interface StepTimeRow {
  code: string;
  n: number;
  total: number;
  mean: number;
  median: number;
  p90: number;
  name_zh: string | null;
  name_en: string | null;
  phase: string;
}

const DAY_MS = 86_400_000;
/** The instant an Asia/Shanghai calendar day starts (UTC+8, no daylight saving). */
const shanghaiDayStart = (day: string): Date => new Date(`${day}T00:00:00+08:00`);

/** Does the filter select a slice (a unit, a period or a process), not the whole portfolio? */
export const isFiltered = (f: BoardFilter): boolean => !!(f.unit || f.from || f.to || f.process || f.processes);

/**
 * A case `c` of one of these processes, as a condition (the board's filters, the inbox's reader scope): a case's process
 * is its definition version's (issue 17: a named process's versions, or the chain's: any other). `param` numbers a
 * parameter.
 */
export function processesSql(processes: readonly ProcessKind[], param: (v: unknown) => string): string {
  const ofProcess = (process: ProcessKind) => {
    const v = versionFilter(process);
    return `${'in' in v ? '' : 'NOT '}(c.definition_version = ANY(${param([...('in' in v ? v.in : v.notIn)])}))`;
  };
  return `(${processes.map(ofProcess).join(' OR ') || 'false'})`;
}

/**
 * The board's filters as `AND ...` conditions on `cases c`, their parameters numbered from `$first`. A
 * submission period compares instants (Shanghai day starts) so ix_cases_submitted_at serves it.
 */
export function caseFilterSql(f: BoardFilter, first: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const conditions: string[] = [];
  const param = (v: unknown) => {
    params.push(v);
    return `$${first + params.length - 1}`;
  };
  if (f.unit) conditions.push(`c.unit = ${param(f.unit)}`);
  if (f.process) conditions.push(processesSql([f.process], param));
  if (f.processes) conditions.push(processesSql(f.processes, param));
  if (f.period === 'departure') {
    if (f.from) conditions.push(`c.departure_date >= ${param(f.from)}::date`);
    if (f.to) conditions.push(`c.departure_date <= ${param(f.to)}::date`);
  } else {
    if (f.from) conditions.push(`c.submitted_at >= ${param(shanghaiDayStart(f.from))}`);
    if (f.to) conditions.push(`c.submitted_at < ${param(new Date(shanghaiDayStart(f.to).getTime() + DAY_MS))}`);
  }
  return { sql: conditions.map((x) => ` AND ${x}`).join(''), params };
}

const CASE_COLUMNS = `c.case_id, c.title, c.unit, c.phase, to_char(c.departure_date, 'YYYY-MM-DD') AS departure_date,
    c.forecast_ready_at, c.slack_wd, c.at_risk, c.critical_step, c.provisional_calendar, c.prepared, c.definition_version, c.submitted_at`;

/**
 * The managers' board's SQL over the read models (cases, case_steps), never Temporal: the operational lists
 * (indexed, bounded by `limit`) and the portfolio aggregates (percentile_cont). The API shapes the answers.
 */
@Injectable()
export class BoardRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Every unit with a case (the unit filter's choices), whatever the filters, in order. A loose index scan of
   * ix_cases_unit_status: one index descent per unit (the next unit after the last), not a read of every case.
   * `processes` (the viewer's, PROCESS_ROLES): only the units with a case of those, from `case_counts` (a few hundred
   * rows by unit, status, phase and definition version, whatever the portfolio's size).
   */
  async units(processes?: readonly ProcessKind[]): Promise<string[]> {
    if (processes) {
      const f = caseFilterSql({ period: 'departure', processes }, 1);
      const scoped: Array<{ unit: string }> = await this.db.query(
        `SELECT c.unit FROM case_counts c WHERE true${f.sql} GROUP BY c.unit HAVING sum(c.n) <> 0 ORDER BY c.unit`,
        f.params,
      );
      return scoped.map((r) => r.unit);
    }
    const rows: Array<{ unit: string }> = await this.db.query(
      `WITH RECURSIVE u AS (
         (SELECT unit FROM cases ORDER BY unit LIMIT 1)
         UNION ALL
         SELECT (SELECT c.unit FROM cases c WHERE c.unit > u.unit ORDER BY c.unit LIMIT 1) FROM u WHERE u.unit IS NOT NULL)
       SELECT unit FROM u WHERE unit IS NOT NULL`,
    );
    return rows.map((r) => r.unit);
  }

  /**
   * Cases by status and phase. Without a period, from `case_counts` (the triggers' deltas by unit, status, phase
   * and definition version: a few hundred rows, whatever the portfolio's size); a period selects by date, so
   * those cases are counted from `cases` itself.
   */
  counts(filter: BoardFilter): Promise<Array<{ status: string; phase: string; definition_version: string; n: number }>> {
    if (filter.from || filter.to) {
      const f = caseFilterSql(filter, 1);
      return this.db.query(
        `SELECT c.status, c.phase, c.definition_version, count(*)::int AS n FROM cases c WHERE true${f.sql}
          GROUP BY c.status, c.phase, c.definition_version`,
        f.params,
      );
    }
    const f = caseFilterSql({ unit: filter.unit, process: filter.process, processes: filter.processes, period: filter.period }, 1);
    return this.db.query(
      `SELECT c.status, c.phase, c.definition_version, sum(c.n)::int AS n FROM case_counts c WHERE true${f.sql}
        GROUP BY c.status, c.phase, c.definition_version HAVING sum(c.n) <> 0`,
      f.params,
    );
  }

  /**
   * Folds `case_counts` into one row per key (zero keys dropped), in one statement: the rows it deletes are those
   * of its snapshot, so deltas appended meanwhile stay, and two compactions at once (two API instances) fold each
   * row once (the second skips the rows the first deleted). Returns the rows folded.
   */
  async compactCaseCounts(): Promise<number> {
    const rows: Array<{ folded: number }> = await this.db.query(
      `WITH folded AS (DELETE FROM case_counts RETURNING unit, status, phase, definition_version, n),
            kept AS (
              INSERT INTO case_counts (unit, status, phase, definition_version, n)
              SELECT unit, status, phase, definition_version, sum(n) FROM folded GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0)
       SELECT count(*)::int AS folded FROM folded`,
    );
    return rows[0]?.folded ?? 0;
  }

  /** Open cases, least slack first (ix_cases_status_slack, in this order to the last tie-breaker). */
  inFlight(limit: number, filter: BoardFilter): Promise<BoardCaseRow[]> {
    const f = caseFilterSql(filter, 2);
    return this.db.query(
      `SELECT ${CASE_COLUMNS} FROM cases c WHERE c.status = 'open'${f.sql}
        ORDER BY c.slack_wd ASC NULLS LAST, c.departure_date ASC, c.case_id ASC LIMIT $1`,
      [limit, ...f.params],
    );
  }

  /** Open cases at risk (ix_cases_open_at_risk, in this order) with their critical step (columns null when none), and how many there are. */
  async atRisk(limit: number, filter: BoardFilter): Promise<{ rows: Array<BoardCaseRow & BoardStepRow>; total: number }> {
    const f = caseFilterSql(filter, 2);
    const g = caseFilterSql(filter, 1);
    const [rows, total] = await Promise.all([
      this.db.query(
        `SELECT ${CASE_COLUMNS}, s.step_key, s.code, s.name_zh, s.name_en, s.actor_role, s.status, s.started_at, s.due_at,
                s.latest_start_at, s.overdue_since
           FROM cases c LEFT JOIN case_steps s ON s.case_id = c.case_id AND s.step_key = c.critical_step
          WHERE c.status = 'open' AND c.at_risk${f.sql}
          ORDER BY c.slack_wd ASC, c.departure_date ASC, c.case_id ASC LIMIT $1`,
        [limit, ...f.params],
      ) as Promise<Array<BoardCaseRow & BoardStepRow>>,
      this.db.query(`SELECT count(*)::int AS n FROM cases c WHERE c.status = 'open' AND c.at_risk${g.sql}`, g.params) as Promise<
        Array<{ n: number }>
      >,
    ]);
    return { rows, total: total[0]?.n ?? 0 };
  }

  /**
   * Steps past a deadline on live cases: at most `limit` per role that owes them, the role with most first,
   * longest overdue first; `n` is the role's whole count. Ranked and counted from ix_case_steps_overdue alone
   * (its order is the ranking's), then only the listed steps and their cases are read.
   */
  overdue(limit: number, filter: BoardFilter): Promise<Array<BoardStepRow & { case_id: string; title: string; unit: string; n: number }>> {
    const f = caseFilterSql(filter, 2);
    return this.db.query(
      // overdue_since is cleared when a step is done, returned or withdrawn and when its case closes (projection.ts):
      // the partial index holds exactly the steps overdue now; their cases are needed only to filter.
      `WITH r AS (
         SELECT s.case_id, s.step_key, s.actor_role,
                row_number() OVER (PARTITION BY s.actor_role ORDER BY s.overdue_since, s.case_id, s.step_key) AS rn,
                count(*) OVER (PARTITION BY s.actor_role)::int AS n
           FROM case_steps s${isFiltered(filter) ? ' JOIN cases c ON c.case_id = s.case_id' : ''}
          WHERE s.overdue_since IS NOT NULL${f.sql})
       SELECT s.case_id, s.step_key, s.code, s.name_zh, s.name_en, s.actor_role, s.status, s.started_at, s.due_at, s.latest_start_at,
              s.overdue_since, r.rn, r.n, c.title, c.unit
         FROM r JOIN case_steps s ON s.case_id = r.case_id AND s.step_key = r.step_key JOIN cases c ON c.case_id = r.case_id
        WHERE r.rn <= $1
        ORDER BY r.n DESC, r.actor_role, r.rn`,
      [limit, ...f.params],
    );
  }

  /** Departed cases: how many, the median and 90th percentile of days from submission, and how many within `headlineDays`. */
  departures(
    filter: BoardFilter,
    headlineDays: number,
  ): Promise<Array<{ n: number; median: number | null; p90: number | null; within: number }>> {
    const f2 = caseFilterSql(filter, 2);
    return this.db.query(
      `SELECT count(*)::int AS n,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY c.submission_to_departure_days) AS median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY c.submission_to_departure_days) AS p90,
              count(*) FILTER (WHERE c.submission_to_departure_days <= $1)::int AS within
         FROM cases c WHERE c.submission_to_departure_days IS NOT NULL${f2.sql}`,
      [headlineDays, ...f2.params],
    );
  }

  /** Departed cases by calendar days from submission to departure. */
  departureDays(filter: BoardFilter): Promise<Array<{ days: number; n: number }>> {
    const f1 = caseFilterSql(filter, 1);
    return this.db.query(
      `SELECT c.submission_to_departure_days AS days, count(*)::int AS n
         FROM cases c WHERE c.submission_to_departure_days IS NOT NULL${f1.sql} GROUP BY 1`,
      f1.params,
    );
  }

  /** Working days per done step code: count, total, mean, median, 90th percentile, with the step's name and phase; most total first. */
  stepTimes(filter: BoardFilter): Promise<StepTimeRow[]> {
    const f1 = caseFilterSql(filter, 1);
    return this.db.query(
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
    );
  }

  /** The trip reports' outcomes: reports filed, investment and trade signed (yuan, numeric as strings), promotion events. */
  outcomes(filter: BoardFilter): Promise<Array<{ reports: number; investment: string; trade: string; events: string }>> {
    const f1 = caseFilterSql(filter, 1);
    return this.db.query(
      `SELECT count(*)::int AS reports, coalesce(sum(investment_signed_yuan), 0) AS investment, coalesce(sum(trade_signed_yuan), 0) AS trade,
              coalesce(sum(promotion_events), 0)::bigint AS events
         FROM cases c WHERE c.report_filed_at IS NOT NULL${f1.sql}`,
      f1.params,
    );
  }
}
