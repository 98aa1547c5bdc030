import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { CaseIncidentEntity } from '../entities/incident.entity';

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

  /** Open incidents, oldest first (or every incident of one case). */
  async list(opts: { caseId?: string; open?: boolean } = {}): Promise<IncidentRecord[]> {
    const rows = await this.ds.getRepository(CaseIncidentEntity).find({
      where: { ...(opts.caseId ? { caseId: opts.caseId } : {}), ...(opts.open !== false ? { resolvedAt: IsNull() } : {}) },
      order: { openedAt: 'ASC' },
      take: 500,
    });
    return rows.map((r) => ({
      incidentId: r.incidentId,
      caseId: r.caseId,
      activity: r.activity,
      errorType: r.errorType,
      error: r.error,
      stepKeys: r.stepKeys,
      openedAt: r.openedAt.toISOString(),
      resolvedAt: r.resolvedAt?.toISOString() ?? null,
      resolvedBy: r.resolvedBy,
    }));
  }
}
