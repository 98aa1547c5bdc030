import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { DataSource } from 'typeorm';
import { DEFAULT_DEFINITION, DEFINITION_2026_1, makeMember } from '@df/domain';
import {
  completeStepUpdate,
  decideStepUpdate,
  delegationWorkflowId,
  objectionUpdate,
  progressQuery,
  requiredTaskData,
  withdrawUpdate,
  type Actor,
  type CaseEventRecord,
  type DelegationInput,
  type DelegationProgress,
  type StepProgress,
} from '@df/contracts';
import { temporalDataConverter } from '@df/runtime';
import { CaseEventEntity, EventStore, rebuildReadModels, verifyReadModels, type NewCaseEvent } from '@df/persistence';
import { CaseEventActivitiesService } from '../../apps/worker/src/activities/case-events.activities';
import { runProjectionsCommand } from '../../apps/projections/command';
import { CaseMembers1796142302631 } from '../../libs/persistence/src/migrations/1796142302631-CaseMembers';
import { CaseMembersPassport1796172000000 } from '../../libs/persistence/src/migrations/1796172000000-CaseMembersPassport';
import { CaseMembersNewPassport1796255724244 } from '../../libs/persistence/src/migrations/1796255724244-CaseMembersNewPassport';
import { CaseMembersIssued1796280255150 } from '../../libs/persistence/src/migrations/1796280255150-CaseMembersIssued';
import { CaseStepsBlockedReason1796554717741 } from '../../libs/persistence/src/migrations/1796554717741-CaseStepsBlockedReason';
import { caseStream } from '../support/event-factories';
import { drive, supplyWithFile } from '../support/drive';
import { actor, caseInput } from '../support/factories';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import { createTestDatabase, type TestDatabase } from '../support/database';

const ROOT = join(__dirname, '..', '..');
const OUTCOMES = { investmentSignedYuan: 120_000_000, tradeSignedYuan: 350_000_000.5, promotionEvents: 3 };

