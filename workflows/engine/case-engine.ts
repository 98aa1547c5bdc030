import {
  competentDepartmentRefusal,
  processOf,
  processRoleRefusal,
  PROCESS_LABELS,
  crossRoleRefusal,
  decisionReasonProblem,
  planReasonProblem,
  departurePassedFor,
  type departurePassedRefusal,
  dependentsOf,
  organizersOf,
  tripReportSummaryProblems,
  writtenWordsProblems,
  stepDataFieldProblems,
  CARD_TERM_RULES,
  CARD_NUMBER_RULES,
  outcomeMembersProblems,
  outcomeRequiredProblems,
  systemReadDataProblems,
  entryRouteTableProblem,
  resolveCountryTable,
  shanghaiDate,
  isRecord,
  isBlank,
  isStatedReason,
  REASON_WORDS_MESSAGE,
  type ReasonRule,
  textRuleErrors,
  tripCountries,
  UPDATE_ACCESS_ACTIONS,
  type WorkingCalendar,
  type CaseFacts,
  type CasePhase,
  type Plan,
  type ProcessDefinition,
} from '@df/domain';
import type {
  ActionResult,
  AmendPreview,
  AmendRequest,
  AnnualPlanChange,
  CaseEvent,
  CaseStatus,
  DelegationInput,
  DelegationProgress,
} from '@df/contracts';
import { applyAmend, checkAmend, previewAmend } from './actions/amend';
import { checkReason } from './actions/close';
import { applyComplete, checkComplete } from './actions/complete';
import { applyDecide, checkDecide } from './actions/decide';
import { applyObjection, checkObjection } from './actions/objection';
import { applySupply, checkSupply } from './actions/supply';
import { applyExtend, checkExtend } from './actions/extend';
import { applyAttach, applyDetach, checkAttach, checkDetach, refuseStaleFile, refuseUnknownAttachment } from './actions/attachments';
import { authorize, authorizeDuties } from './authorization';
import { refuseData, refuseField, reject } from './rejection';
import {
  CaseCore,
  type CustodyWork,
  type EngineAction,
  type EngineDeps,
  type Escalation,
  type SystemResult,
  type SystemWork,
} from './core';
import { fireDueDeadlines, nextDeadline } from './deadlines';
import { currentPlan, nextTimeWake, phaseOf, progressView, replan } from './progress';
import { applySystemResult, takeSystemWork } from './system-steps';

export {
  type CustodyWork,
  DEFICIENCY_DEADLINE_WD,
  MIN_DUE_WD,
  type EngineAction,
  type EngineDeps,
  type Escalation,
  type SystemResult,
  type SystemWork,
} from './core';

/**
 * The chain as a small interpreter of the pinned definition: pure and deterministic, driven by the
 * workflow (actions, system results, deadlines) and unit-testable without Temporal. This front validates
 * and dispatches; the state lives in CaseCore (core.ts), each action in actions/*, deadlines and
 * escalation in deadlines.ts, deficiencies in deficiencies.ts, system steps in system-steps.ts, the
 * progress view in progress.ts, event emission in emission.ts. Every change is an event in `takeEvents()`;
 * the drain protocol (drain.ts) takes them with the side effects the workflow must perform.
 */
/**
 * The request's principals longer than the read models hold them (case_events.actor_id and on_behalf_of,
 * case_steps.acted_by and on_behalf_of: varchar(128)): the API's users and members never are, a Temporal client's
 * could be, and the append would then fail forever. Validator only (a replayed handler never sees it).
 */
const PRINCIPAL_MAX = 128;
/** The text each action requires, a reason each (checked non-blank by its own check with trim(); the validator adds isBlank and isStatedReason). */
const REQUIRED_TEXT: Partial<Record<EngineAction['type'], string>> = {
  withdraw: 'reason',
  cancel: 'reason',
  objection: 'objection',
  extendDeficiency: 'reason',
};
function principalTooLong(request: unknown): Array<{ field: string; rule: string; message: { zh: string; en: string } }> {
  const r = request as { actor?: { id?: unknown }; onBehalfOf?: unknown } | null;
  const long = (v: unknown) => typeof v === 'string' && [...v].length > PRINCIPAL_MAX;
  const ob = r?.onBehalfOf;
  return [
    ...(long(r?.actor?.id) ? ['actor.id'] : []),
    ...(long(ob) ? ['onBehalfOf'] : []),
    ...(ob && typeof ob === 'object' && long((ob as { id?: unknown }).id) ? ['onBehalfOf.id'] : []),
  ].map((field) => ({
    field,
    rule: 'max',
    message: { zh: `最多${PRINCIPAL_MAX}个字符`, en: `At most ${PRINCIPAL_MAX} character(s)` },
  }));
}

/**
 * What a validation asks of its caller (CaseEngine.validate). A signal's check replays with its handler, so each rule
 * added since a signal could be recorded is asked (the handler answers with patched()) only when that rule alone would
 * refuse; an Update validator (never replayed) leaves them all on. Each defaults to on.
 */
