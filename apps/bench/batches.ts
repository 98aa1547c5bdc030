import type { Pool } from 'pg';

/**
 * The cases' event-store appends by what caused them. Each append is an activity and a workflow task more, so
 * this says how much of the worker's work the people's actions caused and how much time alone did: a deadline
 * passing (`step.overdue`, with the `case.replanned` it causes) or the forecast drifting with the clock (`case.replanned` only, recorded once the
 * slack moved by half a working day). On a compressed time scale a case lives many working days in a minute, so
 * time-driven appends are far more frequent than in real time, where they come a few times a day.
 */
export interface AppendCauses {
  /** All appends (one transaction each: events sharing `recorded_at`). */
  appends: number;
  /** Appends of a deadline passing: `step.overdue` events (and the forecast they moved), nothing else. */
  deadlines: number;
  /** Appends holding only `case.replanned` (forecast drift). */
  driftOnly: number;
  /** The rest: an action, a system step's result, the start. */
  other: number;
}

export async function appendCauses(db: Pool, caseIds: string[]): Promise<AppendCauses> {
  const { rows } = await db.query<{ kind: 'overdue' | 'drift' | 'other'; n: string }>(
    `SELECT kind, count(*) AS n FROM (
       SELECT CASE WHEN bool_and(type = 'case.replanned') THEN 'drift'
                   WHEN bool_and(type IN ('step.overdue', 'case.replanned')) THEN 'overdue'
                   ELSE 'other' END AS kind
         FROM case_events WHERE stream_id = ANY($1) GROUP BY stream_id, recorded_at) AS appends
     GROUP BY kind`,
    [caseIds],
  );
  const out: AppendCauses = { appends: 0, deadlines: 0, driftOnly: 0, other: 0 };
  for (const r of rows) {
    const n = Number(r.n);
    out.appends += n;
    if (r.kind === 'overdue') out.deadlines = n;
    else if (r.kind === 'drift') out.driftOnly = n;
    else out.other = n;
  }
  return out;
}
