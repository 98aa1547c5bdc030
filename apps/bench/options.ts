/** Command-line and environment options of `npm run bench`. */

export const SECTIONS = ['decision', 'history', 'worker', 'board', 'year'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  /** Concurrent cases of the decision path (and of the bare baseline). */
  cases: number;
  /** Open cases kept on the worker for its memory figure. */
  openCases: number;
  /** Cases seeded for the board; half of them in flight. */
  boardCases: number;
  /** Timed requests per board endpoint (after a warm-up). */
  boardRequests: number;
  /** Keep the seeded board rows in an external database (DATABASE_URL), and reuse them when already there (EXPLAIN, A/B runs). */
  boardKeep: boolean;
  /** Time scale of the history and year sections (and of the decision section unless given its own): one working day lasts this many seconds. */
  workingDaySeconds: number;
  /**
   * Time scale of the decision section: one this machine follows with `--cases` cases, so that no case's departure
   * passes while it prepares (docs/benchmarks.md "The decision section on time": 50 cases on time at 10 s).
   */
  decisionWorkingDaySeconds: number;
  /** Cases of the year section (they arrive over 250 working days of the time scale). */
  yearCases: number;
  /** Worker processes on the one task queue. */
  workers: number;
  /** Write `node --cpu-prof` profiles of the worker(s) and the API here. */
  cpuProfDir?: string;
  /** Heap cap of the worker process(es) in MiB (`--max-old-space-size`); 0 = none; default WORKER_HEAP_MB, as `npm start`. */
  workerHeapMb?: number;
  quick: boolean;
  only: Section[];
  /** Write the JSON summary here as well as to stdout. */
  out?: string;
}

export const USAGE = `npm run bench -- [options]

  --cases N               concurrent cases driven through the API, and baseline workflows (default 50; env BENCH_CASES)
  --open-cases N          open cases on the worker for its memory figure (default 1000; env BENCH_OPEN_CASES)
  --board-cases N         cases seeded for the board, half in flight (default 100000; env BENCH_BOARD_CASES)
  --board-requests N      timed requests per board endpoint (default 200; env BENCH_BOARD_REQUESTS)
  --board-keep            with DATABASE_URL: keep the seeded board rows afterwards, and time the rows already
                          there instead of seeding when the database holds exactly --board-cases of them
                          (env BENCH_BOARD_KEEP=1)
  --working-day-seconds S time scale of the history and year sections, and of the decision section when it is not
                          given its own (default 0.5; env BENCH_WORKING_DAY_SECONDS)
  --decision-working-day-seconds S
                          time scale of the decision section (default 10, one the machine follows with 50 cases, so
                          no case's departure passes while it prepares; --quick: 0.5; env BENCH_DECISION_WORKING_DAY_SECONDS)
  --year-cases N          cases of the year section, arriving over 250 working days (default 25, what the time scale
                          lets this machine carry; env BENCH_YEAR_CASES)
  --workers N             worker processes on the one task queue (default 1; env BENCH_WORKERS)
  --worker-heap-mb N      the worker process(es)' V8 heap cap, MiB (--max-old-space-size; 0 = none;
                          default WORKER_HEAP_MB's, 384, as npm start; env BENCH_WORKER_HEAP_MB)
  --cpu-prof DIR          node --cpu-prof profiles of the worker(s) and the API into DIR (env BENCH_CPU_PROF_DIR);
                          summarise with node dist/apps/bench/profile-summary.js DIR/*.cpuprofile
  --quick                 small sizes for a smoke run (5 cases, 50 open, 2000 board cases, 40 requests, 10 year cases arriving over 25 working days)
  --only a,b              sections: ${SECTIONS.join(', ')} (default all; env BENCH_ONLY)
  --out FILE              also write the JSON summary to FILE

Uses DATABASE_URL / TEMPORAL_ADDRESS when set, otherwise starts an embedded PostgreSQL and a
Temporal dev server of its own on free ports; always starts its own worker and API.`;