export interface ValidationRules {
  /** text-bidi and principals longer than the read models hold (patched('text-bidi')). */
  newer?: () => boolean;
  /** Separation of duties: SELF_APPROVAL (patched('separation-of-duties')). */
  duties?: () => boolean;
  /** The officer of an earlier 帮代办 among the organizers (patched('separation-on-behalf')). */
  onBehalfDuties?: () => boolean;
  /** A rejection or a return gives its reason (patched('decision-reason')). */
  reason?: () => boolean;
  /** The trip report's written summary (patched('trip-report-summary')). */
  report?: () => boolean;
  /** Separation of duties across roles: crossRoleRefusal (patched('separation-cross-role')). */
  crossRole?: () => boolean;
  /** A completion's data: no field the step does not read, the trip report's upper bounds (patched('step-data-fields')). */
  stepData?: () => boolean;
  /** The trip report's reportRef names a live attachment of the case (patched('report-ref-attachment')). */
  reportRef?: () => boolean;
  /** 主管部门审核 by the supervising department's approver: competentDepartmentRefusal (patched('competent-department')). */
  competentDepartment?: () => boolean;
  /** What a system step reads of a completion (K06's card): systemReadDataProblems (patched('system-read-data')). */
  systemRead?: () => boolean;
  /** The trip report's reportRef added after the step opened: refuseStaleFile (patched('report-ref-new-file')). */
  freshFile?: () => boolean;
  /** An outcome's refused members: outcomeMembersProblems (patched('outcome-members')). */
  outcomeMembers?: () => boolean;
  /** K06's card term, still valid, issued after the application: systemReadDataProblems' CARD_TERM_RULES (patched('apec-card-term')). */
  cardTerm?: () => boolean;
  /** D01's route given by the office's country table: entryRouteTableProblem (patched('entry-route-table')). */
  routeTable?: () => boolean;
  /** An external outcome's `outcome` given (D12, K05): outcomeRequiredProblems (patched('outcome-required')). */
  outcomeRequired?: () => boolean;
  /** A written result (A04, A14, D11's outcome, P03's summary) has words: writtenWordsProblems (patched('written-words')). */
  writtenWords?: () => boolean;
  /** K06's card number given: systemReadDataProblems' CARD_NUMBER_RULES (patched('apec-card-number')). */
  cardNumber?: () => boolean;
  /** Nothing advances a trip whose dates passed without a departure: departurePassedRefusal (patched('departure-passed')). */
  departurePassed?: () => boolean;
  /** A trip of a unit with no annual plan for its year is approved with a written reason too (patched('plan-reason-no-plan')). */
  noPlanReason?: () => boolean;
  /** A reason is more than punctuation or a stance (同意, 退回): reasonRuleBroken's `reason-words` (patched('reason-words')). */
  reasonWords?: () => boolean;
  /** …and more than a stance or the action inflected (已撤回, withdrew) or letters that say nothing (aa, 11): `reason-substance` (patched('reason-substance')). */
  reasonSubstance?: () => boolean;
  /** …and more than formulas (材料齐全，符合规定, 待定, pending): `reason-boilerplate` (patched('reason-boilerplate')). */
  reasonBoilerplate?: () => boolean;
  /** …and more than requests naming no fault (请修改, 有误, fix) or rows of letters (abcd, qwerty): `reason-vague` (patched('reason-vague')). */
  reasonVague?: () => boolean;
  /**
   * The Update validators' order (never replayed): what does not exist first, then role, then separation of duties,
   * then `beforeState` (the open incident), then the step's and the case's state.
   */
  ordered?: { beforeState: () => void };
}

export class CaseEngine {
  private readonly core: CaseCore;

  constructor(input: DelegationInput, deps: EngineDeps) {
    this.core = new CaseCore(input, deps);
  }

  get caseId(): string {
    return this.core.caseId;
  }
  get definition(): ProcessDefinition {
    return this.core.definition;
  }
  get facts(): CaseFacts {
    return this.core.facts;
  }
  get status(): CaseStatus {
    return this.core.status;
  }
  get closedReason(): string | undefined {
    return this.core.closedReason;
  }
  get closed(): boolean {
    return this.core.closed;
  }
  get lastSeq(): number {
    return this.core.log.seq;
  }

  start(now: number): void {
    const core = this.core;
    core.now = now;
    core.emit(
      'case.submitted',
      { requestId: `submit-${core.caseId}`, actor: core.input.submittedBy },
      {
        caseId: core.caseId,
        workflowId: core.deps.workflowId,
        title: core.facts.title,
        unit: core.facts.unit,
        purpose: core.facts.purpose,
        departureDate: core.facts.departureDate,
        returnDate: core.facts.returnDate,
        countries: tripCountries(core.facts),
        memberCount: core.facts.members.length,
        definitionVersion: core.definition.version,
        submittedAt: core.input.submittedAt,
        facts: core.facts,
      },
    );
    core.deriveInstances();
    core.advance();
  }

