import { buildInstances } from '../instances';
import { CASE_TITLE_MAX, fittedTitle } from '../facts';
import { cardApplicationFacts } from './apec-card';
import { admissionFailures, DEFAULT_WHITELIST_CRITERIA, type WhitelistCriteria } from './apec-card';
import {
  admissionApplicationProblems,
  APEC_WHITELIST_DEFINITION,
  criteriaProblems,
  NON_DELEGATION_VERSIONS,
  processDefinitions,
  processOfVersion,
  versionFilter,
  whitelistApplicationFacts,
} from './apec-whitelist';
import { DEFAULT_DEFINITION, publishedDefinition } from './default-definition';
import { stepDataProblems } from './step-data';
import { hasDecimals, validateDefinition } from './validate';

describe('the whitelist admission definition (issue 17)', () => {
  it('is a valid, published definition of a third process, known by its version', () => {
    expect(validateDefinition(APEC_WHITELIST_DEFINITION)).toEqual([]);
    expect(publishedDefinition(APEC_WHITELIST_DEFINITION.version)).toBe(APEC_WHITELIST_DEFINITION);
    expect(processOfVersion('apec-whitelist-2027.1')).toBe('apec-whitelist');
    expect(processOfVersion('apec-2027.1')).toBe('apec-card');
    expect(processOfVersion('office-7')).toBe('delegation');
    expect(processDefinitions(DEFAULT_DEFINITION).map((d) => d.process ?? 'delegation')).toEqual([
      'delegation',
      'apec-card',
      'apec-whitelist',
    ]);
    expect(versionFilter('apec-whitelist')).toEqual({ in: ['apec-whitelist-2027.1'] });
    expect(versionFilter('delegation')).toEqual({ notIn: NON_DELEGATION_VERSIONS });
    expect(NON_DELEGATION_VERSIONS).toEqual(['apec-2027.1', 'apec-whitelist-2027.1']);
  });

  it('runs W01 (clerk, figures) → W02 (APEC desk approval) → W03 (system decision that closes the case), one instance each', () => {
    const facts = whitelistApplicationFacts({
      unit: 'e1',
      enterpriseName: '甲公司',
      filedOn: '2027-03-01',
      clerk: { id: 'u1', name: '张三' },
    });
    expect(facts.departureDate).toBe('2027-03-31');
    const instances = buildInstances(APEC_WHITELIST_DEFINITION, facts);
    expect(instances.map((i) => [i.key, i.actor, i.kind])).toEqual([
      ['W01', 'enterprise-clerk', 'task'],
      ['W02', 'apec-desk', 'approval'],
      ['W03', 'system', 'system'],
    ]);
    const w03 = APEC_WHITELIST_DEFINITION.steps.find((s) => s.code === 'W03')!;
    expect(w03.behaviour).toEqual({ system: 'apec-whitelist-decide', closes: true });
  });
});

describe("the filing step's figures (W01 data)", () => {
  it('names each field that is missing or wrong', () => {
    expect(stepDataProblems('admission-application', {}).map((p) => [p.field, p.rule])).toEqual([
      ['registeredCapitalWan', 'non-negative-number'],
      ['foreignTradeUsd', 'non-negative-number'],
      ['taxCreditGrade', 'tax-credit-grade'],
      ['creditRecordClean', 'boolean'],
    ]);
    expect(
      admissionApplicationProblems({ registeredCapitalWan: -1, foreignTradeUsd: '5', taxCreditGrade: 'E', creditRecordClean: 'yes' }).map(
        (p) => [p.field, p.rule],
      ),
    ).toEqual([
      ['registeredCapitalWan', 'non-negative-number'],
      // A figure as text is the wrong kind of value, not a negative one (trial 50, the budget's items).
      ['foreignTradeUsd', 'type'],
      ['taxCreditGrade', 'tax-credit-grade'],
      ['creditRecordClean', 'boolean'],
    ]);
    expect(
      stepDataProblems('admission-application', {
        registeredCapitalWan: 0,
        foreignTradeUsd: 60000,
        taxCreditGrade: 'M',
        creditRecordClean: false,
      }),
    ).toEqual([]);
    expect(stepDataProblems('external-outcome', {})).toEqual([]);
    // The bounds (ADMISSION_AMOUNT_LIMITS): the trial's 1e308 is refused at W01 as at the API; 万元 to the yuan, whole dollars.
    expect(
      admissionApplicationProblems({ registeredCapitalWan: 1e308, foreignTradeUsd: 0.5, taxCreditGrade: 'A', creditRecordClean: true }).map(
        (p) => [p.field, p.rule],
      ),
    ).toEqual([
      ['registeredCapitalWan', 'max'],
      ['foreignTradeUsd', 'decimals'],
    ]);
    expect(
      admissionApplicationProblems({
        registeredCapitalWan: 100_000_000,
        foreignTradeUsd: 1e12,
        taxCreditGrade: 'A',
        creditRecordClean: true,
      }),
    ).toEqual([]);
    // The engine's check (unbounded: a recorded completion replays as accepted); the API's (bounded).
    const huge = { registeredCapitalWan: 1e308, foreignTradeUsd: 1, taxCreditGrade: 'A', creditRecordClean: true };
    expect(stepDataProblems('admission-application', huge)).toEqual([]);
    expect(stepDataProblems('admission-application', huge, true).map((p) => p.rule)).toEqual(['max']);
    expect([0.3, 0.1 + 0.2, 12345678.1234].map((v) => hasDecimals(v, 4))).toEqual([true, true, true]);
    expect([0.00001, 12345678.12345].map((v) => hasDecimals(v, 4))).toEqual([false, false]);
    // An absurdly tiny positive amount is not 0 (new-user trial: 1e-300 was taken for a whole number).
    expect([1e-300, 5e-324, 1e-12].map((v) => hasDecimals(v, 4))).toEqual([false, false, false]);
    expect(hasDecimals(0, 0)).toBe(true);
    expect(stepDataProblems(undefined, {})).toEqual([]);
  });
});

