import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { addDays, dayNumber, shanghaiDate } from '@df/domain';
import { delegationWorkflowId, progressQuery, requiredTaskData, type DelegationProgress } from '@df/contracts';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import { addTestUser, bearer, createTestUsers, departingSoon, startTestApi, type TestApi, type TestUsers } from '../support/api-harness';
import { actionable, actOn, getProgress, roleFor } from '../support/api-flow';
import { maskForViewer } from '../../apps/api/src/common/masking';

/** Fields of the progress that do not move with the clock between two reads. */
const stable = (p: DelegationProgress) => ({
  caseId: p.caseId,
  workflowId: p.workflowId,
  status: p.status,
  phase: p.phase,
  lastSeq: p.lastSeq,
  facts: p.facts,
  steps: p.steps.map((s) => ({
    key: s.key,
    status: s.status,
    actedBy: s.actedBy,
    actedByRole: s.actedByRole,
    onBehalfOf: s.onBehalfOf,
    decision: s.decision,
    comment: s.comment,
    data: s.data,
    returns: s.returns,
  })),
  deficiencies: p.deficiencies,
  objections: p.objections,
  routes: p.routes,
  violations: p.violations,
});

describe('the canonical US trip, submission to departure, entirely through the HTTP API', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  beforeAll(async () => {
    // 3 s a working day: E07's margin before the departure (6 WD) stays above the driver's lag on a loaded machine
    // (at 1 s the driver reached E07 after the departure day under CI with other work beside it, load 14).
    worker = await startTestWorker({ workingDaySeconds: 3 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 3 });
    users = await createTestUsers(api);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it('runs every step as a user of the right role and reads the same progress as the workflow query', async () => {
    const submission = departingSoon(users.unit);
    const departureDate = submission.departureDate;
    const submitted = await request(api.http)
      .post('/api/delegations')
      .set(bearer(users.tokens.organizer))
      .set('X-Request-Id', 'flow-submit-1')
      .send(submission)
      .expect(201);
    const { caseId, workflowId, plan } = submitted.body;
    expect(workflowId).toBe(delegationWorkflowId(caseId));
    expect(submitted.headers['x-request-id']).toBe('flow-submit-1');
    // The brief's critical path for this trip, 15.5 WD.
    expect(plan.criticalPathCodes).toEqual(['A01', 'A02', 'A05', 'A13', 'B07', 'B08', 'D07', 'D09', 'D10', 'D12', 'D13', 'E06', 'E07']);
    expect(plan.totalWd).toBe(15.5);
    expect(plan.atRisk).toBe(false);

    const acted: Array<{ key: string; role: string; by: string }> = [];
    const deskClerk = await addTestUser(api, 'fao-clerk', 'fao');
    let onBehalfDone = false;
    let decisionRetried = false;
    let refusedBeforeDeparture = false;
    let inboxBlockedBeforeDeparture = false;
    const deadline = Date.now() + 240_000;
    for (;;) {
      const p = await getProgress(api, users.tokens.organizer, caseId);
      if (p.status === 'departed') break;
      expect(p.status).toBe('open');
      if (Date.now() > deadline)
        throw new Error(
          `stuck: ${JSON.stringify(p.steps.filter((s) => !['done', 'skipped'].includes(s.status)).map((s) => [s.key, s.status]))}`,
        );
      const open = actionable(p);
      if (open.length === 0) {
        await new Promise((r) => setTimeout(r, 250)); // system steps and the public-notice timer
        continue;
      }
      for (const step of open) {
        const role = roleFor(step);
        // The step is in the actor's inbox (read model), earliest latest-start first.
        const inbox = await eventually(
          () =>
            request(api.http)
              .get('/api/inbox')
              .set(bearer(users.tokens[role]))
              .then((r) => r.body.items as Array<{ caseId: string; stepKey: string; memberName: string | null }>),
          (items) => items.some((i) => i.caseId === caseId && i.stepKey === step.key),
          5_000,
        );
        const item = inbox.find((i) => i.caseId === caseId && i.stepKey === step.key)!;
        // A member's step names its member (trial 76: A11:m1 by the member's id alone).
        expect(item.memberName).toBe(step.memberId ? (p.facts.members.find((m) => m.id === step.memberId)?.name ?? null) : null);
        if (step.actorRole === 'external') {
          // External outcomes go to the officer of their phase only.
          const otherOfficer = role === 'visa-officer' ? 'passport-officer' : 'visa-officer';
          const theirs = await request(api.http).get('/api/inbox').set(bearer(users.tokens[otherOfficer])).expect(200);
          expect(theirs.body.items.some((i: { stepKey: string; caseId: string }) => i.caseId === caseId && i.stepKey === step.key)).toBe(
            false,
          );
        }

        let res;
        if (step.code === 'A09' && !onBehalfDone) {
          // 帮代办: an FAO clerk completes the organizer's budget on their behalf; a clerk other than the one deciding
          // the intake (B02): who did the organizer's part may not approve the case (separation of duties).
          res = await request(api.http)
            .post(`/api/delegations/${caseId}/steps/A09/complete`)
            .set(bearer(deskClerk.token))
            .send({ comment: '外办代办预算', onBehalfOf: users.usernames.organizer, data: requiredTaskData('A09') })
            .expect(200);
          onBehalfDone = true;
          acted.push({ key: step.key, role: 'fao-clerk', by: deskClerk.username });
          continue;
        }
        if (step.code === 'B07' && !decisionRetried) {
          // An idempotent retry of a decision: the same Idempotency-Key returns the first result.
          const key = randomUUID();
          const first = await request(api.http)
            .post(`/api/delegations/${caseId}/steps/B07/decision`)
            .set(bearer(users.tokens.leader))
            .set('Idempotency-Key', key)
            .send({ decision: 'approve', comment: '同意出访' })
            .expect(200);
          const retry = await request(api.http)
            .post(`/api/delegations/${caseId}/steps/B07/decision`)
            .set(bearer(users.tokens.leader))
            .set('Idempotency-Key', key)
            .send({ decision: 'approve', comment: '同意出访' })
            .expect(200);
          expect(retry.body).toEqual(first.body);
          expect(first.body.requestId).toBe(key);
          expect(retry.headers['idempotent-replayed']).toBe('true');
          const after = await getProgress(api, users.tokens.organizer, caseId);
          expect(after.steps.filter((s) => s.key === 'B07').map((s) => [s.status, s.decision])).toEqual([['done', 'approve']]);
          decisionRetried = true;
          acted.push({ key: step.key, role: 'leader', by: users.usernames.leader });
          continue;
        }
        res = await actOn(api, users, caseId, step);
        if (res.status === 409 && res.body.code === 'STEP_NOT_AWAITING') continue; // e.g. withdrawn by a concurrent transition
        if (step.code === 'E07' && res.status === 409 && res.body.code === 'NOT_BEFORE_DATE') {
          // The departure is confirmed on its day, not before (issue 11 item 5): a bilingual 409 naming the date.
          expect(res.body).toMatchObject({
            stepKey: 'E07',
            message: { zh: expect.stringContaining(departureDate), en: expect.stringContaining(departureDate) },
            errors: [{ field: 'path.stepKey', rule: 'not-before-date', message: res.body.message }],
          });
          if (!refusedBeforeDeparture) {
            // The organizer's inbox said so before the request (thirty-ninth trial: E07 sat there as actionable for
            // weeks of the case's clock): blocked, naming the date, as the case page's actions show it.
            const inbox = await request(api.http).get('/api/inbox').set(bearer(users.tokens.organizer)).expect(200);
            const item = (inbox.body.items as Array<{ caseId: string; stepKey: string; blockedFor: unknown }>).find(
              (i) => i.caseId === caseId && i.stepKey === 'E07',
            );
            // (The case's day may have turned between the two reads: NOT_BEFORE_DATE, or null on the departure day.)
            if (item?.blockedFor !== null)
              expect(item).toMatchObject({
                blockedFor: {
                  code: 'NOT_BEFORE_DATE',
                  message: { zh: expect.stringContaining(departureDate), en: expect.stringContaining(departureDate) },
                },
              });
            inboxBlockedBeforeDeparture = item?.blockedFor !== null;
          }
          refusedBeforeDeparture = true;
          await new Promise((r) => setTimeout(r, 250));
          continue;
        }
        expect({ key: step.key, status: res.status, body: res.body }).toMatchObject({ status: 200, body: { accepted: true } });
        acted.push({ key: step.key, role, by: users.usernames[role] });
      }
    }
    expect(onBehalfDone).toBe(true);
    expect(decisionRetried).toBe(true);
    // E07 was ready days before the departure (the driver acts at once; the margin is 6 WD of 3 s) and waited for it.
    expect(refusedBeforeDeparture).toBe(true);
    expect(inboxBlockedBeforeDeparture).toBe(true);
    // Every human step of the canonical trip was done by its role.
    const codes = new Set(acted.map((a) => a.key.split(':')[0]));
    for (const c of [
      'A02',
      'A03',
      'A04',
      'A05',
      'A06',
      'A09',
      'A10',
      'A11',
      'A15',
      'B01',
      'B02',
      'B04',
      'B05',
      'B06',
      'B07',
      'B09',
      'C01',
      'C07',
      'D01',
      'D03',
      'D04',
      'D06',
      'D07',
      'D08',
      'D09',
      'D10',
      'D11',
      'D12',
      'D13',
      'E01',
      'E02',
      'E03',
      'E04',
      'E06',
      'E07',
    ])
      expect(codes).toContain(c);

    // The API's case is the workflow's progress query (passport officers see it unmasked).
    const handle = worker.client.workflow.getHandle(delegationWorkflowId(caseId));
    const viaApi = await getProgress(api, users.tokens['passport-officer'], caseId);
    const viaQuery = await handle.query(progressQuery);
    // Masked as the passport officer sees it: passport numbers in clear, Party membership and classified access not.
    expect(stable(viaApi)).toEqual(stable(maskForViewer({ role: 'passport-officer', unit: 'fao' }, viaQuery)));
    expect(viaApi.status).toBe('departed');
    // Confirmed on (or, the next poll, after) the departure day, Asia/Shanghai.
    const confirmedOn = shanghaiDate(Date.parse(viaApi.steps.find((s) => s.key === 'E07')!.doneAt!));
    expect(dayNumber(confirmedOn)).toBeGreaterThanOrEqual(dayNumber(departureDate));
    for (const s of viaApi.steps.filter((s) => s.status === 'done' && s.actedByRole)) {
      const a = acted.find((x) => x.key === s.key);
      if (a) expect({ key: s.key, by: s.actedBy, role: s.actedByRole }).toEqual({ key: s.key, by: a.by, role: a.role });
    }

    // 帮代办 is recorded with both people: progress and timeline.
    expect(viaApi.steps.find((s) => s.key === 'A09')).toMatchObject({
      actedBy: deskClerk.username,
      actedByRole: 'fao-clerk',
      onBehalfOf: users.usernames.organizer,
    });
    const timeline = await request(api.http).get(`/api/delegations/${caseId}/timeline`).set(bearer(users.tokens.organizer)).expect(200);
    const seqs = timeline.body.events.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a: number, b: number) => a - b));
    expect(timeline.body.events[0].type).toBe('case.submitted');
    expect(
      timeline.body.events.some(
        (e: { type: string; actorId: string; onBehalfOf: string }) =>
          e.type === 'step.completed' && e.actorId === deskClerk.username && e.onBehalfOf === users.usernames.organizer,
      ),
    ).toBe(true);
    expect(timeline.body.events.at(-1).seq).toBe(viaQuery.lastSeq);
    expect(timeline.body.more).toBe(false);
    // A page after a position: read in pages of 40, the same events in the same order, the last page says no more.
    const paged: unknown[] = [];
    for (let after = 0, more = true; more;) {
      const page = await request(api.http)
        .get(`/api/delegations/${caseId}/timeline`)
        .query({ afterSeq: after, limit: 40 })
        .set(bearer(users.tokens.organizer))
        .expect(200);
      expect(page.body.events.length).toBeLessThanOrEqual(40);
      paged.push(...page.body.events);
      more = page.body.more;
      if (more) expect(page.body.events).toHaveLength(40);
      after = page.body.events.at(-1)?.seq ?? after;
    }
    expect(paged).toEqual(timeline.body.events);
    const after = await request(api.http)
      .get(`/api/delegations/${caseId}/timeline`)
      .query({ afterSeq: viaQuery.lastSeq })
      .set(bearer(users.tokens.organizer))
      .expect(200);
    expect(after.body).toMatchObject({ events: [], more: false });
    // Bad paging is 400 naming the field and the rule.
    for (const [query, field] of [
      [{ limit: 0 }, 'query.limit'],
      [{ limit: 1001 }, 'query.limit'],
      [{ afterSeq: -1 }, 'query.afterSeq'],
      [{ afterSeq: '1e3' }, 'query.afterSeq'],
      [{ after: 3 }, 'query.after'],
    ] as const) {
      const bad = await request(api.http)
        .get(`/api/delegations/${caseId}/timeline`)
        .query(query)
        .set(bearer(users.tokens.organizer))
        .expect(400);
      expect([query, bad.body.errors.map((e: { field: string }) => e.field)]).toEqual([query, [field]]);
      expect(bad.body.errors[0].rule).toEqual(expect.any(String));
    }

    // Passport numbers: in full for passport/visa officers only.
    const asOrganizer = await getProgress(api, users.tokens.organizer, caseId);
    const number = (submission.members[0]!.passport as { number: string }).number;
    expect(asOrganizer.facts.members[0]!.passport!.number).toBe(`SE****${number.slice(-3)}`);
    expect(viaApi.facts.members[0]!.passport!.number).toBe(number);
    expect(JSON.stringify(timeline.body)).not.toContain(number);

    // The read model shows the case departed, and in the organizer's list.
    const list = await eventually(
      () =>
        request(api.http)
          .get('/api/delegations')
          .query({ status: 'departed' })
          .set(bearer(users.tokens.organizer))
          .then((r) => r.body),
      (b) => b.items?.some((c: { caseId: string }) => c.caseId === caseId),
    );
    expect(list.items.find((c: { caseId: string }) => c.caseId === caseId)).toMatchObject({ unit: users.unit, status: 'departed' });

    // Handed input (forty-first trial): an amendment of the departed case with a bad date read 422 (its rules checked
    // first) where any amendment of it is refused 409. The state comes first, for every action only an open case takes,
    // whatever its body's rules would say.
    const openOnly: Array<[string, keyof typeof users.tokens, object]> = [
      ['amend', 'organizer', { changes: { departureDate: '2020-01-01' } }],
      ['amend', 'organizer', { changes: { returnDate: addDays(departureDate, -3) } }],
      ['amend', 'organizer', { changes: { members: [{ id: 'm9', personId: 'P-NOBODY-ON-ROSTER' }] } }],
      ['withdraw', 'organizer', { reason: '行程有变' }],
      ['cancel', 'fao-clerk', { reason: '邀请方取消活动' }],
      ['notice-objections', 'organizer', { objection: '公示对象本年度已出访' }],
      ['documents/extensions', 'fao-clerk', { documentId: 'invitation-translation', reason: '译文公证中，延期两天' }],
    ];
    for (const [path, role, body] of openOnly) {
      const refused = await request(api.http).post(`/api/delegations/${caseId}/${path}`).set(bearer(users.tokens[role])).send(body);
      expect({ path, body, status: refused.status, code: refused.body.code, en: refused.body.message?.en }).toEqual({
        path,
        body,
        status: 409,
        code: 'ACTION_NOT_ALLOWED',
        en: expect.stringMatching(/^The case is departed: no one may /),
      });
    }

    // Updates by outcome in the metrics.
    const metrics = await request(api.http).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/delegation_updates_total\{update="decide",outcome="accepted"[^}]*\} \d+/);
    expect(metrics.text).toMatch(/delegation_updates_total\{update="decide",outcome="replayed"[^}]*\} 1/);
  }, 420_000);
});
