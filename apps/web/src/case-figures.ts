import { codeLabel } from './labels';

/** What the case page's countdown figures show (slack and days to departure). */
export interface Countdown {
  /** Whether the case still counts down to its departure (its slack red or green by the plan's at-risk). */
  counting: boolean;
  /** Working days of slack to departure, or a dash, as the case tables show a closed case's (SlackCell). */
  slack: number | '—';
  /** Calendar days to departure, or the case's status in words (已出发, 已办结, 已撤回…). */
  daysToDeparture: number | string;
}

/** Whether a case of this status still has time to departure to count (slack, days): only an open one. */
export const countsDown = (status: string): boolean => status === 'open';

/**
 * Only an open case has time to departure left: a departed case is past it and a closed one (completed, withdrawn,
 * rejected…) will not depart any more, so their figures would read as a negative slack and negative days, or count
 * down to a trip that is off. Those cases show a dash for the slack and their status instead of the days.
 */
export function countdown(c: { status: string; daysToDeparture: number; plan: { slackWd: number | null } }, lang: 'zh' | 'en'): Countdown {
  if (countsDown(c.status)) return { counting: true, slack: c.plan.slackWd ?? '—', daysToDeparture: c.daysToDeparture };
  return { counting: false, slack: '—', daysToDeparture: codeLabel(lang, 'st_', c.status) };
}
