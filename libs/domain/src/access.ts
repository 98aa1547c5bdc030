import type { Label, Phase, Role, StepKind } from './roles';
import { ROLE_LABELS, roleNames } from './roles';
import { sentenceCase } from './text-rule';

/**
 * Who may do what on a case: ONE table read by the engine's validators (workflows/engine), the API's read
 * scoping and inbox (apps/api/src/auth/access.ts), the bench and the tests. docs/api.md's "who" column is
 * checked against it (libs/domain/src/access.spec.ts). Source: the brief (docs/domain.md, 帮代办 and cancel).
 */

/** open = before departure; departed = abroad or post-trip obligations running; the rest are closed. */
export const CASE_STATUSES = ['open', 'departed', 'completed', 'rejected', 'withdrawn', 'cancelled', 'failed', 'terminated'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** A case's status as messages name it (the code stays in the data). */
export const CASE_STATUS_LABELS: Record<CaseStatus, Label> = {
  open: { zh: '办理中', en: 'Open' },
  departed: { zh: '已出发', en: 'Departed' },
  completed: { zh: '已办结', en: 'Completed' },
  rejected: { zh: '未获批准', en: 'Rejected' },
  withdrawn: { zh: '已撤回', en: 'Withdrawn' },
  cancelled: { zh: '已撤销', en: 'Cancelled' },
  failed: { zh: '已终止', en: 'Failed' },
  terminated: { zh: '已被强制终止', en: 'Terminated' },
};
/** terminated: the workflow was ended outside the engine (Temporal CLI or Web UI), recorded by the worker's reconciler. */
export const CLOSED_STATUSES: readonly CaseStatus[] = ['completed', 'rejected', 'withdrawn', 'cancelled', 'failed', 'terminated'];

/**
 * The statuses a case in `status` may yet be in, itself included: a case only moves on (open, then departed, then a
 * closed one), so what a read model a moment behind its workflow says rules out what came before.
 */
export function statusesFrom(status: CaseStatus): readonly CaseStatus[] {
  if (status === 'open') return CASE_STATUSES;
  if (status === 'departed') return ['departed', ...CLOSED_STATUSES];
  return [status];
}

/** Roles of the sending unit: they see and act on their own unit's cases only. */
export const UNIT_ROLES: readonly Role[] = [
  'organizer',
  'unit-leader',
  'personnel',
  'secrecy',
  'finance',
  'dept-approver',
  'enterprise-clerk',
];
/**
 * The government unit roles: every unit role but the enterprise clerk's. A unit any user holds one of for is a government
 * unit, never an APEC card enterprise (the enterprise registration's `government-unit`); an enterprise is granted none.
 */
export const GOVERNMENT_UNIT_ROLES: readonly Role[] = UNIT_ROLES.filter((r) => r !== 'enterprise-clerk');
/** Roles of the Foreign Affairs Office that hold cases: they see every unit's. */
export const FAO_ROLES: readonly Role[] = ['fao-clerk', 'fao-reviewer', 'fao-director', 'passport-officer', 'visa-officer', 'apec-desk'];
/**
 * Who reads the managers' board (GET /api/dashboard and its export; the web's 看板): FAO management and the FAO's own
 * sections, each of the processes its role reads (the APEC desk its cards and whitelist: trial 74, the web had no board
 * for it while the API gave it one).
 */
export const BOARD_ROLES: readonly Role[] = ['manager', ...FAO_ROLES];

/**
 * Whether `remover` may remove a file `uploader` put on a case, as far as who put it there goes: what an FAO role
 * uploaded (its notes, its copies) is removed by an FAO role only (thirteenth trial: the organizer deleted the FAO
 * clerk's note). The workflow's Update validator refuses it (409); the attachment list answers it per file.
 * `uploader` unknown (null): no bar of its own.
 */
export function mayRemoveUpload(remover: Role, uploader: Role | null | undefined): boolean {
  return !(uploader && FAO_ROLES.includes(uploader) && !FAO_ROLES.includes(remover));
}

/**
 * Roles that administer the system and read no cases (issue 14: the administrator manages users, not trips).
 * Not in PEOPLE: no case action names them.
 */
export const ADMIN_ROLES: readonly Role[] = ['admin'];

/**
 * An office role's grant (FAO, leader, manager, admin: any role not in UNIT_ROLES) names one of the office's own
 * departments, `officeUnits` (config OFFICE_UNITS, lower case): rule `office-unit`, else null. An office role acts
 * for every unit (unitReach 'any') or none, so a grant "for" a sending unit (trial: fao-clerk for commerce, which read
 * every unit's cases) stated a scope it never had. A unit role's unit is the registry's to check (registered-unit).
 */
export function officeUnitProblem(
  role: Role,
  unit: string,
  officeUnits: readonly string[],
): { rule: 'office-unit'; message: Label } | null {
  if (UNIT_ROLES.includes(role) || officeUnits.includes(unit.toLowerCase())) return null;
  const named = officeUnits.join(', ');
  return {
    rule: 'office-unit',
    message: {
      zh: `${ROLE_LABELS[role].zh}是本机关角色，办理所有单位的事项，只授予本机关（${named}），不按单位授予`,
      en: `${ROLE_LABELS[role].en} is an office role acting for every unit: it is granted for the office (${named}), not for a unit`,
    },
  };
}

/** Which units' cases a role reaches: own unit, own or the one it supervises (主管部门), any, or none (admin). */
export type UnitReach = 'own' | 'own-or-supervised' | 'any' | 'none';

export function unitReach(role: Role): UnitReach {
  if (ADMIN_ROLES.includes(role)) return 'none';
  if (role === 'dept-approver') return 'own-or-supervised';
  return UNIT_ROLES.includes(role) ? 'own' : 'any';
}

export const CASE_ACTIONS = [
  'read',
  'submit',
  'complete',
  'decide',
  'amend',
  'withdraw',
  'cancel',
  'objection',
  'supplyDocument',
  'extendDeficiency',
  'uploadAttachment',
  'removeAttachment',
  'readAttachments',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/**
 * The access table's action for each update a case takes (the API's action kinds, the engine's actions): most share
 * the name; an attachment's are named for what they do to the case's files.
 */
export const UPDATE_ACCESS_ACTIONS = {
  complete: 'complete',
  decide: 'decide',
  amend: 'amend',
  withdraw: 'withdraw',
  cancel: 'cancel',
  objection: 'objection',
  supplyDocument: 'supplyDocument',
  extendDeficiency: 'extendDeficiency',
  attach: 'uploadAttachment',
  detach: 'removeAttachment',
} as const satisfies Record<string, CaseAction>;
/** An update a case takes: complete, decide, amend, …, attach, detach (UPDATE_ACCESS_ACTIONS). */
export type CaseUpdateKind = keyof typeof UPDATE_ACCESS_ACTIONS;

/** Actions that change nothing: the manager's (who reads everything and decides nothing). */
const READ_ONLY_ACTIONS: readonly CaseAction[] = ['read', 'readAttachments'];

export interface AccessRule {
  /** Roles allowed; 'step' = the role the step names (see responsibleRole). */
  roles: readonly Role[] | 'step';
  /** Case statuses the action may run in (submit creates the case: none). */
  statuses: readonly CaseStatus[];
  /** Roles that may act on behalf of the roles named here (帮代办); empty when no one may. */
  onBehalf?: { by: readonly Role[]; of: readonly Role[] };
  /** On a case of these processes (processOfVersion), of `roles` only these (absent: `roles` on every process). */
  processRoles?: Partial<Record<string, readonly Role[]>>;
  label: Label;
}

const PEOPLE: readonly Role[] = [...UNIT_ROLES, ...FAO_ROLES, 'leader', 'manager'];
/** 帮代办: an FAO officer may do the organizer's part (the organizer records members' steps too). */
// The APEC desk works the card applications only: it does not act for a delegation's organizer.
const FAO_FOR_ORGANIZER = { by: FAO_ROLES.filter((r) => r !== 'apec-desk'), of: ['organizer'] as readonly Role[] };
/** Who uploads and removes a case's documents. */
// The enterprise clerk its own card application's (its applicants' passport copies, photos, forms: PROCESS_ROLES keeps
// it to the APEC processes, its unit to its own enterprise; first trial: it could not upload to its own case).
const ATTACHERS: readonly Role[] = ['organizer', 'enterprise-clerk', ...FAO_ROLES];
// A card or whitelist case's files are the enterprise clerk's and the APEC desk's: the other FAO officers have no step
// there (trial, low: the passport officer uploaded to a card application).
const APEC_ATTACHERS: readonly Role[] = ['enterprise-clerk', 'apec-desk'];
const ATTACHERS_BY_PROCESS = { 'apec-card': APEC_ATTACHERS, 'apec-whitelist': APEC_ATTACHERS };

export const ACCESS: Record<CaseAction, AccessRule> = {
  read: { roles: PEOPLE, statuses: CASE_STATUSES, label: { zh: '查看', en: 'read' } },
  // The organizer submits delegations, the enterprise clerk card applications (SUBMITTERS says which process).
  submit: { roles: ['organizer', 'enterprise-clerk'], statuses: [], label: { zh: '申报', en: 'submit' } },
  complete: {
    roles: 'step',
    statuses: ['open', 'departed'],
    onBehalf: FAO_FOR_ORGANIZER,
    label: { zh: '办结步骤', en: 'complete a step' },
  },
  decide: { roles: 'step', statuses: ['open', 'departed'], onBehalf: FAO_FOR_ORGANIZER, label: { zh: '审批', en: 'decide a step' } },
  amend: { roles: ['organizer'], statuses: ['open'], onBehalf: FAO_FOR_ORGANIZER, label: { zh: '变更', en: 'amend' } },
  // After departure the passport return and the trip report are owed: the case can no longer be withdrawn or cancelled.
  // The enterprise clerk withdraws its own enterprise's card application (PROCESS_ROLES keeps it to those).
  withdraw: {
    roles: ['organizer', 'enterprise-clerk'],
    statuses: ['open'],
    onBehalf: FAO_FOR_ORGANIZER,
    label: { zh: '撤回', en: 'withdraw' },
  },
  cancel: { roles: ['fao-clerk', 'fao-reviewer', 'fao-director', 'apec-desk'], statuses: ['open'], label: { zh: '撤销', en: 'cancel' } },
  objection: {
    // The pre-trip notice is the delegation chain's: the card roles have none to object to.
    roles: PEOPLE.filter((r) => r !== 'manager' && r !== 'enterprise-clerk' && r !== 'apec-desk'),
    statuses: ['open'],
    label: { zh: '登记公示异议', en: 'record a notice objection' },
  },
  supplyDocument: {
    roles: ['organizer'],
    statuses: ['open', 'departed'],
    onBehalf: FAO_FOR_ORGANIZER,
    label: { zh: '补交缺件', en: 'supply a document' },
  },
  // 容缺: the FAO clerk who accepted the case with deficiencies grants more time (or cancels the case).
  extendDeficiency: {
    roles: ['fao-clerk'],
    statuses: ['open'],
    label: { zh: '延长缺件补交期限', en: 'extend a missing document deadline' },
  },
  // Attachments (issue 15 item 3): the organizer assembles the dossier, FAO officers add what they receive or scan.
  uploadAttachment: {
    roles: ATTACHERS,
    statuses: ['open', 'departed'],
    processRoles: ATTACHERS_BY_PROCESS,
    label: { zh: '上传附件', en: 'upload an attachment' },
  },
  removeAttachment: {
    roles: ATTACHERS,
    statuses: ['open', 'departed'],
    processRoles: ATTACHERS_BY_PROCESS,
    label: { zh: '删除附件', en: 'remove an attachment' },
  },
  // Whoever may read the case may list and download its documents.
  readAttachments: { roles: PEOPLE, statuses: CASE_STATUSES, label: { zh: '查看附件', en: 'read attachments' } },
};

/**
 * Registry reads beyond the case table (issue 14; issue 17 item 2): the unit roles that read their own unit's
 * staff roster (GET /api/registries/people, /people/:personId). Roles that reach every unit (FAO, leader,
 * manager) read every roster; any other unit role none (403). The enterprise clerk names applicants from it;
 * what each sees in clear is the classification's (personal-data.ts).
 */
export const ROSTER_READERS: readonly Role[] = ['personnel', 'secrecy', 'organizer', 'enterprise-clerk'];

/**
 * Who writes each registry (docs/registries.md): the API's guards (`@Roles(...REGISTRY_WRITERS.units)` in
 * apps/api/src/registries/registries.controller.ts) and the web's Registries page (which forms it shows) read this
 * one table. Units and calendars: the FAO's clerk and director (开户备案); a unit's annual plan: its organizer or
 * the FAO clerk; people: the unit's personnel office (own unit, checked by the service); classified access: the
 * secrecy office; passports and their custody moves: the passport officer; process versions: the FAO director.
 */
export const REGISTRY_WRITERS = {
  units: ['fao-clerk', 'fao-director'],
  // The unit's organizer files its plan as a proposal; the FAO clerk approves it (or writes the plan as approved): A01
  // reads only the approved plan (trial's list: the unit clerk edited the plan A01 read).
  plans: ['organizer', 'fao-clerk'],
  planApproval: ['fao-clerk'],
  // The enterprise clerk keeps its own enterprise's roster (F4): an enterprise holds no personnel office (422
  // government-unit) and names its card applicants from it; never another unit's, never a government unit's
  // (mayWriteRoster). The APEC desk does not: it reviews the applicants (K03) the roster names.
  people: ['personnel', 'enterprise-clerk'],
  classifiedAccess: ['secrecy'],
  passports: ['passport-officer'],
  calendar: ['fao-clerk', 'fao-director'],
  processVersions: ['fao-director'],
} as const satisfies Record<string, readonly Role[]>;

/**
 * A unit as the registry scoping sees it: its code and whether it is an APEC card enterprise (a unit registered in
 * apec_enterprises: the APEC registries' `PUT /api/apec/enterprises/:unit`; never a government unit).
 */
export interface RegistryUnit {
  code: string;
  enterprise: boolean;
}

/**
 * Which units' registry records a role reads (units beyond their names, annual plans, rosters, passports in custody and
 * their changes): 'enterprise' for a role PROCESS_ROLES bounds to the APEC processes, whose cases are the APEC card
 * enterprises' (the APEC desk, the enterprise clerk), 'any' for every other role, whose reach alone decides (F7: the APEC
 * desk, walled off from the 审护签 cases, still read every government unit's roster and passport ledger).
 */
export function registryUnitKind(role: Role): 'any' | 'enterprise' {
  const only = PROCESS_ROLES[role];
  return only && only.every((p) => p === 'apec-card' || p === 'apec-whitelist') ? 'enterprise' : 'any';
}

/**
 * May this role and unit read this unit's registry records? The unit within its reach (reaches, as its cases), and an
 * APEC card enterprise for a role whose registries are the enterprises' (registryUnitKind). The one rule of every
 * registry read: units, plans, rosters (with mayReadRoster's roles), passports, changes.
 */
export function mayReadUnitRecords(who: { role: Role; unit: string }, unit: RegistryUnit): boolean {
  return reaches(who, { unit: unit.code }) && (registryUnitKind(who.role) === 'any' || unit.enterprise);
}

/**
 * May this role and unit read the roster of `unit`? Its records (mayReadUnitRecords), and for a unit role its own unit
 * only as one of ROSTER_READERS; a role reaching every unit reads every roster in its registry scope.
 */
export function mayReadRoster(who: { role: Role; unit: string }, unit: RegistryUnit): boolean {
  if (!mayReadUnitRecords(who, unit)) return false;
  return unitReach(who.role) === 'any' || (who.unit === unit.code && ROSTER_READERS.includes(who.role));
}

/**
 * May this role and unit write the roster of `unit` (PUT /api/registries/people/:personId)? One of
 * REGISTRY_WRITERS.people, for its own unit only, within its registry scope (mayReadRoster): the personnel office its
 * government unit's, the enterprise clerk its own enterprise's (F4), never a government unit's.
 */
export function mayWriteRoster(who: { role: Role; unit: string }, unit: RegistryUnit): boolean {
  return (REGISTRY_WRITERS.people as readonly Role[]).includes(who.role) && who.unit === unit.code && mayReadRoster(who, unit);
}

/**
 * Who starts a case of each process (issue 17): the submit rule's roles, split by process. The whitelist
 * admission is decided by its steps' roles (W02: the APEC desk; W03: the system), as every case's steps are.
 */
export const SUBMITTERS: Record<'delegation' | 'apec-card' | 'apec-whitelist', readonly Role[]> = {
  delegation: ['organizer'],
  'apec-card': ['enterprise-clerk'],
  'apec-whitelist': ['enterprise-clerk'],
};

/** Who reads and who sets the office's whitelist admission criteria (office data, not a case: issue 17). */
export const WHITELIST_CRITERIA_ACCESS: { read: readonly Role[]; write: readonly Role[] } = {
  read: ['apec-desk', 'manager', 'admin', 'enterprise-clerk'],
  write: ['apec-desk', 'admin'],
};

/**
 * Steps whose actor is not a person of the API are recorded by someone who is: the members' by the
 * organizer, external outcomes by the officer of the phase (passport phase: passport officer, else visa).
 */
export const RECORDED_BY: ReadonlyArray<{ actor: Role; phase?: { is: Phase } | { not: Phase }; by: Role }> = [
  { actor: 'member', by: 'organizer' },
  { actor: 'external', phase: { is: 'passport' }, by: 'passport-officer' },
  { actor: 'external', phase: { not: 'passport' }, by: 'visa-officer' },
];

const phaseMatches = (rule: (typeof RECORDED_BY)[number]['phase'], phase: string): boolean =>
  !rule || ('is' in rule ? phase === rule.is : phase !== rule.not);

/** The role that records a step (a Role of the definition, e.g. 'member' → 'organizer'). */
export function responsibleRole(step: { actor: Role; phase: string }): Role {
  return RECORDED_BY.find((r) => r.actor === step.actor && phaseMatches(r.phase, step.phase))?.by ?? step.actor;
}

/** The (actor, phase) selectors of the steps landing in a role's inbox: its own, and those it records for others. */
export function inboxSelectors(role: Role): Array<{ actorRole: Role; phase?: { is: Phase } | { not: Phase } }> {
  if (role === 'manager' || role === 'system' || ADMIN_ROLES.includes(role)) return [];
  return [
    { actorRole: role },
    ...RECORDED_BY.filter((r) => r.by === role).map((r) => ({ actorRole: r.actor, ...(r.phase ? { phase: r.phase } : {}) })),
  ];
}

export interface CaseScope {
  unit: string;
  supervisingDepartment?: string | null;
}

/** May a person of this role and unit reach (see, and so try to act on) a case of this unit? */
export function reaches(who: { role: Role; unit: string }, c: CaseScope): boolean {
  switch (unitReach(who.role)) {
    case 'any':
      return true;
    case 'own':
      return who.unit === c.unit;
    case 'own-or-supervised':
      return who.unit === c.unit || (!!c.supervisingDepartment && who.unit === c.supervisingDepartment);
    case 'none':
      return false;
  }
}

/**
 * FORBIDDEN_ROLE: a role that may do nothing of the kind on any case (the manager reads everything, decides nothing), the
 * code the route guard gives such a role, on every route alike (new-user trial: the manager's upload read WRONG_ROLE, its
 * decision FORBIDDEN_ROLE); WRONG_ROLE: another role's step or action.
 */
export type AccessRefusalCode =
  'FORBIDDEN_ROLE' | 'WRONG_ROLE' | 'CASE_CLOSED' | 'ACTION_NOT_ALLOWED' | 'INVALID_ON_BEHALF' | 'SELF_APPROVAL';
export interface AccessRefusal {
  code: AccessRefusalCode;
  message: Label;
}

export interface AccessQuery {
  action: CaseAction;
  actor: { role: Role; unit: string };
  /**
   * The case's status and units (status omitted for submit), and its process (processOfVersion) where the caller
   * knows it: the rule's processRoles apply only then (the workflow's replayed handler leaves it out).
   */
  case: CaseScope & { status?: CaseStatus; process?: string };
  /** complete/decide: the step's definition actor and phase. */
  step?: { actor: Role; phase: string };
  /**
   * 帮代办: whom the actor acts for, resolved: a user (the API looked it up in the users table) or a member
   * of this delegation (only for the members' own steps).
   */
  onBehalfOf?: Principal;
  /** The delegation's member ids (checks a member principal) and the step instance's member, if any. */
  members?: readonly string[];
  stepMemberId?: string;
}

/**
 * Whom a 帮代办 action is done for: a user of the system, or a member of the delegation by member id. A user's `role`
 * is null for a name no enabled user holds: refused as a user without the role, so the answer is the same whether
 * the name exists (trial: "no such user" against "their role: …" told who exists and what they hold).
 */
export type Principal = { kind: 'user'; id: string; role: Role | null; unit: string } | { kind: 'member'; memberId: string };

/** The roles allowed to do `action` (on `step` for complete/decide; on a case of `process`, its processRoles), without 帮代办. */
export function allowedRoles(action: CaseAction, step?: { actor: Role; phase: string }, process?: string): readonly Role[] {
  const rule = ACCESS[action];
  const only = process === undefined ? undefined : rule.processRoles?.[process];
  if (rule.roles !== 'step') return only ? rule.roles.filter((r) => only.includes(r)) : rule.roles;
  const role = step ? responsibleRole(step) : undefined;
  return role && role !== 'system' ? [role] : [];
}

/**
 * Whether `role` may do `action` on `step` at all: by its own right, or, naming someone to act for (`onBehalf`, 帮代办),
 * as a role the access table lets act for the step's role. Who it names, the case's unit and the step's state are
 * accessRefusal's (the workflow's validator). The API checks a step's own rules (its data, its document numbers) only
 * for such a caller, so anyone else gets the workflow's 403 first, as on a step with no rules of its own (trial 35:
 * finance naming the organizer got 422 at A04's data, not 403).
 */
export function mayActOnStep(action: 'complete' | 'decide', role: Role, step: { actor: Role; phase: string }, onBehalf: boolean): boolean {
  return mayAttempt(action, role, onBehalf, step);
}

/**
 * Whether `role` may attempt `action` at all, whatever the case's state: by its own right (on `step` for complete and
 * decide; on a case of `process`, its processRoles), or naming someone to act for (`onBehalf`, 帮代办) as a role the access
 * table lets act for one of the allowed roles. The API asks it before a request's own rules (a decision's reason, an
 * amendment's members and passports): a caller the action is never for hears 403 first, as the workflow answers
 * (forty-seventh trial: finance returning A02 without a reason read 422 before 403).
 */
export function mayAttempt(
  action: CaseAction,
  role: Role,
  onBehalf: boolean,
  step?: { actor: Role; phase: string },
  process?: string,
): boolean {
  const roles = allowedRoles(action, step, process);
  if (roles.includes(role)) return true;
  const rule = ACCESS[action].onBehalf;
  return onBehalf && rule !== undefined && rule.by.includes(role) && roles.some((r) => rule.of.includes(r));
}

/**
 * Whether `action` is refused on a case in `status` whatever status it comes to next (statusesFrom): the case's status
 * in the read model, a moment behind its workflow, is then enough to refuse it (accessRefusal's status refusal), and
 * the API does so before the request's own rule checks: a departed case's amendment with a bad date read 422 where
 * its state refuses any amendment (forty-first trial), as a closed case's did before.
 */
export function statusRefusesForGood(action: CaseAction, status: CaseStatus): boolean {
  const allowed = ACCESS[action].statuses;
  return !statusesFrom(status).some((s) => allowed.includes(s));
}

/** Why this actor may not do this action on this case now; undefined when they may. The order: case status, role, unit. */
export function accessRefusal(q: AccessQuery): AccessRefusal | undefined {
  const rule = ACCESS[q.action];
  const status = q.case.status;
  if (status !== undefined && !rule.statuses.includes(status)) {
    const s = CASE_STATUS_LABELS[status];
    if (CLOSED_STATUSES.includes(status))
      return { code: 'CASE_CLOSED', message: { zh: `案件已结束（${s.zh}）`, en: `The case is closed (${s.en})` } };
    return {
      code: 'ACTION_NOT_ALLOWED',
      message: { zh: `案件${s.zh}，不能${rule.label.zh}`, en: `The case is ${s.en.toLowerCase()}: no one may ${rule.label.en} now` },
    };
  }
  const role = q.actor.role;
  if (role === 'manager' && !READ_ONLY_ACTIONS.includes(q.action))
    return { code: 'FORBIDDEN_ROLE', message: { zh: '管理人员只能查看，不能办理', en: 'Managers read everything and decide nothing' } };
  if (rule.roles === 'step' && q.step && responsibleRole(q.step) === 'system') {
    return { code: 'WRONG_ROLE', message: { zh: '系统步骤由系统自动办理', en: 'System steps are run by the engine' } };
  }
  const roles = allowedRoles(q.action, q.step, q.case.process);
  const own = roles.includes(role);
  if (q.onBehalfOf) {
    const bad = onBehalfRefusal(q, roles, own);
    if (bad) return bad;
  } else if (!own) {
    if (rule.roles === 'step') {
      const label = roles[0] ? ROLE_LABELS[roles[0]] : undefined;
      return {
        code: 'WRONG_ROLE',
        message: label
          ? { zh: `此步骤由${label.zh}办理`, en: `This step is for: ${label.en}` }
          : { zh: `未指明步骤，不能${rule.label.zh}`, en: `No step named: no one may ${rule.label.en}` },
      };
    }
    const names = roleNames(roles);
    return {
      code: 'WRONG_ROLE',
      message: { zh: `只有${names.zh}可以${rule.label.zh}`, en: `Only these roles may ${rule.label.en}: ${names.en}` },
    };
  }
  if (!reaches(q.actor, q.case)) {
    return {
      code: 'WRONG_ROLE',
      message: { zh: `只能办理本单位（${q.actor.unit}）的团组`, en: `You act only on your own unit's (${q.actor.unit}) cases` },
    };
  }
  return undefined;
}

/**
 * Roles whose part is some processes only (the access table's, beside ACCESS): the APEC desk and the enterprise clerk
 * work the APEC card and whitelist cases, not a delegation (new-user trial: the APEC desk cancelled a 审护签 case).
 */
export const PROCESS_ROLES: Partial<Record<Role, readonly string[]>> = {
  'apec-desk': ['apec-card', 'apec-whitelist'],
  'enterprise-clerk': ['apec-card', 'apec-whitelist'],
};

/**
 * May a person of this role read (and so try to act on) a case of this process? Every role reads every process but
 * those PROCESS_ROLES bounds, which read their processes only (new-user trial: the APEC desk read a 审护签 case and
 * downloaded a member's passport copy). `process` undefined: not known (a case the caller only knows by its unit),
 * read only by a role no process bounds. Beside the unit reach (reaches): the API's read scoping asks both.
 */
export function mayReadProcess(role: Role, process: string | undefined): boolean {
  const only = PROCESS_ROLES[role];
  return !only || (process !== undefined && only.includes(process));
}

/**
 * Who may decode Temporal payloads (the codec endpoint, /api/codec): the FAO roles that read every process. A payload
 * does not say which process's workflow it came from, so a role PROCESS_ROLES bounds is not among them (thirteenth
 * trial: the APEC desk, refused a delegation case on the API, read its members in clear through the codec).
 */
export const CODEC_ROLES: readonly Role[] = FAO_ROLES.filter((r) => PROCESS_ROLES[r] === undefined);

/** Why this role may not act on a case of this process (PROCESS_ROLES), WRONG_ROLE; undefined when it may. */
export function processRoleRefusal(role: Role, process: string, processLabel: Label): AccessRefusal | undefined {
  if (mayReadProcess(role, process)) return undefined;
  return {
    code: 'WRONG_ROLE',
    message: {
      zh: `${ROLE_LABELS[role].zh}不办理“${processLabel.zh}”案件`,
      en: `${ROLE_LABELS[role].en} does not act on ${processLabel.en.toLowerCase()} cases`,
    },
  };
}

/**
 * 主管部门审核 (A16, the step of the dept-approver role: process.md, "the competent (supervising) department reviews
 * subordinate units' trips") is the supervising department's: decided by a dept-approver of the case's
 * `supervisingDepartment` (or for one, 帮代办), not by one of the case's own unit, whom the read reach lets see the
 * case (new-user trial: the supervised unit's own approver decided its department's review). WRONG_ROLE; undefined
 * for any other step. Checked beside accessRefusal by the workflow's validators (a signal asks
 * patched('competent-department')) and the inbox (competentDepartmentReach).
 */
export function competentDepartmentRefusal(q: {
  step: { actor: Role; phase: string };
  actor: { role: Role; unit: string };
  case: CaseScope;
  onBehalfOf?: Principal;
}): AccessRefusal | undefined {
  if (responsibleRole(q.step) !== 'dept-approver') return undefined;
  const unit = q.onBehalfOf?.kind === 'user' ? q.onBehalfOf.unit : q.actor.unit;
  const dept = q.case.supervisingDepartment ?? null;
  if (dept !== null && unit === dept) return undefined;
  return {
    code: 'WRONG_ROLE',
    message: dept
      ? {
          zh: `主管部门审核由团组单位的主管部门（${dept}）办理，不由本单位（${q.case.unit}）办理`,
          en: `The competent department review is for the unit's supervising department (${dept}), not the unit itself (${q.case.unit})`,
        }
      : { zh: '本团组单位没有主管部门，无主管部门审核', en: "The case's unit has no supervising department to review it" },
  };
}

/** The inbox reach of a role: a dept-approver's steps are its supervised units' (competentDepartmentRefusal). */
export function inboxReach(role: Role): UnitReach | 'supervised' {
  return role === 'dept-approver' ? 'supervised' : unitReach(role);
}

/**
 * 帮代办 as a recorded authority (issue 11 item 7): the actor's role may act on behalf (ACCESS[action].onBehalf.by)
 * of the role the action needs (onBehalf.of), and the principal holds that role for the case's unit; a member
 * principal is a member of this delegation and only for a member's step (recorded by its own recorder or an
 * officer acting for the organizer). Undefined when the claim is valid.
 */
function onBehalfRefusal(q: AccessQuery, roles: readonly Role[], own: boolean): AccessRefusal | undefined {
  const rule = ACCESS[q.action];
  const p = q.onBehalfOf!;
  const refuse = (zh: string, en: string): AccessRefusal => ({
    code: 'INVALID_ON_BEHALF',
    // Sentence case, a leading name as written: quoted (third trial: leader.city read Leader.city; a later one: zhangsan
    // read Zhangsan).
    message: { zh: `onBehalfOf：${zh}`, en: `${sentenceCase(en, zh)} (onBehalfOf)` },
  });
  const mayActFor = (r: Role) => !!rule.onBehalf && rule.onBehalf.by.includes(q.actor.role) && rule.onBehalf.of.includes(r);
  if (p.kind === 'member') {
    if (q.step?.actor !== 'member')
      return refuse('只有成员本人的步骤可以代成员办理', "only a member's own step may be done on behalf of a member");
    if (!q.members?.includes(p.memberId) || (q.stepMemberId !== undefined && q.stepMemberId !== p.memberId)) {
      return refuse(`${p.memberId} 不是本步骤所属的本团成员`, `"${p.memberId}" is not the member of this delegation this step is for`);
    }
    // The member's step is recorded by its recorder (the organizer) or, 帮代办, by an officer acting for it.
    if (!own && !roles.some(mayActFor))
      return refuse(`${ROLE_LABELS[q.actor.role].zh}不能代为办理`, `${ROLE_LABELS[q.actor.role].en} may not act on behalf of others here`);
    return undefined;
  }
  if (own) return refuse('本人有权办理，无需代办', 'you hold this right yourself: do not name someone else');
  if (!roles.some(mayActFor)) {
    if (!rule.onBehalf) return refuse(`${rule.label.zh}不能代办`, `no one may ${rule.label.en} on behalf of others`);
    const actor = ROLE_LABELS[q.actor.role];
    const of = roleNames(rule.onBehalf.of);
    // The caller's role may act for someone, just not for this step's role: say whom it acts for (trial: a refusal
    // to the FAO clerk deciding for Finance listed the FAO clerk among those who "may").
    if (rule.onBehalf.by.includes(q.actor.role))
      return refuse(
        `${actor.zh}只能代${of.zh}办理，此步骤属于${roleNames(roles).zh}`,
        `${actor.en} acts on behalf of the ${of.en} only: this step is for ${roleNames(roles).en}`,
      );
    return refuse(
      `${actor.zh}不能代他人${rule.label.zh}；只有${roleNames(rule.onBehalf.by).zh}可以代${of.zh}办理`,
      `${actor.en} may not ${rule.label.en} on behalf of others: only ${roleNames(rule.onBehalf.by).en} may, for the ${of.en}`,
    );
  }
  // One answer for a name no one holds, a user without the role and one without the unit: it says what the action
  // needs, never what the name is.
  if (p.role === null || !roles.includes(p.role) || !reaches({ role: p.role, unit: p.unit }, q.case))
    return refuse(
      `${p.id} 不是本团组单位（${q.case.unit}）的${roleNames(roles).zh}，不能为其代办`,
      `"${p.id}" does not hold the role of ${roleNames(roles).en} for this case's unit (${q.case.unit}), which acting on their behalf needs`,
    );
  return undefined;
}

/**
 * Separation of duties (不相容职责分离): nobody decides on a case they submitted or acted on as its organizer,
 * whatever role they hold now (a user may hold grants of several roles, e.g. organizer of one unit and leader of
 * another). "Decides" = any `decide` action, and completing any approval-kind step. The person is the user id
 * (username): the acting user and, for 帮代办, the user acted for (an officer deciding for the submitter is the
 * submitter deciding). `organizers` = the case's submitter and every user who acted on it as organizer, was acted
 * for as organizer, or did the organizer's part for them (organizersOf). The API checks it before sending (from the read model), the workflow's Update
 * validator for every client (workflows/engine/case-engine.ts).
 */
export interface DutyQuery {
  action: CaseAction;
  actor: { id: string };
  /** 帮代办: the user acted for, if a user. */
  onBehalfOfUserId?: string;
  /** complete: the step's kind (an approval step is a decision however it is recorded). */
  stepKind?: StepKind;
  organizers: readonly string[];
}

/**
 * Who acted on a case as its organizer by one accepted action (user ids), the one rule for the workflow's set
 * (workflows/engine/core.ts noteOrganizer) and the read model's (cases.organizers, libs/persistence projection.ts):
 * the actor signed in as organizer; and for 帮代办, where the access table lets an officer act only for the
 * organizer (FAO_FOR_ORGANIZER, whose part includes recording the members' steps), the officer who did the
 * organizer's part (whoever filed may not approve what they filed) and the organizer user acted for.
 * `onBehalfOf`: the principal acted for, `member` when it is a member of the delegation (not a user).
 */
export function organizersOf(act: {
  actor?: { id: string; role: string } | null;
  onBehalfOf?: { id: string; member?: boolean } | null;
}): string[] {
  const out = new Set<string>();
  if (act.actor?.role === 'organizer') out.add(act.actor.id);
  if (act.onBehalfOf) {
    if (act.actor) out.add(act.actor.id);
    if (!act.onBehalfOf.member) out.add(act.onBehalfOf.id);
  }
  return [...out];
}

/** Whether the action is a decision on the case (the actions separation of duties restricts). */
export function isDecision(action: CaseAction, stepKind?: StepKind): boolean {
  return action === 'decide' || (action === 'complete' && stepKind === 'approval');
}

export function separationRefusal(q: DutyQuery): AccessRefusal | undefined {
  if (!isDecision(q.action, q.stepKind)) return undefined;
  const who = [q.actor.id, ...(q.onBehalfOfUserId !== undefined ? [q.onBehalfOfUserId] : [])];
  const self = who.find((id) => q.organizers.includes(id));
  if (self === undefined) return undefined;
  // Said to the one refused: "you", not their account (trial 84: the refusal named fao-clerk.fao); the person acted for
  // (帮代办) by the account the request named.
  const mine = self === q.actor.id;
  return {
    code: 'SELF_APPROVAL',
    message: {
      zh: `不得审批本人报送的案件（${mine ? '您' : `代办对象 ${self} `}是本案的报送人或经办人）`,
      en: `No one may decide on a case they submitted or acted on as its organizer (${mine ? 'you did' : `${self}, acted for, did`})`,
    },
  };
}

/** A decision taken on a case (an approval decided, or completed): who, in which role, on which step instance. */
export interface CaseDecision {
  stepKey: string;
  actorId: string;
  role: string;
}

export interface CrossRoleQuery {
  action: CaseAction;
  actor: { id: string; role: string };
  /** complete: the step's kind (an approval step is a decision however it is recorded). */
  stepKind?: StepKind;
  /** Whether this action acts as the case's organizer (organizersOf names the actor). */
  asOrganizer: boolean;
  /** The decisions taken on the case so far. */
  decisions: readonly CaseDecision[];
  /** For a decision: the instance keys of the decided approvals it rests on (its needs, transitively). */
  upstream?: ReadonlySet<string>;
}

/**
 * Separation of duties across roles (second new-user trial: one person holding two approver roles decided A11, the
 * political review, and A15, the unit's sign-off that rests on it; a person who had decided an approval went on to
 * act as the case's organizer). A decision may not be taken by whoever decided, in another role, an approval it rests
 * on (its needs, transitively); the same role deciding a chain of its own steps (B04 then B05, the FAO reviewer) is
 * that role's work. And whoever decided an approval of the case may not act on it as its organizer afterwards
 * (SELF_APPROVAL's other direction: preparing or changing what one approved). 403 SELF_APPROVAL, rule
 * separation-of-duties.
 */
export function crossRoleRefusal(q: CrossRoleQuery): AccessRefusal | undefined {
  const own = q.decisions.filter((d) => d.actorId === q.actor.id);
  if (own.length === 0) return undefined;
  if (q.asOrganizer) {
    const d = own[0]!;
    return {
      code: 'SELF_APPROVAL',
      message: {
        zh: `审批过本案的人员不得再以报送人身份办理本案（您已以${roleLabelOf(d.role).zh}身份审批 ${d.stepKey}）`,
        en: `No one who decided on a case may act on it as its organizer (you decided ${d.stepKey} as ${roleLabelOf(d.role).en})`,
      },
    };
  }
  if (!isDecision(q.action, q.stepKind) || !q.upstream) return undefined;
  const d = own.find((x) => x.role !== q.actor.role && q.upstream!.has(x.stepKey));
  if (!d) return undefined;
  return {
    code: 'SELF_APPROVAL',
    message: {
      zh: `不得审批以本人在其他岗位上所作审批为前提的事项（您已以${roleLabelOf(d.role).zh}身份审批 ${d.stepKey}）`,
      en: `No one may decide a step that rests on their own decision in another role (you decided ${d.stepKey} as ${roleLabelOf(d.role).en})`,
    },
  };
}

/**
 * Separation of duties as the workflow's Update validator applies it to a decision or a completion, both rules in its
 * order: nobody decides on a case they acted on as its organizer (separationRefusal), nor a step resting on their own
 * decision in another role, nor acts as organizer after deciding (crossRoleRefusal). The API's pre-check and the inbox
 * (apps/api/src/auth/access.ts dutiesRefusalFor) ask this, so they mark and refuse exactly what the workflow refuses
 * (second trial: the inbox offered A15 to the person who had decided A11 as another role, and the API sent it).
 */
export function dutiesRefusal(q: DutyQuery & CrossRoleQuery): AccessRefusal | undefined {
  return separationRefusal(q) ?? crossRoleRefusal(q);
}

const roleLabelOf = (role: string): Label => (ROLE_LABELS as Record<string, Label | undefined>)[role] ?? { zh: role, en: role };

/** The full matrix (action x role → allowed statuses and unit reach), for docs and the table-driven test. */
export function accessMatrix(): Array<{
  action: CaseAction;
  role: Role;
  statuses: readonly CaseStatus[];
  units: UnitReach;
  onBehalfOnly: boolean;
}> {
  const out: Array<{ action: CaseAction; role: Role; statuses: readonly CaseStatus[]; units: UnitReach; onBehalfOnly: boolean }> = [];
  for (const action of CASE_ACTIONS) {
    const rule = ACCESS[action];
    for (const role of PEOPLE) {
      const own = rule.roles === 'step' ? role !== 'manager' : rule.roles.includes(role);
      const onBehalf = !!rule.onBehalf?.by.includes(role);
      if (own || onBehalf) out.push({ action, role, statuses: rule.statuses, units: unitReach(role), onBehalfOnly: !own });
    }
  }
  return out;
}
