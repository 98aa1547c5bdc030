import { echo as v } from '../echo';
import { MAX_STEP_DURATION_WD } from './validate';
import type { CountryOverrides } from '../countries';
import type { RulesConfig } from '../rules';
import type { DefinitionProblem, ProcessDefinition } from './types';
import { DefinitionError } from './types';
import { textProblems } from './validate';

/** Settings text a case shows (the office's name, a country's names in a full entry). */
const SETTINGS_TEXT_MAX = 200;

/**
 * What an office tunes without code: step durations, per-country data (embassy processing days first of all),
 * rule limits and the at-risk threshold. A case stores the settings it started with, next to the definition version.
 */
export interface OfficeSettings {
  office?: string;
  /** Target duration per step code, in working days. */
  stepDurations?: Record<string, number>;
  /** Per-country patches of the country table, e.g. { US: { processingWd: 15 } }. */
  countries?: CountryOverrides;
  rules?: Partial<RulesConfig>;
  /** A case is at risk when its slack falls below this many working days. Default 2. */
  atRiskThresholdWd?: number;
  /**
   * 容缺 (documents accepted as missing at intake): working days to supply them (default 2, Guangdong's rule)
   * and how many times the FAO clerk may extend a document's deadline (default 1).
   */
  deficiencies?: { deadlineWd?: number; extensions?: number };
}

/** The 容缺 rule's numbers when an office sets none (Guangdong's: 2 working days, one extension). */
export const DEFAULT_DEFICIENCY_RULE = { deadlineWd: 2, extensions: 1 } as const;

export const DEFAULT_AT_RISK_THRESHOLD_WD = 2;

export function validateOverrides(def: ProcessDefinition, settings: OfficeSettings): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const codes = new Set(def.steps.map((s) => s.code));
  for (const [code, wd] of Object.entries(settings.stepDurations ?? {})) {
    if (!codes.has(code))
      problems.push({
        code: 'UNKNOWN_STEP_OVERRIDE',
        step: code,
        path: `stepDurations.${code}`,
        text: { zh: `流程 ${v(def.version)} 没有步骤 ${v(code)}`, en: `No step ${v(code)} in definition ${v(def.version)}` },
        message: `duration override for unknown step ${code} (definition ${def.version})`,
      });
    if (typeof wd !== 'number' || !Number.isFinite(wd) || wd < 0 || wd > MAX_STEP_DURATION_WD)
      problems.push({
        code: 'INVALID_FIELD',
        step: code,
        path: `stepDurations.${code}`,
        text: {
          zh: `须为0至${MAX_STEP_DURATION_WD}个工作日`,
          en: `Must be a number of working days from 0 to ${MAX_STEP_DURATION_WD}`,
        },
        message: `duration override for ${code} must be a number of working days from 0 to ${MAX_STEP_DURATION_WD}`,
      });
  }
  if (settings.office !== undefined)
    problems.push(
      ...(typeof settings.office === 'string'
        ? textProblems(settings.office, 'office', SETTINGS_TEXT_MAX)
        : [
            {
              code: 'INVALID_FIELD' as const,
              path: 'office',
              text: { zh: '须为字符串', en: 'Must be a string' },
              message: 'settings.office must be a string',
            },
          ]),
    );
  for (const [country, patch] of Object.entries(settings.countries ?? {})) {
    for (const field of ['nameZh', 'nameEn'] as const) {
      const name: unknown = patch[field];
      if (typeof name === 'string') problems.push(...textProblems(name, `countries.${country}.${field}`, SETTINGS_TEXT_MAX));
    }
    const wd = patch.processingWd;
    if (wd !== undefined && (typeof wd !== 'number' || !Number.isFinite(wd) || wd < 0))
      problems.push({
        code: 'INVALID_FIELD',
        path: `countries.${country}.processingWd`,
        text: { zh: '须为不小于0的工作日数', en: 'Must be a non-negative number of working days' },
        message: `processing days for ${country} must be a non-negative number`,
      });
  }
  const { deadlineWd, extensions } = settings.deficiencies ?? {};
  if (deadlineWd !== undefined && (typeof deadlineWd !== 'number' || !Number.isFinite(deadlineWd) || deadlineWd <= 0))
    problems.push({
      code: 'INVALID_FIELD',
      path: 'deficiencies.deadlineWd',
      text: { zh: '须为正的工作日数', en: 'Must be a positive number of working days' },
      message: 'deficiencies.deadlineWd must be a positive number of working days',
    });
  if (extensions !== undefined && (!Number.isInteger(extensions) || extensions < 0))
    problems.push({
      code: 'INVALID_FIELD',
      path: 'deficiencies.extensions',
      text: { zh: '须为不小于0的整数', en: 'Must be a non-negative integer' },
      message: 'deficiencies.extensions must be a non-negative integer',
    });
  return problems;
}

/** A new definition with the office's step durations applied; throws DefinitionError on unknown codes or bad values. */
export function applyOverrides(def: ProcessDefinition, settings: OfficeSettings): ProcessDefinition {
  const problems = validateOverrides(def, settings);
  if (problems.length > 0) throw new DefinitionError(problems, def.version);
  const durations = settings.stepDurations ?? {};
  return {
    ...def,
    steps: def.steps.map((s) => (durations[s.code] === undefined ? s : { ...s, durationWd: durations[s.code]! })),
  };
}