  /** Throws a Rejection when the action may not be applied now. Retries of an applied request pass. */
  /**
   * The Update validator: refuses before anything changes. Besides the action's own checks (at the caller's
   * case time `now`, for the date rules, without moving the case's clock), text the case could never store
   * (the text rule: NUL and other C0 controls, lone surrogates, nesting past MAX_JSON_DEPTH) is refused here
   * for every client, the Temporal CLI included, so no event of the case waits forever for an append that
   * cannot succeed (issue 12 items 1-2). So are the upper bounds and decimals of declared step data (W01's
   * amounts, ADMISSION_AMOUNT_LIMITS: `stepDataProblems(…, bounded)`), as the API checks them. Only in the
   * validator: a replayed handler must do exactly what it did when it ran (a completion accepted before the
   * bounds existed replays the same; a validator never runs on replay, and a refused update leaves no history).
   */
  validate(action: EngineAction, now?: number, rules: ValidationRules = {}): void {
    const on = () => true;
    const { newer: newerRules = on, duties: dutiesRule = on, onBehalfDuties: onBehalfDutiesRule = on, reason: reasonRule = on } = rules;
    const { report: reportRule = on, crossRole: crossRoleRule = on, stepData: stepDataRule = on, ordered } = rules;
    const { reportRef: reportRefRule = on, competentDepartment: competentDepartmentRule = on, systemRead: systemReadRule = on } = rules;
    const { outcomeMembers: outcomeMembersRule = on, cardTerm: cardTermRule = on } = rules;
    const { freshFile: freshFileRule = on, routeTable: routeTableRule = on, outcomeRequired: outcomeRequiredRule = on } = rules;
    const { writtenWords: writtenWordsRule = on } = rules;
    const { cardNumber: cardNumberRule = on, departurePassed: departurePassedRule = on, noPlanReason: noPlanReasonRule = on } = rules;
    const {
      reasonWords: reasonWordsRule = on,
      reasonSubstance: reasonSubstanceRule = on,
      reasonBoilerplate: reasonBoilerplateRule = on,
      reasonVague: reasonVagueRule = on,
    } = rules;
    // The patch of the reason rule that alone refuses a comment (a decide signal recorded before it replays as it ran).
    const reasonRuleAsked = (since: ReasonRule | undefined) =>
      since === 'reason-vague'
        ? reasonVagueRule
        : since === 'reason-boilerplate'
          ? reasonBoilerplateRule
          : since === 'reason-substance'
            ? reasonSubstanceRule
            : since
              ? reasonWordsRule
              : on;
    if (this.core.results.has(action.request.requestId)) return;
    // The text rule as signal validation was recorded with, and the rules added since (text-bidi; principals longer
    // than the read models hold). `newerRules` is asked only when only those find something, so a signal handler can
    // answer with patched('text-bidi') and a signal applied before them replays as it ran.
    const legacy = textRuleErrors(action.request, '', true);
    const newer = [...textRuleErrors(action.request).filter((e) => e.rule === 'text-bidi'), ...principalTooLong(action.request)];
    const bad = legacy.length > 0 ? [...legacy, ...newer] : newer.length > 0 && newerRules() ? newer : [];
    if (bad.length > 0)
      reject(
        'INVALID_REQUEST',
        `请求含有无法保存的文本：${bad.map((e) => e.field).join('、')}`,
        `The request holds text the case cannot store: ${bad.map((e) => e.field).join(', ')}`,
        undefined,
        bad.map((e) => ({ code: 'TEXT_RULE' as const, field: e.field, message: e.message })),
      );
    // Required text of only invisible characters ("\u200B") is blank, as the API refuses it. Only here (the handlers'
    // own checks trim(), as when recorded histories ran); the signal types (complete, decide) have no required text.
    const required = REQUIRED_TEXT[action.type];
    const value = required ? (action.request as unknown as Record<string, unknown>)[required] : undefined;
    if (required && typeof value === 'string' && isBlank(value))
      refuseField(required, 'blank', '不得为空白（仅含不可见字符）', 'must not be blank (only invisible characters)');
    // …and a reason says something (isStatedReason: not 。 nor a bare 同意), as the API refuses it. Updates only.
    if (required && typeof value === 'string' && !isStatedReason(value))
      refuseField(required, 'reason-words', REASON_WORDS_MESSAGE.zh, REASON_WORDS_MESSAGE.en);
    const saved = this.core.now;
    if (now !== undefined) this.core.now = now;
    try {
      // `ordered` (the Update validators; never replayed): what does not exist first, then role, then separation of
      // duties, then state (`beforeState`: the open incident; then the step's and the case's state). A signal's check
      // keeps the order its handler was recorded with (the state first): the refusal is the same, only its code differs.
      if (ordered) {
        this.checkOrdered(action, dutiesRule, onBehalfDutiesRule);
        this.checkCompetentDepartment(action, competentDepartmentRule);
        this.checkCrossRole(action, crossRoleRule);
        ordered.beforeState();
      }
      this.check(action, true);
      // Separation of duties: an Update's validator never runs on replay; a signal's check does (its handler replays),
      // so a refusal there asks `dutiesRule` (the signal handler's patched('separation-of-duties')) first, and a
      // signal applied before the rule replays as it ran. A refusal only the officer of an earlier 帮代办 causes (in
      // the set since separation-on-behalf) asks `onBehalfDutiesRule` (patched('separation-on-behalf')) instead.
      if (!ordered && (action.type === 'complete' || action.type === 'decide')) {
        this.checkDuties(action, dutiesRule, onBehalfDutiesRule);
        this.checkCompetentDepartment(action, competentDepartmentRule);
        this.checkCrossRole(action, crossRoleRule);
      }
      // The trip's dates passed without a departure (departurePassedRefusal): a completion or an approval is refused, E07
      // only after the return date; a rejection or a return is not. Only here: a signal applied before the rule replays
      // as it ran; a signal asks `departurePassedRule` (patched('departure-passed')) only when it refuses.
      const lapsed = this.departurePassed(action);
      if (lapsed && departurePassedRule()) reject(lapsed.code, lapsed.message.zh, lapsed.message.en, lapsed.stepKey);
      // What the person saw: a step opened again after the case they read (a step it rests on done again, a return) is
      // not the one they decide (trial 48: finance approved a budget it never saw). Only here: no recorded update
      // carries seenSeq, so every history replays as it ran.
      if ((action.type === 'complete' || action.type === 'decide') && typeof action.request.seenSeq === 'number') {
        const key = action.request.stepKey;
        // A sequence the case has not reached was read from no answer of it (trial 49: 999999 skipped the check).
        if (action.request.seenSeq > this.core.log.seq)
          refuseField(
            'seenSeq',
            'known-seq',
            `seenSeq ${action.request.seenSeq} 大于本案当前的事件序号 ${this.core.log.seq}：请填写查看案件时的 lastSeq`,
            `is past the case's event sequence (${this.core.log.seq}): send the lastSeq of the answer you read`,
            key,
          );
        const opened = this.core.states.get(key)?.startedSeq;
        if (opened !== undefined && opened > action.request.seenSeq)
          reject(
            'STEP_NOT_AWAITING',
            `步骤 ${key} 在您查看之后已重新开启（其所依据的步骤已重新办理或被退回），请重新查看后再办理`,
            `Step ${key} was opened again after you read the case (a step it rests on was done again, or it was returned): read it again, then act`,
            key,
          );
      }
      // A rejection or a return gives its reason (decisionReasonProblem). Only here, never in the handler's check: a
      // decision recorded without one replays as it ran; a signal asks `reasonRule` (patched('decision-reason')).
      if (action.type === 'decide') {
        const problem = decisionReasonProblem(action.request.decision, action.request.comment);
        const asked = problem?.rule !== 'reason-words' ? reasonRule : reasonRuleAsked(problem.since ?? 'reason-words');
        if (problem && asked()) refuseField(problem.field, problem.rule, problem.message.zh, problem.message.en, action.request.stepKey);
        // A trip outside the annual plan is approved with the unit's written reason (requiresPlanReason: 2027.6 on,
        // so no history recorded before declares it).
        if (this.core.metas.get(action.request.stepKey)?.behaviour.requiresPlanReason) {
          const outcome = this.core.annualPlanOutcome();
          const outside = planReasonProblem(outcome, action.request.decision, action.request.comment);
          const since = reasonRuleAsked(outside?.since);
          if (outside && (outcome !== 'no-plan' || noPlanReasonRule()) && since())
            refuseField(outside.field, outside.rule, outside.message.zh, outside.message.en, action.request.stepKey);
        }
      }
      // The trip report (schema 'trip-report') is filed in writing (tripReportSummaryProblems). Likewise only here: a report
      // recorded without a summary replays as it ran; a signal asks `reportRule` (patched('trip-report-summary')).
      if (action.type === 'complete' && this.core.metas.get(action.request.stepKey)?.behaviour.data === 'trip-report') {
        const data = action.request.data ?? {};
        const [problem] = tripReportSummaryProblems(data);
        if (problem && reportRule())
          refuseField(`data.${problem.field}`, problem.rule, problem.message.zh, problem.message.en, action.request.stepKey);
        // The report's file is an attachment of the case (refuseUnknownAttachment). Likewise only here: a report recorded
        // with another reference replays as it ran; a signal asks `reportRefRule` only when the reference names none.
        try {
          refuseUnknownAttachment(this.core, 'data.reportRef', isRecord(data) ? data.reportRef : undefined);
        } catch (err) {
          if (reportRefRule()) throw err;
        }
        // …added after the step opened (the return registered): an older file is not the report (refuseStaleFile). A
        // signal asks `freshFileRule` (patched('report-ref-new-file')) only when it refuses.
        const ref = isRecord(data) ? data.reportRef : undefined;
        if (typeof ref === 'string')
          try {
            refuseStaleFile(this.core, 'data.reportRef', ref, this.core.states.get(action.request.stepKey)?.startedSeq, {
              zh: '出访报告步骤开始（回国登记后）',
              en: 'the trip report step opened (after the return registration)',
            });
          } catch (err) {
            if (freshFileRule()) throw err;
          }
      }
      // A completion's data carries only what its step reads, and the trip report's figures their upper bounds
      // (stepDataFieldProblems, as the API refuses them). Likewise only here: a completion recorded with another field
      // replays as it ran; a signal asks `stepDataRule` (patched('step-data-fields')) only when these find something.
      const meta = action.type === 'complete' ? this.core.metas.get(action.request.stepKey) : undefined;
      // No data is `{}`, as the handler reads it (D12 with none: no outcome; K06 with none: no card number).
      const sent = action.type === 'complete' ? (action.request.data ?? {}) : undefined;
      if (action.type === 'complete' && meta && isRecord(sent)) {
        // An external outcome (D12's visa, K05's pre-clearance) is given, granted or refused: none was read as granted
        // (outcomeRequiredProblems). A signal asks `outcomeRequiredRule` (patched('outcome-required')) only when it
        // finds something.
        const missing = outcomeRequiredProblems(meta.behaviour, sent);
        if (missing.length > 0 && outcomeRequiredRule()) refuseData(missing, action.request.stepKey);
        // A written result has words (trial 84: A14's outcome 。 dismissed three objections). A signal asks
        // `writtenWordsRule` (patched('written-words')) only when it finds something.
        const wordless = writtenWordsProblems(meta.behaviour.data, sent);
        if (wordless.length > 0 && writtenWordsRule()) refuseData(wordless, action.request.stepKey);
        const problems = stepDataFieldProblems(this.core.definition, meta.code, sent);
        if (problems.length > 0 && stepDataRule()) refuseData(problems, action.request.stepKey);
        // What a system step will read of it (K06's card for K07): likewise; a signal asks `systemReadRule`
        // (patched('system-read-data')).
        // The card's term, still valid and issued after the application (CARD_TERM_RULES, since): a signal asks
        // `cardTermRule` (patched('apec-card-term')) only when those alone refuse.
        // The card number given (CARD_NUMBER_RULES, since): a signal asks `cardNumberRule` (patched('apec-card-number'))
        // only when that alone refuses.
        const read = systemReadDataProblems(
          this.core.definition,
          meta.code,
          sent,
          shanghaiDate(this.core.now),
          shanghaiDate(Date.parse(this.core.input.submittedAt)),
        );
        const term = read.filter((p) => CARD_TERM_RULES.includes(p.rule));
        const numbered = read.filter((p) => CARD_NUMBER_RULES.includes(p.rule));
        if (read.length > term.length + numbered.length && systemReadRule()) refuseData(read, action.request.stepKey);
        if (term.length > 0 && cardTermRule()) refuseData(read, action.request.stepKey);
        if (numbered.length > 0 && cardNumberRule()) refuseData(read, action.request.stepKey);
        // The members an outcome's refusal names: a non-empty list of distinct current members, only with refused
        // (outcomeMembersProblems). Likewise; a signal asks `outcomeMembersRule` (patched('outcome-members')).
        const refused = outcomeMembersProblems(
          meta.behaviour,
          sent,
          this.core.facts.members.map((m) => m.id),
        );
        if (refused.length > 0 && outcomeMembersRule()) refuseData(refused, action.request.stepKey);
        // D01's route is one the office's country table gives (entryRouteTableProblem). Likewise; a signal asks
        // `routeTableRule` (patched('entry-route-table')).
        if (meta.behaviour.data === 'entry-route' && meta.country !== undefined) {
          const countries = resolveCountryTable(this.core.input.settings?.countries);
          const problem = entryRouteTableProblem(sent.route, meta.country, countries);
          if (problem && routeTableRule()) refuseData([problem], action.request.stepKey);
        }
      }
    } finally {
      this.core.now = saved;
    }
  }

