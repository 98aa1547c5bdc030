import type { Label } from '@df/domain';
import type { ActionBase } from '@df/contracts';
import type { CaseCore } from './core';

/** Deficiencies accepted at intake (容缺): a step needing a document past its deadline blocks until it is supplied. */

/**
 * A missing document as refusals and reasons name it: the name the FAO reviewer gave it, with its id (third trial: the
 * refusals named the id alone, where the attachments card names the document).
 */
export function documentLabel(doc: { id: string; name: string }): Label {
  return { zh: `“${doc.name}”（${doc.id}）`, en: `“${doc.name}” (${doc.id})` };
}

/** A step blocks while a deficiency it needs is past its deadline. */
export function deficiencyBlock(core: CaseCore, code: string): Label | undefined {
  const late = core.deficiencies.filter((d) => d.status === 'overdue' && d.neededBy === code);
  if (late.length === 0) return undefined;
  return {
    zh: `缺件逾期未补：${late.map((d) => documentLabel(d).zh).join('、')}`,
    en: `Missing documents past their deadline: ${late.map((d) => documentLabel(d).en).join(', ')}`,
  };
}

export function refreshDeficiencyBlocks(core: CaseCore, by: ActionBase | null): void {
  for (const [key, state] of core.states) {
    const meta = core.metas.get(key)!;
    const block = deficiencyBlock(core, meta.code);
    if (block && (state.status === 'awaiting' || state.status === 'overdue')) {
      state.status = 'blocked';
      state.blockedReason = block;
      state.deficiencyBlocked = true;
      core.emit('step.blocked', by, { key, code: meta.code, reason: block });
    } else if (!block && state.status === 'blocked' && state.blockedReason && !state.systemRunning && unblocks(core, meta.kind, state)) {
      state.status = 'awaiting';
      state.blockedReason = undefined;
      state.deficiencyBlocked = undefined;
      core.emit('step.unblocked', by, { key, code: meta.code });
    }
  }
}

/**
 * Whether a blocked step with no 容缺 block left is unblocked: a person's step always; a system step only when a 容缺
 * document blocked it (its violations are its own check's to lift) and the case runs the rule (deficiencyUnblocksSystem).
 */
function unblocks(core: CaseCore, kind: string, state: { deficiencyBlocked?: boolean }): boolean {
  if (kind !== 'system') return true;
  return state.deficiencyBlocked === true && (core.deps.deficiencyUnblocksSystem?.() ?? true);
}
