import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_DEFINITION,
  addDays,
  chineseCalendar,
  fixturePassportNumber,
  makeFacts,
  shanghaiDate,
  type CaseFacts,
  type Member,
  type RegisteredUnit,
} from '@df/domain';
import type { Actor, DelegationInput } from '@df/contracts';

/** Monday 2026-03-02 09:00 Shanghai: with a time scale, case time starts here (no holiday for weeks). */
export const CASE_EPOCH = '2026-03-02T01:00:00.000Z';

const PASSPORT_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/**
 * A passport number no other test's member carries (SE and 7 random capitals or digits, as long as the example's
 * SE1234567, so it is masked as SE****…): one passport is one person (openCaseKeys).
 */
export const uniquePassportNumber = (): string => `SE${Array.from(randomBytes(7), (b) => PASSPORT_CHARS[b % 36]).join('')}`;

/**
 * The members with a passport number of their own where they carry the fixtures' (fixturePassportNumber: every case's
 * m1 holds P1234567): one passport is one person to the overlap and the frequency rules (openCaseKeys), and the run's
 * cases share one database, so a case's m1 would meet every other case's m1 (A08: 12个月内已出访1次). A number a test
 * gave is kept.
 */
export function ownPassports(members: readonly Member[]): Member[] {
  return members.map((m) =>
    m.passport && m.passport.number === fixturePassportNumber(m.id)
      ? { ...m, passport: { ...m.passport, number: uniquePassportNumber() } }
      : m,
  );
}

export function actor(role: Actor['role'], unit: string): Actor {
  return { id: `${role}.${unit}`, role, unit };
}

/**
 * Trip dates for a submission made now (real time) that a case driven with a time scale reaches within the test: the
 * departure the day after the canonical 15.5 WD, the 2 WD at-risk threshold and `marginWd` from now (Asia/Shanghai),
 * the return 4 days later. E07 and P01 certify those dates and wait for them (issue 11 item 5); the plan is not at risk.
 */
export function soonTripDates(marginWd = 6, now = Date.now()): { departureDate: string; returnDate: string } {
  const departureDate = addDays(shanghaiDate(chineseCalendar().addWorkingDays(now, 15.5 + 2 + marginWd)), 1);
  return { departureDate, returnDate: addDays(departureDate, 4) };
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DAY = 86_400_000;

/**
 * With a time scale, the departure date: the day after the canonical trip's 15.5 working days from CASE_EPOCH
 * are done (Monday 2026-03-23 afternoon), so a driven case can confirm its departure (E07 certifies it and waits
 * for the day, issue 11 item 5) within a test's minutes.
 */
export const SCALED_DEPARTURE = '2026-03-24';

/**
 * A case input: the brief's canonical US trip unless overridden, in a unit of the test's own.
 * With a time scale, case time starts at CASE_EPOCH (departure SCALED_DEPARTURE); in real time the
 * case is submitted now and departs in about three months.
 */
export function caseInput(overrides: { facts?: Partial<CaseFacts>; workingDaySeconds?: number; unit?: string } = {}): DelegationInput {
  const unit = overrides.unit ?? `unit-${randomUUID().slice(0, 8)}`;
  const submittedAt = overrides.workingDaySeconds ? CASE_EPOCH : new Date().toISOString();
  const departure = overrides.workingDaySeconds ? Date.parse(SCALED_DEPARTURE) : Date.parse(isoDay(Date.now() + 90 * DAY));
  const dates = { departureDate: isoDay(departure), returnDate: isoDay(departure + 4 * DAY) };
  const destination = { ...makeFacts().destinations[0]!, arrive: dates.departureDate, leave: dates.returnDate };
  const facts = makeFacts({ unit, ...dates, destinations: [destination], ...overrides.facts });
  facts.members = ownPassports(facts.members);
  return {
    caseId: randomUUID(),
    facts,
    definition: DEFAULT_DEFINITION,
    submittedBy: actor('organizer', unit),
    submittedAt,
    ...(overrides.workingDaySeconds ? { workingDaySeconds: overrides.workingDaySeconds } : {}),
  };
}

/**
 * A test unit's names: the base with the unit's code beside (`测试企业ent-3f2a…` / `Test Co. ent-3f2a…`), so no two
 * units the suite registers in its one database share a name (unitReferenceProblems, rule `unique-name`).
 */
export function fixtureUnitNames(code: string, zh = '测试单位', en = 'Test unit'): { zh: string; en: string } {
  return { zh: `${zh}${code}`, en: `${en} ${code}` };
}

/** An active registered unit with no parent, supervising department, clerks or signatories: an enterprise of the APEC tests. */
export function enterpriseUnit(code: string, name: { zh: string; en: string }): RegisteredUnit {
  return {
    code,
    nameZh: name.zh,
    nameEn: name.en,
    parentCode: null,
    supervisingDepartment: null,
    clerks: [],
    signatories: [],
    status: 'active',
    suspendedReason: null,
  };
}

/**
 * The years uniqueBirthDate draws from: ages 67 to 95 today (a roster takes 16 to 100: birthDateProblems), and before
 * 1960, so no hand-written date of birth in a test (1960 or later; factories.spec.ts holds them to it) can be one a
 * random call took (CI of d9f12b5: registries.test's 李四 born '1975-03-03' met apec.test's random 李四 on that day).
 */
export const RANDOM_BIRTH_YEARS = { from: new Date().getUTCFullYear() - 95, to: 1959 } as const;

/**
 * A date of birth in RANDOM_BIRTH_YEARS no other call in the run gave: the rosters take one person once (name, gender
 * and birth date: personIdentityKey), and the tests register many a 张三 on many units' rosters in one database. The
 * test files run in parallel processes, so a date is claimed by creating its file in the run's claims directory
 * (global setup's DF_TEST_CLAIMS_DIR; the first to create it owns it); a random start per file was not enough (CI of
 * df1c7ed met two files' 张三 on one date).
 */
export function uniqueBirthDate(): string {
  const claims = process.env.DF_TEST_CLAIMS_DIR;
  if (!claims) throw new Error('uniqueBirthDate: DF_TEST_CLAIMS_DIR is unset (a project without the global setup)');
  const from = Date.UTC(RANDOM_BIRTH_YEARS.from, 0, 1);
  const days = (Date.UTC(RANDOM_BIRTH_YEARS.to + 1, 0, 1) - from) / 86_400_000;
  for (let tries = 0; tries < 1_000; tries++) {
    const date = new Date(from + randomInt(days) * 86_400_000).toISOString().slice(0, 10);
    try {
      writeFileSync(join(claims, date), '', { flag: 'wx' });
      return date;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error('uniqueBirthDate: no free date of birth after 1,000 tries');
}
