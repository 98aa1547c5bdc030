import type { RejectionCode, RejectionDetails, RequestFieldError } from '@df/contracts';
import type { Label, RuleViolation } from '@df/domain';

/** Why the engine refuses an action; the workflow turns it into an ApplicationFailure of that type. */
export class Rejection extends Error {
  constructor(
    readonly code: RejectionCode,
    readonly label: Label,
    readonly stepKey?: string,
    readonly violations?: RuleViolation[],
    readonly errors?: RequestFieldError[],
  ) {
    super(`${code}: ${label.en}`);
    this.name = 'Rejection';
  }

  details(): RejectionDetails {
    return {
      code: this.code,
      message: this.label,
      ...(this.stepKey ? { stepKey: this.stepKey } : {}),
      ...(this.violations ? { violations: this.violations } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

export const reject = (code: RejectionCode, zh: string, en: string, stepKey?: string, violations?: RuleViolation[]): never => {
  throw new Rejection(code, { zh, en }, stepKey, violations);
};

/**
 * INVALID_REQUEST naming the request field at fault (`field`: its path in the request body, e.g. `decision`,
 * `missingDocuments[0].neededBy`, `data.route`) and the rule it breaks; the API answers 422 with it in `errors`,
 * as a 400 names its fields. `zh` names the field in words (no paths inside Chinese text); the English refusal
 * leads with the path.
 */
/** INVALID_REQUEST naming several fields of a step's `data` (their problems from the domain's checks). */
export const refuseData = (
  problems: Array<{ field: string; rule?: string; message: { zh: string; en: string } }>,
  stepKey?: string,
): never => {
  throw new Rejection(
    'INVALID_REQUEST',
    {
      zh: `办理数据有${problems.length}处错误：${problems.map((p) => p.message.zh).join('；')}`,
      en: problems.map((p) => `data.${p.field}: ${p.message.en}`).join('; '),
    },
    stepKey,
    undefined,
    // Each problem's own rule where it names one (max, decimals, trip-report…), as the API's refusal does.
    problems.map((p) => ({ field: `data.${p.field}`, rule: p.rule ?? 'step-data', message: p.message })),
  );
};

export const refuseField = (
  field: string,
  rule: string,
  zh: string,
  en: string,
  stepKey?: string,
  code: RejectionCode = 'INVALID_REQUEST',
): never => {
  throw new Rejection(code, { zh, en: `${field}: ${en}` }, stepKey, undefined, [{ field, rule, message: { zh, en } }]);
};
