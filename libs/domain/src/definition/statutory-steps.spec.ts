import { APEC_CARD_DEFINITION } from './apec-card';
import type { ReturnDue } from './behaviour';
import { APEC_WHITELIST_DEFINITION } from './apec-whitelist';
import { DEFAULT_DEFINITION, DEFINITION_2026_1, DEFINITION_2027_1, DEFINITION_2027_2 } from './default-definition';
import { STATUTORY_STEPS, statutoryDurationOverrideProblems, statutoryStepProblems } from './statutory-steps';
import type { ProcessDefinition, StepDefinition } from './types';
import { DefinitionError } from './types';
import { loadDefinition, STATUTORY_APPROVAL_ROLES, validateDefinition } from './validate';

/** The current chain as an office would publish it, with `change` applied to step `code` (undefined: the step dropped). */
function published(code: string, change: (s: StepDefinition) => StepDefinition | undefined): ProcessDefinition {
  const steps = structuredClone(DEFAULT_DEFINITION.steps).flatMap((s) => (s.code === code ? (change(s) ?? []) : [s]));
  return { ...structuredClone(DEFAULT_DEFINITION), version: 'office-trial', steps };
}
const index = (def: ProcessDefinition, code: string) => def.steps.findIndex((s) => s.code === code);

/** What loadDefinition refuses: each problem as [code, step, path]. */
function refusal(def: ProcessDefinition): Array<[string, string | undefined, string]> {
  try {
    loadDefinition(def);
  } catch (err) {
    expect(err).toBeInstanceOf(DefinitionError);
    return (err as DefinitionError).problems.map((p) => [p.code, p.step, p.path]);
  }
  throw new Error(`${def.version} was accepted`);
}

