import AxeBuilder from '@axe-core/playwright';
import ExcelJS from 'exceljs';
import type { Download, Page } from 'playwright-core';
import request from 'supertest';
import { actionable, actOn, getProgress } from '../support/api-flow';
import { bearer, canonicalSubmission, passportsNotInCustody, uniquePassportNumber } from '../support/api-harness';
import { DataSource } from 'typeorm';
import { RegistriesRepository } from '@df/persistence';
import { enterpriseUnit } from '../support/factories';
import { fillDay, fillMember, fillStop, HAN, HOUSTON, labelTexts, screenshot, startStack, type Stack } from './support';

/**
 * Issue 15's remaining web items in a real browser: the 退回修改 group of my cases (after a real return), the
 * trip rules' violations before submitting (the API's dry run), the board's filters and its CSV / Excel export.
 */

/** Shanghai calendar date `days` from today. */
const shanghaiDate = (days: number): string => new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id}: ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(' | ')}`,
    );
  expect(serious).toEqual([]);
}

/** Switches to English, asserts no Chinese label is left, switches back. */
async function expectEnglishLabels(page: Page): Promise<void> {
  await page.getByTestId('lang').click();
  await page
    .getByTestId('lang')
    .filter({ hasText: /中\s?文/ })
    .waitFor();
  await page.waitForTimeout(200);
  expect((await labelTexts(page)).filter((s) => !/^中\s?文$/.test(s) && HAN.test(s))).toEqual([]);
  await page.getByTestId('lang').click();
  await page.getByTestId('lang').filter({ hasText: 'English' }).waitFor();
}

async function bytesOf(download: Download): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of (await download.createReadStream()) as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

describe('my cases, the pre-submit check and the board (issue 15)', () => {
  let stack: Stack;
  const tag = Date.now().toString(36);
  const returnedTitle = `退回修改案件 ${tag}`;
  const otherTitle = `其他案件 ${tag}`;

  beforeAll(async () => {
    stack = await startStack(3);
    // The cases' unit in the registry: the board names it (its filter's options, the table), the code beside.
    await new RegistriesRepository(stack.api.app.get(DataSource)).putUnit(
      enterpriseUnit(stack.users.unit, { zh: '看板测试局', en: `Board Test Bureau ${stack.users.unit}` }),
      { id: 'test', role: 'system' },
    );
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('shows the trip rules the form breaks before anything is submitted, in the user’s language', async () => {
    const page = await stack.pageAs('organizer');
    await page.goto('/cases/new');
    await page.getByRole('heading', { name: '新建出访申请' }).waitFor();
    await page.getByLabel('标题').fill(`规则检查 ${tag}`);
    await page.getByRole('combobox', { name: '出访目的' }).click();
    await page.keyboard.type('招商引资');
    await page.keyboard.press('Enter');
    // Departing yesterday: the schema is satisfied, the departure-date rule is not. It is the domain's rule on one
    // field, refused at the field as typed (the web runs the domain's function); the step cannot be left.
    await fillDay(page.getByLabel('出发日期'), shanghaiDate(-1));
    const departureItem = page.locator('.ant-form-item', { has: page.getByLabel('出发日期', { exact: true }) });
    await departureItem.locator('.ant-form-item-explain-error', { hasText: '出发日期须晚于今天' }).waitFor();
    await page.getByRole('button', { name: '下一步' }).click();
    await expect(page.getByLabel('城市').isVisible()).resolves.toBe(false);
    // Eleven days in the US: every field is right, the trip rules (at most 5 days for one country) are not.
    const dep = shanghaiDate(120);
    const ret = shanghaiDate(130);
    await fillDay(page.getByLabel('出发日期'), dep);
    await departureItem.locator('.ant-form-item-explain-error').first().waitFor({ state: 'detached' });
    await fillDay(page.getByLabel('回国日期'), ret);
    await page.getByRole('button', { name: '下一步' }).click();
    await fillStop(page, HOUSTON(dep, ret));
    await page.getByRole('button', { name: '下一步' }).click();
    // A passport number of its own: one passport is one person on the open cases of every test of the run (openCaseKeys).
    await fillMember(page, {
      name: '张三',
      title: '副市长',
      rank: '厅局级',
      passportNo: uniquePassportNumber(),
      passportExpiry: '2031-06-30',
    });

    // The whole body is schema-valid now: the API's dry run answers with the rule, shown while still on this step.
    const check = page.getByTestId('trip-check');
    await check.locator('li[data-code="DAYS_EXCEEDED"]').waitFor();
    await expect(check.innerText()).resolves.toMatch(/在外11天（含出入境当日），出访1国不得超过5天/);
    await page.getByRole('button', { name: '下一步' }).click();
    await expect(page.getByTestId('submit-trip').isDisabled()).resolves.toBe(true);
    await screenshot(page, 'new-trip-check');
    await expectAccessible(page);
    await page.getByTestId('lang').click();
    await check.getByText(/11 days abroad/).waitFor();
    await expect(check.innerText()).resolves.toMatch(/Checked before submitting/);
    await page.getByTestId('lang').click();
    await page.getByTestId('lang').filter({ hasText: 'English' }).waitFor();

    // Nothing was submitted by the checks.
    const list = await request(stack.api.http)
      .get('/api/delegations')
      .query({ q: `规则检查 ${tag}` })
      .set(bearer(stack.users.tokens.organizer));
    expect(list.body.total).toBe(0);

    // Fixed on the first step: the check passes and the trip can be submitted.
    await page.getByRole('button', { name: '上一步' }).click();
    await page.getByRole('button', { name: '上一步' }).click();
    await page.getByRole('button', { name: '上一步' }).click();
    await fillDay(page.getByLabel('回国日期'), shanghaiDate(124));
    await page.getByRole('button', { name: '下一步' }).click();
    await fillDay(page.getByLabel('离开'), shanghaiDate(124));
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('button', { name: '下一步' }).click();
    await check.filter({ hasText: '报送前检查：符合出访规定' }).waitFor();
    // The review lists each typed member with the position, rank and passport typed (fifteenth trial: names only), and
    // each stop with its days and inviter (trial 58: the inviter was read nowhere before submitting).
    await expect(page.getByTestId('review-members').innerText()).resolves.toMatch(/张三 · 副市长 · 厅局级 · 护照号码 [A-Z0-9]+/);
    await expect(page.getByTestId('review-stops').innerText()).resolves.toBe(
      `美国 (US) Houston · ${dep} – ${shanghaiDate(124)} · 邀请人 Jane Roe，Greater Houston Partnership`,
    );
    // The dry run's plan (thirteenth trial: nothing said whether the chain could finish before departure).
    await expect(check.getByTestId('trip-check-plan').innerText()).resolves.toMatch(
      /预计 \d{4}-\d{2}-\d{2} 办妥，距出发余 [\d.]+ 个工作日/,
    );
    // And what the annual plan check (A01) would answer now (twenty-first trial): this unit has filed no plan.
    const annualPlan = check.getByTestId('trip-check-annual-plan');
    // The departure's year, not 本年度; and a trip of no plan is outside the plan (trial 65), said in the title.
    await expect(annualPlan.innerText()).resolves.toBe(`年度出访计划：未登记${dep.slice(0, 4)}年度出访计划`);
    await expect(annualPlan.getAttribute('data-outcome')).resolves.toBe('no-plan');
    await check.filter({ hasText: '报送前检查：符合出访规定，但在年度出访计划外（见下）' }).waitFor();
    await expect(page.getByTestId('submit-trip').isDisabled()).resolves.toBe(false);
  });

  it('groups a case an approver returned to the organizer under 退回修改, and searches', async () => {
    const { api, users } = stack;
    const ids: string[] = [];
    for (const title of [returnedTitle, otherTitle]) {
      const res = await request(api.http)
        .post('/api/delegations')
        .set(bearer(users.tokens.organizer))
        .send(passportsNotInCustody(canonicalSubmission(users.unit, { title })))
        .expect(201);
      ids.push(res.body.caseId as string);
    }
    const caseId = ids[0]!;
    // Act on every step until the FAO reviewer verifies the invitation (B04), and return it to A04.
    const deadline = Date.now() + 240_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error('B04 never became actionable');
      const steps = actionable(await getProgress(api, users.tokens.organizer, caseId));
      const b04 = steps.find((s) => s.code === 'B04');
      const step = b04 ?? steps[0];
      if (!step) {
        await sleep(500);
        continue;
      }
      const extra = b04 ? { decision: 'return', returnTo: b04.key.replace('B04', 'A04'), comment: '邀请方情况说明不完整' } : {};
      const res = await actOn(api, users, caseId, step, extra);
      if (res.status === 409) continue; // the step moved on meanwhile: read again
      expect({ key: step.key, status: res.status }).toEqual({ key: step.key, status: 200 });
      if (b04) break;
    }

    const page = await stack.pageAs('organizer');
    await page.goto('/cases');
    await page.getByRole('heading', { name: '我的案件' }).waitFor();
    await page.locator('.ant-segmented-item', { hasText: /^退回修改/ }).click();
    const row = page.locator('tr', { hasText: returnedTitle });
    // The list is a read model: the return shows once the projection has it.
    for (let i = 0; ; i++) {
      try {
        await row.waitFor({ timeout: 3000 });
        break;
      } catch (e) {
        if (i >= 10) throw e;
        await page.reload();
        await page.locator('.ant-segmented-item', { hasText: /^退回修改/ }).click();
      }
    }
    await expect(row.getByTestId('returned-tag').innerText()).resolves.toBe('退回修改');
    await expect(page.locator('tr', { hasText: otherTitle }).count()).resolves.toBe(0);
    // The group of cases being prepared or approved is not named by the status every open case's tag reads (trial 76:
    // 办理中 (0) beside a 办理中 case).
    await expect(page.locator('.ant-segmented-item').allInnerTexts()).resolves.toEqual(
      expect.arrayContaining([expect.stringMatching(/^审批中 \(\d+\)$/)]),
    );
    expect((await page.locator('.ant-segmented-item').allInnerTexts()).some((x) => x.startsWith('办理中'))).toBe(false);
    await screenshot(page, 'cases-returned');
    await expectAccessible(page);
    await expectEnglishLabels(page);

    // 全部 with a search: the server's, by title.
    await page.locator('.ant-segmented-item', { hasText: /^全部/ }).click();
    await page
      .getByTestId('case-search')
      .locator('input')
      .fill(otherTitle.slice(0, 4) + ' ' + tag);
    await page.locator('tr', { hasText: otherTitle }).waitFor();
    await page.locator('tr', { hasText: returnedTitle }).waitFor({ state: 'detached' });
    await page.getByTestId('case-search').locator('input').fill('');
    await page.locator('tr', { hasText: returnedTitle }).waitFor();

    // By keyboard: from the search box back to the status groups, and the arrow keys move between them.
    await page.getByTestId('case-search').locator('input').focus();
    await page.keyboard.press('Shift+Tab');
    // (the radio inputs are visually hidden: Ant Design draws the segments)
    await page.locator('.ant-segmented input[type="radio"]:focus').waitFor({ state: 'attached' });
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.locator('.ant-segmented-item-selected', { hasText: /^退回修改/ }).waitFor();
    await page.locator('tr', { hasText: otherTitle }).waitFor({ state: 'detached' });
  }, 300_000);

  it('filters the board by unit and period, every figure following, and exports it as CSV and Excel', async () => {
    const { api, users } = stack;
    const page = await stack.pageAs('manager');
    await page.goto('/board');
    await page.getByRole('heading', { name: '管理看板' }).waitFor();
    // Under an APEC process's filter, no trip's own figures (trial 73: 已出发团组 and 出访成果 shown at 0).
    await page.getByTestId('stat-departed').waitFor();
    await page.getByTestId('trip-outcomes').waitFor();
    await page.getByRole('combobox', { name: '按业务筛选' }).click();
    await page.locator('.ant-select-item-option', { hasText: 'APEC商务旅行卡申请' }).click();
    await page.getByTestId('stat-departed').waitFor({ state: 'detached' });
    expect(await page.getByTestId('trip-outcomes').count()).toBe(0);
    await page.goto('/board');
    await page.getByTestId('stat-departed').waitFor();
    // The whole portfolio: the suites share one database, so other suites' cases with less slack may fill the
    // in-flight table's first page; this unit's cases are looked for under its filter below.
    await page
      .locator('.ant-card-head-title')
      .filter({ hasText: /\(\d+\)/ })
      .first()
      .waitFor();

    // The unit filter: the API's figures for the unit.
    // Its options are the units by name, the code beside; typing the name finds it.
    await page.getByRole('combobox', { name: '按单位筛选' }).click();
    await page.keyboard.type('看板测试局');
    await page.locator('.ant-select-item-option', { hasText: `看板测试局 (${users.unit})` }).waitFor();
    await page.keyboard.press('Enter');
    const want = (await request(api.http).get('/api/dashboard').query({ unit: users.unit, limit: 200 }).set(bearer(users.tokens.manager)))
      .body;
    await page
      .locator('.ant-card-head-title')
      .filter({ hasText: `(${want.inFlight.total})` })
      .waitFor();
    // The chosen unit reads by its name in the filter.
    await expect(page.getByTestId('board-filters').innerText()).resolves.toContain(`看板测试局 (${users.unit})`);
    await expect(page.getByTestId('stat-at-risk').innerText()).resolves.toContain(String(want.atRisk.total));
    await page.locator('tr', { hasText: otherTitle }).waitFor();
    // A chart with nothing to draw says so, not empty axes: this unit's cases were filed in this test, none departed.
    expect(want.analytics.departures.distribution.every((b: { count: number }) => b.count === 0)).toBe(true);
    await page.getByTestId('departures-empty').getByText('暂无已出发团组').waitFor();
    const overdueNone = want.overdue.byRole.every((r: { count: number }) => r.count === 0);
    await expect(page.getByTestId('overdue-empty').count()).resolves.toBe(overdueNone ? 1 : 0);

    // A departure period that holds none of this unit's cases: the table empties.
    await fillDay(page.getByTestId('period-from'), '2020-01-01');
    await fillDay(page.getByTestId('period-to'), '2020-12-31');
    await page.getByText('暂无数据').first().waitFor();
    await expect(page.locator('tr', { hasText: otherTitle }).count()).resolves.toBe(0);
    // An inverted period: the API's refusal, naming the rule.
    await fillDay(page.getByTestId('period-from'), '2021-01-01');
    await page
      .getByTestId('filter-error')
      .getByText(/截止日期：结束日期早于开始日期（2021-01-01）/)
      .waitFor();
    // By submission date, today included: the cases submitted in this test are back.
    await fillDay(page.getByTestId('period-from'), shanghaiDate(-1));
    await fillDay(page.getByTestId('period-to'), shanghaiDate(1));
    await page.locator('.ant-segmented-item', { hasText: '按报送日期' }).click();
    await page.locator('tr', { hasText: otherTitle }).waitFor();
    await page.getByRole('img', { name: '各阶段案件数' }).locator('svg').waitFor();
    await screenshot(page, 'board-filtered');
    await expectAccessible(page);
    await expectEnglishLabels(page);

    // The export by keyboard: focus and Enter.
    await page.getByTestId('export-csv').focus();
    const [csv] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(csv.suggestedFilename()).toMatch(/^board-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = (await bytesOf(csv)).toString('utf8');
    expect(text.startsWith('\ufeff标题 Title,')).toBe(true);
    expect(text).toContain(otherTitle);
    expect(text).toContain(returnedTitle);

    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await bytesOf(xlsx)) as unknown as ExcelJS.Buffer);
    const titles: string[] = [];
    wb.getWorksheet('在办案件 Cases in flight')!.eachRow((r) => titles.push(String((r.values as unknown[])[1])));
    expect(titles).toEqual(expect.arrayContaining(['标题 Title', otherTitle, returnedTitle]));
    const filter: unknown[][] = [];
    wb.getWorksheet('筛选 Filter')!.eachRow((r) => filter.push((r.values as unknown[]).slice(1)));
    expect(filter).toContainEqual(['单位 Unit', users.unit]);
    expect(filter).toContainEqual(['期间依据 Period by', '报送日期 submission date']);
  }, 180_000);
});
