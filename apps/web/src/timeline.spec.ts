import { describe, expect, it } from '@jest/globals';
import { replannedSays, returnedBy, timelineAfter } from './timeline';

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

describe('what a case.replanned row says (trial 56: 重新预测 and nothing more)', () => {
  const words = {
    replannedForecast: '预计办结 {date}，余量 {n} 个工作日',
    replannedByCalendar: '因节假日安排更新',
  } as const;
  const t = (k: keyof typeof words) => words[k];
  it('the forecast and slack, and the holiday schedule when it moved them', () => {
    const payload = { forecastReadyDate: '2027-01-15', slackWd: 4 };
    expect(replannedSays(payload, t, 'zh')).toBe('预计办结 2027-01-15，余量 4 个工作日');
    expect(replannedSays({ ...payload, cause: 'calendar' }, t, 'zh')).toBe('因节假日安排更新：预计办结 2027-01-15，余量 4 个工作日');
    expect(replannedSays({}, t, 'zh')).toBe('');
    // To a tenth, as the case page's slack (trial: 余量 3.333 个工作日).
    expect(replannedSays({ forecastReadyDate: '2027-01-15', slackWd: 10 / 3 }, t, 'zh')).toBe('预计办结 2027-01-15，余量 3.3 个工作日');
  });
});

describe('the timeline read after what the page holds (timelineAfter)', () => {
  const store = Array.from({ length: 2500 }, (_, i) => ({ seq: i + 1 }));
  const api = (asked: number[]) => async (afterSeq: number) => {
    asked.push(afterSeq);
    const events = store.filter((e) => e.seq > afterSeq).slice(0, 1000);
    return { events, more: store.some((e) => e.seq > (events.at(-1)?.seq ?? afterSeq)) };
  };
  it('reads every page from the first, then only what came after the last event it holds', async () => {
    const asked: number[] = [];
    const all = await timelineAfter([], api(asked));
    expect([all.length, all.at(-1)?.seq, asked]).toEqual([2500, 2500, [0, 1000, 2000]]);
    store.push({ seq: 2501 }, { seq: 2502 });
    const again: number[] = [];
    const more = await timelineAfter(all, api(again));
    expect([more.length, more.slice(-3).map((e) => e.seq), again]).toEqual([2502, [2500, 2501, 2502], [2500]]);
  });
});
