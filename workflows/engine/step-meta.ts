import { PHASE_LABELS, type CasePhase, type Label, type Role, type StepInstance, type StepKind } from '@df/domain';
import type { PostTripStep } from './post-trip';

/** What the engine needs to know of a step instance, for the 53 steps and the post-trip ones alike. */
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
  needs: string[];
  postTrip?: PostTripStep;
}

export function metaOfInstance(instance: StepInstance, name: Label): StepMeta {
  return {
    key: instance.key,
    code: instance.code,
    name,
    phase: instance.phase,
    kind: instance.kind,
    actor: instance.actor,
    ...(instance.memberId !== undefined ? { memberId: instance.memberId } : {}),
    ...(instance.country !== undefined ? { country: instance.country } : {}),
    durationWd: instance.durationWd,
    needs: instance.needs,
  };
}

export const phaseLabel = (phase: CasePhase): Label => PHASE_LABELS[phase];
