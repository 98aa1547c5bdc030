import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { CaseIncidentEntity } from '../entities/incident.entity';
import { caseFilterSql, type BoardFilter } from '../read-models/board.repository';

export interface IncidentRecord {
  incidentId: string;
  caseId: string;
  activity: string;
  errorType: string;
  error: string;
  stepKeys: string[];
  openedAt: string;
  resolvedAt?: string | null;
  resolvedBy?: string | null;
}

/** Incidents (issue 12 item 2): opened by the worker for a case its workflow stopped, resolved after a retry. */
@Injectable()
export class IncidentsRepository {
  constructor(private readonly ds: DataSource) {}

  /** Idempotent by incident id. */
  async open(i: Omit<IncidentRecord, 'resolvedAt' | 'resolvedBy'>): Promise<void> {
    await this.ds
      .createQueryBuilder()
      .insert()
      .into(CaseIncidentEntity)
      .values({ ...i, openedAt: new Date(i.openedAt), resolvedAt: null, resolvedBy: null })
      .orIgnore()
      .execute();
  }

  async resolve(incidentId: string, resolvedBy: string | null, at: string): Promise<void> {
    await this.ds
      .getRepository(CaseIncidentEntity)
      .update({ incidentId, resolvedAt: IsNull() }, { resolvedAt: new Date(at), resolvedBy: resolvedBy ?? null });
  }

  /**
   * Open incidents, oldest first (or every incident of one case). `cases`: only those of the cases this board filter
   * selects (the viewer's processes: the APEC desk reads its processes' incidents only, mayReadProcess).
   */
  async list(opts: { caseId?: string; open?: boolean; cases?: BoardFilter } = {}): Promise<IncidentRecord[]> {
    if (opts.cases) {
      const f = caseFilterSql(opts.cases, 1);
      const conditions = [
        ...(opts.open !== false ? ['i.resolved_at IS NULL'] : []),
        ...(opts.caseId ? [`i.case_id = $${f.params.length + 1}`] : []),
      ];
      // The open ones from ix_case_incidents_open (a handful), each case by its primary key.
      const rows: Array<Record<string, unknown>> = await this.ds.query(
        `SELECT i.incident_id, i.case_id, i.activity, i.error_type, i.error, i.step_keys, i.opened_at, i.resolved_at, i.resolved_by
           FROM case_incidents i JOIN cases c ON c.case_id = i.case_id
          WHERE true${conditions.map((x) => ` AND ${x}`).join('')}${f.sql}
          ORDER BY i.opened_at ASC LIMIT 500`,
        [...f.params, ...(opts.caseId ? [opts.caseId] : [])],
      );
      return rows.map((r) =>
        record({
          incidentId: r.incident_id as string,
          caseId: r.case_id as string,
          activity: r.activity as string,
          errorType: r.error_type as string,
          error: r.error as string,
          stepKeys: r.step_keys as string[],
          openedAt: new Date(r.opened_at as string),
          resolvedAt: r.resolved_at ? new Date(r.resolved_at as string) : null,
          resolvedBy: (r.resolved_by as string | null) ?? null,
        }),
      );
    }
    const rows = await this.ds.getRepository(CaseIncidentEntity).find({
      where: { ...(opts.caseId ? { caseId: opts.caseId } : {}), ...(opts.open !== false ? { resolvedAt: IsNull() } : {}) },
      order: { openedAt: 'ASC' },
      take: 500,
    });
    return rows.map(record);
  }
}

const record = (r: CaseIncidentEntity): IncidentRecord => ({
  incidentId: r.incidentId,
  caseId: r.caseId,
  activity: r.activity,
  errorType: r.errorType,
  error: r.error,
  stepKeys: r.stepKeys,
  openedAt: r.openedAt.toISOString(),
  resolvedAt: r.resolvedAt?.toISOString() ?? null,
  resolvedBy: r.resolvedBy,
});
