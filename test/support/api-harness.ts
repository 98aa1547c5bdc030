import { randomUUID } from 'node:crypto';
import type AgentResponse from 'superagent/lib/node/response';
import type { INestApplication } from '@nestjs/common';
import bcrypt from 'bcryptjs';
import request from 'supertest';
import type { ServiceConfig } from '@df/runtime';
import { createApiApp } from '../../apps/api/src';
import { UNIT_ROLES, FAO_ROLES, type UserRole } from '../../apps/api/src/auth/access';
import { UsersService } from '../../apps/api/src/auth/users.service';
import { SUBMISSION_EXAMPLE } from '../../apps/api/src/delegations/schemas';
import { soonTripDates, uniqueBirthDate, uniquePassportNumber } from './factories';
import { testConfig } from './harness';

export const TEST_PASSWORD = 'test-password';

export interface TestApi {
  app: INestApplication;
  config: ServiceConfig;
  http: ReturnType<INestApplication['getHttpServer']>;
  close(): Promise<void>;
}

/** The API app (not listening; supertest drives it) on the suite's PostgreSQL and Temporal. */
export async function startTestApi(overrides: Partial<ServiceConfig> = {}): Promise<TestApi> {
  const config = testConfig({ jwtSecret: 'test-secret-0123456789-0123456789-abcdef', ...overrides });
  const app = await createApiApp(config);
  await app.init();
  return { app, config, http: app.getHttpServer(), close: () => app.close() };
}

/** A short unique suffix: units and usernames of one test file never collide with another's. */
/**
 * 8 hex characters, never in the shape of a passport number (1-2 letters and 7-8 digits, e.g. `c8123008`):
 * the masking of personal data would star it in every username and unit built from it.
 */
export const uniqueSuffix = (): string => {
  for (;;) {
    const s = randomUUID().slice(0, 8);
    if (!/^[a-z]{1,2}\d{6,8}$/.test(s)) return s;
  }
};

export interface TestUsers {
  unit: string;
  /** username by role: unit roles in `unit`, FAO roles, the manager and the admin in 'fao', the leader in 'city'. */
  usernames: Record<UserRole, string>;
  /** Bearer tokens by role. */
  tokens: Record<UserRole, string>;
}

/**
 * One user per role for a fresh unit (plus FAO/leader/manager users of this test), signed in. `enterprise`: the unit is
 * an APEC card enterprise, whose only unit role is the enterprise clerk (a unit with users of a government role is a
 * government unit, never registered as an enterprise: GOVERNMENT_UNIT_ROLES); its `tokens` hold no government role.
 */
export async function createTestUsers(
  api: TestApi,
  unit = `unit-${uniqueSuffix()}`,
  opts: { enterprise?: boolean } = {},
): Promise<TestUsers> {
  const users = api.app.get(UsersService);
  const passwordHash = await bcrypt.hash(TEST_PASSWORD, 4);
  const suffix = uniqueSuffix();
  const usernames = {} as Record<UserRole, string>;
  const tokens = {} as Record<UserRole, string>;
  const all: Array<[UserRole, string]> = [
    ...(opts.enterprise ? ['enterprise-clerk'] : UNIT_ROLES).map((r) => [r as UserRole, unit] as [UserRole, string]),
    ...[...FAO_ROLES, 'manager'].map((r) => [r as UserRole, 'fao'] as [UserRole, string]),
    ['leader', 'city'],
    ['admin', 'fao'],
  ];
  for (const [role, u] of all) {
    const username = u === unit ? `${role}.${unit}` : `${role}.${u}.${suffix}`;
    await users.upsert({ username, passwordHash, role, unit: u });
    usernames[role] = username;
    tokens[role] = await login(api, username);
  }
  return { unit, usernames, tokens };
}

/** Registers the test users' unit in the unit registry (as the FAO clerk, active, no parent): what roster rules need. */
export async function registerTestUnit(api: TestApi, users: TestUsers): Promise<void> {
  await request(api.http)
    .put(`/api/registries/units/${users.unit}`)
    .set(bearer(users.tokens['fao-clerk']))
    .send(testUnitBody(users))
    .expect(201);
}

/** The PUT body registerTestUnit sends for `users`' unit: active, no parent, one signatory. */
export const testUnitBody = (users: TestUsers) => ({
  nameZh: `测试单位${users.unit}`,
  nameEn: `Test unit ${users.unit}`,
  parentCode: null,
  supervisingDepartment: null,
  clerks: [],
  signatories: ['王局长'],
  status: 'active',
  suspendedReason: null as string | null,
});

/**
 * Registers a person on `users`' unit's roster (花名册) by its personnel office (PUT /api/registries/people/:personId,
 * expecting 200): an active 处长 (division rank), not a party member, on no leadership team, born on a date no other
 * person of the run was (one person once on the rosters), unless `fields` say otherwise.
 */
export async function registerRosterPerson(
  api: TestApi,
  users: TestUsers,
  personId: string,
  fields: { name: string } & Record<string, unknown>,
): Promise<void> {
  await request(api.http)
    .put(`/api/registries/people/${personId}`)
    .set(bearer(users.tokens.personnel))
    .send({
      unit: users.unit,
      gender: 'male',
      dateOfBirth: uniqueBirthDate(),
      rank: 'division',
      position: '处长',
      partyMember: false,
      leadershipTeam: null,
      status: 'active',
      ...fields,
    })
    .expect(200);
}

