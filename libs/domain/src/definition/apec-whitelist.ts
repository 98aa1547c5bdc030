import { addDays } from '../dates';
import { fittedTitle, type CaseFacts } from '../facts';
import { PHASES, type CasePhase, type Label } from '../roles';
import {
  APEC_CARD_DEFINITION,
  applicationFacts,
  APEC_CARD_VERSIONS,
  ADMISSION_AMOUNT_LIMITS,
  ENTERPRISE_SIZE_LABELS,
  ENTERPRISE_SIZES,
  PROCESS_LABELS,
  TAX_CREDIT_GRADES,
  type AdmissionApplication,
  type EnterpriseSize,
  type ProcessKind,
  type WhitelistCriteria,
} from './apec-card';
import type { StepBehaviour } from './behaviour';
import type { ProcessDefinition, StepDefinition } from './types';
import { hasDecimals } from './validate';

/**
 * Whitelist admission (白名单准入) as a case of its own process (issue 17): the enterprise files its figures
 * (W01, step data validated against `admissionApplicationProblems`), the FAO's APEC desk reviews (W02: approve,
 * reject, return for revision, as the chain's review steps), then a system step (W03, work kind
 * `apec-whitelist-decide`) evaluates the office's current criteria version and records the decision in the
 * whitelist registry; the case closes there. Source: /work/shared/domain/process.md (admission with lowered
 * thresholds for small and micro firms; the criteria are the office's to set).
 */

export const APEC_WHITELIST_DEFINITION_VERSION = 'apec-whitelist-2027.1';

/** The planner forecasts the decision against this many calendar days after filing (the case's "departure"). */
export const WHITELIST_DECISION_DAYS = 30;

// prettier-ignore
const ROWS: Array<[string, StepDefinition['phase'], string, string, StepDefinition['actor'], string, number, StepDefinition['kind']]> = [
  ['W01', 'prepare', '企业提交白名单准入申请（申报指标）', 'The enterprise files the whitelist application (its figures)', 'enterprise-clerk', '', 0.5, 'task'],
  ['W02', 'review', '外办APEC窗口审核准入申请', 'FAO APEC desk reviews the application', 'apec-desk', 'W01', 2, 'approval'],
  ['W03', 'review', '按现行准入标准决定并登记白名单', 'Decide by the current criteria and record it in the whitelist', 'system', 'W02', 0, 'system'],
];

/** What the whitelist steps do beyond "their role completes them" (behaviour.ts). */
// prettier-ignore
export const APEC_WHITELIST_STEP_BEHAVIOURS: Record<string, StepBehaviour> = {
  // The figures the criteria are evaluated against; a return for revision asks for them again.
  W01: { data: 'admission-application' },
  W03: { system: 'apec-whitelist-decide', closes: true },
};

export const APEC_WHITELIST_DEFINITION: ProcessDefinition = {
  version: APEC_WHITELIST_DEFINITION_VERSION,
  process: 'apec-whitelist',
  name: PROCESS_LABELS['apec-whitelist'],
  steps: ROWS.map(([code, phase, zh, en, actor, needs, wd, kind]) => {
    const behaviour = APEC_WHITELIST_STEP_BEHAVIOURS[code];
    return {
      code,
      phase,
      name: { zh, en },
      actor,
      scope: 'delegation' as const,
      needs: needs ? needs.split(',') : [],
      durationWd: wd,
      kind,
      ...(behaviour ? { behaviour } : {}),
    };
  }),
};

export const APEC_WHITELIST_VERSIONS: readonly string[] = [APEC_WHITELIST_DEFINITION_VERSION];

// ---------------------------------------------------------------------------------------------
// Processes by version (read models know a case's process only by its definition_version)

/** The current definition of each process (the catalog lists them, the delegation chain first). */
export function processDefinitions(delegation: ProcessDefinition): ProcessDefinition[] {
  return [delegation, APEC_CARD_DEFINITION, APEC_WHITELIST_DEFINITION];
}

/** Published versions of each process other than the delegation chain (whose versions are every other). */
const VERSIONS_OF: Record<Exclude<ProcessKind, 'delegation'>, readonly string[]> = {
  'apec-card': APEC_CARD_VERSIONS,
  'apec-whitelist': APEC_WHITELIST_VERSIONS,
};

