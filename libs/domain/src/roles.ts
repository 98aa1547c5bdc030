/** Bilingual label; every user-facing string in the domain carries both. */
export interface Label {
  zh: string;
  en: string;
}

/**
 * Codes a refusal lists (what a client sends), each with its label beside it from `labels` (its one home):
 * `visa（签证）、e-visa（电子签证）` / `visa (Visa), e-visa (E-visa)`; a code the table lacks is listed alone, and in English
 * a code whose label is itself (`suspend`) once.
 */
export function labelledCodes(codes: readonly string[], labels: Readonly<Record<string, Label>>): Label {
  const has = (c: string) => Object.prototype.hasOwnProperty.call(labels, c);
  return {
    zh: codes.map((c) => (has(c) ? `${c}（${labels[c]!.zh}）` : c)).join('、'),
    // An English label that is the code itself is not said twice (`suspend`, not `suspend (suspend)`).
    en: codes.map((c) => (has(c) && labels[c]!.en !== c ? `${c} (${labels[c]!.en})` : c)).join(', '),
  };
}

export const ROLES = [
  'organizer',
  'unit-leader',
  'personnel',
  'secrecy',
  'finance',
  'dept-approver',
  'fao-clerk',
  'fao-reviewer',
  'fao-director',
  'leader',
  'passport-officer',
  'visa-officer',
  'enterprise-clerk',
  'apec-desk',
  'manager',
  'admin',
  'system',
  'member',
  'external',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, Label> = {
  organizer: { zh: '专办员', en: 'Organizer' },
  'unit-leader': { zh: '派出单位负责人', en: 'Unit leader' },
  personnel: { zh: '组织人事部门', en: 'Personnel office' },
  secrecy: { zh: '保密部门', en: 'Secrecy office' },
  finance: { zh: '财务部门', en: 'Finance' },
  'dept-approver': { zh: '主管部门', en: 'Supervising department' },
  'fao-clerk': { zh: '外办受理窗口', en: 'FAO intake clerk' },
  'fao-reviewer': { zh: '外办审核处', en: 'FAO reviewer' },
  'fao-director': { zh: '外办主任', en: 'FAO director' },
  leader: { zh: '审批领导', en: 'Approving leader' },
  'passport-officer': { zh: '护照管理处', en: 'Passport officer' },
  'visa-officer': { zh: '签证处', en: 'Visa officer' },
  'enterprise-clerk': { zh: '企业经办人', en: 'Enterprise clerk' },
  'apec-desk': { zh: '外办APEC卡窗口', en: 'FAO APEC desk' },
  manager: { zh: '外办管理人员', en: 'FAO manager' },
  admin: { zh: '系统管理员', en: 'Administrator' },
  system: { zh: '系统', en: 'System' },
  member: { zh: '团组成员', en: 'Delegation member' },
  external: { zh: '外部机构', en: 'External authority' },
};

/** Several labels as one, for a message naming a list: Chinese joined by 、, English by commas. */
export function joinLabels(labels: readonly Label[]): Label {
  return { zh: labels.map((l) => l.zh).join('、'), en: labels.map((l) => l.en).join(', ') };
}

/** The roles' labels as one (a refusal naming who may act): a message never shows a role's code. */
export const roleNames = (roles: readonly Role[]): Label => joinLabels(roles.map((r) => ROLE_LABELS[r]));

/** Roles no person signs in with: the engine itself, a delegation member (recorded for), an outside authority. */
const NOT_PEOPLE = ['system', 'member', 'external'] as const;
/** A role a person can sign in with. */
export type UserRole = Exclude<Role, (typeof NOT_PEOPLE)[number]>;
/** Every role a person can sign in with, in ROLES' order. */
export const USER_ROLES: readonly UserRole[] = ROLES.filter((r): r is UserRole => !(NOT_PEOPLE as readonly Role[]).includes(r));

/** Pre-departure phases are in the 53 steps; post-trip and closed are labels for the case after departure. */
export const PHASES = ['prepare', 'review', 'passport', 'visa', 'depart', 'post-trip', 'closed'] as const;
export type CasePhase = (typeof PHASES)[number];
/** Phases a step of the definition can belong to (post-trip: the obligations after departure, not planned to it). */
export type Phase = 'prepare' | 'review' | 'passport' | 'visa' | 'depart' | 'post-trip';
export const STEP_PHASES: readonly Phase[] = ['prepare', 'review', 'passport', 'visa', 'depart', 'post-trip'];

export const PHASE_LABELS: Record<CasePhase, Label> = {
  prepare: { zh: '出访准备', en: 'Preparation' },
  review: { zh: '外办审批', en: 'FAO review and approval' },
  passport: { zh: '护照办理', en: 'Passport' },
  visa: { zh: '签证办理', en: 'Visa' },
  depart: { zh: '行前准备', en: 'Pre-departure' },
  'post-trip': { zh: '回国后事项', en: 'Post-trip' },
  // Every close (completed, rejected, withdrawn, cancelled): 结案; 办结 is a completed case's own word (trials 71, 72).
  closed: { zh: '已结案', en: 'Closed' },
};

export const STEP_KINDS = ['task', 'approval', 'system', 'external', 'timer'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export const STEP_KIND_LABELS: Record<StepKind, Label> = {
  task: { zh: '办理事项', en: 'Task' },
  approval: { zh: '审批', en: 'Approval' },
  system: { zh: '系统校验', en: 'System check' },
  external: { zh: '外部办理', en: 'External' },
  timer: { zh: '计时', en: 'Timer' },
};

/** D = once per delegation, M = per member, C = per destination country, MC = per member per country. */
export const SCOPES = ['delegation', 'member', 'country', 'member-country'] as const;
export type Scope = (typeof SCOPES)[number];
export const SCOPE_LABELS: Record<Scope, Label> = {
  delegation: { zh: '每团一次', en: 'Once per delegation' },
  member: { zh: '每人一次', en: 'Per member' },
  country: { zh: '每国一次', en: 'Per destination country' },
  'member-country': { zh: '每人每国一次', en: 'Per member per country' },
};

/** Decisions an approval step accepts. */
export const DECISIONS = ['approve', 'reject', 'return'] as const;
export type Decision = (typeof DECISIONS)[number];
