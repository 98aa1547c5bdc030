import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { EventStore } from '@df/persistence';
import type { CaseEventRecord } from '@df/contracts';
import { bearer } from '../support/api-harness';
import { caseStream, type CaseSpec } from '../support/event-factories';
import { fillDay, fillMember, fillStop, HAN, HOUSTON, signIn, startStack, waitForOrShow, type Stack } from './support';

/**
 * What a new-user trial found on the manager's pages: a departed or closed case's countdown figures (negative slack
 * and days to departure), the manager's empty /inbox, and the board's date inputs in the browser's locale; and the
 * same fault in the new trip's date fields (every date field is one DayField now).
 */

const DAY = 86_400_000;
/** Shanghai calendar date `days` from today. */
const shanghaiDate = (days: number): string => new Date(Date.now() + 8 * 3600_000 + days * DAY).toISOString().slice(0, 10);

/**
 * The next 15 March at least 60 days ahead (2027-03-15 in the winter of 2026): a day past the 12th, so the browser's
 * own formats would show it unmistakably (03/15/2027, 15.03.2027), and far enough for the trip rules.
 */
const nextMarch15 = (): string => {
  const soon = shanghaiDate(60);
  const year = Number(soon.slice(0, 4));
  return `${year}-03-15` > soon ? `${year}-03-15` : `${year + 1}-03-15`;
};

/** Appends a stream the way the workflow does: in a few flushes (the projection folds each into the stored rows). */
async function append(store: EventStore, events: CaseEventRecord[]): Promise<void> {
  for (let i = 0; i < events.length; i += 4) await store.append(events.slice(i, i + 4));
}

/** The value a case page's figure shows, found by its title. */
const figure = (page: Page, title: string) =>
  page.locator('.ant-statistic').filter({ hasText: title }).locator('.ant-statistic-content').innerText();

