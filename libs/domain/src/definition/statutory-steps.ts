import type { ConditionName } from '../facts';
import { labelledCodes, ROLE_LABELS, SCOPE_LABELS, STEP_KIND_LABELS, type Label, type Role, type Scope, type StepKind } from '../roles';
import type { StepBehaviour } from './behaviour';
import type { DefinitionProblem, ProcessDefinition, StepDefinition } from './types';
import { neededCodes } from './validate';

/**
 * The statutory steps of the delegation chain (审护签) and what about each is fixed by regulation: who acts, what kind of
 * step it is, for whom it runs (scope, condition), its minimum duration, its post-trip deadline and the behaviour the
 * engine runs it by (the notice, certifying a day, a custody move). One table, each entry naming its source in
 * /work/shared/domain/process.md (the brief drawn from the FAO notices and regulations in /work/shared/seeds).
 *
 * A version an office publishes may lengthen a duration, shorten a deadline, add steps, rename or re-time what is not
 * here; it may not drop a step here nor weaken what its entry fixes (new-user trial, all answered 201: A13 at 0 working
 * days, A13 a task the organizer completed, A13 without objections, P02 removed or due after 3650 days, E07 not
 * certifying the departure). Steps are found by code: the code is what versions, cases, read models and diffs share.
 *
 * The statutory approvals (A11 政审, A12 保密审查, A15 单位领导签批, B06 外办主任审核, B07 按权限报批: `approvalRole`) are
 * required by role before the approval document (statutoryApprovalProblems, STATUTORY_APPROVAL_ROLES): a version may
 * name them otherwise; this table checks such a step only while it keeps its code.
 */
export interface StatutoryStep {
  code: string;
  /** The step in words, as a refusal names it. */
  name: Label;
  /** Where the rule is written: process.md section and the rule's words there. */
  source: string;
  /** The rule, as a refusal names it. */
  rule: Label;
  /** An approval required by role (statutoryApprovalProblems): its absence is reported there, not here. */
  approvalRole?: Role;
  /** The kinds it may be (who runs it: a person, the engine's timer, the engine). */
  kind?: readonly StepKind[];
  /** The roles it may be for. */
  actor?: readonly Role[];
  scope?: Scope;
  /**
   * The conditions it may run under: `null` none (it runs for every case). Another would switch it off where the rule
   * applies (A13 only for joint delegations); running it for every case instead of its own condition's is stricter.
   */
  condition?: readonly (ConditionName | null)[];
  /** The fewest working days it takes (durationWd). */
  minDurationWd?: number;
  /**
   * The steps it needs by rule, directly or through others (process.md's 53-step table, its `needs` column): a version
   * may put steps between, not cut one out (third trial: B08 rewired to need B07 alone was published, the approval
   * document no longer waiting for the 容缺 documents). A needed step the version dropped is reported here unless it
   * is a statutory step itself (its own entry, or the approvals by role, reports it).
   */
  needs?: readonly string[];
  /**
   * The only steps it may wait on, directly or through others: a post-trip obligation is due a fixed time after the
   * return (core.ts dueOf), so a step an office puts before it would hold it past its deadline (thirty-fourth trial:
   * a 20-day timer before P02 made the passport overdue while the officer could not check it in, and flagged the
   * unit). Refused at `needs`, naming the steps that hold it.
   */
  onlyAfter?: readonly string[];
  /** Among the steps every approval-document issuer (behaviour.system 'approval-document') needs, directly or not. */
  beforeApprovalDocument?: true;
  /** Behaviour declarations it must keep, leaf by leaf (`notice.objections: true`). */
  behaviour?: Pick<StepBehaviour, 'system' | 'notice' | 'certifies' | 'custody' | 'data' | 'overdue' | 'collectsDeficiencies'>;
  /** A post-trip obligation: due at the latest this long after the return; its harder deadline at most this many days after. */
  afterDeparture?: { due: { calendarDays: number } | { workingDays: number }; escalateAfterDays?: number };
}

const PERSON_KINDS: readonly StepKind[] = ['task', 'approval'];
const RULES = 'process.md § Rules the engine enforces (src)';
const STEPS = 'process.md § The 53 steps';
const AFTER = 'process.md § After departure';

