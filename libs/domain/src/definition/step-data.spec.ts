import { behaviourOf, DEFAULT_DEFINITION, DEFINITION_2026_1, DEFINITION_2027_1, upcastDefinition } from './default-definition';
import { processDefinitions } from './apec-whitelist';
import type { ProcessDefinition } from './types';
import { APEC_CARD_DEFINITION } from './apec-card';
import {
  BUDGET_ITEM_MAX_YUAN,
  budgetTotalYuan,
  CARD_NUMBER_RULES,
  CARD_TERM_RULES,
  foldedStepData,
  newPassportProblems,
  newPassportTripProblems,
  stayIn,
  visaIssuedProblems,
  visaStayProblems,
  outcomeMembersProblems,
  outcomeRequiredProblems,
  systemReadDataProblems,
  stepDataFieldProblems,
  stepDataFields,
  stepDataProblems,
  systemWorkReading,
  tripReportSummaryProblems,
  writtenWordsProblems,
  TRIP_REPORT_LIMITS,
  TRIP_REPORT_SUMMARY_MAX,
  WRITTEN_OUTCOME_MAX,
} from './step-data';

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
    expect(rules({ outcome: null })).toEqual([['outcome', 'required']]);
    // Trial 35: a number (or any value that is no text) is of the wrong kind, not missing.
    expect(rules({ outcome: 3 })).toEqual([['outcome', 'type']]);
    expect(rules({ outcome: { text: '已核实' } })).toEqual([['outcome', 'type']]);
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
    expect(summary({ summary: 5 })).toEqual([['summary', 'type']]);
    expect(summary({ summary: 'x'.repeat(TRIP_REPORT_SUMMARY_MAX + 1) })).toEqual([['summary', 'max']]);
    expect(summary({ summary: 'x'.repeat(TRIP_REPORT_SUMMARY_MAX) })).toEqual([]);
    expect(tripReportSummaryProblems({})[0]!.message.zh).toContain('出访报告');
  });

  it('a written result has words (trial 84: A14 done with 。, P03 with ｘ): two letters or digits, not one repeated', () => {
    const rules = (schema: 'written-outcome' | 'trip-report', data: Record<string, unknown>) =>
      writtenWordsProblems(schema, data).map((p) => [p.field, p.rule]);
    for (const outcome of ['。', 'ｘ', 'xx', '11', '！？'])
      expect([outcome, rules('written-outcome', { outcome })]).toEqual([outcome, [['outcome', 'written-words']]]);
    expect(rules('trip-report', { summary: 'ｘ' })).toEqual([['summary', 'written-words']]);
    for (const outcome of ['已处理', '无异议', '异议不成立', 'OK'])
      expect([outcome, rules('written-outcome', { outcome })]).toEqual([outcome, []]);
    // What writtenTextProblems refuses is its own (required, blank), said once; another schema asks nothing.
    expect(rules('written-outcome', {})).toEqual([]);
    expect(rules('written-outcome', { outcome: '\u2800' })).toEqual([]);
    expect(writtenWordsProblems('new-passport', { outcome: '。' })).toEqual([]);
    expect(writtenWordsProblems('trip-report', { summary: '。' })[0]!.message.zh).toContain('出访报告摘要须写明内容');
  });
});

/** What the drivers send by the newest version's declaration of a step code (libs/contracts requiredTaskData, the web's dialog). */
const requiredByCatalog = (code: string): Record<string, unknown> | undefined => {
  const schema = behaviourOf(code).data;
  return schema === 'written-outcome'
    ? { outcome: 'x' }
    : schema === 'trip-report'
      ? { summary: 's' }
      : schema === 'new-passport'
        ? { number: 'E12345678', issuedOn: '2025-01-02', expiresOn: '2035-01-01' }
        : undefined;
};

