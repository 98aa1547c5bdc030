/** The plan the dry run answers for a trip that passes the rules (POST /api/delegations/check `plan`). */
export interface CheckPlan {
  forecastReadyDate: string;
  slackWd: number;
  atRisk: boolean;
}

/**
 * The dry run's plan in words: when the chain would be done at each step's time limit, and how many working days that
 * leaves before departure (fewer than the office's risk line: at risk; none: after departure).
 */
export function checkPlanText(
  t: (key: 'preCheckForecast' | 'preCheckForecastTight' | 'preCheckForecastLate') => string,
  plan: CheckPlan,
): string {
  const key = plan.slackWd < 0 ? 'preCheckForecastLate' : plan.atRisk ? 'preCheckForecastTight' : 'preCheckForecast';
  return t(key)
    .replace('{date}', plan.forecastReadyDate)
    .replace('{n}', String(Math.abs(Math.round(plan.slackWd * 10) / 10)));
}