// prettier-ignore
export const STATUTORY_STEPS: readonly StatutoryStep[] = [
  {
    code: 'A10', name: { zh: '任务和预算审批表', en: 'the task and budget approval' },
    source: `${STEPS}: A10 task & budget approval form (foreign affairs + finance countersign) by finance, after A09`,
    rule: { zh: '财务部门会签出访任务和预算', en: 'the finance office countersigns the task and its budget' },
    kind: ['approval'], actor: ['finance'], needs: ['A09'], condition: [null],
  },
  {
    code: 'A11', name: { zh: '政审及备案表', en: 'political review' }, approvalRole: 'personnel',
    source: `${STEPS}: A11 political review (政审) by personnel, per member; ${RULES}`,
    rule: { zh: '组织人事部门对每名成员政审', en: 'the personnel office vets every member' },
    kind: ['approval'], actor: ['personnel'], scope: 'member', needs: ['A08'], condition: [null],
  },
  {
    code: 'A12', name: { zh: '保密审查', en: 'secrecy review' }, approvalRole: 'secrecy',
    source: `${STEPS}: A12 secrecy review by the secrecy office, per member with classified access`,
    rule: { zh: '保密部门审查每名涉密成员', en: 'the secrecy office reviews every member with classified access' },
    kind: ['approval'], actor: ['secrecy'], scope: 'member', needs: ['A08'], condition: ['classifiedAccess', null],
  },
  {
    code: 'A13', name: { zh: '出访前公示', en: 'the pre-trip public notice' },
    source: `${RULES}: "Pre-trip public notice (出访前公示) ≥ 5 WD, before approval; objections block the case"; ${STEPS}: A13 system, 5 WD`,
    rule: {
      zh: '出访前公示不少于5个工作日，由系统计时，在审批前完成，公示期间可提出异议',
      en: 'the notice runs at least 5 working days on the engine’s timer, before approval, open to objections',
    },
    kind: ['timer'], actor: ['system'], needs: ['A05', 'A06'], condition: [null], minDurationWd: 5, beforeApprovalDocument: true,
    behaviour: { notice: { objections: true } },
  },
  {
    code: 'A14', name: { zh: '处理公示异议', en: 'resolving the notice objections' },
    source: `${RULES}: "objections block the case"; ${STEPS}: A14 (an objection was raised), before B07`,
    rule: {
      zh: '公示异议由人员处理完毕后方可印发任务批件',
      en: 'objections raised are resolved by a person before the approval document',
    },
    kind: PERSON_KINDS, needs: ['A13'], condition: ['objectionRaised', null], beforeApprovalDocument: true,
  },
  {
    code: 'A15', name: { zh: '单位领导签批', en: "the unit leader's sign-off" }, approvalRole: 'unit-leader',
    source: `${STEPS}: A15 unit leadership sign-off`,
    rule: { zh: '单位领导签批', en: 'the unit leader signs the request' },
    kind: ['approval'], actor: ['unit-leader'], needs: ['A07', 'A10', 'A11', 'A12'], condition: [null],
  },
  {
    code: 'A03', name: { zh: '上传邀请函及译文', en: 'the invitation letter and its translation' },
    source: `${RULES}: "Invitation letter: from a counterpart body, signed, names the invitees, purpose, dates, who pays … translation plus a note on the inviter"; ${STEPS}: A03 per country`,
    rule: { zh: '每个出访国家须有邀请函及译文', en: 'each country visited has its invitation letter and translation' },
    kind: ['task'], scope: 'country', condition: [null],
  },
  {
    code: 'A04', name: { zh: '邀请方情况说明', en: 'the note on the inviting party' },
    source: `${RULES}: "translation plus a note on the inviter"; ${STEPS}: A04 per country, after A03`,
    rule: { zh: '每个出访国家须说明邀请方情况', en: 'each country visited has a note on its inviter' },
    kind: ['task'], scope: 'country', needs: ['A03'], condition: [null],
  },
  {
    code: 'B04', name: { zh: '核实邀请函', en: 'verifying the invitation letter' },
    source: `${RULES}: "Invitation letter: from a counterpart body … not from foreign missions in China nor intermediaries"; ${STEPS}: B04 fao-reviewer, per country, after A04`,
    rule: { zh: '外办逐国核实邀请函', en: 'the FAO verifies the invitation letter of each country' },
    kind: ['approval'], actor: ['fao-reviewer'], scope: 'country', needs: ['A04'], condition: [null], beforeApprovalDocument: true,
  },
  {
    code: 'B03', name: { zh: '补齐容缺材料', en: 'supplying the missing documents' },
    source: `process.md § Who uses it: 容缺办, "each missing document has a deadline … before the case blocks at the step that needs it"; ${STEPS}: B03 supplement missing documents (deadline 2 WD), after B02, for a case accepted with deficiencies`,
    rule: {
      zh: '容缺受理的案件由此步骤收齐缺件，补齐后自动办结，任务批件在其后印发',
      en: 'a case accepted with deficiencies collects its missing documents here, completed once all are supplied, before the approval document',
    },
    // The engine completes it once every missing document is in (collectsDeficiencies) and refuses a manual completion
    // before; B08 waits on it (fresh tester: a version without the declaration let the organizer complete B03 with
    // nothing supplied, and B08 stayed blocked for ever). Its condition is what makes it run for such a case. The
    // organizer's task: a system timer completed itself with a document overdue and the approval document followed
    // (second fresh tester).
    kind: ['task'], actor: ['organizer'], needs: ['B02'], condition: ['acceptedWithDeficiencies', null],
    behaviour: { collectsDeficiencies: true },
  },
  {
    code: 'B06', name: { zh: '外办主任审核', en: "the FAO director's review" }, approvalRole: 'fao-director',
    source: `${STEPS}: B06 FAO director review`,
    rule: { zh: '外办主任审核', en: 'the FAO director reviews the trip' },
    kind: ['approval'], actor: ['fao-director'], needs: ['B05'], condition: [null],
  },
  {
    code: 'B07', name: { zh: '按权限报批', en: 'approval by the competent leader' }, approvalRole: 'leader',
    source: `${STEPS}: B07 approval at the authority level`,
    rule: { zh: '按权限报领导审批', en: 'the leader with authority approves the trip' },
    kind: ['approval'], actor: ['leader'], needs: ['B06', 'A13', 'A14'], condition: [null],
  },
  {
    code: 'B08', name: { zh: '印发任务批件', en: 'issuing the approval document' },
    source: `${STEPS}: B08 issue the approval document (任务批件), system, after B07; process.md § Who uses it: 容缺办, "each missing document has a deadline … before the case blocks at the step that needs it" (B03, since 2027.2 before B08)`,
    rule: {
      zh: '任务批件由系统在全部法定审批之后印发',
      en: 'the engine issues the approval document, after every statutory approval',
    },
    kind: ['system'], actor: ['system'], needs: ['B07', 'B03'], condition: [null], behaviour: { system: 'approval-document' },
  },
  {
    code: 'C04', name: { zh: '审核护照申请', en: "the review of the passport application" },
    source: `${RULES}: "Passport must be valid ≥ 6 months past the return date, else a new one"; ${STEPS}: C04 passport-officer, per member, after C02, C03 and B08 (trial 86: dropped and published)`,
    rule: { zh: '需办新护照的成员，护照申请由外办护照处审核', en: "a member's application for a new passport is reviewed by the FAO's passport section" },
    kind: ['approval'], actor: ['passport-officer'], scope: 'member', needs: ['C02', 'C03', 'B08'], condition: ['newPassportNeeded', null],
  },
  {
    code: 'C06', name: { zh: '注销旧护照', en: 'cancelling the old passport' },
    source: `${RULES}: "Passport must be valid ≥ 6 months past the return date, else a new one (old one cancelled). One valid official passport per person"`,
    rule: { zh: '换发新护照的成员，旧护照在保管登记中注销', en: "a replaced passport is cancelled in the custody ledger, per member" },
    scope: 'member', needs: ['C05'], condition: ['passportReplaced'], behaviour: { custody: 'cancel' },
  },
  {
    code: 'C07', name: { zh: '护照出库', en: 'checking the passport out of custody' },
    source: 'process.md § Who uses it: "Official passports held in custody (公务普通护照委托保管): checked out for a trip, returned within 7 days of return"',
    rule: { zh: '因公护照委托保管，出访时逐人出库登记', en: 'official passports are held in custody and checked out per member for a trip' },
    actor: ['passport-officer'], scope: 'member', needs: ['C01', 'C05'], condition: [null], behaviour: { custody: 'check-out' },
  },
  {
    code: 'D01', name: { zh: '确定入境方式', en: 'the entry route' },
    source: `${RULES}: "visa-free destinations need an exit certificate (出境证明)"; ${STEPS}: D01 visa-officer, per member and country, data entry-route (visa, visa-free, e-visa, APEC card), which the visa steps' conditions read (trial 86: dropped and published)`,
    rule: { zh: '签证处逐人逐国确定入境方式（签证、免签、电子签、APEC卡）', en: 'the visa section decides the entry route per member and country' },
    actor: ['visa-officer'], scope: 'member-country', needs: ['A06', 'C01'], condition: [null], behaviour: { data: 'entry-route' },
  },
  {
    code: 'D02', name: { zh: '出境证明', en: 'the exit certificate' },
    source: `${RULES}: "visa-free destinations need an exit certificate (出境证明)"; ${STEPS}: D02 per member and country, visa-free route, after D01 and B08`,
    rule: { zh: '免签入境须办出境证明', en: 'a visa-free entry needs an exit certificate' },
    kind: ['task'], scope: 'member-country', needs: ['D01', 'B08'], condition: ['visaFreeRoute', null],
  },
  {
    code: 'D12', name: { zh: '使馆审理', en: "the embassy's decision" },
    source: `${RULES}: "Typical visa processing for official passports (WD) … per country"; ${STEPS}: D12 embassy processing, per country, its outcome granted or refused (a refusal withdraws the members named; trial 86: dropped and published)`,
    rule: { zh: '须记录使馆对签证申请的审理结果（签发或拒签）', en: "the embassy's decision on the visa application is recorded (granted or refused)" },
    scope: 'country', needs: ['D09'], condition: ['visaNeeded', null], behaviour: { data: 'external-outcome' },
  },
  {
    code: 'D13', name: { zh: '领取并核对签证', en: 'collecting and checking the visa' },
    source: `${STEPS}: D13 visa-officer, per member and country, after D12: names, dates, entries (data visa-issued, checked against the stay; trial 86: dropped and published)`,
    rule: { zh: '签证领取后逐人逐国核对姓名、有效期和入境次数', en: "each member's visa is checked for names, validity and entries against the stay" },
    actor: ['visa-officer'], scope: 'member-country', needs: ['D12'], condition: ['visaNeeded', null], behaviour: { data: 'visa-issued' },
  },
  {
    code: 'E07', name: { zh: '确认出发', en: 'the departure confirmation' },
    source: `${STEPS}: E07 departure confirmed; ${AFTER}: "After departure the same case goes on"`,
    rule: {
      zh: '确认出发证明出发日，出发后的义务由此开始',
      en: 'it certifies the departure day, from which the post-trip obligations run',
    },
    kind: ['task'], needs: ['E01', 'E02', 'E03', 'E05', 'E06', 'D11'], condition: [null], behaviour: { certifies: { event: 'departure' } },
  },
  {
    code: 'P01', name: { zh: '回国登记', en: 'the return registration' },
    source: `${AFTER}: return registration; ${RULES}: the custody and report deadlines count from the return (P02, P03 and P04 wait on it: its due, 1 working day in the chain, may not outrun theirs; trial 35: 100 working days published)`,
    rule: { zh: '回国登记证明回国日，交回护照和出访报告的期限由此起算', en: 'it certifies the return day the post-trip deadlines count from' },
    kind: ['task'], condition: [null], behaviour: { certifies: { event: 'return' } }, onlyAfter: [],
    afterDeparture: { due: { workingDays: 1 } },
  },
  {
    code: 'P02', name: { zh: '护照交回保管', en: 'the passport back in custody' },
    source: `${RULES}: "Passport back in custody within 7 calendar days after return; > 30 days overdue blocks the custodian unit's new applications"`,
    rule: {
      zh: '回国后7日内逐人交回护照保管，逾期超过30天暂停本单位新的出访申请',
      en: "each member's passport back in custody within 7 calendar days of return; over 30 days overdue blocks the unit",
    },
    kind: ['task'], actor: ['passport-officer'], scope: 'member', condition: [null], needs: ['P01'], onlyAfter: ['P01'],
    behaviour: { custody: 'check-in', overdue: 'passport-overdue' },
    afterDeparture: { due: { calendarDays: 7 }, escalateAfterDays: 30 },
  },
  {
    code: 'P03', name: { zh: '出访报告', en: 'the trip report' },
    source: `${RULES}: "Trip report within 15 WD after return"`,
    rule: { zh: '回国后15个工作日内提交出访报告', en: 'the trip report within 15 working days of return' },
    kind: ['task'], needs: ['P01'], onlyAfter: ['P01'], condition: [null], behaviour: { data: 'trip-report', overdue: 'report-overdue' },
    afterDeparture: { due: { workingDays: 15 } },
  },
  {
    code: 'P04', name: { zh: '出访成果公开', en: 'the public disclosure of results' },
    source: `${RULES}: "public disclosure of results within 1 month"`,
    rule: { zh: '回国后1个月内公开出访成果', en: 'the results disclosed within a month of return' },
    kind: ['task'], actor: ['organizer'], needs: ['P03'], onlyAfter: ['P01', 'P03'], condition: [null], afterDeparture: { due: { calendarDays: 30 } },
  },
];

