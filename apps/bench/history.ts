// Section 2: history size and replay time of a 1-member, 1-country case and a 6-member, 3-country
// case, both driven to their close through the API in this run.
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { BENCH_UNIT } from './api';
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
    });
    log(`history: ${shapes[i]!.name}: ${figures.at(-1)!.historyEvents} events, replay ${replayWarmMs} ms warm / ${replayColdMs} ms cold`);
  }
  return figures;
}
