import {
  certifiedDayRefusal,
  apecCardUsable,
  COUNTRIES,
  dateRuleBroken,
  dayNumber,
  ENTRY_ROUTE_LABELS,
  isIsoDate,
  labelledCodes,
  normalPassportNumber,
  passportNumberKey,
  ROUTES,
  shanghaiDate,
  stepDataProblems,
  newPassportTripProblems,
  stayIn,
  visaStayProblems,
  type EntryRoute,
  type StepBehaviour,
} from '@df/domain';
import type { CompleteStepRequest } from '@df/contracts';
import { tripReportProblems } from '@df/contracts';
import type { CaseCore } from '../core';
import { refuseData, refuseField, reject } from '../rejection';
import { checkRequiredAttachments } from './attachments';

/** complete: a task (not an approval, system step or timer) awaiting its role; the step's declared data schema and effects. */

/** `bounded`: declared data's upper bounds and decimals too (the Update validator only: see CaseEngine.validate). */
export function checkComplete(core: CaseCore, r: CompleteStepRequest, bounded = false): void {
  const { meta } = core.awaitingStep('complete', r.stepKey, r.actor, r.onBehalfOf);
  if (meta.kind === 'approval')
    reject('ACTION_NOT_ALLOWED', `${meta.code} 是审批步骤，请作出审批决定`, `${meta.code} is an approval: send a decision`, r.stepKey);
  if (meta.kind === 'system' || meta.kind === 'timer') {
    reject('ACTION_NOT_ALLOWED', `${meta.code} 由系统自动办理`, `${meta.code} is run by the engine`, r.stepKey);
  }
  if (r.data !== undefined && (typeof r.data !== 'object' || r.data === null || Array.isArray(r.data))) {
    refuseField('data', 'type', '办理数据须为对象', 'must be an object', r.stepKey);
  }
  checkRequiredAttachments(core, r.stepKey, bounded);
  const data = r.data ?? {};
  const b = meta.behaviour;
  if (b.collectsDeficiencies && core.deficiencies.some((d) => d.status !== 'supplied')) {
    reject(
      'ACTION_NOT_ALLOWED',
      `请在“容缺材料”中逐项补交缺件（上传材料文件），补齐后 ${meta.code} 自动办结`,
      `Supply each missing document under “Missing documents” (upload its file); ${meta.code} completes itself once all are in`,
      r.stepKey,
    );
  }
  if (b.certifies && core.deps.realWorldDates !== false) checkCertifiedDate(core, meta.code, b.certifies.event, data, r.stepKey);
  switch (b.data) {
    case 'entry-route': {
      const route = data.route;
      if (route !== undefined && !ROUTES.includes(route as EntryRoute)) {
        const choices = labelledCodes(ROUTES, ENTRY_ROUTE_LABELS);
        refuseField('data.route', 'enum', `入境方式须为：${choices.zh}`, `must be one of ${choices.en}`, r.stepKey);
      }
      // The card in lieu of a visa only where the member's card serves (the Update validator's only: a route recorded
      // before the rule replays as it was applied).
      const member = core.facts.members.find((m) => m.id === meta.memberId);
      if (
        bounded &&
        route === 'apec-card' &&
        meta.country &&
        member &&
        !apecCardUsable(member, meta.country, COUNTRIES[meta.country], core.facts.returnDate)
      )
        refuseField(
          'data.route',
          'apec-card-usable',
          '该成员没有可在此经济体替代签证的有效APEC商务旅行卡（须为APEC卡全面成员，卡在回国前有效且已获该经济体预核准）',
          'the member holds no APEC business travel card that serves in lieu of a visa here (a full APEC card economy, the card valid through the return and pre-cleared for it)',
          r.stepKey,
        );
      break;
    }
    case 'external-outcome': {
      const outcome = data.outcome ?? 'granted';
      if (outcome !== 'granted' && outcome !== 'refused') {
        refuseField(
          'data.outcome',
          'enum',
          '签证结果须为 granted（获签）或 refused（拒签）',
          'must be granted (visa granted) or refused (visa refused)',
          r.stepKey,
        );
      }
      const members = data.members;
      if (members !== undefined && (!Array.isArray(members) || members.some((m) => !core.facts.members.some((x) => x.id === m)))) {
        refuseField('data.members', 'known-member', '须为本团成员编号列表', 'must list member ids of this delegation', r.stepKey);
      }
      break;
    }
    case 'return-registration':
      if (data.returnedOn !== undefined && !isIsoDate(data.returnedOn)) {
        // The Update validator (`bounded`) names the one date rule the day breaks, as the API does (dateRuleBroken:
        // `2027/01/01` is `format`, `2027-02-30` `date`); the handler keeps the refusal it was recorded with.
        const broken = bounded ? dateRuleBroken(data.returnedOn) : undefined;
        if (broken) refuseField('data.returnedOn', broken.rule, broken.message.zh, broken.message.en, r.stepKey);
        refuseField('data.returnedOn', 'date', '回国日期须为 YYYY-MM-DD 格式的日期', 'must be YYYY-MM-DD', r.stepKey);
      }
      break;
    case 'trip-report': {
      // The trip report's outcomes are summed on the managers' board: refuse what cannot be summed.
      const problems = tripReportProblems(data);
      if (problems.length > 0) refuseData(problems, r.stepKey);
      break;
    }
    case undefined:
      break;
  }
  // Schemas whose field checks the domain declares (libs/domain/src/definition/step-data.ts).
  // The day's rules (a new passport not issued after today) on the caller's case day, in the Update validator only.
  const problems = stepDataProblems(b.data, data, bounded, bounded ? shanghaiDate(core.now) : undefined);
  if (problems.length > 0) refuseData(problems, r.stepKey);
  // A document number a member's step records (a card number, a new passport's) is that member's: the number another
  // member's instance of the step recorded is refused (new-user trial: two applicants given one card number at K06;
  // the registry kept one card and the other was lost). The Update validator's only.
  if (bounded && meta.memberId !== undefined)
    for (const [field, rule] of MEMBER_DOCUMENT_FIELDS) {
      const value = data[field];
      if (typeof value !== 'string') continue;
      const key = documentNumberKey(value);
      const other = [...core.metas.values()].find(
        (m) =>
          m.code === meta.code &&
          m.memberId !== meta.memberId &&
          core.states.get(m.key)?.status === 'done' &&
          documentNumberKey(core.states.get(m.key)?.data?.[field]) === key,
      );
      if (other)
        refuseField(
          `data.${field}`,
          rule,
          `此号码已在 ${other.key} 记录为本团另一成员（${memberName(core, other.memberId)}）的证件号码`,
          `this number was recorded at ${other.key} for another member (${memberName(core, other.memberId)})`,
          r.stepKey,
        );
    }
  // The new passport is this member's own: another member's number on the case is refused (second trial: 张三's
  // passport was recorded at C05 for 孙七, who then travelled on none). The Update validator's only.
  if (bounded && b.data === 'new-passport' && typeof data.number === 'string') {
    const key = passportNumberKey(data.number);
    const other = core.facts.members.find((m) => m.id !== meta.memberId && m.passport && passportNumberKey(m.passport.number) === key);
    if (other)
      refuseField(
        'data.number',
        'passport-holder',
        `此护照号码是本团成员 ${other.name} 的护照`,
        `this number is the passport of ${other.name}, another member of the delegation`,
        r.stepKey,
      );
    // Nor the passport it replaces (trial: the member's own expiring number was taken as the new one; C06 then
    // cancelled it and the member travelled on none).
    const own = core.facts.members.find((m) => m.id === meta.memberId)?.passport;
    if (own && passportNumberKey(own.number) === key)
      refuseField(
        'data.number',
        'replaced-passport',
        '此为该成员被替换的旧护照号码：请填写新签发护照的号码',
        "is the member's passport being replaced: enter the number of the newly issued passport",
        r.stepKey,
      );
  }
  // A new passport lasts the trip: 6 months past the return (trial: one expiring before the trip was taken, and C07
  // checked it out for the visa). The Update validator's only: a recorded completion replays as it ran.
  if (bounded && b.data === 'new-passport') {
    const short = newPassportTripProblems(data, core.facts.returnDate);
    if (short.length > 0) refuseData(short, r.stepKey);
  }
  // A visa covers the member's stay in its country (2027.12: D13's validity; no history before it declares the schema).
  if (bounded && b.data === 'visa-issued' && meta.country !== undefined) {
    const uncovered = visaStayProblems(data, stayIn(core.facts.destinations, meta.country));
    if (uncovered.length > 0) refuseData(uncovered, r.stepKey);
  }
}

