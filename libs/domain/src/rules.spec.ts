import { openCaseKeys, passportPersonKey, personKey, type Destination, type Member } from './facts';
import { makeDestination, makeFacts, makeMember, makeMembers } from './fixtures';
import type { TripRecord } from './rules';
import { isStatedReason } from './text-rule';
import {
  restsOnWithheldRecords,
  checkMemberFrequency,
  checkTripRules,
  decisionReasonProblem,
  DEFAULT_RULES_CONFIG,
  departureHorizonViolations,
  departureNotYetFor,
  MAX_DEPARTURE_AHEAD_DAYS,
  duplicateMemberIdViolations,
  duplicatePersonViolations,
  legsOverlapViolations,
  memberTripViolations,
  openCaseOverlapViolations,
  tripsOf,
  unknownCountryMessage,
  type OpenCaseTrip,
} from './rules';

const codes = (v: { code: string }[]) => v.map((x) => x.code);
const trip = (departureDate: string, returnDate: string, destinations: Destination[]) =>
  makeFacts({ departureDate, returnDate, destinations });
const dest = (country: string, arrive: string, leave: string) => makeDestination({ country, arrive, leave });

describe('checkTripRules', () => {
  it('the canonical case passes', () => {
    expect(checkTripRules(makeFacts())).toEqual([]);
  });

  it('size: 6 members pass, 7 exceed', () => {
    expect(checkTripRules(makeFacts({ members: makeMembers(6) }))).toEqual([]);
    const v = checkTripRules(makeFacts({ members: makeMembers(7) }));
    expect(codes(v)).toEqual(['SIZE_EXCEEDED']);
    expect(v[0]!.field).toBe('members');
    expect(v[0]!.message.zh).toContain('7');
    expect(v[0]!.message.en).toContain('limit of 6');
  });

  it('one country: 5 days pass, 6 exceed (departure and re-entry counted)', () => {
    expect(checkTripRules(trip('2026-05-11', '2026-05-15', [dest('US', '2026-05-11', '2026-05-15')]))).toEqual([]);
    const v = checkTripRules(trip('2026-05-11', '2026-05-16', [dest('US', '2026-05-11', '2026-05-16')]));
    expect(codes(v)).toEqual(['DAYS_EXCEEDED']);
    expect(v[0]!.details).toMatchObject({ days: 6, max: 5 });
  });

  it('an African destination allows one more day: 6 pass, 7 exceed', () => {
    expect(checkTripRules(trip('2026-05-11', '2026-05-16', [dest('ZA', '2026-05-11', '2026-05-16')]))).toEqual([]);
    const v = checkTripRules(trip('2026-05-11', '2026-05-17', [dest('ZA', '2026-05-11', '2026-05-17')]));
    expect(v[0]!.details).toMatchObject({ days: 7, max: 6 });
  });

  it('two countries: 8 days, 9 with Latin America', () => {
    const eu = [dest('DE', '2026-05-11', '2026-05-14'), dest('FR', '2026-05-14', '2026-05-19')];
    expect(
      checkTripRules(
        trip(
          '2026-05-11',
          '2026-05-18',
          eu.map((d) => ({ ...d, leave: d.leave > '2026-05-18' ? '2026-05-18' : d.leave })),
        ),
      ),
    ).toEqual([]);
    expect(codes(checkTripRules(trip('2026-05-11', '2026-05-19', eu)))).toEqual(['DAYS_EXCEEDED']);
    const latam = [dest('BR', '2026-05-11', '2026-05-14'), dest('AR', '2026-05-14', '2026-05-19')];
    expect(checkTripRules(trip('2026-05-11', '2026-05-19', latam))).toEqual([]);
  });

  it('countries: 3 pass, 4 exceed; airside transits do not count', () => {
    const three = [dest('DE', '2026-05-11', '2026-05-13'), dest('FR', '2026-05-13', '2026-05-15'), dest('IT', '2026-05-15', '2026-05-17')];
    expect(checkTripRules(trip('2026-05-11', '2026-05-17', three))).toEqual([]);
    const withAirside = [...three, { ...dest('AE', '2026-05-17', '2026-05-17'), transit: 'airside' as const }];
    expect(checkTripRules(trip('2026-05-11', '2026-05-17', withAirside))).toEqual([]);
    const withLandside = [...three, { ...dest('AE', '2026-05-17', '2026-05-17'), transit: 'landside' as const }];
    expect(codes(checkTripRules(trip('2026-05-11', '2026-05-17', withLandside)))).toEqual(['TOO_MANY_COUNTRIES']);
  });

  it('two members of one leadership team', () => {
    const members = makeMembers(3, (i) => ({ leadershipTeam: i < 2 ? 'bureau-A' : 'bureau-B' }));
    const v = checkTripRules(makeFacts({ members }));
    expect(codes(v)).toEqual(['LEADERSHIP_TEAM_OVERLAP']);
    expect(v[0]!.details).toMatchObject({ leadershipTeam: 'bureau-A', memberIds: ['m1', 'm2'] });
  });

  it('one person listed twice in a leadership team is a duplicate, not an overlap', () => {
    // Trial: the same person twice read as two refusals, the second naming them twice as "members of one team".
    const [a, b] = makeMembers(2, () => ({ leadershipTeam: 'bureau-A' }));
    const twin = { ...a!, id: 'm9', personId: 'P-1' };
    const samePerson = [{ ...a!, personId: 'P-1' }, twin];
    expect(codes(checkTripRules(makeFacts({ members: samePerson })))).toEqual([]);
    expect(codes(duplicatePersonViolations(samePerson))).toEqual(['DUPLICATE_MEMBER']);
    const sameId = [a!, { ...a! }];
    expect(codes(checkTripRules(makeFacts({ members: sameId })))).toEqual(['DUPLICATE_MEMBER']);
    // The id rule on its own (the API's check of an amendment's members) is checkTripRules' own.
    expect(duplicateMemberIdViolations(sameId)).toEqual(checkTripRules(makeFacts({ members: sameId })));
    // Two people of the team, one of them listed twice: one overlap naming each person once.
    const v = checkTripRules(makeFacts({ members: [{ ...a!, personId: 'P-1' }, twin, b!] }));
    expect(codes(v)).toEqual(['LEADERSHIP_TEAM_OVERLAP']);
    expect(v[0]!.details).toMatchObject({ leadershipTeam: 'bureau-A', memberIds: ['m1', 'm2'] });
  });

  it('returns every violation at once, including data problems', () => {
    const members = [...makeMembers(7, () => ({ leadershipTeam: 'T' })), makeMember({ id: 'm1' })];
    const v = checkTripRules(
      makeFacts({
        members,
        returnDate: '2026-05-30',
        destinations: [
          dest('XX', '2026-05-11', '2026-05-12'),
          dest('US', '2026-06-01', '2026-06-02'),
          dest('DE', '2026-05-12', '2026-05-13'),
          dest('FR', '2026-05-13', '2026-05-14'),
        ],
      }),
    );
    expect(codes(v).sort()).toEqual(
      [
        'DAYS_EXCEEDED',
        'DESTINATION_OUTSIDE_TRIP',
        'DUPLICATE_MEMBER',
        'LEADERSHIP_TEAM_OVERLAP',
        'SIZE_EXCEEDED',
        'TOO_MANY_COUNTRIES',
        'UNKNOWN_COUNTRY',
      ].sort(),
    );
    for (const x of v) {
      expect(x.message.zh.length).toBeGreaterThan(0);
      expect(x.message.en.length).toBeGreaterThan(0);
    }
  });

  it('limits are configurable', () => {
    expect(codes(checkTripRules(makeFacts({ members: makeMembers(5) }), { maxMembers: 4 }))).toEqual(['SIZE_EXCEEDED']);
  });
});

