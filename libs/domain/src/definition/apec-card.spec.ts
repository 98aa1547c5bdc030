import { buildInstances } from '../instances';
import { plan } from '../planner';
import { makeMember, makeFacts, makeDestination } from '../fixtures';
import { entryRoute } from '../facts';
import {
  targetDayLabel,
  admissionFailures,
  APEC_CARD_DEFINITION,
  cardApplicationFacts,
  cardUsableOn,
  cardValidUntil,
  mayApplyForCards,
  cardApplicationRefusal,
  cardStepStandingRefusal,
  phaseLabelOf,
  processOf,
  renewalOpensOn,
  reviewReminderOn,
} from './apec-card';
import { APEC_WHITELIST_DEFINITION, PROCESS_PHASES, processOfVersion } from './apec-whitelist';
import { PHASE_LABELS, PHASES } from '../roles';
import { DEFAULT_DEFINITION, publishedDefinition } from './default-definition';
import { behaviourProblems, validateDefinition } from './validate';
import type { AttachmentKind } from '../attachments';
import type { ProcessDefinition } from './types';

const applicants = [
  { personId: 'e1-p1', name: '甲', position: '经理', rank: 'staff' as const },
  { personId: 'e1-p2', name: '乙', position: '经理', rank: 'staff' as const },
];

describe('the APEC card definition (issue 17)', () => {
  it('is a valid definition, published, of its own process', () => {
    expect(validateDefinition(APEC_CARD_DEFINITION)).toEqual([]);
    expect(publishedDefinition(APEC_CARD_DEFINITION.version)).toBe(APEC_CARD_DEFINITION);
    expect([processOf(APEC_CARD_DEFINITION), processOf(DEFAULT_DEFINITION)]).toEqual(['apec-card', 'delegation']);
    expect([processOfVersion('apec-2027.1'), processOfVersion('2027.2'), processOfVersion('office-7')]).toEqual([
      'apec-card',
      'delegation',
      'delegation',
    ]);
  });

  it('a version may require only the kinds its cases can upload (ATTACHMENT_KINDS_BY_PROCESS), refused at the field', () => {
    const requiring = (kinds: AttachmentKind[]): ProcessDefinition => ({
      ...APEC_CARD_DEFINITION,
      version: 'apec-2027.9',
      steps: APEC_CARD_DEFINITION.steps.map((s, i) => (i === 0 ? { ...s, behaviour: { ...s.behaviour, requiresAttachments: kinds } } : s)),
    });
    expect(behaviourProblems(requiring(['passport-copy']))).toEqual([]);
    const problems = behaviourProblems(requiring(['passport-copy', 'invitation-letter']));
    expect(problems.map((p) => [p.path, p.text.zh])).toEqual([
      ['steps[0].behaviour.requiresAttachments', '本流程的案件不能上传邀请函（invitation-letter）：可要求passport-copy、other'],
    ]);
  });

  it('applicants are per-member instances, economies per-country ones with their own pre-clearance days', () => {
    const facts = cardApplicationFacts({
      unit: 'e1',
      enterpriseName: '甲公司',
      applicants,
      economies: ['JP', 'KR', 'SG'],
      neededBy: '2027-06-30',
    });
    const instances = buildInstances(APEC_CARD_DEFINITION, facts);
    const of = (code: string) => instances.filter((i) => i.code === code).map((i) => [i.key, i.durationWd]);
    expect(of('K01')).toEqual([
      ['K01:m1', 0.5],
      ['K01:m2', 0.5],
    ]);
    expect(of('K05')).toEqual([
      ['K05:JP', 20],
      ['K05:KR', 15],
      ['K05:SG', 10],
    ]);
    // Every applicant's card waits for every economy's pre-clearance; the hand-over for every card.
    expect(instances.find((i) => i.key === 'K06:m2')!.needs).toEqual(['K05:JP', 'K05:KR', 'K05:SG']);
    expect(instances.find((i) => i.key === 'K08')!.needs).toEqual(['K07:m1', 'K07:m2']);
    // The planner forecasts it like any case: the critical path runs through the longest pre-clearance.
    const p = plan({ instances, now: Date.parse('2027-03-01T01:00:00Z'), departureDate: facts.departureDate });
    expect(p.criticalPath).toContain('K05:JP');
    expect(p.totalWd).toBe(0.5 + 0.5 + 2 + 0.5 + 20 + 5 + 0 + 0.5);
  });

  it('an economy without its own figure takes the step duration', () => {
    const facts = cardApplicationFacts({ unit: 'e1', enterpriseName: '甲公司', applicants, economies: ['CN'], neededBy: '2027-06-30' });
    expect(buildInstances(APEC_CARD_DEFINITION, facts).find((i) => i.code === 'K05')!.durationWd).toBe(15);
  });
});

