// Section 2: history size and replay time of a 1-member, 1-country case and a 6-member, 3-country
// case, both driven to their close through the API in this run.
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { BENCH_UNIT } from './api';
import { appendCauses, type AppendCauses } from './batches';
import { driveCase, submitCase, type DriveContext } from './decision';
import { log } from './stack';
import { percentile, round } from './stats';
import { CANONICAL, SIX_BY_THREE, soonDepartureDays, tripSubmission } from './trips';

export interface HistoryFigures {
  shape: string;
  status: string;
  /** Human updates it took. */
  updates: number;
  /** Case events in the event store. */
  caseEvents: number;
  historyEvents: number;
  /** The history as protobuf (what the server stores and sends). */
  historyBytes: number;
  historyJsonBytes: number;
  /** One Worker.runReplayHistory call: creates the replay worker, then replays. */
  replayColdMs: number;
  /** Median replay time on a warm replay worker (Worker.runReplayHistories, the same history again). */
  replayWarmMs: number;
  /** What the history holds, for where replay time goes: workflow tasks, and what woke the workflow. */
  composition: HistoryComposition;
  /** The case's event-store appends by cause (an action, a deadline passing, the forecast drifting). */
  appendCauses: AppendCauses;
}

const WARM_REPLAYS = 5;

async function replayWarm(
  workflowBundle: { code: string },
  dataConverter: DataConverter,
  history: temporal.api.history.v1.IHistory,
  name: string,
): Promise<number> {
  const arrivals: number[] = [];
  const histories = Array.from({ length: WARM_REPLAYS + 1 }, (_, i) => ({ workflowId: `${name}-${i}`, history }));
  for await (const result of Worker.runReplayHistories({ workflowBundle, dataConverter }, histories)) {
    if (result.error) throw result.error;
    arrivals.push(performance.now());
  }
  const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!);
  return round(percentile(gaps, 50));
}

/** Counts of a history's events by what they cost a replay (each workflow task is one activation). */
export interface HistoryComposition {
  workflowTasks: number;
  updates: number;
  /** Activity tasks scheduled, by activity type. */
  activities: Record<string, number>;
  timersStarted: number;
  timersFired: number;
  timersCanceled: number;
  searchAttributeUpserts: number;
}

export function historyComposition(history: temporal.api.history.v1.IHistory): HistoryComposition {
  const T = temporal.api.enums.v1.EventType;
  const out: HistoryComposition = {
    workflowTasks: 0,
    updates: 0,
    activities: {},
    timersStarted: 0,
    timersFired: 0,
    timersCanceled: 0,
    searchAttributeUpserts: 0,
  };
  for (const e of history.events ?? []) {
    switch (e.eventType) {
      case T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        out.workflowTasks++;
        break;
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        out.updates++;
        break;
      case T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const name = e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
        out.activities[name] = (out.activities[name] ?? 0) + 1;
        break;
      }
      case T.EVENT_TYPE_TIMER_STARTED:
        out.timersStarted++;
        break;
      case T.EVENT_TYPE_TIMER_FIRED:
        out.timersFired++;
        break;
      case T.EVENT_TYPE_TIMER_CANCELED:
        out.timersCanceled++;
        break;
      case T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        out.searchAttributeUpserts++;
        break;
    }
  }
  return out;
}

export async function runHistory(ctx: DriveContext, client: Client, workflowBundle: { code: string }): Promise<HistoryFigures[]> {
  const shapes = [
    { name: '1 member x 1 country', shape: CANONICAL },
    { name: '6 members x 3 countries', shape: SIX_BY_THREE },
  ];
  log('history: driving a 1x1 and a 6x3 case to their close');
  const runs = await Promise.all(
    shapes.map(async ({ shape }) => {
      const s = await submitCase(ctx, tripSubmission(BENCH_UNIT, shape, soonDepartureDays()));
      return driveCase(ctx, s.caseId, s.workflowId);
    }),
  );
  const figures: HistoryFigures[] = [];
  for (const [i, run] of runs.entries()) {
    const history = await client.workflow.getHandle(run.workflowId).fetchHistory();
    const { rows } = await ctx.db.query<{ n: string }>('SELECT count(*) AS n FROM case_events WHERE stream_id = $1', [run.caseId]);
    const t0 = performance.now();
    // The histories are encrypted: replay decrypts them with the client's codec, as the worker does.
    await Worker.runReplayHistory({ workflowBundle, dataConverter: client.options.dataConverter }, history, `replay-cold-${i}`);
    const replayColdMs = round(performance.now() - t0);
    const replayWarmMs = await replayWarm(workflowBundle, client.options.dataConverter, history, `replay-warm-${i}`);
    figures.push({
      shape: shapes[i]!.name,
      status: run.status,
      updates: run.updates,
      caseEvents: Number(rows[0]!.n),
      historyEvents: history.events?.length ?? 0,
      historyBytes: temporal.api.history.v1.History.encode(history).finish().length,
      historyJsonBytes: Buffer.byteLength(historyToJSON(history)),
      replayColdMs,
      replayWarmMs,
      composition: historyComposition(history),
      appendCauses: await appendCauses(ctx.db, [run.caseId]),
    });
    log(
      `history: ${shapes[i]!.name}: ${figures.at(-1)!.historyEvents} events, replay ${replayWarmMs} ms warm / ${replayColdMs} ms cold; ${JSON.stringify(figures.at(-1)!.composition)}; appends ${JSON.stringify(figures.at(-1)!.appendCauses)}`,
    );
  }
  return figures;
}
