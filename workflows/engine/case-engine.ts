import {
  buildInstances,
  checkTripRules,
  chineseCalendar,
  deriveFacts,
  entryRoute,
  nextActions,
  personKey,
  plan as planCase,
  ROUTES,
  shanghaiDate,
  toIso,
  tripCountries,
  upcastDefinition,
  dependentsOf,
  dayNumber,
  DEFAULT_AT_RISK_THRESHOLD_WD,
  type CaseFacts,
  type CasePhase,
  type EntryRoute,
  type InstanceState,
  type Label,
  type Plan,
  type ProcessDefinition,
  type RuleViolation,
  type RuntimeFlags,
  type StepDefinition,
  type SystemWork as SystemWorkKind,
  type StepInstance,
  type WorkingCalendar,
} from '@df/domain';
import type {
  ActionBase,
  ActionResult,
  AmendRequest,
  CaseEvent,
  CaseEventOf,
  CaseEventPayloads,
  CaseEventType,
  CaseStatus,
  CloseRequest,
  CompleteStepRequest,
  DecideStepRequest,
  DelegationInput,
  DelegationProgress,
  DeficiencyProgress,
  MissingDocument,
  NotificationPayload,
  ObjectionRequest,
  StepProgress,
  StepStatus,
  SupplyDocumentRequest,
} from '@df/contracts';
import { planSummary, tripReportProblems } from '@df/contracts';
import { authorize, responsibleRole } from './authorization';
import { reject } from './rejection';
import { metaOfInstance, type StepMeta } from './step-meta';

/** Deficiencies accepted at intake (容缺) must be supplied within this many working days (Guangdong's rule). */
export const DEFICIENCY_DEADLINE_WD = 2;
/** Human steps of zero target duration still get half a working day before they count as overdue. */
export const MIN_DUE_WD = 0.5;
const CLOSED: ReadonlySet<CaseStatus> = new Set(['completed', 'rejected', 'withdrawn', 'cancelled', 'failed']);
const DAY_MS = 86_400_000;

type DeadlineKind = 'timer' | 'overdue' | 'unit-flagged';

interface Deadline {
  at: number;
  kind: DeadlineKind;
  fired: boolean;
}

interface StepState {
  status: StepStatus;
  /** Bumped whenever the step is reset, so a late system result for an older run is ignored. */
  generation: number;
  startedAt?: number;
  doneAt?: number;
  dueAt?: number;
  deadlines: Deadline[];
  blockedReason?: Label;
  systemRunning?: boolean;
  actedBy?: string;
  actedByRole?: string;
  onBehalfOf?: string;
  decision?: DecideStepRequest['decision'];
  comment?: string;
  data?: Record<string, unknown>;
  returns: number;
}

interface Deficiency extends MissingDocument {
  neededBy: string;
  dueAt: number;
  status: 'missing' | 'overdue' | 'supplied';
  suppliedAt?: number;
}

export interface SystemWork {
  key: string;
  code: string;
  /** The work the step declares (behaviour.system). */
  system: SystemWorkKind;
  generation: number;
  memberId?: string;
}

export interface SystemResult {
  violations?: RuleViolation[];
  documentNo?: string;
  note?: Label;
}

export interface Escalation {
  id: string;
  caseId: string;
  stepKey: string | null;
  kind: 'step-overdue' | 'deficiency-overdue' | 'passport-overdue' | 'unit-flagged' | 'report-overdue';
  role: string;
  unit: string;
  message: Label;
  dueAt: string | null;
}

export type EngineAction =
  | { type: 'complete'; request: CompleteStepRequest }
  | { type: 'decide'; request: DecideStepRequest }
  | { type: 'amend'; request: AmendRequest }
  | { type: 'withdraw'; request: CloseRequest }
  | { type: 'cancel'; request: CloseRequest }
  | { type: 'objection'; request: ObjectionRequest }
  | { type: 'supplyDocument'; request: SupplyDocumentRequest };

export interface EngineDeps {
  /** Deterministic ids (uuid4 of the workflow sandbox). */
  newId: () => string;
  workflowId: string;
  calendar?: WorkingCalendar;
}

/**
 * The chain as a state machine over step instances: pure and deterministic, driven by the workflow
 * (actions, system results, deadlines) and unit-testable without Temporal. Every change is an event
 * in `takeEvents()`; side effects the workflow must perform come out of `take*()`.
 */
export class CaseEngine {
  readonly caseId: string;
  readonly definition: ProcessDefinition;
  facts: CaseFacts;
  status: CaseStatus = 'open';
  closedReason?: string;
  private readonly calendar: WorkingCalendar;
  private runtime: RuntimeFlags = { objectionRaised: false, acceptedWithDeficiencies: false };
  private instances: StepInstance[] = [];
  private readonly metas = new Map<string, StepMeta>();
  private readonly states = new Map<string, StepState>();
  private readonly withdrawnSteps = new Map<string, { meta: StepMeta; state: StepState }>();
  private postTrip: StepMeta[] = [];
  /** The pinned definition's steps by code (read through upcastDefinition: behaviour declared on every version). */
  private readonly steps: Map<string, StepDefinition>;
  private returnedOn?: string;
  private readonly deficiencies: Deficiency[] = [];
  private readonly objections: Array<{ at: number; by: string; text: string }> = [];
  private readonly withdrawnMembers: Array<{ memberId: string; reason: string }> = [];
  private violations: RuleViolation[] = [];
  private approvalDocumentNo?: string;
  private readonly results = new Map<string, ActionResult>();
  private events: CaseEvent[] = [];
  private escalations: Escalation[] = [];
  private tripsToRecord = false;
  private seq = 0;
  private now = 0;
  private lastPlanKey = '';
  private lastPlanShape = '';
  private lastPlanSlack = 0;

  constructor(
    private readonly input: DelegationInput,
    private readonly deps: EngineDeps,
  ) {
    this.caseId = input.caseId;
    this.definition = upcastDefinition(input.definition);
    this.facts = input.facts;
    this.calendar = deps.calendar ?? chineseCalendar();
    this.steps = new Map(this.definition.steps.map((s) => [s.code, s]));
  }

  // ------------------------------------------------------------------ lifecycle

