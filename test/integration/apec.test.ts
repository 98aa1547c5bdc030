import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { WorkflowHandle } from '@temporalio/client';
import {
  addDays,
  addMonths,
  APEC_CARD_DEFINITION,
  cardApplicationFacts,
  DEFAULT_DEFINITION,
  makeMember,
  shanghaiDate,
  type CardApplicant,
} from '@df/domain';
import {
  apecRenewalWorkflowId,
  apecReviewWorkflowId,
  completeStepUpdate,
  decideStepUpdate,
  delegationWorkflowId,
  progressQuery,
  requiredTaskData,
  type Actor,
  type DelegationInput,
  type DelegationProgress,
  type StepProgress,
} from '@df/contracts';
import { ApecRepository, NotificationEntity, RegistriesRepository } from '@df/persistence';
import { startReviewReminder } from '../../apps/api/src/apec/review-reminder';
import { stopCardApplications } from '../../apps/api/src/apec/stop-applications';
import { rejectionOf } from '../../apps/api/src/delegations/temporal-errors';
import { drive } from '../support/drive';
import { actor, caseInput, enterpriseUnit, fixtureUnitNames, uniqueBirthDate } from '../support/factories';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';

/**
 * Issue 17 on the real servers: the APEC business travel card application runs on the same `delegation`
 * workflow and engine as the 审护签 chain, with its own definition; the whitelist, the cards registry and the
 * renewal timer around it; and a delegation member's card in the chain's D01.
 */
