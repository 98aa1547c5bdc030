import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { amendUpdate, delegationWorkflowId, progressQuery } from '@df/contracts';
import { actor } from '../support/factories';
import { throughA08, waitForStep } from '../support/api-flow';
import { bearer, typedTrip } from '../support/api-harness';
import { startStack, type Stack } from './support';

/**
 * Trial: a case held by the frequency rule (A08 blocked: the person's other open case is a planned trip) showed only an
 * orange A08 node and an unchanged slack; nobody could tell why it stopped. The case page lists each held step with
 * what holds it.
 */
describe('the case page says which steps are held and why', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack(60);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('A08 blocked after the member was amended to division rank: the page names A08 and the planned trip', async () => {
    const { api, users } = stack;
    const number = `EN${String(Date.now()).slice(-7)}`;
    const title = `受阻团组 ${Date.now().toString(36)}`;
    const member = { name: '周九', rank: 'staff', passportNumber: number };
    const trip = (departureDate: string, returnDate: string, rank = 'staff') =>
      typedTrip(users.unit, departureDate, returnDate, { ...member, rank });
    const submit = (body: object) =>
      request(api.http)
        .post('/api/delegations')
        .set(bearer(users.tokens.organizer))
        .send({ ...body, title });
    await submit(trip('2027-06-07', '2027-06-11')).expect(201);
    const caseId = (await submit(trip('2027-12-06', '2027-12-10')).expect(201)).body.caseId as string;
    await throughA08(api, users, caseId);
    // The API refuses this amendment as it would the submission (FREQUENCY_EXCEEDED); a client of the workflow's own
    // (the Temporal CLI) that bypasses it meets A08, which blocks the case: the page says so.
    const handle = stack.worker.client.workflow.getHandle(delegationWorkflowId(caseId));
    const held0 = (await handle.query(progressQuery)).facts!.members[0]!;
    await handle.executeUpdate(amendUpdate, {
      args: [{ requestId: randomUUID(), actor: actor('organizer', users.unit), changes: { members: [{ ...held0, rank: 'division' }] } }],
    });
    await waitForStep(api, users.tokens.organizer, caseId, 'A08:m1', ['blocked']);

    const page = await stack.pageAs('organizer');
    await page.goto(`/cases/${caseId}`);
    const held = page.getByTestId('case-blocked');
    await held.waitFor({ timeout: 30_000 });
    expect(await held.innerText()).toContain('以下步骤受阻');
    expect(await page.getByTestId('blocked-step-A08:m1').innerText()).toBe(
      'A08:m1 规则校验：出访频次：周九（县处级）12个月内已出访0次，另有已申报出访1次（2027-06-07出发），限1次',
    );
  });
});