  start(now: number): void {
    this.now = now;
    this.emit('case.submitted', { requestId: `submit-${this.caseId}`, actor: this.input.submittedBy }, {
      caseId: this.caseId,
      workflowId: this.deps.workflowId,
      title: this.facts.title,
      unit: this.facts.unit,
      purpose: this.facts.purpose,
      departureDate: this.facts.departureDate,
      returnDate: this.facts.returnDate,
      countries: tripCountries(this.facts),
      memberCount: this.facts.members.length,
      definitionVersion: this.definition.version,
      submittedAt: this.input.submittedAt,
      facts: this.facts,
    });
    this.rebuild();
    this.advance();
  }

  get closed(): boolean {
    return CLOSED.has(this.status);
  }

  // ------------------------------------------------------------------ actions (updates and signals)

  /** Throws a Rejection when the action may not be applied now. Retries of an applied request pass. */
  validate(action: EngineAction): void {
    if (this.results.has(action.request.requestId)) return;
    this.check(action);
  }

  apply(action: EngineAction, now: number): ActionResult {
    const previous = this.results.get(action.request.requestId);
    if (previous) return previous;
    this.now = now;
    this.check(action);
    const firstSeq = this.seq + 1;
    const before = new Set(this.openKeys());
    switch (action.type) {
      case 'complete':
        this.applyComplete(action.request);
        break;
      case 'decide':
        this.applyDecide(action.request);
        break;
      case 'amend':
        this.applyAmend(action.request);
        break;
      case 'withdraw':
        this.close('withdrawn', action.request.reason, action.request);
        break;
      case 'cancel':
        this.close('cancelled', action.request.reason, action.request);
        break;
      case 'objection':
        this.applyObjection(action.request);
        break;
      case 'supplyDocument':
        this.applySupply(action.request);
        break;
    }
    if (!this.closed) this.advance();
    const result: ActionResult = {
      accepted: true,
      requestId: action.request.requestId,
      seq: firstSeq,
      opened: this.openKeys().filter((k) => !before.has(k)),
      status: this.status,
    };
    this.results.set(action.request.requestId, result);
    return result;
  }

  private check(action: EngineAction): void {
    const r = action.request;
    if (!r || typeof r.requestId !== 'string' || !r.requestId) reject('INVALID_REQUEST', '缺少请求编号 requestId', 'requestId is required');
    if (!r.actor || typeof r.actor.id !== 'string' || typeof r.actor.role !== 'string') {
      reject('INVALID_REQUEST', '缺少办理人信息 actor', 'actor {id, role, unit} is required');
    }
    // Step actions are authorized against their step once it is found (awaitingStep).
    if (action.type !== 'complete' && action.type !== 'decide') authorize(action.type, r.actor, this, { onBehalfOf: r.onBehalfOf });
    else if (this.closed) authorize(action.type, r.actor, this);
    switch (action.type) {
      case 'complete':
        return this.checkComplete(action.request);
      case 'decide':
        return this.checkDecide(action.request);
      case 'amend':
        return this.checkAmend(action.request);
      case 'withdraw':
      case 'cancel':
        this.checkReason(action.request);
        return;
      case 'objection':
        return this.checkObjection(action.request);
      case 'supplyDocument':
        return this.checkSupply(action.request);
    }
  }

  private checkReason(r: CloseRequest): void {
    if (typeof r.reason !== 'string' || !r.reason.trim()) reject('INVALID_REQUEST', '请填写原因 reason', 'reason is required');
  }

  private awaitingStep(action: 'complete' | 'decide', stepKey: unknown, actor: ActionBase['actor'], onBehalfOf?: string): { meta: StepMeta; state: StepState } {
    if (typeof stepKey !== 'string') return reject('INVALID_REQUEST', '缺少步骤 stepKey', 'stepKey is required');
    const meta = this.metas.get(stepKey);
    const state = this.states.get(stepKey);
    if (!meta || !state) {
      if (this.withdrawnSteps.has(stepKey)) {
        return reject('STEP_NOT_AWAITING', `步骤 ${stepKey} 已撤销（成员退出）`, `Step ${stepKey} was withdrawn with its member`, stepKey);
      }
      return reject('UNKNOWN_STEP', `本案没有步骤 ${stepKey}`, `This case has no step ${stepKey}`, stepKey);
    }
    if (state.status === 'blocked') {
      const why = state.blockedReason ?? { zh: '已受阻', en: 'blocked' };
      return reject('STEP_NOT_AWAITING', `步骤 ${stepKey} 受阻：${why.zh}`, `Step ${stepKey} is blocked: ${why.en}`, stepKey);
    }
    if (state.status !== 'awaiting' && state.status !== 'overdue') {
      return reject('STEP_NOT_AWAITING', `步骤 ${stepKey} 当前状态为 ${state.status}，不在待办理状态`, `Step ${stepKey} is ${state.status}, not awaiting an action`, stepKey);
    }
    authorize(action, actor, this, { step: meta, stepKey, onBehalfOf });
    return { meta, state };
  }

  // ---- complete

