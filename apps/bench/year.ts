// Section 5: a year of a province. `--year-cases` cases arrive evenly over a simulated year (250 working
// days on the run's time scale) with a realistic mix — returns for correction, acceptances with
// deficiencies, amendments, refusals, 6-member 3-country trips, the post-trip obligations of every trip
// that departs — and each is driven to its close through the API. Reports the worker CPU per case, the
// Temporal history per case, the database size, and the board's p99 at the end.
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { StepProgress } from '@df/contracts';
import type { CaseFacts } from '@df/domain';
import { BENCH_UNIT } from './api';
import { driveCase, postAction, submitCase, type CaseRun, type DriveContext, type StepPolicy } from './decision';
import { log } from './stack';
import { percentile, round, summarize, type LatencySummary } from './stats';
import { CANONICAL, SIX_BY_THREE, soonDepartureDays, tripSubmission } from './trips';
import { sampleProcess } from './worker-load';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What happens to a case of the year (one in 20 of each unusual kind; the rest go straight through). */
export type YearKind = 'straight' | 'return' | 'deficiency' | 'amendment' | 'refusal' | 'six-by-three';

/** The mix by case index: out of every 20 cases 2 returned, 2 with deficiencies, 2 amended, 1 refused, 2 of 6×3, 11 straight. */
export function yearKind(i: number): YearKind {
  const kinds: YearKind[] = ['return', 'deficiency', 'amendment', 'six-by-three', 'straight', 'straight', 'straight'];
  const slot = i % 20;
  if (slot === 19) return 'refusal';
  if (slot < 8) return kinds[slot % 4]!;
  return 'straight';
}

/** The unusual step of a kind, once per case (with deficiencies: B02 accepts, B03 gets the document); the plain request otherwise. */
export function yearPolicy(kind: YearKind): StepPolicy {
  let used = false;
  return (caseId: string, step: StepProgress) => {
    if (used) return undefined;
    const base = `/api/delegations/${caseId}/steps/${encodeURIComponent(step.key)}`;
    if (kind === 'return' && step.code === 'B05') {
      used = true;
      return { path: `${base}/decision`, body: { decision: 'return', returnTo: 'B02', comment: '材料需补正，退回受理' } };
    }
    if (kind === 'deficiency' && step.code === 'B03') {
      // B03 completes itself once every missing document is in: the organizer supplies it.
      used = true;
      return {
        path: `/api/delegations/${caseId}/documents`,
        body: { documentId: 'invitation-translation', comment: '补交译文' },
        // The translation is uploaded as an attachment of the case first; the supply names it (fileRef, required).
        before: async (api, token) => {
          const reply = await api.upload<{ attachment: { id: string } }>(
            `/api/delegations/${caseId}/attachments`,
            token,
            { kind: 'invitation-translation' },
            { name: '邀请函译文.pdf', type: 'application/pdf', bytes: Buffer.from('%PDF-1.4\n% 邀请函中文译文\n%%EOF\n') },
            `bench-supply-${caseId}`,
          );
          if (reply.status !== 201) throw new Error(`upload of ${caseId}: ${reply.status} ${JSON.stringify(reply.body)}`);
          return { fileRef: reply.body.attachment.id };
        },
      };
    }
    if (kind === 'deficiency' && step.code === 'B02') {
      return {
        path: `${base}/decision`,
        body: {
          decision: 'accept-with-deficiencies',
          missingDocuments: [{ id: 'invitation-translation', name: '邀请函中文译文' }],
          comment: '容缺受理',
        },
      };
    }
    if (kind === 'refusal' && step.code === 'B06') {
      used = true;
      return { path: `${base}/decision`, body: { decision: 'reject', comment: '不予批准：出访必要性不足，与年度工作重点无关' } };
    }
    return undefined;
  };
}

