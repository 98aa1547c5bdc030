import request from 'supertest';
import { actOn, waitForStep } from '../support/api-flow';
import { bearer, canonicalSubmission } from '../support/api-harness';
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
    const typed = (departureDate: string, returnDate: string, rank: string) => {
      const body = canonicalSubmission(users.unit, { title });
      const m = body.members[0]!;
      return {
        ...body,
        departureDate,
        returnDate,
        destinations: body.destinations.map((d) => ({ ...d, arrive: departureDate, leave: returnDate })),
        members: [{ ...m, name: '周九', rank, position: '科员', passport: { ...m.passport, inCustody: false, number } }],
      };
    };
    const submit = (body: object) => request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(body);
    await submit(typed('2027-06-07', '2027-06-11', 'staff')).expect(201);
    const caseId = (await submit(typed('2027-12-06', '2027-12-10', 'staff')).expect(201)).body.caseId as string;
    const token = users.tokens.organizer;
    for (const key of ['A02', 'A06']) {
      const p = await waitForStep(api, token, caseId, key, ['awaiting']);
      expect(
        (
          await actOn(
            api,
            users,
            caseId,
            p.steps.find((s) => s.key === key)!,
          )
        ).status,
      ).toBe(200);
    }
    await waitForStep(api, token, caseId, 'A08:m1', ['done']);
    const member = typed('2027-12-06', '2027-12-10', 'division').members[0]!;
    await request(api.http)
      .post(`/api/delegations/${caseId}/amend`)
      .set(bearer(token))
      .send({ changes: { members: [{ ...member, id: 'm1', position: '处长' }] }, comment: '职级更正' })
      .expect(200);
    await waitForStep(api, token, caseId, 'A08:m1', ['blocked']);

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
