import { accessRefusal, CASE_ACTIONS, CASE_STATUSES, type CaseStatus, type Principal } from './access';
import {
  admissionFailures,
  CARD_STATUSES,
  criteriaProblems,
  DEFAULT_WHITELIST_CRITERIA,
  ENTERPRISE_SIZES,
  OWNERSHIPS,
  WHITELIST_MOVES,
  WHITELIST_STATES,
} from './definition';
import { PASSPORT_STATES, PERSON_STATUSES } from './registries';
import { type Label, PHASES, ROLES, roleNames, STEP_PHASES, type Role } from './roles';

/**
 * New-user trial: refusals showed codes ("fao-reviewer", "small", "exited") in their Chinese text. Every code a
 * message interpolates is named by its label: no role, status, phase, size, state or move code in the zh half,
 * none of the hyphenated codes (nor a code in parentheses) in the en half. The codes are the data's, not the text's.
 */
const CODES: readonly string[] = [
  ...ROLES,
  ...CASE_STATUSES,
  ...PHASES,
  ...ENTERPRISE_SIZES,
  ...OWNERSHIPS,
  ...WHITELIST_STATES,
  ...WHITELIST_MOVES,
  ...CARD_STATUSES,
  ...PERSON_STATUSES,
  ...PASSPORT_STATES,
];
const WORDS = CODES.map((c) => ({ c, re: new RegExp(`(?<![A-Za-z-])${c}(?![A-Za-z-])`) }));

/** The codes a message shows in place of a label ([] when none). */
function codesIn(m: Label): string[] {
  return WORDS.filter(
    ({ c, re }) => re.test(m.zh) || (c.includes('-') && re.test(m.en)) || m.en.includes(`(${c})`) || m.en.includes(`(${c},`),
  ).map(({ c }) => c);
}

// Unit codes and ids in Chinese, so that a Latin word in a message can only come from a code.
const UNIT = '商务局';
const CASE = { unit: UNIT, supervisingDepartment: '商务厅' };
const PEOPLE = ROLES.filter((r) => !['system', 'member', 'external'].includes(r));

describe('refusal messages name codes by their labels', () => {
  it('access refusals, for every action, role, status, step actor and 帮代办 principal', () => {
    const seen: Array<{ what: string; message: Label; codes: string[] }> = [];
    // Every status with the plain actions; the step and 帮代办 variants (the role-naming ones) at a few statuses.
    const statuses = (deep: boolean): Array<CaseStatus | undefined> =>
      deep ? [undefined, 'open', 'withdrawn'] : [undefined, ...CASE_STATUSES];
    const steps = ROLES.flatMap((actor) => STEP_PHASES.map((phase) => ({ actor, phase })));
    const principals: Principal[] = [
      ...PEOPLE.map((role): Principal => ({ kind: 'user', id: '张三', role, unit: UNIT })),
      { kind: 'user', id: '李四', role: 'organizer', unit: '教育局' },
      { kind: 'member', memberId: '成员甲' },
    ];
    for (const action of CASE_ACTIONS)
      for (const role of PEOPLE)
        for (const status of statuses(action === 'complete' || action === 'decide'))
          for (const step of action === 'complete' || action === 'decide' ? [undefined, ...steps] : [undefined])
            for (const onBehalfOf of status === 'open' ? [undefined, ...principals] : [undefined]) {
              const r = accessRefusal({
                action,
                actor: { role, unit: role.startsWith('fao') || role === 'manager' ? '外办' : UNIT },
                case: { ...CASE, ...(status ? { status } : {}) },
                ...(step ? { step } : {}),
                ...(onBehalfOf ? { onBehalfOf, members: ['成员甲'] } : {}),
              });
              if (r) seen.push({ what: `${action} ${role} ${status} ${step?.actor}`, message: r.message, codes: codesIn(r.message) });
            }
    expect(seen.length).toBeGreaterThan(1000);
    expect(seen.filter((s) => s.codes.length > 0).slice(0, 5)).toEqual([]);
  });

  it('the trial inputs: a step for another role, a closed case, an action for other roles', () => {
    const leaderStep = { actor: 'leader' as Role, phase: 'review' };
    expect(
      accessRefusal({
        action: 'decide',
        actor: { role: 'fao-reviewer', unit: '外办' },
        case: { ...CASE, status: 'open' },
        step: leaderStep,
      })?.message,
    ).toEqual({ zh: '此步骤由审批领导办理', en: 'This step is for: Approving leader' });
    expect(
      accessRefusal({ action: 'amend', actor: { role: 'organizer', unit: UNIT }, case: { ...CASE, status: 'withdrawn' } })?.message,
    ).toEqual({ zh: '案件已结束（已撤回）', en: 'The case is closed (Withdrawn)' });
    expect(
      accessRefusal({ action: 'withdraw', actor: { role: 'organizer', unit: UNIT }, case: { ...CASE, status: 'departed' } })?.message,
    ).toEqual({ zh: '案件已出发，不能撤回', en: 'The case is departed: no one may withdraw now' });
    expect(
      accessRefusal({ action: 'cancel', actor: { role: 'organizer', unit: UNIT }, case: { ...CASE, status: 'open' } })?.message,
    ).toEqual({
      zh: '只有外办受理窗口、外办审核处、外办主任、外办APEC卡窗口可以撤销',
      en: 'Only these roles may cancel: FAO intake clerk, FAO reviewer, FAO director, FAO APEC desk',
    });
    expect(roleNames(['fao-reviewer', 'leader'])).toEqual({ zh: '外办审核处、审批领导', en: 'FAO reviewer, Approving leader' });
  });

  it('the whitelist criteria and the admission failures name the enterprise size by its label', () => {
    for (const size of ENTERPRISE_SIZES) {
      const failures = admissionFailures(size, {
        registeredCapitalWan: 0,
        foreignTradeUsd: 0,
        taxCreditGrade: 'D',
        creditRecordClean: false,
      });
      expect(failures.length).toBeGreaterThan(0);
      for (const f of failures)
        expect({ size, criterion: f.criterion, codes: codesIn(f.message) }).toEqual({ size, criterion: f.criterion, codes: [] });
    }
    expect(
      admissionFailures('small', { registeredCapitalWan: 50, foreignTradeUsd: 1e9, taxCreditGrade: 'A', creditRecordClean: true }),
    ).toEqual([
      {
        criterion: 'registeredCapitalWan',
        message: {
          zh: '注册资本须不低于100万元（小型企业标准），申报50万元',
          en: 'Registered capital must be at least 100 (10 000 yuan) for a small enterprise; declared 50',
        },
      },
    ]);
    const inverted = criteriaProblems({
      ...DEFAULT_WHITELIST_CRITERIA,
      registeredCapitalWan: { large: 10, medium: 20, small: 30, micro: 40 },
      foreignTradeUsd: { large: 10, medium: 20, small: 30, micro: 40 },
    });
    expect(inverted).toHaveLength(6);
    for (const p of inverted) expect({ field: p.field, codes: codesIn(p.message) }).toEqual({ field: p.field, codes: [] });
    expect(inverted[0]!.message.zh).toBe('中型企业的门槛（20）不得高于大型企业（10）：小微企业降低门槛');
  });
});
