import { admissionApplicationProblems, type FieldProblem } from './apec-whitelist';
import type { StepDataSchema } from './behaviour';

/**
 * Field checks of the step data schemas that declare one here: the engine refuses a completion whose `data`
 * fails them (workflows/engine/actions/complete.ts, generically: it never names a schema listed here) and the
 * API answers the same problems as 400 before sending. A schema absent here is checked by the engine's own
 * case (entry-route, external-outcome, return-registration, trip-report) or not at all.
 */
const CHECKS: Partial<Record<StepDataSchema, (data: Record<string, unknown>, bounded: boolean) => FieldProblem[]>> = {
  'admission-application': admissionApplicationProblems,
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
