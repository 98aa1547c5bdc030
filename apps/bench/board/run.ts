// Section 3: the board at portfolio scale. Seeds N cases (half in flight) into the event store and the
// read models in bulk SQL, replicating template cases whose rows are the projection's own fold, then
// times GET /api/dashboard, GET /api/inbox and a filtered GET /api/delegations.
import { performance } from 'node:perf_hooks';
import type { Pool, PoolClient } from 'pg';
import { DataSource, type EntityMetadata } from 'typeorm';
import {
  CaseEntity,
  CaseMemberEntity,
  CaseStepEntity,
  dataSourceOptions,
  MemberTripEntity,
  NotificationEntity,
  type CaseView,
} from '@df/persistence';
import { BENCH_UNIT, type ApiClient, type Tokens } from '../api';
import { log } from '../stack';
import { summarize, type LatencySummary } from '../stats';
import { completedTemplates, inFlightTemplates, TEMPLATE_UNIT, type TemplateCase } from './templates';

export interface BoardContext {
  api: ApiClient;
  tokens: Tokens;
  db: Pool;
  databaseUrl: string;
  /** An external database: the seeded rows are deleted afterwards (unless `keep`). */
  external: boolean;
  /** With an external database: keep the seeded rows, and reuse them when exactly `total` are there (--board-keep). */
  keep?: boolean;
}

export interface EndpointFigures {
  name: string;
  path: string;
  as: string;
  available: boolean;
  /** Rows the endpoint reported (total), for scale. */
  total?: number;
  /** The endpoint counted up to a cap and said so (the inbox: total 1,000 means "1,000+"). */
  totalIsLowerBound?: boolean;
  /** The first request, before any warm-up (the dashboard computes its cached portfolio analytics here). */
  firstMs?: number;
  latencyMs?: LatencySummary;
}

export interface BoardFigures {
  cases: number;
  inFlight: number;
  events: number;
  caseSteps: number;
  templates: { inFlight: number; completed: number };
  seedSeconds: number;
  migrations: string[];
  endpoints: EndpointFigures[];
}

const IN_FLIGHT_TEMPLATES = 48;
const COMPLETED_TEMPLATES = 12;
/** Units of the seeded cases: the bench users' unit (so the organizer's inbox is full) and 19 more. */
const UNITS = [BENCH_UNIT, ...Array.from({ length: 19 }, (_, i) => `bench-unit-${String(i + 1).padStart(2, '0')}`)];
const PREFIX = 'bench-';
const CHUNK = 10_000;

/** Values of an entity's columns as the driver persists them (jsonb as JSON text, arrays, dates). */
function rowOf(ds: DataSource, meta: EntityMetadata, entity: object): Array<[string, unknown]> {
  return meta.columns.map((c) => [c.databaseName, ds.driver.preparePersistentValue(c.getEntityValue(entity), c)]);
}

