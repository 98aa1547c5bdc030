import type { AttachmentKind } from '../attachments';
import type { ConditionName } from '../facts';
import type { Phase, Role, Scope, StepKind } from '../roles';
import type { StepBehaviour } from './behaviour';
import type { ProcessDefinition, StepDefinition } from './types';
import { EMBASSY_PROCESSING_DURATION_WD } from './types';
import { APEC_CARD_DEFINITION } from './apec-card';
import { APEC_WHITELIST_DEFINITION } from './apec-whitelist';

const SCOPE: Record<'D' | 'M' | 'C' | 'MC', Scope> = {
  D: 'delegation',
  M: 'member',
  C: 'country',
  MC: 'member-country',
};

type Row = [
  code: string,
  phase: Phase,
  zh: string,
  en: string,
  actor: Role,
  scope: keyof typeof SCOPE,
  needs: string,
  wd: number,
  kind: StepKind,
  condition?: ConditionName,
];

// The brief's table, one row per step. Kind choices: approvals are the steps whose actor decides
// approve / reject / return (the list); A13 is a timer, A01/A07/A08/B08 system, C05/D12 external.
// prettier-ignore
const ROWS: Row[] = [
  ['A01', 'prepare', '核对年度出访计划', 'Check trip against the unit\'s annual outbound plan', 'system', 'D', '', 0, 'system'],
  ['A02', 'prepare', '起草出访申请（任务、目的类别）', 'Draft trip application (task, purpose category)', 'organizer', 'D', 'A01', 1, 'task'],
  ['A03', 'prepare', '上传邀请函及译文', 'Upload invitation letter and translation', 'organizer', 'C', 'A02', 0.5, 'task'],
  ['A04', 'prepare', '邀请方情况说明', 'Note on the inviting party', 'organizer', 'C', 'A03', 0.5, 'task'],
  ['A05', 'prepare', '日程与路线（优先国航）', 'Itinerary and route (Chinese carriers first)', 'organizer', 'D', 'A02', 1, 'task'],
  ['A06', 'prepare', '团组人员名单', 'Member roster', 'organizer', 'D', 'A02', 0.5, 'task'],
  ['A07', 'prepare', '规则校验：人数、国家数、天数、班子成员', 'Rule check: size, countries, days abroad, leadership-team overlap', 'system', 'D', 'A05,A06', 0, 'system'],
  ['A08', 'prepare', '规则校验：出访频次', 'Rule check: member trip frequency', 'system', 'M', 'A06', 0, 'system'],
  ['A09', 'prepare', '经费预算（住宿标准、伙食费）', 'Budget estimate (country lodging caps, per diems)', 'organizer', 'D', 'A05,A06', 0.5, 'task'],
  ['A10', 'prepare', '任务和预算审批表（外事、财务会签）', 'Task & budget approval form (foreign affairs + finance countersign)', 'finance', 'D', 'A09', 1, 'approval'],
  ['A11', 'prepare', '政审及备案表', 'Political review, personnel filing form', 'personnel', 'M', 'A08', 2, 'approval'],
  ['A12', 'prepare', '保密审查', 'Secrecy review', 'secrecy', 'M', 'A08', 1, 'approval', 'classifiedAccess'],
  ['A13', 'prepare', '出访前公示（不少于5个工作日）', 'Pre-trip public notice, at least 5 WD', 'system', 'D', 'A05,A06', 5, 'timer'],
  ['A14', 'prepare', '处理公示异议', 'Resolve notice objections', 'unit-leader', 'D', 'A13', 2, 'task', 'objectionRaised'],
  ['A15', 'prepare', '单位领导签批', 'Unit leadership sign-off', 'unit-leader', 'D', 'A07,A10,A11,A12', 1, 'approval'],
  ['A16', 'prepare', '主管部门审核', 'Competent department review', 'dept-approver', 'D', 'A15', 1, 'approval', 'supervisingDepartment'],
  ['A17', 'prepare', '牵头单位出具联合组团确认件', 'Joint-delegation confirmation from the lead unit', 'organizer', 'D', 'A15', 0.5, 'task', 'jointDelegation'],
  ['B01', 'review', '网上报送外办', 'Submit online to the FAO', 'organizer', 'D', 'A16,A17', 0, 'task'],
  ['B02', 'review', '外办受理及完整性审查', 'FAO intake and completeness check (may accept with deficiencies)', 'fao-clerk', 'D', 'B01', 0.5, 'approval'],
  ['B03', 'review', '补齐容缺材料（2个工作日内）', 'Supplement missing documents (deadline 2 WD)', 'organizer', 'D', 'B02', 2, 'task', 'acceptedWithDeficiencies'],
  ['B04', 'review', '核实邀请函', 'Verify invitation letter', 'fao-reviewer', 'C', 'A04', 1, 'approval'],
  ['B05', 'review', '外办规则审核', 'FAO rule review (size, countries, days, frequency, notice, budget)', 'fao-reviewer', 'D', 'B02,B04', 1, 'approval'],
  ['B06', 'review', '外办主任审核', 'FAO director review', 'fao-director', 'D', 'B05', 0.5, 'approval'],
  ['B07', 'review', '按权限报批', 'Approval at the authority level', 'leader', 'D', 'B06,A13,A14', 1, 'approval'],
  ['B08', 'review', '印发任务批件', 'Issue the approval document', 'system', 'D', 'B07', 0, 'system'],
  ['B09', 'review', '报省级系统备案', 'File the trip with the provincial system', 'fao-clerk', 'D', 'B08', 0.5, 'task'],
  ['C01', 'passport', '核查护照（保管、有效期满6个月）', 'Check passport: in custody, valid at least 6 months past return', 'passport-officer', 'M', 'A06', 0, 'task'],
  ['C02', 'passport', '采集照片、指纹和签名（预约）', 'Photo, fingerprint and signature capture (by appointment)', 'member', 'M', 'C01', 0.5, 'task', 'newPassportNeeded'],
  ['C03', 'passport', '护照申请表', 'Passport application form', 'organizer', 'M', 'C01', 0.5, 'task', 'newPassportNeeded'],
  ['C04', 'passport', '审核护照申请', 'Review passport application', 'passport-officer', 'M', 'C02,C03,B08', 0.5, 'approval', 'newPassportNeeded'],
  ['C05', 'passport', '签发机关制发护照', 'Passport issued by the issuing authority', 'external', 'M', 'C04', 5, 'external', 'newPassportNeeded'],
  ['C06', 'passport', '注销旧护照', 'Cancel the old passport', 'passport-officer', 'M', 'C05', 0.5, 'task', 'passportReplaced'],
  ['C07', 'passport', '护照出库用于办签', 'Check passport out of custody for the visa', 'passport-officer', 'M', 'C01,C05', 0, 'task'],
  ['D01', 'visa', '确定入境方式（签证、免签、电子签、APEC卡）', 'Decide route per member and country (visa, visa-free, e-visa, APEC card)', 'visa-officer', 'MC', 'A06,C01', 0.5, 'task'],
  ['D02', 'visa', '出境证明', 'Exit certificate', 'visa-officer', 'MC', 'D01,B08', 0.5, 'task', 'visaFreeRoute'],
  ['D03', 'visa', '签证申请表（如DS-160）', 'Visa application forms (e.g. DS-160)', 'organizer', 'MC', 'D01', 2, 'task', 'visaNeeded'],
  ['D04', 'visa', '审核签证申请表', 'Review visa forms', 'visa-officer', 'MC', 'D03', 0.5, 'approval', 'visaNeeded'],
  ['D05', 'visa', '领事认证或附加证明书', 'Consular legalization or apostille of documents', 'fao-reviewer', 'C', 'A03', 5, 'task', 'legalizationRequired'],
  ['D06', 'visa', '缴纳签证费', 'Visa fee payment', 'organizer', 'C', 'D04', 0.5, 'task', 'visaNeeded'],
  ['D07', 'visa', '签证照会', 'Visa note', 'visa-officer', 'C', 'B08,D04', 0.5, 'task', 'visaNeeded'],
  ['D08', 'visa', '预约使馆面谈', 'Book embassy interview (by appointment)', 'visa-officer', 'C', 'D03', 0.5, 'task', 'interviewRequired'],
  ['D09', 'visa', '递交使馆', 'Submit to the embassy', 'visa-officer', 'C', 'D05,D06,D07,C07', 0.5, 'task', 'visaNeeded'],
  ['D10', 'visa', '使馆面谈', 'Embassy interview', 'member', 'MC', 'D08,D09', 1, 'task', 'interviewRequired'],
  ['D11', 'visa', '书面报告面谈情况', 'Report interview outcome in writing', 'organizer', 'MC', 'D10', 0.5, 'task', 'interviewRequired'],
  ['D12', 'visa', '使馆审理', 'Embassy processing', 'external', 'C', 'D09,D10', 5, 'external', 'visaNeeded'],
  ['D13', 'visa', '领取并核对签证', 'Collect and check the visa (names, dates, entries)', 'visa-officer', 'MC', 'D12', 0.5, 'task', 'visaNeeded'],
  ['E01', 'depart', '购汇审批', 'Foreign exchange approval', 'finance', 'D', 'B08', 1, 'task'],
  ['E02', 'depart', '预订机票', 'Book tickets', 'organizer', 'D', 'B08', 1, 'task'],
  ['E03', 'depart', '境外安全风险提示及保险', 'Overseas safety risk notice and insurance', 'organizer', 'D', 'B08', 0.5, 'task'],
  ['E04', 'depart', '行前纪律和安全教育，发放通知单', 'Pre-departure discipline and safety briefing; issue the slip', 'fao-reviewer', 'D', 'B08', 0.5, 'task'],
  ['E05', 'depart', '成立临时党支部', 'Temporary Party branch', 'organizer', 'D', 'E04', 0.5, 'task', 'partyBranch'],
  ['E06', 'depart', '凭通知单领取护照和签证', 'Hand over passports and visas against the slip', 'passport-officer', 'M', 'E04,D02,D13', 0, 'task'],
  ['E07', 'depart', '确认出发', 'Departure confirmed', 'organizer', 'D', 'E01,E02,E03,E05,E06,D11', 0, 'task'],
];

