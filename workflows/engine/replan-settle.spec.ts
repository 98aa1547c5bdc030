import { DEFAULT_DEFINITION, chineseCalendar, makeFacts, toIso } from '@df/domain';
import type { DelegationInput } from '@df/contracts';
import { CaseEngine } from './case-engine';

// Monday 2026-03-02 09:00 Shanghai.
const MONDAY = Date.parse('2026-03-02T01:00:00Z');
const HOUR = 3_600_000;

function lateCase(): CaseEngine {
  const input: DelegationInput = {
    caseId: 'case-settle',
    facts: makeFacts({ unit: '市商务局', departureDate: '2026-05-11', returnDate: '2026-05-15' }),
    definition: DEFAULT_DEFINITION,
    submittedBy: { id: 'organizer', role: 'organizer', unit: '市商务局' },
    submittedAt: toIso(MONDAY),
  };
  let ids = 0;
  const engine = new CaseEngine(input, { newId: () => `id-${++ids}`, workflowId: 'delegation-case-settle', calendar: chineseCalendar() });
  engine.start(MONDAY);
  for (const work of engine.takeSystemWork()) engine.applySystemResult(work, {}, MONDAY);
  engine.replan(MONDAY);
  engine.takeEvents();
  return engine;
}

/** case.replanned events of replans every `stepMs` from Wednesday 10:00 on, with A02 late since Monday. */
function replannedWhileLate(settleWd: number, times: number, stepMs: number, timeTurn = (_i: number) => true): number {
  const engine = lateCase();
  let n = 0;
  for (let i = 0; i < times; i++) {
    engine.replan(MONDAY + 2 * 24 * HOUR + HOUR + i * stepMs, settleWd, 0, timeTurn(i));
    n += engine.takeEvents().filter((e) => e.type === 'case.replanned').length;
  }
  return n;
}

describe('CaseEngine.replan while a critical step is late', () => {
  it('records the drifting forecast at every replan without a settle threshold (histories before the patch)', () => {
    expect(replannedWhileLate(0, 10, 50)).toBe(10);
  });

  it('records clock drift alone once the slack moved by the threshold', () => {
    expect(replannedWhileLate(0.5, 10, 50)).toBe(1);
    // Half a working day of drift is about 4 working hours: a replan every 30 min from 10:00 to 18:00
    // records the first drift, then once or twice more (the calendar's lunch break moves no slack).
    const n = replannedWhileLate(0.5, 17, 30 * 60_000);
    expect(n).toBeGreaterThanOrEqual(2);
    expect(n).toBeLessThanOrEqual(3);
  });

  it('records drift alone only on a turn time began (a timer, a new calendar), however far it moved meanwhile', () => {
    // A replan every 30 min from 10:00 to 18:00 with no timer among them (each the drain after an append whose
    // store took that long: a slow store, a time scale): no drift record; with a timer turn at 17:30 one.
    expect(replannedWhileLate(0.5, 17, 30 * 60_000, () => false)).toBe(0);
    expect(replannedWhileLate(0.5, 17, 30 * 60_000, (i) => i === 15)).toBe(1);
  });

  it('records any other change at once, on any turn', () => {
    const engine = lateCase();
    engine.replan(MONDAY + 2 * 24 * HOUR, 0.5);
    engine.takeEvents();
    engine.apply(
      { type: 'complete', request: { requestId: 'r1', actor: { id: 'organizer', role: 'organizer', unit: '市商务局' }, stepKey: 'A02' } },
      MONDAY + 2 * 24 * HOUR + 1000,
    );
    engine.replan(MONDAY + 2 * 24 * HOUR + 2000, 0.5, 0, false);
    expect(engine.takeEvents().map((e) => e.type)).toContain('case.replanned');
  });
});
