import { DEFAULT_DEFINITION, chineseCalendar, makeFacts, toIso } from '@df/domain';
import type { DelegationInput } from '@df/contracts';
import { CaseEngine } from './case-engine';

// Monday 2026-03-02 09:00 Shanghai.
const MONDAY = Date.parse('2026-03-02T01:00:00Z');
const calendar = chineseCalendar();

function untouchedCase(departureDate: string): CaseEngine {
  const returnDate = new Date(Date.parse(departureDate) + 4 * 86_400_000).toISOString().slice(0, 10);
  const facts = makeFacts({ unit: '市商务局', departureDate, returnDate });
  facts.destinations = [{ ...facts.destinations[0]!, arrive: departureDate, leave: returnDate }];
  const input: DelegationInput = {
    caseId: 'case-wake',
    facts,
    definition: DEFAULT_DEFINITION,
    submittedBy: { id: 'organizer', role: 'organizer', unit: '市商务局' },
    submittedAt: toIso(MONDAY),
  };
  let ids = 0;
  const engine = new CaseEngine(input, { newId: () => `id-${++ids}`, workflowId: 'delegation-case-wake', calendar });
  engine.start(MONDAY);
  for (const work of engine.takeSystemWork()) engine.applySystemResult(work, {}, MONDAY);
  engine.takeEvents();
  return engine;
}

describe('CaseEngine.nextTimeWake: when time alone changes the plan', () => {
  it('wakes one working day on while the case is far from the at-risk threshold', () => {
    const engine = untouchedCase('2026-04-13');
    const plan = engine.replan(MONDAY);
    expect(plan.atRisk).toBe(false);
    expect(engine.nextTimeWake(MONDAY, plan)).toBe(calendar.addWorkingDays(MONDAY, 1, 'start'));
  });

  it('wakes at the instant the untouched case turns at risk (to 1/64 WD), and the replan there records it', () => {
    const engine = untouchedCase('2026-04-13');
    // Walk the daily wakes as the workflow would, until the next wake is the at-risk instant.
    let now = MONDAY;
    let plan = engine.replan(now, 0.5);
    let wakes = 0;
    while (engine.nextTimeWake(now, plan) === calendar.addWorkingDays(now, 1, 'start')) {
      now = engine.nextTimeWake(now, plan)!;
      plan = engine.replan(now, 0.5);
      expect(plan.atRisk).toBe(false);
      expect(++wakes).toBeLessThan(30);
    }
    const crossing = engine.nextTimeWake(now, plan)!;
    expect(crossing).toBeLessThan(calendar.addWorkingDays(now, 1, 'start'));
    expect(engine.plan(calendar.addWorkingDays(crossing, -1 / 64, 'start')).atRisk).toBe(false);
    engine.takeEvents();
    const atCrossing = engine.replan(crossing, 0.5);
    expect(atCrossing.atRisk).toBe(true);
    expect(atCrossing.slackWd).toBeLessThan(atCrossing.atRiskThresholdWd);
    const replanned = engine.takeEvents().filter((e) => e.type === 'case.replanned');
    expect(replanned).toHaveLength(1);
    expect(replanned[0]!.payload).toMatchObject({ atRisk: true });
    // At risk: it keeps waking daily, each time recording the slack it lost (more than the 0.5 WD settle).
    const next = engine.nextTimeWake(crossing, atCrossing)!;
    expect(next).toBe(calendar.addWorkingDays(crossing, 1, 'start'));
    const dayLater = engine.replan(next, 0.5);
    expect(dayLater.slackWd).toBeCloseTo(atCrossing.slackWd - 1, 1);
    expect(engine.takeEvents().filter((e) => e.type === 'case.replanned')).toHaveLength(1);
  });

  it('does not wake a closed case', () => {
    const engine = untouchedCase('2026-04-13');
    engine.apply(
      {
        type: 'withdraw',
        request: { requestId: 'w1', actor: { id: 'organizer', role: 'organizer', unit: '市商务局' }, reason: '行程取消 trip called off' },
      } as never,
      MONDAY,
    );
    expect(engine.nextTimeWake(MONDAY, engine.plan(MONDAY))).toBeUndefined();
  });
});
