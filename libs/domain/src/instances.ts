import type { CountryTable } from './countries';
import { resolveCountryTable } from './countries';
import type { OfficeSettings } from './definition/overrides';
import { APEC_PRECLEARANCE_WD } from './definition/apec-card';
import type { ProcessDefinition, StepDefinition } from './definition/types';
import { DefinitionError } from './definition/types';
import type { CaseFacts, ConditionContext, RuntimeFlags } from './facts';
import { DEFAULT_RUNTIME_FLAGS, evaluateCondition, tripCountries } from './facts';
import type { Phase, Role, Scope, StepKind } from './roles';

export interface StepInstance {
  /** 'A01', 'A11:<memberId>', 'D12:<country>', 'D13:<memberId>:<country>'. */
  key: string;
  code: string;
  scope: Scope;
  memberId?: string;
  country?: string;
  /** Instance keys this one waits for. */
  needs: string[];
  durationWd: number;
  actor: Role;
  kind: StepKind;
  phase: Phase;
  /** Condition false: the instance passes through (zero time) once its own needs are complete. */
  skipped: boolean;
}

export interface BuildOptions {
  runtime?: Partial<RuntimeFlags>;
  settings?: OfficeSettings;
  /** Country table to use instead of the default one (office overrides in settings are applied on top). */
  countries?: CountryTable;
  /**
   * Which part of the chain: the steps to departure (default; what the planner forecasts) or the steps that
   * open after departure (behaviour.afterDeparture), which need only each other.
   */
  part?: 'to-departure' | 'after-departure';
}

export function instanceKey(code: string, memberId?: string, country?: string): string {
  if (memberId !== undefined && country !== undefined) return `${code}:${memberId}:${country}`;
  if (memberId !== undefined) return `${code}:${memberId}`;
  if (country !== undefined) return `${code}:${country}`;
  return code;
}

/**
 * A step instance key as a path names it (`B07`, `A11:m1`, `D12:US`, `D13:m1:US`): a step code (a definition's
 * STEP_CODE_RE, validate.ts: a capital, then up to 7 capitals, digits, _ or -), then at most two `:`-separated parts,
 * a member id (1-32 letters, digits, _ or -, as a submission's) and a country code. Anything else names no step of any
 * case: 400 at `path.stepKey` before any lookup (new-user trial: `A10\n` came back in a 404's message).
 */
export const STEP_KEY_PATTERN = '^[A-Z][A-Z0-9_-]{0,7}(?::[A-Za-z0-9_-]{1,32}){0,2}$';

/** Inverse of instanceKey given the step's scope (a key alone cannot tell a member id from a country code). */
export function parseInstanceKey(key: string, scope: Scope): { code: string; memberId?: string; country?: string } {
  const [code, a, b] = key.split(':') as [string, string | undefined, string | undefined];
  switch (scope) {
    case 'delegation':
      return { code };
    case 'member':
      return { code, ...(a !== undefined ? { memberId: a } : {}) };
    case 'country':
      return { code, ...(a !== undefined ? { country: a } : {}) };
    case 'member-country':
      return { code, ...(a !== undefined ? { memberId: a } : {}), ...(b !== undefined ? { country: b } : {}) };
  }
}

/**
 * One instance per (step, member, country) the scope calls for, with dependencies bound by one rule:
 * bind on the dimensions (member, country) the dependent instance has; fan in over those it lacks.
 * Instances come out in definition order, members and countries in facts order.
 */
