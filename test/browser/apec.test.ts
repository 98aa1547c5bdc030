import AxeBuilder from '@axe-core/playwright';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { Page, Route } from 'playwright-core';
import { addDays, addMonths, shanghaiDate } from '@df/domain';
import { ApecRepository, RegistriesRepository } from '@df/persistence';
import { bearer } from '../support/api-harness';
import { stepRequest, type StepProgress } from '@df/contracts';
import { randomUUID } from 'node:crypto';
import { fillDay, HAN, labelTexts, pickOption, screenshot, startStack, type Stack } from './support';
import { enterpriseUnit } from '../support/factories';
import { eventually } from '../support/harness';

/** axe-core on the page: no serious or critical violation. */
async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  expect(result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
}

describe('the APEC pages of the web app (issue 17)', () => {
  let stack: Stack;

  beforeAll(async () => {
    // An enterprise: its only unit user is the enterprise clerk (a unit with government users is no enterprise).
    stack = await startStack(3, { enterprise: true });
    // The enterprise: a registered unit with one person on its roster, registered by the APEC desk as a non-state
    // small enterprise and admitted to the whitelist (the admission itself is the integration tests' subject).
    const unit = stack.users.unit;
    const registries = new RegistriesRepository(stack.api.app.get(DataSource));
    const system = { id: 'test', role: 'system' };
    await registries.putUnit(enterpriseUnit(unit, { zh: '测试贸易公司', en: `Test Trading Co. ${unit}` }), system);
    await registries.putPerson(
      {
        personId: `${unit}-p1`,
        unit,
        name: '李四',
        gender: 'male',
        dateOfBirth: '1975-03-01',
        rank: 'division',
        position: '经理',
        partyMember: false,
        classifiedAccess: false,
        leadershipTeam: null,
        status: 'active',
      },
      system,
    );
    // A second person: the clerk's first application names 王五, as 李四's renewal below is an application too
    // (one open card application per person).
    await registries.putPerson(
      {
        personId: `${unit}-p2`,
        unit,
        name: '王五',
        gender: 'female',
        dateOfBirth: '1980-06-01',
        rank: 'section',
        position: '主管',
        partyMember: false,
        classifiedAccess: false,
        leadershipTeam: null,
        status: 'active',
      },
      system,
    );
    // A second registered unit the desk registers as an enterprise from its page, and a card to mark lost.
    await registries.putUnit(enterpriseUnit(`${unit}-b`, { zh: '测试物流公司', en: `Test Logistics Co. ${unit}` }), system);
    const today = shanghaiDate(Date.now());
    await new ApecRepository(stack.api.app.get(DataSource)).registerCard({
      number: `CHB${String(Date.now()).slice(-9)}`,
      // Not 李四's: a holder of a valid card applies for no second one (holds-card), and 李四 renews the card below.
      holder: `${unit}-p4`,
      unit,
      economies: ['AU'],
      issuedOn: today,
      validUntil: addDays(addMonths(today, 60), -1),
      caseId: null,
    });
    // A card within its last 6 months, renewal open: the clerk renews it from the cards table.
    const apecRepo = new ApecRepository(stack.api.app.get(DataSource));
    const renewing = `CHR${String(Date.now()).slice(-9)}`;
    await apecRepo.registerCard({
      number: renewing,
      holder: `${unit}-p1`,
      unit,
      economies: ['NZ'],
      issuedOn: addMonths(today, -58),
      validUntil: addDays(today, 60),
      caseId: null,
    });
    await apecRepo.openRenewal(renewing, new Date());
    const desk = bearer(stack.users.tokens['apec-desk']);
    await request(stack.api.http)
      .put(`/api/apec/enterprises/${unit}`)
      .set(desk)
      .send({ ownership: 'non-state', size: 'small' })
      .expect(200);
    const admission = await request(stack.api.http)
      .post(`/api/apec/enterprises/${unit}/whitelist/admission`)
      .set(desk)
      .send({ registeredCapitalWan: 150, foreignTradeUsd: 120000, taxCreditGrade: 'A', creditRecordClean: true })
      .expect(200);
    expect(admission.body.admitted).toBe(true);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('the enterprise clerk applies for a card through the form and sees the application; the APEC desk sees both', async () => {
    const unit = stack.users.unit;
    const clerk = await stack.pageAs('enterprise-clerk');
    await clerk.getByRole('menuitem', { name: 'APEC商务旅行卡' }).click();
    await clerk.getByRole('heading', { name: 'APEC商务旅行卡' }).waitFor();
    await expect(clerk.getByTestId(`apec-enterprise-${unit}`).innerText()).resolves.toContain('已准入');
    // The enterprise is headed by its unit's name, the code beside (not by the code alone).
    await expect(clerk.getByTestId(`apec-enterprise-${unit}`).innerText()).resolves.toContain(`测试贸易公司 (${unit})`);
    await clerk.locator('.ant-card-head-title', { hasText: `本企业白名单状态 · 测试贸易公司 (${unit})` }).waitFor();
    // The whitelist history says what happened in words: the admission, not the code `admitted`.
    const history = clerk.locator('.ant-card', { has: clerk.getByTestId(`apec-enterprise-${unit}`) }).locator('.ant-table');
    await history.getByText('准入白名单').first().waitFor();
    await expect(history.innerText()).resolves.not.toMatch(/\badmitted\b/);

    // The API's date rule (needed by a day after today, Asia/Shanghai) shows as the clerk types, before anything is
    // sent: yesterday and today are refused at the field, in both languages' Chinese.
    const neededBy = clerk.locator('#neededBy');
    const neededByItem = clerk.locator('.ant-form-item', { has: neededBy });
    for (const day of [addDays(shanghaiDate(Date.now()), -1), shanghaiDate(Date.now())]) {
      await fillDay(neededBy, day);
      await neededByItem.locator('.ant-form-item-explain-error', { hasText: '须晚于今天（北京时间）' }).waitFor();
    }
    await clerk.getByTestId('apec-submit').click();
    await neededByItem.locator('.ant-form-item-explain-error', { hasText: '须晚于今天（北京时间）' }).waitFor();
    expect(await clerk.getByTestId('apec-apply-error').count()).toBe(0);
    await fillDay(neededBy, '2027-01-01');
    // Applicants are picked by name from the enterprise's own roster.
    await pickOption(clerk, clerk.getByLabel('申请人（企业人员名册）', { exact: true }), `王五 (${unit}-p2)`, {
      multiple: true,
      search: true,
    });
    await pickOption(clerk, clerk.getByLabel('预审经济体', { exact: true }), '日本 (JP)', { multiple: true, search: true });
    await pickOption(clerk, clerk.getByLabel('预审经济体', { exact: true }), '新加坡 (SG)', { multiple: true, search: true });
    await fillDay(neededBy, addDays(shanghaiDate(Date.now()), 60));
    await screenshot(clerk, 'apec-clerk-apply');
    await clerk.getByTestId('apec-submit').click();
    await clerk.getByText('申请已提交').waitFor();
    const applications = clerk.getByTestId('apec-applications');
    await applications.getByText('日本 (JP)、新加坡 (SG)').waitFor();
    await expect(applications.innerText()).resolves.toContain(unit);
    // The page is live: the desk cancels the application elsewhere, and the clerk's open page shows it cancelled
    // without a reload (new-user trial: it showed 办理中 until reloaded). It frees 李四 for the renewal below.
    const deskToken = bearer(stack.users.tokens['apec-desk']);
    const first = (await request(stack.api.http).get('/api/delegations').query({ process: 'apec-card', unit }).set(deskToken).expect(200))
      .body.items[0] as { caseId: string };
    await request(stack.api.http)
      .post(`/api/delegations/${first.caseId}/cancel`)
      .set(deskToken)
      .send({ reason: '申请人信息有误 / applicant details wrong' })
      .expect(200);
    await applications.locator('tr', { hasText: '日本 (JP)、新加坡 (SG)' }).getByText('已撤销').waitFor({ timeout: 40_000 });
    // 续办 Renew on the renewal-open card: the application is pre-filled with its holder and economies.
    const renewRow = clerk.getByTestId('apec-cards').locator('tr', { hasText: '新西兰' });
    await renewRow.getByRole('button', { name: /续\s?办/ }).click();
    await expect(clerk.getByTestId('apec-renewing').innerText()).resolves.toContain('李四');
    await expect(clerk.getByTestId('apec-apply-form').innerText()).resolves.toMatch(/李四[\s\S]*新西兰 \(NZ\)/);
    await fillDay(neededBy, addDays(shanghaiDate(Date.now()), 60));
    await clerk.getByTestId('apec-submit').click();
    await applications.getByText('新西兰 (NZ)').waitFor();
    await clerk.getByTestId('apec-renewing').waitFor({ state: 'detached' });
    await expectAccessible(clerk);
    await screenshot(clerk, 'apec-clerk');

    // English: the page's labels change, no Chinese label left.
    await clerk.getByTestId('lang').click();
    await clerk.getByRole('heading', { name: 'APEC Business Travel Cards' }).waitFor();
    expect((await labelTexts(clerk)).filter((l) => !/^中\s?文$/.test(l) && HAN.test(l))).toEqual([]);
    await clerk.getByTestId('lang').click();
    await clerk.getByRole('heading', { name: 'APEC商务旅行卡' }).waitFor();

    const desk = await stack.pageAs('apec-desk');
    await desk.goto('/apec');
    await desk.getByRole('heading', { name: 'APEC卡与企业白名单' }).waitFor();
    await desk.getByTestId('apec-enterprise-search').locator('input').fill(unit);
    const enterprises = desk.getByTestId('apec-enterprises');
    const row = enterprises.locator('tr', { hasText: `测试贸易公司 (${unit})` });
    await row.waitFor();
    await expect(row.innerText()).resolves.toContain('已准入');
    await desk.getByTestId('apec-applications').getByText(unit).first().waitFor();
    await expectAccessible(desk);
    await screenshot(desk, 'apec-desk');
    // The desk's board (the API's BOARD_ROLES; trial 74: no link, 页面不存在): its processes only, no trip's own figures.
    await desk.getByRole('menuitem', { name: '管理看板' }).click();
    await desk.getByRole('heading', { name: '管理看板' }).waitFor();
    await desk.getByTestId('stat-at-risk').waitFor();
    expect(await desk.getByTestId('stat-departed').count()).toBe(0);
    await desk.getByRole('combobox', { name: '按业务筛选' }).click();
    await expect(desk.locator('.ant-select-item-option').allInnerTexts()).resolves.toEqual(['APEC商务旅行卡申请', 'APEC卡企业白名单准入']);
    // The period's day is the processes' own (trial 75: 按出发日期 over card applications): of both, 目标日期 naming each…
    const periodDay = desk.getByTestId('period-by').locator('.ant-segmented-item').first();
    await expect(periodDay.innerText()).resolves.toBe('按目标日期');
    await expect(periodDay.locator('[title]').getAttribute('title')).resolves.toBe('目标日期（需用卡日期、决定期限）');
    // …of the card applications alone, the day the cards are needed by.
    await desk.locator('.ant-select-item-option', { hasText: 'APEC商务旅行卡申请' }).click();
    await expect(periodDay.innerText()).resolves.toBe('按需用卡日期');

    // The desk's review (K03) dialog says what it approves: the applicants, the economies and the day the cards are
    // needed (trial 65: the title and the unit alone). The renewal's K01 and K02 done by the clerk first.
    const clerkToken = bearer(stack.users.tokens['enterprise-clerk']);
    const renewal = (
      await request(stack.api.http).get('/api/delegations').query({ process: 'apec-card', unit, status: 'open' }).set(deskToken).expect(200)
    ).body.items[0] as { caseId: string };
    const open = (st: StepProgress) => st.status === 'awaiting' || st.status === 'overdue';
    for (const code of ['K01', 'K02']) {
      const awaiting = await eventually(
        async () => (await request(stack.api.http).get(`/api/delegations/${renewal.caseId}`).set(clerkToken)).body,
        (p: { steps: StepProgress[] }) => p.steps.some((st) => st.code === code && open(st)),
      );
      for (const st of (awaiting.steps as StepProgress[]).filter((x) => x.code === code && open(x))) {
        const { path, body } = stepRequest(renewal.caseId, st);
        await request(stack.api.http).post(path).set(clerkToken).set('Idempotency-Key', randomUUID()).send(body).expect(200);
      }
    }
    await desk.goto(`/cases/${renewal.caseId}`);
    await desk.getByTestId('act-K03').click({ timeout: 40_000 });
    const review = desk.getByTestId('dialog-case');
    await expect(review.getByTestId('dialog-applicants').innerText()).resolves.toBe('李四');
    await expect(review.innerText()).resolves.toMatch(
      new RegExp(`预审经济体\\s+新西兰 \\(NZ\\)\\s+需用卡日期\\s+${addDays(shanghaiDate(Date.now()), 60)}`),
    );
    await desk
      .getByRole('dialog')
      .getByRole('button', { name: /^取\s?消$/ })
      .click();
    // Its phase in a card application's words (trial 65: 出访准备 and 外办审批, a trip's).
    await desk.getByText('外办审核', { exact: true }).first().waitFor();
    expect(await desk.getByText('外办审批', { exact: true }).count()).toBe(0);
    await desk.goto('/apec');
    await desk.getByTestId('apec-enterprise-search').locator('input').fill(unit);
    await enterprises.locator('tr', { hasText: `测试贸易公司 (${unit})` }).waitFor();

    // The admission dialog is titled by the enterprise's name, the code beside (not the bare code).
    await desk.getByTestId(`apec-admit-${unit}`).click();
    await desk.getByRole('dialog').getByText(`准入评估 · 测试贸易公司 (${unit})`, { exact: true }).waitFor();
    await desk
      .getByRole('dialog')
      .getByRole('button', { name: /取\s?消|Cancel/ })
      .click();
    await desk.getByRole('dialog').waitFor({ state: 'detached' });

    // A move the state does not allow is refused by the API (409), shown in its words; nothing changes.
    await desk.getByTestId(`apec-lift-${unit}`).click();
    await desk.getByRole('dialog').getByText(`恢复 · 测试贸易公司 (${unit})`, { exact: true }).waitFor();
    const answered = desk.waitForResponse((r) => r.url().endsWith(`/whitelist/lift`) && r.request().method() === 'POST');
    await desk
      .getByRole('dialog')
      .getByRole('button', { name: /确\s?定|OK/ })
      .click();
    expect((await answered).status()).toBe(409);
    // Refusals in both languages, Chinese first.
    const refusal = desk.getByTestId('apec-dialog-error');
    await refusal.waitFor();
    await expect(refusal.innerText()).resolves.toMatch(/[\u4e00-\u9fff].* \/ .*lift/);
    await desk
      .getByRole('dialog')
      .getByRole('button', { name: /取\s?消|Cancel/ })
      .click();
    await expect(row.innerText()).resolves.toContain('已准入');

    // The desk registers the second unit as a state medium enterprise; it shows in the list.
    await desk.getByTestId('apec-register').click();
    const dialog = desk.getByTestId('apec-enterprise-dialog');
    // Searched by its code: every test's units are in the list, more than its virtual view renders.
    await pickOption(desk, dialog.getByLabel('企业', { exact: true }), `测试物流公司 (${unit}-b)`, { search: `${unit}-b` });
    await pickOption(desk, dialog.getByLabel('所有制', { exact: true }), '国有');
    await pickOption(desk, dialog.getByLabel('规模', { exact: true }), '中型');
    await desk
      .getByRole('dialog')
      .getByRole('button', { name: /保\s?存/ })
      .click();
    await desk.getByTestId('apec-enterprise-search').locator('input').fill(`${unit}-b`);
    const registered = enterprises.locator('tr', { hasText: `测试物流公司 (${unit}-b)` });
    await registered.waitFor();
    await expect(registered.innerText()).resolves.toMatch(/国有[\s\S]*中型/);

    // A card reported lost, from the cards registry (its number is masked for the desk: the row names it).
    // The registry holds every test's cards, 20 a page: the desk finds this enterprise's by its search (paging through
    // them missed the card twice in full runs).
    const cards = desk.getByTestId('apec-cards');
    await desk.getByTestId('apec-card-search').locator('input').fill(unit);
    const cardRow = cards.locator('tr', { hasText: '澳大利亚' }).filter({ hasText: unit });
    await cardRow.getByRole('button', { name: '挂失或注销' }).click();
    await desk.getByRole('dialog').getByLabel('原因', { exact: true }).fill('持卡人报失');
    await desk
      .getByRole('dialog')
      .getByRole('button', { name: /确\s?定|OK/ })
      .click();
    await cardRow.getByText('已挂失').waitFor();
    await expect(cardRow.getByRole('button', { name: '挂失或注销' }).count()).resolves.toBe(0);
    await screenshot(desk, 'apec-desk-forms');

    // The clerk's page is live (refreshed every 15 s): to keep it as loaded before the exit, its refreshes of the
    // enterprise fail from here on (a failed refresh keeps what is shown), until the reload below.
    const enterpriseUrl = (url: URL) => url.pathname === `/api/apec/enterprises/${unit}`;
    const staleEnterprise = (route: Route) => (route.request().method() === 'GET' ? route.abort() : route.continue());
    await clerk.route(enterpriseUrl, staleEnterprise);

    // The enterprise exits the whitelist: its state and the history's action read in words (已退出, 退出白名单),
    // the reason by its label; no English code (`exited`, `violation`) inside the Chinese row.
    await desk.getByTestId('apec-enterprise-search').locator('input').fill(unit);
    await desk.getByTestId(`apec-exit-${unit}`).click();
    await pickOption(desk, desk.getByRole('dialog').getByLabel('原因', { exact: true }), '违规');
    await desk
      .getByRole('dialog')
      .getByRole('button', { name: /确\s?定|OK/ })
      .click();
    const exitedRow = enterprises.locator('tr.ant-table-row', { hasText: `测试贸易公司 (${unit})` });
    await exitedRow.getByText('已退出').waitFor();
    await exitedRow.locator('.ant-table-row-expand-icon').click();
    const detail = enterprises.locator('.ant-table-expanded-row');
    await detail.getByText('退出白名单').waitFor();
    await detail.getByText(`测试贸易公司 (${unit})`).waitFor();
    const shown = `${await exitedRow.innerText()}\n${await detail.innerText()}`;
    expect(shown).not.toMatch(/\b(exited|admitted|violation|non-state|small)\b/);

    // The clerk's page was loaded before the exit: its form still offers the application. Sent now, the API refuses
    // it (422 at the field `unit`); the alert names the field by its label, never the path (`unit: …`).
    await pickOption(clerk, clerk.getByLabel('申请人（企业人员名册）', { exact: true }), `李四 (${unit}-p1)`, {
      multiple: true,
      search: true,
    });
    await pickOption(clerk, clerk.getByLabel('预审经济体', { exact: true }), '日本 (JP)', { multiple: true, search: true });
    await fillDay(clerk.locator('#neededBy'), addDays(shanghaiDate(Date.now()), 90));
    await clerk.getByTestId('apec-submit').click();
    const applyError = clerk.getByTestId('apec-apply-error');
    await applyError.getByText(/单位：企业须在白名单内 \/ Unit: The enterprise must be on the whitelist/).waitFor();
    await expect(applyError.innerText()).resolves.not.toMatch(/\bunit:/);
    // Handed input (new-user trial): sending again without a change still reaches the server (its refusal on the
    // form does not block the next send; it judges again: here the same refusal).
    const again = clerk.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/apec/applications'), { timeout: 10_000 });
    await clerk.getByTestId('apec-submit').click();
    await again;
    await applyError.getByText(/单位：企业须在白名单内/).waitFor();
    // Read again, the page says why the enterprise may not apply (its state by name) and the form cannot be sent.
    await clerk.unroute(enterpriseUrl, staleEnterprise);
    await clerk.reload();
    await clerk.getByTestId('apec-apply-refusal').getByText('非国有企业须在白名单内才能申请（当前：已退出）').waitFor();
    expect(await clerk.getByTestId('apec-submit').isDisabled()).toBe(true);

    await desk.getByTestId('lang').click();
    await desk.getByRole('heading', { name: 'APEC cards and the enterprise whitelist' }).waitFor();
    expect((await labelTexts(desk)).filter((l) => !/^中\s?文$/.test(l) && HAN.test(l))).toEqual([]);
  }, 180_000);

  it('the enterprise clerk withdraws its own application from the case page (second trial: only the desk could end it)', async () => {
    const unit = stack.users.unit;
    const clerkToken = bearer(stack.users.tokens['enterprise-clerk']);
    // The first test left the enterprise exited: admitted again by a new admission, its figures evaluated.
    await request(stack.api.http)
      .post(`/api/apec/enterprises/${unit}/whitelist/admission`)
      .set(bearer(stack.users.tokens['apec-desk']))
      .send({ registeredCapitalWan: 5000, foreignTradeUsd: 5_000_000, taxCreditGrade: 'A', creditRecordClean: true })
      .expect(200);
    // A third person of the roster (王五's and 李四's applications are the first test's).
    await stack.api.app.get(RegistriesRepository).putPerson(
      {
        personId: `${unit}-p3`,
        unit,
        name: '赵六',
        gender: 'male',
        dateOfBirth: '1982-09-01',
        rank: 'section',
        position: '主管',
        partyMember: false,
        classifiedAccess: false,
        leadershipTeam: null,
        status: 'active',
      },
      { id: 'test', role: 'system' },
    );
    const { caseId } = (
      await request(stack.api.http)
        .post('/api/apec/applications')
        .set(clerkToken)
        .send({ personIds: [`${unit}-p3`], economies: ['SG'], neededBy: addDays(shanghaiDate(Date.now()), 60) })
        .expect((r) => {
          if (r.status !== 201) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
        })
    ).body as { caseId: string };
    const clerk = await stack.pageAs('enterprise-clerk');
    await clerk.goto(`/cases/${caseId}`);
    await clerk.getByTestId('withdraw-application').click();
    const dialog = clerk.getByRole('dialog', { name: '撤回申请' });
    await dialog.getByLabel('撤回理由').fill('出访计划取消');
    await dialog.getByRole('button', { name: /确\s?定/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    const closed = await eventually(
      async () => (await request(stack.api.http).get(`/api/delegations/${caseId}`).set(clerkToken).expect(200)).body.status as string,
      (status) => status === 'withdrawn',
    );
    expect(closed).toBe('withdrawn');
  }, 120_000);
});
