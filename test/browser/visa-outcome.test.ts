import request from 'supertest';
import { actionable, actOn, getProgress, waitForStep } from '../support/api-flow';
import { bearer, canonicalSubmission, uniquePassportNumber, uniqueSuffix } from '../support/api-harness';
import { startStack, type Stack } from './support';

/**
 * D12, the visa outcome (签证结果), from the visa officer's dialog. Second fresh trial (high): a D12 completed with no
 * outcome counted as granted, and the web's dialog sent none: a trip went on with no visa result and a refusal could
 * not be recorded at all. The dialog asks 获签 or 拒签 (required) and, refused, whom (none chosen: every member).
 */
describe("the visa officer records D12's outcome in the dialog", () => {
  let stack: Stack;
  const title = `签证结果团组 ${Date.now().toString(36)}`;

  beforeAll(async () => {
    stack = await startStack(2);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('no outcome chosen: refused at the field, nothing sent; 拒签 for one member withdraws that member only', async () => {
    const { api, users } = stack;
    const body = canonicalSubmission(users.unit, { title });
    const second = {
      ...body.members[0]!,
      id: 'm2',
      name: `李四-${uniqueSuffix()}`,
      position: '科员',
      rank: 'section',
      partyMember: false,
      leadershipTeam: null,
      passport: { inCustody: true, number: uniquePassportNumber(), expiresOn: '2031-06-30' },
    };
    const caseId: string = (
      await request(api.http)
        .post('/api/delegations')
        .set(bearer(users.tokens.organizer))
        .send({ ...body, members: [...body.members, second] })
        .expect(201)
    ).body.caseId;
    // Every step before D12 approved or completed by its role over the API.
    const deadline = Date.now() + 300_000;
    for (;;) {
      const p = await getProgress(api, users.tokens.organizer, caseId);
      if (['awaiting', 'overdue'].includes(p.steps.find((s) => s.key === 'D12:US')?.status ?? '')) break;
      if (Date.now() > deadline) throw new Error(`D12:US not reached: ${p.steps.filter((s) => s.status === 'awaiting').map((s) => s.key)}`);
      const ready = actionable(p).filter((s) => s.key !== 'D12:US');
      for (const step of ready) expect([step.key, (await actOn(api, users, caseId, step)).status]).toEqual([step.key, 200]);
      if (ready.length === 0) await new Promise((r) => setTimeout(r, 300));
    }

    const page = await stack.pageAs('visa-officer');
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/steps/')) posts.push(r.url());
    });
    const action = page.locator('tr', { hasText: title }).getByTestId('act-D12:US');
    const found = Date.now() + 60_000;
    for (;;) {
      await page.goto('/inbox');
      try {
        await action.first().waitFor({ timeout: 3000 });
        break;
      } catch (e) {
        if (Date.now() > found) throw e;
      }
    }
    await action.first().click();
    const dialog = page.getByRole('dialog');
    const outcome = dialog.locator('.ant-form-item', { has: page.getByText('签证结果', { exact: true }) });
    await outcome.waitFor();
    // Confirmed with no outcome chosen: the field says so, nothing is sent.
    await dialog.getByTestId('confirm').click();
    await outcome.locator('.ant-form-item-explain-error', { hasText: '须选择结果' }).waitFor();
    expect(posts).toEqual([]);
    // 拒签 for 李四 (m2) only.
    await dialog.getByText('拒签', { exact: true }).click();
    await dialog.getByRole('combobox', { name: '被拒成员（不选即全部被拒）' }).click();
    await page.locator('.ant-select-item-option', { hasText: `${second.name}（m2）` }).click();
    // The option list closed by a click on the dialog's title (Escape would close the dialog).
    await dialog.locator('.ant-modal-title').click();
    const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/steps/D12:US/complete'));
    await dialog.getByTestId('confirm').click();
    expect((await sent).postDataJSON()).toMatchObject({ data: { outcome: 'refused', members: ['m2'] } });
    await dialog.waitFor({ state: 'hidden', timeout: 60_000 });

    const after = await waitForStep(api, users.tokens.organizer, caseId, 'D12:US', ['done']);
    expect(after.withdrawnMembers).toEqual([expect.objectContaining({ memberId: 'm2' })]);
    expect(after.facts.members.map((m) => m.id)).toEqual(['m1']);
    expect(after.status).toBe('open');
  }, 420_000);
});
