import { dependentsOf, documentIdKey, labelledCodes, toIso } from '@df/domain';
import { DECISION_KIND_LABELS, DECISION_KINDS, type DecideStepRequest } from '@df/contracts';
import type { CaseCore } from '../core';
import { refuseField, reject } from '../rejection';
import { checkRequiredAttachments } from './attachments';

/** decide: approve, reject (closes the case), return for revision (the target and what depends on it run again), accept with deficiencies at an intake. */

/** Whether the case has an instance of step `code` still to do (not done, skipped or withdrawn) other than the one being decided. */
function stepAhead(core: CaseCore, code: string, decidedKey: string): boolean {
  for (const [key, state] of core.states) {
    if (key === decidedKey || core.metas.get(key)?.code !== code) continue;
    if (state.status !== 'done' && state.status !== 'skipped') return true;
  }
  return false;
}

/** `validating`: the Update validator's checks too (missing documents' ids compared as spelled alike: documentIdKey). */
export function checkDecide(core: CaseCore, r: DecideStepRequest, validating = false): void {
  const { meta } = core.awaitingStep('decide', r.stepKey, r.actor, r.onBehalfOf);
  if (!(DECISION_KINDS as readonly string[]).includes(r.decision)) {
    const choices = labelledCodes(DECISION_KINDS, DECISION_KIND_LABELS);
    refuseField('decision', 'enum', `审批决定须为：${choices.zh}`, `must be one of ${choices.en}`, r.stepKey);
  }
  if (meta.kind !== 'approval')
    reject(
      'ACTION_NOT_ALLOWED',
      `${meta.code} 不是审批步骤，请使用办结`,
      `${meta.code} is not an approval: complete it instead`,
      r.stepKey,
    );
  // A decision this step does not take is the field's (422 at `decision`), as an unknown one is (trial: 容缺受理 at A15
  // was 409 naming no field).
  if (r.decision === 'accept-with-deficiencies' && !meta.behaviour.intake?.acceptWithDeficiencies) {
    const intake = core.definition.steps
      .filter((s) => s.behaviour?.intake?.acceptWithDeficiencies)
      .map((s) => s.code)
      .join('/');
    const choices = labelledCodes(
      DECISION_KINDS.filter((d) => d !== 'accept-with-deficiencies'),
      DECISION_KIND_LABELS,
    );
    refuseField(
      'decision',
      'step-decision',
      `容缺受理只适用于外办受理（${intake}），本步骤可选：${choices.zh}`,
      `accept-with-deficiencies applies only at intake (${intake}); this step takes ${choices.en}`,
      r.stepKey,
    );
  }
  // Approving needs the step's documents; rejecting or returning does not.
  if (r.decision === 'approve' || r.decision === 'accept-with-deficiencies') checkRequiredAttachments(core, r.stepKey, validating);
  if (r.decision === 'accept-with-deficiencies') {
    const docs = r.missingDocuments;
    if (!Array.isArray(docs) || docs.length === 0)
      refuseField('missingDocuments', 'required', '容缺受理须列明所缺材料', 'must name at least one document', r.stepKey);
    const ids = new Set<string>();
    for (const [i, d] of (docs ?? []).entries()) {
      if (!d || typeof d.id !== 'string' || !d.id || typeof d.name !== 'string' || !d.name) {
        refuseField(`missingDocuments[${i}]`, 'required', `第 ${i + 1} 项缺件须有编号和名称`, 'needs an id and a name', r.stepKey);
      }
      // One document, one id however spelled (second trial: `a` and `A`, `Invitation-Translation` and
      // `invitation_translation` were two documents). The Update validator's only: a decision recorded before replays.
      const key = validating ? documentIdKey(d.id) : d.id;
      const same = (x: string) => (validating ? documentIdKey(x) : x) === key;
      if (ids.has(key) || core.deficiencies.some((x) => same(x.id)))
        refuseField(`missingDocuments[${i}].id`, 'unique', `缺件编号重复：${d.id}`, `duplicate document id ${d.id}`, r.stepKey);
      ids.add(key);
      if (d.neededBy !== undefined && (!core.steps.has(d.neededBy) || core.steps.get(d.neededBy)!.behaviour?.afterDeparture)) {
        refuseField(
          `missingDocuments[${i}].neededBy`,
          'known-step',
          `第 ${i + 1} 项缺件的所需步骤不是本流程出发前的步骤`,
          `is not a step code of this process before departure (missing document ${i + 1})`,
          r.stepKey,
        );
      }
      if (d.neededBy !== undefined && core.deps.deficiencyNeededAhead !== false && !stepAhead(core, d.neededBy, r.stepKey)) {
        refuseField(
          `missingDocuments[${i}].neededBy`,
          'step-ahead',
          `缺件所需步骤 ${d.neededBy} 须为本案尚未办理的后续步骤（第 ${i + 1} 项缺件）`,
          `${d.neededBy} must be a step of this case still ahead (not done, not the step being decided; missing document ${i + 1})`,
          r.stepKey,
        );
      }
    }
  }
  if (r.decision === 'return') returnTargets(core, r.stepKey, r.returnTo);
}

