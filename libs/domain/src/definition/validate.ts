import { echo as v } from '../echo';
import {
  ATTACHMENT_KIND_LABELS,
  ATTACHMENT_KINDS,
  ATTACHMENT_KINDS_BY_PROCESS,
  isAttachmentKind,
  type AttachmentKind,
} from '../attachments';
import { isConditionName, CONDITIONS } from '../facts';
import { labelledCodes, ROLE_LABELS, ROLES, SCOPES, STEP_KINDS, STEP_PHASES, type Label, type Role } from '../roles';
import type { DefinitionProblem, ProcessDefinition, StepDefinition } from './types';
import { DefinitionError, DURATION_SOURCES, EMBASSY_PROCESSING_DURATION_WD } from './types';
import {
  CERTIFYING_STEPS,
  CUSTODY_MOVE_STEPS,
  CUSTODY_MOVES,
  OUTCOME_FAILURES,
  OVERDUE_ESCALATIONS,
  RERUN_ON_AMEND,
  STEP_DATA_SCHEMAS,
  SYSTEM_WORK,
  SYSTEM_WORK_PLACES,
  type CustodyMove,
  type SystemWork,
} from './behaviour';
import { isBlank } from '../text-rule';
import { statutoryStepProblems } from './statutory-steps';

export * from './statutory-steps';

/**
 * What a published definition's text must fit (new-user trial: a 10,000-character step name was published, and the
 * next case wedged on `value too long for type character varying(200)`). The read models' columns
 * (libs/persistence/src/entities): case_steps.code varchar(8), case_steps.name_zh varchar(200), name_en varchar(300),
 * cases.definition_version varchar(32) (process_versions.version 64). A version also names a search attribute's value
 * and a URL (`/process-versions/:version`): letters, digits, `.`, `_`, `-`, starting with a letter or digit.
 */
export const DEFINITION_TEXT_LIMITS = { code: 8, stepNameZh: 200, stepNameEn: 300, name: 200, version: 32 } as const;
/**
 * The longest a step may take, in working days (a definition's durationWd, an office's stepDurations): three months.
 * The built-in steps take at most 15; a chain of 53 steps at this bound plans within the working-day calendar's span
 * (new-user trial: A02 published at 20,000 working days made every submission's plan overflow the calendar, 503).
 */
export const MAX_STEP_DURATION_WD = 60;

/** What a bounded number counts, as a refusal names it: `须为0至60个工作日` / `Must be a number of working days from 0 to 60`. */
export interface NumberBound {
  min: number;
  max: number;
  /** Only whole numbers (people, countries, days abroad, months, trips, extensions). */
  integer?: boolean;
  /** `min` itself is refused (a deadline of 0 working days is none). */
  minExclusive?: boolean;
  /**
   * At most this many decimal places (a fraction of a working day): 0.01 WD (about 5 minutes of a working day) is the
   * finest figure an office sets; `1e-300` is a typo, never a rule (new-user trial: atRiskThresholdWd 1e-300 was stored).
   */
  decimals?: number;
  unit: { zh: string; en: string };
}

/**
 * Has at most `decimals` decimal places, tolerant of binary floating point (0.3 in 万元 is 3000 yuan exactly), by a
 * tolerance relative to the value alone: a tiny positive number (`1e-300`, new-user trial) is not taken for 0.
 */
export const hasDecimals = (v: number, decimals: number): boolean => {
  const scaled = v * 10 ** decimals;
  return Math.abs(scaled - Math.round(scaled)) <= 16 * Number.EPSILON * Math.abs(scaled);
};

/** The decimal places of a working-day figure an office sets (SETTINGS_BOUNDS, a published step's durationWd): 0.01 WD. */
export const WD_DECIMALS = 2;

const WD = { zh: '个工作日', en: 'working days' };

/**
 * Every number an office sets (OfficeSettings), bounded where it is published: one table, what a real office would
 * set with room to spare. A value past its bound is a typo or a test, never a rule: stored, it reached every new
 * case (new-user trial: US processingWd 1e9 planned the visa step past the working-day calendar's span, and every
 * US-bound submission answered 503).
 * - stepDuration, processingWd: a step, or a consulate's visa processing, takes at most three months (the table's
 *   slowest is 15 working days; the slowest consulates quote 8-12 weeks);
 * - atRiskThresholdWd: the slack under which a case is at risk: a month and a half at most (default 2);
 * - deficiencyDeadlineWd: 容缺 documents supplied within a month (Guangdong: 2 working days), extended at most 5 times;
 * - maxMembers, maxCountries, maxDaysAbroad, farRegionExtraDays: the national rule is 6 members, 3 countries,
 *   5/8/10 days (+1 for far regions); an office may loosen them, not beyond a delegation a bus carries, 10
 *   countries, three months abroad or a month's extra;
 * - frequencyWindowMonths, frequencyMaxTrips: a window of up to 5 years (a term), at most 12 trips in it.
 * Every working-day figure has at most WD_DECIMALS decimal places (0.01 WD, about 5 minutes: rule DECIMALS); every
 * other number is whole.
 */
export const SETTINGS_BOUNDS = {
  stepDuration: { min: 0, max: MAX_STEP_DURATION_WD, decimals: WD_DECIMALS, unit: WD },
  processingWd: { min: 0, max: 60, decimals: WD_DECIMALS, unit: WD },
  atRiskThresholdWd: { min: 0, max: 30, decimals: WD_DECIMALS, unit: WD },
  deficiencyDeadlineWd: { min: 0, minExclusive: true, max: 20, decimals: WD_DECIMALS, unit: WD },
  deficiencyExtensions: { min: 0, max: 5, integer: true, unit: { zh: '次', en: 'extensions' } },
  maxMembers: { min: 1, max: 50, integer: true, unit: { zh: '人', en: 'members' } },
  maxCountries: { min: 1, max: 10, integer: true, unit: { zh: '个国家', en: 'countries' } },
  maxDaysAbroad: { min: 1, max: 90, integer: true, unit: { zh: '天', en: 'days' } },
  farRegionExtraDays: { min: 0, max: 30, integer: true, unit: { zh: '天', en: 'days' } },
  frequencyWindowMonths: { min: 1, max: 60, integer: true, unit: { zh: '个月', en: 'months' } },
  frequencyMaxTrips: { min: 1, max: 12, integer: true, unit: { zh: '次', en: 'trips' } },
} as const satisfies Record<string, NumberBound>;

/**
 * A number at `path` within its bound, else one problem: INVALID_FIELD (not a finite number, or not whole where it must
 * be), MIN, MAX or DECIMALS (more decimal places than `decimals`); the text names the range in Chinese and English alike.
 */
export function boundProblems(value: unknown, path: string, bound: NumberBound, step?: string): DefinitionProblem[] {
  const { min, max, integer, minExclusive, decimals, unit } = bound;
  const kind = integer ? 'a whole number of' : 'a number of';
  const text = {
    zh: minExclusive ? `须大于${min}且不超过${max}${unit.zh}` : `须为${min}至${max}${unit.zh}${integer ? '（整数）' : ''}`,
    en: minExclusive ? `Must be ${kind} ${unit.en} above ${min}, at most ${max}` : `Must be ${kind} ${unit.en} from ${min} to ${max}`,
  };
  const problem = (code: 'INVALID_FIELD' | 'MIN' | 'MAX'): DefinitionProblem[] => [
    { code, ...(step ? { step } : {}), path, text, message: `settings: '${path}' ${text.en.replace(/^M/, 'm')}` },
  ];
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) return problem('INVALID_FIELD');
  if (value < min || (minExclusive && value === min)) return problem('MIN');
  if (value > max) return problem('MAX');
  if (decimals !== undefined && !hasDecimals(value, decimals)) return decimalsProblems(path, decimals, unit, step);
  return [];
}

/** DECIMALS at `path`: a figure finer than `decimals` places of its unit (`atRiskThresholdWd: 1e-300`). */
function decimalsProblems(path: string, decimals: number, unit: { zh: string; en: string }, step?: string): DefinitionProblem[] {
  const finest = 10 ** -decimals;
  const text = {
    zh: `最多${decimals}位小数（0或至少${finest}${unit.zh}）`,
    en: `At most ${decimals} decimal place(s) (0 or at least ${finest} ${unit.en})`,
  };
  return [{ code: 'DECIMALS', ...(step ? { step } : {}), path, text, message: `'${path}' has more than ${decimals} decimal place(s)` }];
}
export const DEFINITION_VERSION_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

