import request from 'supertest';
import { requiredTaskData } from '@df/contracts';
import { ROLE_LABELS } from '@df/domain';
import { actUntilAwaiting, getProgress, waitForStep } from '../support/api-flow';
import { bearer, canonicalSubmission, passportsNotInCustody } from '../support/api-harness';
import { startStack, type Stack } from './support';

/**
 * A step sent back starts from what it recorded (trial 52: finance returned A10 to A09 for one item, "住宿费超标准，请重算",
 * and the organizer's A09 dialog came back blank, every figure to retype, the old estimate shown nowhere). The progress
 * answer's `lastData` carries the last completion's data while the step is open again; the dialog fills it in.
 */
const FINANCE_ZH = ROLE_LABELS.finance.zh;

describe('a returned step starts from its last figures', () => {
  let stack: Stack;
  const title = `预算退回团组 ${Date.now().toString(36)}`;

  beforeAll(async () => {
    stack = await startStack(60);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("finance returns A10 to A09: A09's dialog shows the budget as recorded; one item corrected, the rest sent as they were", async () => {
    const { api, users } = stack;
    const caseId: string = (
      await request(api.http)
        .post('/api/delegations')
        .set(bearer(users.tokens.organizer))
        .send(passportsNotInCustody(canonicalSubmission(users.unit, { title })))
        .expect(201)
    ).body.caseId;
    // A09 done with its figures and what the organizer says of them (trial 59: the note was shown to nobody).
    const note = '住宿按标准每人每晚 700 元';
    const recorded = requiredTaskData('A09')!.budget as Record<string, number>;
    await actUntilAwaiting(api, users, caseId, 'A09');
    await request(api.http)
      .post(`/api/delegations/${caseId}/steps/A09/complete`)
      .set(bearer(users.tokens.organizer))
      .send({ data: { budget: recorded }, comment: note })
      .expect(200);
    await actUntilAwaiting(api, users, caseId, 'A10');
    // Finance decides on the budget with the note beside it, in its dialog's summary of the case.
    const finance = await stack.pageAs('finance');
    await finance.goto(`/cases/${caseId}`);
    await finance.getByTestId('act-A10').first().click();
    const countersign = finance.getByRole('dialog');
    await expect(countersign.getByTestId('dialog-budget').innerText()).resolves.toBe(
      `合计 56,900.00 元（国际旅费 38,000.00 元、住宿费 12,600.00 元、伙食费 4,200.00 元、公杂费 2,100.00 元）；说明：${note}`,
    );
    await countersign.getByRole('button', { name: /^取\s?消$/ }).click();
    await request(api.http)
      .post(`/api/delegations/${caseId}/steps/A10/decision`)
      .set(bearer(users.tokens.finance))
      .send({ decision: 'return', returnTo: 'A09', comment: '住宿费超标准，请重算' })
      .expect(200);
    await waitForStep(api, users.tokens.organizer, caseId, 'A09', ['awaiting', 'overdue']);
    const a09 = (await getProgress(api, users.tokens.organizer, caseId)).steps.find((s) => s.key === 'A09')!;
    expect([a09.data, a09.lastData]).toEqual([undefined, { budget: recorded }]);

    const page = await stack.pageAs('organizer');
    const sent: unknown[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/steps/A09/complete')) sent.push(r.postDataJSON());
    });
    await page.goto(`/cases/${caseId}`);
    await page.getByTestId('act-A09').first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('returned-by').waitFor();
    // Who returned it as the office knows them: the step and its role before the login name (trial 52).
    await expect(dialog.getByTestId('returned-by').innerText()).resolves.toMatch(
      new RegExp(
        `住宿费超标准，请重算[\\s\\S]*退回步骤 A10 \\S+ · ${FINANCE_ZH} \\S+（${users.usernames.finance}） · \\d{4}-\\d{2}-\\d{2}`,
      ),
    );
    await dialog
      .getByTestId('budget-total')
      .filter({ hasText: /^合计：56,900\.00 元$/ })
      .waitFor();
    await expect(dialog.getByLabel('国际旅费', { exact: true }).inputValue()).resolves.toBe(String(recorded.internationalTravelYuan));
    // Its comment comes back with its figures, to keep or correct.
    await expect(dialog.getByLabel('意见').inputValue()).resolves.toBe(note);
    await dialog.getByLabel('住宿费', { exact: true }).fill('9800');
    await dialog.getByTestId('confirm').click();
    await dialog.waitFor({ state: 'hidden', timeout: 60_000 });
    expect(sent).toEqual([expect.objectContaining({ data: { budget: { ...recorded, lodgingYuan: 9800 } }, comment: note })]);
    const redone = (await getProgress(api, users.tokens.organizer, caseId)).steps.find((s) => s.key === 'A09')!;
    // Done again: its data is the new one, and nothing of the last is offered any more.
    expect([redone.status, redone.data, redone.lastData]).toEqual(['done', { budget: { ...recorded, lodgingYuan: 9800 } }, undefined]);
  });
});