describe("the office's criteria", () => {
  const criteria = (patch: Partial<WhitelistCriteria>): WhitelistCriteria => ({ ...DEFAULT_WHITELIST_CRITERIA, ...patch });

  it('accepts the defaults and equal thresholds across sizes', () => {
    expect(criteriaProblems(DEFAULT_WHITELIST_CRITERIA)).toEqual([]);
    expect(criteriaProblems(criteria({ foreignTradeUsd: { large: 5, medium: 5, small: 5, micro: 5 } }))).toEqual([]);
  });

  it('refuses a smaller size above a larger one (lowered thresholds), negative amounts, no or repeated grades', () => {
    const problems = criteriaProblems(
      criteria({
        registeredCapitalWan: { large: 1000, medium: 500, small: 600, micro: -1 },
        taxCreditGrades: [],
      }),
    );
    expect(problems.map((p) => [p.field, p.rule])).toEqual([
      ['registeredCapitalWan.small', 'lowered-threshold'],
      ['registeredCapitalWan.micro', 'non-negative-number'],
      ['taxCreditGrades', 'non-empty'],
    ]);
    expect(problems[0]!.message.en).toBe(
      'The small enterprise threshold (600) may not exceed the medium one (500): smaller firms get lowered thresholds',
    );
    expect(criteriaProblems(criteria({ taxCreditGrades: ['A', 'B', 'A'] })).map((p) => [p.field, p.rule])).toEqual([
      ['taxCreditGrades[2]', 'unique'],
    ]);
  });

  it('a raised small threshold refuses the figures the default admits', () => {
    const figures = { registeredCapitalWan: 150, foreignTradeUsd: 120_000, taxCreditGrade: 'A' as const, creditRecordClean: true };
    expect(admissionFailures('small', figures)).toEqual([]);
    const raised = criteria({ registeredCapitalWan: { large: 1000, medium: 500, small: 200, micro: 30 } });
    expect(admissionFailures('small', figures, raised).map((f) => f.criterion)).toEqual(['registeredCapitalWan']);
  });
});

describe('an APEC case title fits cases.title (varchar(200)) whatever the enterprise name', () => {
  it('shortens a 200-character unit name with …; a short one is kept whole', () => {
    const long = '企'.repeat(200);
    const whitelist = whitelistApplicationFacts({
      unit: 'u',
      enterpriseName: long,
      filedOn: '2027-03-01',
      clerk: { id: 'c', name: '张三' },
    });
    expect([...whitelist.title].length).toBe(CASE_TITLE_MAX);
    expect(whitelist.title).toMatch(/^APEC卡白名单准入申请（企+…）$/);
    const card = cardApplicationFacts({ unit: 'u', enterpriseName: long, applicants: [], economies: ['AU'], neededBy: '2027-06-01' });
    expect([...card.title].length).toBe(CASE_TITLE_MAX);
    expect(card.title).toMatch(/^APEC商务旅行卡申请（企+…，0人）$/);
    expect(fittedTitle('申请（', '某公司', '）')).toBe('申请（某公司）');
  });
});
