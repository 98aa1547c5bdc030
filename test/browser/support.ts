import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { createApiApp } from '../../apps/api/src';
import { WEB_DIST_DIR } from '../../apps/api/src/web/web-app.server';
import { eventually, startTestWorker, testConfig, type TestWorker } from '../support/harness';
import { createTestUsers, TEST_PASSWORD, type TestApi, type TestUsers } from '../support/api-harness';
import type { UserRole } from '../../apps/api/src/auth/access';

const ROOT = join(__dirname, '..', '..');
/** Debian's Chromium (.ci/run installs it); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Set UPDATE_SCREENSHOTS=1 to write the pages' screenshots to docs/screenshots. */
export const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : null;

const newest = (dir: string): number =>
  Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
    ),
  );

/** Builds the web app (dist/web) when it is missing or older than its sources, as `npm run build:web` does. */
export function ensureWebBuilt(): void {
  const index = join(WEB_DIST_DIR, 'index.html');
  const src = join(ROOT, 'apps', 'web');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(src)) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'apps/web', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
    // The build the app ships (npm run build:web): jest's NODE_ENV=test would make Vite bundle React's development
    // build, a larger entry than the one measured against the bundle budget.
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

export interface Stack {
  worker: TestWorker;
  api: TestApi;
  users: TestUsers;
  baseUrl: string;
  browser: Browser;
  /** A browser context per role, each signed in once (its own sessionStorage). */
  pageAs(role: UserRole): Promise<Page>;
  close(): Promise<void>;
}

/** Worker + API listening on a free port (serving dist/web at /) + Chromium, on the suite's PostgreSQL and Temporal. */
/**
 * `enterprise`: the stack's unit is an APEC card enterprise, its only unit user the enterprise clerk (createTestUsers).
 * `databaseUrl`: a database of the file's own (what is office-wide, such as the process versions, changes no other file's).
 */
export async function startStack(workingDaySeconds: number, opts: { enterprise?: boolean; databaseUrl?: string } = {}): Promise<Stack> {
  ensureWebBuilt();
  const own = opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {};
  const worker = await startTestWorker({ workingDaySeconds, ...own });
  const config = testConfig({
    jwtSecret: 'test-secret-0123456789-0123456789-abcdef',
    taskQueue: worker.config.taskQueue,
    workingDaySeconds,
    ...own,
  });
  const app = await createApiApp(config);
  await app.init();
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const api: TestApi = { app, config, http: app.getHttpServer(), close: () => app.close() };
  const users = await createTestUsers(api, undefined, opts);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const baseUrl = `http://127.0.0.1:${port}`;
  const contexts = new Map<UserRole, { context: BrowserContext; page: Page }>();
  return {
    worker,
    api,
    users,
    baseUrl,
    browser,
    async pageAs(role) {
      const known = contexts.get(role);
      if (known) return known.page;
      const context = await browser.newContext({
        baseURL: baseUrl,
        viewport: { width: 1366, height: 900 },
        acceptDownloads: true,
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
        // The app follows the user's reduce-motion setting: no dialog or list animation to race on a loaded machine.
        reducedMotion: 'reduce',
      });
      const page = await context.newPage();
      await signIn(page, users.usernames[role]);
      contexts.set(role, { context, page });
      return page;
    },
    async close() {
      await browser.close();
      await app.close();
      await worker.stop();
    },
  };
}

export async function signIn(page: Page, username: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto('/');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page
    .getByRole('button', { name: '登 录' })
    .or(page.getByRole('button', { name: '登录' }))
    .click();
  await page.getByTestId('user').waitFor();
}

/**
 * Opens `path` until `locator` shows (within 3 s of each opening), for up to `timeoutMs`: for what the page reads once
 * from a read model that follows the engine within seconds (the inbox, the published progress). Throws when it never
 * shows.
 */
export async function shownAfterOpening(page: Page, path: string, locator: Locator, timeoutMs = 60_000): Promise<void> {
  const shown = await eventually(
    async () => {
      await page.goto(path);
      return locator.waitFor({ timeout: 3000 }).then(
        () => true,
        () => false,
      );
    },
    (yes) => yes,
    timeoutMs,
  );
  if (!shown) throw new Error(`${path}: not shown within ${timeoutMs} ms`);
}

/**
 * Waits for `locator` as `locator.waitFor()` does; when it times out, the error also says what the page showed (its
 * text, and the API requests that failed meanwhile), so a failure in CI can be read without a rerun.
 */
