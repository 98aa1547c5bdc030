import { addDays, addMonths, dayNumber, isIsoDate } from '../dates';
import { fittedTitle, type CaseFacts, type Member } from '../facts';
import { PHASE_LABELS, type CasePhase, type Label } from '../roles';
import { outcomeRefuses, type StepBehaviour } from './behaviour';
import type { ProcessDefinition, StepDefinition } from './types';

/**
 * The APEC Business Travel Card (APEC商务旅行卡) application as a second process definition run by the same
 * engine as the delegation chain (issue 17). The engine's scopes carry it unchanged: the applicants are the
 * case's members (per-member steps), the economies applied for are its countries (per-economy steps, like the
 * per-country visa steps). Source: /work/shared/domain/process.md (card valid 5 years, renewed within the 6
 * months before expiry, whitelist for non-state enterprises with lowered thresholds for small and micro firms).
 */

/** Which process a definition runs: the delegation chain (审护签), the APEC card application or the whitelist admission. */
export const PROCESSES = ['delegation', 'apec-card', 'apec-whitelist'] as const;
export type ProcessKind = (typeof PROCESSES)[number];

export const PROCESS_LABELS: Record<ProcessKind, Label> = {
  delegation: { zh: '因公出国（境）审护签', en: 'Outbound delegation' },
  'apec-card': { zh: 'APEC商务旅行卡申请', en: 'APEC business travel card application' },
  'apec-whitelist': { zh: 'APEC卡企业白名单准入', en: 'APEC card enterprise whitelist admission' },
};

/**
 * The day a case of each process is planned back from, which its `departureDate` holds: a trip's departure, a card
 * application's needed-by day, a whitelist filing's decision due day (process.md; docs/apec.md).
 */
export const TARGET_DAY_LABELS: Record<ProcessKind, Label> = {
  delegation: { zh: '出发日期', en: 'Departure' },
  'apec-card': { zh: '需用卡日期', en: 'Needed by' },
  'apec-whitelist': { zh: '决定期限', en: 'Decision due' },
};

/**
 * The day a board's period or an export's column over cases of `processes` reads (their `departureDate`): the one
 * process's own (TARGET_DAY_LABELS), or for several 目标日期 naming each one's (trial 75: the APEC desk's board and export
 * read 出发日期 over card applications, whose day is the one the cards are needed by).
 */
export function targetDayLabel(processes: readonly ProcessKind[]): Label {
  const [only] = processes;
  if (processes.length === 1 && only) return TARGET_DAY_LABELS[only];
  return {
    zh: `目标日期（${processes.map((p) => TARGET_DAY_LABELS[p].zh).join('、')}）`,
    en: `Target day (${processes.map((p) => TARGET_DAY_LABELS[p].en).join(', ')})`,
  };
}

/**
 * A phase's label in a case of each process: a card application or a whitelist filing has no trip to prepare, no visa
 * and no departure, so its phases read as what its steps do there (trial 65: a card application read 出访准备 on the
 * board). The phases themselves (the codes, the board's order) are one set for every process.
 */
export const PROCESS_PHASE_LABELS: Record<ProcessKind, Record<CasePhase, Label>> = {
  delegation: PHASE_LABELS,
  'apec-card': {
    ...PHASE_LABELS,
    prepare: { zh: '企业申请', en: 'Enterprise application' },
    review: { zh: '外办审核', en: 'FAO review' },
    visa: { zh: '经济体预审', en: 'Pre-clearance by the economies' },
    depart: { zh: '制卡与交付', en: 'Card issue and handover' },
  },
  'apec-whitelist': {
    ...PHASE_LABELS,
    prepare: { zh: '企业申报', en: 'Enterprise filing' },
    review: { zh: '外办审核', en: 'FAO review' },
  },
};

/** `phase`'s label in a case of `process` (PROCESS_PHASE_LABELS); an unknown process reads as a trip's. */
export const phaseLabelOf = (phase: CasePhase, process: string): Label =>
  (PROCESS_PHASE_LABELS[process as ProcessKind] ?? PHASE_LABELS)[phase];

/** The processes as an API document says them: `delegation (因公出国（境）审护签), apec-card (…), …`. */
export const PROCESSES_SAID = PROCESSES.map((p) => `${p} (${PROCESS_LABELS[p].zh})`).join(', ');

