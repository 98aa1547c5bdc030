import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { completeStepSignal, completeStepUpdate, progressQuery, SearchAttributes, type DelegationInput } from '@df/contracts';
import { CaseEventEntity, IncidentsRepository } from '@df/persistence';
import { runAdmin } from '../../apps/admin/main';
import { startAtA02 } from '../support/drive';
import { actor, caseInput } from '../support/factories';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';

/**
 * Issue 12 item 2: a failure that retrying cannot fix becomes an incident on the case, not an endless retry.
 * The permanent failure here is one an operator can cause and fix: a trigger on case_events refusing one
 * marker comment with SQLSTATE 23514 (check_violation), as a constraint added by a migration would.
 */
describe('incidents: the event store refuses a case event for good (issue 12 item 2)', () => {
  let worker: TestWorker;
  let db: DataSource;
  const marker = `INCIDENT-PROBE-${randomUUID()}`;
  const fn = `df_refuse_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

  beforeAll(async () => {
    worker = await startTestWorker();
    db = worker.app.get(DataSource);
    await db.query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.payload->>'comment' = '${marker}' THEN
          RAISE EXCEPTION 'comment refused by the office''s new rule' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`CREATE TRIGGER ${fn} BEFORE INSERT ON case_events FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
  });
  afterAll(async () => {
    await db?.query(`DROP TRIGGER IF EXISTS ${fn} ON case_events`).catch(() => undefined);
    await db?.query(`DROP FUNCTION IF EXISTS ${fn}()`).catch(() => undefined);
    await worker?.stop();
  });

  it('opens an incident (API progress, read model, search attribute), refuses actions, and an operator retry resolves it once the cause is fixed', async () => {
    const input: DelegationInput = caseInput({ workingDaySeconds: 1 });
    const unit = input.facts.unit;
    const handle = await startAtA02(worker, input);
    // A signal: the sender does not wait for the append (an Update would wait for its events to be stored).
    await handle.signal(completeStepSignal, { requestId: randomUUID(), actor: actor('organizer', unit), stepKey: 'A02', comment: marker });
    const stopped = await eventually(
      () => handle.query(progressQuery),
      (p) => !!p.incident,
      20_000,
    );
    expect(stopped.incident).toMatchObject({ activity: 'appendCaseEvents', errorType: 'EVENT_STORE_REJECTED' });
    expect(stopped.incident!.stepKeys).toContain('A02');
    expect(stopped.incident!.error).toContain('23514');
    const incidents = new IncidentsRepository(db);
    expect(
      await eventually(
        () => incidents.list({ caseId: input.caseId }),
        (l) => l.length === 1,
        10_000,
      ),
    ).toEqual([expect.objectContaining({ incidentId: stopped.incident!.incidentId, resolvedAt: null })]);
    const attributes = await eventually(
      async () => (await handle.describe()).typedSearchAttributes.get(SearchAttributes.Incident),
      (v) => v === true,
      10_000,
    );
    expect(attributes).toBe(true);
    // Nothing was retried meanwhile (a permanent failure is not retried): one failed attempt, the case waits.
    expect(
      (await db.getRepository(CaseEventEntity).find({ where: { streamId: input.caseId } })).some(
        (e) => e.type === 'step.completed' && (e.payload as { key?: string }).key === 'A02',
      ),
    ).toBe(false);
    await expect(
      handle.executeUpdate(completeStepUpdate, { args: [{ requestId: randomUUID(), actor: actor('organizer', unit), stepKey: 'A05' }] }),
    ).rejects.toMatchObject({ cause: { type: 'CASE_INCIDENT' } });
    expect((await runAdmin(['incidents', 'list'], worker.config.databaseUrl)).join('\n')).toContain(input.caseId);

    // The operator fixes the cause (drops the rule) and retries: the events are stored once, the case goes on.
    await db.query(`DROP TRIGGER ${fn} ON case_events`);
    expect(await runAdmin(['incidents', 'retry', input.caseId], worker.config.databaseUrl, 'cli:ops', async () => worker.client)).toEqual([
      `${input.caseId}: incident ${stopped.incident!.incidentId} resolved, the case goes on`,
    ]);
    const after = await handle.query(progressQuery);
    expect(after.incident).toBeNull();
    expect(after.steps.find((s) => s.key === 'A02')!.status).toBe('done');
    const stored = await db.getRepository(CaseEventEntity).find({ where: { streamId: input.caseId }, order: { seq: 'ASC' } });
    expect(stored.filter((e) => e.type === 'step.completed' && (e.payload as { key?: string }).key === 'A02')).toHaveLength(1);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(
      await eventually(
        () => incidents.list({ caseId: input.caseId, open: false }),
        (l) => !!l[0]?.resolvedAt,
        10_000,
      ),
    ).toEqual([expect.objectContaining({ resolvedBy: 'cli:ops' })]);
    await expect(
      runAdmin(['incidents', 'retry', input.caseId], worker.config.databaseUrl, 'cli:ops', async () => worker.client),
    ).rejects.toThrow(`${input.caseId}: ACTION_NOT_ALLOWED: 本案没有待处理的故障 / The case has no open incident`);
    await handle.terminate('test done');
  });
});
