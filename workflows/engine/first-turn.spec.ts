import { DEFAULT_DEFINITION, buildInstances, makeFacts, plan, toIso } from '@df/domain';
import { planSummary, withCriticalStep, type DelegationInput, type PlanSummary } from '@df/contracts';
import { firstTurn } from './first-turn';

// Monday 2026-03-02 09:00 Shanghai; the canonical US trip departs Mon 2026-04-13 (Qingming 04-06 off).
const MONDAY = Date.parse('2026-03-02T01:00:00Z');

function input(over: Partial<DelegationInput> = {}): DelegationInput {
  const facts = makeFacts({ unit: '市商务局', departureDate: '2026-04-13', returnDate: '2026-04-17' });
  facts.destinations = [{ ...facts.destinations[0]!, arrive: '2026-04-13', leave: '2026-04-17' }];
  return {
    caseId: 'case-submitted',
    facts,
    definition: DEFAULT_DEFINITION,
    submittedBy: { id: 'organizer', role: 'organizer', unit: '市商务局' },
    submittedAt: toIso(MONDAY),
    ...over,
  };
}

describe('firstTurn: the plan the API answers a submission with, and the first answer', () => {
  it('is the canonical 15.5 WD plan, the figures the first turn publishes', () => {
    let ids = 0;
    const { plan: p, answer, lastSeq } = firstTurn(input(), MONDAY, () => `id-${++ids}`);
    expect(p.totalWd).toBe(15.5);
    expect(p.slackWd).toBe(13.5);
    expect(p.atRisk).toBe(false);
    expect(p.criticalPathCodes.at(-1)).toBe('E07');
    expect(planSummary(p)).toEqual(answer.plan);
    // The turn's events are named by the caller's ids, one each, and its batch ends at lastSeq.
    expect(ids).toBe(lastSeq);
    expect(answer.steps.find((s) => s.key === 'A01')?.status).toBe('awaiting');
  });

  it('names the step the plan waits on; an answer stored before the field gets it by the same rule (withCriticalStep)', () => {
    const { plan: p, answer } = firstTurn(input(), MONDAY, () => 'id');
    expect(p.criticalStep).toBe('A01');
    expect(answer.plan.criticalStep).toBe('A01');
    expect(withCriticalStep(answer)).toBe(answer);
    const { criticalStep: _, ...before } = answer.plan;
    const older = { ...answer, plan: before as PlanSummary };
    expect(withCriticalStep(older)).toEqual(answer);
    expect(withCriticalStep({ ...older, status: 'withdrawn' }).plan.criticalStep).toBeNull();
  });

  it("plans as the case will: the office's risk threshold, E07 due by the end of the departure day", () => {
    const { plan: p } = firstTurn(input({ settings: { atRiskThresholdWd: 14 } }), MONDAY, () => 'id');
    expect(p.atRiskThresholdWd).toBe(14);
    expect(p.atRisk).toBe(true); // 13.5 WD of slack is under the office's 14
    // certified-step-plan: E07's latest time is 00:00 Shanghai after the departure day, not 00:00 of it.
    expect(p.steps.find((s) => s.key === 'E07')!.latestStart).toBe('2026-04-13T16:00:00.000Z');
    // What the API planned before (the bare planner: default threshold, every step against 00:00 of the departure date).
    const facts = input().facts;
    const bare = plan({ instances: buildInstances(DEFAULT_DEFINITION, facts), now: MONDAY, departureDate: facts.departureDate });
    expect(bare.atRisk).toBe(false);
    expect(bare.steps.find((s) => s.key === 'E07')!.latestStart).toBe('2026-04-13T01:00:00.000Z'); // Mon 09:00, a WD edge
    expect(planSummary({ ...p, atRisk: false })).toEqual(planSummary(bare));
  });
});
