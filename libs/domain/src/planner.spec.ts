import { CalendarSpanError, createCalendar } from './calendar';
import {
  APEC_CARD_DEFINITION,
  APEC_WHITELIST_DEFINITION,
  DEFAULT_DEFINITION,
  DEFINITION_2026_1,
  DEFINITION_2027_1,
  type ProcessDefinition,
} from './definition';
import type { CaseFacts } from './facts';
import { makeDestination, makeFacts, makeMember, makeMembers } from './fixtures';
import type { InstanceStates } from './instances';
import { buildInstances } from './instances';
import type { PlanInput } from './planner';
import { certifiedDays, plan, waitingStepOf } from './planner';
import { addDays } from './dates';

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

  it('a stored absurd processing time (1e9 working days, new-user trial) stops at the calendar span at once: CalendarSpanError', () => {
    const facts = usTrip();
    for (const processingWd of [1e9, 100_000]) {
      const instances = buildInstances(DEFAULT_DEFINITION, facts, { settings: { countries: { US: { processingWd } } } });
      // "At once": a walk of 1e9 working days would never return (the test's own timeout); no wall-clock assertion here.
      expect(() => plan({ instances, now: MONDAY, departureDate: facts.departureDate })).toThrow(CalendarSpanError);
    }
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

  it("names the step the forecast waits on (关键步骤): the critical path's first step not done, the same rule for every caller", () => {
    const fresh = plan({ instances, now: MONDAY, departureDate: facts.departureDate });
    expect(fresh.criticalStep).toBe('A01');
    const states: InstanceStates = {
      A01: { status: 'done', doneAt: MONDAY },
      A02: { status: 'done', doneAt: '2026-03-02T17:00:00+08:00' },
      A05: { status: 'awaiting', startedAt: '2026-03-03T09:00:00+08:00' },
    };
    const p = plan({ instances, states, now: '2026-03-03T09:00:00+08:00', departureDate: facts.departureDate });
    expect(p.criticalPathCodes.slice(0, 3)).toEqual(['A01', 'A02', 'A05']);
    expect(p.criticalStep).toBe('A05');
    // The rule by itself: a returned or overdue step still waits; done and skipped ones do not; none left is null.
    const statuses: Record<string, string> = { A: 'done', B: 'skipped', C: 'returned', D: 'awaiting' };
    expect(waitingStepOf(['A', 'B', 'C', 'D'], (k) => statuses[k])).toBe('C');
    expect(waitingStepOf(['A', 'B'], (k) => statuses[k])).toBeNull();
    expect(waitingStepOf(['X'], () => undefined)).toBe('X');
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

describe('plan: steps certifying a day (certifiedDays, patch certified-step-plan)', () => {
  // Depart Mon 2026-04-13: the pre-departure deadline is 00:00 that day (= end of Fri 04-10); E07 cannot be done before it.
  const facts = usTrip();
  const instances = buildInstances(DEFAULT_DEFINITION, facts);
  const days = certifiedDays(DEFAULT_DEFINITION, facts);
  const PREPARED_AT = '2026-03-27T17:00:00+08:00'; // a Friday, 9 working days before the deadline
  /** Every instance done (the skipped ones pass through) but E07, awaiting since `at`; `open` keys awaiting too. */
  const preparedStates = (at = PREPARED_AT, open: string[] = []): InstanceStates => {
    const states: InstanceStates = {};
    for (const inst of instances) {
      if (inst.skipped) continue;
      states[inst.key] =
        inst.code === 'E07' || open.includes(inst.key)
          ? { status: 'awaiting', startedAt: at }
          : { status: 'done', startedAt: at, doneAt: at };
    }
    return states;
  };
  const planAt = (now: string, states: InstanceStates, certified = true) =>
    plan({ instances, states, now, departureDate: facts.departureDate, ...(certified ? { certifiedDays: days } : {}) });
  // Wed and Thu before, Fri 16:00 (1/8 WD before the deadline), Sun night, and the departure day itself.
  const LAST_DAYS = [
    '2026-04-08T10:00:00+08:00',
    '2026-04-09T10:00:00+08:00',
    '2026-04-10T16:00:00+08:00',
    '2026-04-12T23:00:00+08:00',
    '2026-04-13T10:00:00+08:00',
  ];

  it('reads the certifying steps from the behaviour of every definition, whatever their codes', () => {
    const want = { E07: facts.departureDate, P01: facts.returnDate };
    expect(days).toEqual(want);
    expect(certifiedDays(DEFINITION_2027_1, facts)).toEqual(want);
    expect(certifiedDays(DEFINITION_2026_1, facts)).toEqual(want); // upcast: E07 and P01 certified then too
    const renamed: ProcessDefinition = {
      ...DEFAULT_DEFINITION,
      steps: DEFAULT_DEFINITION.steps.map((s) => (s.code === 'E07' ? { ...s, code: 'X99' } : s)),
    };
    expect(certifiedDays(renamed, facts)).toEqual({ X99: facts.departureDate, P01: facts.returnDate });
    expect(certifiedDays(APEC_CARD_DEFINITION, facts)).toEqual({});
    expect(certifiedDays(APEC_WHITELIST_DEFINITION, facts)).toEqual({});
  });

  it('a case prepared but for E07 is not at risk up to and on its departure day: slack >= 0, forecast = when it was ready', () => {
    for (const now of LAST_DAYS) {
      const p = planAt(now, preparedStates());
      expect({ now, atRisk: p.atRisk }).toEqual({ now, atRisk: false });
      // The deadline (end of Fri 04-10) minus the preparation's finish (end of Fri 03-27); Qingming (Mon 04-06) is off.
      expect(p.slackWd).toBe(9);
      expect(p.forecastReadyAt).toBe('2026-03-27T09:00:00.000Z'); // 17:00 Shanghai, when the last step was done
      expect(p.forecastReadyDate).toBe('2026-03-27');
      expect(p.remainingWd).toBe(0);
      // E07 is due by the end of the departure day, not 00:00 of it: not late, slack of its own >= 0.
      const e07 = p.steps.find((s) => s.key === 'E07')!;
      expect(e07.latestFinish).toBe('2026-04-13T16:00:00.000Z'); // 00:00 Shanghai of Tue 04-14, as its due
      expect(e07.latestStart).toBe('2026-04-13T16:00:00.000Z');
      expect(e07.late).toBe(false);
      expect(e07.slackWd).toBeGreaterThanOrEqual(0);
      expect(p.criticalPathCodes.at(-1)).toBe('E07'); // what the case waits for
    }
  });

  it('E07 still not done once the departure day has ended: late by the working time since, at risk (certifiedLate; trial 76)', () => {
    const late = (now: string, states = preparedStates()) =>
      plan({ instances, states, now, departureDate: facts.departureDate, certifiedDays: days, certifiedLate: true });
    // Up to and on the departure day: as without the rule.
    for (const now of LAST_DAYS) expect([now, late(now).atRisk, late(now).slackWd]).toEqual([now, false, 9]);
    // Tue 08:00, the day after: late, no working time since the day's end yet.
    expect([late('2026-04-14T08:00:00+08:00').atRisk, late('2026-04-14T08:00:00+08:00').slackWd]).toEqual([true, 0]);
    // Tue 10:00: an hour of working time late; a week on, five working days.
    expect([late('2026-04-14T10:00:00+08:00').atRisk, late('2026-04-14T10:00:00+08:00').slackWd]).toEqual([true, -0.125]);
    expect(late('2026-04-21T09:00:00+08:00').slackWd).toBe(-5);
    // The forecast stays the day the case was ready; E07 done (the departure recorded late), nothing is late.
    expect(late('2026-04-14T10:00:00+08:00').forecastReadyDate).toBe('2026-03-27');
    const recorded = { ...preparedStates(), E07: { status: 'done' as const, startedAt: PREPARED_AT, doneAt: '2026-04-14T10:00:00+08:00' } };
    expect(late('2026-04-14T11:00:00+08:00', recorded).atRisk).toBe(false);
    // P01, certifying the return after E07, waits on a departed case: not late on its account, its day long gone.
    const returnPending = { ...recorded, P01: { status: 'awaiting' as const, startedAt: '2026-04-14T10:00:00+08:00' } };
    const monthAfter = addDays(facts.returnDate, 30);
    expect(late(`${monthAfter}T10:00:00+08:00`, returnPending).atRisk).toBe(false);
    // Histories recorded before the rule (no certifiedLate): a prepared case stays on track.
    expect([
      planAt('2026-04-21T09:00:00+08:00', preparedStates()).atRisk,
      planAt('2026-04-21T09:00:00+08:00', preparedStates()).slackWd,
    ]).toEqual([false, 9]);
  });

  it("says whether the preparation is done by its steps, not the forecast's time (trial 86: 已就绪 with D13 overdue)", () => {
    expect(planAt('2026-04-08T10:00:00+08:00', preparedStates()).prepared).toBe(true);
    // A D13 overdue since the prepared day: its forecast is "now", and behind the clock a moment later; not prepared.
    const d13 = instances.find((i) => i.code === 'D13' && !i.skipped)!.key;
    const overdue = planAt('2026-04-08T10:00:00+08:00', preparedStates(PREPARED_AT, [d13]));
    expect(overdue.forecastReadyAt).toBe('2026-04-08T02:00:00.000Z');
    expect(overdue.prepared).toBe(false);
    expect(overdue.criticalStep).toBe(d13);
    // Without certifiedDays (old histories) every step counts: E07 awaiting is preparation remaining.
    expect(planAt('2026-04-08T10:00:00+08:00', preparedStates(), false).prepared).toBe(false);
  });

  it('a case prepared just before the deadline is not at risk either (slack under the threshold, nothing left to do)', () => {
    const p = planAt('2026-04-10T16:00:00+08:00', preparedStates('2026-04-10T15:00:00+08:00'));
    expect(p.slackWd).toBe(0.25);
    expect(p.atRisk).toBe(false);
  });

  it('old histories (no certifiedDays) plan as they ran: E07 against 00:00 of the departure day, the prepared case at risk', () => {
    const fri = planAt('2026-04-10T16:00:00+08:00', preparedStates(), false);
    expect(fri.slackWd).toBe(0.125);
    expect(fri.atRisk).toBe(true);
    expect(fri.forecastReadyAt).toBe('2026-04-10T08:00:00.000Z'); // now
    expect(fri.steps.find((s) => s.key === 'E07')!.latestFinish).toBe('2026-04-10T09:00:00.000Z');
    const monday = planAt('2026-04-13T10:00:00+08:00', preparedStates(), false);
    expect(monday.slackWd).toBeLessThan(0);
    expect(monday.atRisk).toBe(true);
    // At risk from 2 working days before the deadline (the threshold): Thursday morning, not Wednesday.
    expect(planAt('2026-04-08T10:00:00+08:00', preparedStates(), false).atRisk).toBe(false);
    expect(planAt('2026-04-09T10:00:00+08:00', preparedStates(), false).atRisk).toBe(true);
  });

  it('a case genuinely late on pre-departure steps is at risk exactly as before', () => {
    // E06 (hand over passports) still open on Friday afternoon and on the departure day.
    for (const now of ['2026-04-10T16:00:00+08:00', '2026-04-13T10:00:00+08:00']) {
      const states = preparedStates(PREPARED_AT, ['E06:m1']);
      const before = planAt(now, states, false);
      const after = planAt(now, states);
      expect(after.atRisk).toBe(true);
      for (const field of ['slackWd', 'atRisk', 'forecastReadyAt', 'forecastReadyDate', 'totalWd', 'remainingWd', 'criticalPath'] as const)
        expect({ field, value: after[field] }).toEqual({ field, value: before[field] });
    }
    // Nothing done, departure too close (the test above): the same slack, risk and path with or without the rule.
    const close = usTrip({ departureDate: '2026-03-24' });
    const closeInstances = buildInstances(DEFAULT_DEFINITION, close);
    const old = plan({ instances: closeInstances, now: MONDAY, departureDate: close.departureDate });
    const now = plan({
      instances: closeInstances,
      now: MONDAY,
      departureDate: close.departureDate,
      certifiedDays: certifiedDays(DEFAULT_DEFINITION, close),
    });
    expect(now.slackWd).toBe(0.5);
    expect(now.atRisk).toBe(true);
    expect({ ...now, steps: undefined }).toEqual({ ...old, steps: undefined });
    // Steps other than the certifying one keep their latest times.
    expect(now.steps.filter((s) => s.code !== 'E07')).toEqual(old.steps.filter((s) => s.code !== 'E07'));
  });

  it('a new case plans its forecast, slack and critical path as before (the brief canonical trip)', () => {
    const old = planFor(facts);
    const p = planFor(facts, { certifiedDays: days });
    expect(p.criticalPathCodes).toEqual(CANONICAL_PATH);
    expect(p.totalWd).toBe(15.5);
    expect(p.slackWd).toBe(13.5);
    expect(p.forecastReadyAt).toBe(old.forecastReadyAt);
  });
});

describe('plan: the graph of an instance list is built once and never served stale (issue 16)', () => {
  const facts = usTrip();
  const fresh = () => buildInstances(DEFAULT_DEFINITION, facts);
  const planOf = (instances: ReturnType<typeof fresh>) => plan({ instances, now: MONDAY, departureDate: facts.departureDate });

  it('plans the same list again to the same result', () => {
    const instances = fresh();
    expect(planOf(instances)).toEqual(planOf(instances));
    expect(planOf(instances)).toEqual(planOf(fresh()));
  });

  it('sees a need added, removed or renamed in place on the same list', () => {
    const instances = fresh();
    expect(planOf(instances).criticalPathCodes).toEqual(CANONICAL_PATH);
    // B07 (passport application) made to wait for A15 as well, in place: the plan of the same array sees it.
    const b07 = instances.find((i) => i.key === 'B07')!;
    const edited = fresh();
    edited.find((i) => i.key === 'B07')!.needs.push('A15');
    b07.needs.push('A15');
    expect(planOf(instances)).toEqual(planOf(edited));
    b07.needs.pop();
    expect(planOf(instances)).toEqual(planOf(fresh()));
    // A need renamed in place to an unknown instance: refused, as on a fresh list.
    b07.needs[0] = 'NOPE';
    expect(() => planOf(instances)).toThrow(/B07 needs unknown instance NOPE/);
    b07.needs[0] = fresh().find((i) => i.key === 'B07')!.needs[0]!;
    expect(planOf(instances)).toEqual(planOf(fresh()));
  });

  it('sees an instance renamed in place', () => {
    const instances = fresh();
    planOf(instances);
    // A01 renamed in place: the steps that need A01 now name an unknown instance, as on a fresh list.
    const needer = instances.find((i) => i.needs.includes('A01'))!;
    instances.find((i) => i.key === 'A01')!.key = 'A01-renamed';
    expect(() => planOf(instances)).toThrow(new RegExp(`${needer.key} needs unknown instance A01`));
  });

  it('sees an instance replaced in place, and refuses a cycle made in place', () => {
    const instances = fresh();
    planOf(instances);
    const i = instances.findIndex((x) => x.key === 'A01');
    instances[i] = { ...instances[i]!, needs: ['E07'] };
    expect(() => planOf(instances)).toThrow(/dependency cycle/);
  });
});

describe('plan through a re-check: a done step resting on one done again (throughRechecks, forty-first trial)', () => {
  // The canonical US trip at the FAO's review (B05) after a change of dates reran the budget (A09, awaiting again), its
  // countersign (A10) and the sign-off (A15): the submission (B01) and the intake (B02) stay done.
  const facts = usTrip();
  const instances = buildInstances(DEFAULT_DEFINITION, facts);
  const byKey = new Map(instances.map((i) => [i.key, i]));
  const upstream = (key: string, seen = new Set<string>()): Set<string> => {
    for (const k of byKey.get(key)!.needs) if (!seen.has(k)) upstream(k, seen.add(k));
    return seen;
  };
  const earlier = '2026-02-20T09:00:00+08:00';
  const states: InstanceStates = {};
  for (const k of [...upstream('B05'), 'A13'])
    if (!byKey.get(k)!.skipped) states[k] = { status: 'done', startedAt: earlier, doneAt: earlier };
  states.A09 = { status: 'awaiting', startedAt: MONDAY };
  states.A10 = { status: 'pending' };
  states.A15 = { status: 'pending' };
  const at = (p: ReturnType<typeof plan>, key: string) => p.steps.find((s) => s.key === key)!;

  it('plans the FAO review after the re-approvals, and puts them on the critical path, the done steps walked through', () => {
    const p = plan({ instances, states, now: MONDAY, departureDate: facts.departureDate });
    // A09 0.5, A10 1, A15 1 working days before B05 can open.
    expect(Date.parse(at(p, 'B05').earliestStart)).toBeGreaterThanOrEqual(Date.parse(at(p, 'A15').earliestFinish));
    expect(p.criticalPath.slice(0, 4)).toEqual(['A09', 'A10', 'A15', 'B05']);
    expect(['B01', 'B02'].map((k) => at(p, k).critical)).toEqual([false, false]);
    // The done steps keep the times they were done at.
    expect(at(p, 'B02').earliestFinish).toBe(new Date(earlier).toISOString());
    // Without it (histories recorded before the patch) the review was planned to open now, the re-approvals beside it.
    const before = plan({ instances, states, now: MONDAY, departureDate: facts.departureDate, throughRechecks: false });
    expect(at(before, 'B05').earliestStart).toBe(new Date(MONDAY).toISOString());
    expect(before.criticalPath[0]).not.toBe('A09');
    expect(p.remainingWd).toBeGreaterThan(before.remainingWd); // the forecast counts the re-approvals' days
  });
});