const STEP_CODE_RE = /^[A-Z][A-Z0-9_-]{0,7}$/;

/** Length in Unicode code points (as the API's maxLength and PostgreSQL's varchar(n) count). */
const chars = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** A required text at `path`: blank (only whitespace or invisible characters) or longer than `max` is a problem. */
export function textProblems(value: string, path: string, max: number, step?: string): DefinitionProblem[] {
  const where = step ? `step ${step}: ` : 'definition: ';
  if (isBlank(value))
    return [
      {
        code: 'BLANK',
        ...(step ? { step } : {}),
        path,
        text: { zh: '不得为空白（仅含空格或不可见字符）', en: 'Must not be blank (only spaces or invisible characters)' },
        message: `${where}'${path}' is blank`,
      },
    ];
  if (chars(value) > max)
    return [
      {
        code: 'MAX',
        ...(step ? { step } : {}),
        path,
        text: { zh: `最多${max}个字符`, en: `At most ${max} character(s)` },
        message: `${where}'${path}' is longer than ${max} characters`,
      },
    ];
  return [];
}

/**
 * Who a step may be for, by process: never the manager (reads everything, decides nothing) nor the administrator
 * (users only, no cases); the enterprise clerk and the APEC desk only in the APEC card processes, the delegation
 * chain's roles only in it. A published version naming another would wedge every case pinned to it.
 */
const NEVER_STEP_ACTORS: readonly string[] = ['manager', 'admin'];
const APEC_ONLY_ACTORS: readonly string[] = ['enterprise-clerk', 'apec-desk'];
export const STEP_ACTORS: Record<'delegation' | 'apec-card' | 'apec-whitelist', readonly Role[]> = {
  delegation: ROLES.filter((r) => !NEVER_STEP_ACTORS.includes(r) && !APEC_ONLY_ACTORS.includes(r)),
  'apec-card': ROLES.filter((r) => !NEVER_STEP_ACTORS.includes(r)),
  'apec-whitelist': ROLES.filter((r) => !NEVER_STEP_ACTORS.includes(r)),
};

/**
 * Who never decides an approval: the applicant's side — the unit's clerks who file the trip (organizer), the travellers
 * (member), the enterprise's clerk of an APEC application — and the outside bodies whose steps are `external`. An
 * approval for them is a trip approving itself (new-user trial, 2026-12-05: A10, the finance countersign of the
 * budget, published for the organizer). process.md § The 53 steps: every approval is a reviewing office's.
 */
export const NEVER_APPROVERS: readonly Role[] = ['organizer', 'member', 'enterprise-clerk', 'external'];

/** The process a definition as sent runs (an unknown or absent `process`: the delegation chain, as processOf reads it). */
function declaredProcess(def: { process?: unknown }): 'delegation' | 'apec-card' | 'apec-whitelist' {
  return def.process === 'apec-card' || def.process === 'apec-whitelist' ? def.process : 'delegation';
}

/** A JSON object (not null, not an array): what the definition checks take a record to be. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function includes<T extends string>(list: readonly T[], v: unknown): v is T {
  return typeof v === 'string' && (list as readonly string[]).includes(v);
}

/** Field-level checks of one raw step; returns problems, never throws. */
function checkStepShape(raw: unknown, index: number): DefinitionProblem[] {
  const where = `steps[${index}]`;
  if (!isRecord(raw))
    return [
      { code: 'INVALID_SHAPE', path: where, text: { zh: '须为对象', en: 'Must be an object' }, message: `${where} is not an object` },
    ];
  const code = typeof raw.code === 'string' ? raw.code : undefined;
  const at = code ? `step ${code}` : where;
  const problems: DefinitionProblem[] = [];
  const bad = (field: string, expected: string, zh: string) =>
    problems.push({
      code: 'INVALID_FIELD',
      ...(code ? { step: code } : {}),
      path: `${where}.${field}`,
      text: { zh: `须为${zh}`, en: `Must be ${expected}` },
      message: `${at}: '${field}' must be ${expected}`,
    });
  if (!code || !STEP_CODE_RE.test(code))
    bad('code', 'an upper-case code like A01 (at most 8 characters)', '大写步骤代码，如 A01（最多8个字符）');
  if (!includes(STEP_PHASES, raw.phase)) bad('phase', `one of ${STEP_PHASES.join(', ')}`, `以下之一：${STEP_PHASES.join('、')}`);
  if (!isRecord(raw.name) || typeof raw.name.zh !== 'string' || typeof raw.name.en !== 'string')
    bad('name', 'an object { zh, en } of strings', '含 zh、en 两个字符串的对象');
  else
    problems.push(
      ...textProblems(raw.name.zh, `${where}.name.zh`, DEFINITION_TEXT_LIMITS.stepNameZh, code),
      ...textProblems(raw.name.en, `${where}.name.en`, DEFINITION_TEXT_LIMITS.stepNameEn, code),
    );
  if (!includes(ROLES, raw.actor)) bad('actor', 'a known role', '已知角色');
  if (!includes(SCOPES, raw.scope)) bad('scope', `one of ${SCOPES.join(', ')}`, `以下之一：${SCOPES.join('、')}`);
  if (!Array.isArray(raw.needs) || !raw.needs.every((n) => typeof n === 'string')) bad('needs', 'an array of step codes', '步骤代码的数组');
  if (typeof raw.durationWd !== 'number' || !Number.isFinite(raw.durationWd) || raw.durationWd < 0 || raw.durationWd > MAX_STEP_DURATION_WD)
    bad('durationWd', `a number of working days from 0 to ${MAX_STEP_DURATION_WD}`, `0至${MAX_STEP_DURATION_WD}个工作日`);
  if (!includes(STEP_KINDS, raw.kind)) bad('kind', `one of ${STEP_KINDS.join(', ')}`, `以下之一：${STEP_KINDS.join('、')}`);
  if (raw.durationSource !== undefined && !includes(DURATION_SOURCES, raw.durationSource))
    bad('durationSource', `absent or one of ${DURATION_SOURCES.join(', ')}`, `省略，或以下之一：${DURATION_SOURCES.join('、')}`);
  if (raw.condition !== undefined && !isConditionName(raw.condition)) {
    const known = Object.keys(CONDITIONS).join(', ');
    problems.push({
      code: 'UNKNOWN_CONDITION',
      ...(code ? { step: code } : {}),
      path: `${where}.condition`,
      text: {
        zh: `未知条件 ${v(raw.condition)}（已知：${Object.keys(CONDITIONS).join('、')}）`,
        en: `Unknown condition '${v(raw.condition)}' (known: ${known})`,
      },
      message: `${at}: unknown condition '${String(raw.condition)}' (known: ${known})`,
    });
  }
  const required = isRecord(raw.behaviour) ? raw.behaviour.requiresAttachments : undefined;
  if (
    required !== undefined &&
    (!Array.isArray(required) || !required.every(isAttachmentKind) || new Set(required).size !== required.length)
  )
    bad(
      'behaviour.requiresAttachments',
      `an array of distinct attachment kinds (${ATTACHMENT_KINDS.join(', ')})`,
      `不重复的附件类型数组（${ATTACHMENT_KINDS.join('、')}）`,
    );
  const planReason = isRecord(raw.behaviour) ? raw.behaviour.requiresPlanReason : undefined;
  if (planReason !== undefined && (planReason !== true || raw.kind !== 'approval'))
    bad('behaviour.requiresPlanReason', 'absent, or true on an approval step', '省略，或在审批步骤上为 true');
  return problems;
}

/** Every dependency cycle found by a depth-first search, each as a closed path of codes. */
function findCycles(steps: StepDefinition[]): string[][] {
  const needs = new Map(steps.map((s) => [s.code, s.needs.filter((n) => n !== s.code)]));
  const state = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = finished
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (code: string): void => {
    state.set(code, 1);
    stack.push(code);
    for (const dep of needs.get(code) ?? []) {
      if (!needs.has(dep)) continue; // unknown dependencies are reported separately
      const s = state.get(dep);
      if (s === 1) cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
      else if (s === undefined) visit(dep);
    }
    stack.pop();
    state.set(code, 2);
  };
  for (const s of steps) if (!state.has(s.code)) visit(s.code);
  return cycles;
}

