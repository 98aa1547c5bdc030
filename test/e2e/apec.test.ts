import request from 'supertest';
import { DataSource } from 'typeorm';
import { addDays, addMonths, shanghaiDate } from '@df/domain';
import { ApecRepository, RegistriesRepository } from '@df/persistence';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import {
  bearer,
  canonicalSubmission,
  createTestUsers,
  startTestApi,
  uniqueSuffix,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';
import * as S from '../../apps/api/src/apec/schemas';
import { CatalogSchema } from '../../apps/api/src/delegations/schemas';

const documented = (schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, body: unknown) => {
  const r = schema.safeParse(body);
  expect(r.success ? null : r.error).toBeNull();
};
const today = () => shanghaiDate(Date.now());

/** Issue 17 through the HTTP API: the APEC desk, the enterprise clerk, and the card in a delegation's D01. */
describe('APEC cards over the API (issue 17)', () => {
  let worker: TestWorker;
  let api: TestApi;
  let ent: TestUsers;
  let gov: TestUsers;
  let registries: RegistriesRepository;
  let apec: ApecRepository;
  const system = { id: 'test', role: 'system' };

  const unit = (code: string) =>
    registries.putUnit(
      {
        code,
        nameZh: '测试企业',
        nameEn: 'Test Co.',
        parentCode: null,
        supervisingDepartment: null,
        clerks: [],
        signatories: [],
        status: 'active',
        suspendedReason: null,
      },
      system,
    );
  const person = (personId: string, u: string) =>
    registries.putPerson(
      {
        personId,
        unit: u,
        name: '李四',
        gender: 'male',
        dateOfBirth: '1975-03-01',
        rank: 'division',
        position: '经理',
        partyMember: false,
        classifiedAccess: false,
        leadershipTeam: null,
        status: 'active',
      },
      system,
    );

  beforeAll(async () => {
    worker = await startTestWorker();
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 1 });
    ent = await createTestUsers(api, `ent-${uniqueSuffix()}`);
    gov = await createTestUsers(api);
    const db = api.app.get(DataSource);
    registries = new RegistriesRepository(db);
    apec = new ApecRepository(db);
    await unit(ent.unit);
    await unit(gov.unit);
    await person(`${ent.unit}-p1`, ent.unit);
    await person(`${gov.unit}-p1`, gov.unit);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it('whitelist, application, inbox, list and board by process, exit stopping the application', async () => {
    const http = api.http;
    const desk = bearer(ent.tokens['apec-desk']);
    const clerk = bearer(ent.tokens['enterprise-clerk']);
    // The APEC desk registers the unit as a non-state small enterprise; the clerk may not.
    await request(http).put(`/api/apec/enterprises/${ent.unit}`).set(clerk).send({ ownership: 'non-state', size: 'small' }).expect(403);
    const e = await request(http)
      .put(`/api/apec/enterprises/${ent.unit}`)
      .set(desk)
      .send({ ownership: 'non-state', size: 'small' })
      .expect(200);
    documented(S.EnterpriseViewSchema, e.body);
    expect(e.body).toMatchObject({ whitelist: null, mayApply: false });

    const application = { personIds: [`${ent.unit}-p1`], economies: ['JP', 'KR', 'SG'], neededBy: addDays(today(), 60) };
    // Not on the whitelist: 422 naming the rule.
    const refused = await request(http).post('/api/apec/applications').set(clerk).send(application).expect(422);
    expect(refused.body).toMatchObject({ code: 'RULE_VIOLATION', errors: [{ field: 'unit', rule: 'whitelist' }] });

    // Admitted under the small firms' thresholds (150 万元 is below the medium 500).
    const admitted = await request(http)
      .post(`/api/apec/enterprises/${ent.unit}/whitelist/admission`)
      .set(desk)
      .send({ registeredCapitalWan: 150, foreignTradeUsd: 120_000, taxCreditGrade: 'A', creditRecordClean: true })
      .expect(200);
    documented(S.AdmissionResultSchema, admitted.body);
    expect(admitted.body).toMatchObject({ admitted: true, failures: [], enterprise: { whitelist: { state: 'admitted' }, mayApply: true } });

    // Bad input: every field named with its rule.
    const bad = await request(http)
      .post('/api/apec/applications')
      .set(clerk)
      .send({ personIds: ['nobody'], economies: ['US', 'JP', 'JP'], neededBy: today() })
      .expect(400);
    expect(bad.body.errors.map((x: { field: string; rule: string }) => [x.field, x.rule])).toEqual([
      ['personIds[0]', 'registered-person'],
      ['economies[0]', 'apec-economy'],
      ['economies[2]', 'unique'],
      ['neededBy', 'future-date'],
    ]);

    const key = `apec-${uniqueSuffix()}`;
    const started = await request(http).post('/api/apec/applications').set(clerk).set('Idempotency-Key', key).send(application).expect(201);
    documented(S.ApplicationResponseSchema, started.body);
    const again = await request(http).post('/api/apec/applications').set(clerk).set('Idempotency-Key', key).send(application).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.caseId).toBe(started.body.caseId);
    const caseId = started.body.caseId as string;

    // The same read models, inbox and board serve both processes.
    const inbox = await eventually(
      async () => (await request(http).get('/api/inbox').set(clerk).expect(200)).body,
      (b) => b.items.some((i: { caseId: string }) => i.caseId === caseId),
    );
    expect(inbox.items.find((i: { caseId: string }) => i.caseId === caseId)).toMatchObject({
      process: 'apec-card',
      stepKey: 'K01:m1',
      name: { en: 'Applicant data from the enterprise staff roster' },
    });
    const cards = (await request(http).get('/api/delegations?process=apec-card').set(desk).expect(200)).body;
    expect(cards.items.find((c: { caseId: string }) => c.caseId === caseId)).toMatchObject({ process: 'apec-card' });
    const trips = (await request(http).get('/api/delegations?process=delegation&pageSize=100').set(desk).expect(200)).body;
    expect(trips.items.map((c: { caseId: string }) => c.caseId)).not.toContain(caseId);
    const board = (await request(http).get('/api/dashboard?process=apec-card&limit=500').set(bearer(ent.tokens.manager)).expect(200)).body;
    // The process filter is one of the board's filters: every figure honours it, and the answer says so.
    expect(board.filter).toMatchObject({ process: 'apec-card' });
    const cardIds = new Set(
      (
        (await request(http).get('/api/delegations?process=apec-card&pageSize=100').set(bearer(ent.tokens.manager)).expect(200)).body
          .items as Array<{ caseId: string }>
      ).map((c) => c.caseId),
    );
    expect(board.inFlight.items.filter((c: { caseId: string }) => !cardIds.has(c.caseId))).toEqual([]);
    expect(board.inFlight.items.map((c: { caseId: string }) => c.caseId)).toContain(caseId);
    const chainBoard = (await request(http).get('/api/dashboard?process=delegation&limit=500').set(bearer(ent.tokens.manager)).expect(200))
      .body;
    expect(chainBoard.inFlight.items.map((c: { caseId: string }) => c.caseId)).not.toContain(caseId);
    expect(
      (await request(http).get('/api/dashboard?process=visa').set(bearer(ent.tokens.manager)).expect(400)).body.errors[0],
    ).toMatchObject({
      field: expect.stringContaining('process'),
    });

    // The catalog lists every definition (the whitelist admission's too).
    const catalog = (await request(http).get('/api/catalog').set(clerk).expect(200)).body;
    documented(CatalogSchema, catalog);
    expect(catalog.processes.map((p: { process: string; version: string }) => [p.process, p.version])).toEqual([
      ['delegation', catalog.version],
      ['apec-card', 'apec-2027.1'],
      ['apec-whitelist', 'apec-whitelist-2027.1'],
    ]);

    // The enterprise clerk completes its step through the same step endpoint as a delegation's.
    await request(http).post(`/api/delegations/${caseId}/steps/K01:m1/complete`).set(clerk).send({}).expect(200);

    // An exit needs its reason; it stops the open application with the reason on record.
    expect(
      (await request(http).post(`/api/apec/enterprises/${ent.unit}/whitelist/exit`).set(desk).send({}).expect(400)).body.errors[0],
    ).toMatchObject({
      field: 'reason',
    });
    const exit = await request(http)
      .post(`/api/apec/enterprises/${ent.unit}/whitelist/exit`)
      .set(desk)
      .send({ reason: 'annual-review-failed', note: '年审未通过' })
      .expect(200);
    documented(S.MoveResultSchema, exit.body);
    expect(exit.body).toMatchObject({
      stoppedCases: [caseId],
      enterprise: { whitelist: { state: 'exited', reason: 'annual-review-failed' }, mayApply: false },
    });
    const closed = await eventually(
      async () => (await request(http).get(`/api/delegations/${caseId}`).set(desk).expect(200)).body,
      (b) => b.status === 'cancelled',
    );
    expect(closed.status).toBe('cancelled');
    const timeline = (await request(http).get(`/api/delegations/${caseId}/timeline`).set(desk).expect(200)).body;
    const closedEvent = (timeline.items ?? timeline.events ?? timeline).find((ev: { type: string }) => ev.type === 'case.closed');
    expect(closedEvent.payload.reason).toContain('failing the annual review');
    // Exited: no new application.
    await request(http).post('/api/apec/applications').set(clerk).send(application).expect(422);
  });

  it('the cards registry (numbers masked but for the desk) and a card holder taking the APEC route in a delegation', async () => {
    const http = api.http;
    const holder = `${gov.unit}-p1`;
    const number = `CHN${String(Date.now()).slice(-9)}`;
    await apec.registerCard({
      number,
      holder,
      unit: ent.unit,
      economies: ['JP'],
      issuedOn: today(),
      validUntil: addDays(addMonths(today(), 60), -1),
      caseId: null,
    });
    // In clear for the passport officer (card numbers are classified like passports' numbers) ...
    const forOfficer = (await request(http).get(`/api/apec/cards?unit=${ent.unit}`).set(bearer(ent.tokens['passport-officer'])).expect(200))
      .body;
    documented(S.CardListSchema, forOfficer);
    expect(forOfficer.items.find((c: { holder: string }) => c.holder === holder)).toMatchObject({
      apecCardNumber: number,
      holderName: '李四',
      economies: ['JP'],
      status: 'valid',
      renewalOpensOn: addMonths(addDays(addMonths(today(), 60), -1), -6),
    });
    // ... masked for the APEC desk and the enterprise clerk.
    for (const role of ['apec-desk', 'enterprise-clerk'] as const) {
      const list = (
        await request(http)
          .get('/api/apec/cards')
          .query(role === 'apec-desk' ? { unit: ent.unit } : {})
          .set(bearer(ent.tokens[role]))
          .expect(200)
      ).body;
      const masked = list.items.find((c: { economies: string[] }) => c.economies.join() === 'JP');
      expect([role, masked.apecCardNumber]).toEqual([role, expect.stringMatching(/^CH\*+\d{3}$/)]);
      expect(masked.holder).not.toBe(holder);
    }
    // Another enterprise's clerk does not read these cards.
    await request(http).get(`/api/apec/cards?unit=${ent.unit}`).set(bearer(gov.tokens['enterprise-clerk'])).expect(403);

    // The organizer names the holder by person id; the registry's card is the member's fact: Japan by APEC card.
    const sub = canonicalSubmission(gov.unit) as Record<string, unknown> & {
      members: Array<Record<string, unknown>>;
      destinations: Array<Record<string, unknown>>;
    };
    sub.members = [{ ...sub.members[0], personId: holder, passport: { inCustody: true, number: 'SE7654321', expiresOn: '2035-01-01' } }];
    sub.destinations = [{ ...sub.destinations[0], country: 'JP', city: 'Tokyo' }];
    const res = await request(http).post('/api/delegations').set(bearer(gov.tokens.organizer)).send(sub).expect(201);
    const p = (await request(http).get(`/api/delegations/${res.body.caseId}`).set(bearer(gov.tokens['visa-officer'])).expect(200)).body;
    expect(p.routes[p.facts.members[0].id]).toEqual({ JP: 'apec-card' });
    // Lost: no longer the member's fact in a new submission.
    await request(http)
      .post(`/api/apec/cards/${number}/status`)
      .set(bearer(ent.tokens['apec-desk']))
      .send({ status: 'lost', reason: '遗失' })
      .expect(200);
    const res2 = await request(http).post('/api/delegations').set(bearer(gov.tokens.organizer)).send(sub).expect(201);
    const p2 = (await request(http).get(`/api/delegations/${res2.body.caseId}`).set(bearer(gov.tokens['visa-officer'])).expect(200)).body;
    expect(p2.routes[p2.facts.members[0].id]).toEqual({ JP: 'visa' });
  });
});
