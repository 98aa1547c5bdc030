import { createCalendar } from './calendar';
import { DEFAULT_DEFINITION } from './definition';
import type { CaseFacts } from './facts';
import { makeDestination, makeFacts, makeMember, makeMembers } from './fixtures';
import type { InstanceStates } from './instances';
import { buildInstances } from './instances';
import type { PlanInput } from './planner';
import { plan } from './planner';

// Monday 2026-03-02, 09:00 Shanghai; no holiday until Qingming (2026-04-04).
const MONDAY = '2026-03-02T09:00:00+08:00';
const CANONICAL_PATH = ['A01', 'A02', 'A05', 'A13', 'B07', 'B08', 'D07', 'D09', 'D10', 'D12', 'D13', 'E06', 'E07'];

function planFor(facts: CaseFacts, overrides: Partial<PlanInput> = {}) {
  const instances = buildInstances(DEFAULT_DEFINITION, facts);
  return plan({ instances, now: MONDAY, departureDate: facts.departureDate, ...overrides });
}

const usTrip = (over: Partial<CaseFacts> = {}) =>
  makeFacts({
    departureDate: '2026-04-13',
    returnDate: '2026-04-17',
    destinations: [makeDestination({ arrive: '2026-04-13', leave: '2026-04-17' })],
    ...over,
  });

describe('plan: the brief canonical US trip', () => {
  const p = planFor(usTrip());

  it('critical path is exactly the brief list, 15.5 WD', () => {
    expect(p.criticalPathCodes).toEqual(CANONICAL_PATH);
    expect(p.criticalPath).toEqual([
      'A01',
      'A02',
      'A05',
      'A13',
      'B07',
      'B08',
      'D07:US',
      'D09:US',
      'D10:m1:US',
      'D12:US',
      'D13:m1:US',
      'E06:m1',
      'E07',
    ]);
    expect(p.totalWd).toBe(15.5);
    expect(p.remainingWd).toBe(15.5);
  });

  it('forecasts ready on the 16th working day at 13:00 (about 22 calendar days)', () => {
    expect(p.forecastReadyDate).toBe('2026-03-23');
    expect(p.forecastReadyAt).toBe('2026-03-23T05:00:00.000Z'); // 13:00 Shanghai
  });

  it('marks exactly the path instances critical, with the same slack', () => {
    const critical = p.steps.filter((s) => s.critical).map((s) => s.key);
    expect(critical.sort()).toEqual([...p.criticalPath].sort());
    const slacks = new Set(p.steps.filter((s) => s.critical).map((s) => s.slackWd));
    expect([...slacks]).toEqual([p.slackWd]);
  });

  it('computes slack against departure and latest starts backward from it', () => {
    // Deadline 2026-04-13 00:00 = end of Fri 2026-04-10; Qingming 04-06 (Mon) is off.
    // Working days from 03-02 to 04-10: 29 (30 weekdays minus 04-06). Slack = 29 - 15.5.
    expect(p.slackWd).toBe(13.5);
    expect(p.atRisk).toBe(false);
    const e07 = p.steps.find((s) => s.key === 'E07')!;
    expect(e07.latestFinish).toBe('2026-04-10T09:00:00.000Z'); // Fri 17:00 Shanghai
    const a13 = p.steps.find((s) => s.key === 'A13')!;
    expect(a13.esWd).toBe(2);
    expect(a13.lsWd).toBe(15.5);
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });
});