/**
 * Every problem of a definition (empty when valid): shape, unique codes, dependencies that resolve,
 * no self-dependency or cycle, conditions known and evaluable at the step's scope.
 */
export function validateDefinition(def: unknown): DefinitionProblem[] {
  if (!isRecord(def))
    return [
      {
        code: 'INVALID_SHAPE',
        path: '',
        text: { zh: '流程定义须为对象', en: 'The definition must be an object' },
        message: 'definition is not an object',
      },
    ];
  const problems: DefinitionProblem[] = [];
  if (typeof def.version !== 'string' || def.version.trim() === '')
    problems.push({
      code: 'INVALID_FIELD',
      path: 'version',
      text: { zh: '须为非空字符串', en: 'Must be a non-empty string' },
      message: "definition: 'version' must be a non-empty string",
    });
  else if (!DEFINITION_VERSION_RE.test(def.version))
    problems.push({
      code: 'FORMAT',
      path: 'version',
      text: {
        zh: `须为1-${DEFINITION_TEXT_LIMITS.version}位字母、数字、. _ -（以字母或数字开头），如 office-2027.1`,
        en: `Must be 1-${DEFINITION_TEXT_LIMITS.version} letters, digits, . _ - (starting with a letter or digit), e.g. office-2027.1`,
      },
      message: "definition: 'version' is not a version name",
    });
  if (def.name !== undefined) {
    if (!isRecord(def.name) || typeof def.name.zh !== 'string' || typeof def.name.en !== 'string')
      problems.push({
        code: 'INVALID_FIELD',
        path: 'name',
        text: { zh: '须为含 zh、en 两个字符串的对象', en: 'Must be an object { zh, en } of strings' },
        message: "definition: 'name' must be an object { zh, en } of strings",
      });
    else
      problems.push(
        ...textProblems(def.name.zh, 'name.zh', DEFINITION_TEXT_LIMITS.name),
        ...textProblems(def.name.en, 'name.en', DEFINITION_TEXT_LIMITS.name),
      );
  }
  if (!Array.isArray(def.steps) || def.steps.length === 0) {
    problems.push({
      code: 'INVALID_SHAPE',
      path: 'steps',
      text: { zh: '须为非空数组', en: 'Must be a non-empty array' },
      message: "definition: 'steps' must be a non-empty array",
    });
    return problems;
  }
  const rawSteps: unknown[] = def.steps;
  const shapeProblems = rawSteps.map((s, i) => checkStepShape(s, i));
  problems.push(...shapeProblems.flat());
  // Graph checks only on steps whose shape is sound, so one bad field does not cascade.
  const steps = rawSteps.filter((_, i) => shapeProblems[i]!.length === 0) as StepDefinition[];
  // Each sound step's index as sent, so a problem names `steps[i]…` (not the step's code).
  const indexOf = new Map(steps.map((s) => [s, rawSteps.indexOf(s)]));
  const at = (s: StepDefinition) => `steps[${indexOf.get(s)!}]`;

  const seen = new Set<string>();
  const allCodes = new Set(
    rawSteps
      .filter(isRecord)
      .map((s) => s.code)
      .filter((c): c is string => typeof c === 'string'),
  );
  // A step is for someone who can act on it in this process (trial: A02 published for the manager, the administrator
  // or the enterprise clerk wedged every new case: the manager decides nothing, the administrator reads no case, and
  // no one may act on their behalf).
  const process = declaredProcess(def);
  for (const s of steps)
    if (!STEP_ACTORS[process].includes(s.actor))
      problems.push({
        code: 'STEP_ACTOR',
        step: s.code,
        path: `${at(s)}.actor`,
        // The codes the field takes, each with its name (trial: the codes alone).
        text: {
          zh: `须为能办理本流程步骤的角色：${labelledCodes(STEP_ACTORS[process], ROLE_LABELS).zh}`,
          en: `Must be a role that acts on this process's steps: ${labelledCodes(STEP_ACTORS[process], ROLE_LABELS).en}`,
        },
        message: `step ${s.code}: '${s.actor}' acts on no step of the ${process} process`,
      });
  // The engine runs a step by its kind (trial: A02 published as a system step with no system work failed every
  // workflow task of every new case, and as a task for `system` sat in no one's inbox). Checked in the declared form
  // (a step declaring behaviour); an older definition without any is checked as the engine reads it, upcast.
  if (steps.some((s) => s.behaviour !== undefined))
    for (const s of steps) {
      const runsItself = s.kind === 'system' || s.kind === 'timer';
      if (s.kind === 'system' && !s.behaviour?.system)
        problems.push({
          code: 'STEP_KIND',
          step: s.code,
          path: `${at(s)}.kind`,
          text: {
            zh: '系统步骤须声明系统执行的工作（behaviour.system）',
            en: 'A system step declares the work the engine does (behaviour.system)',
          },
          message: `step ${s.code}: a system step with no behaviour.system`,
        });
      else if (runsItself !== (s.actor === 'system'))
        problems.push({
          code: 'STEP_ACTOR',
          step: s.code,
          path: `${at(s)}.actor`,
          text: runsItself
            ? { zh: '系统步骤与计时步骤由系统办理（system）', en: 'A system or timer step is the engine’s (system)' }
            : { zh: '人员办理的步骤不能由 system 办理', en: 'A step people do is not the engine’s (system)' },
          message: `step ${s.code}: kind ${s.kind} with actor ${s.actor}`,
        });
    }
  // A step whose post-trip phase and afterDeparture disagree is named at that field by the publish checks
  // (behaviourProblems, the statutory table), not as a need across departure of the steps beside it (trial 33: P04
  // without its due was named at needs[0] as needing P03 across departure, both post-trip).
  const declaresBehaviour = steps.some((s) => s.behaviour !== undefined);
  const phaseDisagrees = (s: StepDefinition | undefined) =>
    declaresBehaviour && s !== undefined && (s.phase === 'post-trip') !== !!s.behaviour?.afterDeparture;
  for (const s of steps) {
    if (seen.has(s.code))
      problems.push({
        code: 'DUPLICATE_CODE',
        step: s.code,
        path: `${at(s)}.code`,
        text: { zh: `步骤代码 ${v(s.code)} 重复`, en: `Step code ${v(s.code)} is used twice` },
        message: `duplicate step code ${s.code}`,
      });
    seen.add(s.code);
  }
  for (const s of steps) {
    s.needs.forEach((dep, j) => {
      const path = `${at(s)}.needs[${j}]`;
      const needed = steps.find((o) => o.code === dep);
      if (dep === s.code)
        problems.push({
          code: 'SELF_DEPENDENCY',
          step: s.code,
          path,
          text: { zh: `步骤 ${v(s.code)} 不能依赖自身`, en: `Step ${v(s.code)} cannot need itself` },
          message: `step ${s.code} depends on itself`,
        });
      else if (s.needs.indexOf(dep) < j)
        // Taken twice, a need says nothing more and reads as two (thirty-fourth trial: needs ['P01', 'P01'] published).
        problems.push({
          code: 'DUPLICATE_DEPENDENCY',
          step: s.code,
          path,
          text: { zh: `步骤 ${v(s.code)} 重复依赖 ${v(dep)}`, en: `Step ${v(s.code)} needs ${v(dep)} twice` },
          message: `step ${s.code} needs ${dep} twice`,
        });
      else if (!allCodes.has(dep))
        problems.push({
          code: 'UNKNOWN_DEPENDENCY',
          step: s.code,
          path,
          text: { zh: `没有步骤 ${v(dep)}`, en: `No step ${v(dep)}` },
          message: `step ${s.code} needs unknown step ${dep}`,
        });
      else if (!!needed?.behaviour?.afterDeparture !== !!s.behaviour?.afterDeparture && !phaseDisagrees(s) && !phaseDisagrees(needed))
        // The two parts are planned apart: departure is the only link between them.
        problems.push({
          code: 'CROSS_DEPARTURE_DEPENDENCY',
          step: s.code,
          path,
          // Said for the side the step is on (trial 33: E07 needing P03 was told post-trip steps need only post-trip ones).
          text: s.behaviour?.afterDeparture
            ? {
                zh: `步骤 ${v(s.code)} 不能跨出发日依赖 ${v(dep)}（出发后的步骤只能依赖出发后的步骤）`,
                en: `Step ${v(s.code)} cannot need ${v(dep)} across departure (post-trip steps need only post-trip steps)`,
              }
            : {
                zh: `步骤 ${v(s.code)} 不能跨出发日依赖 ${v(dep)}（出发前的步骤不能依赖出发后的步骤）`,
                en: `Step ${v(s.code)} cannot need ${v(dep)} across departure (a step before departure cannot need a post-trip step)`,
              },
          message: `step ${s.code} needs ${dep} across departure (each side of departure needs only steps on its side)`,
        });
    });
    if (s.condition && !CONDITIONS[s.condition].scopes.includes(s.scope)) {
      const allowed = CONDITIONS[s.condition].scopes;
      problems.push({
        code: 'CONDITION_SCOPE',
        step: s.code,
        path: `${at(s)}.condition`,
        text: {
          zh: `条件 ${s.condition} 不能在 ${s.scope} 范围求值（允许：${allowed.join('、')}）`,
          en: `Condition '${s.condition}' cannot be evaluated at ${s.scope} scope (allowed: ${allowed.join(', ')})`,
        },
        message: `step ${s.code}: condition '${s.condition}' cannot be evaluated at ${s.scope} scope (allowed: ${allowed.join(', ')})`,
      });
    }
  }
  const unique = steps.filter((s, i) => steps.findIndex((o) => o.code === s.code) === i);
  for (const cycle of findCycles(unique)) {
    const first = unique.find((s) => s.code === cycle[0])!;
    problems.push({
      code: 'CYCLE',
      step: cycle[0],
      path: `${at(first)}.needs`,
      text: { zh: `依赖成环：${cycle.map(v).join(' → ')}`, en: `Dependency cycle: ${cycle.map(v).join(' -> ')}` },
      message: `dependency cycle: ${cycle.join(' -> ')}`,
    });
  }
  return problems;
}

