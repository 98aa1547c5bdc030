/** Pure figures of the benchmark: percentiles, summaries, ratios, target verdicts. */

/** The p-th percentile (0-100) by the nearest-rank method; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile ${p} is outside 0-100`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Rounds to a precision that is honest for millisecond timings (0.1 ms). */
export const round = (v: number, digits = 1): number => (Number.isFinite(v) ? Number(v.toFixed(digits)) : v);

export function summarize(samples: readonly number[]): LatencySummary {
  const mean = samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : Number.NaN;
  return {
    count: samples.length,
    p50: round(percentile(samples, 50)),
    p95: round(percentile(samples, 95)),
    p99: round(percentile(samples, 99)),
    max: round(samples.length ? Math.max(...samples) : Number.NaN),
    mean: round(mean),
  };
}

/** ours / baseline, to two decimals (NaN when the baseline is zero or missing). */
export function ratio(ours: number, baseline: number): number {
  return baseline > 0 && Number.isFinite(ours) ? round(ours / baseline, 2) : Number.NaN;
}

export type Verdict = 'met' | 'missed' | 'not measured';

export interface Target {
  name: string;
  /** What the issue asks, in words. */
  goal: string;
  measured: string;
  verdict: Verdict;
}

/** A target of the form `value <= limit` (or `>=` with atLeast); not measured when the value is missing. */
export function target(name: string, goal: string, value: number | undefined, limit: number, unit: string, atLeast = false): Target {
  if (value === undefined || !Number.isFinite(value)) return { name, goal, measured: 'not measured', verdict: 'not measured' };
  const ok = atLeast ? value >= limit : value <= limit;
  return { name, goal, measured: `${value}${unit}`, verdict: ok ? 'met' : 'missed' };
}

/** A plain-text table: the first row is the header; columns padded to their widest cell. */
export function table(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) =>
    r
      .map((c, i) => c + ' '.repeat(widths[i]! - width(c)))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** Display width: CJK characters take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}
