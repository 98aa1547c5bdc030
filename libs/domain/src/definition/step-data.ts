import { addMonths, dateRuleBroken, isIsoDate } from '../dates';
import { foldedPassportNumber, isPassportNumber, PASSPORT_NUMBER_FORMAT_MESSAGE, passportLastsTrip, passportNeededUntil } from '../facts';
import { passportDateProblems } from '../registries';
import { hasWords, isBlank, textRuleBroken, textError } from '../text-rule';
import { APEC_CARD_VALIDITY_YEARS, cardValidUntil } from './apec-card';
import { admissionApplicationProblems, type FieldProblem } from './apec-whitelist';
import type { StepBehaviour, StepDataSchema, SystemWork } from './behaviour';
import { behaviourOf } from './default-definition';
import type { ProcessDefinition } from './types';
import { hasDecimals, isRecord } from './validate';

/** The longest written outcome (as a comment). */
export const WRITTEN_OUTCOME_MAX = 2000;

/** The longest trip report summary (P03), in characters: a report of a few pages. */
export const TRIP_REPORT_SUMMARY_MAX = 5000;

/**
 * Written text a step's purpose is (an outcome, a report): required, text (the text rule), not blank (isBlank: only
 * whitespace or invisible characters shows as nothing) and at most `max` characters. `what` names it in both
 * languages for the messages.
 */
function writtenTextProblems(field: string, value: unknown, max: number, what: { zh: string; en: string }): FieldProblem[] {
  if (value === undefined || value === null)
    return [{ field, rule: 'required', message: { zh: `须填写${what.zh}（文字）`, en: `Must state the ${what.en} in writing (text)` } }];
  // Given, but not text (5, true, an object): its kind is wrong, nothing is missing (trial 35: 5 read "required").
  if (typeof value !== 'string') return [{ field, rule: 'type', message: { zh: `${what.zh}须为文字`, en: `The ${what.en} must be text` } }];
  const broken = textRuleBroken(value);
  if (broken) return [{ ...textError(field, broken) }];
  if (isBlank(value))
    return [{ field, rule: 'blank', message: { zh: `${what.zh}不得为空白`, en: 'Must not be blank (only invisible characters)' } }];
  if ([...value].length > max)
    return [{ field, rule: 'max', message: { zh: `${what.zh}不得超过${max}字`, en: `Must be at most ${max} characters` } }];
  return [];
}

/**
 * 'written-outcome' (a step whose purpose is a written result: A04 the note on the inviting party, A14 the outcome of
 * the notice objections, D11 the interview report): `data.outcome` is required written text of at most
 * WRITTEN_OUTCOME_MAX characters (writtenTextProblems).
 */
export function writtenOutcomeProblems(data: Record<string, unknown>): FieldProblem[] {
  return writtenTextProblems('outcome', data.outcome, WRITTEN_OUTCOME_MAX, { zh: '办理结果', en: 'outcome' });
}

/**
 * The trip report (P03, 出访报告, schema 'trip-report') is filed in writing: `data.summary` is required written text of
 * at most TRIP_REPORT_SUMMARY_MAX characters (a report with no figures is still a report; one with no words is not).
 * Checked by the API and the engine's Update validator only (CaseEngine.validate): a report recorded without a summary
 * before the rule replays as it ran. The figures (`outcomes`) are tripReportProblems' (libs/contracts).
 */
export function tripReportSummaryProblems(data: Record<string, unknown>): FieldProblem[] {
  return writtenTextProblems('summary', data.summary, TRIP_REPORT_SUMMARY_MAX, { zh: '出访报告摘要', en: "trip report's summary" });
}

/**
 * A written result has words (rule `written-words`): A04's note, A14's outcome of the notice objections and D11's
 * interview report (`outcome`, 'written-outcome'), P03's summary (`summary`, 'trip-report'), once they are written
 * text (writtenTextProblems' rules pass): at least two letters or digits, not one repeated (trial 84: A14 completed with
 * 。 dismissed three objections, and P03 was filed with ｘ). Checked by the API and the engine's validator; a complete
 * signal asks patched('written-words') (a result recorded with none before the rule replays as it ran).
 */
export function writtenWordsProblems(schema: StepDataSchema | undefined, data: Record<string, unknown>): FieldProblem[] {
  const [field, what] =
    schema === 'written-outcome'
      ? (['outcome', { zh: '办理结果', en: 'outcome' }] as const)
      : schema === 'trip-report'
        ? (['summary', { zh: '出访报告摘要', en: "trip report's summary" }] as const)
        : [undefined, undefined];
  const value = field ? data[field] : undefined;
  if (!field || typeof value !== 'string' || isBlank(value) || hasWords(value)) return [];
  return [
    {
      field,
      rule: 'written-words',
      message: {
        zh: `${what.zh}须写明内容：至少两个汉字、字母或数字，不能只有标点或单个字符`,
        en: `The ${what.en} must say something: at least two letters or digits, not punctuation or one character alone`,
      },
    },
  ];
}