describe('checkMemberFrequency', () => {
  const bureau = makeMember({ rank: 'bureau' });
  const facts = makeFacts({ members: [bureau], departureDate: '2026-05-11', returnDate: '2026-05-15' });
  const prior = (departureDate: string, extra: Partial<TripRecord> = {}): TripRecord => ({
    memberId: 'm1',
    departureDate,
    returnDate: departureDate,
    ...extra,
  });

  it('bureau level: a trip exactly 24 months earlier is outside the window, one day later is inside', () => {
    expect(checkMemberFrequency(bureau, [prior('2024-05-11')], facts)).toEqual([]);
    const v = checkMemberFrequency(bureau, [prior('2024-05-12')], facts);
    expect(codes(v)).toEqual(['FREQUENCY_EXCEEDED']);
    expect(v[0]!.field).toBe('members[0]');
    expect(v[0]!.details).toMatchObject({ windowMonths: 24, maxTrips: 1, previousDepartures: ['2024-05-12'] });
  });

  it('provincial rank uses a 12-month window', () => {
    const gov = makeMember({ rank: 'provincial' });
    expect(checkMemberFrequency(gov, [prior('2025-05-11')], facts)).toEqual([]);
    expect(codes(checkMemberFrequency(gov, [prior('2025-05-12')], facts))).toEqual(['FREQUENCY_EXCEEDED']);
  });

  it('academic exchange is exempt, both as this trip and as history', () => {
    const academic = makeFacts({ ...facts, purpose: 'academic-exchange' });
    expect(checkMemberFrequency(bureau, [prior('2025-12-01')], academic)).toEqual([]);
    expect(checkMemberFrequency(bureau, [prior('2025-12-01', { purpose: 'academic-exchange' })], facts)).toEqual([]);
  });

  it('ignores other members and staff without a quota; the window is configurable', () => {
    expect(checkMemberFrequency(bureau, [prior('2025-12-01', { memberId: 'm2' })], facts)).toEqual([]);
    expect(checkMemberFrequency(makeMember({ rank: 'staff' }), [prior('2026-01-01')], facts)).toEqual([]);
    const config = { frequency: { ...DEFAULT_RULES_CONFIG.frequency, bureau: { windowMonths: 12, maxTrips: 2 } } };
    expect(checkMemberFrequency(bureau, [prior('2025-12-01')], facts, config)).toEqual([]);
    expect(checkMemberFrequency(bureau, [prior('2025-12-01'), prior('2026-02-01')], facts, config)).toHaveLength(1);
  });

  // Trial H2: a division head on two open cases (2027-03 and 2027-06, limit 1 per 12 months) passed A08 on both:
  // only departed trips were counted. A planned trip counts, whichever side of this one it departs.
  describe('planned trips (other open cases) count, before or after this departure', () => {
    const division = makeMember({ rank: 'division' });
    const march = makeFacts({ members: [division], departureDate: '2027-03-10', returnDate: '2027-03-15' });
    const june = makeFacts({ members: [division], departureDate: '2027-06-10', returnDate: '2027-06-15' });

    it('handed input: June is refused for the planned March trip, March for the planned June trip', () => {
      const forJune = checkMemberFrequency(division, [prior('2027-03-10', { planned: true, caseId: 'A' })], june);
      expect(codes(forJune)).toEqual(['FREQUENCY_EXCEEDED']);
      expect(forJune[0]!.details).toEqual({
        memberId: 'm1',
        rank: 'division',
        windowMonths: 12,
        maxTrips: 1,
        previousDepartures: [],
        plannedDepartures: ['2027-03-10'],
        plannedTrips: 1,
        windowAfter: '2026-06-10',
        windowThrough: '2027-06-10',
      });
      expect(forJune[0]!.message.zh).toContain('12个月内已出访0次，另有已申报出访1次（2027-03-10出发），限1次');
      expect(forJune[0]!.message.en).toContain('has 1 other planned trip(s) (departing 2027-03-10) in 12 months; limit 1');
      const forMarch = checkMemberFrequency(division, [prior('2027-06-10', { planned: true, caseId: 'B' })], march);
      expect(codes(forMarch)).toEqual(['FREQUENCY_EXCEEDED']);
      expect(forMarch[0]!.details).toMatchObject({
        plannedDepartures: ['2027-06-10'],
        windowAfter: '2026-06-10',
        windowThrough: '2027-06-10',
      });
    });

    it("thirteenth trial: another unit's trips (withheld) count, but no date of theirs is named; the workflow still reads a planned one", () => {
      const history = [
        prior('2026-09-01', { caseId: 'theirs-made', withheld: true }),
        prior('2027-05-01', { planned: true, caseId: 'theirs', withheld: true }),
        prior('2027-01-10', { planned: true, caseId: 'ours' }),
      ];
      const config = { frequency: { ...DEFAULT_RULES_CONFIG.frequency, division: { windowMonths: 12, maxTrips: 2 } } };
      const [v] = checkMemberFrequency(division, history, march, config);
      expect(v!.details).toEqual({
        memberId: 'm1',
        rank: 'division',
        windowMonths: 12,
        maxTrips: 2,
        previousDepartures: [],
        plannedDepartures: ['2027-01-10'],
        plannedTrips: 2,
        withheld: true,
        withheldTrips: 2,
      });
      expect(JSON.stringify(v)).not.toMatch(/2026-09-01|2027-05-01/);
      expect(v!.message.zh).toContain('已出访1次，另有已申报出访2次（2027-01-10出发），限2次；其中2次为其他单位的记录，不显示日期');
      expect(restsOnWithheldRecords(v!)).toBe(true);
      // Without another unit's trips the answer is as before, and no probe.
      const [own] = checkMemberFrequency(division, [prior('2027-01-10', { planned: true, caseId: 'ours' })], march);
      expect(own!.details?.withheld).toBeUndefined();
      expect(restsOnWithheldRecords(own!)).toBe(false);
    });

    it('a later trip counts only inside a window that holds this one (the start exclusive)', () => {
      expect(checkMemberFrequency(division, [prior('2028-03-10', { planned: true })], march)).toEqual([]);
      expect(codes(checkMemberFrequency(division, [prior('2028-03-09', { planned: true })], march))).toEqual(['FREQUENCY_EXCEEDED']);
    });

    it('the fullest window is named: made and planned trips on either side', () => {
      const config = { frequency: { ...DEFAULT_RULES_CONFIG.frequency, division: { windowMonths: 12, maxTrips: 2 } } };
      const history = [prior('2026-02-01'), prior('2027-09-01', { planned: true }), prior('2028-02-01', { planned: true })];
      const v = checkMemberFrequency(division, history, march, config);
      expect(v[0]!.details).toMatchObject({
        previousDepartures: [],
        plannedDepartures: ['2027-09-01', '2028-02-01'],
        windowThrough: '2028-02-01',
      });
      expect(checkMemberFrequency(division, history.slice(0, 2), march, config)).toEqual([]);
      expect(codes(checkMemberFrequency(division, [prior('2026-12-01'), prior('2027-01-05', { planned: true })], march, config))).toEqual([
        'FREQUENCY_EXCEEDED',
      ]);
    });

    it('an exempt planned trip (academic exchange) does not count', () => {
      expect(checkMemberFrequency(division, [prior('2027-06-10', { planned: true, purpose: 'academic-exchange' })], march)).toEqual([]);
    });
  });
});

