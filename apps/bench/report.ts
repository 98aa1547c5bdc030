// The benchmark's output: the targets of the issue with verdicts, a short table, the JSON summary.
import type { BenchSummary } from './main';
import { ratio, table, target, type Target } from './stats';
import type { AppendCauses } from './batches';
import { CPU_PARTS, type CpuPart } from './cpu';

const CPU_PART_LABELS: Record<CpuPart, string> = {
  worker: 'our worker(s) (the baselines: in the bench)',
  api: 'our API',
  temporal: 'Temporal server',
  postgres: 'PostgreSQL',
  bench: "bench (drivers; the baselines' worker)",
  machine: 'machine, every process',
};

export interface Report {
  text: string;
  json: string;
}

const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : `${v} ms`);

export function targets(s: BenchSummary): Target[] {
  const out: Target[] = [];
  const d = s.decision;
  const b = s.baselines;
  if (d && b) {
    out.push(target('throughput ours/append', '≥ 0.8', ratio(d.updatesPerSecond, b.append.updatesPerSecond), 0.8, '', true));
    out.push(target('throughput ours/bare', '≥ 0.4', ratio(d.updatesPerSecond, b.bare.updatesPerSecond), 0.4, '', true));
    // The same targets over the preparation alone (until each case first tries E07): no wait for dates in it.
    const prep = d.preparation.updatesPerSecond;
    out.push(target('throughput until E07 ours/append', '≥ 0.8', ratio(prep, b.append.updatesPerSecond), 0.8, '', true));
    out.push(target('throughput until E07 ours/bare', '≥ 0.4', ratio(prep, b.bare.updatesPerSecond), 0.4, '', true));
    out.push(target('p99 request-to-result ours/append', '≤ 1.3', ratio(d.requestToResultMs.p99, b.append.requestToResultMs.p99), 1.3, ''));
  }
  if (d) {
    out.push(target('decision visible in read model, p99', '≤ 250 ms', d.requestToReadModelMs.p99, 250, ' ms'));
    if (d.caseReadMs) out.push(target('case detail (GET) p99 during the decision load', '≤ 300 ms', d.caseReadMs.p99, 300, ' ms'));
    out.push(target('5xx answers during the decision load', '0', d.failedReads + d.retriedActions, 0, ''));
  }
  const board = s.board;
  if (board) {
    for (const e of board.endpoints) {
      out.push(
        e.available
          ? target(`${e.name} p99 at ${board.cases} cases`, '≤ 100 ms', e.latencyMs?.p99, 100, ' ms')
          : { name: `${e.name} p99`, goal: '≤ 100 ms', measured: 'not available', verdict: 'not measured' },
      );
    }
  }
  const six = s.history?.find((h) => h.shape.startsWith('6'));
  if (six) {
    out.push(target('6x3 case history events', '≤ 5000', six.historyEvents, 5000, ''));
    out.push(target('6x3 case replay (Worker.runReplayHistory)', '≤ 200 ms', six.replayColdMs, 200, ' ms'));
  }
  for (const b of s.year?.board ?? []) out.push(target(`year: ${b.name} p99 at the end`, '≤ 100 ms', b.latencyMs.p99, 100, ' ms'));
  if (s.worker)
    out.push(target(`worker RSS with ${s.worker.openCases} open cases`, '≤ 512 MiB', s.worker.rssWithOpenCasesMiB, 512, ' MiB'));
  return out;
}

/**
 * The appends by cause beside the updates that drove them: the append baseline makes one append per update, and
 * time-driven appends (a deadline passing, forecast drift) are each an activity and a workflow task more.
 */
function appendRow(c: AppendCauses, updates: number, baselineAppends: number | undefined, shape = ''): Array<string | number> {
  return [
    `${shape}appends (${updates} updates): actions and system steps / deadlines passed / drift only`,
    `${c.appends} (${c.other} / ${c.deadlines} / ${c.driftOnly})`,
    '',
    baselineAppends ?? '',
    '',
    baselineAppends ? ratio(c.appends, baselineAppends) : '',
  ];
}

