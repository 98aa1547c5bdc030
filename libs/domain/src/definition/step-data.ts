import { isBlank, textRuleBroken, textError } from '../text-rule';
import { admissionApplicationProblems, type FieldProblem } from './apec-whitelist';
import type { StepDataSchema } from './behaviour';

/** The longest written outcome (as a comment). */
export const WRITTEN_OUTCOME_MAX = 2000;

/** The longest trip report summary (P03), in characters: a report of a few pages. */
export const TRIP_REPORT_SUMMARY_MAX = 5000;

/**
 * Written text a step's purpose is (an outcome, a report): required, text (the text rule), not blank (isBlank: only
 * whitespace or invisible characters shows as nothing) and at most `max` characters. `what` names it in both
 * languages for the messages.
 */
function writtenTextProblems(field: string, value: unknown, max: number, what: { zh: string; en: string }): FieldProblem[] {
  if (typeof value !== 'string')
    return [{ field, rule: 'required', message: { zh: `须填写${what.zh}（文字）`, en: `Must state the ${what.en} in writing (text)` } }];
  const broken = textRuleBroken(value);
  if (broken) return [{ ...textError(field, broken) }];
  if (isBlank(value))
    return [{ field, rule: 'blank', message: { zh: `${what.zh}不得为空白`, en: 'Must not be blank (only invisible characters)' } }];
  if ([...value].length > max)
    return [{ field, rule: 'max', message: { zh: `${what.zh}不得超过${max}字`, en: `Must be at most ${max} characters` } }];
  return [];
}

/**
 * 'written-outcome' (a step whose purpose is a written result: A04 the note on the inviting party, A14 the outcome of
 * the notice objections, D11 the interview report): `data.outcome` is required written text of at most
 * WRITTEN_OUTCOME_MAX characters (writtenTextProblems).
 */
export function writtenOutcomeProblems(data: Record<string, unknown>): FieldProblem[] {
  return writtenTextProblems('outcome', data.outcome, WRITTEN_OUTCOME_MAX, { zh: '办理结果', en: 'outcome' });
}

/**
 * The trip report (P03, 出访报告, schema 'trip-report') is filed in writing: `data.summary` is required written text of
 * at most TRIP_REPORT_SUMMARY_MAX characters (a report with no figures is still a report; one with no words is not).
 * Checked by the API and the engine's Update validator only (CaseEngine.validate): a report recorded without a summary
 * before the rule replays as it ran. The figures (`outcomes`) are tripReportProblems' (libs/contracts).
 */
export function tripReportSummaryProblems(data: Record<string, unknown>): FieldProblem[] {
  return writtenTextProblems('summary', data.summary, TRIP_REPORT_SUMMARY_MAX, { zh: '出访报告摘要', en: "trip report's summary" });
}

/**
 * Field checks of the step data schemas that declare one here: the engine refuses a completion whose `data`
 * fails them (workflows/engine/actions/complete.ts, generically: it never names a schema listed here) and the
 * API answers the same problems as 400 before sending. A schema absent here is checked by the engine's own
 * case (entry-route, external-outcome, return-registration, trip-report) or not at all.
 */
const CHECKS: Partial<Record<StepDataSchema, (data: Record<string, unknown>, bounded: boolean) => FieldProblem[]>> = {
  'admission-application': admissionApplicationProblems,
  'written-outcome': writtenOutcomeProblems,
};

/**
 * The problems of a completion's `data` under the step's declared schema (empty: valid or no declared check).
 * `bounded`: also the upper bounds and decimals of amounts (ADMISSION_AMOUNT_LIMITS), as the API checks them. The
 * engine bounds them in its Update validator only (never run on replay); its handler's check runs without, as it
 * did when a recorded update was first applied, so a completion accepted before the bounds existed replays the same.
 */
export function stepDataProblems(schema: StepDataSchema | undefined, data: Record<string, unknown>, bounded = false): FieldProblem[] {
  const check = schema ? CHECKS[schema] : undefined;
  return check ? check(data, bounded) : [];
}