describe('legsOverlapViolations: one country at a time', () => {
  it('handed input (trial 83): one city of one country listed twice on the same days overlaps, spelt either way', () => {
    const legs = [
      { ...dest('US', '2027-03-01', '2027-03-05'), city: 'Houston' },
      { ...dest('US', '2027-03-01', '2027-03-05'), city: ' houston ' },
    ];
    expect(legsOverlapViolations({ destinations: legs })).toEqual([
      expect.objectContaining({
        code: 'LEGS_OVERLAP',
        field: 'destinations[1].arrive',
        message: {
          zh: '第2站（US houston，2027-03-01至2027-03-05）与第1站是同一城市，日期重叠：请合并为一站',
          en: "Stop 2 (US houston, 2027-03-01 to 2027-03-05) is stop 1's city on overlapping days: make them one stop",
        },
      }),
    ]);
    // A same-day transfer back to the city is none.
    const back = [
      { ...legs[0]!, leave: '2027-03-03' },
      { ...legs[1]!, arrive: '2027-03-03' },
    ];
    expect(legsOverlapViolations({ destinations: back })).toEqual([]);
  });

  it('handed input: the US 03-01..03-05 and Canada 03-03..03-08 overlap, at destinations[1].arrive', () => {
    const facts = trip('2027-03-01', '2027-03-08', [dest('US', '2027-03-01', '2027-03-05'), dest('CA', '2027-03-03', '2027-03-08')]);
    const v = checkTripRules(facts);
    expect(v).toEqual([
      {
        code: 'LEGS_OVERLAP',
        field: 'destinations[1].arrive',
        message: {
          zh: '第2站（CA，2027-03-03至2027-03-08）与第1站（US，2027-03-01至2027-03-05）日期重叠：同一时间只能在一国（当天转机可在前一站离开之日抵达）',
          en: 'Stop 2 (CA, 2027-03-03 to 2027-03-08) overlaps stop 1 (US, 2027-03-01 to 2027-03-05): one country at a time (a same-day transfer may arrive on the day the other stop leaves)',
        },
        details: {
          index: 1,
          overlaps: 0,
          arrive: '2027-03-03',
          leave: '2027-03-08',
          otherArrive: '2027-03-01',
          otherLeave: '2027-03-05',
        },
      },
    ]);
    expect(legsOverlapViolations(facts)).toEqual(v);
  });

  it('a same-day transfer (arriving the day the previous stop leaves) is no overlap', () => {
    const legs = [dest('US', '2027-03-01', '2027-03-05'), dest('CA', '2027-03-05', '2027-03-08')];
    expect(checkTripRules(trip('2027-03-01', '2027-03-08', legs))).toEqual([]);
    // A one-day airside transit between two stops, all on the transfer day.
    const via = [dest('DE', '2027-03-01', '2027-03-04'), { ...dest('AE', '2027-03-04', '2027-03-04'), transit: 'airside' as const }];
    expect(legsOverlapViolations({ destinations: [...via, dest('FR', '2027-03-04', '2027-03-08')] })).toEqual([]);
  });

  it('a stop inside another, a stop listed before an earlier one, one day in common: each overlaps', () => {
    const inside = [dest('US', '2027-03-01', '2027-03-08'), dest('CA', '2027-03-03', '2027-03-04')];
    expect(legsOverlapViolations({ destinations: inside }).map((v) => [v.field, v.details!.overlaps])).toEqual([
      ['destinations[1].arrive', 0],
    ]);
    const reversed = [dest('CA', '2027-03-04', '2027-03-08'), dest('US', '2027-03-01', '2027-03-05')];
    expect(legsOverlapViolations({ destinations: reversed }).map((v) => v.field)).toEqual(['destinations[1].arrive']);
    const oneDay = [dest('US', '2027-03-01', '2027-03-05'), dest('CA', '2027-03-04', '2027-03-05')];
    expect(legsOverlapViolations({ destinations: oneDay }).map((v) => v.field)).toEqual(['destinations[1].arrive']);
    // Three stops: the third overlaps the second only, and is named against it.
    const three = [dest('US', '2027-03-01', '2027-03-03'), dest('CA', '2027-03-03', '2027-03-06'), dest('MX', '2027-03-05', '2027-03-08')];
    expect(legsOverlapViolations({ destinations: three }).map((v) => [v.field, v.details!.overlaps])).toEqual([
      ['destinations[2].arrive', 1],
    ]);
  });

  it('two cities of one country, and stops with malformed or reversed dates, are not compared', () => {
    expect(
      legsOverlapViolations({
        destinations: [
          { ...dest('US', '2027-03-01', '2027-03-05'), city: 'Houston' },
          { ...dest('US', '2027-03-03', '2027-03-04'), city: 'Dallas' },
        ],
      }),
    ).toEqual([]);
    expect(
      legsOverlapViolations({ destinations: [dest('US', '2027-03-01', '2027-03-05'), dest('CA', '2027-03-04', '2027-03-02')] }),
    ).toEqual([]);
    expect(
      legsOverlapViolations({ destinations: [dest('US', '2027-03-01', '2027-03-05'), dest('CA', '2027-02-30', '2027-03-06')] }),
    ).toEqual([]);
  });
});