function toStep([code, phase, zh, en, actor, scope, needs, wd, kind, condition]: Row): StepDefinition {
  return {
    code,
    phase,
    name: { zh, en },
    actor,
    scope: SCOPE[scope],
    needs: needs ? needs.split(',') : [],
    durationWd: wd,
    ...(condition ? { condition } : {}),
    kind,
    ...(code === 'D12' ? { durationSource: 'embassy-processing' as const, durationWd: EMBASSY_PROCESSING_DURATION_WD } : {}),
  };
}

/**
 * What each step does beyond "its role completes it" (see behaviour.ts). The engine reads these declarations
 * and nothing else: a new behaviour of a step is a line here (and, for a new kind of behaviour, a module of
 * workflows/engine).
 */
// prettier-ignore
export const STEP_BEHAVIOURS: Record<string, StepBehaviour> = {
  A01: { system: 'annual-plan' },
  A07: { system: 'trip-rules', rerunOnAmend: 'always' },
  A08: { system: 'frequency', rerunOnAmend: 'dates' },
  A13: { notice: { objections: true } },
  B02: { intake: { acceptWithDeficiencies: { defaultNeededBy: 'B05' } } },
  B03: { collectsDeficiencies: true },
  B05: { rerunOnAmend: 'trip' },
  B06: { rerunOnAmend: 'trip' },
  B07: { rerunOnAmend: 'trip' },
  B08: { system: 'approval-document', rerunOnAmend: 'trip' },
  D01: { data: 'entry-route' },
  D12: { data: 'external-outcome', outcome: { mayFail: 'member' } },
  E07: { certifies: { event: 'departure' } },
  P01: { data: 'return-registration', certifies: { event: 'return' }, afterDeparture: { due: { workingDays: 1 } } },
  P02: { overdue: 'passport-overdue', afterDeparture: { due: { calendarDays: 7 }, escalateAfterDays: 30 } },
  P03: { data: 'trip-report', overdue: 'report-overdue', afterDeparture: { due: { workingDays: 15 } } },
  P04: { afterDeparture: { due: { calendarDays: 30 } } },
  P05: { afterDeparture: { due: { calendarDays: 30 } } },
};

