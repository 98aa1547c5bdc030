import { isBlank, textRuleBroken, textError } from '../text-rule';
import { admissionApplicationProblems, type FieldProblem } from './apec-whitelist';
import type { StepDataSchema } from './behaviour';

/** The longest written outcome (as a comment). */
export const WRITTEN_OUTCOME_MAX = 2000;

/**
 * 'written-outcome' (a step whose purpose is a written result: A14 the outcome of the notice objections, D11 the
 * interview report): `data.outcome` is required, text (the text rule), not blank (isBlank: only whitespace or
 * invisible characters shows as nothing) and at most WRITTEN_OUTCOME_MAX characters.
 */
export function writtenOutcomeProblems(data: Record<string, unknown>): FieldProblem[] {
  const outcome = data.outcome;
  if (typeof outcome !== 'string')
    return [
      {
        field: 'outcome',
        rule: 'required',
        message: { zh: '须填写办理结果（文字）', en: 'Must state the outcome in writing (text)' },
      },
    ];
  const broken = textRuleBroken(outcome);
  if (broken) return [{ ...textError('outcome', broken) }];
  if (isBlank(outcome))
    return [
      { field: 'outcome', rule: 'blank', message: { zh: '办理结果不得为空白', en: 'Must not be blank (only invisible characters)' } },
    ];
  if ([...outcome].length > WRITTEN_OUTCOME_MAX)
    return [
      {
        field: 'outcome',
        rule: 'max',
        message: { zh: `办理结果不得超过${WRITTEN_OUTCOME_MAX}字`, en: `Must be at most ${WRITTEN_OUTCOME_MAX} characters` },
      },
    ];
  return [];
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
