import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startTestWorker, eventually, type TestWorker } from '../support/harness';
import { bearer, canonicalSubmission, createTestUsers, startTestApi, type TestApi, type TestUsers } from '../support/api-harness';
import { actionable, actOn, actUntilAwaiting, getProgress } from '../support/api-flow';

/**
 * Forty-second trial: the intake clerk accepted a case with a document missing (容缺), needed by the FAO rule review
 * (B05), and its deadline passed: B05 was blocked, and the FAO reviewer's inbox offered it with `blockedFor: null`
 * while approving and returning it were refused 409 STEP_NOT_AWAITING. A blocked step's item now says why, in the
 * workflow's words, for as long as it is blocked.
 */
describe('the inbox says why a blocked step cannot be acted on', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  beforeAll(async () => {
    // 1 s a working day: the missing document's 2-working-day deadline passes within the test.
    worker = await startTestWorker({ workingDaySeconds: 1 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 1 });
    users = await createTestUsers(api);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  type Item = { caseId: string; stepKey: string; blockedFor: { code: string; message: { zh: string; en: string } } | null };
  const reviewerItem = async (caseId: string, stepKey: string): Promise<Item | undefined> => {
    const inbox = await request(api.http).get('/api/inbox').query({ pageSize: 200 }).set(bearer(users.tokens['fao-reviewer'])).expect(200);
    return (inbox.body.items as Item[]).find((i) => i.caseId === caseId && i.stepKey === stepKey);
  };

  it('handed input: B05 blocked by a missing document past its deadline reads STEP_BLOCKED naming it; supplied, it is offered and approved', async () => {
    const caseId = (
      await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(canonicalSubmission(users.unit)).expect(201)
    ).body.caseId as string;
    await actUntilAwaiting(api, users, caseId, 'B02');
    await request(api.http)
      .post(`/api/delegations/${caseId}/steps/B02/decision`)
      .set(bearer(users.tokens['fao-clerk']))
      .send({
        decision: 'accept-with-deficiencies',
        missingDocuments: [{ id: 'invitation-translation', name: '邀请函译文', neededBy: 'B05' }],
        comment: '容缺受理',
      })
      .expect(200);
    // Everything else goes on (B03 completes itself once the document is in) until B05 is blocked.
    const blocked = await eventually(
      async () => {
        const p = await getProgress(api, users.tokens.organizer, caseId);
        for (const step of actionable(p).filter((s) => s.key !== 'B03' && s.key !== 'B05')) await actOn(api, users, caseId, step);
        return p;
      },
      (p) => p.steps.some((s) => s.key === 'B05' && s.status === 'blocked'),
      120_000,
    );
    expect(blocked.deficiencies).toEqual([expect.objectContaining({ id: 'invitation-translation', status: 'overdue' })]);

    // The item says why, in the words of the refusal it would meet.
    const item = await eventually(
      () => reviewerItem(caseId, 'B05'),
      (i) => i?.blockedFor !== null && i?.blockedFor !== undefined,
    );
    expect(item!.blockedFor).toEqual({
      code: 'STEP_BLOCKED',
      message: {
        zh: '本步骤受阻：缺件逾期未补：“邀请函译文”（invitation-translation）',
        en: expect.stringMatching(/^The step is blocked: Missing documents past their deadline: .*invitation-translation/),
      },
    });
    for (const body of [
      { decision: 'approve', comment: '符合规定' },
      { decision: 'return', returnTo: 'A09', comment: '请补充邀请函译文' },
    ]) {
      const refused = await request(api.http)
        .post(`/api/delegations/${caseId}/steps/B05/decision`)
        .set(bearer(users.tokens['fao-reviewer']))
        .send(body)
        .expect(409);
      expect(refused.body.code).toBe('STEP_NOT_AWAITING');
      expect(refused.body.message.en).toContain(item!.blockedFor!.message.en.replace('The step is blocked: ', ''));
    }

    // The document supplied: B05 is offered again (blockedFor null) and approved.
    const uploaded = await request(api.http)
      .post(`/api/delegations/${caseId}/attachments`)
      .set(bearer(users.tokens.organizer))
      .set('Idempotency-Key', randomUUID())
      .field('kind', 'invitation-translation')
      .attach('file', Buffer.from('%PDF-1.4\n% 邀请函译文\n%%EOF\n'), { filename: 'inv-tr.pdf', contentType: 'application/pdf' })
      .expect(201);
    await request(api.http)
      .post(`/api/delegations/${caseId}/documents`)
      .set(bearer(users.tokens.organizer))
      .send({ documentId: 'invitation-translation', fileRef: uploaded.body.attachment.id })
      .expect(200);
    const offered = await eventually(
      () => reviewerItem(caseId, 'B05'),
      (i) => i?.blockedFor === null,
    );
    expect(offered).toMatchObject({ stepKey: 'B05', blockedFor: null });
    const p = await getProgress(api, users.tokens.organizer, caseId);
    const b05 = p.steps.find((s) => s.key === 'B05')!;
    expect(['awaiting', 'overdue']).toContain(b05.status);
    expect((await actOn(api, users, caseId, b05)).status).toBe(200);
  }, 240_000);
});