/** After departure the same case goes on: return registration, passports back, trip report (with its outcomes), disclosure, reimbursement. */
// prettier-ignore
const POST_TRIP_ROWS: Row[] = [
  ['P01', 'post-trip', '回国登记', 'Return registration', 'organizer', 'D', '', 0, 'task'],
  ['P02', 'post-trip', '护照交回保管（7日内）', 'Passport back in custody (within 7 days)', 'passport-officer', 'M', 'P01', 0, 'task'],
  ['P03', 'post-trip', '出访报告（15个工作日内）', 'Trip report (within 15 working days)', 'organizer', 'D', 'P01', 0, 'task'],
  ['P04', 'post-trip', '出访成果公开（1个月内）', 'Public disclosure of results (within 1 month)', 'organizer', 'D', 'P03', 0, 'task'],
  ['P05', 'post-trip', '经费报销（1个月内）', 'Reimbursement of the trip\'s expenses (within 1 month)', 'finance', 'D', 'P01', 0, 'task'],
];

/** The post-trip steps cases of version 2026.1 ran outside their definition (read back by upcastDefinition). */
const LEGACY_POST_TRIP = ['P01', 'P02', 'P03', 'P04'];

const declared = (step: StepDefinition): StepDefinition =>
  STEP_BEHAVIOURS[step.code] ? { ...step, behaviour: STEP_BEHAVIOURS[step.code] } : step;

