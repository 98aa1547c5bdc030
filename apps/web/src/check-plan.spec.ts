import { describe, expect, it } from '@jest/globals';
import { DICT } from './labels';
import {
  annualPlanFinding,
  annualPlanNeedsReason,
  checkPlanText,
  checkTitleKey,
  planChanges,
  planReasonsMissing,
  planReasonsStated,
} from './check-plan';

const zh = (key: keyof typeof DICT) => DICT[key][0];

describe("the dry run's plan in words (thirteenth trial: nothing said whether the chain could finish before departure)", () => {
  it('ready with room, inside the risk line, after departure', () => {
    expect(checkPlanText(zh, { forecastReadyDate: '2027-02-01', slackWd: 12.04, atRisk: false })).toBe(
      '按各环节办理时限，预计 2027-02-01 办妥，距出发余 12 个工作日',
    );
    expect(checkPlanText(zh, { forecastReadyDate: '2027-02-20', slackWd: 1.5, atRisk: true })).toContain(
      '仅余 1.5 个工作日，低于外办的风险线',
    );
    expect(checkPlanText(zh, { forecastReadyDate: '2027-03-20', slackWd: -8, atRisk: true })).toContain(
      '2027-03-20 才能办妥，比出发晚 8 个工作日',
    );
  });
});

describe("the dry run's annual plan answer (twenty-first trial: the form did not say what A01 would answer)", () => {
  it('over-plan and unplanned warn (the reviewer asks why); planned, no plan on file, or no answer do not', () => {
    const message = { zh: '', en: '' };
    expect(annualPlanNeedsReason({ outcome: 'over-plan', message })).toBe(true);
    expect(annualPlanNeedsReason({ outcome: 'unplanned', message })).toBe(true);
    expect(annualPlanNeedsReason({ outcome: 'planned', message })).toBe(false);
    expect(annualPlanNeedsReason({ outcome: 'no-plan', message })).toBe(true);
    expect(annualPlanNeedsReason(undefined)).toBe(false);
  });
});

describe("the pre-submission check's title (trial 59: a yellow 符合出访规定 over an unplanned trip)", () => {
  const message = { zh: '', en: '' };
  it('says the broken rules, the check running, the risk, the trip outside the plan, or that it passed', () => {
    const passed = { violations: [], running: false, plan: { atRisk: false } };
    expect(checkTitleKey({ ...passed, violations: [{}] })).toBe('preCheckTitle');
    expect(checkTitleKey({ ...passed, running: true })).toBe('preCheckRunning');
    expect(checkTitleKey({ ...passed, plan: { atRisk: true } })).toBe('preCheckAtRisk');
    expect(checkTitleKey({ ...passed, annualPlan: { outcome: 'unplanned', message } })).toBe('preCheckOutsidePlan');
    expect(checkTitleKey({ ...passed, annualPlan: { outcome: 'over-plan', message } })).toBe('preCheckOutsidePlan');
    expect(checkTitleKey({ ...passed, annualPlan: { outcome: 'no-plan', message } })).toBe('preCheckOutsidePlan');
    expect(checkTitleKey(passed)).toBe('preCheckPassed');
  });
});

describe('what the annual plan check found (trial 66: shown nowhere on the case)', () => {
  it("reads the done check's note, nothing before it is done or from other steps", () => {
    const note = { zh: '未登记2028年度出访计划', en: 'No annual outbound plan on file for 2028' };
    expect(annualPlanFinding({ steps: [{ status: 'done', data: { planOutcome: 'no-plan', note } }] })).toEqual(note);
    expect(annualPlanFinding({ steps: [{ status: 'running', data: { planOutcome: 'no-plan', note } }] })).toBeUndefined();
    expect(annualPlanFinding({ steps: [{ status: 'done', data: { note } }] })).toBeUndefined();
  });
});

describe('the approvals a later plan check finds without the reason (trial 66)', () => {
  it('lists each step with its words, in the reader language', () => {
    const missing = { zh: '未载明理由', en: 'no reason stated' };
    const steps = [
      { key: 'B05', name: { zh: '外办规则审核', en: 'FAO rule review' }, planReasonMissing: missing },
      { key: 'B06', name: { zh: '外办领导审核', en: 'FAO director review' } },
    ];
    expect(planReasonsMissing({ steps }, 'zh')).toEqual(['B05 外办规则审核：未载明理由']);
    expect(planReasonsMissing({ steps }, 'en')).toEqual(['B05 FAO rule review: no reason stated']);
  });
});

describe('the reasons the approvals of a trip outside the plan stated (trial 67: B06 did not see B05’s)', () => {
  it('lists each with its step, in the reader’s language', () => {
    const steps = [
      { key: 'B05', name: { zh: '外办规则审核', en: 'FAO rule review' }, planReasonStated: '应邀参加投资洽谈会' },
      { key: 'B06', name: { zh: '外办主任审核', en: 'FAO director review' } },
    ];
    expect(planReasonsStated({ steps }, 'zh')).toEqual(['B05 外办规则审核：应邀参加投资洽谈会']);
    expect(planReasonsStated({ steps }, 'en')).toEqual(['B05 FAO rule review: 应邀参加投资洽谈会']);
    expect(planReasonsStated({ steps: [steps[1]!] }, 'zh')).toEqual([]);
  });
});

describe('what approving a filing changes in the approved plan (trial 66: replaced in one click, nothing said)', () => {
  const de = { id: 'P-1', purpose: 'trade', countries: ['DE', 'FR'], size: 3, quarter: 2 };
  const jp = { id: 'P-2', purpose: 'study', countries: ['JP'], size: 5, quarter: 3 };
  it('names the trips added, changed and removed by id; the countries compared as a set', () => {
    const none = { added: [], changed: [], removed: [], differences: {} };
    expect(planChanges([de, jp], [{ ...de, countries: ['FR', 'DE'] }, jp])).toEqual(none);
    expect(
      planChanges(
        [de, jp],
        [
          { ...de, size: 4 },
          { ...jp, id: 'P-3' },
        ],
      ),
    ).toEqual({ added: ['P-3'], changed: ['P-1'], removed: ['P-2'], differences: { 'P-1': [{ field: 'size', from: 3, to: 4 }] } });
    expect(planChanges(null, [de])).toEqual({ ...none, added: ['P-1'] });
    expect(planChanges([de], [])).toEqual({ ...none, removed: ['P-1'] });
  });
  it('says what changed in a trip (trial 72: 5 people cut to 3 read only 变更)', () => {
    expect(planChanges([jp], [{ ...jp, size: 3, quarter: 4, countries: ['KR', 'JP'], purpose: 'trade' }]).differences).toEqual({
      'P-2': [
        { field: 'purpose', from: 'study', to: 'trade' },
        { field: 'countries', from: ['JP'], to: ['JP', 'KR'] },
        { field: 'size', from: 5, to: 3 },
        { field: 'quarter', from: 3, to: 4 },
      ],
    });
  });
});
