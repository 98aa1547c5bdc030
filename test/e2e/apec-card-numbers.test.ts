import request from 'supertest';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { addDays, shanghaiDate } from '@df/domain';
import {
  completeStepUpdate,
  decideStepUpdate,
  delegationWorkflowId,
  progressQuery,
  type Actor,
  type DelegationProgress,
  type StepProgress,
} from '@df/contracts';
import { ApecRepository, RegistriesRepository } from '@df/persistence';
import { dataOf, drive } from '../support/drive';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import { bearer, createTestUsers, startTestApi, uniqueSuffix, type TestApi, type TestUsers } from '../support/api-harness';
import { actor, enterpriseUnit, fixtureUnitNames, uniqueBirthDate } from '../support/factories';

const today = () => shanghaiDate(Date.now());

/**
 * How drive() acts on a card case: the enterprise clerk as one of `unit`, an approval approved, K05's pre-clearance
 * granted, K06 a number of its own, any other task with what it requires (dataOf).
 */
const actAs = (unit: string) => (handle: WorkflowHandle, s: StepProgress, by: Actor) => {
  const who = by.role === 'enterprise-clerk' ? actor('enterprise-clerk', unit) : by;
  const base = { requestId: randomUUID(), actor: who, stepKey: s.key };
  if (s.kind === 'approval') return handle.executeUpdate(decideStepUpdate, { args: [{ ...base, decision: 'approve' }] });
  return handle.executeUpdate(completeStepUpdate, { args: [{ ...base, ...dataOf(s.code) }] });
};

const awaiting = (key: string) => (p: DelegationProgress) =>
  p.steps.some((s) => s.key === key && (s.status === 'awaiting' || s.status === 'overdue'));

/**
 * K06's card number across card applications (fresh trial: two cases completed K06 with one number at once; both were
 * accepted, one K07 registered the card and the other blocked for ever, its case only cancellable): a number is held
 * for its case's member from the moment the API accepts it (apec_card_number_claims), the rival refused 422
 * `data.cardNumber` `card-holder` before anything is sent.
 */
