import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { completeStepUpdate, decideStepUpdate, delegationWorkflowId } from '@df/contracts';
import { RegistriesRepository } from '@df/persistence';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import { enterpriseUnit, fixtureUnitNames } from '../support/factories';
import {
  addTestUser,
  bearer,
  canonicalSubmission,
  passportsNotInCustody,
  createTestUsers,
  login,
  startTestApi,
  uniqueSuffix,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';
import { actionable, actOn, getProgress, waitForStep } from '../support/api-flow';

/**
 * Separation of duties (the new-user trial): an organizer who is granted a second role may not decide on a case
 * they submitted, through the API (403 SELF_APPROVAL) or any other client of the workflow (its Update validator).
 */
describe('separation of duties: nobody decides on a case they submitted', () => {
  let worker: TestWorker;
  let api: TestApi;
  let home: TestUsers;
  let caseId: string;
  const education = `education-${uniqueSuffix()}`;

  beforeAll(async () => {
    worker = await startTestWorker({ workingDaySeconds: 5 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 5 });
    home = await createTestUsers(api);
    for (const code of [education, home.unit])
      await api.app
        .get(RegistriesRepository)
        .putUnit(enterpriseUnit(code, fixtureUnitNames(code, '测试局', 'Test bureau')), { id: 'test', role: 'fao-clerk' });
    const res = await request(api.http)
      .post('/api/delegations')
      .set(bearer(home.tokens.organizer))
      // A registered unit's typed member: the custody ledger holds no passport of theirs (in-ledger).
      .send(passportsNotInCustody(canonicalSubmission(home.unit)))
      .expect(201);
    caseId = res.body.caseId;
    // Deciding one's own task step (A02) is answered as what it is, a step that is no approval: 409, not SELF_APPROVAL
    // (trials: the organizer's decide on A02, the enterprise clerk's on K02).
    await waitForStep(api, home.tokens.organizer, caseId, 'A02', ['awaiting', 'overdue']);
    const decided = await request(api.http)
      .post(`/api/delegations/${caseId}/steps/A02/decision`)
      .set(bearer(home.tokens.organizer))
      .send({ decision: 'approve' })
      .expect(409);
    expect(decided.body).toMatchObject({ code: 'ACTION_NOT_ALLOWED', message: { en: 'A02 is not an approval: complete it instead' } });
    for (const key of ['A02', 'A05', 'A06', 'A09']) {
      const p = await waitForStep(api, home.tokens.organizer, caseId, key, ['awaiting', 'overdue']);
      expect(
        (
          await actOn(
            api,
            home,
            caseId,
            p.steps.find((s) => s.key === key)!,
          )
        ).status,
      ).toBe(200);
    }
    await waitForStep(api, home.tokens.organizer, caseId, 'A10', ['awaiting', 'overdue']);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it('the submitter, granted finance for the unit and leader elsewhere, is refused 403 SELF_APPROVAL (approve, reject, return)', async () => {
    const organizer = home.usernames.organizer;
    // Conflicting grants are accepted (a person may legitimately hold both): the decision is refused instead.
    for (const grant of [
      { role: 'finance', unit: home.unit },
      { role: 'leader', unit: 'city' },
    ])
      await request(api.http).post(`/api/users/${organizer}/grants`).set(bearer(home.tokens.admin)).send(grant).expect(200);
    const asFinance = await login(api, organizer, undefined, { role: 'finance', unit: home.unit });
    for (const body of [
      { decision: 'approve' },
      { decision: 'reject', comment: '无预算' },
      { decision: 'return', returnTo: 'A09', comment: '重做' },
    ]) {
      const refused = await request(api.http)
        .post(`/api/delegations/${caseId}/steps/A10/decision`)
        .set(bearer(asFinance))
        .send(body)
        .expect(403);
      expect(refused.body).toMatchObject({
        code: 'SELF_APPROVAL',
        message: { zh: expect.stringContaining('不得审批本人报送的案件'), en: expect.stringContaining('submitted') },
      });
    }
    // Another client than the API (as the Temporal CLI would): the workflow's Update validator refuses it too.
    const direct = worker.client.workflow.getHandle(delegationWorkflowId(caseId));
    await expect(
      direct.executeUpdate(decideStepUpdate, {
        args: [
          { requestId: randomUUID(), actor: { id: organizer, role: 'finance', unit: home.unit }, stepKey: 'A10', decision: 'approve' },
        ],
      }),
    ).rejects.toMatchObject({ cause: { type: 'SELF_APPROVAL' } });
    // A step the case does not have is said so first (404 UNKNOWN_STEP), before separation of duties (new-user trial:
    // 403 SELF_APPROVAL), on every action naming a step: each decision, a completion, and by the workflow's validator.
    const unknown = ['A10:zz', 'A10:m9', 'B04:XX', 'Z99'];
    for (const stepKey of unknown) {
      for (const body of [
        { decision: 'approve' },
        { decision: 'reject', comment: '无预算' },
        { decision: 'return', returnTo: 'A09', comment: '重做' },
        { decision: 'accept-with-deficiencies', missingDocuments: [{ id: 'x', name: '邀请函译文' }] },
      ]) {
        const res = await request(api.http).post(`/api/delegations/${caseId}/steps/${stepKey}/decision`).set(bearer(asFinance)).send(body);
        expect([res.status, res.body.code, res.body.stepKey]).toEqual([404, 'UNKNOWN_STEP', stepKey]);
      }
      const done = await request(api.http).post(`/api/delegations/${caseId}/steps/${stepKey}/complete`).set(bearer(asFinance)).send({});
      expect([done.status, done.body.code]).toEqual([404, 'UNKNOWN_STEP']);
      // The manager too: the step first, then the role.
      const manager = await request(api.http)
        .post(`/api/delegations/${caseId}/steps/${stepKey}/decision`)
        .set(bearer(home.tokens.manager))
        .send({ decision: 'approve' });
      expect([manager.status, manager.body.code]).toEqual([404, 'UNKNOWN_STEP']);
    }
    for (const [update, args] of [
      [decideStepUpdate, { decision: 'approve' }],
      [completeStepUpdate, {}],
    ] as const)
      await expect(
        worker.client.workflow.getHandle(delegationWorkflowId(caseId)).executeUpdate(update as typeof decideStepUpdate, {
          args: [
            { requestId: randomUUID(), actor: { id: organizer, role: 'finance', unit: home.unit }, stepKey: 'A10:zz', ...args } as never,
          ],
        }),
      ).rejects.toMatchObject({ cause: { type: 'UNKNOWN_STEP' } });
    // Still awaiting: the unit's own finance officer decides it.
    await waitForStep(api, home.tokens.organizer, caseId, 'A10', ['awaiting', 'overdue']);
    await request(api.http)
      .post(`/api/delegations/${caseId}/steps/A10/decision`)
      .set(bearer(home.tokens.finance))
      .send({ decision: 'approve' })
      .expect(200);
  });
  it("帮代办: the officer who filed the organizer's step on their behalf may not approve the case (403 SELF_APPROVAL); another officer may", async () => {
    const other = await request(api.http)
      .post('/api/delegations')
      .set(bearer(home.tokens.organizer))
      .send(passportsNotInCustody(canonicalSubmission(home.unit)))
      .expect(201);
    const id: string = other.body.caseId;
    // The FAO reviewer drafts the application (A02) for the organizer, then the organizer files the invitation (A03, A04).
    await waitForStep(api, home.tokens.organizer, id, 'A02', ['awaiting', 'overdue']);
    await request(api.http)
      .post(`/api/delegations/${id}/steps/A02/complete`)
      .set(bearer(home.tokens['fao-reviewer']))
      .send({ comment: '外办代为起草', onBehalfOf: home.usernames.organizer })
      .expect(200);
    for (const key of ['A03:US', 'A04:US']) {
      const p = await waitForStep(api, home.tokens.organizer, id, key, ['awaiting', 'overdue']);
      expect(
        (
          await actOn(
            api,
            home,
            id,
            p.steps.find((s) => s.key === key)!,
          )
        ).status,
      ).toBe(200);
    }
    await waitForStep(api, home.tokens.organizer, id, 'B04:US', ['awaiting', 'overdue']);
    // The same reviewer verifying the invitation of the application they drafted: refused, through the API …
    const refused = await request(api.http)
      .post(`/api/delegations/${id}/steps/B04:US/decision`)
      .set(bearer(home.tokens['fao-reviewer']))
      .send({ decision: 'approve' })
      .expect(403);
    expect(refused.body).toMatchObject({
      code: 'SELF_APPROVAL',
      // Said to the officer refused, not by their account (trial 84).
      message: { zh: '不得审批本人报送的案件（您是本案的报送人或经办人）', en: expect.stringContaining('(you did)') },
    });
    // … and by the workflow's validator for any other client.
    await expect(
      worker.client.workflow.getHandle(delegationWorkflowId(id)).executeUpdate(decideStepUpdate, {
        args: [
          {
            requestId: randomUUID(),
            actor: { id: home.usernames['fao-reviewer'], role: 'fao-reviewer', unit: 'fao' },
            stepKey: 'B04:US',
            decision: 'approve',
          },
        ],
      }),
    ).rejects.toMatchObject({ cause: { type: 'SELF_APPROVAL' } });
    await waitForStep(api, home.tokens.organizer, id, 'B04:US', ['awaiting', 'overdue']);
    // A second reviewer of the office, who filed nothing on the case, decides it.
    const second = await addTestUser(api, 'fao-reviewer', 'fao');
    await request(api.http)
      .post(`/api/delegations/${id}/steps/B04:US/decision`)
      .set(bearer(second.token))
      .send({ decision: 'approve' })
      .expect(200);
  });

  it('trial: the intake clerk who drafted A02 for the organizer finds B02 in their inbox marked SELF_APPROVAL with the reason; another clerk does not', async () => {
    const id: string = (
      await request(api.http)
        .post('/api/delegations')
        .set(bearer(home.tokens.organizer))
        .send(passportsNotInCustody(canonicalSubmission(home.unit)))
        .expect(201)
    ).body.caseId;
    // The handed input: fao-clerk completes A02 with onBehalfOf the organizer.
    await waitForStep(api, home.tokens.organizer, id, 'A02', ['awaiting', 'overdue']);
    await request(api.http)
      .post(`/api/delegations/${id}/steps/A02/complete`)
      .set(bearer(home.tokens['fao-clerk']))
      .send({ comment: '外办代为起草', onBehalfOf: home.usernames.organizer })
      .expect(200);
    // Everything actionable up to the intake (B02), by the unit's own officers.
    for (let round = 0; round < 60; round++) {
      const p = await getProgress(api, home.tokens.organizer, id);
      if (['awaiting', 'overdue'].includes(p.steps.find((s) => s.key === 'B02')?.status ?? '')) break;
      const ready = actionable(p).filter((s) => s.phase === 'prepare' || s.code === 'B01');
      for (const step of ready) expect([step.key, (await actOn(api, home, id, step)).status]).toEqual([step.key, 200]);
      if (ready.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    await waitForStep(api, home.tokens.organizer, id, 'B02', ['awaiting', 'overdue']);
    // The inbox of every unit (many cases of other tests): read page by page until this case's B02.
    const b02In = async (token: string) => {
      for (let page = 1; page <= 5; page++) {
        const body = (await request(api.http).get(`/api/inbox?pageSize=200&page=${page}`).set(bearer(token)).expect(200)).body;
        const item = body.items.find((i: { caseId: string; stepKey: string }) => i.caseId === id && i.stepKey === 'B02');
        if (item || body.items.length < 200) return item;
      }
      return undefined;
    };
    const mine = await eventually(
      () => b02In(home.tokens['fao-clerk']),
      (item) => item !== undefined,
      10_000,
    );
    expect(mine).toMatchObject({
      caseId: id,
      stepKey: 'B02',
      blockedFor: {
        code: 'SELF_APPROVAL',
        message: { zh: '不得审批本人报送的案件（您是本案的报送人或经办人）', en: expect.stringContaining('(you did)') },
      },
    });
    // What the inbox says is what the decision gets.
    const refused = await request(api.http)
      .post(`/api/delegations/${id}/steps/B02/decision`)
      .set(bearer(home.tokens['fao-clerk']))
      .send({ decision: 'approve' })
      .expect(403);
    expect(refused.body).toMatchObject({ code: 'SELF_APPROVAL', message: mine.blockedFor.message });
    // Another clerk of the office sees it free to decide, and decides it.
    const second = await addTestUser(api, 'fao-clerk', 'fao');
    expect(await b02In(second.token)).toMatchObject({ caseId: id, stepKey: 'B02', blockedFor: null });
    await request(api.http)
      .post(`/api/delegations/${id}/steps/B02/decision`)
      .set(bearer(second.token))
      .send({ decision: 'approve' })
      .expect(200);
  });

  it('second trial: one person holding two approver roles decides A11 (political review) but not A15 (the sign-off resting on it); having decided, they may not act as the organizer', async () => {
    // A personnel officer also granted the unit's leadership and its clerk's role: grants a small unit may well give.
    const dual = await addTestUser(api, 'personnel', home.unit);
    for (const grant of [
      { role: 'unit-leader', unit: home.unit },
      { role: 'organizer', unit: home.unit },
    ])
      await request(api.http).post(`/api/users/${dual.username}/grants`).set(bearer(home.tokens.admin)).send(grant).expect(200);
    const asPersonnel = await login(api, dual.username, undefined, { role: 'personnel', unit: home.unit });
    const asLeader = await login(api, dual.username, undefined, { role: 'unit-leader', unit: home.unit });
    const asOrganizer = await login(api, dual.username, undefined, { role: 'organizer', unit: home.unit });
    const id: string = (
      await request(api.http)
        .post('/api/delegations')
        .set(bearer(home.tokens.organizer))
        .send(passportsNotInCustody(canonicalSubmission(home.unit)))
        .expect(201)
    ).body.caseId;
    // Through the preparation to A15, the member's political review (A11) decided by the dual-role officer.
    for (let round = 0; round < 60; round++) {
      const p = await getProgress(api, home.tokens.organizer, id);
      if (['awaiting', 'overdue'].includes(p.steps.find((s) => s.key === 'A15')?.status ?? '')) break;
      const ready = actionable(p);
      for (const step of ready) {
        const res =
          step.code === 'A11'
            ? await request(api.http)
                .post(`/api/delegations/${id}/steps/${step.key}/decision`)
                .set(bearer(asPersonnel))
                .send({ decision: 'approve' })
            : await actOn(api, home, id, step);
        expect([step.key, res.status]).toEqual([step.key, 200]);
      }
      if (ready.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    const p = await waitForStep(api, home.tokens.organizer, id, 'A15', ['awaiting', 'overdue']);
    const a11 = p.steps.find((s) => s.code === 'A11')!;
    expect(a11).toMatchObject({ status: 'done', actedBy: dual.username, actedByRole: 'personnel' });

    // The inbox marks what the workflow refuses (third trial: A15 was offered to them, blockedFor null): the same rule
    // (dutiesRefusal), from the read models; the unit's own leader finds it free.
    const a15In = async (token: string) =>
      (
        (await request(api.http).get('/api/inbox?pageSize=200').set(bearer(token)).expect(200)).body.items as Array<{
          caseId: string;
          stepKey: string;
          blockedFor: unknown;
        }>
      ).find((i) => i.caseId === id && i.stepKey === 'A15');
    const offered = await eventually(
      () => a15In(asLeader),
      (item) => item !== undefined,
      10_000,
    );
    const crossRole = {
      zh: `不得审批以本人在其他岗位上所作审批为前提的事项（您已以组织人事部门身份审批 ${a11.key}）`,
      en: `No one may decide a step that rests on their own decision in another role (you decided ${a11.key} as Personnel office)`,
    };
    expect(offered).toMatchObject({ blockedFor: { code: 'SELF_APPROVAL', message: crossRole } });
    expect(await a15In(home.tokens['unit-leader'])).toMatchObject({ blockedFor: null });

    // The sign-off resting on their own review: refused, through the API and by the workflow's validator.
    const refused = await request(api.http)
      .post(`/api/delegations/${id}/steps/A15/decision`)
      .set(bearer(asLeader))
      .send({ decision: 'approve' })
      .expect(403);
    expect(refused.body).toMatchObject({
      code: 'SELF_APPROVAL',
      message: crossRole,
      errors: [expect.objectContaining({ rule: 'separation-of-duties' })],
    });
    await expect(
      worker.client.workflow.getHandle(delegationWorkflowId(id)).executeUpdate(decideStepUpdate, {
        args: [
          {
            requestId: randomUUID(),
            actor: { id: dual.username, role: 'unit-leader', unit: home.unit },
            stepKey: 'A15',
            decision: 'approve',
          },
        ],
      }),
    ).rejects.toMatchObject({ cause: { type: 'SELF_APPROVAL' } });
    // Having decided, not the organizer either: an amendment as the unit's clerk is refused.
    const asClerk = await request(api.http)
      .post(`/api/delegations/${id}/amend`)
      .set(bearer(asOrganizer))
      .send({ changes: { returnDate: p.facts.returnDate }, comment: '改回程' })
      .expect(403);
    expect(asClerk.body).toMatchObject({
      code: 'SELF_APPROVAL',
      message: {
        en: `No one who decided on a case may act on it as its organizer (you decided ${a11.key} as Personnel office)`,
      },
    });
    // The unit's own leader signs off.
    await request(api.http)
      .post(`/api/delegations/${id}/steps/A15/decision`)
      .set(bearer(home.tokens['unit-leader']))
      .send({ decision: 'approve' })
      .expect(200);
  });
});