/** The first version: the 53 steps to departure, behaviour implied by step codes. Running cases pinned to it read it through upcastDefinition. */
export const DEFINITION_2026_1: ProcessDefinition = {
  version: '2026.1',
  name: { zh: '因公出国（境）审护签全链条', en: 'Outbound delegation chain (approval, passport, visa)' },
  steps: ROWS.map(toStep),
};

/** 2027.1: the post-trip steps in the definition, behaviour declared on every step. Running cases pinned to it keep it. */
export const DEFINITION_2027_1: ProcessDefinition = {
  version: '2027.1',
  name: { zh: '因公出国（境）审护签全链条', en: 'Outbound delegation chain (approval, passport, visa)' },
  steps: [...ROWS, ...POST_TRIP_ROWS].map(toStep).map(declared),
};

/** The version after `previous`: its steps, each changed by `changes` (by step code) where it names one. */
function nextVersion(
  version: string,
  previous: ProcessDefinition,
  changes: Record<string, (s: StepDefinition) => StepDefinition>,
): ProcessDefinition {
  return { version, name: DEFINITION_2027_1.name, steps: previous.steps.map((s) => changes[s.code]?.(s) ?? s) };
}

/** A step change of a version: the step runs again after an amendment `when` (StepBehaviour.rerunOnAmend). */
const rerunOn =
  (when: NonNullable<StepBehaviour['rerunOnAmend']>) =>
  (s: StepDefinition): StepDefinition => ({ ...s, behaviour: { ...s.behaviour, rerunOnAmend: when } });

const requires =
  (...kinds: AttachmentKind[]) =>
  (s: StepDefinition): StepDefinition => ({ ...s, behaviour: { ...s.behaviour, requiresAttachments: kinds } });

export const DEFAULT_DEFINITION_VERSION = '2027.13';

/**
 * What 2027.2 changes (issue 11 items 2-3, issue 14 item 3): no approval document (B08) while a document
 * accepted as missing at intake (容缺) is outstanding, so B08 waits for B03 (which passes through when nothing
 * is missing); a member's passport check (C01) runs again when the member's facts are amended; the passport
 * custody ledger follows C06, C07 and P02; the steps whose purpose is a written result (A14 the outcome of the
 * notice objections, D11 the interview report, A04 the note on the inviting party) are completed with it (data schema
 * 'written-outcome').
 */