/** The leaves of a behaviour declaration, as paths under `behaviour` (`notice.objections`) with their values. */
function leaves(value: unknown, path: string): Array<[string, unknown]> {
  if (typeof value !== 'object' || value === null) return [[path, value]];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, `${path}.${k}`));
}

function at(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((o, k) => (typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[k] : undefined), value);
}

const unitOf = (due: object): 'calendarDays' | 'workingDays' => ('calendarDays' in due ? 'calendarDays' : 'workingDays');
const UNIT = { calendarDays: { zh: '日', en: 'calendar days' }, workingDays: { zh: '个工作日', en: 'working days' } } as const;

/**
 * Whether a post-trip deadline `due` (as published) is at most `max`: the same unit, no more; a deadline in working
 * days may also be given in as many calendar days or fewer (never later), not the other way round (7 working days
 * run past 7 calendar days).
 */
function dueWithin(due: unknown, max: StatutoryStep['afterDeparture'] & object): boolean {
  if (typeof due !== 'object' || due === null) return false;
  const d = due as Record<string, unknown>;
  const n = Object.keys(d).length === 1 ? (d.calendarDays ?? d.workingDays) : undefined;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return false;
  const [unit, limit] = 'calendarDays' in max.due ? ['calendarDays', max.due.calendarDays] : ['workingDays', max.due.workingDays];
  return unit === 'calendarDays' ? d.calendarDays === n && n <= limit : n <= limit;
}

