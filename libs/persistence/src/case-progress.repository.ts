import type { EntityManager } from 'typeorm';

/** One published progress answer (CaseProgressEntity). */
export interface ProgressSnapshot {
  caseId: string;
  lastSeq: number;
  /** The answer's `now`, epoch ms (case time). */
  caseNow: number;
  answer: object;
}

/** A stored answer with what the read model says of the case at the same instant. */
export interface StoredProgress {
  answer: Record<string, unknown>;
  lastSeq: number;
  /** Milliseconds since it was written (database clock). */
  ageMs: number;
  /** cases.last_seq; null when the case is not projected yet. */
  modelSeq: number | null;
  /** A worker on the task queue beat within the window given (workerAlive). */
  workerAlive: boolean;
  /**
   * The read model is past the answer only by a close recorded outside the engine (the reconciler's `case.closed`,
   * with `temporalStatus`): every event the workflow stored is in the answer.
   */
  behindOnlyByOutsideClose: boolean;
}

/** A worker's beat (worker_heartbeats); `beatAt` is the database clock. */
export async function beatWorker(manager: EntityManager, workerId: string, taskQueue: string): Promise<void> {
  await manager.query(
    `INSERT INTO worker_heartbeats (worker_id, task_queue, beat_at) VALUES ($1, $2, clock_timestamp())
     ON CONFLICT (worker_id) DO UPDATE SET beat_at = EXCLUDED.beat_at`,
    [workerId, taskQueue],
  );
}

/** A stopping worker removes its beat; beats older than a day (crashed workers) go with it. */
export async function endWorker(manager: EntityManager, workerId: string): Promise<void> {
  await manager.query(`DELETE FROM worker_heartbeats WHERE worker_id = $1 OR beat_at < clock_timestamp() - interval '1 day'`, [workerId]);
}

const CHUNK = 100;

/**
 * Upserts the newest answer per case, in chunks of 100 rows: an older answer (lower seq, or same seq and an
 * earlier case time) never replaces a newer one, so writes racing from two workers cannot go back in time.
 */
export async function writeProgressSnapshots(manager: EntityManager, snapshots: ProgressSnapshot[]): Promise<void> {
  for (let i = 0; i < snapshots.length; i += CHUNK) {
    const chunk = snapshots.slice(i, i + CHUNK);
    const params: unknown[] = [];
    const rows = chunk.map((s) => {
      params.push(s.caseId, s.lastSeq, String(Math.trunc(s.caseNow)), JSON.stringify(s.answer));
      const n = params.length;
      return `($${n - 3}, $${n - 2}::int, $${n - 1}::bigint, $${n}::jsonb, clock_timestamp())`;
    });
    await manager.query(
      `INSERT INTO case_progress (case_id, last_seq, case_now, answer, written_at) VALUES ${rows.join(', ')}
       ON CONFLICT (case_id) DO UPDATE SET last_seq = EXCLUDED.last_seq, case_now = EXCLUDED.case_now,
         answer = EXCLUDED.answer, written_at = EXCLUDED.written_at
       WHERE (case_progress.last_seq, case_progress.case_now) <= (EXCLUDED.last_seq, EXCLUDED.case_now)`,
      params,
    );
  }
}

/** A case's last published answer alone (the progress answer the worker stored), by the primary key; null if none. */
export async function readPublishedAnswer(manager: EntityManager, caseId: string): Promise<Record<string, unknown> | null> {
  const rows: Array<{ answer: Record<string, unknown> }> = await manager.query(`SELECT answer FROM case_progress WHERE case_id = $1`, [
    caseId,
  ]);
  return rows[0]?.answer ?? null;
}

/**
 * The stored answer of a case with the read model's seq and whether a worker on `taskQueue` beat
 * within `aliveMs`, in one read (primary keys and the heartbeat index; the events past the answer, by the
 * primary key, only when the read model is past it); null if none.
 */
export async function readProgressSnapshot(
  manager: EntityManager,
  caseId: string,
  taskQueue: string,
  aliveMs: number,
): Promise<StoredProgress | null> {
  const rows: Array<{
    answer: Record<string, unknown>;
    last_seq: number;
    age_ms: string;
    model_seq: number | null;
    worker_alive: boolean;
    behind_only_by_outside_close: boolean;
  }> = await manager.query(
    `SELECT p.answer, p.last_seq, (extract(epoch FROM clock_timestamp() - p.written_at) * 1000)::bigint AS age_ms,
            c.last_seq AS model_seq,
            c.last_seq > p.last_seq AND NOT EXISTS (
              SELECT 1 FROM case_events e WHERE e.stream_id = p.case_id AND e.seq > p.last_seq
                 AND NOT (e.type = 'case.closed' AND e.payload ? 'temporalStatus')) AS behind_only_by_outside_close,
            EXISTS (SELECT 1 FROM worker_heartbeats w
                     WHERE w.task_queue = $2 AND w.beat_at > clock_timestamp() - make_interval(secs => $3::double precision / 1000)) AS worker_alive
       FROM case_progress p LEFT JOIN cases c ON c.case_id = p.case_id
      WHERE p.case_id = $1`,
    [caseId, taskQueue, aliveMs],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    answer: row.answer,
    lastSeq: row.last_seq,
    ageMs: Number(row.age_ms),
    modelSeq: row.model_seq,
    workerAlive: row.worker_alive,
    behindOnlyByOutsideClose: row.behind_only_by_outside_close === true,
  };
}