  /**
   * Whether `action` would move a case towards departing on dates that have passed (departurePassedRefusal, on the case
   * clock's Shanghai date): a completion, an approval or 容缺受理 of a step before departure, in an open case of a process
   * that departs (one of whose steps certifies the departure: not the APEC card's, whose "departure" is the day the
   * cards are needed by), started with real-world dates (patched('real-world-dates')).
   */
  private departurePassed(
    action: EngineAction,
  ): (NonNullable<ReturnType<typeof departurePassedRefusal>> & { stepKey: string }) | undefined {
    if (action.type !== 'complete' && action.type !== 'decide') return undefined;
    if (action.type === 'decide' && action.request.decision !== 'approve' && action.request.decision !== 'accept-with-deficiencies')
      return undefined;
    if (this.core.status !== 'open' || this.core.deps.realWorldDates === false) return undefined;
    const meta = this.core.metas.get(action.request.stepKey);
    if (!meta) return undefined;
    const now = shanghaiDate(this.core.now);
    // The pinned definition's steps (its instances share their step's behaviour): no copy of every instance per decision.
    const refusal = departurePassedFor(this.core.definition.steps, meta.code, this.core.facts, now, action.request.stepKey);
    return refusal && { ...refusal, stepKey: action.request.stepKey };
  }