/** What `departureDate` holds, per process, as an API document says it. */
export const TARGET_DAY_SAID = `YYYY-MM-DD, the day the case is planned back from: ${PROCESSES.map((p) => `${p} its ${TARGET_DAY_LABELS[p].en.toLowerCase()} day (${TARGET_DAY_LABELS[p].zh})`).join(', ')}`;

export const APEC_CARD_DEFINITION_VERSION = 'apec-2027.1';

/** A card is valid this many years from issue (process.md). */
export const APEC_CARD_VALIDITY_YEARS = 5;
/** Renewal opens this many months before the card expires (process.md). */
export const APEC_RENEWAL_MONTHS = 6;

/**
 * Pre-clearance (预审) working days per economy: the economy's own external duration, as the embassy processing
 * days are for the visa steps. Reasonable defaults (the national card office quotes 2-3 months overall); an
 * economy absent here takes the step's durationWd.
 */
// prettier-ignore
export const APEC_PRECLEARANCE_WD: Readonly<Record<string, number>> = {
  AU: 15, BN: 10, CL: 20, HK: 10, ID: 20, JP: 20, KR: 15, MY: 10, MX: 25, NZ: 15, PE: 20, PH: 20, PG: 25,
  RU: 25, SG: 10, TH: 15, TW: 15, VN: 20,
};

type Row = [
  code: string,
  phase: StepDefinition['phase'],
  zh: string,
  en: string,
  actor: StepDefinition['actor'],
  scope: StepDefinition['scope'],
  needs: string,
  wd: number,
  kind: StepDefinition['kind'],
];

// Phases reuse the chain's (prepare = the enterprise's part, review = the FAO's, visa = the economies'
// pre-clearance, depart = issue and hand-over): the read models, board and web already know them.
// prettier-ignore
const ROWS: Row[] = [
  ['K01', 'prepare', '申请人资料（取自企业人员名册）', 'Applicant data from the enterprise staff roster', 'enterprise-clerk', 'member', '', 0.5, 'task'],
  ['K02', 'prepare', '企业确认申请', 'Enterprise confirms the application', 'enterprise-clerk', 'delegation', 'K01', 0.5, 'task'],
  ['K03', 'review', '外办APEC窗口审核', 'FAO APEC desk review', 'apec-desk', 'delegation', 'K02', 2, 'approval'],
  ['K04', 'review', '报送国家APEC卡办理机构', 'Submit to the national card office', 'apec-desk', 'delegation', 'K03', 0.5, 'task'],
  ['K05', 'visa', '经济体预审', 'Pre-clearance by the economy', 'apec-desk', 'country', 'K04', 15, 'external'],
  ['K06', 'depart', '国家APEC卡办理机构制发卡片', 'Card issued by the national card office', 'apec-desk', 'member', 'K05', 5, 'external'],
  ['K07', 'depart', '登记APEC卡（卡片登记簿）', 'Record the card in the cards registry', 'system', 'member', 'K06', 0, 'system'],
  ['K08', 'depart', '向企业交付卡片', 'Hand the cards over to the enterprise', 'apec-desk', 'delegation', 'K07', 0.5, 'task'],
];

/** What the card steps do beyond "their role completes them" (behaviour.ts). */
// prettier-ignore
export const APEC_STEP_BEHAVIOURS: Record<string, StepBehaviour> = {
  // The economy's answer: granted (default) or refused for the members listed (all when none are); a refusal
  // leaves the economy off those members' cards, it does not end the application.
  // A member every economy refused gets no card: they leave the case (their K06 and K07 are not offered), and an
  // application no economy cleared for anyone fails (behaviour.ts 'member-everywhere').
  K05: { data: 'external-outcome', outcome: { mayFail: 'member-everywhere' } },
  K07: { system: 'apec-card-register' },
  K08: { closes: true },
};

function toStep([code, phase, zh, en, actor, scope, needs, wd, kind]: Row): StepDefinition {
  const behaviour = APEC_STEP_BEHAVIOURS[code];
  return {
    code,
    phase,
    name: { zh, en },
    actor,
    scope,
    needs: needs ? needs.split(',') : [],
    durationWd: wd,
    kind,
    ...(code === 'K05' ? { durationSource: 'apec-preclearance' as const } : {}),
    ...(behaviour ? { behaviour } : {}),
  };
}

