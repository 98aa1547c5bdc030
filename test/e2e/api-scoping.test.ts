import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import { bearer, canonicalSubmission, createTestUsers, startTestApi, type TestApi, type TestUsers } from '../support/api-harness';
import { actOn, getProgress, uploadMissing, waitForStep } from '../support/api-flow';

describe('scoping: who may read and act, and idempotent submission', () => {
  let worker: TestWorker;
  let api: TestApi;
  let home: TestUsers;
  let other: TestUsers;
  let caseId: string;
  beforeAll(async () => {
    worker = await startTestWorker({ workingDaySeconds: 5 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 5 });
    home = await createTestUsers(api);
    other = await createTestUsers(api);
    const res = await request(api.http)
      .post('/api/delegations')
      .set(bearer(home.tokens.organizer))
      .send(canonicalSubmission(home.unit))
      .expect(201);
    caseId = res.body.caseId;
    // Drive the case to where A10 (finance) and A11:m1 (personnel) await.
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
    await waitForStep(api, home.tokens.organizer, caseId, 'A11:m1', ['awaiting', 'overdue']);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it("another unit's organizer can neither read nor act on the case", async () => {
    const token = other.tokens.organizer;
    expect((await request(api.http).get(`/api/delegations/${caseId}`).set(bearer(token)).expect(403)).body.code).toBe('CASE_OUT_OF_SCOPE');
    expect((await request(api.http).get(`/api/delegations/${caseId}/timeline`).set(bearer(token)).expect(403)).body.code).toBe(
      'CASE_OUT_OF_SCOPE',
    );
    const act = await request(api.http).post(`/api/delegations/${caseId}/steps/A03:US/complete`).set(bearer(token)).send({}).expect(403);
    expect(act.body).toMatchObject({ code: 'CASE_OUT_OF_SCOPE', message: { zh: expect.any(String), en: expect.any(String) } });
    await request(api.http).post(`/api/delegations/${caseId}/withdraw`).set(bearer(token)).send({ reason: '测试' }).expect(403);
    const list = await request(api.http).get('/api/delegations').set(bearer(token)).expect(200);
    expect(list.body.items.map((c: { caseId: string }) => c.caseId)).not.toContain(caseId);
    expect((await request(api.http).get('/api/delegations').query({ unit: home.unit }).set(bearer(token)).expect(403)).body.code).toBe(
      'CASE_OUT_OF_SCOPE',
    );
    const inbox = await request(api.http).get('/api/inbox').set(bearer(token)).expect(200);
    expect(inbox.body.items.map((i: { caseId: string }) => i.caseId)).not.toContain(caseId);
    // ...while the home organizer sees it in the list.
    const own = await request(api.http).get('/api/delegations').set(bearer(home.tokens.organizer)).expect(200);
    expect(own.body.items.map((c: { caseId: string }) => c.caseId)).toContain(caseId);
  });

  it("handed input: a unit role's ?unit= naming its own unit in capitals (COMMERCE for commerce) is its unit, on every list; another unit's so written stays 403", async () => {
    const upper = home.unit.toUpperCase();
    const list = (path: string, token: string, unit = upper) => request(api.http).get(path).query({ unit }).set(bearer(token));
    // Unit codes are one unit's in any letter case (unique-code), so the filter compares them as stored (trial: 403).
    const own = await list('/api/delegations', home.tokens.organizer).expect(200);
    expect(own.body.items.map((c: { caseId: string }) => c.caseId)).toContain(caseId);
    await list('/api/registries/people', home.tokens.organizer).expect(200);
    await list('/api/registries/passports', home.tokens.organizer).expect(200);
    await list('/api/registries/changes', home.tokens.organizer).expect(200);
    await list('/api/apec/cards', home.tokens['enterprise-clerk']).expect(200);
    // Another unit's code in capitals is another unit: 403, as an unknown code is (no oracle of which codes exist).
    for (const unit of [other.unit.toUpperCase(), `ZZ-${upper}`])
      for (const path of ['/api/delegations', '/api/registries/people', '/api/registries/passports', '/api/registries/changes'])
        expect([path, unit === `ZZ-${upper}`, (await list(path, home.tokens.organizer, unit).expect(403)).body.code]).toEqual([
          path,
          unit === `ZZ-${upper}`,
          'CASE_OUT_OF_SCOPE',
        ]);
    // Those who see every unit: the unit's entries, the board's filter as stored.
    const all = await list('/api/delegations', home.tokens.manager).expect(200);
    expect(all.body.items.map((c: { caseId: string }) => c.caseId)).toContain(caseId);
    expect(all.body.items.every((c: { unit: string }) => c.unit === home.unit)).toBe(true);
    expect((await list('/api/dashboard', home.tokens.manager).expect(200)).body.filter.unit).toBe(home.unit);
    await list('/api/dashboard/export', home.tokens.manager).query({ format: 'csv' }).expect(200);
    await list('/api/registries/people', home.tokens['fao-clerk']).expect(200);
    await list('/api/apec/cards', home.tokens['apec-desk']).expect(200);
    const users = await list('/api/users', home.tokens.admin).expect(200);
    expect(users.body.items.length).toBeGreaterThan(0);
    // A code the system does not know in any case is still 422 known-unit for them.
    expect((await list('/api/delegations', home.tokens.manager, `ZZ-${upper}`).expect(422)).body.errors).toEqual([
      expect.objectContaining({ field: 'query.unit', rule: 'known-unit' }),
    ]);
  });

  it("another unit's approver cannot act within this unit", async () => {
    const res = await request(api.http)
      .post(`/api/delegations/${caseId}/steps/A10/decision`)
      .set(bearer(other.tokens.finance))
      .send({ decision: 'approve' })
      .expect(403);
    expect(res.body.code).toBe('CASE_OUT_OF_SCOPE');
  });

  it("an approver cannot decide another role's step (403 WRONG_ROLE from the workflow)", async () => {
    const res = await request(api.http)
      .post(`/api/delegations/${caseId}/steps/A11:m1/decision`)
      .set(bearer(home.tokens.finance))
      .send({ decision: 'approve' })
      .expect(403);
    expect(res.body).toMatchObject({ code: 'WRONG_ROLE', stepKey: 'A11:m1' });
    // The role named by its label in both halves (new-user trial: the code was in the text).
    expect(res.body.message).toEqual({ zh: '此步骤由组织人事部门办理', en: 'This step is for: Personnel office' });
    const leader = await request(api.http)
      .post(`/api/delegations/${caseId}/steps/A10/decision`)
      .set(bearer(home.tokens.leader))
      .send({ decision: 'approve' })
      .expect(403);
    expect(leader.body.code).toBe('WRONG_ROLE');
    const p = await getProgress(api, home.tokens.organizer, caseId);
    expect(p.steps.find((s) => s.key === 'A11:m1')!.status).not.toBe('done');
  });

  it('the manager reads everything and decides nothing', async () => {
    await request(api.http).get(`/api/delegations/${caseId}`).set(bearer(home.tokens.manager)).expect(200);
    await request(api.http).get(`/api/delegations/${caseId}/timeline`).set(bearer(home.tokens.manager)).expect(200);
    const list = await request(api.http).get('/api/delegations').query({ unit: home.unit }).set(bearer(home.tokens.manager)).expect(200);
    expect(list.body.items.map((c: { caseId: string }) => c.caseId)).toContain(caseId);
    const res = await request(api.http)
      .post(`/api/delegations/${caseId}/steps/A10/decision`)
      .set(bearer(home.tokens.manager))
      .send({ decision: 'approve' })
      .expect(403);
    expect(res.body.code).toBe('FORBIDDEN_ROLE');
    await request(api.http)
      .post(`/api/delegations/${caseId}/cancel`)
      .set(bearer(home.tokens.manager))
      .send({ reason: '邀请方取消活动' })
      .expect(403);
    expect((await request(api.http).get('/api/inbox').set(bearer(home.tokens.manager)).expect(200)).body.items).toEqual([]);
  });

  it('only organizers submit, and only for their own unit', async () => {
    const wrongUnit = await request(api.http)
      .post('/api/delegations')
      .set(bearer(home.tokens.organizer))
      .send(canonicalSubmission(other.unit))
      .expect(403);
    expect(wrongUnit.body).toMatchObject({ code: 'UNIT_MISMATCH', errors: [{ field: 'unit' }] });
    const notOrganizer = await request(api.http)
      .post('/api/delegations')
      .set(bearer(home.tokens['fao-clerk']))
      .send(canonicalSubmission(home.unit))
      .expect(403);
    expect(notOrganizer.body.code).toBe('FORBIDDEN_ROLE');
  });

  it('帮代办 names a person who holds the role for this unit (issue 11 item 7): each handed input is refused, the same whether the name exists', async () => {
    await waitForStep(api, home.tokens.organizer, caseId, 'A03:US', ['awaiting', 'overdue']);
    // The visa officer completes an organizer's step "on behalf of" anyone: no such user, no such member.
    const anyone = await request(api.http)
      .post(`/api/delegations/${caseId}/steps/A03:US/complete`)
      .set(bearer(home.tokens['visa-officer']))
      .send({ onBehalfOf: 'anyone' })
      .expect(422);
    expect(anyone.body).toMatchObject({ code: 'INVALID_ON_BEHALF', errors: [{ field: 'onBehalfOf', rule: 'on-behalf' }] });
    // Trial: no such user (existing-principal) against "their role: …" told who exists and what they hold. A name no
    // one holds, another unit's organizer and this unit's finance officer now get the same answer but for the name.
    const answers: unknown[] = [];
    for (const name of ['zhang.nobody', other.usernames.organizer, home.usernames.finance]) {
      const res = await request(api.http)
        .post(`/api/delegations/${caseId}/steps/A03:US/complete`)
        .set(bearer(home.tokens['visa-officer']))
        .send({ onBehalfOf: name })
        .expect(422);
      expect(JSON.stringify(res.body)).not.toMatch(/财务|Finance|其角色|their role/);
      answers.push(
        JSON.parse(
          JSON.stringify({ ...res.body, requestId: undefined })
            .split(name)
            .join('<name>'),
        ),
      );
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(answers[0]).toMatchObject({
      code: 'INVALID_ON_BEHALF',
      message: { zh: expect.stringContaining(`<name> 不是本团组单位（${home.unit}）的`) },
    });
    // The organizer records a decision "on behalf of" the FAO director: the organizer may act for no one.
    const director = await request(api.http)
      .post(`/api/delegations/${caseId}/steps/A10/decision`)
      .set(bearer(home.tokens.organizer))
      .send({ decision: 'approve', onBehalfOf: home.usernames['fao-director'] })
      .expect(422);
    expect(director.body).toMatchObject({
      code: 'INVALID_ON_BEHALF',
      stepKey: 'A10',
      message: { zh: expect.stringContaining('onBehalfOf'), en: expect.stringContaining('onBehalfOf') },
    });
    // The passport officer withdraws "on behalf of" an invented person, or of another unit's organizer.
    const invented = await request(api.http)
      .post(`/api/delegations/${caseId}/withdraw`)
      .set(bearer(home.tokens['passport-officer']))
      .send({ reason: '测试', onBehalfOf: 'zhang.san.invented' })
      .expect(422);
    expect(invented.body).toMatchObject({ code: 'INVALID_ON_BEHALF', errors: [{ field: 'onBehalfOf' }] });
    const foreign = await request(api.http)
      .post(`/api/delegations/${caseId}/withdraw`)
      .set(bearer(home.tokens['passport-officer']))
      .send({ reason: '测试', onBehalfOf: other.usernames.organizer })
      .expect(422);
    expect(foreign.body.code).toBe('INVALID_ON_BEHALF');
    const p = await getProgress(api, home.tokens.organizer, caseId);
    expect(p.status).toBe('open');
    expect(p.steps.filter((s) => s.key === 'A03:US' || s.key === 'A10').map((s) => s.status)).not.toContain('done');
  });

  it("an FAO officer completes an organizer's task only on someone's behalf (帮代办)", async () => {
    const p = await waitForStep(api, home.tokens.organizer, caseId, 'A03:US', ['awaiting', 'overdue']);
    expect(p.steps.find((s) => s.key === 'A03:US')).toBeDefined();
    const without = await request(api.http)
      .post(`/api/delegations/${caseId}/steps/A03:US/complete`)
      .set(bearer(home.tokens['fao-reviewer']))
      .send({})
      .expect(403);
    expect(without.body.code).toBe('WRONG_ROLE');
    // The officer acting for the organizer uploads the letter and its translation A03 is done with (2027.10).
    await uploadMissing(
      api,
      home.tokens['fao-reviewer'],
      caseId,
      p.steps.find((s) => s.key === 'A03:US')!,
    );
    const done = await request(api.http)
      .post(`/api/delegations/${caseId}/steps/A03:US/complete`)
      .set(bearer(home.tokens['fao-reviewer']))
      .send({ onBehalfOf: home.usernames.organizer });
    expect([done.status, done.body.code]).toEqual([200, undefined]);
    const after = await getProgress(api, home.tokens.organizer, caseId);
    expect(after.steps.find((s) => s.key === 'A03:US')).toMatchObject({
      status: 'done',
      actedBy: home.usernames['fao-reviewer'],
      onBehalfOf: home.usernames.organizer,
    });
    // The timeline shows both: who acted, and for whom.
    const timeline = await eventually(
      async () =>
        (await request(api.http).get(`/api/delegations/${caseId}/timeline`).set(bearer(home.tokens.organizer)).expect(200)).body
          .events as Array<{ type: string; actorId: string; actorRole: string; onBehalfOf: string | null; payload: { key?: string } }>,
      (events) => events.some((e) => e.type === 'step.completed' && e.payload.key === 'A03:US'),
    );
    expect(timeline.find((e) => e.type === 'step.completed' && e.payload.key === 'A03:US')).toMatchObject({
      actorId: home.usernames['fao-reviewer'],
      actorRole: 'fao-reviewer',
      onBehalfOf: home.usernames.organizer,
    });
  });

  it('maps the workflow refusals: 409 not awaiting / not allowed, 404 unknown step or case, 422 bad return target', async () => {
    const early = await request(api.http)
      .post(`/api/delegations/${caseId}/steps/B07/decision`)
      .set(bearer(home.tokens.leader))
      .send({ decision: 'approve' })
      .expect(409);
    expect(early.body).toMatchObject({
      code: 'STEP_NOT_AWAITING',
      stepKey: 'B07',
      message: { zh: expect.any(String), en: expect.any(String) },
    });
    const approvalAsTask = await request(api.http)
      .post(`/api/delegations/${caseId}/steps/A10/complete`)
      .set(bearer(home.tokens.finance))
      .send({})
      .expect(409);
    expect(approvalAsTask.body.code).toBe('ACTION_NOT_ALLOWED');
    expect(
      (
        await request(api.http)
          .post(`/api/delegations/${caseId}/steps/Z99/complete`)
          .set(bearer(home.tokens.organizer))
          .send({})
          .expect(404)
      ).body.code,
    ).toBe('UNKNOWN_STEP');
    expect((await request(api.http).get(`/api/delegations/${randomUUID()}`).set(bearer(home.tokens.manager)).expect(404)).body.code).toBe(
      'CASE_NOT_FOUND',
    );
    expect(
      (
        await request(api.http)
          .post(`/api/delegations/${randomUUID()}/steps/A02/complete`)
          .set(bearer(home.tokens.organizer))
          .send({})
          .expect(404)
      ).body.code,
    ).toBe('CASE_NOT_FOUND');
    const badReturn = await request(api.http)
      .post(`/api/delegations/${caseId}/steps/A10/decision`)
      .set(bearer(home.tokens.finance))
      .send({ decision: 'return', returnTo: 'E07', comment: '重做' })
      .expect(422);
    expect(badReturn.body.code).toBe('INVALID_RETURN_TARGET');
  });

  it('an idempotent retry of a submission returns the first response instead of a second case', async () => {
    const key = randomUUID();
    const body = canonicalSubmission(home.unit, { title: `幂等测试 ${key}` });
    const first = await request(api.http)
      .post('/api/delegations')
      .set(bearer(home.tokens.organizer))
      .set('Idempotency-Key', key)
      .send(body)
      .expect(201);
    const retry = await request(api.http)
      .post('/api/delegations')
      .set(bearer(home.tokens.organizer))
      .set('Idempotency-Key', key)
      .send(body)
      .expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    // The same key with another body is refused.
    const reused = await request(api.http)
      .post('/api/delegations')
      .set(bearer(home.tokens.organizer))
      .set('Idempotency-Key', key)
      .send({ ...body, title: 'other' })
      .expect(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const db = api.app.get(DataSource);
    const submittedEvents = () =>
      db
        .query('SELECT count(*)::int AS n FROM case_events WHERE type = $1 AND payload->>$2 = $3', ['case.submitted', 'title', body.title])
        .then((r: Array<{ n: number }>) => r[0]!.n);
    expect(await eventually(submittedEvents, (n) => n >= 1)).toBe(1);
    const p = await getProgress(api, home.tokens.organizer, first.body.caseId);
    expect(p.title).toBe(body.title);
  });

  it('a refused submission writes nothing, and its key stays usable for the corrected request', async () => {
    const key = randomUUID();
    const db = api.app.get(DataSource);
    const before = await db.query('SELECT count(*)::int AS n FROM cases WHERE unit = $1', [home.unit]);
    const bad = canonicalSubmission(home.unit, { returnDate: '2027-03-30', title: `超期 ${key}` });
    const refused = await request(api.http)
      .post('/api/delegations')
      .set(bearer(home.tokens.organizer))
      .set('Idempotency-Key', key)
      .send(bad)
      .expect(422);
    expect(refused.body.violations.map((v: { code: string }) => v.code)).toContain('DAYS_EXCEEDED');
    expect(await db.query('SELECT count(*)::int AS n FROM idempotency_records WHERE key = $1', [key])).toEqual([{ n: 0 }]);
    expect(await db.query('SELECT count(*)::int AS n FROM cases WHERE unit = $1', [home.unit])).toEqual(before);
    await request(api.http)
      .post('/api/delegations')
      .set(bearer(home.tokens.organizer))
      .set('Idempotency-Key', key)
      .send(canonicalSubmission(home.unit, { title: `更正 ${key}` }))
      .expect(201);
  });
});