/**
 * 'new-passport' (C05, the passport the issuing authority issued, which its custody move 'register' takes into the
 * ledger): `data.number` in the ledger's number format (isPassportNumber, the registry's rule), `data.issuedOn` and
 * `data.expiresOn` required, the expiry after the issue and at most ten years after it (passportDateProblems, the
 * registry's rules). Not after today (`not-future`) only when `today` is given: the API and the Update validator, never
 * the handler (its check must not move with the clock). A day that is no date is stepDataDateProblems'.
 */
export function newPassportProblems(data: Record<string, unknown>, _bounded = false, today = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (data.number === undefined || data.number === null)
    problems.push({ field: 'number', rule: 'required', message: { zh: '须填写新护照号码', en: "The new passport's number is required" } });
  else if (!isPassportNumber(data.number)) problems.push({ field: 'number', rule: 'format', message: PASSPORT_NUMBER_FORMAT_MESSAGE });
  for (const [field, what] of [
    ['issuedOn', { zh: '签发日期', en: 'date of issue' }],
    ['expiresOn', { zh: '有效期', en: 'expiry date' }],
  ] as const)
    if (data[field] === undefined || data[field] === null)
      problems.push({
        field,
        rule: 'required',
        message: { zh: `须填写新护照${what.zh}`, en: `The new passport's ${what.en} is required` },
      });
  if (typeof data.issuedOn === 'string' && typeof data.expiresOn === 'string')
    problems.push(...passportDateProblems({ issuedOn: data.issuedOn, expiresOn: data.expiresOn }, today));
  return problems;
}

/**
 * 'new-passport' against the case's trip: the new passport valid at least 6 months past the return (`returnDate`,
 * passportLastsTrip; `expiresOn`, rule `lasts-trip`; trial: C05 took a passport expiring months before the trip, and
 * C07 checked it out for the visa). Read by the API and the Update validator; nothing when the day is no date (the
 * schema's rules say so).
 */
export function newPassportTripProblems(data: Record<string, unknown>, returnDate: string): FieldProblem[] {
  if (!isIsoDate(data.expiresOn) || !isIsoDate(returnDate) || passportLastsTrip(data.expiresOn, returnDate)) return [];
  const until = passportNeededUntil(returnDate);
  return [
    {
      field: 'expiresOn',
      rule: 'lasts-trip',
      message: {
        zh: `新护照须在回国日期（${returnDate}）后至少6个月内有效，有效期不得早于 ${until}`,
        en: `The new passport must be valid at least 6 months after the return (${returnDate}): until ${until} or later`,
      },
    },
  ];
}

/** How many entries a visa grants (签证入境次数): single, double or multiple. */
export const VISA_ENTRIES = ['single', 'double', 'multiple'] as const;
export type VisaEntries = (typeof VISA_ENTRIES)[number];

/** The longest a visa is valid: ten years (the longest any country issues, e.g. a US B1/B2). */
export const MAX_VISA_YEARS = 10;

/**
 * 'visa-issued' (D13 from 2027.12, 领取并核对签证: the visa officer checks the names, dates and entries of the visa
 * collected): `data.validFrom` and `data.validUntil` required (a day: stepDataDateProblems), the end on or after the
 * start (`after-valid-from`) and at most MAX_VISA_YEARS after it (`max-validity`); `data.entries` one of VISA_ENTRIES
 * when given (`enum`). Whether it covers the stay is visaStayProblems'. Until 2027.11 D13 recorded no date at all, and
 * nothing knew a visa valid after the arrival (trial: "D12/D13 record no visa validity").
 */
export function visaIssuedProblems(data: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [field, what] of [
    ['validFrom', { zh: '签证有效期起始日', en: "visa's first valid day" }],
    ['validUntil', { zh: '签证有效期截止日', en: "visa's last valid day" }],
  ] as const)
    if (data[field] === undefined || data[field] === null)
      problems.push({ field, rule: 'required', message: { zh: `须填写${what.zh}`, en: `The ${what.en} is required` } });
  if (isIsoDate(data.validFrom) && isIsoDate(data.validUntil)) {
    if (data.validUntil < data.validFrom)
      problems.push({
        field: 'validUntil',
        rule: 'after-valid-from',
        message: { zh: '截止日不得早于起始日', en: 'Must not be before the first valid day' },
      });
    else if (data.validUntil > addMonths(data.validFrom, 12 * MAX_VISA_YEARS))
      problems.push({
        field: 'validUntil',
        rule: 'max-validity',
        message: { zh: `签证有效期不超过${MAX_VISA_YEARS}年`, en: `A visa is valid at most ${MAX_VISA_YEARS} years` },
      });
  }
  if (data.entries !== undefined && !(VISA_ENTRIES as readonly unknown[]).includes(data.entries))
    problems.push({
      field: 'entries',
      rule: 'enum',
      message: { zh: '入境次数须为一次、两次或多次', en: `Must be one of ${VISA_ENTRIES.join(', ')}` },
    });
  return problems;
}

