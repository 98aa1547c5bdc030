import request from 'supertest';
import { actionable, actOn, getProgress, waitForStep } from '../support/api-flow';
import { bearer, canonicalSubmission } from '../support/api-harness';
import { startStack, type Stack } from './support';

/**
 * Trial: the office's intake clerk drafted A02 for the organizer (帮代办), so separation of duties keeps them from
 * deciding B02. Their inbox and the case page list B02 with the reason in place of the decide button, so they hand it on.
 */
describe('the inbox says which steps its user may not decide', () => {
  let stack: Stack;
  const title = `代办受理团组 ${Date.now().toString(36)}`;

  beforeAll(async () => {
    stack = await startStack(60);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('B02 of a case the clerk acted on for the organizer: the reason, no decide button', async () => {
    const { api, users } = stack;
    const caseId: string = (
      await request(api.http)
        .post('/api/delegations')
        .set(bearer(users.tokens.organizer))
        .send(canonicalSubmission(users.unit, { title }))
        .expect(201)
    ).body.caseId;
    await waitForStep(api, users.tokens.organizer, caseId, 'A02', ['awaiting', 'overdue']);
    await request(api.http)
      .post(`/api/delegations/${caseId}/steps/A02/complete`)
      .set(bearer(users.tokens['fao-clerk']))
      .send({ comment: '外办代为起草', onBehalfOf: users.usernames.organizer })
      .expect(200);
    for (let round = 0; round < 60; round++) {
      const p = await getProgress(api, users.tokens.organizer, caseId);
      if (['awaiting', 'overdue'].includes(p.steps.find((s) => s.key === 'B02')?.status ?? '')) break;
      const ready = actionable(p).filter((s) => s.phase === 'prepare' || s.code === 'B01');
      for (const step of ready) expect([step.key, (await actOn(api, users, caseId, step)).status]).toEqual([step.key, 200]);
      if (ready.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    await waitForStep(api, users.tokens.organizer, caseId, 'B02', ['awaiting', 'overdue']);

    const page = await stack.pageAs('fao-clerk');
    const row = page.locator('tr', { hasText: title }).filter({ hasText: 'B02' });
    const deadline = Date.now() + 60_000;
    for (;;) {
      await page.goto('/inbox');
      try {
        await row.getByTestId('blocked-for-B02').waitFor({ timeout: 3000 });
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
      }
    }
    expect(await row.getByTestId('blocked-for-B02').innerText()).toBe(
      `不得审批本人报送的案件（${users.usernames['fao-clerk']} 是本案的报送人或经办人）`,
    );
    expect(await row.getByTestId('act-B02').count()).toBe(0);

    // The case page's actions say the same, from the same inbox item: no button that would meet the 403.
    await page.goto(`/cases/${caseId}`);
    const actions = page.getByTestId('case-actions');
    await actions.getByTestId('blocked-for-B02').waitFor({ timeout: 30_000 });
    expect(await actions.getByTestId('blocked-for-B02').innerText()).toContain(
      `不得审批本人报送的案件（${users.usernames['fao-clerk']} 是本案的报送人或经办人）`,
    );
    expect(await actions.getByTestId('act-B02').count()).toBe(0);
  });
});
