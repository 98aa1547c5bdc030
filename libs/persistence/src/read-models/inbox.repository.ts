import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CaseDecision, Phase, ProcessKind, Role, UnitReach } from '@df/domain';
import { processesSql } from './board.repository';

/**
 * The decisions taken on these cases (CaseDecision: who, in which role, on which step instance), in order, from the
 * event store as the workflow records them (core.ts noteDecision): every decide, and every completion of an approval
 * step, returns and reruns included, by `actorId`: separation of duties across roles reads a person's own decisions only
 * (crossRoleRefusal), for the API's pre-check and the inbox. Read from the partial index ix_case_events_decisions
 * (actor, case, seq; decisions and completions by a person): a page of cases costs an index probe per case, not a read
 * of each case's whole stream (the FAO reviewer's inbox read some 5,000 event rows a page at 100,000 cases).
 */
export async function caseDecisions(
  db: DataSource | EntityManager,
  caseIds: readonly string[],
  actorId: string,
): Promise<Map<string, CaseDecision[]>> {
  const out = new Map<string, CaseDecision[]>(caseIds.map((id) => [id, []]));
  if (caseIds.length === 0) return out;
  const rows: Array<{ case_id: string; step_key: string; actor_id: string; actor_role: string }> = await db.query(
    `SELECT e.stream_id AS case_id, e.payload->>'key' AS step_key, e.actor_id, e.actor_role
       FROM case_events e LEFT JOIN case_steps s ON s.case_id = e.stream_id AND s.step_key = e.payload->>'key'
      WHERE e.actor_id = $2 AND e.stream_id = ANY($1) AND e.type IN ('step.decided', 'step.completed')
        AND e.actor_role IS NOT NULL AND e.payload->>'key' IS NOT NULL
        AND (e.type = 'step.decided' OR s.kind = 'approval')
      ORDER BY e.stream_id, e.seq`,
    [caseIds, actorId],
  );
  for (const r of rows) out.get(r.case_id)?.push({ stepKey: r.step_key, actorId: r.actor_id, role: r.actor_role });
  return out;
}

/**
 * A step someone still has to act on. The inbox's partial indexes (ix_case_steps_open, ix_case_steps_open_unit)
 * hold exactly these rows; the queries below spell the predicate the same way so PostgreSQL can use them.
 */
export const OPEN_STEP_STATUSES = ['awaiting', 'overdue', 'blocked'] as const;
const OPEN_STEP = `s.status IN (${OPEN_STEP_STATUSES.map((x) => `'${x}'`).join(', ')})`;

/**
 * The inbox counts its matches up to this many: past it the answer says "at least INBOX_COUNT_CAP"
 * (InboxPage.totalIsLowerBound), so an inbox of every unit costs a page, not a count of every open step.
 */
export const INBOX_COUNT_CAP = 1000;

/** One awaiting step of a live case with its case's columns (snake_case as PostgreSQL answers). */
export interface InboxRow {
  case_id: string;
  title: string;
  unit: string;
  /** YYYY-MM-DD */
  departure_date: string;
  /** YYYY-MM-DD */
  return_date: string;
  /** cases.status (CASE_STATUSES): open before the departure, departed after it. */
  case_status: string;
  /** The case's submission instant: where its clock starts (caseClockNow, on a time scale). */
  submitted_at: Date;
  at_risk: boolean;
  slack_wd: number | null;
  definition_version: string;
  /** cases.organizers: who may not decide on the case (separation of duties; organizersOf, libs/domain access.ts). */
  organizers: string[];
  /** An incident stops the case (case_incidents, unresolved): every action on it is refused 409 CASE_INCIDENT. */
  incident_open: boolean;
  step_key: string;
  code: string;
  /** The step's name as its case's definition gives it (NULL on rows projected before names were). */
  name_zh: string | null;
  name_en: string | null;
  phase: string;
  kind: string;
  actor_role: string;
  member_id: string | null;
  country: string | null;
  status: string;
  /** Why the step is blocked (step.blocked's reason), with status blocked; else null. */
  blocked_reason: { zh: string; en: string } | null;
  started_at: Date | null;
  due_at: Date | null;
  latest_start_at: Date | null;
}

/** A member of a case's published facts, as much as the custody ledger's checks read (Member, libs/domain). */
export interface PublishedMember {
  id: string;
  name?: string;
  personId?: string;
  passport?: { number?: string } | null;
}

