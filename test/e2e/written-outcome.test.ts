import request from 'supertest';
import { startTestWorker, type TestWorker } from '../support/harness';
import { bearer, canonicalSubmission, createTestUsers, startTestApi, type TestApi, type TestUsers } from '../support/api-harness';
import { actOn, waitForStep } from '../support/api-flow';

/**
 * A step whose purpose is a written result is completed with it (new-user trial: A14 处理公示异议 completed with no
 * data at all): 422 naming data.outcome and its rule, before anything is sent; the catalog tells the web's dialog.
 */
describe('written results: A14 (resolve notice objections) needs its outcome, a rejection or a return its reason', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  beforeAll(async () => {
    worker = await startTestWorker({ workingDaySeconds: 1 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 1 });
    users = await createTestUsers(api);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  /** Each step, once it awaits, done by its role as the drivers do it (200 each). */
  const completeInTurn = async (caseId: string, keys: string[]) => {
    for (const key of keys) {
      const p = await waitForStep(api, users.tokens.organizer, caseId, key, ['awaiting', 'overdue']);
      expect(
        (
          await actOn(
            api,
            users,
            caseId,
            p.steps.find((s) => s.key === key)!,
          )
        ).status,
      ).toBe(200);
    }
  };

  it('refuses A14 with no data, no outcome or a blank one (422 data.outcome); accepts a written outcome', async () => {
    const catalog = (await request(api.http).get('/api/catalog').set(bearer(users.tokens.organizer)).expect(200)).body;
    expect(catalog.steps.find((s: { code: string }) => s.code === 'A14')).toMatchObject({ data: 'written-outcome' });
    expect(catalog.steps.find((s: { code: string }) => s.code === 'D11')).toMatchObject({ data: 'written-outcome' });
    expect(catalog.steps.find((s: { code: string }) => s.code === 'A02')).toMatchObject({ data: null });

    const caseId: string = (
      await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(canonicalSubmission(users.unit)).expect(201)
    ).body.caseId;
    // A step that declares no data takes none (new-user trial: extra fields were kept forever in the event store).
    await waitForStep(api, users.tokens.organizer, caseId, 'A02', ['awaiting', 'overdue']);
    const noData = await request(api.http)
      .post(`/api/delegations/${caseId}/steps/A02/complete`)
      .set(bearer(users.tokens.organizer))
      .send({ data: { note: '草稿已完成' } })
      .expect(422);
    expect(noData.body.errors).toEqual([
      { field: 'data.note', rule: 'unknown-field', message: { zh: '此步骤不接受办理数据', en: 'This step takes no data' } },
    ]);
    await completeInTurn(caseId, ['A02', 'A05', 'A06']);
    await waitForStep(api, users.tokens.organizer, caseId, 'A13', ['awaiting', 'overdue']);
    await request(api.http)
      .post(`/api/delegations/${caseId}/notice-objections`)
      .set(bearer(users.tokens['unit-leader']))
      .send({ objection: '公示期间收到群众来信' })
      .expect(200);
    await waitForStep(api, users.tokens.organizer, caseId, 'A14', ['awaiting', 'overdue'], 30_000);

    const complete = (body: object) =>
      request(api.http).post(`/api/delegations/${caseId}/steps/A14/complete`).set(bearer(users.tokens['unit-leader'])).send(body);
    for (const [body, rule] of [
      [{}, 'required'],
      [{ comment: '已处理' }, 'required'],
      [{ data: {} }, 'required'],
      [{ data: { outcome: 42 } }, 'type'],
      [{ data: { outcome: ' \u200B\u3000' } }, 'blank'],
    ] as const) {
      const res = await complete(body).expect(422);
      expect(res.body).toMatchObject({
        code: 'INVALID_REQUEST',
        errors: [{ field: 'data.outcome', rule, message: { zh: expect.any(String), en: expect.any(String) } }],
      });
    }
    // Text the case cannot show as written is refused at the API's edge (the text rule: 400, its field named).
    expect((await complete({ data: { outcome: '异议\u202E不成立' } }).expect(400)).body.errors).toEqual([
      expect.objectContaining({ field: 'data.outcome', rule: 'text-bidi' }),
    ]);
    // Handed input (new-user trial): a written outcome with an extra field was accepted and kept in the event store.
    const extra = await complete({ data: { outcome: '异议不成立', foo: 'bar' } }).expect(422);
    expect(extra.body).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(extra.body.errors).toEqual([
      {
        field: 'data.foo',
        rule: 'unknown-field',
        message: { zh: '此步骤不读取此字段（可填：outcome）', en: 'The step reads no such field (known: outcome)' },
      },
    ]);
    // Handed input (trial 84): A14 completed with 。 dismissed three objections; ｘ says no more.
    for (const outcome of ['。', 'ｘ', '11'])
      expect([outcome, (await complete({ data: { outcome } }).expect(422)).body.errors]).toEqual([
        outcome,
        [
          expect.objectContaining({
            field: 'data.outcome',
            rule: 'written-words',
            message: expect.objectContaining({ zh: expect.stringContaining('办理结果须写明内容') }),
          }),
        ],
      ]);
    await waitForStep(api, users.tokens.organizer, caseId, 'A14', ['awaiting', 'overdue']);
    await complete({ data: { outcome: '经核实，来信所述不实，异议不成立，维持原出访安排' } }).expect(200);
    const p = await waitForStep(api, users.tokens.organizer, caseId, 'A14', ['done']);
    expect(p.steps.find((s) => s.key === 'A14')!.data).toEqual({ outcome: '经核实，来信所述不实，异议不成立，维持原出访安排' });
  });
  it('refuses A04 (the note on the inviting party) with no note or a blank one; the written note is kept and B04 opens', async () => {
    const catalog = (await request(api.http).get('/api/catalog').set(bearer(users.tokens.organizer)).expect(200)).body;
    expect(catalog.steps.find((s: { code: string }) => s.code === 'A04')).toMatchObject({ data: 'written-outcome' });
    expect(catalog.steps.find((s: { code: string }) => s.code === 'P03')).toMatchObject({ data: 'trip-report' });
    const caseId: string = (
      await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(canonicalSubmission(users.unit)).expect(201)
    ).body.caseId;
    await completeInTurn(caseId, ['A02', 'A03:US']);
    await waitForStep(api, users.tokens.organizer, caseId, 'A04:US', ['awaiting', 'overdue']);
    const complete = (body: object) =>
      request(api.http).post(`/api/delegations/${caseId}/steps/A04:US/complete`).set(bearer(users.tokens.organizer)).send(body);
    // The role before the data, as the workflow orders them (trial 33: a wrong role's completion was 422 at its data):
    // finance, whose step A04 is not, is told so and learns nothing of the step's data rules.
    for (const body of [{}, { data: { outcome: '\u2800' } }]) {
      const wrong = await request(api.http)
        .post(`/api/delegations/${caseId}/steps/A04:US/complete`)
        .set(bearer(users.tokens.finance))
        .send(body)
        .expect(403);
      expect(wrong.body.code).toBe('WRONG_ROLE');
    }
    // Naming someone to act for does not bring the data first (trial 35): finance may act for no one, and is refused at
    // onBehalfOf; the FAO clerk may act for the organizer, so the step's data is checked for it as for the organizer.
    const forOrganizer = (role: 'finance' | 'fao-clerk') =>
      request(api.http)
        .post(`/api/delegations/${caseId}/steps/A04:US/complete`)
        .set(bearer(users.tokens[role]))
        .send({ onBehalfOf: users.usernames.organizer, data: { outcome: '邀请方为友好城市商会', secret: 1 } });
    const finance = await forOrganizer('finance');
    expect([finance.status, finance.body.errors.map((e: { field: string }) => e.field)]).toEqual([422, ['onBehalfOf']]);
    const clerk = await forOrganizer('fao-clerk').expect(422);
    expect(clerk.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule])).toEqual([['data.secret', 'unknown-field']]);
    // The trial: A04 completed with no data at all.
    for (const [body, rule] of [
      [{}, 'required'],
      [{ comment: '已说明' }, 'required'],
      [{ data: { outcome: '\u2800' } }, 'blank'],
    ] as const) {
      const res = await complete(body).expect(422);
      expect(res.body).toMatchObject({ code: 'INVALID_REQUEST', errors: [{ field: 'data.outcome', rule }] });
    }
    const note = '邀请方为休斯敦市政府国际事务办公室，系我市友好城市政府机构，邀请真实有效';
    await complete({ data: { outcome: note } }).expect(200);
    const p = await waitForStep(api, users.tokens.organizer, caseId, 'B04:US', ['pending', 'awaiting', 'overdue']);
    expect(p.steps.find((s) => s.key === 'A04:US')).toMatchObject({ status: 'done', data: { outcome: note } });
  });

  it('refuses a return or a rejection without its reason (422 comment, required / blank); a return with one is accepted', async () => {
    const caseId: string = (
      await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(canonicalSubmission(users.unit)).expect(201)
    ).body.caseId;
    await completeInTurn(caseId, ['A02', 'A05', 'A06', 'A09']);
    await waitForStep(api, users.tokens.organizer, caseId, 'A10', ['awaiting', 'overdue']);
    const decide = (body: object) =>
      request(api.http).post(`/api/delegations/${caseId}/steps/A10/decision`).set(bearer(users.tokens.finance)).send(body);
    for (const [body, rule] of [
      [{ decision: 'return', returnTo: 'A09' }, 'required'],
      [{ decision: 'reject' }, 'required'],
      [{ decision: 'reject', comment: '\u200B \u3000' }, 'blank'],
    ] as const) {
      const res = await decide(body).expect(422);
      expect(res.body).toMatchObject({ code: 'INVALID_REQUEST', errors: [{ field: 'comment', rule }] });
    }
    // A field of another decision is refused, never dropped (new-user trial: approve with returnTo was 200, the
    // returnTo gone): 422, rule decision-field, each field named.
    const stray = await decide({ decision: 'approve', returnTo: 'A09', missingDocuments: [{ id: 'x', name: '译文' }] }).expect(422);
    expect(stray.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule])).toEqual([
      ['returnTo', 'decision-field'],
      ['missingDocuments', 'decision-field'],
    ]);
    expect(stray.body.errors[0].message).toEqual({
      zh: '仅用于“退回修改”决定',
      en: 'Only with the decision “Return for revision” (return)',
    });
    // The role before the decision's rules, as the workflow orders them (forty-seventh trial: finance returning A02 with
    // no reason read 422 "comment required", then 403 once it gave one): a caller the step is not for hears 403 first.
    for (const [stepKey, token] of [
      ['A02', users.tokens.finance],
      ['A10', users.tokens.personnel],
    ] as const) {
      const wrong = await request(api.http)
        .post(`/api/delegations/${caseId}/steps/${stepKey}/decision`)
        .set(bearer(token))
        .send({ decision: 'return', returnTo: 'A09' })
        .expect(403);
      expect(wrong.body.code).toBe('WRONG_ROLE');
    }
    // …and a case-wide action: finance may not amend, whatever the amendment says (a return before the departure, 422
    // for the organizer: not looked at for finance).
    const amendBy = (token: string) =>
      request(api.http)
        .post(`/api/delegations/${caseId}/amend`)
        .set(bearer(token))
        .send({ changes: { returnDate: '2020-01-01' }, comment: '缩短行程' });
    expect((await amendBy(users.tokens.organizer)).status).toBe(422);
    const amend = await amendBy(users.tokens.finance).expect(403);
    expect(amend.body.code).toBe('WRONG_ROLE');
    await waitForStep(api, users.tokens.organizer, caseId, 'A10', ['awaiting', 'overdue']);
    await decide({ decision: 'return', returnTo: 'A09', comment: '住宿标准超标，请按国别标准重新测算' }).expect(200);
    await waitForStep(api, users.tokens.organizer, caseId, 'A09', ['awaiting', 'overdue']);
  });
});
