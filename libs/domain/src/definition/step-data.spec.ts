import { DEFAULT_DEFINITION, DEFINITION_2026_1, DEFINITION_2027_1, upcastDefinition } from './default-definition';
import { stepDataProblems, tripReportSummaryProblems, TRIP_REPORT_SUMMARY_MAX, WRITTEN_OUTCOME_MAX } from './step-data';

const rules = (data: Record<string, unknown>) => stepDataProblems('written-outcome', data).map((p) => [p.field, p.rule]);

describe("'written-outcome': a step whose purpose is a written result is completed with it", () => {
  it('declares it on A04 (note on the inviting party), A14 (objections resolved) and D11 (interview report) from 2027.2, not before', () => {
    const schema = (def: typeof DEFAULT_DEFINITION, code: string) => def.steps.find((s) => s.code === code)?.behaviour?.data;
    expect(schema(DEFAULT_DEFINITION, 'A04')).toBe('written-outcome');
    expect(schema(DEFINITION_2027_1, 'A04')).toBeUndefined();
    expect(schema(DEFAULT_DEFINITION, 'A14')).toBe('written-outcome');
    expect(schema(DEFAULT_DEFINITION, 'D11')).toBe('written-outcome');
    // Recorded cases of older versions replay as they ran: their steps declare no schema.
    expect(schema(DEFINITION_2027_1, 'A14')).toBeUndefined();
    expect(schema(upcastDefinition(DEFINITION_2026_1), 'A14')).toBeUndefined();
  });

  it('requires data.outcome as non-blank text under the text rule, at most the comment length', () => {
    // The trial: A14 completed with no data at all.
    expect(rules({})).toEqual([['outcome', 'required']]);
    expect(rules({ outcome: 3 })).toEqual([['outcome', 'required']]);
    expect(rules({ outcome: '  \u200B\u3000' })).toEqual([['outcome', 'blank']]);
    expect(rules({ outcome: '已核实\u0000' })).toEqual([['outcome', 'text-control']]);
    expect(rules({ outcome: '异议\u202E不成立' })).toEqual([['outcome', 'text-bidi']]);
    expect(rules({ outcome: 'x'.repeat(WRITTEN_OUTCOME_MAX + 1) })).toEqual([['outcome', 'max']]);
    expect(rules({ outcome: '经核实，异议不成立，维持原出访安排' })).toEqual([]);
    const [p] = stepDataProblems('written-outcome', {});
    expect(p!.message.zh).toContain('办理结果');
    expect(p!.message.en).toMatch(/outcome/);
  });

  it('the trip report (P03) is filed with a written summary: required, non-blank text, at most TRIP_REPORT_SUMMARY_MAX', () => {
    const summary = (data: Record<string, unknown>) => tripReportSummaryProblems(data).map((p) => [p.field, p.rule]);
    // The trial: P03 completed with no data at all, and with figures but no report.
    expect(summary({})).toEqual([['summary', 'required']]);
    expect(summary({ outcomes: { promotionEvents: 2 } })).toEqual([['summary', 'required']]);
    expect(summary({ summary: '\u2800\u3164' })).toEqual([['summary', 'blank']]);
    expect(summary({ summary: 'x'.repeat(TRIP_REPORT_SUMMARY_MAX + 1) })).toEqual([['summary', 'max']]);
    expect(summary({ summary: 'x'.repeat(TRIP_REPORT_SUMMARY_MAX) })).toEqual([]);
    expect(tripReportSummaryProblems({})[0]!.message.zh).toContain('出访报告');
  });
});
