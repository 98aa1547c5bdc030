// The case timeline's words for what an event's payload says.

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
