import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { IncidentsRepository } from '@df/persistence';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import ExcelJS from 'exceljs';
import {
  bearer,
  binaryBody,
  canonicalSubmission,
  createTestUsers,
  startTestApi,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';

/**
 * The APEC roles read the APEC card and whitelist cases only (PROCESS_ROLES, mayReadProcess; docs/api.md "Scoping").
 * New-user trial (a leak): the APEC desk read a delegation (审护签) case, its timeline, its attachments (a member's
 * passport copy downloaded), its application form, and listed the delegations with `process=delegation`.
 */
describe('APEC roles read their processes only (new-user trial)', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  let caseId: string;

  const get = (path: string, token: string) => request(api.http).get(path).set(bearer(token));
  const ids = (body: { items: Array<{ caseId: string }> }) => body.items.map((c) => c.caseId);

  beforeAll(async () => {
    worker = await startTestWorker({ workingDaySeconds: 5 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 5 });
    users = await createTestUsers(api);
    // Handed input: a delegation case submitted by an organizer.
    const res = await request(api.http)
      .post('/api/delegations')
      .set(bearer(users.tokens.organizer))
      .send(canonicalSubmission(users.unit))
      .expect(201);
    caseId = res.body.caseId;
    await eventually(
      () => api.app.get(DataSource).query('SELECT 1 FROM cases WHERE case_id = $1', [caseId]) as Promise<unknown[]>,
      (rows) => rows.length > 0,
    );
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it('the APEC desk and the enterprise clerk get 403 CASE_OUT_OF_SCOPE on every read of a delegation case', async () => {
    const paths = [
      `/api/delegations/${caseId}`,
      `/api/delegations/${caseId}/timeline`,
      `/api/delegations/${caseId}/attachments`,
      `/api/delegations/${caseId}/attachments/${randomUUID()}`,
      `/api/delegations/${caseId}/documents/application-form.pdf`,
      `/api/delegations/${caseId}/documents/approval-document.pdf`,
    ];
    const answers: string[] = [];
    // The enterprise clerk is of the case's own unit: its process, not its unit, keeps it out.
    for (const role of ['apec-desk', 'enterprise-clerk'] as const)
      for (const path of paths) {
        const res = await get(path, users.tokens[role]);
        answers.push(`${role} ${path}: ${res.status} ${res.body.code}`);
        expect(res.body.message?.zh ?? '').toContain('不办理“因公出国（境）审护签”案件');
      }
    expect(answers.filter((a) => !a.endsWith(': 403 CASE_OUT_OF_SCOPE'))).toEqual([]);
    // An action on it too (scope before role): no longer WRONG_ROLE from the workflow.
    const cancel = await request(api.http)
      .post(`/api/delegations/${caseId}/cancel`)
      .set(bearer(users.tokens['apec-desk']))
      .send({ reason: '误操作' });
    expect([cancel.status, cancel.body.code]).toEqual([403, 'CASE_OUT_OF_SCOPE']);
  });

  it('their lists, inbox and board hold none of it; process=delegation is 403 as an out-of-scope unit filter is', async () => {
    const desk = users.tokens['apec-desk'];
    for (const token of [desk, users.tokens['enterprise-clerk']]) {
      const refused = await get('/api/delegations?process=delegation', token).expect(403);
      expect(refused.body).toMatchObject({ code: 'CASE_OUT_OF_SCOPE', message: { zh: expect.stringContaining('审护签') } });
      const all = (await get('/api/delegations?pageSize=100', token).expect(200)).body;
      expect(ids(all)).not.toContain(caseId);
      expect(all.items.every((c: { process: string }) => c.process === 'apec-card' || c.process === 'apec-whitelist')).toBe(true);
      expect(ids((await get('/api/inbox?pageSize=100', token).expect(200)).body)).not.toContain(caseId);
    }
    await get('/api/delegations?process=apec-card', desk).expect(200);
    await get('/api/delegations?process=apec-whitelist', desk).expect(200);
    expect((await get('/api/dashboard?process=delegation', desk).expect(403)).body.code).toBe('CASE_OUT_OF_SCOPE');
    expect((await get('/api/dashboard/export?process=delegation', desk).expect(403)).body.code).toBe('CASE_OUT_OF_SCOPE');
    const board = (await get('/api/dashboard?limit=500', desk).expect(200)).body;
    expect(board.inFlight.items.map((c: { caseId: string }) => c.caseId)).not.toContain(caseId);
    expect(board.atRisk.items.map((c: { caseId: string }) => c.caseId)).not.toContain(caseId);
  });

  it('a board of APEC processes counts their phases only: no 护照办理 nor 回国后事项 (trials 71, 72, PROCESS_PHASES)', async () => {
    const phases = async (path: string, token: string) => Object.keys((await get(path, token).expect(200)).body.byPhase);
    // The catalog names each process's own phases only (trial 75: a whitelist filing read 签证办理 on the desk's board).
    const catalog = (await get('/api/catalog', users.tokens['apec-desk']).expect(200)).body;
    expect(Object.keys(catalog.phasesByProcess['apec-whitelist'])).toEqual(['prepare', 'review', 'closed']);
    expect(Object.keys(catalog.phasesByProcess.delegation)).toHaveLength(7);
    const desk = users.tokens['apec-desk'];
    expect(await phases('/api/dashboard?process=apec-card', desk)).toEqual(['prepare', 'review', 'visa', 'depart', 'closed']);
    expect(await phases('/api/dashboard?process=apec-whitelist', desk)).toEqual(['prepare', 'review', 'closed']);
    // The desk reads both APEC processes: their phases together, still none of a trip's own.
    expect(await phases('/api/dashboard', desk)).toEqual(['prepare', 'review', 'visa', 'depart', 'closed']);
    // …and the export's sheets leave out a trip's own figures (its departure, the 22 days, the trip reports' outcomes)
    // under an APEC filter and for the desk, who reads no trip (trial 73: 已出发 and 出访成果 listed at 0).
    const sheets = async (query: string, token: string) => {
      const res = await get(`/api/dashboard/export?format=xlsx${query}`, token).buffer(true).parse(binaryBody).expect(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.body as ExcelJS.Buffer);
      return wb.worksheets.map((w) => w.name);
    };
    const tripSheets = ['报送至出发 Submission-departure', '出访成果 Outcomes'];
    for (const names of [await sheets('', desk), await sheets('&process=apec-card', users.tokens.manager)])
      expect(names.filter((n) => tripSheets.includes(n))).toEqual([]);
    expect((await sheets('&process=delegation', users.tokens.manager)).filter((n) => tripSheets.includes(n))).toEqual(tripSheets);
    // The period's day is the processes' own: a card application's is the day the cards are needed by (trial 75).
    const periodBy = async (query: string, token: string) => {
      const res = await get(`/api/dashboard/export?format=xlsx${query}`, token).buffer(true).parse(binaryBody).expect(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.body as ExcelJS.Buffer);
      const rows = wb.getWorksheet('筛选 Filter')!.getSheetValues() as unknown[][];
      return rows.find((r) => Array.isArray(r) && r[1] === '期间依据 Period by')?.[2];
    };
    expect(await periodBy('&process=apec-card', desk)).toBe('需用卡日期 Needed by');
    expect(await periodBy('', desk)).toBe('目标日期（需用卡日期、决定期限） Target day (Needed by, Decision due)');
    expect(await periodBy('&process=delegation', users.tokens.manager)).toBe('出发日期 Departure');
    // The board's answer alike: no trip figures (null), not zeros that read as trips counted and none departed.
    const tripFigures = async (path: string, token: string) => {
      const { departures, outcomes } = (await get(path, token).expect(200)).body.analytics;
      return { departures: departures === null ? null : 'figures', outcomes: outcomes === null ? null : 'figures' };
    };
    expect(await tripFigures('/api/dashboard', desk)).toEqual({ departures: null, outcomes: null });
    expect(await tripFigures('/api/dashboard?process=apec-card', users.tokens.manager)).toEqual({ departures: null, outcomes: null });
    expect(await tripFigures('/api/dashboard?process=delegation', users.tokens.manager)).toEqual({
      departures: 'figures',
      outcomes: 'figures',
    });
    expect(await phases('/api/dashboard?process=delegation', users.tokens.manager)).toEqual([
      'prepare',
      'review',
      'passport',
      'visa',
      'depart',
      'post-trip',
      'closed',
    ]);
  });

  it("the APEC desk's board and export name no delegation case's unit or incident (second trial: both office-wide)", async () => {
    // Handed input: an open incident on the delegation case, whose unit has no APEC case.
    const incidentId = randomUUID();
    await api.app.get(IncidentsRepository).open({
      incidentId,
      caseId,
      activity: 'appendCaseEvents',
      errorType: 'EVENT_STORE_REJECTED',
      error: 'test',
      stepKeys: ['A01'],
      openedAt: new Date().toISOString(),
    });
    try {
      const desk = (await get('/api/dashboard?limit=500', users.tokens['apec-desk']).expect(200)).body;
      expect(desk.units).not.toContain(users.unit);
      expect(desk.incidents.items.map((i: { caseId: string }) => i.caseId)).not.toContain(caseId);
      expect(desk.overdue.byRole.flatMap((g: { items: Array<{ caseId: string }> }) => g.items.map((i) => i.caseId))).not.toContain(caseId);
      const csv = (await get('/api/dashboard/export?format=csv', users.tokens['apec-desk']).expect(200)).text;
      expect(csv).not.toContain(caseId);
      expect(csv).not.toContain(users.unit);
      // The manager's board still names both (every process).
      const manager = (await get('/api/dashboard?limit=500', users.tokens.manager).expect(200)).body;
      expect(manager.units).toContain(users.unit);
      expect(manager.incidents.items.map((i: { caseId: string }) => i.caseId)).toContain(caseId);
    } finally {
      await api.app.get(IncidentsRepository).resolve(incidentId, 'test', new Date().toISOString());
    }
  });

  it("the inbox holds their processes' cases only, whatever role a delegation step names (mayReadProcess, as the list)", async () => {
    // A step of the delegation case naming the APEC desk (a version the office might publish), in the read model.
    const db = api.app.get(DataSource);
    await db.query(
      `INSERT INTO case_steps (case_id, step_key, code, phase, kind, actor_role, unit, status, updated_seq)
       VALUES ($1, 'Z99', 'Z99', 'prepare', 'task', 'apec-desk', $2, 'awaiting', 0)`,
      [caseId, users.unit],
    );
    try {
      const inbox = (await get('/api/inbox?pageSize=200', users.tokens['apec-desk']).expect(200)).body;
      expect(ids(inbox)).not.toContain(caseId);
    } finally {
      await db.query(`DELETE FROM case_steps WHERE case_id = $1 AND step_key = 'Z99'`, [caseId]);
    }
  });

  it('the other roles read it as before', async () => {
    for (const role of ['organizer', 'fao-clerk', 'manager'] as const) {
      await get(`/api/delegations/${caseId}`, users.tokens[role]).expect(200);
      await get(`/api/delegations/${caseId}/timeline`, users.tokens[role]).expect(200);
    }
    const listed = (await get(`/api/delegations?process=delegation&unit=${users.unit}`, users.tokens.manager).expect(200)).body;
    expect(ids(listed)).toContain(caseId);
    const board = (await get(`/api/dashboard?limit=500&unit=${users.unit}`, users.tokens.manager).expect(200)).body;
    expect(board.inFlight.items.map((c: { caseId: string }) => c.caseId)).toContain(caseId);
  });
});