/**
 * 'visa-issued' against the member's stay in the visa's country (`stay`: the first arrival and the last departure of the
 * case's destinations in it): valid on the arrival day (`validFrom`, rule `covers-stay`) and still on the day of leaving
 * (`validUntil`, rule `covers-stay`). Read by the API before the completion is sent, as C05's new passport against the
 * return (newPassportTripProblems); nothing when a day is no date (the schema's rules say so) or the stay is unknown.
 */
export function visaStayProblems(data: Record<string, unknown>, stay: { arrive: string; leave: string } | undefined): FieldProblem[] {
  if (!stay || !isIsoDate(stay.arrive) || !isIsoDate(stay.leave)) return [];
  const problems: FieldProblem[] = [];
  if (isIsoDate(data.validFrom) && data.validFrom > stay.arrive)
    problems.push({
      field: 'validFrom',
      rule: 'covers-stay',
      message: {
        zh: `签证须在抵达该国之日（${stay.arrive}）已生效：起始日不得晚于 ${stay.arrive}`,
        en: `The visa must be valid on the day of arrival (${stay.arrive}): from ${stay.arrive} or earlier`,
      },
    });
  if (isIsoDate(data.validUntil) && data.validUntil < stay.leave)
    problems.push({
      field: 'validUntil',
      rule: 'covers-stay',
      message: {
        zh: `签证须在离开该国之日（${stay.leave}）仍有效：截止日不得早于 ${stay.leave}`,
        en: `The visa must still be valid on the day of leaving (${stay.leave}): until ${stay.leave} or later`,
      },
    });
  return problems;
}

/**
 * A member's stay in `country` as the trip's facts give it: the first arrival and the last departure of the
 * destinations in that country (a country visited twice is one visa's span), undefined when the trip holds none.
 */
export function stayIn(destinations: ReadonlyArray<{ country: string; arrive: string; leave: string }>, country: string) {
  const inCountry = destinations.filter((d) => d.country === country);
  if (inCountry.length === 0) return undefined;
  return {
    arrive: inCountry.map((d) => d.arrive).reduce((a, b) => (b < a ? b : a)),
    leave: inCountry.map((d) => d.leave).reduce((a, b) => (b > a ? b : a)),
  };
}

/** An APEC card number as the cards registry holds it: 6-32 capital letters or digits (the registry's column is 32). */
export const APEC_CARD_NUMBER_RE = /^[A-Z0-9]{6,32}$/;

/**
 * The card the national card office issued, as the issue step records it for the card registration to read
 * (SYSTEM_WORK_READS 'apec-card-register': K06's `cardNumber`, `issuedOn`, `validUntil`; the dates optional): the number in
 * the registry's format (rule `format`: a number of 300 characters failed K07's registration for ever, new-user
 * trial; a lower-case `x` or one with an invisible character was another card than `X`), the card not issued after
 * `today` (`not-future`, only when `today` is given: the API and the Update validator), and valid until after its
 * issue (`after-issue`: a card issued in 2027 valid until 2026 was registered). Since (CARD_TERM_RULES; fresh tester: a
 * card valid until 2099 and one expired in 1990 were registered): valid at most APEC_CARD_VALIDITY_YEARS from its
 * issue (`card-term`: to the day before the 5th anniversary, cardValidUntil, the worker's default; an issue day not given
 * is `today`, as the worker takes it), still valid `today` (`not-expired`: valid until after today), and not issued
 * before the application was submitted (`after-application`: `submittedOn`, the case's start day, Asia/Shanghai). The
 * day's rules only when `today` / `submittedOn` are given (the API and the Update validator). Since (CARD_NUMBER_RULES):
 * the number is required (`required`: K07 registered a number of its own making, CHN and nine digits, for a card
 * recorded without one: a registry entry no card office issued, held by no claim). A day that is no date is
 * stepDataDateProblems'.
 */
