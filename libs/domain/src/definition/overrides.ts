import { echo as v } from '../echo';
import { boundProblems, EMBASSY_DAYS_FROM_COUNTRIES, isRecord, POST_TRIP_DURATION, SETTINGS_BOUNDS } from './validate';
import { statutoryDurationOverrideProblems } from './statutory-steps';
import type { CountryInfo, CountryOverrides, OfficialPassportRoute } from '../countries';
import { REGIONS } from '../countries';
import { PURPOSES, RANKS } from '../facts';
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

/** How an official passport enters (CountryInfo.officialPassportRoute): what a country entry may say. */
const OFFICIAL_PASSPORT_ROUTES: readonly OfficialPassportRoute[] = ['visa', 'visa-free', 'e-visa'];
/** A country entry's yes/no facts. */
const COUNTRY_FLAGS = ['schengen', 'interviewRequired', 'apostille', 'apec', 'certifiedDocuments'] as const satisfies ReadonlyArray<
  keyof CountryInfo
>;

/** The 容缺 rule's numbers when an office sets none (Guangdong's: 2 working days, one extension). */
export const DEFAULT_DEFICIENCY_RULE = { deadlineWd: 2, extensions: 1 } as const;

export const DEFAULT_AT_RISK_THRESHOLD_WD = 2;

export function validateOverrides(def: ProcessDefinition, settings: OfficeSettings): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const codes = new Set(def.steps.map((s) => s.code));
  const postTrip = new Set(def.steps.filter((s) => s.phase === 'post-trip' || s.behaviour?.afterDeparture).map((s) => s.code));
  const daysFromCountries = new Set(def.steps.filter((s) => s.durationSource === 'embassy-processing').map((s) => s.code));
  for (const [code, wd] of Object.entries(isRecord(settings.stepDurations) ? settings.stepDurations : {})) {
    if (!codes.has(code))
      problems.push({
        code: 'UNKNOWN_STEP_OVERRIDE',
        step: code,
        path: `stepDurations.${code}`,
        text: { zh: `流程 ${v(def.version)} 没有步骤 ${v(code)}`, en: `No step ${v(code)} in definition ${v(def.version)}` },
        message: `duration override for unknown step ${code} (definition ${def.version})`,
      });
    problems.push(...boundProblems(wd, `stepDurations.${code}`, SETTINGS_BOUNDS.stepDuration, code));
    // A duration the engine never reads: a post-trip step's (due by its afterDeparture), the embassy's (per country).
    const unread =
      postTrip.has(code) && typeof wd === 'number' && wd !== 0
        ? POST_TRIP_DURATION
        : daysFromCountries.has(code)
          ? EMBASSY_DAYS_FROM_COUNTRIES
          : undefined;
    if (unread)
      problems.push({
        code: 'INVALID_FIELD',
        step: code,
        path: `stepDurations.${code}`,
        text: unread,
        message: `settings: 'stepDurations.${code}': ${unread.en}`,
      });
  }
  // Nor below a statutory minimum (the public notice's five working days: STATUTORY_STEPS), for the chain's steps.
  if (codes.has('A13')) problems.push(...statutoryDurationOverrideProblems(settings.stepDurations));
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
  for (const field of ['stepDurations', 'countries', 'deficiencies'] as const)
    if (settings[field] !== undefined && !isRecord(settings[field])) problems.push(notA(field, '对象', 'an object'));
  for (const [country, patch] of Object.entries(isRecord(settings.countries) ? settings.countries : {})) {
    if (!isRecord(patch)) {
      problems.push(notA(`countries.${country}`, '对象', 'an object'));
      continue;
    }
    for (const field of ['nameZh', 'nameEn'] as const) {
      const name: unknown = patch[field];
      if (typeof name === 'string') problems.push(...textProblems(name, `countries.${country}.${field}`, SETTINGS_TEXT_MAX));
      else if (name !== undefined) problems.push(notA(`countries.${country}.${field}`, '字符串', 'a string'));
    }
    if (patch.processingWd !== undefined)
      problems.push(...boundProblems(patch.processingWd, `countries.${country}.processingWd`, SETTINGS_BOUNDS.processingWd));
    const oneOf = (field: 'region' | 'officialPassportRoute', known: readonly string[]) => {
      const value: unknown = patch[field];
      if (value !== undefined && !(typeof value === 'string' && known.includes(value)))
        problems.push(notA(`countries.${country}.${field}`, `以下之一：${known.join('、')}`, `one of ${known.join(', ')}`));
    };
    oneOf('region', REGIONS);
    oneOf('officialPassportRoute', OFFICIAL_PASSPORT_ROUTES);
    for (const field of COUNTRY_FLAGS)
      if (patch[field] !== undefined && typeof patch[field] !== 'boolean')
        problems.push(notA(`countries.${country}.${field}`, 'true 或 false', 'true or false'));
  }
  if (settings.atRiskThresholdWd !== undefined)
    problems.push(...boundProblems(settings.atRiskThresholdWd, 'atRiskThresholdWd', SETTINGS_BOUNDS.atRiskThresholdWd));
  const { deadlineWd, extensions } = isRecord(settings.deficiencies) ? settings.deficiencies : {};
  if (deadlineWd !== undefined)
    problems.push(...boundProblems(deadlineWd, 'deficiencies.deadlineWd', SETTINGS_BOUNDS.deficiencyDeadlineWd));
  if (extensions !== undefined)
    problems.push(...boundProblems(extensions, 'deficiencies.extensions', SETTINGS_BOUNDS.deficiencyExtensions));
  if (settings.rules !== undefined) problems.push(...rulesProblems(settings.rules as unknown));
  return problems;
}