const CHANGES_2027_2: Record<string, (s: StepDefinition) => StepDefinition> = {
  B08: (s) => ({ ...s, needs: [...s.needs, 'B03'] }),
  C01: rerunOn('member'),
  // The custody ledger follows the chain: out for the visa (C07), back at return (P02), the replaced one cancelled (C06).
  C06: (s) => ({ ...s, behaviour: { ...s.behaviour, custody: 'cancel' } }),
  C07: (s) => ({ ...s, behaviour: { ...s.behaviour, custody: 'check-out' } }),
  P02: (s) => ({ ...s, behaviour: { ...s.behaviour, custody: 'check-in' } }),
  // Steps whose purpose is a written result are completed with it (new-user trial: A14 done with no outcome at all).
  // Declared here, not in STEP_BEHAVIOURS: a 2026.1 case reads STEP_BEHAVIOURS (upcastDefinition) and must replay as
  // it ran; a running case keeps the definition pinned at its start.
  A14: (s) => ({ ...s, behaviour: { ...s.behaviour, data: 'written-outcome' } }),
  // A04 is the organizer's note on the inviting party (邀请方情况说明), which B04 verifies: the trial found it done empty.
  A04: (s) => ({ ...s, behaviour: { ...s.behaviour, data: 'written-outcome' } }),
  D11: (s) => ({ ...s, behaviour: { ...s.behaviour, data: 'written-outcome' } }),
};

/** 2027.2 (above). Running cases pinned to it keep it. */
export const DEFINITION_2027_2: ProcessDefinition = nextVersion('2027.2', DEFINITION_2027_1, CHANGES_2027_2);

/**
 * What 2027.3 changes: C05 (the passport the issuing authority issued) is completed with the new passport's number,
 * date of issue and expiry (data schema 'new-passport'), and the custody ledger takes it in for the holder (custody
 * 'register'): the officer no longer registers it by hand before C07 can check it out. A new version, not 2027.2
 * changed: a case started on 2027.2 keeps what it was started with, and the API reads it by its version.
 */
const CHANGES_2027_3: Record<string, (s: StepDefinition) => StepDefinition> = {
  C05: (s) => ({ ...s, behaviour: { ...s.behaviour, data: 'new-passport', custody: 'register' } }),
};

/** 2027.3 (above). Running cases pinned to it keep it. */
export const DEFINITION_2027_3: ProcessDefinition = nextVersion('2027.3', DEFINITION_2027_2, CHANGES_2027_3);

/**
 * What 2027.4 changes: the work done on the old trip that a change of the trip makes wrong runs again (trial: after a
 * date change the tickets, the insurance and the visa checked for the old dates stood, and the case went on to
 * departure on them). On a change of dates: the visa is checked again against the new dates (D13: names, dates,
 * entries), the tickets booked again (E02), the insurance and risk notice redone (E03). On a change of the trip
 * (dates, countries or members), as the approval document B08 it rests on: the provincial filing (B09), each country's
 * visa note (D07, which names the members and dates) and the foreign exchange approval (E01, by days and people). The
 * steps after them wait until they are done again (open-after-upstream); done steps further on (an embassy's outcome,
 * D12) stand, and D13 is where the visa officer finds a visa that does not cover the new dates.
 */
const CHANGES_2027_4: Record<string, (s: StepDefinition) => StepDefinition> = {
  B09: rerunOn('trip'),
  D07: rerunOn('trip'),
  D13: rerunOn('dates'),
  E01: rerunOn('trip'),
  E02: rerunOn('dates'),
  E03: rerunOn('dates'),
};

/** 2027.4 (above). Running cases pinned to it keep it. */
export const DEFINITION_2027_4: ProcessDefinition = nextVersion('2027.4', DEFINITION_2027_3, CHANGES_2027_4);

/**
 * What 2027.5 changes: the tickets (E02) and the insurance with its risk notice (E03) are for who travels, when and
 * where: they run again when the itinerary changes (rerunOnAmend 'itinerary': the dates, the countries, the members, or
 * a stop's city), not only the dates (fourth trial: a stop moved from New York to Washington kept the tickets and the
 * insurance for New York; a member removed kept their ticket on record). The annual plan check (A01) reads the
 * quarter of the departure, the countries and the size: it runs again when the trip changes (rerunOnAmend 'trip'),
 * and what rests on it opens again once it has answered (third trial: a trip moved to another quarter kept its A01
 * outcome and its claim on the old quarter's planned trip).
 */
