import { CONDITIONS } from '../facts';
import { DEFAULT_RULES_CONFIG } from '../rules';
import type { OfficeSettings, ProcessDefinition, StepDefinition } from './index';
import {
  APEC_CARD_DEFINITION,
  APEC_WHITELIST_DEFINITION,
  applyOverrides,
  approvalProblems,
  behaviourProblems,
  DEFAULT_DEFINITION,
  DEFINITION_2026_1,
  DEFINITION_2027_1,
  DEFINITION_2027_2,
  DEFINITION_2027_3,
  DEFINITION_2027_4,
  BUILT_IN_DEFINITIONS,
  SYSTEM_WORK_PLACES,
  publishedStep,
  publishedDefinition,
  custodyMoveProblems,
  CUSTODY_MOVE_STEPS,
  DefinitionError,
  durationDecimalsProblems,
  loadDefinition,
  MAX_STEP_DURATION_WD,
  processDefinitions,
  SETTINGS_BOUNDS,
  statutoryApprovalProblems,
  upcastDefinition,
  validateDefinition,
  validateOverrides,
} from './index';

const step = (code: string, needs: string[] = [], over: Partial<StepDefinition> = {}): StepDefinition => ({
  code,
  phase: 'prepare',
  name: { zh: code, en: code },
  actor: 'organizer',
  scope: 'delegation',
  needs,
  // A post-trip step is due by its afterDeparture, with no duration.
  durationWd: over.phase === 'post-trip' ? 0 : 1,
  kind: 'task',
  ...over,
});
const def = (steps: StepDefinition[]): ProcessDefinition => ({ version: 'test.1', steps });

describe('a step is for a role that acts on its process (trial: A02 for the manager wedged every new case)', () => {
  it.each(['manager', 'admin', 'enterprise-clerk', 'apec-desk'])('a delegation step for %s is refused at its actor', (actor) => {
    const steps = DEFAULT_DEFINITION.steps.map((s) => (s.code === 'A02' ? { ...s, actor: actor as StepDefinition['actor'] } : s));
    const i = steps.findIndex((s) => s.code === 'A02');
    expect(validateDefinition({ ...DEFAULT_DEFINITION, version: 'office-t3', steps }).map((p) => [p.code, p.path])).toEqual([
      ['STEP_ACTOR', `steps[${i}].actor`],
    ]);
  });

  it('names the roles the field takes by code and name (trial: the codes alone)', () => {
    const steps = DEFAULT_DEFINITION.steps.map((s) => (s.code === 'A02' ? { ...s, actor: 'manager' as const } : s));
    const [problem] = validateDefinition({ ...DEFAULT_DEFINITION, version: 'office-t3', steps });
    expect(problem!.text!.zh).toContain('organizer（专办员）、unit-leader（派出单位负责人）');
    expect(problem!.text!.en).toContain('organizer (Organizer), unit-leader (Unit leader)');
    expect(problem!.text!.en).not.toContain('manager');
  });
});

describe('a step is one the engine can run as declared (trial: A02 as a system step wedged every new case)', () => {
  const withA02 = (over: Partial<StepDefinition>) => {
    const steps = DEFAULT_DEFINITION.steps.map((s) => (s.code === 'A02' ? { ...s, ...over } : s));
    const i = steps.findIndex((s) => s.code === 'A02');
    return validateDefinition({ ...DEFAULT_DEFINITION, version: 'office-t5', steps }).map((p) => [
      p.code,
      p.path.replace(`[${i}]`, '[A02]'),
    ]);
  };
  it('a system step declares its system work; a system or timer step is the engine’s; a person’s step is not', () => {
    expect(withA02({ kind: 'system' })).toEqual([['STEP_KIND', 'steps[A02].kind']]);
    expect(withA02({ actor: 'system' })).toEqual([['STEP_ACTOR', 'steps[A02].actor']]);
    expect(withA02({ kind: 'timer' })).toEqual([['STEP_ACTOR', 'steps[A02].actor']]);
    // A timer of the engine's (as A13, the notice) is a wait the office may declare.
    expect(withA02({ kind: 'timer', actor: 'system' })).toEqual([]);
  });
});

