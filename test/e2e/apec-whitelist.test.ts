import request from 'supertest';
import { DataSource } from 'typeorm';
import { addDays, DEFAULT_WHITELIST_CRITERIA, shanghaiDate } from '@df/domain';
import { ApecRepository, RegistriesRepository } from '@df/persistence';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import { addTestUser, bearer, createTestUsers, startTestApi, uniqueSuffix, type TestApi, type TestUsers } from '../support/api-harness';
import { AdmissionResultSchema } from '../../apps/api/src/apec/schemas';
import * as W from '../../apps/api/src/apec/whitelist.schemas';
import { enterpriseUnit, fixtureUnitNames } from '../support/factories';

const documented = (schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, body: unknown) => {
  const r = schema.safeParse(body);
  expect(r.success ? null : r.error).toBeNull();
};
const today = () => shanghaiDate(Date.now());
const figures = { registeredCapitalWan: 150, foreignTradeUsd: 120_000, taxCreditGrade: 'A', creditRecordClean: true };
const raisedSmall = { ...DEFAULT_WHITELIST_CRITERIA, registeredCapitalWan: { large: 1000, medium: 500, small: 200, micro: 30 } };
const pairs = (body: { errors: Array<{ field: string; rule: string }> }) => body.errors.map((e) => [e.field, e.rule]);

/**
 * Whitelist admission as a case of its own process and the office's criteria over the HTTP API (issue 17). A
 * database of this file's own: the criteria are office-wide data, and this file changes them.
 */