/**
 * The approvals no published version may drop (因公出国（境）审批: 政审 by personnel, 保密审查 by the secrecy office,
 * 单位领导签批, 外办主任审核, 按权限报批 by the leadership), each an `approval` step of that role, and the public notice
 * (出访前公示: a step with `behaviour.notice`), must all come before the approval document is issued: every step
 * whose behaviour issues it (`system: 'approval-document'`) has each among the steps it needs, directly or through
 * others, and runs for every case: no condition, but 保密审查's own (only for members with classified access: a
 * condition would otherwise switch an approval off). New-user trial: a
 * director published a version without A11, A12, A15, A16, B05-B07, and its cases got the 任务批件 after the
 * intake clerk alone. Checked where a version is published (loadDefinition), not in the workflow's start check:
 * definitions of cases already running stay as they are.
 */
export const STATUTORY_APPROVAL_ROLES = ['personnel', 'secrecy', 'unit-leader', 'fao-director', 'leader'] as const;

/** The codes a step needs, directly or through the steps it needs (its ancestors in the definition's graph). */
export function neededCodes(def: Pick<ProcessDefinition, 'steps'>, step: Pick<StepDefinition, 'needs'>): Set<string> {
  const byCode = new Map(def.steps.map((s) => [s.code, s]));
  const before = new Set<string>();
  const stack = [...step.needs];
  while (stack.length > 0) {
    const code = stack.pop()!;
    if (before.has(code)) continue;
    before.add(code);
    stack.push(...(byCode.get(code)?.needs ?? []));
  }
  return before;
}

export function statutoryApprovalProblems(def: ProcessDefinition): DefinitionProblem[] {
  const byCode = new Map(def.steps.map((s) => [s.code, s]));
  const problems: DefinitionProblem[] = [];
  def.steps.forEach((issuer, index) => {
    if (issuer.behaviour?.system !== 'approval-document') return;
    const before = neededCodes(def, issuer);
    const ancestors = [...before].flatMap((c) => byCode.get(c) ?? []);
    const missing: string[] = STATUTORY_APPROVAL_ROLES.filter(
      (role) =>
        !ancestors.some(
          (s) => s.kind === 'approval' && s.actor === role && (!s.condition || (role === 'secrecy' && s.condition === 'classifiedAccess')),
        ),
    ).map((role) => role);
    if (!ancestors.some((s) => s.behaviour?.notice)) missing.push('public-notice');
    if (missing.length === 0) return;
    // Named in words, the role's code beside (trial: the English listed the codes alone).
    const NAMES: Record<string, { zh: string; en: string }> = {
      personnel: { zh: '组织人事部门政审', en: 'political vetting by the personnel office' },
      secrecy: { zh: '保密审查', en: 'secrecy review' },
      'unit-leader': { zh: '单位领导签批', en: "the unit leader's sign-off" },
      'fao-director': { zh: '外办主任审核', en: "the FAO director's review" },
      leader: { zh: '按权限报批', en: 'approval by the competent leader' },
      'public-notice': { zh: '出访前公示', en: 'the pre-trip public notice' },
    };
    problems.push({
      code: 'STATUTORY_APPROVAL',
      step: issuer.code,
      path: `steps[${index}].needs`,
      text: {
        zh: `印发任务批件前须经过：${missing.map((m) => NAMES[m]!.zh).join('、')}（不得从流程中删去）`,
        en: `The approval document must follow: ${missing.map((m) => `${NAMES[m]!.en} (${m})`).join(', ')} (a version may not drop them)`,
      },
      message: `step ${issuer.code} issues the approval document without ${missing.join(', ')} before it`,
    });
  });
  return problems;
}

/**
 * A published step's durationWd is a working-day figure like an office's stepDurations: at most WD_DECIMALS decimal
 * places (DECIMALS at `steps[i].durationWd`). Checked where a version is published (loadDefinition), not in the
 * workflow's start check (validateDefinition): definitions of cases already running stay as they are.
 */
export function durationDecimalsProblems(def: ProcessDefinition): DefinitionProblem[] {
  return def.steps.flatMap((s, i) =>
    hasDecimals(s.durationWd, WD_DECIMALS)
      ? []
      : decimalsProblems(`steps[${i}].durationWd`, WD_DECIMALS, WD, s.code).map((p) => ({ ...p, message: `step ${s.code}: ${p.message}` })),
  );
}

/**
 * A step's custody move (behaviour.custody) is one the worker makes (CUSTODY_MOVES), made by the step the built-in
 * chain makes it at (CUSTODY_MOVE_STEPS: C05 'register', C06 'cancel', C07 'check-out', P02 'check-in'; the statutory
 * steps pin their order and conditions), and 'register' is on a member's step whose completion records the passport it registers
 * (data schema 'new-passport'): else INVALID_FIELD at `steps[i].behaviour.custody` (a misspelt move was taken and moved
 * nothing; twelfth trial: a step added with 'cancel' cancelled every member's only valid passport). Checked where a
 * version is published (loadDefinition), not in the workflow's start check: definitions of cases already running stay
 * as they are.
 */
