/**
 * The trip report (P03, 出访报告): what the organizer files after return. Its `outcomes` are what the
 * managers' board sums across cases (the brief: one city's delegations in one year signed 4.65 bn yuan
 * of investment and 14.46 bn of trade and held 219 promotion events). Plain data, no dependencies:
 * the workflow validates it too.
 */
export interface TripOutcomes {
  /** Investment agreements signed, yuan. */
  investmentSignedYuan?: number;
  /** Trade agreements signed, yuan. */
  tradeSignedYuan?: number;
  /** Promotion events held (推介会). */
  promotionEvents?: number;
}

/** `data` of the P03 completion. Every field optional: a report with no figures is still a report. */
export interface TripReportData {
  outcomes?: TripOutcomes;
  /** The report's file: the id of a live attachment of the case (the workflow's validator refuses another). */
  reportRef?: string;
}

export const TRIP_OUTCOME_FIELDS = ['investmentSignedYuan', 'tradeSignedYuan', 'promotionEvents'] as const;
export type TripOutcomeField = (typeof TRIP_OUTCOME_FIELDS)[number];

/** What the refusals call each figure (trial 84: 须为不小于0的金额 was said of investmentSignedYuan, the field's code). */
export const TRIP_OUTCOME_LABELS: Record<TripOutcomeField, { zh: string; en: string }> = {
  investmentSignedYuan: { zh: '签约投资额', en: 'investment signed' },
  tradeSignedYuan: { zh: '贸易成交额', en: 'trade signed' },
  promotionEvents: { zh: '推介活动场次', en: 'promotion events' },
};

/** Largest amount accepted (10^15 yuan): beyond any real trip, and exact in a double and in numeric(20,2). */
export const MAX_OUTCOME_YUAN = 1e15;

export interface ReportProblem {
  /** JSON path inside `data`, e.g. `outcomes.promotionEvents`. */
  field: string;
  message: { zh: string; en: string };
}

/** Every problem of a P03 `data` object (empty: valid). Unknown fields of `outcomes` are refused; other report fields pass. */
export function tripReportProblems(data: Record<string, unknown>): ReportProblem[] {
  const problems: ReportProblem[] = [];
  if (data.reportRef !== undefined && (typeof data.reportRef !== 'string' || data.reportRef.length > 500)) {
    problems.push({
      field: 'reportRef',
      message: { zh: 'reportRef 须为不超过500字的字符串', en: 'Must be a string of at most 500 characters' },
    });
  }
  const outcomes = data.outcomes;
  if (outcomes === undefined) return problems;
  if (typeof outcomes !== 'object' || outcomes === null || Array.isArray(outcomes)) {
    problems.push({ field: 'outcomes', message: { zh: 'outcomes 须为对象', en: 'Must be an object' } });
    return problems;
  }
  for (const [key, value] of Object.entries(outcomes)) {
    if (!(TRIP_OUTCOME_FIELDS as readonly string[]).includes(key)) {
      problems.push({
        field: `outcomes.${key}`,
        message: { zh: `不支持的成果字段 ${key}`, en: `Unknown outcome field ${key} (${TRIP_OUTCOME_FIELDS.join(', ')})` },
      });
      continue;
    }
    const isCount = key === 'promotionEvents';
    const what = TRIP_OUTCOME_LABELS[key as TripOutcomeField];
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      value >= 0 &&
      (isCount
        ? Number.isInteger(value) && value <= 1_000_000
        : value <= MAX_OUTCOME_YUAN && Math.abs(Math.round(value * 100) - value * 100) < 1e-6);
    if (!ok) {
      problems.push({
        field: `outcomes.${key}`,
        message: isCount
          ? { zh: `${what.zh}须为非负整数`, en: `The ${what.en} (${key}) must be a whole number ≥ 0` }
          : {
              zh: `${what.zh}须为不小于0的金额（元，最多两位小数）`,
              en: `The ${what.en} (${key}) must be an amount in yuan ≥ 0 with at most two decimals`,
            },
      });
    }
  }
  return problems;
}
