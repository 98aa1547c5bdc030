import type { CasePhase, Label, Role, StepBehaviour, StepDefinition, StepInstance, StepKind } from '@df/domain';

/** What the engine needs to know of a step instance, for the steps to departure and the post-trip ones alike. */
export interface StepMeta {
  key: string;
  code: string;
  name: Label;
  phase: CasePhase;
  kind: StepKind;
  actor: Role;
  memberId?: string;
  country?: string;
  durationWd: number;
  /** Instance keys this one waits for. */
  needs: string[];
  /** The step's declared behaviour (empty: its role completes it). */
  behaviour: StepBehaviour;
}

export function metaOfInstance(instance: StepInstance, step: Pick<StepDefinition, 'name' | 'behaviour'>): StepMeta {
  return {
    key: instance.key,
    code: instance.code,
    name: step.name,
    phase: instance.phase,
    kind: instance.kind,
    actor: instance.actor,
    ...(instance.memberId !== undefined ? { memberId: instance.memberId } : {}),
    ...(instance.country !== undefined ? { country: instance.country } : {}),
    durationWd: instance.durationWd,
    needs: instance.needs,
    behaviour: step.behaviour ?? {},
  };
}