/** The upstream instances a return sends back: an instance key, or every upstream instance of a step code. */
export function returnTargets(core: CaseCore, stepKey: string, returnTo: unknown): string[] {
  if (typeof returnTo !== 'string' || !returnTo)
    return refuseField(
      'returnTo',
      'required',
      '退回须指明退回到哪个上游步骤',
      'a return needs the upstream step to return to',
      stepKey,
      'INVALID_RETURN_TARGET',
    );
  const upstream = upstreamOf(core, stepKey);
  const targets = upstream.filter(
    (k) => (k === returnTo || core.metas.get(k)?.code === returnTo) && core.states.get(k)?.status !== 'skipped',
  );
  if (targets.length === 0) {
    return refuseField(
      'returnTo',
      'upstream-step',
      `${returnTo} 不是 ${stepKey} 的上游步骤`,
      `${returnTo} is not upstream of ${stepKey}`,
      stepKey,
      'INVALID_RETURN_TARGET',
    );
  }
  return targets;
}

/**
 * Where an open approval may be returned to, nearest first (breadth-first through its instances' needs): the done
 * people's steps upstream of it (tasks, approvals, external outcomes; returnTargets accepts them). The dialog offers
 * these, in this order (forty-third trial: it offered every done step of the case from A02 on, some not upstream,
 * which the return refused, and A02 first).
 */
export function returnChoices(core: CaseCore, key: string): string[] {
  const seen = new Set<string>([key]);
  const out: string[] = [];
  let layer = [...(core.metas.get(key)?.needs ?? [])];
  while (layer.length > 0) {
    const next: string[] = [];
    for (const k of layer) {
      if (seen.has(k)) continue;
      seen.add(k);
      const meta = core.metas.get(k);
      if (meta && meta.kind !== 'system' && meta.kind !== 'timer' && core.states.get(k)?.status === 'done') out.push(k);
      next.push(...(meta?.needs ?? []));
    }
    layer = next;
  }
  return out;
}

export function upstreamOf(core: CaseCore, key: string): string[] {
  const seen = new Set<string>();
  const stack = [...(core.metas.get(key)?.needs ?? [])];
  while (stack.length > 0) {
    const k = stack.pop()!;
    if (seen.has(k)) continue;
    seen.add(k);
    stack.push(...(core.metas.get(k)?.needs ?? []));
  }
  return [...seen];
}

export function applyDecide(core: CaseCore, r: DecideStepRequest): void {
  const meta = core.metas.get(r.stepKey)!;
  const state = core.states.get(r.stepKey)!;
  const payload = { key: r.stepKey, code: meta.code, decision: r.decision, comment: r.comment ?? null };
  switch (r.decision) {
    case 'approve':
      core.finish(r.stepKey, r);
      core.emit('step.decided', r, payload);
      break;
    case 'reject':
      core.finish(r.stepKey, r);
      core.emit('step.decided', r, payload);
      core.close('rejected', r.comment?.trim() ? r.comment : `${r.stepKey} 不予批准 / rejected at ${r.stepKey}`, r);
      break;
    case 'accept-with-deficiencies': {
      core.finish(r.stepKey, r);
      const dueAt = core.calendar.addWorkingDays(core.now, core.deficiencyRule.deadlineWd, 'end');
      const neededBy = meta.behaviour.intake!.acceptWithDeficiencies.defaultNeededBy;
      for (const d of r.missingDocuments ?? []) {
        core.deficiencies.push({
          id: d.id,
          name: d.name,
          neededBy: d.neededBy ?? neededBy,
          dueAt,
          status: 'missing',
          extensions: 0,
          recordedSeq: core.log.seq,
        });
      }
      core.emit('step.decided', r, { ...payload, missingDocuments: r.missingDocuments });
      core.emit('deficiency.raised', r, {
        documents: core.deficiencies.filter((d) => d.status === 'missing').map((d) => ({ id: d.id, name: d.name, neededBy: d.neededBy })),
        dueAt: toIso(dueAt),
      });
      core.runtime = { ...core.runtime, acceptedWithDeficiencies: true };
      core.deriveInstances(r.stepKey);
      break;
    }
    case 'return': {
      const targets = returnTargets(core, r.stepKey, r.returnTo);
      state.decision = 'return';
      core.emit('step.decided', r, { ...payload, returnTo: r.returnTo });
      const reset = [...new Set([...targets, ...dependentsOf(core.instances, targets)])];
      for (const k of targets) core.states.get(k)!.returns++;
      core.reset(reset);
      // The target says why it was sent back, to whoever does it again (forty-third trial: the reason was only in the
      // timeline, pages away).
      for (const k of targets)
        core.states.get(k)!.lastReturn = {
          by: r.stepKey,
          ...(r.comment ? { comment: r.comment } : {}),
          ...(r.actor?.id ? { actedBy: r.actor.id } : {}),
          at: core.now,
        };
      // A step done with documents sent back is done again with new ones: the file the office turned down does not serve
      // it again (trial 46: the same letter completed A03:US after B04 returned it for not being signed; the validator's).
      for (const k of targets)
        if (core.metas.get(k)?.behaviour.requiresAttachments?.length) core.states.get(k)!.documentsSince = core.log.seq;
      core.emit('step.returned', r, { by: r.stepKey, targets, keys: reset.filter((k) => core.states.get(k)?.status === 'returned') });
      break;
    }
  }
}
