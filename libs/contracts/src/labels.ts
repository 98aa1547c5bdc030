import type { Label } from '@df/domain';
import type { CaseEventType } from './events';

/*
 * The contracts' enums with their labels, in a module importing nothing but types: the API's messages and
 * answers, the engine's refusals and the web app (apps/web/src/labels.ts) all read these one tables.
 * Re-exported by delegation.ts and the package index.
 */

export const DECISION_KINDS = ['approve', 'reject', 'return', 'accept-with-deficiencies'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];
/** A decision as documents and messages name it (the code stays in the data). */
export const DECISION_KIND_LABELS: Record<DecisionKind, Label> = {
  approve: { zh: '同意', en: 'Approve' },
  reject: { zh: '不同意', en: 'Reject' },
  return: { zh: '退回修改', en: 'Return for revision' },
  'accept-with-deficiencies': { zh: '容缺受理', en: 'Accept with deficiencies' },
};

export const STEP_STATUSES = ['pending', 'awaiting', 'done', 'skipped', 'returned', 'blocked', 'overdue', 'withdrawn'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];
/** A step's status as messages name it (the code stays in the data), e.g. a refusal of a step not awaiting. */
export const STEP_STATUS_LABELS: Record<StepStatus, Label> = {
  pending: { zh: '未开始', en: 'Pending' },
  awaiting: { zh: '待办理', en: 'Awaiting' },
  done: { zh: '已办结', en: 'Done' },
  skipped: { zh: '无需办理', en: 'Not needed' },
  returned: { zh: '已退回，待重新办理', en: 'Returned: to be done again' },
  blocked: { zh: '受阻', en: 'Blocked' },
  overdue: { zh: '已超期', en: 'Overdue' },
  withdrawn: { zh: '已撤销（不再需要）', en: 'Withdrawn: no longer needed' },
};

/**
 * A step's status once its case is closed (withdrawn, rejected, cancelled, failed, terminated, completed): a closed case
 * owes nothing, so a step it left undone (pending, awaiting, overdue, blocked, returned) is `withdrawn` (no longer
 * needed); done and skipped stay. The engine's progress, the read model's fold of case.closed and the API's answer for a
 * workflow closed outside the engine all show it so (twenty-sixth trial: a withdrawn case listed its open steps awaiting).
 */
export function stepStatusOfClosedCase(status: StepStatus): StepStatus {
  return status === 'done' || status === 'skipped' ? status : 'withdrawn';
}

/**
 * A document accepted missing at intake (容缺受理): still missing, past its deadline, supplied, or no longer needed: the
 * case closed before it was (trial 73: a cancelled case still listed 待补交 with its deadline).
 */
export const DEFICIENCY_STATUSES = ['missing', 'overdue', 'supplied', 'not-needed'] as const;
export type DeficiencyStatus = (typeof DEFICIENCY_STATUSES)[number];
export const DEFICIENCY_STATUS_LABELS: Record<DeficiencyStatus, Label> = {
  missing: { zh: '待补交', en: 'Missing' },
  overdue: { zh: '已超期', en: 'Overdue' },
  supplied: { zh: '已补交', en: 'Supplied' },
  'not-needed': { zh: '无需补交（已结案）', en: 'Not needed (case closed)' },
};

/** A case event (events.ts CASE_EVENT_TYPES) as the case's timeline names it, in the office's words. */
export const CASE_EVENT_LABELS: Record<CaseEventType, Label> = {
  'case.submitted': { zh: '提交申请', en: 'Submitted' },
  'case.replanned': { zh: '重新预测', en: 'Forecast updated' },
  'case.amended': { zh: '变更申请', en: 'Amended' },
  'case.departed': { zh: '已出发', en: 'Departed' },
  'case.closed': { zh: '结案', en: 'Case closed' },
  'member.withdrawn': { zh: '成员退出', en: 'Member withdrawn' },
  'step.awaiting': { zh: '待办理', en: 'Awaiting' },
  'step.skipped': { zh: '无需办理', en: 'Not needed' },
  'step.completed': { zh: '已办结', en: 'Completed' },
  'step.decided': { zh: '已审批', en: 'Decided' },
  'step.returned': { zh: '退回重办', en: 'Returned to be done again' },
  'step.blocked': { zh: '受阻', en: 'Blocked' },
  'step.unblocked': { zh: '解除受阻', en: 'Unblocked' },
  'step.withdrawn': { zh: '撤销步骤', en: 'Step withdrawn' },
  'step.overdue': { zh: '已超期', en: 'Overdue' },
  'notice.objection': { zh: '公示异议', en: 'Notice objection' },
  'deficiency.raised': { zh: '容缺受理', en: 'Accepted with missing documents' },
  'deficiency.supplied': { zh: '补交材料', en: 'Document supplied' },
  'deficiency.overdue': { zh: '缺件逾期', en: 'Missing document overdue' },
  'deficiency.extended': { zh: '缺件延期', en: 'Missing document deadline extended' },
  'attachment.added': { zh: '上传附件', en: 'Attachment uploaded' },
  'attachment.removed': { zh: '删除附件', en: 'Attachment removed' },
};