describe('the dates, each refusal naming its date (second trial)', () => {
  it('a return before the departure names both; a malformed date names itself', () => {
    const early = checkTripRules(makeFacts({ departureDate: '2026-05-11', returnDate: '2026-05-10' })).filter(
      (v) => v.code === 'INVALID_DATES',
    );
    expect(early.map((v) => [v.field, v.message])).toEqual([
      [
        'returnDate',
        {
          zh: '回国日期（2026-05-10）早于出发日期（2026-05-11）',
          en: 'The return date (2026-05-10) is before the departure date (2026-05-11)',
        },
      ],
    ]);
    const bad = checkTripRules(makeFacts({ departureDate: '2026-02-30' })).filter((v) => v.code === 'INVALID_DATES');
    expect(bad.map((v) => [v.field, v.message.zh])).toEqual([['departureDate', '出发日期无效']]);
  });

  it('a stop that leaves before it arrives is that, at its leave day, not "outside the trip"', () => {
    const facts = makeFacts();
    const stop = { ...facts.destinations[0]!, arrive: '2026-05-13', leave: '2026-05-12' };
    const v = checkTripRules({ ...facts, destinations: [stop] });
    expect(v.map((x) => [x.code, x.field, x.message.en])).toEqual([
      ['INVALID_DATES', 'destinations[0].leave', 'Stop 1 leaves (2026-05-12) before it arrives (2026-05-13)'],
    ]);
  });
});

