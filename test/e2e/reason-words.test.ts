import request from 'supertest';
import { DataSource } from 'typeorm';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import {
  bearer,
  createTestUsers,
  registerRosterPerson,
  registerTestUnit,
  startTestApi,
  testUnitBody,
  type TestApi,
  type TestUsers,
  uncustodiedSubmission,
  uniquePassportNumber,
  uniqueSuffix,
} from '../support/api-harness';
import { actUntilAwaiting, getProgress } from '../support/api-flow';

/**
 * Texts that hold no reason: punctuation, one character, a stance or the action alone, full-width too (trials 66, 67, 70,
 * 71), inflected, or letters and digits that say nothing (trial 72).
 */
const NO_REASONS = [
  '。',
  '无',
  '同意',
  '退回修改！',
  'OK',
  'N/A',
  '撤回',
  '不通过',
  '终止',
  'ＷＩＴＨＤＲＡＷＮ',
  'ＬＯＳＴ',
  'extend',
  '已丢失',
  '已撤回',
  'withdrew',
  'aa',
  '11',
  // Trial 73: spaced, traditional, the action with what it is done to, no grounds.
  '已 撤 回',
  '撤銷',
  '护照已挂失',
  '取消出访',
  'extend deadline',
  '因故',
  // Trial 83: a request naming no fault, rows of letters typed full-width or not.
  '请修改',
  'abcd efgh',
  'ａｂｃｄ ｅｆｇｈ',
];

const rulesOf = (body: { errors?: Array<{ field: string; rule: string }> }) => (body.errors ?? []).map((e) => [e.field, e.rule]);

/**
 * Every required reason states something (isStatedReason, rule `reason-words`): a case's withdrawal, cancellation,
 * public-notice objection, deficiency extension, a return's or a rejection's comment, a unit's suspension and a
 * passport cancelled or reported lost. Refused 422 at the field, nothing changed; a reason then goes through.
 */