/**
 * A step that certifies a real-world event cannot precede it (issue 11 item 5), on the case's working clock in
 * Asia/Shanghai: the departure not before the departure date; the return not before the day of return (data.returnedOn
 * when given, else the planned return date), and data.returnedOn neither in the future nor before the departure date.
 * Throws NOT_BEFORE_DATE (or INVALID_REQUEST for a returnedOn before the departure).
 */
export function checkCertifiedDate(
  core: CaseCore,
  code: string,
  event: NonNullable<StepBehaviour['certifies']>['event'],
  data: Record<string, unknown>,
  stepKey: string,
): void {
  const today = shanghaiDate(core.now);
  const { departureDate, returnDate } = core.facts;
  // One rule for both, and the inbox's for the departure (certifiedDayRefusal).
  const notBefore = (day: string, what: 'departure' | 'return') => {
    const early = certifiedDayRefusal(code, what, day, today);
    if (early) reject(early.code, early.message.zh, early.message.en, stepKey);
  };
  if (event === 'departure') {
    notBefore(departureDate, 'departure');
    return;
  }
  const returnedOn = typeof data.returnedOn === 'string' && isIsoDate(data.returnedOn) ? data.returnedOn : undefined;
  if (returnedOn !== undefined && dayNumber(returnedOn) > dayNumber(today)) {
    refuseField(
      'data.returnedOn',
      'not-future',
      `回国日期（${returnedOn}）不能晚于今天（${today}，北京时间）`,
      `${returnedOn} cannot be in the future (today is ${today}, Asia/Shanghai)`,
      stepKey,
      'NOT_BEFORE_DATE',
    );
  }
  if (returnedOn !== undefined && dayNumber(returnedOn) < dayNumber(departureDate)) {
    refuseField(
      'data.returnedOn',
      'after-departure',
      `回国日期（${returnedOn}）不能早于出发日期 ${departureDate}`,
      `${returnedOn} cannot be before the departure date ${departureDate}`,
      stepKey,
    );
  }
  notBefore(returnedOn ?? returnDate, 'return');
}