export function apecCardIssueProblems(data: Record<string, unknown>, today = '', submittedOn = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (data.cardNumber === undefined || data.cardNumber === null)
    problems.push({
      field: 'cardNumber',
      rule: 'required',
      message: { zh: '须填写卡片制发机关给出的卡号', en: 'The card number the card office gave is required' },
    });
  else if (typeof data.cardNumber !== 'string' || !APEC_CARD_NUMBER_RE.test(data.cardNumber))
    problems.push({
      field: 'cardNumber',
      rule: 'format',
      message: { zh: '卡号须为6-32位大写字母或数字', en: 'The card number is 6-32 capital letters or digits' },
    });
  const { issuedOn, validUntil } = data;
  if (isIsoDate(issuedOn) && isIsoDate(today) && issuedOn > today)
    problems.push({ field: 'issuedOn', rule: 'not-future', message: { zh: '签发日期不得晚于今天', en: 'Must not be after today' } });
  if (isIsoDate(issuedOn) && isIsoDate(submittedOn) && issuedOn < submittedOn)
    problems.push({
      field: 'issuedOn',
      rule: 'after-application',
      message: {
        zh: `签发日期不得早于本申请提交日（${submittedOn}）`,
        en: `Must not be before the application was submitted (${submittedOn})`,
      },
    });
  if (isIsoDate(validUntil) && isIsoDate(issuedOn) && validUntil <= issuedOn)
    problems.push({
      field: 'validUntil',
      rule: 'after-issue',
      message: { zh: '有效期须晚于签发日期', en: 'Must be after the date of issue' },
    });
  else if (isIsoDate(validUntil) && isIsoDate(today) && validUntil <= today)
    problems.push({
      field: 'validUntil',
      rule: 'not-expired',
      message: { zh: `卡片须在今天（${today}）之后仍有效`, en: `Must be valid after today (${today})` },
    });
  const issued = isIsoDate(issuedOn) ? issuedOn : isIsoDate(today) ? today : undefined;
  if (isIsoDate(validUntil) && issued !== undefined && validUntil > cardValidUntil(issued))
    problems.push({
      field: 'validUntil',
      rule: 'card-term',
      message: {
        zh: `APEC卡有效期至多${APEC_CARD_VALIDITY_YEARS}年：不得晚于 ${cardValidUntil(issued)}（签发日 ${issued}）`,
        en: `A card is valid at most ${APEC_CARD_VALIDITY_YEARS} years: until ${cardValidUntil(issued)} at the latest (issued ${issued})`,
      },
    });
  return problems;
}

/** The outcomes an external outcome (schema 'external-outcome': D12's visa, K05's pre-clearance) is recorded as. */
export const EXTERNAL_OUTCOMES = ['granted', 'refused'] as const;

/**
 * The outcome itself, where the step declares one (`behaviour.outcome`: D12's visa, K05's pre-clearance): `data.outcome`
 * is required (`required`: a completion with no outcome, `{}` or `{"outcome": null}`, was read as granted: a US trip went
 * on with no visa result, a card listed an economy that never cleared; second fresh trial) and one of EXTERNAL_OUTCOMES
 * (`enum`). Checked by the API and the engine's Update validator (a signal asks patched('outcome-required') first); the
 * handler reads a missing outcome as granted, as completions recorded before the rule were applied.
 */
export function outcomeRequiredProblems(behaviour: Pick<StepBehaviour, 'outcome'>, data: Record<string, unknown>): FieldProblem[] {
  if (!behaviour.outcome) return [];
  const outcome = data.outcome;
  if (outcome === undefined || outcome === null)
    return [
      {
        field: 'outcome',
        rule: 'required',
        message: {
          zh: '须填写结果：granted（获准）或 refused（被拒）',
          en: 'The outcome is required: granted or refused',
        },
      },
    ];
  if (!(EXTERNAL_OUTCOMES as readonly unknown[]).includes(outcome))
    return [
      {
        field: 'outcome',
        rule: 'enum',
        message: { zh: '结果须为 granted（获准）或 refused（被拒）', en: 'Must be granted or refused' },
      },
    ];
  return [];
}

/**
 * The members an outcome's refusal names (`data.members` where the step declares `outcome`, the delegation chain's D12
 * visa outcome and the card's K05 pre-clearance: outcomeRefuses reads it, all members when it is absent): when given,
 * a non-empty list (`min`: `[]` refused nobody, the card still issued for that economy) of distinct (`unique`) ids of
 * the case's current members, none withdrawn (`known-member`: `memberIds`), and only with `outcome: 'refused'`
 * (`refused-only`: a granted outcome naming members silently cleared the others too). Checked by the API and the
 * engine's Update validator (a signal asks patched('outcome-members') first); the handler's own check (a list of this
 * delegation's ids) is what outcomes recorded before were accepted under.
 */
