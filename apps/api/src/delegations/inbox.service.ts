import { UsersService } from '../auth/users.service';
import { withActorNames } from '../common/actor-names';
import { Inject, Injectable } from '@nestjs/common';
import {
  ACCESS,
  processDefinitions,
  CARD_STATUS_LABELS,
  cardStepStandingRefusal,
  CASE_STATUS_LABELS,
  COUNTRIES,
  CONDITIONS,
  custodyMoveLabel,
  DEFAULT_DEFINITION,
  DECISIONS,
  departurePassedFor,
  departureNotYetFor,
  ENTERPRISE_SIZE_LABELS,
  OWNERSHIP_LABELS,
  PASSPORT_STATE_LABELS,
  PERSON_STATUS_LABELS,
  PHASE_LABELS,
  PROCESS_PHASE_LABELS,
  PROCESS_PHASES,
  PROCESSES,
  phaseLabelOf,
  PROCESS_LABELS,
  processOf,
  processOfVersion,
  PURPOSE_LABELS,
  RANK_LABELS,
  ROLE_LABELS,
  SCOPE_LABELS,
  STEP_KIND_LABELS,
  inboxReach,
  shanghaiDate,
  WHITELIST_STATE_LABELS,
  type CaseDecision,
  type ProcessDefinition,
  type StepKind,
} from '@df/domain';
import { caseClockNow, DECISION_KIND_LABELS, DECISION_KINDS, STEP_STATUS_LABELS } from '@df/contracts';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import { InboxRepository, returnKey, type InboxRow, type PublishedMember } from '@df/persistence';
import { dutiesRefusalFor, inboxSelectors, readableProcesses, type AuthUser, type UserRole } from '../auth/access';
import { parseOrThrow } from '../common/validation';
import { INCIDENT_NOTICE } from '../common/incident-notice';
import { InboxQuerySchema } from './schemas';
import { RegistriesService } from '../registries/registries.service';

// Names of the built-in definitions' steps, for rows projected before case_steps carried the case's own.
const STEP_NAMES = new Map(processDefinitions(DEFAULT_DEFINITION).flatMap((d) => d.steps.map((s) => [s.code, s.name] as const)));

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/** The caller's inbox (read models) and the process catalogue. */
@Injectable()
export class InboxService {
  constructor(
    private readonly repo: InboxRepository,
    private readonly registries: RegistriesService,
    private readonly users: UsersService,
    @Inject(API_CONFIG) private readonly config: ServiceConfig,
  ) {}