describe('APEC business travel cards (issue 17)', () => {
  let worker: TestWorker;
  let apec: ApecRepository;
  let registries: RegistriesRepository;
  let db: DataSource;
  const system = { id: 'test', role: 'system' };
  const today = shanghaiDate(Date.now());

  beforeAll(async () => {
    worker = await startTestWorker();
    db = worker.app.get(DataSource);
    apec = new ApecRepository(db);
    registries = new RegistriesRepository(db);
  });
  afterAll(async () => {
    await worker?.stop();
  });

  /** A registered enterprise (a unit with its roster of `n` people) of this ownership and size. */
  async function enterprise(ownership: 'state' | 'non-state', size: 'large' | 'medium' | 'small' | 'micro', n = 2) {
    const unit = `ent-${randomUUID().slice(0, 8)}`;
    await registries.putUnit(enterpriseUnit(unit, fixtureUnitNames(unit, '测试贸易有限公司', 'Test Trading Co.')), system);
    await apec.putEnterprise({ unit, ownership, size });
    const applicants: CardApplicant[] = [];
    for (let i = 0; i < n; i++) {
      const personId = `${unit}-p${i + 1}`;
      await registries.putPerson(
        {
          personId,
          unit,
          name: `申请人${i + 1}`,
          gender: 'female',
          // Each enterprise's 申请人1 another person (one person once on the rosters).
          dateOfBirth: uniqueBirthDate(),
          rank: 'staff',
          position: '业务经理',
          partyMember: false,
          classifiedAccess: false,
          leadershipTeam: null,
          status: 'active',
        },
        system,
      );
      applicants.push({ personId, name: `申请人${i + 1}`, position: '业务经理', rank: 'staff' });
    }
    return { unit, applicants };
  }

  async function startApplication(
    unit: string,
    applicants: CardApplicant[],
    economies: string[],
    /** A renewal: the first applicant's current card, as the API puts it in the case data (Member.apecCard). */
    renews?: { number: string; expiresOn: string; economies: string[] },
    definition = APEC_CARD_DEFINITION,
  ): Promise<WorkflowHandle> {
    const facts = cardApplicationFacts({
      unit,
      enterpriseName: fixtureUnitNames(unit, '测试贸易有限公司').zh,
      applicants,
      economies,
      neededBy: addDays(today, 90),
    });
    if (renews) facts.members[0] = { ...facts.members[0]!, apecCard: renews };
    const input: DelegationInput = {
      caseId: randomUUID(),
      facts,
      definition,
      workingDaySeconds: 1,
      submittedBy: actor('enterprise-clerk', unit),
      submittedAt: new Date().toISOString(),
    };
    return worker.client.workflow.start('delegation', {
      taskQueue: worker.config.taskQueue,
      workflowId: delegationWorkflowId(input.caseId),
      args: [input],
    });
  }

  /** The card roles act: the enterprise clerk for its own unit, the APEC desk for the FAO; `data` per step code. */
  const act =
    (unit: string, data: (s: StepProgress) => Record<string, unknown> | undefined = () => undefined) =>
    (handle: WorkflowHandle, s: StepProgress, by: Actor) => {
      const who = by.role === 'enterprise-clerk' ? actor('enterprise-clerk', unit) : by;
      const base = { requestId: randomUUID(), actor: who, stepKey: s.key };
      // The step's own data, else what it requires of any completion (K05's outcome: granted).
      const d = data(s) ?? requiredTaskData(s.code);
      return s.kind === 'approval'
        ? handle.executeUpdate(decideStepUpdate, { args: [{ ...base, decision: 'approve' }] })
        : handle.executeUpdate(completeStepUpdate, { args: [{ ...base, ...(d ? { data: d } : {}) }] });
    };

  it('a non-state small enterprise is admitted under the lowered threshold; a medium one with the same figures is refused', async () => {
    const application = { registeredCapitalWan: 150, foreignTradeUsd: 200_000, taxCreditGrade: 'B' as const, creditRecordClean: true };
    const small = await enterprise('non-state', 'small', 0);
    const admitted = await apec.applyForWhitelist(small.unit, application, 'apec-desk.fao', today);
    expect(admitted.admitted).toBe(true);
    expect(admitted.enterprise.whitelist).toMatchObject({
      state: 'admitted',
      reviewDueOn: `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`,
    });

    const medium = await enterprise('non-state', 'medium', 0);
    const refused = await apec.applyForWhitelist(medium.unit, application, 'apec-desk.fao', today);
    expect(refused.admitted).toBe(false);
    expect(refused.failures.map((f) => f.criterion)).toEqual(['registeredCapitalWan', 'foreignTradeUsd']);
    expect(refused.enterprise.whitelist).toBeNull();
    const history = await apec.whitelistHistory(medium.unit);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      action: 'refused',
      detail: { thresholds: { registeredCapitalWan: 500, foreignTradeUsd: 500_000 } },
    });

    // The history keeps every move: suspended, lifted, exited with its reason, re-admitted.
    await apec.moveWhitelist(small.unit, 'suspend', { actorId: 'apec-desk.fao', today, note: '年审材料逾期' });
    await apec.moveWhitelist(small.unit, 'lift', { actorId: 'apec-desk.fao', today });
    await apec.moveWhitelist(small.unit, 'exit', { actorId: 'apec-desk.fao', today, reason: 'enterprise-request' });
    // Refused with the state and the move by their labels (new-user trial: "exited" in the Chinese text).
    await expect(apec.moveWhitelist(small.unit, 'suspend', { actorId: 'apec-desk.fao', today })).rejects.toMatchObject({
      code: 'WHITELIST_TRANSITION',
      label: { zh: '白名单状态为已退出，不能暂停', en: 'The whitelist state is Exited: cannot suspend' },
    });
    await apec.moveWhitelist(small.unit, 'readmit', { actorId: 'apec-desk.fao', today });
    expect((await apec.whitelistHistory(small.unit)).map((h) => [h.action, h.toState, h.reason])).toEqual([
      ['admitted', 'admitted', null],
      ['suspended', 'suspended', null],
      ['lifted', 'admitted', null],
      ['exited', 'exited', 'enterprise-request'],
      ['re-admitted', 'admitted', null],
    ]);
  });

  it('a card application runs to issue with pre-clearance for three economies; the cards carry the economies cleared', async () => {
    const { unit, applicants } = await enterprise('state', 'large', 2);
    const handle = await startApplication(unit, applicants, ['JP', 'KR', 'SG']);
    const first = await handle.query(progressQuery);
    // The same engine: applicants per member, economies per country, each economy with its own pre-clearance days.
    expect(first.definitionVersion).toBe(APEC_CARD_DEFINITION.version);
    const pre = first.steps.filter((s) => s.code === 'K05');
    expect(pre.map((s) => [s.key, s.durationWd])).toEqual([
      ['K05:JP', 20],
      ['K05:KR', 15],
      ['K05:SG', 10],
    ]);
    expect(first.steps.filter((s) => s.code === 'K01').map((s) => s.key)).toEqual(['K01:m1', 'K01:m2']);

    const validUntil = addDays(addMonths(today, 6), 3);
    const number = `CHN${String(Date.now()).slice(-9)}`;
    const done = await drive(handle, unit, {
      onSchedule: false,
      act: act(unit, (s) =>
        // Korea refuses the second applicant; the first applicant's card number and validity are the card office's.
        s.key === 'K05:KR'
          ? { outcome: 'refused', members: ['m2'] }
          : s.key === 'K06:m1'
            ? { cardNumber: number, issuedOn: today, validUntil }
            : undefined,
      ),
    });
    expect(done.status).toBe('completed');
    const cards = await apec.cards({ unit });
    expect(cards.map((c) => [c.holder, c.economies, c.status])).toEqual([
      [applicants[0]!.personId, ['JP', 'KR', 'SG'], 'valid'],
      [applicants[1]!.personId, ['JP', 'SG'], 'valid'],
    ]);
    const mine = cards.find((c) => c.holder === applicants[0]!.personId)!;
    expect(mine).toMatchObject({ number, issuedOn: today, validUntil });
    // Without the office's dates the card is valid 5 years from issue (to the day before the anniversary).
    const other = cards.find((c) => c.holder === applicants[1]!.personId)!;
    expect(other.validUntil).toBe(addDays(addMonths(other.issuedOn, 60), -1));
    expect(done.steps.find((s) => s.key === 'K07:m1')!.data).toMatchObject({ economies: ['JP', 'KR', 'SG'], validUntil });

    // The renewal timer runs for each card; 3 days short of the 6 months, renewal is not open yet.
    const timer = await worker.client.workflow.getHandle(apecRenewalWorkflowId(number)).describe();
    expect(timer.status.name).toBe('RUNNING');
    expect((await apec.card(number))!.status).toBe('valid');
  });

  it('a card no economy cleared is not issued: the member every economy refused leaves the case; all refused, the case fails', async () => {
    // Handed input (trial): JP and KR both refused the second applicant, and K06/K07 still issued and registered a
    // valid card with no economy for them.
    const { unit, applicants } = await enterprise('state', 'large', 2);
    const refuseM2 = (s: StepProgress) => (s.code === 'K05' ? { outcome: 'refused', members: ['m2'] } : undefined);
    const done = await drive(await startApplication(unit, applicants, ['JP', 'KR']), unit, { onSchedule: false, act: act(unit, refuseM2) });
    expect(done.status).toBe('completed');
    expect(done.withdrawnMembers).toEqual([{ memberId: 'm2', reason: 'refused-everywhere:K05' }]);
    expect(done.steps.filter((s) => s.key.endsWith(':m2') && (s.code === 'K06' || s.code === 'K07')).map((s) => s.status)).toEqual([
      'withdrawn',
      'withdrawn',
    ]);
    expect((await apec.cards({ unit })).map((c) => [c.holder, c.economies])).toEqual([[applicants[0]!.personId, ['JP', 'KR']]]);

    // While the case is open, the applicant who left it is claimed no more (applies again at once); the other still is.
    const open = await enterprise('state', 'large', 2);
    const running = await startApplication(open.unit, open.applicants, ['JP', 'KR']);
    const runningId = (await running.query(progressQuery)).caseId;
    const [p1, p2] = open.applicants.map((a) => a.personId) as [string, string];
    await expect(apec.claimApplication(runningId, [p1, p2])).resolves.toEqual({ claimed: true });
    await drive(running, open.unit, {
      onSchedule: false,
      act: act(open.unit, refuseM2),
      skip: (s) => s.code === 'K06',
      until: (p) => p.withdrawnMembers.length === 1,
    });
    await eventually(
      async () => (await db.query(`SELECT person_key FROM case_members WHERE case_id = $1`, [runningId])) as Array<{ person_key: string }>,
      (rows) => rows.length > 0 && rows.every((r) => r.person_key !== p2),
    );
    await expect(apec.claimApplication(randomUUID(), [p2])).resolves.toEqual({ claimed: true });
    await expect(apec.claimApplication(randomUUID(), [p1])).resolves.toMatchObject({ claimed: false });
    await running.terminate('test done');

    // Every economy refused everyone (no members named): the case fails, no card is registered.
    const none = await enterprise('state', 'large', 2);
    const failed = await drive(await startApplication(none.unit, none.applicants, ['JP', 'KR']), none.unit, {
      onSchedule: false,
      act: act(none.unit, (s) => (s.code === 'K05' ? { outcome: 'refused' } : undefined)),
    });
    expect(failed.status).toBe('failed');
    expect(await apec.cards({ unit: none.unit })).toEqual([]);

    // A renewal whose holder every economy refused: the case completes for the other applicant, the renewed card stays
    // valid (not replaced), and its renewal claim lapses with the case, so the card may be renewed again.
    const renewing = await enterprise('state', 'large', 2);
    const oldCard = `CHK${String(Date.now()).slice(-9)}`;
    const oldUntil = addDays(today, 60);
    const holder = renewing.applicants[0]!.personId;
    await apec.registerCard({
      number: oldCard,
      holder,
      unit: renewing.unit,
      economies: ['JP'],
      issuedOn: addMonths(oldUntil, -60),
      validUntil: oldUntil,
      caseId: null,
    });
    const renewal = await startApplication(renewing.unit, renewing.applicants, ['JP', 'KR'], {
      number: oldCard,
      expiresOn: oldUntil,
      economies: ['JP'],
    });
    const renewalId = (await renewal.query(progressQuery)).caseId;
    await expect(apec.claimApplication(renewalId, [holder, renewing.applicants[1]!.personId], { renewsCard: oldCard })).resolves.toEqual({
      claimed: true,
    });
    const refuseHolder = (s: StepProgress) => (s.code === 'K05' ? { outcome: 'refused', members: ['m1'] } : undefined);
    expect((await drive(renewal, renewing.unit, { onSchedule: false, act: act(renewing.unit, refuseHolder) })).status).toBe('completed');
    expect(await apec.card(oldCard)).toMatchObject({ status: 'valid', replacedBy: null });
    await eventually(
      async () => ((await db.query(`SELECT status FROM cases WHERE case_id = $1`, [renewalId])) as Array<{ status: string }>)[0]?.status,
      (status) => status === 'completed',
    );
    await expect(apec.claimApplication(randomUUID(), [holder], { renewsCard: oldCard })).resolves.toEqual({ claimed: true });

    // A case started on the definition before the rule (K05 without 'member-everywhere', as its input carries it) still
    // offers the member's K06: K07 registers nothing for them, and says so.
    const before = {
      ...APEC_CARD_DEFINITION,
      steps: APEC_CARD_DEFINITION.steps.map((s) => (s.code === 'K05' ? { ...s, behaviour: { data: 'external-outcome' as const } } : s)),
    };
    const old = await enterprise('state', 'large', 2);
    const ran = await drive(await startApplication(old.unit, old.applicants, ['JP', 'KR'], undefined, before), old.unit, {
      onSchedule: false,
      act: act(old.unit, refuseM2),
    });
    expect(ran.status).toBe('completed');
    expect(ran.steps.find((s) => s.key === 'K07:m2')).toMatchObject({ status: 'done', data: { economies: [] } });
    expect((await apec.cards({ unit: old.unit })).map((c) => c.holder)).toEqual([old.applicants[0]!.personId]);
  });

  it('an exit leaves a case whose card is registered to hand it over, and a registration after the exit registers nothing', async () => {
    const { unit, applicants } = await enterprise('non-state', 'micro', 2);
    await apec.applyForWhitelist(
      unit,
      { registeredCapitalWan: 30, foreignTradeUsd: 60_000, taxCreditGrade: 'A', creditRecordClean: true },
      'apec-desk.fao',
      today,
    );
    // Case A: the first applicant's card registered (K07:m1 done), the second's not yet; case B: before any card.
    const a = await startApplication(unit, [applicants[0]!, applicants[1]!], ['SG']);
    const stopAt = (key: string) => (p: DelegationProgress) => p.steps.some((s) => s.key === key && s.status === 'done');
    const registeredA = await drive(a, unit, {
      onSchedule: false,
      act: act(unit),
      skip: (s) => s.key === 'K06:m2',
      until: stopAt('K07:m1'),
    });
    const caseA = registeredA.caseId;
    const other = await enterprise('non-state', 'micro', 1);
    const b = await startApplication(unit, other.applicants, ['SG']);
    const caseB = (await b.query(progressQuery)).caseId;
    await eventually(
      () => apec.openApplications(unit),
      (r) => r.open.length === 1 && r.registered.length === 1,
    );

    await apec.moveWhitelist(unit, 'exit', { actorId: 'apec-desk.fao', today, reason: 'violation' });
    // Read after the exit: A is past stopping (its card is issued and stays valid), B is stopped.
    expect(await apec.openApplications(unit)).toEqual({ open: [caseB], registered: [caseA] });
    await apec.recordKeptCases(unit, [caseA]);
    expect((await apec.whitelistHistory(unit)).at(-1)).toMatchObject({ action: 'exited', detail: { keptCases: [caseA] } });
    // A registration racing the exit: a case with no card yet registers none (the exit stops it) ...
    const fresh = {
      holder: other.applicants[0]!.personId,
      unit,
      economies: ['SG'],
      issuedOn: today,
      validUntil: addDays(addMonths(today, 60), -1),
    };
    await expect(apec.registerCard({ ...fresh, number: `CHX${String(Date.now()).slice(-9)}`, caseId: caseB })).resolves.toEqual({
      exited: true,
    });
    expect(await apec.cards({ caseId: caseB })).toEqual([]);
    // ... and the kept case registers its other applicant's card and is handed over.
    const handed = await drive(a, unit, { onSchedule: false, act: act(unit) });
    expect(handed.status).toBe('completed');
    expect((await apec.cards({ caseId: caseA })).map((c) => [c.holder, c.status])).toEqual([
      [applicants[0]!.personId, 'valid'],
      [applicants[1]!.personId, 'valid'],
    ]);
    await b.terminate('test done');
  });

  it('a renewal application: its new card, registered at K07, replaces the renewed card (cancelled, the new number on record)', async () => {
    const { unit, applicants } = await enterprise('state', 'large', 1);
    const holder = applicants[0]!.personId;
    const oldNumber = `CHO${String(Date.now()).slice(-9)}`;
    const oldValidUntil = addDays(today, 60);
    await apec.registerCard({
      number: oldNumber,
      holder,
      unit,
      economies: ['JP'],
      issuedOn: addMonths(today, -58),
      validUntil: oldValidUntil,
      caseId: null,
    });
    expect((await apec.openRenewal(oldNumber, new Date()))!.status).toBe('renewal-open');

    const handle = await startApplication(unit, applicants, ['JP', 'SG'], {
      number: oldNumber,
      expiresOn: oldValidUntil,
      economies: ['JP'],
    });
    const newNumber = `CHN${String(Date.now() + 1).slice(-9)}`;
    const done = await drive(handle, unit, {
      onSchedule: false,
      act: act(unit, (s) => (s.key === 'K06:m1' ? { cardNumber: newNumber } : undefined)),
    });
    expect(done.status).toBe('completed');
    // The renewed card stays in the registry (history kept): cancelled, replaced by the new card.
    expect(await apec.card(oldNumber)).toMatchObject({
      status: 'cancelled',
      replacedBy: newNumber,
      statusReason: expect.stringContaining('Replaced by its renewal card'),
      validUntil: oldValidUntil,
    });
    expect(await apec.card(newNumber)).toMatchObject({ holder, status: 'valid', economies: ['JP', 'SG'] });
    expect(done.steps.find((s) => s.key === 'K07:m1')!.data).toMatchObject({
      apecCardNumber: newNumber,
      renewedCardValidUntil: oldValidUntil,
    });
    // Only the new card is usable now.
    expect((await apec.usableCards([holder], today)).get(holder)?.number).toBe(newNumber);
    // A retried K07 of this case changes nothing (idempotent for its own case).
    const stored = (await apec.card(newNumber))!;
    const again = {
      number: newNumber,
      holder,
      unit,
      economies: stored.economies,
      issuedOn: stored.issuedOn,
      validUntil: stored.validUntil,
      caseId: stored.caseId,
    };
    await expect(apec.registerRenewalCard(again, oldNumber)).resolves.toMatchObject({ refused: null, replaced: true });
    // Another case's card for the already-replaced card is refused and not registered: never two new cards.
    const other = `CHN${String(Date.now() + 11).slice(-9)}`;
    await expect(apec.registerRenewalCard({ ...again, number: other, caseId: randomUUID() }, oldNumber)).resolves.toEqual({
      refused: { replacedBy: newNumber },
    });
    expect(await apec.card(other)).toBeNull();
    expect((await apec.card(newNumber))!.status).toBe('valid');

    // A second renewal case for the same card that got past the API (as before the claim table) reaches K07:
    // the step blocks (APEC_CARD_REPLACED) and registers no card, so the holder keeps exactly one valid card.
    const second = await startApplication(unit, applicants, ['JP'], { number: oldNumber, expiresOn: oldValidUntil, economies: ['JP'] });
    const secondNumber = `CHS${String(Date.now() + 2).slice(-9)}`;
    const blocked = await drive(second, unit, {
      onSchedule: false,
      until: (p) => p.steps.some((st) => st.key === 'K07:m1' && st.status === 'blocked'),
      act: act(unit, (st) => (st.key === 'K06:m1' ? { cardNumber: secondNumber } : undefined)),
    });
    expect(blocked.steps.find((st) => st.key === 'K07:m1')!.blockedReason?.en).toContain('already replaced');
    expect(await apec.card(secondNumber)).toBeNull();
    expect((await apec.card(oldNumber))!.replacedBy).toBe(newNumber);
    expect((await apec.cards({ holders: [holder] })).filter((c) => c.status === 'valid').map((c) => c.number)).toEqual([newNumber]);
  });

  it('one card number, one person: K06 refuses the number another applicant was given; K07 registers nothing over another holder’s card', async () => {
    const { unit, applicants } = await enterprise('state', 'large', 2);
    const handle = await startApplication(unit, applicants, ['SG']);
    const number = `CHD${String(Date.now()).slice(-9)}`;
    // The handed input (new-user trial): both applicants given one number at K06 — both K07s said "Card recorded" and
    // the registry held one card. The second K06 is refused at its number.
    let refused: unknown;
    let m1Given = false;
    const blocked = await drive(handle, unit, {
      onSchedule: false,
      until: (p) => refused !== undefined && p.steps.some((st) => st.key === 'K07:m1' && st.status === 'done'),
      act: async (h, st, by) => {
        if (st.key === 'K06:m2') {
          // After m1's number is recorded (the rule reads what the case holds), once.
          if (m1Given && refused === undefined)
            refused = await act(unit, () => ({ cardNumber: ` ${number.toLowerCase()} ` }))(h, st, by).then(
              () => 'applied',
              (err: unknown) => err,
            );
          return undefined;
        }
        if (st.key === 'K06:m1' && !m1Given) {
          // A number the registry cannot hold, or another card than `number` by its spelling, and a card valid until
          // before its issue (new-user trial: 300 characters failed K07 for ever; 2027 → 2026 was registered): refused.
          for (const [data, field, rule] of [
            [{ cardNumber: 'A'.repeat(300) }, 'data.cardNumber', 'format'],
            [{ cardNumber: `${number}\u200b` }, 'data.cardNumber', 'format'],
            [{ cardNumber: number.toLowerCase() }, 'data.cardNumber', 'format'],
            [{ cardNumber: number, issuedOn: today, validUntil: addDays(today, -20) }, 'data.validUntil', 'after-issue'],
            // …valid beyond its 5-year term, or issued before the application (fresh tester: valid until 2099, and one
            // issued and expired in 1990, were registered).
            [{ cardNumber: number, issuedOn: today, validUntil: '2099-12-31' }, 'data.validUntil', 'card-term'],
            [{ cardNumber: number, issuedOn: '1990-01-01' }, 'data.issuedOn', 'after-application'],
          ] as const) {
            const err = await act(unit, () => ({ ...data }))(h, st, by).then(
              () => 'applied',
              (e: unknown) => e,
            );
            expect([field, rejectionOf(err)?.details?.errors?.map((x) => [x.field, x.rule])]).toEqual([field, [[field, rule]]]);
          }
        }
        const done = await act(unit, (x) => (x.key === 'K06:m1' ? { cardNumber: number } : undefined))(h, st, by);
        if (st.key === 'K06:m1') m1Given = true;
        return done;
      },
    });
    expect(rejectionOf(refused)?.details?.errors).toEqual([expect.objectContaining({ field: 'data.cardNumber', rule: 'card-holder' })]);
    expect(blocked.steps.find((st) => st.key === 'K06:m2')!.status).not.toBe('done');
    expect((await apec.cards({ unit })).map((c) => [c.number, c.holder])).toEqual([[number, applicants[0]!.personId]]);

    // A number the registry holds for another person (another case's card): K07 registers nothing for this member and
    // blocks (APEC_CARD_NUMBER_TAKEN) instead of reporting "Card recorded".
    const second = await startApplication(unit, [applicants[1]!], ['SG']);
    const stuck = await drive(second, unit, {
      onSchedule: false,
      until: (p) => p.steps.some((st) => st.key === 'K07:m1' && st.status === 'blocked'),
      act: act(unit, (st) => (st.key === 'K06:m1' ? { cardNumber: number } : undefined)),
    });
    expect(stuck.steps.find((st) => st.key === 'K07:m1')!.blockedReason?.zh).toContain('卡号已在卡片登记簿中登记在他人名下');
    expect((await apec.cards({ unit })).map((c) => [c.number, c.holder])).toEqual([[number, applicants[0]!.personId]]);
  });

  it('renewal opens 6 months before expiry: the card turns renewal-open and the enterprise clerk is notified', async () => {
    const { unit, applicants } = await enterprise('state', 'medium', 1);
    const handle = await startApplication(unit, applicants, ['SG']);
    const number = `CHN${String(Date.now() + 7).slice(-9)}`;
    // The card office's card expires exactly 6 months from today: its renewal opens today.
    const validUntil = addMonths(today, 6);
    const done = await drive(handle, unit, {
      onSchedule: false,
      // Issued today (a card is not issued before its application) with a shorter term than the 5 years at most.
      act: act(unit, (s) => (s.code === 'K06' ? { cardNumber: number, issuedOn: today, validUntil } : undefined)),
    });
    expect(done.status).toBe('completed');
    const card = await eventually(
      () => apec.card(number),
      (c) => c?.status === 'renewal-open',
    );
    expect(card).toMatchObject({ status: 'renewal-open', validUntil });
    const result = await worker.client.workflow.getHandle(apecRenewalWorkflowId(number)).result();
    expect(result).toEqual({ opensOn: today, status: 'renewal-open' });
    const notes = await db.getRepository(NotificationEntity).findBy({ unit, kind: 'apec-renewal' });
    expect(notes.map((n) => [n.role, n.caseId])).toEqual([['enterprise-clerk', done.caseId]]);
  });

  it('the annual review reminder reaches the APEC desk and the enterprise clerk 30 days before the review day', async () => {
    const application = { registeredCapitalWan: 500, foreignTradeUsd: 600_000, taxCreditGrade: 'A' as const, creditRecordClean: true };
    const dueSoon = await enterprise('non-state', 'medium', 0);
    // Admitted a year before (review day = 30 days from today): the reminder goes out today.
    const admittedOn = addMonths(addDays(today, 30), -12);
    const { enterprise: e } = await apec.applyForWhitelist(dueSoon.unit, application, 'apec-desk.fao', admittedOn);
    const dueOn = e.whitelist!.reviewDueOn!;
    expect(dueOn).toBe(addDays(today, 30));
    await startReviewReminder(worker.client, worker.config.taskQueue, dueSoon.unit, dueOn);
    const result = await worker.client.workflow.getHandle(apecReviewWorkflowId(dueSoon.unit, dueOn)).result();
    expect(result).toEqual({ remindOn: today, reminded: true });
    const notes = await db.getRepository(NotificationEntity).findBy({ unit: dueSoon.unit, kind: 'apec-annual-review' });
    expect(notes.map((n) => n.role).sort()).toEqual(['apec-desk', 'enterprise-clerk']);

    // A review day 31 days away: not yet.
    const later = await enterprise('non-state', 'medium', 0);
    const { enterprise: l } = await apec.applyForWhitelist(later.unit, application, 'apec-desk.fao', addMonths(addDays(today, 31), -12));
    await startReviewReminder(worker.client, worker.config.taskQueue, later.unit, l.whitelist!.reviewDueOn!);
    const timer = worker.client.workflow.getHandle(apecReviewWorkflowId(later.unit, l.whitelist!.reviewDueOn!));
    expect((await timer.describe()).status.name).toBe('RUNNING');
    await timer.terminate('test done');
  });

  it("an enterprise's exit from the whitelist stops its open application with the recorded reason", async () => {
    const { unit, applicants } = await enterprise('non-state', 'micro', 1);
    const admitted = await apec.applyForWhitelist(
      unit,
      { registeredCapitalWan: 30, foreignTradeUsd: 60_000, taxCreditGrade: 'A', creditRecordClean: true },
      'apec-desk.fao',
      today,
    );
    expect(admitted.admitted).toBe(true);
    const handle = await startApplication(unit, applicants, ['JP', 'TH']);
    const caseId = (await handle.query(progressQuery)).caseId;
    const { open } = await eventually(
      () => apec.openApplications(unit),
      (ids) => ids.open.length === 1,
    );
    expect(open).toEqual([caseId]);

    await apec.moveWhitelist(unit, 'exit', { actorId: 'apec-desk.fao', today, reason: 'violation', note: '虚假材料' });
    const result = await stopCardApplications(worker.client, open, actor('apec-desk', 'fao'), 'violation', '虚假材料');
    await apec.recordStoppedCases(unit, result.stopped);
    expect(result).toEqual({ stopped: [caseId], failed: [] });

    const p: DelegationProgress = await handle.query(progressQuery);
    expect(p.status).toBe('cancelled');
    expect(await handle.result()).toMatchObject({ status: 'cancelled', reason: expect.stringContaining('a violation') });
    const history = await apec.whitelistHistory(unit);
    expect(history.at(-1)).toMatchObject({ action: 'exited', reason: 'violation', stoppedCases: [caseId] });
    expect(
      await eventually(
        () => apec.openApplications(unit),
        (ids) => ids.open.length === 0,
      ),
    ).toEqual({ open: [], registered: [] });
  });

  it('a delegation member with a valid card skips the visa steps for a cleared economy (the declared visaNeeded condition)', async () => {
    const { unit, applicants } = await enterprise('state', 'large', 1);
    const holder = applicants[0]!.personId;
    await apec.registerCard({
      number: `CHN${String(Date.now() + 11).slice(-9)}`,
      holder,
      unit,
      economies: ['JP'],
      issuedOn: today,
      validUntil: addDays(addMonths(today, 60), -1),
      caseId: null,
    });
    // The member's fact comes from the cards registry, as the API's submission snapshot takes it.
    const card = (await apec.usableCards([holder], today)).get(holder)!;
    const base = caseInput({ unit, workingDaySeconds: 1 });
    const trip = { ...base.facts.destinations[0]!, city: 'Tokyo' };
    const input: DelegationInput = {
      ...base,
      definition: DEFAULT_DEFINITION,
      facts: {
        ...base.facts,
        // One country at a time (LEGS_OVERLAP): Japan first, a same-day transfer to Korea.
        destinations: [
          { ...trip, country: 'JP', leave: addDays(trip.arrive, 2) },
          { ...trip, country: 'KR', city: 'Seoul', arrive: addDays(trip.arrive, 2) },
        ],
        members: [
          makeMember({ personId: holder, apecCard: { number: card.number, expiresOn: card.validUntil, economies: card.economies } }),
        ],
      },
    };
    const handle = await worker.client.workflow.start('delegation', {
      taskQueue: worker.config.taskQueue,
      workflowId: delegationWorkflowId(input.caseId),
      args: [input],
    });
    const statusIn = (p: DelegationProgress, key: string) => p.steps.find((s) => s.key === key)?.status;
    // Drive the chain until Japan's visa steps are passed and Korea's embassy has the file.
    const p = await drive(handle, unit, {
      onSchedule: false,
      until: (q) => statusIn(q, 'D13:m1:JP') === 'skipped' && statusIn(q, 'D12:KR') === 'awaiting',
      skip: (st) => st.key === 'D12:KR',
    });
    const status = (key: string) => statusIn(p, key);
    // Japan (cleared on the card): no visa form, fee, submission or embassy processing; Korea (not cleared): the visa steps wait.
    for (const key of ['D03:m1:JP', 'D04:m1:JP', 'D06:JP', 'D09:JP', 'D12:JP', 'D13:m1:JP'])
      expect([key, status(key)]).toEqual([key, 'skipped']);
    expect(['D03:m1:KR', 'D04:m1:KR', 'D09:KR'].map(status)).toEqual(['done', 'done', 'done']);
    expect(status('D12:KR')).toBe('awaiting');
    // D01 took the APEC route for Japan: the exit certificate (D02) is the visa-free route's step.
    expect(p.routes.m1).toEqual({ JP: 'apec-card', KR: 'visa' });
    expect(status('D02:m1:JP')).toBe('done');
    await handle.terminate('test done');
  });
});