/**
 * One more user of a role (e.g. a second FAO officer: separation of duties keeps the officer who did the organizer's
 * part on a case, 帮代办, from deciding on it). Answers the username and a token.
 */
export async function addTestUser(api: TestApi, role: UserRole, unit: string): Promise<{ username: string; token: string }> {
  const username = `${role}.${unit}.${uniqueSuffix()}`;
  await api.app.get(UsersService).upsert({ username, passwordHash: await bcrypt.hash(TEST_PASSWORD, 4), role, unit });
  return { username, token: await login(api, username) };
}

/** Signs in; `as` names one of the user's grants ({role, unit}), else the first. */
export async function login(
  api: TestApi,
  username: string,
  password = TEST_PASSWORD,
  as: { role?: string; unit?: string } = {},
): Promise<string> {
  const res = await request(api.http)
    .post('/api/auth/login')
    .send({ username, password, ...as });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken as string;
}

export { uniquePassportNumber };

/**
 * The canonical US trip of the issue (the OpenAPI example of a submission), for a unit. Its member is a new person
 * each time (张三 and a unique suffix, a passport number of their own): one person may not be on two open cases at
 * overlapping dates (MEMBER_ON_OPEN_CASE, a typed member keyed by unit + name and by passport number: openCaseKeys),
 * and every test submits this trip again and again. A test about one person names its members itself
 * (`overrides.members`).
 */
export function canonicalSubmission(unit: string, overrides: Record<string, unknown> = {}) {
  const example = structuredClone(SUBMISSION_EXAMPLE);
  const members = example.members.map((m) => ({
    ...m,
    name: `${m.name}-${uniqueSuffix()}`,
    ...(m.passport ? { passport: { ...m.passport, number: uniquePassportNumber() } } : {}),
  }));
  return { ...example, unit, members, ...overrides };
}

/** canonicalSubmission with no passport in the FAO's custody: a registered unit's ledger holds none of its typed members'. */
export function uncustodiedSubmission(unit: string, overrides: Record<string, unknown> = {}) {
  const body = canonicalSubmission(unit, overrides);
  return { ...body, members: body.members.map((m) => (m.passport ? { ...m, passport: { ...m.passport, inCustody: false } } : m)) };
}

/** canonicalSubmission at these dates, its stop moved with them. */
export function datedSubmission(unit: string, departureDate: string, returnDate: string) {
  const body = canonicalSubmission(unit);
  return {
    ...body,
    departureDate,
    returnDate,
    destinations: body.destinations.map((d) => ({ ...d, arrive: departureDate, leave: returnDate })),
  };
}

/** datedSubmission with one member, a roster person named by `personId` (the registries fill in the rest). */
export function rosterTrip(unit: string, personId: string, departureDate: string, returnDate: string) {
  return { ...datedSubmission(unit, departureDate, returnDate), members: [{ id: 'm1', personId }] };
}

/**
 * canonicalSubmission at these dates (its stop moved with them), its one member typed as given: name, rank, position
 * and a passport number not in the FAO's custody (as another clerk may type it: spaced, lower case).
 */
export function typedTrip(
  unit: string,
  departureDate: string,
  returnDate: string,
  member: { name: string; rank: string; passportNumber: string; position?: string },
) {
  const body = datedSubmission(unit, departureDate, returnDate);
  const m = body.members[0]!;
  return {
    ...body,
    members: [
      {
        ...m,
        name: member.name,
        rank: member.rank,
        position: member.position ?? '处长',
        passport: { ...m.passport, inCustody: false, number: member.passportNumber },
      },
    ],
  };
}

/**
 * The submission with its typed members' passports not in the FAO's custody (`inCustody: false`, the number kept). A
 * registered unit's typed member claims custody only for a passport the custody ledger holds for the unit (rule
 * `in-ledger`, docs/registries.md); canonicalSubmission's member claims it, which an unregistered unit's submission is
 * taken with (its typed facts as before).
 */
export function passportsNotInCustody<T extends { members: Array<Record<string, unknown>> }>(body: T): T {
  return {
    ...body,
    members: body.members.map((m) =>
      m.personId === undefined && m.passport && typeof m.passport === 'object'
        ? { ...m, passport: { ...m.passport, inCustody: false } }
        : m,
    ),
  };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A supertest parser that keeps a binary answer (a download, an export) as one Buffer in `res.body`: `.buffer(true).parse(binaryBody)`. */
export const binaryBody = (res: AgentResponse, cb: (err: Error | null, body: Buffer) => void): void => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/** The canonical trip departing soon (soonTripDates): a case driven with a time scale reaches its departure and return. */
export function departingSoon(unit: string, marginWd = 6, overrides: Record<string, unknown> = {}) {
  const { departureDate, returnDate } = soonTripDates(marginWd);
  const base = canonicalSubmission(unit, overrides);
  return { ...base, departureDate, returnDate, destinations: [{ ...base.destinations[0]!, arrive: departureDate, leave: returnDate }] };
}