  /**
   * The Update validator's refusals before the state's: the step a complete/decide names exists (UNKNOWN_STEP), the
   * actor holds its role (or the action's, for the others), separation of duties (SELF_APPROVAL). A malformed actor
   * is left to check(), which names the field.
   */
  private checkOrdered(action: EngineAction, dutiesRule: () => boolean, onBehalfDutiesRule: () => boolean): void {
    const r = action.request;
    if (!r?.actor || typeof r.actor.id !== 'string' || typeof r.actor.role !== 'string') return;
    // A role of other processes (PROCESS_ROLES). Only here (an Update validator, never replayed).
    const process = processOf(this.core.definition);
    const wrongProcess = processRoleRefusal(r.actor.role, process, PROCESS_LABELS[process]);
    if (wrongProcess) reject(wrongProcess.code, wrongProcess.message.zh, wrongProcess.message.en);
    if (action.type !== 'complete' && action.type !== 'decide') {
      authorize(UPDATE_ACCESS_ACTIONS[action.type], r.actor, this.core, { onBehalfOf: r.onBehalfOf, process });
      return;
    }
    const { meta } = this.core.existingStep(action.request.stepKey);
    authorize(action.type, r.actor, this.core, { step: meta, stepKey: action.request.stepKey, onBehalfOf: action.request.onBehalfOf });
    // Deciding a step that is no approval says so before separation of duties (third trial: the organizer's decide on
    // A02, a task, was answered SELF_APPROVAL).
    if (action.type === 'decide' && meta.kind !== 'approval')
      reject(
        'ACTION_NOT_ALLOWED',
        `${meta.code} 不是审批步骤，请使用办结`,
        `${meta.code} is not an approval: complete it instead`,
        meta.key,
      );
    this.checkDuties(action, dutiesRule, onBehalfDutiesRule);
  }

