import request from 'supertest';
import { actUntilAwaiting, getProgress, roleFor } from '../support/api-flow';
import { bearer, registerTestUnit, uncustodiedSubmission } from '../support/api-harness';
import { shownAfterOpening, startStack, waitForOrShow, type Stack } from './support';

/**
 * Thirteenth trial (high): A01 found the trip outside the annual plan ("a written reason is needed"), and the FAO
 * reviewer approved B05 with nothing written, the page never saying so. The B05 dialog now says what the approval must
 * state and asks for it before sending.
 */
describe("B05's dialog asks the unit's written reason for a trip outside the annual plan", () => {
  let stack: Stack;
  const title = `计划外团组 ${Date.now().toString(36)}`;

  beforeAll(async () => {
    stack = await startStack(1);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('the warning is shown, an empty comment is refused at the field with nothing sent, the reason is sent and B05 is done', async () => {
    const { api, users } = stack;
    await registerTestUnit(api, users);
    const body = uncustodiedSubmission(users.unit, { title });
    await request(api.http)
      .put(`/api/registries/units/${users.unit}/plans/${body.departureDate.slice(0, 4)}`)
      .set(bearer(users.tokens['fao-clerk']))
      .send({ trips: [{ id: 'P-DE', purpose: body.purpose, countries: ['DE'], size: 3, quarter: 4 }] })
      .expect(201);
    const caseId: string = (await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(body).expect(201))
      .body.caseId;
    const atB05 = await actUntilAwaiting(api, users, caseId, 'B05');
    const page = await stack.pageAs(roleFor(atB05.steps.find((s) => s.key === 'B05')!));
    const action = page.locator('tr', { hasText: title }).getByTestId('act-B05');
    await shownAfterOpening(page, '/inbox', action);
    await action.click();
    const dialog = page.getByRole('dialog');
    // What the plan check found is said before any decision is chosen (trial 66: shown nowhere).
    await expect(dialog.getByTestId('dialog-plan-check').innerText()).resolves.toContain('未列入年度计划');
    await dialog.getByText('同意', { exact: true }).click();
    await waitForOrShow(page, dialog.getByTestId('plan-reason'));
    await expect(dialog.getByTestId('plan-reason').innerText()).resolves.toContain('未列入年度出访计划');
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/steps/B05/decision')) posts.push(r.postData() ?? '');
    });
    await dialog.getByTestId('confirm').click();
    // The rule is said once, in the warning; the box says what it lacks (trial 69: the rule's text twice).
    await dialog.locator('.ant-form-item-explain-error', { hasText: '请写明单位书面说明的理由' }).waitFor();
    const box = dialog.locator('.ant-form-item').filter({ has: page.getByLabel('意见') });
    await expect(box.locator('.ant-form-item-explain-error').allInnerTexts()).resolves.toEqual(['请写明单位书面说明的理由']);
    // Spaces are no reason: said once, in the API's words (trial 60: two refusals under one box).
    await dialog.getByLabel('意见').fill('  ');
    const comment = dialog.locator('.ant-form-item').filter({ has: page.getByLabel('意见') });
    await comment.locator('.ant-form-item-explain-error', { hasText: '不得为空白' }).waitFor();
    await expect(comment.locator('.ant-form-item-explain-error').allInnerTexts()).resolves.toEqual(['不得为空白（仅含不可见字符）']);
    // A stance is no reason (trial 67: 同意 alone passed): refused at the box, in the API's words.
    await dialog.getByLabel('意见').fill('同意');
    await comment.locator('.ant-form-item-explain-error', { hasText: '表态用语' }).waitFor();
    await dialog.getByTestId('confirm').click();
    expect(posts).toEqual([]);
    const reason = '单位已书面说明：应邀参加投资洽谈会，编制年度计划时尚未收到邀请';
    await dialog.getByLabel('意见').fill(reason);
    const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/steps/B05/decision'));
    await dialog.getByTestId('confirm').click();
    expect((await sent).postDataJSON()).toMatchObject({ decision: 'approve', comment: reason });
    await dialog.waitFor({ state: 'hidden', timeout: 60_000 });
    const after = await getProgress(api, users.tokens.organizer, caseId);
    expect(after.steps.find((s) => s.key === 'B05')).toMatchObject({ status: 'done', decision: 'approve', comment: reason });
    // The case page's overview says what the plan check found (trial 66), and nothing missing: the reason was given.
    await page.goto(`/cases/${caseId}`);
    await expect(page.getByTestId('case-plan-check').innerText()).resolves.toContain('未列入年度计划');
    expect(await page.getByTestId('case-plan-reason-missing').count()).toBe(0);
    // …and the reason B05 stated, for whoever decides next (trial 67: B06 and B07 did not see it).
    await expect(page.getByTestId('case-plan-reason-stated').innerText()).resolves.toContain(`B05 外办规则审核：${reason}`);
  });
});
