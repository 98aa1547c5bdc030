import type { CaseEventRecord } from '@df/contracts';
import { In, type DataSource, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { CaseEventEntity } from './entities/case-event.entity';
import {
  ApprovalDocumentEntity,
  CaseEntity,
  CaseMemberEntity,
  CaseStepEntity,
  MemberTripEntity,
  NotificationEntity,
} from './entities/read-models.entity';
import { AttachmentEntity } from './entities/attachment.entity';
import { foldStream, type CaseView } from './projection';

/**
 * Rebuild and verification of the read models from the event store, with the very fold the live
 * projection uses (projection.ts). `verifyReadModels` compares, in one consistent snapshot, every row a
 * fresh fold gives with the live row, column by column; `rebuildReadModels` replaces the read models in
 * one transaction while appends wait. `npm run projections:rebuild [-- --verify]` runs them (apps/projections).
 */

/** One read model: its table, key columns, and the rows a folded stream gives. */
interface ReadModel<T extends ObjectLiteral> {
  table: string;
  entity: EntityTarget<T>;
  /** Property names of the primary key. */
  key: Array<keyof T & string>;
  rows(view: CaseView): T[];
}

const model = <T extends ObjectLiteral>(m: ReadModel<T>): ReadModel<T> => m;

/** The projected read models, parents first. Deleted in reverse order. */
export const READ_MODELS = [
  model<CaseEntity>({ table: 'cases', entity: CaseEntity, key: ['caseId'], rows: (v) => (v.case ? [v.case] : []) }),
  model<CaseStepEntity>({ table: 'case_steps', entity: CaseStepEntity, key: ['caseId', 'stepKey'], rows: (v) => [...v.steps.values()] }),
  model<NotificationEntity>({ table: 'notifications', entity: NotificationEntity, key: ['id'], rows: (v) => v.notifications }),
  model<MemberTripEntity>({ table: 'member_trips', entity: MemberTripEntity, key: ['caseId', 'memberId'], rows: (v) => v.trips }),
  model<CaseMemberEntity>({
    table: 'case_members',
    entity: CaseMemberEntity,
    key: ['caseId', 'memberId', 'personKey'],
    rows: (v) => [...v.members.values()],
  }),
  model<AttachmentEntity>({ table: 'case_attachments', entity: AttachmentEntity, key: ['id'], rows: (v) => [...v.attachments.values()] }),
] as const;

export interface ReadModelDifference {
  table: string;
  /** Primary key, column name → value. */
  key: Record<string, string>;
  /** Database column name; `*` for a whole row present on one side only. */
  column: string;
  /** Normalised values (dates as ISO strings, numeric as numbers, JSON with sorted keys); `null` for a missing row. */
  live: unknown;
  rebuilt: unknown;
}

export interface ProjectionReport {
  mode: 'verify' | 'rebuild';
  streams: number;
  events: number;
  /** Rows the fold gives per read model. */
  rows: Record<string, number>;
  /** verify: the differences found (the first `maxDifferences`). */
  differences: ReadModelDifference[];
  /** verify: how many differences in all. */
  differenceCount: number;
  durationMs: number;
}

export interface ProjectionOptions {
  /** Streams folded per round trip (default 500). */
  batchSize?: number;
  /** verify: differences kept in the report (default 1000); all are counted. */
  maxDifferences?: number;
}

const DEFAULT_BATCH = 500;
const INSERT_CHUNK = 500;

/** A value as compared and printed: dates as ISO strings, numeric as numbers, JSON with sorted keys. */
export function normalizeValue(value: unknown, columnType?: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (columnType === 'numeric' || columnType === 'decimal') return Number(value);
  if (typeof value === 'object')
    return JSON.parse(
      JSON.stringify(value, (_k, v: unknown) =>
        v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
      ),
    ) as unknown;
  return value;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

async function streamIds(manager: EntityManager): Promise<string[]> {
  const rows: Array<{ stream_id: string }> = await manager.query('SELECT DISTINCT stream_id FROM case_events ORDER BY stream_id');
  return rows.map((r) => r.stream_id);
}

async function readEvents(manager: EntityManager, ids: string[]): Promise<Map<string, CaseEventRecord[]>> {
  const rows = await manager.find(CaseEventEntity, { where: { streamId: In(ids) }, order: { streamId: 'ASC', seq: 'ASC' } });
  const byStream = new Map<string, CaseEventRecord[]>(ids.map((id) => [id, []]));
  for (const e of rows) {
    byStream.get(e.streamId)!.push({
      streamId: e.streamId,
      seq: e.seq,
      eventId: e.eventId,
      type: e.type,
      actorId: e.actorId,
      actorRole: e.actorRole,
      onBehalfOf: e.onBehalfOf,
      occurredAt: e.occurredAt.toISOString(),
      payload: e.payload,
    });
  }
  return byStream;
}

const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** One batch of streams: their events, and each read model's rows folded from them. */
interface FoldedBatch {
  ids: string[];
  byStream: Map<string, CaseEventRecord[]>;
  rebuilt: Array<{ model: ReadModel<ObjectLiteral>; rows: ObjectLiteral[] }>;
}

/** Folds every stream of the event store, batch by batch, handing each batch to `each`; returns the totals. */
async function foldEventStore(manager: EntityManager, options: ProjectionOptions, each: (batch: FoldedBatch) => Promise<void>) {
  const rows: Record<string, number> = Object.fromEntries(READ_MODELS.map((m) => [m.table, 0]));
  let events = 0;
  const ids = await streamIds(manager);
  for (const batch of chunks(ids, options.batchSize ?? DEFAULT_BATCH)) {
    const byStream = await readEvents(manager, batch);
    const views = [...byStream.values()].map((stream) => {
      events += stream.length;
      return foldStream(stream);
    });
    const rebuilt = READ_MODELS.map((m) => {
      const model = m as ReadModel<ObjectLiteral>;
      const modelRows = views.flatMap((v) => model.rows(v));
      rows[m.table]! += modelRows.length;
      return { model, rows: modelRows };
    });
    await each({ ids: batch, byStream, rebuilt });
  }
  return { streams: ids.length, events, rows };
}

/** Approval-document numbers (任务批件) recorded by the issuing step's completion: checked against the allocation ledger. */
function issuedDocuments(events: CaseEventRecord[]): string | null {
  let documentNo: string | null = null;
  for (const e of events) {
    const data = e.payload.data as Record<string, unknown> | null | undefined;
    if (e.type === 'step.completed' && typeof data?.documentNo === 'string') documentNo = data.documentNo;
  }
  return documentNo;
}

class Differ {
  readonly differences: ReadModelDifference[] = [];
  count = 0;
  constructor(private readonly max: number) {}

  /** How many more differences the report keeps. */
  room(): number {
    return Math.max(0, this.max - this.differences.length);
  }

  add(d: ReadModelDifference): void {
    this.count++;
    if (this.differences.length < this.max) this.differences.push(d);
  }

  /** Compares the live rows of one read model with the rebuilt ones, row by row and column by column. */
  compare<T extends ObjectLiteral>(manager: EntityManager, m: ReadModel<T>, live: T[], rebuilt: T[]): void {
    const meta = manager.connection.getMetadata(m.entity);
    const keyOf = (row: T) => JSON.stringify(m.key.map((k) => String(row[k])));
    const keyColumns = (row: T) =>
      Object.fromEntries(m.key.map((k) => [meta.findColumnWithPropertyName(k)?.databaseName ?? k, String(row[k])]));
    const liveByKey = new Map(live.map((r) => [keyOf(r), r]));
    const seen = new Set<string>();
    for (const row of rebuilt) {
      const k = keyOf(row);
      seen.add(k);
      const other = liveByKey.get(k);
      if (!other) {
        this.add({ table: m.table, key: keyColumns(row), column: '*', live: null, rebuilt: 'row' });
        continue;
      }
      for (const column of meta.columns) {
        const a = normalizeValue(column.getEntityValue(other), column.type);
        const b = normalizeValue(column.getEntityValue(row), column.type);
        if (!same(a, b)) this.add({ table: m.table, key: keyColumns(row), column: column.databaseName, live: a, rebuilt: b });
      }
    }
    for (const [k, row] of liveByKey)
      if (!seen.has(k)) this.add({ table: m.table, key: keyColumns(row), column: '*', live: 'row', rebuilt: null });
  }
}

/**
 * Folds every stream of the event store and compares the result with the live read models, in one
 * REPEATABLE READ snapshot (appends go on meanwhile; the snapshot sees each append with its projection).
 * Also reports live rows of streams that have no events, B08 document numbers missing from the
 * approval_documents ledger, and the board's case_counts where they differ from a count of the live cases.
 */
export async function verifyReadModels(dataSource: DataSource, options: ProjectionOptions = {}): Promise<ProjectionReport> {
  const started = Date.now();
  const differ = new Differ(options.maxDifferences ?? 1000);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction('REPEATABLE READ');
    await runner.query('SET TRANSACTION READ ONLY');
    const manager = runner.manager;
    const totals = await foldEventStore(manager, options, async ({ ids, byStream, rebuilt }) => {
      for (const { model, rows } of rebuilt) {
        const live = await manager.find(model.entity, { where: { caseId: In(ids) } });
        differ.compare(manager, model, live, rows);
      }
      // A case's latest issue (one row per issue: the last one stands).
      const ledger = new Map(
        (await manager.find(ApprovalDocumentEntity, { where: { caseId: In(ids) }, order: { issuedAt: 'ASC' } })).map((d) => [
          d.caseId,
          d.documentNo,
        ]),
      );
      for (const [caseId, stream] of byStream) {
        const documentNo = issuedDocuments(stream);
        if (documentNo !== null && ledger.get(caseId) !== documentNo) {
          differ.add({
            table: 'approval_documents',
            key: { case_id: caseId },
            column: 'document_no',
            live: ledger.get(caseId) ?? null,
            rebuilt: documentNo,
          });
        }
      }
    });
    // Live rows of streams with no events at all: written around the event store.
    for (const m of READ_MODELS) {
      const meta = manager.connection.getMetadata(m.entity);
      const where = `FROM "${m.table}" t WHERE NOT EXISTS (SELECT 1 FROM case_events e WHERE e.stream_id = t.case_id)`;
      const [{ n }] = (await manager.query(`SELECT count(*)::int AS n ${where}`)) as [{ n: number }];
      const listed: Array<Record<string, unknown>> = await manager.query(
        `SELECT ${m.key.map((k) => `"${meta.findColumnWithPropertyName(k)!.databaseName}"`).join(', ')} ${where} ORDER BY 1 LIMIT $1`,
        [differ.room()],
      );
      for (const o of listed)
        differ.add({
          table: m.table,
          key: Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)])),
          column: '*',
          live: 'row',
          rebuilt: null,
        });
      differ.count += n - listed.length;
    }
    // The board's counts (case_counts, kept by triggers on cases) against a count of the live cases.
    const counts: Array<{
      unit: string;
      status: string;
      phase: string;
      definition_version: string;
      live: number | null;
      cases: number | null;
    }> = await manager.query(
      `SELECT unit, status, phase, definition_version, a.n AS live, b.n AS cases
           FROM (SELECT unit, status, phase, definition_version, sum(n)::int AS n FROM case_counts GROUP BY 1, 2, 3, 4) a
           FULL JOIN (SELECT unit, status, phase, definition_version, count(*)::int AS n FROM cases GROUP BY 1, 2, 3, 4) b
          USING (unit, status, phase, definition_version)
          WHERE coalesce(a.n, 0) <> coalesce(b.n, 0)
          ORDER BY 1, 2, 3, 4`,
    );
    for (const { live, cases, ...key } of counts)
      differ.add({ table: 'case_counts', key, column: 'n', live: live ?? 0, rebuilt: cases ?? 0 });
    await runner.commitTransaction();
    return { mode: 'verify', ...totals, differences: differ.differences, differenceCount: differ.count, durationMs: Date.now() - started };
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw err;
  } finally {
    await runner.release();
  }
}