export interface YearFigures {
  cases: number;
  /** Simulated year: 250 working days on the run's time scale (25 in a quick run); arrivals spread evenly over it. */
  yearSeconds: number;
  wallSeconds: number;
  mix: Record<YearKind, number>;
  /** Final statuses (completed, rejected, ...); `failed` counts cases the driver gave up on, with the first reasons. */
  statuses: Record<string, number>;
  failures: string[];
  updates: number;
  failedReads: number;
  /** Actions answered 5xx and sent again with the same Idempotency-Key (the amendments' not counted). */
  retriedActions: number;
  requestToResultMs: LatencySummary;
  /** Worker CPU (user + system, every worker process) over the section, per case. */
  workerCpuMsPerCase: number;
  /** Temporal history per case (every case of the section): events and protobuf KiB, mean and p95. */
  historyEventsPerCase: { mean: number; p95: number; max: number };
  historyKiBPerCase: { mean: number; p95: number; max: number };
  /** pg_database_size at the end (the whole database: earlier sections' rows included). */
  databaseMiB: number;
  caseEventsPerCase: number;
  /** Board p50/p99 at the end (manager dashboard, FAO reviewer inbox, default list). */
  board: Array<{ name: string; latencyMs: LatencySummary }>;
}

async function amend(ctx: DriveContext, caseId: string, facts: CaseFacts): Promise<void> {
  // One more day at the last destination: the return date moves, the affected approvals run again.
  const last = facts.destinations.at(-1)!;
  const later = new Date(Date.parse(`${last.leave}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const destinations = [...facts.destinations.slice(0, -1), { ...last, leave: later }];
  const res = await postAction(
    ctx,
    `/api/delegations/${caseId}/amend`,
    ctx.tokens.organizer,
    { changes: { returnDate: later, destinations }, comment: '延长一天' },
    Date.now() + 600_000,
  );
  if (res.status !== 200) throw new Error(`amend ${caseId}: ${res.status} ${JSON.stringify(res.body)}`);
}

async function timeEndpoint(ctx: DriveContext, path: string, token: string, requests: number): Promise<LatencySummary> {
  for (let i = 0; i < 10; i++) await ctx.api.get(path, token);
  const samples: number[] = [];
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    const res = await ctx.api.get(path, token);
    samples.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  }
  return summarize(samples);
}

/** Decisions a case of the year's mix takes (1,046 for 20 cases, 2026-11-29). */
export const YEAR_DECISIONS_PER_CASE = 52;
/**
 * Decisions a second the year section can ask of this 2-core machine and still measure per-case costs rather than
 * an overload (the decision path sustains 25-30/s; a year adds every open case's daily wake). 200 cases at 0.5 s a
 * working day asked for 83/s on 2026-11-30: cases queued behind each other's workflow tasks and the run collapsed.
 */
export const YEAR_SUSTAINED_DECISIONS_PER_SECOND = 12;

export async function runYear(
  ctx: DriveContext,
  client: Client,
  workerPids: number[],
  cases: number,
  workingDaySeconds: number,
  boardRequests: number,
  /** Working days the arrivals spread over: a year (250), or fewer for a smoke run (`--quick`: 25). */
  spreadWd = 250,
): Promise<YearFigures> {
  const yearSeconds = spreadWd * workingDaySeconds;
  const cpu = () => workerPids.reduce((a, pid) => a + sampleProcess(pid).cpuSeconds, 0);
  const cpu0 = cpu();
  const mix = { straight: 0, return: 0, deficiency: 0, amendment: 0, refusal: 0, 'six-by-three': 0 } as Record<YearKind, number>;
  const failures: string[] = [];
  log(`year: ${cases} cases over a simulated year of ${yearSeconds} s`);
  const demand = (cases * YEAR_DECISIONS_PER_CASE) / yearSeconds;
  if (demand > YEAR_SUSTAINED_DECISIONS_PER_SECOND)
    log(
      `year: WARNING these cases ask for about ${demand.toFixed(0)} decisions/s, more than this machine sustains ` +
        `(about ${YEAR_SUSTAINED_DECISIONS_PER_SECOND}/s with the wakes and drivers of a year): cases queue, wait past ` +
        `their deadlines and the figures describe an overload. Use --working-day-seconds ` +
        `${Math.ceil((cases * YEAR_DECISIONS_PER_CASE) / (YEAR_SUSTAINED_DECISIONS_PER_SECOND * spreadWd))} or more for this many cases.`,
    );
  const started = performance.now();
  let done = 0;
  const runs = await Promise.all(
    Array.from({ length: cases }, async (_, i): Promise<(CaseRun & { kind: YearKind }) | { failed: string; kind: YearKind }> => {
      const kind = yearKind(i);
      mix[kind]++;
      await sleep((i * yearSeconds * 1000) / cases);
      try {
        const facts = tripSubmission(BENCH_UNIT, kind === 'six-by-three' ? SIX_BY_THREE : CANONICAL, soonDepartureDays());
        const { caseId, workflowId } = await submitCase(ctx, facts);
        if (kind === 'amendment') await amend(ctx, caseId, facts);
        const run = await driveCase(ctx, caseId, workflowId, yearPolicy(kind));
        return { ...run, kind };
      } catch (err) {
        const reason = `${kind}: ${(err as Error).message.slice(0, 300)}`;
        if (failures.length < 5) failures.push(reason);
        return { failed: reason, kind };
      } finally {
        if (++done % Math.max(1, Math.floor(cases / 5)) === 0) log(`year: ${done}/${cases} cases closed`);
      }
    }),
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const cpuMs = (cpu() - cpu0) * 1000;
  const driven = runs.filter((r): r is CaseRun & { kind: YearKind } => !('failed' in r));
  const statuses: Record<string, number> = {};
  for (const r of runs) {
    const status = 'failed' in r ? 'failed' : r.status;
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  log('year: measuring histories, the database and the board');
  const events: number[] = [];
  const kib: number[] = [];
  for (const r of driven) {
    const history = await client.workflow.getHandle(r.workflowId).fetchHistory();
    events.push(history.events?.length ?? 0);
    kib.push(temporal.api.history.v1.History.encode(history).finish().length / 1024);
  }
  const spread = (xs: number[]) => ({
    mean: round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)),
    p95: round(percentile(xs, 95)),
    max: round(xs.length ? Math.max(...xs) : Number.NaN),
  });
  const { rows: size } = await ctx.db.query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes');
  const { rows: ce } = await ctx.db.query<{ n: string }>('SELECT count(*) AS n FROM case_events WHERE stream_id = ANY($1)', [
    driven.map((r) => r.caseId),
  ]);
  const board = [
    { name: 'GET /api/dashboard (manager)', latencyMs: await timeEndpoint(ctx, '/api/dashboard', ctx.tokens.manager, boardRequests) },
    { name: 'GET /api/inbox (FAO reviewer)', latencyMs: await timeEndpoint(ctx, '/api/inbox', ctx.tokens['fao-reviewer'], boardRequests) },
    { name: 'GET /api/delegations (manager)', latencyMs: await timeEndpoint(ctx, '/api/delegations', ctx.tokens.manager, boardRequests) },
  ];
  return {
    cases,
    yearSeconds,
    wallSeconds: round(wallSeconds),
    mix,
    statuses,
    failures,
    updates: driven.reduce((a, r) => a + r.updates, 0),
    failedReads: driven.reduce((a, r) => a + r.failedReads, 0),
    retriedActions: driven.reduce((a, r) => a + r.retriedActions, 0),
    requestToResultMs: summarize(driven.flatMap((r) => r.resultMs)),
    workerCpuMsPerCase: round(cpuMs / Math.max(1, cases)),
    historyEventsPerCase: spread(events),
    historyKiBPerCase: spread(kib),
    databaseMiB: round(Number(size[0]!.bytes) / 2 ** 20),
    caseEventsPerCase: round(Number(ce[0]!.n) / Math.max(1, driven.length)),
    board,
  };
}