export function custodyMoveProblems(def: ProcessDefinition): DefinitionProblem[] {
  return def.steps.flatMap((s, i): DefinitionProblem[] => {
    const move: unknown = s.behaviour?.custody;
    if (move === undefined) return [];
    const path = `steps[${i}].behaviour.custody`;
    const home = (CUSTODY_MOVES as readonly unknown[]).includes(move) ? CUSTODY_MOVE_STEPS[move as CustodyMove] : undefined;
    if (home !== undefined && home !== s.code)
      return [
        {
          code: 'INVALID_FIELD',
          step: s.code,
          path,
          text: {
            zh: `护照保管登记的“${move}”只由步骤 ${home} 办理`,
            en: `The custody ledger's '${move}' is made by step ${home} only`,
          },
          message: `step ${s.code}: custody '${move}' belongs to ${home}`,
        },
      ];
    if (!(CUSTODY_MOVES as readonly unknown[]).includes(move))
      return [
        {
          code: 'INVALID_FIELD',
          step: s.code,
          path,
          text: { zh: `须为以下之一：${CUSTODY_MOVES.join('、')}`, en: `Must be one of ${CUSTODY_MOVES.join(', ')}` },
          message: `step ${s.code}: unknown custody move '${String(move)}'`,
        },
      ];
    if (move === 'register' && (s.behaviour?.data !== 'new-passport' || (s.scope !== 'member' && s.scope !== 'member-country')))
      return [
        {
          code: 'INVALID_FIELD',
          step: s.code,
          path,
          text: {
            zh: "'register' 须用于按成员办理、办理数据为 new-passport 的步骤（登记其记录的新护照）",
            en: "'register' takes the passport a member's step records: a member step with data schema 'new-passport'",
          },
          message: `step ${s.code}: custody 'register' without a member's new-passport data`,
        },
      ];
    return [];
  });
}

/**
 * Who decides, as a published version declares it (publish time only, as the statutory checks: definitions of running
 * cases stay): an approval is a reviewing office's decision, never the applicant side's (NEVER_APPROVERS), and a step
 * that records a fact is not an approval, and a step after departure is the office's own task (no approval, no outside
 * body's step or task). Problems at `steps[i].actor` (STEP_ACTOR) and `steps[i].kind` (STEP_KIND), at most one each.
 */
export function approvalProblems(def: ProcessDefinition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const at = (s: StepDefinition) => `steps[${def.steps.indexOf(s)}]`;
  const steps = def.steps;
  const push = (s: StepDefinition, code: 'STEP_ACTOR' | 'STEP_KIND', text: { zh: string; en: string }, message: string) =>
    problems.push({ code, step: s.code, path: `${at(s)}.${code === 'STEP_ACTOR' ? 'actor' : 'kind'}`, text, message });
  for (const s of steps) {
    const afterDeparture = !!s.behaviour?.afterDeparture;
    // An approval is a reviewing office's decision, never the applicant side's (NEVER_APPROVERS).
    const applicantApproves = s.kind === 'approval' && NEVER_APPROVERS.includes(s.actor);
    if (applicantApproves)
      push(
        s,
        'STEP_ACTOR',
        {
          zh: `审批步骤不能由申请一方或外部机构办理（${labelledCodes(NEVER_APPROVERS, ROLE_LABELS).zh}）`,
          en: `An approval is not decided by the applicant's side or an outside body (${labelledCodes(NEVER_APPROVERS, ROLE_LABELS).en})`,
        },
        `step ${s.code}: an approval for '${s.actor}'`,
      );
    // …nor is a step after departure an outside body's task, which the phase's officer records for it (trial 34: P05 for
    // 'external' was completed by the visa officer).
    else if (s.actor === 'external' && afterDeparture && s.kind !== 'external')
      push(
        s,
        'STEP_ACTOR',
        {
          zh: '出发后的步骤是本方的办理义务，不能由外部机构办理',
          en: "A step after departure is an obligation of the office's own side, not an outside body's",
        },
        `step ${s.code}: for 'external' after departure`,
      );
    // A step that records a fact — certifies a day, moves a passport in custody, collects the missing documents — is not
    // a decision: an approval may be refused, and a refusal closes the case (new-user trial, 2026-12-05: E07, the
    // departure confirmation, published as an approval; another clerk refused it and the fully approved case closed).
    if (s.kind === 'approval' && (s.behaviour?.certifies || s.behaviour?.custody || s.behaviour?.collectsDeficiencies))
      push(
        s,
        'STEP_KIND',
        {
          zh: '确认日期、护照保管进出或收齐容缺材料的步骤记录事实，不能是审批步骤（审批可被驳回，驳回即结案）',
          en: 'A step that certifies a date, moves a passport in custody or collects the missing documents records a fact: it is not an approval (an approval may be refused, which closes the case)',
        },
        `step ${s.code}: an approval with behaviour ${Object.keys(s.behaviour ?? {}).join(', ')}`,
      );
    // After the departure the trip was approved and made: the post-trip obligations are done, not decided. A refusal
    // there closed a made trip as rejected, withdrawing the statutory disclosure (trial 33: P05 as finance's approval).
    else if ((s.kind === 'approval' || s.kind === 'external') && afterDeparture)
      push(
        s,
        'STEP_KIND',
        {
          zh: '出发后的步骤是办理义务（task 或 timer），不是审批或外部机构的决定：驳回会把已成行的出访结为“未批准”',
          en: "A step after departure is an obligation done (task or timer), not an approval or an outside body's decision: a refusal would close a trip made as rejected",
        },
        `step ${s.code}: a ${s.kind} after departure`,
      );
  }
  return problems;
}

/**
 * The refusal of a duration on a step whose days come per country from the country table (durationSource
 * 'embassy-processing', D12): every country a trip may name has its processingWd there (an unknown one is refused at
 * submission, UNKNOWN_COUNTRY), so buildInstances never reads the step's own days (trial 36: `stepDurations.D12` 8 was
 * published and every case still planned the embassy's 5). The pre-clearance's table (apec-preclearance, K05) leaves
 * economies out, which take the step's days: those are read.
 */
export const EMBASSY_DAYS_FROM_COUNTRIES: Label = {
  zh: '该步骤的办理天数按国家取自国家表（countries.<国家代码>.processingWd），此处的天数不会被采用',
  en: "This step's days come per country from the country table (countries.<code>.processingWd): a duration here is never used",
};

/** The refusal of a duration on a step after departure (behaviourProblems; an office's stepDurations, validateOverrides). */
export const POST_TRIP_DURATION: Label = {
  zh: '出访后的步骤按回国后的期限（behaviour.afterDeparture）办理，不设工作日时长（须为0）',
  en: 'A post-trip step is due by its deadline after the return (behaviour.afterDeparture), not a duration: must be 0',
};

/** Largest due (days after the return) and escalation a post-trip step may declare (behaviour.afterDeparture): a year. */
export const MAX_AFTER_DEPARTURE_DAYS = 365;

/**
 * Every behaviour a published version declares is one the engine reads as declared, on a step that can carry it
 * (publish time only, as custodyMoveProblems: definitions of running cases stay). A value the engine does not know
 * was taken and did nothing (`rerunOnAmend: 'bogus'`: the step never ran again), and a behaviour on the wrong step
 * would do what the chain keeps for another (a probe after the thirtieth trial, all published: `closes` on A02, which
 * would complete a trip at its drafting with no approval given; a clerk's added task certifying the departure; a task
 * refusing members; then the thirty-first and thirty-second trials: a second collector, a second approval document).
 * Each problem is INVALID_FIELD at `steps[i].behaviour.<field>`, saying what the field takes or where it belongs:
 * - `system`: a known work (SYSTEM_WORK), on a system step, of this process, at the scope it reads (SYSTEM_WORK_PLACES),
 *   by one step per version (one approval document);
 * - `intake`: `{acceptWithDeficiencies: {defaultNeededBy}}` on one approval per version (a decision accepts; B02 where
 *   it declares it), naming a step after it (that needs it, directly or through others);
 * - `collectsDeficiencies`, `closes`: `true`; one collector per version (B03 where it declares it), a task, in a version
 *   whose intake may accept with deficiencies; `closes` never in the delegation chain (it ends with its post-trip
 *   steps), elsewhere on a step no other needs (the process's last);
 * - `notice`: `{objections: true}`, on a timer step, one per version (A13 where it declares it; objections go to one:
 *   actions/objection.ts);
 * - `certifies`: `{event}` of CERTIFYING_STEPS, on that event's step only (E07 departure, P01 return);
 * - `outcome`: `{mayFail}` of OUTCOME_FAILURES, on an external step whose data is `external-outcome`; `member-everywhere`
 *   per country (its members leave once every country refused them);
 * - `data`: a STEP_DATA_SCHEMAS name, on a step a person completes (not system or timer), whose work reads it:
 *   `external-outcome` an external step's, `entry-route` per member and country on one step per version (D01),
 *   `return-registration` the return's certifying step's, `trip-report` one post-trip delegation step's per version
 *   (P03), `new-passport` the custody registration's, `admission-application` the whitelist's;
 * - `rerunOnAmend` (RERUN_ON_AMEND), `overdue` (OVERDUE_ESCALATIONS): one of the names; `passport-overdue` on the
 *   custody check-in, `report-overdue` on the trip report;
 * - `afterDeparture`: `{due: {workingDays} | {calendarDays}, escalateAfterDays?}`, days from 0 (escalation from 1) to
 *   MAX_AFTER_DEPARTURE_DAYS, working days to WD_DECIMALS places; `escalateAfterDays` (the unit's block) on the step whose
 *   overdue is `passport-overdue` only.
 * - `requiresAttachments`: on a step people do (the engine completes system and timer steps without uploads);
 * - `requiresPlanReason`: on an approval after the annual plan check (system `annual-plan`, A01), in a version that has it;
 * - `afterDeparture` exactly on the steps of phase `post-trip` (else at `behaviour.afterDeparture` or `steps[i].phase`),
 *   and such a step's `durationWd` 0 (at `steps[i].durationWd`: it is due by its afterDeparture; POST_TRIP_DURATION);
 * `custody`, and the values of `requiresAttachments` and `requiresPlanReason`, have their own checks (custodyMoveProblems,
 * the shape).
 * Likewise the step's `durationSource` (days per country: the embassy's in the delegation chain, the economy's
 * pre-clearance in the card's), INVALID_FIELD at `steps[i].durationSource`, on a per-country step of its process.
 */