  /**
   * 主管部门审核 is the supervising department's (competentDepartmentRefusal, the access table). Only in validation (never
   * in a handler's check): a signal's refusal asks `rule` (patched('competent-department')) first.
   */
  private checkCompetentDepartment(action: EngineAction, rule: () => boolean): void {
    if (action.type !== 'complete' && action.type !== 'decide') return;
    const r = action.request;
    if (!r?.actor || typeof r.actor.id !== 'string' || typeof r.actor.role !== 'string') return;
    const meta = this.core.metas.get(r.stepKey);
    if (!meta) return;
    const p = r.onBehalfOf;
    const refusal = competentDepartmentRefusal({
      step: meta,
      actor: r.actor,
      case: { unit: this.core.facts.unit, supervisingDepartment: this.core.facts.supervisingDepartment ?? null },
      ...(p && typeof p === 'object' && typeof p.unit === 'string'
        ? { onBehalfOf: { kind: 'user' as const, id: String(p.id), role: p.role ?? null, unit: p.unit } }
        : {}),
    });
    if (refusal && rule()) reject(refusal.code, refusal.message.zh, refusal.message.en, r.stepKey);
  }

  /**
   * Separation of duties across roles (crossRoleRefusal, the access table): no decision resting on one's own decision
   * in another role, no acting as the organizer after deciding. Only in validation (never in a handler's check): an
   * Update's validator is not replayed; a signal's refusal asks `rule` (patched('separation-cross-role')) first.
   */
  private checkCrossRole(action: EngineAction, rule: () => boolean): void {
    const r = action.request;
    if (!r?.actor || typeof r.actor.id !== 'string' || typeof r.actor.role !== 'string') return;
    const stepKey = 'stepKey' in r && typeof r.stepKey === 'string' ? r.stepKey : undefined;
    const kind = stepKey !== undefined ? this.core.metas.get(stepKey)?.kind : undefined;
    const p = r.onBehalfOf;
    const onBehalfOf = typeof p === 'string' ? { id: p, member: true } : p && typeof p === 'object' ? { id: p.id } : null;
    const refusal = crossRoleRefusal({
      action: action.type === 'complete' || action.type === 'decide' ? action.type : UPDATE_ACCESS_ACTIONS[action.type],
      actor: r.actor,
      ...(kind ? { stepKind: kind } : {}),
      asOrganizer: organizersOf({ actor: r.actor, onBehalfOf }).includes(r.actor.id),
      decisions: this.core.decisions,
      // The decided approvals this step rests on: those it transitively depends on (dependentsOf, the returns' closure).
      ...(stepKey !== undefined && this.core.metas.has(stepKey)
        ? {
            upstream: new Set(
              this.core.decisions.filter((d) => dependentsOf(this.core.instances, [d.stepKey]).includes(stepKey)).map((d) => d.stepKey),
            ),
          }
        : {}),
    });
    if (refusal && rule()) reject(refusal.code, refusal.message.zh, refusal.message.en, stepKey);
  }

