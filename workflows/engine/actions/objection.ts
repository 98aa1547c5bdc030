import type { ObjectionRequest } from '@df/contracts';
import type { CaseCore } from '../core';
import { personNameKey } from '@df/domain';
import { refuseField, reject } from '../rejection';

/** objection: recorded while the step declaring notice.objections runs; the first opens the steps conditioned on objectionRaised. */

/** `validating`: the Update validator's checks too (the same objection recorded twice by one person: `duplicate`). */
export function checkObjection(core: CaseCore, r: ObjectionRequest, validating = false): void {
  if (typeof r.objection !== 'string' || !r.objection.trim())
    refuseField('objection', 'required', '请填写异议内容', 'the objection text is required');
  // One objection is recorded once (trial: the same person's same objection twice). The Update validator's only: one
  // recorded before the rule replays through the handler as it was applied.
  if (validating && core.objections.some((o) => o.by === r.actor.id && objectionKey(o.text) === objectionKey(r.objection)))
    refuseField('objection', 'duplicate', '您已登记过相同内容的异议', 'you have recorded this objection already');
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

/**
 * An objection's text as the duplicate rule compares it, with the fold names are compared with (personNameKey):
 * invisible characters, width, letter case, spaces, punctuation and traditional characters do not make another
 * objection (trial: the same text with a zero-width space was recorded twice; trial 83: with a full stop after it;
 * trial 84: in traditional characters). The Update validator's only, so no patch: a signal replays through the handler.
 */
const objectionKey = (text: string): string => personNameKey(text).replace(/\s+/gu, '');
