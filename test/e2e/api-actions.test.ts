import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { addDays, shanghaiDate } from '@df/domain';
import { caseClockNow } from '@df/contracts';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import { bearer, canonicalSubmission, createTestUsers, startTestApi, type TestApi, type TestUsers } from '../support/api-harness';
import { actionable, actOn, getProgress, waitForStep } from '../support/api-flow';
import { DelegationsService } from '../../apps/api/src/delegations/delegations.service';

describe('case-level actions: accept with deficiencies and supply documents, objections, amend, withdraw, cancel', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  beforeAll(async () => {
    // Slow clock: the 5-WD public notice stays open while the test records an objection.
    worker = await startTestWorker({ workingDaySeconds: 60 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 60 });
    users = await createTestUsers(api);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  const submit = async () =>
    (await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(canonicalSubmission(users.unit)).expect(201))
      .body.caseId as string;

  const OPEN = ['pending', 'awaiting', 'overdue', 'blocked', 'returned'];
  /** The case's steps open in its page (the workflow's answer), once A02 awaits (A01, the system's check, done). */
  const openStepsOf = async (caseId: string): Promise<string[]> => {
    const p = await eventually(
      () => getProgress(api, users.tokens.organizer, caseId),
      (x) => x.steps.find((s) => s.key === 'A02')?.status === 'awaiting',
    );
    return p.steps.filter((s) => OPEN.includes(s.status)).map((s) => s.key);
  };
  /**
   * A closed case owes nothing (twenty-sixth trial: a withdrawn case's page still listed its open steps awaiting): in its
   * page every step it left open reads withdrawn, in the read model too, and no inbox lists them.
   */
  const expectNothingOwed = async (caseId: string, openBefore: string[]) => {
    const page = await eventually(
      () => getProgress(api, users.tokens.organizer, caseId),
      (x) => x.status !== 'open',
    );
    const statusOf = new Map(page.steps.map((s) => [s.key, s.status]));
    for (const k of openBefore) expect([k, statusOf.get(k)]).toEqual([k, 'withdrawn']);
    expect(page.steps.filter((s) => OPEN.includes(s.status))).toEqual([]);
    expect(page.plan.criticalStep).toBeNull(); // the page, as the list below: a closed case waits for nothing
    const rows = await eventually(
      () =>
        api.app.get(DataSource).query('SELECT step_key, status FROM case_steps WHERE case_id = $1', [caseId]) as Promise<
          Array<{ step_key: string; status: string }>
        >,
      (r) => r.every((x) => !OPEN.includes(x.status)),
    );
    expect(rows.filter((r) => OPEN.includes(r.status))).toEqual([]);
    // The list names no step it waits for (new-user trial: a withdrawn case's row kept 关键步骤 A05).
    const listed = await request(api.http)
      .get('/api/delegations')
      .query({ status: page.status })
      .set(bearer(users.tokens.organizer))
      .expect(200);
    expect(listed.body.items.find((c: { caseId: string }) => c.caseId === caseId)).toMatchObject({ criticalStep: null });
    const inbox = await request(api.http).get('/api/inbox').set(bearer(users.tokens.organizer)).expect(200);
    expect(inbox.body.items.filter((i: { caseId: string }) => i.caseId === caseId)).toEqual([]);
  };

  it('drives a case to intake, accepts it with a deficiency, supplies it, records an objection, amends and withdraws it', async () => {
    const caseId = await submit();
    // Everything actionable up to FAO intake (B02).
    for (let i = 0; i < 40; i++) {
      const p = await getProgress(api, users.tokens.organizer, caseId);
      if (p.steps.find((s) => s.key === 'B02' && (s.status === 'awaiting' || s.status === 'overdue'))) break;
      const open = actionable(p).filter((s) => s.phase === 'prepare' || s.code === 'B01');
      if (open.length === 0) await new Promise((r) => setTimeout(r, 200));
      for (const step of open) expect((await actOn(api, users, caseId, step)).status).toBe(200);
    }
    await waitForStep(api, users.tokens.organizer, caseId, 'B02', ['awaiting', 'overdue']);

    // Handed inputs (new-user trial): a required decision left out or null is 必填, not a list of codes; a document
    // needed by a step already done (A01) is 422 naming missingDocuments[0].neededBy; nothing is applied.
    const decideB02 = (body: object) =>
      request(api.http).post(`/api/delegations/${caseId}/steps/B02/decision`).set(bearer(users.tokens['fao-clerk'])).send(body);
    for (const body of [{ decision: null }, {}]) {
      const res = await decideB02(body).expect(400);
      expect(res.body.errors).toEqual([{ field: 'decision', rule: 'required', message: { zh: '必填', en: 'Required' } }]);
    }
    const neededDone = await decideB02({
      decision: 'accept-with-deficiencies',
      missingDocuments: [{ id: 'invitation-translation', name: '邀请函译文', neededBy: 'A01' }],
    }).expect(422);
    expect(neededDone.body).toMatchObject({
      code: 'INVALID_REQUEST',
      errors: [{ field: 'missingDocuments[0].neededBy', rule: 'step-ahead' }],
    });
    expect(neededDone.body.message.zh).not.toMatch(/missingDocuments|neededBy/);
    expect((await getProgress(api, users.tokens.organizer, caseId)).steps.find((s) => s.key === 'B02')?.status).toMatch(/awaiting|overdue/);

    // A translation on the case before intake (third trial: it later "supplied" the document intake found missing).
    const before = await request(api.http)
      .post(`/api/delegations/${caseId}/attachments`)
      .set(bearer(users.tokens.organizer))
      .set('Idempotency-Key', randomUUID())
      .field('kind', 'invitation-translation')
      .attach('file', Buffer.from('%PDF-1.4\n% 旧译文\n%%EOF\n'), { filename: 'old-tr.pdf', contentType: 'application/pdf' })
      .expect(201);

    const accept = await request(api.http)
      .post(`/api/delegations/${caseId}/steps/B02/decision`)
      .set(bearer(users.tokens['fao-clerk']))
      .send({
        decision: 'accept-with-deficiencies',
        missingDocuments: [{ id: 'invitation-translation', name: '邀请函译文' }],
        comment: '容缺受理',
      })
      .expect(200);
    expect(accept.body.accepted).toBe(true);
    let p = await getProgress(api, users.tokens.organizer, caseId);
    expect(p.deficiencies).toEqual([expect.objectContaining({ id: 'invitation-translation', status: 'missing' })]);
    // B03 completes itself once the documents are in: the organizer's inbox says where the work is (trial: a button
    // that could only meet 409), and completing it is refused in words, no API path.
    await waitForStep(api, users.tokens.organizer, caseId, 'B03', ['awaiting', 'overdue']);
    const inbox = await request(api.http).get('/api/inbox').query({ pageSize: 200 }).set(bearer(users.tokens.organizer)).expect(200);
    const b03 = (inbox.body.items as Array<{ caseId: string; stepKey: string; blockedFor: { code: string } | null }>).find(
      (i) => i.caseId === caseId && i.stepKey === 'B03',
    );
    expect(b03?.blockedFor).toMatchObject({ code: 'SUPPLY_DOCUMENTS', message: { zh: expect.stringContaining('逐项补交') } });
    // On a time scale each item carries its case's clock, which its due and latest times are in (the web's notices compare
    // them with it: forty-seventh trial, 已超期 in the inbox and no notice): the case's, the API's own read of it.
    const caseNow = (b03 as { caseNow?: string } | undefined)?.caseNow;
    expect(caseNow).toBeDefined();
    const expected = caseClockNow(await getProgress(api, users.tokens.organizer, caseId));
    // One working day passes in 60 s here, a day of the case's clock: read a moment apart, within a few days (a weekend).
    expect(Math.abs(Date.parse(caseNow!) - expected)).toBeLessThan(4 * 86_400_000);
    expect(Date.parse(caseNow!)).toBeGreaterThan(Date.now()); // ahead of the reader's clock
    const completeB03 = await request(api.http)
      .post(`/api/delegations/${caseId}/steps/B03/complete`)
      .set(bearer(users.tokens.organizer))
      .send({})
      .expect(409);
    expect(completeB03.body.message.zh).toContain('容缺材料');
    expect(JSON.stringify(completeB03.body.message)).not.toContain('/documents');

    // The FAO clerk (only) may give a missing document more time, once by default; the reason is required.
    const extend = (token: string, body: object) =>
      request(api.http).post(`/api/delegations/${caseId}/documents/extensions`).set(bearer(token)).send(body);
    expect((await extend(users.tokens.organizer, { documentId: 'invitation-translation', reason: '再给两天' }).expect(403)).body.code).toBe(
      'WRONG_ROLE',
    );
    const noReason = await extend(users.tokens['fao-clerk'], { documentId: 'invitation-translation' }).expect(400);
    expect(noReason.body.errors.map((e: { field: string }) => e.field)).toEqual(['reason']);
    await extend(users.tokens['fao-clerk'], { documentId: 'invitation-translation', reason: '译文公证中' }).expect(200);
    p = await getProgress(api, users.tokens.organizer, caseId);
    expect(p.deficiencies[0]).toMatchObject({ status: 'missing', extensions: 1, extensionsLeft: 0 });
    expect(
      (await extend(users.tokens['fao-clerk'], { documentId: 'invitation-translation', reason: '再延一次' }).expect(409)).body.code,
    ).toBe('ACTION_NOT_ALLOWED');

    // No file (the web's 补交 sent none) is 400 at fileRef; the handed input (trial): a fileRef that names no attachment
    // of the case (a path) is 422 at fileRef; nothing applied.
    const supply = (fileRef: string) =>
      request(api.http)
        .post(`/api/delegations/${caseId}/documents`)
        .set(bearer(users.tokens.organizer))
        .send({ documentId: 'invitation-translation', fileRef });
    const bare = await request(api.http)
      .post(`/api/delegations/${caseId}/documents`)
      .set(bearer(users.tokens.organizer))
      .send({ documentId: 'invitation-translation' })
      .expect(400);
    expect(bare.body.errors).toEqual([expect.objectContaining({ field: 'fileRef', rule: 'required' })]);
    for (const fileRef of ['../../etc/passwd', randomUUID()]) {
      const refused = await supply(fileRef).expect(422);
      expect(refused.body).toMatchObject({
        code: 'INVALID_REQUEST',
        errors: [expect.objectContaining({ field: 'fileRef', rule: 'known-attachment' })],
      });
    }
    p = await getProgress(api, users.tokens.organizer, caseId);
    expect(p.deficiencies[0]).toMatchObject({ status: 'missing' });
    // The handed input (third trial): a file of another kind (a passport copy) does not supply the translation: 422 at
    // fileRef, rule attachment-kind, the document named; nothing applied.
    const passportCopy = await request(api.http)
      .post(`/api/delegations/${caseId}/attachments`)
      .set(bearer(users.tokens.organizer))
      .set('Idempotency-Key', randomUUID())
      .field('kind', 'passport-copy')
      .attach('file', Buffer.from('%PDF-1.4\n% 护照\n%%EOF\n'), { filename: 'passport.pdf', contentType: 'application/pdf' })
      .expect(201);
    const wrongKind = await supply(passportCopy.body.attachment.id).expect(422);
    expect(wrongKind.body.errors).toEqual([expect.objectContaining({ field: 'fileRef', rule: 'attachment-kind' })]);
    expect(wrongKind.body.message.zh).toContain('“邀请函译文”');
    expect((await getProgress(api, users.tokens.organizer, caseId)).deficiencies[0]).toMatchObject({ status: 'missing' });
    // The handed input (third trial): the file on the case before intake named the document missing is not its supply:
    // 422 at fileRef, rule new-file, the file named; nothing applied.
    const stale = await supply(before.body.attachment.id).expect(422);
    expect(stale.body).toMatchObject({
      code: 'INVALID_REQUEST',
      errors: [expect.objectContaining({ field: 'fileRef', rule: 'new-file' })],
    });
    expect(stale.body.message.zh).toContain(before.body.attachment.id);
    expect(stale.body.message.en).toContain('upload it as a new file');
    expect((await getProgress(api, users.tokens.organizer, caseId)).deficiencies[0]).toMatchObject({ status: 'missing' });
    // The document uploaded as an attachment of the case first, then supplied by its id.
    const uploaded = await request(api.http)
      .post(`/api/delegations/${caseId}/attachments`)
      .set(bearer(users.tokens.organizer))
      .set('Idempotency-Key', randomUUID())
      .field('kind', 'invitation-translation')
      .attach('file', Buffer.from('%PDF-1.4\n% 邀请函译文\n%%EOF\n'), { filename: 'inv-tr.pdf', contentType: 'application/pdf' })
      .expect(201);
    const supplied = await supply(uploaded.body.attachment.id).expect(200);
    expect(supplied.body.accepted).toBe(true);
    expect(
      (
        await request(api.http)
          .post(`/api/delegations/${caseId}/documents`)
          .set(bearer(users.tokens.organizer))
          .send({ documentId: 'invitation-translation', fileRef: uploaded.body.attachment.id })
          .expect(409)
      ).body.code,
    ).toBe('ACTION_NOT_ALLOWED');
    p = await getProgress(api, users.tokens.organizer, caseId);
    expect(p.deficiencies[0]).toMatchObject({ status: 'supplied' });

    // The public notice (A13) is still running: an objection is recorded.
    expect(p.steps.find((s) => s.key === 'A13')!.status).toMatch(/awaiting|overdue/);
    await request(api.http)
      .post(`/api/delegations/${caseId}/notice-objections`)
      .set(bearer(users.tokens['unit-leader']))
      .send({ objection: '公示期间收到群众来信' })
      .expect(200);
    p = await getProgress(api, users.tokens.organizer, caseId);
    // Who recorded it is the office's to know, not the unit's whose trip it is (docs/security.md, personal data).
    expect(p.objections).toEqual([expect.objectContaining({ text: '公示期间收到群众来信', by: null })]);
    expect((await getProgress(api, users.tokens['fao-reviewer'], caseId)).objections).toEqual([
      expect.objectContaining({ text: '公示期间收到群众来信', by: users.usernames['unit-leader'] }),
    ]);

    const amended = await request(api.http)
      .post(`/api/delegations/${caseId}/amend`)
      .set(bearer(users.tokens.organizer))
      .send({
        changes: { returnDate: '2027-03-18', destinations: [{ ...canonicalSubmission(users.unit).destinations[0], leave: '2027-03-18' }] },
        comment: '缩短行程',
      })
      .expect(200);
    expect(amended.body.accepted).toBe(true);
    p = await getProgress(api, users.tokens.organizer, caseId);
    expect(p.facts.returnDate).toBe('2027-03-18');
    // The same again changes nothing: refused, not recorded (new-user trial).
    const same = await request(api.http)
      .post(`/api/delegations/${caseId}/amend`)
      .set(bearer(users.tokens.organizer))
      .send({ changes: { returnDate: '2027-03-18' } })
      .expect(422);
    expect(same.body.errors).toEqual([expect.objectContaining({ field: 'changes', rule: 'no-change' })]);
    // A departure beyond the two-year horizon: refused by the dry run, the submission and an amendment alike (new-user
    // trial: an amendment to 2099 failed every workflow task of the case; a submission was 503 for ever).
    const far = { departureDate: '2099-09-15', returnDate: '2099-09-19' };
    const farTrip = {
      ...canonicalSubmission(users.unit),
      ...far,
      destinations: [{ ...canonicalSubmission(users.unit).destinations[0], arrive: far.departureDate, leave: far.returnDate }],
    };
    const checked = await request(api.http).post('/api/delegations/check').set(bearer(users.tokens.organizer)).send(farTrip).expect(200);
    expect(checked.body.violations.map((v: { code: string; field: string }) => [v.code, v.field])).toEqual([
      ['DEPARTURE_TOO_FAR', 'departureDate'],
    ]);
    // Thirteenth trial: a trip the rules pass but the chain cannot reach in time said nothing. The dry run answers the
    // plan the case would start with: departing in a week, the forecast ready date is after it, at risk.
    const soon = { departureDate: addDays(shanghaiDate(Date.now()), 7), returnDate: addDays(shanghaiDate(Date.now()), 10) };
    const base = canonicalSubmission(users.unit);
    const soonTrip = { ...base, ...soon, destinations: [{ ...base.destinations[0], arrive: soon.departureDate, leave: soon.returnDate }] };
    const tight = (await request(api.http).post('/api/delegations/check').set(bearer(users.tokens.organizer)).send(soonTrip).expect(200))
      .body;
    expect(tight).toMatchObject({ ok: true, violations: [], plan: { atRisk: true } });
    expect(tight.plan.slackWd).toBeLessThan(0);
    expect(tight.plan.forecastReadyDate > soon.departureDate).toBe(true);
    const roomy = (await request(api.http).post('/api/delegations/check').set(bearer(users.tokens.organizer)).send(base).expect(200)).body;
    expect(roomy).toMatchObject({ ok: true, plan: { atRisk: false } });
    expect(roomy.plan.forecastReadyDate < base.departureDate).toBe(true);
    const submitted = await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(farTrip).expect(422);
    expect(submitted.body.violations.map((v: { code: string }) => v.code)).toEqual(['DEPARTURE_TOO_FAR']);
    const moved = await request(api.http)
      .post(`/api/delegations/${caseId}/amend`)
      .set(bearer(users.tokens.organizer))
      .send({ changes: { ...far, destinations: farTrip.destinations } })
      .expect(422);
    expect(moved.body.violations.map((v: { code: string }) => v.code)).toEqual(['DEPARTURE_TOO_FAR']);
    const broken = await request(api.http)
      .post(`/api/delegations/${caseId}/amend`)
      .set(bearer(users.tokens.organizer))
      .send({ changes: { returnDate: '2027-03-30' } })
      .expect(422);
    expect(broken.body.code).toBe('RULE_VIOLATION');

    const openBefore = await openStepsOf(caseId);
    expect(openBefore.length).toBeGreaterThan(0);
    const key = randomUUID();
    const withdrawn = await request(api.http)
      .post(`/api/delegations/${caseId}/withdraw`)
      .set(bearer(users.tokens.organizer))
      .set('Idempotency-Key', key)
      .send({ reason: '邀请方推迟活动' })
      .expect(200);
    expect(withdrawn.body.status).toBe('withdrawn');
    await expectNothingOwed(caseId, openBefore);
    const again = await request(api.http)
      .post(`/api/delegations/${caseId}/withdraw`)
      .set(bearer(users.tokens.organizer))
      .set('Idempotency-Key', key)
      .send({ reason: '邀请方推迟活动' })
      .expect(200);
    expect(again.body).toEqual(withdrawn.body);
    const closed = await request(api.http)
      .post(`/api/delegations/${caseId}/withdraw`)
      .set(bearer(users.tokens.organizer))
      .send({ reason: 'host called the trip off again' });
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('CASE_CLOSED');
    // Refused from the case's row, before anything reads the ended workflow, naming the status it holds ("已办结" was
    // wrong for a withdrawal).
    expect(closed.body.message).toEqual({ zh: '案件已结束（已撤回）', en: 'The case is closed (Withdrawn)' });
    // Handed input (thirty-seventh trial: an amendment of a completed case answered 409 after 1.5 s, its checks querying
    // the ended workflow, which a worker replays whole): every action on a closed case is refused from its row, the
    // workflow never asked.
    const service = api.app.get(DelegationsService) as unknown as { progress: (...args: unknown[]) => unknown };
    const queries = jest.spyOn(service, 'progress');
    const actions: Array<[string, keyof typeof users.tokens, object]> = [
      ['steps/A02/complete', 'organizer', {}],
      ['steps/B02/decision', 'fao-clerk', { decision: 'approve' }],
      ['amend', 'organizer', { changes: { returnDate: addDays(canonicalSubmission(users.unit).returnDate, 1) } }],
      // Whatever the body's own rules would say (forty-first trial's kind): a date before the departure, a person not
      // on the roster.
      ['amend', 'organizer', { changes: { returnDate: '2027-03-30' } }],
      ['amend', 'organizer', { changes: { members: [{ id: 'm9', personId: 'P-NOBODY-ON-ROSTER' }] } }],
      ['withdraw', 'organizer', { reason: '行程再次取消' }],
      ['cancel', 'fao-clerk', { reason: '邀请方取消活动' }],
      ['notice-objections', 'organizer', { objection: '公示对象本年度已出访' }],
      ['documents', 'organizer', { documentId: 'invitation-translation', fileRef: randomUUID() }],
      ['documents/extensions', 'fao-clerk', { documentId: 'invitation-translation', reason: '译文公证中，延期两天' }],
    ];
    for (const [path, role, body] of actions) {
      const refused = await request(api.http).post(`/api/delegations/${caseId}/${path}`).set(bearer(users.tokens[role])).send(body);
      expect({ path, status: refused.status, code: refused.body.code, errors: refused.body.errors }).toEqual({
        path,
        status: 409,
        code: 'CASE_CLOSED',
        errors: [{ field: 'path.id', rule: 'open-case', message: { zh: '案件已结束（已撤回）', en: 'The case is closed (Withdrawn)' } }],
      });
    }
    expect(queries).not.toHaveBeenCalled();
    queries.mockRestore();
    const list = await eventually(
      () =>
        request(api.http)
          .get('/api/delegations')
          .query({ status: 'withdrawn' })
          .set(bearer(users.tokens.organizer))
          .then((r) => r.body.items as Array<{ caseId: string }>),
      (items) => items.some((c) => c.caseId === caseId),
    );
    expect(list.map((c) => c.caseId)).toContain(caseId);
  });

  it('the FAO cancels a case; the organizer may not', async () => {
    const caseId = await submit();
    const open = await openStepsOf(caseId);
    const refused = await request(api.http)
      .post(`/api/delegations/${caseId}/cancel`)
      .set(bearer(users.tokens.organizer))
      .send({ reason: '不需要了' })
      .expect(403);
    expect(refused.body).toMatchObject({
      code: 'WRONG_ROLE',
      errors: [{ field: '(request)', rule: 'role', message: refused.body.message }],
    });
    // The APEC desk works the card cases only (trial: it cancelled a 审护签 case), nor reads the others (trial: it read
    // one): 403 CASE_OUT_OF_SCOPE naming the process, from the scope check before the route's role (apec-scope.test.ts).
    const desk = await request(api.http)
      .post(`/api/delegations/${caseId}/cancel`)
      .set(bearer(users.tokens['apec-desk']))
      .send({ reason: '误操作' })
      .expect(403);
    expect(desk.body).toMatchObject({
      code: 'CASE_OUT_OF_SCOPE',
      message: { zh: expect.stringContaining('不办理“因公出国（境）审护签”案件') },
    });
    const res = await request(api.http)
      .post(`/api/delegations/${caseId}/cancel`)
      .set(bearer(users.tokens['fao-director']))
      .send({ reason: '任务取消' })
      .expect(200);
    expect(res.body.status).toBe('cancelled');
    await expectNothingOwed(caseId, open);
    const timeline = await request(api.http).get(`/api/delegations/${caseId}/timeline`).set(bearer(users.tokens.organizer)).expect(200);
    expect(timeline.body.events.find((e: { type: string }) => e.type === 'case.closed')).toMatchObject({
      actorId: users.usernames['fao-director'],
      actorRole: 'fao-director',
    });
  });
});
