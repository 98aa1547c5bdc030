import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditEventEntity } from './entities/audit-event.entity';

export interface NewAuditEvent {
  action: string;
  outcome: 'success' | 'failure' | 'refused';
  actor?: string | null;
  userId?: string | null;
  target?: string | null;
  address?: string | null;
  requestId?: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditEventQuery {
  actor?: string;
  action?: string;
  /** Inclusive lower bound of occurred_at. */
  since?: Date;
  /** Newest first; at most 1000. */
  limit?: number;
}

/** The audit_events table: append and read, never update or delete. */
@Injectable()
export class AuditEventsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async append(e: NewAuditEvent): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO audit_events (action, outcome, actor, user_id, target, address, request_id, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [e.action, e.outcome, e.actor ?? null, e.userId ?? null, e.target ?? null, e.address ?? null, e.requestId ?? null, e.detail ?? {}],
    );
  }

  /** Newest first. */
  find(q: AuditEventQuery = {}): Promise<AuditEventEntity[]> {
    const qb = this.dataSource.getRepository(AuditEventEntity).createQueryBuilder('e');
    if (q.actor !== undefined) qb.andWhere('e.actor = :actor', { actor: q.actor });
    if (q.action !== undefined) qb.andWhere('e.action = :action', { action: q.action });
    if (q.since !== undefined) qb.andWhere('e.occurred_at >= :since', { since: q.since });
    return qb
      .orderBy('e.occurred_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .take(Math.min(q.limit ?? 100, 1000))
      .getMany();
  }
}