export async function waitForOrShow(page: Page, locator: Locator): Promise<void> {
  const failed: string[] = [];
  const onResponse = (r: { url(): string; status(): number }) => {
    if (r.status() >= 400 && r.url().includes('/api/')) failed.push(`${r.status()} ${r.url()}`);
  };
  page.on('response', onResponse);
  try {
    await locator.waitFor();
  } catch (err) {
    const shown = (
      await page
        .locator('body')
        .innerText()
        .catch(() => '(no page)')
    ).slice(0, 3000);
    throw new Error(`${(err as Error).message}\n--- the page showed:\n${shown}\n--- failed API answers: ${failed.join(', ') || 'none'}`);
  } finally {
    page.off('response', onResponse);
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/**
 * Text of the page's labels (headers, buttons, form labels, menu, titles): what switching language must change. The
 * header's account button is the user's name (data, 张三 in either language), not a label.
 */
export async function labelTexts(page: Page): Promise<string[]> {
  return page
    .locator(
      'th, label, button:not([data-testid="user"]), .ant-card-head-title, .ant-menu-title-content, .ant-statistic-title, .ant-segmented-item-label, .ant-steps-item-title, .ant-tag, .ant-descriptions-item-label',
    )
    .evaluateAll((els) => els.map((e) => (e as unknown as { innerText: string }).innerText.trim()).filter(Boolean));
}

export const HAN = /\p{Script=Han}/u;

/**
 * Picks `option` (an option's label: Ant Design options carry it as their title) in the select that `field` (its
 * input, e.g. `getByLabel`) opens, and checks the select shows it afterwards. A click that lands while the list is
 * still opening or closing is lost (the field keeps its value and the list may stay open over the fields below),
 * so the pick is made again, as a user would, up to three times. The list is closed before returning.
 * `multiple`: a tag select, whose list stays open after a pick (closed with Escape; `search` types the option's
 * first characters first, or the text given, for a virtual list longer than the view).
 */
export async function pickOption(
  page: Page,
  field: Locator,
  option: string,
  { multiple = false, search = false }: { multiple?: boolean; search?: boolean | string } = {},
): Promise<void> {
  const select = field.locator("xpath=ancestor-or-self::*[contains(concat(' ', normalize-space(@class), ' '), ' ant-select ')][1]");
  const open = page.locator('.ant-select-dropdown:visible');
  for (let attempt = 1; ; attempt++) {
    await field.click();
    if (search) await field.fill(typeof search === 'string' ? search : option.slice(0, 2));
    await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${option}"]`).click();
    if (multiple) await page.keyboard.press('Escape');
    // A closing list still matches `:visible` and would take the next pick's click: wait it out; a list left open
    // by a lost click is closed by leaving the field (Escape could close the dialog around it).
    await open.waitFor({ state: 'hidden', timeout: 2000 }).catch(async () => {
      await field.evaluate((el) => (el as unknown as { blur(): void }).blur());
      await open.waitFor({ state: 'hidden' });
    });
    // The pick shows once the selection's closing animation is over (slow on a loaded machine): give it time
    // before taking the click for lost.
    let shown = await select.innerText();
    for (let waited = 0; !shown.includes(option) && waited < 3000; waited += 100) {
      await page.waitForTimeout(100);
      shown = await select.innerText();
    }
    if (shown.includes(option)) return;
    if (attempt === 3) throw new Error(`the select shows "${shown}" after picking "${option}" three times`);
  }
}

/**
 * Types `day` (YYYY-MM-DD) into a day field (DayField.tsx: Ant Design's date picker) by its input (`input`, e.g.
 * `getByTestId('period-from')` or `getByLabel('出发日期')`) and presses Enter, which is when the picker takes a typed
 * day (as on leaving the field) and closes its calendar; Enter does not submit the form around it.
 */
export async function fillDay(input: Locator, day: string): Promise<void> {
  // The mouse on the field itself: the calendar opens beside it, and a day cell that opens under a mouse left
  // elsewhere (on a button just clicked) is hovered, which the picker previews in the field in place of the typed day.
  await input.hover();
  await input.fill(day);
  await input.press('Enter');
  const shown = await input.inputValue();
  if (shown !== day) throw new Error(`the date picker shows "${shown}" after typing ${day}`);
}

/** Clears an Ant Design date picker (`input`, as for fillDay) with its clear button (×, shown on hover), as a user does. */
export async function clearDay(input: Locator): Promise<void> {
  const picker = input.locator("xpath=ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' ant-picker ')][1]");
  await picker.hover();
  await picker.locator('.ant-picker-clear').click();
  const shown = await input.inputValue();
  if (shown !== '') throw new Error(`the date picker shows "${shown}" after clearing it`);
}

/**
 * The new-trip wizard's destination step (行程), one stop: country by its code (typed into the country search and
 * taken with Enter), city, the days of arrival and departure (YYYY-MM-DD), the inviter and the inviting body.
 */
export async function fillStop(
  page: Page,
  stop: { country: string; city: string; arrive: string; leave: string; inviter: string; invitingOrg: string },
): Promise<void> {
  await page.getByRole('combobox', { name: '国家/地区' }).click();
  await page.keyboard.type(stop.country);
  await page.keyboard.press('Enter');
  await page.getByLabel('城市').fill(stop.city);
  await fillDay(page.getByLabel('抵达'), stop.arrive);
  await fillDay(page.getByLabel('离开'), stop.leave);
  await page.getByLabel('邀请人').fill(stop.inviter);
  await page.getByLabel('邀请单位').fill(stop.invitingOrg);
}

/** The new-trip wizard's member step (人员), one typed member: name, post, rank (its Chinese label), passport and its expiry. */
export async function fillMember(
  page: Page,
  member: { name: string; title: string; rank: string; passportNo: string; passportExpiry: string },
): Promise<void> {
  await page.getByLabel('姓名').fill(member.name);
  await page.getByLabel('职务').fill(member.title);
  await page.getByRole('combobox', { name: '级别' }).click();
  await page.keyboard.type(member.rank);
  await page.keyboard.press('Enter');
  await page.getByLabel('护照号码').fill(member.passportNo);
  await fillDay(page.getByLabel('护照有效期至'), member.passportExpiry);
}

/** The stop the browser tests take a trip to: Houston, invited by the Greater Houston Partnership. */
export const HOUSTON = (arrive: string, leave: string) => ({
  country: 'US',
  city: 'Houston',
  arrive,
  leave,
  inviter: 'Jane Roe',
  invitingOrg: 'Greater Houston Partnership',
});
