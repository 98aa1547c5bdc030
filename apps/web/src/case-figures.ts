import { preparationDone, tenths } from '../../../libs/domain/src/dates';
import { codeLabel } from './labels';

/** What the case page's countdown figures show (slack and days to departure). */
export interface Countdown {
  /** Whether the case still counts down to its departure (its slack red or green by the plan's at-risk). */
  counting: boolean;
  /** Working days of slack to departure, or a dash, as the case tables show a closed case's (SlackCell). */
  slack: number | '—';
  /** Calendar days to departure, or the case's status in words (已出发, 已办结, 已撤回…). */
  daysToDeparture: number | string;
  /**
   * The case is stopped by an incident (the progress answer's `incident`): nothing moves until operations fix it, so
   * no slack is forecast (a dash, not a figure that would read as the running case's) and the figures carry a
   * 已暂停 / Paused mark; the days to departure still count, on the calendar.
   */
  paused: boolean;
}

/**
 * Working days as a sentence says them: to a tenth, as the case page's slack shows them (3.333… reads 3.3, 4 reads 4;
 * trial: the timeline's re-plan rows read 余量 3.333 个工作日).
 */
export const workingDaysText = (wd: number): string => String(tenths(wd));

// Working days to a tenth, as the export gives them too (the domain's one rule).
export { tenths };

/** Whether a case of this status still has time to departure to count (slack, days): only an open one. */
export const countsDown = (status: string): boolean => status === 'open';

/**
 * The days to departure an open case shows: the count, and past the departure the days since in words (trial 77: an
 * open case between its dates read 距出发 -1).
 */
const daysToDepartureText = (days: number, lang: 'zh' | 'en'): number | string =>
  days >= 0 ? days : lang === 'zh' ? `已过 ${-days} 天` : `${-days} day${days === -1 ? '' : 's'} past`;

/**
 * Only an open case has time to departure left: a departed case is past it and a closed one (completed, withdrawn,
 * rejected…) will not depart any more, so their figures would read as a negative slack and negative days, or count
 * down to a trip that is off. Those cases show a dash for the slack and their status instead of the days.
 * And only a running case has a slack: an open case an incident stopped shows a dash for it, marked paused, its days
 * to departure still counted (the calendar does not stop).
 */
export function countdown(
  c: { status: string; daysToDeparture: number; plan: { slackWd: number | null }; incident?: unknown },
  lang: 'zh' | 'en',
): Countdown {
  if (!countsDown(c.status)) return { counting: false, slack: '—', daysToDeparture: codeLabel(lang, 'st_', c.status), paused: false };
  if (c.incident) return { counting: false, slack: '—', daysToDeparture: daysToDepartureText(c.daysToDeparture, lang), paused: true };
  return {
    counting: true,
    slack: c.plan.slackWd === null ? '—' : tenths(c.plan.slackWd),
    daysToDeparture: daysToDepartureText(c.daysToDeparture, lang),
    paused: false,
  };
}

/**
 * The forecast ready date a case page shows: while the case counts down, the plan's; a departed or closed case's is
 * history, a dash (thirteenth trial: a withdrawn case showed a ready date, a terminated one a date after its departure).
 */
export const forecastFigure = (c: { status: string; plan: { forecastReadyDate: string } }): string =>
  countsDown(c.status) ? c.plan.forecastReadyDate : '—';

/**
 * What the ready date's figure is called: 预计办结日期 while the preparation's end is ahead, 准备就绪日期 / Prepared on once
 * it is behind (the plan's forecast is the preparation's: done, it is the day the last step of it was; trials 77 and
 * 78: with only E07 waiting past the departure, 预计办结 read a past day beside a negative slack). A case that no longer
 * counts down shows no date (forecastFigure), under the forecast's name.
 */
export const forecastTitle = (c: {
  status: string;
  now: string;
  plan: { forecastReadyAt: string; prepared?: boolean };
}): 'forecastReady' | 'preparedOn' => (countsDown(c.status) && preparationDone(c.plan, Date.parse(c.now)) ? 'preparedOn' : 'forecastReady');

/**
 * Whether the forecast carries the 暂排 / Provisional mark (its plan counts on a year's holidays not yet published):
 * only while the case counts down. A departed or closed case's last forecast is history, and the mark on it read as a
 * plan still being made (trial: 暂排 beside a completed case's forecast).
 */
export const provisionalForecast = (c: { status: string; plan: { provisionalCalendar?: boolean | undefined } }): boolean =>
  countsDown(c.status) && c.plan.provisionalCalendar === true;

/**
 * The case's steps one per key, as the dependency graph draws them: a country removed and added again leaves its
 * withdrawn instances beside the live ones of the same key (A03:US withdrawn and awaiting), and ECharts' graph takes
 * a node id once (trial: the chart went blank, "Cannot set properties of undefined (setting 'dataIndex')"). The live
 * instance stands for its key; the first of its kind otherwise, in the answer's order.
 */