export const APEC_CARD_DEFINITION: ProcessDefinition = {
  version: APEC_CARD_DEFINITION_VERSION,
  process: 'apec-card',
  name: PROCESS_LABELS['apec-card'],
  steps: ROWS.map(toStep),
};

/** The process a definition runs (absent: the delegation chain, as every definition before issue 17). */
export const processOf = (def: Pick<ProcessDefinition, 'process'>): ProcessKind => def.process ?? 'delegation';

/** Published versions of the card definition (read models know a case's process by its definition_version). */
export const APEC_CARD_VERSIONS: readonly string[] = [APEC_CARD_DEFINITION_VERSION];

// processOfVersion (every process's versions): apec-whitelist.ts.

// ---------------------------------------------------------------------------------------------
// Cards

/** The day a card issued on `issuedOn` expires: 5 years on, the day before the anniversary. */
export function cardValidUntil(issuedOn: string): string {
  return addDays(addMonths(issuedOn, 12 * APEC_CARD_VALIDITY_YEARS), -1);
}

/** The day renewal opens: 6 months before `validUntil` (same day of the month, clamped). */
export function renewalOpensOn(validUntil: string): string {
  return addMonths(validUntil, -APEC_RENEWAL_MONTHS);
}

export const CARD_STATUSES = ['valid', 'renewal-open', 'expired', 'lost', 'cancelled'] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];
export const CARD_STATUS_LABELS: Record<CardStatus, Label> = {
  valid: { zh: '有效', en: 'Valid' },
  'renewal-open': { zh: '可换卡', en: 'Renewal open' },
  expired: { zh: '已过期', en: 'Expired' },
  lost: { zh: '已挂失', en: 'Lost' },
  cancelled: { zh: '已注销', en: 'Cancelled' },
};

/**
 * The economies a member's card carries: those applied for whose pre-clearance (K05's completion data per economy,
 * `outcomes`) did not refuse the member (outcomeRefuses). Empty: no economy cleared, no card to issue or register.
 */
export function clearedEconomies(
  economies: readonly string[],
  outcomes: ReadonlyMap<string, Readonly<Record<string, unknown>> | null>,
  memberId: string,
): string[] {
  return economies.filter((c) => !outcomeRefuses(outcomes.get(c), memberId));
}

/** A card as the delegation chain reads it (Member.apecCard): usable while valid, for its cleared economies. */
export function cardUsableOn(card: { status: CardStatus; validUntil: string }, day: string): boolean {
  return (card.status === 'valid' || card.status === 'renewal-open') && isIsoDate(day) && dayNumber(card.validUntil) >= dayNumber(day);
}

/**
 * The cards that bar their holder from a new card application: usable on `day` (cardUsableOn: valid or renewal open,
 * not expired), other than the card the application renews (`renews`: its number or ref). A holder renews a valid card
 * inside its renewal window; a second card is never issued beside it (trial: a holder of a valid card applied without
 * `renews` and got a second one). An expired, lost or cancelled card bars nothing.
 */
export function cardsBarringApplication<C extends { number: string; ref?: string | null; status: CardStatus; validUntil: string }>(
  cards: readonly C[],
  day: string,
  renews?: string,
): C[] {
  const named = renews?.toLowerCase();
  return cards.filter((c) => cardUsableOn(c, day) && c.number !== renews && (named === undefined || c.ref?.toLowerCase() !== named));
}