export function behaviourProblems(def: ProcessDefinition): DefinitionProblem[] {
  const process = declaredProcess(def);
  const problems: DefinitionProblem[] = [];
  const codes = new Set(def.steps.map((s) => s.code));
  const needed = new Set(def.steps.flatMap((s) => s.needs));
  const declaresBehaviour = def.steps.some((s) => s.behaviour !== undefined);
  // The one step of a version that holds a role only one can: the built-in's when the version keeps it declaring it.
  const homeOf = (holds: (b: Record<string, unknown>) => boolean, builtIn: string) => {
    const holding = def.steps.filter((s) => isRecord(s.behaviour) && holds(s.behaviour));
    return (holding.find((s) => s.code === builtIn) ?? holding[0])?.code;
  };
  const noticeAt = homeOf((b) => b.notice !== undefined, 'A13');
  const collectorAt = homeOf((b) => b.collectsDeficiencies === true, 'B03');
  const intakeAt = homeOf((b) => b.intake !== undefined, 'B02');
  const routeAt = homeOf((b) => b.data === 'entry-route', 'D01');
  // The trip report is the trip's one filing: the case's report date and outcomes are the last one filed, and a second
  // report step's would replace P03's.
  const reportAt = homeOf((b) => b.data === 'trip-report', 'P03');
  // Each system work is done once a case (one approval document, one plan check; a member's once per member): at the
  // built-in's step where the version keeps it there (trial 32: a second 'approval-document' step was published).
  const workAt = (work: SystemWork) => homeOf((b) => b.system === work, SYSTEM_WORK_PLACES[work].step);
  def.steps.forEach((s, i) => {
    const raw: unknown = s.behaviour;
    const bad = (field: string, text: { zh: string; en: string }, under = 'behaviour') => {
      const path = [under, field].filter(Boolean).join('.');
      problems.push({
        code: 'INVALID_FIELD',
        step: s.code,
        path: `steps[${i}].${path}`,
        text,
        message: `step ${s.code}: ${path}: ${text.en}`,
      });
    };
    // Days per country (the embassy's, the economy's pre-clearance): a step that is not per country has none, and the
    // fixed durationWd was planned in silence.
    if (s.durationSource !== undefined) {
      const home = s.durationSource === 'apec-preclearance' ? 'apec-card' : 'delegation';
      if (s.scope !== 'country' && s.scope !== 'member-country')
        bad(
          'durationSource',
          {
            zh: '按国家的办理天数只用于按国家办理的步骤（country 或 member-country 范围）',
            en: 'Days per country are a per-country step’s (scope country or member-country)',
          },
          '',
        );
      else if (home !== process)
        bad(
          'durationSource',
          { zh: `“${s.durationSource}”是 ${home} 流程的天数`, en: `'${s.durationSource}' is the ${home} process's` },
          '',
        );
      else if (s.durationSource === 'embassy-processing' && s.durationWd !== EMBASSY_PROCESSING_DURATION_WD)
        bad(
          'durationWd',
          {
            zh: `${EMBASSY_DAYS_FROM_COUNTRIES.zh}：须为 ${EMBASSY_PROCESSING_DURATION_WD}`,
            en: `${EMBASSY_DAYS_FROM_COUNTRIES.en}: must be ${EMBASSY_PROCESSING_DURATION_WD}`,
          },
          '',
        );
    }
    // The post-trip phase is the part opened at departure and due from the return (behaviour.afterDeparture): a step
    // labelled post-trip without it was planned before departure, and one with it in another phase shown there.
    // (A version declaring no behaviour at all is read upcast, its post-trip steps' deadlines from their codes.)
    const afterDeparture = isRecord(raw) && raw.afterDeparture !== undefined;
    if (!declaresBehaviour) return;
    if (s.phase === 'post-trip' && !afterDeparture)
      bad('afterDeparture', {
        zh: '出访后阶段的步骤须声明回国后的期限（behaviour.afterDeparture）',
        en: 'A post-trip step declares its due after the return (behaviour.afterDeparture)',
      });
    else if (s.phase !== 'post-trip' && afterDeparture)
      bad(
        'phase',
        {
          zh: '回国后办理的步骤（behaviour.afterDeparture）属于 post-trip 阶段',
          en: 'A step after departure (behaviour.afterDeparture) is in phase post-trip',
        },
        '',
      );
    // A step after departure is due by its afterDeparture from the return, never by a duration: the engine opens it with
    // none (core.ts depart), so a durationWd was taken and did nothing (thirty-fourth trial).
    if (s.phase === 'post-trip' && afterDeparture && s.durationWd !== 0) bad('durationWd', POST_TRIP_DURATION, '');
    const oneOf = (field: string, names: readonly string[]) =>
      bad(field, { zh: `须为以下之一：${names.join('、')}`, en: `Must be one of ${names.join(', ')}` });
    if (raw === undefined) return;
    if (!isRecord(raw)) return bad('', { zh: '须为对象', en: 'Must be an object' });
    const b = raw;
    const isIn = (list: readonly string[], value: unknown) => typeof value === 'string' && list.includes(value);

    if (b.system !== undefined) {
      const work = b.system;
      if (!isIn(SYSTEM_WORK, work)) oneOf('system', SYSTEM_WORK);
      else if (s.kind !== 'system')
        bad('system', { zh: '系统工作只用于系统步骤（kind: system）', en: 'System work is declared on a system step only (kind: system)' });
      else {
        const place = SYSTEM_WORK_PLACES[work as keyof typeof SYSTEM_WORK_PLACES];
        if (place.process !== process)
          bad('system', {
            zh: `“${String(work)}”是 ${place.process} 流程的系统工作`,
            en: `'${String(work)}' is the ${place.process} process's work`,
          });
        else if (!place.scopes.includes(s.scope))
          bad('system', {
            zh: `“${String(work)}”按 ${place.scopes.join('、')} 范围办理`,
            en: `'${String(work)}' runs at ${place.scopes.join(', ')} scope`,
          });
        else if (workAt(work as SystemWork) !== s.code)
          bad('system', {
            zh: `“${String(work)}”已由步骤 ${workAt(work as SystemWork)} 办理（每个版本一次）`,
            en: `'${String(work)}' is done by step ${workAt(work as SystemWork)} (once per version)`,
          });
      }
    }
    if (b.intake !== undefined) {
      const accept = isRecord(b.intake) ? b.intake.acceptWithDeficiencies : undefined;
      const neededBy = isRecord(accept) ? accept.defaultNeededBy : undefined;
      if (typeof neededBy !== 'string' || Object.keys(b.intake as object).length !== 1 || Object.keys(accept as object).length !== 1)
        bad('intake', {
          zh: '须为 {acceptWithDeficiencies: {defaultNeededBy: 步骤代码}}',
          en: 'Must be {acceptWithDeficiencies: {defaultNeededBy: <step code>}}',
        });
      else if (!codes.has(neededBy) || neededBy === s.code)
        bad(
          'intake.acceptWithDeficiencies.defaultNeededBy',
          neededBy === s.code
            ? { zh: '须为本版本的另一步骤（不能是受理步骤本身）', en: 'Must be another step of this version (not the intake itself)' }
            : {
                zh: `须为本版本的另一步骤（没有步骤 ${v(neededBy)}）`,
                en: `Must be another step of this version (no step ${v(neededBy)})`,
              },
        );
      else if (s.kind !== 'approval')
        bad('intake', {
          zh: '容缺受理是审批决定，只用于审批步骤',
          en: 'Accepting with deficiencies is a decision: on an approval step only',
        });
      else if (intakeAt !== s.code)
        bad('intake', { zh: `已由步骤 ${intakeAt} 容缺受理（每个版本一个）`, en: `Step ${intakeAt} is the intake (one per version)` });
      // A missing document is needed by a step after the intake and before departure: one before it is done already,
      // and one after the return lets the approval and the passports go without it (trial 32: A01, P03).
      else if (
        !neededCodes(
          def,
          def.steps.find((o) => o.code === neededBy)!,
        ).has(s.code)
      )
        bad('intake.acceptWithDeficiencies.defaultNeededBy', {
          zh: `须为受理（${s.code}）之后的步骤（直接或经其他步骤依赖它）`,
          en: `Must be a step after the intake (${s.code}): one that needs it, directly or through others`,
        });
    }
    for (const flag of ['collectsDeficiencies', 'closes'] as const)
      if (b[flag] !== undefined && b[flag] !== true) bad(flag, { zh: '省略，或为 true', en: 'Absent, or true' });
    // The collector completes itself once the documents the intake (容缺受理) let the case go without are all in, and
    // refuses a person's completion before: one step collects (the applicant's task), in a version whose intake may
    // accept with deficiencies (trial 31: an office's clerk task collecting, with no condition, was completed by hand).
    if (b.collectsDeficiencies === true) {
      if (collectorAt !== s.code)
        bad('collectsDeficiencies', {
          zh: `已由步骤 ${collectorAt} 收齐容缺材料（每个版本一个）`,
          en: `Step ${collectorAt} collects the missing documents (one per version)`,
        });
      else if (s.kind !== 'task')
        bad('collectsDeficiencies', {
          zh: '收齐容缺材料是申请一方的任务（kind: task），由系统在补齐后办结',
          en: "Collecting the missing documents is the applicant's task (kind: task), completed by the engine once all are in",
        });
      else if (intakeAt === undefined)
        bad('collectsDeficiencies', {
          zh: '本版本没有可容缺受理的步骤（behaviour.intake），无材料可收',
          en: 'No step of this version accepts with deficiencies (behaviour.intake): there is nothing to collect',
        });
    }
    if (b.closes === true) {
      if (process === 'delegation')
        bad('closes', {
          zh: '出访流程以出访后各步骤办结，不由某一步骤结案',
          en: 'The delegation chain ends with its post-trip steps: no step closes it',
        });
      else if (needed.has(s.code))
        bad('closes', {
          zh: '结案步骤须为流程的最后一步（没有步骤依赖它）',
          en: "The closing step is the process's last (no step needs it)",
        });
    }
    if (b.notice !== undefined) {
      if (!isRecord(b.notice) || b.notice.objections !== true || Object.keys(b.notice).length !== 1)
        bad('notice', { zh: '须为 {objections: true}', en: 'Must be {objections: true}' });
      else if (s.kind !== 'timer')
        bad('notice', { zh: '公示是计时步骤（kind: timer）', en: 'A public notice is a timer step (kind: timer)' });
      else if (noticeAt !== s.code)
        bad('notice', {
          zh: `已由步骤 ${noticeAt} 公示（异议只记入一个公示）`,
          en: `Step ${noticeAt} is the notice (objections go to one)`,
        });
    }
    if (b.certifies !== undefined) {
      const event = isRecord(b.certifies) && Object.keys(b.certifies).length === 1 ? b.certifies.event : undefined;
      const events = Object.keys(CERTIFYING_STEPS);
      if (!isIn(events, event))
        bad('certifies', { zh: `须为 {event: ${events.join(' 或 ')}}`, en: `Must be {event: ${events.join(' or ')}}` });
      else {
        const home = CERTIFYING_STEPS[event as keyof typeof CERTIFYING_STEPS];
        if (home !== s.code)
          bad('certifies', { zh: `“${String(event)}”只由步骤 ${home} 确认`, en: `'${String(event)}' is certified by step ${home} only` });
      }
    }
    if (b.outcome !== undefined) {
      const mayFail = isRecord(b.outcome) && Object.keys(b.outcome).length === 1 ? b.outcome.mayFail : undefined;
      if (!isIn(OUTCOME_FAILURES, mayFail))
        bad('outcome', {
          zh: `须为 {mayFail: ${OUTCOME_FAILURES.join(' 或 ')}}`,
          en: `Must be {mayFail: ${OUTCOME_FAILURES.join(' or ')}}`,
        });
      else if (s.kind !== 'external' || b.data !== 'external-outcome')
        bad('outcome', {
          zh: '拒签等外部结果只用于外部机构步骤（kind: external，data: external-outcome）',
          en: "An outcome that may refuse members is an outside body's: an external step with data 'external-outcome'",
        });
      else if (mayFail === 'member-everywhere' && s.scope !== 'country' && s.scope !== 'member-country')
        bad('outcome', {
          zh: '“member-everywhere”按国家办理（country 或 member-country 范围）',
          en: "'member-everywhere' is per country (scope country or member-country)",
        });
    }
    if (b.data !== undefined) {
      if (!isIn(STEP_DATA_SCHEMAS, b.data)) oneOf('data', STEP_DATA_SCHEMAS);
      else if (b.data === 'external-outcome' && s.kind !== 'external')
        bad('data', {
          zh: '“external-outcome”只用于外部机构步骤（kind: external）',
          en: "'external-outcome' is an external step's (kind: external)",
        });
      // Data is what a person fills in: the engine completes system and timer steps with none (trial 32: written-outcome
      // and trip-report on a timer).
      else if (s.kind === 'system' || s.kind === 'timer')
        bad('data', {
          zh: '办理数据由人员填写：系统步骤和计时步骤由系统办结，没有办理数据',
          en: 'Data is what a person fills in: the engine completes system and timer steps with none',
        });
      else if (b.data === 'entry-route' && routeAt !== s.code)
        bad('data', {
          zh: `入境方式已由步骤 ${routeAt} 决定（每个版本一个）`,
          en: `Step ${routeAt} decides the entry route (one per version)`,
        });
      else if (b.data === 'entry-route' && s.scope !== 'member-country')
        bad('data', {
          zh: '“entry-route”记录每名成员对每个国家的入境方式（member-country 范围）',
          en: "'entry-route' records each member's route to each country (scope member-country)",
        });
      // A schema whose data a step's own work reads: on another step the data was asked for and dropped (trial 31: a
      // clerk's task before the trip asked for a trip report; a passport number given on another step was recorded
      // nowhere; a return day on a step certifying nothing changed nothing).
      else if (b.data === 'return-registration' && !(isRecord(b.certifies) && b.certifies.event === 'return'))
        bad('data', {
          zh: `“return-registration”是确认回国日的步骤（${CERTIFYING_STEPS.return}）的办理数据`,
          en: `'return-registration' is the data of the step certifying the return (${CERTIFYING_STEPS.return})`,
        });
      else if (b.data === 'trip-report' && reportAt !== s.code)
        bad('data', {
          zh: `出访报告由步骤 ${reportAt} 提交（每个版本一个）`,
          en: `Step ${reportAt} files the trip report (one per version)`,
        });
      else if (b.data === 'trip-report' && s.scope !== 'delegation')
        bad('data', {
          zh: '出访报告是团组的一份报告（delegation 范围）',
          en: "The trip report is the delegation's one report (scope delegation)",
        });
      else if (b.data === 'trip-report' && b.afterDeparture === undefined)
        bad('data', {
          zh: '“trip-report”（出访报告）在回国后提交：只用于出访后阶段的步骤（behaviour.afterDeparture）',
          en: "'trip-report' is filed after the return: a post-trip step's (behaviour.afterDeparture)",
        });
      else if (b.data === 'new-passport' && b.custody !== 'register')
        bad('data', {
          zh: `“new-passport”的护照由护照保管登记（custody: register，步骤 ${CUSTODY_MOVE_STEPS.register}）入库`,
          en: `'new-passport' is the passport the custody ledger registers (custody: register, step ${CUSTODY_MOVE_STEPS.register})`,
        });
      else if (b.data === 'admission-application' && process !== 'apec-whitelist')
        bad('data', {
          zh: '“admission-application”是企业白名单流程的申报数据',
          en: "'admission-application' is the whitelist process's filing",
        });
    }
    // The engine completes its own steps without asking for uploads: the requirement would be skipped in silence.
    if (b.requiresAttachments !== undefined && (s.kind === 'system' || s.kind === 'timer'))
      bad('requiresAttachments', {
        zh: '系统步骤和计时步骤由系统办结，不要求上传附件（只用于人员办理的步骤）',
        en: 'The engine completes system and timer steps without uploads: attachments are required of a step people do',
      });
    // A kind the process's cases cannot upload (ATTACHMENT_KINDS_BY_PROCESS: the engine refuses it) would hold the step.
    // (The shape's check names a value that is not a list of kinds.)
    const foreign = Array.isArray(b.requiresAttachments)
      ? b.requiresAttachments.filter((k): k is AttachmentKind => isAttachmentKind(k) && !ATTACHMENT_KINDS_BY_PROCESS[process].includes(k))
      : [];
    if (foreign.length > 0)
      bad('requiresAttachments', {
        zh: `本流程的案件不能上传${foreign.map((k) => `${ATTACHMENT_KIND_LABELS[k].zh}（${k}）`).join('、')}：可要求${ATTACHMENT_KINDS_BY_PROCESS[process].join('、')}`,
        en: `Cases of this process cannot upload ${foreign.join(', ')}: it may require ${ATTACHMENT_KINDS_BY_PROCESS[process].join(', ')}`,
      });
    // The written reason is asked for by the annual plan check's outcome (A01): an approval that can be decided before
    // that check is done, or in a version without it, would be approved with none however the plan check ends.
    if (b.requiresPlanReason === true) {
      const planAt = workAt('annual-plan');
      if (!planAt)
        bad('requiresPlanReason', {
          zh: '本版本没有年度出访计划核对（system: annual-plan），无从要求书面说明',
          en: "This version has no annual plan check (system: 'annual-plan') whose outcome asks for the written reason",
        });
      else if (!neededCodes(def, s).has(planAt))
        bad('requiresPlanReason', {
          zh: `须在年度计划核对（${planAt}）之后审批（直接或经其他步骤依赖它）`,
          en: `Must be decided after the annual plan check (${planAt}): a step that needs it, directly or through others`,
        });
    }
    if (b.rerunOnAmend !== undefined && !isIn(RERUN_ON_AMEND, b.rerunOnAmend)) oneOf('rerunOnAmend', RERUN_ON_AMEND);
    if (b.overdue !== undefined && !isIn(OVERDUE_ESCALATIONS, b.overdue)) oneOf('overdue', OVERDUE_ESCALATIONS);
    // An escalation names what is late: a passport not back in custody, a trip report not filed (trial 31: the
    // organizer's invitation upload declared 'passport-overdue').
    else if (b.overdue === 'passport-overdue' && b.custody !== 'check-in' && s.code !== CUSTODY_MOVE_STEPS['check-in'])
      bad('overdue', {
        zh: `“passport-overdue”是护照交回保管（custody: check-in，步骤 ${CUSTODY_MOVE_STEPS['check-in']}）逾期的升级`,
        en: `'passport-overdue' escalates a passport not back in custody (custody: check-in, step ${CUSTODY_MOVE_STEPS['check-in']})`,
      });
    else if (b.overdue === 'report-overdue' && b.data !== 'trip-report')
      bad('overdue', {
        zh: '“report-overdue”是出访报告（data: trip-report）逾期的升级',
        en: "'report-overdue' escalates a trip report not filed (data: trip-report)",
      });
    if (b.afterDeparture !== undefined) {
      const a = b.afterDeparture;
      const days = (n: unknown, from: number) => typeof n === 'number' && Number.isFinite(n) && n >= from && n <= MAX_AFTER_DEPARTURE_DAYS;
      const due = isRecord(a) ? a.due : undefined;
      const dueKeys = isRecord(due) ? Object.keys(due) : [];
      // Working days as every working-day figure: at most WD_DECIMALS places (trial 33: 0.001 was taken).
      const dueN = (due as Record<string, unknown> | undefined)?.[dueKeys[0]!];
      const dueOk =
        dueKeys.length === 1 &&
        (dueKeys[0] === 'workingDays'
          ? typeof dueN === 'number' && hasDecimals(dueN, WD_DECIMALS)
          : dueKeys[0] === 'calendarDays' && Number.isInteger(dueN)) &&
        days(dueN, 0);
      const escalate = isRecord(a) ? a.escalateAfterDays : undefined;
      const keysOk = isRecord(a) && Object.keys(a).every((k) => k === 'due' || k === 'escalateAfterDays');
      if (!keysOk || !dueOk || (escalate !== undefined && !(Number.isInteger(escalate) && days(escalate, 1))))
        bad('afterDeparture', {
          zh: `须为 {due: {workingDays: 工作日} 或 {calendarDays: 整天数}, escalateAfterDays?: 整天数}，天数 0-${MAX_AFTER_DEPARTURE_DAYS}（升级天数至少 1）`,
          en: `Must be {due: {workingDays: n} or {calendarDays: whole n}, escalateAfterDays?: whole n}, days 0-${MAX_AFTER_DEPARTURE_DAYS} (escalation at least 1)`,
        });
      // The harder deadline is the unit's block for a passport not back (core.ts: 'unit-flagged', the manager told the
      // unit's new applications are blocked): on any other step it said so of a late reimbursement (trial 33: P05).
      else if (escalate !== undefined && b.overdue !== 'passport-overdue')
        bad('afterDeparture.escalateAfterDays', {
          zh: '升级期限是护照逾期未交回、暂停本单位新申请的期限：只用于护照交回保管步骤（overdue: passport-overdue）',
          en: "The escalation is the unit's block for a passport not back: on the custody check-in only (overdue: 'passport-overdue')",
        });
    }
  });
  return problems;
}

