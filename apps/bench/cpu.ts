// CPU time by part of the machine over a section of the run (issue 16: where a decision's cost goes, ours
// against the baselines'), from Linux's /proc: the whole machine (/proc/stat) and the processes the run
// started (/proc/<pid>/stat). CPU time, not wall time, so the split holds on a loaded machine too.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** The parts a decision's CPU time is split into. */
export const CPU_PARTS = ['worker', 'api', 'temporal', 'postgres', 'bench', 'machine'] as const;
export type CpuPart = (typeof CPU_PARTS)[number];

/** CPU seconds (user + system) per part, cumulative since each process started (`machine`: since boot, all CPUs). */
export type CpuSample = Record<CpuPart, number>;

/** The processes of the run: our worker(s) and API; the Temporal server and PostgreSQL are found by name. */
export interface CpuSources {
  workerPids: number[];
  apiPid?: number;
}

/** Fields 3… of /proc/<pid>/stat (after the command name, which may hold spaces); null once the process is gone. */
function statFields(pid: number | string): { comm: string; fields: string[] } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    return { comm: stat.slice(open + 1, close), fields: stat.slice(close + 2).split(' ') };
  } catch {
    return null;
  }
}

/** utime + stime (fields 14, 15), and with `reaped` the exited children's too (16, 17), in seconds. */
function processSeconds(fields: string[], reaped = false): number {
  const n = (i: number) => Number(fields[i - 3] ?? 0);
  return (n(14) + n(15) + (reaped ? n(16) + n(17) : 0)) / TICKS_PER_SECOND;
}

/** Busy CPU seconds of the machine: every state of /proc/stat's `cpu` line but idle and iowait, all CPUs. */
export function machineBusySeconds(procStat: string): number {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return NaN;
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return [user, nice, system, irq, softirq, steal].reduce((a: number, v) => a + (v ?? 0), 0) / TICKS_PER_SECOND;
}

/**
 * Samples CPU seconds per part. `temporal` sums this process's descendants named `temporal` (the CLI dev server),
 * `postgres` its descendants named `postgres` with their exited children (backends that ended): other test runs on
 * the machine are not counted, and both are 0 when the servers run elsewhere (TEMPORAL_ADDRESS / DATABASE_URL).
 * `bench` is this process (drivers, and the baselines' in-process workers); `machine` every process, busy time.
 */
export function sampleCpu(sources: CpuSources): CpuSample {
  const procs = new Map<number, ProcEntry>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = statFields(entry);
    if (s) procs.set(Number(entry), { comm: s.comm, ppid: Number(s.fields[1]), fields: s.fields });
  }
  const own = process.cpuUsage();
  return {
    ...attributeProcesses(procs, process.pid, sources),
    bench: (own.user + own.system) / 1e6,
    machine: machineBusySeconds(readFileSync('/proc/stat', 'utf8')),
  };
}

/** One process of /proc: its command name, parent and stat fields 3… (fields[1] is the ppid). */
export interface ProcEntry {
  comm: string;
  ppid: number;
  fields: string[];
}

/** The worker, API, Temporal and PostgreSQL parts of a process table (sampleCpu): servers only as `root`'s descendants. */
export function attributeProcesses(
  procs: ReadonlyMap<number, ProcEntry>,
  root: number,
  sources: CpuSources,
): Pick<CpuSample, 'worker' | 'api' | 'temporal' | 'postgres'> {
  const out = { worker: 0, api: 0, temporal: 0, postgres: 0 };
  const descends = (pid: number): boolean => {
    for (let p = procs.get(pid)?.ppid, hops = 0; p !== undefined && p > 0 && hops < 64; p = procs.get(p)?.ppid, hops++)
      if (p === root) return true;
    return false;
  };
  for (const [pid, s] of procs) {
    if (sources.workerPids.includes(pid)) out.worker += processSeconds(s.fields);
    else if (pid === sources.apiPid) out.api += processSeconds(s.fields);
    else if ((s.comm === 'temporal' || s.comm === 'postgres') && descends(pid))
      out[s.comm] += processSeconds(s.fields, s.comm === 'postgres');
  }
  return out;
}

/** CPU milliseconds per unit of work (e.g. per update) of each part between two samples. */
export function cpuMsPer(before: CpuSample, after: CpuSample, units: number): CpuSample {
  const out = {} as CpuSample;
  for (const part of CPU_PARTS) out[part] = Math.round(((after[part] - before[part]) * 1000 * 10) / Math.max(1, units)) / 10;
  return out;
}
