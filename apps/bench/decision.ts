// Section 1: the decision path. N concurrent cases, each driven through every human step over the
// HTTP API by automated users of the right roles (the rules the e2e tests use: @df/contracts
// step-actions), timing each update from the request to its result and to the read model showing it.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { actionable, redateRequest, roleFor, stepRequest } from '@df/contracts';
import { chineseCalendar, STEP_BEHAVIOURS, type CaseFacts } from '@df/domain';
import type { DelegationProgress, StepProgress } from '@df/contracts';
import { BENCH_UNIT, type ApiClient, type BenchRole, type Tokens } from './api';
import { appendCauses, type AppendCauses } from './batches';
import { cpuMsPer, sampleCpu, type CpuSample, type CpuSources } from './cpu';
import { log } from './stack';
import { summarize, type LatencySummary } from './stats';
import { CANONICAL, soonDepartureDays, tripSubmission } from './trips';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface DriveContext {
  api: ApiClient;
  tokens: Tokens;
  db: Pool;
  /** Pause between read-model checks while the case waits on the engine (system steps, timers). */
  idlePollMs?: number;
  timeoutMs?: number;
  /** The run's processes, to split the section's CPU time by part (cpu.ts). */
  cpu?: CpuSources;
}

/**
 * What a user does with a step instead of the plain approve/complete (the year section's mix: a return, a
 * refusal, an acceptance with deficiencies); undefined for the plain request. Called once per step instance
 * and time it is awaiting.
 */
export type StepPolicy = (caseId: string, step: StepProgress) => StepRequest | undefined;

/** A step's request; `before`, when given, runs first as the same user (e.g. the upload a 容缺 supply names) and answers fields added to the body. */
export interface StepRequest {
  path: string;
  body: Record<string, unknown>;
  before?: (api: ApiClient, token: string) => Promise<Record<string, unknown>>;
}

export interface CaseRun {
  caseId: string;
  workflowId: string;
  status: string;
  /** Accepted updates (step transitions made by people). */
  updates: number;
  /** Refused with 409 (a step that moved on between the read and the action). */
  refused: number;
  /** Refused with 409 NOT_BEFORE_DATE: a certifying step (E07, P01) tried before its real-world date, tried again later. */
  notYet: number;
  /** Refused with 409 DEPARTURE_PASSED (case time ran past the departure date while the case prepared): its organizer moved the trip (改期). */
  redated: number;
  /** Progress reads answered 5xx (the workflow query timed out: a saturated worker), retried. */
  failedReads: number;
  /** Actions answered 5xx (503: outcome unknown) and sent again with the same Idempotency-Key. */
  retriedActions: number;
  /** ms from the request to the update's result (the HTTP response). */
  resultMs: number[];
  /** ms from the request to the read model (case_steps) showing the step done. */
  visibleMs: number[];
  /** ms of each case detail read (GET /api/delegations/:id, the workflow's progress query). */
  readMs: number[];
  /**
   * The end of the case's preparation (performance.now()): its driver's first try of the step certifying the departure
   * (E07), whatever the answer; undefined while it has not come to it. From there a case waits for dates in case time.
   */
  preparedAt?: number;
  /** Accepted updates before `preparedAt`: the decisions of the preparation. */
  preparedUpdates: number;
}

/** The step certifying the departure (E07): the preparation window of the decision section ends at its first try. */
export const certifiesDeparture = (step: Pick<StepProgress, 'code'>): boolean =>
  STEP_BEHAVIOURS[step.code]?.certifies?.event === 'departure';

