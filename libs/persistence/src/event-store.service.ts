import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CaseEventRecord } from '@df/contracts';
import { CaseEventEntity } from './entities/case-event.entity';
import { projectEvents } from './projection';

/** Deterministic event ids (assigned by the workflow) make a retried append insert nothing new. */
export type NewCaseEvent = CaseEventRecord;

export class EventSequenceConflictError extends Error {
  constructor(
    readonly streamId: string,
    readonly seq: number,
  ) {
    super(`case_events: stream ${streamId} already has a different event at seq ${seq}`);
    this.name = 'EventSequenceConflictError';
  }
}

@Injectable()
export class EventStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Appends events idempotently and folds them into the read models: an event whose id is already stored is skipped; a different event
   * at an occupied (stream, seq) is a real conflict and throws. Returns how many rows were new.
   */
  async append(events: NewCaseEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    return this.dataSource.transaction(async (manager) => {
      let inserted = 0;
      for (const e of events) {
        const rows: unknown[] = await manager
          .query(
            `INSERT INTO case_events (stream_id, seq, event_id, type, actor_id, actor_role, on_behalf_of, occurred_at, payload)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (event_id) DO NOTHING
             RETURNING seq`,
            [e.streamId, e.seq, e.eventId, e.type, e.actorId ?? null, e.actorRole ?? null, e.onBehalfOf ?? null, e.occurredAt, e.payload],
          )
          .catch((err: { code?: string }) => {
            // A unique violation that the event-id clause did not absorb is the (stream, seq) key.
            throw err.code === '23505' ? new EventSequenceConflictError(e.streamId, e.seq) : err;
          });
        inserted += rows.length;
      }
      // Read models move in the same transaction: they never show what the event store lacks.
      await projectEvents(manager, events);
      return inserted;
    });
  }

  readStream(streamId: string): Promise<CaseEventEntity[]> {
    return this.dataSource.getRepository(CaseEventEntity).find({ where: { streamId }, order: { seq: 'ASC' } });
  }
}
