// Section 4: resident memory and CPU of the worker process with N cases open, each waiting at its
// human steps (real time, so no timer fires while we watch).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { DELEGATION_WORKFLOW_TYPE, delegationWorkflowId, type DelegationInput } from '@df/contracts';
import { DEFAULT_DEFINITION } from '@df/domain';
import { randomUUID } from 'node:crypto';
import { BENCH_UNIT } from './api';
import { log } from './stack';
import { round } from './stats';
import { CANONICAL, tripSubmission } from './trips';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface ProcSample {
  rssMiB: number;
  /** Peak resident set (VmHWM). */
  peakRssMiB: number;
  /** utime + stime, seconds. */
  cpuSeconds: number;
}

/** VmRSS / VmHWM of /proc/<pid>/status and utime + stime of /proc/<pid>/stat. */
export function sampleProcess(pid: number): ProcSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at field 3; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssMiB: round(kib('VmRSS') / 1024), peakRssMiB: round(kib('VmHWM') / 1024), cpuSeconds: ticks / TICKS_PER_SECOND };
}

export interface WorkerFigures {
  openCases: number;
  rssIdleBeforeMiB: number;
  rssWithOpenCasesMiB: number;
  peakRssMiB: number;
  /** Worker CPU spent starting the cases (first workflow tasks, system-step activities, projections). */
  startCpuSeconds: number;
  startWallSeconds: number;
  startCpuMsPerCase: number;
  /** Worker CPU while the cases sit open (polling, nothing to do), as % of one core. */
  idleCpuPercent: number;
}

async function inBatches<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export async function runWorkerLoad(
  client: Client,
  db: Pool,
  workerPid: number,
  taskQueue: string,
  openCases: number,
): Promise<WorkerFigures> {
  const before = sampleProcess(workerPid);
  const ids = Array.from({ length: openCases }, () => randomUUID());
  log(`worker: starting ${openCases} cases (real time) and leaving them at their human steps`);
  const t0 = performance.now();
  await inBatches(ids, 32, async (caseId) => {
    const input: DelegationInput = {
      caseId,
      facts: tripSubmission(BENCH_UNIT, CANONICAL),
      definition: DEFAULT_DEFINITION,
      settings: {},
      submittedBy: { id: `organizer.${BENCH_UNIT}`, role: 'organizer', unit: BENCH_UNIT },
      submittedAt: new Date().toISOString(),
    };
    await client.workflow.start(DELEGATION_WORKFLOW_TYPE, { taskQueue, workflowId: delegationWorkflowId(caseId), args: [input] });
  });
  // Settled: every case has reached a person's step in the read model, and the worker has gone quiet.
  const deadline = Date.now() + 600_000;
  for (;;) {
    const { rows } = await db.query<{ n: string }>(
      `SELECT count(DISTINCT case_id) AS n FROM case_steps WHERE case_id = ANY($1) AND status = 'awaiting' AND kind IN ('task', 'approval')`,
      [ids],
    );
    if (Number(rows[0]!.n) >= openCases) break;
    if (Date.now() > deadline) throw new Error(`only ${rows[0]!.n} of ${openCases} cases reached a human step`);
    await sleep(500);
  }
  let last = sampleProcess(workerPid);
  for (let i = 0; i < 30; i++) {
    await sleep(1000);
    const now = sampleProcess(workerPid);
    const busy = now.cpuSeconds - last.cpuSeconds;
    last = now;
    if (busy < 0.05) break;
  }
  const settled = last;
  const startWallSeconds = (performance.now() - t0) / 1000;
  const idleWindowMs = 10_000;
  await sleep(idleWindowMs);
  const after = sampleProcess(workerPid);
  const figures: WorkerFigures = {
    openCases,
    rssIdleBeforeMiB: before.rssMiB,
    rssWithOpenCasesMiB: after.rssMiB,
    peakRssMiB: after.peakRssMiB,
    startCpuSeconds: round(settled.cpuSeconds - before.cpuSeconds, 2),
    startWallSeconds: round(startWallSeconds, 1),
    startCpuMsPerCase: round(((settled.cpuSeconds - before.cpuSeconds) * 1000) / openCases),
    idleCpuPercent: round(((after.cpuSeconds - settled.cpuSeconds) / (idleWindowMs / 1000)) * 100),
  };
  log(`worker: ${openCases} open cases, RSS ${figures.rssWithOpenCasesMiB} MiB (peak ${figures.peakRssMiB} MiB)`);
  // Leave nothing running on a shared Temporal.
  await inBatches(ids, 32, (caseId) =>
    client.workflow
      .getHandle(delegationWorkflowId(caseId))
      .terminate('benchmark done')
      .catch(() => undefined),
  );
  return figures;
}
