import type { Page } from 'playwright-core';
import request from 'supertest';
import AxeBuilder from '@axe-core/playwright';
import { DEFAULT_DEFINITION } from '@df/domain';
import { bearer } from '../support/api-harness';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { eventually } from '../support/harness';
import { screenshot, startStack, type Stack } from './support';

/**
 * 发布新版本 in the web app (docs/web.md): the FAO director copies the current version, checks a change (the dry run:
 * every problem at its field, or what would change, nothing stored) and publishes it only as checked. Its own database:
 * a published version is the one every new case takes, office-wide.
 */
describe('process versions in the web app: check, then publish as checked', () => {
  let db: TestDatabase;
  let stack: Stack;
  beforeAll(async () => {
    db = await createTestDatabase('browser_process_versions');
    stack = await startStack(2, { databaseUrl: db.url });
  });
  afterAll(async () => {
    await stack?.close();
    await db?.drop();
  });

  const versions = async () =>
    (
      (await request(stack.api.http).get('/api/registries/process-versions').set(bearer(stack.users.tokens.organizer)).expect(200)).body
        .items as Array<{ version: string; current: boolean }>
    ).map((v) => [v.version, v.current]);
  /** The version text as the page holds it, changed by `edit`, typed back. */
  const edit = async (page: Page, change: (body: { definition: typeof DEFAULT_DEFINITION }) => void) => {
    const box = page.getByTestId('version-json');
    const body = JSON.parse(await box.inputValue()) as { definition: typeof DEFAULT_DEFINITION };
    change(body);
    await box.fill(JSON.stringify(body, null, 2));
  };

  it('refuses at the field, shows what would change, stores nothing until published; publishing makes it the one new cases take', async () => {
    const organizer = await stack.pageAs('organizer');
    await organizer.getByRole('menuitem', { name: '登记簿' }).click();
    await organizer.getByRole('tab', { name: '流程版本' }).click();
    await organizer.getByTestId('versions-table').locator('tbody tr').first().waitFor();
    // Only the FAO director publishes (REGISTRY_WRITERS.processVersions): the organizer reads the list.
    expect(await organizer.getByTestId('publish-version').count()).toBe(0);

    const director = await stack.pageAs('fao-director');
    await director.getByRole('menuitem', { name: '登记簿' }).click();
    await director.getByRole('tab', { name: '流程版本' }).click();
    await director.getByTestId('publish-version').waitFor();
    await director.getByTestId('version-copy').click();
    await eventually(
      () => director.getByTestId('version-json').inputValue(),
      (v) => v.length > 0,
      15_000,
    );
    const publish = director.getByTestId('version-publish');
    expect(await publish.isDisabled()).toBe(true);

    // A second trip report (P04) under a new name: refused at its field, in Chinese, with its rule.
    const p04 = DEFAULT_DEFINITION.steps.findIndex((s) => s.code === 'P04');
    await edit(director, (b) => {
      b.definition.version = 'office-web-1';
      b.definition.steps[p04]!.behaviour = { ...b.definition.steps[p04]!.behaviour, data: 'trip-report' };
    });
    await director.getByTestId('version-check').click();
    const errors = director.getByTestId('version-errors');
    await errors.getByText(`definition.steps[${p04}].behaviour.data`).waitFor();
    expect(await errors.innerText()).toContain(' [P04] (invalid-field): 出访报告由步骤 P03 提交（每个版本一个）');
    await screenshot(director, 'process-version-refused');
    expect(await publish.isDisabled()).toBe(true);

    // Fixed, with A02 lengthened: checked, the change listed, still nothing published.
    const a02 = DEFAULT_DEFINITION.steps.findIndex((s) => s.code === 'A02');
    await edit(director, (b) => {
      b.definition.steps[p04]!.behaviour = DEFAULT_DEFINITION.steps[p04]!.behaviour;
      b.definition.steps[a02]!.durationWd = 2;
    });
    await director.getByTestId('version-check').click();
    const checked = director.getByTestId('version-checked');
    await checked.locator('tr', { hasText: 'A02' }).filter({ hasText: 'durationWd' }).waitFor();
    expect(await errors.count()).toBe(0);
    expect(await versions()).toEqual([[DEFAULT_DEFINITION.version, true]]);
    await screenshot(director, 'process-version-checked');
    const axe = await new AxeBuilder({ page: director }).include('[data-testid="publish-version"]').analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

    // Changed after the check: to be checked again before it can be published.
    await edit(director, (b) => {
      b.definition.steps[a02]!.durationWd = 3;
    });
    expect(await publish.isDisabled()).toBe(true);
    await director.getByTestId('version-check').click();
    await checked.locator('tr', { hasText: 'A02' }).filter({ hasText: '3' }).waitFor();
    // Asked once more, naming the version; cancelled, nothing is published.
    await publish.click();
    const confirm = director.locator('.ant-popconfirm');
    await confirm.getByText('发布版本 office-web-1？').waitFor();
    expect(await confirm.innerText()).toContain('办理中的案件仍按其原版本办理');
    await confirm.getByRole('button', { name: /取\s*消/ }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await versions()).toEqual([[DEFAULT_DEFINITION.version, true]]);
    await publish.click();
    await director.getByTestId('version-publish-confirm').click();
    const published = director.getByTestId('versions-table').locator('tr', { hasText: 'office-web-1' }).filter({ hasText: '新案件使用' });
    await published.waitFor();
    // 发布人 by display name, the account beside it (trial 85's kind: it read the account alone).
    expect(await published.innerText()).toMatch(new RegExp(`\\S（${stack.users.usernames['fao-director'].replace(/\./g, '\\.')}）`));
    expect(await versions()).toEqual([
      ['office-web-1', true],
      [DEFAULT_DEFINITION.version, false],
    ]);

    // Not JSON: said on the page in its language, where the text went wrong, nothing sent (thirty-fourth trial: the
    // parser's English inside the Chinese).
    await director.getByTestId('version-json').fill('{"definition": ');
    await director.getByTestId('version-check').click();
    await director.getByTestId('version-errors').getByText('不是有效的 JSON，未发送：文本不完整（第 1 行第 16 列处结束）').waitFor();
    await director.getByTestId('version-json').fill('{\n  "definition": {},\n  "settings" 2\n}');
    await director.getByTestId('version-check').click();
    await director.getByTestId('version-errors').getByText('不是有效的 JSON，未发送：第 3 行第 14 列有误').waitFor();
    expect(await director.getByTestId('version-errors').innerText()).not.toMatch(/[a-z]{4,}/);
  });
});