async function insertRows(client: PoolClient, table: string, rows: Array<Array<[string, unknown]>>) {
  for (let i = 0; i < rows.length; i += 200) {
    const batch = rows.slice(i, i + 200);
    const columns = batch[0]!.map(([c]) => `"${c}"`);
    const params: unknown[] = [];
    const values = batch.map((r) => `(${r.map(([, v]) => (params.push(v), `$${params.length}`)).join(', ')})`);
    await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`, params);
  }
}

/** A read-model table and how a copy's row differs from its template's. */
interface ReadModel {
  table: string;
  entity: typeof CaseEntity | typeof CaseStepEntity | typeof NotificationEntity | typeof MemberTripEntity | typeof CaseMemberEntity;
  rows: (view: CaseView) => object[];
  /** SQL per column (a = the copy, t = the template row); other text columns get the copy's unit for TEMPLATE_UNIT. */
  overrides: Record<string, string>;
}

const READ_MODELS: ReadModel[] = [
  {
    table: 'cases',
    entity: CaseEntity,
    rows: (v) => (v.case ? [v.case] : []),
    overrides: { case_id: 'a.case_id', workflow_id: `'delegation-' || a.case_id` },
  },
  { table: 'case_steps', entity: CaseStepEntity, rows: (v) => [...v.steps.values()], overrides: { case_id: 'a.case_id' } },
  // Ordered ids from (copy, row) keep each copy's notifications distinct.
  {
    table: 'notifications',
    entity: NotificationEntity,
    rows: (v) => v.notifications,
    overrides: { case_id: 'a.case_id', id: `(lpad(to_hex(a.g), 20, '0') || lpad(to_hex(t.n), 12, '0'))::uuid` },
  },
  { table: 'member_trips', entity: MemberTripEntity, rows: (v) => v.trips, overrides: { case_id: 'a.case_id' } },
  // The members by person key (unit + name: the copy's unit), as the projection writes them.
  { table: 'case_members', entity: CaseMemberEntity, rows: (v) => [...v.members.values()], overrides: { case_id: 'a.case_id' } },
];

/** Loads the templates into temporary tables shaped like the real ones (plus tpl, n); returns each table's INSERT ... SELECT. */
async function loadTemplates(client: PoolClient, ds: DataSource, templates: TemplateCase[]): Promise<string[]> {
  const statements: string[] = [];
  for (const model of READ_MODELS) {
    const meta = ds.getMetadata(model.entity);
    const tmp = `bench_tpl_${model.table}`;
    await client.query(`CREATE TEMP TABLE ${tmp} (LIKE ${model.table}); ALTER TABLE ${tmp} ADD COLUMN tpl integer, ADD COLUMN n integer`);
    const rows = templates.flatMap((t, tpl) =>
      model.rows(t.view).map((r, n) => [...rowOf(ds, meta, r), ['tpl', tpl], ['n', n]] as Array<[string, unknown]>),
    );
    if (rows.length > 0) await insertRows(client, tmp, rows);
    const text = new Set(meta.columns.filter((c) => !c.isArray && (c.type === 'varchar' || c.type === String)).map((c) => c.databaseName));
    const columns = meta.columns.map((c) => c.databaseName);
    const select = columns.map((c) => model.overrides[c] ?? (text.has(c) ? `replace(t."${c}", '${TEMPLATE_UNIT}', a.unit)` : `t."${c}"`));
    statements.push(
      `INSERT INTO ${model.table} (${columns.map((c) => `"${c}"`).join(', ')})
         SELECT ${select.join(', ')} FROM bench_assign a JOIN ${tmp} t ON t.tpl = a.tpl WHERE a.g BETWEEN $1 AND $2`,
    );
  }
  await client.query(
    `CREATE TEMP TABLE bench_tpl_events (tpl integer, seq integer, type varchar(64), actor_id varchar(128), actor_role varchar(32),
       on_behalf_of varchar(128), occurred_at timestamptz, payload jsonb)`,
  );
  const events = templates.flatMap((t, tpl) =>
    t.events.map((e): Array<[string, unknown]> => [
      ['tpl', tpl],
      ['seq', e.seq],
      ['type', e.type],
      ['actor_id', e.actorId ?? null],
      ['actor_role', e.actorRole ?? null],
      ['on_behalf_of', e.onBehalfOf ?? null],
      ['occurred_at', e.occurredAt],
      ['payload', JSON.stringify(e.payload)],
    ]),
  );
  await insertRows(client, 'bench_tpl_events', events);
  // Event ids: ordered uuids from (copy, seq) rather than random ones, so the unique index is built by
  // appending (seeding time); reads never use it. The submission carries the copy's id and unit.
  statements.push(`INSERT INTO case_events (stream_id, seq, event_id, type, actor_id, actor_role, on_behalf_of, occurred_at, payload)
      SELECT a.case_id, t.seq, (lpad(to_hex(a.g), 20, '0') || lpad(to_hex(t.seq), 12, '0'))::uuid,
             t.type, replace(t.actor_id, '${TEMPLATE_UNIT}', a.unit), t.actor_role, t.on_behalf_of, t.occurred_at,
             CASE WHEN t.type = 'case.submitted'
                  THEN jsonb_set(t.payload || jsonb_build_object('caseId', a.case_id, 'workflowId', 'delegation-' || a.case_id, 'unit', a.unit),
                                 '{facts,unit}', to_jsonb(a.unit))
                  ELSE t.payload END
        FROM bench_assign a JOIN bench_tpl_events t ON t.tpl = a.tpl WHERE a.g BETWEEN $1 AND $2`);
  return statements;
}

async function seed(ctx: BoardContext, total: number): Promise<Omit<BoardFigures, 'endpoints' | 'migrations'>> {
  const t0 = performance.now();
  const inFlight = Math.floor(total / 2);
  const now = Date.now();
  log(`board: simulating ${IN_FLIGHT_TEMPLATES} in-flight and ${COMPLETED_TEMPLATES} completed template cases`);
  const templates = [...inFlightTemplates(IN_FLIGHT_TEMPLATES, now), ...completedTemplates(COMPLETED_TEMPLATES, now)];
  const ds = new DataSource(dataSourceOptions(ctx.databaseUrl, { max: 1, applicationName: 'delegation-flow-bench' }));
  await ds.initialize();
  const client = await ctx.db.connect();
  try {
    await client.query('SET synchronous_commit = off');
    // Copy g takes an in-flight template (g ≤ inFlight) or a completed one, and a unit, round robin.
    await client.query(
      `CREATE TEMP TABLE bench_assign AS
         SELECT g, '${PREFIX}' || lpad(g::text, 7, '0') AS case_id,
                CASE WHEN g <= $2 THEN g % $3 ELSE $3 + g % $4 END AS tpl,
                ($5::text[])[1 + (g / 7) % $6] AS unit
           FROM generate_series(1, $1::integer) AS g`,
      [total, inFlight, IN_FLIGHT_TEMPLATES, COMPLETED_TEMPLATES, UNITS, UNITS.length],
    );
    await client.query('CREATE INDEX ON bench_assign (g)');
    const statements = await loadTemplates(client, ds, templates);
    const counts = new Map<string, number>();
    for (let from = 1; from <= total; from += CHUNK) {
      const to = Math.min(total, from + CHUNK - 1);
      await client.query('BEGIN');
      for (const sql of statements) {
        const table = /INSERT INTO (\w+)/.exec(sql)![1]!;
        counts.set(table, (counts.get(table) ?? 0) + ((await client.query(sql, [from, to])).rowCount ?? 0));
      }
      await client.query('COMMIT');
      log(`board: seeded ${to}/${total} cases (${counts.get('case_events')} events, ${counts.get('case_steps')} step rows)`);
    }
    for (const table of [...READ_MODELS.map((m) => m.table), 'case_events']) await client.query(`ANALYZE ${table}`);
    await client.query(`DROP TABLE bench_assign, bench_tpl_events, ${READ_MODELS.map((m) => `bench_tpl_${m.table}`).join(', ')}`);
    return {
      cases: total,
      inFlight,
      events: counts.get('case_events') ?? 0,
      caseSteps: counts.get('case_steps') ?? 0,
      templates: { inFlight: IN_FLIGHT_TEMPLATES, completed: COMPLETED_TEMPLATES },
      seedSeconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
    await ds.destroy();
  }
}

/** The rows a kept run left (--board-keep), when they are exactly `total` cases; otherwise none (any are deleted first). */
async function reuse(ctx: BoardContext, total: number): Promise<Omit<BoardFigures, 'endpoints' | 'migrations'> | undefined> {
  const count = async (sql: string) => Number((await ctx.db.query<{ n: string }>(sql)).rows[0]!.n);
  const cases = await count(`SELECT count(*) AS n FROM cases WHERE case_id LIKE '${PREFIX}%'`);
  if (cases === 0) return undefined;
  if (cases !== total) {
    log(`board: ${cases} kept cases, not ${total}: deleting them and seeding again`);
    await ctx.db.query(`DELETE FROM case_events WHERE stream_id LIKE '${PREFIX}%'`);
    for (const m of [...READ_MODELS].reverse()) await ctx.db.query(`DELETE FROM ${m.table} WHERE case_id LIKE '${PREFIX}%'`);
    return undefined;
  }
  log(`board: timing the ${cases} cases kept by an earlier run (--board-keep)`);
  return {
    cases,
    inFlight: await count(`SELECT count(*) AS n FROM cases WHERE case_id LIKE '${PREFIX}%' AND status = 'open'`),
    events: await count(`SELECT count(*) AS n FROM case_events WHERE stream_id LIKE '${PREFIX}%'`),
    caseSteps: await count(`SELECT count(*) AS n FROM case_steps WHERE case_id LIKE '${PREFIX}%'`),
    templates: { inFlight: IN_FLIGHT_TEMPLATES, completed: COMPLETED_TEMPLATES },
    seedSeconds: 0,
  };
}

async function time(ctx: BoardContext, name: string, path: string, as: keyof Tokens, requests: number): Promise<EndpointFigures> {
  const token = ctx.tokens[as];
  const t0 = performance.now();
  const first = await ctx.api.get<{ total?: number; totalIsLowerBound?: boolean }>(path, token);
  const firstMs = Number((performance.now() - t0).toFixed(1));
  if (first.status === 404) return { name, path, as, available: false };
  if (first.status !== 200) throw new Error(`${path}: ${first.status} ${JSON.stringify(first.body)}`);
  for (let i = 0; i < Math.min(20, requests); i++) await ctx.api.get(path, token); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    const res = await ctx.api.get(path, token);
    samples.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  }
  const latencyMs = summarize(samples);
  log(`board: ${name} as ${as}: p50 ${latencyMs.p50} ms, p99 ${latencyMs.p99} ms`);
  return {
    name,
    path,
    as,
    available: true,
    ...(typeof first.body?.total === 'number' ? { total: first.body.total } : {}),
    ...(first.body?.totalIsLowerBound ? { totalIsLowerBound: true } : {}),
    firstMs,
    latencyMs,
  };
}

export async function runBoard(ctx: BoardContext, total: number, requests: number): Promise<BoardFigures> {
  const { rows: migrations } = await ctx.db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY id');
  const keep = ctx.external && ctx.keep === true;
  const seeded = (keep ? await reuse(ctx, total) : undefined) ?? (await seed(ctx, total));
  try {
    const unit = UNITS[3]!;
    const endpoints = [
      await time(ctx, 'GET /api/dashboard', '/api/dashboard', 'manager', requests),
      await time(ctx, 'GET /api/inbox (FAO reviewer, all units)', '/api/inbox', 'fao-reviewer', requests),
      await time(ctx, 'GET /api/inbox (unit organizer)', '/api/inbox', 'organizer', requests),
      await time(
        ctx,
        'GET /api/delegations?phase&unit&atRisk',
        `/api/delegations?phase=review&unit=${unit}&atRisk=true`,
        'manager',
        requests,
      ),
      await time(ctx, 'GET /api/delegations (default sort)', '/api/delegations', 'manager', requests),
    ];
    return { ...seeded, migrations: migrations.map((m) => m.name), endpoints };
  } finally {
    if (ctx.external && !keep) {
      log('board: deleting the seeded rows from the external database');
      await ctx.db.query(`DELETE FROM case_events WHERE stream_id LIKE '${PREFIX}%'`);
      for (const m of [...READ_MODELS].reverse()) await ctx.db.query(`DELETE FROM ${m.table} WHERE case_id LIKE '${PREFIX}%'`);
    }
  }
}
