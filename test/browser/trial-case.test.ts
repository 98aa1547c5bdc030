import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { bearer, canonicalSubmission } from '../support/api-harness';
import { actOn, getProgress, waitForStep } from '../support/api-flow';
import { fillDay, startStack, type Stack } from './support';

/** axe-core on part of the page: no serious or critical violation. */
async function expectAccessible(page: Page, selector: string): Promise<void> {
  const result = await new AxeBuilder({ page }).include(selector).analyze();
  expect(result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
}

/**
 * What a user trial found on the case page and the Users page: public-notice objections (公示异议) nowhere to read
 * or record, the amendment dialog moving dates only, and the administrator offered the changes of their own account
 * the server refuses, with a registry call answered 403 on every load.
 */
describe('trial: objections, the amendment of stops, the Users page', () => {
  let stack: Stack;
  let caseId: string;
  const objection = `公示期间收到来信：团组成员本年度已出访 ${Date.now().toString(36)}`;

  beforeAll(async () => {
    // 30 s a working day: A13's 5-day public notice runs long enough (150 s) to record an objection in the browser.
    stack = await startStack(30);
    const { api, users } = stack;
    caseId = (
      await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(canonicalSubmission(users.unit)).expect(201)
    ).body.caseId;
    // The prepare steps before the notice, as the drivers do them (written-outcome.test.ts).
    for (const key of ['A02', 'A05', 'A06']) {
      const p = await waitForStep(api, users.tokens.organizer, caseId, key, ['awaiting', 'overdue']);
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
    await waitForStep(api, users.tokens.organizer, caseId, 'A13', ['awaiting', 'overdue'], 30_000);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('a unit leader records an objection during the notice; the office reads who, the unit does not; the timeline shows the text', async () => {
    const leader = await stack.pageAs('unit-leader');
    await leader.goto(`/cases/${caseId}`);
    const card = leader.getByTestId('objections');
    await card.getByText('暂无公示异议').waitFor();
    await card.getByTestId('record-objection').click();
    const dialog = leader.getByRole('dialog', { name: '登记异议' });
    await dialog.getByLabel('异议内容').fill(objection);
    await dialog.getByTestId('objection-submit').click();
    await dialog.waitFor({ state: 'hidden' });
    const row = card.locator('tr', { hasText: objection });
    await row.waitFor();
    // Who recorded it is the office's to know: the unit reads 不公开.
    expect(await row.innerText()).toContain('— 不公开');
    // The same text again from the same person: the API's 422 `duplicate`, at the text.
    await card.getByTestId('record-objection').click();
    await dialog.getByLabel('异议内容').fill(objection);
    await dialog.getByTestId('objection-submit').click();
    await dialog.locator('.ant-form-item-explain-error').waitFor();
    expect(await dialog.locator('.ant-form-item-explain-error').innerText()).toMatch(/异议/);
    await dialog.getByRole('button', { name: /取\s*消/ }).click();

    // The FAO clerk reads the text and who recorded it, in the card and on the timeline's 意见 column.
    const clerk = await stack.pageAs('fao-clerk');
    await clerk.goto(`/cases/${caseId}`);
    const office = clerk.getByTestId('objections').locator('tr', { hasText: objection });
    await office.waitFor();
    // By display name, the account beside it (trial 85's kind: the recorder read as an account).
    expect(await office.innerText()).toMatch(new RegExp(`\\S（${stack.users.usernames['unit-leader'].replace(/\./g, '\\.')}）`));
    await clerk.getByTestId('objections').getByTestId('record-objection').waitFor();
    // The timeline lists the latest events first or last: look through its pages for the row.
    const timeline = clerk.locator('.ant-card').filter({ has: clerk.locator('.ant-card-head-title', { hasText: /^办理记录$/ }) });
    for (let i = 0; i < 10 && (await timeline.locator('tr', { hasText: objection }).count()) === 0; i++)
      await timeline.locator('.ant-pagination-next').click();
    expect(await timeline.locator('tr', { hasText: objection }).count()).toBe(1);
    // The forecast's re-plans only when asked for (trial 76: 37 pages, mostly 重新预测): none listed, then every one.
    const replans = timeline.getByTestId('timeline-replans');
    const count = Number(/（(\d+)条）/.exec(await replans.innerText())?.[1]);
    expect(count).toBeGreaterThan(0);
    await timeline.locator('.ant-pagination-item-1').click();
    const rowsOf = async () => {
      const texts: string[] = [];
      for (;;) {
        texts.push(...(await timeline.locator('tbody tr').allInnerTexts()));
        const next = timeline.locator('.ant-pagination-next');
        if ((await next.getAttribute('aria-disabled')) === 'true') return texts;
        await next.click();
      }
    };
    expect((await rowsOf()).filter((r) => r.includes('重新预测'))).toEqual([]);
    await replans.click();
    await timeline.locator('.ant-pagination-item-1').click();
    // (A live refresh may add one meanwhile.)
    expect((await rowsOf()).filter((r) => r.includes('重新预测')).length).toBeGreaterThanOrEqual(count);
    await expectAccessible(clerk, '[data-testid="objections"]');

    // The manager reads every case and records nothing: no 登记异议.
    const manager = await stack.pageAs('manager');
    await manager.goto(`/cases/${caseId}`);
    await manager.getByTestId('objections').locator('tr', { hasText: objection }).waitFor();
    expect(await manager.getByTestId('record-objection').count()).toBe(0);
  });

  it("the amendment moves a stop's days with the trip: a stop left outside is refused at its fields, moved it is saved", async () => {
    const organizer = await stack.pageAs('organizer');
    await organizer.goto(`/cases/${caseId}`);
    await organizer.getByRole('button', { name: '变更行程' }).click();
    const dialog = organizer.getByRole('dialog', { name: '变更行程' });
    await fillDay(dialog.getByLabel('出发日期'), '2027-03-22');
    await fillDay(dialog.getByLabel('回国日期'), '2027-03-26');
    // The stop (03-15..03-19) is now outside the trip: said at its own days, not under the return.
    const arrive = dialog.getByLabel('抵达 · 美国 (US) Houston');
    const leave = dialog.getByLabel('离开 · 美国 (US) Houston');
    await dialog.getByTestId('amend-stop-0').locator('.ant-form-item-explain-error').first().waitFor();
    await fillDay(arrive, '2027-03-22');
    await fillDay(leave, '2027-03-26');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    const p = await getProgress(stack.api, stack.users.tokens.organizer, caseId);
    expect(p.facts.destinations[0]).toMatchObject({ country: 'US', city: 'Houston', arrive: '2027-03-22', leave: '2027-03-26' });
    expect(p.departureDate).toBe('2027-03-22');
  });

  it("the administrator's own row offers no change the server refuses, and the page reads no registry", async () => {
    const admin = await stack.pageAs('admin');
    const forbidden: string[] = [];
    admin.on('response', (r) => {
      if (r.status() === 403 || r.url().includes('/api/registries/')) forbidden.push(`${r.status()} ${r.url()}`);
    });
    await admin.goto('/users');
    const me = stack.users.usernames.admin;
    // The shared database holds many users: narrow the list to the one looked at (the table pages by ten).
    const search = admin.getByPlaceholder('搜索用户名或姓名');
    await search.fill(me);
    const own = admin.locator('tr', { hasText: me });
    await own.waitFor();
    await own.getByTestId('own-account').waitFor();
    // No 停用, no grant ×, no 添加授权 on one's own account (403 SELF_GRANT, 409 ADMIN_SELF_DISABLE); reset stays.
    expect(await own.getByRole('button', { name: /停\s*用/ }).count()).toBe(0);
    expect(await own.locator('.ant-tag-close-icon').count()).toBe(0);
    expect(await own.getByTestId(`grant-${me}`).count()).toBe(0);
    await own.getByRole('button', { name: '重置密码' }).waitFor();
    // Another user's row keeps them.
    await search.fill(stack.users.usernames.organizer);
    const other = admin.locator('tr', { hasText: stack.users.usernames.organizer });
    await other.getByRole('button', { name: /停\s*用/ }).waitFor();
    expect(await other.locator('.ant-tag-close-icon').count()).toBeGreaterThan(0);
    // Sign-in and the page's load done: no registry call, no 403.
    await admin.reload();
    await admin.getByPlaceholder('搜索用户名或姓名').fill(me);
    await admin.locator('tr', { hasText: me }).waitFor();
    expect(forbidden).toEqual([]);
  });
});
