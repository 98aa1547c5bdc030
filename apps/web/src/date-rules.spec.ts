import { describe, expect, it } from '@jest/globals';
import { effectiveFromErrors, neededByErrors, shanghaiToday } from './date-rules';
import { tripDateErrors } from './trip-date-rules';

const TODAY = '2026-11-30';

describe('date rules refused as typed (the domain functions the API runs)', () => {
  it('today in Asia/Shanghai: 16:00 UTC is already the next day', () => {
    expect(shanghaiToday(Date.parse('2026-11-30T15:59:59Z'))).toBe('2026-11-30');
    expect(shanghaiToday(Date.parse('2026-11-30T16:00:00Z'))).toBe('2026-12-01');
  });

  it('the handed input: an APEC card needed-by day in the past (and today) is refused at neededBy', () => {
    expect(neededByErrors('2026-11-01', TODAY)).toEqual([
      { field: 'neededBy', rule: 'future-date', message: { zh: '须晚于今天（北京时间）', en: 'Must be after today (Asia/Shanghai)' } },
    ]);
    expect(neededByErrors(TODAY, TODAY)).toHaveLength(1);
    expect(neededByErrors('2026-12-01', TODAY)).toEqual([]);
    expect(neededByErrors('', TODAY)).toEqual([]);
  });

  it('whitelist criteria from a past day are refused at effectiveFrom; today, later or blank pass', () => {
    expect(effectiveFromErrors('2026-11-29', TODAY).map((e) => [e.field, e.rule])).toEqual([['effectiveFrom', 'not-past']]);
    expect([...effectiveFromErrors(TODAY, TODAY), ...effectiveFromErrors('', TODAY), ...effectiveFromErrors(undefined, TODAY)]).toEqual([]);
  });

  it('a departure today or in the past is refused at departureDate, in the domain words', () => {
    const [e, ...rest] = tripDateErrors({ departureDate: '2026-11-01' }, TODAY);
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ field: 'departureDate', rule: 'DEPARTURE_NOT_FUTURE' });
    expect(e!.message.zh).toContain('出发日期须晚于今天');
    expect(tripDateErrors({ departureDate: TODAY }, TODAY).map((x) => x.field)).toEqual(['departureDate']);
    expect(tripDateErrors({ departureDate: '2026-12-20' }, TODAY)).toEqual([]);
  });

  it('an amendment keeping its (now past) departure is not refused for it', () => {
    expect(tripDateErrors({ departureDate: '2026-11-01', returnDate: '2026-11-05' }, TODAY, '2026-11-01')).toEqual([]);
  });

  it('a return before the departure is refused at returnDate; the same day passes', () => {
    expect(tripDateErrors({ departureDate: '2026-12-20', returnDate: '2026-12-19' }, TODAY).map((e) => [e.field, e.rule])).toEqual([
      ['returnDate', 'INVALID_DATES'],
    ]);
    expect(tripDateErrors({ departureDate: '2026-12-20', returnDate: '2026-12-20' }, TODAY)).toEqual([]);
  });

  it("a stop's day outside the trip is refused at that day, naming the side and the trip's days (trial 61); both outside, at both; an untyped stop is left to the schema", () => {
    const trip = { departureDate: '2026-12-20', returnDate: '2026-12-24' };
    const errors = tripDateErrors(
      {
        ...trip,
        destinations: [
          { country: 'JP', arrive: '2026-12-20', leave: '2026-12-22' },
          { country: 'KR', arrive: '2026-12-22', leave: '2026-12-26' },
          { country: 'SG', arrive: '', leave: '' },
        ],
      },
      TODAY,
    );
    expect(errors.map((e) => [e.field, e.rule, e.message.zh])).toEqual([
      [
        'destinations[1].leave',
        'DESTINATION_OUTSIDE_TRIP',
        '第2站的离开日期（2026-12-26）晚于回国日期（2026-12-24）：各站须在出访期间（2026-12-20 至 2026-12-24）内',
      ],
    ]);
    const early = tripDateErrors({ ...trip, destinations: [{ country: 'JP', arrive: '2026-12-18', leave: '2026-12-22' }] }, TODAY);
    expect(early.map((e) => [e.field, e.message.en])).toEqual([
      [
        'destinations[0].arrive',
        'Stop 1 arrives (2026-12-18) before the departure (2026-12-20): every stop is within the trip (2026-12-20 to 2026-12-24)',
      ],
    ]);
    const both = tripDateErrors({ ...trip, destinations: [{ country: 'JP', arrive: '2026-12-25', leave: '2026-12-27' }] }, TODAY);
    expect(both.map((e) => [e.field, e.message.zh])).toEqual(
      ['arrive', 'leave'].map((f) => [
        `destinations[0].${f}`,
        '第1站的抵离日期（2026-12-25 至 2026-12-27）不在出访期间（2026-12-20 至 2026-12-24）内',
      ]),
    );
  });

  it("a stop that leaves before it arrives is refused at its leave day, in those words (second trial: it read 'outside the trip')", () => {
    const errors = tripDateErrors(
      {
        departureDate: '2026-12-20',
        returnDate: '2026-12-24',
        destinations: [{ country: 'JP', arrive: '2026-12-22', leave: '2026-12-21' }],
      },
      TODAY,
    );
    expect(errors.map((e) => [e.field, e.rule, e.message.zh])).toEqual([
      ['destinations[0].leave', 'INVALID_DATES', '第1站的离开日期（2026-12-21）早于抵达日期（2026-12-22）'],
    ]);
  });

  it('stops in two countries sharing days are refused at the later stop’s arrival (LEGS_OVERLAP); a same-day transfer passes', () => {
    const trip = (caArrive: string) =>
      tripDateErrors(
        {
          departureDate: '2027-03-01',
          returnDate: '2027-03-08',
          destinations: [
            { country: 'US', arrive: '2027-03-01', leave: '2027-03-05' },
            { country: 'CA', arrive: caArrive, leave: '2027-03-08' },
          ],
        },
        TODAY,
      );
    expect(trip('2027-03-03').map((e) => [e.field, e.rule])).toEqual([['destinations[1].arrive', 'LEGS_OVERLAP']]);
    expect(trip('2027-03-05')).toEqual([]);
  });

  it('one city listed twice on the same days is refused too (trial 83); two cities of one country are not', () => {
    const trip = (city: string) =>
      tripDateErrors(
        {
          departureDate: '2027-03-01',
          returnDate: '2027-03-08',
          destinations: [
            { country: 'US', city: 'Houston', arrive: '2027-03-01', leave: '2027-03-05' },
            { country: 'US', city, arrive: '2027-03-01', leave: '2027-03-05' },
          ],
        },
        TODAY,
      );
    expect(trip('Houston').map((e) => [e.field, e.rule])).toEqual([['destinations[1].arrive', 'LEGS_OVERLAP']]);
    expect(trip('Dallas')).toEqual([]);
  });

  it('nothing is said while a day is missing or malformed', () => {
    expect(tripDateErrors({ departureDate: '2026-12-20', returnDate: '' }, TODAY)).toEqual([]);
    expect(tripDateErrors({ departureDate: '2026-12-2', returnDate: '2026-12-01' }, TODAY)).toEqual([]);
  });
});