  private checkComplete(r: CompleteStepRequest): void {
    const { meta } = this.awaitingStep('complete', r.stepKey, r.actor, r.onBehalfOf);
    if (meta.kind === 'approval') reject('ACTION_NOT_ALLOWED', `${meta.code} 是审批步骤，请作出审批决定`, `${meta.code} is an approval: send a decision`, r.stepKey);
    if (meta.kind === 'system' || meta.kind === 'timer') {
      reject('ACTION_NOT_ALLOWED', `${meta.code} 由系统自动办理`, `${meta.code} is run by the engine`, r.stepKey);
    }
    if (r.data !== undefined && (typeof r.data !== 'object' || r.data === null || Array.isArray(r.data))) {
      reject('INVALID_REQUEST', 'data 必须是对象', 'data must be an object', r.stepKey);
    }
    const data = r.data ?? {};
    const b = meta.behaviour;
    if (b.collectsDeficiencies && this.deficiencies.some((d) => d.status !== 'supplied')) {
      reject('ACTION_NOT_ALLOWED', '请逐项补交缺件（/documents），补齐后自动办结', `Supply each missing document (/documents); ${meta.code} completes when all are in`, r.stepKey);
    }
    switch (b.data) {
      case 'entry-route': {
        const route = data.route;
        if (route !== undefined && !ROUTES.includes(route as EntryRoute)) {
          reject('INVALID_REQUEST', `data.route 须为 ${ROUTES.join('/')}`, `data.route must be one of ${ROUTES.join(', ')}`, r.stepKey);
        }
        break;
      }
      case 'external-outcome': {
        const outcome = data.outcome ?? 'granted';
        if (outcome !== 'granted' && outcome !== 'refused') {
          reject('INVALID_REQUEST', 'data.outcome 须为 granted 或 refused', "data.outcome must be 'granted' or 'refused'", r.stepKey);
        }
        const members = data.members;
        if (members !== undefined && (!Array.isArray(members) || members.some((m) => !this.facts.members.some((x) => x.id === m)))) {
          reject('INVALID_REQUEST', 'data.members 须为本团成员编号列表', 'data.members must list member ids of this delegation', r.stepKey);
        }
        break;
      }
      case 'return-registration':
        if (data.returnedOn !== undefined && (typeof data.returnedOn !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(data.returnedOn))) {
          reject('INVALID_REQUEST', 'data.returnedOn 须为 YYYY-MM-DD', 'data.returnedOn must be YYYY-MM-DD', r.stepKey);
        }
        break;
      case 'trip-report': {
        // The trip report's outcomes are summed on the managers' board: refuse what cannot be summed.
        const problems = tripReportProblems(data);
        if (problems.length > 0) {
          reject(
            'INVALID_REQUEST',
            problems.map((p) => `data.${p.field}：${p.message.zh}`).join('；'),
            problems.map((p) => `data.${p.field}: ${p.message.en}`).join('; '),
            r.stepKey,
          );
        }
        break;
      }
      case undefined:
        break;
    }
  }

  private applyComplete(r: CompleteStepRequest): void {
    const meta = this.metas.get(r.stepKey)!;
    const state = this.states.get(r.stepKey)!;
    this.finish(state, r);
    state.data = r.data;
    this.emit('step.completed', r, { key: r.stepKey, code: meta.code, data: r.data ?? null, comment: r.comment ?? null });
    const data = r.data ?? {};
    const b = meta.behaviour;
    if (b.data === 'entry-route' && typeof data.route === 'string' && meta.memberId && meta.country) this.setRoute(meta.memberId, meta.country, data.route as EntryRoute);
    if (b.outcome?.mayFail === 'member' && data.outcome === 'refused') {
      this.visaRefused(meta.country!, (data.members as string[] | undefined) ?? this.facts.members.map((m) => m.id), r);
    }
    if (b.certifies?.event === 'departure') this.depart(r);
    if (b.certifies?.event === 'return') this.returnedOn = typeof data.returnedOn === 'string' ? data.returnedOn : this.facts.returnDate;
  }

  // ---- decide

  private checkDecide(r: DecideStepRequest): void {
    const { meta } = this.awaitingStep('decide', r.stepKey, r.actor, r.onBehalfOf);
    const decisions = ['approve', 'reject', 'return', 'accept-with-deficiencies'];
    if (!decisions.includes(r.decision)) reject('INVALID_REQUEST', `decision 须为 ${decisions.join('/')}`, `decision must be one of ${decisions.join(', ')}`, r.stepKey);
    if (meta.kind !== 'approval') reject('ACTION_NOT_ALLOWED', `${meta.code} 不是审批步骤，请使用办结`, `${meta.code} is not an approval: complete it instead`, r.stepKey);
    if (r.decision === 'accept-with-deficiencies') {
      if (!meta.behaviour.intake?.acceptWithDeficiencies) {
        const intake = this.definition.steps.filter((s) => s.behaviour?.intake?.acceptWithDeficiencies).map((s) => s.code).join('/');
        reject('ACTION_NOT_ALLOWED', `容缺受理只适用于外办受理（${intake}）`, `Accept-with-deficiencies applies only at intake (${intake})`, r.stepKey);
      }
      const docs = r.missingDocuments;
      if (!Array.isArray(docs) || docs.length === 0) reject('INVALID_REQUEST', 'missingDocuments 须列明缺件', 'missingDocuments must name at least one document', r.stepKey);
      const ids = new Set<string>();
      for (const [i, d] of (docs ?? []).entries()) {
        if (!d || typeof d.id !== 'string' || !d.id || typeof d.name !== 'string' || !d.name) {
          reject('INVALID_REQUEST', `missingDocuments[${i}] 须有 id 和 name`, `missingDocuments[${i}] needs an id and a name`, r.stepKey);
        }
        if (ids.has(d.id) || this.deficiencies.some((x) => x.id === d.id)) reject('INVALID_REQUEST', `缺件编号重复：${d.id}`, `duplicate document id ${d.id}`, r.stepKey);
        ids.add(d.id);
        if (d.neededBy !== undefined && (!this.steps.has(d.neededBy) || this.steps.get(d.neededBy)!.behaviour?.afterDeparture)) {
          reject('INVALID_REQUEST', `missingDocuments[${i}].neededBy 不是已知步骤`, `missingDocuments[${i}].neededBy is not a step code`, r.stepKey);
        }
      }
    }
    if (r.decision === 'return') this.returnTargets(r.stepKey, r.returnTo);
  }

  /** The upstream instances a return sends back: an instance key, or every upstream instance of a step code. */
  private returnTargets(stepKey: string, returnTo: unknown): string[] {
    if (typeof returnTo !== 'string' || !returnTo) return reject('INVALID_RETURN_TARGET', '退回须指明 returnTo（上游步骤）', 'return needs returnTo: an upstream step', stepKey);
    const upstream = this.upstreamOf(stepKey);
    const targets = upstream.filter((k) => (k === returnTo || this.metas.get(k)?.code === returnTo) && this.states.get(k)?.status !== 'skipped');
    if (targets.length === 0) {
      return reject('INVALID_RETURN_TARGET', `${returnTo} 不是 ${stepKey} 的上游步骤`, `${returnTo} is not upstream of ${stepKey}`, stepKey);
    }
    return targets;
  }

  private upstreamOf(key: string): string[] {
    const seen = new Set<string>();
    const stack = [...(this.metas.get(key)?.needs ?? [])];
    while (stack.length > 0) {
      const k = stack.pop()!;
      if (seen.has(k)) continue;
      seen.add(k);
      stack.push(...(this.metas.get(k)?.needs ?? []));
    }
    return [...seen];
  }