/** A page of the inbox and how many steps match: exact up to INBOX_COUNT_CAP, else INBOX_COUNT_CAP with `capped`. */
export interface InboxPage {
  rows: InboxRow[];
  total: number;
  /** More than INBOX_COUNT_CAP steps match: `total` is INBOX_COUNT_CAP, a lower bound. */
  capped: boolean;
}

/** A step a return sent back: the returning step's key (or `objection`), its reason, who returned it (the actor's id), when (ISO). */
export interface ReturnedStep {
  stepKey: string;
  comment: string | null;
  actedBy: string | null;
  at: string;
}

/** returnedSteps' key of a case's step. */
export const returnKey = (caseId: string, stepKey: string): string => `${caseId}\u0000${stepKey}`;

export interface InboxQuery {
  /** The (actor, phase) selectors of the steps the role works (the access table's inboxSelectors), at least one. */
  selectors: ReadonlyArray<{ actorRole: Role; phase?: { is: Phase } | { not: Phase } }>;
  /** The role's inbox reach (inboxReach) and its unit: `any` reads every unit, `supervised` the units it supervises. */
  reach: UnitReach | 'supervised';
  unit: string;
  /** Case statuses a step may be acted on in (ACCESS.complete.statuses). */
  caseStatuses: readonly string[];
  /** The processes whose cases the reader reads (readableProcesses: the APEC roles' theirs only); absent: every one. */
  processes?: readonly ProcessKind[] | undefined;
  limit: number;
  offset: number;
}

/** The inbox over the read models (case_steps joined to cases). */
@Injectable()
export class InboxRepository {
  constructor(private readonly db: DataSource) {}

  /** `actorId`'s decisions on these cases (caseDecisions). */
  decisions(caseIds: readonly string[], actorId: string): Promise<Map<string, CaseDecision[]>> {
    return caseDecisions(this.db, caseIds, actorId);
  }

  /**
   * The members of these cases as their workflows last published them (case_progress's answer: the facts the custody
   * precheck of a step's action reads), by case id; a case with no published answer is absent. For the inbox's member
   * steps (the member's name on the row; the passport steps' custodyMoveProblems), a page's cases at once.
   */
  async publishedMembers(caseIds: readonly string[]): Promise<Map<string, PublishedMember[]>> {
    if (caseIds.length === 0) return new Map();
    const rows: Array<{ case_id: string; members: unknown }> = await this.db.query(
      `SELECT case_id, answer->'facts'->'members' AS members FROM case_progress WHERE case_id = ANY($1)`,
      [caseIds],
    );
    return new Map(rows.map((r) => [r.case_id, Array.isArray(r.members) ? (r.members as PublishedMember[]) : []]));
  }

  /**
   * The steps of these cases a return sent back and not done again, as their workflows last published them (case_progress's
   * steps' `returnedBy`: the returning step, its reason, who, when), by `caseId` and step key (returnKey). For the inbox's
   * notices of a return (trial 65: the notifications listed overdue, blocked and due-soon steps, not returns).
   */
  async returnedSteps(caseIds: readonly string[]): Promise<Map<string, ReturnedStep>> {
    if (caseIds.length === 0) return new Map();
    const rows: Array<{ case_id: string; step: { key?: unknown; returnedBy?: Record<string, unknown> } }> = await this.db.query(
      `SELECT p.case_id, jsonb_build_object('key', st->'key', 'returnedBy', st->'returnedBy') AS step
         FROM case_progress p CROSS JOIN LATERAL jsonb_path_query(p.answer, '$.steps[*] ? (exists(@.returnedBy))') st
        WHERE p.case_id = ANY($1)`,
      [caseIds],
    );
    const out = new Map<string, ReturnedStep>();
    for (const { case_id, step } of rows) {
      const by = step.returnedBy;
      if (typeof step.key !== 'string' || typeof by?.stepKey !== 'string' || typeof by.at !== 'string') continue;
      out.set(returnKey(case_id, step.key), {
        stepKey: by.stepKey,
        comment: typeof by.comment === 'string' ? by.comment : null,
        actedBy: typeof by.actedBy === 'string' ? by.actedBy : null,
        at: by.at,
      });
    }
    return out;
  }