/**
 * The checks a version passes to be published, on a definition of sound shape. A statutory step the version changed is
 * named by its statutory rules, which say what the step must be (its kind, its notice, its deadline): behaviourProblems'
 * problems on that step, which follow from the same change (A13 made a task: its notice on a task), are left out.
 */
function publishProblems(def: ProcessDefinition): DefinitionProblem[] {
  const statutory = [...statutoryApprovalProblems(def), ...statutoryStepProblems(def)];
  const statutoryStep = new Set(statutory.map((p) => p.step));
  return [
    ...durationDecimalsProblems(def),
    ...approvalProblems(def),
    ...behaviourProblems(def).filter((p) => !statutoryStep.has(p.step)),
    ...statutory,
    ...custodyMoveProblems(def),
  ];
}

/**
 * A definition an office publishes (JSON), validated as at load: returns a plain-data copy, or throws
 * DefinitionError listing every problem. Used by the process-version registry (apps/api registries).
 */
export function loadDefinition(raw: unknown): ProcessDefinition {
  const shape = validateDefinition(raw);
  const sound = raw as ProcessDefinition;
  const problems = shape.length > 0 ? shape : publishProblems(sound);
  if (problems.length > 0) {
    const version =
      typeof raw === 'object' && raw !== null && typeof (raw as { version?: unknown }).version === 'string'
        ? (raw as { version: string }).version
        : undefined;
    throw new DefinitionError(problems, version);
  }
  // A copy, so later changes to the input cannot change a loaded definition.
  return JSON.parse(JSON.stringify(raw)) as ProcessDefinition;
}
