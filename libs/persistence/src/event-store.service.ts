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

/** Events per INSERT statement (9 bind parameters each, far under PostgreSQL's 65,535). */
const APPEND_CHUNK = 500;

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
      // One multi-row INSERT per chunk (a round trip per batch, not per event); 9 parameters a row.
      for (let i = 0; i < events.length; i += APPEND_CHUNK) {
        const chunk = events.slice(i, i + APPEND_CHUNK);
        const params: unknown[] = [];
        const rows = chunk.map((e) => {
          const at = params.length;
          params.push(
            e.streamId,
            e.seq,
            e.eventId,
            e.type,
            e.actorId ?? null,
            e.actorRole ?? null,
            e.onBehalfOf ?? null,
            e.occurredAt,
            e.payload,
          );
          return `(${Array.from({ length: 9 }, (_, k) => `$${at + k + 1}`).join(', ')})`;
        });
        const returned: unknown[] = await manager
          .query(
            `INSERT INTO case_events (stream_id, seq, event_id, type, actor_id, actor_role, on_behalf_of, occurred_at, payload)
             VALUES ${rows.join(', ')}
             ON CONFLICT (event_id) DO NOTHING
             RETURNING seq`,
            params,
          )
          .catch((err: { code?: string; detail?: string }) => {
            // A unique violation that the event-id clause did not absorb is the (stream, seq) key:
            // PostgreSQL names the row in the detail, "Key (stream_id, seq)=(<stream>, <seq>) already exists."
            if (err.code !== '23505') throw err;
            const seq = Number(/=\(.*, (\d+)\)/.exec(err.detail ?? '')?.[1]);
            const e = chunk.find((x) => x.seq === seq) ?? chunk[0]!;
            throw new EventSequenceConflictError(e.streamId, e.seq);
          });
        inserted += returned.length;
      }
      // Read models move in the same transaction: they never show what the event store lacks.
      await projectEvents(manager, events);
      return inserted;
    });
  }

  /**
   * Appends ONE event at the stream's next seq (taken in the same transaction) and folds it into the read
   * models, but only while the case's read-model status is one of `whenStatus`: for writers outside the
   * workflow (the worker's reconciler), which own no sequence of their own. The case row is locked for the
   * transaction, so two such writers serialise; an event id already stored, or a case in another status,
   * inserts nothing (null). A workflow append racing for the same seq makes this throw
   * EventSequenceConflictError and roll back: the caller tries again later.
   */
  async appendNext(event: Omit<NewCaseEvent, 'seq'>, whenStatus: readonly string[]): Promise<NewCaseEvent | null> {
    return this.dataSource.transaction(async (manager) => {
      const rows: Array<{ status: string }> = await manager.query(`SELECT status FROM cases WHERE case_id = $1 FOR UPDATE`, [
        event.streamId,
      ]);
      if (rows.length === 0 || !whenStatus.includes(rows[0]!.status)) return null;
      const known: unknown[] = await manager.query(`SELECT 1 FROM case_events WHERE event_id = $1`, [event.eventId]);
      if (known.length > 0) return null;
      const [{ next }]: Array<{ next: number }> = await manager.query(
        `SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM case_events WHERE stream_id = $1`,
        [event.streamId],
      );
      const full: NewCaseEvent = { ...event, seq: Number(next) } as NewCaseEvent;
      await manager
        .query(
          `INSERT INTO case_events (stream_id, seq, event_id, type, actor_id, actor_role, on_behalf_of, occurred_at, payload)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            full.streamId,
            full.seq,
            full.eventId,
            full.type,
            full.actorId ?? null,
            full.actorRole ?? null,
            full.onBehalfOf ?? null,
            full.occurredAt,
            full.payload,
          ],
        )
        .catch((err: { code?: string }) => {
          throw err.code === '23505' ? new EventSequenceConflictError(full.streamId, full.seq) : err;
        });
      await projectEvents(manager, [full]);
      return full;
    });
  }

  readStream(streamId: string): Promise<CaseEventEntity[]> {
    return this.dataSource.getRepository(CaseEventEntity).find({ where: { streamId }, order: { seq: 'ASC' } });
  }
}