describe('DEFAULT_DEFINITION', () => {
  it('is valid and has the 53 steps to departure and the post-trip steps after it', () => {
    expect(validateDefinition(DEFAULT_DEFINITION)).toEqual([]);
    expect(DEFAULT_DEFINITION.steps.filter((s) => !s.behaviour?.afterDeparture)).toHaveLength(53);
    expect(DEFAULT_DEFINITION.steps.filter((s) => s.behaviour?.afterDeparture).map((s) => [s.code, s.phase, s.actor])).toEqual([
      ['P01', 'post-trip', 'organizer'],
      ['P02', 'post-trip', 'passport-officer'],
      ['P03', 'post-trip', 'organizer'],
      ['P04', 'post-trip', 'organizer'],
      ['P05', 'post-trip', 'finance'],
    ]);
    expect(DEFAULT_DEFINITION.version).toBe('2027.13');
    // 2027.13: a visa the new dates outrun is applied for again (trial 76: only D13 ran again); 2027.12 reran none of it.
    const lapsing = (version: string) =>
      ['D03', 'D04', 'D06', 'D07', 'D08', 'D09', 'D10', 'D11', 'D12', 'D13', 'E06'].map(
        (code) => `${code} ${publishedStep(code, version)?.behaviour?.rerunOnAmend ?? '-'}`,
      );
    expect(lapsing(DEFAULT_DEFINITION.version)).toEqual([
      'D03 visa-lapsed',
      'D04 visa-lapsed',
      'D06 visa-lapsed',
      'D07 trip',
      'D08 visa-lapsed',
      'D09 visa-lapsed',
      'D10 visa-lapsed',
      'D11 visa-lapsed',
      'D12 visa-lapsed',
      'D13 dates',
      'E06 visa-lapsed',
    ]);
    expect(lapsing('2027.12').filter((s) => s.endsWith('visa-lapsed'))).toEqual([]);
    // 2027.12: the visa collected is done with its validity (trial: D13 recorded none); 2027.11 took none.
    expect([publishedStep('D13', DEFAULT_DEFINITION.version)?.behaviour?.data, publishedStep('D13', '2027.11')?.behaviour?.data]).toEqual([
      'visa-issued',
      undefined,
    ]);
    // 2027.11: the budget estimate is done with its figures (forty-third trial: A09 asked for none); 2027.10 took none.
    expect([publishedStep('A09', '2027.11')?.behaviour?.data, publishedStep('A09', '2027.10')?.behaviour?.data]).toEqual([
      'budget-estimate',
      undefined,
    ]);
    // 2027.10: the invitation upload takes the letter and its translation, the itinerary step the itinerary; 2027.9 took
    // none (and no other step of the chain takes one).
    const required = (v: string) =>
      publishedDefinition(v)!
        .steps.filter((s) => s.behaviour?.requiresAttachments)
        .map((s) => [s.code, s.behaviour?.requiresAttachments]);
    expect(required(DEFAULT_DEFINITION.version)).toEqual([
      ['A03', ['invitation-letter', 'invitation-translation']],
      ['A05', ['itinerary']],
    ]);
    expect(required('2027.10')).toEqual(required(DEFAULT_DEFINITION.version));
    expect(required('2027.9')).toEqual([]);
    // …and the itinerary is given again when the itinerary changes (trial 45: A05 stayed done on the old route).
    expect([
      publishedStep('A05', DEFAULT_DEFINITION.version)?.behaviour?.rerunOnAmend,
      publishedStep('A05', '2027.9')?.behaviour?.rerunOnAmend,
    ]).toEqual(['itinerary', undefined]);
    // 2027.9: the lead unit's joint-delegation confirmation runs again when the trip changes; 2027.8 keeps it done.
    expect(publishedStep('A17', DEFAULT_DEFINITION.version)?.behaviour?.rerunOnAmend).toBe('trip');
    expect(publishedStep('A17', '2027.9')?.behaviour?.rerunOnAmend).toBe('trip');
    expect(publishedStep('A17', '2027.8')?.behaviour?.rerunOnAmend).toBeUndefined();
    // 2027.8: the budget and its countersign run again when the itinerary changes, the unit's sign-offs when the trip
    // does; 2027.7 keeps them done.
    const unitReruns = (v: string) => ['A09', 'A10', 'A15', 'A16'].map((c) => publishedStep(c, v)?.behaviour?.rerunOnAmend);
    expect(unitReruns(DEFAULT_DEFINITION.version)).toEqual(['itinerary', 'itinerary', 'trip', 'trip']);
    expect(unitReruns('2027.7')).toEqual([undefined, undefined, undefined, undefined]);
    // 2027.7 (thirtieth trial): the notice runs again when a member or a country is added; 2027.6, which running cases
    // may be pinned to, keeps it done.
    expect(publishedStep('A13', DEFAULT_DEFINITION.version)?.behaviour?.rerunOnAmend).toBe('additions');
    expect(publishedStep('A13', '2027.6')?.behaviour?.rerunOnAmend).toBeUndefined();
    // 2027.4: the work a trip change makes wrong runs again (the tickets, the insurance and the visa's check on new
    // dates; the filing, the visa note and the exchange approval on any trip change); 2027.3 keeps what it ran with.
    const rerun = (d: typeof DEFAULT_DEFINITION) =>
      Object.fromEntries(
        ['B09', 'D07', 'D13', 'E01', 'E02', 'E03'].map((c) => [c, d.steps.find((s) => s.code === c)!.behaviour?.rerunOnAmend]),
      );
    expect(rerun(DEFINITION_2027_4)).toEqual({ B09: 'trip', D07: 'trip', D13: 'dates', E01: 'trip', E02: 'dates', E03: 'dates' });
    // 2027.5: the tickets and the insurance follow the itinerary (a stop's city, the members), not only the dates.
    expect(rerun(DEFAULT_DEFINITION)).toEqual({ B09: 'trip', D07: 'trip', D13: 'dates', E01: 'trip', E02: 'itinerary', E03: 'itinerary' });
    expect(publishedStep('E02', '2027.4')?.behaviour?.rerunOnAmend).toBe('dates');
    // 2027.5: the annual plan check (A01: quarter, countries, size) runs again on a trip change; 2027.4's did not.
    expect(publishedStep('A01', DEFAULT_DEFINITION.version)?.behaviour).toEqual({ system: 'annual-plan', rerunOnAmend: 'trip' });
    expect(publishedStep('A01', '2027.4')?.behaviour?.rerunOnAmend).toBeUndefined();
    expect(validateDefinition(DEFINITION_2027_4)).toEqual([]);
    expect(validateDefinition(DEFAULT_DEFINITION)).toEqual([]);
    expect(Object.values(rerun(DEFINITION_2027_3)).every((r) => r === undefined)).toBe(true);
    expect(publishedStep('E02', '2027.3')?.behaviour?.rerunOnAmend).toBeUndefined();
    expect(validateDefinition(DEFINITION_2027_3)).toEqual([]);
    expect(DEFINITION_2027_3.steps.find((s) => s.code === 'C05')!.behaviour).toMatchObject({ data: 'new-passport', custody: 'register' });
    // 2027.3: C05 records the new passport and registers it; 2027.2, which running cases may be pinned to, does not.
    expect(DEFAULT_DEFINITION.steps.find((s) => s.code === 'C05')!.behaviour).toMatchObject({ data: 'new-passport', custody: 'register' });
    expect(validateDefinition(DEFINITION_2027_2)).toEqual([]);
    expect(DEFINITION_2027_2.steps.find((s) => s.code === 'C05')!.behaviour?.custody).toBeUndefined();
    expect(DEFINITION_2027_2.steps.find((s) => s.code === 'B08')!.needs).toEqual(['B07', 'B03']);
    expect(publishedStep('C05', '2027.2')?.behaviour?.data).toBeUndefined();
    // 2027.2: no approval document while a 容缺 document is outstanding; C01 reruns when its member changes.
    expect(DEFAULT_DEFINITION.steps.find((s) => s.code === 'B08')!.needs).toEqual(['B07', 'B03']);
    expect(validateDefinition(DEFINITION_2027_1)).toEqual([]);
    expect(DEFINITION_2027_1.steps.find((s) => s.code === 'B08')!.needs).toEqual(['B07']);
  });

  it('every system step declares its work; only the intake accepts with deficiencies', () => {
    for (const s of DEFAULT_DEFINITION.steps)
      expect({ code: s.code, system: s.kind === 'system' }).toEqual({ code: s.code, system: s.behaviour?.system !== undefined });
    expect(DEFAULT_DEFINITION.steps.filter((s) => s.behaviour?.intake).map((s) => s.code)).toEqual(['B02']);
  });

  it('reads a pinned 2026.1 definition with the declarations its codes implied and its four post-trip steps (upcastDefinition)', () => {
    expect(DEFINITION_2026_1.steps).toHaveLength(53);
    expect(DEFINITION_2026_1.steps.some((s) => s.behaviour)).toBe(false);
    const read = upcastDefinition(DEFINITION_2026_1);
    expect(read.version).toBe('2026.1');
    expect(validateDefinition(read)).toEqual([]);
    expect(read.steps.map((s) => s.code)).toEqual([...DEFINITION_2026_1.steps.map((s) => s.code), 'P01', 'P02', 'P03', 'P04']);
    const current = new Map(DEFINITION_2027_1.steps.map((s) => [s.code, s]));
    for (const s of read.steps) expect(s).toEqual(current.get(s.code));
    expect(upcastDefinition(DEFAULT_DEFINITION)).toBe(DEFAULT_DEFINITION);
  });

  it('refuses a dependency across departure', () => {
    const post = { phase: 'post-trip' as const, behaviour: { afterDeparture: { due: { workingDays: 1 } } } };
    expect(validateDefinition(def([step('A01'), step('P01', ['A01'], post)])).map((p) => [p.code, p.path])).toEqual([
      ['CROSS_DEPARTURE_DEPENDENCY', 'steps[1].needs[0]'],
    ]);
    expect(validateDefinition(def([step('P01', [], post), step('A01', ['P01'])])).map((p) => [p.code, p.text.en])).toEqual([
      ['CROSS_DEPARTURE_DEPENDENCY', 'Step A01 cannot need P01 across departure (a step before departure cannot need a post-trip step)'],
    ]);
  });

  it('trial 34, handed input: a need listed twice (P02 needs P01, P01) is DUPLICATE_DEPENDENCY at the second', () => {
    const def = structuredClone(DEFAULT_DEFINITION);
    const i = def.steps.findIndex((s) => s.code === 'P02');
    def.steps[i]!.needs = ['P01', 'P01'];
    const problems = validateDefinition(def);
    expect(problems.map((p) => [p.code, p.path])).toEqual([['DUPLICATE_DEPENDENCY', `steps[${i}].needs[1]`]]);
    expect(problems[0]!.text).toEqual({ zh: '步骤 P02 重复依赖 P01', en: 'Step P02 needs P01 twice' });
  });

  it('names a post-trip step without its due at that field (publish checks), not its needs as crossing departure (trial 33)', () => {
    const post = { phase: 'post-trip' as const, behaviour: { afterDeparture: { due: { workingDays: 1 } } } };
    // P02 labelled post-trip but declaring no due after the return, needing P01: one side of departure by its phase.
    const undated = def([step('A01'), step('P01', [], post), step('P02', ['P01'], { phase: 'post-trip' })]);
    expect(validateDefinition(undated)).toEqual([]);
    expect(behaviourProblems(undated).map((p) => [p.code, p.path])).toEqual([['INVALID_FIELD', 'steps[2].behaviour.afterDeparture']]);
  });

  it('accepts a step declaring the attachment kinds it needs, refuses unknown or repeated kinds naming the field', () => {
    const needs = (kinds: unknown) => ({ behaviour: { requiresAttachments: kinds } }) as Partial<StepDefinition>;
    expect(validateDefinition(def([step('A03', [], needs(['invitation-letter', 'invitation-translation']))]))).toEqual([]);
    for (const kinds of [['selfie'], 'invitation-letter', ['other', 'other']]) {
      expect(validateDefinition(def([step('A03', [], needs(kinds))]))).toEqual([
        expect.objectContaining({
          code: 'INVALID_FIELD',
          step: 'A03',
          message: expect.stringContaining("'behaviour.requiresAttachments'"),
        }),
      ]);
    }
  });

  it('has the kinds of the issue', () => {
    const kinds = Object.fromEntries(DEFAULT_DEFINITION.steps.map((s) => [s.code, s.kind]));
    const approvals = DEFAULT_DEFINITION.steps.filter((s) => s.kind === 'approval').map((s) => s.code);
    expect(approvals).toEqual(['A10', 'A11', 'A12', 'A15', 'A16', 'B02', 'B04', 'B05', 'B06', 'B07', 'C04', 'D04']);
    expect(kinds.A13).toBe('timer');
    for (const c of ['A01', 'A07', 'A08', 'B08']) expect(kinds[c]).toBe('system');
    for (const c of ['C05', 'D12']) expect(kinds[c]).toBe('external');
  });

  it('only uses known conditions and D12 takes embassy processing days', () => {
    for (const s of DEFAULT_DEFINITION.steps) if (s.condition) expect(CONDITIONS[s.condition]).toBeDefined();
    expect(DEFAULT_DEFINITION.steps.find((s) => s.code === 'D12')!.durationSource).toBe('embassy-processing');
    expect(DEFAULT_DEFINITION.steps.filter((s) => s.condition).length).toBe(23);
  });

  it('round-trips through JSON (it is pinned in each workflow input)', () => {
    const copy = JSON.parse(JSON.stringify(DEFAULT_DEFINITION)) as ProcessDefinition;
    expect(copy).toEqual(DEFAULT_DEFINITION);
    expect(validateDefinition(copy)).toEqual([]);
  });
});