export function outcomeMembersProblems(
  behaviour: Pick<StepBehaviour, 'outcome'>,
  data: Record<string, unknown>,
  memberIds: readonly string[],
): FieldProblem[] {
  const members = data.members;
  if (!behaviour.outcome || members === undefined) return [];
  const field = 'members';
  if (!Array.isArray(members) || members.some((m) => typeof m !== 'string'))
    return [
      {
        field,
        rule: 'known-member',
        message: { zh: '须为本案成员编号列表', en: "Must be a list of the case's member ids" },
      },
    ];
  if ((data.outcome ?? 'granted') !== 'refused')
    return [
      {
        field,
        rule: 'refused-only',
        message: {
          zh: '仅在结果为 refused（拒绝）时列出被拒成员',
          en: "Members are named only with outcome 'refused' (those refused)",
        },
      },
    ];
  if (members.length === 0)
    return [
      {
        field,
        rule: 'min',
        message: {
          zh: '被拒成员列表不得为空（全部被拒时不填此项）',
          en: 'Must name at least one member (omit it when every member is refused)',
        },
      },
    ];
  const problems: FieldProblem[] = [];
  const repeated = [...new Set((members as string[]).filter((m, i) => members.indexOf(m) !== i))];
  if (repeated.length > 0)
    problems.push({
      field,
      rule: 'unique',
      message: { zh: `成员不得重复：${repeated.join('、')}`, en: `Each member once: ${repeated.join(', ')} repeated` },
    });
  const unknown = [...new Set((members as string[]).filter((m) => !memberIds.includes(m)))];
  if (unknown.length > 0)
    problems.push({
      field,
      rule: 'known-member',
      message: {
        zh: `不是本案现有成员（已退出的成员除外）：${unknown.join('、')}`,
        en: `Not a current member of the case (withdrawn members excluded): ${unknown.join(', ')}`,
      },
    });
  return problems;
}

/** The rules of K06's card added after patched('system-read-data') (a signal asks patched('apec-card-term') for them alone). */
export const CARD_TERM_RULES: readonly string[] = ['card-term', 'not-expired', 'after-application'];

/** The rule of K06's card added after CARD_TERM_RULES (a signal asks patched('apec-card-number') for it alone): the number given. */
export const CARD_NUMBER_RULES: readonly string[] = ['required'];

/**
 * The checks of what a system step will read of step `code`'s completion data (SYSTEM_WORK_READS: K06's card, read by
 * K07's registration, apecCardIssueProblems), by the API and the engine's Update validator (a signal asks
 * patched('system-read-data') first, patched('apec-card-term') for CARD_TERM_RULES alone); `today` (Asia/Shanghai) for
 * the day's rules, `submittedOn` the day the case was submitted (Asia/Shanghai).
 */
export function systemReadDataProblems(
  def: Pick<ProcessDefinition, 'steps'>,
  code: string,
  data: Record<string, unknown>,
  today?: string,
  submittedOn?: string,
): FieldProblem[] {
  return systemWorkReading(def, code).flatMap((work) =>
    work === 'apec-card-register' ? apecCardIssueProblems(data, today, submittedOn) : [],
  );
}

/**
 * The items of a trip's budget estimate (A09 经费预算, schema 'budget-estimate'), in yuan, as the national rules on the
 * funds of temporary official trips abroad list them (《因公临时出国经费管理办法》, 财政部 外交部 财行〔2013〕516号:
 * 国际旅费, 住宿费, 伙食费, 公杂费 and 其他费用): the first four are required (0 where the trip costs nothing of one),
 * other costs optional.
 */
export const BUDGET_ITEMS = {
  internationalTravelYuan: { zh: '国际旅费', en: 'International travel', required: true },
  lodgingYuan: { zh: '住宿费', en: 'Lodging', required: true },
  mealsYuan: { zh: '伙食费', en: 'Meals', required: true },
  incidentalsYuan: { zh: '公杂费', en: 'Incidentals', required: true },
  otherYuan: { zh: '其他费用', en: 'Other costs', required: false },
} as const;
export type BudgetItem = keyof typeof BUDGET_ITEMS;

/** The most one item of a budget estimate may be, in yuan (10^8: beyond is a typo, never a delegation's trip). */
export const BUDGET_ITEM_MAX_YUAN = 100_000_000;

/** A budget estimate's total in yuan, to the fen (the items that are numbers; the others count nothing). */
export function budgetTotalYuan(budget: Record<string, unknown>): number {
  let fen = 0;
  for (const item of Object.keys(BUDGET_ITEMS)) {
    const v = budget[item];
    if (typeof v === 'number' && Number.isFinite(v)) fen += Math.round(v * 100);
  }
  return fen / 100;
}

/**
 * 'budget-estimate' (A09, 经费预算, from 2027.11): `data.budget` holds BUDGET_ITEMS in yuan, each a number ≥ 0 with at
 * most two decimals (fen) and at most BUDGET_ITEM_MAX_YUAN, the required ones given, no other item, and a total above
 * 0 (a trip abroad costs something). Until 2027.10 A09 completed with no figure at all, and finance countersigned
 * (A10) an estimate the case did not hold (forty-third trial). Fields are named as in `data` (`budget.lodgingYuan`).
 */
