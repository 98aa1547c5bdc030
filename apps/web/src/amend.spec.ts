import { describe, expect, it } from '@jest/globals';
import { amendChanges, amendFields, memberNamesOnCase, newMemberIds, rosterOptionLabel, rosterPeopleOnCase, type Stop } from './amend';

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

  it('sends another city or inviter of a stop as a change of the stops (forty-seventh trial: the dialog changed no city)', () => {
    const dates = { departureDate: '2027-03-15', returnDate: '2027-03-19' };
    const same = stops.map((s) => ({ arrive: s.arrive, leave: s.leave, city: s.city, inviter: { ...s.inviter! } }));
    expect(amendChanges({ ...dates, destinations: same }, stops)).toEqual(dates);
    const dallas = [{ ...same[0]!, city: ' Dallas ', inviter: { name: 'Bob Smith', organization: 'Dallas Regional Chamber' } }, same[1]!];
    expect(amendChanges({ ...dates, destinations: dallas }, stops)).toEqual({
      ...dates,
      destinations: [
        { ...stops[0], city: 'Dallas', inviter: { name: 'Bob Smith', organization: 'Dallas Regional Chamber' } },
        { ...stops[1] },
      ],
    });
    // A field emptied keeps the case's (the API requires a city and an inviter).
    expect(amendChanges({ ...dates, destinations: [{ ...same[0]!, city: '  ' }, same[1]!] }, stops)).toEqual(dates);
  });

  it("shows a refusal at the field it names: the dates, a stop's day, a whole stop at both its days", () => {
    expect(amendFields('changes.departureDate')).toEqual(['departureDate']);
    // A stop's city and inviter, edited beside its days (trial 49: their refusals read only "1 error").
    expect(amendFields('changes.destinations[0].city')).toEqual([['destinations', 0, 'city']]);
    expect(amendFields('changes.destinations[1].inviter.name')).toEqual([['destinations', 1, 'inviter', 'name']]);
    expect(amendFields('changes.destinations[0].inviter.organization')).toEqual([['destinations', 0, 'inviter', 'organization']]);
    expect(amendFields('changes.returnDate')).toEqual(['returnDate']);
    expect(amendFields('changes.destinations[1].arrive')).toEqual([['destinations', 1, 'arrive']]);
    expect(amendFields('changes.destinations[0]')).toEqual([
      ['destinations', 0, 'arrive'],
      ['destinations', 0, 'leave'],
    ]);
    // Typed checks name the fields without the prefix.
    expect(amendFields('destinations[0].leave')).toEqual([['destinations', 0, 'leave']]);
    expect(amendFields('changes.members[0].name', 1)).toEqual(['keep']);
    expect(amendFields('changes.members[2]', 2)).toEqual(['add']);
    expect(amendFields('changes.members', 2)).toEqual(['keep']);
    expect(amendFields('changes.title')).toEqual([]);
    expect(amendFields(undefined)).toEqual([]);
  });

  it('人员变更: keeps members by id, adds roster people under ids the case never used, and sends no members while none changed', () => {
    const dates = { departureDate: '2027-03-14', returnDate: '2027-03-19' };
    const members = { current: [{ id: 'm1' }, { id: 'm3' }], used: new Set(['m1', 'm2', 'm3']) };
    expect(amendChanges({ ...dates, keep: ['m1', 'm3'], add: [] }, stops, members)).toEqual(dates);
    expect(amendChanges(dates, stops, members)).toEqual(dates);
    expect(amendChanges({ ...dates, keep: ['m3'], add: ['P-1', 'P-2'] }, stops, members)).toEqual({
      ...dates,
      members: [{ id: 'm3' }, { id: 'm4', personId: 'P-1' }, { id: 'm5', personId: 'P-2' }],
    });
    expect(amendChanges({ ...dates, keep: ['m1'] }, stops, members)).toEqual({ ...dates, members: [{ id: 'm1' }] });
    expect(newMemberIds(new Set(['m2']), 2)).toEqual(['m1', 'm3']);
  });
});

describe('the roster picker of the amendment dialog (人员变更)', () => {
  const roster = [
    { personId: 'P-lisi', name: '李四' },
    { personId: 'P-wangwu', name: '王五' },
    { personId: 'P-zhaoliu', name: '赵六' },
  ];
  it('handed input: a person already on the case (by person id, or typed under their name) is not offered; the others are', () => {
    const members = [
      { id: 'm1', name: '张三-typed' },
      { id: 'm2', name: '李四', personId: 'P-lisi' },
      { id: 'm3', name: '王 五' },
    ];
    expect([...rosterPeopleOnCase(members, roster)].sort()).toEqual(['P-lisi', 'P-wangwu']);
  });
  it('a member named by another person id is another person, even of the same name', () => {
    expect(rosterPeopleOnCase([{ id: 'm1', name: '赵六', personId: 'P-other' }], roster)).toEqual(new Set());
  });
});

describe('a roster person in the member pickers (trial 79: two 王五 read alike)', () => {
  it('names the person id beside a name another person of the list shares', () => {
    const roster = [
      { personId: 'P-c-1', name: '王五', position: '科员' },
      { personId: 'P-c-2', name: '王 五', position: '科员' },
      { personId: 'P-c-3', name: '李四' },
    ];
    expect(roster.map((p) => rosterOptionLabel(p, roster))).toEqual(['王五（科员） · P-c-1', '王 五（科员） · P-c-2', '李四']);
  });
});

describe("a case's members", () => {
  it('tell namesakes apart by person id, or by member id when typed (trial 81: 成员：赵六、赵六)', () => {
    const members = [
      { id: 'm1', name: '赵六', personId: 'P-c-1' },
      { id: 'm2', name: '赵 六' },
      { id: 'm3', name: '李四', personId: 'P-c-3' },
    ];
    expect(memberNamesOnCase(members, 'zh')).toEqual(['赵六（P-c-1）', '赵 六（m2）', '李四']);
    expect(memberNamesOnCase(members, 'en')).toEqual(['赵六 (P-c-1)', '赵 六 (m2)', '李四']);
    expect(memberNamesOnCase([{ id: 'm1', name: '赵六' }], 'zh')).toEqual(['赵六']);
  });
});
