import type { PlanMatch } from '@df/domain';
import { workingDaysText } from './case-figures';
import { OUTSIDE_PLAN_OUTCOMES } from '../../../libs/domain/src/rules';

/**
 * What the annual plan check (A01) would answer now (POST /api/delegations/check `annualPlan`, docs/registries.md):
 * a trip outside the plan (`over-plan`, `unplanned`, `no-plan`) is filed all the same, but the reviewer asks why (a
 * written reason).
 */
export type CheckAnnualPlan = Pick<PlanMatch, 'outcome' | 'message'>;

/** Whether the organizer should look again before filing: the plan check would read 超出年度计划, 未列入计划 or 未登记…计划 (the domain's OUTSIDE_PLAN_OUTCOMES). */
export const annualPlanNeedsReason = (p: CheckAnnualPlan | undefined): boolean =>
  p !== undefined && OUTSIDE_PLAN_OUTCOMES.includes(p.outcome);

/**
 * The pre-submission check's title (label key): the rules broken, still checking, at risk, outside the annual plan, or
 * passed. Outside the plan it says so, as its warning colour does (trial 59: a yellow 符合出访规定 over an unplanned trip).
 */
export function checkTitleKey(check: {
  violations: readonly unknown[];
  running: boolean;
  plan?: Pick<CheckPlan, 'atRisk'>;
  annualPlan?: CheckAnnualPlan;
}): 'preCheckTitle' | 'preCheckRunning' | 'preCheckAtRisk' | 'preCheckOutsidePlan' | 'preCheckPassed' {
  if (check.violations.length > 0) return 'preCheckTitle';
  if (check.running) return 'preCheckRunning';
  if (check.plan?.atRisk) return 'preCheckAtRisk';
  return annualPlanNeedsReason(check.annualPlan) ? 'preCheckOutsidePlan' : 'preCheckPassed';
}

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
    .replace('{n}', workingDaysText(Math.abs(plan.slackWd)));
}

/**
 * What the case's annual plan check (the step of `system: 'annual-plan'`, A01) last found, as its note says it
 * (列入年度计划（P-1）, 未登记2028年度出访计划, …), for whoever decides on the trip; undefined before it is done (or
 * while it runs again) (trial 66: the outcome was shown nowhere on the case page nor in the B05-B07 dialogs).
 */
export function annualPlanFinding(progress: {
  steps: ReadonlyArray<{ status: string; data?: Record<string, unknown> | null }>;
}): { zh: string; en: string } | undefined {
  const check = progress.steps.find((s) => s.status === 'done' && typeof s.data?.planOutcome === 'string');
  const note = check?.data?.note as { zh?: unknown; en?: unknown } | undefined;
  return note && typeof note.zh === 'string' && typeof note.en === 'string' ? { zh: note.zh, en: note.en } : undefined;
}

type NamedStep = { key: string; name: { zh: string; en: string } };

/** `B05 外办规则审核：…` lines, in the reader's language: each step `said` says something of. */
function stepLines<S extends NamedStep>(steps: ReadonlyArray<S>, lang: 'zh' | 'en', said: (s: S) => string | undefined): string[] {
  return steps.flatMap((s) => {
    const text = said(s);
    return text ? [`${s.key} ${s.name[lang]}${lang === 'zh' ? '：' : ': '}${text}`] : [];
  });
}

/**
 * The written reasons the done approvals of a trip outside the annual plan stated (the engine's `planReasonStated`), as
 * `B05 外办规则审核：…` lines, for whoever decides next (trial 67: B06 and B07 did not see B05's reason).
 */
export function planReasonsStated(
  progress: { steps: ReadonlyArray<NamedStep & { planReasonStated?: string }> },
  lang: 'zh' | 'en',
): string[] {
  return stepLines(progress.steps, lang, (s) => s.planReasonStated);
}

/**
 * The done approvals whose written reason the annual plan check, run again since, now asks for and their comment lacks
 * (the engine's `planReasonMissing`), as `B05 外办规则审核：…` lines (trial 66: B06 went on with no reason on record).
 */
export function planReasonsMissing(
  progress: { steps: ReadonlyArray<NamedStep & { planReasonMissing?: { zh: string; en: string } }> },
  lang: 'zh' | 'en',
): string[] {
  return stepLines(progress.steps, lang, (s) => s.planReasonMissing?.[lang]);
}

/** A planned trip of a unit's annual plan as the plans API gives it (its id, purpose, countries, size, quarter). */
export interface PlannedTrip {
  id: string;
  purpose: string;
  countries: readonly string[];
  size: number;
  quarter: number;
}

/** One field of a planned trip that a filing changes: its value in the approved plan and in the filing (countries sorted). */
export interface TripDifference {
  field: 'purpose' | 'countries' | 'size' | 'quarter';
  from: string | number | readonly string[];
  to: string | number | readonly string[];
}

/** The fields `after` changes of `before` (the countries compared as a set), in the table's order; none when the same. */
export function tripDifferences(before: PlannedTrip, after: PlannedTrip): TripDifference[] {
  const out: TripDifference[] = [];
  if (before.purpose !== after.purpose) out.push({ field: 'purpose', from: before.purpose, to: after.purpose });
  const [a, b] = [[...before.countries].sort(), [...after.countries].sort()];
  if (a.join() !== b.join()) out.push({ field: 'countries', from: a, to: b });
  if (before.size !== after.size) out.push({ field: 'size', from: before.size, to: after.size });
  if (before.quarter !== after.quarter) out.push({ field: 'quarter', from: before.quarter, to: after.quarter });
  return out;
}

/**
 * What approving a unit's filing changes in its approved plan, by trip id: trips `added`, `changed` (another purpose,
 * countries, size or quarter; the countries as a set), with what changed in each (`differences`, tripDifferences: trial
 * 72, a trip of 5 people cut to 3 read only 变更), and `removed`, each in the order of the list it is from (trial 66: the
 * FAO clerk replaced the approved plan in one click, nothing said what it changed).
 */
export function planChanges(
  approved: readonly PlannedTrip[] | null | undefined,
  proposal: readonly PlannedTrip[],
): { added: string[]; changed: string[]; removed: string[]; differences: Record<string, TripDifference[]> } {
  const before = new Map((approved ?? []).map((trip) => [trip.id, trip]));
  const ids = new Set(proposal.map((trip) => trip.id));
  const differences: Record<string, TripDifference[]> = {};
  for (const trip of proposal) {
    const was = before.get(trip.id);
    const diff = was ? tripDifferences(was, trip) : [];
    if (diff.length > 0) differences[trip.id] = diff;
  }
  return {
    added: proposal.filter((trip) => !before.has(trip.id)).map((trip) => trip.id),
    changed: proposal.filter((trip) => differences[trip.id]).map((trip) => trip.id),
    removed: (approved ?? []).filter((trip) => !ids.has(trip.id)).map((trip) => trip.id),
    differences,
  };
}