describe('duplicatePersonViolations: one person once per delegation', () => {
  it('handed input: one personId twice is the second member, named; typed members and other people pass', () => {
    const li = makeMember({ id: 'm1', name: '李四', personId: 'P-commerce-002' });
    const twin = { ...li, id: 'm2' };
    const typed = makeMember({ id: 'm3', name: '王五' });
    const other = makeMember({ id: 'm4', name: '赵六', personId: 'P-commerce-004', passport: null });
    const out = duplicatePersonViolations([li, twin, typed, other]);
    expect(out.map((v) => [v.code, v.field])).toEqual([['DUPLICATE_MEMBER', 'members[1].personId']]);
    // A member id used twice is named as the id (the trial: two persons under m1 read as "王五 is listed twice").
    const ids = checkTripRules(makeFacts({ members: [li, { ...other, id: 'm1' }] })).filter((v) => v.code === 'DUPLICATE_MEMBER');
    expect(ids.map((v) => [v.field, v.message])).toEqual([
      ['members[1].id', { zh: '成员编号 m1 重复（赵六）', en: 'Member id m1 is used twice (赵六)' }],
    ]);
    expect(out[0]!.message).toEqual({
      zh: '成员 李四（P-commerce-002）与第1名成员是同一人',
      en: 'Member 李四 (P-commerce-002) is the same person as member 1',
    });
    expect(duplicatePersonViolations([li, other])).toEqual([]);
  });

  it('handed input: the same person typed twice with one passport number is the second member, at its passport number', () => {
    const typed = makeMember({ id: 'm1', name: '王五', passport: { inCustody: true, number: 'SE1234567', expiresOn: '2031-06-30' } });
    // Typed again under another id, the number as written on a form (spaces, lower case): the same passport.
    const again = makeMember({ id: 'm2', name: '王五', passport: { inCustody: true, number: 'se 123 4567', expiresOn: '2031-06-30' } });
    const out = duplicatePersonViolations([typed, again]);
    expect(out).toEqual([
      {
        code: 'DUPLICATE_MEMBER',
        field: 'members[1].passport.number',
        message: {
          zh: '成员 王五 的护照号码与第1名成员相同：同一人不能重复列入',
          en: 'Member 王五 has the passport number of member 1: one person is listed once',
        },
        details: { index: 1, sameAs: 0 },
      },
    ]);
    // The number is personal data: the refusal does not repeat it.
    expect(JSON.stringify(out)).not.toMatch(/1234567/);
    // By default a registry member's number (held from the organizer) is not compared with a typed one.
    const registered = { ...typed, personId: 'P-commerce-005' };
    expect(duplicatePersonViolations([registered, again])).toEqual([]);
    // The trial's input: named from the roster and typed again with the same passport. A07 and the API (comparingHeld) refuse it.
    expect(duplicatePersonViolations([registered, again], { comparingHeld: true })).toEqual([
      expect.objectContaining({ code: 'DUPLICATE_MEMBER', field: 'members[1].passport.number' }),
    ]);
    // One member, one violation: a personId repeated with its passport is named by the personId alone.
    expect(duplicatePersonViolations([registered, { ...registered, id: 'm2' }]).map((v) => v.field)).toEqual(['members[1].personId']);
    // Different passports, no passport, an empty number: different people (or not known to be one).
    const noPassport = makeMember({ id: 'm3', name: '孙八', passport: null });
    const blank = makeMember({ id: 'm4', name: '赵六', passport: { inCustody: false, number: ' ' } });
    const blank2 = makeMember({ id: 'm5', name: '钱七', passport: { inCustody: false, number: '' } });
    expect(duplicatePersonViolations([typed, makeMember({ id: 'm2' }), noPassport, blank, blank2])).toEqual([]);
    // A typed namesake without a passport is not told apart: the same person (the name rule, below).
    const namesake = makeMember({ id: 'm3', name: '王五', passport: null });
    expect(duplicatePersonViolations([typed, makeMember({ id: 'm2' }), namesake]).map((v) => v.field)).toEqual(['members[2].name']);
  });

  it('handed input: one member listed twice identically (same id, same passport) is one violation, at members[1].id', () => {
    const typed = makeMember({ id: 'm1', name: '王五', passport: { inCustody: true, number: 'SE1234567', expiresOn: '2031-06-30' } });
    const registered = { ...typed, personId: 'P-commerce-005' };
    // What every caller runs: the id rule (in checkTripRules) and the person rule, with and without held numbers.
    const all = (members: Member[], comparingHeld = false) =>
      [...checkTripRules(makeFacts({ members })), ...duplicatePersonViolations(members, { comparingHeld })]
        .filter((v) => v.code === 'DUPLICATE_MEMBER')
        .map((v) => v.field);
    for (const m of [typed, registered]) {
      // It read two: members[1].id and members[1].passport.number (or .personId).
      expect(all([m, { ...m }])).toEqual(['members[1].id']);
      expect(all([m, { ...m }], true)).toEqual(['members[1].id']);
      expect(duplicatePersonViolations([m, { ...m }], { comparingHeld: true })).toEqual([]);
    }
    // Only the passport number repeats: still the passport's violation.
    expect(all([typed, { ...typed, id: 'm2' }])).toEqual(['members[1].passport.number']);
    // The repeated member still counts as the person it is: a third member with its number is named, against member 2.
    const other = { ...typed, passport: { ...typed.passport!, number: 'SE7654321' } };
    const third = { ...other, id: 'm3' };
    expect(duplicatePersonViolations([typed, other, third]).map((v) => [v.field, v.details])).toEqual([
      ['members[2].passport.number', { index: 2, sameAs: 1 }],
    ]);
  });

  it('handed input: 孔一 and 孔 一 typed without personId or passport are one person, at members[1].name', () => {
    const a = makeMember({ id: 'm1', name: '孔一', passport: null });
    const b = makeMember({ id: 'm2', name: '孔 一', passport: null });
    const out = duplicatePersonViolations([a, b]);
    expect(out).toEqual([
      {
        code: 'DUPLICATE_MEMBER',
        field: 'members[1].name',
        message: {
          zh: '成员 孔 一 与第1名成员（孔一）同名，视为同一人，不能重复列入；如确为同名的两人，请先登记入花名册并以 personId 指明，或分别填写各自的护照号码',
          en: 'Member 孔 一 has the name of member 1 (孔一) and is taken for the same person, listed once; two people of one name are registered on the roster and named by personId, or each given their own passport number',
        },
        details: { index: 1, sameAs: 0 },
      },
    ]);
    // Every caller's answer: the trip rules and the person rule, with held numbers compared or not.
    for (const comparingHeld of [false, true])
      expect(
        [...checkTripRules(makeFacts({ members: [a, b] })), ...duplicatePersonViolations([a, b], { comparingHeld })].map((v) => [
          v.code,
          v.field,
        ]),
      ).toEqual([['DUPLICATE_MEMBER', 'members[1].name']]);
  });

  it('handed input: 张三 and 張三 (traditional), and invisible characters, fold to one name', () => {
    const typed = (id: string, name: string) => makeMember({ id, name, passport: null });
    expect(duplicatePersonViolations([typed('m1', '张三'), typed('m2', '張三')]).map((v) => v.field)).toEqual(['members[1].name']);
    expect(duplicatePersonViolations([typed('m1', '张三'), typed('m2', '\u2060张\u200b三 ')]).map((v) => v.field)).toEqual([
      'members[1].name',
    ]);
    // Three of one name: each later one is named, against the first.
    expect(
      duplicatePersonViolations([typed('m1', '张三'), typed('m2', '張三'), typed('m3', '张 三')]).map((v) => [v.field, v.details]),
    ).toEqual([
      ['members[1].name', { index: 1, sameAs: 0 }],
      ['members[2].name', { index: 2, sameAs: 0 }],
    ]);
    // Different names pass.
    expect(duplicatePersonViolations([typed('m1', '张三'), typed('m2', '张山')])).toEqual([]);
  });

  it('typed namesakes are two people only when each carries its own passport number', () => {
    const withNumber = (id: string, name: string, number: string) =>
      makeMember({ id, name, passport: { inCustody: false, number, expiresOn: '2031-06-30' } });
    // Two passports, two people (the one fact a typed member has that tells namesakes apart).
    expect(duplicatePersonViolations([withNumber('m1', '张三', 'E11111111'), withNumber('m2', '張三', 'E22222222')])).toEqual([]);
    // One of them without a number (or a blank one): not told apart.
    for (const second of [makeMember({ id: 'm2', name: '張三', passport: null }), withNumber('m2', '張三', ' ')])
      expect(duplicatePersonViolations([withNumber('m1', '张三', 'E11111111'), second]).map((v) => v.field)).toEqual(['members[1].name']);
    // The first without, the second with a number: the same.
    expect(
      duplicatePersonViolations([makeMember({ id: 'm1', name: '张三', passport: null }), withNumber('m2', '張三', 'E22222222')]).map(
        (v) => v.field,
      ),
    ).toEqual(['members[1].name']);
    // One number twice is the passport's violation, once.
    expect(
      duplicatePersonViolations([withNumber('m1', '张三', 'E11111111'), withNumber('m2', '張三', 'e 11111111')]).map((v) => v.field),
    ).toEqual(['members[1].passport.number']);
  });

  it('members named by personId are the roster’s people: namesakes there are not compared by name', () => {
    const a = makeMember({ id: 'm1', name: '张三', personId: 'P-commerce-001', passport: null });
    const b = makeMember({ id: 'm2', name: '張三', personId: 'P-commerce-009', passport: null });
    expect(duplicatePersonViolations([a, b])).toEqual([]);
    expect(duplicatePersonViolations([a, b], { comparingHeld: true })).toEqual([]);
    // A roster person and a typed namesake: the registries' business (`roster-person`), not this rule's.
    expect(duplicatePersonViolations([a, makeMember({ id: 'm2', name: '张三', passport: null })])).toEqual([]);
  });

  it('typed namesakes on one leadership team are DUPLICATE_MEMBER, not also LEADERSHIP_TEAM_OVERLAP', () => {
    const a = makeMember({ id: 'm1', name: '孔一', passport: null, leadershipTeam: 'team' });
    const b = makeMember({ id: 'm2', name: '孔 一', passport: null, leadershipTeam: 'team' });
    expect(checkTripRules(makeFacts({ members: [a, b] })).map((v) => v.code)).toEqual([]);
    expect(duplicatePersonViolations([a, b]).map((v) => v.code)).toEqual(['DUPLICATE_MEMBER']);
  });

  it('the fixtures make different people: m1..m6 carry different passport numbers', () => {
    const six = makeMembers(6);
    expect(new Set(six.map((m) => m.passport?.number)).size).toBe(6);
    expect(makeMember().passport?.number).toBe('P1234567');
    expect(duplicatePersonViolations(six)).toEqual([]);
  });
});