describe("'budget-estimate': A09 is done with its figures, which finance countersigns (2027.11; forty-third trial: none asked)", () => {
  const budgetRules = (data: Record<string, unknown>) => stepDataProblems('budget-estimate', data).map((p) => [p.field, p.rule]);
  const week = { internationalTravelYuan: 38_000, lodgingYuan: 12_600, mealsYuan: 4_200, incidentalsYuan: 2_100 };

  it('takes the four required items in yuan (other costs optional) and totals them to the fen', () => {
    expect(budgetRules({ budget: week })).toEqual([]);
    expect(budgetRules({ budget: { ...week, otherYuan: 500.5 } })).toEqual([]);
    expect(budgetTotalYuan(week)).toBe(56_900);
    expect(budgetTotalYuan({ lodgingYuan: 0.1, mealsYuan: 0.2 })).toBe(0.3); // to the fen, not 0.30000000000000004
  });

  it('refuses each broken rule at its item, in both languages', () => {
    expect(budgetRules({})).toEqual([['budget', 'required']]);
    expect(budgetRules({ budget: 56_900 })).toEqual([['budget', 'type']]);
    expect(budgetRules({ budget: { lodgingYuan: 1 } })).toEqual([
      ['budget.internationalTravelYuan', 'required'],
      ['budget.mealsYuan', 'required'],
      ['budget.incidentalsYuan', 'required'],
    ]);
    expect(
      budgetRules({
        budget: {
          ...week,
          internationalTravelYuan: -1,
          lodgingYuan: '12600',
          mealsYuan: BUDGET_ITEM_MAX_YUAN + 1,
          incidentalsYuan: 1.234,
          tips: 5,
        },
      }),
    ).toEqual([
      ['budget.tips', 'unknown-field'],
      ['budget.internationalTravelYuan', 'non-negative-number'],
      ['budget.lodgingYuan', 'type'],
      ['budget.mealsYuan', 'max'],
      ['budget.incidentalsYuan', 'decimals'],
    ]);
    // Handed input (trial 48): an object's built-in names are no items of the budget either.
    expect(budgetRules({ budget: { ...week, toString: '<img src=x>', constructor: 1, hasOwnProperty: -1, valueOf: {} } })).toEqual([
      ['budget.toString', 'unknown-field'],
      ['budget.constructor', 'unknown-field'],
      ['budget.hasOwnProperty', 'unknown-field'],
      ['budget.valueOf', 'unknown-field'],
    ]);
    expect(
      budgetRules({
        budget: JSON.parse(`{"__proto__": {"x": 1}, "lodgingYuan": 1, "mealsYuan": 1, "incidentalsYuan": 1, "internationalTravelYuan": 1}`),
      }),
    ).toEqual([['budget.__proto__', 'unknown-field']]);
    expect(budgetRules({ budget: { internationalTravelYuan: 0, lodgingYuan: 0, mealsYuan: 0, incidentalsYuan: 0 } })).toEqual([
      ['budget', 'positive-total'],
    ]);
    const [lodging] = stepDataProblems('budget-estimate', { budget: { ...week, lodgingYuan: -5 } });
    expect(lodging!.message).toEqual({ zh: '住宿费须为不小于0的金额（元）', en: 'Lodging must be an amount ≥ 0 (yuan)' });
  });

  it("A09 of 2027.11 carries the budget and nothing else; an older case's A09 takes the newest version's field too", () => {
    expect(stepDataFieldProblems(DEFAULT_DEFINITION, 'A09', { budget: week })).toEqual([]);
    expect(stepDataFieldProblems(DEFAULT_DEFINITION, 'A09', { budget: week, note: 'x' }).map((p) => [p.field, p.rule])).toEqual([
      ['note', 'unknown-field'],
    ]);
    expect(stepDataFieldProblems(DEFINITION_2027_1, 'A09', { budget: week })).toEqual([]);
  });
});

