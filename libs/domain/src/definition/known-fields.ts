import type { CountryInfo } from '../countries';
import type { FrequencyLimit, RulesConfig } from '../rules';
import type { StepBehaviour } from './behaviour';
import type { OfficeSettings } from './overrides';
import type { ProcessDefinition, StepDefinition } from './types';
import { isRecord } from './validate';

// The fields a published definition and its settings may carry, each list checked against its type: a field added to
// the type must be added here (or the build fails), so publishing never refuses a field the engine reads.
const DEFINITION_FIELDS = { version: true, process: true, name: true, steps: true } satisfies Record<keyof ProcessDefinition, true>;
const STEP_FIELDS = {
  code: true,
  phase: true,
  name: true,
  actor: true,
  scope: true,
  needs: true,
  durationWd: true,
  condition: true,
  kind: true,
  durationSource: true,
  behaviour: true,
} satisfies Record<keyof StepDefinition, true>;
const BEHAVIOUR_FIELDS = {
  system: true,
  intake: true,
  collectsDeficiencies: true,
  notice: true,
  certifies: true,
  outcome: true,
  data: true,
  rerunOnAmend: true,
  custody: true,
  requiresAttachments: true,
  requiresPlanReason: true,
  overdue: true,
  afterDeparture: true,
  closes: true,
} satisfies Record<keyof StepBehaviour, true>;
const SETTINGS_FIELDS = {
  office: true,
  stepDurations: true,
  countries: true,
  rules: true,
  atRiskThresholdWd: true,
  deficiencies: true,
} satisfies Record<keyof OfficeSettings, true>;
const LABEL_FIELDS = { zh: true, en: true };
const COUNTRY_FIELDS = {
  nameZh: true,
  nameEn: true,
  region: true,
  schengen: true,
  officialPassportRoute: true,
  interviewRequired: true,
  processingWd: true,
  apostille: true,
  apec: true,
  certifiedDocuments: true,
} satisfies Record<keyof CountryInfo, true>;
const RULES_FIELDS = {
  maxMembers: true,
  maxCountries: true,
  maxDaysByCountryCount: true,
  farRegions: true,
  farRegionExtraDays: true,
  frequency: true,
  frequencyExemptPurposes: true,
} satisfies Record<keyof RulesConfig, true>;
const FREQUENCY_LIMIT_FIELDS = { windowMonths: true, maxTrips: true } satisfies Record<keyof FrequencyLimit, true>;
const DEFICIENCY_FIELDS = { deadlineWd: true, extensions: true } satisfies Record<keyof NonNullable<OfficeSettings['deficiencies']>, true>;

const unknownIn = (value: unknown, known: object, at: string): string[] =>
  isRecord(value)
    ? Object.keys(value)
        .filter((k) => !Object.hasOwn(known, k))
        .map((k) => (at ? `${at}.${k}` : k))
    : [];

/**
 * The JSON paths of the fields a definition to publish carries that no part of the engine reads (`steps[3].condtion`,
 * `extraTop`): the root, each step, its name and its behaviour's own fields (what inside a behaviour's field is the
 * engine's to read). Empty when every field is known. Publishing refuses them (a misspelt optional field was stored
 * and silently dropped its rule: new-user trial, 2026-12-01); the workflow's own input check does not, so a running
 * case's stored definition is never judged again.
 */
export function unknownDefinitionFields(definition: unknown): string[] {
  const found = [
    ...unknownIn(definition, DEFINITION_FIELDS, ''),
    ...unknownIn(isRecord(definition) ? definition.name : undefined, LABEL_FIELDS, 'name'),
  ];
  const steps = isRecord(definition) && Array.isArray(definition.steps) ? definition.steps : [];
  steps.forEach((step: unknown, i) => {
    const at = `steps[${i}]`;
    found.push(...unknownIn(step, STEP_FIELDS, at));
    if (isRecord(step)) {
      found.push(...unknownIn(step.name, LABEL_FIELDS, `${at}.name`));
      found.push(...unknownIn(step.behaviour, BEHAVIOUR_FIELDS, `${at}.behaviour`));
    }
  });
  return found;
}

/**
 * The JSON paths of the fields of a settings object no part of the engine reads, at every level whose keys are field
 * names: the root (`stepDuration`), each country entry (`countries.US.bar`), the trip rules (`rules.maxMember`), a
 * rank's frequency limit (`rules.frequency.bureau.maxTrip`) and the 容缺 rule (`deficiencies.deadline`). The keys of
 * `stepDurations` (step codes), `countries` (country codes) and `rules.frequency` (ranks) are names, not fields: their
 * own checks refuse an unknown one (UNKNOWN_STEP_OVERRIDE, UNKNOWN_COUNTRY, a rank). New-user trial: `countries.US =
 * { processingWd: 10, bar: 1 }` was stored.
 */
export function unknownSettingsFields(settings: unknown): string[] {
  if (!isRecord(settings)) return [];
  const found = unknownIn(settings, SETTINGS_FIELDS, '');
  if (isRecord(settings.countries))
    for (const [code, entry] of Object.entries(settings.countries)) found.push(...unknownIn(entry, COUNTRY_FIELDS, `countries.${code}`));
  const rules = settings.rules;
  found.push(...unknownIn(rules, RULES_FIELDS, 'rules'));
  if (isRecord(rules) && isRecord(rules.frequency))
    for (const [rank, limit] of Object.entries(rules.frequency))
      found.push(...unknownIn(limit, FREQUENCY_LIMIT_FIELDS, `rules.frequency.${rank}`));
  found.push(...unknownIn(settings.deficiencies, DEFICIENCY_FIELDS, 'deficiencies'));
  return found;
}