describe('memberTripViolations (the dry run and submission run A08’s check)', () => {
  it('names members[i] with FREQUENCY_EXCEEDED from the recorded trips of its person key, as checkMemberFrequency does', () => {
    const facts = makeFacts({
      departureDate: '2027-03-15',
      returnDate: '2027-03-19',
      members: makeMembers(2, (i) => ({ rank: i === 1 ? 'bureau' : 'staff' })),
    });
    const key = personKey(facts, facts.members[1]!);
    const history = new Map([
      [
        key,
        [
          { departureDate: '2026-05-01', returnDate: '2026-05-05', caseId: 'a' },
          { departureDate: '2026-09-01', returnDate: '2026-09-04', caseId: 'b' },
        ],
      ],
    ]);
    const out = memberTripViolations(facts, history);
    expect(out.map((v) => [v.code, v.field])).toEqual([['FREQUENCY_EXCEEDED', 'members[1]']]);
    expect(out[0]!.message.zh).toContain('24个月内已出访2次，限1次');
    expect(out).toEqual(
      checkMemberFrequency(
        facts.members[1]!,
        history.get(key)!.map((t) => ({ ...t, memberId: 'm2' })),
        facts,
      ),
    );
    expect(memberTripViolations(facts, new Map())).toEqual([]);
  });
});

describe('tripsOf: one person, one trip history, however the organizer entered them', () => {
  it('handed input: 张三 typed in one case (unit:name) and named by personId in the next → FREQUENCY_EXCEEDED; a case counted once', () => {
    const facts = makeFacts({
      unit: 'commerce',
      departureDate: '2027-03-15',
      returnDate: '2027-03-19',
      members: [makeMember({ id: 'm1', personId: 'P-c-1', name: '张三', rank: 'bureau' })],
    });
    const typedTrip = { departureDate: '2026-09-01', returnDate: '2026-09-04', caseId: 'typed' };
    const history = new Map([['commerce:张三', [typedTrip]]]);
    expect(memberTripViolations(facts, history).map((v) => [v.code, v.field])).toEqual([['FREQUENCY_EXCEEDED', 'members[0]']]);
    // One case under both keys is one trip.
    const both = new Map([
      ['commerce:张三', [typedTrip]],
      ['P-c-1', [typedTrip]],
    ]);
    expect(tripsOf(facts, facts.members[0]!, both)).toEqual([{ ...typedTrip, memberId: 'm1' }]);
    // Another unit's namesake is not this person.
    expect(memberTripViolations(facts, new Map([['trade:张三', [typedTrip]]]))).toEqual([]);
  });

  it('handed input: one passport number typed under other names in other units is this person’s history (openCaseKeys, as the overlap rule)', () => {
    const passport = { inCustody: false, number: 'E33333333', expiresOn: '2031-06-30' };
    const facts = makeFacts({
      unit: 'commerce',
      departureDate: '2027-03-15',
      returnDate: '2027-03-19',
      members: [makeMember({ id: 'm1', name: '孙七', rank: 'bureau', passport })],
    });
    const trip = (caseId: string, departureDate: string) => ({ departureDate, returnDate: departureDate, caseId });
    const history = new Map([
      [passportPersonKey('e3333 3333'), [trip('a', '2026-05-01'), trip('b', '2026-09-01')]],
      ['passport:E44444444', [trip('c', '2026-10-01')]],
    ]);
    const out = memberTripViolations(facts, history);
    expect(out.map((v) => [v.code, v.field])).toEqual([['FREQUENCY_EXCEEDED', 'members[0]']]);
    expect(out[0]!.message.zh).toContain('24个月内已出访2次，限1次');
    // The same for a roster person named by id who carries the passport.
    expect(tripsOf(facts, { ...facts.members[0]!, personId: 'P-c-7' }, history).map((t) => t.caseId)).toEqual(['a', 'b']);
  });
});

describe('departureHorizonViolations: a departure within two years of today (new-user trial: 2099 wedged the case)', () => {
  it('allows the last day of the horizon and refuses the day after, and 2099, naming departureDate', () => {
    expect(MAX_DEPARTURE_AHEAD_DAYS).toBe(730);
    expect(departureHorizonViolations({ departureDate: '2028-11-30' }, '2026-12-01')).toEqual([]);
    for (const departureDate of ['2028-12-01', '2099-09-15'])
      expect(departureHorizonViolations({ departureDate }, '2026-12-01')).toEqual([
        expect.objectContaining({ code: 'DEPARTURE_TOO_FAR', field: 'departureDate', details: { departureDate, latest: '2028-11-30' } }),
      ]);
  });
});

