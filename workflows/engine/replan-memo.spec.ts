import { DEFAULT_DEFINITION, chineseCalendar, makeFacts, toIso } from '@df/domain';
import { missingDocumentAttachments, requiredTaskData, type DelegationInput } from '@df/contracts';
import { CaseEngine } from './case-engine';

// Monday 2026-03-02 09:00 Shanghai.
const MONDAY = Date.parse('2026-03-02T01:00:00Z');
const MINUTE = 60_000;
const WINDOW = 7.5 * MINUTE;
const organizer = { id: 'organizer', role: 'organizer' as const, unit: '市商务局' };

function freshCase(): CaseEngine {
  const input: DelegationInput = {
    caseId: 'case-memo',
    facts: makeFacts({ unit: '市商务局', departureDate: '2026-05-11', returnDate: '2026-05-15' }),
    definition: DEFAULT_DEFINITION,
    submittedBy: organizer,
    submittedAt: toIso(MONDAY),
  };
  let ids = 0;
  const engine = new CaseEngine(input, { newId: () => `id-${++ids}`, workflowId: 'delegation-case-memo', calendar: chineseCalendar() });
  engine.start(MONDAY);
  for (const work of engine.takeSystemWork()) engine.applySystemResult(work, {}, MONDAY);
  return engine;
}

describe('CaseEngine.replan with a window: re-plan only on a state change (replan-on-change)', () => {
  it('reuses the plan while nothing the planner reads changed and the clock moved less than the window', () => {
    const engine = freshCase();
    const first = engine.replan(MONDAY + MINUTE, 0.5, WINDOW);
    expect(engine.replan(MONDAY + 2 * MINUTE, 0.5, WINDOW)).toBe(first); // the append-done activation
    expect(engine.replan(MONDAY + MINUTE + WINDOW, 0.5, WINDOW)).not.toBe(first); // the window passed
    expect(engine.replan(MONDAY + 3 * MINUTE, 0.5, 0)).not.toBe(first); // no window: always planned
  });

  it('plans again at once after an action, and the plan shows it', () => {
    const engine = freshCase();
    const before = engine.replan(MONDAY + MINUTE, 0.5, WINDOW);
    engine.apply({ type: 'complete', request: { requestId: 'r1', actor: organizer, stepKey: 'A02' } }, MONDAY + 2 * MINUTE);
    const after = engine.replan(MONDAY + 2 * MINUTE, 0.5, WINDOW);
    expect(after).not.toBe(before);
    expect(after.steps.find((s) => s.key === 'A02')?.status).toBe('done');
    expect(before.steps.find((s) => s.key === 'A02')?.status).not.toBe('done');
  });

  it('records the same events as planning every time for a case that is on time (actions minutes apart)', () => {
    const run = (windowMs: number) => {
      const engine = freshCase();
      const events: string[] = [];
      let t = MONDAY + MINUTE;
      const settle = () => {
        engine.replan(t, 0.5, windowMs);
        for (const work of engine.takeSystemWork()) engine.applySystemResult(work, {}, t);
        engine.replan(t + 200, 0.5, windowMs); // the append-done activation, 200 ms later
        events.push(...engine.takeEvents().map((e) => JSON.stringify([e.type, e.payload])));
      };
      settle();
      for (let i = 0; i < 3; i++) {
        const open = engine.progress(t).steps.filter((s) => s.status === 'awaiting' && s.actorRole === 'organizer' && s.kind === 'task');
        if (open.length === 0) break;
        t += 3 * MINUTE;
        const data = requiredTaskData(open[0]!.code);
        for (const request of missingDocumentAttachments(open[0]!, organizer, (kind) => `${open[0]!.key}-${kind}`))
          engine.apply({ type: 'attach', request }, t);
        engine.apply(
          { type: 'complete', request: { requestId: `r${i}`, actor: organizer, stepKey: open[0]!.key, ...(data ? { data } : {}) } },
          t,
        );
        settle();
      }
      return events;
    };
    const memoised = run(WINDOW);
    expect(memoised.length).toBeGreaterThan(3);
    expect(memoised).toEqual(run(0));
  });
});
