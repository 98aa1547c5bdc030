import { DataSource } from 'typeorm';
import { BoardRepository, dataSourceOptions, INBOX_COUNT_CAP, InboxRepository, type BoardFilter, type InboxQuery } from '@df/persistence';
import { versionFilter } from '@df/domain';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * The board's and the inbox's index-shaped queries (docs/benchmarks.md, "The board with margin") give the
 * answers of the plain queries they replaced, on a database of their own with ties, NULLs, closed cases and
 * steps two selectors could pick: the plain SQL below is the specification, kept here as it stood.
 */
describe('board and inbox queries against their plain-SQL specification', () => {
  let tdb: TestDatabase;
  let db: DataSource;
  let inbox: InboxRepository;
  let board: BoardRepository;

  // 600 cases: units u0-u3 (supervised by dept-a or none), every 5th closed, every 7th departed; departure
  // dates and latest starts with many ties and some NULL latest starts, so every tie-breaker of the order counts.
  const CASES = 600;
  beforeAll(async () => {
    tdb = await createTestDatabase('board_queries');
    db = new DataSource(dataSourceOptions(tdb.url));
    await db.initialize();
    inbox = new InboxRepository(db);
    board = new BoardRepository(db);
    await db.query(
      `INSERT INTO cases (case_id, workflow_id, title, unit, supervising_department, purpose, status, phase, departure_date, return_date,
                          countries, member_count, slack_wd, at_risk, submitted_at, submitted_by, definition_version, last_seq, updated_at)
       SELECT 'c' || lpad(g::text, 4, '0'), 'delegation-c' || g, 'case ' || g, 'u' || (g % 4), CASE WHEN g % 4 < 2 THEN 'dept-a' END,
              'business', CASE WHEN g % 5 = 0 THEN 'completed' WHEN g % 7 = 0 THEN 'departed' ELSE 'open' END,
              CASE WHEN g % 5 = 0 THEN 'closed' ELSE 'review' END, date '2027-03-01' + (g * 13 % 9), date '2027-04-01',
              '{US}', 1, CASE WHEN g % 11 = 0 THEN NULL ELSE (g * 7 % 5) - 1.5 END, g * 7 % 5 < 2, now(), 'someone', 'v1', 1, now()
         FROM generate_series(1, $1::int) g`,
      [CASES],
    );
    // Steps per case: fao-reviewer, organizer, member, external in the passport and the visa phase, one done.
    await db.query(
      `INSERT INTO case_steps (case_id, step_key, code, phase, kind, actor_role, unit, status, latest_start_at, overdue_since, updated_seq)
       SELECT c.case_id, r.key, r.code, r.phase, 'approval', r.role, c.unit,
              CASE WHEN r.n = 6 THEN 'done' WHEN (g + r.n) % 9 = 0 THEN 'overdue' WHEN (g + r.n) % 13 = 0 THEN 'blocked' ELSE 'awaiting' END,
              CASE WHEN (g + r.n) % 10 = 0 THEN NULL ELSE timestamptz '2027-02-01' + ((g * 31 + r.n) % 6) * interval '1 day' END,
              CASE WHEN (g + r.n) % 9 = 0 THEN timestamptz '2027-01-20' + ((g * 17 + r.n) % 4) * interval '1 day' END, 1
         FROM generate_series(1, $1::int) g
         JOIN cases c ON c.case_id = 'c' || lpad(g::text, 4, '0')
        CROSS JOIN (VALUES (1, 'B06', 'B06', 'review', 'fao-reviewer'), (2, 'A01', 'A01', 'review', 'organizer'),
                           (3, 'M01:m1', 'M01', 'review', 'member'), (4, 'P05:m1', 'P05', 'passport', 'external'),
                           (5, 'V01:m1:US', 'V01', 'visa', 'external'), (6, 'B02', 'B02', 'review', 'fao-clerk')) r(n, key, code, phase, role)`,
      [CASES],
    );
  });
  afterAll(async () => {
    await db?.destroy();
    await tdb?.drop();
  });

  /** The inbox as one query with count(*) OVER () and a sort of every match, as before 2026-11-30. */
  async function plainInbox(q: InboxQuery) {
    const params: unknown[] = [];
    const roleFilter = q.selectors
      .map((sel) => {
        params.push(sel.actorRole);
        const actor = `s.actor_role = $${params.length}`;
        if (!sel.phase) return `(${actor})`;
        params.push('is' in sel.phase ? sel.phase.is : sel.phase.not);
        return `(${actor} AND s.phase ${'is' in sel.phase ? '=' : '<>'} $${params.length})`;
      })
      .join(' OR ');
    let unitFilter = '';
    if (q.reach !== 'any') {
      params.push(q.unit);
      unitFilter =
        q.reach === 'own-or-supervised'
          ? `AND (s.unit = $${params.length} OR c.supervising_department = $${params.length})`
          : `AND s.unit = $${params.length}`;
    }
    params.push([...q.caseStatuses]);
    const statusFilter = `c.status = ANY($${params.length})`;
    params.push(q.limit, q.offset);
    const rows: Array<Record<string, unknown>> = await db.query(
      `SELECT c.case_id, c.title, c.unit, to_char(c.departure_date, 'YYYY-MM-DD') AS departure_date,
              to_char(c.return_date, 'YYYY-MM-DD') AS return_date, c.status AS case_status, c.submitted_at, c.at_risk, c.slack_wd, c.definition_version,
              c.organizers, EXISTS (SELECT 1 FROM case_incidents i WHERE i.case_id = c.case_id AND i.resolved_at IS NULL) AS incident_open, s.step_key, s.code, s.name_zh, s.name_en, s.phase, s.kind, s.actor_role, s.member_id, s.country, s.status, s.blocked_reason, s.started_at, s.due_at,
              s.latest_start_at, count(*) OVER () AS total
         FROM case_steps s JOIN cases c ON c.case_id = s.case_id
        WHERE s.status IN ('awaiting', 'overdue', 'blocked') AND ${statusFilter} AND (${roleFilter}) ${unitFilter}
        ORDER BY s.latest_start_at ASC NULLS LAST, c.departure_date ASC, s.case_id, s.step_key
        LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    const total = rows.length > 0 ? Number(rows[0]!.total) : 0;
    return { rows: rows.map(({ total: _, ...r }) => r), total };
  }

  const statuses = ['open', 'departed'];
  const cases: Array<[string, InboxQuery]> = [
    [
      'one role, every unit',
      { selectors: [{ actorRole: 'fao-reviewer' }], reach: 'any', unit: 'x', caseStatuses: statuses, limit: 50, offset: 0 },
    ],
    [
      'one role, every unit, page 3',
      { selectors: [{ actorRole: 'fao-reviewer' }], reach: 'any', unit: 'x', caseStatuses: statuses, limit: 50, offset: 100 },
    ],
    [
      'two selectors, own unit (organizer and member)',
      {
        selectors: [{ actorRole: 'organizer' }, { actorRole: 'member' }],
        reach: 'own',
        unit: 'u1',
        caseStatuses: statuses,
        limit: 20,
        offset: 10,
      },
    ],
    [
      'phase selectors (visa officer: external outside the passport phase)',
      {
        selectors: [{ actorRole: 'visa-officer' }, { actorRole: 'external', phase: { not: 'passport' } }],
        reach: 'any',
        unit: 'x',
        caseStatuses: statuses,
        limit: 200,
        offset: 0,
      },
    ],
    [
      'phase selectors (passport officer), past the end',
      {
        selectors: [{ actorRole: 'passport-officer' }, { actorRole: 'external', phase: { is: 'passport' } }],
        reach: 'any',
        unit: 'x',
        caseStatuses: statuses,
        limit: 50,
        offset: 5000,
      },
    ],
    [
      'own or supervised unit, overlapping selectors',
      {
        selectors: [{ actorRole: 'organizer' }, { actorRole: 'organizer', phase: { is: 'review' } }],
        reach: 'own-or-supervised',
        unit: 'dept-a',
        caseStatuses: statuses,
        limit: 30,
        offset: 20,
      },
    ],
  ];

  it.each(cases)('inbox, %s: the same page, in the same order, and the same total', async (_, q) => {
    const expected = await plainInbox(q);
    // The plain query read its total off the page's rows: a page past the end said 0. The count is the matches'.
    const matches = (await plainInbox({ ...q, limit: 1, offset: 0 })).total;
    const got = await inbox.awaitingSteps(q);
    expect(got.rows).toEqual(expected.rows);
    expect(got.total).toBe(Math.min(matches, INBOX_COUNT_CAP));
    if (expected.rows.length > 0) expect(got.total).toBe(expected.total);
    else expect(got.total).toBeGreaterThan(0);
    expect(got.capped).toBe(false);
  });

  it('the own-or-supervised inbox lists a step two selectors pick once (the plain query did too)', async () => {
    const q = cases[5]![1];
    const got = await inbox.awaitingSteps({ ...q, limit: 1000, offset: 0 });
    const keys = got.rows.map((r) => `${r.case_id}/${r.step_key}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(got.total).toBe(keys.length);
    expect(got.total).toBeGreaterThan(100);
  });

  it(`counts up to ${INBOX_COUNT_CAP} and says when there are more`, async () => {
    const q: InboxQuery = {
      selectors: [{ actorRole: 'fao-reviewer' }],
      reach: 'any',
      unit: 'x',
      caseStatuses: statuses,
      limit: 10,
      offset: 0,
    };
    const before = await plainInbox(q);
    // Enough more open fao-reviewer steps to pass the cap, on the open cases.
    await db.query(
      `INSERT INTO case_steps (case_id, step_key, code, phase, kind, actor_role, unit, status, latest_start_at, updated_seq)
       SELECT c.case_id, 'B07:' || g, 'B07', 'review', 'approval', 'fao-reviewer', c.unit, 'awaiting', timestamptz '2027-02-03', 1
         FROM cases c CROSS JOIN generate_series(1, 3) g WHERE c.status = 'open'`,
    );
    try {
      const after = await plainInbox(q);
      expect(before.total).toBeLessThan(INBOX_COUNT_CAP);
      expect(after.total).toBeGreaterThan(INBOX_COUNT_CAP);
      const got = await inbox.awaitingSteps(q);
      expect(got).toEqual({ rows: after.rows, total: INBOX_COUNT_CAP, capped: true });
      // Exactly at the cap is still exact.
      await db.query(
        `DELETE FROM case_steps WHERE (case_id, step_key) IN (
           SELECT case_id, step_key FROM case_steps WHERE step_key LIKE 'B07:%' ORDER BY case_id, step_key LIMIT $1)`,
        [after.total - INBOX_COUNT_CAP],
      );
      expect((await plainInbox(q)).total).toBe(INBOX_COUNT_CAP);
      expect(await inbox.awaitingSteps(q)).toMatchObject({ total: INBOX_COUNT_CAP, capped: false });
    } finally {
      await db.query(`DELETE FROM case_steps WHERE step_key LIKE 'B07:%'`);
    }
  });

  it('units: every unit with a case, in order', async () => {
    const plain: Array<{ unit: string }> = await db.query('SELECT DISTINCT unit FROM cases ORDER BY unit');
    expect(await board.units()).toEqual(plain.map((r) => r.unit));
    expect(await board.units()).toEqual(['u0', 'u1', 'u2', 'u3']);
  });

  it("units of a reader's processes (the APEC desk's board): those with a case of them, from case_counts", async () => {
    const filter = versionFilter('apec-card');
    const apecVersion = 'in' in filter ? filter.in[0]! : 'apec-card-1';
    await db.query(
      `INSERT INTO cases (case_id, workflow_id, title, unit, purpose, status, phase, departure_date, return_date, countries, member_count,
                          at_risk, submitted_at, submitted_by, definition_version, last_seq, updated_at)
       VALUES ('apec1', 'delegation-apec1', 'card', 'u9', 'business', 'open', 'review', date '2027-03-01', date '2027-04-01', '{US}', 1,
               false, now(), 'someone', $1, 1, now())`,
      [apecVersion],
    );
    try {
      expect(await board.units(['apec-card', 'apec-whitelist'])).toEqual(['u9']);
      expect(await board.units(['delegation'])).toEqual(['u0', 'u1', 'u2', 'u3']);
      expect(await board.units()).toEqual(['u0', 'u1', 'u2', 'u3', 'u9']);
    } finally {
      await db.query(`DELETE FROM cases WHERE case_id = 'apec1'`);
    }
    expect(await board.units(['apec-card', 'apec-whitelist'])).toEqual([]);
  });

  it.each<[string, BoardFilter]>([
    ['the whole portfolio', { period: 'departure' }],
    ['one unit', { period: 'departure', unit: 'u2' }],
  ])('overdue steps by role, %s: the plain ranking', async (_, filter) => {
    const f = filter.unit ? { sql: ' AND c.unit = $2', params: [filter.unit] } : { sql: '', params: [] };
    const plain: Array<Record<string, unknown>> = await db.query(
      `SELECT o.*, c.title, c.unit FROM (
         SELECT s.case_id, s.step_key, s.code, s.name_zh, s.name_en, s.actor_role, s.status, s.started_at, s.due_at, s.latest_start_at, s.overdue_since,
                row_number() OVER (PARTITION BY s.actor_role ORDER BY s.overdue_since, s.case_id, s.step_key) AS rn,
                count(*) OVER (PARTITION BY s.actor_role)::int AS n
           FROM case_steps s JOIN cases c ON c.case_id = s.case_id WHERE s.overdue_since IS NOT NULL${f.sql}) o
         JOIN cases c ON c.case_id = o.case_id
        WHERE o.rn <= $1
        ORDER BY o.n DESC, o.actor_role, o.rn`,
      [7, ...f.params],
    );
    expect(plain.length).toBeGreaterThan(20);
    expect(await board.overdue(7, filter)).toEqual(plain);
  });

  it('in flight and at risk: least slack first, then departure, then case id (ties broken the same)', async () => {
    const plain = (where: string): Promise<Array<{ case_id: string }>> =>
      db.query(
        `SELECT case_id FROM cases c WHERE ${where} ORDER BY c.slack_wd ASC NULLS LAST, c.departure_date ASC, c.case_id ASC LIMIT 40`,
      );
    expect((await board.inFlight(40, { period: 'departure' })).map((r) => r.case_id)).toEqual(
      (await plain(`c.status = 'open'`)).map((r) => r.case_id),
    );
    const atRisk = await board.atRisk(40, { period: 'departure' });
    expect(atRisk.rows.map((r) => r.case_id)).toEqual((await plain(`c.status = 'open' AND c.at_risk`)).map((r) => r.case_id));
  });

  describe('case counts (case_counts, kept by triggers on cases) against a GROUP BY of cases', () => {
    /** The counts as the board read them before case_counts: one GROUP BY over the cases the filter selects. */
    async function plainCounts(filter: BoardFilter) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.unit) where.push(`c.unit = $${params.push(filter.unit)}`);
      if (filter.process === 'apec-card') where.push(`c.definition_version = ANY($${params.push(['apec-2027.1'])})`);
      if (filter.from) where.push(`c.departure_date >= $${params.push(filter.from)}::date`);
      // By version too: the board counts each process's phases apart (byProcessPhase).
      const rows: Array<{ status: string; phase: string; definition_version: string; n: number }> = await db.query(
        `SELECT c.status, c.phase, c.definition_version, count(*)::int AS n FROM cases c ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          GROUP BY 1, 2, 3`,
        params,
      );
      return sorted(rows);
    }
    const sorted = <T extends { status: string; phase: string; definition_version: string }>(rows: T[]) =>
      [...rows].sort((a, b) =>
        `${a.status}/${a.phase}/${a.definition_version}`.localeCompare(`${b.status}/${b.phase}/${b.definition_version}`),
      );
    const filters: BoardFilter[] = [
      { period: 'departure' },
      { period: 'departure', unit: 'u1' },
      { period: 'departure', process: 'apec-card' },
      { period: 'departure', unit: 'u3', process: 'apec-card' },
      { period: 'departure', from: '2027-03-04' },
    ];
    async function expectCountsAsPlain() {
      for (const f of filters) expect(sorted(await board.counts(f))).toEqual(await plainCounts(f));
    }
    const deltaRows = async () => Number((await db.query('SELECT count(*) AS n FROM case_counts'))[0].n);

    it('agree after inserts, upserts that insert and update at once, key changes, unrelated updates and deletes', async () => {
      await expectCountsAsPlain();
      expect((await board.counts({ period: 'departure' })).reduce((n, r) => n + r.n, 0)).toBe(CASES);
      // One statement inserting 20 cases (apec-card, unit u3) and, on conflict, closing 30 existing ones.
      await db.query(
        `INSERT INTO cases (case_id, workflow_id, title, unit, purpose, status, phase, departure_date, return_date,
                            countries, member_count, at_risk, submitted_at, submitted_by, definition_version, last_seq, updated_at)
         SELECT 'k' || g, 'k' || g, 'k', 'u3', 'business', 'open', 'passport', date '2027-03-05', date '2027-04-01', '{JP}', 1,
                false, now(), 'someone', 'apec-2027.1', 1, now() FROM generate_series(1, 20) g
         UNION ALL
         SELECT case_id, workflow_id, title, unit, purpose, 'withdrawn', 'closed', departure_date, return_date, countries,
                member_count, false, submitted_at, submitted_by, definition_version, 2, now() FROM cases WHERE case_id LIKE 'c00%' AND status = 'open'
         ON CONFLICT (case_id) DO UPDATE SET status = EXCLUDED.status, phase = EXCLUDED.phase`,
      );
      await expectCountsAsPlain();
      // A case moving unit and phase; then an update of no counted column appends no row.
      await db.query(`UPDATE cases SET unit = 'u0', phase = 'visa' WHERE case_id IN ('k1', 'k2', 'c0101')`);
      await expectCountsAsPlain();
      const before = await deltaRows();
      await db.query(`UPDATE cases SET slack_wd = slack_wd + 1, title = title || '.'`);
      expect(await deltaRows()).toBe(before);
      await db.query(`DELETE FROM cases WHERE case_id IN ('k3', 'k4', 'c0102', 'c0105')`);
      await expectCountsAsPlain();
    });

    it('fold into one row per key, with deltas appended during two compactions at once', async () => {
      // Two compactions and 40 single-case key changes (each its own statement) interleaved on the pool's connections.
      await Promise.all([
        board.compactCaseCounts(),
        ...Array.from({ length: 40 }, (_, i) =>
          db.query(`UPDATE cases SET status = CASE status WHEN 'open' THEN 'departed' ELSE 'open' END WHERE case_id = $1`, [
            `c${String(200 + i).padStart(4, '0')}`,
          ]),
        ),
        board.compactCaseCounts(),
      ]);
      await expectCountsAsPlain();
      await board.compactCaseCounts();
      const keys = Number(
        (await db.query('SELECT count(*) AS n FROM (SELECT DISTINCT unit, status, phase, definition_version FROM cases) k'))[0].n,
      );
      expect(await deltaRows()).toBe(keys);
      await expectCountsAsPlain();
    });

    it('count each delta once when a compaction waits for another (two API instances) while a case changes key', async () => {
      const [r1, r2] = [db.createQueryRunner(), db.createQueryRunner()];
      const on = (r: typeof r1) => new BoardRepository({ query: (sql: string, params?: unknown[]) => r.query(sql, params) } as DataSource);
      try {
        await r1.startTransaction();
        expect(await on(r1).compactCaseCounts()).toBeGreaterThan(0);
        await db.query(`UPDATE cases SET phase = 'passport' WHERE case_id = 'c0301'`);
        await r2.startTransaction();
        const second = on(r2).compactCaseCounts(); // waits for r1's deleted rows
        await new Promise((resolve) => setTimeout(resolve, 100));
        await r1.commitTransaction();
        expect(await second).toBe(2); // only the UPDATE's −1 and +1: r1's rows were folded by r1
        await r2.commitTransaction();
      } finally {
        for (const r of [r1, r2]) {
          if (r.isTransactionActive) await r.rollbackTransaction();
          await r.release();
        }
      }
      await expectCountsAsPlain();
    });

    it('are emptied by a TRUNCATE of cases and rebuilt from the cases by the migration', async () => {
      const runner = db.createQueryRunner();
      await runner.startTransaction();
      try {
        await runner.query('TRUNCATE cases CASCADE');
        expect(Number((await runner.query('SELECT count(*) AS n FROM case_counts'))[0].n)).toBe(0);
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
      await expectCountsAsPlain();
      // The migration's down, then its up on the cases there: its first count is the cases'.
      const migration = db.migrations.find((m) => m.name?.startsWith('CaseCounts'))!;
      const qr = db.createQueryRunner();
      try {
        await migration.down(qr);
        await migration.up(qr);
      } finally {
        await qr.release();
      }
      await expectCountsAsPlain();
    });
  });
});