export function budgetEstimateProblems(data: Record<string, unknown>): FieldProblem[] {
  const b = data.budget;
  if (b === undefined || b === null)
    return [
      {
        field: 'budget',
        rule: 'required',
        message: {
          zh: '须填写经费预算（国际旅费、住宿费、伙食费、公杂费）',
          en: 'The budget estimate is required (international travel, lodging, meals, incidentals)',
        },
      },
    ];
  if (!isRecord(b))
    return [
      {
        field: 'budget',
        rule: 'type',
        message: { zh: '经费预算须为各项金额（元）', en: "The budget estimate must give its items' amounts (yuan)" },
      },
    ];
  const problems: FieldProblem[] = Object.keys(b)
    // Its own items only: `in` also found an object's built-ins (trial 48: toString, constructor, hasOwnProperty were kept).
    .filter((key) => !Object.prototype.hasOwnProperty.call(BUDGET_ITEMS, key))
    .map((key) => ({ field: `budget.${key}`, rule: 'unknown-field', message: { zh: '不允许的字段', en: 'Field not allowed' } }));
  for (const [item, what] of Object.entries(BUDGET_ITEMS)) {
    const field = `budget.${item}`;
    const v = b[item];
    if (v === undefined || v === null) {
      if (what.required)
        problems.push({ field, rule: 'required', message: { zh: `须填写${what.zh}（元）`, en: `${what.en} (yuan) is required` } });
    } else if (typeof v !== 'number')
      // A figure sent as text ("38000") is the wrong kind of value, not a negative amount (trial 50).
      problems.push({ field, rule: 'type', message: { zh: `${what.zh}须为数字金额（元）`, en: `${what.en} must be a number (yuan)` } });
    else if (!Number.isFinite(v) || v < 0)
      problems.push({
        field,
        rule: 'non-negative-number',
        message: { zh: `${what.zh}须为不小于0的金额（元）`, en: `${what.en} must be an amount ≥ 0 (yuan)` },
      });
    else if (v > BUDGET_ITEM_MAX_YUAN)
      problems.push({
        field,
        rule: 'max',
        message: { zh: `${what.zh}不得大于100,000,000元`, en: `${what.en} must be at most 100,000,000 yuan` },
      });
    else if (!hasDecimals(v, 2))
      problems.push({
        field,
        rule: 'decimals',
        message: { zh: `${what.zh}最多两位小数（分）`, en: `${what.en}: at most 2 decimal places` },
      });
  }
  if (problems.length === 0 && budgetTotalYuan(b) <= 0)
    problems.push({
      field: 'budget',
      rule: 'positive-total',
      message: { zh: '经费预算合计须大于0元', en: 'The budget total must be more than 0 yuan' },
    });
  return problems;
}

/**
 * Field checks of the step data schemas that declare one here: the engine refuses a completion whose `data`
 * fails them (workflows/engine/actions/complete.ts, generically: it never names a schema listed here) and the
 * API answers the same problems as 400 before sending. A schema absent here is checked by the engine's own
 * case (entry-route, external-outcome, return-registration, trip-report) or not at all.
 */
const CHECKS: Partial<Record<StepDataSchema, (data: Record<string, unknown>, bounded: boolean, today?: string) => FieldProblem[]>> = {
  'admission-application': admissionApplicationProblems,
  'written-outcome': writtenOutcomeProblems,
  'new-passport': newPassportProblems,
  'budget-estimate': budgetEstimateProblems,
  'visa-issued': visaIssuedProblems,
};

/**
 * The problems of a completion's `data` under the step's declared schema (empty: valid or no declared check).
 * `bounded`: also the upper bounds and decimals of amounts (ADMISSION_AMOUNT_LIMITS), as the API checks them; `today`
 * (Asia/Shanghai) the rules that read the day (a new passport not issued in the future), likewise. The
 * engine bounds them in its Update validator only (never run on replay); its handler's check runs without, as it
 * did when a recorded update was first applied, so a completion accepted before the bounds existed replays the same.
 */
export function stepDataProblems(
  schema: StepDataSchema | undefined,
  data: Record<string, unknown>,
  bounded = false,
  today?: string,
): FieldProblem[] {
  const check = schema ? CHECKS[schema] : undefined;
  return check ? check(data, bounded, today) : [];
}

/**
 * The trip report's figures (P03 `data.outcomes`) as the managers' board sums them: an amount in yuan at most 10^12
 * (a trillion: the brief's city signed 4.65 bn of investment and 14.46 bn of trade in a year, all its delegations
 * together), events at most 10,000 (a trip is at most 90 days abroad). Beyond is a typo, never a trip (new-user trial:
 * 10^15 yuan was accepted and swamped the board's year). Bounded by the API and the engine's Update validator only
 * (tripReportBoundProblems); the handler's own check (libs/contracts tripReportProblems: ≥ 0, two decimals, whole
 * events, 10^15) is what reports recorded before were accepted under and replay with.
 */