export function buildInstances(def: ProcessDefinition, facts: CaseFacts, opts: BuildOptions = {}): StepInstance[] {
  const runtime: RuntimeFlags = { ...DEFAULT_RUNTIME_FLAGS, ...(opts.runtime ?? {}) };
  const settings = opts.settings ?? {};
  const countries = resolveCountryTable(settings.countries, opts.countries);
  const memberIds = facts.members.map((m) => m.id);
  const countryCodes = tripCountries(facts);
  for (const id of memberIds) if (id.includes(':')) throw new RangeError(`member id '${id}' must not contain ':' (used in instance keys)`);
  const byCode = new Map(def.steps.map((s) => [s.code, s]));
  const membersById = new Map(facts.members.map((m) => [m.id, m]));
  const stepDurations = settings.stepDurations ?? {};

  const keysFor = (dep: StepDefinition, memberId?: string, country?: string): string[] => {
    const ms = memberId !== undefined ? [memberId] : memberIds;
    const cs = country !== undefined ? [country] : countryCodes;
    switch (dep.scope) {
      case 'delegation':
        return [dep.code];
      case 'member':
        return ms.map((m) => instanceKey(dep.code, m));
      case 'country':
        return cs.map((c) => instanceKey(dep.code, undefined, c));
      case 'member-country':
        return ms.flatMap((m) => cs.map((c) => instanceKey(dep.code, m, c)));
    }
  };

  const durationOf = (step: StepDefinition, country?: string): number => {
    if (step.durationSource === 'embassy-processing' && country !== undefined) {
      const wd = countries[country]?.processingWd;
      if (wd !== undefined) return wd;
    }
    if (step.durationSource === 'apec-preclearance' && country !== undefined) {
      const wd = APEC_PRECLEARANCE_WD[country];
      if (wd !== undefined) return wd;
    }
    return stepDurations[step.code] ?? step.durationWd;
  };

  const out: StepInstance[] = [];
  const unknown: string[] = [];
  const afterDeparture = opts.part === 'after-departure';
  for (const step of def.steps) {
    if (!!step.behaviour?.afterDeparture !== afterDeparture) continue;
    const combos: { memberId?: string; country?: string }[] =
      step.scope === 'delegation'
        ? [{}]
        : step.scope === 'member'
          ? memberIds.map((memberId) => ({ memberId }))
          : step.scope === 'country'
            ? countryCodes.map((country) => ({ country }))
            : memberIds.flatMap((memberId) => countryCodes.map((country) => ({ memberId, country })));
    for (const { memberId, country } of combos) {
      const needs: string[] = [];
      for (const depCode of step.needs) {
        const dep = byCode.get(depCode);
        if (!dep) {
          unknown.push(`step ${step.code} needs unknown step ${depCode}`);
          continue;
        }
        needs.push(...keysFor(dep, memberId, country));
      }
      let skipped = false;
      if (step.condition) {
        const ctx: ConditionContext = {
          facts,
          runtime,
          countries,
          ...(memberId !== undefined ? { member: membersById.get(memberId)! } : {}),
          ...(country !== undefined ? { country } : {}),
        };
        skipped = !evaluateCondition(step.condition, ctx);
      }
      out.push({
        key: instanceKey(step.code, memberId, country),
        code: step.code,
        scope: step.scope,
        ...(memberId !== undefined ? { memberId } : {}),
        ...(country !== undefined ? { country } : {}),
        needs,
        durationWd: durationOf(step, country),
        actor: step.actor,
        kind: step.kind,
        phase: step.phase,
        skipped,
      });
    }
  }
  if (unknown.length > 0)
    throw new DefinitionError(
      unknown.map((message) => ({
        code: 'UNKNOWN_DEPENDENCY' as const,
        path: 'steps',
        text: { zh: `依赖无法解析：${message}`, en: message },
        message,
      })),
      def.version,
    );
  return out;
}

// ---------------------------------------------------------------------------------------------
// Helpers the workflow uses between transitions.

export const INSTANCE_STATUSES = ['pending', 'ready', 'awaiting', 'blocked', 'done', 'skipped'] as const;
/** pending/ready: not started; awaiting/blocked: started, not finished; done; skipped (condition false). */
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

export interface InstanceState {
  status: InstanceStatus;
  /** ISO 8601 instant or epoch ms. */
  startedAt?: string | number;
  doneAt?: string | number;
}

export type InstanceStates = Record<string, InstanceState>;

/**
 * Complete = done, or skipped with all its needs complete (a skipped step passes through; it never lets its
 * dependents start earlier than its own dependencies finish).
 */
export function completeKeys(instances: StepInstance[], states: InstanceStates = {}): Set<string> {
  const byKey = new Map(instances.map((i) => [i.key, i]));
  const memo = new Map<string, boolean>();
  const visiting = new Set<string>();
  const isComplete = (key: string): boolean => {
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    const inst = byKey.get(key);
    const status = states[key]?.status;
    let result: boolean;
    if (!inst) result = false;
    else if (status === 'done') result = true;
    else if (inst.skipped || status === 'skipped') {
      if (visiting.has(key)) return false; // a cycle never completes
      visiting.add(key);
      result = inst.needs.every(isComplete);
      visiting.delete(key);
    } else result = false;
    memo.set(key, result);
    return result;
  };
  return new Set(instances.map((i) => i.key).filter(isComplete));
}

export interface NextActions {
  /**
   * Of `ready` and `skipNow`: those a step upstream of a need is not complete for (reset by an amendment or a return
   * after the need was done: docs/domain.md, nothing after it that has not started opens before it is done again).
   */
  unsettled: string[];
  /** Not skipped, not started, every need complete: open these now. */
  ready: string[];
  /** Skipped instances whose needs just completed: record them as skipped. */
  skipNow: string[];
}

export function nextActions(instances: StepInstance[], states: InstanceStates = {}): NextActions {
  const complete = completeKeys(instances, states);
  const settled = settledTest(instances, complete);
  const ready: string[] = [];
  const skipNow: string[] = [];
  const unsettled: string[] = [];
  for (const inst of instances) {
    const status = states[inst.key]?.status ?? 'pending';
    if (status !== 'pending' && status !== 'ready') continue;
    if (!inst.needs.every((k) => complete.has(k))) continue;
    (inst.skipped ? skipNow : ready).push(inst.key);
    if (!inst.needs.every(settled)) unsettled.push(inst.key);
  }
  return { ready, skipNow, unsettled };
}