describe("'new-passport': C05 is completed with the passport issued, which the custody ledger takes in", () => {
  const found = (data: Record<string, unknown>, today?: string) =>
    newPassportProblems(data, true, today).map((p) => `${p.field} ${p.rule}`);
  const ok = { number: 'se 1234567', issuedOn: '2026-11-02', expiresOn: '2036-11-01' };

  it('declares it with the register move on C05 from 2027.2, not before', () => {
    expect(DEFAULT_DEFINITION.steps.find((s) => s.code === 'C05')!.behaviour).toEqual({ data: 'new-passport', custody: 'register' });
    expect(DEFINITION_2027_1.steps.find((s) => s.code === 'C05')!.behaviour).toBeUndefined();
    expect(stepDataFields(behaviourOf('C05'))).toEqual(['number', 'issuedOn', 'expiresOn']);
  });

  it("requires the number in the ledger's format and the dates by the ledger's rules", () => {
    expect(found(ok, '2026-12-02')).toEqual([]);
    expect(found({})).toEqual(['number required', 'issuedOn required', 'expiresOn required']);
    for (const number of ['SE-1234567', 'SE12', 'ß1234567', 1234567]) expect(found({ ...ok, number })).toEqual(['number format']);
    expect(found({ ...ok, expiresOn: '2026-11-02' })).toEqual(['expiresOn after-issue']);
    expect(found({ ...ok, expiresOn: '2036-11-03' })).toEqual(['expiresOn max-validity']);
    // Not after today only where the day is given (the API, the Update validator); the handler never reads the clock.
    expect(found(ok, '2026-11-01')).toEqual(['issuedOn not-future']);
    expect(found(ok)).toEqual([]);
    // A day that is none is stepDataDateProblems' alone (rule date): no after-issue on the other end.
    expect(found({ ...ok, issuedOn: '2026-02-30' })).toEqual([]);
    expect(stepDataFieldProblems(DEFAULT_DEFINITION, 'C05', { ...ok, issuedOn: '2026-02-30' }).map((p) => p.rule)).toEqual(['date']);
  });
});

describe('the document numbers a completion names are folded from full-width forms (trial 76)', () => {
  it("folds C05's new passport number and K06's card number, nothing else, no other step's", () => {
    const data = { number: 'ｓｅ １２３４５６７', issuedOn: '２０２６-１１-０２', expiresOn: '2036-11-01' };
    expect(foldedStepData(DEFAULT_DEFINITION, 'C05', data)).toEqual({ ...data, number: 'SE1234567' });
    expect(newPassportProblems(foldedStepData(DEFAULT_DEFINITION, 'C05', data))).toEqual([]);
    expect(foldedStepData(APEC_CARD_DEFINITION, 'K06', { cardNumber: 'ＣＮ１２３４５６' })).toEqual({ cardNumber: 'CN123456' });
    // Its case is the format's to refuse (a lower-case x was another card than X).
    expect(foldedStepData(APEC_CARD_DEFINITION, 'K06', { cardNumber: 'ｃｎ１２３４５６' })).toEqual({ cardNumber: 'cn123456' });
    // Not a number a step names: as sent; a number that is no string: as sent, for the schema to name.
    expect(foldedStepData(DEFAULT_DEFINITION, 'A04', { number: 'ＳＥ１' })).toEqual({ number: 'ＳＥ１' });
    expect(foldedStepData(DEFAULT_DEFINITION, 'C05', { number: 1234567 })).toEqual({ number: 1234567 });
  });
});