describe('validateDefinition', () => {
  it('refuses a cycle, naming it', () => {
    const bad = def([step('A01'), step('A02', ['A01', 'A04']), step('A03', ['A02']), step('A04', ['A03'])]);
    const problems = validateDefinition(bad);
    expect(problems).toEqual([
      {
        code: 'CYCLE',
        step: 'A02',
        path: 'steps[1].needs',
        text: { zh: '依赖成环：A02 → A04 → A03 → A02', en: 'Dependency cycle: A02 -> A04 -> A03 -> A02' },
        message: 'dependency cycle: A02 -> A04 -> A03 -> A02',
      },
    ]);
  });

  it('refuses an unknown dependency, naming step and dependency', () => {
    const bad = def([step('A01'), step('A02', ['A01', 'Z99'])]);
    expect(validateDefinition(bad)).toEqual([
      {
        code: 'UNKNOWN_DEPENDENCY',
        step: 'A02',
        path: 'steps[1].needs[1]',
        text: { zh: '没有步骤 Z99', en: 'No step Z99' },
        message: 'step A02 needs unknown step Z99',
      },
    ]);
  });

  it('lists every problem at once', () => {
    const bad = {
      version: 'x',
      steps: [
        step('A01'),
        step('A01'),
        step('A02', ['A02']),
        step('A03', [], { condition: 'moonIsFull' as never }),
        step('A04', [], { condition: 'classifiedAccess' }), // member condition on a delegation step
        step('A05', [], { durationWd: -1, actor: 'nobody' as never }),
      ],
    };
    const codes = validateDefinition(bad).map((p) => p.code);
    expect(codes.sort()).toEqual(
      ['CONDITION_SCOPE', 'DUPLICATE_CODE', 'INVALID_FIELD', 'INVALID_FIELD', 'SELF_DEPENDENCY', 'UNKNOWN_CONDITION'].sort(),
    );
    expect(new DefinitionError(validateDefinition(bad), 'x').message).toMatch(/6 problems/);
  });

  it('names every problem by its JSON path as sent, in Chinese and English (new-user trial: steps[{"key":1}])', () => {
    const problems = validateDefinition({ version: 'office-x', steps: [{ key: 1 }] });
    expect(problems.map((p) => [p.code, p.path])).toEqual(
      ['code', 'phase', 'name', 'actor', 'scope', 'needs', 'durationWd', 'kind'].map((f) => ['INVALID_FIELD', `steps[0].${f}`]),
    );
    for (const p of problems) expect(p.text.zh).toMatch(/^须为/);
    expect(problems[0]!.text).toEqual({
      zh: '须为大写步骤代码，如 A01（最多8个字符）',
      en: 'Must be an upper-case code like A01 (at most 8 characters)',
    });
    // The place stays in the English line the workflow's input check and the CLI print.
    expect(problems[0]!.message).toBe("steps[0]: 'code' must be an upper-case code like A01 (at most 8 characters)");
    const twice = validateDefinition(def([step('A01'), step('A02', ['A01']), step('A01')]));
    expect(twice.map((p) => [p.code, p.path])).toEqual([['DUPLICATE_CODE', 'steps[2].code']]);
  });

  it('refuses malformed input without throwing inside validation', () => {
    expect(validateDefinition(null)[0]!.code).toBe('INVALID_SHAPE');
    expect(validateDefinition({ version: '1', steps: [] })[0]!.code).toBe('INVALID_SHAPE');
    expect(validateDefinition({ version: '1', steps: [42] })[0]!.message).toMatch(/steps\[0\]/);
  });
});

describe('applyOverrides', () => {
  it('changes durations in a copy', () => {
    const tuned = applyOverrides(DEFAULT_DEFINITION, { stepDurations: { A13: 7 } });
    expect(tuned.steps.find((s) => s.code === 'A13')!.durationWd).toBe(7);
    expect(DEFAULT_DEFINITION.steps.find((s) => s.code === 'A13')!.durationWd).toBe(5);
  });
  it('refuses unknown steps and negative values', () => {
    expect(() => applyOverrides(DEFAULT_DEFINITION, { stepDurations: { Z01: 1, A02: -2 } })).toThrow(
      /unknown step Z01[\s\S]*stepDurations.A02' must be a number of working days from 0 to 60/,
    );
  });
});

describe('a post-trip step is due by its deadline after the return, not a duration (thirty-fourth trial: taken and unused)', () => {
  const p04 = DEFAULT_DEFINITION.steps.findIndex((s) => s.code === 'P04');
  it('a published durationWd on P04 is INVALID_FIELD at that field; 0 taken', () => {
    const def = structuredClone(DEFAULT_DEFINITION);
    def.steps[p04]!.durationWd = 3;
    expect(behaviourProblems(def).map((p) => [p.code, p.path, p.text.en])).toEqual([
      [
        'INVALID_FIELD',
        `steps[${p04}].durationWd`,
        'A post-trip step is due by its deadline after the return (behaviour.afterDeparture), not a duration: must be 0',
      ],
    ]);
    expect(behaviourProblems(DEFAULT_DEFINITION)).toEqual([]);
  });
  it("an office's stepDurations.P04 is INVALID_FIELD at settings' stepDurations.P04; 0 taken, a step before departure as before", () => {
    expect(validateOverrides(DEFAULT_DEFINITION, { stepDurations: { P04: 3, A05: 3 } }).map((p) => [p.code, p.path])).toEqual([
      ['INVALID_FIELD', 'stepDurations.P04'],
    ]);
    expect(validateOverrides(DEFAULT_DEFINITION, { stepDurations: { P04: 0 } })).toEqual([]);
  });
});

