// The case timeline's words for what an event's payload says.
import { workingDaysText } from './case-figures';

/** Why steps went back (a step.returned event's `by`): the plan changed, an amendment, a return decision of a step, another change. */
export function returnedBy(
  by: unknown,
  t: (key: 'returnedByPlan' | 'returnedByAmend' | 'returnedByStep' | 'returnedByChange') => string,
): string {
  if (by === 'annual-plan-changed') return t('returnedByPlan');
  if (by === 'amend') return t('returnedByAmend');
  if (typeof by === 'string' && /^[A-Z][0-9]{2}/.test(by)) return `${t('returnedByStep')} ${by}`;
  return t('returnedByChange');
}

/**
 * What a case.replanned event says in the timeline: the new forecast and slack, and why when it was not the case's own
 * steps (`cause: 'calendar'`: the office loaded a holiday schedule; trial 56: the row read 重新预测 and nothing more).
 */
export function replannedSays(
  payload: Record<string, unknown>,
  t: (key: 'replannedForecast' | 'replannedByCalendar') => string,
  lang: 'zh' | 'en',
): string {
  const forecast =
    typeof payload.forecastReadyDate === 'string' && typeof payload.slackWd === 'number'
      ? t('replannedForecast').replace('{date}', payload.forecastReadyDate).replace('{n}', workingDaysText(payload.slackWd))
      : '';
  if (payload.cause !== 'calendar') return forecast;
  return lang === 'zh' ? `${t('replannedByCalendar')}：${forecast}` : `${forecast}, ${t('replannedByCalendar')}`;
}

/**
 * A case's events: `known` (read before, oldest first) and those after its last `seq`, a page at a time from `page`
 * (`GET /api/delegations/:id/timeline?afterSeq=`; `more`: the page was full). A live refresh reads only what is new.
 */
export async function timelineAfter<E extends { seq: number }>(
  known: readonly E[],
  page: (afterSeq: number) => Promise<{ events: E[]; more: boolean }>,
): Promise<E[]> {
  let events = [...known];
  for (;;) {
    const next = await page(events.at(-1)?.seq ?? 0);
    events = [...events, ...next.events];
    if (!next.more || next.events.length === 0) return events;
  }
}
