import request from 'supertest';
import type { Page } from 'playwright-core';
import { actionable, actOn, getProgress, roleFor, waitForStep } from '../support/api-flow';
import { bearer, canonicalSubmission, uniquePassportNumber, uniqueSuffix } from '../support/api-harness';
import { fillDay, startStack, type Stack } from './support';
import { passportNeededUntil } from '@df/domain';

/**
 * D12, the visa outcome (签证结果), from the visa officer's dialog. Second fresh trial (high): a D12 completed with no
 * outcome counted as granted, and the web's dialog sent none: a trip went on with no visa result and a refusal could
 * not be recorded at all. The dialog asks 获签 or 拒签 (required) and, refused, whom (none chosen: every member).
 */
describe("the visa officer records D12's outcome, D13's visa (and D01's route) in the dialog", () => {
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
    /** Opens the inbox until the case's row for the step shows (the read model follows the workflow), then its action. */
    const openAction = async (page: Page, stepKey: string) => {
      const action = page.locator('tr', { hasText: title }).getByTestId(`act-${stepKey}`);
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
      await page.getByRole('dialog').waitFor();
    };
    // Every step before D12 approved or completed by its role over the API, D01 of the head through the dialog.
    let routed = false;
    let checked = false;
    const deadline = Date.now() + 300_000;
    for (;;) {
      const p = await getProgress(api, users.tokens.organizer, caseId);
      if (['awaiting', 'overdue'].includes(p.steps.find((s) => s.key === 'D12:US')?.status ?? '')) break;
      if (Date.now() > deadline) throw new Error(`D12:US not reached: ${p.steps.filter((s) => s.status === 'awaiting').map((s) => s.key)}`);
      const d01 = actionable(p).find((s) => s.key === 'D01:m1:US');
      if (d01 && !routed) {
        // D01 in its role's dialog: the route is asked, starting at the member's current one (a US trip: a visa, the
        // only route the country table gives official passports), and sent.
        routed = true;
        const page = await stack.pageAs(roleFor(d01));
        await openAction(page, 'D01:m1:US');
        const dialog = page.getByRole('dialog');
        const route = dialog.getByRole('radiogroup', { name: '入境方式' });
        await expect(route.getByRole('radio').evaluateAll((els) => els.map((e) => e.getAttribute('value')))).resolves.toEqual(['visa']);
        await expect(route.getByRole('radio', { checked: true }).getAttribute('value')).resolves.toBe('visa');
        const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/steps/D01:m1:US/complete'));
        await dialog.getByTestId('confirm').click();
        expect((await sent).postDataJSON()).toMatchObject({ data: { route: 'visa' } });
        await dialog.waitFor({ state: 'hidden', timeout: 60_000 });
        continue;
      }
      const c01 = actionable(p).find((s) => s.key === 'C01:m2');
      if (c01 && !checked) {
        // C01 in the passport officer's dialog: the passport it checks, with its expiry against the trip's return and
        // its custody (trial 76: C01 was confirmed blind).
        checked = true;
        const page = await stack.pageAs(roleFor(c01));
        await openAction(page, 'C01:m2');
        // The inbox row named whose step it is (trial 76: A11:m1 by the member's id alone).
        await expect(
          page
            .locator('tr', { hasText: title })
            .filter({ has: page.getByTestId('act-C01:m2') })
            .innerText(),
        ).resolves.toContain(`C01:m2 核查护照（保管、有效期满6个月） · ${second.name}`);
        const dialog = page.getByRole('dialog');
        await expect(dialog.getByTestId('dialog-passport').innerText()).resolves.toBe(
          `护照：${second.passport.number}，有效期至 2031-06-30，外办保管 · 有效期满足回国后6个月（须至 ${passportNeededUntil(p.facts.returnDate)}）`,
        );
        await dialog.getByTestId('confirm').click();
        await dialog.waitFor({ state: 'hidden', timeout: 60_000 });
        continue;
      }
      const ready = actionable(p).filter((s) => s.key !== 'D12:US' && s.key !== 'D01:m1:US' && (checked || s.key !== 'C01:m2'));
      for (const step of ready) expect([step.key, (await actOn(api, users, caseId, step)).status]).toEqual([step.key, 200]);
      if (ready.length === 0) await new Promise((r) => setTimeout(r, 300));
    }

    expect([routed, checked]).toEqual([true, true]);
    const page = await stack.pageAs('visa-officer');
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/steps/')) posts.push(r.url());
    });
    await openAction(page, 'D12:US');
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

    // D13, the visa collected (2027.12): its validity, which must cover the stay (trial: D12/D13 recorded none). Handed
    // input: a visa valid from the day after the arrival is refused at its field; from the arrival day it is taken.
    const stay = after.facts.destinations.find((d) => d.country === 'US')!;
    await waitForStep(api, users.tokens.organizer, caseId, 'D13:m1:US', ['awaiting', 'overdue']);
    await openAction(page, 'D13:m1:US');
    const visa = page.getByRole('dialog');
    await expect(visa.getByTestId('visa-stay').innerText()).resolves.toContain(`${stay.arrive} 抵达，${stay.leave} 离开`);
    // Trial 86: the dialog names the country (not only US in the key) and the passport the visa is in.
    await expect(visa.locator('.ant-modal-title').innerText()).resolves.toBe('D13:m1:US 领取并核对签证 · 美国 (US)');
    // As the visa officer reads it (the organizer's read masks the number).
    const read = await getProgress(api, users.tokens['visa-officer'], caseId);
    const issued = read.steps.find((s) => s.key === 'C05:m1' && s.status === 'done')?.data as
      { number?: string; expiresOn?: string } | undefined;
    const travel = issued?.number ? issued : read.facts.members.find((m) => m.id === 'm1')!.passport!;
    await expect(visa.getByTestId('dialog-passport').innerText()).resolves.toBe(`护照：${travel.number}，有效期至 ${travel.expiresOn}`);
    const dayAfter = new Date(Date.parse(`${stay.arrive}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    await fillDay(visa.getByLabel('签证有效期起'), dayAfter);
    await fillDay(visa.getByLabel('签证有效期至'), '2034-12-31');
    await visa.getByTestId('confirm').click();
    const from = visa.locator('.ant-form-item', { has: page.getByText('签证有效期起', { exact: true }) });
    await from.locator('.ant-form-item-explain-error', { hasText: `起始日不得晚于 ${stay.arrive}` }).waitFor();
    expect((await getProgress(api, users.tokens.organizer, caseId)).steps.find((s) => s.key === 'D13:m1:US')!.status).toMatch(
      /awaiting|overdue/,
    );
    await fillDay(visa.getByLabel('签证有效期起'), stay.arrive);
    const collected = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/steps/D13:m1:US/complete'));
    await visa.getByTestId('confirm').click();
    expect((await collected).postDataJSON()).toMatchObject({ data: { validFrom: stay.arrive, validUntil: '2034-12-31' } });
    await visa.waitFor({ state: 'hidden', timeout: 60_000 });
    await waitForStep(api, users.tokens.organizer, caseId, 'D13:m1:US', ['done']);

    // The trip shortened by a day: D13 runs again (rerunOnAmend 'dates'), and its dialog says why it is back, the visa
    // recorded filled in to check (trial 75: it reopened saying nothing).
    const dayBefore = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    await request(api.http)
      .post(`/api/delegations/${caseId}/amend`)
      .set(bearer(users.tokens.organizer))
      .send({
        changes: { returnDate: dayBefore(after.facts.returnDate), destinations: [{ ...stay, leave: dayBefore(stay.leave) }] },
        comment: '缩短行程一天',
      })
      .expect(200);
    const reopenBy = Date.now() + 120_000;
    let itineraryAsked = false;
    for (;;) {
      const p = await getProgress(api, users.tokens.organizer, caseId);
      // The itinerary run again (A05, 'itinerary'): its dialog says the file uploaded before served the old trip
      // (trial 81: 日程安排（缺） and nothing of why).
      const a05 = p.steps.find((s) => s.key === 'A05')!;
      if (!itineraryAsked && a05.rerunBy && (a05.status === 'awaiting' || a05.status === 'overdue')) {
        const organizer = await stack.pageAs('organizer');
        await openAction(organizer, 'A05');
        await expect(organizer.getByRole('dialog').getByTestId('rerun-by').innerText()).resolves.toContain(
          '变更前上传的材料只适用于原行程，请上传变更后的：日程安排',
        );
        await organizer.keyboard.press('Escape');
        itineraryAsked = true;
      }
      const d13 = p.steps.find((s) => s.key === 'D13:m1:US')!;
      if (d13.status === 'awaiting' || d13.status === 'overdue') {
        expect(d13.rerunBy).toMatchObject({ cause: 'amend', actedBy: users.usernames.organizer });
        break;
      }
      if (Date.now() > reopenBy) throw new Error(`D13:m1:US not open again: ${d13.status}`);
      const ready = actionable(p).filter((x) => x.key !== 'D13:m1:US');
      for (const step of ready) expect([step.key, (await actOn(api, users, caseId, step)).status]).toEqual([step.key, 200]);
      if (ready.length === 0) await new Promise((r) => setTimeout(r, 300));
    }
    expect(itineraryAsked).toBe(true);
    await openAction(page, 'D13:m1:US');
    const again = page.getByRole('dialog');
    await expect(again.getByTestId('rerun-by').innerText()).resolves.toMatch(
      new RegExp(
        `出访信息已变更[\\s\\S]*\\S+（${users.usernames.organizer}） \\d{4}-\\d{2}-\\d{2}[\\s\\S]*上次办理时填写的内容已带入，请逐项核对`,
      ),
    );
    await expect(again.getByLabel('签证有效期起').inputValue()).resolves.toBe(stay.arrive);
    await expect(again.getByLabel('签证有效期至').inputValue()).resolves.toBe('2034-12-31');
    const rechecked = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/steps/D13:m1:US/complete'));
    await again.getByTestId('confirm').click();
    expect((await rechecked).postDataJSON()).toMatchObject({ data: { validFrom: stay.arrive, validUntil: '2034-12-31' } });
    await again.waitFor({ state: 'hidden', timeout: 60_000 });
    expect(
      (await waitForStep(api, users.tokens.organizer, caseId, 'D13:m1:US', ['done'])).steps.find((x) => x.key === 'D13:m1:US')!.rerunBy,
    ).toBeUndefined();
  }, 600_000);
});
