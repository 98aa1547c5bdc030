import type { RuleViolation } from '@df/domain';
import type { CaseCore, SystemResult, SystemWork } from './core';

/** System steps: the work each declares (behaviour.system) goes out to the worker; its result completes or blocks the step. */

export function takeSystemWork(core: CaseCore): SystemWork[] {
  const work: SystemWork[] = [];
  for (const [key, state] of core.states) {
    const meta = core.metas.get(key)!;
    if (meta.kind === 'system' && state.status === 'awaiting' && !state.systemRunning) {
      const system = meta.behaviour.system;
      if (!system) throw new Error(`system step ${meta.code} declares no behaviour.system`);
      state.systemRunning = true;
      work.push({ key, code: meta.code, system, generation: state.generation, ...(meta.memberId ? { memberId: meta.memberId } : {}) });
    }
  }
  return work;
}

export function applySystemResult(core: CaseCore, work: SystemWork, result: SystemResult, now: number): void {
  core.now = now;
  const state = core.states.get(work.key);
  if (!state || state.generation !== work.generation || core.closed) return; // reset or withdrawn meanwhile
  state.systemRunning = false;
  const violations = result.violations ?? [];
  // Each rule check owns its violations in the case's list: the trip rules all but frequency, frequency per member.
  if (work.system === 'trip-rules') core.violations = [...core.violations.filter((v) => !isTripViolation(v)), ...violations];
  if (work.system === 'frequency')
    core.violations = [
      ...core.violations.filter((v) => !(v.code === 'FREQUENCY_EXCEEDED' && v.details?.memberId === work.memberId)),
      ...violations,
    ];
  if (violations.length > 0) {
    state.status = 'blocked';
    state.deficiencyBlocked = undefined;
    state.blockedReason = {
      zh: violations.map((v) => v.message.zh).join('；'),
      en: violations.map((v) => v.message.en).join('; '),
    };
    core.emit('step.blocked', null, { key: work.key, code: work.code, reason: state.blockedReason, violations });
    // Another case's planned trip can go away (withdrawn, refused, moved): the check runs again a working day on.
    if (work.system === 'frequency' && violations.some(countsPlannedTrips) && (core.deps.recheckPlannedTrips?.() ?? true))
      state.deadlines = [{ at: core.calendar.addWorkingDays(now, 1, 'end'), kind: 'recheck', fired: false }];
    return;
  }
  if (result.documentNo && work.system === 'approval-document') core.approvalDocumentNo = result.documentNo;
  core.finish(work.key, null);
  state.data = {
    ...(result.documentNo ? { documentNo: result.documentNo } : {}),
    ...(result.note ? { note: result.note } : {}),
    ...(result.data ?? {}),
  };
  core.emit('step.completed', null, { key: work.key, code: work.code, data: state.data, comment: null });
  // A process whose last step is the system's (behaviour.closes) is completed by it, as by a person's.
  const meta = core.metas.get(work.key);
  if (meta?.behaviour.closes) core.close('completed', `${work.code} 办结 / ${work.code} completed the process`, null);
  core.advance();
}

/** The trip-rules check's violations (everything but the per-member frequency check's). */
const isTripViolation = (v: RuleViolation): boolean => v.code !== 'FREQUENCY_EXCEEDED';

/**
 * A frequency violation that counts a planned trip (checkMemberFrequency's details.plannedTrips; a recorded answer
 * from before it, only the dated plannedDepartures).
 */
const countsPlannedTrips = (v: RuleViolation): boolean => {
  const count = v.details?.plannedTrips;
  if (typeof count === 'number') return count > 0;
  const planned = v.details?.plannedDepartures;
  return Array.isArray(planned) && planned.length > 0;
};