  async inbox(user: AuthUser, rawQuery: unknown) {
    const q = parseOrThrow(InboxQuerySchema, rawQuery, ['query']);
    const selectors = inboxSelectors(user.role as UserRole);
    if (selectors.length === 0)
      return { items: [], total: 0, totalIsLowerBound: false, page: q.page, pageSize: q.pageSize, actorNames: {} };
    // Unit reach and the statuses a step may be acted on in are the access table's (libs/domain/src/access.ts).
    const { rows, total, capped } = await this.repo.awaitingSteps({
      selectors,
      reach: inboxReach(user.role),
      unit: user.unit,
      caseStatuses: ACCESS.complete.statuses,
      // The processes the reader reads (mayReadProcess), as the case list holds them: whatever role a step names.
      processes: readableProcesses(user),
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
    });
    // Each case's own definition (built in, or published by the office: cached), for what a step does.
    const definitions = new Map<string, ProcessDefinition | undefined>();
    for (const v of new Set(rows.map((r) => r.definition_version))) definitions.set(v, await this.registries.processDefinition(v));
    // The reader's decisions on the page's cases: separation of duties across roles reads them (blockedFor).
    const decisions = await this.repo.decisions([...new Set(rows.map((r) => r.case_id))], user.id);
    const completesItself = (version: string, code: string) =>
      !!definitions.get(version)?.steps.find((s) => s.code === code)?.behaviour?.collectsDeficiencies;
    // A card application's own steps go forward only on its enterprise's standing: each enterprise of the page read once.
    const standings = new Map<string, Awaited<ReturnType<RegistriesService['enterpriseStanding']>>>();
    for (const unit of new Set(rows.filter((r) => processOfVersion(r.definition_version) === 'apec-card').map((r) => r.unit)))
      standings.set(unit, await this.registries.enterpriseStanding(unit));
    const offWhitelist = (r: InboxRow) => {
      const standing = standings.get(r.unit);
      const step = definitions.get(r.definition_version)?.steps.find((s) => s.code === r.code);
      const refusal = standing && step && cardStepStandingRefusal(step, true, standing.ownership, standing.state);
      return refusal ? { code: 'ENTERPRISE_STANDING', message: refusal } : null;
    };
    // The members of the page's cases with a member's step, read once: the row names its member (trial 76: A11:m1 said
    // whose it was by id alone) and the custody checks read their passports.
    const members = await this.repo.publishedMembers([...new Set(rows.filter((r) => r.member_id !== null).map((r) => r.case_id))]);
    const memberOf = (r: InboxRow) => (r.member_id === null ? undefined : members.get(r.case_id)?.find((m) => m.id === r.member_id));
    const custody = await this.custodyRefusals(rows, definitions, memberOf);
    // The page's organizer steps a return sent back (退回修改, with its reason, for the notices: trial 65). Only theirs:
    // a unit's cases, so the published progress read stays a unit's, never the office's whole portfolio.
    const returned = await this.repo.returnedSteps([...new Set(rows.filter((r) => r.actor_role === 'organizer').map((r) => r.case_id))]);
    // …named as its case's definition names the returning step, with its role (trial 71: the notice read "B04:US 退回").
    const returnedTo = (r: InboxRow) => {
      const by = r.actor_role === 'organizer' ? returned.get(returnKey(r.case_id, r.step_key)) : undefined;
      if (!by) return null;
      const code = by.stepKey.split(':')[0]!;
      const step = definitions.get(r.definition_version)?.steps.find((s) => s.code === code);
      return { ...by, name: step?.name ?? STEP_NAMES.get(code) ?? null, actorRole: step?.actor ?? null };
    };
    // The case's own day: on a time scale (WORKING_DAY_SECONDS) its clock runs ahead of the API's, as its workflow's does.
    // Read once per case of the page, and only for a row that asks (on a time scale, a walk of the calendar from the
    // case's submission: docs/benchmarks.md "The case clock in the inbox").
    const now = Date.now();
    const clocks = new Map<string, number>();
    const caseNow = (r: InboxRow): number => {
      let at = clocks.get(r.case_id);
      if (at === undefined) {
        const clock = { submittedAt: r.submitted_at.toISOString(), workingDaySeconds: this.config.workingDaySeconds };
        clocks.set(r.case_id, (at = caseClockNow(clock, now)));
      }
      return at;
    };
    const today = (r: InboxRow): string => shanghaiDate(caseNow(r));
    const items = rows.map((r) => ({
      caseId: r.case_id,
      process: processOfVersion(r.definition_version),
      title: r.title,
      unit: r.unit,
      departureDate: r.departure_date,
      caseAtRisk: r.at_risk,
      caseSlackWd: r.slack_wd,
      stepKey: r.step_key,
      code: r.code,
      name:
        r.name_zh !== null && r.name_en !== null
          ? { zh: r.name_zh, en: r.name_en }
          : (STEP_NAMES.get(r.code) ?? { zh: r.code, en: r.code }),
      phase: r.phase,
      kind: r.kind,
      actorRole: r.actor_role,
      memberId: r.member_id,
      memberName: memberOf(r)?.name ?? null,
      country: r.country,
      status: r.status,
      startedAt: iso(r.started_at),
      dueAt: iso(r.due_at),
      latestStartAt: iso(r.latest_start_at),
      // On a time scale the case's clock, which its due and latest times are in (the web's notices compare them with
      // it: forty-seventh trial, 已超期 in the inbox and no notice); in real time it is the reader's own, so not sent.
      ...(this.config.workingDaySeconds ? { caseNow: new Date(caseNow(r)).toISOString() } : {}),
      onBehalf: r.actor_role !== user.role,
      returnedBy: returnedTo(r),
      blockedFor: r.incident_open
        ? CASE_PAUSED
        : r.status === 'blocked'
          ? stepBlocked(r)
          : completesItself(r.definition_version, r.code)
            ? SUPPLY_DOCUMENTS
            : (lapsedTrip(r, definitions.get(r.definition_version), () => today(r)) ??
              offWhitelist(r) ??
              custody.get(r) ??
              blockedFor(user, r, definitions.get(r.definition_version), decisions.get(r.case_id) ?? [])),
    }));
    // Who sent a step back, by name (a returnedBy's actedBy), as the case page names them (withActorNames).
    return withActorNames(
      {
        items,
        // Counted up to INBOX_COUNT_CAP (1,000): past it `total` is 1,000 and says so (the web shows "1,000+").
        total,
        totalIsLowerBound: capped,
        page: q.page,
        pageSize: q.pageSize,
      },
      (usernames) => this.users.displayNames(usernames),
    );
  }