describe('cards', () => {
  it('are valid 5 years to the day before the anniversary; renewal opens 6 months before', () => {
    expect(cardValidUntil('2027-03-01')).toBe('2032-02-29');
    expect(cardValidUntil('2026-11-30')).toBe('2031-11-29');
    expect(renewalOpensOn('2032-02-29')).toBe('2031-08-29');
    expect(renewalOpensOn('2031-08-31')).toBe('2031-02-28');
  });

  it('are usable while valid or renewal-open up to their last day, not lost or cancelled', () => {
    const card = { validUntil: '2030-05-31' };
    expect(cardUsableOn({ ...card, status: 'valid' }, '2030-05-31')).toBe(true);
    expect(cardUsableOn({ ...card, status: 'renewal-open' }, '2030-05-31')).toBe(true);
    expect(cardUsableOn({ ...card, status: 'valid' }, '2030-06-01')).toBe(false);
    expect(cardUsableOn({ ...card, status: 'lost' }, '2029-01-01')).toBe(false);
    expect(cardUsableOn({ ...card, status: 'cancelled' }, '2029-01-01')).toBe(false);
  });

  it("give a delegation member the APEC route for a cleared full economy only (the chain's D01 fact)", () => {
    const member = makeMember({ apecCard: { number: 'CHN000000001', expiresOn: '2030-12-31', economies: ['JP'] } });
    const facts = makeFacts({ destinations: [makeDestination({ country: 'JP' }), makeDestination({ country: 'KR' })], members: [member] });
    expect(entryRoute(member, 'JP', facts)).toBe('apec-card');
    expect(entryRoute(member, 'KR', facts)).toBe('visa');
  });
});

describe('the whitelist', () => {
  const app = { registeredCapitalWan: 150, foreignTradeUsd: 120_000, taxCreditGrade: 'B' as const, creditRecordClean: true };

  it('lowers the thresholds for small and micro firms', () => {
    expect(admissionFailures('small', app)).toEqual([]);
    expect(admissionFailures('micro', app)).toEqual([]);
    expect(admissionFailures('medium', app).map((f) => f.criterion)).toEqual(['registeredCapitalWan', 'foreignTradeUsd']);
    expect(admissionFailures('large', app).map((f) => f.criterion)).toEqual(['registeredCapitalWan', 'foreignTradeUsd']);
  });

  it('names each failed criterion in both languages, with the threshold that applied', () => {
    const failures = admissionFailures('small', { ...app, registeredCapitalWan: 99, taxCreditGrade: 'C', creditRecordClean: false });
    expect(failures.map((f) => f.criterion)).toEqual(['registeredCapitalWan', 'taxCreditGrade', 'creditRecordClean']);
    expect(failures[0]!.message.zh).toContain('100万元');
    expect(failures[0]!.message.en).toContain('at least 100');
  });

  it('lets state enterprises apply without it, others only while admitted', () => {
    expect(mayApplyForCards('state', null)).toBe(true);
    expect(mayApplyForCards('non-state', null)).toBe(false);
    expect(mayApplyForCards('non-state', 'admitted')).toBe(true);
    expect(mayApplyForCards('non-state', 'suspended')).toBe(false);
    expect(mayApplyForCards('non-state', 'exited')).toBe(false);
    // The whitelist's sanction holds whatever the ownership says (tenth trial: set to state while suspended).
    expect(mayApplyForCards('state', 'suspended')).toBe(false);
    expect(mayApplyForCards('state', 'exited')).toBe(false);
    expect(cardStepStandingRefusal({ phase: 'review' }, true, 'state', 'suspended')?.en).toContain('now: Suspended');
  });

  it("holds a card application's own steps (prepare, review) while its enterprise may not apply; returns, rejections and the others' records go on", () => {
    const phase = (code: string) => APEC_CARD_DEFINITION.steps.find((s) => s.code === code)!;
    for (const code of ['K01', 'K02', 'K03', 'K04'])
      expect(cardStepStandingRefusal(phase(code), true, 'non-state', 'suspended')?.en).toBe(
        'The enterprise is off the whitelist (now: Suspended): its application does not go forward (it may be returned or rejected) until it is back (the suspension lifted)',
      );
    for (const code of ['K05', 'K06', 'K08']) expect(cardStepStandingRefusal(phase(code), true, 'non-state', 'suspended')).toBeNull();
    expect(cardStepStandingRefusal(phase('K03'), false, 'non-state', 'suspended')).toBeNull();
    expect(cardStepStandingRefusal(phase('K03'), true, 'non-state', 'admitted')).toBeNull();
    expect(cardStepStandingRefusal(phase('K03'), true, 'state', null)).toBeNull();
    expect(cardStepStandingRefusal(phase('K03'), true, 'non-state', 'exited')?.zh).toContain('已退出');
  });

  it('says why an enterprise may not apply, naming its whitelist state; nothing when it may', () => {
    expect(cardApplicationRefusal('state', null)).toBeNull();
    expect(cardApplicationRefusal('non-state', 'admitted')).toBeNull();
    expect(cardApplicationRefusal('non-state', null)).toEqual({
      zh: '非国有企业须在白名单内才能申请（当前：未列入白名单）',
      en: 'A non-state enterprise applies only while on the whitelist (now: Not on the whitelist)',
    });
    expect(cardApplicationRefusal('non-state', 'exited')?.zh).toBe('非国有企业须在白名单内才能申请（当前：已退出）');
    expect(cardApplicationRefusal('non-state', 'suspended')?.en).toBe(
      'A non-state enterprise applies only while on the whitelist (now: Suspended)',
    );
    // A state enterprise is refused for the sanction, not told it is "non-state" (fresh trial).
    expect(cardApplicationRefusal('state', 'suspended')).toEqual({
      zh: '企业的白名单状态为已暂停：暂停期间或退出后不能申请（国有企业亦同）',
      en: "The enterprise's whitelist state is Suspended: it may not apply while suspended or after an exit, state-owned or not",
    });
  });

  it('reminds of the annual review 30 days before', () => {
    expect(reviewReminderOn('2028-01-05')).toBe('2027-12-06');
  });
});

