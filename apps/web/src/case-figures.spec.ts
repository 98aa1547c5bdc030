import { describe, expect, it } from '@jest/globals';
import { CASE_STATUSES } from '../../../libs/domain/src/access';
import { countdown, countsDown, provisionalForecast, stepsByKey } from './case-figures';

const late = { daysToDeparture: -12, plan: { slackWd: -9.5 } };

describe("the case page's countdown: only an open case has time to departure left", () => {
  it('an open case shows its slack and days, negative too (late, at risk)', () => {
    expect(countdown({ status: 'open', daysToDeparture: 30, plan: { slackWd: 4.5 } }, 'zh')).toEqual({
      counting: true,
      slack: 4.5,
      daysToDeparture: 30,
      paused: false,
    });
    expect(countdown({ status: 'open', ...late }, 'zh')).toEqual({ counting: true, slack: -9.5, daysToDeparture: -12, paused: false });
  });

  it('the trial: a departed case shows no negative figure but a dash and 已出发 / Departed', () => {
    expect(countdown({ status: 'departed', ...late }, 'zh')).toEqual({
      counting: false,
      slack: '—',
      daysToDeparture: '已出发',
      paused: false,
    });
    expect(countdown({ status: 'departed', ...late }, 'en')).toEqual({
      counting: false,
      slack: '—',
      daysToDeparture: 'Departed',
      paused: false,
    });
  });

  it('a closed case shows its status instead: 已办结 after the trip, 已撤回 for a trip that will not happen', () => {
    expect(countdown({ status: 'completed', ...late }, 'zh')).toMatchObject({ slack: '—', daysToDeparture: '已办结' });
    expect(countdown({ status: 'withdrawn', daysToDeparture: 40, plan: { slackWd: 12 } }, 'en')).toMatchObject({
      slack: '—',
      daysToDeparture: 'Withdrawn',
    });
  });

  it('no status but open counts down, and none shows a number', () => {
    for (const status of CASE_STATUSES.filter((s) => s !== 'open')) {
      const c = countdown({ status, ...late }, 'zh');
      expect({ status, counting: c.counting, slack: c.slack, days: typeof c.daysToDeparture }).toEqual({
        status,
        counting: false,
        slack: '—',
        days: 'string',
      });
    }
  });

  it('the case tables (SlackCell) dash the same cases: only an open one counts down', () => {
    expect(CASE_STATUSES.filter(countsDown)).toEqual(['open']);
  });

  it('an open case the read model has no plan for (slack null) shows a dash', () => {
    expect(countdown({ status: 'open', daysToDeparture: 3, plan: { slackWd: null } }, 'zh').slack).toBe('—');
  });

  describe('a case stopped by an incident (the progress answer carries `incident`)', () => {
    const incident = {
      incidentId: 'i-1',
      openedAt: '2027-01-04T02:00:00.000Z',
      stepKeys: ['A05'],
      notice: { zh: '本案暂停：…', en: 'Paused: …' },
    };

    it('shows no slack as if it were running (no red or green figure): a dash, marked paused; the days still count', () => {
      expect(countdown({ status: 'open', daysToDeparture: 30, plan: { slackWd: 4.5 }, incident }, 'zh')).toEqual({
        counting: false,
        slack: '—',
        daysToDeparture: 30,
        paused: true,
      });
      // At risk when it stopped: still no red figure, it is not counting down.
      expect(countdown({ status: 'open', ...late, incident }, 'en')).toMatchObject({ counting: false, slack: '—', paused: true });
    });

    it('an incident resolved (null) or absent: the running figures', () => {
      expect(countdown({ status: 'open', daysToDeparture: 30, plan: { slackWd: 4.5 }, incident: null }, 'zh')).toMatchObject({
        counting: true,
        slack: 4.5,
        paused: false,
      });
    });

    it('a departed or closed case with an incident keeps its status: it has no time to departure to pause', () => {
      expect(countdown({ status: 'departed', ...late, incident }, 'zh')).toEqual({
        counting: false,
        slack: '—',
        daysToDeparture: '已出发',
        paused: false,
      });
    });
  });
});

describe('the forecast’s 暂排 / Provisional mark', () => {
  it('shows on an open case whose plan counts on unpublished holidays, never on a departed or closed one', () => {
    expect(provisionalForecast({ status: 'open', plan: { provisionalCalendar: true } })).toBe(true);
    expect(provisionalForecast({ status: 'open', plan: { provisionalCalendar: false } })).toBe(false);
    expect(provisionalForecast({ status: 'open', plan: {} })).toBe(false);
    for (const status of CASE_STATUSES.filter((s) => s !== 'open'))
      expect([status, provisionalForecast({ status, plan: { provisionalCalendar: true } })]).toEqual([status, false]);
  });
});

describe('stepsByKey: one step per key for the dependency graph (trial: a country removed and added again blanked it)', () => {
  it('keeps the live instance of a key, the first otherwise, in order', () => {
    const steps = [
      { key: 'A02', status: 'done' },
      { key: 'A03:US', status: 'withdrawn' },
      { key: 'A03:JP', status: 'awaiting' },
      { key: 'A03:US', status: 'awaiting' },
      { key: 'D12:m1:US', status: 'withdrawn' },
    ];
    expect(stepsByKey(steps)).toEqual([
      { key: 'A02', status: 'done' },
      { key: 'A03:US', status: 'awaiting' },
      { key: 'A03:JP', status: 'awaiting' },
      { key: 'D12:m1:US', status: 'withdrawn' },
    ]);
  });
});