  private checkDuties(
    action: Extract<EngineAction, { type: 'complete' | 'decide' }>,
    dutiesRule: () => boolean,
    onBehalfDutiesRule: () => boolean,
  ): void {
    const r = action.request;
    const duties = (organizers: Set<string>) =>
      authorizeDuties(action.type, r.actor, organizers, {
        stepKey: r.stepKey,
        ...(this.core.metas.get(r.stepKey) ? { stepKind: this.core.metas.get(r.stepKey)!.kind } : {}),
        ...(r.onBehalfOf !== undefined ? { onBehalfOf: r.onBehalfOf } : {}),
      });
    let legacy = false;
    try {
      duties(this.core.organizersBeforeOnBehalf);
    } catch (err) {
      if (dutiesRule()) throw err;
      legacy = true;
    }
    try {
      if (!legacy) duties(this.core.organizers);
    } catch (err) {
      if (onBehalfDutiesRule()) throw err;
    }
  }

  apply(action: EngineAction, now: number): ActionResult {
    const core = this.core;
    const previous = core.results.get(action.request.requestId);
    if (previous) return previous;
    core.now = now;
    this.check(action);
    core.noteOrganizer(action.request);
    if (action.type === 'complete' || action.type === 'decide') core.noteDecision(action.type, action.request);
    const firstSeq = core.log.seq + 1;
    const before = new Set(core.openKeys());
    switch (action.type) {
      case 'complete':
        applyComplete(core, action.request);
        break;
      case 'decide':
        applyDecide(core, action.request);
        break;
      case 'amend':
        applyAmend(core, action.request);
        break;
      case 'withdraw':
        core.close('withdrawn', action.request.reason, action.request);
        break;
      case 'cancel':
        core.close('cancelled', action.request.reason, action.request);
        break;
      case 'objection':
        applyObjection(core, action.request);
        break;
      case 'supplyDocument':
        applySupply(core, action.request);
        break;
      case 'extendDeficiency':
        applyExtend(core, action.request);
        break;
      case 'attach':
        applyAttach(core, action.request);
        break;
      case 'detach':
        applyDetach(core, action.request);
        break;
    }
    if (!core.closed) core.advance();
    const result: ActionResult = {
      accepted: true,
      requestId: action.request.requestId,
      seq: firstSeq,
      opened: core.openKeys().filter((k) => !before.has(k)),
      status: core.status,
    };
    core.results.set(action.request.requestId, result);
    return result;
  }

  /** `validating`: the Update validator's stricter checks (see validate), never the handler's. */
  private check(action: EngineAction, validating = false): void {
    const r = action.request;
    if (!r || typeof r.requestId !== 'string' || !r.requestId) refuseField('requestId', 'required', '缺少请求编号', 'is required');
    if (!r.actor || typeof r.actor.id !== 'string' || typeof r.actor.role !== 'string') {
      refuseField('actor', 'required', '缺少办理人信息', '{id, role, unit} is required');
    }
    // Step actions are authorized against their step once it is found (awaitingStep).
    if (action.type !== 'complete' && action.type !== 'decide')
      authorize(UPDATE_ACCESS_ACTIONS[action.type], r.actor, this.core, { onBehalfOf: r.onBehalfOf });
    else if (this.closed) authorize(action.type, r.actor, this.core);
    switch (action.type) {
      case 'complete':
        return checkComplete(this.core, action.request, validating);
      case 'decide':
        return checkDecide(this.core, action.request, validating);
      case 'amend':
        return checkAmend(this.core, action.request, validating);
      case 'withdraw':
      case 'cancel':
        checkReason(action.request);
        return;
      case 'objection':
        return checkObjection(this.core, action.request, validating);
      case 'supplyDocument':
        return checkSupply(this.core, action.request, validating);
      case 'extendDeficiency':
        return checkExtend(this.core, action.request);
      case 'attach':
        return checkAttach(this.core, action.request, validating);
      case 'detach':
        return checkDetach(this.core, action.request, validating);
    }
  }

  /**
   * What amending with `request` would do at `now` (previewAmend): the Update validator's checks first (`ordered`, as
   * the workflow's validator passes it), so a refusal is the one the amendment would meet, thrown as a Rejection.
   * Changes nothing: a query asks it.
   */
  previewAmend(request: AmendRequest, now: number, rules: ValidationRules = {}): AmendPreview {
    this.validate({ type: 'amend', request }, now, rules);
    return previewAmend(this.core, request);
  }