/**
 * Whether a complete instance's every upstream instance is complete too (transitively), asked lazily (memoized). Without a reset they are the
 * complete ones; after one (an amendment sending B08 back, a return) a step done before it stays complete while a
 * step it rests on is not: what opens after it waits (nextActions' `unsettled`).
 */
function settledTest(instances: StepInstance[], complete: ReadonlySet<string>): (key: string) => boolean {
  // Unless some complete instance has a need not complete (a step done before a reset upstream of it), every complete
  // instance is settled: one pass answers for all (most rounds), asked on the first question only.
  let anyReset: boolean | undefined;
  let byKey: Map<string, StepInstance> | undefined;
  const memo = new Map<string, boolean>();
  const isSettled = (key: string): boolean => {
    anyReset ??= instances.some((i) => complete.has(i.key) && i.needs.some((n) => !complete.has(n)));
    if (!anyReset) return complete.has(key);
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    memo.set(key, false); // a cycle never settles
    byKey ??= new Map(instances.map((i) => [i.key, i]));
    const inst = byKey.get(key);
    const result = !!inst && complete.has(key) && inst.needs.every(isSettled);
    memo.set(key, result);
    return result;
  };
  return isSettled;
}

/** Every instance that transitively depends on one of the given keys (for return-for-revision and re-approval). */
export function dependentsOf(instances: StepInstance[], keys: string[]): string[] {
  const succ = new Map<string, string[]>();
  for (const inst of instances) for (const n of inst.needs) succ.set(n, [...(succ.get(n) ?? []), inst.key]);
  const seen = new Set<string>();
  const stack = [...keys];
  while (stack.length > 0) {
    for (const s of succ.get(stack.pop()!) ?? []) {
      if (!seen.has(s)) {
        seen.add(s);
        stack.push(s);
      }
    }
  }
  return instances.map((i) => i.key).filter((k) => seen.has(k) && !keys.includes(k));
}

/**
 * Does instance `to` rest on instance `from` (wait for it, transitively), by `def`'s needs and buildInstances's one
 * binding rule (bind on the dimensions the dependent instance has, fan in over those it lacks)? From the definition
 * and the two keys alone, no facts: what dependentsOf(buildInstances(def, facts), [from]).includes(to) answers for
 * a case holding both (libs/domain/src/instances.spec.ts checks they agree). A key never rests on itself. Readers of
 * the read models (the API's separation-of-duties pre-check and inbox) ask it, where the case's instances are not.
 */
export function restsOn(def: Pick<ProcessDefinition, 'steps'>, to: string, from: string): boolean {
  const byCode = new Map(def.steps.map((s) => [s.code, s]));
  const toStep = byCode.get(to.split(':')[0]!);
  const fromStep = byCode.get(from.split(':')[0]!);
  if (!toStep || !fromStep) return false;
  const target = parseInstanceKey(from, fromStep.scope);
  const hasMember = (s: Scope) => s === 'member' || s === 'member-country';
  const hasCountry = (s: Scope) => s === 'country' || s === 'member-country';
  // A state: a step code and, per dimension it has, the one value its instances are bound to or '*' (every one).
  type State = { code: string; member?: string; country?: string };
  const start = parseInstanceKey(to, toStep.scope);
  const seen = new Set<string>();
  const queue: State[] = [
    {
      code: start.code,
      ...(start.memberId !== undefined ? { member: start.memberId } : {}),
      ...(start.country !== undefined ? { country: start.country } : {}),
    },
  ];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const code of byCode.get(at.code)?.needs ?? []) {
      const dep = byCode.get(code);
      if (!dep) continue;
      const next: State = {
        code,
        ...(hasMember(dep.scope) ? { member: at.member ?? '*' } : {}),
        ...(hasCountry(dep.scope) ? { country: at.country ?? '*' } : {}),
      };
      const id = `${next.code}|${next.member ?? ''}|${next.country ?? ''}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const bound = (have: string | undefined, want: string | undefined) => want === undefined || have === '*' || have === want;
      if (code === target.code && bound(next.member, target.memberId) && bound(next.country, target.country)) return true;
      queue.push(next);
    }
  }
  return false;
}

/** The instance keys of the decisions `stepKey` rests on (restsOn): CrossRoleQuery.upstream, from the read models. */
export function decidedUpstream(
  def: Pick<ProcessDefinition, 'steps'>,
  decisions: readonly { stepKey: string }[],
  stepKey: string,
): Set<string> {
  return new Set(decisions.filter((d) => restsOn(def, stepKey, d.stepKey)).map((d) => d.stepKey));
}
