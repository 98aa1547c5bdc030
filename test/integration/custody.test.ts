import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { addDays, makeMember, quarterOf, shanghaiDate } from '@df/domain';
import { amendUpdate, completeStepUpdate, delegationWorkflowId, progressQuery, withdrawUpdate, type DelegationInput } from '@df/contracts';
import { openCaseIdsDepartingIn, RegistriesRepository } from '@df/persistence';
import { ChainActivitiesService } from '../../apps/worker/src/activities/chain.activities';
import { AnnualPlanClaims1796290422802 } from '../../libs/persistence/src/migrations/1796290422802-AnnualPlanClaims';
import { drive } from '../support/drive';
import { actor, caseInput, ownPassports, SCALED_DEPARTURE, uniqueBirthDate, uniquePassportNumber } from '../support/factories';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';

/**
 * Issue 14 items 1 and 3 on the real servers: A01 reads the unit's registered annual plan, and the passport
 * custody ledger follows the chain (C07 checks the passport out for the case, P02 checks it back in).
 */
describe('the registries in the chain: annual plan (A01) and passport custody (C07, P02)', () => {
  let worker: TestWorker;
  let registries: RegistriesRepository;
  const system = { id: 'test', role: 'system' };

  beforeAll(async () => {
    worker = await startTestWorker();
    registries = new RegistriesRepository(worker.app.get(DataSource));
  });
  afterAll(async () => {
    await worker?.stop();
  });

  /** A unit with one person on its roster and their passport in custody: a member of the unit's next trip. */
  async function traveller(): Promise<{ unit: string; personId: string; number: string }> {
    const unit = `unit-${randomUUID().slice(0, 8)}`;
    const personId = `staff-${randomUUID().slice(0, 8)}`;
    const number = uniquePassportNumber();
    await registries.putUnit(
      {
        code: unit,
        nameZh: `测试局${unit}`,
        nameEn: `Test bureau ${unit}`,
        parentCode: null,
        supervisingDepartment: null,
        clerks: [],
        signatories: ['王局长'],
        status: 'active',
        suspendedReason: null,
      },
      system,
    );
    await registries.putPerson(
      {
        personId,
        unit,
        name: '张三',
        gender: 'male',
        dateOfBirth: uniqueBirthDate(),
        rank: 'division',
        position: '处长',
        partyMember: false,
        classifiedAccess: false,
        leadershipTeam: null,
        status: 'active',
      },
      system,
    );
    await registries.registerPassport(
      { number, type: 'official', issuedOn: '2022-01-01', expiresOn: '2031-12-31', holder: personId },
      unit,
      system,
    );
    return { unit, personId, number };
  }

  /** The day (Asia/Shanghai, case time) the case's first event of `type` occurred. */
  async function eventDay(caseId: string, type: string): Promise<string> {
    const [event] = (await worker.app
      .get(DataSource)
      .query(`SELECT occurred_at FROM case_events WHERE stream_id = $1 AND type = $2 ORDER BY seq LIMIT 1`, [caseId, type])) as Array<{
      occurred_at: Date;
    }>;
    return shanghaiDate(event!.occurred_at.getTime());
  }

  /** The case's trip moved `days` later by the organizer's amendment (its stops with it): the new dates. */
  async function moveTrip(handle: WorkflowHandle, input: DelegationInput, days: number) {
    const [departureDate, returnDate] = [addDays(input.facts.departureDate, days), addDays(input.facts.returnDate, days)];
    const destinations = input.facts.destinations.map((d) => ({ ...d, arrive: departureDate, leave: returnDate }));
    await handle.executeUpdate(amendUpdate, {
      args: [
        { requestId: randomUUID(), actor: actor('organizer', input.facts.unit), changes: { departureDate, returnDate, destinations } },
      ],
    });
    return { departureDate, returnDate };
  }

  /** A traveller's one-member case, started (1 working day = 1 s). */
  async function travellerCase() {
    const { unit, personId, number } = await traveller();
    const base = caseInput({ workingDaySeconds: 1, unit });
    const input: DelegationInput = {
      ...base,
      facts: { ...base.facts, members: [makeMember({ personId, passport: { inCustody: true, number, expiresOn: '2031-12-31' } })] },
    };
    const handle = await worker.client.workflow.start('delegation', {
      taskQueue: worker.config.taskQueue,
      workflowId: delegationWorkflowId(input.caseId),
      args: [input],
    });
    return { unit, personId, number, input, handle };
  }

  /** A traveller's one-member case driven until C07 checked their passport out (the ledger's move may still be on its way). */
  async function passportOut() {
    const { unit, number, input, handle } = await travellerCase();
    await drive(handle, unit, { onSchedule: false, until: (p) => p.steps.some((s) => s.code === 'C07' && s.status === 'done') });
    return { unit, number, input, handle };
  }

  it('a planned trip is recorded as planned at A01; the passport is out for the case from C07 and back in custody at P02', async () => {
    const { unit, personId, number } = await traveller();
    const base = caseInput({ workingDaySeconds: 1, unit });
    // One member to the US for trade, in the quarter of the departure.
    const quarter = (Math.floor((Number(SCALED_DEPARTURE.slice(5, 7)) - 1) / 3) + 1) as 1 | 2 | 3 | 4;
    await registries.putPlan({ unit, year: 2026, trips: [{ id: 'P-07', purpose: 'trade', countries: ['US'], size: 2, quarter }] }, system);
    const input: DelegationInput = {
      ...base,
      facts: {
        ...base.facts,
        members: [makeMember({ personId, passport: { inCustody: true, number, expiresOn: '2031-12-31' } })],
      },
    };
    const handle = await worker.client.workflow.start('delegation', {
      taskQueue: worker.config.taskQueue,
      workflowId: delegationWorkflowId(input.caseId),
      args: [input],
    });
    const departed = await drive(handle, unit, { onSchedule: false, until: (p) => p.status === 'departed' });
    expect(departed.steps.find((s) => s.key === 'A01')!.data).toMatchObject({ planOutcome: 'planned', planTripId: 'P-07' });
    const out = await registries.passport(number);
    const dueBack = new Date(Date.parse(`${input.facts.returnDate}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
    expect(out).toMatchObject({ state: 'checked-out', caseId: input.caseId, dueBackOn: dueBack });
    const done = await drive(handle, unit, { onSchedule: false, until: (p) => p.status === 'completed' });
    expect(done.status).toBe('completed');
    const back = await registries.passport(number);
    expect(back).toMatchObject({ state: 'in-custody', caseId: null });
    const history = await registries.passportHistory(number);
    expect(history.map((h) => [h.fromState, h.toState])).toEqual([
      [null, 'in-custody'],
      ['in-custody', 'checked-out'],
      ['checked-out', 'in-custody'],
    ]);
  });

  it("C05's register move (the worker's passportCustody): in custody for the holder once, a retry a no-op; another's number or a typed member noted, never an error", async () => {
    const { personId, number: old } = await traveller();
    const other = await traveller();
    const activities = new ChainActivitiesService(worker.app.get(DataSource));
    const fresh = `EN${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
    const move = (over: Partial<Parameters<ChainActivitiesService['passportCustody']>[0]>) =>
      activities.passportCustody({
        caseId: randomUUID(),
        key: 'C05:m1',
        action: 'register',
        memberId: 'm1',
        newPassport: { number: fresh.toLowerCase(), issuedOn: '2026-11-02', expiresOn: '2036-11-01' },
        ...over,
      });
    // The old passport (2031) in custody is valid too: the one the case replaces (its facts' number) is no second; any
    // other is (sixth trial: one person's two cases each registered a new passport), noted, not registered.
    expect((await move({ personId })).note.en).toMatch(/^Not registered: .* already holds a valid official passport, /);
    await expect(registries.passport(fresh)).resolves.toBeNull();
    expect(await move({ personId, passportNumber: old })).toEqual({
      number: fresh,
      note: { zh: '新护照已入库保管', en: 'New passport taken into custody' },
    });
    expect(await registries.passport(fresh)).toMatchObject({ holder: personId, state: 'in-custody', issuedOn: '2026-11-02' });
    expect((await move({ personId })).note.en).toBe('Already in the custody ledger');
    expect((await move({ personId: other.personId })).note.en).toContain('for someone else: not registered');
    expect((await move({})).note.en).toContain('is not on a roster');
    expect(await registries.passport(fresh)).toMatchObject({ holder: personId });
    expect((await registries.passportHistory(fresh)).map((h) => [h.fromState, h.toState, h.actor])).toEqual([
      [null, 'in-custody', 'system'],
    ]);
  });

  it("a case closed between C05 and C06 (the worker's supersede move): the replaced passport is cancelled once the new one is in the ledger", async () => {
    const { personId, number: old } = await traveller();
    const activities = new ChainActivitiesService(worker.app.get(DataSource));
    const fresh = `EN${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
    const newPassport = { number: fresh, issuedOn: '2026-11-02', expiresOn: '2036-11-01' };
    const move = (action: 'register' | 'supersede', over: Partial<Parameters<ChainActivitiesService['passportCustody']>[0]> = {}) =>
      activities.passportCustody({
        caseId: 'case-closed',
        key: action === 'register' ? 'C05:m1' : 'C06:m1',
        action,
        memberId: 'm1',
        personId,
        passportNumber: old,
        newPassport,
        ...over,
      });
    // The new one not in the ledger: the old one stays the person's passport.
    expect((await move('supersede')).note.en).toBe('The new passport is not in the custody ledger: the old one is kept');
    expect(await registries.passport(old)).toMatchObject({ state: 'in-custody' });
    await move('register');
    // The seventh trial's handed input: withdrawn after C05, the old one stayed valid beside the new.
    expect(await move('supersede')).toEqual({
      number: old,
      note: { zh: `原护照已注销：已由新护照 ${fresh} 替换`, en: `Old passport cancelled: superseded by ${fresh}` },
    });
    expect(await registries.passport(old)).toMatchObject({ state: 'cancelled' });
    expect((await registries.passportHistory(old)).at(-1)).toMatchObject({ toState: 'cancelled', actor: 'system' });
    expect((await move('supersede')).note.en).toBe('Already recorded in the ledger');
    expect(await registries.passport(fresh)).toMatchObject({ state: 'in-custody' });
    // Never the new one itself (a member whose facts name it).
    expect((await move('supersede', { passportNumber: fresh })).note.en).toBe(
      'The new passport is not in the custody ledger: the old one is kept',
    );
    expect(await registries.passport(fresh)).toMatchObject({ state: 'in-custody' });
  });

  it('a trip not in the plan is recorded as unplanned at A01 (the reviewer sees that a written reason is needed)', async () => {
    const unit = `unit-${randomUUID().slice(0, 8)}`;
    await registries.putPlan(
      { unit, year: 2026, trips: [{ id: 'P-01', purpose: 'culture', countries: ['DE'], size: 3, quarter: 4 }] },
      system,
    );
    const input = caseInput({ workingDaySeconds: 1, unit });
    const handle = await worker.client.workflow.start('delegation', {
      taskQueue: worker.config.taskQueue,
      workflowId: delegationWorkflowId(input.caseId),
      args: [input],
    });
    const p = await drive(handle, unit, { onSchedule: false, until: (q) => q.steps.find((s) => s.key === 'A01')?.status === 'done' });
    expect(p.steps.find((s) => s.key === 'A01')!.data).toMatchObject({
      planOutcome: 'unplanned',
      note: { en: expect.stringContaining('written reason') },
    });
    await handle.terminate('test done');
  });
  // Trial H2's kind, quota used by other open cases: a plan of one US trip let every US trip of the quarter read 计划内.
  /** A unit of its own with its plan for caseInput's trip year: trips `ids`, each covering that trip; the trip's facts. */
  async function plannedUnit(ids: string[]) {
    const unit = `unit-${randomUUID().slice(0, 8)}`;
    const { facts } = caseInput({ unit });
    const trip = {
      purpose: facts.purpose,
      countries: facts.destinations.map((d) => d.country),
      size: 5,
      quarter: quarterOf(facts.departureDate),
    };
    await registries.putPlan({ unit, year: Number(facts.departureDate.slice(0, 4)), trips: ids.map((id) => ({ id, ...trip })) }, system);
    return { unit, facts };
  }

  /** A case filed at `submittedAt` and not projected yet: the first answer the API stores with a submission. */
  const fileUnprojected = (caseId: string, facts: DelegationInput['facts'], submittedAt: string) =>
    worker.app
      .get(DataSource)
      .query(`INSERT INTO case_progress (case_id, last_seq, case_now, answer, written_at) VALUES ($1, 0, 0, $2, now())`, [
        caseId,
        JSON.stringify({ status: 'open', submittedAt, facts }),
      ]);

  it('a planned trip covers one delegation: a second case of the unit matching it reads over-plan naming it; the first withdrawn, the next reads planned', async () => {
    const unit = `unit-${randomUUID().slice(0, 8)}`;
    const db = worker.app.get(DataSource);
    const { facts } = caseInput({ unit });
    const year = Number(facts.departureDate.slice(0, 4));
    const quarter = (Math.floor((Number(facts.departureDate.slice(5, 7)) - 1) / 3) + 1) as 1 | 2 | 3 | 4;
    const countries = facts.destinations.map((d) => d.country);
    await registries.putPlan({ unit, year, trips: [{ id: 'P-US', purpose: facts.purpose, countries, size: 5, quarter }] }, system);
    const start = async () => {
      const input = caseInput({ unit });
      const handle = await worker.client.workflow.start('delegation', {
        taskQueue: worker.config.taskQueue,
        workflowId: delegationWorkflowId(input.caseId),
        args: [input],
      });
      const p = await drive(handle, unit, { onSchedule: false, until: (q) => q.steps.find((s) => s.key === 'A01')?.status === 'done' });
      // Its A01 in the event store and its case projected: what the next case's A01 reads.
      await eventually(
        () =>
          db.query(
            `SELECT 1 FROM cases c JOIN case_events e ON e.stream_id = c.case_id
              WHERE c.case_id = $1 AND e.type = 'step.completed' AND e.payload->>'key' = 'A01'`,
            [input.caseId],
          ) as Promise<unknown[]>,
        (rows) => rows.length > 0,
      );
      return { handle, caseId: input.caseId, a01: p.steps.find((s) => s.key === 'A01')!.data };
    };
    const first = await start();
    expect(first.a01).toMatchObject({ planOutcome: 'planned', planTripId: 'P-US' });
    const second = await start();
    expect(second.a01).toMatchObject({
      planOutcome: 'over-plan',
      planComparedWith: ['P-US'],
      note: {
        zh: '超出年度计划（P-US已由本单位其他团组使用）',
        en: 'Over the annual plan (P-US was taken by another delegation of the unit)',
      },
    });
    // The first withdrawn (by a Temporal client: the worker announces the close wherever it comes from) frees its trip:
    // the second, over the plan, checks again and takes it; a third is over the plan.
    await first.handle.executeUpdate(withdrawUpdate, {
      args: [{ requestId: randomUUID(), actor: actor('organizer', unit), reason: '活动取消' }],
    });
    await eventually(
      () => db.query(`SELECT status FROM cases WHERE case_id = $1`, [first.caseId]) as Promise<Array<{ status: string }>>,
      (rows) => rows[0]?.status === 'withdrawn',
    );
    const secondAgain = await eventually(
      () => second.handle.query(progressQuery),
      (p) => {
        const a01 = p.steps.find((s) => s.key === 'A01');
        return a01?.status === 'done' && a01.data?.planOutcome === 'planned';
      },
      30_000,
    );
    expect(secondAgain.steps.find((s) => s.key === 'A01')!.data).toMatchObject({ planOutcome: 'planned', planTripId: 'P-US' });
    const third = await start();
    expect(third.a01).toMatchObject({ planOutcome: 'over-plan', planComparedWith: ['P-US'] });
    // Over the plan it holds no trip: the one it was compared with is not recorded as its own (twentieth trial).
    expect(third.a01).not.toHaveProperty('planTripId');
    const claims = () =>
      db.query(`SELECT case_id, trip_id FROM annual_plan_claims WHERE unit = $1 ORDER BY case_id`, [unit]) as Promise<unknown[]>;
    // The withdrawn case's claim is released once the others were told (the reconciler's sweep would tell them again).
    const held = await eventually(claims, (rows) => rows.length === 1);
    expect(held).toEqual([{ case_id: second.caseId, trip_id: 'P-US' }]);
    const backfilled = [first, second]
      .map((c) => ({ case_id: c.caseId, trip_id: 'P-US' }))
      .sort((a, b) => a.case_id.localeCompare(b.case_id));
    // The migration that brought the claims backfills them from each case's latest A01 recorded planned.
    const runner = db.createQueryRunner();
    await runner.startTransaction();
    try {
      await runner.query('DROP TABLE annual_plan_claims');
      await runner.query(
        `CREATE INDEX ix_case_events_plan_taken ON case_events (stream_id) WHERE type = 'step.completed' AND (payload->'data'->>'planOutcome') = 'planned'`,
      );
      await new AnnualPlanClaims1796290422802().up(runner);
      // Every case whose latest A01 recorded planned, the withdrawn one too (its claim counts for nothing once closed).
      expect(await runner.query(`SELECT case_id, trip_id FROM annual_plan_claims WHERE unit = $1 ORDER BY case_id`, [unit])).toEqual(
        backfilled,
      );
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    for (const c of [second, third]) await c.handle.terminate('test done');
  });

  it('2027.5, third trial: a trip moved to another quarter runs A01 again: the old quarter’s planned trip is let go', async () => {
    const unit = `unit-${randomUUID().slice(0, 8)}`;
    const db = worker.app.get(DataSource);
    const input = caseInput({ unit, workingDaySeconds: 1 });
    const { facts } = input;
    const quarter = (Math.floor((Number(facts.departureDate.slice(5, 7)) - 1) / 3) + 1) as 1 | 2 | 3 | 4;
    const countries = facts.destinations.map((d) => d.country);
    await registries.putPlan(
      { unit, year: Number(facts.departureDate.slice(0, 4)), trips: [{ id: 'P-Q', purpose: facts.purpose, countries, size: 5, quarter }] },
      system,
    );
    const handle = await worker.client.workflow.start('delegation', {
      taskQueue: worker.config.taskQueue,
      workflowId: delegationWorkflowId(input.caseId),
      args: [input],
    });
    const p = await drive(handle, unit, { onSchedule: false, until: (q) => q.steps.find((s) => s.key === 'A05')?.status === 'done' });
    expect(p.steps.find((s) => s.key === 'A01')!.data).toMatchObject({ planOutcome: 'planned', planTripId: 'P-Q' });
    await moveTrip(handle, input, 100);
    const again = await eventually(
      () => handle.query(progressQuery),
      (q) => {
        const a01 = q.steps.find((s) => s.key === 'A01')!;
        return a01.status === 'done' && a01.data?.planOutcome !== 'planned';
      },
    );
    expect(again.steps.find((s) => s.key === 'A01')!.data?.planOutcome).toMatch(/^(unplanned|no-plan)$/);
    // What rests on it stood (A02 done; the itinerary, A05, is given again for the new dates since 2027.10, its old file no
    // longer serving) and the claim on the old quarter's trip is gone.
    expect(again.steps.find((s) => s.key === 'A02')!.status).toBe('done');
    expect(again.steps.find((s) => s.key === 'A05')).toMatchObject({
      status: expect.not.stringMatching(/^done$/),
      missingAttachments: ['itinerary'],
    });
    const held = () => db.query(`SELECT trip_id FROM annual_plan_claims WHERE case_id = $1 AND trip_id IS NOT NULL`, [input.caseId]);
    expect(await eventually(held, (rows: unknown[]) => rows.length === 0)).toEqual([]);
    await handle.terminate('test done');
  });

  it("two cases' A01 at the same moment: one holds the plan's one trip, the other reads over-plan (the claim under the unit's lock); A01 again elsewhere frees it", async () => {
    // Before, both read the trip free: each read the other's A01 from the event store before it was appended.
    const { facts } = caseInput({});
    const year = Number(facts.departureDate.slice(0, 4));
    const quarter = (Math.floor((Number(facts.departureDate.slice(5, 7)) - 1) / 3) + 1) as 1 | 2 | 3 | 4;
    const countries = facts.destinations.map((d) => d.country);
    for (let round = 0; round < 3; round++) {
      const unit = `unit-${randomUUID().slice(0, 8)}`;
      await registries.putPlan({ unit, year, trips: [{ id: 'P-1', purpose: facts.purpose, countries, size: 5, quarter }] }, system);
      const trip = { ...facts, unit };
      const [a, b] = [randomUUID(), randomUUID()];
      const both = await Promise.all([registries.claimPlannedTrip(trip, a), registries.claimPlannedTrip(trip, b)]);
      expect(both.map((m) => m.outcome).sort()).toEqual(['over-plan', 'planned']);
      const [holder, other] = both[0]!.outcome === 'planned' ? [a, b] : [b, a];
      // A retried A01 reads the same; the holder's A01 again for another quarter (an amendment) lets the trip go.
      expect((await registries.claimPlannedTrip(trip, holder)).outcome).toBe('planned');
      const later = addDays(facts.departureDate, 100);
      const moved = { ...trip, departureDate: later, returnDate: addDays(later, 4) };
      expect((await registries.claimPlannedTrip(moved, holder)).outcome).not.toBe('planned');
      expect(await registries.claimPlannedTrip(trip, other)).toMatchObject({ outcome: 'planned', tripId: 'P-1' });
    }
  });
  it('eighteenth trial: four cases filed at once, a plan of two trips: the first two filed hold them whichever A01 runs first', async () => {
    const ds = worker.app.get(DataSource);
    const { unit, facts } = await plannedUnit(['P-1', 'P-2']);
    // Filed a second apart, none projected yet: what the API stores with each submission (its first answer).
    const filed = Array.from({ length: 4 }, () => randomUUID());
    for (const [i, caseId] of filed.entries()) await fileUnprojected(caseId, facts, new Date(Date.now() - (10 - i) * 1000).toISOString());
    try {
      // A dry run for a trip not filed yet comes after all four: both trips are due to them.
      expect(await registries.planMatch(facts)).toMatchObject({ outcome: 'over-plan' });
      // The handed order: the last filed's A01 first (it held a trip, the second filed read over-plan).
      const [first, second, third, fourth] = filed as [string, string, string, string];
      expect(await registries.claimPlannedTrip(facts, fourth)).toMatchObject({
        outcome: 'over-plan',
        comparedWith: ['P-1', 'P-2'],
        message: {
          zh: '超出年度计划（P-1、P-2已由本单位其他团组使用）',
          en: 'Over the annual plan (P-1, P-2 were taken by other delegations of the unit)',
        },
      });
      expect(await registries.claimPlannedTrip(facts, second)).toMatchObject({ outcome: 'planned', tripId: 'P-2' });
      expect((await registries.claimPlannedTrip(facts, third)).outcome).toBe('over-plan');
      expect(await registries.claimPlannedTrip(facts, first)).toMatchObject({ outcome: 'planned', tripId: 'P-1' });
      // Retried A01s read the same, and the claims on record are the first two filed's.
      expect(await registries.claimPlannedTrip(facts, fourth)).toMatchObject({ outcome: 'over-plan' });
      expect(await registries.claimPlannedTrip(facts, second)).toMatchObject({ outcome: 'planned', tripId: 'P-2' });
      expect(await ds.query(`SELECT case_id, trip_id FROM annual_plan_claims WHERE unit = $1 ORDER BY trip_id`, [unit])).toEqual([
        { case_id: first, trip_id: 'P-1' },
        { case_id: second, trip_id: 'P-2' },
      ]);
    } finally {
      await ds.query('DELETE FROM case_progress WHERE case_id = ANY($1)', [filed]);
      await ds.query('DELETE FROM annual_plan_claims WHERE unit = $1', [unit]);
    }
  });

  it('an A01 whose case is neither projected nor published (its filing instant unknown) claims what is free, as before; the dry run of a trip not filed yet comes after every open case', async () => {
    const ds = worker.app.get(DataSource);
    const { unit, facts } = await plannedUnit(['P-1']);
    const filed = randomUUID();
    await fileUnprojected(filed, facts, new Date().toISOString());
    try {
      expect(await registries.planMatch(facts)).toMatchObject({ outcome: 'over-plan', comparedWith: ['P-1'] });
      const unknown = randomUUID();
      expect(await registries.claimPlannedTrip(facts, unknown)).toMatchObject({ outcome: 'planned', tripId: 'P-1' });
      expect(await ds.query(`SELECT case_id FROM annual_plan_claims WHERE unit = $1`, [unit])).toEqual([{ case_id: unknown }]);
    } finally {
      await ds.query('DELETE FROM case_progress WHERE case_id = $1', [filed]);
      await ds.query('DELETE FROM annual_plan_claims WHERE unit = $1', [unit]);
    }
  });

  it('a case withdrawn with the passport out for it (after C07, before P02): the ledger has it due back 7 days after the close (fifth trial)', async () => {
    const { unit, number, input, handle } = await passportOut();
    const lent = await eventually(
      () => registries.passport(number),
      (p) => p?.state === 'checked-out',
    );
    expect(lent).toMatchObject({ caseId: input.caseId, dueBackOn: addDays(input.facts.returnDate, 7) });
    await handle.executeUpdate(withdrawUpdate, {
      args: [{ requestId: randomUUID(), actor: actor('organizer', unit), reason: '活动取消' }],
    });
    const closed = await handle.result();
    expect(closed.status).toBe('withdrawn');
    // Due back the check-in step's 7 days after the close (case time: the closing event's instant, Asia/Shanghai).
    const due = addDays(await eventDay(input.caseId, 'case.closed'), 7);
    expect(due < lent!.dueBackOn!).toBe(true);
    expect(await registries.passport(number)).toMatchObject({ state: 'checked-out', caseId: input.caseId, dueBackOn: due });
    const history = await registries.passportHistory(number);
    expect(history.map((h) => [h.fromState, h.toState, h.note])).toEqual([
      [null, 'in-custody', null],
      ['in-custody', 'checked-out', expect.stringContaining('C07')],
      ['checked-out', 'checked-out', expect.stringMatching(/^C07.*case closed$/)],
    ]);
  });

  it('second trial: the trip moved a month later with the passport out (after C07): due back 7 days after the new return, not overdue before it departs', async () => {
    const { number, input, handle } = await passportOut();
    await eventually(
      () => registries.passport(number),
      (p) => p?.state === 'checked-out',
    );
    const { returnDate } = await moveTrip(handle, input, 30);
    const moved = await eventually(
      () => registries.passport(number),
      (p) => p?.dueBackOn === addDays(returnDate, 7),
    );
    expect(moved).toMatchObject({ state: 'checked-out', caseId: input.caseId, dueBackOn: addDays(returnDate, 7) });
    expect((await registries.passportHistory(number)).map((h) => [h.fromState, h.toState, h.note])).toEqual([
      [null, 'in-custody', null],
      ['in-custody', 'checked-out', expect.stringContaining('C07')],
      ['checked-out', 'checked-out', expect.stringMatching(/^C07.*trip dates changed$/)],
    ]);
    await handle.terminate('test done');
  });

  it('fourth trial: a passport checked out by hand for the case before its C07 moves with the case: its dates changed, then the case withdrawn', async () => {
    const { unit, number, input, handle } = await travellerCase();
    // The passport officer lends it for the case (a visa appointment) before the chain reaches C07.
    await registries.transitionPassport(
      number,
      'checked-out',
      { caseId: input.caseId, dueBackOn: addDays(input.facts.returnDate, 7), note: 'by hand' },
      system,
    );
    const { returnDate } = await moveTrip(handle, input, 30);
    const redated = await eventually(
      () => registries.passport(number),
      (p) => p?.dueBackOn === addDays(returnDate, 7),
    );
    expect(redated).toMatchObject({ state: 'checked-out', caseId: input.caseId });
    expect((await handle.query(progressQuery)).steps.find((s) => s.code === 'C07')!.status).not.toBe('done');
    await handle.executeUpdate(withdrawUpdate, {
      args: [{ requestId: randomUUID(), actor: actor('organizer', unit), reason: '活动取消' }],
    });
    expect((await handle.result()).status).toBe('withdrawn');
    const due = addDays(await eventDay(input.caseId, 'case.closed'), 7);
    const closed = await eventually(
      () => registries.passport(number),
      (p) => p?.dueBackOn === due,
    );
    expect(closed).toMatchObject({ state: 'checked-out', caseId: input.caseId, dueBackOn: due });
    expect((await registries.passportHistory(number)).map((h) => [h.fromState, h.toState, h.note])).toEqual([
      [null, 'in-custody', null],
      ['in-custody', 'checked-out', 'by hand'],
      ['checked-out', 'checked-out', expect.stringMatching(/^C07.*trip dates changed$/)],
      ['checked-out', 'checked-out', expect.stringMatching(/^C07.*case closed$/)],
    ]);
  });

  it('fourth trial, second look: a passport out for the case already when its C07 runs (lent by hand until an earlier day) is due back with the trip', async () => {
    const { unit, number, input, handle } = await travellerCase();
    const early = addDays(input.facts.departureDate, -20);
    await registries.transitionPassport(number, 'checked-out', { caseId: input.caseId, dueBackOn: early, note: 'by hand' }, system);
    await drive(handle, unit, { onSchedule: false, until: (p) => p.steps.some((s) => s.code === 'C07' && s.status === 'done') });
    const due = addDays(input.facts.returnDate, 7);
    expect(
      await eventually(
        () => registries.passport(number),
        (p) => p?.dueBackOn === due,
      ),
    ).toMatchObject({ state: 'checked-out', caseId: input.caseId, dueBackOn: due });
    expect((await registries.passportHistory(number)).map((h) => [h.fromState, h.toState, h.note])).toEqual([
      [null, 'in-custody', null],
      ['in-custody', 'checked-out', 'by hand'],
      ['checked-out', 'checked-out', expect.stringMatching(/^C07.*checked out for the trip$/)],
    ]);
    await handle.terminate('test done');
  });

  it("a manual check-out's case not projected yet: read from the workflow's published answer, 'registering' while only its claim is on record", async () => {
    const ds = worker.app.get(DataSource);
    const caseId = randomUUID();
    expect(await registries.caseForCheckOut(caseId)).toBeNull();
    await ds.query(
      `INSERT INTO member_trip_claims (case_id, person_key, unit, departure_date, return_date) VALUES ($1, 'P-x', 'u', '2027-03-01', '2027-03-05')`,
      [caseId],
    );
    expect(await registries.caseForCheckOut(caseId)).toBe('registering');
    const answer = {
      status: 'open',
      definitionVersion: '2027.4',
      facts: { returnDate: '2027-03-05', members: [{ personId: 'P-x' }, { id: 'typed' }] },
    };
    await ds.query(`INSERT INTO case_progress (case_id, last_seq, case_now, answer, written_at) VALUES ($1, 0, 0, $2, now())`, [
      caseId,
      JSON.stringify(answer),
    ]);
    expect(await registries.caseForCheckOut(caseId)).toEqual({
      caseId,
      open: true,
      returnDate: '2027-03-05',
      personIds: ['P-x'],
      definitionVersion: '2027.4',
    });
    await ds.query('DELETE FROM case_progress WHERE case_id = $1', [caseId]);
    await ds.query('DELETE FROM member_trip_claims WHERE case_id = $1', [caseId]);
  });

  it("a plan change reaches a case not projected yet: openCaseIdsDepartingIn reads its published first answer too (trial's gap: its A01 ran on the old plan, untold)", async () => {
    const ds = worker.app.get(DataSource);
    const unit = `unit-${randomUUID().slice(0, 8)}`;
    const publish = async (caseId: string, status: string, departureDate: string, written = 'now()') =>
      ds.query(`INSERT INTO case_progress (case_id, last_seq, case_now, answer, written_at) VALUES ($1, 0, 0, $2, ${written})`, [
        caseId,
        JSON.stringify({ status, facts: { unit, departureDate } }),
      ]);
    const [starting, otherYear, closed, stale, self] = Array.from({ length: 5 }, () => randomUUID());
    await publish(starting, 'open', '2028-03-01');
    await publish(otherYear, 'open', '2029-03-01');
    await publish(closed, 'withdrawn', '2028-03-01');
    await publish(stale, 'open', '2028-03-01', "now() - interval '2 days'");
    await publish(self, 'open', '2028-06-01');
    try {
      expect(await openCaseIdsDepartingIn(ds.manager, unit, 2028, self)).toEqual([starting]);
      expect((await openCaseIdsDepartingIn(ds.manager, unit, 2028)).sort()).toEqual([starting, self].sort());
    } finally {
      await ds.query('DELETE FROM case_progress WHERE case_id = ANY($1)', [[starting, otherYear, closed, stale, self]]);
    }
  });

  it('a member withdrawn by a refused visa with the passport out (the case goes on): due back 7 days after the refusal (second trial)', async () => {
    const { unit, personId, number } = await traveller();
    const base = caseInput({ workingDaySeconds: 1, unit });
    const input: DelegationInput = {
      ...base,
      facts: {
        ...base.facts,
        members: ownPassports([
          makeMember({ id: 'm1', name: '王五' }),
          makeMember({ id: 'm2', personId, passport: { inCustody: true, number, expiresOn: '2031-12-31' } }),
        ]),
      },
    };
    const handle = await worker.client.workflow.start('delegation', {
      taskQueue: worker.config.taskQueue,
      workflowId: delegationWorkflowId(input.caseId),
      args: [input],
    });
    await drive(handle, unit, { onSchedule: false, until: (p) => p.steps.some((s) => s.key === 'D12:US' && s.status === 'awaiting') });
    const lent = await eventually(
      () => registries.passport(number),
      (p) => p?.state === 'checked-out',
    );
    expect(lent).toMatchObject({ caseId: input.caseId, dueBackOn: addDays(input.facts.returnDate, 7) });
    await handle.executeUpdate(completeStepUpdate, {
      args: [
        { requestId: randomUUID(), actor: actor('visa-officer', 'fao'), stepKey: 'D12:US', data: { outcome: 'refused', members: ['m2'] } },
      ],
    });
    const due = addDays(await eventDay(input.caseId, 'member.withdrawn'), 7);
    expect(due < lent!.dueBackOn!).toBe(true);
    const moved = await eventually(
      () => registries.passport(number),
      (p) => p?.dueBackOn === due,
    );
    expect(moved).toMatchObject({ state: 'checked-out', caseId: input.caseId, dueBackOn: due });
    expect((await registries.passportHistory(number)).map((h) => [h.fromState, h.toState, h.note])).toEqual([
      [null, 'in-custody', null],
      ['in-custody', 'checked-out', expect.stringContaining('C07')],
      ['checked-out', 'checked-out', expect.stringMatching(/^C07.*member left the case$/)],
    ]);
    await handle.terminate('scenario done');
  });
});
