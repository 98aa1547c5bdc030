import type { RejectionCode, RejectionDetails } from '@df/contracts';
import type { Label, RuleViolation } from '@df/domain';

/** Why the engine refuses an action; the workflow turns it into an ApplicationFailure of that type. */
export class Rejection extends Error {
  constructor(
    readonly code: RejectionCode,
    readonly label: Label,
    readonly stepKey?: string,
    readonly violations?: RuleViolation[],
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
    };
  }
}

export const reject = (code: RejectionCode, zh: string, en: string, stepKey?: string, violations?: RuleViolation[]): never => {
  throw new Rejection(code, { zh, en }, stepKey, violations);
};