  private applyDecide(r: DecideStepRequest): void {
    const meta = this.metas.get(r.stepKey)!;
    const state = this.states.get(r.stepKey)!;
    const payload = { key: r.stepKey, code: meta.code, decision: r.decision, comment: r.comment ?? null };
    switch (r.decision) {
      case 'approve':
        this.finish(state, r);
        this.emit('step.decided', r, payload);
        break;
      case 'reject':
        this.finish(state, r);
        this.emit('step.decided', r, payload);
        this.close('rejected', r.comment ?? `rejected at ${r.stepKey}`, r);
        break;
      case 'accept-with-deficiencies': {
        this.finish(state, r);
        const dueAt = this.calendar.addWorkingDays(this.now, DEFICIENCY_DEADLINE_WD, 'end');
        const neededBy = meta.behaviour.intake!.acceptWithDeficiencies.defaultNeededBy;
        for (const d of r.missingDocuments ?? []) {
          this.deficiencies.push({ id: d.id, name: d.name, neededBy: d.neededBy ?? neededBy, dueAt, status: 'missing' });
        }
        this.emit('step.decided', r, { ...payload, missingDocuments: r.missingDocuments });
        this.emit('deficiency.raised', r, { documents: this.deficiencies.filter((d) => d.status === 'missing').map((d) => ({ id: d.id, name: d.name, neededBy: d.neededBy })), dueAt: toIso(dueAt) });
        this.runtime = { ...this.runtime, acceptedWithDeficiencies: true };
        this.rebuild();
        break;
      }
      case 'return': {
        const targets = this.returnTargets(r.stepKey, r.returnTo);
        state.decision = 'return';
        this.emit('step.decided', r, { ...payload, returnTo: r.returnTo });
        const reset = [...new Set([...targets, ...dependentsOf(this.instances, targets)])];
        for (const k of targets) this.states.get(k)!.returns++;
        this.reset(reset);
        this.emit('step.returned', r, { by: r.stepKey, targets, keys: reset.filter((k) => this.states.get(k)?.status === 'returned') });
        break;
      }
    }
  }

  // ---- amend

  private amendedFacts(r: AmendRequest): CaseFacts {
    const changes = r.changes;
    if (!changes || typeof changes !== 'object' || Object.keys(changes).length === 0) {
      return reject('INVALID_REQUEST', 'changes 不能为空', 'changes must name at least one of departureDate, returnDate, destinations, members');
    }
    const allowed = ['departureDate', 'returnDate', 'destinations', 'members'];
    const unknown = Object.keys(changes).filter((k) => !allowed.includes(k));
    if (unknown.length > 0) reject('INVALID_REQUEST', `不能变更：${unknown.join(', ')}`, `cannot amend: ${unknown.join(', ')}`);
    return { ...this.facts, ...changes };
  }

  private checkAmend(r: AmendRequest): void {
    const next = this.amendedFacts(r);
    const ids = next.members.map((m) => m.id);
    if (new Set(ids).size !== ids.length || ids.some((id) => !id || id.includes(':'))) {
      reject('INVALID_REQUEST', '成员编号须唯一且不含冒号', 'member ids must be unique and contain no colon');
    }
    const violations = checkTripRules(next, this.input.settings?.rules);
    if (violations.length > 0) reject('RULE_VIOLATION', '变更后不符合出访规定', 'The amended trip breaks the rules', undefined, violations);
  }

  private applyAmend(r: AmendRequest): void {
    const before = this.facts;
    const next = this.amendedFacts(r);
    const datesChanged = before.departureDate !== next.departureDate || before.returnDate !== next.returnDate || JSON.stringify(before.destinations.map((d) => [d.arrive, d.leave])) !== JSON.stringify(next.destinations.map((d) => [d.arrive, d.leave]));
    const countriesChanged = tripCountries(before).join() !== tripCountries(next).join();
    const removed = before.members.filter((m) => !next.members.some((n) => n.id === m.id)).map((m) => m.id);
    const added = next.members.filter((m) => !before.members.some((b) => b.id === m.id)).map((m) => m.id);
    this.facts = next;
    this.emit('case.amended', r, {
      changes: r.changes,
      departureDate: next.departureDate,
      returnDate: next.returnDate,
      countries: tripCountries(next),
      memberCount: next.members.length,
      datesChanged, countriesChanged, membersAdded: added, membersRemoved: removed, comment: r.comment ?? null });
    for (const id of removed) {
      this.withdrawnMembers.push({ memberId: id, reason: 'amended' });
      this.emit('member.withdrawn', r, { memberId: id, reason: 'amended', memberCount: next.members.length });
    }
    this.rebuild();
    // Approvals that rested on the old facts run again; the rule checks first.
    const tripChanged = datesChanged || countriesChanged || added.length > 0 || removed.length > 0;
    const reruns = (m: StepMeta) => {
      const when = m.behaviour.rerunOnAmend;
      return when === 'always' || (when === 'dates' && datesChanged) || (when === 'trip' && tripChanged);
    };
    const rerun = [...this.metas.values()].filter(reruns).map((m) => m.key);
    const toReset = rerun.filter((k) => {
      const s = this.states.get(k)?.status;
      return s === 'done' || s === 'awaiting' || s === 'overdue' || s === 'blocked';
    });
    if (toReset.length > 0) {
      this.reset(toReset);
      this.emit('step.returned', r, { by: 'amend', targets: toReset, keys: toReset });
    }
  }

  // ---- notice objections, documents

  private checkObjection(r: ObjectionRequest): void {
    if (typeof r.objection !== 'string' || !r.objection.trim()) reject('INVALID_REQUEST', '请填写异议内容 objection', 'objection text is required');
    const notice = this.keysWhere((b) => !!b.notice?.objections)[0];
    const state = notice === undefined ? undefined : this.states.get(notice);
    if (!state || (state.status !== 'awaiting' && state.status !== 'overdue')) {
      reject('ACTION_NOT_ALLOWED', '不在出访前公示期内', 'The pre-trip public notice is not running', notice);
    }
  }

  private applyObjection(r: ObjectionRequest): void {
    this.objections.push({ at: this.now, by: r.actor.id, text: r.objection });
    this.emit('notice.objection', r, { objection: r.objection });
    if (!this.runtime.objectionRaised) {
      this.runtime = { ...this.runtime, objectionRaised: true };
      this.rebuild();
    }
  }

