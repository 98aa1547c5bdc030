import { ACCESS } from '../../../libs/domain/src/access';
import type { Role } from '../../../libs/domain/src/roles';

/** A public-notice objection as GET /api/delegations/:id answers it; `by` is null for a role that may not see who. */
export interface Objection {
  at: string;
  by: string | null;
  text: string;
}

/** The delegation chain's pre-trip public notice (公示): the step whose timer takes objections (behaviour `notice`). */
export const NOTICE_STEP = 'A13';

/** The notice runs: its step awaits (or is overdue), the only time the workflow takes an objection (else 409). */
export function noticeRunning(steps: ReadonlyArray<{ code: string; status: string }>): boolean {
  return steps.some((s) => s.code === NOTICE_STEP && (s.status === 'awaiting' || s.status === 'overdue'));
}

/**
 * Whether to offer 登记异议: the access table's `objection` row (the one the API and the workflow read: roles and
 * case statuses; the unit is the API's read scope, which already let the user open the case) while the notice runs.
 */
export function mayRecordObjection(role: string, p: { status: string; steps: ReadonlyArray<{ code: string; status: string }> }): boolean {
  const rule = ACCESS.objection;
  return (
    rule.roles !== 'step' &&
    rule.roles.includes(role as Role) &&
    (rule.statuses as readonly string[]).includes(p.status) &&
    noticeRunning(p.steps)
  );
}
