import { readFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { PROVIDED_INTRINSICS } from '../../apps/worker/src/workflow-source';
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

// The bundle the tests run (built as the worker builds it) gives its modules the sandbox's intrinsics as locals
// (workflows/intrinsics.ts: a global read in the vm context is slow), and never what the SDK replaces per workflow.
describe('the workflow bundle', () => {
  const code = readFileSync(process.env.DF_WORKFLOW_BUNDLE!, 'utf8');
  const provided = (name: string) =>
    new RegExp(`/\\* provided dependency \\*/ var ${name} = __webpack_require__\\([^)]*intrinsics[^)]*\\)\\.${name};`);
  const moduleText = (path: RegExp) => {
    const start = code.search(new RegExp(`^/\\*\\*\\*/ "[^"]*${path.source}"`, 'm'));
    expect(start).toBeGreaterThan(0);
    return code.slice(start, code.indexOf('/***/ }', start));
  };

  it("reads Math in the planner and the calendar from the provided intrinsics, not the sandbox's global", () => {
    expect(moduleText(/libs\/domain\/src\/planner\.[jt]s/)).toMatch(provided('Math'));
    expect(moduleText(/libs\/domain\/src\/calendar\.[jt]s/)).toMatch(provided('Math'));
    for (const name of PROVIDED_INTRINSICS) expect(code).toMatch(provided(name));
  });

  it('never provides what the SDK replaces for each workflow (Date, timers, WeakRef)', () => {
    for (const name of ['Date', 'setTimeout', 'clearTimeout', 'WeakRef', 'FinalizationRegistry', 'Promise']) {
      expect(PROVIDED_INTRINSICS as readonly string[]).not.toContain(name);
      expect(code).not.toMatch(provided(name));
    }
  });
});
