// Trips the benchmark submits: the canonical 1-member US trip and a 6-member, 3-country one.
import { randomUUID } from 'node:crypto';
import { chineseCalendar, dayNumber, makeDestination, makeMembers, shanghaiDate, type CaseFacts } from '@df/domain';

const DAY = 86_400_000;
const isoDay = (ms: number): string => shanghaiDate(ms);

/**
 * A submission body (the API's DelegationSubmission). Departure a year ahead by default: with a time scale the
 * case clock runs fast, and the plan should stay meaningful for the whole run. Cases driven to their close
 * depart sooner (soonDepartureDays): E07 and P01 wait for the real-world departure and return dates.
 */
export function tripSubmission(unit: string, shape: { members: number; countries: string[] }, departureInDays = 365): CaseFacts {
  const depart = Date.now() + departureInDays * DAY;
  const legDays = 3;
  const destinations = shape.countries.map((country, i) =>
    makeDestination({
      country,
      city: `${country} city`,
      arrive: isoDay(depart + i * legDays * DAY),
      leave: isoDay(depart + (i + 1) * legDays * DAY),
      inviter: { name: 'Jane Roe', organization: `${country} Chamber of Commerce` },
    }),
  );
  // Half the members are Party members; every other one needs a new passport (more steps per member).
  // Each a new person, by id and by name: the trip-frequency rule (A08) would block the same people travelling case
  // after case, and it also counts the trips recorded under a person's unit and name (historyKeys: the board section
  // seeds typed 成员1… of every unit, and the year section's 成员1 was refused FREQUENCY_EXCEEDED for them).
  const members = makeMembers(shape.members, (i) => ({
    personId: `bench-${randomUUID()}`,
    name: `成员${i + 1}·${randomUUID().slice(0, 6)}`,
    partyMember: i % 2 === 0,
    // A number of their own too: one passport is one person (the open-case rule keys a member by it, openCaseKeys).
    passport:
      i % 2 === 1
        ? null
        : { inCustody: true, number: `SE${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`, expiresOn: '2031-06-30' },
  }));
  return {
    title: shape.members === 1 ? '经贸代表团访美（基准）' : `经贸代表团（基准，${shape.members}人${shape.countries.length}国）`,
    unit,
    purpose: 'investment-promotion',
    departureDate: destinations[0]!.arrive,
    returnDate: destinations.at(-1)!.leave,
    destinations,
    members,
    jointDelegation: false,
    supervisingDepartment: null,
  };
}

/**
 * Calendar days from today (Asia/Shanghai) to a departure a driven case reaches within the run: the day after the
 * canonical 15.5 WD, the 2 WD at-risk threshold and `marginWd` (load) from now. At the default 0.5 s per working
 * day that is about 14 s of case time; a case that gets to E07 earlier waits for the date (409 NOT_BEFORE_DATE).
 */
export function soonDepartureDays(marginWd = 10, now = Date.now()): number {
  return dayNumber(shanghaiDate(chineseCalendar().addWorkingDays(now, 15.5 + 2 + marginWd))) - dayNumber(shanghaiDate(now)) + 1;
}

export const CANONICAL = { members: 1, countries: ['US'] };
export const SIX_BY_THREE = { members: 6, countries: ['US', 'CA', 'MX'] };
