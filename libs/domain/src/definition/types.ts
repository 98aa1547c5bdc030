import type { ConditionName } from '../facts';
import type { StepBehaviour } from './behaviour';
import type { Label, Phase, Role, Scope, StepKind } from '../roles';

/** Where a step's duration comes from when it is not the fixed durationWd. */
/** embassy-processing: the country's visa processing days (D12); apec-preclearance: the economy's APEC pre-clearance days (K05). */
export type DurationSource = 'embassy-processing' | 'apec-preclearance';
export const DURATION_SOURCES: readonly DurationSource[] = ['embassy-processing', 'apec-preclearance'];

/**
 * The durationWd a step with durationSource 'embassy-processing' keeps (the built-in D12's): never read, since every
 * country a trip may name has its processingWd (behaviourProblems refuses another value; EMBASSY_DAYS_FROM_COUNTRIES).
 */
export const EMBASSY_PROCESSING_DURATION_WD = 5;

export interface StepDefinition {
  code: string;
  phase: Phase;
  name: Label;
  actor: Role;
  scope: Scope;
  /** Codes of the steps this one waits for (see docs/domain.md for how scopes bind). */
  needs: string[];
  /** Target duration in working days; may be fractional (0.5 = half a working day). */
  durationWd: number;
  /** Step is skipped (and counts as done, passing through) when the condition is false. */
  condition?: ConditionName;
  kind: StepKind;
  /** D12: per-country embassy processing days replace durationWd (which stays as the fallback). */
  durationSource?: DurationSource;
  /** What the step does beyond "its role completes it" (behaviour.ts); the engine interprets it. */
  behaviour?: StepBehaviour;
}

export interface ProcessDefinition {
  /** Running cases stay pinned to the version they started on. */
  version: string;
  /** The process it runs (apec-card.ts PROCESSES); absent: the delegation chain. */
  process?: 'delegation' | 'apec-card' | 'apec-whitelist';
  name?: Label;
  steps: StepDefinition[];
}

export const DEFINITION_PROBLEM_CODES = [
  'INVALID_SHAPE',
  'INVALID_FIELD',
  'DUPLICATE_CODE',
  'UNKNOWN_DEPENDENCY',
  // A need across departure: the pre-trip and post-trip parts are planned apart (a post-trip step needs only post-trip
  // steps); named apart from an unknown step, which the step is not.
  'CROSS_DEPARTURE_DEPENDENCY',
  'SELF_DEPENDENCY',
  // A need listed twice on one step.
  'DUPLICATE_DEPENDENCY',
  'CYCLE',
  'UNKNOWN_CONDITION',
  'CONDITION_SCOPE',
  'UNKNOWN_STEP_OVERRIDE',
  // A text field the engine or the read models cannot hold (DEFINITION_TEXT_LIMITS): too long, blank, or not a version.
  'MAX',
  // A number below its bound (SETTINGS_BOUNDS).
  'MIN',
  // A number finer than its bound's decimal places (a working-day figure: 0.01 WD).
  'DECIMALS',
  'BLANK',
  'FORMAT',
  // A published version whose approval document does not follow every statutory approval and the public notice.
  'STATUTORY_APPROVAL',
  // A published version (or office settings) dropping or weakening a statutory step (STATUTORY_STEPS: the public
  // notice's five working days, the passport's return to custody, the certifying steps, …).
  'STATUTORY_STEP',
  // A step for a role that acts on no step of its process (STEP_ACTORS: the manager, the administrator, …).
  'STEP_ACTOR',
  // A step whose kind the engine cannot run as declared (a system step with no system work, a timer or system step
  // for a person).
  'STEP_KIND',
] as const;
export type DefinitionProblemCode = (typeof DEFINITION_PROBLEM_CODES)[number];

export interface DefinitionProblem {
  code: DefinitionProblemCode;
  /** The step the problem is on, when there is one. */
  step?: string;
  /**
   * Where, as a JSON path inside what was checked (`steps[0].code`, `steps[3].needs[1]`, `version`; for settings
   * `stepDurations.A05`); '' for the whole. The API names the field `definition.<path>` / `settings.<path>`.
   */
  path: string;
  /** The problem in Chinese and English, without the place (the path says it): what a refusal shows. */
  text: Label;
  /** One English line with its place (logs, the CLI, DefinitionError's message, the workflow's input check). */
  message: string;
}

/** Thrown by loadDefinition: lists every problem, not just the first. */
export class DefinitionError extends Error {
  readonly problems: DefinitionProblem[];
  constructor(problems: DefinitionProblem[], version?: string) {
    super(
      `process definition${version ? ` '${version}'` : ''} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `- ${p.message}`).join('\n'),
    );
    this.name = 'DefinitionError';
    this.problems = problems;
  }
}
