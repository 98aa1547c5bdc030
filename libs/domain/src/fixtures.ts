import type { CaseFacts, Destination, Member } from './facts';

/**
 * Small factories for tests and demos (exported so API/workflow tests build cases the same way).
 * Defaults: the brief's canonical case, one member with a valid passport in custody going to the US.
 */
export function makeMember(overrides: Partial<Member> = {}): Member {
  const id = overrides.id ?? 'm1';
  return {
    id,
    name: '张三',
    position: '处长',
    rank: 'division',
    partyMember: false,
    classifiedAccess: false,
    leadershipTeam: null,
    passport: { inCustody: true, number: fixturePassportNumber(id), expiresOn: '2031-12-31' },
    ...overrides,
  };
}

/**
 * A member's passport number by its case-local id, so members m1, m2, ... are different people (one passport is
 * one person: duplicatePersonViolations): P1234567 for m1, P1234568 for m2; another id by its characters.
 */
export function fixturePassportNumber(id: string): string {
  const n = /^m(\d+)$/.exec(id) ? Number(id.slice(1)) : [...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_000, 7) + 1_000;
  return `P${1234566 + n}`;
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
