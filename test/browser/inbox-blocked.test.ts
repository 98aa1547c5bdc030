import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { EventStore } from '@df/persistence';
import { shanghaiDate } from '@df/domain';
import { actionable, actOn, getProgress, waitForStep } from '../support/api-flow';
import { bearer, canonicalSubmission } from '../support/api-harness';
import { caseStream } from '../support/event-factories';
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
    expect(await row.getByTestId('blocked-for-B02').innerText()).toBe('不得审批本人报送的案件（您是本案的报送人或经办人）');
    expect(await row.getByTestId('act-B02').count()).toBe(0);

    // The case page's actions say the same, from the same inbox item: no button that would meet the 403.
    await page.goto(`/cases/${caseId}`);
    const actions = page.getByTestId('case-actions');
    await actions.getByTestId('blocked-for-B02').waitFor({ timeout: 30_000 });
    expect(await actions.getByTestId('blocked-for-B02').innerText()).toContain('不得审批本人报送的案件（您是本案的报送人或经办人）');
    expect(await actions.getByTestId('act-B02').count()).toBe(0);
  });

  it('a trip whose departure date passed without a departure: each step says why and what to do; an approval keeps its button (return, reject)', async () => {
    const { api, users } = stack;
    const DAY = 86_400_000;
    const departureDate = new Date(Date.now() + 8 * 3600_000 - 3 * DAY).toISOString().slice(0, 10);
    const caseId = randomUUID();
    const lapsed = `过期未出发团组 ${caseId.slice(0, 13)}`;
    // As the read model has it (no workflow behind it: the inbox and the case page read the read model), submitted 40
    // days ago, its organizer's A02 and the office's B02 still open three days after the departure date.
    const store = api.app.get(EventStore);
    const events = caseStream({
      caseId,
      unit: users.unit,
      title: lapsed,
      submittedAt: Date.now() - 40 * DAY,
      departureDate,
      done: [],
      open: [
        { key: 'A02', code: 'A02', phase: 'prepare', actorRole: 'organizer', kind: 'task' },
        { key: 'B02', code: 'B02', phase: 'review', actorRole: 'fao-clerk', kind: 'approval' },
      ],
    });
    for (let i = 0; i < events.length; i += 4) await store.append(events.slice(i, i + 4));
    const reason = `出发日期（${departureDate}）已过，尚未出发`;

    // The API's inbox item says it, for the step's role.
    const item = async (role: 'organizer' | 'fao-clerk', stepKey: string) => {
      const r = await request(api.http).get('/api/inbox').query({ pageSize: 200 }).set(bearer(users.tokens[role])).expect(200);
      return (
        r.body.items as Array<{ caseId: string; stepKey: string; blockedFor: { code: string; message: { zh: string } } | null }>
      ).find((i) => i.caseId === caseId && i.stepKey === stepKey);
    };
    expect((await item('fao-clerk', 'B02'))?.blockedFor).toEqual({
      code: 'DEPARTURE_PASSED',
      message: { zh: expect.stringContaining(reason), en: expect.stringContaining(`The departure date (${departureDate}) has passed`) },
    });
    expect((await item('organizer', 'A02'))?.blockedFor?.code).toBe('DEPARTURE_PASSED');

    // The office's clerk: the reason, and the decide button (B02 may still be returned or rejected).
    const clerk = await stack.pageAs('fao-clerk');
    await clerk.goto('/inbox');
    const b02 = clerk.locator('tr', { hasText: lapsed }).filter({ hasText: 'B02' });
    await b02.getByTestId('blocked-for-B02').waitFor();
    expect(await b02.getByTestId('blocked-for-B02').innerText()).toContain(reason);
    expect(await b02.getByTestId('act-B02').count()).toBe(1);

    // The organizer: the reason, no button (A02's completion would be refused); the case page says it on top.
    const organizer = await stack.pageAs('organizer');
    await organizer.goto('/inbox');
    const a02 = organizer.locator('tr', { hasText: lapsed }).filter({ hasText: 'A02' });
    await a02.getByTestId('blocked-for-A02').waitFor();
    expect(await a02.getByTestId('blocked-for-A02').innerText()).toContain('请先修改出访日期（改期）或撤回申请');
    expect(await a02.getByTestId('act-A02').count()).toBe(0);
    await organizer.goto(`/cases/${caseId}`);
    await organizer.getByTestId('case-departure-passed').waitFor();
    expect(await organizer.getByTestId('case-departure-passed').innerText()).toContain('出发日期已过，尚未出发');

    // Prepared but for E07, the departure three days ago and the return ahead: the departure may still be confirmed, and
    // the page says so first (trial 77: it said only 改期 or 撤回 while E07 was offered and went through).
    const confirmId = randomUUID();
    const returnDate = new Date(Date.now() + 8 * 3600_000 + 5 * DAY).toISOString().slice(0, 10);
    const confirmable = caseStream({
      caseId: confirmId,
      unit: users.unit,
      title: `待确认出发团组 ${confirmId.slice(0, 13)}`,
      submittedAt: Date.now() - 40 * DAY,
      departureDate,
      returnDate,
      done: [],
      open: [{ key: 'E07', code: 'E07', phase: 'depart', actorRole: 'organizer', kind: 'task' }],
      plan: { phase: 'depart', slackWd: -2, atRisk: true, forecastReadyAt: Date.now() - 10 * DAY, criticalStep: 'E07' },
    });
    for (let i = 0; i < confirmable.length; i += 4) await store.append(confirmable.slice(i, i + 4));
    await organizer.goto(`/cases/${confirmId}`);
    await organizer.getByTestId('case-departure-passed').waitFor();
    await expect(organizer.getByTestId('case-departure-passed').innerText()).resolves.toContain(
      `出发日期（${departureDate}）已过：团组如已按期出发，请办理 E07 确认出发（回国日期 ${returnDate} 前均可）；如未出发`,
    );
    // The preparation's end is behind: the day it was prepared, not a forecast (trials 77, 78: 预计办结 a past day).
    const prepared = organizer.getByTestId('case-forecast');
    await expect(prepared.innerText()).resolves.toContain('准备就绪日期');
    await expect(prepared.innerText()).resolves.toContain(shanghaiDate(Date.now() - 10 * DAY));
    // The days since the departure in words (trial 77: 距出发 -1 between the dates).
    const days = organizer.getByTestId('case-days-to-departure').locator('.ant-statistic-content-value');
    await expect(days.innerText()).resolves.toBe('已过 3 天');
  });
});