describe("PROCESS_PHASE_LABELS: each process's phases in its own words (trial 65: a card application read 出访准备)", () => {
  it("no phase a card application's or a whitelist filing's steps are in reads as a trip's, but for the shared 已结案", () => {
    for (const def of [APEC_CARD_DEFINITION, APEC_WHITELIST_DEFINITION]) {
      const process = processOf(def);
      for (const phase of new Set(def.steps.map((s) => s.phase))) {
        expect(phaseLabelOf(phase, process)).not.toEqual(PHASE_LABELS[phase]);
        expect(phaseLabelOf(phase, process).zh).not.toMatch(/出访|签证|行前/);
      }
    }
    expect(phaseLabelOf('prepare', 'delegation')).toEqual(PHASE_LABELS.prepare);
    expect(phaseLabelOf('closed', 'apec-card')).toEqual(PHASE_LABELS.closed);
  });
});

describe('PROCESS_PHASES: the phases a case of each process can be in (trials 71, 72: the card filter listed 护照办理)', () => {
  it("is its definition's steps' phases and closed, in the chain's order; every phase for a trip", () => {
    expect(PROCESS_PHASES['apec-card']).toEqual(['prepare', 'review', 'visa', 'depart', 'closed']);
    expect(PROCESS_PHASES['apec-whitelist']).toEqual(['prepare', 'review', 'closed']);
    expect(PROCESS_PHASES.delegation).toEqual(PHASES);
    for (const def of [APEC_CARD_DEFINITION, APEC_WHITELIST_DEFINITION])
      for (const step of def.steps) expect(PROCESS_PHASES[processOf(def)]).toContain(step.phase);
  });
});

describe("the day a board's period reads (targetDayLabel; trial 75: 按出发日期 over card applications)", () => {
  it("one process's own day; of several, 目标日期 naming each", () => {
    expect(targetDayLabel(['apec-card'])).toEqual({ zh: '需用卡日期', en: 'Needed by' });
    expect(targetDayLabel(['delegation'])).toEqual({ zh: '出发日期', en: 'Departure' });
    expect(targetDayLabel(['apec-card', 'apec-whitelist'])).toEqual({
      zh: '目标日期（需用卡日期、决定期限）',
      en: 'Target day (Needed by, Decision due)',
    });
  });
});