describe('plan: variants of the canonical case', () => {
  it('a member needing a new passport puts C04, C05, C07 on the path: 20.5 WD', () => {
    const p = planFor(usTrip({ members: [makeMember({ passport: { inCustody: true, expiresOn: '2026-09-01' } })] }));
    expect(p.criticalPathCodes).toEqual([
      'A01',
      'A02',
      'A05',
      'A13',
      'B07',
      'B08',
      'C04',
      'C05',
      'C07',
      'D09',
      'D10',
      'D12',
      'D13',
      'E06',
      'E07',
    ]);
    expect(p.totalWd).toBe(20.5);
  });

  it('no passport at all behaves the same (C06 skipped: nothing to cancel)', () => {
    const facts = usTrip({ members: [makeMember({ passport: null })] });
    const p = planFor(facts);
    expect(p.totalWd).toBe(20.5);
    expect(p.steps.find((s) => s.key === 'C06:m1')!.status).toBe('skipped');
  });

  it('embassy processing set per country by the office moves the forecast', () => {
    const facts = usTrip();
    const instances = buildInstances(DEFAULT_DEFINITION, facts, { settings: { countries: { US: { processingWd: 15 } } } });
    const p = plan({ instances, now: MONDAY, departureDate: facts.departureDate });
    expect(p.totalWd).toBe(25.5);
    expect(p.slackWd).toBe(3.5);
  });

  it('flags at risk when slack falls under the threshold, and late steps before anything is overdue', () => {
    // Depart Tue 2026-03-24: deadline = end of Mon 03-23 = W 16, forecast 15.5 -> slack 0.5.
    const p = planFor(usTrip({ departureDate: '2026-03-24' }), { departureDate: '2026-03-24' });
    expect(p.slackWd).toBe(0.5);
    expect(p.atRisk).toBe(true);
    // Depart earlier than possible: negative slack, and A13 must already have started.
    const q = planFor(usTrip(), { departureDate: '2026-03-18', now: '2026-03-03T09:00:00+08:00' });
    expect(q.slackWd).toBeLessThan(0);
    expect(q.steps.find((s) => s.key === 'A13')!.late).toBe(true);
    expect(q.steps.some((s) => s.overdue)).toBe(false);
  });

  it('a case spanning the National Day holiday forecasts across it', () => {
    // Mon 2026-09-14. Off: 09-25..27 (Mid-Autumn), 10-01..07 (National Day); worked: Sun 09-20, Sat 10-10.
    const facts = usTrip({ departureDate: '2026-10-26', returnDate: '2026-10-30' });
    const p = planFor(facts, { now: '2026-09-14T09:00:00+08:00' });
    expect(p.totalWd).toBe(15.5);
    // Working days 0..15: 09-14..18 (5), 09-20 (1), 09-21..24 (4), 09-28..30 (3), 10-08, 10-09, 10-10 (3).
    expect(p.forecastReadyDate).toBe('2026-10-10');
    expect(p.forecastReadyAt).toBe('2026-10-10T05:00:00.000Z');
    for (const s of p.steps) {
      const d = new Date(Date.parse(s.earliestStart) + 8 * 3600_000).toISOString().slice(0, 10);
      expect(d >= '2026-10-01' && d <= '2026-10-07').toBe(false);
    }
  });
});

