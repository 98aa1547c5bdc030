import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Phase, Role, UnitReach } from '@df/domain';

/** One awaiting step of a live case with its case's columns (snake_case as PostgreSQL answers). */
export interface InboxRow {
  case_id: string;
  title: string;
  unit: string;
  /** YYYY-MM-DD */
  departure_date: string;
  at_risk: boolean;
  slack_wd: number | null;
  definition_version: string;
  step_key: string;
  code: string;
  phase: string;
  kind: string;
  actor_role: string;
  member_id: string | null;
  country: string | null;
  status: string;
  started_at: Date | null;
  due_at: Date | null;
  latest_start_at: Date | null;
  /** Rows matching before the page was cut (bigint as a string). */
  total: string;
}

export interface InboxQuery {
  /** The (actor, phase) selectors of the steps the role works (the access table's inboxSelectors), at least one. */
  selectors: ReadonlyArray<{ actorRole: Role; phase?: { is: Phase } | { not: Phase } }>;
  /** The role's unit reach and its unit: `any` reads every unit. */
  reach: UnitReach;
  unit: string;
  /** Case statuses a step may be acted on in (ACCESS.complete.statuses). */
  caseStatuses: readonly string[];
  limit: number;
  offset: number;
}

/** The inbox over the read models (case_steps joined to cases). */
@Injectable()
export class InboxRepository {
  constructor(private readonly db: DataSource) {}

  /** Awaiting, overdue or blocked steps the selectors pick, latest start first (NULLs last), then departure. */
  awaitingSteps(q: InboxQuery): Promise<InboxRow[]> {
    const params: unknown[] = [];
    const roleFilter = q.selectors
      .map((sel) => {
        params.push(sel.actorRole);
        const actor = `s.actor_role = $${params.length}`;
        if (!sel.phase) return `(${actor})`;
        params.push('is' in sel.phase ? sel.phase.is : sel.phase.not);
        return `(${actor} AND s.phase ${'is' in sel.phase ? '=' : '<>'} $${params.length})`;
      })
      .join(' OR ');
    let unitFilter = '';
    if (q.reach !== 'any') {
      params.push(q.unit);
      unitFilter =
        q.reach === 'own-or-supervised'
          ? `AND (s.unit = $${params.length} OR c.supervising_department = $${params.length})`
          : `AND s.unit = $${params.length}`;
    }
    params.push([...q.caseStatuses]);
    const statusFilter = `c.status = ANY($${params.length})`;
    params.push(q.limit, q.offset);
    return this.db.query(
      `SELECT c.case_id, c.title, c.unit, to_char(c.departure_date, 'YYYY-MM-DD') AS departure_date, c.at_risk, c.slack_wd, c.definition_version,
              s.step_key, s.code, s.phase, s.kind, s.actor_role, s.member_id, s.country, s.status, s.started_at, s.due_at,
              s.latest_start_at, count(*) OVER () AS total
         FROM case_steps s JOIN cases c ON c.case_id = s.case_id
        WHERE s.status IN ('awaiting', 'overdue', 'blocked') AND ${statusFilter} AND (${roleFilter}) ${unitFilter}
        ORDER BY s.latest_start_at ASC NULLS LAST, c.departure_date ASC, s.case_id, s.step_key
        LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
  }
}