describe('APEC card numbers held across cases from K06 (apec_card_number_claims)', () => {
  let worker: TestWorker;
  let api: TestApi;
  let ent: TestUsers;
  let registries: RegistriesRepository;
  let apec: ApecRepository;
  const system = { id: 'test', role: 'system' };

  const person = (personId: string, name: string) =>
    registries.putPerson(
      {
        personId,
        unit: ent.unit,
        name,
        gender: 'male',
        dateOfBirth: uniqueBirthDate(),
        rank: 'division',
        position: '经理',
        partyMember: false,
        classifiedAccess: false,
        leadershipTeam: null,
        status: 'active',
      },
      system,
    );

  /** A card application for one new person of the enterprise; `toK06`: driven until its K06:m1 awaits the desk. */
  const application = async (name: string, toK06 = true): Promise<{ caseId: string; personId: string }> => {
    const personId = `${ent.unit}-${uniqueSuffix()}`;
    await person(personId, name);
    const { caseId } = (
      await request(api.http)
        .post('/api/apec/applications')
        .set(bearer(ent.tokens['enterprise-clerk']))
        .set('Idempotency-Key', randomUUID())
        .send({ personIds: [personId], economies: ['JP'], neededBy: addDays(today(), 60) })
        .expect(201)
    ).body as { caseId: string };
    if (toK06)
      await drive(worker.client.workflow.getHandle(delegationWorkflowId(caseId)), ent.unit, {
        onSchedule: false,
        act: actAs(ent.unit),
        until: awaiting('K06:m1'),
      });
    return { caseId, personId };
  };

  const issue = (caseId: string, cardNumber: string, key: string = randomUUID()) =>
    request(api.http)
      .post(`/api/delegations/${caseId}/steps/K06:m1/complete`)
      .set(bearer(ent.tokens['apec-desk']))
      .set('Idempotency-Key', key)
      .send({ data: { cardNumber } });

  /** The card K07 registered under `number` (waits for the registration). */
  const registered = (number: string) =>
    eventually(
      () => apec.card(number),
      (c) => c !== null,
    );

  const k07 = async (caseId: string) =>
    (await worker.client.workflow.getHandle(delegationWorkflowId(caseId)).query(progressQuery)).steps.find((s) => s.key === 'K07:m1');

  const cardNumber = (tag: string) => `CN${tag}${Date.now()}${Math.floor(Math.random() * 1e4)}`;

  beforeAll(async () => {
    worker = await startTestWorker();
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 1 });
    ent = await createTestUsers(api, `ent-${uniqueSuffix()}`, { enterprise: true });
    const db = api.app.get(DataSource);
    registries = new RegistriesRepository(db);
    apec = new ApecRepository(db);
    await registries.putUnit(enterpriseUnit(ent.unit, fixtureUnitNames(ent.unit, '测试企业', 'Test Co.')), system);
    await request(api.http)
      .put(`/api/apec/enterprises/${ent.unit}`)
      .set(bearer(ent.tokens['apec-desk']))
      .send({ ownership: 'state', size: 'medium' })
      .expect(200);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it('two cases completing K06 with one number at once: exactly one 200, the other 422 data.cardNumber card-holder; the winner K07 registers the card', async () => {
    const [a, b] = await Promise.all([application('孙八'), application('周九')]);
    const number = cardNumber('A');
    const answers = await Promise.all([issue(a.caseId, number), issue(b.caseId, number)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 422]);
    const winner = answers[0]!.status === 200 ? a : b;
    const loser = winner === a ? b : a;
    const refused = answers.find((r) => r.status === 422)!.body;
    expect(refused).toMatchObject({
      code: 'INVALID_REQUEST',
      errors: [
        expect.objectContaining({
          field: 'data.cardNumber',
          rule: 'card-holder',
          message: { zh: expect.stringContaining('另一在办'), en: expect.stringMatching(/another open card application/i) },
        }),
      ],
    });
    // The other case and person are not named.
    expect(JSON.stringify(refused)).not.toContain(winner.caseId);
    expect(JSON.stringify(refused)).not.toContain(winner.personId);
    // The winner's K07 registers the card for its applicant.
    expect(await registered(number)).toMatchObject({ number, holder: winner.personId, caseId: winner.caseId, status: 'valid' });
    await eventually(
      () => k07(winner.caseId),
      (s) => s?.status === 'done',
    );
    // The loser is not wedged: its K06 awaits a correct number, and its K07 registers that card.
    // Typed with an input method's full-width forms by an API client: the card's number (folded before the checks).
    const other = cardNumber('B');
    await issue(loser.caseId, [...other].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('')).expect(200);
    expect(await registered(other)).toMatchObject({ holder: loser.personId, caseId: loser.caseId });
    await eventually(
      () => k07(loser.caseId),
      (s) => s?.status === 'done',
    );
  }, 240_000);

  it('a number one case was given at K06 is refused to another after it (registered or not yet), freed by a refused completion and by its case closing', async () => {
    const [c, d, e] = await Promise.all([application('吴十'), application('郑一'), application('王二')]);
    // Sequential: C's K06 accepted, then D's with the same number (C's K07 registered or not yet).
    const n1 = cardNumber('C');
    const key = randomUUID();
    await issue(c.caseId, n1, key).expect(200);
    // C's retry with the same Idempotency-Key answers as it did (its own claim).
    expect((await issue(c.caseId, n1, key).expect(200)).body).toMatchObject({ requestId: key });
    const seq = await issue(d.caseId, n1).expect(422);
    expect(seq.body.errors).toEqual([expect.objectContaining({ field: 'data.cardNumber', rule: 'card-holder' })]);
    expect(await registered(n1)).toMatchObject({ holder: c.personId, caseId: c.caseId });

    // Held before its registration: E's K06 holds n2 (accepted, K07 not yet registered: the claim as the API takes
    // it), and the registry has no card n2; D is refused it all the same (before: accepted, and one K07 blocked).
    const n2 = cardNumber('E');
    expect(await apec.claimCardNumber(n2, { caseId: e.caseId, stepKey: 'K06:m1', memberId: 'm1', requestId: randomUUID() })).toBeNull();
    expect(await apec.card(n2)).toBeNull();
    const held = await issue(d.caseId, n2).expect(422);
    expect(held.body.errors).toEqual([
      expect.objectContaining({
        field: 'data.cardNumber',
        rule: 'card-holder',
        message: expect.objectContaining({ en: expect.stringMatching(/another open card application/i) }),
      }),
    ]);

    // A completion the workflow refuses frees the number it held: F's K06 is not offered yet (409), and n3 is no one's.
    const f = await application('冯三', false);
    const n3 = cardNumber('F');
    const early = await issue(f.caseId, n3);
    expect([early.status, early.body.code]).toEqual([409, expect.any(String)]);
    const rows = (await api.app
      .get(DataSource)
      .query(`SELECT case_id FROM apec_card_number_claims WHERE card_number = $1`, [n3])) as unknown[];
    expect(rows).toEqual([]);

    // E's case closes (the desk cancels it): its number is free, D takes it and D's K07 registers it.
    await request(api.http)
      .post(`/api/delegations/${e.caseId}/cancel`)
      .set(bearer(ent.tokens['apec-desk']))
      .send({ reason: '测试 / test' })
      .expect(200);
    await eventually(
      async () =>
        ((await api.app.get(DataSource).query(`SELECT status FROM cases WHERE case_id = $1`, [e.caseId])) as Array<{ status: string }>)[0]
          ?.status,
      (s) => s === 'cancelled',
    );
    await issue(d.caseId, n2).expect(200);
    expect(await registered(n2)).toMatchObject({ holder: d.personId, caseId: d.caseId });
    await eventually(
      () => k07(d.caseId),
      (s) => s?.status === 'done',
    );
    await request(api.http)
      .post(`/api/delegations/${f.caseId}/cancel`)
      .set(bearer(ent.tokens['apec-desk']))
      .send({ reason: '测试 / test' })
      .expect(200);
  }, 240_000);
});