/** `npm run projections:rebuild` as a child process (the TypeScript source, through the tests' transform). */
function projectionsCommand(args: string[], databaseUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'test/support/run-ts.js'), join(ROOT, 'apps/projections/main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, NODE_NO_WARNINGS: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Approves approvals and completes tasks as the responsible role; the trip report carries outcomes, A14/D11 their written outcome. */
const act = (handle: WorkflowHandle, step: StepProgress, by: Actor) => {
  const base = { requestId: randomUUID(), actor: by };
  if (step.kind === 'approval')
    // With a comment, as a reviewer writes one: B05 approves a trip outside the annual plan (no plan on file) with the reason.
    return handle.executeUpdate(decideStepUpdate, {
      args: [{ ...base, stepKey: step.key, decision: 'approve', comment: `${step.code} 同意：单位已书面说明` }],
    });
  const data = step.code === 'P03' ? { ...requiredTaskData('P03'), outcomes: OUTCOMES } : requiredTaskData(step.code);
  return handle.executeUpdate(completeStepUpdate, {
    args: [{ ...base, stepKey: step.key, ...(data ? { data } : {}) }],
  });
};

describe('the event store and its read models on real PostgreSQL and Temporal (a database of its own)', () => {
  let db: TestDatabase;
  let worker: TestWorker;
  let ds: DataSource;
  const cases: Array<{ caseId: string; lastSeq: number }> = [];

  beforeAll(async () => {
    db = await createTestDatabase('events');
    worker = await startTestWorker({ databaseUrl: db.url });
    ds = worker.app.get(DataSource);
  });
  afterAll(async () => {
    await worker?.stop();
    await db?.drop();
  });

  const start = (input: DelegationInput) =>
    worker.client.workflow.start('delegation', {
      taskQueue: worker.config.taskQueue,
      workflowId: delegationWorkflowId(input.caseId),
      args: [input],
    });
  const run = (
    input: DelegationInput,
    handle: WorkflowHandle,
    until: (p: DelegationProgress) => boolean,
    skip?: (key: string) => boolean,
  ) => drive(handle, input.facts.unit, { onSchedule: false, until, act, ...(skip ? { skip: (s) => skip(s.key) } : {}) });
  const awaiting = (key: string) => (p: DelegationProgress) =>
    ['awaiting', 'overdue'].includes(p.steps.find((s) => s.key === key)?.status ?? '');
  const streamOf = (caseId: string) => ds.getRepository(CaseEventEntity).find({ where: { streamId: caseId }, order: { seq: 'ASC' } });
  const recordOf = (e: CaseEventEntity): NewCaseEvent => ({ ...e, occurredAt: e.occurredAt.toISOString() });

  /** Sequence 1..n with n the workflow's last sequence number, every event id once. */
  async function expectGapFreeOnce(caseId: string, lastSeq: number): Promise<CaseEventEntity[]> {
    const events = await streamOf(caseId);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    cases.push({ caseId, lastSeq });
    return events;
  }

  it('appends each case gap-free and exactly once while the append activity fails after its commit and is retried', async () => {
    // Every third append commits, then the worker "loses" the result: Temporal retries the activity.
    const store = worker.app.get(EventStore);
    const original = store.append.bind(store);
    let calls = 0;
    let injected = 0;
    let retriedInserts = 0;
    const failedOnce = new Set<string>();
    store.append = async (events: NewCaseEvent[]) => {
      const inserted = await original(events);
      const batch = events[0]!.eventId;
      if (failedOnce.has(batch)) retriedInserts += inserted;
      else if (calls++ % 3 === 0) {
        failedOnce.add(batch);
        injected++;
        throw new Error('injected: the activity result was lost after the append committed');
      }
      return inserted;
    };
    try {
      const input = caseInput({ workingDaySeconds: 1 });
      const unit = input.facts.unit;
      const handle = await start(input);
      // A notice objection, intake with a missing document (supplied), and a return for revision.
      await run(input, handle, awaiting('A13'));
      await handle.executeUpdate(objectionUpdate, {
        args: [{ requestId: randomUUID(), actor: actor('fao-clerk', 'fao'), objection: '有群众反映出访必要性不足' }],
      });
      await run(input, handle, awaiting('B02'), (k) => k === 'B02');
      await handle.executeUpdate(decideStepUpdate, {
        args: [
          {
            requestId: randomUUID(),
            actor: actor('fao-clerk', 'fao'),
            stepKey: 'B02',
            decision: 'accept-with-deficiencies',
            missingDocuments: [{ id: 'budget-sheet', name: '经费预算表' }],
          },
        ],
      });
      await supplyWithFile(handle, actor('organizer', unit), 'budget-sheet');
      await run(input, handle, awaiting('B05'), (k) => k === 'B05');
      await handle.executeUpdate(decideStepUpdate, {
        args: [
          {
            requestId: randomUUID(),
            actor: actor('fao-reviewer', 'fao'),
            stepKey: 'B05',
            decision: 'return',
            returnTo: 'A09',
            comment: '住宿标准超标',
          },
        ],
      });
      // On to departure and through the post-trip obligations (the report with its outcomes).
      await run(input, handle, (p) => p.status === 'completed');
      const result = await handle.result();
      expect(result.status).toBe('completed');

      expect(injected).toBeGreaterThanOrEqual(5);
      expect(retriedInserts).toBe(0);
      const history = await handle.fetchHistory();
      const retried = history.events!.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
      expect(retried.length).toBe(injected);
      const events = await expectGapFreeOnce(input.caseId, result.lastSeq);
      expect(events.map((e) => e.type)).toEqual(
        expect.arrayContaining([
          'notice.objection',
          'deficiency.raised',
          'deficiency.supplied',
          'step.returned',
          'case.departed',
          'case.closed',
        ]),
      );
    } finally {
      delete (store as Partial<EventStore>).append;
    }
  });

  it('a stored batch appended again (the same event ids) inserts nothing; a different event at a taken sequence number is refused for good', async () => {
    const { caseId, lastSeq } = cases[0]!;
    const activities = worker.app.get(CaseEventActivitiesService);
    const stored = (await streamOf(caseId)).map(recordOf);
    expect(await activities.appendCaseEvents(stored)).toBe(0);
    expect(await activities.appendCaseEvents(stored.slice(10, 20))).toBe(0);
    const impostor: CaseEventRecord = { ...stored[4]!, eventId: randomUUID(), payload: { forged: true } };
    const refusal = await activities.appendCaseEvents([impostor]).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refusal).toBeInstanceOf(ApplicationFailure);
    expect(refusal).toMatchObject({ type: 'EVENT_STORE_REJECTED', nonRetryable: true });
    // In a batch (one multi-row INSERT) too: stored events before it change nothing, the impostor is refused by its seq.
    const inBatch = await activities.appendCaseEvents([...stored.slice(0, 3), impostor]).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(inBatch).toMatchObject({ type: 'EVENT_STORE_REJECTED', nonRetryable: true });
    expect(String((inBatch as Error).message)).toContain(`seq ${impostor.seq}`);
    await expectGapFreeOnce(caseId, lastSeq);
    cases.pop();
  });

  it('loses and duplicates nothing when the worker is killed mid-case and another takes over', async () => {
    // Two members; the visa is refused for the second (member.withdrawn); A02 left overdue first (a notification).
    const input = caseInput({
      workingDaySeconds: 1,
      facts: { members: [makeMember({ id: 'm1' }), makeMember({ id: 'm2', name: '李四' })] },
    });
    const handle = await start(input);
    await eventually(
      () => handle.query(progressQuery),
      (p) => p.steps.find((s) => s.key === 'A02')?.status === 'overdue',
      20_000,
    );
    await run(input, handle, awaiting('B02'));
    await worker.stop();
    worker = await startTestWorker({ taskQueue: worker.config.taskQueue, databaseUrl: db.url });
    ds = worker.app.get(DataSource);
    const moved = worker.client.workflow.getHandle(handle.workflowId);
    await run(input, moved, awaiting('D12:US'), (k) => k === 'D12:US');
    await moved.executeUpdate(completeStepUpdate, {
      args: [
        { requestId: randomUUID(), actor: actor('visa-officer', 'fao'), stepKey: 'D12:US', data: { outcome: 'refused', members: ['m2'] } },
      ],
    });
    await run(input, moved, (q) => q.status === 'completed');
    const result = await moved.result();
    await expectGapFreeOnce(input.caseId, result.lastSeq);
    // What both workers recorded replays: a query answered by the new worker once recorded a timer at a stale clock
    // (workflows/stale-activation.ts), and the case could not be replayed again.
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: process.env.DF_WORKFLOW_BUNDLE! }, dataConverter: temporalDataConverter(worker.config) },
      await moved.fetchHistory(),
      moved.workflowId,
    );
    const trips: Array<{ member_id: string }> = await ds.query('SELECT member_id FROM member_trips WHERE case_id = $1', [input.caseId]);
    expect(trips.map((t) => t.member_id)).toEqual(['m1']);
    const notes: Array<{ kind: string; step_key: string; role: string }> = await ds.query(
      'SELECT kind, step_key, role FROM notifications WHERE case_id = $1',
      [input.caseId],
    );
    expect(notes).toContainEqual({ kind: 'step-overdue', step_key: 'A02', role: 'organizer' });

    // And one withdrawn while a step is overdue: nothing of it counts as overdue any more, nor is owed.
    const withdrawn = caseInput({ workingDaySeconds: 1 });
    const wh = await start(withdrawn);
    await eventually(
      () => wh.query(progressQuery),
      (q) => q.steps.find((s) => s.key === 'A02')?.status === 'overdue',
      20_000,
    );
    await wh.executeUpdate(withdrawUpdate, {
      args: [{ requestId: randomUUID(), actor: actor('organizer', withdrawn.facts.unit), reason: '计划取消' }],
    });
    const closed = await wh.result();
    await expectGapFreeOnce(withdrawn.caseId, closed.lastSeq);
    const [a02] = (await ds.query(`SELECT status, overdue_since FROM case_steps WHERE case_id = $1 AND step_key = 'A02'`, [
      withdrawn.caseId,
    ])) as Array<{ status: string; overdue_since: Date | null }>;
    // A closed case owes nothing: the step left undone is withdrawn (no longer needed), no longer overdue.
    expect(a02).toEqual({ status: 'withdrawn', overdue_since: null });
  });

  it('a case pinned to definition 2026.1 runs the four post-trip steps it ran then, beside cases of the current version', async () => {
    const input: DelegationInput = { ...caseInput({ workingDaySeconds: 1 }), definition: DEFINITION_2026_1 };
    const handle = await start(input);
    await run(input, handle, (p) => p.status === 'completed');
    const result = await handle.result();
    expect(result.status).toBe('completed');
    const p = await handle.query(progressQuery);
    expect(p.definitionVersion).toBe('2026.1');
    expect(p.steps.filter((s) => s.phase === 'post-trip').map((s) => [s.code, s.name.en])).toEqual([
      ['P01', 'Return registration'],
      ['P02', 'Passport back in custody (within 7 days)'],
      ['P03', 'Trip report (within 15 working days)'],
      ['P04', 'Public disclosure of results (within 1 month)'],
    ]);
    await expectGapFreeOnce(input.caseId, result.lastSeq);
    const versions = (await ds.query('SELECT definition_version, count(*)::int AS n FROM cases GROUP BY 1 ORDER BY 1')) as Array<{
      definition_version: string;
      n: number;
    }>;
    expect(versions.map((v) => v.definition_version)).toEqual(['2026.1', DEFAULT_DEFINITION.version]);
  });

  it('a rebuild from the event store equals the live read models (cases of both definition versions): in process, through the command, and as a child process', async () => {
    expect(cases).toHaveLength(4);
    const report = await verifyReadModels(ds);
    expect(report.differences).toEqual([]);
    expect(report).toMatchObject({ mode: 'verify', streams: 4, differenceCount: 0 });
    expect(report.events).toBe(cases.reduce((n, c) => n + c.lastSeq, 0));
    expect(report.rows.cases).toBe(4);
    expect(report.rows.notifications).toBeGreaterThanOrEqual(2);
    expect(report.rows.member_trips).toBe(3);
    const [outcomes] = (await ds.query(
      'SELECT investment_signed_yuan, trade_signed_yuan, promotion_events, report_filed_at FROM cases WHERE case_id = $1',
      [cases[0]!.caseId],
    )) as Array<Record<string, unknown>>;
    expect(outcomes).toMatchObject({
      investment_signed_yuan: '120000000.00',
      trade_signed_yuan: '350000000.50',
      promotion_events: 3,
      report_filed_at: expect.any(Date),
    });

    const lines: string[] = [];
    const code = await runProjectionsCommand(
      ['--verify'],
      { DATABASE_URL: db.url },
      { log: (l) => lines.push(l), error: (l) => lines.push(l) },
    );
    expect({ code, lines }).toEqual({
      code: 0,
      lines: [expect.stringMatching(/^projections: verified 4 streams .*: the read models equal the event store$/)],
    });

    // Replacing the read models by a fresh fold changes no row.
    const snapshot = async () => {
      const out: Record<string, unknown[]> = {};
      for (const [table, order] of [
        ['cases', 'case_id'],
        ['case_steps', 'case_id, step_key'],
        ['notifications', 'id'],
        ['member_trips', 'case_id, member_id'],
        ['case_members', 'case_id, member_id, person_key'],
      ] as const) {
        out[table] = await ds.query(`SELECT * FROM ${table} ORDER BY ${order}`);
      }
      return out;
    };
    const before = await snapshot();
    // The files of the four cases: the one the 容缺 document was supplied as (supplyWithFile) and the documents A03 and A05
    // were done with (2027.10: attachMissing), one event each.
    const [{ files }] = (await ds.query(
      `SELECT count(*)::int AS files FROM case_events WHERE type = 'attachment.added' AND stream_id = ANY($1)`,
      [cases.map((c) => c.caseId)],
    )) as Array<{ files: number }>;
    expect(files).toBeGreaterThan(1);
    const rebuilt = await projectionsCommand([], db.url);
    expect({ code: rebuilt.code, stderr: rebuilt.stderr }).toEqual({ code: 0, stderr: '' });
    expect(rebuilt.stdout).toMatch(
      new RegExp(
        `^projections: rebuilt from \\d+ events in 4 streams in \\d+ ms: cases 4, case_steps \\d+, notifications \\d+, member_trips 3, case_members \\d+, case_attachments ${files}\\n$`,
      ),
    );
    expect(await snapshot()).toEqual(before);
    expect(before.case_members!.length).toBeGreaterThanOrEqual(4);
    // The migrations' backfill of case_members gives the rows the fold gives (the passport keys: openCaseKeys).
    await ds.query('DROP TABLE case_members');
    const runner = ds.createQueryRunner();
    await new CaseMembers1796142302631().up(runner);
    await new CaseMembersPassport1796172000000().up(runner);
    await new CaseMembersNewPassport1796255724244().up(runner);
    await new CaseMembersIssued1796280255150().up(runner);
    await runner.release();
    expect(await snapshot()).toEqual(before);
    const verified = await projectionsCommand(['--verify'], db.url);
    expect({ code: verified.code, stderr: verified.stderr }).toEqual({ code: 0, stderr: '' });
    expect(verified.stdout).toContain('the read models equal the event store');
  });

  it('--verify prints every difference of a tampered read model (table, key, column, live and rebuilt) and exits 1; a rebuild repairs it', async () => {
    const [first, second] = cases;
    const [note] = (await ds.query('SELECT id FROM notifications WHERE case_id = $1', [second!.caseId])) as Array<{ id: string }>;
    await ds.query(`UPDATE case_steps SET status = 'awaiting', working_days = NULL WHERE case_id = $1 AND step_key = 'B07'`, [
      first!.caseId,
    ]);
    await ds.query('UPDATE cases SET slack_wd = 99.5 WHERE case_id = $1', [second!.caseId]);
    await ds.query('DELETE FROM notifications WHERE id = $1', [note!.id]);
    // A row written around the event store: a copy of a case under an id no stream has.
    await ds.query(
      `INSERT INTO cases SELECT (jsonb_populate_record(c, '{"case_id": "forged-case"}')).* FROM cases c WHERE c.case_id = $1`,
      [first!.caseId],
    );
    // The board's counts off by two for a key no case has.
    await ds.query(
      `INSERT INTO case_counts (unit, status, phase, definition_version, n) VALUES ('forged-unit', 'open', 'review', 'v1', 2)`,
    );
    const [live] = (await ds.query('SELECT slack_wd FROM cases WHERE case_id = $1', [second!.caseId])) as Array<{ slack_wd: number }>;
    expect(live!.slack_wd).toBe(99.5);

    const out = await projectionsCommand(['--verify'], db.url);
    expect(out.code).toBe(1);
    const diffs = out.stdout.split('\n').filter((l) => l.startsWith('DIFF '));
    expect(diffs).toHaveLength(6);
    expect(diffs).toEqual(
      expect.arrayContaining([
        `DIFF case_steps case_id=${first!.caseId} step_key=B07 status: live "awaiting" ≠ rebuilt "done"`,
        expect.stringMatching(
          new RegExp(`^DIFF case_steps case_id=${first!.caseId} step_key=B07 working_days: live null ≠ rebuilt \\d+(\\.\\d+)?$`),
        ),
        expect.stringMatching(new RegExp(`^DIFF cases case_id=${second!.caseId} slack_wd: live 99.5 ≠ rebuilt -?\\d+(\\.\\d+)?$`)),
        `DIFF notifications id=${note!.id}: missing from the live table (the events give this row)`,
        'DIFF cases case_id=forged-case: in the live table but not derivable from the events',
        'DIFF case_counts unit=forged-unit status=open phase=review definition_version=v1 n: live 2 ≠ rebuilt 0',
      ]),
    );
    expect(out.stdout).toMatch(/: 6 difference\(s\)\n$/);

    const repaired = await rebuildReadModels(ds);
    expect(repaired.rows.cases).toBe(4);
    expect((await verifyReadModels(ds)).differenceCount).toBe(0);
    expect(await ds.query(`SELECT count(*)::int AS n FROM cases WHERE case_id = 'forged-case'`)).toEqual([{ n: 0 }]);
  });

  it("a blocked step's reason: projected from step.blocked, cleared by step.unblocked, and backfilled by its migration", async () => {
    const store = worker.app.get(EventStore);
    const stream = caseStream({
      unit: 'blocked-unit',
      submittedAt: Date.now() - 10 * 86_400_000,
      departureDate: '2027-09-01',
      done: [],
      open: [
        { key: 'B05', code: 'B05', phase: 'review', actorRole: 'fao-reviewer', kind: 'approval' },
        { key: 'B04', code: 'B04', phase: 'review', actorRole: 'fao-reviewer', kind: 'approval' },
      ],
    });
    const caseId = stream[0]!.streamId;
    const reason = { zh: '缺件逾期未补：“邀请函译文”（invitation-translation）', en: 'Missing documents past their deadline: x' };
    const at = stream.at(-1)!.occurredAt;
    await store.append(stream);
    let seq = stream.length;
    const append = (type: string, payload: Record<string, unknown>) =>
      store.append([
        {
          streamId: caseId,
          seq: ++seq,
          eventId: randomUUID(),
          type,
          actorId: null,
          actorRole: 'system',
          onBehalfOf: null,
          occurredAt: at,
          payload,
        },
      ]);
    await append('step.blocked', { key: 'B05', code: 'B05', reason });
    await append('step.blocked', { key: 'B04', code: 'B04', reason });
    await append('step.unblocked', { key: 'B04', code: 'B04' });
    const rows = () =>
      ds.query('SELECT step_key, status, blocked_reason FROM case_steps WHERE case_id = $1 ORDER BY step_key', [caseId]) as Promise<
        Array<{ step_key: string; status: string; blocked_reason: unknown }>
      >;
    const live = await rows();
    expect(live).toEqual([
      { step_key: 'B04', status: 'awaiting', blocked_reason: null },
      { step_key: 'B05', status: 'blocked', blocked_reason: reason },
    ]);
    // A database migrated from before the column: the blocked row gets its last step.blocked's reason, the rest none.
    const runner = ds.createQueryRunner();
    await runner.query('ALTER TABLE case_steps DROP COLUMN blocked_reason');
    await new CaseStepsBlockedReason1796554717741().up(runner);
    await runner.release();
    expect(await rows()).toEqual(live);
  });
});