  /**
   * Awaiting, overdue or blocked steps the selectors pick, latest start first (NULLs last), then departure, case
   * id and step key; and how many match (capped at INBOX_COUNT_CAP). One branch per selector, each read in the
   * inbox's order from an open-step index and cut at offset + limit (the page cannot come from further down),
   * merged (UNION: a step two selectors pick is listed once); then the page's rows are read in full. The count
   * takes at most INBOX_COUNT_CAP + 1 rows per branch, so it costs the same whatever the inbox's size.
   */
  async awaitingSteps(q: InboxQuery): Promise<InboxPage> {
    const params: unknown[] = [];
    const param = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    // Per branch: what the step's own columns decide (served by the open-step indexes) and what needs its case.
    let caseWhere = `c.status = ANY(${param([...q.caseStatuses])})`;
    let unitWhere = '';
    if (q.reach === 'own') unitWhere = ` AND s.unit = ${param(q.unit)}`;
    else if (q.reach === 'own-or-supervised') {
      const unit = param(q.unit);
      caseWhere += ` AND (s.unit = ${unit} OR c.supervising_department = ${unit})`;
    } else if (q.reach === 'supervised') caseWhere += ` AND c.supervising_department = ${param(q.unit)}`;
    if (q.processes) caseWhere += ` AND ${processesSql(q.processes, param)}`;
    const branches = q.selectors.map((sel) => {
      let step = `${OPEN_STEP} AND s.actor_role = ${param(sel.actorRole)}`;
      if (sel.phase) step += ` AND s.phase ${'is' in sel.phase ? '=' : '<>'} ${param('is' in sel.phase ? sel.phase.is : sel.phase.not)}`;
      return `${step}${unitWhere}`;
    });
    const base = params.length;
    const [rows, counted] = await Promise.all([
      this.db.query(
        `WITH k AS (${branches
          .map(
            (where) => `(SELECT s.case_id, s.step_key, s.latest_start_at, c.departure_date
                FROM case_steps s JOIN cases c ON c.case_id = s.case_id
               WHERE ${where} AND ${caseWhere}
               ORDER BY s.latest_start_at ASC NULLS LAST, c.departure_date ASC, s.case_id, s.step_key
               LIMIT $${base + 1}::int + $${base + 2}::int)`,
          )
          .join(' UNION ')}),
         page AS (SELECT * FROM k ORDER BY latest_start_at ASC NULLS LAST, departure_date ASC, case_id, step_key LIMIT $${base + 1}::int OFFSET $${base + 2}::int)
         SELECT c.case_id, c.title, c.unit, to_char(c.departure_date, 'YYYY-MM-DD') AS departure_date,
                to_char(c.return_date, 'YYYY-MM-DD') AS return_date, c.status AS case_status, c.submitted_at, c.at_risk, c.slack_wd, c.definition_version, c.organizers,
                EXISTS (SELECT 1 FROM case_incidents i WHERE i.case_id = c.case_id AND i.resolved_at IS NULL) AS incident_open,
                s.step_key, s.code, s.name_zh, s.name_en, s.phase, s.kind, s.actor_role, s.member_id, s.country, s.status, s.blocked_reason, s.started_at, s.due_at, s.latest_start_at
           FROM page p JOIN case_steps s ON s.case_id = p.case_id AND s.step_key = p.step_key JOIN cases c ON c.case_id = p.case_id
          ORDER BY p.latest_start_at ASC NULLS LAST, p.departure_date ASC, p.case_id, p.step_key`,
        [...params, q.limit, q.offset],
      ) as Promise<InboxRow[]>,
      this.db.query(
        `SELECT count(*)::int AS n FROM (${branches
          .map(
            // The case as a scalar subquery, not a join: PostgreSQL then probes one case per step and stops at the
            // cap, where a join would hash every open case first (cost growing with the portfolio).
            (where) => `(SELECT s.case_id, s.step_key FROM case_steps s
               WHERE ${where} AND (SELECT true FROM cases c WHERE c.case_id = s.case_id AND ${caseWhere}) LIMIT $${base + 1}::int)`,
          )
          .join(' UNION ')}) m`,
        [...params, INBOX_COUNT_CAP + 1],
      ) as Promise<Array<{ n: number }>>,
    ]);
    const n = counted[0]?.n ?? 0;
    return { rows, total: Math.min(n, INBOX_COUNT_CAP), capped: n > INBOX_COUNT_CAP };
  }
}
