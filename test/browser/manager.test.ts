import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { EventStore } from '@df/persistence';
import type { CaseEventRecord } from '@df/contracts';
import { caseStream, type CaseSpec } from '../support/event-factories';
import { fillDay, HAN, signIn, startStack, type Stack } from './support';

/**
 * What a new-user trial found on the manager's pages: a departed or closed case's countdown figures (negative slack
 * and days to departure), the manager's empty /inbox, and the board's date inputs in the browser's locale.
 */

const DAY = 86_400_000;
/** Shanghai calendar date `days` from today. */
const shanghaiDate = (days: number): string => new Date(Date.now() + 8 * 3600_000 + days * DAY).toISOString().slice(0, 10);

/** Appends a stream the way the workflow does: in a few flushes (the projection folds each into the stored rows). */
async function append(store: EventStore, events: CaseEventRecord[]): Promise<void> {
  for (let i = 0; i < events.length; i += 4) await store.append(events.slice(i, i + 4));
}

/** The value a case page's figure shows, found by its title. */
const figure = (page: Page, title: string) =>
  page.locator('.ant-statistic').filter({ hasText: title }).locator('.ant-statistic-content').innerText();

describe("the manager's pages after the new-user trial", () => {
  let stack: Stack;
  const cases = { departed: randomUUID(), completed: randomUUID(), open: randomUUID() };

  beforeAll(async () => {
    stack = await startStack(3);
    // Cases as the read model knows them (no workflow behind: the case page reads the read model's record), so a
    // departed and a completed case need no walk through the whole chain. Submitted 30 days ago, departed 20 days
    // later (10 days ago) with a plan that had gone late: the figures the trial saw were negative.
    const store = stack.api.app.get(EventStore);
    const past = (caseId: string, extra: Partial<CaseSpec>): CaseSpec => ({
      caseId,
      unit: stack.users.unit,
      title: `已出发案件 ${caseId.slice(0, 8)}`,
      submittedAt: Date.now() - 30 * DAY,
      departureDate: shanghaiDate(-10),
      done: [],
      plan: { phase: 'visa', slackWd: -3, atRisk: true, forecastReadyAt: Date.now() - 5 * DAY, criticalStep: null },
      departedAfterDays: 20,
      ...extra,
    });
    await append(store, caseStream(past(cases.departed, {})));
    await append(store, caseStream(past(cases.completed, { title: `已办结案件 ${cases.completed.slice(0, 8)}`, closed: 'completed' })));
    await append(
      store,
      caseStream({
        caseId: cases.open,
        unit: stack.users.unit,
        title: `在办案件 ${cases.open.slice(0, 8)}`,
        submittedAt: Date.now() - DAY,
        departureDate: shanghaiDate(40),
        done: [],
        plan: { phase: 'prepare', slackWd: 4.5, atRisk: false, forecastReadyAt: Date.now() + 20 * DAY, criticalStep: null },
      }),
    );
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('a departed or closed case shows a dash and its status, not negative slack and days to departure', async () => {
    const page = await stack.pageAs('manager');
    await page.goto(`/cases/${cases.departed}`);
    await page.getByRole('heading', { name: `已出发案件 ${cases.departed.slice(0, 8)}` }).waitFor();
    await expect(figure(page, '余量（工作日）')).resolves.toBe('—');
    await expect(figure(page, '距出发（天）')).resolves.toBe('已出发');
    await page.getByTestId('lang').click();
    await page.getByRole('heading', { name: `已出发案件 ${cases.departed.slice(0, 8)}` }).waitFor();
    await page.locator('.ant-statistic', { hasText: 'Days to departure' }).waitFor();
    await expect(figure(page, 'Days to departure')).resolves.toBe('Departed');
    await page.getByTestId('lang').click();
    await page.getByTestId('lang').filter({ hasText: 'English' }).waitFor();

    await page.goto(`/cases/${cases.completed}`);
    await page.getByRole('heading', { name: `已办结案件 ${cases.completed.slice(0, 8)}` }).waitFor();
    await expect(figure(page, '余量（工作日）')).resolves.toBe('—');
    await expect(figure(page, '距出发（天）')).resolves.toBe('已办结');

    // The case list dashes a departed case's slack too (it showed -3.0 有风险), and keeps an open one's.
    await page.goto('/cases');
    const row = (title: string) => page.locator('tr', { hasText: title });
    const departed = row(`已出发案件 ${cases.departed.slice(0, 8)}`);
    await row(`在办案件 ${cases.open.slice(0, 8)}`)
      .getByText('4.5 正常')
      .waitFor();
    await expect(departed.innerText()).resolves.not.toContain('-3.0');
    await expect(departed.getByTestId('at-risk').count()).resolves.toBe(0);

    // An open case still counts down.
    await page.goto(`/cases/${cases.open}`);
    await page.getByRole('heading', { name: `在办案件 ${cases.open.slice(0, 8)}` }).waitFor();
    await expect(figure(page, '余量（工作日）')).resolves.toBe('4.5');
    await expect(figure(page, '距出发（天）')).resolves.toMatch(/^(39|40|41)$/);
  });

  it("the manager's /inbox says managers decide no steps and leads to the board", async () => {
    const page = await stack.pageAs('manager');
    await page.goto('/inbox');
    await page.getByRole('heading', { name: '待办' }).waitFor();
    await page.getByText('管理人员没有待办事项').waitFor();
    await page.getByText('管理人员可查阅所有案件，但不办理任何步骤').waitFor();
    // No empty inbox groups pretending there is nothing to do today.
    await expect(page.getByTestId('group-overdue').count()).resolves.toBe(0);
    await page.getByRole('button', { name: '前往管理看板' }).click();
    await page.waitForURL('**/board');
    await page.getByRole('heading', { name: '管理看板' }).waitFor();
  });

  it.each(['en-US', 'de-DE'])("the board's date inputs follow the app's language, not the %s browser's locale", async (locale) => {
    const context = await stack.browser.newContext({
      baseURL: stack.baseUrl,
      locale,
      timezoneId: 'Asia/Shanghai',
      reducedMotion: 'reduce',
    });
    try {
      const page = await context.newPage();
      await signIn(page, stack.users.usernames.manager);
      await page.waitForURL('**/board');
      const from = page.getByTestId('period-from');
      // Ant Design's zh_CN placeholder, not the browser's mm/dd/yyyy or tt.mm.jjjj.
      await expect(from.getAttribute('placeholder')).resolves.toBe('请选择日期');
      await expect(page.getByTestId('period-to').getAttribute('placeholder')).resolves.toBe('请选择日期');
      // A typed day shows as typed, YYYY-MM-DD, and the board asks the API for that day.
      const asked = page.waitForResponse((r) => r.url().includes('/api/dashboard?') && r.url().includes('from=2027-03-15'));
      await fillDay(from, '2027-03-15');
      await asked;
      // In English the placeholder is English, the day still YYYY-MM-DD.
      await page.getByTestId('lang').click();
      await page
        .getByTestId('lang')
        .filter({ hasText: /中\s?文/ })
        .waitFor();
      await expect(from.getAttribute('placeholder')).resolves.toBe('Select date');
      await expect(from.inputValue()).resolves.toBe('2027-03-15');
      // Its calendar too: the month of the day typed, in English (no 2027年 or 三月 left from the Chinese one).
      await from.click();
      const calendar = page.locator('.ant-picker-dropdown:visible');
      await calendar.locator('.ant-picker-month-btn', { hasText: 'Mar' }).waitFor();
      expect(await calendar.innerText()).not.toMatch(HAN);
      await page.keyboard.press('Escape');
    } finally {
      await context.close();
    }
  });
});
