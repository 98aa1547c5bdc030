import { describe, expect, it } from '@jest/globals';
import { amendChanges, amendFields, type Stop } from './amend';

const stops: Stop[] = [
  { country: 'US', city: 'Houston', arrive: '2027-03-15', leave: '2027-03-17', inviter: { name: 'Jane Roe', organization: 'GHP' } },
  {
    country: 'CA',
    city: 'Toronto',
    arrive: '2027-03-17',
    leave: '2027-03-19',
    inviter: { name: 'John Doe', organization: 'TRBOT' },
    transit: 'airside',
  },
];

describe('the amendment dialog (变更)', () => {
  it('sends the dates alone while no stop changes', () => {
    const days = stops.map((s) => ({ arrive: s.arrive, leave: s.leave }));
    expect(amendChanges({ departureDate: '2027-03-14', returnDate: '2027-03-19', destinations: days }, stops)).toEqual({
      departureDate: '2027-03-14',
      returnDate: '2027-03-19',
    });
  });

  it("sends every stop, as the case holds it, once one stop's day changed", () => {
    const days = [
      { arrive: '2027-03-20', leave: '2027-03-22' },
      { arrive: '2027-03-22', leave: '2027-03-24' },
    ];
    expect(amendChanges({ departureDate: '2027-03-20', returnDate: '2027-03-24', destinations: days }, stops)).toEqual({
      departureDate: '2027-03-20',
      returnDate: '2027-03-24',
      destinations: [
        { ...stops[0], arrive: '2027-03-20', leave: '2027-03-22' },
        { ...stops[1], arrive: '2027-03-22', leave: '2027-03-24' },
      ],
    });
  });

  it("shows a refusal at the field it names: the dates, a stop's day, a whole stop at both its days", () => {
    expect(amendFields('changes.departureDate')).toEqual(['departureDate']);
    expect(amendFields('changes.returnDate')).toEqual(['returnDate']);
    expect(amendFields('changes.destinations[1].arrive')).toEqual([['destinations', 1, 'arrive']]);
    expect(amendFields('changes.destinations[0]')).toEqual([
      ['destinations', 0, 'arrive'],
      ['destinations', 0, 'leave'],
    ]);
    // Typed checks name the fields without the prefix.
    expect(amendFields('destinations[0].leave')).toEqual([['destinations', 0, 'leave']]);
    expect(amendFields('changes.members[0].name')).toEqual([]);
    expect(amendFields(undefined)).toEqual([]);
  });
});
