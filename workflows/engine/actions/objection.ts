import type { ObjectionRequest } from '@df/contracts';
import type { CaseCore } from '../core';
import { refuseField, reject } from '../rejection';

/** objection: recorded while the step declaring notice.objections runs; the first opens the steps conditioned on objectionRaised. */

export function checkObjection(core: CaseCore, r: ObjectionRequest): void {
  if (typeof r.objection !== 'string' || !r.objection.trim())
    refuseField('objection', 'required', '请填写异议内容', 'the objection text is required');
  const notice = core.keysWhere((b) => !!b.notice?.objections)[0];
  const state = notice === undefined ? undefined : core.states.get(notice);
  if (!state || (state.status !== 'awaiting' && state.status !== 'overdue')) {
    reject('ACTION_NOT_ALLOWED', '不在出访前公示期内', 'The pre-trip public notice is not running', notice);
  }
}

export function applyObjection(core: CaseCore, r: ObjectionRequest): void {
  core.objections.push({ at: core.now, by: r.actor.id, text: r.objection });
  core.emit('notice.objection', r, { objection: r.objection });
  if (!core.runtime.objectionRaised) {
    core.runtime = { ...core.runtime, objectionRaised: true };
    core.deriveInstances('objection');
  }
}
