import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  addDays,
  APEC_CARD_DEFINITION,
  buildInstances,
  DEFAULT_DEFINITION,
  DEFINITION_2026_1,
  quarterOf,
  shanghaiDate,
  statutoryHolidays,
  statutoryWeekdays,
  type CaseFacts,
} from '@df/domain';
import { delegationWorkflowId } from '@df/contracts';
import { ReconcilerService } from '../../apps/worker/src';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import {
  bearer,
  canonicalSubmission,
  typedTrip,
  passportsNotInCustody,
  createTestUsers,
  registerTestUnit,
  startTestApi,
  uniqueSuffix,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';
import { getProgress } from '../support/api-flow';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fixtureUnitNames, uniqueBirthDate } from '../support/factories';
import { DataSource } from 'typeorm';
import { RegistriesService } from '../../apps/api/src/registries/registries.service';
import { SUBMISSION_EXAMPLE } from '../../apps/api/src/delegations/schemas';
import * as S from '../../apps/api/src/registries/schemas';

/** The body matches the zod schema its route documents in OpenAPI (the document is generated from these). */
const documented = (schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, body: unknown) => {
  const r = schema.safeParse(body);
  expect(r.success ? null : r.error).toBeNull();
};

const today = () => shanghaiDate(Date.now());
/** A unit's PUT body; its names carry `code` (fixtureUnitNames: no two units of the suite share a name). */
const unitBody = (code: string, over: Record<string, unknown> = {}) => ({
  nameZh: fixtureUnitNames(code).zh,
  nameEn: fixtureUnitNames(code).en,
  parentCode: null,
  supervisingDepartment: null,
  clerks: [],
  signatories: ['王局长'],
  status: 'active',
  suspendedReason: null,
  ...over,
});
const personBody = (unit: string, over: Record<string, unknown> = {}) => ({
  unit,
  name: '张三',
  gender: 'male',
  // One person once on the rosters (name, gender, birth date): each call another person unless told.
  dateOfBirth: uniqueBirthDate(),
  rank: 'bureau',
  position: '副市长',
  partyMember: true,
  leadershipTeam: 'team-a',
  status: 'active',
  ...over,
});
const passportNo = () => `SE${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
/** The canonical trip with its member named by person id (and claims the registries contradict). */
const submissionWith = (unit: string, personId: string, over: Record<string, unknown> = {}, member: Record<string, unknown> = {}) => {
  const s = canonicalSubmission(unit, over) as Record<string, unknown> & { members: Array<Record<string, unknown>> };
  s.members = [
    {
      ...s.members[0],
      name: '张三', // the roster's name (personBody)
      personId,
      classifiedAccess: false,
      partyMember: false,
      leadershipTeam: null,
      passport: { inCustody: true, number: 'SE7654321', expiresOn: '2035-01-01' },
      ...member,
    },
  ];
  return s;
};

describe('registries (issue 14): units, people, passports in custody, and submissions resolved against them', () => {
  let worker: TestWorker;
  let api: TestApi;
  let home: TestUsers;
  let other: TestUsers;
  beforeAll(async () => {
    worker = await startTestWorker();
    api = await startTestApi({ taskQueue: worker.config.taskQueue });
    home = await createTestUsers(api);
    other = await createTestUsers(api);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });
  /** A running case of the unit's organizer with the roster person as its member: what a check-out is for. */
  /** A registered unit of its own (`<prefix>-…`) with its test users and one person on its roster. */
  const unitWithPerson = async (prefix: string) => {
    const unit = `${prefix}-${uniqueSuffix()}`;
    const users = await createTestUsers(api, unit);
    await request(api.http).put(`/api/registries/units/${unit}`).set(bearer(users.tokens['fao-clerk'])).send(unitBody(unit)).expect(201);
    const personId = `P-${uniqueSuffix()}`;
    await request(api.http)
      .put(`/api/registries/people/${personId}`)
      .set(bearer(users.tokens.personnel))
      .send(personBody(unit))
      .expect(200);
    return { unit, users, personId };
  };
  const caseOf = async (users: TestUsers, personId: string): Promise<string> => {
    const body = { ...canonicalSubmission(users.unit), members: [{ id: 'm1', personId }] };
    const caseId = (await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(body).expect(201)).body
      .caseId as string;
    // The ledger reads the case from the read model, projected a moment after the start.
    await eventually(
      async () => (await request(api.http).get('/api/delegations').set(bearer(users.tokens.organizer)).expect(200)).body.items,
      (items: Array<{ caseId: string }>) => items.some((c) => c.caseId === caseId),
    );
    return caseId;
  };

  it('an amendment may not put another person under a member id: 422 same-person (trial: A11:m1 approved for 李四 stayed done for 张三)', async () => {
    const http = api.http;
    const { users, personId } = await unitWithPerson('swap');
    const other = `P-${uniqueSuffix()}`;
    await request(http)
      .put(`/api/registries/people/${other}`)
      .set(bearer(users.tokens.personnel))
      .send({ ...personBody(users.unit), name: '李四', dateOfBirth: '1975-03-03' })
      .expect(200);
    const caseId = await caseOf(users, personId);
    const amend = (members: unknown[]) =>
      request(http)
        .post(`/api/delegations/${caseId}/amend`)
        .set(bearer(users.tokens.organizer))
        .send({ changes: { members }, comment: '换人' });
    const swapped = await amend([{ id: 'm1', personId: other }]).expect(422);
    expect(swapped.body.errors).toEqual([
      expect.objectContaining({
        field: 'changes.members[0].personId',
        rule: 'same-person',
        message: expect.objectContaining({ zh: expect.stringContaining('同一成员编号不能换成另一人') }),
      }),
    ]);
    // Removed and added under a new id, the new person's vetting runs anew (A11 for m2 awaits the personnel office).
    await amend([{ id: 'm2', personId: other }]).expect(200);
    const p = await getProgress(api, users.tokens.organizer, caseId);
    expect(p.facts.members.map((m: { id: string; personId?: string }) => [m.id, m.personId])).toEqual([['m2', other]]);
  });

  it('a GET body sent back with PUT is taken (unit and person): the path-named field must match, the computed ones are ignored (trial)', async () => {
    const http = api.http;
    const { unit, users, personId } = await unitWithPerson('round');
    const clerk = bearer(users.tokens['fao-clerk']);
    const gotUnit = (await request(http).get(`/api/registries/units/${unit}`).set(clerk).expect(200)).body;
    expect(gotUnit).toHaveProperty('suspension');
    const back = await request(http)
      .put(`/api/registries/units/${unit}`)
      .set(clerk)
      .send({ ...gotUnit, nameZh: '改名测试局' })
      .expect(200);
    expect(back.body.unit).toMatchObject({ code: unit, nameZh: '改名测试局' });
    const otherCode = await request(http)
      .put(`/api/registries/units/${unit}`)
      .set(clerk)
      .send({ ...gotUnit, code: 'someone-else' })
      .expect(422);
    expect(otherCode.body.errors).toEqual([expect.objectContaining({ field: 'code', rule: 'path-match' })]);

    const personnel = bearer(users.tokens.personnel);
    const gotPerson = (await request(http).get(`/api/registries/people/${personId}`).set(personnel).expect(200)).body;
    expect(gotPerson).toMatchObject({ personId, classifiedAccess: false, passports: [] });
    const moved = await request(http)
      .put(`/api/registries/people/${personId}`)
      .set(personnel)
      .send({ ...gotPerson, position: '副处长' })
      .expect(200);
    expect(moved.body).toMatchObject({ personId, position: '副处长', classifiedAccess: false });
    for (const [field, value, rule] of [
      ['personId', 'P-someone-else', 'path-match'],
      ['classifiedAccess', true, 'secrecy-held'],
    ] as const) {
      const res = await request(http)
        .put(`/api/registries/people/${personId}`)
        .set(personnel)
        .send({ ...gotPerson, [field]: value })
        .expect(422);
      expect([field, res.body.errors]).toEqual([field, [expect.objectContaining({ field, rule })]]);
    }
    // Nothing of the refused writes stuck: classified access is still the secrecy office's to grant.
    expect((await request(http).get(`/api/registries/people/${personId}`).set(personnel).expect(200)).body.classifiedAccess).toBe(false);

    // The annual plan too (eighteenth trial: its GET body, with unit and year, was 422 unknown fields when sent back).
    const year = Number(shanghaiDate(Date.now()).slice(0, 4)) + 1;
    const plan = `/api/registries/units/${unit}/plans/${year}`;
    const trip = { id: 'P-US', purpose: 'investment-promotion', countries: ['US'], size: 5, quarter: 2 };
    await request(http)
      .put(plan)
      .set(clerk)
      .send({ trips: [trip] })
      .expect(201);
    const gotPlan = (await request(http).get(plan).set(clerk).expect(200)).body;
    expect(gotPlan).toMatchObject({ unit, year, trips: [trip], approved: expect.any(Object) });
    const more = [trip, { ...trip, id: 'P-DE', countries: ['DE'] }];
    const replanned = await request(http)
      .put(plan)
      .set(clerk)
      .send({ ...gotPlan, trips: more })
      .expect(200);
    expect(replanned.body).toMatchObject({ unit, year, trips: more });
    for (const [field, value] of [
      ['unit', 'someone-else'],
      ['year', year + 1],
    ] as const) {
      const res = await request(http)
        .put(plan)
        .set(clerk)
        .send({ ...gotPlan, [field]: value })
        .expect(422);
      expect([field, res.body.errors]).toEqual([field, [expect.objectContaining({ field, rule: 'path-match' })]]);
    }
    expect((await request(http).get(plan).set(clerk).expect(200)).body.trips).toEqual(more);
  });

  it('the FAO registers a unit; every change is recorded; a unit sees only its own record', async () => {
    const http = api.http;
    const put = await request(http)
      .put(`/api/registries/units/${home.unit}`)
      .set(bearer(home.tokens['fao-clerk']))
      .send(unitBody(home.unit, { clerks: [home.usernames.organizer] }))
      .expect(201);
    expect(put.body).toMatchObject({ created: true, unit: { code: home.unit, status: 'active', suspension: { suspended: false } } });
    documented(S.UnitPutResultSchema, put.body);
    // The office's own units stand under none of the units they serve (trial 79: the FAO registered under a bureau).
    const underBureau = await request(http)
      .put('/api/registries/units/fao')
      .set(bearer(home.tokens['fao-clerk']))
      .send(
        unitBody('fao', {
          nameZh: '市人民政府外事办公室',
          nameEn: 'Municipal Foreign Affairs Office',
          parentCode: home.unit,
          supervisingDepartment: home.unit,
        }),
      )
      .expect(422);
    expect(underBureau.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule])).toEqual([
      ['parentCode', 'office-unit'],
      ['supervisingDepartment', 'office-unit'],
    ]);
    // A roster holds people's names, not markup or statements (trial 79: both were registered, and listed by every picker).
    for (const name of ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>王', "Robert'); DROP TABLE people;--"]) {
      const refused = await request(http)
        .put(`/api/registries/people/P-${uniqueSuffix()}`)
        .set(bearer(home.tokens.personnel))
        .send(personBody(home.unit, { name }))
        .expect(422);
      expect([name, refused.body.errors]).toEqual([name, [expect.objectContaining({ field: 'name', rule: 'person-name' })]]);
    }
    // A pasted invisible space is dropped: the name is stored as it reads (trial 80: 张\u200b三 beside 张三).
    const pasted = await request(http)
      .put(`/api/registries/people/P-${uniqueSuffix()}`)
      .set(bearer(home.tokens.personnel))
      .send(personBody(home.unit, { name: '钱\u200b七' }))
      .expect(200);
    expect(pasted.body).toMatchObject({ name: '钱七' });
    // Only the FAO registers units; a suspension needs a reason (400 naming the field).
    expect(
      (
        await request(http)
          .put(`/api/registries/units/${home.unit}`)
          .set(bearer(home.tokens.organizer))
          .send(unitBody(home.unit))
          .expect(403)
      ).body.code,
    ).toBe('FORBIDDEN_ROLE');
    const bad = await request(http)
      .put(`/api/registries/units/${home.unit}`)
      .set(bearer(home.tokens['fao-clerk']))
      .send(unitBody(home.unit, { status: 'suspended' }))
      .expect(400);
    expect(bad.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'suspendedReason', message: { zh: expect.any(String), en: expect.any(String) } }],
    });
    // Scoping: another unit's organizer neither reads it nor finds it in the list; FAO roles see it.
    expect((await request(http).get(`/api/registries/units/${home.unit}`).set(bearer(other.tokens.organizer)).expect(403)).body.code).toBe(
      'CASE_OUT_OF_SCOPE',
    );
    const theirs = await request(http).get('/api/registries/units').set(bearer(other.tokens.organizer)).expect(200);
    documented(S.UnitListSchema, theirs.body);
    expect(theirs.body.items.map((u: { code: string }) => u.code)).not.toContain(home.unit);
    await request(http).get(`/api/registries/units/${home.unit}`).set(bearer(home.tokens.organizer)).expect(200);
    await request(http).get(`/api/registries/units/${home.unit}`).set(bearer(home.tokens['fao-reviewer'])).expect(200);
    // Suspend and lift by hand: both on record with who and what.
    await request(http)
      .put(`/api/registries/units/${home.unit}`)
      .set(bearer(home.tokens['fao-director']))
      .send(unitBody(home.unit, { status: 'suspended', suspendedReason: '未按时报送出访报告' }))
      .expect(200);
    const refused = await request(http)
      .post('/api/delegations')
      .set(bearer(home.tokens.organizer))
      .send(canonicalSubmission(home.unit))
      .expect(422);
    expect(refused.body).toMatchObject({ code: 'RULE_VIOLATION', errors: [{ field: 'unit', rule: 'UNIT_SUSPENDED' }] });
    expect(refused.body.errors[0].message.zh).toContain('未按时报送出访报告');
    // Handed input: a unit created answers 201 (above), one replaced 200 with created: false. Lifted with the old
    // reason still in the form (trial: the active unit kept showing it), it keeps none.
    const replaced = await request(http)
      .put(`/api/registries/units/${home.unit}`)
      .set(bearer(home.tokens['fao-clerk']))
      .send(unitBody(home.unit, { clerks: [home.usernames.organizer], status: 'active', suspendedReason: '未按时报送出访报告' }))
      .expect(200);
    expect(replaced.body).toMatchObject({ created: false, unit: { code: home.unit, status: 'active', suspendedReason: null } });
    expect(
      (await request(http).get(`/api/registries/units/${home.unit}`).set(bearer(home.tokens['fao-clerk'])).expect(200)).body,
    ).toMatchObject({ status: 'active', suspendedReason: null });
    documented(S.UnitPutResultSchema, replaced.body);
    const changes = await request(http)
      .get('/api/registries/changes')
      .query({ unit: home.unit, entity: 'unit' })
      .set(bearer(home.tokens.manager))
      .expect(200);
    documented(S.RegistryChangeListSchema, changes.body);
    expect(changes.body.items.map((c: { action: string; actor: string }) => [c.action, c.actor])).toEqual([
      ['lifted', home.usernames['fao-clerk']],
      ['suspended', home.usernames['fao-director']],
      ['created', home.usernames['fao-clerk']],
    ]);
    expect(
      (await request(http).get('/api/registries/changes').query({ unit: home.unit }).set(bearer(other.tokens.organizer)).expect(403)).body
        .code,
    ).toBe('CASE_OUT_OF_SCOPE');
  });

  it("the registry changes name people only to whoever reads the roster (trial: finance read the roster's names there)", async () => {
    const http = api.http;
    const personId = `P-${home.unit}-changes`;
    await request(http)
      .put(`/api/registries/people/${personId}`)
      .set(bearer(home.tokens.personnel))
      .send(personBody(home.unit))
      .expect(200);
    const entities = async (role: 'personnel' | 'finance' | 'unit-leader') =>
      new Set(
        (
          (await request(http).get('/api/registries/changes').set(bearer(home.tokens[role])).expect(200)).body.items as Array<{
            entity: string;
          }>
        ).map((c) => c.entity),
      );
    expect((await entities('personnel')).has('person')).toBe(true);
    for (const role of ['finance', 'unit-leader'] as const) {
      const seen = await entities(role);
      expect([role, seen.has('person'), seen.has('passport')]).toEqual([role, false, false]);
      await request(http).get('/api/registries/changes').query({ entity: 'person' }).set(bearer(home.tokens[role])).expect(403);
    }
  });

  it("the case takes the registry's supervising department (A16), the roster's classified access (A12) and the ledger's passport (C01); a submission contradicting them is refused, naming each field", async () => {
    const http = api.http;
    const unit = `reg-${uniqueSuffix()}`;
    const users = await createTestUsers(api, unit);
    const dept = `dept-${uniqueSuffix()}`;
    // A supervising department is a registered unit (rule registered-unit).
    await request(http).put(`/api/registries/units/${dept}`).set(bearer(users.tokens['fao-clerk'])).send(unitBody(dept)).expect(201);
    await request(http)
      .put(`/api/registries/units/${unit}`)
      .set(bearer(users.tokens['fao-clerk']))
      .send(unitBody(unit, { supervisingDepartment: dept }))
      .expect(201);
    // The unit's organizer reads its supervising department's name, nothing more of it (trial 83: 主管部门 read dept-…).
    const listed = (await request(http).get('/api/registries/units').set(bearer(users.tokens.organizer)).expect(200)).body;
    documented(S.UnitListSchema, listed);
    expect(listed.items).toContainEqual({ code: dept, nameZh: fixtureUnitNames(dept).zh, nameEn: fixtureUnitNames(dept).en });
    expect(listed.items.map((u: { code: string }) => u.code).sort()).toEqual([dept, unit].sort());
    await request(http).get(`/api/registries/units/${dept}`).set(bearer(users.tokens.organizer)).expect(403);
    const personId = `P-${uniqueSuffix()}`;
    // The personnel office keeps the roster; another unit's personnel office may not write to it.
    await request(http).put(`/api/registries/people/${personId}`).set(bearer(other.tokens.personnel)).send(personBody(unit)).expect(403);
    const person = await request(http)
      .put(`/api/registries/people/${personId}`)
      .set(bearer(users.tokens.personnel))
      .send(personBody(unit))
      .expect(200);
    expect(person.body).toMatchObject({ personId, classifiedAccess: false });
    documented(S.PersonViewSchema, person.body);
    documented(
      S.PersonListSchema,
      (await request(http).get('/api/registries/people').query({ unit }).set(bearer(users.tokens['fao-clerk'])).expect(200)).body,
    );
    // Classified access is the secrecy office's; a later personnel write keeps it.
    await request(http)
      .put(`/api/registries/people/${personId}/classified-access`)
      .set(bearer(users.tokens.personnel))
      .send({ classifiedAccess: true })
      .expect(403);
    await request(http)
      .put(`/api/registries/people/${personId}/classified-access`)
      .set(bearer(users.tokens.secrecy))
      .send({ classifiedAccess: true })
      .expect(200);
    expect(
      (await request(http).put(`/api/registries/people/${personId}`).set(bearer(users.tokens.personnel)).send(personBody(unit)).expect(200))
        .body.classifiedAccess,
    ).toBe(true);
    // Roster scoping: own unit's personnel reads it, another unit's does not; FAO sees all.
    expect(
      (await request(http).get('/api/registries/people').set(bearer(users.tokens.personnel)).expect(200)).body.items.map(
        (p: { personId: string }) => p.personId,
      ),
    ).toEqual([personId]);
    // Another unit's person answers as no person at all (new-user trial: 403 against 404 told which ids exist).
    const theirs = await request(http).get(`/api/registries/people/${personId}`).set(bearer(other.tokens.personnel)).expect(404);
    const nobody = await request(http).get(`/api/registries/people/${personId}-nobody`).set(bearer(other.tokens.personnel)).expect(404);
    expect(theirs.body.code).toBe(nobody.body.code);
    expect(theirs.body.message).toEqual(nobody.body.message);
    expect(theirs.body.message).toEqual({
      zh: '花名册中没有此人员，或不在您可查看的范围内',
      en: 'No such person on a roster you may read',
    });
    expect(JSON.stringify(theirs.body)).not.toContain(personId);
    // The write routes answer as the read route (new-user trial: PUT answered 409 `P-… belongs to <unit>`): the
    // personnel office's update and the secrecy office's classified access alike, naming neither the id nor the unit.
    const writes = [
      await request(http).put(`/api/registries/people/${personId}`).set(bearer(other.tokens.personnel)).send(personBody(other.unit)),
      await request(http)
        .put(`/api/registries/people/${personId}/classified-access`)
        .set(bearer(other.tokens.secrecy))
        .send({ classifiedAccess: false }),
    ];
    for (const w of writes) {
      expect(w.status).toBe(404);
      expect(w.body.code).toBe(theirs.body.code);
      expect(w.body.message).toEqual(theirs.body.message);
      expect(JSON.stringify(w.body)).not.toContain(personId);
      expect(JSON.stringify(w.body)).not.toContain(unit);
    }
    expect(
      (await request(http).get(`/api/registries/people/${personId}`).set(bearer(users.tokens.personnel)).expect(200)).body,
    ).toMatchObject({ unit, classifiedAccess: true });
    await request(http).get('/api/registries/people').query({ unit }).set(bearer(other.tokens.secrecy)).expect(403);
    await request(http).get(`/api/registries/people/${personId}`).set(bearer(users.tokens['fao-reviewer'])).expect(200);
    // The ledger: a passport expiring within 6 months of return, so a new one is needed (C02-C05).
    const number = passportNo();
    await request(http)
      .post('/api/registries/passports')
      .set(bearer(users.tokens.organizer))
      .send({ number, issuedOn: '2017-05-01', expiresOn: '2027-05-01', holder: personId })
      .expect(403);
    const reg = await request(http)
      .post('/api/registries/passports')
      .set(bearer(users.tokens['passport-officer']))
      .send({ number, issuedOn: '2017-05-01', expiresOn: '2027-05-01', holder: personId })
      .expect(201);
    documented(S.PassportViewSchema, reg.body);
    documented(
      S.PersonViewSchema,
      (await request(http).get(`/api/registries/people/${personId}`).set(bearer(users.tokens.personnel)).expect(200)).body,
    );
    expect(reg.body).toMatchObject({
      number,
      state: 'in-custody',
      displayState: 'in-custody',
      history: [{ fromState: null, toState: 'in-custody', actor: users.usernames['passport-officer'] }],
    });
    // A number already in the ledger, typed as a clerk may (lower case, a space): 409 naming `number` (new-user trial: `(request)`).
    const again = await request(http)
      .post('/api/registries/passports')
      .set(bearer(users.tokens['passport-officer']))
      .send({
        number: ` ${number.slice(0, 2).toLowerCase()} ${number.slice(2)}`,
        issuedOn: '2017-05-01',
        expiresOn: '2027-05-01',
        holder: personId,
      })
      .expect(409);
    expect(again.body).toMatchObject({
      code: 'ACTION_NOT_ALLOWED',
      errors: [
        { field: 'number', rule: 'unique-number', message: { zh: expect.stringContaining(number), en: expect.stringContaining(number) } },
      ],
    });
    const noHolder = await request(http)
      .post('/api/registries/passports')
      .set(bearer(users.tokens['passport-officer']))
      .send({ number: passportNo(), issuedOn: '2017-05-01', expiresOn: '2027-05-01', holder: 'nobody' })
      .expect(422);
    expect(noHolder.body.errors).toEqual([expect.objectContaining({ field: 'holder', rule: 'registered-person' })]);

    // The submission's claims the registries contradict: refused (422), each field named, nothing started; the
    // message does not repeat the registry's value. The facts the organizer may not read (party membership,
    // classified access, the passport number) may only be left out: sent, they are refused whatever their value
    // (registry-held), so no answer tells a guess right from wrong (new-user trial: the dry run confirmed a
    // guessed partyMember).
    for (const path of ['/api/delegations/check', '/api/delegations']) {
      const answers: unknown[] = [];
      for (const guess of [true, false]) {
        const contradicting = await request(http)
          .post(path)
          .set(bearer(users.tokens.organizer))
          .send(submissionWith(unit, personId, { supervisingDepartment: 'dept-typed' }, { partyMember: guess, classifiedAccess: guess }))
          .expect(422);
        expect(contradicting.body.code).toBe('INVALID_REQUEST');
        // One wording for every rule beyond the schema (a held fact does not "differ": it is not to be sent).
        expect(contradicting.body.message).toEqual({ zh: '请求有5处不符合规则', en: 'The request breaks 5 rule(s)' });
        expect(contradicting.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule])).toEqual([
          ['supervisingDepartment', 'registry-value'],
          ['members[0].partyMember', 'registry-held'],
          ['members[0].classifiedAccess', 'registry-held'],
          ['members[0].leadershipTeam', 'registry-value'],
          ['members[0].passport.number', 'registry-held'],
        ]);
        expect(contradicting.body.errors[3].message).toEqual({
          zh: '与花名册不一致：不填则以登记为准，填写须与登记一致',
          en: 'Differs from the roster: leave it out to use the registered value, or send that value',
        });
        expect(JSON.stringify(contradicting.body)).not.toContain(number);
        answers.push(contradicting.body.errors);
      }
      expect(answers[0]).toEqual(answers[1]);
    }
    // An object fact is named by each part that differs: the passport's custody and expiry, not the whole passport
    // (trial). Typed, the member is the roster's 张三 by the ledger's number; the rest of the passport is compared.
    const expiry = await request(http)
      .post('/api/delegations/check')
      .set(bearer(users.tokens.organizer))
      .send(
        submissionWith(
          unit,
          personId,
          {},
          { personId: undefined, leadershipTeam: 'team-a', passport: { inCustody: false, number, expiresOn: '2029-12-31' } },
        ),
      )
      .expect(422);
    expect(expiry.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule])).toEqual([
      ['members[0].passport.inCustody', 'registry-value'],
      ['members[0].passport.expiresOn', 'registry-value'],
    ]);
    // One person once (new-user trial: 李四 twice by personId ran every per-member step twice): the second is refused.
    const twice = {
      ...canonicalSubmission(unit),
      members: [
        { id: 'm1', personId },
        { id: 'm2', personId },
      ],
    };
    const checked = await request(http).post('/api/delegations/check').set(bearer(users.tokens.organizer)).send(twice).expect(200);
    // One fault, one refusal: the person's leadership team listed twice is not two members of one team (it read
    // LEADERSHIP_TEAM_OVERLAP naming 张三 twice beside DUPLICATE_MEMBER).
    expect(checked.body.violations.map((v: { code: string; field: string }) => [v.code, v.field])).toEqual([
      ['DUPLICATE_MEMBER', 'members[1].personId'],
    ]);
    const refusedTwice = await request(http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(twice).expect(422);
    expect(refusedTwice.body.code).toBe('RULE_VIOLATION');
    expect(refusedTwice.body.errors).toContainEqual({
      field: 'members[1].personId',
      rule: 'DUPLICATE_MEMBER',
      message: { zh: `成员 张三（${personId}）与第1名成员是同一人`, en: `Member 张三 (${personId}) is the same person as member 1` },
    });
    // Another unit's submission is refused naming the organizer's own unit by its name, the code beside.
    const mismatch = await request(http)
      .post('/api/delegations/check')
      .set(bearer(users.tokens.organizer))
      .send(canonicalSubmission(`not-${unit}`))
      .expect(403);
    expect(mismatch.body).toMatchObject({
      code: 'UNIT_MISMATCH',
      message: {
        zh: `专办员只能为本单位测试单位${unit}（${unit}）报送`,
        en: `An organizer submits only for their own unit, Test unit ${unit} (${unit})`,
      },
      errors: [
        {
          field: 'unit',
          rule: 'own-unit',
          message: { zh: `须为本单位测试单位${unit}（${unit}）`, en: `Must be your unit, Test unit ${unit} (${unit})` },
        },
      ],
    });
    // Another unit's person reads as unknown to this unit's organizer: the registries say nothing about them.
    const third = await createTestUsers(api, `reg-${uniqueSuffix()}`);
    await request(http)
      .put(`/api/registries/units/${third.unit}`)
      .set(bearer(users.tokens['fao-clerk']))
      .send(unitBody(third.unit))
      .expect(201);
    const otherPersonId = `P-${uniqueSuffix()}`;
    await request(http)
      .put(`/api/registries/people/${otherPersonId}`)
      .set(bearer(third.tokens.personnel))
      .send(personBody(third.unit))
      .expect(200);
    const foreign = await request(http)
      .post('/api/delegations/check')
      .set(bearer(users.tokens.organizer))
      .send({ ...canonicalSubmission(unit), members: [{ id: 'm1', personId: otherPersonId }] })
      .expect(422);
    expect(foreign.body.errors).toEqual([
      {
        field: 'members[0].personId',
        rule: 'registered-person',
        message: { zh: `花名册中没有 ${otherPersonId}`, en: `No person ${otherPersonId} on a roster` },
      },
    ]);
    expect(
      (await request(http).get('/api/delegations').query({ unit }).set(bearer(users.tokens['fao-clerk'])).expect(200)).body.total,
    ).toBe(0);
    // The registry's department sent as it is, the person named by id alone: the registries' facts apply.
    const byId = (over: Record<string, unknown> = {}) => {
      const s = canonicalSubmission(unit, over) as Record<string, unknown> & { members: Array<Record<string, unknown>> };
      s.members = [{ id: 'm1', personId }];
      return s;
    };
    expect(
      (
        await request(http)
          .post('/api/delegations/check')
          .set(bearer(users.tokens.organizer))
          .send(byId({ supervisingDepartment: dept }))
          .expect(200)
      ).body,
    ).toHaveProperty('ok');
    const submitted = await request(http)
      .post('/api/delegations')
      .set(bearer(users.tokens.organizer))
      .send(byId({ supervisingDepartment: undefined }))
      .expect(201);
    // Each reader sees in clear what the classification grants it: the unit's personnel office the person's
    // facts, the passport officer the passport (docs/security.md, what each role sees).
    const asPersonnel = await getProgress(api, users.tokens.personnel, submitted.body.caseId);
    const asOfficer = await getProgress(api, users.tokens['passport-officer'], submitted.body.caseId);
    expect(asPersonnel.facts.supervisingDepartment).toBe(dept);
    expect(asPersonnel.facts.members[0]).toMatchObject({
      personId,
      classifiedAccess: true,
      partyMember: true,
      leadershipTeam: 'team-a',
      rank: 'bureau',
    });
    expect(asOfficer.facts.members[0]!.passport).toMatchObject({ inCustody: true, number, expiresOn: '2027-05-01' });
    const facts = {
      ...asPersonnel.facts,
      members: asPersonnel.facts.members.map((m, i) => ({ ...m, passport: asOfficer.facts.members[i]!.passport })),
    };
    // The case's instances follow: A16, A12 and the new-passport steps run, as the registries say.
    const skipped = new Map(buildInstances(DEFAULT_DEFINITION, facts as CaseFacts).map((i) => [i.key, i.skipped]));
    expect([skipped.get('A16'), skipped.get('A12:m1'), skipped.get('C02:m1')]).toEqual([false, false, false]);
    // The same submission without the registries' facts skips all three (the control).
    const typed = buildInstances(
      DEFAULT_DEFINITION,
      submissionWith(unit, personId, { supervisingDepartment: null }) as unknown as CaseFacts,
    );
    expect(['A16', 'A12:m1', 'C02:m1'].map((k) => typed.find((i) => i.key === k)!.skipped)).toEqual([true, true, true]);
    // An amendment naming people by id records their snapshot too.
    // One person named from the roster and typed again with their passport number (second trial): refused up front,
    // by the dry run and the submission, as the case's own trip-rules step A07 would (new-user trial: the dry run
    // passed it and A07 blocked the submitted case): DUPLICATE_MEMBER at the number, the number not repeated.
    const typedAgain = {
      ...canonicalSubmission(unit).members[0],
      name: '张三',
      id: 'm2',
      leadershipTeam: null,
      passport: { inCustody: true, number, expiresOn: '2027-05-01' },
    };
    // A month after the case above: the person is on it (MEMBER_ON_OPEN_CASE at overlapping dates).
    const later = { departureDate: '2027-04-15', returnDate: '2027-04-19' };
    const laterStop = { ...canonicalSubmission(unit).destinations[0]!, arrive: later.departureDate, leave: later.returnDate };
    const twiceOver = {
      ...byId({ supervisingDepartment: undefined, ...later, destinations: [laterStop] }),
      title: '同一人两次（名册与手填）',
    };
    twiceOver.members = [...twiceOver.members, typedAgain];
    const dry = await request(http).post('/api/delegations/check').set(bearer(users.tokens.organizer)).send(twiceOver).expect(200);
    expect(
      dry.body.violations.filter((v: { code: string }) => v.code === 'DUPLICATE_MEMBER').map((v: { field: string }) => v.field),
    ).toEqual(['members[1].passport.number']);
    const upFront = await request(http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(twiceOver).expect(422);
    expect(
      upFront.body.errors.filter((e: { rule: string }) => e.rule === 'DUPLICATE_MEMBER').map((e: { field: string }) => e.field),
    ).toEqual(['members[1].passport.number']);
    expect(JSON.stringify([dry.body, upFront.body])).not.toContain(number);
    const second = `P-${uniqueSuffix()}`;
    await request(http)
      .put(`/api/registries/people/${second}`)
      .set(bearer(users.tokens.personnel))
      .send(personBody(unit, { name: '周八', rank: 'division', partyMember: false, leadershipTeam: null }))
      .expect(200);
    await request(http)
      .put(`/api/registries/people/${second}/classified-access`)
      .set(bearer(users.tokens.secrecy))
      .send({ classifiedAccess: true })
      .expect(200);
    const members = submissionWith(unit, personId).members;
    const contradicting = [...members, { ...members[0]!, id: 'm2', personId: second, name: '周八', classifiedAccess: false }];
    const refusedAmend = await request(http)
      .post(`/api/delegations/${submitted.body.caseId}/amend`)
      .set(bearer(users.tokens.organizer))
      .send({ changes: { members: contradicting } })
      .expect(422);
    // (What the organizer may not read is refused as sent, registry-held, whatever its value.)
    expect(refusedAmend.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule])).toEqual([
      ['changes.members[0].partyMember', 'registry-held'],
      ['changes.members[0].classifiedAccess', 'registry-held'],
      ['changes.members[0].leadershipTeam', 'registry-value'],
      ['changes.members[0].passport.number', 'registry-held'],
      ['changes.members[1].rank', 'registry-value'],
      ['changes.members[1].partyMember', 'registry-held'],
      ['changes.members[1].classifiedAccess', 'registry-held'],
      ['changes.members[1].passport.number', 'registry-held'],
    ]);
    await request(http)
      .post(`/api/delegations/${submitted.body.caseId}/amend`)
      .set(bearer(users.tokens.organizer))
      .send({
        changes: {
          members: [
            { id: 'm1', personId },
            { id: 'm2', personId: second, name: '周八' },
          ],
        },
      })
      .expect(200);
    // One rule, one refusal: a person listed twice (the same member repeated, or under another member id) is refused
    // at amendment as at submission, DUPLICATE_MEMBER on the same fields under `changes.` (new-user trial: the
    // repeated member read INVALID_REQUEST rule unique-ids on changes.members at amendment).
    // The submission at dates the person is free of the case (the amended case does not count itself): the same refusals.
    const free = {
      departureDate: '2027-05-17',
      returnDate: '2027-05-21',
      destinations: [{ ...canonicalSubmission(unit).destinations[0]!, arrive: '2027-05-17', leave: '2027-05-21' }],
    };
    for (const repeated of [
      [
        { id: 'm1', personId },
        { id: 'm1', personId },
      ],
      [
        { id: 'm1', personId },
        { id: 'm2', personId },
      ],
    ]) {
      const atSubmission = await request(http)
        .post('/api/delegations')
        .set(bearer(users.tokens.organizer))
        .send({ ...submissionWith(unit, personId, free), members: repeated })
        .expect(422);
      const atAmendment = await request(http)
        .post(`/api/delegations/${submitted.body.caseId}/amend`)
        .set(bearer(users.tokens.organizer))
        .send({ changes: { members: repeated } })
        .expect(422);
      expect([atSubmission.body.code, atAmendment.body.code]).toEqual(['RULE_VIOLATION', 'RULE_VIOLATION']);
      expect(atSubmission.body.errors.length).toBeGreaterThan(0);
      // The amended case is a planned trip of the person's for another submission (FREQUENCY_EXCEEDED, bureau: one
      // in 24 months), never for its own amendment; the rest is one refusal.
      const submissionErrors = atSubmission.body.errors as Array<{ field: string; rule: string }>;
      expect(submissionErrors.filter((e) => e.rule === 'FREQUENCY_EXCEEDED').length).toBeGreaterThan(0);
      expect(atAmendment.body.errors).toEqual(
        submissionErrors.filter((e) => e.rule !== 'FREQUENCY_EXCEEDED').map((e) => ({ ...e, field: `changes.${e.field}` })),
      );
    }
    const pa = await getProgress(api, users.tokens.personnel, submitted.body.caseId);
    const po = await getProgress(api, users.tokens['passport-officer'], submitted.body.caseId);
    expect(pa.facts.members.map((m, i) => [m.personId, m.rank, m.classifiedAccess, po.facts.members[i]!.passport])).toEqual([
      [personId, 'bureau', true, { inCustody: true, number, expiresOn: '2027-05-01' }],
      [second, 'division', true, null],
    ]);
    // An unknown person id of a registered unit is named by its field.
    const unknown = await request(http)
      .post('/api/delegations')
      .set(bearer(users.tokens.organizer))
      .send(submissionWith(unit, 'P-nobody'))
      .expect(422);
    expect(unknown.body).toMatchObject({
      code: 'INVALID_REQUEST',
      errors: [{ field: 'members[0].personId', rule: 'registered-person' }],
    });
  });

  it('two people with one name in one unit keep their own identity (person id) in the case', async () => {
    const http = api.http;
    const unit = `twin-${uniqueSuffix()}`;
    const users = await createTestUsers(api, unit);
    await request(http).put(`/api/registries/units/${unit}`).set(bearer(users.tokens['fao-clerk'])).send(unitBody(unit)).expect(201);
    const [a, b] = [`P-${uniqueSuffix()}`, `P-${uniqueSuffix()}`];
    await request(http)
      .put(`/api/registries/people/${a}`)
      .set(bearer(users.tokens.personnel))
      .send(personBody(unit, { name: '李明', leadershipTeam: null }))
      .expect(200);
    await request(http)
      .put(`/api/registries/people/${b}`)
      .set(bearer(users.tokens.personnel))
      .send(personBody(unit, { name: '李明', leadershipTeam: null, rank: 'staff', position: '科员' }))
      .expect(200);
    const s = submissionWith(unit, a);
    s.members = [
      { id: 'm1', personId: a },
      { id: 'm2', personId: b },
    ];
    const res = await request(http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(s).expect(201);
    // The unit's personnel office sees person ids in clear (docs/security.md, what each role sees).
    const p = await getProgress(api, users.tokens.personnel, res.body.caseId);
    expect(p.facts.members.map((m) => [m.personId, m.name, m.rank])).toEqual([
      [a, '李明', 'bureau'],
      [b, '李明', 'staff'],
    ]);
  });

  it('one valid official passport per person: no second one registered or checked out while one is out (409 PASSPORT_ALREADY_HELD)', async () => {
    const http = api.http;
    const { users, personId } = await unitWithPerson('held');
    const officer = bearer(users.tokens['passport-officer']);
    const register = (number: string) =>
      request(http)
        .post('/api/registries/passports')
        .set(officer)
        .send({ number, issuedOn: '2024-01-01', expiresOn: '2034-01-01', holder: personId });
    const move = (number: string, body: object) =>
      request(http).post(`/api/registries/passports/${number}/transitions`).set(officer).send(body);
    const first = passportNo();
    await register(first).expect(201);
    // A check-out is for a running case with the holder among its members.
    const trip = await caseOf(users, personId);
    await move(first, { to: 'checked-out', caseId: trip, dueBackOn: addDays(today(), 10) }).expect(200);
    // The trial: a new official passport for the same person while the first is out for a trip.
    const second = passportNo();
    const refused = await register(second).expect(409);
    expect(refused.body).toMatchObject({
      code: 'PASSPORT_ALREADY_HELD',
      message: { zh: expect.stringContaining(first), en: expect.stringContaining(`passport ${first} is checked out (case ${trip})`) },
      errors: [{ field: 'holder', rule: 'one-valid-passport' }],
    });
    await request(http).get(`/api/registries/passports/${second}`).set(officer).expect(404);
    // Back in custody it is still the person's valid one (seventh trial: by hand a person was given two): the old one
    // is cancelled (注销) or reported lost first …
    await move(first, { to: 'in-custody' }).expect(200);
    const beside = await register(second).expect(409);
    expect(beside.body).toMatchObject({
      code: 'PASSPORT_ALREADY_HELD',
      message: { en: expect.stringContaining(`already holds a valid official passport, ${first} (in custody)`) },
      errors: [{ field: 'holder', rule: 'one-valid-passport' }],
    });
    await move(first, { to: 'cancelled', note: '新护照已签发，旧护照注销' }).expect(200);
    await register(second).expect(201);
    // … and the new one goes out for the trip.
    await move(second, { to: 'checked-out', caseId: trip, dueBackOn: addDays(today(), 10) }).expect(200);
    expect((await request(http).get(`/api/registries/passports/${first}`).set(officer).expect(200)).body.state).toBe('cancelled');
    // Reported lost, the one out no longer holds the place: a new one may be registered.
    await move(second, { to: 'lost' }).expect(400);
    await move(second, { to: 'lost', note: '持照人在境外遗失，已报警' }).expect(200);
    await register(passportNo()).expect(201);
  });

  it("a reader who sees passport numbers masked names a passport by its ledger id: a number is 403 clearance, held or not (second trial's guess oracle)", async () => {
    const http = api.http;
    const { users, personId } = await unitWithPerson('pref');
    const number = passportNo();
    await request(http)
      .post('/api/registries/passports')
      .set(bearer(users.tokens['passport-officer']))
      .send({ number, issuedOn: '2024-01-01', expiresOn: '2034-01-01', holder: personId })
      .expect(201);
    const organizer = bearer(users.tokens.organizer);
    const [listed] = (await request(http).get('/api/registries/passports').set(organizer).expect(200)).body.items;
    // Masked by its field (a 9-digit number is outside the passport pattern the response walk knows: it went out in clear).
    expect(listed.number).toBe(`${number.slice(0, 2)}${'*'.repeat(number.length - 5)}${number.slice(-3)}`);
    expect(listed.ref).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // The holder id in clear, as the organizer's roster and the registry's changes show it (trial: masked only here);
    // each row names the holder's unit, what the own-unit grants are read by.
    expect(listed).toMatchObject({ holder: personId, unit: users.unit });
    documented(S.PassportListSchema, { items: [listed] });
    expect((await request(http).get(`/api/registries/people/${personId}`).set(organizer).expect(200)).body.passports[0]).toMatchObject({
      holder: personId,
      unit: users.unit,
    });
    // The trial: 200 for the unit's own number, 404 for a wrong guess. Now one 403 for both, before the ledger is read.
    const held = await request(http).get(`/api/registries/passports/${number}`).set(organizer).expect(403);
    const guessed = await request(http).get(`/api/registries/passports/${passportNo()}`).set(organizer).expect(403);
    const answer = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
    expect(answer(held.body)).toEqual(answer(guessed.body));
    expect(held.body).toMatchObject({ code: 'FORBIDDEN_ROLE', errors: [{ field: 'path.key', rule: 'clearance' }] });
    // By its ledger id: the passport and its history, the number masked as in the list.
    const byRef = await request(http).get(`/api/registries/passports/${listed.ref}`).set(organizer).expect(200);
    documented(S.PassportViewSchema, byRef.body);
    expect(byRef.body).toMatchObject({
      ref: listed.ref,
      number: listed.number,
      holder: personId,
      unit: users.unit,
      state: 'in-custody',
      history: [{ toState: 'in-custody' }],
    });
    // An officer reads it by number or by id, in clear; another unit's organizer reads neither (one 404).
    const officer = bearer(users.tokens['passport-officer']);
    expect((await request(http).get(`/api/registries/passports/${number}`).set(officer).expect(200)).body.ref).toBe(listed.ref);
    expect((await request(http).get(`/api/registries/passports/${listed.ref}`).set(officer).expect(200)).body.number).toBe(number);
    const other = await createTestUsers(api, `pref-other-${uniqueSuffix()}`);
    const elsewhere = await request(http).get(`/api/registries/passports/${listed.ref}`).set(bearer(other.tokens.organizer)).expect(404);
    const unknown = await request(http).get(`/api/registries/passports/${randomUUID()}`).set(bearer(other.tokens.organizer)).expect(404);
    expect(answer(elsewhere.body)).toEqual(answer(unknown.body));
  });

  it('a unit that registered its clerks (专办员备案) takes applications only from them: 403 registered-clerk for another organizer (trial: the list gated nothing)', async () => {
    const http = api.http;
    const unit = `clerk-${uniqueSuffix()}`;
    const users = await createTestUsers(api, unit);
    const fao = bearer(users.tokens['fao-clerk']);
    const organizer = bearer(users.tokens.organizer);
    // A clerk is an account holding the unit's organizer role, named once (trial: any name was taken, and the unit's
    // organizers were then shut out with no warning).
    // Registered first (a clerk's account is granted the unit's role once the unit is registered), then its clerks named.
    await request(http).put(`/api/registries/units/${unit}`).set(fao).send(unitBody(unit)).expect(201);
    const other = await createTestUsers(api, `clerk-other-${uniqueSuffix()}`);
    // At most two clerks (the schema's 1-2): another unit's organizer and the unit's finance officer, then a name no account has.
    for (const clerks of [[other.usernames.organizer, users.usernames.finance], ['nobody.here']]) {
      const wrong = await request(http).put(`/api/registries/units/${unit}`).set(fao).send(unitBody(unit, { clerks })).expect(422);
      expect(wrong.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule])).toEqual(
        clerks.map((_, i) => [`clerks[${i}]`, 'unit-clerk']),
      );
    }
    const twice = await request(http)
      .put(`/api/registries/units/${unit}`)
      .set(fao)
      .send(unitBody(unit, { clerks: [users.usernames.organizer, users.usernames.organizer.toUpperCase()] }))
      .expect(422);
    expect(twice.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule])).toEqual([['clerks[1]', 'unique']]);
    const registeredClerk = `clerk.${unit}`;
    await request(http)
      .post('/api/users')
      .set(bearer(users.tokens.admin))
      .send({
        username: registeredClerk,
        displayName: '王专办',
        grants: [{ role: 'organizer', unit }],
        password: 'quartz lantern meadow 907',
      })
      .expect(201);
    // Named in other letter case, stored as the account spells it (gating compares without case either way).
    const named = await request(http)
      .put(`/api/registries/units/${unit}`)
      .set(fao)
      .send(unitBody(unit, { clerks: [registeredClerk.toUpperCase()] }))
      .expect(200);
    expect(named.body.unit.clerks).toEqual([registeredClerk]);
    for (const path of ['/api/delegations/check', '/api/delegations']) {
      const refused = await request(http).post(path).set(organizer).send(canonicalSubmission(unit)).expect(403);
      expect(refused.body).toMatchObject({
        code: 'FORBIDDEN_ROLE',
        message: {
          zh: expect.stringContaining(registeredClerk),
          en: expect.stringContaining("not one of the unit's registered clerks"),
        },
        errors: [{ field: '(request)', rule: 'registered-clerk' }],
      });
    }
    // Nothing was started for the refused submission.
    expect((await request(http).get('/api/delegations').set(organizer).expect(200)).body.items).toEqual([]);
    // Registered (in other letter case: usernames compare as sign-in does), the same organizer submits.
    await request(http)
      .put(`/api/registries/units/${unit}`)
      .set(fao)
      .send(unitBody(unit, { clerks: [users.usernames.organizer.toUpperCase()] }))
      .expect(200);
    await request(http)
      .post('/api/delegations')
      .set(organizer)
      .send(passportsNotInCustody(canonicalSubmission(unit)))
      .expect(201);
  });

  it('a person on an open case is not recorded as left or retired until the case lets them go: 409 on-open-case (trial: they stayed on the trip, unflagged)', async () => {
    const http = api.http;
    const { unit, users, personId } = await unitWithPerson('gone');
    const personnel = bearer(users.tokens.personnel);
    const trip = await caseOf(users, personId);
    for (const status of ['left', 'retired']) {
      const refused = await request(http)
        .put(`/api/registries/people/${personId}`)
        .set(personnel)
        .send(personBody(unit, { status }))
        .expect(409);
      expect(refused.body).toMatchObject({
        code: 'ACTION_NOT_ALLOWED',
        message: { zh: expect.stringContaining(trip), en: expect.stringContaining(`still a member of open cases: ${trip}`) },
        errors: [{ field: 'status', rule: 'on-open-case' }],
      });
    }
    expect((await request(http).get(`/api/registries/people/${personId}`).set(personnel).expect(200)).body.status).toBe('active');
    // Another change of theirs is not held up; once the case is withdrawn they may leave.
    await request(http)
      .put(`/api/registries/people/${personId}`)
      .set(personnel)
      .send(personBody(unit, { position: '副处长' }))
      .expect(200);
    await request(http)
      .post(`/api/delegations/${trip}/withdraw`)
      .set(bearer(users.tokens.organizer))
      .set('Idempotency-Key', randomUUID())
      .send({ reason: '人员调离' })
      .expect(200);
    await eventually(
      async () => (await request(http).get(`/api/delegations/${trip}`).set(bearer(users.tokens.organizer)).expect(200)).body.status,
      (status) => status === 'withdrawn',
    );
    await eventually(
      async () =>
        (
          await request(http)
            .put(`/api/registries/people/${personId}`)
            .set(personnel)
            .send(personBody(unit, { status: 'left' }))
        ).status,
      (code) => code === 200,
    );
  });

  it('a passport more than 30 days overdue after return suspends its unit until it is checked in; both are on record', async () => {
    const http = api.http;
    const unit = `susp-${uniqueSuffix()}`;
    const users = await createTestUsers(api, unit);
    await request(http).put(`/api/registries/units/${unit}`).set(bearer(users.tokens['fao-clerk'])).send(unitBody(unit)).expect(201);
    const personId = `P-${uniqueSuffix()}`;
    // The passport's holder is not the typed member of the submissions below (张三): a typed active roster name is
    // named by personId (rule roster-person).
    await request(http)
      .put(`/api/registries/people/${personId}`)
      .set(bearer(users.tokens.personnel))
      .send(personBody(unit, { name: '孙七' }))
      .expect(200);
    const number = passportNo();
    await request(http)
      .post('/api/registries/passports')
      .set(bearer(users.tokens['passport-officer']))
      .send({ number, issuedOn: '2024-01-01', expiresOn: '2034-01-01', holder: personId })
      .expect(201);
    const officer = bearer(users.tokens['passport-officer']);
    const trip = await caseOf(users, personId);
    // A check-out's due date is today or later (due-back-window): a passport overdue is one whose due date passed,
    // set here as time would pass.
    const outOverdue = async (days: number) => {
      await request(http)
        .post(`/api/registries/passports/${number}/transitions`)
        .set(officer)
        .send({ to: 'checked-out', caseId: trip })
        .expect(200);
      await api.app
        .get(DataSource)
        .query(`UPDATE custody_passports SET due_back_on = $1 WHERE number = $2`, [addDays(today(), -days), number]);
      return request(http).get(`/api/registries/passports/${number}`).set(officer).expect(200);
    };
    // 30 days overdue: escalated, not suspended.
    const out30 = await outOverdue(30);
    documented(S.PassportViewSchema, out30.body);
    documented(
      S.PassportListSchema,
      (await request(http).get('/api/registries/passports').set(bearer(users.tokens.organizer)).expect(200)).body,
    );
    expect(out30.body).toMatchObject({ state: 'checked-out', displayState: 'overdue', daysOverdue: 30, caseId: trip });
    expect(
      (await request(http).get(`/api/registries/units/${unit}`).set(bearer(users.tokens.organizer)).expect(200)).body.suspension.suspended,
    ).toBe(false);
    // Not allowed from checked-out: checked out again (409 naming the state by its label, not its code).
    const again = await request(http)
      .post(`/api/registries/passports/${number}/transitions`)
      .set(officer)
      .send({ to: 'checked-out', caseId: randomUUID(), dueBackOn: today() })
      .expect(409);
    expect(again.body).toMatchObject({
      code: 'ACTION_NOT_ALLOWED',
      message: {
        zh: `护照 ${number} 当前为已借出，不能改为已借出`,
        en: `Passport ${number} is checked out; it cannot become checked out`,
      },
      errors: [{ field: 'to', rule: 'passport-state', message: { zh: '当前状态：已借出', en: 'Current state: Checked out' } }],
    });
    await request(http).post(`/api/registries/passports/${number}/transitions`).set(officer).send({ to: 'in-custody' }).expect(200);
    // 31 days overdue: new submissions refused with a coded bilingual reason.
    await outOverdue(31);
    const refused = await request(http)
      .post('/api/delegations')
      .set(bearer(users.tokens.organizer))
      .send(canonicalSubmission(unit))
      .expect(422);
    expect(refused.body).toMatchObject({
      code: 'RULE_VIOLATION',
      errors: [
        {
          field: 'unit',
          rule: 'PASSPORT_OVERDUE',
          message: { zh: expect.stringContaining(number), en: expect.stringContaining('31 days overdue') },
        },
      ],
    });
    // Refused again: still one suspension event.
    await request(http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(canonicalSubmission(unit)).expect(422);
    // The return registration checks it in: the suspension lifts, the next submission starts a case.
    const back = await request(http)
      .post(`/api/registries/passports/${number}/transitions`)
      .set(officer)
      .send({ to: 'in-custody', note: '交回' })
      .expect(200);
    expect(back.body.history.map((h: { toState: string }) => h.toState)).toEqual([
      'in-custody',
      'checked-out',
      'in-custody',
      'checked-out',
      'in-custody',
    ]);
    await request(http)
      .post('/api/delegations')
      .set(bearer(users.tokens.organizer))
      .send(passportsNotInCustody(canonicalSubmission(unit)))
      .expect(201);
    const changes = await request(http)
      .get('/api/registries/changes')
      .query({ unit, entity: 'unit' })
      .set(bearer(users.tokens.organizer))
      .expect(200);
    expect(changes.body.items.map((c: { action: string }) => c.action)).toEqual(['lifted', 'suspended', 'created']);
  });

  it('a unit not in the registry, submitting without person ids, works as before', async () => {
    const res = await request(api.http)
      .post('/api/delegations')
      .set(bearer(other.tokens.organizer))
      .send(canonicalSubmission(other.unit, { supervisingDepartment: 'typed-dept' }))
      .expect(201);
    const p = await getProgress(api, other.tokens.secrecy, res.body.caseId);
    expect(p.facts.supervisingDepartment).toBe('typed-dept');
    expect(p.facts.members[0]!.classifiedAccess).toBe(false); // the secrecy office sees it in clear
  });
});

describe('registries (issue 14): holiday calendars and process versions (own database: both are office-wide)', () => {
  let db: TestDatabase;
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  beforeAll(async () => {
    db = await createTestDatabase('registries');
    worker = await startTestWorker({ databaseUrl: db.url });
    api = await startTestApi({ databaseUrl: db.url, taskQueue: worker.config.taskQueue });
    users = await createTestUsers(api);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    await db?.drop();
  });

  it("loads a year's schedule through the API; the list shows each year's source", async () => {
    const http = api.http;
    const before = await request(http).get('/api/registries/calendars').set(bearer(users.tokens.organizer)).expect(200);
    documented(S.CalendarListSchema, before.body);
    const y2027 = before.body.items.find((i: { year: number }) => i.year === 2027);
    expect(y2027).toMatchObject({ source: 'provisional', provisional: true });
    expect(before.body.items.find((i: { year: number }) => i.year === 2025)).toMatchObject({ source: 'package', provisional: false });
    const prov = await request(http).get('/api/registries/calendars/2027').set(bearer(users.tokens.organizer)).expect(200);
    documented(S.CalendarYearSchema, prov.body);
    expect(prov.body.holidays).toEqual(expect.arrayContaining(['2027-01-01', '2027-02-06', '2027-10-01']));
    // A weekday as an adjusted working day, a day of another year: each named.
    const bad = await request(http)
      .put('/api/registries/calendars/2027')
      .set(bearer(users.tokens['fao-clerk']))
      .send({ holidays: ['2027-01-01', '2028-01-01'], workdays: ['2027-02-15'] })
      .expect(422);
    expect(bad.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule])).toEqual([
      ['holidays', 'statutory-holidays'],
      ['holidays[1]', 'in-year'],
      ['workdays[0]', 'weekend'],
    ]);
    // A day given twice (it was stored once, silently), and a year of every weekday off (trial: accepted, and every
    // running case re-planned on it): each named, nothing stored.
    const everyWeekday: string[] = [];
    for (let d = Date.UTC(2027, 0, 1); d < Date.UTC(2028, 0, 1); d += 86_400_000)
      if (![0, 6].includes(new Date(d).getUTCDay())) everyWeekday.push(new Date(d).toISOString().slice(0, 10));
    const implausible = await request(http)
      .put('/api/registries/calendars/2027')
      .set(bearer(users.tokens['fao-clerk']))
      .send({ holidays: ['2027-01-01', '2027-01-01'], workdays: [] })
      .expect(422);
    expect(implausible.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule])).toEqual([
      ['holidays[1]', 'unique'],
      ['holidays', 'statutory-holidays'],
    ]);
    // No days off at all (trial: accepted, and every running case re-planned on a year without holidays): the statutory
    // holidays that fall on weekdays are named, nothing stored.
    const empty = await request(http)
      .put('/api/registries/calendars/2027')
      .set(bearer(users.tokens['fao-clerk']))
      .send({ holidays: [], workdays: [] })
      .expect(422);
    expect(empty.body.errors).toEqual([
      {
        field: 'holidays',
        rule: 'statutory-holidays',
        message: { zh: expect.stringContaining('2027-01-01（元旦）'), en: expect.stringContaining("2027-01-01 (New Year's Day)") },
      },
    ]);
    const allOff = await request(http)
      .put('/api/registries/calendars/2027')
      .set(bearer(users.tokens['fao-clerk']))
      .send({ holidays: everyWeekday })
      .expect(422);
    expect(allOff.body.errors).toEqual([
      expect.objectContaining({
        field: 'holidays',
        rule: 'plausible-count',
        message: expect.objectContaining({ zh: expect.stringContaining('工作日放假261天') }),
      }),
    ]);
    // Every weekend day of 2027 that is no statutory holiday (98) as an adjusted working day (trial: accepted, and every
    // running case re-planned on a year without weekends): the count and each day far from any holiday are named.
    const statutoryDays = statutoryHolidays(2027).map((h) => h.date);
    const everyWeekend: string[] = [];
    for (let d = Date.UTC(2027, 0, 1); d < Date.UTC(2028, 0, 1); d += 86_400_000) {
      const day = new Date(d).toISOString().slice(0, 10);
      if ([0, 6].includes(new Date(d).getUTCDay()) && !statutoryDays.includes(day)) everyWeekend.push(day);
    }
    expect(everyWeekend).toHaveLength(98);
    const allWorked = await request(http)
      .put('/api/registries/calendars/2027')
      .set(bearer(users.tokens['fao-clerk']))
      .send({ holidays: statutoryWeekdays(2027).map((h) => h.date), workdays: everyWeekend })
      .expect(422);
    const worked = allWorked.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule]);
    expect(worked).toContainEqual(['workdays', 'plausible-count']);
    expect(worked).toContainEqual([`workdays[${everyWeekend.indexOf('2027-03-06')}]`, 'near-holiday']);
    expect(allWorked.body.errors).toContainEqual({
      field: 'workdays',
      rule: 'plausible-count',
      message: expect.objectContaining({
        zh: expect.stringContaining('调休上班98天'),
        en: expect.stringContaining('98 adjusted working days'),
      }),
    });
    expect((await request(http).get('/api/registries/calendars/2027').set(bearer(users.tokens.organizer)).expect(200)).body).toMatchObject({
      source: 'provisional',
    });
    await request(http)
      .put('/api/registries/calendars/2027')
      .set(bearer(users.tokens.organizer))
      .send({ holidays: ['2027-01-01'] })
      .expect(403);
    const official = {
      holidays: [
        '2027-01-01',
        '2027-02-05',
        '2027-02-06',
        '2027-02-07',
        '2027-02-08',
        '2027-02-09',
        '2027-02-10',
        '2027-02-11',
        '2027-02-12',
        '2027-04-05',
        '2027-06-09',
        '2027-09-15',
        '2027-10-01',
      ],
      workdays: ['2027-02-14'],
      source: '国办发明电〔2026〕测试号',
    };
    const put = await request(http)
      .put('/api/registries/calendars/2027')
      .set(bearer(users.tokens['fao-director']))
      .send(official)
      .expect(200);
    expect(put.body).toMatchObject({ year: 2027, source: 'loaded', replaced: false, workdays: ['2027-02-14'] });
    documented(S.CalendarStoredSchema, put.body);
    const after = await request(http).get('/api/registries/calendars').set(bearer(users.tokens.organizer)).expect(200);
    expect(after.body.items.find((i: { year: number }) => i.year === 2027)).toMatchObject({
      source: 'loaded',
      provisional: false,
      holidays: 13,
      workdays: 1,
      loadedBy: users.usernames['fao-director'],
    });
    // Who loaded it, by display name, as pages name people (trial 85's kind: 载入人, 发布人 and 修改人 read accounts).
    const director = users.usernames['fao-director'];
    const directorName = (await api.app.get(DataSource).query('SELECT display_name FROM users WHERE username = $1', [director]))[0]
      .display_name as string;
    expect(after.body.actorNames).toEqual({ [director]: directorName });
    const loaded = await request(http).get('/api/registries/calendars/2027').set(bearer(users.tokens.organizer)).expect(200);
    expect(loaded.body).toMatchObject({
      source: 'loaded',
      holidays: official.holidays,
      workdays: official.workdays,
      actorNames: { [director]: directorName },
    });
    const changes = await request(http)
      .get('/api/registries/changes')
      .query({ entity: 'calendar' })
      .set(bearer(users.tokens.manager))
      .expect(200);
    expect(changes.body.items[0]).toMatchObject({ entityKey: '2027', action: 'loaded', actor: director });
    expect(changes.body.actorNames).toMatchObject({ [director]: directorName });
  });

  it('loading a schedule re-plans the running cases: the forecast moves past the new days off (issue 14 item 5)', async () => {
    const http = api.http;
    const caseId = (
      await request(http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(canonicalSubmission(users.unit)).expect(201)
    ).body.caseId as string;
    // The plan before the change: once the submission's system steps are back (the case page shows a new case
    // as it is, its system steps running, and their results move the forecast too).
    const before = await eventually(
      () => getProgress(api, users.tokens.organizer, caseId),
      (p) => !p.steps.some((s) => s.kind === 'system' && s.status === 'awaiting'),
      20_000,
    );
    // Running cases are found in the read model: wait until the submission is projected there.
    await eventually(
      async () =>
        (
          (await request(http).get('/api/delegations').set(bearer(users.tokens.organizer)).expect(200)).body.items as Array<{
            caseId: string;
          }>
        ).some((c) => c.caseId === caseId),
      (found) => found,
      20_000,
    );
    // The office declares every weekday of the next 30 days a day off (per year, as the State Council's notice would).
    const byYear = new Map<number, string[]>();
    for (let d = 1; d <= 30; d++) {
      const day = shanghaiDate(Date.now() + d * 86_400_000);
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      const year = Number(day.slice(0, 4));
      byYear.set(year, [...(byYear.get(year) ?? []), day]);
    }
    for (const [year, days] of byYear) {
      const holidays = [...new Set([...statutoryWeekdays(year).map((h) => h.date), ...days])];
      const put = await request(http)
        .put(`/api/registries/calendars/${year}`)
        .set(bearer(users.tokens['fao-director']))
        .send({ holidays, workdays: [], source: '测试：临时放假' })
        .expect(200);
      documented(S.CalendarStoredSchema, put.body);
      expect(put.body.replanned).toMatchObject({ failed: 0 });
      expect(put.body.replanned.signalled).toBeGreaterThanOrEqual(1);
    }
    const after = await eventually(
      () => getProgress(api, users.tokens.organizer, caseId),
      (p) => p.plan.forecastReadyAt !== before.plan.forecastReadyAt,
      20_000,
    );
    expect(Date.parse(after.plan.forecastReadyAt)).toBeGreaterThan(Date.parse(before.plan.forecastReadyAt) + 7 * 86_400_000);
    // The read model (list) follows: the case.replanned event moved the forecast there too.
    const listed = await eventually(
      async () =>
        (
          (await request(http).get('/api/delegations').set(bearer(users.tokens.organizer)).expect(200)).body.items as Array<{
            caseId: string;
            forecastReadyAt?: string;
          }>
        ).find((c) => c.caseId === caseId),
      (c) => !!c?.forecastReadyAt && Date.parse(c.forecastReadyAt) > Date.parse(before.plan.forecastReadyAt) + 7 * 86_400_000,
      20_000,
    );
    expect(listed).toBeDefined();
    // A case submitted now plans with the loaded schedules from its start.
    const fresh = (
      await request(http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(canonicalSubmission(users.unit)).expect(201)
    ).body;
    expect(Date.parse(fresh.plan.forecastReadyAt)).toBeGreaterThan(Date.parse(before.plan.forecastReadyAt) + 7 * 86_400_000);

    // A plan into a year nobody has published is marked provisional (暂排) in the case and the list, until the office loads it.
    const year = Number(shanghaiDate(Date.now()).slice(0, 4)) + 2;
    const base = canonicalSubmission(users.unit);
    const far = {
      ...base,
      departureDate: `${year}-03-13`,
      returnDate: `${year}-03-17`,
      destinations: [{ ...base.destinations[0]!, arrive: `${year}-03-13`, leave: `${year}-03-17` }],
    };
    const farCase = (await request(http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(far).expect(201)).body;
    expect(farCase.plan.provisionalCalendar).toBe(true);
    const listedFar = () =>
      request(http)
        .get('/api/delegations')
        .set(bearer(users.tokens.organizer))
        .expect(200)
        .then((r) => (r.body.items as Array<{ caseId: string; provisionalCalendar: boolean }>).find((c) => c.caseId === farCase.caseId));
    expect(await eventually(listedFar, (c) => c?.provisionalCalendar === true, 20_000)).toMatchObject({ provisionalCalendar: true });
    await request(http)
      .put(`/api/registries/calendars/${year}`)
      .set(bearer(users.tokens['fao-director']))
      .send({ holidays: statutoryWeekdays(year).map((h) => h.date), workdays: [], source: '测试' })
      .expect(200);
    expect(await eventually(listedFar, (c) => c?.provisionalCalendar === false, 20_000)).toMatchObject({ provisionalCalendar: false });
    expect((await getProgress(api, users.tokens.organizer, farCase.caseId)).plan.provisionalCalendar).toBe(false);
  });

  it('publishes a process version validated as at load; new cases take it, running cases keep theirs; the list says what changed', async () => {
    const http = api.http;
    /** POST /api/registries/process-versions as the FAO director (or `token`), expecting `status`. */
    const publish = (body: object, status: number, token = users.tokens['fao-director']) =>
      request(http).post('/api/registries/process-versions').set(bearer(token)).send(body).expect(status);
    const first = await request(http)
      .post('/api/delegations')
      .set(bearer(users.tokens.organizer))
      .send(canonicalSubmission(users.unit))
      .expect(201);
    expect((await getProgress(api, users.tokens.organizer, first.body.caseId)).definitionVersion).toBe(DEFAULT_DEFINITION.version);
    // Invalid: a step waiting for a step that does not exist (every problem listed, 422).
    const broken = { ...structuredClone(DEFAULT_DEFINITION), version: 'office-2027.1' };
    broken.steps = broken.steps.map((s) => (s.code === 'A02' ? { ...s, needs: ['Z99'] } : s));
    const invalid = await publish({ definition: broken }, 422);
    expect(invalid.body).toMatchObject({
      code: 'INVALID_REQUEST',
      errors: [{ rule: 'unknown-dependency', field: `definition.steps[${broken.steps.findIndex((s) => s.code === 'A02')}].needs[0]` }],
    });
    // New-user trial (critical): a version without the statutory approvals issued the 任务批件 after the intake clerk.
    const dropped = new Set(['A11', 'A12', 'A15', 'A16', 'B05', 'B06', 'B07']);
    const cut = { ...structuredClone(DEFAULT_DEFINITION), version: 'office-2027.1' };
    cut.steps = cut.steps
      .filter((s) => !dropped.has(s.code))
      .map((s) => ({ ...s, needs: s.code === 'B08' ? ['B02'] : s.code === 'B01' ? ['A17'] : s.needs.filter((n) => !dropped.has(n)) }));
    const unapproved = await publish({ definition: cut }, 422);
    expect(unapproved.body.errors).toEqual([
      // The intake (B02) names B05 as where a missing document is needed by default: a step the version no longer has.
      expect.objectContaining({
        field: `definition.steps[${cut.steps.findIndex((s) => s.code === 'B02')}].behaviour.intake.acceptWithDeficiencies.defaultNeededBy`,
        rule: 'invalid-field',
        message: expect.objectContaining({ en: expect.stringContaining('no step B05') }),
      }),
      expect.objectContaining({
        field: `definition.steps[${cut.steps.findIndex((s) => s.code === 'B08')}].needs`,
        rule: 'statutory-approval',
        message: expect.objectContaining({
          zh: expect.stringContaining('组织人事部门政审、保密审查、单位领导签批、外办主任审核、按权限报批、出访前公示'),
        }),
      }),
      // …and B08 no longer waits for the 容缺 documents (B03): the statutory table's needs.
      expect.objectContaining({
        field: `definition.steps[${cut.steps.findIndex((s) => s.code === 'B08')}].needs`,
        rule: 'statutory-step',
        message: expect.objectContaining({ en: expect.stringContaining('(B03)') }),
      }),
    ]);
    // Twelfth trial: a step added with the custody move 'cancel' cancelled every member's only valid passport (200 before).
    const cancelling = { ...structuredClone(DEFAULT_DEFINITION), version: 'office-2027.1' };
    cancelling.steps = [
      ...cancelling.steps,
      {
        code: 'Z01',
        phase: 'passport',
        name: { zh: '注销护照', en: 'Cancel the passport' },
        actor: 'passport-officer',
        scope: 'member',
        needs: ['C01'],
        durationWd: 0.5,
        kind: 'task',
        behaviour: { custody: 'cancel' },
      } as (typeof cancelling.steps)[number],
    ];
    expect((await publish({ definition: cancelling }, 422)).body.errors).toEqual([
      expect.objectContaining({ field: `definition.steps[${cancelling.steps.length - 1}].behaviour.custody`, rule: 'invalid-field' }),
    ]);
    // Trial: A02 published for the manager wedged every new case (the manager decides nothing; no one may act for them).
    const forManager = { ...structuredClone(DEFAULT_DEFINITION), version: 'office-2027.1' };
    forManager.steps = forManager.steps.map((s) => (s.code === 'A02' ? { ...s, actor: 'manager' as const } : s));
    const unactable = await publish({ definition: forManager }, 422);
    expect(unactable.body.errors).toEqual([
      expect.objectContaining({
        field: `definition.steps[${forManager.steps.findIndex((s) => s.code === 'A02')}].actor`,
        rule: 'step-actor',
      }),
    ]);
    // Second trial: A02 as a system step with no system work published, and every new case's workflow task failed.
    const asSystem = { ...structuredClone(DEFAULT_DEFINITION), version: 'office-2027.1' };
    asSystem.steps = asSystem.steps.map((s) => (s.code === 'A02' ? { ...s, kind: 'system' as const, actor: 'system' as const } : s));
    const unrunnable = await publish({ definition: asSystem }, 422);
    expect(unrunnable.body.errors).toEqual([
      expect.objectContaining({ field: `definition.steps[${asSystem.steps.findIndex((s) => s.code === 'A02')}].kind`, rule: 'step-kind' }),
    ]);
    const badSettings = await publish(
      { definition: { ...DEFAULT_DEFINITION, version: 'office-2027.1' }, settings: { stepDurations: { Q42: 1 } } },
      422,
    );
    expect(badSettings.body.errors[0]).toMatchObject({ rule: 'unknown-step-override', field: 'settings.stepDurations.Q42' });
    // New-user trial: text the read models cannot hold was published (201, current) and wedged the next case on
    // `value too long for type character varying(200)`. Now 422, every field named with its rule, nothing published.
    const wedge = structuredClone(DEFAULT_DEFINITION) as typeof DEFAULT_DEFINITION & { name?: { zh: string; en: string } };
    const a03 = wedge.steps.findIndex((s) => s.code === 'A03');
    wedge.steps[a03] = { ...wedge.steps[a03]!, name: { zh: 'a'.repeat(10_000), en: wedge.steps[a03]!.name.en } };
    const tooLong = await publish({ definition: { ...wedge, version: 'x\u200b', name: { zh: '\u200b', en: '' } } }, 422);
    expect(tooLong.body.code).toBe('INVALID_REQUEST');
    expect(tooLong.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule])).toEqual([
      ['definition.version', 'format'],
      ['definition.name.zh', 'blank'],
      ['definition.name.en', 'blank'],
      [`definition.steps[${a03}].name.zh`, 'max'],
    ]);
    expect(tooLong.body.errors[3].message).toEqual({ zh: '最多200个字符', en: 'At most 200 character(s)' });
    const versionOnly = await publish({ definition: { ...DEFAULT_DEFINITION, version: 'x\u200b' } }, 422);
    expect(versionOnly.body.errors).toEqual([
      {
        field: 'definition.version',
        rule: 'format',
        message: {
          zh: '须为1-32位字母、数字、. _ -（以字母或数字开头），如 office-2027.1',
          en: 'Must be 1-32 letters, digits, . _ - (starting with a letter or digit), e.g. office-2027.1',
        },
      },
    ]);
    await publish({ definition: { ...DEFAULT_DEFINITION, version: 'office-2027.1' } }, 403, users.tokens['fao-clerk']);

    const next = { ...structuredClone(DEFAULT_DEFINITION), version: 'office-2027.1' };
    // The office's own name of A02: its cases' inbox items say it (the case's definition, not the built-in's).
    const officeName = { zh: '起草出访申请（本办格式）', en: 'Draft trip application (office form)' };
    next.steps = next.steps.map((s) => (s.code === 'A02' ? { ...s, durationWd: 2, name: officeName } : s));
    // A dry run (发布前校验): publishing's answer, storing nothing; new cases keep the current version (trial 31 published
    // its probes to try them, and each became the default at once).
    const check = (body: object, status: number, token = users.tokens['fao-director']) =>
      request(http).post('/api/registries/process-versions/check').set(bearer(token)).send(body).expect(status);
    expect((await check({ definition: broken }, 422)).body.errors).toEqual(invalid.body.errors);
    expect((await check({ definition: cut }, 422)).body.errors).toEqual(unapproved.body.errors);
    await check({ definition: next }, 403, users.tokens['fao-clerk']);
    const dry = await check({ definition: next, settings: { stepDurations: { A05: 3 } } }, 200);
    documented(S.ProcessVersionCheckedSchema, dry.body);
    expect(dry.body).toMatchObject({ version: 'office-2027.1', previousVersion: DEFAULT_DEFINITION.version, published: false });
    await request(http).get('/api/registries/process-versions/office-2027.1').set(bearer(users.tokens.organizer)).expect(404);
    const before = await request(http).get('/api/registries/process-versions').set(bearer(users.tokens.organizer)).expect(200);
    expect(before.body.items.map((v: { version: string; current: boolean }) => [v.version, v.current])).toEqual([
      [DEFAULT_DEFINITION.version, true],
    ]);
    const pub = await publish({ definition: next, settings: { stepDurations: { A05: 3 } } }, 201);
    expect(pub.body.changes).toEqual(dry.body.changes);
    expect(pub.body).toMatchObject({ version: 'office-2027.1', previousVersion: DEFAULT_DEFINITION.version });
    documented(S.ProcessVersionPublishedSchema, pub.body);
    documented(
      S.ProcessVersionDetailSchema,
      (await request(http).get('/api/registries/process-versions/office-2027.1').set(bearer(users.tokens.organizer)).expect(200)).body,
    );
    documented(
      S.ProcessVersionDetailSchema,
      (
        await request(http)
          .get(`/api/registries/process-versions/${DEFAULT_DEFINITION.version}`)
          .set(bearer(users.tokens.organizer))
          .expect(200)
      ).body,
    );
    const builtInA02 = DEFAULT_DEFINITION.steps.find((s) => s.code === 'A02')!;
    expect(pub.body.changes).toEqual([
      { kind: 'step-changed', step: 'A02', field: 'durationWd', from: 1, to: 2 },
      { kind: 'step-changed', step: 'A02', field: 'name', from: builtInA02.name, to: officeName },
      { kind: 'setting-changed', field: 'stepDurations.A05', from: null, to: 3 },
    ]);
    // A version name published already is the field's fault, named (as a passport number's: rule unique-*).
    const taken = (version: string) => ({
      code: 'ACTION_NOT_ALLOWED',
      errors: [
        { field: 'definition.version', rule: 'unique-version', message: { zh: expect.stringContaining(version), en: expect.any(String) } },
      ],
    });
    expect((await publish({ definition: next }, 409)).body).toMatchObject(taken(next.version));
    expect((await check({ definition: next }, 409)).body).toMatchObject(taken(next.version));
    // A built-in version's name is taken too (readers holding only a case's version name would take the built-in).
    for (const version of [DEFINITION_2026_1.version, APEC_CARD_DEFINITION.version])
      expect((await publish({ definition: { ...next, version } }, 409)).body).toMatchObject(taken(version));
    const list = await request(http).get('/api/registries/process-versions').set(bearer(users.tokens.organizer)).expect(200);
    documented(S.ProcessVersionListSchema, list.body);
    expect(list.body.items.map((v: { version: string; current: boolean }) => [v.version, v.current])).toEqual([
      ['office-2027.1', true],
      [DEFAULT_DEFINITION.version, false],
    ]);
    // Who published it, by display name (the versions tab's 发布人).
    const publisher = list.body.items[0].publishedBy as string;
    expect(list.body.actorNames).toEqual({
      [publisher]: (await api.app.get(DataSource).query('SELECT display_name FROM users WHERE username = $1', [publisher]))[0].display_name,
    });

    const second = await request(http)
      .post('/api/delegations')
      .set(bearer(users.tokens.organizer))
      .send(canonicalSubmission(users.unit))
      .expect(201);
    const p2 = await getProgress(api, users.tokens.organizer, second.body.caseId);
    expect(p2.definitionVersion).toBe('office-2027.1');
    expect(['A02', 'A05'].map((k) => p2.steps.find((s) => s.key === k)!.durationWd)).toEqual([2, 3]);
    const inboxA02 = async () =>
      (
        (await request(http).get('/api/inbox?pageSize=100').set(bearer(users.tokens.organizer)).expect(200)).body.items as Array<{
          caseId: string;
          code: string;
          name: unknown;
        }>
      ).filter((i) => i.code === 'A02' && [first.body.caseId, second.body.caseId].includes(i.caseId));
    const a02 = await eventually(inboxA02, (items) => items.length === 2, 30_000);
    expect(Object.fromEntries(a02.map((i) => [i.caseId, i.name]))).toEqual({
      [first.body.caseId]: builtInA02.name,
      [second.body.caseId]: officeName,
    });
    const p1 = await getProgress(api, users.tokens.organizer, first.body.caseId);
    expect(p1.definitionVersion).toBe(DEFAULT_DEFINITION.version);
    expect(['A02', 'A05'].map((k) => p1.steps.find((s) => s.key === k)!.durationWd)).toEqual([
      1,
      DEFAULT_DEFINITION.steps.find((s) => s.code === 'A05')!.durationWd,
    ]);
  });

  it("the unit organizer's plan is a proposal A01 does not read until the FAO clerk approves it", async () => {
    const service = api.app.get(RegistriesService);
    // A unit of its own: no other test's open case of the unit takes the planned trip when the plan is approved (an
    // approval runs their A01 again).
    const users = await createTestUsers(api, `plan-a-${uniqueSuffix()}`);
    const year = Number(shanghaiDate(Date.now()).slice(0, 4)) + 1;
    const path = `/api/registries/units/${users.unit}/plans/${year}`;
    const as = (role: keyof typeof users.tokens) => bearer(users.tokens[role]);
    const trip = { id: 'P-US', purpose: 'investment-promotion', countries: ['US'], size: 5, quarter: 1 };
    const facts = { ...SUBMISSION_EXAMPLE, unit: users.unit, departureDate: `${year}-03-15`, returnDate: `${year}-03-20` };
    const check = () => service.checkPlan(facts as unknown as CaseFacts);
    await registerTestUnit(api, users);
    // The handed input's kind: the unit clerk filed a plan right before its submission, and A01 read it as planned.
    const filed = await request(api.http)
      .put(path)
      .set(as('organizer'))
      .send({ trips: [trip] })
      .expect(201);
    expect(filed.body).toMatchObject({ trips: null, approved: null, proposal: { trips: [trip], by: expect.any(String) } });
    expect(await check()).toMatchObject({ outcome: 'no-plan' });
    // Only the FAO clerk approves, the filing it read (its `at`); the organizer's approval is refused by the access table.
    const at = filed.body.proposal.at as string;
    await request(api.http).post(`${path}/approve`).set(as('organizer')).send({ proposedAt: at }).expect(403);
    expect((await request(api.http).post(`${path}/approve`).set(as('fao-clerk')).send({}).expect(400)).body.errors).toEqual([
      expect.objectContaining({ field: 'proposedAt', rule: 'required' }),
    ]);
    // Not an instant: 400 naming the field (fresh trial: 409 proposal-changed, as if the unit had filed again).
    for (const proposedAt of ['yesterday', '2026-13-01T00:00:00Z', 42])
      expect((await request(api.http).post(`${path}/approve`).set(as('fao-clerk')).send({ proposedAt }).expect(400)).body.errors).toEqual([
        expect.objectContaining({ field: 'proposedAt' }),
      ]);
    // The instant read, written in Beijing time, is the filing's.
    const beijing = new Date(Date.parse(at) + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
    const approved = await request(api.http).post(`${path}/approve`).set(as('fao-clerk')).send({ proposedAt: beijing }).expect(200);
    expect(approved.body).toMatchObject({ trips: [trip], approved: { by: expect.any(String) }, proposal: null });
    // Who approved it by display name, as the case pages name people (trial 82's kind: the plan named an account).
    const clerkName = (
      await api.app.get(DataSource).query('SELECT display_name FROM users WHERE username = $1', [approved.body.approved.by])
    )[0].display_name as string;
    expect(approved.body.actorNames).toEqual({ [approved.body.approved.by]: clerkName });
    expect(await check()).toMatchObject({ outcome: 'planned', tripId: 'P-US' });
    const none = await request(api.http).post(`${path}/approve`).set(as('fao-clerk')).send({ proposedAt: at }).expect(409);
    expect(none.body.errors).toEqual([expect.objectContaining({ field: 'path.year', rule: 'no-proposal' })]);
    // A later filing leaves the approved plan as A01 reads it: the US trip dropped stays planned until approved.
    const other = { ...trip, id: 'P-DE', countries: ['DE'] };
    const second = await request(api.http)
      .put(path)
      .set(as('organizer'))
      .send({ trips: [other] })
      .expect(200);
    expect(await check()).toMatchObject({ outcome: 'planned', tripId: 'P-US' });
    // The clerk read the second filing; the unit files a third before the approval: refused, not approved unseen.
    await request(api.http)
      .put(path)
      .set(as('organizer'))
      .send({ trips: [trip, other] })
      .expect(200);
    const unseen = await request(api.http)
      .post(`${path}/approve`)
      .set(as('fao-clerk'))
      .send({ proposedAt: second.body.proposal.at })
      .expect(409);
    expect(unseen.body.errors).toEqual([expect.objectContaining({ field: 'proposedAt', rule: 'proposal-changed' })]);
    await request(api.http)
      .put(path)
      .set(as('organizer'))
      .send({ trips: [other] })
      .expect(200);
    expect((await request(api.http).get(path).set(as('organizer')).expect(200)).body).toMatchObject({
      trips: [trip],
      proposal: { trips: [other] },
    });
    // The FAO clerk's own filing is the approved plan, and settles the proposal.
    await request(api.http)
      .put(path)
      .set(as('fao-clerk'))
      .send({ trips: [trip, other] })
      .expect(200);
    expect((await request(api.http).get(path).set(as('organizer')).expect(200)).body).toMatchObject({
      trips: [trip, other],
      proposal: null,
    });
    const history = (await request(api.http).get(`/api/registries/changes`).query({ unit: users.unit }).set(as('fao-clerk')).expect(200))
      .body.items as Array<{ entity: string; action: string }>;
    expect(history.filter((c) => c.entity === 'plan').map((c) => c.action)).toEqual(
      expect.arrayContaining(['proposed', 'approved', 'proposed', 'updated']),
    );
  });

  /**
   * A unit's Q1 US trips of `year` as the plan tests file them (`submit`: a typed division head, a passport of its own)
   * and A01's recorded outcome of one once it is `want` (`outcome`, up to 60 s).
   */
  const planCases = (own: TestUsers, year: number) => {
    /** A February US trip filed by the unit's organizer: its case id and the filing instant the API recorded. */
    const file = async () =>
      (
        await request(api.http)
          .post('/api/delegations')
          .set(bearer(own.tokens.organizer))
          .send(
            typedTrip(own.unit, `${year}-02-10`, `${year}-02-14`, {
              name: `张${uniqueSuffix()}`,
              rank: 'division',
              passportNumber: passportNo(),
            }),
          )
          .expect(201)
      ).body as { caseId: string; submittedAt: string };
    return {
      file,
      submit: async () => (await file()).caseId,
      outcome: (caseId: string, want: string) =>
        eventually(
          async () => {
            const p = await getProgress(api, own.tokens.organizer, caseId).catch(() => null);
            const a01 = p?.steps.find((s) => s.key === 'A01');
            return a01?.status === 'done' ? (a01.data as { planOutcome?: string } | undefined)?.planOutcome : undefined;
          },
          (o) => o === want,
          60_000,
        ),
    };
  };

  /** A unit of its own with next year's approved plan of these trips (`us`: a Q1 US trip, `de`: a Q2 German one). */
  const planUnit = async (prefix: string, initial: Array<'us' | 'de'>) => {
    const year = Number(shanghaiDate(Date.now()).slice(0, 4)) + 1;
    const own = await createTestUsers(api, `${prefix}-${uniqueSuffix()}`);
    await registerTestUnit(api, own);
    const path = `/api/registries/units/${own.unit}/plans/${year}`;
    const clerk = bearer(own.tokens['fao-clerk']);
    const trips = {
      us: { id: 'P-US', purpose: 'investment-promotion', countries: ['US'], size: 5, quarter: 1 },
      de: { id: 'P-DE', purpose: 'investment-promotion', countries: ['DE'], size: 3, quarter: 2 },
    };
    await request(api.http)
      .put(path)
      .set(clerk)
      .send({ trips: initial.map((t) => trips[t]) })
      .expect(201);
    return { year, own, path, clerk, ...trips, ...planCases(own, year) };
  };

  it("twenty-first trial: the submission's dry run answers what A01 would (annualPlan): planned while the trip is free, over the plan naming it once another case holds it", async () => {
    const { year, own, submit, outcome } = await planUnit('plan-dry', ['us']);
    const trip = typedTrip(own.unit, `${year}-02-10`, `${year}-02-14`, {
      name: `李${uniqueSuffix()}`,
      rank: 'division',
      passportNumber: passportNo(),
    });
    const check = async () =>
      (await request(api.http).post('/api/delegations/check').set(bearer(own.tokens.organizer)).send(trip).expect(200)).body as {
        ok: boolean;
        annualPlan?: Record<string, unknown>;
      };
    expect(await check()).toMatchObject({
      ok: true,
      annualPlan: { outcome: 'planned', tripId: 'P-US', message: { zh: '列入年度计划（P-US）', en: 'In the annual plan (P-US)' } },
    });
    const first = await submit();
    expect(await outcome(first, 'planned')).toBe('planned');
    const after = await check();
    expect(after.annualPlan).toEqual({
      outcome: 'over-plan',
      comparedWith: ['P-US'],
      message: {
        zh: '超出年度计划（P-US已由本单位其他团组使用）',
        en: 'Over the annual plan (P-US was taken by another delegation of the unit)',
      },
    });
    // A trip no planned trip covers (another quarter): unplanned, the reviewer will ask for a reason.
    const may = typedTrip(own.unit, `${year}-05-10`, `${year}-05-14`, {
      name: `王${uniqueSuffix()}`,
      rank: 'division',
      passportNumber: passportNo(),
    });
    const unplanned = (await request(api.http).post('/api/delegations/check').set(bearer(own.tokens.organizer)).send(may).expect(200)).body;
    expect(unplanned.annualPlan).toMatchObject({ outcome: 'unplanned' });
  });

  it('A01 runs again when the approved plan changes, and when a case holding a planned trip closes or moves off it (trial: the outcome stood, planned for a trip the plan no longer had)', async () => {
    const { year, path, clerk, us, de, submit, outcome, own } = await planUnit('plan-re', ['us']);
    const first = await submit();
    expect(await outcome(first, 'planned')).toBe('planned');
    // The handed input: the FAO clerk drops the US trip from the approved plan; the case read 计划内 still.
    const dropped = await request(api.http)
      .put(path)
      .set(clerk)
      .send({ trips: [de] })
      .expect(200);
    expect(dropped.body.rechecked).toEqual({ signalled: 1, failed: 0 });
    expect(await outcome(first, 'unplanned')).toBe('unplanned');
    // The trip planned again: the first case holds it, a second of the quarter is over plan.
    await request(api.http)
      .put(path)
      .set(clerk)
      .send({ trips: [us, de] })
      .expect(200);
    expect(await outcome(first, 'planned')).toBe('planned');
    const second = await submit();
    expect(await outcome(second, 'over-plan')).toBe('over-plan');
    // The first moved to May (its A01 runs again: no US trip in quarter 2), its trip is free: the second takes it.
    const moved = await getProgress(api, own.tokens.organizer, first);
    const may = (d: string) => `${year}-05-${d}`;
    await request(api.http)
      .post(`/api/delegations/${first}/amend`)
      .set(bearer(own.tokens.organizer))
      .send({
        changes: {
          departureDate: may('11'),
          returnDate: may('15'),
          destinations: moved.facts.destinations.map((d) => ({ ...d, arrive: may('11'), leave: may('15') })),
        },
      })
      .expect(200);
    expect(await outcome(first, 'unplanned')).toBe('unplanned');
    expect(await outcome(second, 'planned')).toBe('planned');
    // The second withdrawn, its trip is free again: a third of the quarter, over plan, takes it.
    const third = await submit();
    expect(await outcome(third, 'over-plan')).toBe('over-plan');
    await request(api.http)
      .post(`/api/delegations/${second}/withdraw`)
      .set(bearer(own.tokens.organizer))
      .send({ reason: '活动取消' })
      .expect(200);
    expect(await outcome(third, 'planned')).toBe('planned');
    // Terminated from a Temporal client, bypassing the API: the reconciler's close frees the trip as an action's does.
    const fourth = await submit();
    expect(await outcome(fourth, 'over-plan')).toBe('over-plan');
    await worker.client.workflow.getHandle(delegationWorkflowId(third)).terminate('测试：从 Temporal 终止 / terminated from Temporal');
    const reconciler = worker.app.get(ReconcilerService);
    await eventually(
      () => reconciler.reconcile(),
      (r) => r.closed.includes(third),
      20_000,
    );
    expect(await outcome(fourth, 'planned')).toBe('planned');
  });

  it('thirteenth trial: a trip added to the plan, or freed, goes to the earliest filed case it covers, not to whichever A01 runs first', async () => {
    const { path, clerk, us, de, submit, outcome, own } = await planUnit('plan-fo', ['de']);
    // Filed one after another, none planned: the plan has no US trip.
    const filed: string[] = [];
    for (let i = 0; i < 4; i++) filed.push(await submit());
    for (const caseId of filed) expect(await outcome(caseId, 'unplanned')).toBe('unplanned');
    // The US trip added: the first filed holds it, every later one is over plan, as many times as it is re-saved.
    for (const trips of [
      [us, de],
      [de, us],
    ]) {
      await request(api.http).put(path).set(clerk).send({ trips }).expect(200);
      expect(await outcome(filed[0]!, 'planned')).toBe('planned');
      for (const caseId of filed.slice(1)) expect(await outcome(caseId, 'over-plan')).toBe('over-plan');
    }
    // The holder withdrawn: the trip goes to the next filed, the later ones stay over plan.
    await request(api.http)
      .post(`/api/delegations/${filed[0]}/withdraw`)
      .set(bearer(own.tokens.organizer))
      .send({ reason: '活动取消' })
      .expect(200);
    expect(await outcome(filed[1]!, 'planned')).toBe('planned');
    for (const caseId of filed.slice(2)) expect(await outcome(caseId, 'over-plan')).toBe('over-plan');
  });

  it('eighteenth trial: four cases filed at once against two planned trips: the first two filed hold them, whichever A01 runs first', async () => {
    const { path, clerk, us, file, outcome } = await planUnit('plan-at', ['us']);
    await request(api.http)
      .put(path)
      .set(clerk)
      .send({ trips: [us, { ...us, id: 'P-US2' }] })
      .expect(200);
    const filed = await Promise.all(Array.from({ length: 4 }, () => file()));
    // Filing order as the API recorded it (its submittedAt, then the case id, as the plan is shared out).
    const order = [...filed].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt) || a.caseId.localeCompare(b.caseId));
    for (const [i, c] of order.entries())
      expect(await outcome(c.caseId, i < 2 ? 'planned' : 'over-plan')).toBe(i < 2 ? 'planned' : 'over-plan');
  });

  it("a closed case's freed trip whose announcement was lost is announced by the reconciler's sweep (known gap: a worker stopped between the append and the signals)", async () => {
    const year = Number(shanghaiDate(Date.now()).slice(0, 4)) + 1;
    const own = await createTestUsers(api, `plan-sw-${uniqueSuffix()}`);
    await registerTestUnit(api, own);
    const us = { id: 'P-US', purpose: 'investment-promotion', countries: ['US'], size: 5, quarter: 1 };
    await request(api.http)
      .put(`/api/registries/units/${own.unit}/plans/${year}`)
      .set(bearer(own.tokens['fao-clerk']))
      .send({ trips: [us] })
      .expect(201);
    const { submit, outcome } = planCases(own, year);
    const holder = await submit();
    expect(await outcome(holder, 'planned')).toBe('planned');
    const waiting = await submit();
    expect(await outcome(waiting, 'over-plan')).toBe('over-plan');
    // The holder's close is in the read model, but nobody was told (as when the worker stops after the append).
    const db = api.app.get(DataSource);
    await db.query(`UPDATE cases SET status = 'withdrawn', closed_at = now() - interval '10 minutes' WHERE case_id = $1`, [holder]);
    const swept = await worker.app.get(ReconcilerService).reconcile();
    expect(swept.tripsFreed).toContain(holder);
    expect(await outcome(waiting, 'planned')).toBe('planned');
    // Told once: the closed case's claim is gone, so the next sweep does not tell them again.
    expect(await db.query(`SELECT 1 FROM annual_plan_claims WHERE case_id = $1`, [holder])).toEqual([]);
    expect((await worker.app.get(ReconcilerService).reconcile()).tripsFreed ?? []).not.toContain(holder);
  });

  it("this year's past quarters are on record: a planned trip there is not added, changed or removed (409 not-past), for the organizer and the FAO alike", async () => {
    const today = shanghaiDate(Date.now());
    const year = Number(today.slice(0, 4));
    const current = quarterOf(today);
    // A unit of its own: its plan for this year is no other test's A01.
    const own = await createTestUsers(api, `plan-q-${uniqueSuffix()}`);
    const path = `/api/registries/units/${own.unit}/plans/${year}`;
    const as = (role: keyof typeof own.tokens) => bearer(own.tokens[role]);
    await registerTestUnit(api, own);
    const now = { id: 'P-NOW', purpose: 'investment-promotion', countries: ['US'], size: 5, quarter: current };
    const approved = await request(api.http)
      .put(path)
      .set(as('fao-clerk'))
      .send({ trips: [now] })
      .expect(201);
    expect(approved.body.trips).toEqual([now]);
    if (current === 1) {
      // January to March: no quarter of the year has passed, every trip is open to change.
      await request(api.http)
        .put(path)
        .set(as('organizer'))
        .send({ trips: [{ ...now, size: 6 }] })
        .expect(200);
      return;
    }
    // The handed input: this year's plan filed with a trip in a quarter already over (200 before).
    const past = { ...now, id: 'P-PAST', quarter: current - 1 };
    for (const role of ['organizer', 'fao-clerk'] as const) {
      const refused = await request(api.http)
        .put(path)
        .set(as(role))
        .send({ trips: [now, past] })
        .expect(409);
      expect(refused.body).toMatchObject({ code: 'ACTION_NOT_ALLOWED', errors: [{ field: 'trips[1]', rule: 'not-past' }] });
    }
    // The current quarter's trip changes freely.
    await request(api.http)
      .put(path)
      .set(as('fao-clerk'))
      .send({ trips: [{ ...now, size: 7 }] })
      .expect(200);
  });

  it("seeds the demo units, rosters, passports and plans once; A01's plan check reads the plan", async () => {
    const service = api.app.get(RegistriesService);
    expect(await service.seedDemo()).toBeGreaterThan(0);
    expect(await service.seedDemo()).toBe(0);
    const units = await request(api.http).get('/api/registries/units').set(bearer(users.tokens.manager)).expect(200);
    expect(units.body.items.map((u: { code: string }) => u.code)).toEqual(expect.arrayContaining(['commerce', 'education', 'fao']));
    const passports = await request(api.http)
      .get('/api/registries/passports')
      .query({ unit: 'commerce' })
      .set(bearer(users.tokens['passport-officer']))
      .expect(200);
    expect(passports.body.items.map((p: { number: string; displayState: string }) => [p.number, p.displayState])).toEqual([
      ['SE1234567', 'in-custody'],
      ['SE2345678', 'in-custody'],
    ]);
    // The OpenAPI example trip (commerce, US, March 2027) is in commerce's 2027 plan; a larger one is over it.
    expect(await service.checkPlan(SUBMISSION_EXAMPLE as unknown as CaseFacts)).toMatchObject({ outcome: 'planned', tripId: 'C-2027-1' });
    const big = {
      ...SUBMISSION_EXAMPLE,
      members: Array.from({ length: 6 }, (_, i) => ({ ...SUBMISSION_EXAMPLE.members[0], id: `m${i + 1}` })),
    };
    expect(await service.checkPlan(big as unknown as CaseFacts)).toMatchObject({ outcome: 'over-plan', comparedWith: ['C-2027-1'] });
    expect(await service.checkPlan({ ...SUBMISSION_EXAMPLE, unit: 'education' } as unknown as CaseFacts)).toMatchObject({
      outcome: 'unplanned',
    });
    expect(await service.checkPlan({ ...SUBMISSION_EXAMPLE, departureDate: '2028-03-15' } as unknown as CaseFacts)).toMatchObject({
      outcome: 'no-plan',
    });
  });
});