/** Why a person holding `card` (cardsBarringApplication) may not apply for another: renew it instead, from the day renewal opens. */
export function holdsCardMessage(person: { name: string; personId: string }, card: { validUntil: string }): Label {
  const opens = renewalOpensOn(card.validUntil);
  return {
    zh: `${person.name}（${person.personId}）持有有效的APEC商务旅行卡（有效期至 ${card.validUntil}）：不另行申请新卡，请在续办期内（${opens} 起）续办该卡（renews）`,
    en: `${person.name} (${person.personId}) holds a valid APEC business travel card (valid until ${card.validUntil}): do not apply for another; renew that card (renews) within its renewal window, from ${opens}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Enterprises and the whitelist

export const OWNERSHIPS = ['state', 'non-state'] as const;
export type Ownership = (typeof OWNERSHIPS)[number];
export const OWNERSHIP_LABELS: Record<Ownership, Label> = {
  state: { zh: '国有', en: 'State-owned' },
  'non-state': { zh: '非国有', en: 'Non-state' },
};
export const ENTERPRISE_SIZES = ['large', 'medium', 'small', 'micro'] as const;
export type EnterpriseSize = (typeof ENTERPRISE_SIZES)[number];
export const ENTERPRISE_SIZE_LABELS: Record<EnterpriseSize, Label> = {
  large: { zh: '大型', en: 'Large' },
  medium: { zh: '中型', en: 'Medium' },
  small: { zh: '小型', en: 'Small' },
  micro: { zh: '微型', en: 'Micro' },
};

/**
 * What makes a unit a government unit, never an APEC card enterprise (PUT /api/apec/enterprises/:unit, 422 `path.unit`
 * `government-unit`, naming each): one of the office's own departments; a unit that sent delegations; one with users of
 * a government role (GOVERNMENT_UNIT_ROLES: trial, a bureau that never sent a delegation was registered); one standing in
 * the government hierarchy — another unit's parent or supervising department, or itself under a parent or a
 * supervising department (an enterprise stands in none: the registries refuse an enterprise as a parent or supervising
 * department, and either for an enterprise).
 */
export const GOVERNMENT_TIES = ['office-unit', 'sent-delegations', 'government-users', 'parent-of-units', 'has-parent'] as const;
export type GovernmentTie = (typeof GOVERNMENT_TIES)[number];
export const GOVERNMENT_TIE_LABELS: Record<GovernmentTie, Label> = {
  'office-unit': { zh: '本机关部门', en: "one of the office's departments" },
  'sent-delegations': { zh: '报送过因公出访案件', en: 'it sent delegations' },
  'government-users': {
    zh: '有机关角色用户（专办员、单位负责人、人事、保密、财务或主管部门）',
    en: 'it has users of government roles (organizer, unit leader, personnel, secrecy, finance or supervising department)',
  },
  'parent-of-units': { zh: '是其他单位的上级单位或主管部门', en: "it is another unit's parent or supervising department" },
  'has-parent': { zh: '隶属上级单位或主管部门', en: 'it has a parent unit or supervising department' },
};

export const WHITELIST_STATES = ['admitted', 'suspended', 'exited'] as const;
export type WhitelistState = (typeof WHITELIST_STATES)[number];
export const WHITELIST_STATE_LABELS: Record<WhitelistState, Label> = {
  admitted: { zh: '已准入', en: 'Admitted' },
  suspended: { zh: '已暂停', en: 'Suspended' },
  exited: { zh: '已退出', en: 'Exited' },
};
/** An enterprise never on the whitelist (no state), as messages name it. */
export const NOT_LISTED_LABEL: Label = { zh: '未列入白名单', en: 'Not on the whitelist' };
/** The whitelist state `state` (null: never listed) as messages name it. */
export const whitelistStateLabel = (state: WhitelistState | null | undefined): Label =>
  state ? WHITELIST_STATE_LABELS[state] : NOT_LISTED_LABEL;
/** What the APEC desk may do to an enterprise's whitelist entry (POST /api/apec/enterprises/:unit/whitelist/:move). */
export const WHITELIST_MOVES = ['suspend', 'lift', 'exit', 'readmit'] as const;
export type WhitelistMove = (typeof WHITELIST_MOVES)[number];
export const WHITELIST_MOVE_LABELS: Record<WhitelistMove, Label> = {
  suspend: { zh: '暂停', en: 'suspend' },
  lift: { zh: '恢复', en: 'lift the suspension' },
  exit: { zh: '退出', en: 'exit' },
  readmit: { zh: '重新准入', en: 're-admit' },
};
/** What a whitelist history row records (ApecRepository.history): a move done, or an admission evaluated. */
export const WHITELIST_ACTIONS = ['admitted', 're-admitted', 'suspended', 'lifted', 'exited', 'refused'] as const;
export type WhitelistAction = (typeof WHITELIST_ACTIONS)[number];
export const WHITELIST_ACTION_LABELS: Record<WhitelistAction, Label> = {
  admitted: { zh: '准入白名单', en: 'Admitted' },
  're-admitted': { zh: '重新准入', en: 'Re-admitted' },
  suspended: { zh: '暂停', en: 'Suspended' },
  lifted: { zh: '恢复', en: 'Suspension lifted' },
  exited: { zh: '退出白名单', en: 'Exited' },
  refused: { zh: '准入评估未通过', en: 'Admission refused' },
};
/** Why an enterprise leaves the whitelist. */
export const EXIT_REASONS = ['violation', 'annual-review-failed', 'enterprise-request'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

/**
 * Exits after which the enterprise comes back only by a new admission, its figures evaluated against the criteria
 * (the desk's admission or a whitelist filing), not by a bare re-admission (new-user trial: `readmit {}` right after an
 * exit for a violation answered "admitted", with no figures, no evaluation and no reason). A re-admission after the
 * enterprise's own request to leave states its basis (the move's note).
 */
export const EXITS_NEEDING_ADMISSION: readonly ExitReason[] = ['violation', 'annual-review-failed'];

export const EXIT_REASON_LABELS: Record<ExitReason, Label> = {
  violation: { zh: '违规', en: 'a violation' },
  'annual-review-failed': { zh: '年度复核未通过', en: 'failing the annual review' },
  'enterprise-request': { zh: '企业申请退出', en: "at the enterprise's request" },
};

/** What an enterprise declares when it applies for the whitelist (amounts in 10 000 yuan / US dollars per year). */
export interface AdmissionApplication {
  /** 注册资本, in 10 000 yuan (万元). */
  registeredCapitalWan: number;
  /** Foreign trade or outbound investment volume of the last year, in US dollars. */
  foreignTradeUsd: number;
  /** Tax credit grade (纳税信用等级) A, B, M, C or D. */
  taxCreditGrade: 'A' | 'B' | 'M' | 'C' | 'D';
  /** No serious dishonesty record (严重失信) in the credit system. */
  creditRecordClean: boolean;
}

export const TAX_CREDIT_GRADES = ['A', 'B', 'M', 'C', 'D'] as const;

/**
 * The bounds of every admission figure and criteria threshold (declared and set alike): ≥ 0, at most `max`, at
 * most `decimals` decimal places. Sanity bounds far above any real enterprise (the largest registered capitals
 * are some 10^7 万元; world-leading traders some 10^11 USD a year): a figure past them is a typing error.
 * 万元 to 4 decimals is exact to the yuan; trade in whole US dollars. docs/apec.md.
 */
export const ADMISSION_AMOUNT_LIMITS = {
  registeredCapitalWan: { max: 100_000_000, decimals: 4 },
  foreignTradeUsd: { max: 1_000_000_000_000, decimals: 0 },
} as const satisfies Record<'registeredCapitalWan' | 'foreignTradeUsd', { max: number; decimals: number }>;

/** One criterion's threshold per enterprise size: the office sets them as data (OfficeSettings-like), small and micro lowered. */
export interface WhitelistCriteria {
  registeredCapitalWan: Record<EnterpriseSize, number>;
  foreignTradeUsd: Record<EnterpriseSize, number>;
  /** Grades admitted (best first). */
  taxCreditGrades: readonly AdmissionApplication['taxCreditGrade'][];
  /** A serious dishonesty record (严重失信) refuses admission. */
  creditRecordClean: boolean;
}

/** One version of the office's whitelist criteria, as evaluations record it. */
export interface WhitelistCriteriaVersion {
  version: number;
  /** null for version 1 (the code default, in force from the start). */
  effectiveFrom: string | null;
  criteria: WhitelistCriteria;
  /** The criteria this version replaced (null for version 1). */
  previous: { version: number; criteria: WhitelistCriteria } | null;
  changedBy: string | null;
  changedAt: string | null;
}

/**
 * Defaults an office tunes: thresholds lowered for small and micro firms (process.md: 降低门槛). The first
 * version of the office's criteria (apec_whitelist_criteria holds the later ones: ApecCriteriaRepository).
 */
export const DEFAULT_WHITELIST_CRITERIA: WhitelistCriteria = {
  registeredCapitalWan: { large: 1000, medium: 500, small: 100, micro: 30 },
  foreignTradeUsd: { large: 1_000_000, medium: 500_000, small: 100_000, micro: 50_000 },
  taxCreditGrades: ['A', 'B', 'M'],
  creditRecordClean: true,
};

/** How far ahead new criteria may be scheduled (`effectiveFrom`, calendar days from today): a year and a day. */
export const CRITERIA_HORIZON_DAYS = 366;

export interface CriterionFailure {
  criterion: 'registeredCapitalWan' | 'foreignTradeUsd' | 'taxCreditGrade' | 'creditRecordClean';
  message: Label;
}

/**
 * The whitelist criteria against an application, at the thresholds of the enterprise's size. Empty = admissible.
 * A state enterprise needs no whitelist (it may apply as it is); the criteria are for non-state firms.
 */
export function admissionFailures(
  size: EnterpriseSize,
  app: AdmissionApplication,
  criteria: WhitelistCriteria = DEFAULT_WHITELIST_CRITERIA,
): CriterionFailure[] {
  const out: CriterionFailure[] = [];
  const sized = ENTERPRISE_SIZE_LABELS[size];
  const capital = criteria.registeredCapitalWan[size];
  if (!(app.registeredCapitalWan >= capital))
    out.push({
      criterion: 'registeredCapitalWan',
      message: {
        zh: `注册资本须不低于${capital}万元（${sized.zh}企业标准），申报${app.registeredCapitalWan}万元`,
        en: `Registered capital must be at least ${capital} (10 000 yuan) for a ${sized.en.toLowerCase()} enterprise; declared ${app.registeredCapitalWan}`,
      },
    });
  const trade = criteria.foreignTradeUsd[size];
  if (!(app.foreignTradeUsd >= trade))
    out.push({
      criterion: 'foreignTradeUsd',
      message: {
        zh: `上年度对外贸易或投资额须不低于${trade}美元（${sized.zh}企业标准），申报${app.foreignTradeUsd}美元`,
        en: `Last year's foreign trade or investment must be at least USD ${trade} for a ${sized.en.toLowerCase()} enterprise; declared ${app.foreignTradeUsd}`,
      },
    });
  if (!criteria.taxCreditGrades.includes(app.taxCreditGrade))
    out.push({
      criterion: 'taxCreditGrade',
      message: {
        zh: `纳税信用等级须为${criteria.taxCreditGrades.join('、')}级，申报${app.taxCreditGrade}级`,
        en: `Tax credit grade must be ${criteria.taxCreditGrades.join(', ')}; declared ${app.taxCreditGrade}`,
      },
    });
  if (criteria.creditRecordClean && !app.creditRecordClean)
    out.push({
      criterion: 'creditRecordClean',
      message: { zh: '有严重失信记录', en: 'The enterprise has a serious dishonesty record' },
    });
  return out;
}