describe('a completion carries only the data its step reads (new-user trial: {outcome, foo} was kept forever in the event store)', () => {
  const behaviour = (code: string) => DEFAULT_DEFINITION.steps.find((s) => s.code === code)!.behaviour ?? {};
  const found = (code: string, data: Record<string, unknown>, def: Pick<ProcessDefinition, 'steps'> = DEFAULT_DEFINITION) =>
    stepDataFieldProblems(def, code, data).map((p) => [p.field, p.rule]);

  it("handed input: a written outcome with foo is refused at foo, rule unknown-field, naming the step's fields", () => {
    expect(found('A14', { outcome: 'x', foo: 'bar' })).toEqual([['foo', 'unknown-field']]);
    expect(stepDataFieldProblems(DEFAULT_DEFINITION, 'A14', { outcome: 'x', foo: 'bar' })[0]!.message).toEqual({
      zh: '此步骤不读取此字段（可填：outcome）',
      en: 'The step reads no such field (known: outcome)',
    });
    expect(found('A14', { outcome: 'x' })).toEqual([]);
  });

  it("every schema's fields, the return's date and a refusal's members; a step declaring none takes no data", () => {
    expect(stepDataFields(behaviour('D01'))).toEqual(['route']);
    expect(stepDataFields(behaviour('D12'))).toEqual(['outcome', 'members']);
    expect(stepDataFields(behaviour('P01'))).toEqual(['returnedOn']);
    expect(stepDataFields(behaviour('P03'))).toEqual(['summary', 'outcomes', 'reportRef']);
    expect(stepDataFields(behaviour('A04'))).toEqual(['outcome']);
    expect(stepDataFields(behaviour('A09'))).toEqual(['budget']); // 2027.11
    expect(stepDataFields(behaviour('A10'))).toEqual([]);
    expect(stepDataFields({ certifies: { event: 'return' } })).toEqual(['returnedOn']);
    expect(stepDataFields({ outcome: { mayFail: 'member' } })).toEqual(['outcome', 'members']);
    // W01 names its own unknown fields (admissionApplicationProblems, bounded).
    expect(stepDataFields({ data: 'admission-application' })).toBeUndefined();
    const whitelist = processDefinitions(DEFAULT_DEFINITION).find((d) => d.process === 'apec-whitelist')!;
    expect(stepDataFieldProblems(whitelist, 'W01', { bogus: 1 })).toEqual([]);
    expect(found('A06', { note: 'x' })).toEqual([['note', 'unknown-field']]);
    expect(stepDataFieldProblems(DEFAULT_DEFINITION, 'A06', { note: 'x' })[0]!.message.en).toBe('This step takes no data');
    expect(found('A06', {})).toEqual([]);
    expect(found('D12', { outcome: 'refused', members: ['m2'], reason: 'x' })).toEqual([['reason', 'unknown-field']]);
    expect(found('P03', { summary: 's', outcomes: {}, reportRef: 'r', attachments: [] })).toEqual([['attachments', 'unknown-field']]);
    expect(found('Z99', { any: 1 })).toEqual([]); // no such step: the engine refuses the step itself
  });

  it('a case pinned to an older version takes what the catalog (the newest version) asks for the same step: A04 before 2027.2', () => {
    expect(DEFINITION_2027_1.steps.find((s) => s.code === 'A04')!.behaviour?.data).toBeUndefined();
    expect(found('A04', { outcome: '邀请方情况说明' }, DEFINITION_2027_1)).toEqual([]);
    expect(found('A04', { outcome: 'x', foo: 'bar' }, DEFINITION_2027_1)).toEqual([['foo', 'unknown-field']]);
  });

  it("the card office's number and dates at the step the card registration (apec-card-register) needs: K06", () => {
    const card = processDefinitions(DEFAULT_DEFINITION).find((d) => d.process === 'apec-card')!;
    expect(systemWorkReading(card, 'K06')).toEqual(['apec-card-register']);
    expect(systemWorkReading(card, 'K05')).toEqual([]);
    const data = { cardNumber: 'CHN123456789', issuedOn: '2027-01-05', validUntil: '2032-01-04' };
    expect(found('K06', data, card)).toEqual([]);
    expect(found('K06', { ...data, holder: 'x' }, card)).toEqual([['holder', 'unknown-field']]);
  });

  it('a day in the data is a calendar date within 1900-01-01..2199-12-31 (K06 0000-01-01 went to a PostgreSQL date)', () => {
    const card = processDefinitions(DEFAULT_DEFINITION).find((d) => d.process === 'apec-card')!;
    const data = { cardNumber: 'CHN123456789', issuedOn: '2027-01-05', validUntil: '2032-01-04' };
    expect(found('K06', { ...data, issuedOn: '0000-01-01' }, card)).toEqual([['issuedOn', 'date-bounds']]);
    expect(found('K06', { ...data, validUntil: '2200-01-01' }, card)).toEqual([['validUntil', 'date-bounds']]);
    expect(found('K06', { ...data, issuedOn: '2027-02-30', validUntil: 20320104 }, card)).toEqual([
      ['issuedOn', 'date'],
      ['validUntil', 'format'],
    ]);
    expect(found('K06', { ...data, issuedOn: '1900-01-01', validUntil: '2199-12-31' }, card)).toEqual([]);
    expect(found('P01', { returnedOn: '0001-01-01' })).toEqual([['returnedOn', 'date-bounds']]);
    expect(found('P01', { returnedOn: 'yesterday' })).toEqual([['returnedOn', 'format']]);
    expect(found('P01', { returnedOn: '2027-02-29' })).toEqual([['returnedOn', 'date']]);
    // A day the step does not read is its unknown field, once.
    expect(found('A14', { outcome: 'x', returnedOn: '0000-01-01' })).toEqual([['returnedOn', 'unknown-field']]);
  });

  it('handed input: C05 issuedOn 2026/01/01 is format, expiresOn 2030-02-30 date, in the words of every date field', () => {
    const problems = stepDataFieldProblems(DEFAULT_DEFINITION, 'C05', {
      number: 'SE7654321',
      issuedOn: '2026/01/01',
      expiresOn: '2030-02-30',
    });
    expect(problems).toEqual([
      { field: 'issuedOn', rule: 'format', message: { zh: '应为日期 YYYY-MM-DD', en: 'Expected a date YYYY-MM-DD' } },
      { field: 'expiresOn', rule: 'date', message: { zh: '不是有效日期', en: 'Not a calendar date' } },
    ]);
  });

  it('by kind: every day of every step that reads one (P01, K06, C05), its form before its meaning', () => {
    const card = processDefinitions(DEFAULT_DEFINITION).find((d) => d.process === 'apec-card')!;
    const days: Array<[string, string, Pick<ProcessDefinition, 'steps'>]> = [
      ['P01', 'returnedOn', DEFAULT_DEFINITION],
      ['K06', 'issuedOn', card],
      ['K06', 'validUntil', card],
      ['C05', 'issuedOn', DEFAULT_DEFINITION],
      ['C05', 'expiresOn', DEFAULT_DEFINITION],
    ];
    for (const [code, field, def] of days)
      for (const [value, rule] of [
        ['2026/01/01', 'format'],
        ['abc', 'format'],
        ['2027-3-5', 'format'],
        [20270305, 'format'],
        [null, 'format'],
        ['２０２７-０３-０５', 'format'],
        ['2030-02-30', 'date'],
        ['2027-13-01', 'date'],
        ['0000-01-01', 'date-bounds'],
        ['1899-12-31', 'date-bounds'],
        ['2200-01-01', 'date-bounds'],
      ] as const) {
        const at = stepDataFieldProblems(def, code, { [field]: value }).filter((p) => p.field === field);
        expect([code, field, value, at.map((p) => p.rule)]).toEqual([code, field, value, [rule]]);
      }
  });

  it('what the drivers and the web send passes on every step of every built-in process', () => {
    for (const def of [DEFINITION_2026_1, DEFINITION_2027_1, DEFAULT_DEFINITION, ...processDefinitions(DEFAULT_DEFINITION)].map(
      upcastDefinition,
    ))
      for (const step of def.steps) {
        const b = step.behaviour ?? {};
        const sent =
          b.data === 'entry-route'
            ? { route: 'visa' }
            : b.data === 'external-outcome'
              ? { outcome: 'granted' }
              : b.data === 'trip-report'
                ? { summary: 's', outcomes: { investmentSignedYuan: 1, tradeSignedYuan: 1, promotionEvents: 1 } }
                : b.data === 'return-registration'
                  ? { returnedOn: '2027-01-01' }
                  : (requiredByCatalog(step.code) ?? {});
        expect({ version: def.version, step: step.code, problems: stepDataFieldProblems(def, step.code, sent) }).toEqual({
          version: def.version,
          step: step.code,
          problems: [],
        });
      }
  });
});