describe('a required reason says something: not punctuation, one character or a stance alone', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  beforeAll(async () => {
    worker = await startTestWorker({ workingDaySeconds: 60 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 60 });
    users = await createTestUsers(api, `reason-words-${uniqueSuffix()}`);
    await registerTestUnit(api, users);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });
  const submit = async (): Promise<string> =>
    (
      await request(api.http)
        .post('/api/delegations')
        .set(bearer(users.tokens.organizer))
        .send(uncustodiedSubmission(users.unit))
        .expect(201)
    ).body.caseId as string;

  it("a case's actions: each reason field refused at 422 reason-words, the case untouched; a reason goes through", async () => {
    const caseId = await submit();
    const before = await eventually(
      () => getProgress(api, users.tokens.organizer, caseId),
      (p) => p.steps.some((s) => s.key === 'A02' && s.status === 'awaiting'),
      60_000,
    );
    const actions: Array<[string, keyof TestUsers['tokens'], string, Record<string, unknown>]> = [
      ['withdraw', 'organizer', 'reason', {}],
      ['cancel', 'fao-clerk', 'reason', {}],
      ['notice-objections', 'organizer', 'objection', {}],
      ['documents/extensions', 'fao-clerk', 'reason', { documentId: 'invitation-translation' }],
    ];
    for (const [path, role, field, rest] of actions)
      for (const text of NO_REASONS) {
        const res = await request(api.http)
          .post(`/api/delegations/${caseId}/${path}`)
          .set(bearer(users.tokens[role]))
          .send({ ...rest, [field]: text });
        expect({ path, text, status: res.status, errors: rulesOf(res.body) }).toEqual({
          path,
          text,
          status: 422,
          errors: [[field, 'reason-words']],
        });
        expect(res.body.errors[0].message.zh).toContain('表态用语');
      }
    const after = await getProgress(api, users.tokens.organizer, caseId);
    expect([after.status, after.lastSeq]).toEqual([before.status, before.lastSeq]);
    // The reason given, the withdrawal goes through.
    await request(api.http)
      .post(`/api/delegations/${caseId}/withdraw`)
      .set(bearer(users.tokens.organizer))
      .send({ reason: '邀请方取消活动' })
      .expect(200);
  });

  it("a return's and a rejection's comment: refused at 422 reason-words, the step still awaiting; a reason sends it back", async () => {
    const caseId = await submit();
    await actUntilAwaiting(api, users, caseId, 'A10');
    const decide = (body: Record<string, unknown>) =>
      request(api.http).post(`/api/delegations/${caseId}/steps/A10/decision`).set(bearer(users.tokens.finance)).send(body);
    for (const comment of NO_REASONS)
      for (const body of [
        { decision: 'return', returnTo: 'A09', comment },
        { decision: 'reject', comment },
      ]) {
        const res = await decide(body);
        expect([body, res.status, rulesOf(res.body)]).toEqual([body, 422, [['comment', 'reason-words']]]);
      }
    expect((await getProgress(api, users.tokens.organizer, caseId)).steps.find((s) => s.key === 'A10')!.status).toMatch(/awaiting|overdue/);
    // The finance officer as the office registered them: pages name who acted by it (trial 82: by account only).
    await api.app.get(DataSource).query('UPDATE users SET display_name = $1 WHERE username = $2', ['周会计', users.usernames.finance]);
    await decide({ decision: 'return', returnTo: 'A09', comment: '预算表缺住宿标准' }).expect(200);
    // The organizer's inbox says what sent A09 back and why, for the notices (trial 65: a return was noticed only there).
    const answer = await eventually(
      async () =>
        (await request(api.http).get('/api/inbox').query({ pageSize: 200 }).set(bearer(users.tokens.organizer)).expect(200)).body as {
          items: Array<{ caseId: string; stepKey: string; returnedBy: unknown }>;
          actorNames: Record<string, string>;
        },
      ({ items }) => items.some((i) => i.caseId === caseId && i.stepKey === 'A09' && i.returnedBy !== null),
      60_000,
    );
    const inbox = answer.items;
    // Each answer names the accounts it holds by their display names: the inbox's returner, the case's and the
    // timeline's actors.
    expect(answer.actorNames[users.usernames.finance]).toBe('周会计');
    const detail = (await request(api.http).get(`/api/delegations/${caseId}`).set(bearer(users.tokens.organizer)).expect(200)).body;
    expect(detail.actorNames).toMatchObject({ [users.usernames.finance]: '周会计' });
    expect(Object.keys(detail.actorNames)).toContain(users.usernames.organizer);
    const timeline = (await request(api.http).get(`/api/delegations/${caseId}/timeline`).set(bearer(users.tokens.organizer)).expect(200))
      .body;
    expect(timeline.actorNames).toMatchObject({ [users.usernames.finance]: '周会计' });
    expect(timeline.actorNames).not.toHaveProperty('system');
    // …by the returning step's name, role and officer (trial 71: its code alone).
    expect(inbox.find((i) => i.caseId === caseId && i.stepKey === 'A09')!.returnedBy).toEqual({
      stepKey: 'A10',
      name: { zh: '任务和预算审批表（外事、财务会签）', en: 'Task & budget approval form (foreign affairs + finance countersign)' },
      actorRole: 'finance',
      actedBy: users.usernames.finance,
      comment: '预算表缺住宿标准',
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(inbox.filter((i) => i.caseId === caseId && i.stepKey !== 'A09').every((i) => i.returnedBy === null)).toBe(true);
  });

  it('registries: a suspended unit and a passport cancelled or reported lost state their reason', async () => {
    const unit = { ...testUnitBody(users), status: 'suspended' };
    for (const suspendedReason of NO_REASONS) {
      const res = await request(api.http)
        .put(`/api/registries/units/${users.unit}`)
        .set(bearer(users.tokens['fao-clerk']))
        .send({ ...unit, suspendedReason });
      expect([suspendedReason, res.status, rulesOf(res.body)]).toEqual([suspendedReason, 422, [['suspendedReason', 'reason-words']]]);
    }
    const got = await request(api.http).get(`/api/registries/units/${users.unit}`).set(bearer(users.tokens['fao-clerk'])).expect(200);
    expect(got.body.status).toBe('active');
    const holder = `P-${users.unit}-1`;
    await registerRosterPerson(api, users, holder, { name: '郑十' });
    const number = uniquePassportNumber();
    await request(api.http)
      .post('/api/registries/passports')
      .set(bearer(users.tokens['passport-officer']))
      .send({ number, type: 'official', issuedOn: '2021-07-01', expiresOn: '2031-06-30', holder })
      .expect(201);
    for (const to of ['lost', 'cancelled'])
      for (const note of NO_REASONS) {
        const res = await request(api.http)
          .post(`/api/registries/passports/${number}/transitions`)
          .set(bearer(users.tokens['passport-officer']))
          .send({ to, note });
        expect([to, note, res.status, rulesOf(res.body)]).toEqual([to, note, 422, [['note', 'reason-words']]]);
      }
    await request(api.http)
      .post(`/api/registries/passports/${number}/transitions`)
      .set(bearer(users.tokens['passport-officer']))
      .send({ to: 'lost', note: '持照人在机场遗失，已报警' })
      .expect(200);
  });
});
