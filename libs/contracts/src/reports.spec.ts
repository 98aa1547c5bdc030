import { tripReportProblems } from './reports';

describe("the trip report's figures (tripReportProblems)", () => {
  it('name each figure in words, the field beside in English (trial 84: 须为不小于0的金额 was said of investmentSignedYuan)', () => {
    const problems = tripReportProblems({ summary: '出访报告', outcomes: { investmentSignedYuan: -1, promotionEvents: 1.5 } });
    expect(problems.map((p) => [p.field, p.message.zh, p.message.en])).toEqual([
      [
        'outcomes.investmentSignedYuan',
        '签约投资额须为不小于0的金额（元，最多两位小数）',
        'The investment signed (investmentSignedYuan) must be an amount in yuan ≥ 0 with at most two decimals',
      ],
      ['outcomes.promotionEvents', '推介活动场次须为非负整数', 'The promotion events (promotionEvents) must be a whole number ≥ 0'],
    ]);
  });
});