describe('plan: running case states', () => {
  const facts = usTrip();
  const instances = buildInstances(DEFAULT_DEFINITION, facts);

  it('done instances contribute their actual finish; awaiting ones run from their start', () => {
    // A01/A02/A05/A06 done by Tue 17:00; A13 started Wed 09:00 (= now) -> ends after 5 WD: next Tue 17:00 (W 7).
    const states: InstanceStates = {
      A01: { status: 'done', doneAt: '2026-03-02T09:00:00+08:00' },
      A02: { status: 'done', startedAt: '2026-03-02T09:00:00+08:00', doneAt: '2026-03-02T17:00:00+08:00' },
      A05: { status: 'done', doneAt: '2026-03-03T17:00:00+08:00' },
      A06: { status: 'done', doneAt: '2026-03-03T12:00:00+08:00' },
      A13: { status: 'awaiting', startedAt: '2026-03-04T09:00:00+08:00' },
    };
    const p = plan({ instances, states, now: '2026-03-04T09:00:00+08:00', departureDate: facts.departureDate });
    expect(p.criticalPathCodes).toEqual(CANONICAL_PATH);
    expect(p.totalWd).toBe(15.5);
    expect(p.remainingWd).toBe(13.5);
    const a13 = p.steps.find((s) => s.key === 'A13')!;
    expect(a13.earliestStart).toBe('2026-03-04T01:00:00.000Z');
    expect(a13.efWd).toBe(5);
    expect(a13.earliestFinish).toBe('2026-03-10T09:00:00.000Z'); // Tue 17:00 Shanghai
    expect(p.steps.find((s) => s.key === 'A02')!.earliestFinish).toBe('2026-03-02T09:00:00.000Z');
  });

  it('a review chain slower than the notice takes over the critical path', () => {
    const states: InstanceStates = {
      A01: { status: 'done', doneAt: MONDAY },
      A02: { status: 'done', doneAt: '2026-03-02T17:00:00+08:00' },
      A05: { status: 'done', doneAt: '2026-03-03T17:00:00+08:00' },
      A06: { status: 'done', doneAt: '2026-03-03T12:00:00+08:00' },
      A13: { status: 'awaiting', startedAt: '2026-03-04T09:00:00+08:00' },
    };
    // Nothing else started until Thursday: A08 -> A11 (2) -> A15 -> B02 -> B05 -> B06 now ends after A13.
    // The path starts at A08, bound by "now" rather than by a need.
    const p = plan({ instances, states, now: '2026-03-05T09:00:00+08:00', departureDate: facts.departureDate });
    expect(p.criticalPathCodes.slice(0, 9)).toEqual(['A08', 'A11', 'A15', 'B01', 'B02', 'B05', 'B06', 'B07', 'B08']);
    expect(p.totalWd).toBe(16.5);
  });

  it('a late finish of a done step shifts the forecast', () => {
    const states: InstanceStates = {
      A01: { status: 'done', doneAt: '2026-03-02T09:00:00+08:00' },
      A02: { status: 'done', doneAt: '2026-03-04T17:00:00+08:00' }, // 2 WD late
    };
    const p = plan({ instances, states, now: '2026-03-05T09:00:00+08:00', departureDate: facts.departureDate });
    expect(p.totalWd).toBe(17.5);
    expect(p.remainingWd).toBe(14.5);
  });

  it('an overdue awaiting step is expected to finish now at the earliest', () => {
    const states: InstanceStates = {
      A01: { status: 'done', doneAt: MONDAY },
      A02: { status: 'awaiting', startedAt: MONDAY },
    };
    const p = plan({ instances, states, now: '2026-03-04T09:00:00+08:00', departureDate: facts.departureDate });
    const a02 = p.steps.find((s) => s.key === 'A02')!;
    expect(a02.overdue).toBe(true);
    expect(a02.efWd).toBe(0);
  });
});

describe('plan: larger cases', () => {
  const facts = makeFacts({
    departureDate: '2026-06-15',
    returnDate: '2026-06-24',
    members: makeMembers(6, (i) => ({ partyMember: i < 3, classifiedAccess: i === 0 })),
    destinations: [
      makeDestination({ country: 'US', arrive: '2026-06-15', leave: '2026-06-18' }),
      makeDestination({ country: 'DE', city: 'Berlin', arrive: '2026-06-18', leave: '2026-06-21' }),
      makeDestination({ country: 'TH', city: 'Bangkok', arrive: '2026-06-21', leave: '2026-06-24' }),
    ],
  });

  it('plans a 6-member, 3-country case with the US visa chain binding', () => {
    const p = planFor(facts);
    expect(p.steps.length).toBeGreaterThan(200);
    expect(p.criticalPathCodes).toEqual(CANONICAL_PATH);
    expect(p.totalWd).toBe(15.5);
  });

  it('is deterministic', () => {
    expect(planFor(facts)).toEqual(planFor(facts));
  });

  it('uses local calendar additions', () => {
    const calendar = createCalendar({ extraHolidays: ['2026-03-10'] });
    const p = planFor(usTrip(), { calendar });
    expect(p.totalWd).toBe(15.5);
    expect(p.forecastReadyDate).toBe('2026-03-24');
  });

  it('warns when dates fall outside the holiday data', () => {
    const f = usTrip({ departureDate: '2031-05-12', returnDate: '2031-05-16' });
    const p = planFor(f, { now: '2031-03-03T09:00:00+08:00' });
    expect(p.totalWd).toBe(15.5);
    expect(p.provisionalCalendar).toBe(true);
    expect(p.warnings.join()).toMatch(
      /CALENDAR_PROVISIONAL: 2031年放假安排尚未公布，按法定节假日暂排 \/ no published holiday schedule for 2031/,
    );
  });
});
