import { ROLE_LABELS, type CaseFacts, type Label, type Role } from '@df/domain';
import type { Actor } from '@df/contracts';
import type { StepMeta } from './step-meta';

export const FAO_ROLES: readonly Role[] = ['fao-clerk', 'fao-reviewer', 'fao-director', 'passport-officer', 'visa-officer'];
export const UNIT_ROLES: readonly Role[] = ['organizer', 'unit-leader', 'personnel', 'secrecy', 'finance', 'dept-approver'];

/** Who records a step: members' steps by the organizer, external outcomes by the officer of that phase. */
export function responsibleRole(meta: Pick<StepMeta, 'actor' | 'phase'>): Role {
  if (meta.actor === 'member') return 'organizer';
  if (meta.actor === 'external') return meta.phase === 'passport' ? 'passport-officer' : 'visa-officer';
  return meta.actor;
}

export function inUnit(actor: Actor, facts: CaseFacts): boolean {
  if (actor.unit === facts.unit) return true;
  return actor.role === 'dept-approver' && !!facts.supervisingDepartment && actor.unit === facts.supervisingDepartment;
}

/** Why this actor may not act on this step; undefined when they may. */
export function refusalFor(actor: Actor, meta: Pick<StepMeta, 'actor' | 'phase'>, facts: CaseFacts, onBehalfOf?: string): Label | undefined {
  if (actor.role === 'manager') return { zh: '管理人员只能查看，不能办理', en: 'Managers read everything and decide nothing' };
  const expected = responsibleRole(meta);
  if (expected === 'system') return { zh: '系统步骤由系统自动办理', en: 'System steps are run by the engine' };
  if (actor.role === expected) {
    if (UNIT_ROLES.includes(actor.role) && !inUnit(actor, facts)) {
      return { zh: `只能办理本单位（${actor.unit}）的团组`, en: `You act only on your own unit's (${actor.unit}) cases` };
    }
    return undefined;
  }
  // 帮代办: an FAO officer may complete an organizer's task for them; the record keeps both.
  if (expected === 'organizer' && FAO_ROLES.includes(actor.role) && onBehalfOf) return undefined;
  const label = ROLE_LABELS[expected];
  return { zh: `此步骤由${label.zh}办理`, en: `This step is for the ${label.en.toLowerCase()} (${expected})` };
}

/** Case-level actions (amend, withdraw, supply documents): the unit's organizer, or an FAO officer on their behalf. */
export function organizerRefusal(actor: Actor, facts: CaseFacts, onBehalfOf?: string): Label | undefined {
  return refusalFor(actor, { actor: 'organizer', phase: 'prepare' }, facts, onBehalfOf);
}
