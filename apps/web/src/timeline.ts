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