/**
 * Replaces every projected read model (cases, case_steps, notifications, member_trips, case_members, case_attachments) by a fresh fold of
 * the event store, in one transaction. `LOCK case_events IN SHARE MODE` makes concurrent appends wait
 * (they retry as activities) so nothing is appended between the fold and the commit; readers keep seeing
 * the old rows until then. approval_documents is an allocation ledger, not a projection: kept as it is.
 */
export async function rebuildReadModels(dataSource: DataSource, options: ProjectionOptions = {}): Promise<ProjectionReport> {
  const started = Date.now();
  const totals = await dataSource.transaction(async (manager) => {
    await manager.query('LOCK TABLE case_events IN SHARE MODE');
    for (const m of [...READ_MODELS].reverse()) await manager.query(`DELETE FROM "${m.table}"`);
    // No case is left, so no count: the inserts below count them again (the triggers on cases).
    await manager.query('DELETE FROM case_counts');
    return foldEventStore(manager, options, async ({ rebuilt }) => {
      for (const { model, rows } of rebuilt) for (const chunk of chunks(rows, INSERT_CHUNK)) await manager.insert(model.entity, chunk);
    });
  });
  return { mode: 'rebuild', ...totals, differences: [], differenceCount: 0, durationMs: Date.now() - started };
}

/** One line per difference, e.g. `case_steps case_id=… step_key=A02 status: live "awaiting" ≠ rebuilt "done"`. */
export function formatDifference(d: ReadModelDifference): string {
  const key = Object.entries(d.key)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  if (d.column === '*')
    return `${d.table} ${key}: ${d.live === null ? 'missing from the live table (the events give this row)' : 'in the live table but not derivable from the events'}`;
  return `${d.table} ${key} ${d.column}: live ${JSON.stringify(d.live)} ≠ rebuilt ${JSON.stringify(d.rebuilt)}`;
}
