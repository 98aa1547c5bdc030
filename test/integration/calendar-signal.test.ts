import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { completeStepUpdate, progressQuery, type DelegationInput } from '@df/contracts';
import { addDays, dayNumber, fromDayNumber, weekdayOf } from '@df/domain';
import { startAtA02 } from '../support/drive';
import { actor, caseInput } from '../support/factories';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';

/**
 * Any Temporal client (the CLI, the Web UI, a script) may signal `calendarChanged` with anything: what the
 * calendar cannot take is refused in the workflow (logged), never a workflow task that fails on every retry
 * and wedges the case (issue 12: nothing wedges). What the office loads still re-plans the case.
 */
describe('calendarChanged from any Temporal client (issue 12, issue 14 item 5)', () => {
  let worker: TestWorker;
  beforeAll(async () => {
    worker = await startTestWorker();
  });
  afterAll(async () => {
    await worker?.stop();
  });

  /** A new case of the test factories' trip, driven until its A02 awaits the organizer. */
  const caseAtA02 = async () => {
    const input: DelegationInput = caseInput();
    return { input, unit: input.facts.unit, handle: await startAtA02(worker, input) };
  };

  const year = Number(new Date().toISOString().slice(0, 4));
  const MALFORMED: Array<[string, unknown]> = [
    ['no payload', null],
    ['no schedules', {}],
    ['schedules not a list', { schedules: 'x' }],
    ['a year that is text', { schedules: [{ year: String(year), holidays: [], workdays: [] }] }],
    ['a year out of range', { schedules: [{ year: 1_000_000, holidays: [], workdays: [] }] }],
    ['no such day', { schedules: [{ year, holidays: [`${year}-13-45`], workdays: [] }] }],
    ['a NUL in a day', { schedules: [{ year, holidays: [`${year}-10-01\u0000`], workdays: [] }] }],
    ['a day of another year', { schedules: [{ year, holidays: [`${year + 1}-10-01`], workdays: [] }] }],
    ['a weekday "worked"', { schedules: [{ year, holidays: [], workdays: [firstWeekday(year)] }] }],
    ['the same year twice', { schedules: [schedule(year, []), schedule(year, [])] }],
    ['holidays not a list', { schedules: [{ year, holidays: 7, workdays: [] }] }],
  ];

  it('refuses every malformed schedule without failing a workflow task; the case takes its next action and re-plans with a valid one', async () => {
    const { input, unit, handle } = await caseAtA02();
    for (const [, payload] of MALFORMED) await handle.signal('calendarChanged', payload);
    // The next Update is answered (a wedged workflow task would leave it waiting), and no task failed.
    const result = await handle.executeUpdate(completeStepUpdate, {
      args: [{ requestId: randomUUID(), actor: actor('organizer', unit), stepKey: 'A02' }],
    });
    expect(result).toMatchObject({ accepted: true, opened: expect.arrayContaining(['A05']) });
    expect(await failedTasks(handle)).toEqual([]);
    const before = await handle.query(progressQuery);

    // The office's schedule (the next ten weekdays off) is applied: the forecast moves later.
    const today = new Date().toISOString().slice(0, 10);
    const offDays = weekdaysFrom(addDays(today, 1), 10);
    const years = [...new Set(offDays.map((d) => Number(d.slice(0, 4))))];
    await handle.signal('calendarChanged', {
      schedules: years.map((y) =>
        schedule(
          y,
          offDays.filter((d) => d.startsWith(String(y))),
        ),
      ),
    });
    const after = await eventually(
      () => handle.query(progressQuery),
      (p) => p.plan.forecastReadyAt > before.plan.forecastReadyAt,
    );
    expect(after.plan.forecastReadyAt > before.plan.forecastReadyAt).toBe(true);
    expect(await failedTasks(handle)).toEqual([]);
    // The re-plan it caused says why (trial 56: the timeline read 重新预测 and nothing more); the case's own re-plans do not.
    const replans = await eventually(
      () =>
        worker.app
          .get(DataSource)
          .query(
            `SELECT payload->>'cause' AS cause, payload->>'forecastReadyAt' AS at FROM case_events WHERE stream_id = $1 AND type = 'case.replanned' ORDER BY seq`,
            [input.caseId],
          ) as Promise<Array<{ cause: string | null; at: string }>>,
      (rows) => rows.some((r) => r.at === after.plan.forecastReadyAt),
    );
    expect(replans.filter((r) => r.cause !== null)).toEqual([{ cause: 'calendar', at: after.plan.forecastReadyAt }]);
    expect(replans.length).toBeGreaterThan(1);
  });

  it("annualPlanChanged likewise: a malformed payload is refused without failing a task; a valid one runs A01 again, another year's does not", async () => {
    const { input, unit, handle } = await caseAtA02();
    const planYear = Number(input.facts.departureDate.slice(0, 4));
    const a01 = async () => (await handle.query(progressQuery)).steps.find((s) => s.key === 'A01')!;
    const first = await a01();
    expect(first.status).toBe('done');
    for (const payload of [
      null,
      {},
      { year: 'x', cause: 'plan-changed' },
      { year: 1999, cause: 'plan-changed' },
      { year: planYear, cause: 'x' },
    ])
      await handle.signal('annualPlanChanged', payload);
    await handle.signal('annualPlanChanged', { year: planYear + 1, cause: 'plan-changed' });
    // The next Update is answered (a wedged workflow task would leave it waiting); A01 stands as it ran.
    const result = await handle.executeUpdate(completeStepUpdate, {
      args: [{ requestId: randomUUID(), actor: actor('organizer', unit), stepKey: 'A02' }],
    });
    expect(result).toMatchObject({ accepted: true });
    expect((await a01()).doneAt).toBe(first.doneAt);
    // The departure year's plan changed: A01 runs again (done anew), and the case goes on.
    await handle.signal('annualPlanChanged', { year: planYear, cause: 'plan-changed' });
    const again = await eventually(a01, (s) => s.status === 'done' && s.doneAt !== first.doneAt);
    expect(again.doneAt! > first.doneAt!).toBe(true);
    expect(await failedTasks(handle)).toEqual([]);
  });
});

function schedule(year: number, holidays: string[]) {
  return { year, holidays, workdays: [] as string[] };
}

function firstWeekday(year: number): string {
  return weekdaysFrom(`${year}-01-01`, 1)[0]!;
}

/** `count` Monday-Friday days from `from` on. */
function weekdaysFrom(from: string, count: number): string[] {
  const out: string[] = [];
  for (let dn = dayNumber(from); out.length < count; dn++) {
    const wd = weekdayOf(dn);
    if (wd >= 1 && wd <= 5) out.push(fromDayNumber(dn));
  }
  return out;
}

/** The causes of every failed workflow task in the history (a wedge shows as one per retry). */
async function failedTasks(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e) =>
    e.workflowTaskFailedEventAttributes ? [e.workflowTaskFailedEventAttributes.failure?.message ?? 'failed'] : [],
  );
}