/** The annual review reminder goes out this many days before the review day. */
export const WHITELIST_REVIEW_REMINDER_DAYS = 30;

/** The day the reminder of the annual review due on `dueOn` goes out. */
export const reviewReminderOn = (dueOn: string): string => addDays(dueOn, -WHITELIST_REVIEW_REMINDER_DAYS);

/**
 * May an enterprise of this ownership and whitelist state apply for cards? State enterprises (which need no whitelist)
 * and others while admitted; never one the whitelist holds suspended or exited, whatever its ownership says (tenth
 * trial: the desk set a suspended enterprise's ownership to state, and its applications went on while the whitelist
 * still read suspended).
 */
export function mayApplyForCards(ownership: Ownership, state: WhitelistState | null): boolean {
  if (state === 'suspended' || state === 'exited') return false;
  return ownership === 'state' || state === 'admitted';
}

/**
 * Why an enterprise of this ownership and whitelist state may not apply for cards, naming its state (the refusal of
 * POST /api/apec/applications and the enterprise's `applyRefusal`, so the form says it before a submit); null when it may.
 */
export function cardApplicationRefusal(ownership: Ownership, state: WhitelistState | null): Label | null {
  if (mayApplyForCards(ownership, state)) return null;
  const now = whitelistStateLabel(state);
  // A state enterprise is refused only for the whitelist's sanction (fresh trial: told it was "non-state").
  if (ownership === 'state')
    return {
      zh: `企业的白名单状态为${now.zh}：暂停期间或退出后不能申请（国有企业亦同）`,
      en: `The enterprise's whitelist state is ${now.en}: it may not apply while suspended or after an exit, state-owned or not`,
    };
  return {
    zh: `非国有企业须在白名单内才能申请（当前：${now.zh}）`,
    en: `A non-state enterprise applies only while on the whitelist (now: ${now.en})`,
  };
}

