import { describe, expect, it } from '@jest/globals';
import { CASE_STATUSES } from '../../../libs/domain/src/access';
import {
  countdown,
  countsDown,
  forecastFigure,
  forecastTitle,
  closureNote,
  graphLayout,
  GRAPH_GRID,
  provisionalForecast,
  stepsByKey,
  tenths,
  workingDaysText,
} from './case-figures';

const late = { daysToDeparture: -12, plan: { slackWd: -9.5 } };

describe("the case page's countdown: only an open case has time to departure left", () => {
  it('an open case shows its slack, negative too (late, at risk), and its days, past the departure in words', () => {
    expect(countdown({ status: 'open', daysToDeparture: 30, plan: { slackWd: 4.5 } }, 'zh')).toEqual({
      counting: true,
      slack: 4.5,
      daysToDeparture: 30,
      paused: false,
    });
    expect(countdown({ status: 'open', ...late }, 'zh')).toEqual({
      counting: true,
      slack: -9.5,
      daysToDeparture: '已过 12 天',
      paused: false,
    });
    // Trial 77: 距出发 -1 between the dates.
    expect(countdown({ status: 'open', ...late, daysToDeparture: -1 }, 'en').daysToDeparture).toBe('1 day past');
    expect(countdown({ status: 'open', ...late, daysToDeparture: 0 }, 'zh').daysToDeparture).toBe(0);
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

describe("the dependency graph's layout (graphLayout): a lane's nodes never reach the next lane's", () => {
  it('the trial: a lane with five steps in one column ran into the lane below it (lanes were 120 px apart)', () => {
    const nodes = [
      ...['A01', 'A02', 'A03', 'A04', 'A05', 'A06'].map((key) => ({ key, depth: 1, lane: '' })),
      ...['A11:m1', 'A12:m1'].map((key, i) => ({ key, depth: 2 + i, lane: 'm1' })),
      ...['D01:m1:US', 'D02:m1:US'].map((key) => ({ key, depth: 3, lane: 'm1·US' })),
      { key: 'D01:m2:US', depth: 3, lane: 'm2·US' },
    ];
    const { positions, height } = graphLayout(nodes);
    const at = (k: string) => positions.get(k)!;
    // Every node its own place, and no two of one column closer than a row.
    for (const a of nodes)
      for (const b of nodes)
        if (a.key !== b.key && at(a.key).x === at(b.key).x)
          expect(Math.abs(at(a.key).y - at(b.key).y)).toBeGreaterThanOrEqual(GRAPH_GRID.row);
    // Lanes in order, each below the whole of the one before: case-wide (six rows), m1, m1·US (two rows), m2·US.
    const bottom = (lane: string) => Math.max(...nodes.filter((n) => n.lane === lane).map((n) => at(n.key).y));
    const top = (lane: string) => Math.min(...nodes.filter((n) => n.lane === lane).map((n) => at(n.key).y));
    expect(top('m1')).toBeGreaterThan(bottom(''));
    expect(top('m1·US')).toBeGreaterThan(bottom('m1'));
    expect(top('m2·US')).toBeGreaterThan(bottom('m1·US'));
    expect(top('m1') - bottom('')).toBe(GRAPH_GRID.row + GRAPH_GRID.laneGap);
    expect(at('A12:m1').x).toBe(3 * GRAPH_GRID.column);
    expect(height).toBe(bottom('m2·US'));
  });
});

describe('the forecast ready date on a case page', () => {
  it('is the plan’s while the case counts down, a dash once departed or closed (thirteenth trial: a withdrawn case showed one)', () => {
    const plan = { forecastReadyDate: '2027-01-08' };
    expect(CASE_STATUSES.map((status) => [status, forecastFigure({ status, plan })])).toEqual(
      CASE_STATUSES.map((status) => [status, countsDown(status) ? '2027-01-08' : '—']),
    );
    expect(forecastFigure({ status: 'withdrawn', plan })).toBe('—');
    expect(forecastFigure({ status: 'open', plan })).toBe('2027-01-08');
  });
});

describe("the ready date's title (trials 77, 78: 预计办结 a past day beside a negative slack, only E07 waiting)", () => {
  it('is a forecast while the preparation ends ahead, the day it was prepared once behind', () => {
    const now = '2027-01-12T02:00:00.000Z';
    const open = { status: 'open', now };
    expect(forecastTitle({ ...open, plan: { forecastReadyAt: '2027-01-14T09:00:00.000Z' } })).toBe('forecastReady');
    expect(forecastTitle({ ...open, plan: { forecastReadyAt: now } })).toBe('forecastReady');
    expect(forecastTitle({ ...open, plan: { forecastReadyAt: '2027-01-08T09:00:00.000Z' } })).toBe('preparedOn');
    // A closed case shows no date (a dash), under the forecast's name.
    expect(forecastTitle({ status: 'completed', now, plan: { forecastReadyAt: '2027-01-08T09:00:00.000Z' } })).toBe('forecastReady');
  });
});

describe('working days to a tenth (tenths, workingDaysText; trial 77: a slack of -0.04 read -0.0)', () => {
  it('rounds to a tenth and never says -0', () => {
    expect([tenths(-0.04), tenths(3.333), tenths(-1.25)].map((x) => x.toFixed(1))).toEqual(['0.0', '3.3', '-1.2']);
    expect(Object.is(tenths(-0.04), -0)).toBe(false);
    expect(workingDaysText(-0.01)).toBe('0');
  });
});

describe("how a closed case ended, on top of its page (trial 79: the reason on the timeline's last page)", () => {
  const closedEvent = {
    type: 'case.closed',
    occurredAt: '2027-01-12T02:00:00.000Z',
    actorId: 'organizer.x',
    actorRole: 'organizer',
    payload: { reason: '行程取消' },
  };
  it('names the refusing approval with its officer, time and comment; a withdrawal or cancellation by the close', () => {
    const steps = [
      { key: 'B05', decision: 'approve', actedBy: 'fao-reviewer.fao', doneAt: '2027-01-08T02:00:00.000Z' },
      {
        key: 'B06',
        actorRole: 'fao-director',
        decision: 'reject',
        comment: '邀请方层级与出访任务不匹配',
        actedBy: 'fao-director.fao',
        doneAt: '2027-01-09T02:00:00.000Z',
      },
    ];
    expect(closureNote({ status: 'rejected', steps }, [closedEvent])).toEqual({
      status: 'rejected',
      stepKey: 'B06',
      actedBy: 'fao-director.fao',
      actorRole: 'fao-director',
      at: '2027-01-09T02:00:00.000Z',
      reason: '邀请方层级与出访任务不匹配',
    });
    expect(closureNote({ status: 'withdrawn', steps }, [closedEvent])).toEqual({
      status: 'withdrawn',
      actedBy: 'organizer.x',
      actorRole: 'organizer',
      at: '2027-01-12T02:00:00.000Z',
      reason: '行程取消',
    });
    expect(closureNote({ status: 'open', steps }, [closedEvent])).toBeNull();
    expect(closureNote({ status: 'completed', steps }, [closedEvent])).toBeNull();
  });
});
