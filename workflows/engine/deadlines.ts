import { toIso, type Label } from '@df/domain';
import type { NotificationPayload } from '@df/contracts';
import type { CaseCore, Escalation } from './core';
import { refreshDeficiencyBlocks } from './deficiencies';
import type { StepMeta } from './step-meta';
import { responsibleRole } from './authorization';

/** Deadlines and escalation: timers complete, overdue steps and documents escalate once, a second deadline flags the unit. */

export function nextDeadline(core: CaseCore): number | undefined {
  let next: number | undefined;
  const consider = (at: number) => (next = next === undefined ? at : Math.min(next, at));
  if (core.closed) return undefined;
  for (const state of core.states.values()) {
    if (state.status === 'done' || state.status === 'skipped' || state.status === 'pending' || state.status === 'returned') continue;
    for (const d of state.deadlines) if (!d.fired) consider(d.at);
  }
  for (const d of core.deficiencies) if (d.status === 'missing') consider(d.dueAt);
  return next;
}

export function fireDueDeadlines(core: CaseCore, now: number): void {
  core.now = now;
  if (core.closed) return;
  for (const [key, state] of [...core.states]) {
    if (state.status === 'done' || state.status === 'skipped' || state.status === 'pending' || state.status === 'returned') continue;
    const meta = core.metas.get(key)!;
    for (const d of state.deadlines) {
      if (d.fired || d.at > now) continue;
      d.fired = true;
      if (d.kind === 'recheck') {
        // The blocked check runs again (takeSystemWork): its result blocks it anew or completes it.
        if (state.status !== 'blocked' || state.systemRunning || state.deficiencyBlocked) continue;
        state.status = 'awaiting';
        state.blockedReason = undefined;
        core.emit('step.unblocked', null, { key, code: meta.code });
      } else if (d.kind === 'timer') {
        core.finish(key, null);
        core.emit('step.completed', null, { key, code: meta.code, data: null, comment: null });
      } else if (d.kind === 'overdue') {
        if (state.status === 'awaiting') state.status = 'overdue';
        const event = core.emit('step.overdue', null, { key, code: meta.code, dueAt: toIso(d.at), notification: null });
        event.payload.notification = notificationOf(escalate(core, meta, meta.behaviour.overdue ?? 'step-overdue', d.at));
      } else {
        const event = core.emit('step.overdue', null, {
          key,
          code: meta.code,
          dueAt: toIso(d.at),
          escalation: 'unit-flagged',
          notification: null,
        });
        event.payload.notification = notificationOf(escalate(core, meta, 'unit-flagged', d.at));
      }
    }
  }
  let newlyLate = false;
  for (const d of core.deficiencies) {
    if (d.status === 'missing' && d.dueAt <= now) {
      d.status = 'overdue';
      newlyLate = true;
      const event = core.emit('deficiency.overdue', null, {
        id: d.id,
        name: d.name,
        neededBy: d.neededBy,
        dueAt: toIso(d.dueAt),
        notification: null,
      });
      const escalation: Escalation = {
        id: core.deps.newId(),
        caseId: core.caseId,
        stepKey: core.keysWhere((b) => !!b.collectsDeficiencies)[0] ?? null,
        kind: 'deficiency-overdue',
        role: 'organizer',
        unit: core.facts.unit,
        message: {
          zh: `容缺材料“${d.name}”逾期未补交，${d.neededBy} 暂停`,
          en: `Missing document "${d.name}" is overdue; ${d.neededBy} is on hold`,
        },
        dueAt: toIso(d.dueAt),
      };
      core.escalations.push(escalation);
      event.payload.notification = notificationOf(escalation);
      // The FAO clerk decides what happens next: extend the deadline (extendDeficiency) or end the case.
      if (core.deps.deficiencyOffice?.() ?? true) {
        const { extensions } = core.deficiencyRule;
        const left = extensions - d.extensions;
        const office: Escalation = {
          ...escalation,
          id: core.deps.newId(),
          role: 'fao-clerk',
          message:
            left > 0
              ? {
                  zh: `容缺材料“${d.name}”逾期未补交，${d.neededBy} 暂停：可延期（剩余 ${left} 次）或撤销案件`,
                  en: `Missing document "${d.name}" is overdue; ${d.neededBy} is on hold: extend its deadline (${left} left) or cancel the case`,
                }
              : {
                  zh: `容缺材料“${d.name}”延期后仍逾期未补交，${d.neededBy} 暂停：请撤销案件或待补交`,
                  en: `Missing document "${d.name}" is overdue after its extension; ${d.neededBy} is on hold: cancel the case or wait for it`,
                },
        };
        core.escalations.push(office);
        event.payload.office = notificationOf(office);
      }
    }
  }
  if (newlyLate) refreshDeficiencyBlocks(core, null);
  core.advance();
}

export function escalate(core: CaseCore, meta: StepMeta, kind: Escalation['kind'], dueAt: number): Escalation {
  const role = kind === 'unit-flagged' ? 'manager' : responsibleRole(meta) === 'system' ? 'manager' : responsibleRole(meta);
  const message: Label =
    kind === 'unit-flagged'
      ? {
          zh: `${core.facts.unit} 护照逾期30天未交回，暂停该单位新的出访申请`,
          en: `${core.facts.unit}: passport more than 30 days overdue; new applications from the unit are blocked`,
        }
      : { zh: `${meta.name.zh}（${meta.key}）已超期`, en: `${meta.name.en} (${meta.key}) is overdue` };
  const escalation: Escalation = {
    id: core.deps.newId(),
    caseId: core.caseId,
    stepKey: meta.key,
    kind,
    role,
    unit: core.facts.unit,
    message,
    dueAt: toIso(dueAt),
  };
  core.escalations.push(escalation);
  return escalation;
}

/** The notification an escalation leaves, carried by its event so the notifications read model is a projection of the stream. */
function notificationOf(e: Escalation): NotificationPayload {
  return { id: e.id, stepKey: e.stepKey, kind: e.kind, role: e.role, unit: e.unit, message: e.message, dueAt: e.dueAt };
}