  private checkSupply(r: SupplyDocumentRequest): void {
    const doc = this.deficiencies.find((d) => d.id === r.documentId);
    if (!doc) reject('INVALID_REQUEST', `没有待补缺件 ${String(r.documentId)}`, `No missing document ${String(r.documentId)}`);
    if (doc!.status === 'supplied') reject('ACTION_NOT_ALLOWED', `缺件 ${doc!.id} 已补交`, `Document ${doc!.id} was already supplied`);
  }

  private applySupply(r: SupplyDocumentRequest): void {
    const doc = this.deficiencies.find((d) => d.id === r.documentId)!;
    const wasOverdue = doc.status === 'overdue';
    doc.status = 'supplied';
    doc.suppliedAt = this.now;
    this.emit('deficiency.supplied', r, { id: doc.id, name: doc.name, fileRef: r.fileRef ?? null });
    if (wasOverdue) this.refreshDeficiencyBlocks(r);
    if (!this.deficiencies.every((d) => d.status === 'supplied')) return;
    for (const key of this.keysWhere((b) => !!b.collectsDeficiencies)) {
      const state = this.states.get(key)!;
      if (state.status !== 'awaiting' && state.status !== 'overdue') continue;
      this.finish(state, r);
      this.emit('step.completed', r, { key, code: this.metas.get(key)!.code, data: { documents: this.deficiencies.map((d) => d.id) }, comment: null });
    }
  }

  /** A step blocks while a deficiency it needs is past its deadline. */
  private deficiencyBlock(code: string): Label | undefined {
    const late = this.deficiencies.filter((d) => d.status === 'overdue' && d.neededBy === code);
    if (late.length === 0) return undefined;
    const names = late.map((d) => d.name).join('、');
    return { zh: `缺件逾期未补：${names}`, en: `Missing documents past their deadline: ${late.map((d) => d.id).join(', ')}` };
  }

  private refreshDeficiencyBlocks(by: ActionBase | null): void {
    for (const [key, state] of this.states) {
      const meta = this.metas.get(key)!;
      const block = this.deficiencyBlock(meta.code);
      if (block && (state.status === 'awaiting' || state.status === 'overdue')) {
        state.status = 'blocked';
        state.blockedReason = block;
        this.emit('step.blocked', by, { key, code: meta.code, reason: block });
      } else if (!block && state.status === 'blocked' && state.blockedReason && !state.systemRunning && meta.kind !== 'system') {
        state.status = 'awaiting';
        state.blockedReason = undefined;
        this.emit('step.unblocked', by, { key, code: meta.code });
      }
    }
  }

  // ------------------------------------------------------------------ system steps

  takeSystemWork(): SystemWork[] {
    const work: SystemWork[] = [];
    for (const [key, state] of this.states) {
      const meta = this.metas.get(key)!;
      if (meta.kind === 'system' && state.status === 'awaiting' && !state.systemRunning) {
        const system = meta.behaviour.system;
        if (!system) throw new Error(`system step ${meta.code} declares no behaviour.system`);
        state.systemRunning = true;
        work.push({ key, code: meta.code, system, generation: state.generation, ...(meta.memberId ? { memberId: meta.memberId } : {}) });
      }
    }
    return work;
  }

  applySystemResult(work: SystemWork, result: SystemResult, now: number): void {
    this.now = now;
    const state = this.states.get(work.key);
    if (!state || state.generation !== work.generation || this.closed) return; // reset or withdrawn meanwhile
    state.systemRunning = false;
    const violations = result.violations ?? [];
    // Each rule check owns its violations in the case's list: the trip rules all but frequency, frequency per member.
    if (work.system === 'trip-rules') this.violations = [...this.violations.filter((v) => !isTripViolation(v)), ...violations];
    if (work.system === 'frequency') this.violations = [...this.violations.filter((v) => !(v.code === 'FREQUENCY_EXCEEDED' && v.details?.memberId === work.memberId)), ...violations];
    if (violations.length > 0) {
      state.status = 'blocked';
      state.blockedReason = {
        zh: violations.map((v) => v.message.zh).join('；'),
        en: violations.map((v) => v.message.en).join('; '),
      };
      this.emit('step.blocked', null, { key: work.key, code: work.code, reason: state.blockedReason, violations });
      return;
    }
    if (result.documentNo && work.system === 'approval-document') this.approvalDocumentNo = result.documentNo;
    this.finish(state, null);
    state.data = { ...(result.documentNo ? { documentNo: result.documentNo } : {}), ...(result.note ? { note: result.note } : {}) };
    this.emit('step.completed', null, { key: work.key, code: work.code, data: state.data, comment: null });
    this.advance();
  }

  // ------------------------------------------------------------------ deadlines

  nextDeadline(): number | undefined {
    let next: number | undefined;
    const consider = (at: number) => (next = next === undefined ? at : Math.min(next, at));
    if (this.closed) return undefined;
    for (const state of this.states.values()) {
      if (state.status === 'done' || state.status === 'skipped' || state.status === 'pending' || state.status === 'returned') continue;
      for (const d of state.deadlines) if (!d.fired) consider(d.at);
    }
    for (const d of this.deficiencies) if (d.status === 'missing') consider(d.dueAt);
    return next;
  }

