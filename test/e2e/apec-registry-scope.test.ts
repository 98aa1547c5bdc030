import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { addDays, shanghaiDate } from '@df/domain';
import { startTestWorker, type TestWorker } from '../support/harness';
import {
  bearer,
  createTestUsers,
  registerRosterPerson,
  registerTestUnit,
  startTestApi,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';
import { uniqueBirthDate } from '../support/factories';

/**
 * The APEC roles' registries are the APEC card enterprises' (registryUnitKind, mayReadUnitRecords in
 * libs/domain/src/access.ts; docs/api.md "Who may do what"), and an enterprise's clerk keeps its enterprise's roster
 * (REGISTRY_WRITERS.people, mayWriteRoster).
 * F7 (a leak): the APEC desk, walled off from the 审护签 cases, read a government unit's roster
 * (`people?unit=commerce`, `people/P-commerce-001`), every unit's passport ledger and their changes: all 200.
 * F4 (a gap): only a unit's personnel office wrote a roster, and an enterprise holds none, so a newly registered
 * enterprise's card applications were all 422 `registered-person`.
 */
describe('APEC roles: the enterprises registries only (F7); the enterprise clerk keeps its roster (F4)', () => {
  let worker: TestWorker;
  let api: TestApi;
  let gov: TestUsers;
  let ent: TestUsers;
  let passportRef: string;
  const govBirth = uniqueBirthDate();
  const govPerson = () => `P-${gov.unit}-001`;
  const today = () => shanghaiDate(Date.now());

  const get = (path: string, token: string) => request(api.http).get(path).set(bearer(token));
  const personBody = (unit: string, fields: Record<string, unknown> = {}) => ({
    unit,
    name: '赵六',
    gender: 'female',
    dateOfBirth: uniqueBirthDate(),
    rank: 'staff',
    position: '外贸业务经理',
    partyMember: false,
    leadershipTeam: null,
    status: 'active',
    ...fields,
  });

  beforeAll(async () => {
    worker = await startTestWorker();
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 5 });
    // Handed input: a government unit with a person on its roster (P-commerce-001) and their passport in custody.
    gov = await createTestUsers(api);
    await registerTestUnit(api, gov);
    await registerRosterPerson(api, gov, govPerson(), { name: '王五', dateOfBirth: govBirth, rank: 'bureau', position: '副局长' });
    const number = `SE${String(Date.now()).slice(-7)}`;
    const reg = await request(api.http)
      .post('/api/registries/passports')
      .set(bearer(gov.tokens['passport-officer']))
      .send({ number, issuedOn: '2017-05-01', expiresOn: '2027-05-01', holder: govPerson() })
      .expect(201);
    passportRef = reg.body.ref;
    // A newly registered enterprise (a state one applies directly): its clerk is its only unit user.
    ent = await createTestUsers(api, `ent-${randomUUID().slice(0, 8)}`, { enterprise: true });
    await registerTestUnit(api, ent);
    await request(api.http)
      .put(`/api/apec/enterprises/${ent.unit}`)
      .set(bearer(ent.tokens['apec-desk']))
      .send({ ownership: 'state', size: 'medium' })
      .expect(200);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it("F4: the new enterprise's clerk adds a person to its roster and applies for a card for them", async () => {
    const clerk = ent.tokens['enterprise-clerk'];
    const personId = `${ent.unit}-001`;
    const put = await request(api.http).put(`/api/registries/people/${personId}`).set(bearer(clerk)).send(personBody(ent.unit)).expect(200);
    expect(put.body).toMatchObject({ personId, unit: ent.unit, name: '赵六' });
    // An update of its own person, by the same route and rules.
    await request(api.http)
      .put(`/api/registries/people/${personId}`)
      .set(bearer(clerk))
      .send(personBody(ent.unit, { dateOfBirth: put.body.dateOfBirth, position: '副总经理' }))
      .expect(200);
    const roster = (await get('/api/registries/people', clerk).expect(200)).body;
    expect(roster.items.map((p: { personId: string }) => p.personId)).toEqual([personId]);
    // The keeper reads every field it keeps (helper's finding: party membership withheld from the clerk came back from
    // its form as false and overwrote what the roster held): a party member stays one through the clerk's own edit.
    await request(api.http)
      .put(`/api/registries/people/${personId}`)
      .set(bearer(clerk))
      .send(personBody(ent.unit, { dateOfBirth: put.body.dateOfBirth, position: '副总经理', partyMember: true }))
      .expect(200);
    const read = (await get(`/api/registries/people/${personId}`, clerk).expect(200)).body;
    expect(read).toMatchObject({ partyMember: true, dateOfBirth: put.body.dateOfBirth });
    await request(api.http)
      .put(`/api/registries/people/${personId}`)
      .set(bearer(clerk))
      // What the form sends back: the fields as read (a withheld one came back as false), one changed.
      .send(personBody(ent.unit, { dateOfBirth: read.dateOfBirth, partyMember: read.partyMember, position: '总经理' }))
      .expect(200);
    expect((await get(`/api/registries/people/${personId}`, clerk).expect(200)).body).toMatchObject({
      partyMember: true,
      position: '总经理',
    });

    const application = await request(api.http)
      .post('/api/apec/applications')
      .set(bearer(clerk))
      .set('Idempotency-Key', randomUUID())
      .send({ personIds: [personId], economies: ['JP'], neededBy: addDays(today(), 60) })
      .expect(201);
    expect(application.body).toMatchObject({ process: 'apec-card', caseId: expect.any(String) });
  });

  it("F4: the roster's person rules hold for the clerk, and it writes no other unit's roster, nor a government unit's", async () => {
    const clerk = ent.tokens['enterprise-clerk'];
    // The same rules as the personnel office's: working age, one person once (the other entry not named to it).
    const young = await request(api.http)
      .put(`/api/registries/people/${ent.unit}-002`)
      .set(bearer(clerk))
      .send(personBody(ent.unit, { dateOfBirth: addDays(today(), -365 * 10) }))
      .expect(422);
    expect(young.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule])).toEqual([['dateOfBirth', 'working-age']]);
    const copy = await request(api.http)
      .put(`/api/registries/people/${ent.unit}-003`)
      .set(bearer(clerk))
      .send(personBody(ent.unit, { name: '王五', gender: 'male', dateOfBirth: govBirth }))
      .expect(409);
    expect(copy.body).toMatchObject({ code: 'PERSON_ALREADY_REGISTERED', errors: [{ field: 'name', rule: 'unique-person' }] });
    expect(JSON.stringify(copy.body)).not.toContain(govPerson());

    // Another unit's roster: 403 for a new person of it, 404 (as unknown) for its person.
    const other = await request(api.http)
      .put(`/api/registries/people/${gov.unit}-009`)
      .set(bearer(clerk))
      .send(personBody(gov.unit))
      .expect(403);
    expect(other.body).toMatchObject({ code: 'CASE_OUT_OF_SCOPE', message: { zh: expect.any(String), en: expect.any(String) } });
    await request(api.http).put(`/api/registries/people/${govPerson()}`).set(bearer(clerk)).send(personBody(ent.unit)).expect(404);
    // A government unit's enterprise clerk writes (and reads) nothing of its unit's roster.
    const govClerk = gov.tokens['enterprise-clerk'];
    expect(
      (await request(api.http).put(`/api/registries/people/${gov.unit}-010`).set(bearer(govClerk)).send(personBody(gov.unit)).expect(403))
        .body.code,
    ).toBe('CASE_OUT_OF_SCOPE');
    expect((await get('/api/registries/people', govClerk).expect(403)).body.code).toBe('CASE_OUT_OF_SCOPE');
    await get(`/api/registries/people/${govPerson()}`, govClerk).expect(404);
    // The APEC desk keeps no roster (it reviews the applicants the roster names), nor do the other unit roles.
    await request(api.http)
      .put(`/api/registries/people/${ent.unit}-004`)
      .set(bearer(ent.tokens['apec-desk']))
      .send(personBody(ent.unit))
      .expect(403);
    await request(api.http)
      .put(`/api/registries/people/${gov.unit}-011`)
      .set(bearer(gov.tokens.organizer))
      .send(personBody(gov.unit))
      .expect(403);
  });

  it("F7: the APEC desk reads no government unit's people, passports, their changes, plans or unit record", async () => {
    const desk = ent.tokens['apec-desk'];
    // Handed input: each 200 before.
    const refusals = [
      await get(`/api/registries/people?unit=${gov.unit}`, desk),
      await get(`/api/registries/passports?unit=${gov.unit}`, desk),
      await get(`/api/registries/changes?unit=${gov.unit}`, desk),
      await get(`/api/registries/units/${gov.unit}`, desk),
      await get(`/api/registries/units/${gov.unit}/plans/${new Date().getFullYear() + 1}`, desk),
    ];
    expect(refusals.map((r) => [r.status, r.body.code])).toEqual(refusals.map(() => [403, 'CASE_OUT_OF_SCOPE']));
    expect(refusals[0]!.body.message).toEqual({ zh: expect.stringMatching(/[\u4e00-\u9fff]/), en: expect.any(String) });
    // A person or passport by id: 404, as one out of reach answers.
    await get(`/api/registries/people/${govPerson()}`, desk).expect(404);
    await get(`/api/registries/passports/${passportRef}`, desk).expect(404);

    // The lists hold the enterprises' rows only.
    const people = (await get('/api/registries/people', desk).expect(200)).body.items as Array<{ unit: string; name: string }>;
    expect(people.map((p) => p.unit)).toContain(ent.unit);
    expect(people.filter((p) => p.unit === gov.unit)).toEqual([]);
    const passports = (await get('/api/registries/passports', desk).expect(200)).body.items as Array<{ ref: string; unit: string }>;
    expect(passports.filter((p) => p.ref === passportRef || p.unit === gov.unit)).toEqual([]);
    for (const entity of ['passport', 'person', 'unit', undefined]) {
      const changes = (await get(`/api/registries/changes${entity ? `?entity=${entity}` : ''}`, desk).expect(200)).body.items as Array<{
        unit: string | null;
      }>;
      expect([entity, changes.filter((c) => c.unit === gov.unit)]).toEqual([entity, []]);
      if (entity === 'person') expect(changes.map((c) => c.unit)).toContain(ent.unit);
    }
    // The units: the enterprise's record in full, a government unit by its names only (the desk registers from them).
    const units = (await get('/api/registries/units', desk).expect(200)).body.items as Array<Record<string, unknown>>;
    expect(units.find((u) => u.code === gov.unit)).toEqual({
      code: gov.unit,
      nameZh: `测试单位${gov.unit}`,
      nameEn: `Test unit ${gov.unit}`,
    });
    expect(units.find((u) => u.code === ent.unit)).toMatchObject({
      code: ent.unit,
      signatories: ['王局长'],
      suspension: { suspended: false },
    });
    await get(`/api/registries/units/${ent.unit}`, desk).expect(200);
  });

  it("an enterprise clerk's own unit: 404 while not registered (the APEC page's hint), 403 until registered as an enterprise", async () => {
    const next = await createTestUsers(api, `ent-${randomUUID().slice(0, 8)}`, { enterprise: true });
    const clerk = next.tokens['enterprise-clerk'];
    expect((await get(`/api/registries/units/${next.unit}`, clerk).expect(404)).body.code).toBe('NOT_FOUND');
    await registerTestUnit(api, next);
    expect((await get(`/api/registries/units/${next.unit}`, clerk).expect(403)).body.code).toBe('CASE_OUT_OF_SCOPE');
    await request(api.http)
      .put(`/api/apec/enterprises/${next.unit}`)
      .set(bearer(next.tokens['apec-desk']))
      .send({ ownership: 'state', size: 'small' })
      .expect(200);
    await get(`/api/registries/units/${next.unit}`, clerk).expect(200);
  });

  it('the other roles read as before: the FAO clerk every unit, the government unit its own', async () => {
    const fao = ent.tokens['fao-clerk'];
    expect((await get(`/api/registries/people?unit=${gov.unit}`, fao).expect(200)).body.items.map((p: { unit: string }) => p.unit)).toEqual(
      [gov.unit],
    );
    await get(`/api/registries/people/${govPerson()}`, fao).expect(200);
    await get(`/api/registries/passports/${passportRef}`, fao).expect(200);
    const changes = (await get('/api/registries/changes?entity=passport', fao).expect(200)).body.items as Array<{ unit: string }>;
    expect(changes.map((c) => c.unit)).toContain(gov.unit);
    await get(`/api/registries/units/${gov.unit}`, fao).expect(200);
    await get(`/api/registries/people/${govPerson()}`, gov.tokens.organizer).expect(200);
    await get(`/api/registries/passports/${passportRef}`, gov.tokens.organizer).expect(200);
  });
});