export class UsageError extends Error {}

/** A whole number of at least `min` (1 unless said), or a UsageError naming the option. */
const wholeNumber = (name: string, raw: string, min = 1): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be a whole number ≥ ${min} (got ${JSON.stringify(raw)})`);
  return n;
};

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const raw = new Map<string, string>();
  const fromEnv: Array<[string, string]> = [
    ['cases', 'BENCH_CASES'],
    ['open-cases', 'BENCH_OPEN_CASES'],
    ['board-cases', 'BENCH_BOARD_CASES'],
    ['board-requests', 'BENCH_BOARD_REQUESTS'],
    ['working-day-seconds', 'BENCH_WORKING_DAY_SECONDS'],
    ['decision-working-day-seconds', 'BENCH_DECISION_WORKING_DAY_SECONDS'],
    ['only', 'BENCH_ONLY'],
    ['year-cases', 'BENCH_YEAR_CASES'],
    ['workers', 'BENCH_WORKERS'],
    ['cpu-prof', 'BENCH_CPU_PROF_DIR'],
    ['worker-heap-mb', 'BENCH_WORKER_HEAP_MB'],
  ];
  for (const [flag, name] of fromEnv) if (env[name]) raw.set(flag, env[name]!);
  let quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  let boardKeep = env.BENCH_BOARD_KEEP === '1' || env.BENCH_BOARD_KEEP === 'true';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') throw new UsageError(USAGE);
    if (arg === '--quick') {
      quick = true;
      continue;
    }
    if (arg === '--board-keep') {
      boardKeep = true;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (
      !m ||
      ![
        'cases',
        'open-cases',
        'board-cases',
        'board-requests',
        'working-day-seconds',
        'decision-working-day-seconds',
        'only',
        'out',
        'year-cases',
        'workers',
        'cpu-prof',
        'worker-heap-mb',
      ].includes(m[1]!)
    )
      throw new UsageError(`unknown argument ${arg}\n\n${USAGE}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${m[1]} needs a value`);
    raw.set(m[1]!, value);
  }
  const int = (flag: string, normal: number, small: number) =>
    raw.has(flag) ? wholeNumber(`--${flag}`, raw.get(flag)!) : quick ? small : normal;
  const only = raw.has('only')
    ? raw
        .get('only')!
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [...SECTIONS];
  for (const s of only)
    if (!(SECTIONS as readonly string[]).includes(s)) throw new UsageError(`--only: unknown section ${s} (one of ${SECTIONS.join(', ')})`);
  const seconds = (flag: string, normal: number) => {
    const n = raw.has(flag) ? Number(raw.get(flag)) : normal;
    if (!(n > 0 && Number.isFinite(n))) throw new UsageError(`--${flag} must be a positive number (got ${JSON.stringify(raw.get(flag))})`);
    return n;
  };
  const wds = seconds('working-day-seconds', 0.5);
  const decisionWds = seconds('decision-working-day-seconds', raw.has('working-day-seconds') ? wds : quick ? 0.5 : 10);
  return {
    cases: int('cases', 50, 5),
    openCases: int('open-cases', 1000, 50),
    boardCases: int('board-cases', 100_000, 2000),
    boardRequests: int('board-requests', 200, 40),
    boardKeep,
    workingDaySeconds: wds,
    decisionWorkingDaySeconds: decisionWds,
    yearCases: int('year-cases', 25, 10),
    workers: int('workers', 1, 1),
    ...(raw.has('cpu-prof') ? { cpuProfDir: raw.get('cpu-prof')! } : {}),
    ...(raw.has('worker-heap-mb') ? { workerHeapMb: wholeNumber('--worker-heap-mb', raw.get('worker-heap-mb')!, 0) } : {}),
    quick,
    only: SECTIONS.filter((s) => only.includes(s)),
    ...(raw.has('out') ? { out: raw.get('out')! } : {}),
  };
}