  fireDueDeadlines(now: number): void {
    this.now = now;
    if (this.closed) return;
    for (const [key, state] of [...this.states]) {
      if (state.status === 'done' || state.status === 'skipped' || state.status === 'pending' || state.status === 'returned') continue;
      const meta = this.metas.get(key)!;
      for (const d of state.deadlines) {
        if (d.fired || d.at > now) continue;
        d.fired = true;
        if (d.kind === 'timer') {
          this.finish(state, null);
          this.emit('step.completed', null, { key, code: meta.code, data: null, comment: null });
        } else if (d.kind === 'overdue') {
          if (state.status === 'awaiting') state.status = 'overdue';
          const event = this.emit('step.overdue', null, { key, code: meta.code, dueAt: toIso(d.at), notification: null });
          event.payload.notification = notificationOf(this.escalate(meta, meta.behaviour.overdue ?? 'step-overdue', d.at));
        } else {
          const event = this.emit('step.overdue', null, { key, code: meta.code, dueAt: toIso(d.at), escalation: 'unit-flagged', notification: null });
          event.payload.notification = notificationOf(this.escalate(meta, 'unit-flagged', d.at));
        }
      }
    }
    let newlyLate = false;
    for (const d of this.deficiencies) {
      if (d.status === 'missing' && d.dueAt <= now) {
        d.status = 'overdue';
        newlyLate = true;
        const event = this.emit('deficiency.overdue', null, { id: d.id, name: d.name, neededBy: d.neededBy, dueAt: toIso(d.dueAt), notification: null });
        const escalation: Escalation = {
          id: this.deps.newId(),
          caseId: this.caseId,
          stepKey: this.keysWhere((b) => !!b.collectsDeficiencies)[0] ?? null,
          kind: 'deficiency-overdue',
          role: 'organizer',
          unit: this.facts.unit,
          message: { zh: `容缺材料“${d.name}”逾期未补交，${d.neededBy} 暂停`, en: `Missing document "${d.name}" is overdue; ${d.neededBy} is on hold` },
          dueAt: toIso(d.dueAt),
        };
        this.escalations.push(escalation);
        event.payload.notification = notificationOf(escalation);
      }
    }
    if (newlyLate) this.refreshDeficiencyBlocks(null);
    this.advance();
  }

  private escalate(meta: StepMeta, kind: Escalation['kind'], dueAt: number): Escalation {
    const role = kind === 'unit-flagged' ? 'manager' : responsibleRole(meta) === 'system' ? 'manager' : responsibleRole(meta);
    const message: Label =
      kind === 'unit-flagged'
        ? { zh: `${this.facts.unit} 护照逾期30天未交回，暂停该单位新的出访申请`, en: `${this.facts.unit}: passport more than 30 days overdue; new applications from the unit are blocked` }
        : { zh: `${meta.name.zh}（${meta.key}）已超期`, en: `${meta.name.en} (${meta.key}) is overdue` };
    const escalation: Escalation = { id: this.deps.newId(), caseId: this.caseId, stepKey: meta.key, kind, role, unit: this.facts.unit, message, dueAt: toIso(dueAt) };
    this.escalations.push(escalation);
    return escalation;
  }

  takeEscalations(): Escalation[] {
    const out = this.escalations;
    this.escalations = [];
    return out;
  }

  /** True once after departure: the members' trips go into the frequency history. */
  takeTripRecording(): boolean {
    const out = this.tripsToRecord;
    this.tripsToRecord = false;
    return out;
  }

  takeEvents(): CaseEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  get lastSeq(): number {
    return this.seq;
  }

  // ------------------------------------------------------------------ planning and progress

  plan(now: number): Plan {
    const states: Record<string, InstanceState> = {};
    for (const inst of this.instances) {
      const s = this.states.get(inst.key)!;
      states[inst.key] = {
        status: s.status === 'returned' ? 'pending' : s.status === 'overdue' ? 'awaiting' : s.status === 'withdrawn' ? 'skipped' : s.status,
        ...(s.startedAt !== undefined ? { startedAt: s.startedAt } : {}),
        ...(s.doneAt !== undefined ? { doneAt: s.doneAt } : {}),
      };
    }
    return planCase({
      instances: this.instances,
      states,
      now,
      departureDate: this.facts.departureDate,
      calendar: this.calendar,
      atRiskThresholdWd: this.input.settings?.atRiskThresholdWd ?? DEFAULT_AT_RISK_THRESHOLD_WD,
      caseStartedAt: this.input.submittedAt,
    });
  }

  phase(plan: Plan): CasePhase {
    if (this.closed) return 'closed';
    if (this.status === 'departed') return 'post-trip';
    for (const key of plan.criticalPath) {
      const s = this.states.get(key)?.status;
      if (s !== 'done' && s !== 'skipped') return this.metas.get(key)!.phase;
    }
    return 'depart';
  }

  /**
   * Emits case.replanned when what managers see (forecast, slack, risk, phase, latest starts) changed.
   * While a critical step is late the forecast moves with the clock at every replan; with `settleWd` > 0
   * such drift alone is recorded only once the slack has moved by that much since the last record
   * (anything else that changes is recorded at once). Without it, every workflow task of a late case
   * appended a new case.replanned, whose append woke the workflow again: a loop for as long as the
   * step stayed late (docs/benchmarks.md).
   */
  replan(now: number, settleWd = 0): Plan {
    this.now = now;
    const p = this.plan(now);
    const phase = this.phase(p);
    const open = p.steps.filter((s) => s.status === 'awaiting' || s.status === 'blocked');
    const latestStarts = Object.fromEntries(open.map((s) => [s.key, s.latestStart]));
    const criticalStep = p.criticalPath.find((k) => !['done', 'skipped'].includes(this.states.get(k)?.status ?? '')) ?? null;
    const shape = JSON.stringify([p.atRisk, phase, criticalStep, latestStarts, this.status]);
    const key = JSON.stringify([p.forecastReadyAt, p.slackWd, shape]);
    const drifted = settleWd > 0 && shape === this.lastPlanShape && Math.abs(p.slackWd - this.lastPlanSlack) < settleWd;
    if (key !== this.lastPlanKey && !drifted) {
      this.lastPlanKey = key;
      this.lastPlanShape = shape;
      this.lastPlanSlack = p.slackWd;
      this.emit('case.replanned', null, {
        phase,
        status: this.status,
        forecastReadyAt: p.forecastReadyAt,
        forecastReadyDate: p.forecastReadyDate,
        slackWd: p.slackWd,
        atRisk: p.atRisk,
        criticalPath: p.criticalPath,
        criticalStep,
        latestStarts,
      });
    }
    return p;
  }