/** Every published version that is not the delegation chain's: `process = delegation` filters `NOT IN` these. */
export const NON_DELEGATION_VERSIONS: readonly string[] = Object.values(VERSIONS_OF).flat();

/**
 * How a read model filters by process: `{in: versions}` for a named process, `{notIn: versions}` for the
 * delegation chain (any version not of another process, an office's own included).
 */
export function versionFilter(process: ProcessKind): { in: readonly string[] } | { notIn: readonly string[] } {
  return process === 'delegation' ? { notIn: NON_DELEGATION_VERSIONS } : { in: VERSIONS_OF[process] };
}

/** The phases a case of `definition` passes through, in PHASES' order: its steps' phases, then `closed`. */
function phasesOf(definition: ProcessDefinition): readonly CasePhase[] {
  const has = new Set<CasePhase>([...definition.steps.map((s) => s.phase), 'closed']);
  return PHASES.filter((p) => has.has(p));
}

/**
 * The phases a case of each process can be in (a card application has no 护照办理 nor 回国后事项, a whitelist filing
 * only 企业申报 and 外办审核): what the board counts and the export lists under a process filter (trials 71, 72: the card
 * filter listed a trip's phases at 0). The delegation chain every phase: an office's own version may use any.
 */
export const PROCESS_PHASES: Record<ProcessKind, readonly CasePhase[]> = {
  delegation: PHASES,
  'apec-card': phasesOf(APEC_CARD_DEFINITION),
  'apec-whitelist': phasesOf(APEC_WHITELIST_DEFINITION),
};

/** The process a published definition version runs, for readers that hold only the version (read models). */
export function processOfVersion(version: string): ProcessKind {
  for (const [process, versions] of Object.entries(VERSIONS_OF)) if (versions.includes(version)) return process as ProcessKind;
  return 'delegation';
}

// ---------------------------------------------------------------------------------------------
// The application's figures (W01 data) and the criteria (office data)

/** A field a check refuses: `field` as the request names it, `rule` the rule's name, the message bilingual. */
export interface FieldProblem {
  field: string;
  rule: string;
  message: Label;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * An amount's broken rule (ADMISSION_AMOUNT_LIMITS): `type` (given, not a number: "500" as text, trial 50),
 * `non-negative-number` (missing, not finite or below 0), `max` or `decimals`; null when valid.
 */
function amountProblem(
  kind: keyof typeof ADMISSION_AMOUNT_LIMITS,
  field: string,
  v: unknown,
  required: string,
  bounded = true,
): FieldProblem | null {
  const { max, decimals } = ADMISSION_AMOUNT_LIMITS[kind];
  if (v !== undefined && v !== null && typeof v !== 'number')
    return { field, rule: 'type', message: { zh: '须为数字', en: 'Must be a number' } };
  if (!isNumber(v) || v < 0)
    return {
      field,
      rule: 'non-negative-number',
      message: { zh: `${required}须为不小于0的数`, en: `${required ? 'Required: a' : 'Must be a'} number ≥ 0` },
    };
  if (!bounded) return null;
  if (v > max) return { field, rule: 'max', message: { zh: `不得大于${max}`, en: `Must be at most ${max}` } };
  if (!hasDecimals(v, decimals))
    return decimals === 0
      ? { field, rule: 'decimals', message: { zh: '须为整数', en: 'Must be a whole number' } }
      : { field, rule: 'decimals', message: { zh: `最多${decimals}位小数`, en: `At most ${decimals} decimal place(s)` } };
  return null;
}

/**
 * W01's data: `{registeredCapitalWan, foreignTradeUsd, taxCreditGrade, creditRecordClean}` (万元 and USD within
 * ADMISSION_AMOUNT_LIMITS unless `bounded` is false (the engine's handler: see stepDataProblems), grade A|B|M|C|D,
 * boolean); bounded, no other field (rule `unknown-field`, as the filing endpoint refuses it). Empty = valid. Fields
 * are named as in the request body (the engine prefixes `data.`).
 */
export function admissionApplicationProblems(data: Record<string, unknown>, bounded = true): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (bounded)
    for (const key of Object.keys(data))
      if (!ADMISSION_FIELDS.includes(key))
        out.push({ field: key, rule: 'unknown-field', message: { zh: '不允许的字段', en: 'Field not allowed' } });
  for (const field of ['registeredCapitalWan', 'foreignTradeUsd'] as const) {
    const p = amountProblem(field, field, data[field], '必填，', bounded);
    if (p) out.push(p);
  }
  if (!TAX_CREDIT_GRADES.includes(data.taxCreditGrade as AdmissionApplication['taxCreditGrade']))
    out.push({
      field: 'taxCreditGrade',
      rule: 'tax-credit-grade',
      message: { zh: `必填，须为 ${TAX_CREDIT_GRADES.join('、')} 之一`, en: `Required: one of ${TAX_CREDIT_GRADES.join(', ')}` },
    });
  if (typeof data.creditRecordClean !== 'boolean')
    out.push({ field: 'creditRecordClean', rule: 'boolean', message: { zh: '必填，须为 true 或 false', en: 'Required: true or false' } });
  return out;
}