export function stepsByKey<S extends { key: string; status: string }>(steps: readonly S[]): S[] {
  const byKey = new Map<string, S>();
  for (const s of steps) if (!byKey.has(s.key) || byKey.get(s.key)!.status === 'withdrawn') byKey.set(s.key, s);
  return [...byKey.values()];
}

/** The dependency graph's grid, px: a column per dependency depth, a row per node in a lane's column, a gap between lanes. */
export const GRAPH_GRID = { column: 90, row: 26, laneGap: 40 } as const;

/**
 * Where the dependency graph draws each node: its column by dependency depth; its lane (case-wide steps, each member,
 * each member in each country) stacked top to bottom, each lane as tall as its fullest column, so a lane's nodes never
 * reach the next lane's (trial: with several members and countries the labels of one lane ran over the next; lanes
 * were a fixed 120 px apart). `height`: the drawing's height (its lowest node's y), px, for the chart to grow with it rather than shrink
 * every label into a fixed box. Lanes in sorted order (case-wide, '', first); nodes in a column in the given order.
 */
export function graphLayout(nodes: ReadonlyArray<{ key: string; depth: number; lane: string }>): {
  positions: Map<string, { x: number; y: number }>;
  height: number;
} {
  const lanes = [...new Set(nodes.map((n) => n.lane))].sort();
  const filled = new Map<string, number>();
  const row = new Map<string, number>();
  const rows = new Map<string, number>(lanes.map((l) => [l, 1]));
  for (const n of nodes) {
    const cell = `${n.depth}/${n.lane}`;
    const r = filled.get(cell) ?? 0;
    filled.set(cell, r + 1);
    row.set(n.key, r);
    rows.set(n.lane, Math.max(rows.get(n.lane)!, r + 1));
  }
  const top = new Map<string, number>();
  let y = 0;
  for (const l of lanes) {
    top.set(l, y);
    y += rows.get(l)! * GRAPH_GRID.row + GRAPH_GRID.laneGap;
  }
  const positions = new Map(
    nodes.map((n) => [n.key, { x: n.depth * GRAPH_GRID.column, y: top.get(n.lane)! + row.get(n.key)! * GRAPH_GRID.row }]),
  );
  return { positions, height: Math.max(0, ...[...positions.values()].map((p) => p.y)) };
}

/** How a closed case ended, as its page says on top (closureNote). */
export interface ClosureNote {
  status: 'rejected' | 'withdrawn' | 'cancelled';
  /** The approval that refused it (rejected): its key and its step, as the answer names it. */
  stepKey?: string;
  /** Who closed it (the refusing approval's officer; the case.closed event's actor), in which role, and when. */
  actedBy?: string;
  actorRole?: string;
  at?: string;
  /** The reason given: the refusal's comment, the withdrawal's or cancellation's reason. */
  reason?: string;
}

/**
 * How a case that will not depart ended, said on top of its page (trial 79: a refused case read 未获批准 with an empty
 * actions box, its reason and officer on the timeline's last page): the approval that refused it with its officer,
 * time and comment (rejected: the last step decided `reject`), or who withdrew or cancelled it, when and why (the last
 * `case.closed` event). Null for any other status.
 */
export function closureNote(
  c: {
    status: string;
    steps: ReadonlyArray<{ key: string; actorRole?: string; decision?: string; comment?: string; actedBy?: string; doneAt?: string }>;
  },
  events: ReadonlyArray<{
    type: string;
    occurredAt: string;
    actorId: string | null;
    actorRole?: string | null;
    payload: { reason?: string };
  }>,
): ClosureNote | null {
  if (c.status !== 'rejected' && c.status !== 'withdrawn' && c.status !== 'cancelled') return null;
  const closed = [...events].reverse().find((e) => e.type === 'case.closed');
  if (c.status === 'rejected') {
    const refusing = c.steps
      .filter((s) => s.decision === 'reject')
      .sort((a, b) => (a.doneAt ?? '').localeCompare(b.doneAt ?? ''))
      .at(-1);
    if (refusing)
      return {
        status: 'rejected',
        stepKey: refusing.key,
        ...(refusing.actedBy ? { actedBy: refusing.actedBy } : {}),
        ...(refusing.actorRole ? { actorRole: refusing.actorRole } : {}),
        ...(refusing.doneAt ? { at: refusing.doneAt } : {}),
        ...(refusing.comment ? { reason: refusing.comment } : {}),
      };
  }
  return {
    status: c.status,
    ...(closed?.actorId ? { actedBy: closed.actorId } : {}),
    ...(closed?.actorRole ? { actorRole: closed.actorRole } : {}),
    ...(closed ? { at: closed.occurredAt } : {}),
    ...(closed?.payload.reason ? { reason: closed.payload.reason } : {}),
  };
}