  progress(now: number, workingDaySeconds?: number): DelegationProgress {
    const p = this.plan(now);
    const planned = new Map(p.steps.map((s) => [s.key, s]));
    const steps: StepProgress[] = [];
    const describe = (meta: StepMeta, state: StepState, status: StepStatus): StepProgress => {
      const ps = planned.get(meta.key);
      return {
        key: meta.key,
        code: meta.code,
        name: meta.name,
        phase: meta.phase,
        kind: meta.kind,
        actorRole: meta.actor,
        ...(meta.memberId !== undefined ? { memberId: meta.memberId } : {}),
        ...(meta.country !== undefined ? { country: meta.country } : {}),
        status,
        durationWd: meta.durationWd,
        ...(state.blockedReason && status === 'blocked' ? { blockedReason: state.blockedReason } : {}),
        ...(state.startedAt !== undefined ? { startedAt: toIso(state.startedAt) } : {}),
        ...(state.doneAt !== undefined ? { doneAt: toIso(state.doneAt) } : {}),
        ...(state.dueAt !== undefined ? { dueAt: toIso(state.dueAt) } : {}),
        ...(ps && status !== 'done' && status !== 'skipped' ? { latestStartAt: ps.latestStart } : {}),
        critical: ps?.critical ?? false,
        ...(state.actedBy ? { actedBy: state.actedBy } : {}),
        ...(state.actedByRole ? { actedByRole: state.actedByRole as StepProgress['actedByRole'] } : {}),
        ...(state.onBehalfOf ? { onBehalfOf: state.onBehalfOf } : {}),
        ...(state.decision ? { decision: state.decision } : {}),
        ...(state.comment ? { comment: state.comment } : {}),
        ...(state.data ? { data: state.data } : {}),
        returns: state.returns,
      };
    };
    for (const [key, state] of this.states) steps.push(describe(this.metas.get(key)!, state, state.status));
    for (const { meta, state } of this.withdrawnSteps.values()) steps.push(describe(meta, state, 'withdrawn'));
    const summary = planSummary(p);
    const derived = deriveFacts(this.facts);
    return {
      caseId: this.caseId,
      workflowId: this.deps.workflowId,
      definitionVersion: this.definition.version,
      title: this.facts.title,
      unit: this.facts.unit,
      facts: this.facts,
      status: this.status,
      phase: this.phase(p),
      now: toIso(now),
      ...(workingDaySeconds ? { workingDaySeconds } : {}),
      submittedAt: this.input.submittedAt,
      departureDate: this.facts.departureDate,
      daysToDeparture: dayNumber(this.facts.departureDate) - dayNumber(shanghaiDate(now)),
      plan: summary,
      steps,
      deficiencies: this.deficiencies.map(
        (d): DeficiencyProgress => ({ id: d.id, name: d.name, neededBy: d.neededBy, dueAt: toIso(d.dueAt), status: d.status, ...(d.suppliedAt ? { suppliedAt: toIso(d.suppliedAt) } : {}) }),
      ),
      objections: this.objections.map((o) => ({ at: toIso(o.at), by: o.by, text: o.text })),
      withdrawnMembers: [...this.withdrawnMembers],
      routes: derived.routes,
      violations: this.violations,
      ...(this.approvalDocumentNo ? { approvalDocumentNo: this.approvalDocumentNo } : {}),
      lastSeq: this.seq,
    };
  }

  // ------------------------------------------------------------------ internals

  /** Keys of the live instances whose step declares a behaviour. */
  private keysWhere(declares: (b: StepMeta['behaviour']) => boolean): string[] {
    return [...this.metas.values()].filter((m) => declares(m.behaviour)).map((m) => m.key);
  }

  private openKeys(): string[] {
    return [...this.states].filter(([, s]) => s.status === 'awaiting' || s.status === 'overdue' || s.status === 'blocked').map(([k]) => k);
  }

  /** Re-derives instances from facts and runtime flags, keeping the state of every key that survives. */
  private rebuild(): void {
    this.instances = buildInstances(this.definition, this.facts, { runtime: this.runtime, settings: this.input.settings ?? {} });
    const live = new Set(this.instances.map((i) => i.key));
    for (const [key, state] of [...this.states]) {
      const meta = this.metas.get(key)!;
      if (meta.behaviour.afterDeparture) continue;
      if (!live.has(key)) {
        this.withdrawnSteps.set(key, { meta, state });
        this.states.delete(key);
        this.metas.delete(key);
      }
    }
    for (const inst of this.instances) {
      this.metas.set(inst.key, metaOfInstance(inst, this.steps.get(inst.code)!));
      if (!this.states.has(inst.key)) this.states.set(inst.key, { status: 'pending', generation: 0, deadlines: [], returns: 0 });
      const state = this.states.get(inst.key)!;
      // A condition that turned false (e.g. a route changed to visa-free) skips a step not yet done.
      if (inst.skipped && state.status !== 'done' && state.status !== 'skipped' && state.status !== 'pending' && state.status !== 'returned') {
        this.clear(state);
        state.status = 'pending';
      }
    }
  }

  /** Opens every instance whose needs are complete, records pass-through skips; repeats until stable. */
  private advance(): void {
    if (this.closed) return;
    for (let round = 0; round < 10_000; round++) {
      const states: Record<string, InstanceState> = {};
      for (const inst of this.instances) {
        const s = this.states.get(inst.key)!;
        states[inst.key] = { status: s.status === 'returned' ? 'pending' : s.status === 'overdue' ? 'awaiting' : (s.status as InstanceState['status']) };
      }
      const { ready, skipNow } = nextActions(this.instances, states);
      const postReady = this.readyPostTrip();
      if (ready.length === 0 && skipNow.length === 0 && postReady.length === 0) return;
      for (const key of skipNow) {
        const state = this.states.get(key)!;
        state.status = 'skipped';
        const meta = this.metas.get(key)!;
        this.emit('step.skipped', null, this.metaPayload(meta));
      }
      for (const key of [...ready, ...postReady]) this.open(key);
    }
  }

  private open(key: string): void {
    const meta = this.metas.get(key)!;
    const state = this.states.get(key)!;
    this.clear(state);
    state.startedAt = this.now;
    const block = this.deficiencyBlock(meta.code);
    state.status = block ? 'blocked' : 'awaiting';
    if (block) state.blockedReason = block;
    if (meta.kind === 'timer') {
      state.dueAt = this.calendar.addWorkingDays(this.now, meta.durationWd, 'end');
      state.deadlines = [{ at: state.dueAt, kind: 'timer', fired: false }];
    } else if (meta.kind !== 'system') {
      state.dueAt = this.dueOf(meta);
      state.deadlines = [{ at: state.dueAt, kind: 'overdue', fired: false }];
      const after = meta.behaviour.afterDeparture?.escalateAfterDays;
      if (after) state.deadlines.push({ at: state.dueAt + after * DAY_MS, kind: 'unit-flagged', fired: false });
    }
    this.emit('step.awaiting', null, { ...this.metaPayload(meta), startedAt: toIso(this.now), dueAt: state.dueAt !== undefined ? toIso(state.dueAt) : null });
    if (block) this.emit('step.blocked', null, { key, code: meta.code, reason: block });
  }

