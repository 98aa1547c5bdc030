import { describe, expect, it } from '@jest/globals';
import { DEFAULT_DEFINITION, DEFINITION_2026_1, DEFINITION_2027_1 } from './default-definition';
import { processDefinitions } from './apec-whitelist';
import { unknownDefinitionFields, unknownSettingsFields } from './known-fields';
import { COUNTRIES } from '../countries';
import { DEFAULT_RULES_CONFIG } from '../rules';
import { DEFAULT_DEFICIENCY_RULE } from './overrides';

describe('the fields a published definition may carry', () => {
  it('knows every field of every built-in definition (a published copy of one is never refused)', () => {
    for (const def of [DEFINITION_2026_1, DEFINITION_2027_1, ...processDefinitions(DEFAULT_DEFINITION)])
      expect({ version: def.version, unknown: unknownDefinitionFields(JSON.parse(JSON.stringify(def))) }).toEqual({
        version: def.version,
        unknown: [],
      });
  });

  it('names each unknown field by its JSON path: a misspelt condition, extra step, name and behaviour fields, extra root fields', () => {
    const def = JSON.parse(JSON.stringify(DEFAULT_DEFINITION)) as Record<string, unknown> & { steps: Array<Record<string, unknown>> };
    const a12 = def.steps.findIndex((s) => s.code === 'A12');
    def.steps[a12]!.condtion = def.steps[a12]!.condition; // the trial's rename
    delete def.steps[a12]!.condition;
    def.steps[0]!.bogus = 1;
    (def.steps[1]!.name as Record<string, unknown>).fr = 'x';
    def.steps[2]!.behaviour = { ...(def.steps[2]!.behaviour as object), certifys: { event: 'departure' } };
    def.extraTop = true;
    expect(unknownDefinitionFields(def).sort()).toEqual(
      ['extraTop', 'steps[0].bogus', 'steps[1].name.fr', 'steps[2].behaviour.certifys', `steps[${a12}].condtion`].sort(),
    );
  });

  it('names the unknown top-level fields of settings', () => {
    expect(unknownSettingsFields({ stepDurations: { A05: 3 }, stepDuration: { A05: 3 }, countries: {} })).toEqual(['stepDuration']);
    expect(unknownSettingsFields({})).toEqual([]);
  });

  it('handed input: an unknown field under a country (countries.US.bar) and at every other level whose keys are fields', () => {
    expect(unknownSettingsFields({ countries: { US: { processingWd: 10, bar: 1 } } })).toEqual(['countries.US.bar']);
    expect(
      unknownSettingsFields({
        stepDurations: { A05: 3 },
        countries: { US: { processingWd: 10 }, XX: { nameZh: '某国', nameEn: 'X', regoin: 'asia' } },
        rules: { maxMember: 6, frequency: { bureau: { windowMonths: 24, maxTrip: 1 }, staff: null } },
        deficiencies: { deadline: 2, extensions: 1 },
        atRiskThresholdWd: 2,
      }),
    ).toEqual(['countries.XX.regoin', 'rules.maxMember', 'rules.frequency.bureau.maxTrip', 'deficiencies.deadline']);
  });

  it('knows every field of a full country entry, of the trip rules and of the 容缺 rule (their defaults are never refused)', () => {
    expect(
      unknownSettingsFields({
        countries: { ...COUNTRIES },
        rules: DEFAULT_RULES_CONFIG,
        deficiencies: { ...DEFAULT_DEFICIENCY_RULE },
      }),
    ).toEqual([]);
  });
});