export const TRIP_REPORT_LIMITS = {
  investmentSignedYuan: { max: 1e12, unit: { zh: '元', en: 'yuan' } },
  tradeSignedYuan: { max: 1e12, unit: { zh: '元', en: 'yuan' } },
  promotionEvents: { max: 10_000, unit: { zh: '场', en: 'events' } },
} as const;

/** The upper bounds of a trip report's figures (TRIP_REPORT_LIMITS): rule `max` at `outcomes.<name>`; a figure that is no number ≥ 0 is the handler's to refuse. */
export function tripReportBoundProblems(data: Record<string, unknown>): FieldProblem[] {
  if (!isRecord(data.outcomes)) return [];
  const outcomes = data.outcomes;
  return Object.entries(TRIP_REPORT_LIMITS).flatMap(([name, { max, unit }]): FieldProblem[] => {
    const value = outcomes[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= max) return [];
    const shown = String(max).replace(/\B(?=(\d{3})+(?!\d))/g, ','); // 1,000,000,000,000 (no Intl in the workflow's check)
    return [
      { field: `outcomes.${name}`, rule: 'max', message: { zh: `不得大于${shown}${unit.zh}`, en: `Must be at most ${shown} ${unit.en}` } },
    ];
  });
}

/**
 * The fields a completion's `data` may carry, by what the step declares (and the engine reads): its schema's fields,
 * `returnedOn` where it certifies the return (checkCertifiedDate), `outcome` and `members` where an outcome may fail a
 * member (applyComplete), and what a system step needing it reads (the card office's number and dates at K06, read by
 * K07's card registration: SYSTEM_WORK_READS). A step that declares none of these takes no data (`{}` or none): the web's dialog sends
 * data only to P01 (returnedOn), P03 (summary, outcomes), W01 (the figures) and a written outcome's step, and the
 * tests' and the benchmark's drivers (requiredTaskData, stepRequest) no more. 'admission-application' names its own
 * unknown fields (admissionApplicationProblems, bounded): undefined here.
 */
const SCHEMA_FIELDS: Record<StepDataSchema, readonly string[] | undefined> = {
  'entry-route': ['route'],
  'external-outcome': ['outcome', 'members'],
  'return-registration': ['returnedOn'],
  'trip-report': ['summary', 'outcomes', 'reportRef'],
  'admission-application': undefined,
  'written-outcome': ['outcome'],
  'new-passport': ['number', 'issuedOn', 'expiresOn'],
  'budget-estimate': ['budget'],
  'visa-issued': ['validFrom', 'validUntil', 'entries'],
};

/**
 * What a system step's work reads of the step it needs first: the card registration (K07, `apec-card-register`) the
 * card office's number and dates recorded at the issue step (K06: apps/worker chain.activities APEC_CARD_STEPS.issue,
 * docs/apec.md).
 */
const SYSTEM_WORK_READS: Partial<Record<SystemWork, readonly string[]>> = {
  'apec-card-register': ['cardNumber', 'issuedOn', 'validUntil'],
};

/** The step-data fields that hold a day (P01's day of return; the card office's dates at K06; C05's new passport; D13's visa). */
const DATE_FIELDS = ['returnedOn', 'issuedOn', 'validFrom', 'validUntil', 'expiresOn'] as const;

/**
 * A day a completion's `data` carries (DATE_FIELDS), when it carries one: the one date rule it breaks (dateRuleBroken,
 * dates.ts, in the words of every date the API's bodies take: zod-text isoDate): not in the form YYYY-MM-DD `format`
 * (new-user trial: a C05 `issuedOn` of `2026/01/01` read rule `date`), no calendar day `date`, outside DATE_BOUNDS
 * `date-bounds`. A K06 issue date of 0000-01-01 went on to the card registration, which PostgreSQL's `date` refuses
 * (no year 0): the card's work retried for ever; a day that was no date was read as today. Which values are refused
 * is what it always was (isIsoDate and isDateInBounds): only the rule's name and words are finer, so a complete
 * signal's check (patched('step-data-fields')) refuses the same signals.
 */
export function stepDataDateProblems(data: Record<string, unknown>): FieldProblem[] {
  return DATE_FIELDS.flatMap((field): FieldProblem[] => {
    const value = data[field];
    if (value === undefined) return [];
    const broken = dateRuleBroken(value);
    return broken ? [{ field, ...broken }] : [];
  });
}

/** The system work that reads the data of step `code` (SYSTEM_WORK_READS): each system step needing it first. */
export function systemWorkReading(def: Pick<ProcessDefinition, 'steps'>, code: string): SystemWork[] {
  return def.steps.flatMap((s) => (s.behaviour?.system && s.needs[0] === code ? [s.behaviour.system] : []));
}