const CHANGES_2027_5: Record<string, (s: StepDefinition) => StepDefinition> = {
  A01: rerunOn('trip'),
  E02: rerunOn('itinerary'),
  E03: rerunOn('itinerary'),
};

/** 2027.5 (above). Running cases pinned to it keep it. */
export const DEFINITION_2027_5: ProcessDefinition = nextVersion('2027.5', DEFINITION_2027_4, CHANGES_2027_5);

/**
 * What 2027.6 changes: a trip the annual plan check (A01) found outside the plan ('unplanned', 'over-plan') is approved
 * at the FAO rule review (B05) only with the unit's written reason in the approval's comment (requiresPlanReason;
 * thirteenth trial: A01 said a written reason was needed, and B05 approved with nothing written).
 */
const CHANGES_2027_6: Record<string, (s: StepDefinition) => StepDefinition> = {
  B05: (s) => ({ ...s, behaviour: { ...s.behaviour, requiresPlanReason: true } }),
};

/** 2027.6 (above). Running cases pinned to it keep it. */
export const DEFINITION_2027_6: ProcessDefinition = nextVersion('2027.6', DEFINITION_2027_5, CHANGES_2027_6);

/**
 * What 2027.7 changes: the pre-trip public notice (A13) runs again when a member or a country is added after it
 * (rerunOnAmend 'additions'): it publishes who travels and where, and someone or somewhere added after it was never
 * noticed nor open to objection ("Pre-trip public notice (出访前公示) ≥ 5 WD, before approval; objections block the
 * case", process.md § Rules the engine enforces). B07 needs it, so the approval waits for the new notice. Thirtieth
 * trial: a member added after A13 went to the approval document un-noticed. A change of dates alone, or a member or a
 * country removed, leaves the notice standing.
 */
const CHANGES_2027_7: Record<string, (s: StepDefinition) => StepDefinition> = {
  A13: rerunOn('additions'),
};

/** 2027.7 (above). Running cases pinned to it keep it. */
export const DEFINITION_2027_7: ProcessDefinition = nextVersion('2027.7', DEFINITION_2027_6, CHANGES_2027_7);

/**
 * What 2027.8 changes: the unit's own approvals of the trip run again when the trip they approved changes, as the FAO's
 * (B05-B07) do. The budget estimate (A09, "country lodging caps, per diems") and its countersign by foreign affairs and
 * finance (A10, 任务和预算审批表) are for who travels, when and where: they run again when the itinerary changes
 * (rerunOnAmend 'itinerary': the dates, the countries, the members, or a stop's city). The unit leadership's sign-off
 * (A15) and the competent department's review (A16) approve the trip: they run again when it changes ('trip': the dates,
 * the countries, the members). Until 2027.7 all four stayed approved for the trip as first submitted (a budget signed
 * for five days in one country stood for twelve in three). Each waits for the one before it again (A10 for A09, A15 for
 * A10, A16 for A15), and the FAO's reviews run again after them: an open FAO review resting on them goes back until they
 * are done again ('A step rerun on amendment', docs/domain.md).
 */
const CHANGES_2027_8: Record<string, (s: StepDefinition) => StepDefinition> = {
  A09: rerunOn('itinerary'),
  A10: rerunOn('itinerary'),
  A15: rerunOn('trip'),
  A16: rerunOn('trip'),
};

/** 2027.8 (above). Running cases pinned to it keep it. */
export const DEFINITION_2027_8: ProcessDefinition = nextVersion('2027.8', DEFINITION_2027_7, CHANGES_2027_8);

/**
 * What 2027.9 changes: the lead unit's joint-delegation confirmation (A17, 牵头单位出具联合组团确认件, "cross-unit
 * delegation", process.md) confirms the delegation as composed, when and where it goes: it runs again when the trip
 * changes (rerunOnAmend 'trip': the dates, the countries, the members), as the unit's sign-off (A15) it follows does
 * from 2027.8. Until 2027.8 it stayed confirmed for the delegation as first submitted (a member of another unit added,
 * or the dates moved, went to the FAO on the old confirmation). B01 and what follows wait for it as for A15 and A16.
 */