export function report(s: BenchSummary): Report {
  const rows: Array<Array<string | number>> = [['section', 'figure', 'ours', 'bare', 'append', 'ours/bare', 'ours/append']];
  const d = s.decision;
  const b = s.baselines;
  const r = (ours: number, base: number | undefined) => (base === undefined ? '-' : ratio(ours, base));
  if (d) {
    rows.push([
      'decision',
      `step transitions/s (${d.cases} cases, ${d.updates} updates; a working day = ${d.workingDaySeconds} s)`,
      d.updatesPerSecond,
      b?.bare.updatesPerSecond ?? '-',
      b?.append.updatesPerSecond ?? '-',
      r(d.updatesPerSecond, b?.bare.updatesPerSecond),
      r(d.updatesPerSecond, b?.append.updatesPerSecond),
    ]);
    rows.push([
      'decision',
      `step transitions/s until E07 (${d.preparation.updates} updates in ${d.preparation.seconds} s; ${d.preparation.cases} cases came to E07; ${d.redated} redates)`,
      d.preparation.updatesPerSecond,
      b?.bare.updatesPerSecond ?? '-',
      b?.append.updatesPerSecond ?? '-',
      r(d.preparation.updatesPerSecond, b?.bare.updatesPerSecond),
      r(d.preparation.updatesPerSecond, b?.append.updatesPerSecond),
    ]);
    for (const p of ['p50', 'p95', 'p99'] as const)
      rows.push([
        'decision',
        `request → result ${p}`,
        ms(d.requestToResultMs[p]),
        ms(b?.bare.requestToResultMs[p]),
        ms(b?.append.requestToResultMs[p]),
        r(d.requestToResultMs[p], b?.bare.requestToResultMs[p]),
        r(d.requestToResultMs[p], b?.append.requestToResultMs[p]),
      ]);
    for (const p of ['p50', 'p95', 'p99'] as const)
      rows.push([
        'decision',
        `request → read model ${p}`,
        ms(d.requestToReadModelMs[p]),
        '',
        ms(b?.append.requestToReadModelMs?.[p]),
        '',
        r(d.requestToReadModelMs[p], b?.append.requestToReadModelMs?.[p]),
      ]);
    if (d.caseReadMs)
      rows.push([
        'decision',
        `case detail GET p50 / p99 (5xx: ${d.failedReads}; actions retried after a 5xx: ${d.retriedActions}${
          d.caseReadSources && Object.keys(d.caseReadSources).length > 0
            ? `; ${Object.entries(d.caseReadSources)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ')}`
            : ''
        })`,
        `${ms(d.caseReadMs.p50)} / ${ms(d.caseReadMs.p99)}`,
        '',
        '',
        '',
        '',
      ]);
    if (d.appendCauses) rows.push(['decision', ...appendRow(d.appendCauses, d.updates, b?.append ? d.updates : undefined)]);
    if (d.cpuMsPerUpdate)
      for (const part of CPU_PARTS) {
        const ours = d.cpuMsPerUpdate[part];
        const bare = b?.bare.cpuMsPerUpdate?.[part];
        const append = b?.append.cpuMsPerUpdate?.[part];
        rows.push([
          'decision',
          `CPU ms per update: ${CPU_PART_LABELS[part]}`,
          ours,
          bare ?? '-',
          append ?? '-',
          bare ? ratio(ours, bare) : '-',
          append ? ratio(ours, append) : '-',
        ]);
      }
  }
  for (const h of s.history ?? []) {
    rows.push(['history', `${h.shape}: events / KiB`, `${h.historyEvents} / ${Math.round(h.historyBytes / 1024)}`, '', '', '', '']);
    rows.push(['history', `${h.shape}: replay cold / warm`, `${h.replayColdMs} / ${h.replayWarmMs} ms`, '', '', '', '']);
    rows.push(['history', ...appendRow(h.appendCauses, h.updates, undefined, `${h.shape}: `)]);
    const c = h.composition;
    const activities = Object.entries(c.activities)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
    rows.push([
      'history',
      `${h.shape}: workflow tasks (updates / timers fired / activities)`,
      `${c.workflowTasks} (${c.updates} / ${c.timersFired} / ${activities})`,
      '',
      '',
      '',
      '',
    ]);
  }
  if (s.board) {
    rows.push(['board', `seeded cases (in flight) / events`, `${s.board.cases} (${s.board.inFlight}) / ${s.board.events}`, '', '', '', '']);
    for (const e of s.board.endpoints)
      rows.push([
        'board',
        `${e.name} p50 / p99 (first)`,
        e.available && e.latencyMs ? `${e.latencyMs.p50} / ${e.latencyMs.p99} ms (${e.firstMs} ms)` : 'not available',
        '',
        '',
        '',
        '',
      ]);
  }
  if (s.worker) {
    rows.push([
      'worker',
      `RSS with ${s.worker.openCases} open cases (idle before)`,
      `${s.worker.rssWithOpenCasesMiB} MiB (${s.worker.rssIdleBeforeMiB})`,
      '',
      '',
      '',
      '',
    ]);
    rows.push([
      'worker',
      'CPU to open a case / idle CPU',
      `${s.worker.startCpuMsPerCase} ms / ${s.worker.idleCpuPercent}%`,
      '',
      '',
      '',
      '',
    ]);
  }
  const y = s.year;
  if (y) {
    const row = (figure: string, value: string) => rows.push(['year', figure, value, '', '', '', '']);
    row(`cases (simulated year ${y.yearSeconds} s; wall)`, `${y.cases} (${y.wallSeconds} s)`);
    row(
      'statuses',
      Object.entries(y.statuses)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    );
    row('worker CPU per case', `${y.workerCpuMsPerCase} ms`);
    row('history per case: events mean / p95', `${y.historyEventsPerCase.mean} / ${y.historyEventsPerCase.p95}`);
    row('history per case: KiB mean / p95', `${y.historyKiBPerCase.mean} / ${y.historyKiBPerCase.p95}`);
    row('case events per case / database size', `${y.caseEventsPerCase} / ${y.databaseMiB} MiB`);
    row('request → result p50 / p99', `${ms(y.requestToResultMs.p50)} / ${ms(y.requestToResultMs.p99)}`);
    row(
      '5xx answers: case reads / actions (each retried, actions with the same Idempotency-Key)',
      `${y.failedReads} / ${y.retriedActions}`,
    );
    for (const b of y.board) row(`${b.name} p50 / p99 at the end`, `${ms(b.latencyMs.p50)} / ${ms(b.latencyMs.p99)}`);
  }
  const t = targets(s);
  const verdicts = table([['target', 'goal', 'measured', 'verdict'], ...t.map((x) => [x.name, x.goal, x.measured, x.verdict])]);
  const text = `${table(rows)}\n\n${verdicts}`;
  const json = JSON.stringify(
    {
      ...s,
      ratios:
        d && b
          ? {
              throughputBare: ratio(d.updatesPerSecond, b.bare.updatesPerSecond),
              throughputAppend: ratio(d.updatesPerSecond, b.append.updatesPerSecond),
              throughputUntilE07Bare: ratio(d.preparation.updatesPerSecond, b.bare.updatesPerSecond),
              throughputUntilE07Append: ratio(d.preparation.updatesPerSecond, b.append.updatesPerSecond),
              p99RequestToResultBare: ratio(d.requestToResultMs.p99, b.bare.requestToResultMs.p99),
              p99RequestToResultAppend: ratio(d.requestToResultMs.p99, b.append.requestToResultMs.p99),
              p99RequestToReadModelAppend: b.append.requestToReadModelMs
                ? ratio(d.requestToReadModelMs.p99, b.append.requestToReadModelMs.p99)
                : undefined,
            }
          : undefined,
      targets: t,
    },
    null,
    2,
  );
  return { text, json };
}
