/** One line of the board's `analytics.stepTimes` (GET /api/dashboard). */
export interface StepTime {
  code: string;
  name: { zh: string; en: string } | null;
  count: number;
  totalWd: number;
  meanWd: number;
}

/**
 * What the board's 各步骤耗时 chart can draw: the steps with working days to show (most first, at most `limit`), or
 * why there is nothing: `none` when no step of the chain is done yet, `zero` when steps are done but none took
 * working time (the read model counts the working days from opening to done on the office's calendar, to 0.001: a
 * step done in the evening, at a weekend or as it opened counts 0), which drew an empty chart with no word (trial).
 */
export function stepTimesView(lines: readonly StepTime[], limit = 15): { rows: StepTime[]; empty: null | 'none' | 'zero' } {
  if (lines.length === 0) return { rows: [], empty: 'none' };
  const rows = lines.filter((s) => s.totalWd > 0).slice(0, limit);
  return rows.length === 0 ? { rows, empty: 'zero' } : { rows, empty: null };
}