  takeSystemWork(): SystemWork[] {
    return takeSystemWork(this.core);
  }

  applySystemResult(work: SystemWork, result: SystemResult, now: number): void {
    applySystemResult(this.core, work, result, now);
  }

  nextDeadline(): number | undefined {
    return nextDeadline(this.core);
  }

  /** See progress.ts: when time alone next changes what managers see (the at-risk instant, else a working day on). */
  nextTimeWake(now: number, current: Plan): number | undefined {
    return nextTimeWake(this.core, now, current);
  }

  fireDueDeadlines(now: number): void {
    fireDueDeadlines(this.core, now);
  }

  takeEscalations(): Escalation[] {
    const out = this.core.escalations;
    this.core.escalations = [];
    return out;
  }

  /**
   * The office loaded a holiday schedule (issue 14 item 5): plan with it from now on. The next drain
   * re-plans (case.replanned when the forecast moved, with `cause: 'calendar'` when `sayCause`); deadlines already set
   * keep their instants.
   */
  setCalendar(calendar: WorkingCalendar, sayCause = false): void {
    this.core.calendar = calendar;
    if (sayCause) this.core.replanCause = 'calendar';
  }

  /** The custody ledger moves of steps finished since the last call. */
  takeCustodyWork(): CustodyWork[] {
    const out = this.core.custodyWork;
    this.core.custodyWork = [];
    return out;
  }

  /**
   * The unit's annual plan for `change.year` changed (annualPlanChangedSignal): the plan check (A01, system
   * 'annual-plan') runs again, done and recorded, while the case is open (not departed or closed) and departs in that
   * year; on `trip-freed` only where it recorded `over-plan` (the trips it matched taken by other cases: a freed one may
   * now be its). The rerun is a re-check (CaseCore.rechecks): work done after it stands, and the reviewer reads the new
   * outcome (trial: a plan changed after A01 left its outcome as it was, `planned` for a trip the plan no longer had,
   * and a freed trip left another case `over-plan`). Records step.returned `{by: 'annual-plan-changed'}` at `now` (epoch
   * ms) and opens the check again; returns the keys run again. A check still running (its result not back) runs again
   * too, whatever the cause: it may have read the plan, or the taken trips, before the change.
   */
  recheckAnnualPlan(change: AnnualPlanChange, now: number): string[] {
    const core = this.core;
    if (core.status !== 'open' || Number(core.facts.departureDate.slice(0, 4)) !== change.year) return [];
    const checks = [...core.metas.values()].filter((m) => m.behaviour.system === 'annual-plan').map((m) => m.key);
    const done = checks.filter((key) => {
      const state = core.states.get(key);
      return state?.status === 'done' && (change.cause === 'plan-changed' || state.data?.planOutcome === 'over-plan');
    });
    // A check running now may have read the plan before the change: its result is dropped (a new generation) and it
    // runs again. A first run is not a re-check: it never stood, so nothing after it goes on on its account.
    const running = checks.filter((key) => core.states.get(key)?.systemRunning === true);
    const keys = [...done, ...running];
    if (keys.length === 0) return [];
    // A re-check running stays one: the work done after the check it reruns still stands.
    const rechecks = keys.filter((key) => done.includes(key) || core.rechecks.has(key));
    core.reset(keys);
    for (const key of rechecks) core.rechecks.add(key);
    core.now = now;
    core.emit('step.returned', null, { by: 'annual-plan-changed', targets: keys, keys });
    core.advance();
    return keys;
  }

  /** True once after departure: the members' trips go into the frequency history. */
  takeTripRecording(): boolean {
    const out = this.core.tripsToRecord;
    this.core.tripsToRecord = false;
    return out;
  }

  takeEvents(): CaseEvent[] {
    return this.core.log.take();
  }

  plan(now: number): Plan {
    return currentPlan(this.core, now);
  }

  phase(plan: Plan): CasePhase {
    return phaseOf(this.core, plan);
  }

  /**
   * See progress.ts: emits case.replanned when what managers see changed (settleWd: drift allowed for a late
   * case; `recordDrift` false: none in this replan); with `windowMs` > 0 the last plan is reused while the state
   * is unchanged and `now` within the window.
   */
  replan(now: number, settleWd = 0, windowMs = 0, recordDrift = true, recordProvisional = true): Plan {
    return replan(this.core, now, settleWd, windowMs, recordDrift, recordProvisional);
  }

  /** The progress answer at `now`; `plan`, when given, must be this state's plan at the same `now` (saves a planner run). */
  progress(now: number, workingDaySeconds?: number, plan?: Plan): DelegationProgress {
    return progressView(this.core, now, workingDaySeconds, plan);
  }
}