describe("the trip report's figures have upper bounds (new-user trial: 10^15 yuan was accepted)", () => {
  const found = (outcomes: Record<string, unknown>) =>
    stepDataFieldProblems(DEFAULT_DEFINITION, 'P03', { summary: 's', outcomes }).map((p) => [p.field, p.rule]);

  it('handed input: 1e15 yuan is refused at outcomes.<name>, rule max; a count past 10,000 too; each bound itself passes', () => {
    expect(found({ investmentSignedYuan: 1e15, tradeSignedYuan: 1e15, promotionEvents: 1e6 })).toEqual([
      ['outcomes.investmentSignedYuan', 'max'],
      ['outcomes.tradeSignedYuan', 'max'],
      ['outcomes.promotionEvents', 'max'],
    ]);
    expect(stepDataFieldProblems(DEFAULT_DEFINITION, 'P03', { outcomes: { investmentSignedYuan: 1e15 } })[0]!.message).toEqual({
      zh: '不得大于1,000,000,000,000元',
      en: 'Must be at most 1,000,000,000,000 yuan',
    });
    expect(
      found({
        investmentSignedYuan: TRIP_REPORT_LIMITS.investmentSignedYuan.max,
        tradeSignedYuan: TRIP_REPORT_LIMITS.tradeSignedYuan.max,
        promotionEvents: TRIP_REPORT_LIMITS.promotionEvents.max,
      }),
    ).toEqual([]);
    // What is no number is the handler's rule (tripReportProblems), named once.
    expect(found({ investmentSignedYuan: '1e15', promotionEvents: -1 })).toEqual([]);
  });
});