/** Whether the step's completion (or approval: `forward`) goes forward on the enterprise's standing (cardStepStandingRefusal). */
export function cardStepHangsOnStanding(step: Pick<StepDefinition, 'phase'>, forward: boolean): boolean {
  return forward && (step.phase === 'prepare' || step.phase === 'review');
}

/**
 * A card application goes forward only on its enterprise's standing (mayApplyForCards): while a non-state enterprise is
 * off the whitelist (suspended; or exited, its open applications not yet stopped), its application's own steps, those
 * of the prepare and review phases (K01-K04: the applicants' data, the enterprise's confirmation, the desk's approval,
 * the submission to the national card office), are not completed or approved; returned or rejected they may be (ninth
 * trial's list: a suspended enterprise's open applications went on to the national office). The economies' answers
 * and the national office's card (visa and depart phases) record what others did, and go on. `forward`: a completion,
 * or a decision to approve. The refusal's label, naming the state and the way on; null when the step may go forward.
 */
export function cardStepStandingRefusal(
  step: Pick<StepDefinition, 'phase'>,
  forward: boolean,
  ownership: Ownership,
  state: WhitelistState | null,
): Label | null {
  if (!cardStepHangsOnStanding(step, forward) || mayApplyForCards(ownership, state)) return null;
  const now = whitelistStateLabel(state);
  return {
    zh: `企业当前不在白名单内（${now.zh}）：申请暂不能推进（可退回或不予通过），待恢复（解除暂停）后再办理`,
    en: `The enterprise is off the whitelist (now: ${now.en}): its application does not go forward (it may be returned or rejected) until it is back (the suspension lifted)`,
  };
}