const CHANGES_2027_9: Record<string, (s: StepDefinition) => StepDefinition> = {
  A17: rerunOn('trip'),
};

/** 2027.9 (above). Running cases pinned to it keep it. */
export const DEFINITION_2027_9: ProcessDefinition = nextVersion('2027.9', DEFINITION_2027_8, CHANGES_2027_9);

/**
 * What 2027.10 changes: the steps whose work is a document of the application package are done with that document in
 * the case (behaviour.requiresAttachments; 409 MISSING_ATTACHMENTS until a live attachment of each kind is recorded for
 * the step instance or the whole case). A03 上传邀请函及译文 takes each country's invitation letter and its translation
 * (B04 verifies them: before, B04 could open on a country whose letter was never uploaded); A05 日程与路线 the itinerary
 * (日程安排, which the FAO reviews with the route), given again when the itinerary changes (rerunOnAmend 'itinerary': the
 * dates, countries, members or a stop's city; the budget it rests under waits for it). Until 2027.9 both completed with
 * nothing uploaded (web trial: "upload the invitation" done with no file) and A05 stood for the first route (trial 45).
 * A04's note and A14's and D11's outcomes are written in the step (2027.2).
 */
const CHANGES_2027_10: Record<string, (s: StepDefinition) => StepDefinition> = {
  A03: requires('invitation-letter', 'invitation-translation'),
  A05: (s) => requires('itinerary')(rerunOn('itinerary')(s)),
};

/** 2027.10 (above). Running cases pinned to it keep it. */
export const DEFINITION_2027_10: ProcessDefinition = nextVersion('2027.10', DEFINITION_2027_9, CHANGES_2027_10);

/**
 * What 2027.11 changes: the budget estimate (A09 经费预算) is done with its figures (data schema 'budget-estimate': the
 * items in yuan of 《因公临时出国经费管理办法》, step-data.ts budgetEstimateProblems), which the finance countersign (A10)
 * and the FAO's review (B05) read in their decision dialog. Until 2027.10 A09 completed with no figure at all and finance
 * countersigned an estimate the case did not hold (forty-third trial).
 */
const CHANGES_2027_11: Record<string, (s: StepDefinition) => StepDefinition> = {
  A09: (s) => ({ ...s, behaviour: { ...s.behaviour, data: 'budget-estimate' } }),
};

/** 2027.11 (above). Running cases pinned to it keep it. */
export const DEFINITION_2027_11: ProcessDefinition = nextVersion('2027.11', DEFINITION_2027_10, CHANGES_2027_11);

/**
 * What 2027.12 changes: the visa collected (D13 领取并核对签证) is done with its validity and entries (data schema
 * 'visa-issued'), which must cover the member's stay in the country (step-data.ts visaIssuedProblems, visaStayProblems),
 * and is checked again when the trip's dates change (rerunOnAmend 'dates').
 * Until 2027.11 D13 recorded nothing, and a visa valid from after the arrival went unnoticed to departure (trial: "D12/D13
 * record no visa validity").
 */
const CHANGES_2027_12: Record<string, (s: StepDefinition) => StepDefinition> = {
  // …and checked again when the dates change: the visa recorded may no longer cover the new stay.
  D13: (s) => rerunOn('dates')({ ...s, behaviour: { ...s.behaviour, data: 'visa-issued' } }),
};

/** 2027.12 (above). Running cases pinned to it keep it. */
export const DEFINITION_2027_12: ProcessDefinition = nextVersion('2027.12', DEFINITION_2027_11, CHANGES_2027_12);

/**
 * What 2027.13 changes: a change of dates that leaves a member's visa (recorded at D13) short of the member's new stay in
 * its country runs that country's visa application again (rerunOnAmend 'visa-lapsed'): the forms and their review (D03,
 * D04), the fee (D06), the interview's booking, the interview and its report (D08, D10, D11), the submission to the
 * embassy (D09) and its processing (D12), for the members whose visa lapsed; D13 then records the new visa, and E06 hands
 * it over. The visa note (D07) runs again on any change of the trip, as before. Until 2027.12 only D13 ran again, and the
 * visa officer could only type a validity no embassy had issued (trial 76: a trip moved from December to May).
 */