describe('whitelist admission over the API (issue 17)', () => {
  let db: TestDatabase;
  let worker: TestWorker;
  let api: TestApi;
  let ent: TestUsers;
  let gov: TestUsers;
  let apec: ApecRepository;
  const system = { id: 'test', role: 'system' };

  beforeAll(async () => {
    db = await createTestDatabase('wlapi');
    worker = await startTestWorker({ databaseUrl: db.url });
    api = await startTestApi({ databaseUrl: db.url, taskQueue: worker.config.taskQueue, workingDaySeconds: 1 });
    ent = await createTestUsers(api, `wl-${uniqueSuffix()}`, { enterprise: true });
    gov = await createTestUsers(api, `wls-${uniqueSuffix()}`, { enterprise: true });
    const ds = api.app.get(DataSource);
    const registries = new RegistriesRepository(ds);
    apec = new ApecRepository(ds);
    for (const code of [ent.unit, gov.unit])
      await registries.putUnit(enterpriseUnit(code, fixtureUnitNames(code, '测试企业', 'Test Co.')), system);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    await db?.drop();
  });

  it('the criteria: read by the desk, manager, administrator and clerk; set by the desk or administrator, each bad field named', async () => {
    const http = api.http;
    for (const role of ['apec-desk', 'manager', 'admin', 'enterprise-clerk'] as const) {
      const res = await request(http).get('/api/apec/whitelist/criteria').set(bearer(ent.tokens[role])).expect(200);
      documented(W.CriteriaViewSchema, res.body);
      expect(res.body.current).toMatchObject({ version: 1, criteria: DEFAULT_WHITELIST_CRITERIA, changedBy: null });
    }
    await request(http)
      .get('/api/apec/whitelist/criteria')
      .set(bearer((await addTestUser(api, 'organizer', `gov-${uniqueSuffix()}`)).token))
      .expect(403);
    await request(http).put('/api/apec/whitelist/criteria').set(bearer(ent.tokens['enterprise-clerk'])).send(raisedSmall).expect(403);
    await request(http).put('/api/apec/whitelist/criteria').set(bearer(ent.tokens.manager)).send(raisedSmall).expect(403);
    const desk = bearer(ent.tokens['apec-desk']);

    // A small firm's threshold above the medium one's: refused with its rule (lowered thresholds).
    const above = await request(http)
      .put('/api/apec/whitelist/criteria')
      .set(desk)
      .send({ ...raisedSmall, registeredCapitalWan: { large: 1000, medium: 500, small: 600, micro: 30 } })
      .expect(422);
    expect(above.body.code).toBe('INVALID_REQUEST');
    expect(pairs(above.body)).toEqual([['registeredCapitalWan.small', 'lowered-threshold']]);
    expect(above.body.errors[0].message).toEqual({
      zh: '小型企业的门槛（600）不得高于中型企业（500）：小微企业降低门槛',
      en: 'The small enterprise threshold (600) may not exceed the medium one (500): smaller firms get lowered thresholds',
    });
    // Shape: every field named.
    const shape = await request(http)
      .put('/api/apec/whitelist/criteria')
      .set(desk)
      .send({ registeredCapitalWan: { large: -1, medium: 5, small: 1 }, taxCreditGrades: ['A', 'X'], creditRecordClean: 'yes' })
      .expect(400);
    expect(pairs(shape.body).map(([f]) => f)).toEqual(
      expect.arrayContaining([
        'registeredCapitalWan.large',
        'registeredCapitalWan.micro',
        'foreignTradeUsd',
        'taxCreditGrades[1]',
        'creditRecordClean',
      ]),
    );
    const grades = await request(http)
      .put('/api/apec/whitelist/criteria')
      .set(desk)
      .send({ ...raisedSmall, taxCreditGrades: ['A', 'A'] })
      .expect(422);
    expect(pairs(grades.body)).toEqual([['taxCreditGrades[1]', 'unique']]);
    const past = await request(http)
      .put('/api/apec/whitelist/criteria')
      .set(desk)
      .send({ ...raisedSmall, effectiveFrom: addDays(today(), -1) })
      .expect(422);
    expect(pairs(past.body)).toEqual([['effectiveFrom', 'not-past']]);
    // Nothing was written by the refusals.
    expect((await request(http).get('/api/apec/whitelist/criteria').set(desk).expect(200)).body.versions).toHaveLength(1);
  });

  it('the clerk files, the desk approves in the inbox, the system admits under the version in force; a raised threshold refuses', async () => {
    const http = api.http;
    const desk = bearer(ent.tokens['apec-desk']);
    const clerk = bearer(ent.tokens['enterprise-clerk']);
    // Not yet a registered enterprise: 422 naming the rule.
    const unregistered = await request(http).post('/api/apec/whitelist/applications').set(clerk).send(figures).expect(422);
    expect(pairs(unregistered.body)).toEqual([['unit', 'enterprise']]);
    // One rule, one refusal: the card application of the same unregistered enterprise answers the same words
    // (new-user trial: the whitelist filing kept its own copy of the rule).
    const card = await request(http)
      .post('/api/apec/applications')
      .set(clerk)
      .send({ personIds: [`${ent.unit}-p1`], economies: ['JP'], neededBy: addDays(today(), 60) })
      .expect(422);
    const { requestId: _a, ...filing } = unregistered.body as Record<string, unknown>;
    const { requestId: _b, ...applying } = card.body as Record<string, unknown>;
    expect(applying).toEqual(filing);
    expect(filing).toMatchObject({
      code: 'RULE_VIOLATION',
      message: {
        zh: `测试企业${ent.unit}（${ent.unit}）不是已登记的企业（请外办APEC窗口先登记）`,
        en: `Test Co. ${ent.unit} (${ent.unit}) is not a registered enterprise (the APEC desk registers it first)`,
      },
      errors: [{ field: 'unit', rule: 'enterprise', message: { zh: '须为已登记的企业', en: 'Must be a registered enterprise' } }],
    });
    await request(http).put(`/api/apec/enterprises/${ent.unit}`).set(desk).send({ ownership: 'non-state', size: 'small' }).expect(200);

    // Bad figures: each field named; the desk may not file.
    const bad = await request(http)
      .post('/api/apec/whitelist/applications')
      .set(clerk)
      .send({ registeredCapitalWan: -1, foreignTradeUsd: 'many', taxCreditGrade: 'Z' })
      .expect(400);
    expect(pairs(bad.body).map(([f]) => f)).toEqual(['registeredCapitalWan', 'foreignTradeUsd', 'taxCreditGrade', 'creditRecordClean']);
    await request(http).post('/api/apec/whitelist/applications').set(desk).send(figures).expect(403);

    const key = `wl-${uniqueSuffix()}`;
    const filed = await request(http)
      .post('/api/apec/whitelist/applications')
      .set(clerk)
      .set('Idempotency-Key', key)
      .send(figures)
      .expect(201);
    documented(W.WhitelistApplicationResponseSchema, filed.body);
    expect(filed.body).toMatchObject({ process: 'apec-whitelist', status: 'open' });
    const again = await request(http)
      .post('/api/apec/whitelist/applications')
      .set(clerk)
      .set('Idempotency-Key', key)
      .send(figures)
      .expect(201);
    expect([again.headers['idempotent-replayed'], again.body.caseId]).toEqual(['true', filed.body.caseId]);
    const caseId = filed.body.caseId as string;

    // One open application at a time, at once: the enterprise's filing claim is taken before its case starts (the
    // read model may not have the case yet: a second filing sent right after the first was accepted before).
    const second = await request(http).post('/api/apec/whitelist/applications').set(clerk).send(figures).expect(409);
    expect(second.body).toMatchObject({ code: 'ACTION_NOT_ALLOWED', message: { en: expect.stringContaining(caseId) } });
    // A first attempt whose answer was lost (its key still pending): the retry with the same key finds its own
    // case open and answers with it (W01 completed once, by its update id), not 409.
    await api.app
      .get(DataSource)
      .query(
        `UPDATE idempotency_records SET status = 'pending', response_status = NULL, response_body = NULL, completed_at = NULL WHERE case_id = $1`,
        [caseId],
      );
    const retried = await request(http)
      .post('/api/apec/whitelist/applications')
      .set(clerk)
      .set('Idempotency-Key', key)
      .send(figures)
      .expect(201);
    expect(retried.body.caseId).toBe(caseId);

    // W01 carries the figures; W02 is the APEC desk's in the inbox, the list and the board filter by the process.
    const inbox = await eventually(
      async () => (await request(http).get('/api/inbox').set(desk).expect(200)).body,
      (b) => b.items.some((i: { caseId: string }) => i.caseId === caseId),
    );
    expect(inbox.items.find((i: { caseId: string }) => i.caseId === caseId)).toMatchObject({
      process: 'apec-whitelist',
      stepKey: 'W02',
      name: { en: 'FAO APEC desk reviews the application' },
    });
    const listed = (await request(http).get('/api/delegations?process=apec-whitelist').set(desk).expect(200)).body;
    expect(listed.items.map((c: { caseId: string; process: string }) => [c.caseId, c.process])).toEqual([[caseId, 'apec-whitelist']]);
    expect(
      (await request(http).get('/api/delegations?process=apec-card').set(desk).expect(200)).body.items.map(
        (c: { caseId: string }) => c.caseId,
      ),
    ).not.toContain(caseId);
    // The delegations are not the desk's to list (apec-scope.test.ts): 403, as another unit's filter is.
    expect((await request(http).get('/api/delegations?process=delegation').set(desk).expect(403)).body.code).toBe('CASE_OUT_OF_SCOPE');
    const board = (await request(http).get('/api/dashboard?process=apec-whitelist').set(bearer(ent.tokens.manager)).expect(200)).body;
    expect(board.inFlight.items.map((c: { caseId: string }) => c.caseId)).toEqual([caseId]);
    const catalog = (await request(http).get('/api/catalog').set(clerk).expect(200)).body;
    expect(catalog.processes.map((p: { process: string }) => p.process)).toEqual(['delegation', 'apec-card', 'apec-whitelist']);
    const progress = (await request(http).get(`/api/delegations/${caseId}`).set(desk).expect(200)).body;
    expect(progress.steps.find((s: { key: string }) => s.key === 'W01')).toMatchObject({ status: 'done', data: figures });

    // Figures sent to W01 through the generic step endpoint (after a return) are checked as the filing's: 422 per
    // field (a step's own data rules, beyond the free-form `data` of the document), as the engine refuses them.
    const badData = await request(http)
      .post(`/api/delegations/${caseId}/steps/W01/complete`)
      .set(clerk)
      .send({ data: { registeredCapitalWan: -1, taxCreditGrade: 'A' } })
      .expect(422);
    expect(pairs(badData.body)).toEqual([
      ['data.registeredCapitalWan', 'non-negative-number'],
      ['data.foreignTradeUsd', 'non-negative-number'],
      ['data.creditRecordClean', 'boolean'],
    ]);

    await request(http).post(`/api/delegations/${caseId}/steps/W02/decision`).set(desk).send({ decision: 'approve' }).expect(200);
    const done = await eventually(
      async () => (await request(http).get(`/api/delegations/${caseId}`).set(desk).expect(200)).body,
      (b) => b.status === 'completed',
    );
    expect(done.status).toBe('completed');
    const e = (await request(http).get(`/api/apec/enterprises/${ent.unit}`).set(clerk).expect(200)).body;
    expect(e).toMatchObject({ whitelist: { state: 'admitted' }, mayApply: true });
    expect(e.history).toHaveLength(1);
    expect(e.history[0]).toMatchObject({
      action: 'admitted',
      detail: { criteriaVersion: 1, caseId, thresholds: { registeredCapitalWan: 100 } },
    });
    // Already on the list: 409.
    const listedAlready = await request(http).post('/api/apec/whitelist/applications').set(clerk).send(figures).expect(409);
    expect(listedAlready.body.message).toEqual({
      zh: '企业已在白名单中（已准入）',
      en: 'The enterprise is already on the whitelist (Admitted)',
    });

    // The desk raises the small firms' capital threshold: version 2, audited; the registry action applies it.
    const raised = await request(http).put('/api/apec/whitelist/criteria').set(desk).send(raisedSmall).expect(200);
    documented(W.CriteriaViewSchema, raised.body);
    expect(raised.body.current).toMatchObject({
      version: 2,
      effectiveFrom: today(),
      changedBy: ent.usernames['apec-desk'],
      previous: { version: 1, criteria: { registeredCapitalWan: { small: 100 } } },
      criteria: { registeredCapitalWan: { small: 200 } },
    });
    // Who changed it, by display name (the criteria card's 修改人; trial 85: it read the account).
    const deskAccount = ent.usernames['apec-desk'];
    expect(raised.body.actorNames).toEqual({
      [deskAccount]: (await api.app.get(DataSource).query('SELECT display_name FROM users WHERE username = $1', [deskAccount]))[0]
        .display_name,
    });
    await request(http).put(`/api/apec/enterprises/${gov.unit}`).set(desk).send({ ownership: 'non-state', size: 'small' }).expect(200);
    const direct = await request(http).post(`/api/apec/enterprises/${gov.unit}/whitelist/admission`).set(desk).send(figures).expect(200);
    documented(AdmissionResultSchema, direct.body);
    expect(direct.body).toMatchObject({ admitted: false, failures: [{ criterion: 'registeredCapitalWan' }] });
    expect(direct.body.enterprise.history[0].detail).toMatchObject({ criteriaVersion: 2, thresholds: { registeredCapitalWan: 200 } });
  });

  it('a state enterprise needs no whitelist: 422 with the rule', async () => {
    const http = api.http;
    await request(http)
      .put(`/api/apec/enterprises/${gov.unit}`)
      .set(bearer(gov.tokens['apec-desk']))
      .send({ ownership: 'state', size: 'large' })
      .expect(200);
    const res = await request(http)
      .post('/api/apec/whitelist/applications')
      .set(bearer(gov.tokens['enterprise-clerk']))
      .send(figures)
      .expect(422);
    expect(res.body).toMatchObject({
      code: 'RULE_VIOLATION',
      message: { zh: '国有企业无需列入白名单即可申请APEC卡', en: 'A state enterprise applies for cards without the whitelist' },
    });
    expect(pairs(res.body)).toEqual([['unit', 'whitelist-not-needed']]);
    expect(await apec.whitelistHistory(gov.unit)).toHaveLength(1); // the refused registry evaluation above only
  });

  it('every figure and threshold has its bound and decimals, effectiveFrom its horizon; one scheduled version per day', async () => {
    const http = api.http;
    const desk = bearer(ent.tokens['apec-desk']);
    const clerk = bearer(ent.tokens['enterprise-clerk']);
    const versions = async () => (await request(http).get('/api/apec/whitelist/criteria').set(desk).expect(200)).body.versions.length;
    const before = await versions();
    // The trial's inputs: 1e308 everywhere and a day far ahead, each field named with its rule, bilingual.
    const huge = await request(http)
      .put('/api/apec/whitelist/criteria')
      .set(desk)
      .send({
        ...raisedSmall,
        registeredCapitalWan: { large: 1e308, medium: 500, small: 100.00001, micro: 30 },
        foreignTradeUsd: { large: 1_000_000, medium: 500_000.5, small: 100_000, micro: 50_000 },
        effectiveFrom: '2199-12-31',
      })
      .expect(400);
    expect(pairs(huge.body)).toEqual([
      ['registeredCapitalWan.large', 'max'],
      ['registeredCapitalWan.small', 'decimals'],
      ['foreignTradeUsd.medium', 'decimals'],
    ]);
    expect(huge.body.errors[0].message).toEqual({ zh: '不得大于100000000', en: 'Must be at most 100000000' });
    expect(huge.body.errors[1].message).toEqual({ zh: '最多4位小数', en: 'At most 4 decimal place(s)' });
    expect(huge.body.errors[2].message).toEqual({ zh: '须为整数', en: 'Must be a whole number' });
    const far = await request(http)
      .put('/api/apec/whitelist/criteria')
      .set(desk)
      .send({ ...raisedSmall, effectiveFrom: '2199-12-31' })
      .expect(422);
    const last = addDays(today(), 366);
    expect(far.body.errors).toEqual([
      {
        field: 'effectiveFrom',
        rule: 'horizon',
        message: { zh: `不得晚于${last}（今天起366天内）`, en: `Must not be after ${last} (within 366 days of today)` },
      },
    ]);
    // The bounds themselves pass (4 decimals of 万元 = the yuan).
    const day = addDays(today(), 30);
    const edge = {
      ...raisedSmall,
      registeredCapitalWan: { large: 100_000_000, medium: 500.1234, small: 0.3, micro: 0 },
      foreignTradeUsd: { large: 1e12, medium: 500_000, small: 100_000, micro: 0 },
    };
    const scheduled = await request(http)
      .put('/api/apec/whitelist/criteria')
      .set(desk)
      .send({ ...edge, effectiveFrom: day })
      .expect(200);
    expect(scheduled.body.saved).toMatchObject({ effectiveFrom: day, criteria: { registeredCapitalWan: { small: 0.3 } } });
    // A second version for the same scheduled day: 409 naming effectiveFrom; nothing written.
    const again = await request(http)
      .put('/api/apec/whitelist/criteria')
      .set(desk)
      .send({ ...raisedSmall, effectiveFrom: day })
      .expect(409);
    expect(again.body.code).toBe('ACTION_NOT_ALLOWED');
    expect(pairs(again.body)).toEqual([['effectiveFrom', 'scheduled']]);
    expect(await versions()).toBe(before + 1);
    // Another day is fine.
    await request(http)
      .put('/api/apec/whitelist/criteria')
      .set(desk)
      .send({ ...raisedSmall, effectiveFrom: addDays(day, 1) })
      .expect(200);
    expect(await versions()).toBe(before + 2);

    // The figures: the clerk's filing and the desk's registry action refuse 1e308 alike.
    for (const [path, auth] of [
      ['/api/apec/whitelist/applications', clerk],
      [`/api/apec/enterprises/${gov.unit}/whitelist/admission`, desk],
    ] as const) {
      const res = await request(http)
        .post(path)
        .set(auth)
        .send({ ...figures, registeredCapitalWan: 1e308, foreignTradeUsd: 12.5 })
        .expect(400);
      expect([path, pairs(res.body)]).toEqual([
        path,
        [
          ['registeredCapitalWan', 'max'],
          ['foreignTradeUsd', 'decimals'],
        ],
      ]);
    }
  });

  it('one open admission application per enterprise, under concurrency: 6 filings at once, exactly one case', async () => {
    const http = api.http;
    const racing = await createTestUsers(api, `wlr-${uniqueSuffix()}`, { enterprise: true });
    await new RegistriesRepository(api.app.get(DataSource)).putUnit(
      enterpriseUnit(racing.unit, { zh: '并发企业', en: 'Race Co.' }),
      system,
    );
    await request(http)
      .put(`/api/apec/enterprises/${racing.unit}`)
      .set(bearer(racing.tokens['apec-desk']))
      .send({ ownership: 'non-state', size: 'small' })
      .expect(200);
    const clerk = bearer(racing.tokens['enterprise-clerk']);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        request(http)
          .post('/api/apec/whitelist/applications')
          .set(clerk)
          .set('Idempotency-Key', `wl-race-${i}-${uniqueSuffix()}`)
          .send(figures),
      ),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const winner = answers.find((r) => r.status === 201)!.body as { caseId: string };
    for (const r of answers.filter((x) => x.status === 409))
      expect(r.body).toMatchObject({
        code: 'ACTION_NOT_ALLOWED',
        message: {
          zh: `本企业已有一件白名单准入申请在办（${winner.caseId}）`,
          en: `An admission application of the enterprise is already open (${winner.caseId})`,
        },
      });
    // Exactly one case was started for the enterprise.
    await eventually(
      async () =>
        (await api.app.get(DataSource).query(`SELECT case_id FROM cases WHERE unit = $1`, [racing.unit])) as Array<{ case_id: string }>,
      (rows) => rows.length >= 1,
    );
    expect(await api.app.get(DataSource).query(`SELECT case_id FROM cases WHERE unit = $1`, [racing.unit])).toEqual([
      { case_id: winner.caseId },
    ]);
  });
});
