import { shanghaiDate } from '@df/domain';
import type { CaseCore } from './core';
import { reject } from './rejection';

/**
 * A step of the preparation (every phase but post-trip, and not a step certifying a day: E07 records a departure,
 * even a day late) is not completed or decided once the departure date has passed on the case's clock (Asia/Shanghai)
 * while the case has not departed: the organizer moves the dates (amend) or withdraws (new-user trial: B07 approved
 * and the 批件 issued the day after the planned departure). 409 DEPARTURE_PASSED. The Update validator's only
 * (CaseEngine.validate): recorded histories replay as they were applied.
 */
export function refuseAfterDeparturePassed(core: CaseCore, stepKey: unknown): void {
  if (typeof stepKey !== 'string' || core.status !== 'open') return;
  const departureDate = core.facts.departureDate;
  const meta = core.metas.get(stepKey);
  if (!meta || typeof departureDate !== 'string' || meta.phase === 'post-trip' || meta.behaviour.certifies) return;
  const today = shanghaiDate(core.now);
  if (today <= departureDate) return;
  reject(
    'DEPARTURE_PASSED',
    `出发日期（${departureDate}）已过（今天 ${today}），不能再办理行前步骤：请先变更行程日期或撤回申请`,
    `The departure date (${departureDate}) has passed (today is ${today}): change the trip's dates (amend) or withdraw before acting on a step of the preparation`,
    stepKey,
  );
}