const notA = (path: string, zh: string, en: string): DefinitionProblem => ({
  code: 'INVALID_FIELD',
  path,
  text: { zh: `须为${zh}`, en: `Must be ${en}` },
  message: `settings: '${path}' must be ${en}`,
});

/** A list of known names at `path` (farRegions, frequencyExemptPurposes), else one problem per bad entry. */
function namesProblems(value: unknown, path: string, known: readonly string[]): DefinitionProblem[] {
  if (!Array.isArray(value)) return [notA(path, '数组', 'a list')];
  return value.flatMap((v: unknown, i) =>
    typeof v === 'string' && known.includes(v)
      ? []
      : [notA(`${path}[${i}]`, `以下之一：${known.join('、')}`, `one of ${known.join(', ')}`)],
  );
}

/** The office's trip rules (RulesConfig), each number within SETTINGS_BOUNDS, each list of known names. */
function rulesProblems(rules: unknown): DefinitionProblem[] {
  if (!isRecord(rules)) return [notA('rules', '对象', 'an object')];
  const problems: DefinitionProblem[] = [];
  const b = SETTINGS_BOUNDS;
  if (rules.maxMembers !== undefined) problems.push(...boundProblems(rules.maxMembers, 'rules.maxMembers', b.maxMembers));
  if (rules.maxCountries !== undefined) problems.push(...boundProblems(rules.maxCountries, 'rules.maxCountries', b.maxCountries));
  if (rules.farRegionExtraDays !== undefined)
    problems.push(...boundProblems(rules.farRegionExtraDays, 'rules.farRegionExtraDays', b.farRegionExtraDays));
  const days = rules.maxDaysByCountryCount;
  if (days !== undefined) {
    if (!Array.isArray(days) || days.length === 0 || days.length > b.maxCountries.max)
      problems.push(
        notA('rules.maxDaysByCountryCount', `1至${b.maxCountries.max}项的数组`, `a list of 1 to ${b.maxCountries.max} entries`),
      );
    else days.forEach((d: unknown, i) => problems.push(...boundProblems(d, `rules.maxDaysByCountryCount[${i}]`, b.maxDaysAbroad)));
  }
  if (rules.farRegions !== undefined) problems.push(...namesProblems(rules.farRegions, 'rules.farRegions', REGIONS));
  if (rules.frequencyExemptPurposes !== undefined)
    problems.push(...namesProblems(rules.frequencyExemptPurposes, 'rules.frequencyExemptPurposes', PURPOSES));
  const frequency = rules.frequency;
  if (frequency !== undefined) {
    if (!isRecord(frequency)) problems.push(notA('rules.frequency', '对象', 'an object'));
    else
      for (const [rank, limit] of Object.entries(frequency)) {
        const at = `rules.frequency.${rank}`;
        if (!(RANKS as readonly string[]).includes(rank))
          problems.push(notA(at, `职级之一：${RANKS.join('、')}`, `a rank: ${RANKS.join(', ')}`));
        else if (limit === null)
          continue; // no limit for this rank
        else if (!isRecord(limit)) problems.push(notA(at, 'null 或 { windowMonths, maxTrips }', 'null or { windowMonths, maxTrips }'));
        else {
          problems.push(...boundProblems(limit.windowMonths, `${at}.windowMonths`, b.frequencyWindowMonths));
          problems.push(...boundProblems(limit.maxTrips, `${at}.maxTrips`, b.frequencyMaxTrips));
        }
      }
  }
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