describe("the manager's pages after the new-user trial", () => {
  let stack: Stack;
  // Titles carry an id's first 13 characters (its first group and the hyphen after it): the first 8 alone can read as a
  // passport number (`e5786136`: a letter and 7 digits), which the manager's answers mask (CI: `e5***136`, no row found).
  const cases = { departed: randomUUID(), completed: randomUUID(), open: randomUUID(), returning: randomUUID() };

  beforeAll(async () => {
    stack = await startStack(3);
    // Cases as the read model knows them (no workflow behind: the case page reads the read model's record), so a
    // departed and a completed case need no walk through the whole chain. Submitted 30 days ago, departed 20 days
    // later (10 days ago) with a plan that had gone late: the figures the trial saw were negative.
    const store = stack.api.app.get(EventStore);
    const past = (caseId: string, extra: Partial<CaseSpec>): CaseSpec => ({
      caseId,
      unit: stack.users.unit,
      title: `已出发案件 ${caseId.slice(0, 13)}`,
      submittedAt: Date.now() - 30 * DAY,
      departureDate: shanghaiDate(-10),
      done: [],
      plan: { phase: 'visa', slackWd: -3, atRisk: true, forecastReadyAt: Date.now() - 5 * DAY, criticalStep: null },
      departedAfterDays: 20,
      ...extra,
    });
    await append(store, caseStream(past(cases.departed, {})));
    // Departed, its return registration (P01) waiting for the organizer: the step dialog's return day.
    await append(
      store,
      caseStream(
        past(cases.returning, {
          title: `待回国登记 ${cases.returning.slice(0, 13)}`,
          open: [{ key: 'P01', code: 'P01', phase: 'post-trip', actorRole: 'organizer', kind: 'task' }],
        }),
      ),
    );
    await append(store, caseStream(past(cases.completed, { title: `已办结案件 ${cases.completed.slice(0, 13)}`, closed: 'completed' })));
    await append(
      store,
      caseStream({
        caseId: cases.open,
        unit: stack.users.unit,
        title: `在办案件 ${cases.open.slice(0, 13)}`,
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
    await waitForOrShow(page, page.getByRole('heading', { name: `已出发案件 ${cases.departed.slice(0, 13)}` }));
    await expect(figure(page, '余量（工作日）')).resolves.toBe('—');
    await expect(figure(page, '距出发（天）')).resolves.toBe('已出发');
    await page.getByTestId('lang').click();
    await waitForOrShow(page, page.getByRole('heading', { name: `已出发案件 ${cases.departed.slice(0, 13)}` }));
    await page.locator('.ant-statistic', { hasText: 'Days to departure' }).waitFor();
    await expect(figure(page, 'Days to departure')).resolves.toBe('Departed');
    await page.getByTestId('lang').click();
    await page.getByTestId('lang').filter({ hasText: 'English' }).waitFor();

    await page.goto(`/cases/${cases.completed}`);
    await waitForOrShow(page, page.getByRole('heading', { name: `已办结案件 ${cases.completed.slice(0, 13)}` }));
    await expect(figure(page, '余量（工作日）')).resolves.toBe('—');
    await expect(figure(page, '距出发（天）')).resolves.toBe('已办结');
    // Its last forecast is history (thirteenth trial: a withdrawn case showed a ready date).
    await expect(figure(page, '预计办结日期')).resolves.toBe('—');

    // The case list dashes a departed case's slack too (it showed -3.0 有风险), and keeps an open one's.
    await page.goto('/cases');
    // The manager lists every unit's cases, and other test files add theirs meanwhile: this file's unit only.
    await page.getByRole('searchbox').fill(stack.users.unit);
    const row = (title: string) => page.locator('tr', { hasText: title });
    const departed = row(`已出发案件 ${cases.departed.slice(0, 13)}`);
    await waitForOrShow(page, row(`在办案件 ${cases.open.slice(0, 13)}`).getByText('4.5 正常'));
    await expect(departed.innerText()).resolves.not.toContain('-3.0');
    await expect(departed.getByTestId('at-risk').count()).resolves.toBe(0);

    // An open case still counts down.
    await page.goto(`/cases/${cases.open}`);
    await waitForOrShow(page, page.getByRole('heading', { name: `在办案件 ${cases.open.slice(0, 13)}` }));
    await expect(figure(page, '余量（工作日）')).resolves.toBe('4.5');
    await expect(figure(page, '预计办结日期')).resolves.toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await expect(figure(page, '距出发（天）')).resolves.toMatch(/^(39|40|41)$/);
  });

  it('a late answer to an earlier search does not replace the answer to the newer one (trial: rows came and went)', async () => {
    const page = await stack.pageAs('manager');
    await page.goto('/cases');
    await page.getByRole('heading', { name: '案件', exact: true }).waitFor();
    // A search typed wrong, then corrected: the wrong one's (empty) answer is held back until the corrected one's
    // rows are on screen, as a slow server would return it.
    const wrong = `无此案件${randomUUID().slice(0, 13)}`;
    const isWrong = (url: URL) => url.pathname === '/api/delegations' && url.searchParams.get('q') === wrong;
    let release!: () => void;
    const corrected = new Promise<void>((resolve) => (release = resolve));
    await page.route(isWrong, async (route) => {
      const response = await route.fetch();
      await corrected;
      await route.fulfill({ response });
    });
    const search = page.getByRole('searchbox');
    const asked = page.waitForRequest((r) => isWrong(new URL(r.url())));
    await search.fill(wrong);
    await asked;
    // The unfiltered list shows this case too: its rows count only once the corrected search has been answered.
    const correctedRead = page.waitForEvent('requestfinished', (r) => new URL(r.url()).searchParams.get('q') === stack.users.unit);
    await search.fill(stack.users.unit);
    await correctedRead;
    const open = page.locator('tr', { hasText: `在办案件 ${cases.open.slice(0, 13)}` });
    await waitForOrShow(page, open.getByText('4.5 正常'));

    const lateAnswerRead = page.waitForEvent('requestfinished', (r) => isWrong(new URL(r.url())));
    release();
    await lateAnswerRead;
    // The page has handled it once the browser has painted twice since (the answer's JSON is parsed in between).
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    await expect(open.count()).resolves.toBe(1);
    await expect(page.getByText('暂无数据').count()).resolves.toBe(0);
    await page.unroute(isWrong);
  });

  it('a live page whose load failed (a passing 503) shows its rows again at the next refresh, not the error until Retry', async () => {
    const page = await stack.pageAs('manager');
    const list = (url: URL) => url.pathname === '/api/delegations' && url.searchParams.get('q') === stack.users.unit;
    let failing = true;
    await page.route(list, async (route) => {
      if (!failing) return route.continue();
      await route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ statusCode: 503, code: 'OUTCOME_UNKNOWN', message: { zh: '服务暂不可用', en: 'Unavailable' } }),
      });
    });
    await page.goto('/cases');
    await page.getByRole('searchbox').fill(stack.users.unit);
    await page.getByText('服务暂不可用').waitFor();
    failing = false;
    // The live refresh (every 15 s while visible, and at once when the tab is shown again): here, the tab shown again.
    await page.evaluate("document.dispatchEvent(new Event('visibilitychange'))");
    await waitForOrShow(page, page.locator('tr', { hasText: `在办案件 ${cases.open.slice(0, 13)}` }).getByText('4.5 正常'));
    await expect(page.getByText('服务暂不可用').count()).resolves.toBe(0);
    await page.unroute(list);
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

  it("P01's return day in the step dialog is a day field: typed as YYYY-MM-DD, taken on Enter without sending, sent by 确定", async () => {
    const page = await stack.pageAs('organizer');
    await page.goto('/inbox');
    await page
      .locator('tr', { hasText: `待回国登记 ${cases.returning.slice(0, 13)}` })
      .getByTestId('act-P01')
      .click();
    const dialog = page.getByRole('dialog');
    const day = dialog.getByLabel('回国日期', { exact: true });
    await expect(day.getAttribute('placeholder')).resolves.toBe('请选择日期');
    // No workflow stands behind a seeded case: the completion is answered here, and only its body matters.
    const sent: Array<Record<string, unknown>> = [];
    await page.route(`**/api/delegations/${cases.returning}/**`, async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      sent.push(route.request().postDataJSON() as Record<string, unknown>);
      await route.fulfill({ status: 200, contentType: 'application/json', body: '{}' });
    });
    await fillDay(day, shanghaiDate(-2));
    expect(sent).toHaveLength(0);
    await dialog.getByTestId('confirm').click();
    await dialog.waitFor({ state: 'hidden' });
    // …with the case as the dialog showed it (seenSeq: the answer's lastSeq; trial 48).
    expect(sent).toEqual([{ data: { returnedOn: shanghaiDate(-2) }, seenSeq: expect.any(Number) }]);
    await page.unroute(`**/api/delegations/${cases.returning}/**`);
  });

  it("the new trip's dates follow the app's language, not the en-US browser's locale, and are sent as YYYY-MM-DD", async () => {
    const context = await stack.browser.newContext({
      baseURL: stack.baseUrl,
      locale: 'en-US',
      timezoneId: 'Asia/Shanghai',
      reducedMotion: 'reduce',
      viewport: { width: 1366, height: 900 },
    });
    try {
      const page = await context.newPage();
      await signIn(page, stack.users.usernames.organizer);
      await page.goto('/cases/new');
      await page.getByRole('heading', { name: '新建出访申请' }).waitFor();
      // Every date field of the form (departure, return, the stop's arrive and leave, the passport's expiry) is the
      // app's day field: Ant Design's zh_CN placeholder, not the browser's date input and its mm/dd/yyyy.
      const days = page.locator('.ant-picker input');
      await days.nth(4).waitFor({ state: 'attached' });
      await expect(days.count()).resolves.toBe(5);
      await expect(days.evaluateAll((els) => els.map((e) => e.getAttribute('placeholder')))).resolves.toEqual(Array(5).fill('请选择日期'));
      expect(await page.locator('input[type="date"]').count()).toBe(0);

      const departure = page.getByLabel('出发日期');
      await expect(departure.getAttribute('placeholder')).resolves.toBe('请选择日期');
      const dep = nextMarch15();
      const ret = `${dep.slice(0, 8)}18`;
      // Typed as YYYY-MM-DD, it stays so (fillDay checks the field shows what was typed), not 03/15/2027.
      await page.getByLabel('标题').fill('日期格式检查');
      await page.getByRole('combobox', { name: '出访目的' }).click();
      await page.keyboard.type('招商引资');
      await page.keyboard.press('Enter');
      await fillDay(departure, dep);
      await fillDay(page.getByLabel('回国日期'), ret);
      await page.getByRole('button', { name: '下一步' }).click();
      await fillStop(page, HOUSTON(dep, ret));
      await page.getByRole('button', { name: '下一步' }).click();
      // Someone the seeded departed cases above did not take abroad: 张三 has used his trips (A08's frequency rule runs in the dry run).
      await fillMember(page, { name: '王五', title: '副市长', rank: '厅局级', passportNo: 'SE7000301', passportExpiry: '2031-06-30' });
      await page.getByRole('button', { name: '下一步' }).click();
      // The review shows the day as typed; the API's dry run passes.
      await page.locator('.ant-descriptions-item', { hasText: '出发日期' }).getByText(dep, { exact: true }).waitFor();
      await page.getByTestId('trip-check').filter({ hasText: '报送前检查：符合出访规定' }).waitFor();
      await expect(departure.inputValue()).resolves.toBe(dep);

      // Submitted: the JSON carries the days as typed, and the case has them.
      const sent = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/delegations');
      await page.getByTestId('submit-trip').click();
      const body = (await sent).postDataJSON() as {
        departureDate: string;
        returnDate: string;
        destinations: Array<{ arrive: string; leave: string }>;
        members: Array<{ passport?: { expiresOn?: string } }>;
      };
      expect([body.departureDate, body.returnDate, body.destinations[0]!.arrive, body.destinations[0]!.leave]).toEqual([
        dep,
        ret,
        dep,
        ret,
      ]);
      expect(body.members[0]!.passport?.expiresOn).toBe('2031-06-30');
      await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
      const caseId = new URL(page.url()).pathname.split('/').pop()!;
      const stored = await request(stack.api.http).get(`/api/delegations/${caseId}`).set(bearer(stack.users.tokens.organizer)).expect(200);
      expect([stored.body.departureDate, stored.body.facts.returnDate]).toEqual([dep, ret]);
    } finally {
      await context.close();
    }
  });
});
