import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { addDays, dayNumber, makeMember, shanghaiDate } from '@df/domain';
import {
  amendUpdate,
  cancelUpdate,
  completeStepUpdate,
  decideStepUpdate,
  delegationWorkflowId,
  extendDeficiencyUpdate,
  objectionUpdate,
  progressQuery,
  withdrawUpdate,
  type DelegationInput,
  type DelegationProgress,
} from '@df/contracts';
import { CaseEntity, CaseEventEntity, NotificationEntity } from '@df/persistence';
import { drive, supplyWithFile } from '../support/drive';
import { maybeRecord } from '../support/histories';
import { actor, caseInput, ownPassports } from '../support/factories';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';

const step = (p: DelegationProgress, key: string) => p.steps.find((s) => s.key === key)!;
const awaitingStep = (key: string) => (p: DelegationProgress) => ['awaiting', 'overdue'].includes(step(p, key)?.status ?? '');

describe('delegation scenarios on a real Temporal dev server (1 working day = 1 s)', () => {
  let worker: TestWorker;
  let db: DataSource;
  beforeAll(async () => {
    worker = await startTestWorker();
    db = worker.app.get(DataSource);
  });
  afterAll(async () => {
    await worker?.stop();
  });

  const start = (input: DelegationInput) =>
    worker.client.workflow.start('delegation', {
      taskQueue: worker.config.taskQueue,
      workflowId: delegationWorkflowId(input.caseId),
      args: [input],
    });
  const fast = (
    input: DelegationInput,
    handle: WorkflowHandle,
    until: (p: DelegationProgress) => boolean,
    skip?: (key: string) => boolean,
    timeoutMs?: number,
  ) =>
    drive(handle, input.facts.unit, {
      onSchedule: false,
      until,
      ...(skip ? { skip: (s) => skip(s.key) } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
    });
  const eventTypes = async (caseId: string) =>
    (await db.getRepository(CaseEventEntity).find({ where: { streamId: caseId }, order: { seq: 'ASC' } })).map((e) => e.type);

  it('a notice objection, a missed then supplied deficiency, and a return for revision, then on to departure', async () => {
    const input = caseInput({ workingDaySeconds: 1 });
    const handle = await start(input);
    const unit = input.facts.unit;
    const base = () => ({ requestId: randomUUID() });

    // Objection during the public notice opens A14 for the unit leader.
    await fast(input, handle, awaitingStep('A13'));
    await handle.executeUpdate(objectionUpdate, {
      args: [{ ...base(), actor: actor('fao-clerk', 'fao'), objection: '有群众反映出访必要性不足' }],
    });
    let p = await handle.query(progressQuery);
    expect(step(p, 'A14').status).toBe('pending');
    expect(p.objections).toHaveLength(1);

    // Intake accepts with a missing document needed by B05; nobody supplies it in time.
    p = await fast(input, handle, awaitingStep('B02'), (k) => k === 'B05');
    await handle.executeUpdate(decideStepUpdate, {
      args: [
        {
          ...base(),
          actor: actor('fao-clerk', 'fao'),
          stepKey: 'B02',
          decision: 'accept-with-deficiencies',
          missingDocuments: [{ id: 'budget-sheet', name: '经费预算表', neededBy: 'B05' }],
        },
      ],
    });
    p = await eventually(
      () => handle.query(progressQuery),
      (q) => q.deficiencies[0]?.status === 'overdue' && step(q, 'B05')?.status === 'blocked',
      20_000,
    );
    expect(step(p, 'B05').blockedReason?.zh).toContain('经费预算表');
    await supplyWithFile(handle, actor('organizer', unit), 'budget-sheet');
    p = await handle.query(progressQuery);
    expect(step(p, 'B05').status).toMatch(/awaiting|overdue/);
    expect(step(p, 'B03').status).toBe('done');

    // The reviewer sends the budget back: A09 and what had completed after it run again.
    await handle.executeUpdate(decideStepUpdate, {
      args: [
        { ...base(), actor: actor('fao-reviewer', 'fao'), stepKey: 'B05', decision: 'return', returnTo: 'A09', comment: '住宿标准超标' },
      ],
    });
    p = await handle.query(progressQuery);
    // Open again (overdue once its working day has passed: 1 s here, which a loaded machine can take before the query).
    expect(step(p, 'A09')).toMatchObject({ status: expect.stringMatching(/^(awaiting|overdue)$/), returns: 1 });
    expect(step(p, 'A10').status).toBe('returned');
    expect(step(p, 'A06').status).toBe('done');

    p = await fast(input, handle, (q) => q.status === 'departed');
    expect(step(p, 'A14').status).toBe('done');
    expect(step(p, 'A10').status).toBe('done');
    const types = await eventTypes(input.caseId);
    expect(types).toEqual(
      expect.arrayContaining([
        'notice.objection',
        'deficiency.raised',
        'deficiency.overdue',
        'step.blocked',
        'deficiency.supplied',
        'step.unblocked',
        'step.returned',
        'case.departed',
      ]),
    );
    await maybeRecord(handle, 'objection-deficiency-return');
    await handle.terminate('scenario done');
  });

  it('an amendment adding a member mid-flight gives them their steps and runs the approvals again', async () => {
    const input = caseInput({ workingDaySeconds: 1 });
    const handle = await start(input);
    await fast(input, handle, awaitingStep('B07'), (k) => k === 'B07');
    const members = [...input.facts.members, makeMember({ id: 'm2', name: '李四', passport: null })];
    const result = await handle.executeUpdate(amendUpdate, {
      args: [{ requestId: randomUUID(), actor: actor('organizer', input.facts.unit), changes: { members } }],
    });
    // A01 checks the trip against the plan again (2027.5) at once; once it has answered, the new member's first steps
    // open (their frequency check, their passport check) and A07 re-checks the trip.
    expect(result.opened).toEqual(['A01']);
    const opened = await eventually(
      () => handle.query(progressQuery),
      (q) => ['A07', 'A08:m2', 'C01:m2'].every((k) => step(q, k).status !== 'pending' && step(q, k).status !== 'returned'),
    );
    expect(step(opened, 'A01').status).toBe('done');
    const p = await fast(input, handle, (q) => q.status === 'departed');
    expect(step(p, 'C05:m2').status).toBe('done');
    expect(step(p, 'E06:m2').status).toBe('done');
    expect(await eventTypes(input.caseId)).toContain('case.amended');
    await maybeRecord(handle, 'amend-add-member');
    await handle.terminate('scenario done');
  });

  it('fourth trial: a member added after the passport was issued and the visa collected: the first member’s own work stands, the joint work runs again', async () => {
    const base = caseInput({ workingDaySeconds: 1 });
    // m1 with no passport: C02-C06 issue one before the amendment.
    const input: DelegationInput = { ...base, facts: { ...base.facts, members: [makeMember({ id: 'm1', passport: null })] } };
    const handle = await start(input);
    await fast(input, handle, (q) => step(q, 'D13:m1:US')?.status === 'done');
    const members = [...input.facts.members, ...ownPassports([makeMember({ id: 'm2', name: '李四' })])];
    await handle.executeUpdate(amendUpdate, {
      args: [{ requestId: randomUUID(), actor: actor('organizer', input.facts.unit), changes: { members } }],
    });
    const p = await handle.query(progressQuery);
    const own = ['C04:m1', 'C05:m1', 'C07:m1', 'D13:m1:US'];
    expect(own.map((k) => [k, step(p, k).status])).toEqual(own.map((k) => [k, 'done']));
    expect(['B08', 'D12:US'].map((k) => step(p, k).status)).not.toContain('done');
    const departed = await fast(input, handle, (q) => q.status === 'departed');
    expect(['C07:m2', 'D13:m2:US', 'D12:US'].map((k) => step(departed, k).status)).toEqual(['done', 'done', 'done']);
    // The passport was issued once: one completion of C05:m1 in the event store.
    const completions = await db.query(
      `SELECT count(*)::int AS n FROM case_events WHERE stream_id = $1 AND type = 'step.completed' AND payload->>'key' = 'C05:m1'`,
      [input.caseId],
    );
    expect(completions).toEqual([{ n: 1 }]);
    await handle.terminate('scenario done');
  });

  it('issue 11 item 1: a member added while B05 awaits reopens A15 and what follows; B05 is refused until their reviews are done', async () => {
    const input = caseInput({ workingDaySeconds: 1 });
    const handle = await start(input);
    const unit = input.facts.unit;
    await fast(input, handle, awaitingStep('B05'), (k) => k === 'B05');
    const members = [...input.facts.members, ...ownPassports([makeMember({ id: 'm2', name: '李四', classifiedAccess: true })])];
    await handle.executeUpdate(amendUpdate, { args: [{ requestId: randomUUID(), actor: actor('organizer', unit), changes: { members } }] });
    const p = await handle.query(progressQuery);
    expect(['A15', 'B02', 'B05'].map((k) => step(p, k).status)).toEqual(['returned', 'returned', 'returned']);
    expect(['A11:m2', 'A12:m2'].map((k) => step(p, k).status)).not.toContain('done');
    // Approving B05 (then B06, B07) as the input did: refused, nothing issued.
    await expect(
      handle.executeUpdate(decideStepUpdate, {
        args: [{ requestId: randomUUID(), actor: actor('fao-reviewer', unit), stepKey: 'B05', decision: 'approve' }],
      }),
    ).rejects.toMatchObject({ cause: { type: 'STEP_NOT_AWAITING' } });
    const departed = await fast(input, handle, (q) => q.status === 'departed');
    const doneAt = (k: string) => Date.parse(step(departed, k).doneAt!);
    expect(doneAt('A15')).toBeGreaterThanOrEqual(Math.max(doneAt('A11:m2'), doneAt('A12:m2')));
    expect(doneAt('B08')).toBeGreaterThan(doneAt('A15'));
    expect(await eventTypes(input.caseId)).toContain('step.returned');
    await handle.terminate('scenario done');
  });

  it('issue 11 item 2: a passport amended to expire too early after C01 passed reruns C01 and unskips C02/C03; C04 waits for them', async () => {
    const input = caseInput({ workingDaySeconds: 1 });
    const handle = await start(input);
    const unit = input.facts.unit;
    await fast(input, handle, (q) => step(q, 'C01:m1')?.status === 'done');
    const before = await handle.query(progressQuery);
    expect([step(before, 'C02:m1').status, step(before, 'C03:m1').status]).toEqual(['skipped', 'skipped']);
    const m1 = input.facts.members[0]!;
    // Return 2026-05-15: valid to 2026-08-01 is less than the 6 months past return the passport must hold.
    const members = [{ ...m1, passport: { ...m1.passport!, expiresOn: '2026-08-01' } }];
    await handle.executeUpdate(amendUpdate, { args: [{ requestId: randomUUID(), actor: actor('organizer', unit), changes: { members } }] });
    const p = await handle.query(progressQuery);
    expect(step(p, 'C01:m1').status).toBe('awaiting');
    expect([step(p, 'C02:m1').status, step(p, 'C03:m1').status]).toEqual(['returned', 'returned']);
    expect(['awaiting', 'overdue', 'done', 'skipped']).not.toContain(step(p, 'C04:m1').status);
    const departed = await fast(input, handle, (q) => q.status === 'departed');
    for (const k of ['C02:m1', 'C03:m1', 'C04:m1', 'C05:m1']) expect(step(departed, k).status).toBe('done');
    const doneAt = (k: string) => Date.parse(step(departed, k).doneAt!);
    expect(doneAt('C04:m1')).toBeGreaterThan(Math.max(doneAt('C02:m1'), doneAt('C03:m1')));
    await handle.terminate('scenario done');
  });

  it('issue 11 item 3: 容缺 holds B08 until the document arrives; overdue tells the organizer and the FAO clerk, who may extend once', async () => {
    const input = caseInput({ workingDaySeconds: 1 });
    const handle = await start(input);
    const unit = input.facts.unit;
    const clerk = actor('fao-clerk', 'fao');
    await fast(input, handle, awaitingStep('B02'), (k) => k === 'B02');
    await handle.executeUpdate(decideStepUpdate, {
      args: [
        {
          requestId: randomUUID(),
          actor: clerk,
          stepKey: 'B02',
          decision: 'accept-with-deficiencies',
          missingDocuments: [{ id: 'inv-tr', name: '邀请函译文', neededBy: 'B05' }],
        },
      ],
    });
    // B05, B06, B07 approved as they open, inside the 2-WD window and after it; B03 (collects the documents) left alone.
    await fast(
      input,
      handle,
      (q) => step(q, 'B07').status === 'done',
      (k) => k === 'B03',
    );
    const held = await eventually(
      () => handle.query(progressQuery),
      (q) => q.deficiencies[0]?.status === 'overdue',
      20_000,
    );
    expect(step(held, 'B08').status).toBe('pending');
    expect(held.approvalDocumentNo).toBeUndefined();
    expect(held.deficiencies[0]).toMatchObject({ extensions: 0, extensionsLeft: 1 });
    const told = await eventually(
      () => db.getRepository(NotificationEntity).find({ where: { caseId: input.caseId, kind: 'deficiency-overdue' } }),
      (rows) => rows.length >= 2,
      20_000,
    );
    expect(told.map((n) => n.role).sort()).toEqual(['fao-clerk', 'organizer']);
    const extend = (by: typeof clerk) =>
      handle.executeUpdate(extendDeficiencyUpdate, {
        args: [{ requestId: randomUUID(), actor: by, documentId: 'inv-tr', reason: '译文公证中' }],
      });
    await expect(extend(actor('organizer', unit))).rejects.toMatchObject({ cause: { type: 'WRONG_ROLE' } });
    await extend(clerk);
    expect((await handle.query(progressQuery)).deficiencies[0]).toMatchObject({ status: 'missing', extensions: 1, extensionsLeft: 0 });
    await expect(extend(clerk)).rejects.toMatchObject({ cause: { type: 'ACTION_NOT_ALLOWED' } });
    await supplyWithFile(handle, actor('organizer', unit), 'inv-tr');
    const issued = await eventually(
      () => handle.query(progressQuery),
      (q) => step(q, 'B08').status === 'done',
      20_000,
    );
    expect(issued.approvalDocumentNo).toBeTruthy();
    expect(Date.parse(step(issued, 'B08').doneAt!)).toBeGreaterThanOrEqual(Date.parse(step(issued, 'B03').doneAt!));
    expect(await eventTypes(input.caseId)).toEqual(
      expect.arrayContaining(['deficiency.overdue', 'deficiency.extended', 'deficiency.supplied']),
    );
    await handle.terminate('scenario done');
  });

  it('a visa refused for one member withdraws them and the case departs without them', async () => {
    const input = caseInput({
      workingDaySeconds: 1,
      facts: { members: [makeMember({ id: 'm1' }), makeMember({ id: 'm2', name: '李四' })] },
    });
    const handle = await start(input);
    await fast(input, handle, awaitingStep('D12:US'), (k) => k === 'D12:US');
    await handle.executeUpdate(completeStepUpdate, {
      args: [
        { requestId: randomUUID(), actor: actor('visa-officer', 'fao'), stepKey: 'D12:US', data: { outcome: 'refused', members: ['m2'] } },
      ],
    });
    const p = await fast(input, handle, (q) => q.status === 'departed');
    expect(p.withdrawnMembers).toEqual([{ memberId: 'm2', reason: 'visa-refused:US' }]);
    expect(step(p, 'D13:m2:US').status).toBe('withdrawn');
    const row = await db.getRepository(CaseEntity).findOneByOrFail({ caseId: input.caseId });
    expect(row).toMatchObject({ memberCount: 1, status: 'departed' });
    // Issue 11 item 6: a departed case (P01 awaiting) can no longer be withdrawn or cancelled; the post-trip duties stay live.
    const refusal = (update: typeof withdrawUpdate, by: ReturnType<typeof actor>) =>
      handle.executeUpdate(update, { args: [{ requestId: randomUUID(), actor: by, reason: '行程取消' }] }).then(
        () => 'accepted',
        (err: { cause?: { type?: string } }) => err.cause?.type,
      );
    expect(await refusal(withdrawUpdate, actor('organizer', input.facts.unit))).toBe('ACTION_NOT_ALLOWED');
    expect(await refusal(cancelUpdate, actor('fao-director', 'fao'))).toBe('ACTION_NOT_ALLOWED');
    const after = await handle.query(progressQuery);
    expect(after.status).toBe('departed');
    expect(['awaiting', 'overdue']).toContain(step(after, 'P01').status);
    await maybeRecord(handle, 'visa-refused');
    await handle.terminate('scenario done');
  });

  it('a rejection at an approval ends the case with outcome rejected', async () => {
    const input = caseInput({ workingDaySeconds: 1 });
    const handle = await start(input);
    await fast(input, handle, awaitingStep('A10'), (k) => k === 'A10');
    await handle.executeUpdate(decideStepUpdate, {
      args: [
        { requestId: randomUUID(), actor: actor('finance', input.facts.unit), stepKey: 'A10', decision: 'reject', comment: '无年度预算' },
      ],
    });
    expect(await handle.result()).toMatchObject({ status: 'rejected' });
    await maybeRecord(handle, 'rejected');
  });

  it('loses nothing when the worker is killed in the middle of a case and another takes over', async () => {
    const input = caseInput({ workingDaySeconds: 1 });
    const handle = await start(input);
    await fast(input, handle, awaitingStep('B02'));
    // Another worker process on the same task queue picks the case up after this one dies.
    await worker.stop();
    worker = await startTestWorker({ taskQueue: worker.config.taskQueue });
    db = worker.app.get(DataSource);
    const p = await fast(input, worker.client.workflow.getHandle(handle.workflowId), (q) => q.status === 'departed');
    expect(step(p, 'B02').status).toBe('done');
    const events = await db.getRepository(CaseEventEntity).find({ where: { streamId: input.caseId }, order: { seq: 'ASC' } });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    await worker.client.workflow.getHandle(handle.workflowId).terminate('scenario done');
  });

  it('refuses E07 "departure confirmed" long before the departure date, and an amendment moving the departure into the past (issue 11 item 5)', async () => {
    const base = caseInput({ workingDaySeconds: 1 });
    const departureDate = '2026-07-06';
    const destinations = [{ ...base.facts.destinations[0]!, arrive: departureDate, leave: addDays(departureDate, 3) }];
    const input = { ...base, facts: { ...base.facts, departureDate, returnDate: addDays(departureDate, 3), destinations } };
    const handle = await start(input);
    const ready = await fast(input, handle, awaitingStep('E07'));
    const today = shanghaiDate(Date.parse(ready.now));
    expect(dayNumber(departureDate) - dayNumber(today)).toBeGreaterThanOrEqual(97);
    const refusal = async (promise: Promise<unknown>) => {
      const err = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
      return {
        type: cause.type,
        details: cause.details?.[0] as {
          code: string;
          stepKey?: string;
          message: { zh: string; en: string };
          violations?: Array<{ code: string; field?: string }>;
        },
      };
    };
    const early = await refusal(
      handle.executeUpdate(completeStepUpdate, {
        args: [{ requestId: randomUUID(), actor: actor('organizer', input.facts.unit), stepKey: 'E07' }],
      }),
    );
    expect(early.type).toBe('NOT_BEFORE_DATE');
    expect(early.details).toMatchObject({
      code: 'NOT_BEFORE_DATE',
      stepKey: 'E07',
      message: { zh: expect.stringContaining(departureDate), en: expect.stringContaining(`before ${departureDate}`) },
    });
    // A departure moved into the past is refused like a submission with that date.
    const past = '2026-03-02';
    const amend = await refusal(
      handle.executeUpdate(amendUpdate, {
        args: [
          {
            requestId: randomUUID(),
            actor: actor('organizer', input.facts.unit),
            changes: {
              departureDate: past,
              returnDate: addDays(past, 3),
              destinations: [{ ...destinations[0]!, arrive: past, leave: addDays(past, 3) }],
            },
          },
        ],
      }),
    );
    expect(amend.type).toBe('RULE_VIOLATION');
    expect(amend.details.violations).toEqual([expect.objectContaining({ code: 'DEPARTURE_NOT_FUTURE', field: 'departureDate' })]);
    const after = await handle.query(progressQuery);
    expect(after.status).toBe('open');
    expect(after.facts.departureDate).toBe(departureDate);
    expect(step(after, 'E07').status).toMatch(/awaiting|overdue/);
    expect(await eventTypes(input.caseId)).not.toContain('case.departed');
  });

  it('a 6-member, 3-country case runs to completion, post-trip included, in well under 10,000 history events', async () => {
    const members = ownPassports(
      Array.from({ length: 6 }, (_, i) =>
        makeMember({ id: `m${i + 1}`, name: `成员${i + 1}`, partyMember: i < 3, ...(i % 2 ? { passport: null } : {}) }),
      ),
    );
    const base = caseInput({ workingDaySeconds: 1 });
    // Two weeks after the canonical trip's departure: half the members need a new passport (C02-C06, 20.5 WD), and 245
    // instances take the driver longer; a case still preparing after its departure date is refused (DEPARTURE_PASSED).
    const d = addDays(base.facts.departureDate, 14);
    const destinations = [
      { country: 'US', city: 'New York', arrive: d, leave: addDays(d, 2), inviter: { name: 'A', organization: 'NY Chamber' } },
      {
        country: 'CA',
        city: 'Toronto',
        arrive: addDays(d, 2),
        leave: addDays(d, 4),
        inviter: { name: 'B', organization: 'Toronto Board of Trade' },
      },
      { country: 'MX', city: 'Mexico City', arrive: addDays(d, 4), leave: addDays(d, 7), inviter: { name: 'C', organization: 'CANACO' } },
    ];
    const input = {
      ...base,
      facts: {
        ...base.facts,
        members,
        destinations,
        departureDate: d,
        returnDate: addDays(d, 7),
      },
    };
    const handle = await start(input);
    // Five minutes, not the drive's 150 s: on a loaded CI machine this case's long history makes each workflow task
    // slow, the driver falls behind the case's clock (a working day a second) and redates the trip (a CI run timed out).
    await fast(input, handle, (q) => q.status === 'completed', undefined, 300_000);
    expect(await handle.result()).toMatchObject({ status: 'completed' });
    const history = await handle.fetchHistory();
    const count = history.events!.length;
    console.log(`6 members x 3 countries: ${count} history events to completion`);
    expect(count).toBeLessThan(10_000);
    await maybeRecord(handle, 'six-members-three-countries');
  }, 360_000);
});
