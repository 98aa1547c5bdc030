import { admissionApplicationProblems, type FieldProblem } from './apec-whitelist';
import type { StepDataSchema } from './behaviour';

/**
 * Field checks of the step data schemas that declare one here: the engine refuses a completion whose `data`
 * fails them (workflows/engine/actions/complete.ts, generically: it never names a schema listed here) and the
 * API answers the same problems as 400 before sending. A schema absent here is checked by the engine's own
 * case (entry-route, external-outcome, return-registration, trip-report) or not at all.
 */
const CHECKS: Partial<Record<StepDataSchema, (data: Record<string, unknown>) => FieldProblem[]>> = {
  'admission-application': admissionApplicationProblems,
};

/** The problems of a completion's `data` under the step's declared schema (empty: valid or no declared check). */
export function stepDataProblems(schema: StepDataSchema | undefined, data: Record<string, unknown>): FieldProblem[] {
  const check = schema ? CHECKS[schema] : undefined;
  return check ? check(data) : [];
}
