// The benchmark's output: the targets of the issue with verdicts, a short table, the JSON summary.
import type { BenchSummary } from './main';
import { ratio, table, target, type Target } from './stats';

export interface Report {
  text: string;
  json: string;
}

const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : `${v} ms`);

export function targets(s: BenchSummary): Target[] {
  const out: Target[] = [];
  const d = s.decision;
  const b = s.baseline;
  if (d && b) {
    out.push(target('throughput ours/baseline', '≥ 0.5', ratio(d.updatesPerSecond, b.updatesPerSecond), 0.5, '', true));
    out.push(target('p99 request-to-result ours/baseline', '≤ 1.5', ratio(d.requestToResultMs.p99, b.requestToResultMs.p99), 1.5, ''));
  }
  if (d) out.push(target('decision visible in read model, p99', '≤ 250 ms', d.requestToReadModelMs.p99, 250, ' ms'));
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
  if (s.worker)
    out.push(target(`worker RSS with ${s.worker.openCases} open cases`, '≤ 512 MiB', s.worker.rssWithOpenCasesMiB, 512, ' MiB'));
  return out;
}

export function report(s: BenchSummary): Report {
  const rows: Array<Array<string | number>> = [['section', 'figure', 'ours', 'bare Temporal', 'ours/baseline']];
  const d = s.decision;
  const b = s.baseline;
  if (d) {
    rows.push([
      'decision',
      `step transitions/s (${d.cases} cases, ${d.updates} updates)`,
      d.updatesPerSecond,
      b?.updatesPerSecond ?? '-',
      b ? ratio(d.updatesPerSecond, b.updatesPerSecond) : '-',
    ]);
    for (const p of ['p50', 'p95', 'p99'] as const)
      rows.push([
        'decision',
        `request → result ${p}`,
        ms(d.requestToResultMs[p]),
        ms(b?.requestToResultMs[p]),
        b ? ratio(d.requestToResultMs[p], b.requestToResultMs[p]) : '-',
      ]);
    for (const p of ['p50', 'p95', 'p99'] as const)
      rows.push(['decision', `request → read model ${p}`, ms(d.requestToReadModelMs[p]), '', '']);
  }
  for (const h of s.history ?? []) {
    rows.push(['history', `${h.shape}: events / KiB`, `${h.historyEvents} / ${Math.round(h.historyBytes / 1024)}`, '', '']);
    rows.push(['history', `${h.shape}: replay cold / warm`, `${h.replayColdMs} / ${h.replayWarmMs} ms`, '', '']);
  }
  if (s.board) {
    rows.push(['board', `seeded cases (in flight) / events`, `${s.board.cases} (${s.board.inFlight}) / ${s.board.events}`, '', '']);
    for (const e of s.board.endpoints)
      rows.push([
        'board',
        `${e.name} p50 / p99 (first)`,
        e.available && e.latencyMs ? `${e.latencyMs.p50} / ${e.latencyMs.p99} ms (${e.firstMs} ms)` : 'not available',
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
    ]);
    rows.push(['worker', 'CPU to open a case / idle CPU', `${s.worker.startCpuMsPerCase} ms / ${s.worker.idleCpuPercent}%`, '', '']);
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
              throughput: ratio(d.updatesPerSecond, b.updatesPerSecond),
              p99RequestToResult: ratio(d.requestToResultMs.p99, b.requestToResultMs.p99),
            }
          : undefined,
      targets: t,
    },
    null,
    2,
  );
  return { text, json };
}