/** The fields of W01's data (the filing's figures). */
const ADMISSION_FIELDS: readonly string[] = ['registeredCapitalWan', 'foreignTradeUsd', 'taxCreditGrade', 'creditRecordClean'];

/** The figures of a valid W01 data object (call admissionApplicationProblems first). */
export const admissionApplicationOf = (data: Record<string, unknown>): AdmissionApplication => ({
  registeredCapitalWan: data.registeredCapitalWan as number,
  foreignTradeUsd: data.foreignTradeUsd as number,
  taxCreditGrade: data.taxCreditGrade as AdmissionApplication['taxCreditGrade'],
  creditRecordClean: data.creditRecordClean as boolean,
});

/**
 * The office's criteria as it sets them: every threshold a number ≥ 0, not rising from a larger size to a
 * smaller one (small and micro firms get lowered thresholds, process.md: 降低门槛; equal is allowed), at least
 * one accepted tax credit grade, each once. Empty = valid; fields named as in the request body.
 */
export function criteriaProblems(c: WhitelistCriteria): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const field of ['registeredCapitalWan', 'foreignTradeUsd'] as const) {
    ENTERPRISE_SIZES.forEach((size, i) => {
      const v = c[field][size];
      const p = amountProblem(field, `${field}.${size}`, v, '');
      if (p) {
        out.push(p);
        return;
      }
      const larger: EnterpriseSize | undefined = ENTERPRISE_SIZES[i - 1];
      const above = larger ? c[field][larger] : undefined;
      if (larger && isNumber(above) && v > above) {
        const [s, l] = [ENTERPRISE_SIZE_LABELS[size], ENTERPRISE_SIZE_LABELS[larger]];
        out.push({
          field: `${field}.${size}`,
          rule: 'lowered-threshold',
          message: {
            zh: `${s.zh}企业的门槛（${v}）不得高于${l.zh}企业（${above}）：小微企业降低门槛`,
            en: `The ${s.en.toLowerCase()} enterprise threshold (${v}) may not exceed the ${l.en.toLowerCase()} one (${above}): smaller firms get lowered thresholds`,
          },
        });
      }
    });
  }
  if (c.taxCreditGrades.length === 0)
    out.push({
      field: 'taxCreditGrades',
      rule: 'non-empty',
      message: { zh: '至少接受一个纳税信用等级', en: 'Accept at least one tax credit grade' },
    });
  c.taxCreditGrades.forEach((g, i) => {
    if (c.taxCreditGrades.indexOf(g) !== i)
      out.push({ field: `taxCreditGrades[${i}]`, rule: 'unique', message: { zh: `${g} 重复`, en: `${g} is listed twice` } });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// The case's facts

/**
 * The facts an admission application runs on, in the engine's shape (which wants one member and one
 * destination): the enterprise is the unit, the member is the clerk who files it, the destination is China
 * (CN, the application is made at home) and the day the decision is forecast against (filing day +
 * WHITELIST_DECISION_DAYS) stands for the departure and the return. Every step is case-scoped, so neither the
 * member nor the destination opens a step.
 */
export function whitelistApplicationFacts(a: {
  unit: string;
  enterpriseName: string;
  filedOn: string;
  clerk: { id: string; name: string };
}): CaseFacts {
  return applicationFacts({
    title: fittedTitle('APEC卡白名单准入申请（', a.enterpriseName, '）'),
    unit: a.unit,
    day: addDays(a.filedOn, WHITELIST_DECISION_DAYS),
    countries: ['CN'],
    people: [{ personId: a.clerk.id, name: a.clerk.name, position: '企业经办人', rank: 'staff' }],
  });
}
