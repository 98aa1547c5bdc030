import type { CaseFacts, Destination, Member } from './facts';

/**
 * Small factories for tests and demos (exported so API/workflow tests build cases the same way).
 * Defaults: the brief's canonical case, one member with a valid passport in custody going to the US.
 */
export function makeMember(overrides: Partial<Member> = {}): Member {
  return {
    id: 'm1',
    name: '张三',
    position: '处长',
    rank: 'division',
    partyMember: false,
    classifiedAccess: false,
    leadershipTeam: null,
    passport: { inCustody: true, number: 'P1234567', expiresOn: '2031-12-31' },
    ...overrides,
  };
}

export function makeDestination(overrides: Partial<Destination> = {}): Destination {
  return {
    country: 'US',
    city: 'New York',
    arrive: '2026-05-11',
    leave: '2026-05-15',
    inviter: { name: 'John Smith', organization: 'New York Chamber of Commerce' },
    ...overrides,
  };
}

export function makeFacts(overrides: Partial<CaseFacts> = {}): CaseFacts {
  return {
    title: '赴美经贸交流',
    unit: '市商务局',
    purpose: 'trade',
    departureDate: '2026-05-11',
    returnDate: '2026-05-15',
    destinations: [makeDestination()],
    members: [makeMember()],
    jointDelegation: false,
    supervisingDepartment: null,
    ...overrides,
  };
}

/** n members m1..mn with distinct leadership teams (null) and valid passports. */
export function makeMembers(n: number, overrides: (i: number) => Partial<Member> = () => ({})): Member[] {
  return Array.from({ length: n }, (_, i) => makeMember({ id: `m${i + 1}`, name: `成员${i + 1}`, ...overrides(i) }));
}