describe('STATUTORY_STEPS: a published version keeps every statutory step and what regulation fixes about it', () => {
  it('the built-in definitions pass: the current chain and the APEC card and whitelist processes', () => {
    for (const def of [DEFAULT_DEFINITION, APEC_CARD_DEFINITION, APEC_WHITELIST_DEFINITION]) {
      expect(statutoryStepProblems(def)).toEqual([]);
      expect(() => loadDefinition({ ...def, version: `${def.version}-copy` })).not.toThrow();
    }
    // 2027.2 too (before C05 registered the new passport) but for D13's visa record, which a version published now
    // keeps (2027.12); 2026.1 and 2027.1 predate the custody ledger's moves (C06, C07, P02) too: only those are refused.
    const weakened = (def: typeof DEFAULT_DEFINITION) =>
      statutoryStepProblems(def).map((p) => [p.step, p.path.replace(/^steps\[\d+\]/, '')]);
    expect(weakened(DEFINITION_2027_2)).toEqual([['D13', '.behaviour.data']]);
    // 2027.1's B08 did not yet wait for the 容缺 documents (B03).
    expect(weakened(DEFINITION_2027_1)).toEqual([
      ['B08', '.needs'],
      ['C06', '.behaviour.custody'],
      ['C07', '.behaviour.custody'],
      ['D13', '.behaviour.data'],
      ['P02', '.behaviour.custody'],
    ]);
    expect(validateDefinition(DEFINITION_2026_1)).toEqual([]);
  });

  it('every entry names its source and its rule in Chinese and English; the approvals are the statutory roles', () => {
    for (const e of STATUTORY_STEPS) {
      expect(e.source).toMatch(/^process\.md § /);
      expect(e.rule.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(e.rule.en).toMatch(/^[a-z]/);
      expect(DEFAULT_DEFINITION.steps.some((s) => s.code === e.code)).toBe(true);
    }
    expect(STATUTORY_STEPS.flatMap((e) => e.approvalRole ?? [])).toEqual([...STATUTORY_APPROVAL_ROLES]);
  });

  it('handed input: A13 (the public notice, at least 5 working days) with durationWd 0 is refused at its durationWd', () => {
    const def = published('A13', (s) => ({ ...s, durationWd: 0 }));
    expect(refusal(def)).toEqual([['STATUTORY_STEP', 'A13', `steps[${index(def, 'A13')}].durationWd`]]);
    const [problem] = statutoryStepProblems(def);
    expect(problem!.text.zh).toContain('须不少于5个工作日');
    expect(problem!.text.en).toMatch(/^Must be at least 5 working days \(statutory: the pre-trip public notice/);
    expect(problem!.message).toContain('process.md');
    // Lengthening it is the office's to choose.
    expect(() => loadDefinition(published('A13', (s) => ({ ...s, durationWd: 7 })))).not.toThrow();
    expect(refusal(published('A13', (s) => ({ ...s, durationWd: 4.99 })))).toHaveLength(1);
  });

  it('handed input: A13 as a task for the organizer is refused at its kind and actor', () => {
    const def = published('A13', (s) => ({ ...s, kind: 'task', actor: 'organizer' }));
    const a13 = `steps[${index(def, 'A13')}]`;
    expect(refusal(def)).toEqual([
      ['STATUTORY_STEP', 'A13', `${a13}.kind`],
      ['STATUTORY_STEP', 'A13', `${a13}.actor`],
    ]);
  });

  it('handed input: A13 with notice.objections false is refused at behaviour.notice.objections; without the notice too', () => {
    const def = published('A13', (s) => ({ ...s, behaviour: { notice: { objections: false } } }) as unknown as StepDefinition);
    expect(refusal(def)).toEqual([['STATUTORY_STEP', 'A13', `steps[${index(def, 'A13')}].behaviour.notice.objections`]]);
    // No notice at all: the approval document no longer follows one (statutoryApprovalProblems) and A13 lost it.
    const none = published('A13', (s) => ({ ...s, behaviour: {} }));
    expect(refusal(none).map(([, step, path]) => [step, path])).toEqual([
      ['B08', `steps[${index(none, 'B08')}].needs`],
      ['A13', `steps[${index(none, 'A13')}].behaviour.notice.objections`],
    ]);
  });

  it('handed input: P02 (the passport back in custody) removed is refused at steps', () => {
    const def = published('P02', () => undefined);
    expect(validateDefinition(def)).toEqual([]); // a sound graph: only the statutory rule refuses it
    expect(refusal(def)).toEqual([['STATUTORY_STEP', 'P02', 'steps']]);
    expect(statutoryStepProblems(def)[0]!.text.en).toMatch(/^Must keep step P02 \(statutory: the passport back in custody/);
  });

  it('handed input: P02 due 3650 days after return is refused at behaviour.afterDeparture.due; sooner is fine', () => {
    const due = (d: ReturnDue, escalateAfterDays = 30) =>
      published('P02', (s) => ({
        ...s,
        behaviour: { ...s.behaviour, afterDeparture: { due: d, escalateAfterDays } },
      }));
    const late = due({ calendarDays: 3650 });
    expect(refusal(late)).toEqual([['STATUTORY_STEP', 'P02', `steps[${index(late, 'P02')}].behaviour.afterDeparture.due`]]);
    // 7 working days run past 7 calendar days; a later hard deadline (the unit's block) weakens it too.
    expect(refusal(due({ workingDays: 7 })).map(([, , p]) => p.replace(/^steps\[\d+\]/, ''))).toEqual(['.behaviour.afterDeparture.due']);
    expect(refusal(due({ calendarDays: 7 }, 90)).map(([, , p]) => p.replace(/^steps\[\d+\]/, ''))).toEqual([
      '.behaviour.afterDeparture.escalateAfterDays',
    ]);
    // 0 escalated never (the engine's escalation is escalateAfterDays after the due), and days are whole.
    for (const days of [0, 2.5, -1])
      expect(refusal(due({ calendarDays: 7 }, days)).map(([, , p]) => p.replace(/^steps\[\d+\]/, ''))).toEqual([
        '.behaviour.afterDeparture.escalateAfterDays',
      ]);
    expect(() => loadDefinition(due({ calendarDays: 5 }, 1))).not.toThrow();
    expect(() => loadDefinition(due({ calendarDays: 5 }, 20))).not.toThrow();
  });

  it("trial 33: the post-trip obligations stay the people's tasks after the return (P04 a timer disclosed by itself, P03 filed before the return)", () => {
    const timer = published('P04', (s) => ({ ...s, kind: 'timer', actor: 'system' }));
    expect(refusal(timer)).toEqual([
      ['STATUTORY_STEP', 'P04', `steps[${index(timer, 'P04')}].kind`],
      ['STATUTORY_STEP', 'P04', `steps[${index(timer, 'P04')}].actor`],
    ]);
    const early = published('P03', (s) => ({ ...s, needs: [] }));
    expect(refusal(early)).toEqual([['STATUTORY_STEP', 'P03', `steps[${index(early, 'P03')}].needs`]]);
    const waits = published('P02', (s) => ({ ...s, kind: 'approval' }));
    expect(refusal(waits).map(([code, step]) => [code, step])).toContainEqual(['STATUTORY_STEP', 'P02']);
  });

  it('trial 34, handed input: a 20-day timer put before P02 is refused at P02 needs, naming it; so any step an office puts before a post-trip obligation', () => {
    /** The current chain with an office's post-trip step P06 (a copy of P05, reimbursement) changed by `change`, and `code` by `rewire`. */
    const withP06 = (change: Partial<StepDefinition>, code: string, rewire: (s: StepDefinition) => StepDefinition) => {
      const def = published(code, rewire);
      def.steps.push({ ...structuredClone(def.steps.find((s) => s.code === 'P05')!), code: 'P06', ...change });
      return def;
    };
    // The handed timer: its 20 working days are refused too (a post-trip step is due by its afterDeparture, no duration).
    const held = withP06({ kind: 'timer', actor: 'system', durationWd: 20, needs: ['P01'] }, 'P02', (s) => ({ ...s, needs: ['P06'] }));
    expect(refusal(held)).toEqual([
      ['INVALID_FIELD', 'P06', `steps[${index(held, 'P06')}].durationWd`],
      ['STATUTORY_STEP', 'P02', `steps[${index(held, 'P02')}].needs`],
    ]);
    const [problem] = statutoryStepProblems(held);
    expect(problem!.text.en).toMatch(/^May wait only on Return registration \(P01\), not on .*\(P06\) \(directly or through others\)/);
    expect(problem!.text.zh).toContain('只能在回国登记（P01）之后办理，不得等待');
    // Trial 33's: P02 after P05 (the passport back after the reimbursement), its due still counting from the return.
    const afterReimbursement = published('P02', (s) => ({ ...s, needs: ['P05'] }));
    expect(refusal(afterReimbursement)).toEqual([['STATUTORY_STEP', 'P02', `steps[${index(afterReimbursement, 'P02')}].needs`]]);
    // An office's task before them (finance's, none of the chain's) holds them as surely. P03 and P04 the same (P04
    // through P03 too: both are named); the return registration waits on nothing.
    const task: Partial<StepDefinition> = { kind: 'task', actor: 'finance', durationWd: 0, needs: ['P01'] };
    const report = withP06(task, 'P03', (s) => ({ ...s, needs: ['P01', 'P06'] }));
    expect(refusal(report)).toEqual([
      ['STATUTORY_STEP', 'P03', `steps[${index(report, 'P03')}].needs`],
      ['STATUTORY_STEP', 'P04', `steps[${index(report, 'P04')}].needs`],
    ]);
    const disclosure = withP06(task, 'P04', (s) => ({ ...s, needs: ['P03', 'P06'] }));
    expect(refusal(disclosure)).toEqual([['STATUTORY_STEP', 'P04', `steps[${index(disclosure, 'P04')}].needs`]]);
    const returned = withP06({ ...task, needs: [] }, 'P01', (s) => ({ ...s, needs: ['P06'] }));
    expect(refusal(returned).map(([code, step]) => [code, step])).toContainEqual(['STATUTORY_STEP', 'P01']);
    // A step after them, or beside them, holds none.
    expect(() => loadDefinition(withP06({ ...task, needs: ['P02', 'P04'] }, 'P02', (s) => s))).not.toThrow();
  });

  it('trial 35, handed input: P01 (the return registration) due 100 working days after the return is refused at its due; 1 taken', () => {
    const late = published('P01', (s) => ({ ...s, behaviour: { ...s.behaviour, afterDeparture: { due: { workingDays: 100 } } } }));
    expect(refusal(late)).toEqual([['STATUTORY_STEP', 'P01', `steps[${index(late, 'P01')}].behaviour.afterDeparture.due`]]);
    const sameDay = published('P01', (s) => ({ ...s, behaviour: { ...s.behaviour, afterDeparture: { due: { calendarDays: 0 } } } }));
    expect(() => loadDefinition(sameDay)).not.toThrow();
  });

  it('handed input: E07 without its certifies behaviour is refused at behaviour.certifies.event', () => {
    const def = published('E07', (s) => ({ ...s, behaviour: {} }));
    expect(refusal(def)).toEqual([['STATUTORY_STEP', 'E07', `steps[${index(def, 'E07')}].behaviour.certifies.event`]]);
  });

  it('handed input: B08 rewired to need only B07 is refused at its needs, naming B03 (the 容缺 documents supplied)', () => {
    const def = published('B08', (s) => ({ ...s, needs: ['B07'] }));
    expect(validateDefinition(def)).toEqual([]); // a sound graph: only the statutory rule refuses it
    expect(refusal(def)).toEqual([['STATUTORY_STEP', 'B08', `steps[${index(def, 'B08')}].needs`]]);
    const [problem] = statutoryStepProblems(def);
    expect(problem!.text.zh).toMatch(/^须在补齐容缺材料（2个工作日内）（B03）之后办理/);
    expect(problem!.text.en).toMatch(
      /^Must come after .* \(B03\) \(directly or through other steps\) \(statutory: issuing the approval document/,
    );
    expect(problem!.message).toMatch(/^step B08: 'needs' \["B07"\] weakens a statutory rule/);
  });

  it('refuses a statutory step cut from what it needs by rule, directly or through other steps; a step put between passes', () => {
    const paths = (def: ProcessDefinition) => refusal(def).map(([, step, p]) => `${step} ${p.replace(/^steps\[\d+\]/, '')}`);
    // The approval before the public notice (which still precedes the approval document): process.md "before approval".
    const approvedFirst = published('B07', (s) => ({ ...s, needs: ['B06'] }));
    approvedFirst.steps = approvedFirst.steps.map((s) => (s.code === 'B08' ? { ...s, needs: ['B07', 'B03', 'A13', 'A14'] } : s));
    expect(paths(approvedFirst)).toEqual(['B07 .needs']);
    const [problem] = statutoryStepProblems(approvedFirst);
    expect(problem!.text.en).toMatch(/^Must come after Pre-trip public notice.* \(A13\), .* \(A14\)/);
    // 政审 before the frequency check; the sign-off before 政审; the departure before the passports are handed over.
    expect(paths(published('A11', (s) => ({ ...s, needs: ['A06'] })))).toEqual(['A11 .needs']);
    // (政审 then no longer before the approval document either: the approvals by role, at B08.)
    expect(paths(published('A15', (s) => ({ ...s, needs: ['A07', 'A10', 'A12'] })))).toEqual(['B08 .needs', 'A15 .needs']);
    expect(paths(published('E07', (s) => ({ ...s, needs: s.needs.filter((n) => n !== 'E06') })))).toEqual(['E07 .needs']);
    // A non-statutory step a statutory one needs, dropped: reported at the step that needs it.
    const noFrequency = published('A08', () => undefined);
    noFrequency.steps = noFrequency.steps.map((s) => (s.code === 'A11' || s.code === 'A12' ? { ...s, needs: ['A06'] } : s));
    expect(paths(noFrequency)).toEqual(['A11 .needs', 'A12 .needs']);
    // A step put between B07 and B08 keeps B07 before it.
    const between = published('B08', (s) => ({ ...s, needs: ['B07X', 'B03'] }));
    between.steps.push({ ...between.steps.find((s) => s.code === 'B09')!, code: 'B07X', needs: ['B07'] });
    expect(() => loadDefinition(between)).not.toThrow();
  });

  it('refuses the same kinds of weakening on the other statutory steps', () => {
    const paths = (def: ProcessDefinition) => refusal(def).map(([, step, p]) => `${step} ${p.replace(/^steps\[\d+\]/, '')}`);
    // The notice switched off by a condition; its objections resolved by a timer, or no longer before the approval document.
    expect(paths(published('A13', (s) => ({ ...s, condition: 'jointDelegation' })))).toEqual(['A13 .condition']);
    expect(paths(published('A14', (s) => ({ ...s, kind: 'timer', actor: 'system' })))).toEqual(['A14 .kind']);
    const b07 = (s: StepDefinition): StepDefinition => ({ ...s, needs: s.needs.filter((n) => n !== 'A14') });
    const late = published('B07', b07);
    expect(paths(late)).toEqual(['B08 .needs', 'B07 .needs']);
    // The custody ledger's moves, the trip report's deadline and content, the disclosure, the return certified.
    expect(paths(published('C07', (s) => ({ ...s, behaviour: {} })))).toEqual(['C07 .behaviour.custody']);
    expect(paths(published('P03', (s) => ({ ...s, behaviour: { ...s.behaviour, afterDeparture: { due: { workingDays: 40 } } } })))).toEqual(
      ['P03 .behaviour.afterDeparture.due'],
    );
    expect(paths(published('P04', () => undefined))).toEqual(['P04 steps']);
    expect(paths(published('P01', (s) => ({ ...s, behaviour: { ...s.behaviour, certifies: undefined } })))).toEqual([
      'P01 .behaviour.certifies.event',
    ]);
    // The old passport cancelled only where it is replaced; the secrecy review for every member is stricter, accepted.
    expect(paths(published('C06', (s) => ({ ...s, condition: 'jointDelegation' })))).toEqual(['C06 .condition']);
    expect(() => loadDefinition(published('A12', ({ condition: _, ...s }) => s))).not.toThrow();
    expect(() => loadDefinition(published('A14', ({ condition: _, ...s }) => s))).not.toThrow();
    // 政审 once for the whole delegation instead of per member.
    expect(paths(published('A11', (s) => ({ ...s, scope: 'delegation' })))).toEqual(['A11 .scope']);
    // The approval document no longer issued by the engine (the statutory approvals would check nothing).
    expect(paths(published('B08', (s) => ({ ...s, kind: 'task', actor: 'fao-clerk', behaviour: {} })))).toEqual([
      'B08 .kind',
      'B08 .actor',
      'B08 .behaviour.system',
    ]);
  });

  it('handed input: B03 (容缺补交) without its condition and collectsDeficiencies is refused at the declaration; every step the engine releases another by keeps its declaration', () => {
    const paths = (def: ProcessDefinition) => refusal(def).map(([, step, p]) => `${step} ${p.replace(/^steps\[\d+\]/, '')}`);
    // The fresh tester's version: the organizer completed B03 with nothing supplied and B08 stayed blocked for ever.
    const handed = published('B03', ({ condition: _, behaviour: __, ...s }) => s);
    expect(paths(handed)).toEqual(['B03 .behaviour.collectsDeficiencies']);
    expect(paths(published('B03', (s) => ({ ...s, behaviour: {} })))).toEqual(['B03 .behaviour.collectsDeficiencies']);
    // Its condition is what makes it run for a case accepted with deficiencies: another switches it off.
    expect(paths(published('B03', (s) => ({ ...s, condition: 'objectionRaised' })))).toEqual(['B03 .condition']);
    const dropped = published('B03', () => undefined);
    dropped.steps = dropped.steps.map((s) => (s.code === 'B08' ? { ...s, needs: s.needs.filter((n) => n !== 'B03') } : s));
    expect(paths(dropped)).toEqual(['B03 steps']);
    // The second fresh tester's version: B03 a system timer (declaration and condition kept) completed itself with a
    // document overdue, and the approval document was issued: its kind and actor are the organizer's task.
    expect(paths(published('B03', (s) => ({ ...s, actor: 'system', kind: 'timer' })))).toEqual(['B03 .kind', 'B03 .actor']);
    // Running it for every case (no condition) is stricter: accepted.
    expect(() => loadDefinition(published('B03', ({ condition: _, ...s }) => s))).not.toThrow();
    // The other declarations a step waits on: the notice's objections (A14 on A13), the departure and return certified
    // (the post-trip steps and their deadlines), the approval document issued by the engine.
    expect(paths(published('A13', (s) => ({ ...s, behaviour: {} })))).toContain('A13 .behaviour.notice.objections');
    expect(paths(published('E07', (s) => ({ ...s, behaviour: {} })))).toEqual(['E07 .behaviour.certifies.event']);
    const b03 = STATUTORY_STEPS.find((e) => e.code === 'B03')!;
    expect(b03.behaviour).toEqual({ collectsDeficiencies: true });
    expect(b03.condition).toEqual(['acceptedWithDeficiencies', null]);
  });

  it('trial 86, handed input: D12, D13, D01 or C04 dropped is refused at steps; so the invitation letter steps (A03, A04, B04) and the exit certificate (D02)', () => {
    for (const code of ['D12', 'D13', 'D01', 'C04', 'A03', 'A04', 'B04', 'D02']) {
      const dropped = DEFAULT_DEFINITION.steps.find((s) => s.code === code)!;
      const steps = DEFAULT_DEFINITION.steps
        .filter((s) => s.code !== code)
        .map((s) => ({ ...s, needs: [...new Set(s.needs.flatMap((n) => (n === code ? dropped.needs : [n])))] }));
      const problems = statutoryStepProblems({ ...DEFAULT_DEFINITION, version: 'office-x', steps });
      expect([code, problems.find((p) => p.step === code && p.path === 'steps')?.text.zh]).toEqual([
        code,
        expect.stringMatching(new RegExp(`^须保留步骤 ${code}（法定：`)),
      ]);
    }
    // Weakened rather than dropped: D13 without its visa record, D12 without the embassy's outcome, D01 for the organizer.
    const changed = (code: string, change: Partial<StepDefinition>) =>
      statutoryStepProblems({
        ...DEFAULT_DEFINITION,
        version: 'office-x',
        steps: DEFAULT_DEFINITION.steps.map((s) => (s.code === code ? { ...s, ...change } : s)),
      }).map((p) => p.path.replace(/^steps\[\d+\]/, code));
    expect(changed('D13', { behaviour: {} })).toEqual(['D13.behaviour.data']);
    expect(changed('D12', { behaviour: {} })).toEqual(['D12.behaviour.data']);
    expect(changed('D01', { actor: 'organizer' })).toEqual(['D01.actor']);
  });

  it('a version may still add steps, lengthen durations and tighten deadlines', () => {
    const def = structuredClone(DEFAULT_DEFINITION);
    def.version = 'office-stricter';
    def.steps = def.steps.map((s) =>
      s.code === 'A13'
        ? { ...s, durationWd: 10 }
        : s.code === 'P03'
          ? { ...s, behaviour: { ...s.behaviour, afterDeparture: { due: { calendarDays: 10 } } } }
          : s,
    );
    def.steps.push({ ...def.steps.find((s) => s.code === 'A06')!, code: 'A06X', needs: ['A06'] });
    expect(() => loadDefinition(def)).not.toThrow();
  });

  it("an office's settings may not shorten the notice either (statutoryDurationOverrideProblems, stepDurations.A13)", () => {
    expect(statutoryDurationOverrideProblems({ A13: 0, A02: 0 }).map((p) => [p.code, p.step, p.path])).toEqual([
      ['STATUTORY_STEP', 'A13', 'stepDurations.A13'],
    ]);
    expect(statutoryDurationOverrideProblems({ A13: 8 })).toEqual([]);
    expect(statutoryDurationOverrideProblems(undefined)).toEqual([]);
  });
});