/** The codes of the statutory steps (a need that is one of them is reported by its own entry when dropped). */
const STATUTORY_CODES: ReadonlySet<string> = new Set(STATUTORY_STEPS.map((e) => e.code));

/**
 * Every way `def` drops or weakens a statutory step (STATUTORY_STEPS), as problems of code STATUTORY_STEP (rule
 * `statutory-step`): at `steps` for a step dropped, at `steps[i].<field>` for a field
 * it weakens (kind, actor, scope, condition, durationWd, behaviour.<…>), at the approval-document issuer's `needs` for a
 * step that no longer comes before it. Only the delegation chain has them: the APEC processes pass. Checked where a
 * version is published (loadDefinition), not in the workflow's start check: definitions of running cases stay.
 */
export function statutoryStepProblems(def: ProcessDefinition): DefinitionProblem[] {
  if ((def.process ?? 'delegation') !== 'delegation') return [];
  const problems: DefinitionProblem[] = [];
  const indexOf = new Map<string, number>();
  def.steps.forEach((s, i) => {
    if (!indexOf.has(s.code)) indexOf.set(s.code, i);
  });
  const issuers = def.steps.map((s, i) => [s, i] as const).filter(([s]) => s.behaviour?.system === 'approval-document');
  const ancestors = (issuer: StepDefinition): Set<string> => neededCodes(def, issuer);
  /** Steps by name and code, in one language (`出访报告（P03）、…` / `Trip report (P03), …`); a code the version lacks by itself. */
  const named = (lang: 'zh' | 'en', codes: readonly string[]): string =>
    codes
      .map((code) => {
        const name = indexOf.has(code) ? def.steps[indexOf.get(code)!]!.name[lang] : undefined;
        if (!name) return code;
        return lang === 'zh' ? `${name}（${code}）` : `${name} (${code})`;
      })
      .join(lang === 'zh' ? '、' : ', ');
  const statutory = (entry: StatutoryStep): Label => ({
    zh: `法定：${entry.name.zh}，${entry.rule.zh}；版本不得删去或放宽`,
    en: `statutory: ${entry.name.en}, ${entry.rule.en}; a version may not drop or weaken it`,
  });

  for (const entry of STATUTORY_STEPS) {
    const index = indexOf.get(entry.code);
    const law = statutory(entry);
    if (index === undefined) {
      if (!entry.approvalRole)
        problems.push({
          code: 'STATUTORY_STEP',
          step: entry.code,
          path: 'steps',
          text: { zh: `须保留步骤 ${entry.code}（${law.zh}）`, en: `Must keep step ${entry.code} (${law.en})` },
          message: `step ${entry.code} (${entry.name.en}) is missing; it is statutory (${entry.source})`,
        });
      continue;
    }
    const step = def.steps[index]!;
    const refuse = (field: string, need: Label, got: unknown) =>
      problems.push({
        code: 'STATUTORY_STEP',
        step: entry.code,
        path: `steps[${index}].${field}`,
        text: { zh: `${need.zh}（${law.zh}）`, en: `${need.en} (${law.en})` },
        message: `step ${entry.code}: '${field}' ${JSON.stringify(got) ?? 'absent'} weakens a statutory rule (${entry.source})`,
      });
    if (entry.kind && !entry.kind.includes(step.kind)) {
      const kinds = labelledCodes(entry.kind, STEP_KIND_LABELS);
      refuse('kind', { zh: `步骤类型须为 ${kinds.zh}`, en: `Must be of kind ${kinds.en}` }, step.kind);
    }
    if (entry.actor && !entry.actor.includes(step.actor)) {
      const roles = labelledCodes(entry.actor, ROLE_LABELS);
      refuse('actor', { zh: `办理角色须为 ${roles.zh}`, en: `Must be for ${roles.en}` }, step.actor);
    }
    if (entry.scope && step.scope !== entry.scope) {
      const scope = labelledCodes([entry.scope], SCOPE_LABELS);
      refuse('scope', { zh: `办理范围须为 ${scope.zh}`, en: `Must have scope ${scope.en}` }, step.scope);
    }
    if (entry.condition && !entry.condition.includes(step.condition ?? null)) {
      const conditions = entry.condition.filter((c) => c !== null);
      refuse(
        'condition',
        conditions.length === 0
          ? { zh: '不得设条件（每个案件都须办理）', en: 'Must have no condition (it runs for every case)' }
          : {
              zh: `条件须为 ${conditions.join('、')}${entry.condition.includes(null) ? '，或不设条件' : ''}`,
              en: `Must have condition ${conditions.map((c) => `'${c}'`).join(', ')}${entry.condition.includes(null) ? ' or none' : ''}`,
            },
        step.condition,
      );
    }
    const before = neededCodes(def, step);
    if (entry.needs) {
      const missing = entry.needs.filter((code) => !before.has(code) && (indexOf.has(code) || !STATUTORY_CODES.has(code)));
      if (missing.length > 0) {
        refuse(
          'needs',
          {
            zh: `须在${named('zh', missing)}之后办理（直接或经其他步骤）`,
            en: `Must come after ${named('en', missing)} (directly or through other steps)`,
          },
          step.needs,
        );
      }
    }
    if (entry.onlyAfter) {
      const allowed = new Set(entry.onlyAfter);
      const holding = [...before].filter((code) => !allowed.has(code)).sort();
      if (holding.length > 0) {
        refuse(
          'needs',
          entry.onlyAfter.length === 0
            ? {
                zh: `不得等待其他步骤（现等待 ${named('zh', holding)}）`,
                en: `May wait on no other step (it waits on ${named('en', holding)})`,
              }
            : {
                zh: `只能在${named('zh', entry.onlyAfter)}之后办理，不得等待 ${named('zh', holding)}（直接或经其他步骤），否则会延误回国后的法定期限`,
                en: `May wait only on ${named('en', entry.onlyAfter)}, not on ${named('en', holding)} (directly or through others): they would hold it past its deadline after the return`,
              },
          step.needs,
        );
      }
    }
    if (entry.minDurationWd !== undefined && !(step.durationWd >= entry.minDurationWd))
      refuse(
        'durationWd',
        { zh: `须不少于${entry.minDurationWd}个工作日`, en: `Must be at least ${entry.minDurationWd} working days` },
        step.durationWd,
      );
    for (const [leaf, want] of leaves(entry.behaviour ?? {}, 'behaviour')) {
      const got = at(step, leaf);
      if (got !== want) refuse(leaf, { zh: `须为 ${JSON.stringify(want)}`, en: `Must be ${JSON.stringify(want)}` }, got);
    }
    if (entry.afterDeparture) {
      const { due, escalateAfterDays } = entry.afterDeparture;
      const unit = UNIT[unitOf(due)];
      const n = 'calendarDays' in due ? due.calendarDays : due.workingDays;
      const declared = step.behaviour?.afterDeparture;
      if (!dueWithin(declared?.due, entry.afterDeparture))
        refuse(
          'behaviour.afterDeparture.due',
          {
            zh: `须在回国后${n}${unit.zh}内到期（{ "${unitOf(due)}": ≤ ${n} }）`,
            en: `Must be due within ${n} ${unit.en} of the return ({ "${unitOf(due)}": ≤ ${n} })`,
          },
          declared?.due,
        );
      const escalate: unknown = declared?.escalateAfterDays;
      // From 1: the engine escalates escalateAfterDays after the due, and 0 escalates never (core.ts `open`).
      if (
        escalateAfterDays !== undefined &&
        !(Number.isInteger(escalate) && (escalate as number) >= 1 && (escalate as number) <= escalateAfterDays)
      )
        refuse(
          'behaviour.afterDeparture.escalateAfterDays',
          { zh: `须为1至${escalateAfterDays}的整天数`, en: `Must be whole days from 1 to ${escalateAfterDays}` },
          escalate,
        );
    }
    if (entry.beforeApprovalDocument && !entry.behaviour?.notice)
      for (const [issuer, i] of issuers) {
        const before = ancestors(issuer);
        // The notice's own place before the document is statutoryApprovalProblems' (public-notice); a step hanging on
        // the notice (A14) is reported only while the notice comes first, so one cut is one problem.
        const noticeFirst = def.steps.some((s) => s.behaviour?.notice && before.has(s.code));
        if (before.has(entry.code) || !noticeFirst) continue;
        problems.push({
          code: 'STATUTORY_STEP',
          step: issuer.code,
          path: `steps[${i}].needs`,
          text: {
            zh: `印发任务批件前须经过：${entry.name.zh}（${entry.code}）（${law.zh}）`,
            en: `The approval document must follow ${entry.name.en} (${entry.code}) (${law.en})`,
          },
          message: `step ${issuer.code} issues the approval document without ${entry.code} before it (${entry.source})`,
        });
      }
  }
  return problems;
}

