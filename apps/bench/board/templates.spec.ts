import { completedTemplates, inFlightTemplates } from './templates';

// The board section seeds its 100,000 cases from these engine-driven templates: they must keep up with the
// engine's rules (a step's required data, dates a step may not precede), or the section fails after the rest
// of a full run (a written outcome required at A14/D11 stopped one on 2026-12-01).
describe('the board templates: cases the engine itself ran', () => {
  it('runs cases through every phase and to their close under the current rules', () => {
    const now = Date.parse('2026-12-01T06:00:00Z');
    const inFlight = inFlightTemplates(8, now);
    expect(inFlight).toHaveLength(8);
    expect(new Set(inFlight.map((c) => c.view.case?.phase)).size).toBeGreaterThan(1);
    const closed = completedTemplates(2, now);
    expect(closed.map((c) => c.view.case?.status)).toEqual(['completed', 'completed']);
  });
});