  /**
   * The page's passport steps whose custody move the ledger cannot make now (C06 cancel, C07 check-out: the member's
   * passport out on loan for another case, or none valid that lasts the trip): refused 409 by the action's precheck
   * (custodyMoveProblem on the member as the case's published facts hold them, the facts that precheck reads) until it
   * can, so the item says why with the refusal's words (forty-first trial: C07 offered, then refused
   * passport-checked-out). C05's registration is not here: its refusal depends on the number the officer records.
   * Every such row of the page read at once (the members as the page read them, then the ledger in two queries).
   */
  private async custodyRefusals(
    rows: readonly InboxRow[],
    definitions: ReadonlyMap<string, ProcessDefinition | undefined>,
    memberOf: (r: InboxRow) => PublishedMember | undefined,
  ) {
    const asked = rows.flatMap((r) => {
      const move = definitions.get(r.definition_version)?.steps.find((s) => s.code === r.code)?.behaviour?.custody;
      return (move === 'check-out' || move === 'cancel') && r.member_id !== null ? [{ r, move }] : [];
    });
    const out = new Map<InboxRow, { code: 'PASSPORT_CUSTODY'; message: ReturnType<typeof custodyMoveLabel> }>();
    if (asked.length === 0) return out;
    const found = asked.flatMap(({ r, move }) => {
      const member = memberOf(r);
      return member ? [{ r, move, member }] : [];
    });
    const problems = await this.registries.custodyMoveProblems(
      found.map(({ r, move, member }) => ({ action: move, caseId: r.case_id, member, returnDate: r.return_date })),
    );
    const today = shanghaiDate(Date.now());
    found.forEach(({ r }, i) => {
      const problem = problems[i];
      if (problem) out.set(r, { code: 'PASSPORT_CUSTODY', message: custodyMoveLabel(problem, today) });
    });
    return out;
  }

  catalog() {
    return {
      version: DEFAULT_DEFINITION.version,
      name: DEFAULT_DEFINITION.name ?? null,
      steps: catalogSteps(DEFAULT_DEFINITION),
      // Issue 17: every process the engine runs, the delegation chain first (the fields above are its, as before).
      processes: processDefinitions(DEFAULT_DEFINITION).map((d) => ({
        process: processOf(d),
        processLabel: PROCESS_LABELS[processOf(d)],
        version: d.version,
        name: d.name ?? null,
        steps: catalogSteps(d),
      })),
      roles: ROLE_LABELS,
      phases: PHASE_LABELS,
      // A phase as each process's cases read it (a card application's 企业申请, not 出访准备: trial 65), only the phases its
      // cases can be in (PROCESS_PHASES; trial 75: a whitelist filing named 签证办理 on the desk's board).
      phasesByProcess: Object.fromEntries(
        PROCESSES.map((pr) => [pr, Object.fromEntries(PROCESS_PHASES[pr].map((ph) => [ph, PROCESS_PHASE_LABELS[pr][ph]]))]),
      ),
      purposes: PURPOSE_LABELS,
      ranks: RANK_LABELS,
      // The one home of each label, for clients that name a code (the codes stay in the data).
      caseStatuses: CASE_STATUS_LABELS,
      stepStatuses: STEP_STATUS_LABELS,
      decisionKinds: DECISION_KIND_LABELS,
      enterpriseSizes: ENTERPRISE_SIZE_LABELS,
      ownerships: OWNERSHIP_LABELS,
      whitelistStates: WHITELIST_STATE_LABELS,
      cardStatuses: CARD_STATUS_LABELS,
      personStatuses: PERSON_STATUS_LABELS,
      passportStates: PASSPORT_STATE_LABELS,
      countries: COUNTRIES,
    };
  }
}

/**
 * A step of a case an incident stopped (an unresolved case_incidents row): every action on the case is refused 409
 * CASE_INCIDENT until operations retry it, so the item says so with the notice the case page and the refusal give
 * (thirty-ninth trial's kind: an item offered as actionable that the workflow refuses).
 */
const CASE_PAUSED = { code: 'CASE_INCIDENT', message: INCIDENT_NOTICE } as const;