describe("an external outcome is given (outcomeRequiredProblems: D12's visa outcome, K05's pre-clearance)", () => {
  const rules = (code: string, data: Record<string, unknown>) => {
    const def = code === 'K05' ? APEC_CARD_DEFINITION : DEFAULT_DEFINITION;
    const behaviour = def.steps.find((s) => s.code === code)!.behaviour ?? {};
    return outcomeRequiredProblems(behaviour, data).map((p) => [p.field, p.rule]);
  };

  it.each(['D12', 'K05'])('handed input (second trial, %s): no outcome, or a null one, is refused, not read as granted', (code) => {
    expect(rules(code, {})).toEqual([['outcome', 'required']]);
    expect(rules(code, { outcome: null })).toEqual([['outcome', 'required']]);
    expect(rules(code, { outcome: 'approved' })).toEqual([['outcome', 'enum']]);
    expect(rules(code, { outcome: 'granted' })).toEqual([]);
    expect(rules(code, { outcome: 'refused', members: ['m1'] })).toEqual([]);
  });

  it('a step declaring no outcome is not asked for one (D11 writes its outcome; D13 none)', () => {
    expect(rules('D13', {})).toEqual([]);
    expect(rules('D11', {})).toEqual([]);
  });
});

describe("an outcome's refused members (outcomeMembersProblems: D12's visa outcome, K05's pre-clearance)", () => {
  const rules = (code: string, data: Record<string, unknown>, members = ['m1', 'm2']) => {
    const def = code === 'K05' ? APEC_CARD_DEFINITION : DEFAULT_DEFINITION;
    const behaviour = def.steps.find((s) => s.code === code)!.behaviour ?? {};
    return outcomeMembersProblems(behaviour, data, members).map((p) => [p.field, p.rule]);
  };

  it('handed input (K05): refused with members [] refused nobody; granted with members ignored them; a member twice', () => {
    expect(rules('K05', { outcome: 'refused', members: [] })).toEqual([['members', 'min']]);
    expect(rules('K05', { outcome: 'granted', members: ['m1'] })).toEqual([['members', 'refused-only']]);
    expect(rules('K05', { members: ['m1'] })).toEqual([['members', 'refused-only']]);
    expect(rules('K05', { outcome: 'refused', members: ['m1', 'm1'] })).toEqual([['members', 'unique']]);
  });

  it('by kind: every step whose outcome may fail a member (D12 too); a withdrawn or unknown member; what passes', () => {
    for (const code of ['D12', 'K05']) {
      expect(rules(code, { outcome: 'refused', members: [] })).toEqual([['members', 'min']]);
      expect(rules(code, { outcome: 'refused', members: ['m3'] })).toEqual([['members', 'known-member']]);
      expect(rules(code, { outcome: 'refused', members: 'm1' })).toEqual([['members', 'known-member']]);
      expect(rules(code, { outcome: 'refused', members: ['m1', 'm1', 'x'] })).toEqual([
        ['members', 'unique'],
        ['members', 'known-member'],
      ]);
      expect(rules(code, { outcome: 'refused', members: ['m2'] })).toEqual([]);
      expect(rules(code, { outcome: 'refused' })).toEqual([]);
      expect(rules(code, { outcome: 'granted' })).toEqual([]);
    }
    // A member withdrawn (not among the current ids) is refused: m2 left the case.
    expect(rules('D12', { outcome: 'refused', members: ['m2'] }, ['m1'])).toEqual([['members', 'known-member']]);
    // A step declaring no outcome: members is an unknown field there (stepDataFieldProblems), not this rule's.
    expect(rules('A02', { members: [] })).toEqual([]);
    const [problem] = outcomeMembersProblems({ outcome: { mayFail: 'member' } }, { outcome: 'refused', members: [] }, ['m1']);
    expect(problem!.message.zh).toMatch(/不得为空/);
    expect(problem!.message.en).toMatch(/at least one member/);
  });
});