/**
 * The member's document number a completion of step `code` names, where the step names one: C05's new passport (data
 * schema `new-passport`: `number`, which the custody ledger registers) or K06's APEC card (`cardNumber`, read by the
 * step `apec-card-register` needs: K07 registers it). Undefined for any other step. The one home of the question for
 * the API's fold (foldedStepData) and its number claims.
 */
export function documentNumberField(
  def: Pick<ProcessDefinition, 'steps'>,
  code: string,
): { kind: 'passport'; field: 'number' } | { kind: 'card'; field: 'cardNumber' } | undefined {
  if (systemWorkReading(def, code).includes('apec-card-register')) return { kind: 'card', field: 'cardNumber' };
  if (def.steps.find((s) => s.code === code)?.behaviour?.data === 'new-passport') return { kind: 'passport', field: 'number' };
  return undefined;
}

/**
 * A completion's `data` with the document number it names (documentNumberField) folded as an input method types it:
 * a passport number by foldedPassportNumber, as every passport number the API takes; a card number's full-width forms
 * to ASCII (NFKC; its case is the format's to refuse). Other fields, and a value that is no string, as sent (the schema's
 * checks name them). Applied by the API before its checks and before the update is sent, so the workflow records the
 * folded number and replays as it ran (trial 76: ＳＥ１２３４５６７ from an API client was refused at C05 as "not letters or
 * digits", while the web folded it).
 */
export function foldedStepData(
  def: Pick<ProcessDefinition, 'steps'>,
  code: string,
  data: Record<string, unknown>,
): Record<string, unknown> {
  const doc = documentNumberField(def, code);
  const value = doc && data[doc.field];
  if (!doc || typeof value !== 'string') return data;
  return { ...data, [doc.field]: doc.kind === 'passport' ? foldedPassportNumber(value) : value.normalize('NFKC') };
}

/**
 * The fields of a completion's `data` the step reads (SCHEMA_FIELDS), and those the system work that needs it reads
 * (`readBy`, systemWorkReading); undefined: the schema's own check names the rest.
 */
export function stepDataFields(behaviour: StepBehaviour, readBy: readonly SystemWork[] = []): readonly string[] | undefined {
  if (behaviour.data && SCHEMA_FIELDS[behaviour.data] === undefined) return undefined;
  const fields = new Set(behaviour.data ? SCHEMA_FIELDS[behaviour.data] : []);
  if (behaviour.certifies?.event === 'return') fields.add('returnedOn');
  if (behaviour.outcome) ['outcome', 'members'].forEach((f) => fields.add(f));
  for (const work of readBy) for (const f of SYSTEM_WORK_READS[work] ?? []) fields.add(f);
  return [...fields];
}

/**
 * What a completion's `data` at step `code` of `def` (the case's own definition) may not carry, each rule
 * `unknown-field` at its name, a known day that is none or out of range (stepDataDateProblems), and the trip report's
 * upper bounds (tripReportBoundProblems): new-user trial,
 * `{outcome: 'x', foo: 'bar'}` was kept forever in the event store. Known: what the step reads (stepDataFields, with
 * the system work needing it) and what the same code reads in the newest built-in version (behaviourOf), which the
 * catalog, the web's dialog and the drivers send for it: a case pinned to an older version (A04 before 2027.2 declared
 * no written outcome) takes it as before. A step the definition lacks: nothing here (the engine refuses the step).
 * Checked by the API and by the engine's Update validator only (CaseEngine.validate; a complete signal asks
 * patched('step-data-fields') first): never by the handler, so a completion recorded with another field replays as it ran.
 */
export function stepDataFieldProblems(def: Pick<ProcessDefinition, 'steps'>, code: string, data: Record<string, unknown>): FieldProblem[] {
  const step = def.steps.find((s) => s.code === code);
  if (!step) return [];
  const behaviour = step.behaviour ?? {};
  const own = stepDataFields(behaviour, systemWorkReading(def, code));
  const known = own === undefined ? undefined : [...new Set([...own, ...(stepDataFields(behaviourOf(code)) ?? [])])];
  const unknown: FieldProblem[] =
    known === undefined
      ? []
      : Object.keys(data)
          .filter((key) => !known.includes(key))
          .map((key) => ({
            field: key,
            rule: 'unknown-field',
            message:
              known.length === 0
                ? { zh: '此步骤不接受办理数据', en: 'This step takes no data' }
                : {
                    zh: `此步骤不读取此字段（可填：${known.join('、')}）`,
                    en: `The step reads no such field (known: ${known.join(', ')})`,
                  },
          }));
  const dated = Object.fromEntries(Object.entries(data).filter(([key]) => known === undefined || known.includes(key)));
  return [...unknown, ...stepDataDateProblems(dated), ...(behaviour.data === 'trip-report' ? tripReportBoundProblems(data) : [])];
}
