import AxeBuilder from '@axe-core/playwright';
import { DataSource } from 'typeorm';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { RegistriesRepository } from '@df/persistence';
import { UsersService } from '../../apps/api/src/auth/users.service';
import { TEST_PASSWORD } from '../support/api-harness';
import { enterpriseUnit, fixtureUnitNames } from '../support/factories';
import { screenshot, signIn, startStack, type Stack } from './support';

/**
 * What a new user's trial found in the header and two forms: the header at 1024 px (a common office screen) with a
 * Chinese font, the user's own name in it, a red 0 badge, the language switch's accessible name, the APEC page of a
 * clerk whose enterprise is not registered, and 主管部门 typed by hand although the units registry holds it.
 */

const OFFICE_SCREEN = { width: 1024, height: 768 };

/** The element's box lies inside the viewport (in sight, not cut by the window's right edge). */
async function inSight(page: Page, element: Locator): Promise<boolean> {
  const box = await element.boundingBox();
  const view = page.viewportSize()!;
  return !!box && box.width > 0 && box.x >= 0 && box.x + box.width <= view.width && box.y >= 0 && box.y + box.height <= view.height;
}

/** axe-core's serious and critical violations on the page, by rule and where. */
async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

describe("the new-user trial's header and forms", () => {
  let stack: Stack;
  const contexts: BrowserContext[] = [];
  /** A fresh browser (its own session) at `viewport`, in Chinese, as the suite's pages are. */
  const newPage = async (viewport = OFFICE_SCREEN): Promise<Page> => {
    const context = await stack.browser.newContext({
      baseURL: stack.baseUrl,
      viewport,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      reducedMotion: 'reduce',
    });
    contexts.push(context);
    return context.newPage();
  };

  beforeAll(async () => {
    stack = await startStack(3);
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await stack?.close();
  });

  it('at 1024 px every menu item is in sight and reachable by keyboard, and the user button shows the name and the grant', async () => {
    // An organizer with a display name, as an administrator creates one (the test users carry only their role's).
    const username = `zhang.${stack.users.unit}`;
    await stack.api.app
      .get(UsersService)
      .upsert({ username, password: TEST_PASSWORD, role: 'organizer', unit: stack.users.unit, displayName: '张晓强' });
    const page = await newPage();
    await signIn(page, username);
    await page.getByRole('heading', { name: '我的案件' }).waitFor();

    const user = page.getByTestId('user');
    await expect(user.innerText()).resolves.toMatch(/张晓强[\s\S]*专办员 · /);
    await expect(inSight(page, page.getByTestId('user-name'))).resolves.toBe(true);
    await expect(user.getAttribute('aria-label')).resolves.toMatch(/^当前用户: 张晓强 · 专办员 · /);

    const names = ['我的案件', '新建出访申请', '待办', '登记簿'];
    const right = (await page.getByTestId('notifications').boundingBox())!.x;
    for (const name of names) {
      const item = page.getByRole('menuitem', { name });
      await expect(inSight(page, item)).resolves.toBe(true);
      // Left of the buttons: the menu and the account's controls do not crowd over each other.
      const box = (await item.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(right);
    }
    // No item went into the menu's overflow (…), where it is hidden.
    expect(await page.locator('.ant-menu-overflow-item-rest:visible').count()).toBe(0);
    await screenshot(page, 'header-1024');
    // No hidden item keeps a tab stop (axe aria-hidden-focus), nor any other serious violation.
    await expect(seriousViolations(page)).resolves.toEqual([]);

    // The keyboard: Tab reaches the menu, the arrow keys its items, Enter opens one.
    await page.getByRole('heading', { name: '因公出国（境）审护签' }).click();
    await page.keyboard.press('Tab');
    await expect(page.locator(':focus').getAttribute('role')).resolves.toBe('menu');
    // (The first arrow key goes to the first item; each key waits for the focus to move, which the menu does a frame later.)
    const focused = page.locator(':focus');
    for (let i = 0; i < 8 && (await focused.innerText()) !== '登记簿'; i++) {
      await page.keyboard.press('ArrowRight');
      await page.waitForTimeout(150);
    }
    await expect(focused.innerText()).resolves.toBe('登记簿');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/registries$/);

    // Narrower still, the menu's own overflow (…) holds the items that do not fit: hidden, and no tab stop left in them.
    await page.setViewportSize({ width: 800, height: 600 });
    await page.locator('.ant-menu-overflow-item-rest:visible').waitFor();
    await expect(seriousViolations(page)).resolves.toEqual([]);
    await page.setViewportSize(OFFICE_SCREEN);
    await page.locator('.ant-menu-overflow-item-rest').waitFor({ state: 'hidden' });

    // In English the items are in sight too.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('menuitem', { name: 'Registries' }).waitFor();
    for (const name of ['My cases', 'New trip', 'Inbox', 'Registries'])
      await expect(inSight(page, page.getByRole('menuitem', { name }))).resolves.toBe(true);
    await page.getByRole('button', { name: '中文' }).click();
  });

  it("at 1024 px the enterprise clerk's APEC item is in sight", async () => {
    const page = await newPage();
    await signIn(page, stack.users.usernames['enterprise-clerk']);
    await page.getByRole('menuitem', { name: 'APEC商务旅行卡' }).waitFor();
    for (const name of ['案件', '待办', 'APEC商务旅行卡', '登记簿'])
      await expect(inSight(page, page.getByRole('menuitem', { name, exact: true }))).resolves.toBe(true);
    expect(await page.locator('.ant-menu-overflow-item-rest:visible').count()).toBe(0);
    await expect(inSight(page, page.getByTestId('user'))).resolves.toBe(true);
  });

  it('a notification count of 0 shows no badge; a count above 0 shows it and says it', async () => {
    const page = await newPage();
    await signIn(page, stack.users.usernames.organizer);
    // Nothing waits for a new organizer: no red 0.
    const inbox = page.waitForResponse((r) => r.url().includes('/api/inbox?pageSize=200'));
    await page.goto('/cases');
    await inbox;
    await page.getByTestId('notifications').waitFor();
    await page.waitForTimeout(300);
    expect(await page.getByTestId('notifications-badge').locator('.ant-badge-count, .ant-scroll-number').count()).toBe(0);
    await expect(page.getByTestId('notifications').getAttribute('aria-label')).resolves.toBeNull();

    // One overdue step (the inbox answered by the test): the badge shows 1 and the button's name says it.
    const overdue = {
      caseId: '00000000-0000-4000-8000-000000000001',
      title: '测试团组',
      unit: stack.users.unit,
      departureDate: '2099-01-01',
      caseAtRisk: true,
      caseSlackWd: -1,
      stepKey: 'A01',
      code: 'A01',
      name: { zh: '测试步骤', en: 'Test step' },
      phase: 'prepare',
      kind: 'task',
      actorRole: 'organizer',
      memberId: null,
      country: null,
      status: 'overdue',
      startedAt: null,
      dueAt: null,
      latestStartAt: null,
      onBehalf: false,
    };
    await page.route('**/api/inbox?pageSize=200', (route) =>
      route.fulfill({ json: { items: [overdue], total: 1, page: 1, pageSize: 200 } }),
    );
    await page.goto('/registries');
    await page.getByTestId('notifications-badge').locator('.ant-scroll-number').filter({ hasText: '1' }).waitFor();
    await page.getByRole('button', { name: '通知 (1)' }).waitFor();
    await page.unroute('**/api/inbox?pageSize=200');
  });

  it("the language switch's accessible name holds its visible text (WCAG 2.5.3), on the sign-in page and in the header", async () => {
    const page = await newPage();
    await page.goto('/login');
    const toEnglish = page.getByRole('button', { name: 'English' });
    await toEnglish.waitFor();
    const name = (await toEnglish.getAttribute('aria-label'))!;
    expect(name.startsWith((await toEnglish.innerText()).trim())).toBe(true);
    await toEnglish.click();
    // Back to Chinese: 中文 as shown (no space put between the characters), its name beginning with it.
    const toChinese = page.getByRole('button', { name: '中文' });
    await toChinese.waitFor();
    await expect(toChinese.innerText()).resolves.toBe('中文');
    await toChinese.click();
    await signIn(page, stack.users.usernames.organizer);
    await page.getByRole('banner').or(page.locator('header')).getByRole('button', { name: 'English' }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('button', { name: 'English' }).waitFor();
  });

  it("an organizer of a unit not registered types 主管部门; a registered unit's is the registry's, read only", async () => {
    const page = await newPage({ width: 1366, height: 900 });
    await signIn(page, stack.users.usernames.organizer);
    await page.goto('/cases/new');
    const field = page.getByLabel('主管部门');
    await page.getByText('本单位尚未在单位登记簿备案').waitFor();
    await expect(field.isEditable()).resolves.toBe(true);
    await expect(field.inputValue()).resolves.toBe('');

    // The unit registered with its supervising department (and that department as a unit of its own).
    const unit = stack.users.unit;
    const registries = new RegistriesRepository(stack.api.app.get(DataSource));
    const system = { id: 'test', role: 'system' };
    await registries.putUnit(
      enterpriseUnit(`${unit}-sup`, fixtureUnitNames(`${unit}-sup`, '测试主管局', 'Test Supervising Bureau')),
      system,
    );
    await registries.putUnit({ ...enterpriseUnit(unit, fixtureUnitNames(unit)), supervisingDepartment: `${unit}-sup` }, system);
    await page.goto('/cases');
    await page.goto('/cases/new');
    await page.getByText('按单位登记簿（开户备案）填写，不可修改').waitFor();
    await expect(field.inputValue()).resolves.toContain(`${unit}-sup`);
    await expect(field.isEditable()).resolves.toBe(false);
  });

  it('the APEC page tells a clerk whose unit is not registered why they cannot apply and what to do, in both languages', async () => {
    // A clerk of a unit of its own, in neither registry.
    const other = `${stack.users.unit}-x`;
    const username = `enterprise-clerk.${other}`;
    await stack.api.app.get(UsersService).upsert({ username, password: TEST_PASSWORD, role: 'enterprise-clerk', unit: other });
    const page = await newPage({ width: 1366, height: 900 });
    await signIn(page, username);
    await page.goto('/apec');
    const hint = page.getByTestId('apec-not-registered');
    await hint.waitFor();
    await expect(hint.innerText()).resolves.toMatch(
      /本单位暂不能申请APEC商务旅行卡[\s\S]*尚未在市外办办理单位备案[\s\S]*受理窗口[\s\S]*not yet registered with the Foreign Affairs Office/,
    );
    // No form the API would refuse, and no failure.
    expect(await page.getByTestId('apec-apply-form').count()).toBe(0);
    expect(await page.locator('.ant-alert-error').count()).toBe(0);
    await expect(seriousViolations(page)).resolves.toEqual([]);

    // The unit registered, not yet as an enterprise: the APEC desk is who registers it.
    await new RegistriesRepository(stack.api.app.get(DataSource)).putUnit(
      enterpriseUnit(other, fixtureUnitNames(other, '测试外贸公司', 'Test Export Co.')),
      {
        id: 'test',
        role: 'system',
      },
    );
    await page.reload();
    await expect(hint.innerText()).resolves.toMatch(/已在市外办备案，但尚未登记为APEC企业[\s\S]*APEC受理窗口[\s\S]*ask the FAO APEC desk/);
    expect(await page.getByTestId('apec-apply-form').count()).toBe(0);
  });
});