describe("K06's card: at most 5 years from its issue, still valid, issued after the application (systemReadDataProblems)", () => {
  const today = '2026-12-02';
  const submittedOn = '2026-11-02';
  // The card's number given (its own rule, below): the dates' rules read beside one.
  const rules = (data: Record<string, unknown>) =>
    systemReadDataProblems(APEC_CARD_DEFINITION, 'K06', { cardNumber: 'CARDX1', ...data }, today, submittedOn).map((p) => [
      p.field,
      p.rule,
    ]);

  it('the number is required (the registration made one up: a card no office issued); null is none', () => {
    const bare = (data: Record<string, unknown>) =>
      systemReadDataProblems(APEC_CARD_DEFINITION, 'K06', data, today, submittedOn).map((p) => [p.field, p.rule]);
    expect(bare({})).toEqual([['cardNumber', 'required']]);
    expect(bare({ cardNumber: null, validUntil: '2031-12-01' })).toEqual([['cardNumber', 'required']]);
    expect(bare({ cardNumber: 'CARDX1' })).toEqual([]);
    expect(CARD_NUMBER_RULES).toEqual(['required']);
    // Another step (K05's outcome) reads no card.
    expect(systemReadDataProblems(APEC_CARD_DEFINITION, 'K05', {}, today, submittedOn)).toEqual([]);
  });

  it('handed input: valid until 2099 is refused (card-term); issued and expired in 1990 (after-application, not-expired)', () => {
    expect(rules({ cardNumber: 'CARDX1', issuedOn: '2026-12-01', validUntil: '2099-12-31' })).toEqual([['validUntil', 'card-term']]);
    expect(rules({ issuedOn: '1990-01-01', validUntil: '1990-06-01' })).toEqual([
      ['issuedOn', 'after-application'],
      ['validUntil', 'not-expired'],
    ]);
  });

  it("allows exactly the worker's default (to the day before the 5th anniversary), refuses a day more", () => {
    expect(rules({ issuedOn: '2026-12-01', validUntil: '2031-11-30' })).toEqual([]);
    expect(rules({ issuedOn: '2026-12-01', validUntil: '2031-12-01' })).toEqual([['validUntil', 'card-term']]);
    // No issue day: the worker issues it today.
    expect(rules({ validUntil: '2031-12-01' })).toEqual([]);
    expect(rules({ validUntil: '2031-12-02' })).toEqual([['validUntil', 'card-term']]);
    expect(rules({ validUntil: today })).toEqual([['validUntil', 'not-expired']]);
    expect(rules({ issuedOn: submittedOn })).toEqual([]);
    expect(rules({ issuedOn: '2026-11-01' })).toEqual([['issuedOn', 'after-application']]);
    expect(rules({})).toEqual([]);
    expect(CARD_TERM_RULES).toEqual(['card-term', 'not-expired', 'after-application']);
    // Without the days (no caller's day known) only the day-free rules.
    expect(
      systemReadDataProblems(APEC_CARD_DEFINITION, 'K06', { cardNumber: 'CARDX1', issuedOn: '1990-01-01', validUntil: '1990-06-01' }),
    ).toEqual([]);
  });
});

