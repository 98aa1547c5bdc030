import { fillDay, signIn, startStack, type Stack } from './support';

/**
 * A new trip's form keeps what was typed and not sent (trial 54: a title typed, the page left, the form empty on
 * return): leaving the page or reloading it brings it back, said, with a way to start over; sending the trip or
 * signing out discards it.
 */
describe('the new-trip form keeps its draft', () => {
  let stack: Stack;
  const title = `草稿团组 ${Date.now().toString(36)}`;

  beforeAll(async () => {
    stack = await startStack(60);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('comes back after leaving the page and after a reload, goes on 清空重填 and at sign-out', async () => {
    const page = await stack.pageAs('organizer');
    await page.goto('/cases/new');
    await page.getByRole('heading', { name: '新建出访申请' }).waitFor();
    await page.getByTestId('draft-restored').waitFor({ state: 'detached' });
    await page.getByLabel('标题').fill(title);
    await fillDay(page.getByLabel('出发日期'), '2031-03-03');

    // Left through the app's own navigation, then back.
    await page.goto('/inbox');
    await page.getByRole('menuitem', { name: '新建出访申请' }).click();
    await page.getByRole('heading', { name: '新建出访申请' }).waitFor();
    await page.getByTestId('draft-restored').waitFor();
    await expect(page.getByTestId('draft-restored').innerText()).resolves.toMatch(
      /^已恢复您在本页未报送的填写内容（保存于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}）/,
    );
    await expect(page.getByLabel('标题').inputValue()).resolves.toBe(title);
    await expect(page.getByLabel('出发日期').inputValue()).resolves.toBe('2031-03-03');

    // A reload of the tab too.
    await page.reload();
    await page.getByTestId('draft-restored').waitFor();
    await expect(page.getByLabel('标题').inputValue()).resolves.toBe(title);

    // 清空重填: the form as new, the notice gone, and nothing restored after it.
    await page.getByTestId('draft-discard').click();
    await page.getByTestId('draft-restored').waitFor({ state: 'detached' });
    await expect(page.getByLabel('标题').inputValue()).resolves.toBe('');
    await expect(page.getByLabel('出发日期').inputValue()).resolves.toBe('');
    await page.reload();
    await page.getByRole('heading', { name: '新建出访申请' }).waitFor();
    await expect(page.getByLabel('标题').inputValue()).resolves.toBe('');
    await expect(page.getByTestId('draft-restored').count()).resolves.toBe(0);

    // Typed again, then signed out and in: the tab keeps no one's unsent form.
    await page.getByLabel('标题').fill(title);
    await page.getByTestId('user').click();
    await page.getByTestId('sign-out').click();
    await signIn(page, stack.users.usernames.organizer);
    await page.goto('/cases/new');
    await page.getByRole('heading', { name: '新建出访申请' }).waitFor();
    await expect(page.getByLabel('标题').inputValue()).resolves.toBe('');
    await expect(page.getByTestId('draft-restored').count()).resolves.toBe(0);
  });
});