  private dueOf(meta: StepMeta): number {
    const rule = meta.behaviour.afterDeparture?.due;
    if (!rule) return this.calendar.addWorkingDays(this.now, Math.max(meta.durationWd, MIN_DUE_WD), 'end');
    const base = this.returnedOn ?? this.facts.returnDate;
    // End of the Shanghai day the rule lands on (00:00 of the next day, UTC+8).
    const startOfReturnDay = dayNumber(base) * DAY_MS - 8 * 3_600_000;
    if ('calendarDays' in rule) return startOfReturnDay + (rule.calendarDays + 1) * DAY_MS;
    return this.calendar.addWorkingDays(startOfReturnDay + DAY_MS, rule.workingDays, 'end');
  }

  private metaPayload(meta: StepMeta): CaseEventPayloads['step.skipped'] {
    return {
      key: meta.key,
      code: meta.code,
      name: meta.name,
      phase: meta.phase,
      kind: meta.kind,
      actorRole: responsibleRole(meta),
      memberId: meta.memberId ?? null,
      country: meta.country ?? null,
    };
  }

  private clear(state: StepState): void {
    state.startedAt = undefined;
    state.doneAt = undefined;
    state.dueAt = undefined;
    state.deadlines = [];
    state.blockedReason = undefined;
    state.systemRunning = false;
    state.decision = undefined;
    state.data = undefined;
  }

  private reset(keys: string[]): void {
    for (const key of keys) {
      const state = this.states.get(key);
      if (!state || state.status === 'pending' || state.status === 'skipped') continue;
      state.generation++;
      this.clear(state);
      state.status = 'returned';
    }
  }

  private finish(state: StepState, by: ActionBase | null): void {
    state.status = 'done';
    state.doneAt = this.now;
    state.blockedReason = undefined;
    state.systemRunning = false;
    if (by) {
      state.actedBy = by.actor.id;
      state.actedByRole = by.actor.role;
      state.onBehalfOf = by.onBehalfOf;
      state.comment = by.comment;
      if ('decision' in by) state.decision = (by as DecideStepRequest).decision;
    }
  }

  private setRoute(memberId: string, country: string, route: EntryRoute): void {
    const current = this.facts.members.find((m) => m.id === memberId);
    if (!current || entryRoute(current, country, this.facts) === route) return;
    this.facts = {
      ...this.facts,
      members: this.facts.members.map((m) => (m.id === memberId ? { ...m, routes: { ...(m.routes ?? {}), [country]: route } } : m)),
    };
    this.rebuild();
  }

  private visaRefused(country: string, memberIds: string[], by: ActionBase): void {
    const head = this.facts.members[0]?.id;
    if (head && memberIds.includes(head)) {
      this.close('failed', `visa refused for the head of delegation (${country})`, by);
      return;
    }
    this.facts = { ...this.facts, members: this.facts.members.filter((m) => !memberIds.includes(m.id)) };
    for (const id of memberIds) {
      this.withdrawnMembers.push({ memberId: id, reason: `visa-refused:${country}` });
      this.emit('member.withdrawn', by, { memberId: id, reason: `visa-refused:${country}`, memberCount: this.facts.members.length });
    }
    this.rebuild();
  }

  private depart(by: ActionBase): void {
    this.status = 'departed';
    this.tripsToRecord = true;
    this.emit('case.departed', by, {
      departedAt: toIso(this.now),
      members: this.facts.members.map((m) => m.id),
      // The members' trips join the frequency history (member_trips) from this event.
      departureDate: this.facts.departureDate,
      returnDate: this.facts.returnDate,
      trips: this.facts.members.map((m) => ({ memberId: m.id, personKey: personKey(this.facts, m) })),
    });
    // The steps after departure, from the definition; their needs are among themselves (validateDefinition).
    const part = buildInstances(this.definition, this.facts, { part: 'after-departure', runtime: this.runtime, settings: this.input.settings ?? {} });
    for (const inst of part) {
      const meta: StepMeta = { ...metaOfInstance(inst, this.steps.get(inst.code)!), durationWd: 0 };
      this.postTrip.push(meta);
      this.metas.set(inst.key, meta);
      this.states.set(inst.key, { status: 'pending', generation: 0, deadlines: [], returns: 0 });
    }
  }

  private readyPostTrip(): string[] {
    if (this.status !== 'departed') return [];
    const done = (key: string) => this.states.get(key)?.status === 'done';
    const ready = this.postTrip.filter((m) => this.states.get(m.key)!.status === 'pending' && m.needs.every(done)).map((m) => m.key);
    if (ready.length === 0 && this.postTrip.length > 0 && this.postTrip.every((m) => this.states.get(m.key)!.status === 'done')) {
      this.close('completed', 'post-trip obligations fulfilled', null);
    }
    return ready;
  }

  private close(status: CaseStatus, reason: string, by: ActionBase | null): void {
    this.status = status;
    this.closedReason = reason;
    this.emit('case.closed', by, { status, reason });
  }

  private emit<T extends CaseEventType>(type: T, by: ActionBase | null, payload: CaseEventPayloads[T]): CaseEventOf<T> {
    const event = {
      streamId: this.caseId,
      seq: ++this.seq,
      eventId: this.deps.newId(),
      type,
      actorId: by?.actor.id ?? null,
      actorRole: by?.actor.role ?? (by === null ? 'system' : null),
      onBehalfOf: by?.onBehalfOf ?? null,
      occurredAt: toIso(this.now),
      payload,
    } as CaseEventOf<T>;
    this.events.push(event);
    return event;
  }

}

/** The notification an escalation leaves, carried by its event so the notifications read model is a projection of the stream. */
function notificationOf(e: Escalation): NotificationPayload {
  return { id: e.id, stepKey: e.stepKey, kind: e.kind, role: e.role, unit: e.unit, message: e.message, dueAt: e.dueAt };
}

/** The trip-rules check's violations (everything but the per-member frequency check's). */
const isTripViolation = (v: RuleViolation): boolean => v.code !== 'FREQUENCY_EXCEEDED';