describe("a new passport lasts the case's trip (newPassportTripProblems)", () => {
  it('trial: a new passport expiring before the trip is expiresOn lasts-trip; 6 months past the return is enough', () => {
    const data = (expiresOn: unknown) => ({ number: 'EN1000001', issuedOn: '2026-12-01', expiresOn });
    expect(newPassportTripProblems(data('2027-03-01'), '2028-06-09')).toEqual([
      {
        field: 'expiresOn',
        rule: 'lasts-trip',
        message: {
          zh: '新护照须在回国日期（2028-06-09）后至少6个月内有效，有效期不得早于 2028-12-09',
          en: 'The new passport must be valid at least 6 months after the return (2028-06-09): until 2028-12-09 or later',
        },
      },
    ]);
    expect(newPassportTripProblems(data('2028-12-09'), '2028-06-09')).toEqual([]);
    // No date: the schema's rules answer.
    expect(newPassportTripProblems(data('soon'), '2028-06-09')).toEqual([]);
  });
});

describe("'visa-issued': D13 records the visa's validity, which covers the stay (2027.12; trial: D12/D13 recorded none)", () => {
  const rules = (problems: Array<{ field: string; rule: string }>) => problems.map((p) => [p.field, p.rule]);
  it('requires both days, the end on or after the start and within ten years, the entries one of three', () => {
    expect(rules(visaIssuedProblems({}))).toEqual([
      ['validFrom', 'required'],
      ['validUntil', 'required'],
    ]);
    expect(rules(visaIssuedProblems({ validFrom: '2027-03-01', validUntil: '2027-02-28' }))).toEqual([['validUntil', 'after-valid-from']]);
    expect(rules(visaIssuedProblems({ validFrom: '2027-03-01', validUntil: '2037-03-01' }))).toEqual([]);
    expect(rules(visaIssuedProblems({ validFrom: '2027-03-01', validUntil: '2037-03-02' }))).toEqual([['validUntil', 'max-validity']]);
    expect(rules(visaIssuedProblems({ validFrom: '2027-03-01', validUntil: '2027-03-01', entries: 'many' }))).toEqual([
      ['entries', 'enum'],
    ]);
    expect(visaIssuedProblems({ validFrom: '2027-03-01', validUntil: '2027-06-01', entries: 'single' })).toEqual([]);
  });
  it("covers the member's stay in the country: valid on the arrival, still on the day of leaving (handed input: a visa from after the arrival)", () => {
    const stay = stayIn(
      [
        { country: 'US', arrive: '2027-03-02', leave: '2027-03-05' },
        { country: 'CA', arrive: '2027-03-05', leave: '2027-03-08' },
        { country: 'US', arrive: '2027-03-08', leave: '2027-03-10' },
      ],
      'US',
    );
    expect(stay).toEqual({ arrive: '2027-03-02', leave: '2027-03-10' });
    expect(rules(visaStayProblems({ validFrom: '2027-03-04', validUntil: '2027-06-01' }, stay))).toEqual([['validFrom', 'covers-stay']]);
    expect(rules(visaStayProblems({ validFrom: '2027-01-01', validUntil: '2027-03-09' }, stay))).toEqual([['validUntil', 'covers-stay']]);
    expect(visaStayProblems({ validFrom: '2027-03-02', validUntil: '2027-03-10' }, stay)).toEqual([]);
    expect(visaStayProblems({ validFrom: '2027-03-04', validUntil: '2027-03-05' }, stayIn([], 'US'))).toEqual([]);
  });
});