export async function submitCase(ctx: DriveContext, facts: CaseFacts): Promise<{ caseId: string; workflowId: string }> {
  const res = await ctx.api.post<{ caseId: string; workflowId: string }>('/api/delegations', ctx.tokens.organizer, facts);
  if (res.status !== 201) throw new Error(`submission: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Polls the read model until the step has left awaiting/overdue (the projection runs in the append transaction). */
async function waitVisible(db: Pool, caseId: string, stepKey: string, timeoutMs = 10_000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query<{ status: string }>('SELECT status FROM case_steps WHERE case_id = $1 AND step_key = $2', [
      caseId,
      stepKey,
    ]);
    if (rows[0] && rows[0].status !== 'awaiting' && rows[0].status !== 'overdue') return true;
    if (performance.now() > deadline) return false;
    await sleep(2);
  }
}

/**
 * While the engine works (system steps, timers), users watch their inboxes, not the case: waits until
 * the read model shows a step of this case awaiting a person, or the case closed.
 */
async function waitForWork(db: Pool, caseId: string, pollMs: number, deadline: number): Promise<void> {
  for (;;) {
    await sleep(pollMs);
    const { rows } = await db.query<{ work: boolean; status: string | null }>(
      `SELECT EXISTS (SELECT 1 FROM case_steps WHERE case_id = $1 AND status IN ('awaiting', 'overdue') AND kind NOT IN ('system', 'timer')) AS work,
              (SELECT status FROM cases WHERE case_id = $1) AS status`,
      [caseId],
    );
    const { work, status } = rows[0]!;
    if (work || (status !== null && status !== 'open' && status !== 'departed') || Date.now() > deadline) return;
  }
}

/**
 * Posts an action as the web app does: with an Idempotency-Key, and on a 5xx (503: the outcome is unknown, "retry
 * with the same key") the same request again with the same key until `deadline` (epoch ms), so an action is
 * applied once whatever happened to the first try. `retried` is called for each retry.
 */
export async function postAction<T>(
  ctx: DriveContext,
  path: string,
  token: string,
  body: unknown,
  deadline: number,
  retried: () => void = () => undefined,
): Promise<{ status: number; body: T }> {
  const key = randomUUID();
  for (;;) {
    const reply = await ctx.api.post<T>(path, token, body, key);
    if (reply.status < 500 || Date.now() > deadline) return reply;
    retried();
    await sleep(ctx.idlePollMs ?? 100);
  }
}

/** The longest margin a redate gives (working days, about a year): a departure stays within the two-year horizon. */
const MAX_REDATE_MARGIN_WD = 250;

/**
 * 改期: the organizer moves a case's trip (redateRequest: the departure 15.5 + 2 + `marginWd` working days after the
 * case's own now, every stop shifted alike, as soonDepartureDays counts from a submission). The caller doubles the margin at each redate of a case (up to
 * MAX_REDATE_MARGIN_WD), so a case the machine keeps behind is not redated for ever. Throws on a refusal.
 */
async function redate(
  ctx: DriveContext,
  caseId: string,
  p: DelegationProgress,
  marginWd: number,
  deadline: number,
  retried: () => void,
): Promise<void> {
  const { path, body } = redateRequest(p, 15.5 + 2 + marginWd);
  const reply = await postAction<unknown>(ctx, path, ctx.tokens.organizer, body, deadline, retried);
  if (reply.status !== 200) throw new Error(`redating ${caseId}: ${reply.status} ${JSON.stringify(reply.body)}`);
}

/** Uploads made by this process (each upload's key and bytes its own). */
let uploads = 0;

/**
 * The documents the step requires and lacks (2027.10: A03's invitation letter and translation, A05's itinerary),
 * uploaded by the organizer for the step instance before the action, as from the case page; each with a key of its own
 * (a retry after a 503 stores it once). Not counted as decisions.
 */
async function uploadMissing(ctx: DriveContext, caseId: string, step: StepProgress): Promise<void> {
  for (const kind of step.missingAttachments ?? []) {
    // Each upload its own key and bytes: a document given again (after a return or a change) is a new file, and the
    // engine takes one content as one document.
    const key = `bench-${caseId}-${step.key}-${kind}-${++uploads}`;
    const reply = await ctx.api.upload(
      `/api/delegations/${caseId}/attachments`,
      ctx.tokens.organizer,
      { kind, stepKey: step.key },
      { name: `${kind}.pdf`, type: 'application/pdf', bytes: Buffer.from(`%PDF-1.4\n% ${key}\n%%EOF\n`) },
      key,
    );
    if (reply.status !== 201)
      throw new Error(`upload of ${kind} for ${step.key} of ${caseId}: ${reply.status} ${JSON.stringify(reply.body)}`);
  }
}

/**
 * Drives one case until it is closed: reads its progress (the workflow query, as the case page does),
 * acts on each actionable step in turn as the user of its role (one request in flight per case), and
 * between rounds watches the read model like an inbox.
 */
export async function driveCase(ctx: DriveContext, caseId: string, workflowId: string, policy?: StepPolicy): Promise<CaseRun> {
  const run: CaseRun = {
    caseId,
    workflowId,
    status: 'open',
    updates: 0,
    refused: 0,
    notYet: 0,
    redated: 0,
    failedReads: 0,
    retriedActions: 0,
    resultMs: [],
    visibleMs: [],
    readMs: [],
    preparedUpdates: 0,
  };
  const deadline = Date.now() + (ctx.timeoutMs ?? 600_000);
  for (;;) {
    const r0 = performance.now();
    const res = await ctx.api.get<DelegationProgress>(`/api/delegations/${caseId}`, ctx.tokens.organizer);
    run.readMs.push(performance.now() - r0);
    if (res.status >= 500 && Date.now() < deadline) {
      run.failedReads++;
      continue;
    }
    if (res.status !== 200) throw new Error(`GET case ${caseId}: ${res.status} ${JSON.stringify(res.body)}`);
    const p = res.body;
    run.status = p.status;
    if (p.status !== 'open' && p.status !== 'departed') return run;
    if (Date.now() > deadline)
      throw new Error(
        `case ${caseId} did not close in time; open: ${actionable(p)
          .map((s) => s.key)
          .join(' ')}`,
      );
    const steps = actionable(p);
    if (steps.length === 0) {
      await waitForWork(ctx.db, caseId, ctx.idlePollMs ?? 100, deadline);
      continue;
    }
    steps: for (const step of steps) {
      const chosen: StepRequest = policy?.(caseId, step) ?? stepRequest(caseId, step);
      const token = ctx.tokens[roleFor(step) as BenchRole];
      const path = chosen.path;
      await uploadMissing(ctx, caseId, step);
      const body = chosen.before ? { ...chosen.body, ...(await chosen.before(ctx.api, token)) } : chosen.body;
      const t0 = performance.now();
      if (run.preparedAt === undefined && certifiesDeparture(step)) {
        run.preparedAt = t0;
        run.preparedUpdates = run.updates;
      }
      const reply = await postAction<{ code?: string }>(ctx, path, token, body, deadline, () => run.retriedActions++);
      const t1 = performance.now();
      if (reply.status === 409 && reply.body?.code === 'STEP_NOT_AWAITING') {
        run.refused++;
        continue;
      }
      if (reply.status === 409 && reply.body?.code === 'NOT_BEFORE_DATE') {
        // The departure or return it certifies has not come yet (case time): the user comes back on that day, not
        // every 100 ms (the 2026-12-04 full run's 50 cases sent 4,990 such refusals for 2,535 decisions).
        run.notYet++;
        await sleep(msUntilCertifiedDate(reply.body, p.workingDaySeconds, ctx.idlePollMs ?? 100));
        continue;
      }
      if (reply.status === 409 && reply.body?.code === 'DEPARTURE_PASSED') {
        // Case time ran past the departure date while the case prepared (a loaded machine): the organizer moves the
        // trip as a real one would (改期), the steps resting on the dates run again, and the case is read afresh.
        run.redated++;
        await redate(ctx, caseId, p, Math.min(10 * 2 ** run.redated, MAX_REDATE_MARGIN_WD), deadline, () => run.retriedActions++);
        break steps;
      }
      if (reply.status !== 200) throw new Error(`${step.key} of ${caseId}: ${reply.status} ${JSON.stringify(reply.body)}`);
      run.updates++;
      run.resultMs.push(t1 - t0);
      if (!(await waitVisible(ctx.db, caseId, step.key))) throw new Error(`${step.key} of ${caseId} never showed in case_steps`);
      run.visibleMs.push(performance.now() - t0);
    }
  }
}

/**
 * Real milliseconds until the case's clock reaches the date a NOT_BEFORE_DATE refusal names, at least `floorMs`: the
 * working days from the refusal's "today" (the case clock when the workflow refused: a published answer's `now` may be
 * seconds, so many working days, old) to that date, at the case's time scale (as CaseClock maps real time, with the
 * built-in Chinese calendar). `floorMs` in real time, or when the refusal names no dates.
 */
export function msUntilCertifiedDate(refusal: unknown, workingDaySeconds: number | undefined, floorMs: number): number {
  const named = /before (\d{4}-\d{2}-\d{2}) \(today is (\d{4}-\d{2}-\d{2})/.exec(JSON.stringify(refusal ?? null));
  if (!workingDaySeconds || !named) return floorMs;
  const [, date, today] = named;
  const wd = chineseCalendar().workingDaysBetween(`${today}T00:00:00+08:00`, `${date}T00:00:00+08:00`);
  return Math.max(floorMs, Math.ceil(wd * workingDaySeconds * 1000));
}

export interface DecisionFigures {
  cases: number;
  closed: number;
  workingDaySeconds: number;
  /** Human step transitions (accepted updates). */
  updates: number;
  refused: number;
  /** Certifying steps tried before their date (409 NOT_BEFORE_DATE) and tried again. */
  notYet: number;
  /** Cases moved to later dates (改期) after case time ran past their departure (409 DEPARTURE_PASSED). */
  redated: number;
  /** Case reads that failed with 5xx and were retried. */
  failedReads: number;
  /** Actions answered 5xx and sent again with the same Idempotency-Key. */
  retriedActions: number;
  /** Step events written by the engine meanwhile (awaiting, completed, decided, skipped, overdue...). */
  stepEvents: number;
  wallSeconds: number;
  updatesPerSecond: number;
  /**
   * The preparation alone (preparationWindow): the updates before each case first tried E07, over the seconds from the
   * submissions until the last case came to it. The whole run's `updatesPerSecond` also counts the wait for the
   * departure and the trip in case time, which no baseline has (the 2026-12-04 full run).
   */
  preparation: PreparationWindow;
  stepEventsPerSecond: number;
  requestToResultMs: LatencySummary;
  requestToReadModelMs: LatencySummary;
  /** The case detail reads meanwhile (every answer, 5xx included). */
  caseReadMs?: LatencySummary;
  /** Case detail reads by how the API answered them (published answer, query, published after a query timeout). */
  caseReadSources?: Record<string, number>;
  /** Updates each case took, in order: the baseline sends the same counts. */
  updatesPerCase: number[];
  workflowIds: string[];
  /** The cases' event-store appends by cause: on the time scale many are time's, not the drivers' (batches.ts). */
  appendCauses?: AppendCauses;
  /** CPU ms per accepted update by part of the machine, submissions and case reads included (cpu.ts). */
  cpuMsPerUpdate?: CpuSample;
}

export interface PreparationWindow {
  /** Cases that came to E07 (the others count whole: they never waited for a departure). */
  cases: number;
  updates: number;
  seconds: number;
  updatesPerSecond: number;
}

/**
 * The decision section's preparation window: from `startedAt` (performance.now() before the submissions) to the last
 * case's `preparedAt`, the updates accepted within it (each case's `preparedUpdates`; all of a case's updates when it
 * never came to E07, and then its window is the whole run's, `endedAt`).
 */
export function preparationWindow(
  runs: ReadonlyArray<Pick<CaseRun, 'preparedAt' | 'preparedUpdates' | 'updates'>>,
  startedAt: number,
  endedAt: number,
): PreparationWindow {
  const end = Math.max(startedAt, ...runs.map((r) => r.preparedAt ?? endedAt));
  const updates = runs.reduce((a, r) => a + (r.preparedAt === undefined ? r.updates : r.preparedUpdates), 0);
  const seconds = (end - startedAt) / 1000;
  return {
    cases: runs.filter((r) => r.preparedAt !== undefined).length,
    updates,
    seconds: Number(seconds.toFixed(2)),
    updatesPerSecond: seconds > 0 ? Number((updates / seconds).toFixed(1)) : 0,
  };
}

export async function runDecision(ctx: DriveContext, cases: number, workingDaySeconds: number): Promise<DecisionFigures> {
  log(`decision: submitting ${cases} canonical cases`);
  const sourcesBefore = await ctx.api.progressReadSources();
  const cpuBefore = ctx.cpu ? sampleCpu(ctx.cpu) : undefined;
  const started = performance.now();
  const submitted = await Promise.all(
    Array.from({ length: cases }, () => submitCase(ctx, tripSubmission(BENCH_UNIT, CANONICAL, soonDepartureDays()))),
  );
  let done = 0;
  // A case's own time limit grows with the load: on a shared 2-core machine (load average 16) 50
  // concurrent cases took over the default 10 minutes (the run of 2026-11-29 22:38 stopped on it).
  const driven = { ...ctx, timeoutMs: ctx.timeoutMs ?? Math.max(600_000, cases * 30_000) };
  const runs = await Promise.all(
    submitted.map((s) =>
      driveCase(driven, s.caseId, s.workflowId).then((r) => {
        if (++done % Math.max(1, Math.floor(cases / 5)) === 0) log(`decision: ${done}/${cases} cases closed`);
        return r;
      }),
    ),
  );
  const ended = performance.now();
  const wallSeconds = (ended - started) / 1000;
  const cpuAfter = ctx.cpu ? sampleCpu(ctx.cpu) : undefined;
  const ids = runs.map((r) => r.caseId);
  const { rows } = await ctx.db.query<{ n: string }>(
    `SELECT count(*) AS n FROM case_events WHERE stream_id = ANY($1) AND type LIKE 'step.%'`,
    [ids],
  );
  const stepEvents = Number(rows[0]!.n);
  const sourcesAfter = await ctx.api.progressReadSources();
  const caseReadSources = Object.fromEntries(Object.entries(sourcesAfter).map(([k, v]) => [k, v - (sourcesBefore[k] ?? 0)]));
  const updates = runs.reduce((a, r) => a + r.updates, 0);
  return {
    cases,
    closed: runs.filter((r) => r.status === 'completed').length,
    workingDaySeconds,
    updates,
    refused: runs.reduce((a, r) => a + r.refused, 0),
    notYet: runs.reduce((a, r) => a + r.notYet, 0),
    redated: runs.reduce((a, r) => a + r.redated, 0),
    failedReads: runs.reduce((a, r) => a + r.failedReads, 0),
    retriedActions: runs.reduce((a, r) => a + r.retriedActions, 0),
    stepEvents,
    wallSeconds: Number(wallSeconds.toFixed(2)),
    updatesPerSecond: Number((updates / wallSeconds).toFixed(1)),
    preparation: preparationWindow(runs, started, ended),
    stepEventsPerSecond: Number((stepEvents / wallSeconds).toFixed(1)),
    requestToResultMs: summarize(runs.flatMap((r) => r.resultMs)),
    requestToReadModelMs: summarize(runs.flatMap((r) => r.visibleMs)),
    caseReadMs: summarize(runs.flatMap((r) => r.readMs)),
    caseReadSources,
    updatesPerCase: runs.map((r) => r.updates),
    workflowIds: runs.map((r) => r.workflowId),
    appendCauses: await appendCauses(ctx.db, ids),
    ...(cpuBefore && cpuAfter ? { cpuMsPerUpdate: cpuMsPer(cpuBefore, cpuAfter, updates) } : {}),
  };
}
