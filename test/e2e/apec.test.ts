import request from 'supertest';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { addDays, addMonths, cardValidUntil, shanghaiDate } from '@df/domain';
import {
  completeStepUpdate,
  decideStepUpdate,
  delegationWorkflowId,
  type Actor,
  type DelegationProgress,
  type StepProgress,
} from '@df/contracts';
import { ApecRepository, RegistriesRepository } from '@df/persistence';
import { dataOf, drive } from '../support/drive';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import {
  bearer,
  canonicalSubmission,
  createTestUsers,
  passportsNotInCustody,
  registerTestUnit,
  startTestApi,
  uniqueSuffix,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';
import * as S from '../../apps/api/src/apec/schemas';
import { CatalogSchema } from '../../apps/api/src/delegations/schemas';
import { actor, enterpriseUnit, fixtureUnitNames, uniqueBirthDate } from '../support/factories';
import { RegistriesService } from '../../apps/api/src/registries/registries.service';

const documented = (schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, body: unknown) => {
  const r = schema.safeParse(body);
  expect(r.success ? null : r.error).toBeNull();
};
const today = () => shanghaiDate(Date.now());

/**
 * How drive() acts on an APEC card case: each step by its role, the enterprise clerk as one of `unit` (the enterprise's
 * own clerk), an approval approved, a task completed with no data.
 */
const actAs = (unit: string) => (handle: WorkflowHandle, s: StepProgress, by: Actor) => {
  const who = by.role === 'enterprise-clerk' ? actor('enterprise-clerk', unit) : by;
  const base = { requestId: randomUUID(), actor: who, stepKey: s.key };
  return s.kind === 'approval'
    ? handle.executeUpdate(decideStepUpdate, { args: [{ ...base, decision: 'approve' }] })
    : handle.executeUpdate(completeStepUpdate, { args: [{ ...base, ...dataOf(s.code) }] });
};

/** Issue 17 through the HTTP API: the APEC desk, the enterprise clerk, and the card in a delegation's D01. */
describe('APEC cards over the API (issue 17)', () => {
  let worker: TestWorker;
  let api: TestApi;
  let ent: TestUsers;
  let gov: TestUsers;
  let registries: RegistriesRepository;
  let apec: ApecRepository;
  const system = { id: 'test', role: 'system' };

  const unit = (code: string) => registries.putUnit(enterpriseUnit(code, fixtureUnitNames(code, '测试企业', 'Test Co.')), system);
  const person = (personId: string, u: string, name = '李四') =>
    registries.putPerson(
      {
        personId,
        unit: u,
        name,
        gender: 'male',
        // Each call another person (one person once on the rosters: name, gender, birth date).
        dateOfBirth: uniqueBirthDate(),
        rank: 'division',
        position: '经理',
        partyMember: false,
        classifiedAccess: false,
        leadershipTeam: null,
        status: 'active',
      },
      system,
    );

  /** Back on the whitelist after an exit for a failed review: by a new admission, its figures evaluated. */
  const admitAgain = (desk: { Authorization: string }) =>
    request(api.http)
      .post(`/api/apec/enterprises/${ent.unit}/whitelist/admission`)
      .set(desk)
      .send({ registeredCapitalWan: 5000, foreignTradeUsd: 5_000_000, taxCreditGrade: 'A', creditRecordClean: true })
      .expect(200);

  /**
   * The enterprise may apply: registered (a state one, when a test runs alone) or admitted again (the first test
   * leaves it exited).
   */
  const mayApply = async () => {
    const desk = bearer(ent.tokens['apec-desk']);
    const e = await request(api.http).get(`/api/apec/enterprises/${ent.unit}`).set(desk);
    if (e.status === 404)
      await request(api.http).put(`/api/apec/enterprises/${ent.unit}`).set(desk).send({ ownership: 'state', size: 'medium' }).expect(200);
    else if (!e.body.mayApply) await admitAgain(desk);
  };

  /**
   * A non-state small enterprise of its own, admitted to the whitelist, its staff `names` on its roster as
   * `<unit>-p1`, `-p2`…: its users, and the desk's and the clerk's headers.
   */
  const admittedFirm = async (prefix: string, names: string[]) => {
    const firm = await createTestUsers(api, `${prefix}-${uniqueSuffix()}`, { enterprise: true });
    const desk = bearer(firm.tokens['apec-desk']);
    const clerk = bearer(firm.tokens['enterprise-clerk']);
    await unit(firm.unit);
    for (const [i, name] of names.entries()) await person(`${firm.unit}-p${i + 1}`, firm.unit, name);
    await request(api.http).put(`/api/apec/enterprises/${firm.unit}`).set(desk).send({ ownership: 'non-state', size: 'small' }).expect(200);
    await request(api.http)
      .post(`/api/apec/enterprises/${firm.unit}/whitelist/admission`)
      .set(desk)
      .send({ registeredCapitalWan: 5000, foreignTradeUsd: 5_000_000, taxCreditGrade: 'A', creditRecordClean: true })
      .expect(200);
    return { firm, desk, clerk };
  };

  /** The enterprise clerk's card application for the firm's first applicant (to Singapore, needed in 60 days): its case. */
  const applyForFirst = async (unit: string, clerk: { Authorization: string }) =>
    (
      await request(api.http)
        .post('/api/apec/applications')
        .set(clerk)
        .send({ personIds: [`${unit}-p1`], economies: ['SG'], neededBy: addDays(today(), 60) })
        .expect(201)
    ).body.caseId as string;

  /** Waits until the cases read model (what the claims read) shows the case with this status. */
  const readModelStatus = (caseId: string, status: string) =>
    eventually(
      async () =>
        ((await api.app.get(DataSource).query(`SELECT status FROM cases WHERE case_id = $1`, [caseId])) as Array<{ status: string }>)[0]
          ?.status,
      (s) => s === status,
    );

  beforeAll(async () => {
    worker = await startTestWorker();
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 1 });
    ent = await createTestUsers(api, `ent-${uniqueSuffix()}`, { enterprise: true });
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
    // The answer names the unit (the registry's names) and says why it may not apply yet, as the refusal below will.
    expect(e.body).toMatchObject({
      unit: ent.unit,
      nameZh: `测试企业${ent.unit}`,
      nameEn: `Test Co. ${ent.unit}`,
      whitelist: null,
      mayApply: false,
      applyRefusal: {
        zh: '非国有企业须在白名单内才能申请（当前：未列入白名单）',
        en: 'A non-state enterprise applies only while on the whitelist (now: Not on the whitelist)',
      },
    });
    const read = await request(http).get(`/api/apec/enterprises/${ent.unit}`).set(clerk).expect(200);
    expect(read.body).toMatchObject({ nameZh: `测试企业${ent.unit}`, nameEn: `Test Co. ${ent.unit}`, applyRefusal: e.body.applyRefusal });

    const application = { personIds: [`${ent.unit}-p1`], economies: ['JP', 'KR', 'SG'], neededBy: addDays(today(), 60) };
    // Not on the whitelist: 422 naming the rule.
    const refused = await request(http).post('/api/apec/applications').set(clerk).send(application).expect(422);
    expect(refused.body).toMatchObject({
      code: 'RULE_VIOLATION',
      message: e.body.applyRefusal,
      errors: [{ field: 'unit', rule: 'whitelist' }],
    });

    // Admitted under the small firms' thresholds (150 万元 is below the medium 500).
    const admitted = await request(http)
      .post(`/api/apec/enterprises/${ent.unit}/whitelist/admission`)
      .set(desk)
      .send({ registeredCapitalWan: 150, foreignTradeUsd: 120_000, taxCreditGrade: 'A', creditRecordClean: true })
      .expect(200);
    documented(S.AdmissionResultSchema, admitted.body);
    expect(admitted.body).toMatchObject({
      admitted: true,
      failures: [],
      enterprise: { nameZh: `测试企业${ent.unit}`, whitelist: { state: 'admitted' }, mayApply: true, applyRefusal: null },
    });

    // Bad input: every field named with its rule.
    const bad = await request(http)
      .post('/api/apec/applications')
      .set(clerk)
      .send({ personIds: ['nobody'], economies: ['US', 'JP', 'JP'], neededBy: today() })
      .expect(422);
    expect(bad.body.errors.map((x: { field: string; rule: string }) => [x.field, x.rule])).toEqual([
      ['personIds[0]', 'registered-person'],
      ['economies[0]', 'apec-economy'],
      ['economies[2]', 'unique'],
      ['neededBy', 'future-date'],
    ]);
    // The handed input (new-user trial): needed by 2099 started a case the engine failed at once, its applicant held
    // for good. Past the two-year horizon a case's dates have: 422 at neededBy, nothing started or claimed.
    const far = await request(http)
      .post('/api/apec/applications')
      .set(clerk)
      .send({ personIds: [`${ent.unit}-p1`], economies: ['SG'], neededBy: '2099-06-01' })
      .expect(422);
    expect(far.body.errors.map((x: { field: string; rule: string }) => [x.field, x.rule])).toEqual([['neededBy', 'horizon']]);
    // Every economy in a refusal by its name with its code, the home economy and an unknown code too (no stray space).
    const named = await request(http)
      .post('/api/apec/applications')
      .set(clerk)
      .send({ personIds: [`${ent.unit}-p1`], economies: ['CN', 'US', 'ZZ', 'US'], neededBy: addDays(today(), 60) })
      .expect(422);
    expect(named.body.errors.map((x: { field: string; message: { zh: string; en: string } }) => [x.field, x.message])).toEqual([
      ['economies[0]', { zh: '中国（CN）不是可预审的APEC卡经济体', en: 'China (CN) is not a full APEC card economy (no pre-clearance)' }],
      [
        'economies[1]',
        { zh: '美国（US）不是可预审的APEC卡经济体', en: 'United States (US) is not a full APEC card economy (no pre-clearance)' },
      ],
      [
        'economies[2]',
        { zh: 'ZZ（未知代码）不是可预审的APEC卡经济体', en: 'ZZ (unknown code) is not a full APEC card economy (no pre-clearance)' },
      ],
      [
        'economies[3]',
        { zh: '美国（US）不是可预审的APEC卡经济体', en: 'United States (US) is not a full APEC card economy (no pre-clearance)' },
      ],
      ['economies[3]', { zh: '美国（US）重复', en: 'United States (US) is listed twice' }],
    ]);
    // Thirtieth trial: HK read 未知代码. Hong Kong, Macao and Taiwan are refused saying why, as the delegation chain does.
    const regions = await request(http)
      .post('/api/apec/applications')
      .set(clerk)
      .send({ personIds: [`${ent.unit}-p1`], economies: ['HK', 'TW'], neededBy: addDays(today(), 60) })
      .expect(422);
    expect(
      regions.body.errors.map((x: { field: string; rule: string; message: { zh: string; en: string } }) => [x.field, x.rule, x.message.zh]),
    ).toEqual([
      ['economies[0]', 'apec-economy', '香港（HK）不属出国审批：因公赴港澳台按其专门规定另行报批，不走本流程'],
      ['economies[1]', 'apec-economy', '台湾（TW）不属出国审批：因公赴港澳台按其专门规定另行报批，不走本流程'],
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
    // A unit that sent delegations is a government unit, not an enterprise (trial: commerce was registered as one).
    const gov = await createTestUsers(api);
    await registerTestUnit(api, gov);
    const sent = await request(http)
      .post('/api/delegations')
      .set(bearer(gov.tokens.organizer))
      .send(passportsNotInCustody(canonicalSubmission(gov.unit)))
      .expect(201);
    await eventually(
      () => api.app.get(DataSource).query('SELECT 1 FROM cases WHERE case_id = $1', [sent.body.caseId]) as Promise<unknown[]>,
      (rows) => rows.length > 0,
    );
    const govAsEnterprise = await request(http)
      .put(`/api/apec/enterprises/${gov.unit}`)
      .set(desk)
      .send({ ownership: 'non-state', size: 'small' });
    expect([govAsEnterprise.status, govAsEnterprise.body.errors]).toEqual([
      422,
      [expect.objectContaining({ field: 'path.unit', rule: 'government-unit' })],
    ]);
    // The trip documents are the delegation chain's (trial: an application form was served for a card case).
    for (const doc of ['application-form', 'approval-document'])
      expect((await request(http).get(`/api/delegations/${caseId}/documents/${doc}.pdf`).set(desk).expect(409)).body.message.zh).toContain(
        '没有出访申请表或任务批件',
      );
    // The delegations are not the desk's to list (403: apec-scope.test.ts): the manager's list, without the card case.
    const trips = (await request(http).get('/api/delegations?process=delegation&pageSize=100').set(bearer(ent.tokens.manager)).expect(200))
      .body;
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
      (await request(http).post(`/api/apec/enterprises/${ent.unit}/whitelist/exit`).set(desk).send({}).expect(422)).body.errors[0],
    ).toEqual({
      field: 'reason',
      rule: 'required',
      message: {
        zh: '必填，取值须为：violation（违规）、annual-review-failed（年度复核未通过）、enterprise-request（企业申请退出）',
        en: "Required, one of: violation (a violation), annual-review-failed (failing the annual review), enterprise-request (at the enterprise's request)",
      },
    });
    const exit = await request(http)
      .post(`/api/apec/enterprises/${ent.unit}/whitelist/exit`)
      .set(desk)
      .send({ reason: 'annual-review-failed', note: '年审未通过' })
      .expect(200);
    documented(S.MoveResultSchema, exit.body);
    expect(exit.body).toMatchObject({
      stoppedCases: [caseId],
      keptCases: [],
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
    // The handed input (new-user trial): a bare re-admission after an exit for a failed review (or a violation) is
    // refused: it takes a new admission, the figures evaluated (409); and a re-admission states its basis (422 note).
    for (const body of [{}, { note: ' \u200b\u3000 ' }]) {
      const bare = await request(http).post(`/api/apec/enterprises/${ent.unit}/whitelist/readmit`).set(desk).send(body).expect(422);
      expect(bare.body.errors).toEqual([expect.objectContaining({ field: 'note', rule: 'required' })]);
    }
    // …which says something: not punctuation nor a stance alone (trial 67's kind).
    for (const note of ['。', '同意', 'OK'])
      expect(
        (await request(http).post(`/api/apec/enterprises/${ent.unit}/whitelist/readmit`).set(desk).send({ note }).expect(422)).body.errors,
      ).toEqual([expect.objectContaining({ field: 'note', rule: 'reason-words' })]);
    const readmit = await request(http)
      .post(`/api/apec/enterprises/${ent.unit}/whitelist/readmit`)
      .set(desk)
      .send({ note: '整改完毕' })
      .expect(409);
    expect(readmit.body.message.zh).toContain('须重新进行准入评估');
    expect((await request(http).get(`/api/apec/enterprises/${ent.unit}`).set(desk).expect(200)).body.whitelist.state).toBe('exited');
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
    // ... masked for the APEC desk and the enterprise clerk (the clerk reads its own enterprise's holders by
    // person id, the roster's key; the desk does not).
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
      expect([role, masked.holder === holder]).toEqual([role, role === 'enterprise-clerk']);
    }
    // Another enterprise's clerk does not read these cards.
    await request(http).get(`/api/apec/cards?unit=${ent.unit}`).set(bearer(gov.tokens['enterprise-clerk'])).expect(403);

    // The organizer names the holder by person id; the registry's card is the member's fact: Japan by APEC card.
    const sub = canonicalSubmission(gov.unit) as Record<string, unknown> & {
      members: Array<Record<string, unknown>>;
      destinations: Array<Record<string, unknown>>;
    };
    sub.members = [{ id: 'm1', personId: holder }]; // the roster's, the ledger's and the cards registry's facts apply
    sub.destinations = [{ ...sub.destinations[0], country: 'JP', city: 'Tokyo' }];
    const res = await request(http).post('/api/delegations').set(bearer(gov.tokens.organizer)).send(sub).expect(201);
    const p = (await request(http).get(`/api/delegations/${res.body.caseId}`).set(bearer(gov.tokens['visa-officer'])).expect(200)).body;
    expect(p.routes[p.facts.members[0].id]).toEqual({ JP: 'apec-card' });
    // Lost: no longer the member's fact in a new submission (the first trip withdrawn: one person, one trip at a time).
    await request(http)
      .post(`/api/delegations/${res.body.caseId}/withdraw`)
      .set(bearer(gov.tokens.organizer))
      .send({ reason: '改派他人' })
      .expect(200);
    await request(http)
      .post(`/api/apec/cards/${number}/status`)
      .set(bearer(ent.tokens['apec-desk']))
      .send({ status: 'lost', reason: '持卡人出差途中遗失' })
      .expect(200);
    const res2 = await request(http).post('/api/delegations').set(bearer(gov.tokens.organizer)).send(sub).expect(201);
    const p2 = (await request(http).get(`/api/delegations/${res2.body.caseId}`).set(bearer(gov.tokens['visa-officer'])).expect(200)).body;
    expect(p2.routes[p2.facts.members[0].id]).toEqual({ JP: 'visa' });
  });
  it("the enterprises list, the clerk's own roster, and a card marked lost by its reference", async () => {
    const http = api.http;
    const desk = bearer(ent.tokens['apec-desk']);
    const clerk = bearer(ent.tokens['enterprise-clerk']);
    const manager = bearer(ent.tokens.manager);
    // Two enterprises of this run: a state medium one (never listed) and a non-state micro one admitted.
    const stateUnit = `${ent.unit}-s`;
    const microUnit = `${ent.unit}-m`;
    await unit(stateUnit);
    await unit(microUnit);
    await request(http).put(`/api/apec/enterprises/${stateUnit}`).set(desk).send({ ownership: 'state', size: 'medium' }).expect(200);
    await request(http).put(`/api/apec/enterprises/${microUnit}`).set(desk).send({ ownership: 'non-state', size: 'micro' }).expect(200);
    await request(http)
      .post(`/api/apec/enterprises/${microUnit}/whitelist/admission`)
      .set(desk)
      .send({ registeredCapitalWan: 40, foreignTradeUsd: 60_000, taxCreditGrade: 'B', creditRecordClean: true })
      .expect(200);
    // An unknown unit is 404 for the registration (nothing written), a bad size 400 naming the field.
    await request(http).put(`/api/apec/enterprises/${ent.unit}-nope`).set(desk).send({ ownership: 'state', size: 'large' }).expect(404);
    // Handed input (new-user trial): the unit code is echoed exactly as sent, never capitalised as the sentence's first word.
    for (const code of ['zzunit', 'nope'])
      expect((await request(http).get(`/api/apec/enterprises/${code}`).set(desk).expect(404)).body.message).toEqual({
        zh: `${code}不是已登记的企业`,
        en: `${code} is not a registered enterprise`,
      });
    expect(
      (await request(http).put(`/api/apec/enterprises/${stateUnit}`).set(desk).send({ ownership: 'state', size: 'huge' }).expect(400)).body
        .errors[0],
    ).toMatchObject({ field: 'size' });

    const list = (await request(http).get('/api/apec/enterprises').query({ q: ent.unit }).set(desk).expect(200)).body;
    documented(S.EnterpriseListSchema, list);
    const byUnit = new Map(list.items.map((e: { unit: string }) => [e.unit, e]));
    expect(byUnit.get(stateUnit)).toMatchObject({
      ownership: 'state',
      size: 'medium',
      whitelist: null,
      mayApply: true,
      nameZh: `测试企业${stateUnit}`,
    });
    expect(byUnit.get(microUnit)).toMatchObject({
      ownership: 'non-state',
      size: 'micro',
      whitelist: { state: 'admitted' },
      mayApply: true,
    });
    expect(list).toMatchObject({ page: 1, pageSize: 50, total: list.items.length });
    // The latest change first: the micro firm was admitted after the state firm's registration.
    expect(list.items.map((e: { unit: string }) => e.unit).indexOf(microUnit)).toBeLessThan(
      list.items.map((e: { unit: string }) => e.unit).indexOf(stateUnit),
    );
    // Filters combine; the manager reads the list too.
    const filtered = (
      await request(http)
        .get('/api/apec/enterprises')
        .query({ q: ent.unit, ownership: 'non-state', whitelist: 'admitted' })
        .set(manager)
        .expect(200)
    ).body;
    expect(filtered.items.map((e: { unit: string }) => e.unit)).toEqual([microUnit]);
    const notListed = (
      await request(http).get('/api/apec/enterprises').query({ q: ent.unit, whitelist: 'not-listed' }).set(desk).expect(200)
    ).body;
    expect(notListed.items.map((e: { unit: string }) => e.unit)).toEqual([stateUnit]);
    const paged = (await request(http).get('/api/apec/enterprises').query({ q: ent.unit, pageSize: 1, page: 2 }).set(desk).expect(200))
      .body;
    expect(paged).toMatchObject({ page: 2, pageSize: 1, total: list.total });
    expect(paged.items.map((e: { unit: string }) => e.unit)).toEqual([list.items[1].unit]);
    // A search with LIKE's wildcards matches them literally.
    expect((await request(http).get('/api/apec/enterprises').query({ q: '%' }).set(desk).expect(200)).body.items).toEqual([]);
    // Bad filters: 400 naming query.<field> with its rule, in both languages.
    for (const [query, field] of [
      [{ size: 'huge' }, 'query.size'],
      [{ ownership: 'private' }, 'query.ownership'],
      [{ whitelist: 'pending' }, 'query.whitelist'],
      [{ pageSize: '0' }, 'query.pageSize'],
      [{ page: 'x' }, 'query.page'],
    ] as const) {
      const bad = (await request(http).get('/api/apec/enterprises').query(query).set(desk).expect(400)).body;
      expect(bad).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ field, message: { zh: expect.any(String), en: expect.any(String) } }],
      });
    }
    // Not the enterprise clerk's (it reads its own enterprise), nor the organizer's.
    await request(http).get('/api/apec/enterprises').set(clerk).expect(403);
    await request(http).get('/api/apec/enterprises').set(bearer(gov.tokens.organizer)).expect(403);

    // The enterprise clerk reads its own roster: person ids, dates of birth and Party membership in clear (it names
    // applicants by them, and keeps the roster: F4, a keeper reads what it keeps), classified access withheld (the
    // secrecy office's).
    const roster = (await request(http).get('/api/registries/people').set(clerk).expect(200)).body;
    expect(roster.items.map((p: { personId: string }) => p.personId)).toEqual([`${ent.unit}-p1`]);
    expect(roster.items[0]).toMatchObject({ name: '李四', unit: ent.unit, partyMember: false });
    expect(roster.items[0].dateOfBirth).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(roster.items[0].classifiedAccess).not.toBe(false);
    const own = (await request(http).get('/api/registries/people').query({ unit: ent.unit }).set(clerk).expect(200)).body;
    expect(own.items.map((p: { personId: string }) => p.personId)).toEqual([`${ent.unit}-p1`]);
    const one = (await request(http).get(`/api/registries/people/${ent.unit}-p1`).set(clerk).expect(200)).body;
    expect(one).toMatchObject({ personId: `${ent.unit}-p1`, name: '李四' });
    // Another unit's roster: 403 as the other registries answer; another unit's person answers as an unknown one (404).
    expect((await request(http).get('/api/registries/people').query({ unit: gov.unit }).set(clerk).expect(403)).body.code).toBe(
      'CASE_OUT_OF_SCOPE',
    );
    await request(http).get(`/api/registries/people/${gov.unit}-p1`).set(clerk).expect(404);
    await request(http).get(`/api/registries/people/${ent.unit}-nobody`).set(clerk).expect(404);
    // The clerk keeps its own enterprise's roster (F4, test/e2e/apec-registry-scope.test.ts), never another unit's.
    await request(http)
      .put(`/api/registries/people/${gov.unit}-p1`)
      .set(clerk)
      .send({
        unit: gov.unit,
        name: 'x',
        gender: 'male',
        dateOfBirth: '1975-03-01',
        rank: 'staff',
        position: 'x',
        partyMember: false,
        leadershipTeam: null,
        status: 'active',
      })
      .expect(403);
    // The person ids stay masked for the desk, which reads every enterprise's roster.
    const forDesk = (await request(http).get('/api/registries/people').query({ unit: ent.unit }).set(desk).expect(200)).body;
    expect(forDesk.items[0].personId).not.toBe(`${ent.unit}-p1`);

    // A card marked lost by its reference (the desk sees the number masked).
    const number = `CHR${String(Date.now()).slice(-9)}`;
    await apec.registerCard({
      number,
      holder: `${microUnit}-p`,
      unit: microUnit,
      economies: ['SG'],
      issuedOn: today(),
      validUntil: addDays(addMonths(today(), 60), -1),
      caseId: null,
    });
    const cards = (await request(http).get('/api/apec/cards').query({ unit: microUnit }).set(desk).expect(200)).body;
    documented(S.CardListSchema, cards);
    const card = cards.items[0] as { ref: string; apecCardNumber: string };
    expect(card.apecCardNumber).not.toBe(number);
    expect(card.ref).toMatch(/^[0-9a-f-]{36}$/);
    const statusPath = `/api/apec/cards/${card.ref}/status`;
    // Bad input: 400 naming the field; an unknown reference 404; the clerk may not.
    expect(
      (await request(http).post(statusPath).set(desk).send({ status: 'stolen', reason: '持卡人报失' }).expect(400)).body.errors[0],
    ).toMatchObject({
      field: 'status',
    });
    expect((await request(http).post(statusPath).set(desk).send({ status: 'lost' }).expect(400)).body.errors[0]).toMatchObject({
      field: 'reason',
    });
    await request(http)
      .post('/api/apec/cards/00000000-0000-4000-8000-000000000000/status')
      .set(desk)
      .send({ status: 'lost', reason: '持卡人报失' })
      .expect(404);
    await request(http).post(statusPath).set(clerk).send({ status: 'lost', reason: '持卡人报失' }).expect(403);
    // A reason says something (trial 67's kind): 422 at reason, the card unchanged.
    for (const reason of ['。', '同意', 'N/A'])
      expect((await request(http).post(statusPath).set(desk).send({ status: 'lost', reason }).expect(422)).body.errors).toEqual([
        expect.objectContaining({ field: 'reason', rule: 'reason-words' }),
      ]);
    const lost = (await request(http).post(statusPath).set(desk).send({ status: 'lost', reason: '持卡人报失' }).expect(200)).body;
    documented(S.CardSchema, lost);
    expect(lost).toMatchObject({ ref: card.ref, status: 'lost', statusReason: '持卡人报失' });
    // Once lost it does not change again: 409 in both languages.
    const again = (await request(http).post(statusPath).set(desk).send({ status: 'cancelled', reason: '持卡人报失' }).expect(409)).body;
    expect(again.message).toMatchObject({ zh: expect.stringContaining('挂失'), en: expect.stringContaining('lost') });
  });
  it("a renewal application names the card it renews: validated, and carried as the applicant's card in the case", async () => {
    const http = api.http;
    const desk = bearer(ent.tokens['apec-desk']);
    const clerk = bearer(ent.tokens['enterprise-clerk']);
    // The enterprise may apply (the first test left it exited): re-admitted.
    const e = (await request(http).get(`/api/apec/enterprises/${ent.unit}`).set(desk).expect(200)).body;
    if (!e.mayApply) await admitAgain(desk);
    // One open application per person: each renewal below names applicants of its own.
    // One usable card per holder (a second beside a valid one is refused, holds-card): each card below its own holder.
    for (const n of [2, 3, 4, 5, 6, 7, 8, 9, 10]) await person(`${ent.unit}-p${n}`, ent.unit);
    const holder = `${ent.unit}-p1`;
    const stamp = String(Date.now()).slice(-8);
    const card = async (suffix: string, c: { holder?: string; unit?: string; validUntil: string; status?: 'lost' | 'renewal-open' }) => {
      const number = `CH${suffix}${stamp}`;
      await apec.registerCard({
        number,
        holder: c.holder ?? holder,
        unit: c.unit ?? ent.unit,
        economies: ['JP'],
        issuedOn: addMonths(c.validUntil, -60),
        validUntil: c.validUntil,
        caseId: null,
      });
      if (c.status === 'lost') await apec.setCardStatus(number, 'lost', '遗失');
      if (c.status === 'renewal-open') await apec.openRenewal(number, new Date());
      return { number, ref: (await apec.card(number))!.ref };
    };
    const soon = addDays(today(), 60);
    const renewable = await card('A', { validUntil: soon, status: 'renewal-open', holder: `${ent.unit}-p3` });
    const validInWindow = await card('B', { validUntil: addDays(today(), 90) });
    const tooEarly = await card('C', { validUntil: addMonths(today(), 7), holder: `${ent.unit}-p6` });
    const expired = await card('D', { validUntil: addDays(today(), -1), holder: `${ent.unit}-p7` });
    const lost = await card('E', { validUntil: soon, status: 'lost', holder: `${ent.unit}-p8` });
    const others = await card('F', { validUntil: soon, unit: gov.unit, holder: `${gov.unit}-p1` });
    const p2s = await card('G', { validUntil: soon, holder: `${ent.unit}-p2` });

    const application = (renews: string, personIds = [holder]) => ({
      personIds,
      economies: ['JP', 'SG'],
      neededBy: addDays(today(), 60),
      renews,
    });
    const refusal = async (renews: string, personIds?: string[]) =>
      (await request(http).post('/api/apec/applications').set(clerk).send(application(renews, personIds)).expect(422)).body.errors;
    // Each bad renewal is a 422 (the cards registry's facts) naming renews and its rule, in both languages.
    const noCard = [`${ent.unit}-p9`];
    for (const [renews, rule, personIds] of [
      [others.ref, 'registered-card', noCard],
      [others.number, 'registered-card', noCard],
      ['00000000-0000-4000-8000-000000000000', 'registered-card', noCard],
      ['CH-no-such-card', 'registered-card', noCard],
      [p2s.ref, 'card-holder', noCard],
      [tooEarly.ref, 'renewable', [`${ent.unit}-p6`]],
      [expired.ref, 'renewable', [`${ent.unit}-p7`]],
      [lost.ref, 'renewable', [`${ent.unit}-p8`]],
    ] as Array<[string, string, string[] | undefined]>) {
      expect([renews, await refusal(renews, personIds)]).toEqual([
        renews,
        [{ field: 'renews', rule, message: { zh: expect.any(String), en: expect.any(String) } }],
      ]);
    }
    expect((await refusal(tooEarly.ref, [`${ent.unit}-p6`]))[0].message.en).toContain(
      `renewal opens on ${addMonths(addMonths(today(), 7), -6)}`,
    );
    // A holder of a valid card applies for no second one (trial: a new application without renews was accepted): 422
    // personIds[i] holds-card, naming the card's validity and the day its renewal opens; likewise a renewal of one card
    // while the holder has another valid card. An expired or lost card bars nothing (p7, p8 apply for a new card).
    const holdsCard = (i: number, personId: string, validUntil: string) => ({
      field: `personIds[${i}]`,
      rule: 'holds-card',
      message: {
        zh: `李四（${personId}）持有有效的APEC商务旅行卡（有效期至 ${validUntil}）：不另行申请新卡，请在续办期内（${addMonths(validUntil, -6)} 起）续办该卡（renews）`,
        en: `李四 (${personId}) holds a valid APEC business travel card (valid until ${validUntil}): do not apply for another; renew that card (renews) within its renewal window, from ${addMonths(validUntil, -6)}`,
      },
    });
    const fresh = (personIds: string[]) => ({ personIds, economies: ['JP'], neededBy: addDays(today(), 60) });
    expect(
      (
        await request(http)
          .post('/api/apec/applications')
          .set(clerk)
          .send(fresh([`${ent.unit}-p9`, `${ent.unit}-p6`]))
          .expect(422)
      ).body.errors,
    ).toEqual([holdsCard(1, `${ent.unit}-p6`, addMonths(today(), 7))]);
    const second = await card('I', { validUntil: soon, status: 'renewal-open', holder: `${ent.unit}-p10` });
    await card('J', { validUntil: addMonths(today(), 30), holder: `${ent.unit}-p10` });
    expect(await refusal(second.ref, [`${ent.unit}-p10`])).toEqual([holdsCard(0, `${ent.unit}-p10`, addMonths(today(), 30))]);
    for (const p of [`${ent.unit}-p7`, `${ent.unit}-p8`]) {
      const created = (
        await request(http)
          .post('/api/apec/applications')
          .set(clerk)
          .send(fresh([p]))
          .expect(201)
      ).body;
      await eventually(
        async () => (await request(http).get(`/api/delegations/${created.caseId}`).set(desk)).status,
        (status) => status === 200,
      );
      await request(http).post(`/api/delegations/${created.caseId}/cancel`).set(desk).send({ reason: '测试 / test' }).expect(200);
    }
    // The text rule holds for renews too.
    expect(
      (await request(http).post('/api/apec/applications').set(clerk).send(application('x\u0000')).expect(400)).body.errors[0],
    ).toMatchObject({
      field: 'renews',
      rule: 'text-control',
    });

    // A valid card within the 6 months (by its number) and a renewal-open one (by its ref) are renewable.
    for (const [renews, personIds] of [
      [validInWindow.number, [`${ent.unit}-p9`, holder]],
      [renewable.ref, [`${ent.unit}-p4`, `${ent.unit}-p3`]],
    ] as Array<[string, string[]]>) {
      const started = (await request(http).post('/api/apec/applications').set(clerk).send(application(renews, personIds)).expect(201)).body;
      // The case carries the renewed card as the applicant's card (its number in clear for the passport officer only).
      const asOfficer = (
        await request(http).get(`/api/delegations/${started.caseId}`).set(bearer(ent.tokens['passport-officer'])).expect(200)
      ).body;
      const renewedNumber = renews === renewable.ref ? renewable.number : validInWindow.number;
      expect(
        asOfficer.facts.members.map((m: { personId: string; apecCard?: { number: string } }) => [m.personId, m.apecCard?.number ?? null]),
      ).toEqual([
        [personIds[0], null],
        [personIds[1], renewedNumber],
      ]);
      const asClerk = (await request(http).get(`/api/delegations/${started.caseId}`).set(clerk).expect(200)).body;
      expect(asClerk.facts.members[1].apecCard.number).not.toBe(renewedNumber);
    }

    // One renewal per card, under concurrency: 8 applications for one card at once (each its own
    // Idempotency-Key) — exactly one starts a case, the other 7 are 422 naming it twice: its holder is an applicant
    // of an open application (personIds[0] application-pending) and the card is being renewed (renews
    // renewal-pending). The two claims are taken together.
    const p5 = `${ent.unit}-p5`;
    const once = await card('H', { validUntil: soon, status: 'renewal-open', holder: p5 });
    const keys = Array.from({ length: 8 }, (_, i) => `renew-${i}-${uniqueSuffix()}`);
    const racing = await Promise.all(
      keys.map((key, i) =>
        request(http)
          .post('/api/apec/applications')
          .set(clerk)
          .set('Idempotency-Key', key)
          .send(application(i % 2 === 0 ? once.ref : once.number, [p5])),
      ),
    );
    expect(racing.map((r) => r.status).sort()).toEqual([201, 422, 422, 422, 422, 422, 422, 422]);
    const winner = racing.findIndex((r) => r.status === 201);
    const first = racing[winner]!.body as { caseId: string };
    const bothPending = (caseId: string) => [
      {
        field: 'personIds[0]',
        rule: 'application-pending',
        message: {
          zh: `李四（${p5}）已有办理中的APEC卡申请（${caseId}）`,
          en: `李四 (${p5}) already has an open APEC card application (${caseId})`,
        },
      },
      {
        field: 'renews',
        rule: 'renewal-pending',
        message: {
          zh: `该卡已有办理中的续办申请（${caseId}）`,
          en: `The card is already being renewed by an open application (${caseId})`,
        },
      },
    ];
    for (const r of racing.filter((x) => x.status === 422)) expect(r.body.errors).toEqual(bothPending(first.caseId));
    // The same request again (its Idempotency-Key) is a replay of its own case, not a second renewal; a refused
    // key was released, so it is refused again (not replayed as a success).
    const replay = await request(http)
      .post('/api/apec/applications')
      .set(clerk)
      .set('Idempotency-Key', keys[winner]!)
      .send(application(winner % 2 === 0 ? once.ref : once.number, [p5]))
      .expect(201);
    expect([replay.body.caseId, replay.headers['idempotent-replayed']]).toEqual([first.caseId, 'true']);
    const loser = (winner + 1) % keys.length;
    await request(http)
      .post('/api/apec/applications')
      .set(clerk)
      .set('Idempotency-Key', keys[loser]!)
      .send(application(loser % 2 === 0 ? once.ref : once.number, [p5]))
      .expect(422);
    for (const renews of [once.ref, once.number]) expect(await refusal(renews, [p5])).toEqual(bothPending(first.caseId));
    // Once the renewal ends without a card (the desk cancels it), the card may be renewed again.
    await eventually(
      async () => (await request(http).get(`/api/delegations/${first.caseId}`).set(desk)).status,
      (status) => status === 200,
    );
    await request(http).post(`/api/delegations/${first.caseId}/cancel`).set(desk).send({ reason: '重复申请 / duplicate' }).expect(200);
    await readModelStatus(first.caseId, 'cancelled');
    const next = (
      await request(http)
        .post('/api/apec/applications')
        .set(clerk)
        .set('Idempotency-Key', `renew-next-${uniqueSuffix()}`)
        .send(application(once.ref, [p5]))
        .expect(201)
    ).body;
    expect(next.caseId).not.toBe(first.caseId);
    expect(await refusal(once.number, [p5])).toEqual(bothPending(next.caseId));
  });

  it('one open card application per person: a second is refused naming the person and the open case, under concurrency too', async () => {
    const http = api.http;
    const desk = bearer(ent.tokens['apec-desk']);
    const clerk = bearer(ent.tokens['enterprise-clerk']);
    await mayApply();
    const tag = uniqueSuffix();
    const [a, b, c, d, racer] = ['a', 'b', 'c', 'd', 'r'].map((x) => `${ent.unit}-${x}-${tag}`) as [string, string, string, string, string];
    await person(a, ent.unit, '张三');
    for (const id of [b, c, d, racer]) await person(id, ent.unit);
    const application = (personIds: string[], renews?: string) => ({
      personIds,
      economies: ['JP'],
      neededBy: addDays(today(), 60),
      ...(renews ? { renews } : {}),
    });
    const apply = (personIds: string[], key: string | null, renews?: string) => {
      const req = request(http).post('/api/apec/applications').set(clerk);
      return (key ? req.set('Idempotency-Key', key) : req).send(application(personIds, renews));
    };
    const pending = (i: number, id: string, name: string, caseId: string) => ({
      field: `personIds[${i}]`,
      rule: 'application-pending',
      message: {
        zh: `${name}（${id}）已有办理中的APEC卡申请（${caseId}）`,
        en: `${name} (${id}) already has an open APEC card application (${caseId})`,
      },
    });

    // Sequential: a second application for 张三 (its own key, or none) is a 422 naming personIds[0] and the open
    // case by its whole id; the first request again with its own key replays its case.
    const firstKey = `dup-a-${tag}`;
    const first = (await apply([a], firstKey).expect(201)).body as { caseId: string };
    for (const key of [`dup-a2-${tag}`, null]) {
      const refused = await apply([a], key).expect(422);
      expect([refused.body.code, refused.body.errors]).toEqual(['INVALID_REQUEST', [pending(0, a, '张三', first.caseId)]]);
    }
    const replay = await apply([a], firstKey).expect(201);
    expect([replay.body.caseId, replay.headers['idempotent-replayed']]).toEqual([first.caseId, 'true']);

    // Partly overlapping (B + A after A): refused naming only A's index; B is not left claimed (B alone: 201).
    expect((await apply([b, a], null).expect(422)).body.errors).toEqual([pending(1, a, '张三', first.caseId)]);
    const bAlone = (await apply([b], null).expect(201)).body as { caseId: string };
    expect(bAlone.caseId).not.toBe(first.caseId);

    // Two different persons in two applications at once: both pass.
    const [cRes, dRes] = await Promise.all([apply([c], `dup-c-${tag}`), apply([d], `dup-d-${tag}`)]);
    expect([cRes.status, dRes.status]).toEqual([201, 201]);

    // A renewal for 张三 while the first application is open: refused by the same rule, and neither claim is
    // taken (the card's renewal claim is not left behind: both claims or neither).
    const cardNumber = `CHP${String(Date.now()).slice(-9)}`;
    await apec.registerCard({
      number: cardNumber,
      holder: a,
      unit: ent.unit,
      economies: ['JP'],
      issuedOn: addMonths(addDays(today(), 60), -60),
      validUntil: addDays(today(), 60),
      caseId: null,
    });
    await apec.openRenewal(cardNumber, new Date());
    expect((await apply([a], `dup-renew-${tag}`, cardNumber).expect(422)).body.errors).toEqual([pending(0, a, '张三', first.caseId)]);
    const db = api.app.get(DataSource);
    expect(await db.query(`SELECT case_id FROM apec_renewal_claims WHERE card_number = $1`, [cardNumber])).toEqual([]);

    // Concurrency: 6 applications naming one person at once, each its own key: exactly one 201, five 422 naming it.
    const racing = await Promise.all(Array.from({ length: 6 }, (_, i) => apply([racer], `dup-race-${i}-${tag}`)));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 422, 422, 422, 422, 422]);
    const winner = racing.find((r) => r.status === 201)!.body as { caseId: string };
    for (const r of racing.filter((x) => x.status === 422)) expect(r.body.errors).toEqual([pending(0, racer, '李四', winner.caseId)]);

    // After the desk cancels the first application, 张三 may apply again (here: the renewal, both claims taken).
    await eventually(
      async () => (await request(http).get(`/api/delegations/${first.caseId}`).set(desk)).status,
      (status) => status === 200,
    );
    await request(http).post(`/api/delegations/${first.caseId}/cancel`).set(desk).send({ reason: '重复申请 / duplicate' }).expect(200);
    await readModelStatus(first.caseId, 'cancelled');
    const renewal = (await apply([a], `dup-renew2-${tag}`, cardNumber).expect(201)).body as { caseId: string };
    expect(await db.query(`SELECT case_id FROM apec_renewal_claims WHERE card_number = $1`, [cardNumber])).toEqual([
      { case_id: renewal.caseId },
    ]);
    // A new application (no renews) for 张三, who holds the card being renewed: a valid card bars it first.
    expect((await apply([a], null).expect(422)).body.errors).toEqual([
      expect.objectContaining({ field: 'personIds[0]', rule: 'holds-card' }),
    ]);
  });

  it("the application stores the case's first answer: the case page answers before any workflow task ran, as for a trip", async () => {
    // A task queue whose worker beats but has run nothing yet (one saturated by other cases' tasks in a burst).
    const queue = `apec-first-${randomUUID()}`;
    const held = await startTestApi({ taskQueue: queue, workingDaySeconds: 1 });
    const db = api.app.get(DataSource);
    let caseId: string | undefined;
    try {
      await db.query(`INSERT INTO worker_heartbeats (worker_id, task_queue, beat_at) VALUES ($1, $2, clock_timestamp())`, [
        randomUUID(),
        queue,
      ]);
      await mayApply();
      const p = `${ent.unit}-q-${uniqueSuffix()}`;
      await person(p, ent.unit, '钱七');
      const application = { personIds: [p], economies: ['SG'], neededBy: addDays(today(), 60) };
      const clerk = bearer(ent.tokens['enterprise-clerk']);
      caseId = (
        (await request(held.http).post('/api/apec/applications').set(clerk).send(application).expect(201)).body as { caseId: string }
      ).caseId;
      const res = await request(held.http).get(`/api/delegations/${caseId}`).set(bearer(ent.tokens['apec-desk'])).expect(200);
      const first = res.body as { caseId: string; source: string; status: string; lastSeq: number; steps: StepProgress[] };
      expect(first).toMatchObject({ caseId, source: 'workflow', status: 'open' });
      expect(first.lastSeq).toBeGreaterThan(0);
      // As submitted: the card process's steps, none done, and nothing stored by a worker yet.
      expect(first.steps.length).toBeGreaterThan(0);
      expect(first.steps.every((s) => /^K/.test(s.code))).toBe(true);
      expect(first.steps.filter((s) => s.status === 'done')).toEqual([]);
      expect((await db.query(`SELECT count(*)::int AS n FROM case_events WHERE stream_id = $1`, [caseId]))[0].n).toBe(0);
      const stored = (await db.query(`SELECT last_seq FROM case_progress WHERE case_id = $1`, [caseId])) as Array<{ last_seq: number }>;
      expect(stored).toEqual([{ last_seq: first.lastSeq }]);
    } finally {
      await db.query(`DELETE FROM worker_heartbeats WHERE task_queue = $1`, [queue]);
      if (caseId)
        await worker.client.workflow
          .getHandle(delegationWorkflowId(caseId))
          .terminate('test: no worker on its queue')
          .catch(() => undefined);
      await held.close();
    }
  });

  it('a finished application frees the person: once the card is issued (case completed) the person may apply again', async () => {
    const http = api.http;
    const clerk = bearer(ent.tokens['enterprise-clerk']);
    await mayApply();
    const f = `${ent.unit}-f-${uniqueSuffix()}`;
    await person(f, ent.unit, '赵六');
    const application = { personIds: [f], economies: ['SG'], neededBy: addDays(today(), 60) };
    const first = (await request(http).post('/api/apec/applications').set(clerk).send(application).expect(201)).body as { caseId: string };
    expect((await request(http).post('/api/apec/applications').set(clerk).send(application).expect(422)).body.errors).toEqual([
      {
        field: 'personIds[0]',
        rule: 'application-pending',
        message: {
          zh: `赵六（${f}）已有办理中的APEC卡申请（${first.caseId}）`,
          en: `赵六 (${f}) already has an open APEC card application (${first.caseId})`,
        },
      },
    ]);
    // The enterprise clerk (its own unit) and the APEC desk act each step until the card is issued and handed over.
    const act = actAs(ent.unit);
    const done = await drive(worker.client.workflow.getHandle(delegationWorkflowId(first.caseId)), ent.unit, { onSchedule: false, act });
    expect(done.status).toBe('completed');
    await readModelStatus(first.caseId, 'completed');
    // Now the holder of a valid card (trial: a second application without renews was accepted): 422 holds-card.
    const issued = (await new ApecRepository(api.app.get(DataSource)).cards({ holders: [f] }))[0]!;
    expect((await request(http).post('/api/apec/applications').set(clerk).send(application).expect(422)).body.errors).toEqual([
      expect.objectContaining({
        field: 'personIds[0]',
        rule: 'holds-card',
        message: expect.objectContaining({ en: expect.stringContaining(`valid until ${issued.validUntil}`) }),
      }),
    ]);
    // Once the card is reported lost, the person applies for a new one.
    await request(http)
      .post(`/api/apec/cards/${issued.ref}/status`)
      .set(bearer(ent.tokens['apec-desk']))
      .send({ status: 'lost', reason: '持卡人报失' })
      .expect(200);
    const again = (await request(http).post('/api/apec/applications').set(clerk).send(application).expect(201)).body as { caseId: string };
    expect(again.caseId).not.toBe(first.caseId);
    // K06 at the API: a card number the registry holds for someone else (f's card) is refused before it is sent, the
    // holder not named (third trial: accepted, then K07 blocked with no way back).
    const g = `${ent.unit}-g-${uniqueSuffix()}`;
    await person(g, ent.unit, '钱七');
    const other = (
      await request(http)
        .post('/api/apec/applications')
        .set(clerk)
        .send({ ...application, personIds: [g] })
        .expect(201)
    ).body as { caseId: string };
    await drive(worker.client.workflow.getHandle(delegationWorkflowId(other.caseId)), ent.unit, {
      onSchedule: false,
      act,
      until: (p) => p.steps.some((s) => s.key === 'K06:m1' && (s.status === 'awaiting' || s.status === 'overdue')),
    });
    const fCard = (await new ApecRepository(api.app.get(DataSource)).cards({ holders: [f] }))[0]!;
    const taken = await request(http)
      .post(`/api/delegations/${other.caseId}/steps/K06:m1/complete`)
      .set(bearer(ent.tokens['apec-desk']))
      .send({ data: { cardNumber: fCard.number } })
      .expect(422);
    expect(taken.body.errors).toEqual([expect.objectContaining({ field: 'data.cardNumber', rule: 'card-holder' })]);
    expect(JSON.stringify(taken.body)).not.toContain('赵六');
    // The enterprise clerk withdraws its own application (second trial: only the desk could end it).
    const withdrawn = await request(http)
      .post(`/api/delegations/${again.caseId}/withdraw`)
      .set(clerk)
      .send({ reason: '行程取消' })
      .expect(200);
    expect(withdrawn.body.status).toBe('withdrawn');
  }, 180_000);

  it("K05's refused members and K06's card dates at the API: 422 naming the field and the rule before anything is sent", async () => {
    const http = api.http;
    const clerk = bearer(ent.tokens['enterprise-clerk']);
    const desk = bearer(ent.tokens['apec-desk']);
    await mayApply();
    const [a, b] = [`${ent.unit}-h-${uniqueSuffix()}`, `${ent.unit}-i-${uniqueSuffix()}`];
    await person(a, ent.unit, '孙八');
    await person(b, ent.unit, '周九');
    const application = { personIds: [a, b], economies: ['JP', 'KR'], neededBy: addDays(today(), 60) };
    const { caseId } = (await request(http).post('/api/apec/applications').set(clerk).send(application).expect(201)).body as {
      caseId: string;
    };
    const act = actAs(ent.unit);
    const handle = worker.client.workflow.getHandle(delegationWorkflowId(caseId));
    const awaiting = (key: string) => (p: DelegationProgress) =>
      p.steps.some((s) => s.key === key && (s.status === 'awaiting' || s.status === 'overdue'));
    await drive(handle, ent.unit, { onSchedule: false, act, until: awaiting('K05:JP') });
    const complete = (key: string, data: Record<string, unknown>) =>
      request(http).post(`/api/delegations/${caseId}/steps/${key}/complete`).set(desk).send({ data });
    // Fresh tester: refused with no one named refused nobody (the card still listed JP); granted with m1 named cleared
    // m2 too; m1 twice was accepted.
    for (const [data, rule] of [
      [{ outcome: 'refused', members: [] }, 'min'],
      [{ outcome: 'granted', members: ['m1'] }, 'refused-only'],
      [{ outcome: 'refused', members: ['m1', 'm1'] }, 'unique'],
      [{ outcome: 'refused', members: ['m9'] }, 'known-member'],
    ] as const) {
      const refused = await complete('K05:JP', data).expect(422);
      expect([data, refused.body.code, refused.body.errors]).toEqual([
        data,
        'INVALID_REQUEST',
        [expect.objectContaining({ field: 'data.members', rule, message: { zh: expect.any(String), en: expect.any(String) } })],
      ]);
    }
    // Second fresh trial (high): K05 with no outcome counted as pre-cleared (the card listed an economy that never cleared).
    for (const [data, rule] of [
      [{}, 'required'],
      [{ outcome: null }, 'required'],
      [{ outcome: 'cleared' }, 'enum'],
    ] as const) {
      const refused = await complete('K05:JP', data).expect(422);
      expect([data, refused.body.errors]).toEqual([data, [expect.objectContaining({ field: 'data.outcome', rule })]]);
    }
    const bare = await request(http).post(`/api/delegations/${caseId}/steps/K05:JP/complete`).set(desk).send({}).expect(422);
    expect(bare.body.errors).toEqual([expect.objectContaining({ field: 'data.outcome', rule: 'required' })]);
    await complete('K05:JP', { outcome: 'refused', members: ['m2'] }).expect(200);
    await complete('K05:KR', { outcome: 'granted' }).expect(200);
    await drive(handle, ent.unit, { onSchedule: false, act, until: awaiting('K06:m1') });
    // Fresh tester: a card valid until 2099, and one issued and expired in 1990, were registered.
    const issuedOn = today();
    for (const [data, errors] of [
      [{ cardNumber: 'CARDX1', issuedOn, validUntil: '2099-12-31' }, [['data.validUntil', 'card-term']]],
      [
        { cardNumber: 'CARDX2', issuedOn: '1990-01-01', validUntil: '1990-06-01' },
        [
          ['data.issuedOn', 'after-application'],
          ['data.validUntil', 'not-expired'],
        ],
      ],
      // No number: the registration made one up (a card no card office issued).
      [{ issuedOn }, [['data.cardNumber', 'required']]],
      [{}, [['data.cardNumber', 'required']]],
    ] as const) {
      const refused = await complete('K06:m1', data).expect(422);
      expect([data, refused.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule])]).toEqual([data, errors]);
    }
    // The worker's default term (to the day before the 5th anniversary) is the longest allowed.
    const number = `CARD${Date.now()}`;
    await complete('K06:m1', { cardNumber: number, issuedOn, validUntil: cardValidUntil(issuedOn) }).expect(200);
    // The card's number K06 recorded (`cardNumber`) is an APEC card number wherever it is shown: masked for the clerk and
    // the desk in the case page and the timeline, as the cards registry masks it (fresh tester: shown in clear).
    for (const token of [clerk, desk])
      for (const path of [`/api/delegations/${caseId}`, `/api/delegations/${caseId}/timeline`]) {
        const text = JSON.stringify((await request(http).get(path).set(token).expect(200)).body);
        expect([path, text.includes(number)]).toEqual([path, false]);
        expect(text).toContain(`CA${'*'.repeat(number.length - 5)}${number.slice(-3)}`);
      }
  }, 180_000);

  it('the enterprise clerk attaches documents to its own card application (first trial: 403, only FAO officers could)', async () => {
    const http = api.http;
    const clerk = bearer(ent.tokens['enterprise-clerk']);
    await mayApply();
    const personId = `${ent.unit}-att-${uniqueSuffix()}`;
    await person(personId, ent.unit, '吴十');
    const application = { personIds: [personId], economies: ['JP'], neededBy: addDays(today(), 60) };
    const { caseId } = (await request(http).post('/api/apec/applications').set(clerk).send(application).expect(201)).body as {
      caseId: string;
    };
    const pdf = Buffer.from('%PDF-1.4\n% 申请人护照复印件\n%%EOF\n');
    const uploaded = await request(http)
      .post(`/api/delegations/${caseId}/attachments`)
      .set(clerk)
      .set('Idempotency-Key', randomUUID())
      .field('kind', 'passport-copy')
      .attach('file', pdf, { filename: 'passport.pdf', contentType: 'application/pdf' });
    expect([uploaded.status, uploaded.body.attachment?.kind]).toEqual([201, 'passport-copy']);
    const listed = (await request(http).get(`/api/delegations/${caseId}/attachments`).set(clerk).expect(200)).body;
    expect(listed.items.map((a: { id: string }) => a.id)).toContain(uploaded.body.attachment.id);
    expect(listed.mayUpload).toBe(true);
    // A kind the card application takes no document of is refused at the field, naming the kinds it takes, and
    // nothing is kept (trial 64's Left: the web offered only the process's kinds, the API stored any).
    for (const kind of ['invitation-letter', 'itinerary']) {
      const foreign = await request(http)
        .post(`/api/delegations/${caseId}/attachments`)
        .set(clerk)
        .set('Idempotency-Key', randomUUID())
        .field('kind', kind)
        .attach('file', Buffer.from(`%PDF-1.4\n% ${kind}\n%%EOF\n`), { filename: 'x.pdf', contentType: 'application/pdf' });
      expect([foreign.status, foreign.body.errors?.map((e: { field: string; rule: string }) => [e.field, e.rule])]).toEqual([
        422,
        [['kind', 'process-kind']],
      ]);
      expect(foreign.body.errors[0].message.zh).toMatch(
        /^本案（APEC商务旅行卡申请）不收.+：可上传护照复印件（passport-copy）、其他材料（other）$/,
      );
    }
    const afterForeign = (await request(http).get(`/api/delegations/${caseId}/attachments?includeRemoved=true`).set(clerk).expect(200))
      .body;
    expect(afterForeign.items.map((a: { kind: string }) => a.kind)).toEqual(['passport-copy']);
    // The card application's files are the clerk's and the APEC desk's: an FAO officer with no step on it may read
    // them, not add or remove any (trial, low: the passport officer uploaded to a card application).
    const officer = bearer(ent.tokens['passport-officer']);
    const byOfficer = await request(http)
      .post(`/api/delegations/${caseId}/attachments`)
      .set(officer)
      .field('kind', 'other')
      .attach('file', pdf, { filename: 'x.pdf', contentType: 'application/pdf' });
    expect([byOfficer.status, byOfficer.body.code]).toEqual([403, 'WRONG_ROLE']);
    expect(byOfficer.body.message.en).toMatch(/^Only these roles may upload an attachment: /);
    expect(byOfficer.body.message.en).not.toMatch(/passport/i);
    const officerList = (await request(http).get(`/api/delegations/${caseId}/attachments`).set(officer).expect(200)).body;
    expect([officerList.mayUpload, officerList.mayRemove]).toEqual([false, false]);
    await request(http).delete(`/api/delegations/${caseId}/attachments/${uploaded.body.attachment.id}`).set(officer).expect(403);
    const byDesk = await request(http)
      .post(`/api/delegations/${caseId}/attachments`)
      .set(bearer(ent.tokens['apec-desk']))
      .set('Idempotency-Key', randomUUID())
      .field('kind', 'other')
      .attach('file', pdf, { filename: 'desk.pdf', contentType: 'application/pdf' });
    expect(byDesk.status).toBe(201);
    // Not to a delegation (审护签) case, even of its own unit's government side: its process keeps it out.
    const trip = (
      await request(http)
        .post('/api/delegations')
        .set(bearer(gov.tokens.organizer))
        .send(passportsNotInCustody(canonicalSubmission(gov.unit)))
        .expect(201)
    ).body.caseId as string;
    const refused = await request(http)
      .post(`/api/delegations/${trip}/attachments`)
      .set(clerk)
      .field('kind', 'other')
      .attach('file', pdf, { filename: 'x.pdf', contentType: 'application/pdf' });
    expect(refused.status).toBe(403);
    // It removes its own file.
    await request(http).delete(`/api/delegations/${caseId}/attachments/${uploaded.body.attachment.id}`).set(clerk).expect(200);
  });

  it('an enterprise that registered its clerks (专办员备案) takes card applications and whitelist filings only from them', async () => {
    const http = api.http;
    const clerk = bearer(ent.tokens['enterprise-clerk']);
    const registered = (clerks: string[]) =>
      registries.putUnit({ ...enterpriseUnit(ent.unit, fixtureUnitNames(ent.unit, '测试企业', 'Test Co.')), clerks }, system);
    await registered(['clerk.of-record']);
    try {
      const application = { personIds: [`${ent.unit}-p1`], economies: ['JP'], neededBy: addDays(today(), 60) };
      const filing = { registeredCapitalWan: 150, foreignTradeUsd: 120_000, taxCreditGrade: 'A', creditRecordClean: true };
      for (const [path, body] of [
        ['/api/apec/applications', application],
        ['/api/apec/whitelist/applications', filing],
      ] as const) {
        const refused = await request(http).post(path).set(clerk).send(body).expect(403);
        expect([path, refused.body]).toMatchObject([
          path,
          {
            code: 'FORBIDDEN_ROLE',
            errors: [{ field: '(request)', rule: 'registered-clerk' }],
            message: { zh: expect.stringContaining('clerk.of-record') },
          },
        ]);
      }
    } finally {
      await registered([]);
    }
  });

  it('a government unit is no enterprise, and an enterprise stands in no government hierarchy', async () => {
    const http = api.http;
    const desk = bearer(ent.tokens['apec-desk']);
    const faoClerk = bearer(ent.tokens['fao-clerk']);
    await mayApply();
    const register = (code: string) =>
      request(http).put(`/api/apec/enterprises/${code}`).set(desk).send({ ownership: 'state', size: 'large' });
    const tie = (zh: string, en: string) => [
      {
        field: 'path.unit',
        rule: 'government-unit',
        message: { zh: expect.stringContaining(zh), en: expect.stringContaining(en) },
      },
    ];
    // Handed input (trial): a bureau that never sent a delegation, with users of government roles (unit leader,
    // personnel, finance, department approver...), was registered as an APEC enterprise.
    const bureau = await createTestUsers(api);
    await registerTestUnit(api, bureau);
    const asBureau = await register(bureau.unit);
    expect([asBureau.status, asBureau.body.errors]).toEqual([422, tie('有机关角色用户', 'users of government roles')]);
    // Nor a unit in the government hierarchy: another unit's parent, or a unit under a parent.
    const top = `top-${uniqueSuffix()}`;
    await registries.putUnit(enterpriseUnit(top, fixtureUnitNames(top, '测试上级局', 'Test parent bureau')), system);
    await registries.putUnit(
      { ...enterpriseUnit(`${top}-sub`, fixtureUnitNames(`${top}-sub`, '测试下级处', 'Test division')), parentCode: top },
      system,
    );
    const asTop = await register(top);
    expect([asTop.status, asTop.body.errors]).toEqual([422, tie('是其他单位的上级单位或主管部门', "another unit's parent")]);
    const asSub = await register(`${top}-sub`);
    expect([asSub.status, asSub.body.errors]).toEqual([422, tie('隶属上级单位或主管部门', 'has a parent unit')]);
    expect((await request(http).get(`/api/apec/enterprises/${top}`).set(desk)).status).toBe(404);

    // Handed input (trial): a unit registered with an enterprise as its parent: 422 at parentCode, as an enterprise as
    // supervising department is; and an enterprise under a parent or a supervising department: 422 enterprise-unit.
    const unitBody = (parentCode: string | null, supervisingDepartment: string | null) => ({
      nameZh: '测试单位',
      nameEn: 'Test unit',
      parentCode,
      supervisingDepartment,
      clerks: [],
      signatories: [],
      status: 'active',
      suspendedReason: null,
    });
    for (const field of ['parentCode', 'supervisingDepartment'] as const) {
      const under = await request(http)
        .put(`/api/registries/units/${top}-sub`)
        .set(faoClerk)
        .send(field === 'parentCode' ? unitBody(ent.unit, null) : unitBody(null, ent.unit))
        .expect(422);
      expect(under.body.errors).toEqual([
        {
          field,
          rule: 'government-unit',
          message: {
            zh: expect.stringContaining('是APEC卡企业，不能作为'),
            en: expect.stringContaining('is an APEC card enterprise, not'),
          },
        },
      ]);
      const placed = await request(http)
        .put(`/api/registries/units/${ent.unit}`)
        .set(faoClerk)
        .send(field === 'parentCode' ? unitBody(top, null) : unitBody(null, top))
        .expect(422);
      expect(placed.body.errors).toEqual([expect.objectContaining({ field, rule: 'enterprise-unit' })]);
    }
    // Nor a supervising department typed by a unit not in the registry (its A16 would wait for an approver an
    // enterprise cannot have).
    const unregistered = await createTestUsers(api);
    const typed = await request(http)
      .post('/api/delegations')
      .set(bearer(unregistered.tokens.organizer))
      .send(canonicalSubmission(unregistered.unit, { supervisingDepartment: ent.unit }))
      .expect(422);
    expect(typed.body.errors).toEqual([expect.objectContaining({ field: 'supervisingDepartment', rule: 'government-unit' })]);
    expect((await registries.unit(`${top}-sub`))?.parentCode).toBe(top);
    expect(await registries.unit(ent.unit)).toMatchObject({ parentCode: null, supervisingDepartment: null });
  });

  it("a suspended enterprise's open application does not go forward (409 enterprise-standing) until the suspension is lifted; it may be returned", async () => {
    const http = api.http;
    const { firm, desk, clerk } = await admittedFirm('susp', ['申请人甲']);
    const caseId = await applyForFirst(firm.unit, clerk);
    const step = (key: string, action: 'complete' | 'decision', who: { Authorization: string }, body: object = {}) =>
      request(http).post(`/api/delegations/${caseId}/steps/${key}/${action}`).set(who).send(body);
    const awaits = (key: string) =>
      eventually(
        async () =>
          (await request(http).get(`/api/delegations/${caseId}`).set(desk)).body?.steps?.find((s: { key: string }) => s.key === key)
            ?.status,
        (status) => status === 'awaiting' || status === 'overdue',
      );
    await awaits('K01:m1');
    await step('K01:m1', 'complete', clerk).expect(200);
    await awaits('K02');
    const suspended = await request(http)
      .post(`/api/apec/enterprises/${firm.unit}/whitelist/suspend`)
      .set(desk)
      .send({ note: '核查中' })
      .expect(200);
    // Why it is suspended is shown with its state (fresh trial: the view read `reason: null` and nothing else).
    expect(suspended.body.enterprise.whitelist).toMatchObject({ state: 'suspended', reason: null, note: '核查中' });
    // The handed input: suspended, the application went on to the national card office. Now it waits.
    const refused = await step('K02', 'complete', clerk).expect(409);
    expect(refused.body).toMatchObject({
      code: 'ACTION_NOT_ALLOWED',
      stepKey: 'K02',
      errors: [{ field: 'path.stepKey', rule: 'enterprise-standing' }],
      message: { zh: expect.stringContaining('已暂停'), en: expect.stringContaining('off the whitelist (now: Suspended)') },
    });
    // The clerk's inbox said so on the step, with the same words (the kind of the thirty-ninth trial's E07: an item
    // offered that is refused); lifted, it is offered again.
    const inboxItem = async (who: { Authorization: string }, key: string) =>
      (
        (await request(http).get('/api/inbox').set(who).expect(200)).body.items as Array<{
          caseId: string;
          stepKey: string;
          blockedFor: unknown;
        }>
      ).find((i) => i.caseId === caseId && i.stepKey === key);
    expect(await inboxItem(clerk, 'K02')).toMatchObject({ blockedFor: { code: 'ENTERPRISE_STANDING', message: refused.body.message } });
    // Another role is refused as before (the workflow's refusal first), not told of the enterprise.
    expect((await step('K02', 'complete', desk).expect(403)).body.code).toBe('WRONG_ROLE');
    // Its ownership set to state while suspended (tenth trial: its applications then went on): still held.
    await request(http).put(`/api/apec/enterprises/${firm.unit}`).set(desk).send({ ownership: 'state', size: 'small' }).expect(200);
    expect((await step('K02', 'complete', clerk).expect(409)).body.errors[0].rule).toBe('enterprise-standing');
    await request(http).put(`/api/apec/enterprises/${firm.unit}`).set(desk).send({ ownership: 'non-state', size: 'small' }).expect(200);
    await request(http).post(`/api/apec/enterprises/${firm.unit}/whitelist/lift`).set(desk).send({}).expect(200);
    expect(await inboxItem(clerk, 'K02')).toMatchObject({ blockedFor: null });
    await step('K02', 'complete', clerk).expect(200);
    await awaits('K03');
    await request(http).post(`/api/apec/enterprises/${firm.unit}/whitelist/suspend`).set(desk).send({ note: '再次核查' }).expect(200);
    expect((await step('K03', 'decision', desk, { decision: 'approve' }).expect(409)).body.errors[0].rule).toBe('enterprise-standing');
    expect(await inboxItem(desk, 'K03')).toMatchObject({ blockedFor: { code: 'ENTERPRISE_STANDING' } });
    // Returned to the enterprise it may be, while suspended.
    await step('K03', 'decision', desk, { decision: 'return', returnTo: 'K02', comment: '暂停期间退回' }).expect(200);
    await awaits('K02');
    expect((await step('K02', 'complete', clerk).expect(409)).body.errors[0].rule).toBe('enterprise-standing');
  }, 120_000);

  it("eleventh trial: a suspension at the instant of a K02-K04 step waits for the step's update (both accepted, the step first) or refuses it; never the step after the suspension", async () => {
    const http = api.http;
    const { firm, desk, clerk } = await admittedFirm('race', ['申请人乙']);
    const caseId = await applyForFirst(firm.unit, clerk);
    const awaiting = async () =>
      eventually(
        async () =>
          ((await request(http).get(`/api/delegations/${caseId}`).set(desk)).body?.steps as Array<{ key: string; status: string }>)?.find(
            (s) => s.status === 'awaiting' || s.status === 'overdue',
          )?.key,
        (key) => key !== undefined,
      );
    const whitelist = (move: string, body: object = {}) =>
      request(http).post(`/api/apec/enterprises/${firm.unit}/whitelist/${move}`).set(desk).send(body);
    expect(await awaiting()).toBe('K01:m1');
    // A step in flight holds the standing: a suspension waits for it, and goes through once it is answered.
    const hold = await api.app.get(RegistriesService).holdEnterpriseStanding(firm.unit, caseId);
    let suspended = false;
    const waiting = whitelist('suspend', { note: '核查中' }).then((r) => ((suspended = true), r));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(suspended).toBe(false);
    await hold.release();
    expect((await waiting).status).toBe(200);
    await whitelist('lift').expect(200);
    // A hold never released (an update whose outcome is unknown): 409 card-step-in-flight after 5 s, nothing changed.
    const stuck = await api.app.get(RegistriesService).holdEnterpriseStanding(firm.unit, caseId);
    const busy = await whitelist('suspend', { note: '核查中' }).expect(409);
    expect(busy.headers['retry-after']).toBe('1');
    expect(busy.body.errors).toEqual([expect.objectContaining({ field: 'path.unit', rule: 'card-step-in-flight' })]);
    expect((await request(http).get(`/api/apec/enterprises/${firm.unit}`).set(desk).expect(200)).body.whitelist.state).toBe('admitted');
    await stuck.release();
    // The handed input: the step's completion and the suspension sent at once. The step's update lands before the
    // suspension's write, or the step is refused; before, the step checked the standing, the suspension was written,
    // then the step's update landed (both accepted, the step after the suspension).
    const updateTimes = async () => {
      const history = await worker.client.workflow.getHandle(delegationWorkflowId(caseId)).fetchHistory();
      return (history.events ?? [])
        .filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)
        .map((e) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6));
    };
    const act = (key: string) =>
      key.startsWith('K03')
        ? request(http).post(`/api/delegations/${caseId}/steps/${key}/decision`).set(desk).send({ decision: 'approve' })
        : request(http)
            .post(`/api/delegations/${caseId}/steps/${key}/complete`)
            .set(key.startsWith('K04') ? desk : clerk)
            .send({});
    const outcomes: string[] = [];
    for (const delayMs of [0, 15, 30, 60, 15, 30]) {
      const key = await awaiting();
      if (!/^K0[1-4]/.test(key!)) break;
      const before = (await updateTimes()).length;
      const [stepped, suspension] = await Promise.all([
        act(key!),
        new Promise((r) => setTimeout(r, delayMs)).then(() => whitelist('suspend', { note: '核查中' })),
      ]);
      expect(suspension.status).toBe(200);
      const since = Date.parse(suspension.body.enterprise.whitelist.since as string);
      if (stepped.status === 200) {
        const landed = (await updateTimes()).slice(before);
        expect(landed.length).toBeGreaterThan(0);
        expect({ key, landedBeforeSuspension: Math.max(...landed) <= since }).toEqual({ key, landedBeforeSuspension: true });
        outcomes.push('step first');
      } else {
        expect({ key, status: stepped.status, rule: stepped.body.errors?.[0]?.rule }).toEqual({
          key,
          status: 409,
          rule: 'enterprise-standing',
        });
        outcomes.push('suspension first');
      }
      await whitelist('lift').expect(200);
    }
    expect(outcomes.length).toBeGreaterThan(0);
  }, 180_000);

  it('an exit leaves an application whose card is registered to hand its cards over (keptCases), and stops the others', async () => {
    // Handed input (trial): the exit cancelled a case whose cards were registered (K07) but not handed over.
    const http = api.http;
    const { firm, desk, clerk } = await admittedFirm('exit', ['申请人1', '申请人2', '申请人3']);
    const apply = async (personIds: string[]) =>
      (
        await request(http)
          .post('/api/apec/applications')
          .set(clerk)
          .send({ personIds, economies: ['SG'], neededBy: addDays(today(), 60) })
          .expect(201)
      ).body.caseId as string;
    const issued = await apply([`${firm.unit}-p1`, `${firm.unit}-p2`]);
    const early = await apply([`${firm.unit}-p3`]);
    const act = actAs(firm.unit);
    const handle = worker.client.workflow.getHandle(delegationWorkflowId(issued));
    await drive(handle, firm.unit, {
      onSchedule: false,
      act,
      skip: (s) => s.key === 'K06:m2',
      until: (p) => p.steps.some((s) => s.key === 'K07:m1' && s.status === 'done'),
    });
    await eventually(
      async () => (await request(http).get(`/api/delegations/${early}`).set(desk)).status,
      (status) => status === 200,
    );
    const exit = await request(http)
      .post(`/api/apec/enterprises/${firm.unit}/whitelist/exit`)
      .set(desk)
      .send({ reason: 'violation', note: '虚假材料' })
      .expect(200);
    expect(exit.body).toMatchObject({ stoppedCases: [early], keptCases: [issued] });
    expect(exit.body.enterprise.history.at(-1)).toMatchObject({ action: 'exited', stoppedCases: [early], detail: { keptCases: [issued] } });
    await readModelStatus(early, 'cancelled');
    // The kept case registers its other card and hands both over; the registry holds them valid, with the case.
    const done = await drive(handle, firm.unit, { onSchedule: false, act });
    expect(done.status).toBe('completed');
    const cards = (await request(http).get(`/api/apec/cards?unit=${firm.unit}`).set(desk).expect(200)).body.items as Array<{
      caseId: string;
      status: string;
    }>;
    expect(cards.map((c) => [c.caseId, c.status])).toEqual([
      [issued, 'valid'],
      [issued, 'valid'],
    ]);
  }, 180_000);
});