// ---------------------------------------------------------------------------------------------
// The case's facts

/** An applicant as the staff roster gives them (libs/domain/src/registries.ts RegisteredPerson's fields the card needs). */
export interface CardApplicant {
  personId: string;
  name: string;
  position: string;
  rank: Member['rank'];
}

/**
 * The facts of an application that is not a trip, in the engine's shape (which wants members and destinations):
 * `people` are the members (m1, m2, ...), `countries` the destinations, and `day` (the day the application is
 * forecast against) stands for the departure and the return. Shared by the card and the whitelist processes.
 */
export function applicationFacts(a: {
  title: string;
  unit: string;
  day: string;
  countries: readonly string[];
  people: readonly CardApplicant[];
}): CaseFacts {
  return {
    title: a.title,
    unit: a.unit,
    purpose: 'trade',
    departureDate: a.day,
    returnDate: a.day,
    destinations: a.countries.map((country) => ({
      country,
      city: '-',
      arrive: a.day,
      leave: a.day,
      inviter: { name: '-', organization: '-' },
    })),
    members: a.people.map((p, i) => ({
      id: `m${i + 1}`,
      personId: p.personId,
      name: p.name,
      position: p.position,
      rank: p.rank,
      partyMember: false,
      classifiedAccess: false,
      leadershipTeam: null,
      passport: null,
    })),
    jointDelegation: false,
    supervisingDepartment: null,
  };
}

/**
 * The facts a card application runs on, in the engine's shape: the applicants are the members (m1, m2, ...),
 * the economies the destinations, the day the enterprise needs the cards by is the "departure" the planner
 * forecasts against (and the return: a card application has no trip).
 */
export function cardApplicationFacts(a: {
  unit: string;
  enterpriseName: string;
  applicants: readonly CardApplicant[];
  economies: readonly string[];
  neededBy: string;
}): CaseFacts {
  return applicationFacts({
    title: fittedTitle('APEC商务旅行卡申请（', a.enterpriseName, `，${a.applicants.length}人）`),
    unit: a.unit,
    day: a.neededBy,
    countries: a.economies,
    people: a.applicants,
  });
}
