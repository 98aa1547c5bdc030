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

/** Whether a case of this status still has time to departure to count (slack, days): only an open one. */
export const countsDown = (status: string): boolean => status === 'open';

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
  if (c.incident) return { counting: false, slack: '—', daysToDeparture: c.daysToDeparture, paused: true };
  return { counting: true, slack: c.plan.slackWd ?? '—', daysToDeparture: c.daysToDeparture, paused: false };
}

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
