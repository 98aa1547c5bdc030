import { describe, expect, it } from '@jest/globals';
import { returnedBy } from './timeline';

describe("the timeline's reason for steps sent back (step.returned `by`)", () => {
  const t = (key: string) => `[${key}]`;
  it('names the plan change, an amendment, the step that returned them, or another change (trial: the rows said nothing)', () => {
    expect(['annual-plan-changed', 'amend', 'B05', 'D12:US', 'objection', undefined].map((by) => returnedBy(by, t))).toEqual([
      '[returnedByPlan]',
      '[returnedByAmend]',
      '[returnedByStep] B05',
      '[returnedByStep] D12:US',
      '[returnedByChange]',
      '[returnedByChange]',
    ]);
  });
});