/**
 * The same minimum durations for an office's settings (`stepDurations.A13: 0` would shorten the notice as surely as
 * its durationWd): STATUTORY_STEP at `stepDurations.<code>`, the path validateOverrides' problems take: validateOverrides
 * (overrides.ts) asks it for the chain's settings.
 */
export function statutoryDurationOverrideProblems(stepDurations: unknown): DefinitionProblem[] {
  if (typeof stepDurations !== 'object' || stepDurations === null || Array.isArray(stepDurations)) return [];
  return STATUTORY_STEPS.flatMap((entry): DefinitionProblem[] => {
    const wd: unknown = (stepDurations as Record<string, unknown>)[entry.code];
    if (entry.minDurationWd === undefined || typeof wd !== 'number' || wd >= entry.minDurationWd) return [];
    return [
      {
        code: 'STATUTORY_STEP',
        step: entry.code,
        path: `stepDurations.${entry.code}`,
        text: {
          zh: `须不少于${entry.minDurationWd}个工作日（法定：${entry.name.zh}，${entry.rule.zh}；版本不得删去或放宽）`,
          en: `Must be at least ${entry.minDurationWd} working days (statutory: ${entry.name.en}, ${entry.rule.en}; a version may not drop or weaken it)`,
        },
        message: `settings: 'stepDurations.${entry.code}' ${wd} is below the statutory ${entry.minDurationWd} working days (${entry.source})`,
      },
    ];
  });
}

/** For a refusal or the docs: a step's statutory entry, by code (undefined when it has none). */
export const statutoryStep = (code: string): StatutoryStep | undefined => STATUTORY_STEPS.find((s) => s.code === code);