export function applyComplete(core: CaseCore, sent: CompleteStepRequest): void {
  const meta = core.metas.get(sent.stepKey)!;
  const state = core.states.get(sent.stepKey)!;
  // A new passport's number is recorded as the ledger writes it (`se 1234567` is SE1234567): one number wherever it shows.
  const number = meta.behaviour.data === 'new-passport' ? sent.data?.number : undefined;
  const r = typeof number === 'string' ? { ...sent, data: { ...sent.data, number: normalPassportNumber(number) } } : sent;
  core.finish(r.stepKey, r);
  state.data = r.data;
  core.emit('step.completed', r, { key: r.stepKey, code: meta.code, data: r.data ?? null, comment: r.comment ?? null });
  const data = r.data ?? {};
  const b = meta.behaviour;
  if (b.data === 'entry-route' && typeof data.route === 'string' && meta.memberId && meta.country)
    core.setRoute(meta.memberId, meta.country, data.route as EntryRoute, meta.key);
  if (b.outcome?.mayFail === 'member' && data.outcome === 'refused') {
    core.visaRefused(meta.country!, (data.members as string[] | undefined) ?? core.facts.members.map((m) => m.id), r);
  }
  if (b.outcome?.mayFail === 'member-everywhere' && data.outcome === 'refused') core.refusedEverywhere(meta.code, r);
  if (b.certifies?.event === 'departure') core.depart(r);
  if (b.certifies?.event === 'return') core.returnedOn = typeof data.returnedOn === 'string' ? data.returnedOn : core.facts.returnDate;
  // A process that ends without a departure (behaviour.closes) is completed by its declared last step.
  if (b.closes) core.close('completed', `${meta.code} 办结 / ${meta.code} completed the process`, r);
}

/** Step-data fields holding a member's own document number, with the rule a number of another member's breaks. */
const MEMBER_DOCUMENT_FIELDS = [
  ['cardNumber', 'card-holder'],
  ['number', 'passport-holder'],
] as const;

/** One number however it is typed: case, spaces and hyphens do not make another document. */
const documentNumberKey = (v: unknown): string | undefined => (typeof v === 'string' ? v.replace(/[\s-]/g, '').toUpperCase() : undefined);

const memberName = (core: CaseCore, id: string | undefined): string => core.facts.members.find((m) => m.id === id)?.name ?? String(id);