const CHANGES_2027_13: Record<string, (s: StepDefinition) => StepDefinition> = Object.fromEntries(
  ['D03', 'D04', 'D06', 'D08', 'D09', 'D10', 'D11', 'D12', 'E06'].map((code) => [code, rerunOn('visa-lapsed')]),
);

/** The brief's 53 steps to departure and the post-trip obligations, each with its declared behaviour. Treat as immutable: overrides produce a new definition. */
export const DEFAULT_DEFINITION: ProcessDefinition = nextVersion(DEFAULT_DEFINITION_VERSION, DEFINITION_2027_12, CHANGES_2027_13);

/**
 * A pinned definition as the engine reads it: one that declares no behaviour (version 2026.1) gets the
 * declarations its steps' codes implied then, and the post-trip steps it ran outside the definition (P01-P04,
 * exactly as they ran). A definition that declares behaviour is returned as it is.
 */
export function upcastDefinition(def: ProcessDefinition): ProcessDefinition {
  if (def.steps.some((s) => s.behaviour !== undefined)) return def;
  const legacyPostTrip = POST_TRIP_ROWS.map(toStep).filter(
    (s) => LEGACY_POST_TRIP.includes(s.code) && !def.steps.some((d) => d.code === s.code),
  );
  return { ...def, steps: [...def.steps, ...legacyPostTrip].map(declared) };
}

/** Every built-in version of every process, as declared (the delegation chain's oldest first, then the APEC processes'). */
export const BUILT_IN_DEFINITIONS: readonly ProcessDefinition[] = [
  DEFINITION_2026_1,
  DEFINITION_2027_1,
  DEFINITION_2027_2,
  DEFINITION_2027_3,
  DEFINITION_2027_4,
  DEFINITION_2027_5,
  DEFINITION_2027_6,
  DEFINITION_2027_7,
  DEFINITION_2027_8,
  DEFINITION_2027_9,
  DEFINITION_2027_10,
  DEFINITION_2027_11,
  DEFINITION_2027_12,
  DEFAULT_DEFINITION,
  APEC_CARD_DEFINITION,
  APEC_WHITELIST_DEFINITION,
];

const PUBLISHED = new Map(BUILT_IN_DEFINITIONS.map((d) => [d.version, upcastDefinition(d)]));

/**
 * A step of a published definition version as the engine reads it (the newest version when the version is
 * unknown, e.g. an office's own): for readers that hold a step code but not the definition (read models,
 * event upcasters, the API).
 */
export function publishedStep(code: string, version: string = DEFAULT_DEFINITION_VERSION): StepDefinition | undefined {
  const def = PUBLISHED.get(version) ?? DEFAULT_DEFINITION;
  return def.steps.find((s) => s.code === code);
}

/** A published definition version as the engine reads it (upcast), or undefined. */
export const publishedDefinition = (version: string): ProcessDefinition | undefined => PUBLISHED.get(version);

/** A published step's declared behaviour (empty when it declares none or is unknown). */
export const behaviourOf = (code: string, version?: string): StepBehaviour => publishedStep(code, version)?.behaviour ?? {};

/**
 * A step's declared behaviour in the newest built-in version of whichever process holds its code (the delegation chain's
 * A-P, the card application's K, the whitelist's W: step codes are unique across processes): for drivers holding a code
 * but not its process (the tests' and the benchmark's automated users, requiredTaskData). Empty when no process has it.
 */
export function builtInBehaviourOf(code: string): StepBehaviour {
  return builtInDefinitionOf(code)?.steps.find((s) => s.code === code)?.behaviour ?? {};
}

/** The newest built-in version of the process holding step `code` (as the engine reads it), or undefined. */
export function builtInDefinitionOf(code: string): ProcessDefinition | undefined {
  return [DEFAULT_DEFINITION, APEC_CARD_DEFINITION, APEC_WHITELIST_DEFINITION]
    .map((d) => PUBLISHED.get(d.version)!)
    .find((d) => d.steps.some((s) => s.code === code));
}
