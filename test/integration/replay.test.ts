import { Worker } from '@temporalio/worker';
import { recordedHistories } from '../support/histories';

// Determinism guard: every committed history must replay on the current workflow code. A change
// that breaks this needs workflow versioning (patched()) or, if intended, re-recorded histories.
describe('recorded histories replay against the current workflow code', () => {
  const histories = recordedHistories();

  it('has the recorded histories of the canonical trip and the scenarios', () => {
    expect(histories.map((h) => h.name)).toEqual(
      expect.arrayContaining([
        'canonical-us-trip',
        'objection-deficiency-return',
        'amend-add-member',
        'visa-refused',
        'rejected',
        // Definition 2027.1 (post-trip steps in the definition) and the same case recorded on 2026.1.
        'six-members-three-countries',
        'six-members-three-countries.2026.1',
      ]),
    );
  });

  it.each(histories.map((h) => [h.name, h.history] as const))('replays %s without nondeterminism', async (name, history) => {
    await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.DF_WORKFLOW_BUNDLE! } }, history, `replay-${name}`);
  });
});