describe('isStatedReason: a required reason says something', () => {
  it('refuses punctuation, a single word character and a stance alone; takes a stance with its grounds', () => {
    for (const text of [
      '。',
      '…!',
      '无',
      'a',
      '同意',
      '同意。',
      '同意同意',
      '原则同意！',
      '不同意',
      '退回修改',
      '驳回',
      '已阅',
      'Approved.',
      'OK',
      'ok!',
      'N/A',
      'No',
      // Trial 70: more stances, and the action itself restated.
      'reject',
      'Return',
      '拒绝',
      '不予同意',
      '好的',
      '同上',
      '撤回',
      '遗失',
      '挂失',
      'Cancelled.',
      // Trial 71: more of both, and full-width letters.
      '不通过',
      '不予通过',
      '不合格',
      '已退回',
      '终止',
      '延长',
      '丢失',
      'ＷＩＴＨＤＲＡＷＮ',
      'ＬＯＳＴ',
      'Ｒｅｊｅｃｔ',
      'ＯＫ',
      // Trial 72: inflections of a stance or the action, letters or digits that say nothing, the frame of a reason.
      'extend',
      'Extended.',
      'withdrew',
      'Withdrawing',
      'was withdrawn',
      'lost it',
      'not approved',
      '已丢失',
      '丢失了',
      '已撤回',
      '已同意',
      '未通过',
      '审核不通过',
      '原因：无',
      '理由同上',
      'aa',
      'xxx',
      '11',
      '2027',
      'ok ok',
      // Trial 73: spaced, traditional, the action with what it is done to, no grounds.
      '丢失了护照',
      '已 撤 回',
      '已挂 失',
      '撤銷',
      '护照已挂失',
      '护照挂失',
      'passport lost',
      '注销护照',
      '护照作废',
      'passport cancelled',
      '暂停申报',
      '取消出访',
      '延长期限',
      'extend deadline',
      '提出异议',
      '申请撤回此案',
      '不同意出访',
      '不符合规定',
      '因故取消',
      '因故',
      '其他原因',
      '按规定办理',
      '不清楚',
      '见附件',
      'nothing',
      // Trial 74: more of the same kinds.
      'see attachment',
      'see attached',
      '按照规定办理',
      '根据规定',
      '依规办理',
      '特殊原因',
      '有关原因',
      '相关原因',
      '原因不明',
      '不详',
      '暂无理由',
      '如题',
      '同上所述',
      'TBD',
      'asdf',
      '另行通知',
      '没有',
      'suspension',
      '丢了',
      '护照丢了',
      '弄丢了',
      '不见了',
      '找不到了',
      '撤了',
      '不去了',
      '放弃出访',
      '不办了',
      '停办',
      '作罢',
      // Trial 78: formulas (patched('reason-boilerplate')).
      '同意：材料齐全，符合规定',
      '材料齐全',
      '手续完备，符合要求',
      '情况属实',
      '待定',
      '暂不出访',
      '同意上报',
      '请领导批示',
      'pending',
      'documents complete',
      'complies with requirements',
      // Trial 80.
      '同意。请按程序办理。',
      '同意。材料齐全，符合有关规定，请按程序办理。',
      // Trial 83: requests naming no fault and rows of letters (patched('reason-vague')).
      'ａｂｃｄ ｅｆｇｈ',
      'abcd efgh',
      '请修改',
      '请补充材料',
      '有误，请重新填写',
      '请重新办理',
      'please fix',
      'wrong',
      'qwerty zxcv',
      'lkjh',
      // Trial 84.
      '请修改一下',
      '麻烦修改一下',
      '请尽快修改',
      '请调整',
      'nope',
    ])
      expect([text, isStatedReason(text)]).toEqual([text, false]);
    for (const text of [
      // What the request is about still counts (trial 83's rule).
      '请修改预算表住宿标准',
      '请调整行程，缩短在美停留天数',
      '护照号码有误',
      '请补充邀请函译文',
      'fix the budget',
      '缺件',
      '无预算',
      '同意，应邀参加年度投资洽谈会',
      '退回：邀请函未译',
      'Approved: invited by the ministry',
      'no budget',
      '护照在机场遗失，已报警',
      '不通过：预算超标',
      '邀请方取消活动',
      '无票',
      '本团取消',
      '会议延期',
      'host postponed',
      'EU visa refused',
      'Встреча отменена',
      '护照在机场遗失，已报警',
      '不符合外事规定第三条：团组人数超限',
      '护照过期',
      '因病住院',
      'passport stolen in Paris',
      // Trial 74: terse real reasons stay taken.
      '签证被拒',
      '航班取消',
      '护照被盗',
      'ill',
      'no visa',
      '缺邀请函',
      '日程有变，会期推迟',
      '有关部门要求暂缓',
      // Trial 78: a formula beside grounds leaves the grounds.
      '材料齐全，邀请方为友好城市，计划编制时尚未收到邀请',
      // A test case's withdrawal says why: it was a test.
      '测试',
      '测试数据，误报',
      '暂不出访：邀请方推迟会议',
      'pending the ministry reply',
      'budget cut',
    ])
      expect([text, isStatedReason(text)]).toEqual([text, true]);
  });
});

describe('decisionReasonProblem: a rejection or a return gives its reason', () => {
  it('requires a non-blank comment for reject and return only', () => {
    expect(decisionReasonProblem('reject', undefined)).toMatchObject({ field: 'comment', rule: 'required' });
    expect(decisionReasonProblem('return', '\u200B ')).toMatchObject({ field: 'comment', rule: 'blank' });
    expect(decisionReasonProblem('return', '预算超标')).toBeUndefined();
    expect(decisionReasonProblem('return', '退回。')).toMatchObject({ field: 'comment', rule: 'reason-words' });
    expect(decisionReasonProblem('approve', undefined)).toBeUndefined();
    expect(decisionReasonProblem('accept-with-deficiencies', undefined)).toBeUndefined();
  });
});