/**
 * A blocked step (status blocked: a 容缺 document it needs is past its deadline): every action on it, a return
 * included, is refused 409 STEP_NOT_AWAITING until it is unblocked (the document supplied, or its deadline extended),
 * so the item says why in the workflow's words (step.blocked's reason; forty-second trial: B05 offered with
 * blockedFor null, then refused).
 */
const stepBlocked = (r: InboxRow) => {
  const why = r.blocked_reason ?? { zh: '暂不能办理', en: 'it cannot be acted on now' };
  return { code: 'STEP_BLOCKED', message: { zh: `本步骤受阻：${why.zh}`, en: `The step is blocked: ${why.en}` } } as const;
};

/**
 * A step that completes itself once every 容缺 document is in (behaviour.collectsDeficiencies, B03): completing it is
 * refused while one is missing (the engine's checkComplete), so the item says where the work is instead.
 */
const SUPPLY_DOCUMENTS = {
  code: 'SUPPLY_DOCUMENTS',
  message: {
    zh: '在案件页“容缺材料”中逐项补交（上传材料文件），补齐后本步骤自动办结',
    en: 'Supply each missing document under “Missing documents” on the case page (upload its file); this step completes itself once all are in',
  },
} as const;

/**
 * A step of a trip whose dates passed without a departure (departurePassedRefusal, the rule the workflow refuses
 * with): why completing or approving it is refused and the way on (改期 or 撤回), on the item itself; or the departure's
 * confirmation (E07) before the departure date (departureNotYetFor: NOT_BEFORE_DATE, naming the date). An approval
 * may still be returned or rejected (the web keeps its button). `today`: the case's own Shanghai date, asked only for an
 * open case's task or approval (caseClockNow: on a time scale, WORKING_DAY_SECONDS, its clock runs ahead of the API's;
 * fresh trial: the item read nothing while the workflow refused the step DEPARTURE_PASSED).
 */
function lapsedTrip(r: InboxRow, definition: ProcessDefinition | undefined, today: () => string) {
  if (r.case_status !== 'open' || (r.kind !== 'task' && r.kind !== 'approval')) return null;
  const trip = { departureDate: r.departure_date, returnDate: r.return_date };
  const steps = definition?.steps ?? [];
  // Or too early: the departure (E07) is confirmed on its day, not before (departureNotYetFor, thirty-ninth trial).
  return (
    departurePassedFor(steps, r.code, trip, today(), r.step_key) ?? departureNotYetFor(steps, r.code, r.departure_date, today()) ?? null
  );
}

/**
 * Why this user may not decide a step of their inbox: separation of duties as the workflow refuses it (dutiesRefusalFor:
 * the submitter or organizer deciding, a decision resting on their own in another role, acting as organizer after
 * deciding), so a person sees it and hands the step on (second trial: one holding two approver roles was offered A15
 * after deciding A11, which the workflow refused).
 */
function blockedFor(user: AuthUser, r: InboxRow, definition: ProcessDefinition | undefined, decisions: readonly CaseDecision[]) {
  const refusal = dutiesRefusalFor(user, {
    action: r.kind === 'approval' ? 'decide' : 'complete',
    stepKind: r.kind as StepKind,
    stepKey: r.step_key,
    definition: definition ?? { steps: [] },
    organizers: r.organizers,
    decisions,
  });
  return refusal ? { code: refusal.code, message: refusal.message } : null;
}

/** A definition's steps with their labels, as the catalog lists them. */
function catalogSteps(def: ProcessDefinition) {
  return def.steps.map((s) => ({
    code: s.code,
    name: s.name,
    phase: s.phase,
    phaseLabel: phaseLabelOf(s.phase, processOf(def)),
    actor: s.actor,
    actorLabel: ROLE_LABELS[s.actor],
    scope: s.scope,
    scopeLabel: SCOPE_LABELS[s.scope],
    kind: s.kind,
    kindLabel: STEP_KIND_LABELS[s.kind],
    needs: s.needs,
    durationWd: s.durationWd,
    ...(s.durationSource ? { durationSource: s.durationSource } : {}),
    condition: s.condition ? { name: s.condition, label: CONDITIONS[s.condition].label } : null,
    decisions: s.kind === 'approval' ? (s.behaviour?.intake?.acceptWithDeficiencies ? [...DECISION_KINDS] : [...DECISIONS]) : [],
    // The schema of the completion's data (the web's dialog asks for its fields: 'written-outcome' the outcome text).
    data: s.behaviour?.data ?? null,
    // The custody ledger's move the step makes (the web's dialog shows the member's passport on file for it).
    custody: s.behaviour?.custody ?? null,
  }));
}