describe('the embassy days come from the country table, not a duration (trial 36: stepDurations.D12 8 published, D12 still 5)', () => {
  const d12 = DEFAULT_DEFINITION.steps.findIndex((s) => s.code === 'D12');
  const days = "This step's days come per country from the country table (countries.<code>.processingWd): a duration here is never used";
  it("an office's stepDurations.D12 is INVALID_FIELD at stepDurations.D12 (every country has its days); K05's is read", () => {
    expect(
      validateOverrides(DEFAULT_DEFINITION, { stepDurations: { D12: 8, A05: 3 } }).map((p) => [p.code, p.path, p.text.en, p.text.zh]),
    ).toEqual([
      [
        'INVALID_FIELD',
        'stepDurations.D12',
        days,
        '该步骤的办理天数按国家取自国家表（countries.<国家代码>.processingWd），此处的天数不会被采用',
      ],
    ]);
    expect(validateOverrides(DEFAULT_DEFINITION, { stepDurations: { D12: 5 } }).map((p) => p.path)).toEqual(['stepDurations.D12']);
    expect(validateOverrides(DEFAULT_DEFINITION, { countries: { US: { processingWd: 8 } } })).toEqual([]);
    // The pre-clearance table leaves economies out (the US, Canada): they take K05's own days, so an office may set them.
    expect(validateOverrides(APEC_CARD_DEFINITION, { stepDurations: { K05: 20 } })).toEqual([]);
  });
  it("a definition's D12 durationWd other than the built-in's 5 (unread) is INVALID_FIELD there, as on a step an office adds taking them", () => {
    const def = structuredClone(DEFAULT_DEFINITION);
    def.steps[d12]!.durationWd = 8;
    expect(behaviourProblems(def).map((p) => [p.code, p.path, p.text.en])).toEqual([
      ['INVALID_FIELD', `steps[${d12}].durationWd`, `${days}: must be 5`],
    ]);
    def.steps[d12]!.durationWd = 5;
    expect(behaviourProblems(def)).toEqual([]);
    // A step an office adds taking the embassy's days: the same.
    const x12 = { ...structuredClone(def.steps[d12]!), code: 'X12', needs: ['D12'], durationWd: 0 };
    def.steps.push(x12);
    expect(behaviourProblems(def).map((p) => [p.path, p.text.en])).toEqual([
      [`steps[${def.steps.length - 1}].durationWd`, `${days}: must be 5`],
    ]);
    x12.durationWd = 5;
    expect(behaviourProblems(def)).toEqual([]);
    for (const builtIn of [DEFINITION_2026_1, DEFINITION_2027_1, DEFAULT_DEFINITION]) expect(behaviourProblems(builtIn)).toEqual([]);
  });
});

describe('validateDefinition: text the engine and the read models can hold (DEFINITION_TEXT_LIMITS)', () => {
  const rules = (d: unknown) => validateDefinition(d).map((p) => [p.path, p.code]);
  const a03 = DEFAULT_DEFINITION.steps.findIndex((s) => s.code === 'A03');
  const withA03 = (name: { zh: string; en: string }) => ({
    ...DEFAULT_DEFINITION,
    version: 'office-x',
    steps: DEFAULT_DEFINITION.steps.map((s, i) => (i === a03 ? { ...s, name } : s)),
  });

  it("refuses A03's Chinese name of 10,000 characters (case_steps.name_zh is varchar(200)): MAX at steps[i].name.zh", () => {
    expect(rules(withA03({ zh: 'a'.repeat(10_000), en: 'Upload' }))).toEqual([[`steps[${a03}].name.zh`, 'MAX']]);
    expect(rules(withA03({ zh: '字'.repeat(200), en: 'e'.repeat(300) }))).toEqual([]);
    expect(rules(withA03({ zh: '字'.repeat(201), en: 'e'.repeat(301) }))).toEqual([
      [`steps[${a03}].name.zh`, 'MAX'],
      [`steps[${a03}].name.en`, 'MAX'],
    ]);
    const [problem] = validateDefinition(withA03({ zh: 'a'.repeat(10_000), en: 'Upload' }));
    expect(problem!.text).toEqual({ zh: '最多200个字符', en: 'At most 200 character(s)' });
  });

  it('refuses a blank step name or definition name: only spaces or invisible characters (U+200B)', () => {
    expect(rules(withA03({ zh: '\u200B\u200B', en: ' ' }))).toEqual([
      [`steps[${a03}].name.zh`, 'BLANK'],
      [`steps[${a03}].name.en`, 'BLANK'],
    ]);
    expect(rules({ ...def([step('A01')]), name: { zh: '\u200b', en: '' } })).toEqual([
      ['name.zh', 'BLANK'],
      ['name.en', 'BLANK'],
    ]);
    expect(rules({ ...def([step('A01')]), name: { zh: '流程', en: 'n'.repeat(201) } })).toEqual([['name.en', 'MAX']]);
    expect(rules({ ...def([step('A01')]), name: '流程' })).toEqual([['name', 'INVALID_FIELD']]);
  });

  it('takes a version of letters, digits, . _ - up to 32 characters (cases.definition_version varchar(32), URLs): "x\\u200b" is FORMAT', () => {
    for (const version of ['x\u200b', 'a b', '/x', '.x', 'v'.repeat(33), '版本1'])
      expect(rules({ ...def([step('A01')]), version })).toEqual([['version', 'FORMAT']]);
    for (const version of ['office-2027.1', '1.0.0', 'x', 'v'.repeat(32), 'test_2'])
      expect(rules({ ...def([step('A01')]), version })).toEqual([]);
  });

  it('takes step codes of at most 8 characters (case_steps.code varchar(8))', () => {
    expect(rules(def([step('ABCDEFGH')]))).toEqual([]);
    expect(rules(def([step('ABCDEFGHI')]))).toEqual([['steps[0].code', 'INVALID_FIELD']]);
  });

  it('holds every built-in definition to the same limits', () => {
    for (const d of [DEFAULT_DEFINITION, DEFINITION_2026_1, DEFINITION_2027_1]) expect(validateDefinition(d)).toEqual([]);
  });
});

describe('validateOverrides: settings text', () => {
  it("refuses a blank or overlong office name and a full country entry's names", () => {
    const d = def([step('A01')]);
    const rules = (settings: object) => validateOverrides(d, settings).map((p) => [p.path, p.code]);
    expect(rules({ office: '\u200B' })).toEqual([['office', 'BLANK']]);
    expect(rules({ office: 'o'.repeat(201) })).toEqual([['office', 'MAX']]);
    expect(rules({ office: '市外办' })).toEqual([]);
    expect(rules({ countries: { XX: { nameZh: '\u200B', nameEn: 'n'.repeat(201) } } })).toEqual([
      ['countries.XX.nameZh', 'BLANK'],
      ['countries.XX.nameEn', 'MAX'],
    ]);
  });
});

describe('a step takes at most MAX_STEP_DURATION_WD (new-user trial: A02 published at 20,000 working days blocked every submission)', () => {
  it('refuses a longer durationWd in the definition and in the office stepDurations, at its path', () => {
    expect(validateDefinition(def([step('A01', [], { durationWd: 60 })]))).toEqual([]);
    expect(validateDefinition(def([step('A01', [], { durationWd: 20000 })])).map((p) => [p.code, p.path])).toEqual([
      ['INVALID_FIELD', 'steps[0].durationWd'],
    ]);
    expect(validateOverrides(DEFAULT_DEFINITION, { stepDurations: { A02: 60 } })).toEqual([]);
    expect(validateOverrides(DEFAULT_DEFINITION, { stepDurations: { A02: 20000 } }).map((p) => [p.code, p.path])).toEqual([
      ['MAX', 'stepDurations.A02'],
    ]);
  });
});