describe('openCaseOverlapViolations: one person, one trip at a time', () => {
  const facts = makeFacts({
    unit: 'commerce',
    departureDate: '2027-03-12',
    returnDate: '2027-03-19',
    members: [makeMember({ id: 'm1', name: '王五' }), makeMember({ id: 'm2', personId: 'P-c-2', name: '李四' })],
  });
  const other = (departureDate: string, returnDate: string, extra: Partial<OpenCaseTrip> = {}): OpenCaseTrip => ({
    caseId: 'case-a',
    status: 'open',
    personKey: 'P-c-2',
    departureDate,
    returnDate,
    title: '访美团',
    ...extra,
  });
  const fields = (others: OpenCaseTrip[], except?: string) =>
    openCaseOverlapViolations(facts, others, except).map((v) => [v.code, v.field]);

  it('handed input: 李四 on an open case 03-10..03-17, this trip departs 03-12 → MEMBER_ON_OPEN_CASE at members[1], naming the case', () => {
    const [v] = openCaseOverlapViolations(facts, [other('2027-03-10', '2027-03-17')]);
    expect([v!.code, v!.field]).toEqual(['MEMBER_ON_OPEN_CASE', 'members[1]']);
    expect(v!.message.zh).toBe(
      '李四已在另一未结案件“访美团”（case-a，2027-03-10至2027-03-17）中，与本次出访期间重叠：同一人不能同时出访两次',
    );
    expect(v!.message.en).toMatch(/^Member 李四 is already on another open case “访美团” \(case-a, 2027-03-10 to 2027-03-17\)/);
    expect(v!.details).toEqual({
      memberId: 'm2',
      departureDate: '2027-03-10',
      returnDate: '2027-03-17',
      caseId: 'case-a',
      title: '访美团',
    });
  });

  it('overlap is inclusive on days: the other trip returning on this departure day, or departing on this return day, overlaps', () => {
    expect(fields([other('2027-03-01', '2027-03-12')])).toEqual([['MEMBER_ON_OPEN_CASE', 'members[1]']]);
    expect(fields([other('2027-03-19', '2027-03-25')])).toEqual([['MEMBER_ON_OPEN_CASE', 'members[1]']]);
    expect(fields([other('2027-03-12', '2027-03-19')])).toEqual([['MEMBER_ON_OPEN_CASE', 'members[1]']]);
  });

  it('adjacent days do not overlap: back the day before this departure, or leaving the day after this return', () => {
    expect(fields([other('2027-03-01', '2027-03-11'), other('2027-03-20', '2027-03-25', { caseId: 'case-c' })])).toEqual([]);
  });

  it('a closed case holds no one (completed, rejected, withdrawn, cancelled); a departed one does', () => {
    for (const status of ['completed', 'rejected', 'withdrawn', 'cancelled', 'failed', 'terminated'] as const)
      expect(fields([other('2027-03-10', '2027-03-17', { status })])).toEqual([]);
    expect(fields([other('2027-03-10', '2027-03-17', { status: 'departed' })])).toEqual([['MEMBER_ON_OPEN_CASE', 'members[1]']]);
  });

  it('an amendment of a case does not count the case itself', () => {
    expect(fields([other('2027-03-10', '2027-03-17')], 'case-a')).toEqual([]);
    expect(fields([other('2027-03-10', '2027-03-17'), other('2027-03-18', '2027-03-18', { caseId: 'case-b' })], 'case-a')).toEqual([
      ['MEMBER_ON_OPEN_CASE', 'members[1]'],
    ]);
  });

  it('the same person keys as the frequency rule: a typed entry (unit + name) of a roster person is that person; another unit’s namesake is not', () => {
    expect(fields([other('2027-03-10', '2027-03-17', { personKey: 'commerce:李四' })])).toEqual([['MEMBER_ON_OPEN_CASE', 'members[1]']]);
    expect(fields([other('2027-03-10', '2027-03-17', { personKey: 'commerce:王五' })])).toEqual([['MEMBER_ON_OPEN_CASE', 'members[0]']]);
    expect(fields([other('2027-03-10', '2027-03-17', { personKey: 'culture:王五' })])).toEqual([]);
  });

  it('third trial: a typed member is also keyed by the passport number (openCaseKeys), however it is typed, in any unit, under any name', () => {
    const typed = makeFacts({
      unit: 'culture',
      departureDate: '2027-03-12',
      returnDate: '2027-03-19',
      members: [makeMember({ id: 'm1', name: '王伍', passport: { inCustody: false, number: 'e 1234567' } })],
    });
    expect(openCaseKeys(typed, typed.members[0]!)).toContain(passportPersonKey('E1234567'));
    const held = (personKey: string) => openCaseOverlapViolations(typed, [other('2027-03-10', '2027-03-17', { personKey })]);
    // The other case's member: commerce's 王五 with passport E1234567 (its keys: passport:E1234567, commerce:王五).
    expect(held(passportPersonKey('E 1234567')).map((v) => [v.code, v.field])).toEqual([['MEMBER_ON_OPEN_CASE', 'members[0]']]);
    expect(held(passportPersonKey('E7654321'))).toEqual([]);
    // Without a passport number, unit + name is all a typed member carries; a person id comes first.
    expect(openCaseKeys({ unit: 'culture' }, { name: '王伍', passport: null })).toEqual(['culture:王伍']);
    expect(openCaseKeys({ unit: 'culture' }, { personId: 'P-9', name: '王伍', passport: { inCustody: true, number: 'E1234567' } })[0]).toBe(
      'P-9',
    );
  });

  it('a case the caller may not see is not named: only that the person is on another open trip, and its dates', () => {
    const [v] = openCaseOverlapViolations(facts, [other('2027-03-10', '2027-03-17', { title: undefined })]);
    expect(v!.message).toEqual({
      zh: '李四已在另一未结出访（2027-03-10至2027-03-17）中，与本次出访期间重叠：同一人不能同时出访两次',
      en: 'Member 李四 is already on another open trip (2027-03-10 to 2027-03-17), which overlaps this trip: one person cannot be on two trips at once',
    });
    expect(v!.details).toEqual({ memberId: 'm2', departureDate: '2027-03-10', returnDate: '2027-03-17' });
    expect(JSON.stringify(v)).not.toContain('case-a');
  });
});

describe('destinations this chain does not take (unknownCountryMessage)', () => {
  it('says why for Hong Kong, Macao, Taiwan and China (third trial: TW read 未知国家代码 TW), unknown otherwise', () => {
    for (const code of ['HK', 'MO', 'TW']) {
      const facts = makeFacts({ destinations: [{ ...makeFacts().destinations[0]!, country: code }] });
      const v = checkTripRules(facts).find((x) => x.code === 'UNKNOWN_COUNTRY')!;
      expect(v.field).toBe('destinations[0].country');
      expect(v.message.zh).toContain('不属出国审批');
      expect(v.message.en).toContain('not a trip abroad');
    }
    expect(unknownCountryMessage('CN').en).toBe('China (CN) is home, not a destination');
    expect(unknownCountryMessage('XX')).toEqual({ zh: '未知国家代码 XX', en: 'Unknown country code XX' });
  });
});

describe('departureNotYetFor (thirty-ninth trial: E07 offered in the inbox before the departure date)', () => {
  const steps = [
    { code: 'E06', behaviour: {} },
    { code: 'E07', behaviour: { certifies: { event: 'departure' } } },
    { code: 'P01', behaviour: { certifies: { event: 'return' } } },
  ];
  it('refuses the departure’s confirmation before its day, naming the date and today, and nothing else', () => {
    expect(departureNotYetFor(steps, 'E07', '2027-03-15', '2027-03-14')).toEqual({
      code: 'NOT_BEFORE_DATE',
      message: {
        zh: 'E07 确认出发不能早于 2027-03-15（今天是 2027-03-14，北京时间）',
        en: 'E07 cannot confirm the departure before 2027-03-15 (today is 2027-03-14, Asia/Shanghai)',
      },
    });
    // On the day and after: allowed (after the return date DEPARTURE_PASSED is the rule that answers).
    expect(departureNotYetFor(steps, 'E07', '2027-03-15', '2027-03-15')).toBeUndefined();
    expect(departureNotYetFor(steps, 'E07', '2027-03-15', '2027-04-01')).toBeUndefined();
    // Other steps, the return's registration (an early return is registered with its date), unknown codes, bad dates.
    for (const code of ['E06', 'P01', 'X99']) expect(departureNotYetFor(steps, code, '2027-03-15', '2027-03-14')).toBeUndefined();
    expect(departureNotYetFor(steps, 'E07', 'soon', '2027-03-14')).toBeUndefined();
  });
});
