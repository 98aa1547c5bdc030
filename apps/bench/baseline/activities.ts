// The append baseline's one activity: one event row into PostgreSQL, in a table shaped like
// case_events (`LIKE case_events INCLUDING ALL`: the same columns and indexes), one transaction.
import type { Pool } from 'pg';

/** Created by the bench for the run and dropped afterwards. */
export const BASELINE_TABLE = 'bench_baseline_events';

export interface BaselineEvent {
  streamId: string;
  seq: number;
  /** The update id: a retried activity inserts nothing new. */
  eventId: string;
  stepKey: string;
}

export interface BaselineActivities {
  appendBaselineEvent(event: BaselineEvent): Promise<void>;
}

export async function createBaselineTable(db: Pool): Promise<void> {
  await db.query(`DROP TABLE IF EXISTS ${BASELINE_TABLE}`);
  await db.query(`CREATE TABLE ${BASELINE_TABLE} (LIKE case_events INCLUDING ALL)`);
}

export async function dropBaselineTable(db: Pool): Promise<void> {
  await db.query(`DROP TABLE IF EXISTS ${BASELINE_TABLE}`);
}

export function baselineActivities(db: Pool): BaselineActivities {
  return {
    async appendBaselineEvent(e) {
      // event_id is a uuid column in case_events: the update id is one (randomUUID in the driver).
      await db.query(
        `INSERT INTO ${BASELINE_TABLE} (stream_id, seq, event_id, type, actor_id, actor_role, on_behalf_of, occurred_at, payload)
         VALUES ($1, $2, $3, 'step.completed', 'bench', 'organizer', NULL, now(), $4)
         ON CONFLICT (event_id) DO NOTHING`,
        [e.streamId, e.seq, e.eventId, { key: e.stepKey }],
      );
    },
  };
}