describe('every number of the office settings within SETTINGS_BOUNDS (new-user trial: US processingWd 1e9 made every US-bound submission 503)', () => {
  const problems = (settings: object) => validateOverrides(DEFAULT_DEFINITION, settings as OfficeSettings).map((p) => [p.path, p.code]);

  it('refuses the handed processing time at its path, rule MAX, with the range in Chinese and English', () => {
    for (const processingWd of [1e9, 100_000, 61])
      expect(problems({ countries: { US: { processingWd } } })).toEqual([['countries.US.processingWd', 'MAX']]);
    const [p] = validateOverrides(DEFAULT_DEFINITION, { countries: { US: { processingWd: 1e9 } } });
    expect(p!.text).toEqual({ zh: '须为0至60个工作日', en: 'Must be a number of working days from 0 to 60' });
    expect(p!.message).toBe("settings: 'countries.US.processingWd' must be a number of working days from 0 to 60");
  });

  it('accepts what a real office sets, the defaults and each bound itself', () => {
    expect(
      problems({
        stepDurations: { A05: 0.5, A02: MAX_STEP_DURATION_WD },
        countries: { US: { processingWd: 15 }, JP: { processingWd: 0 }, GB: { processingWd: SETTINGS_BOUNDS.processingWd.max } },
        atRiskThresholdWd: 2,
        deficiencies: { deadlineWd: 2, extensions: 1 },
        rules: {
          ...DEFAULT_RULES_CONFIG,
          maxMembers: 50,
          maxDaysByCountryCount: [5, 8, 10, 12],
          frequency: { bureau: { windowMonths: 60, maxTrips: 12 }, staff: null },
        },
      }),
    ).toEqual([]);
  });

  it('refuses each number past its bound (MAX), under it (MIN), and what is no number or no whole number (INVALID_FIELD)', () => {
    expect(
      problems({
        stepDurations: { A05: -1, A02: 'x' },
        countries: { US: { processingWd: -2 }, JP: { processingWd: Infinity } },
        atRiskThresholdWd: 31,
        deficiencies: { deadlineWd: 0, extensions: 1.5 },
      }),
    ).toEqual([
      ['stepDurations.A05', 'MIN'],
      ['stepDurations.A02', 'INVALID_FIELD'],
      ['countries.US.processingWd', 'MIN'],
      ['countries.JP.processingWd', 'INVALID_FIELD'],
      ['atRiskThresholdWd', 'MAX'],
      ['deficiencies.deadlineWd', 'MIN'],
      ['deficiencies.extensions', 'INVALID_FIELD'],
    ]);
    expect(problems({ deficiencies: { deadlineWd: 21, extensions: 6 } })).toEqual([
      ['deficiencies.deadlineWd', 'MAX'],
      ['deficiencies.extensions', 'MAX'],
    ]);
  });

  it("refuses the trip rules' numbers past their bounds, and a rank or a name the rules do not know", () => {
    expect(
      problems({
        rules: {
          maxMembers: 0,
          maxCountries: 1e6,
          farRegionExtraDays: 31,
          maxDaysByCountryCount: [5, 1e9],
          frequency: { bureau: { windowMonths: 1e9, maxTrips: 0 }, provincial: 'often', general: null },
          farRegions: ['mars'],
          frequencyExemptPurposes: 'trade',
        },
      }),
    ).toEqual([
      ['rules.maxMembers', 'MIN'],
      ['rules.maxCountries', 'MAX'],
      ['rules.farRegionExtraDays', 'MAX'],
      ['rules.maxDaysByCountryCount[1]', 'MAX'],
      ['rules.farRegions[0]', 'INVALID_FIELD'],
      ['rules.frequencyExemptPurposes', 'INVALID_FIELD'],
      ['rules.frequency.bureau.windowMonths', 'MAX'],
      ['rules.frequency.bureau.maxTrips', 'MIN'],
      ['rules.frequency.provincial', 'INVALID_FIELD'],
      ['rules.frequency.general', 'INVALID_FIELD'],
    ]);
    expect(problems({ rules: { maxDaysByCountryCount: [] } })).toEqual([['rules.maxDaysByCountryCount', 'INVALID_FIELD']]);
    expect(problems({ rules: 7 })).toEqual([['rules', 'INVALID_FIELD']]);
  });

  it('handed input: atRiskThresholdWd 1e-300 is refused, DECIMALS: every working-day figure has at most two decimals (0.01 WD)', () => {
    expect(problems({ atRiskThresholdWd: 1e-300 })).toEqual([['atRiskThresholdWd', 'DECIMALS']]);
    const [p] = validateOverrides(DEFAULT_DEFINITION, { atRiskThresholdWd: 1e-300 });
    expect(p!.text).toEqual({
      zh: '最多2位小数（0或至少0.01个工作日）',
      en: 'At most 2 decimal place(s) (0 or at least 0.01 working days)',
    });
    expect(
      problems({
        stepDurations: { A05: 0.125 },
        countries: { US: { processingWd: 5e-324 } },
        atRiskThresholdWd: 0.001,
        deficiencies: { deadlineWd: 1e-9 },
      }),
    ).toEqual([
      ['stepDurations.A05', 'DECIMALS'],
      ['countries.US.processingWd', 'DECIMALS'],
      ['atRiskThresholdWd', 'DECIMALS'],
      ['deficiencies.deadlineWd', 'DECIMALS'],
    ]);
    // 0, 0.01 and figures a person types (0.1 + 0.2 as a double) pass.
    expect(
      problems({ stepDurations: { A05: 0.01, A02: 0.1 + 0.2 }, countries: { US: { processingWd: 0 } }, atRiskThresholdWd: 1.25 }),
    ).toEqual([]);
  });

  it("a country entry's facts and the settings' objects have their types: region, route, yes/no facts, names", () => {
    expect(
      problems({
        countries: {
          US: { region: 'mars', officialPassportRoute: 'walk', interviewRequired: 'yes', apec: 1, nameZh: 7 },
          JP: 'visa-free',
        },
      }),
    ).toEqual([
      ['countries.US.nameZh', 'INVALID_FIELD'],
      ['countries.US.region', 'INVALID_FIELD'],
      ['countries.US.officialPassportRoute', 'INVALID_FIELD'],
      ['countries.US.interviewRequired', 'INVALID_FIELD'],
      ['countries.US.apec', 'INVALID_FIELD'],
      ['countries.JP', 'INVALID_FIELD'],
    ]);
    expect(problems({ stepDurations: [], countries: 7, deficiencies: 'often' })).toEqual([
      ['stepDurations', 'INVALID_FIELD'],
      ['countries', 'INVALID_FIELD'],
      ['deficiencies', 'INVALID_FIELD'],
    ]);
    expect(problems({ countries: { US: { region: 'north-america', officialPassportRoute: 'e-visa', schengen: false } } })).toEqual([]);
  });

  it("a published step's durationWd has at most two decimals too (loadDefinition; the built-in versions pass)", () => {
    for (const d of [DEFAULT_DEFINITION, ...processDefinitions(DEFAULT_DEFINITION)]) expect(durationDecimalsProblems(d)).toEqual([]);
    const fine = {
      ...DEFAULT_DEFINITION,
      version: 'office-x',
      steps: DEFAULT_DEFINITION.steps.map((s, i) => (i === 1 ? { ...s, durationWd: 1e-300 } : s)),
    };
    expect(durationDecimalsProblems(fine).map((p) => [p.code, p.path])).toEqual([['DECIMALS', 'steps[1].durationWd']]);
    expect(() => loadDefinition(fine)).toThrow(/steps\[1\]\.durationWd/);
  });

  it('every message: Chinese first, English starting with a capital', () => {
    const all = validateOverrides(DEFAULT_DEFINITION, {
      countries: { US: { processingWd: 1e9 } },
      deficiencies: { deadlineWd: 0 },
      rules: { maxMembers: 0.5 },
    } as OfficeSettings);
    expect(all).toHaveLength(3);
    for (const p of all) {
      expect(p.text.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(p.text.en).toMatch(/^[A-Z]/);
    }
  });
});

describe('statutoryApprovalProblems: a published version keeps the statutory approvals before the approval document', () => {
  it('accepts the built-in chain, and refuses the trial version without A11, A12, A15, A16, B05-B07 at B08.needs', () => {
    expect(statutoryApprovalProblems(DEFAULT_DEFINITION)).toEqual([]);
    const dropped = new Set(['A11', 'A12', 'A15', 'A16', 'B05', 'B06', 'B07']);
    const steps = DEFAULT_DEFINITION.steps
      .filter((s) => !dropped.has(s.code))
      .map((s) => ({ ...s, needs: s.needs.filter((n) => !dropped.has(n)) }));
    // What the trial published: B01 after A17 alone, B08 after the intake clerk.
    const cut = {
      ...DEFAULT_DEFINITION,
      version: 'office-2027.3',
      steps: steps.map((s) => (s.code === 'B08' ? { ...s, needs: ['B02'] } : s.code === 'B01' ? { ...s, needs: ['A17'] } : s)),
    };
    expect(validateDefinition(cut)).toEqual([]); // a sound graph: only the statutory rule refuses it
    const b08 = cut.steps.findIndex((s) => s.code === 'B08');
    expect(statutoryApprovalProblems(cut)).toEqual([
      expect.objectContaining({
        code: 'STATUTORY_APPROVAL',
        step: 'B08',
        path: `steps[${b08}].needs`,
        message:
          'step B08 issues the approval document without personnel, secrecy, unit-leader, fao-director, leader, public-notice before it',
        text: {
          zh: '印发任务批件前须经过：组织人事部门政审、保密审查、单位领导签批、外办主任审核、按权限报批、出访前公示（不得从流程中删去）',
          en: "The approval document must follow: political vetting by the personnel office (personnel), secrecy review (secrecy), the unit leader's sign-off (unit-leader), the FAO director's review (fao-director), approval by the competent leader (leader), the pre-trip public notice (public-notice) (a version may not drop them)",
        },
      }),
    ]);
    expect(() => loadDefinition(cut)).toThrow(/STATUTORY|without personnel/);
    // Kept but switched off by a condition (B07 only for joint delegations): as good as dropped.
    const switchedOff = {
      ...DEFAULT_DEFINITION,
      version: 'office-2027.4',
      steps: DEFAULT_DEFINITION.steps.map((s) => (s.code === 'B07' ? { ...s, condition: 'jointDelegation' as const } : s)),
    };
    expect(statutoryApprovalProblems(switchedOff).map((p) => p.message)).toEqual([
      'step B08 issues the approval document without leader before it',
    ]);
  });
});

describe('custodyMoveProblems: a published step moves the custody ledger as the worker can', () => {
  const withC05 = (behaviour: Record<string, unknown>) => ({
    ...DEFAULT_DEFINITION,
    version: 'office-c05',
    steps: DEFAULT_DEFINITION.steps.map((s) => (s.code === 'C05' ? ({ ...s, behaviour } as StepDefinition) : s)),
  });
  const c05 = DEFAULT_DEFINITION.steps.findIndex((s) => s.code === 'C05');

  it('the built-in chain makes each move at the step CUSTODY_MOVE_STEPS names, and only there', () => {
    const placed = DEFAULT_DEFINITION.steps.filter((s) => s.behaviour?.custody !== undefined).map((s) => [s.behaviour!.custody, s.code]);
    expect(Object.fromEntries(placed)).toEqual(CUSTODY_MOVE_STEPS);
    expect(placed).toHaveLength(Object.keys(CUSTODY_MOVE_STEPS).length);
  });

  it("accepts the built-in chain's moves, C05's 'register' of the passport its data records among them", () => {
    expect(DEFAULT_DEFINITION.steps.find((s) => s.code === 'C05')!.behaviour).toEqual({ data: 'new-passport', custody: 'register' });
    expect(custodyMoveProblems(DEFAULT_DEFINITION)).toEqual([]);
    expect(() => loadDefinition(withC05({ data: 'new-passport', custody: 'register' }))).not.toThrow();
  });

  it("refuses a move the worker does not make, and 'register' on a step that records no new passport", () => {
    expect(custodyMoveProblems(withC05({ data: 'new-passport', custody: 'regster' }))).toEqual([
      expect.objectContaining({ code: 'INVALID_FIELD', step: 'C05', path: `steps[${c05}].behaviour.custody` }),
    ]);
    expect(custodyMoveProblems(withC05({ custody: 'register' })).map((p) => p.message)).toEqual([
      "step C05: custody 'register' without a member's new-passport data",
    ]);
    expect(() => loadDefinition(withC05({ custody: 'register' }))).toThrow(DefinitionError);
  });

  it("refuses a move on any step but the one the built-in chain makes it at (twelfth trial: an added step's 'cancel' cancelled every member's valid passport)", () => {
    const added: StepDefinition = {
      code: 'Z01',
      phase: 'passport',
      name: { zh: '注销', en: 'Cancel' },
      actor: 'passport-officer',
      scope: 'member',
      needs: ['C01'],
      durationWd: 0.5,
      kind: 'task',
      behaviour: { custody: 'cancel' },
    } as StepDefinition;
    const office = { ...DEFAULT_DEFINITION, version: 'office-z01', steps: [...DEFAULT_DEFINITION.steps, added] };
    expect(custodyMoveProblems(office)).toEqual([
      expect.objectContaining({ code: 'INVALID_FIELD', step: 'Z01', path: `steps[${office.steps.length - 1}].behaviour.custody` }),
    ]);
    expect(custodyMoveProblems(office)[0]!.message).toBe("step Z01: custody 'cancel' belongs to C06");
    expect(() => loadDefinition(office)).toThrow(DefinitionError);
    // Every move, off its home: C07's check-out on C01, P02's check-in on C07.
    const moved = (code: string, custody: string) => ({
      ...DEFAULT_DEFINITION,
      version: 'office-moved',
      steps: DEFAULT_DEFINITION.steps.map((s) =>
        s.code === code ? ({ ...s, behaviour: { ...s.behaviour, custody } } as StepDefinition) : s,
      ),
    });
    expect(custodyMoveProblems(moved('C01', 'check-out')).map((p) => p.step)).toEqual(['C01']);
    expect(custodyMoveProblems(moved('C07', 'check-in')).map((p) => p.step)).toEqual(['C07']);
  });
});

describe('approvalProblems: who decides, as a published version declares it', () => {
  it('passes every built-in process and version', () => {
    for (const def of BUILT_IN_DEFINITIONS) expect([def.version, approvalProblems(upcastDefinition(def))]).toEqual([def.version, []]);
  });

  it('refuses an approval for the applicant side, and a step recording a fact made an approval (thirtieth trial: A10 for the organizer, E07 an approval)', () => {
    const with_ = (code: string, over: Partial<StepDefinition>): ProcessDefinition => ({
      ...DEFAULT_DEFINITION,
      steps: DEFAULT_DEFINITION.steps.map((s) => (s.code === code ? { ...s, ...over } : s)),
    });
    const at = (code: string) => DEFAULT_DEFINITION.steps.findIndex((s) => s.code === code);
    const found = (def: ProcessDefinition) => approvalProblems(def).map((p) => [p.code, p.path]);
    expect(found(with_('A10', { actor: 'organizer' }))).toEqual([['STEP_ACTOR', `steps[${at('A10')}].actor`]]);
    for (const actor of ['member', 'external', 'enterprise-clerk'] as const)
      expect(found(with_('B05', { actor }))).toEqual([['STEP_ACTOR', `steps[${at('B05')}].actor`]]);
    expect(found(with_('B05', { actor: 'fao-clerk' }))).toEqual([]); // the FAO's own organisation
    expect(found(with_('E07', { kind: 'approval', actor: 'fao-clerk' }))).toEqual([['STEP_KIND', `steps[${at('E07')}].kind`]]);
    for (const code of ['C06', 'C07', 'P02', 'B03', 'P01'])
      expect(found(with_(code, { kind: 'approval', actor: 'passport-officer' }))).toEqual([['STEP_KIND', `steps[${at(code)}].kind`]]);
    expect(() => loadDefinition({ ...with_('E07', { kind: 'approval' }), version: 'office-e07' })).toThrow(DefinitionError);
    // Trial 33: P05 (reimbursement) published as finance's approval; its refusal closed the trip made as rejected.
    expect(found(with_('P05', { kind: 'approval', actor: 'finance' }))).toEqual([['STEP_KIND', `steps[${at('P05')}].kind`]]);
    expect(found(with_('P05', { kind: 'external', actor: 'external' }))).toEqual([['STEP_KIND', `steps[${at('P05')}].kind`]]);
    expect(found(with_('P05', { kind: 'timer', actor: 'system' }))).toEqual([]);
    // Trial 34: P05 a task for 'external', completed by the visa officer.
    expect(found(with_('P05', { actor: 'external' }))).toEqual([['STEP_ACTOR', `steps[${at('P05')}].actor`]]);
  });
});

describe('behaviourProblems: every behaviour a published version declares is one the engine reads, on a step that can carry it', () => {
  it('passes every built-in process and version', () => {
    for (const def of BUILT_IN_DEFINITIONS) expect([def.version, behaviourProblems(upcastDefinition(def))]).toEqual([def.version, []]);
  });

  it("SYSTEM_WORK_PLACES names each work's step as the built-in chain does it", () => {
    for (const def of BUILT_IN_DEFINITIONS)
      for (const step of upcastDefinition(def).steps)
        if (step.behaviour?.system) expect([def.version, step.code]).toEqual([def.version, SYSTEM_WORK_PLACES[step.behaviour.system].step]);
  });

  const at = (code: string) => DEFAULT_DEFINITION.steps.findIndex((s) => s.code === code);
  const withBehaviour = (code: string, behaviour: unknown, over: Partial<StepDefinition> = {}): ProcessDefinition => ({
    ...DEFAULT_DEFINITION,
    version: 'office-probe',
    steps: DEFAULT_DEFINITION.steps.map((s) =>
      s.code === code ? ({ ...s, ...over, behaviour: { ...s.behaviour, ...(behaviour as object) } } as StepDefinition) : s,
    ),
  });
  // An office's own step after A02, carrying the behaviour.
  const added = (behaviour: unknown, over: Partial<StepDefinition> = {}): ProcessDefinition => ({
    ...DEFAULT_DEFINITION,
    version: 'office-probe',
    steps: [
      ...DEFAULT_DEFINITION.steps,
      { ...step('X01', ['A02'], { actor: 'fao-clerk', ...over }), behaviour: behaviour as StepDefinition['behaviour'] },
    ],
  });
  const X = DEFAULT_DEFINITION.steps.length;
  const found = (d: ProcessDefinition) => behaviourProblems(d).map((p) => [p.code, p.path]);

  it.each<[string, ProcessDefinition, string]>([
    // The session's probe: each was published and did nothing, or what the chain keeps for another step.
    [
      'A02 closes the case (a trip completed at its drafting)',
      withBehaviour('A02', { closes: true }),
      `steps[${at('A02')}].behaviour.closes`,
    ],
    [
      "A13 rerunOnAmend 'bogus' (never ran again)",
      withBehaviour('A13', { rerunOnAmend: 'bogus' }),
      `steps[${at('A13')}].behaviour.rerunOnAmend`,
    ],
    ["D12 outcome mayFail 'everyone'", withBehaviour('D12', { outcome: { mayFail: 'everyone' } }), `steps[${at('D12')}].behaviour.outcome`],
    [
      'B02 intake needed by no step',
      withBehaviour('B02', { intake: { acceptWithDeficiencies: { defaultNeededBy: 'ZZ9' } } }),
      `steps[${at('B02')}].behaviour.intake.acceptWithDeficiencies.defaultNeededBy`,
    ],
    [
      "B03 collectsDeficiencies 'yes'",
      withBehaviour('B03', { collectsDeficiencies: 'yes' }),
      `steps[${at('B03')}].behaviour.collectsDeficiencies`,
    ],
    ['an added task certifying the departure', added({ certifies: { event: 'departure' } }), `steps[${X}].behaviour.certifies`],
    ["an added task certifying 'arrival'", added({ certifies: { event: 'arrival' } }), `steps[${X}].behaviour.certifies`],
    ['an added task refusing members', added({ outcome: { mayFail: 'member' } }), `steps[${X}].behaviour.outcome`],
    ['an added task with external-outcome data', added({ data: 'external-outcome' }), `steps[${X}].behaviour.data`],
    ['an entry route per delegation', added({ data: 'entry-route' }), `steps[${X}].behaviour.data`],
    ['an unknown data schema', added({ data: 'passport-photo' }), `steps[${X}].behaviour.data`],
    ['an unknown system work', added({ system: 'mail-merge' }, { kind: 'system', actor: 'system' }), `steps[${X}].behaviour.system`],
    ['system work on a task', added({ system: 'frequency' }), `steps[${X}].behaviour.system`],
    [
      "the card's registration in the delegation chain",
      added({ system: 'apec-card-register' }, { kind: 'system', actor: 'system', scope: 'member' }),
      `steps[${X}].behaviour.system`,
    ],
    [
      "a member's frequency check per delegation",
      added({ system: 'frequency' }, { kind: 'system', actor: 'system' }),
      `steps[${X}].behaviour.system`,
    ],
    ['a second public notice', added({ notice: { objections: true } }, { kind: 'timer', actor: 'system' }), `steps[${X}].behaviour.notice`],
    ['a notice on a task', added({ notice: { objections: true } }), `steps[${X}].behaviour.notice`],
    ['intake on a task', added({ intake: { acceptWithDeficiencies: { defaultNeededBy: 'B05' } } }), `steps[${X}].behaviour.intake`],
    ["overdue 'soon'", added({ overdue: 'soon' }), `steps[${X}].behaviour.overdue`],
    [
      'a post-trip due of 3 years',
      added({ afterDeparture: { due: { calendarDays: 1095 } } }, { phase: 'post-trip', needs: [] }),
      `steps[${X}].behaviour.afterDeparture`,
    ],
    [
      'a post-trip due of half a calendar day',
      added({ afterDeparture: { due: { calendarDays: 0.5 } } }, { phase: 'post-trip', needs: [] }),
      `steps[${X}].behaviour.afterDeparture`,
    ],
    ['behaviour a string', added('nonsense'), `steps[${X}].behaviour`],
    [
      'attachments required of the timer A13',
      withBehaviour('A13', { requiresAttachments: ['invitation-letter'] }),
      `steps[${at('A13')}].behaviour.requiresAttachments`,
    ],
    ['a post-trip step with no due after the return', added({}, { phase: 'post-trip', needs: [] }), `steps[${X}].behaviour.afterDeparture`],
    [
      'a step due after the return in the prepare phase',
      added({ afterDeparture: { due: { calendarDays: 10 } } }, { needs: [] }),
      `steps[${X}].phase`,
    ],
    // Trial 31: a second collector, a clerk's task with no condition, was completed by hand.
    ['a second collector of the missing documents', added({ collectsDeficiencies: true }), `steps[${X}].behaviour.collectsDeficiencies`],
    // Trial 31: the organizer's invitation upload escalating as a passport overdue.
    ["A03 with overdue 'passport-overdue'", withBehaviour('A03', { overdue: 'passport-overdue' }), `steps[${at('A03')}].behaviour.overdue`],
    ["overdue 'report-overdue' on a step filing no report", added({ overdue: 'report-overdue' }), `steps[${X}].behaviour.overdue`],
    // Trial 31: data asked for on a step whose work does not read it, and dropped.
    ['a return registration certifying nothing', added({ data: 'return-registration' }), `steps[${X}].behaviour.data`],
    ['a trip report before the trip', added({ data: 'trip-report' }), `steps[${X}].behaviour.data`],
    ['a new passport no custody move registers', added({ data: 'new-passport' }, { scope: 'member' }), `steps[${X}].behaviour.data`],
    ["the whitelist's filing in the delegation chain", added({ data: 'admission-application' }), `steps[${X}].behaviour.data`],
    // Trial 32 (201 before): each of these once per version, data where a person fills it in.
    [
      'a second approval document',
      added({ system: 'approval-document' }, { kind: 'system', actor: 'system', needs: ['B08'] }),
      `steps[${X}].behaviour.system`,
    ],
    ['written-outcome on a timer', added({ data: 'written-outcome' }, { kind: 'timer', actor: 'system' }), `steps[${X}].behaviour.data`],
    [
      "the intake's documents needed by A01 (done before it)",
      withBehaviour('B02', { intake: { acceptWithDeficiencies: { defaultNeededBy: 'A01' } } }),
      `steps[${at('B02')}].behaviour.intake.acceptWithDeficiencies.defaultNeededBy`,
    ],
    [
      'a second intake (B05)',
      withBehaviour('B05', { intake: { acceptWithDeficiencies: { defaultNeededBy: 'B06' } } }),
      `steps[${at('B05')}].behaviour.intake`,
    ],
    [
      'a second entry-route step',
      added({ data: 'entry-route' }, { actor: 'organizer', scope: 'member-country', phase: 'visa' }),
      `steps[${X}].behaviour.data`,
    ],
    // An approval decided before the plan check is done found no outcome asking for the reason, and approved without one.
    [
      'a written plan reason asked of an approval before the annual plan check',
      added({ requiresPlanReason: true }, { kind: 'approval', actor: 'fao-reviewer', needs: [] }),
      `steps[${X}].behaviour.requiresPlanReason`,
    ],
    [
      'a written plan reason in a version without the annual plan check',
      {
        ...withBehaviour('B05', { requiresPlanReason: true }),
        steps: DEFAULT_DEFINITION.steps.map((s) =>
          s.code === 'A01'
            ? { ...s, kind: 'timer' as const, behaviour: {} }
            : s.code === 'B05'
              ? { ...s, behaviour: { ...s.behaviour, requiresPlanReason: true as const } }
              : s,
        ),
      },
      `steps[${at('B05')}].behaviour.requiresPlanReason`,
    ],
    // Trial 33: the escalation on P05 (reimbursement) told the manager a passport was 30 days late and the unit blocked.
    [
      'an escalation on a step other than the passport check-in (P05)',
      withBehaviour('P05', { afterDeparture: { due: { calendarDays: 0 }, escalateAfterDays: 1 }, overdue: 'step-overdue' }),
      `steps[${at('P05')}].behaviour.afterDeparture.escalateAfterDays`,
    ],
    [
      'a post-trip due of a thousandth of a working day',
      withBehaviour('P05', { afterDeparture: { due: { workingDays: 0.001 } } }),
      `steps[${at('P05')}].behaviour.afterDeparture`,
    ],
    // The last session's left item: a second report step's filing replaced P03's report date and outcomes.
    ['a second trip report (P04)', withBehaviour('P04', { data: 'trip-report' }), `steps[${at('P04')}].behaviour.data`],
    [
      'a trip report per member',
      {
        ...added({ data: 'trip-report', afterDeparture: { due: { workingDays: 15 } } }, { phase: 'post-trip', needs: [], scope: 'member' }),
        steps: [
          ...DEFAULT_DEFINITION.steps.map((s) =>
            s.code === 'P03' ? { ...s, behaviour: { afterDeparture: { due: { workingDays: 15 } } } } : s,
          ),
          {
            ...step('X01', [], { actor: 'organizer', phase: 'post-trip', scope: 'member' }),
            behaviour: { data: 'trip-report', afterDeparture: { due: { workingDays: 15 } } },
          },
        ],
      },
      `steps[${X}].behaviour.data`,
    ],
    ['days per country on a delegation step', added(undefined, { durationSource: 'embassy-processing' }), `steps[${X}].durationSource`],
    [
      "the APEC pre-clearance's days in the delegation chain",
      added(undefined, { durationSource: 'apec-preclearance', scope: 'country' }),
      `steps[${X}].durationSource`,
    ],
  ])('refuses %s (INVALID_FIELD at the field)', (_what, d, path) => {
    expect(found(d)).toEqual([['INVALID_FIELD', path]]);
    expect(() => loadDefinition(d)).toThrow(DefinitionError);
  });

  it('accepts what the engine reads as declared', () => {
    expect(found(added({ rerunOnAmend: 'additions', overdue: 'step-overdue' }))).toEqual([]);
    expect(found(added({ afterDeparture: { due: { workingDays: 2.5 } } }, { phase: 'post-trip', needs: [] }))).toEqual([]);
    expect(found(added({ data: 'written-outcome', requiresAttachments: ['invitation-letter'] }))).toEqual([]);
    expect(found(added({ data: 'external-outcome', outcome: { mayFail: 'member' } }, { kind: 'external', actor: 'external' }))).toEqual([]);
  });

  it('a collector in a version whose intake never accepts with deficiencies has nothing to collect', () => {
    const w = APEC_WHITELIST_DEFINITION.steps.findIndex((s) => s.code === 'W01');
    const whitelist: ProcessDefinition = {
      ...APEC_WHITELIST_DEFINITION,
      steps: APEC_WHITELIST_DEFINITION.steps.map((s, i) =>
        i === w ? { ...s, behaviour: { ...s.behaviour, collectsDeficiencies: true } } : s,
      ),
    };
    expect(found(whitelist)).toEqual([['INVALID_FIELD', `steps[${w}].behaviour.collectsDeficiencies`]]);
  });

  it('names both fields of a task given an external outcome and its data', () => {
    expect(found(added({ data: 'external-outcome', outcome: { mayFail: 'member' } }))).toEqual([
      ['INVALID_FIELD', `steps[${X}].behaviour.outcome`],
      ['INVALID_FIELD', `steps[${X}].behaviour.data`],
    ]);
  });

  it("names a statutory step's pinned behaviour once, by its statutory rule", () => {
    const objections = withBehaviour('A13', { notice: { objections: false } });
    expect(found(objections)).toEqual([['INVALID_FIELD', `steps[${at('A13')}].behaviour.notice`]]);
    let problems: Array<[string, string]> = [];
    try {
      loadDefinition(objections);
    } catch (e) {
      problems = (e as DefinitionError).problems.map((p) => [p.code, p.path]);
    }
    expect(problems).toEqual([['STATUTORY_STEP', `steps[${at('A13')}].behaviour.notice.objections`]]);
  });
});
