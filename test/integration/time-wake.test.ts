import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { makeFacts } from '@df/domain';
import { delegationWorkflowId, progressQuery, SearchAttributes, type DelegationInput } from '@df/contracts';
import { CaseEntity } from '@df/persistence';
import { resolveTemporalCli } from '@df/runtime';
import { caseInput } from '../support/factories';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';

/** Facts of a trip departing on `departureDate` (return four days later). */
function trip(departureDate: string, unit?: string): DelegationInput['facts'] {
  const returnDate = new Date(Date.parse(departureDate) + 4 * 86_400_000).toISOString().slice(0, 10);
  const destination = { ...makeFacts().destinations[0]!, arrive: departureDate, leave: returnDate };
  return { departureDate, returnDate, destinations: [destination], ...(unit ? { unit } : {}) } as DelegationInput['facts'];
}

describe('time wakes the case (issue 11 items 4 and 9)', () => {
  let worker: TestWorker;
  let db: DataSource;

  beforeAll(async () => {
    worker = await startTestWorker();
    db = worker.app.get(DataSource);
  });
  afterAll(async () => {
    await worker?.stop();
  });

  const start = (input: DelegationInput): Promise<WorkflowHandle> =>
    worker.client.workflow.start('delegation', {
      taskQueue: worker.config.taskQueue,
      workflowId: delegationWorkflowId(input.caseId),
      args: [input],
    });
  const readModel = (caseId: string) => db.getRepository(CaseEntity).findOneByOrFail({ caseId });

  it('a case left alone for 15 working days shows the reduced slack and at-risk in progress, read model and search attributes', async () => {
    // One working day = 1 s. Submitted Monday 2026-03-02; departing six weeks later (2026-04-13), ~13.5 WD of slack.
    const input = caseInput({ workingDaySeconds: 1, facts: trip('2026-04-13') });
    // Departing a week after submission: after 15 working days it is long past its departure.
    const past = caseInput({ workingDaySeconds: 1, facts: trip('2026-03-09') });
    const handle = await start(input);
    const pastHandle = await start(past);
    const first = await eventually(
      () => handle.query(progressQuery),
      (p) => p.steps.some((s) => s.key === 'A02' && s.status === 'awaiting'),
    );
    expect(first.plan.atRisk).toBe(false);
    const initialSlack = first.plan.slackWd;
    const pastFirst = await eventually(
      () => pastHandle.query(progressQuery),
      (p) => p.steps.some((s) => s.key === 'A02' && s.status === 'awaiting'),
    );
    expect(initialSlack).toBeGreaterThan(10);

    // Nobody acts. 15 working days later (plus a margin for a loaded machine):
    await new Promise((r) => setTimeout(r, 15_500));
    const later = await handle.query(progressQuery);
    const elapsedDays = (Date.parse(later.now) - Date.parse(first.now)) / 86_400_000; // 15 WD are 21 calendar days
    expect(elapsedDays).toBeGreaterThan(14); // the query answered from the clock, not the last workflow task
    // A02 (1 WD) ran late for ~14 WD: the slack fell by as much and the case is at risk.
    expect(later.plan.slackWd).toBeLessThan(initialSlack - 12);
    expect(later.plan.atRisk).toBe(true);
    expect(later.daysToDeparture).toBeLessThan(first.daysToDeparture - 14);

    // The board and lists read the cases read model: the daily wakes keep it within a working day of progress.
    const row = await eventually(
      () => readModel(input.caseId),
      (c) => c.atRisk === true,
    );
    expect(row.atRisk).toBe(true);
    expect(row.slackWd).not.toBeNull();
    // Within a working day of the live plan (the daily wakes: drift alone is recorded only on a timer's turn, patch
    // drift-on-time-turn), plus the plan reuse window of the replan-on-change patch (1/64 WD: PLAN_WINDOW_MS in
    // workflows/delegation.workflow.ts), plus the time between the two reads as measured (1 s per working day here),
    // plus up to half a working day (0.5 s here) for the wake's own workflow task and append on a loaded machine;
    // without the wakes the difference is about 14 working days.
    const readAt = Date.now();
    const fresh = await readModel(input.caseId);
    const current = await handle.query(progressQuery);
    const betweenWd = (Date.now() - readAt) / 1000;
    expect(fresh.slackWd! - current.plan.slackWd).toBeGreaterThanOrEqual(-0.01);
    expect(fresh.slackWd! - current.plan.slackWd).toBeLessThanOrEqual(1 + 1 / 64 + betweenWd + 0.5);

    const description = await eventually(
      () => handle.describe(),
      (d) => d.typedSearchAttributes.get(SearchAttributes.AtRisk) === true,
    );
    expect(description.typedSearchAttributes.get(SearchAttributes.AtRisk)).toBe(true);

    // The case long past its departure: negative slack everywhere, not the slack it was submitted with.
    const pastProgress = await pastHandle.query(progressQuery);
    expect(pastProgress.daysToDeparture).toBeLessThan(-10);
    expect(pastProgress.plan.slackWd).toBeLessThan(pastFirst.plan.slackWd - 12);
    const pastRow = await readModel(past.caseId);
    expect(pastRow.slackWd).toBeLessThan(pastFirst.plan.slackWd - 11);
    expect(pastRow.atRisk).toBe(true);
    await Promise.all([handle.terminate('test done'), pastHandle.terminate('test done')]);
  }, 60_000);

  it("date-only search attributes are calendar dates: DepartureDate < '2027-04-01T00:00:00Z' excludes a case departing on 1 April", async () => {
    const unit = `unit-${randomUUID().slice(0, 8)}`;
    const april1 = caseInput({ unit, facts: trip('2027-04-01', unit) });
    const march31 = caseInput({ unit, facts: trip('2027-03-31', unit) });
    const handles = await Promise.all([start(april1), start(march31)]);
    const list = async (query: string) => {
      const ids: string[] = [];
      for await (const wf of worker.client.workflow.list({ query })) ids.push(wf.workflowId);
      return ids.sort();
    };
    const all = await eventually(
      () => list(`DelegationUnit = '${unit}' AND DepartureDate >= '2027-03-01T00:00:00Z'`),
      (ids) => ids.length === 2,
    );
    expect(all).toEqual(handles.map((h) => h.workflowId).sort());
    expect(await list(`DelegationUnit = '${unit}' AND DepartureDate < '2027-04-01T00:00:00Z'`)).toEqual([
      delegationWorkflowId(march31.caseId),
    ]);
    // One calendar day is a half-open range (visibility stores the time with nanoseconds: `=` does not match it).
    expect(
      await list(`DelegationUnit = '${unit}' AND DepartureDate >= '2027-04-01T00:00:00Z' AND DepartureDate < '2027-04-02T00:00:00Z'`),
    ).toEqual([delegationWorkflowId(april1.caseId)]);
    // The same query as a CLI user types it, through the real `temporal` binary.
    const cli = resolveTemporalCli();
    if (!cli) throw new Error('the Temporal CLI was not found (npm run tools)');
    const { stdout } = await promisify(execFile)(cli.path, [
      'workflow',
      'list',
      '--address',
      process.env.TEMPORAL_ADDRESS!,
      '--namespace',
      'default',
      '--output',
      'json',
      '--query',
      `DelegationUnit='${unit}' AND DepartureDate < '2027-04-01T00:00:00Z'`,
    ]);
    expect(stdout).toContain(delegationWorkflowId(march31.caseId));
    expect(stdout).not.toContain(delegationWorkflowId(april1.caseId));
    const description = await handles[0]!.describe();
    expect(description.typedSearchAttributes.get(SearchAttributes.DepartureDate)?.toISOString()).toBe('2027-04-01T00:00:00.000Z');
    const forecast = description.typedSearchAttributes.get(SearchAttributes.ForecastReadyDate)?.toISOString();
    expect(forecast).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/);
    await Promise.all(handles.map((h) => h.terminate('test done')));
  });
});
