import { CASE_EVENT_LABELS, DECISION_KIND_LABELS, DEFICIENCY_STATUS_LABELS, STEP_STATUS_LABELS } from '../../../libs/contracts/src/labels';
import { CASE_STATUS_LABELS } from '../../../libs/domain/src/access';
import { ATTACHMENT_KIND_LABELS } from '../../../libs/domain/src/attachments';
import {
  CARD_STATUS_LABELS,
  ENTERPRISE_SIZE_LABELS,
  EXIT_REASON_LABELS,
  OWNERSHIP_LABELS,
  WHITELIST_ACTION_LABELS,
  WHITELIST_MOVE_LABELS,
  WHITELIST_STATE_LABELS,
} from '../../../libs/domain/src/definition/apec-card';
import { ROLE_LABELS, type Label } from '../../../libs/domain/src/roles';

/**
 * The web app's own words in both languages, [Chinese, English] (a plain module: the pages read it through useT in
 * i18n.tsx). Keys are stable; tests switch to English and check that no Chinese label is left on the page.
 * An enum value the API sends is NOT labelled here: ENUM_LABELS below reads the one table the API and its
 * messages use (libs/domain, libs/contracts), so the page and the API's texts say the same word.
 */
export const DICT = {
  appTitle: ['因公出国（境）审护签', 'Outbound Delegations'],
  signIn: ['登录', 'Sign in'],
  signOut: ['退出登录', 'Sign out'],
  username: ['用户名', 'Username'],
  password: ['密码', 'Password'],
  required: ['必填', 'Required'],
  demoHint: [
    '演示账号：organizer.commerce、fao-clerk.fao、manager.fao 等，密码 demo',
    'Demo users: organizer.commerce, fao-clerk.fao, manager.fao, …; password demo',
  ],
  expiredTitle: ['登录已过期', 'Your session has expired'],
  expiredText: ['为了安全，登录状态已失效。请重新登录后继续办理。', 'For your security the session has ended. Sign in again to continue.'],
  signInAgain: ['重新登录', 'Sign in again'],
  language: ['English', '中文'],
  languageLabel: ['切换语言', 'Switch language'],
  navCases: ['我的案件', 'My cases'],
  navAllCases: ['案件', 'Cases'],
  navNew: ['新建出访申请', 'New trip'],
  navInbox: ['待办', 'Inbox'],
  navBoard: ['管理看板', 'Board'],
  navNotifications: ['通知', 'Notifications'],
  notifications: ['通知', 'Notifications'],
  loading: ['加载中…', 'Loading…'],
  empty: ['暂无数据', 'Nothing here'],
  retry: ['重试', 'Retry'],
  error: ['出错了', 'Something went wrong'],
  search: ['搜索标题或单位', 'Search title or unit'],
  status: ['状态', 'Status'],
  phase: ['阶段', 'Phase'],
  title: ['标题', 'Title'],
  unit: ['单位', 'Unit'],
  departure: ['出发日期', 'Departure'],
  returnDate: ['回国日期', 'Return'],
  slack: ['余量（工作日）', 'Slack (WD)'],
  atRisk: ['有风险', 'At risk'],
  onTrack: ['正常', 'On track'],
  criticalStep: ['关键步骤', 'Binding step'],
  open: ['打开', 'Open'],
  // case status groups
  groupAll: ['全部', 'All'],
  groupInProgress: ['办理中', 'In progress'],
  groupReturned: ['退回修改', 'Returned for revision'],
  groupApproved: ['已批准', 'Approved'],
  groupDeparted: ['已出发', 'Departed'],
  groupClosed: ['已办结', 'Closed'],
  // new trip
  stepBasic: ['基本信息', 'Basic data'],
  stepItinerary: ['行程与邀请方', 'Itinerary'],
  stepMembers: ['团组成员', 'Members'],
  stepReview: ['核对并报送', 'Review and submit'],
  purpose: ['出访目的', 'Purpose'],
  jointDelegation: ['联合组团', 'Joint delegation'],
  supervisingDepartment: ['主管部门', 'Supervising department'],
  country: ['国家/地区', 'Country'],
  city: ['城市', 'City'],
  arrive: ['抵达', 'Arrive'],
  leave: ['离开', 'Leave'],
  inviterName: ['邀请人', 'Inviter'],
  inviterOrg: ['邀请单位', 'Inviting organization'],
  addDestination: ['添加目的地', 'Add destination'],
  addMember: ['添加成员', 'Add member'],
  remove: ['删除', 'Remove'],
  memberId: ['成员编号', 'Member id'],
  name: ['姓名', 'Name'],
  position: ['职务', 'Position'],
  rank: ['级别', 'Rank'],
  partyMember: ['党员', 'Party member'],
  classifiedAccess: ['涉密人员', 'Classified access'],
  leadershipTeam: ['所属领导班子', 'Leadership team'],
  passportInCustody: ['护照由外办保管', 'Passport in FAO custody'],
  passportNumber: ['护照号码', 'Passport number'],
  passportExpires: ['护照有效期至', 'Passport expires on'],
  rosterHint: [
    '请逐一录入团组成员。已在本单位人员名册登记的人员，其护照等信息以人员名册和外办护照保管记录为准，报送时不一致的会被指出。',
    "Type in each member. For people on the unit roster, the roster and the FAO's passport custody records are what counts for their passport and other details: anything that differs is pointed out when you submit.",
  ],
  next: ['下一步', 'Next'],
  previous: ['上一步', 'Back'],
  submit: ['报送', 'Submit'],
  submitted: ['已报送', 'Submitted'],
  fixErrors: ['请先更正以下问题', 'Please correct the following first'],
  ruleViolations: ['不符合出访规定', 'Trip rule violations'],
  yes: ['是', 'Yes'],
  no: ['否', 'No'],
  // inbox
  overdue: ['已超期', 'Overdue'],
  dueSoon: ['即将到期', 'Due soon'],
  blocked: ['受阻', 'Blocked'],
  others: ['其他待办', 'Other tasks'],
  step: ['步骤', 'Step'],
  latestStart: ['最晚开始', 'Latest start'],
  dueAt: ['办理时限', 'Due'],
  act: ['办理', 'Act'],
  decide: ['审批', 'Decide'],
  complete: ['办结', 'Complete'],
  onBehalf: ['帮代办', 'On behalf'],
  onBehalfOf: ['代为办理对象', 'On behalf of'],
  // decision dialog
  decision: ['审批决定', 'Decision'],
  returnTo: ['退回至步骤', 'Return to step'],
  comment: ['意见', 'Comment'],
  reasonRequired: ['不同意或退回修改时须填写理由', 'A reason is required to reject or return'],
  writtenOutcome: ['办理结果', 'Outcome (in writing)'],
  writtenOutcomeRequired: ['须填写办理结果', 'State the outcome in writing'],
  missingDocuments: ['缺少的材料', 'Missing documents'],
  documentId: ['材料编号', 'Document id'],
  documentName: ['材料名称', 'Document name'],
  documentIdRule: ['仅限字母、数字、下划线（_）或连字符（-），最多 64 个', 'Letters, digits, _ or - only, at most 64'],
  neededBy: ['最迟补齐于步骤', 'Needed by step'],
  addDocument: ['添加缺少的材料', 'Add missing document'],
  confirm: ['确定', 'Confirm'],
  cancel: ['取消', 'Cancel'],
  done: ['已办理', 'Done'],
  // case page
  caseOverview: ['案件概况', 'Overview'],
  forecastReady: ['预计办结日期', 'Forecast ready date'],
  daysToDeparture: ['距出发（天）', 'Days to departure'],
  graph: ['流程图（关键路径加粗）', 'Dependency graph (critical path in bold)'],
  gantt: ['计划甘特图', 'Plan (Gantt)'],
  timeline: ['办理记录', 'Timeline'],
  actor: ['办理人', 'Actor'],
  actions: ['可办理事项', 'Your actions'],
  noActions: ['当前没有需要您办理的事项', 'Nothing for you to do now'],
  documents: ['文书', 'Documents'],
  approvalDocument: ['任务批件（PDF）', 'Approval document (PDF)'],
  applicationForm: ['出访申请表（PDF）', 'Application form (PDF)'],
  deficiencies: ['容缺材料', 'Deficient documents'],
  supply: ['补交', 'Supply'],
  provisional: ['暂排', 'Provisional'],
  provisionalHint: [
    '计划跨越尚未公布放假安排的年份，按法定节假日暂排',
    'The plan crosses a year with no published holiday schedule: planned with its statutory holidays',
  ],
  attachments: ['附件材料', 'Attachments'],
  attachmentsNeeded: ['办结前须上传', 'needs before completion'],
  attachmentMissing: ['缺', 'missing'],
  attachmentKind: ['材料类型', 'Kind'],
  attachmentStep: ['所属步骤', 'Step'],
  attachmentWholeCase: ['整个案件', 'Whole case'],
  attachmentRules: ['PDF、PNG 或 JPEG，按内容识别类型', 'PDF, PNG or JPEG, type read from the content'],
  uploadAttachment: ['上传附件', 'Upload'],
  removeAttachment: ['删除', 'Remove'],
  noAttachments: ['暂无附件', 'No attachments yet'],
  fileName: ['文件名', 'File name'],
  fileSize: ['大小', 'Size'],
  uploadedBy: ['上传人', 'Uploaded by'],
  uploadedAt: ['上传时间', 'Uploaded at'],
  extendDeadline: ['延期补交', 'Extend deadline'],
  extendReason: ['延期理由', 'Reason for the extension'],
  cancelCase: ['终止（撤销）案件', 'End (cancel) the case'],
  cancelReason: ['终止理由', 'Reason for ending the case'],
  withdraw: ['撤回申请', 'Withdraw'],
  withdrawReason: ['撤回理由', 'Reason for withdrawal'],
  amend: ['变更行程日期', 'Amend dates'],
  registerReturn: ['回国登记', 'Register the return'],
  tripReport: ['出访报告', 'Trip report'],
  investment: ['签约投资额（元）', 'Investment signed (yuan)'],
  trade: ['贸易成交额（元）', 'Trade signed (yuan)'],
  events: ['推介活动（场）', 'Promotion events'],
  members: ['成员', 'Members'],
  destinations: ['目的地', 'Destinations'],
  approvalNo: ['批件编号', 'Approval No.'],
  // board
  filterUnit: ['按单位筛选', 'Filter by unit'],
  filterProcess: ['按业务筛选', 'Filter by process'],
  exportCsv: ['导出 CSV', 'Export CSV'],
  // issue 15 web items: board filters and export, pre-submit check, case search
  exportXlsx: ['导出 Excel', 'Export Excel'],
  periodBy: ['统计期间依据', 'Period by'],
  periodByDeparture: ['按出发日期', 'Departure date'],
  periodBySubmission: ['按报送日期', 'Submission date'],
  periodStart: ['起始日期', 'From'],
  periodEnd: ['截止日期', 'To'],
  searchCases: ['搜索标题、单位或案件编号', 'Search title, unit or case id'],
  preCheckTitle: ['报送前检查：不符合出访规定', 'Checked before submitting: the trip breaks these rules'],
  preCheckPassed: ['报送前检查：符合出访规定', 'Checked before submitting: the trip meets the rules'],
  preCheckRunning: ['正在检查出访规定…', 'Checking the trip rules…'],
  rankedBySlack: ['在办案件（按余量排序）', 'Cases in flight, least slack first'],
  countsByPhase: ['各阶段案件数', 'Cases by phase'],
  overdueByRole: ['各岗位超期数', 'Overdue by role'],
  daysLost: ['各步骤耗时（工作日）', 'Where the days are lost (working days per step)'],
  departures: ['报送至出发天数', 'Submission to departure'],
  within22: ['22 天内办结占比', 'Share within 22 days'],
  median: ['中位数（天）', 'Median (days)'],
  p90: ['90 分位（天）', 'P90 (days)'],
  departed: ['已出发团组', 'Delegations departed'],
  outcomes: ['出访成果', 'Trip outcomes'],
  reportsFiled: ['已交出访报告', 'Reports filed'],
  count: ['数量', 'Count'],
  meanWd: ['平均（工作日）', 'Mean (WD)'],
  totalWd: ['合计（工作日）', 'Total (WD)'],
  notificationsEmpty: ['没有新通知', 'No notifications'],
  notifOverdue: ['已超期：', 'Overdue: '],
  notifBlocked: ['受阻：', 'Blocked: '],
  notifDueSoon: ['即将到期：', 'Due soon: '],
  notifReturned: ['已退回修改：', 'Returned for revision: '],
  notFound: ['页面不存在', 'Page not found'],
  backHome: ['返回首页', 'Back home'],
  // the manager's /inbox
  managerNoInbox: ['管理人员没有待办事项', 'No steps wait for a manager'],
  managerNoInboxText: [
    '管理人员可查阅所有案件，但不办理任何步骤。在办案件、风险和超期情况请见管理看板。',
    'A manager reads every case and decides none. The cases in flight, their risks and overdue steps are on the board.',
  ],
  goToBoard: ['前往管理看板', 'Go to the board'],
  seeAllCases: ['查看全部案件', 'See all cases'],
  saved: ['已提交', 'Sent'],
  time: ['时间', 'Time'],
  returnedOn: ['回国日期', 'Returned on'],
  userMenu: ['当前用户', 'Signed in as'],
  changePassword: ['修改密码', 'Change password'],
  mustChangeTitle: ['请先修改密码', 'Change your password first'],
  mustChangeText: [
    '您的密码由管理员设置，仅可使用一次。请设置自己的新密码后继续。',
    'Your password was set by an administrator and is one-time only. Choose your own to continue.',
  ],
  currentPassword: ['当前密码', 'Current password'],
  newPassword: ['新密码', 'New password'],
  confirmPassword: ['确认新密码', 'Confirm new password'],
  passwordsDiffer: ['两次输入的新密码不一致', 'The two new passwords differ'],
  passwordChanged: ['密码已修改', 'Password changed'],
  grant: ['角色与单位', 'Role and unit'],
  pickGrant: ['您拥有多个角色，请选择本次登录使用的角色与单位', 'You hold several roles: pick the one to work as now'],
  continue: ['继续', 'Continue'],
  role: ['角色', 'Role'],
  navUsers: ['用户管理', 'Users'],
  searchUser: ['搜索用户名或姓名', 'Search username or name'],
  displayName: ['姓名', 'Name'],
  grants: ['角色授权', 'Role grants'],
  lastSignIn: ['最近登录', 'Last sign-in'],
  userActions: ['操作', 'Actions'],
  newUser: ['新建用户', 'New user'],
  initialPassword: ['初始密码（留空则自动生成）', 'Initial password (blank: generated)'],
  addGrant: ['添加授权', 'Add grant'],
  revoke: ['撤销', 'Revoke'],
  disable: ['停用', 'Disable'],
  enable: ['启用', 'Enable'],
  resetPassword: ['重置密码', 'Reset password'],
  oneTimePassword: [
    '一次性密码（仅显示一次，请转交用户，首次登录须修改）',
    'One-time password (shown once: hand it over; it must be changed at first sign-in)',
  ],
  allStatuses: ['全部状态', 'Any status'],
  allRoles: ['全部角色', 'Any role'],
  us_active: ['正常', 'Active'],
  us_disabled: ['已停用', 'Disabled'],
  mustChange: ['待改密', 'Must change password'],
  create: ['创建', 'Create'],
  close: ['关闭', 'Close'],
  // APEC cards (issue 17): the enterprise clerk's and the APEC desk's pages.
  navApec: ['APEC商务旅行卡', 'APEC cards'],
  apecTitle: ['APEC商务旅行卡', 'APEC Business Travel Cards'],
  apecDeskTitle: ['APEC卡与企业白名单', 'APEC cards and the enterprise whitelist'],
  apecEnterprise: ['本企业白名单状态', 'Our whitelist status'],
  apecEnterprises: ['企业', 'Enterprises'],
  apecSearch: ['搜索企业代码或名称', 'Search enterprise code or name'],
  apecUnit: ['企业', 'Enterprise'],
  apecOwnership: ['所有制', 'Ownership'],
  apecSize: ['规模', 'Size'],
  apecWhitelist: ['白名单状态', 'Whitelist status'],
  apecMayApply: ['可申请办卡', 'May apply for cards'],
  apecReviewDue: ['年审日期', 'Annual review due'],
  apecSince: ['起始时间', 'Since'],
  apecNotListed: ['未列入白名单', 'Not on the whitelist'],
  apecNotRegistered: ['尚未登记为企业', 'Not registered as an enterprise'],
  apecYes: ['是', 'Yes'],
  apecNo: ['否', 'No'],
  apecHistory: ['白名单记录', 'Whitelist history'],
  apecAction: ['操作', 'Action'],
  apecFrom: ['原状态', 'From'],
  apecTo: ['新状态', 'To'],
  apecReason: ['原因', 'Reason'],
  apecNote: ['说明', 'Note'],
  apecAt: ['时间', 'When'],
  apecApplications: ['办卡申请', 'Card applications'],
  apecApply: ['申请办卡', 'Apply for cards'],
  apecApplicants: ['申请人（企业人员名册）', 'Applicants (staff roster)'],
  apecApplicantCount: ['申请人数', 'Applicants'],
  apecEconomies: ['预审经济体', 'Economies to pre-clear'],
  apecNeededBy: ['需用卡日期', 'Needed by'],
  apecSubmit: ['提交申请', 'Submit the application'],
  apecSubmitted: ['申请已提交', 'Application submitted'],
  apecCase: ['案件', 'Case'],
  apecCards: ['APEC卡', 'Cards'],
  apecRegistry: ['APEC卡登记簿', 'Cards registry'],
  apecHolder: ['持卡人', 'Holder'],
  apecNumber: ['卡号', 'Card number'],
  apecValidUntil: ['有效期至', 'Valid until'],
  apecRenewal: ['换卡', 'Renewal'],
  apecRenewalOpensOn: ['换卡开放日', 'Renewal opens on'],
  apecCardStatus: ['卡状态', 'Card status'],
  apecAdmission: ['准入评估', 'Admission evaluation'],
  apecCapital: ['注册资本（万元）', 'Registered capital (10 000 yuan)'],
  apecTrade: ['上年外贸或投资额（美元）', "Last year's foreign trade or investment (USD)"],
  apecTaxGrade: ['纳税信用等级', 'Tax credit grade'],
  apecCreditClean: ['无严重失信记录', 'No serious dishonesty record'],
  apecEvaluate: ['评估准入', 'Evaluate admission'],
  apecAdmitted: ['已准入白名单', 'Admitted to the whitelist'],
  apecRefused: ['未达准入条件', 'Admission refused'],
  apecMoveDone: ['已办理', 'Done'],
  apecStopped: ['已终止的申请', 'Applications stopped'],
  apecActions: ['白名单管理', 'Whitelist actions'],
  apecRegister: ['登记企业', 'Register an enterprise'],
  apecEdit: ['修改登记', 'Edit'],
  apecSave: ['保存', 'Save'],
  apecSaved: ['已保存', 'Saved'],
  apecCardActions: ['卡片处理', 'Card actions'],
  apecMarkCard: ['挂失或注销', 'Report lost or cancel'],
  apecMore: ['企业较多，仅显示最近变更的一页', 'More enterprises than shown: the page changed last'],
  apecRenew: ['续办', 'Renew'],
  apecRenewing: ['续办此卡', 'Renewing the card of'],
  apecRosterEmpty: ['本企业人员名册中没有在职人员', 'No active person on your enterprise roster'],
  unknownValue: ['未知取值', 'Unknown value'],
  // Fields a refusal may name that no form item above labels.
  effectiveFrom: ['生效日期', 'Effective from'],
  taxCreditGrades: ['接受的纳税信用等级', 'Tax credit grades accepted'],
  itemNo: ['第 {n} 项', '#{n}'],
  applicants: ['申请人', 'Applicants'],
  decisionDue: ['决定期限', 'Decision due'],
} as const satisfies Record<string, readonly [string, string]>;

export type LabelKey = keyof typeof DICT;

export const hasLabel = (key: string): key is LabelKey => key in DICT;

/**
 * The enums the pages render, each with its one label table (the domain's or the contracts'; the web keeps no copy):
 * whitelist states, history actions and moves, enterprise sizes and ownerships, card statuses, exit reasons, case
 * and step statuses, deficiency statuses, attachment kinds, timeline events, decisions and roles.
 */
export const ENUM_LABELS = {
  apecWl_: WHITELIST_STATE_LABELS,
  apecAct_: WHITELIST_ACTION_LABELS,
  apecMove_: WHITELIST_MOVE_LABELS,
  apecSize_: ENTERPRISE_SIZE_LABELS,
  apecOwn_: OWNERSHIP_LABELS,
  apecCard_: CARD_STATUS_LABELS,
  exit_: EXIT_REASON_LABELS,
  st_: CASE_STATUS_LABELS,
  stepSt_: STEP_STATUS_LABELS,
  def_: DEFICIENCY_STATUS_LABELS,
  ak_: ATTACHMENT_KIND_LABELS,
  ev_: CASE_EVENT_LABELS,
  decision_: DECISION_KIND_LABELS,
  role_: ROLE_LABELS,
} as const satisfies Record<string, Readonly<Record<string, Label>>>;

/** Which enum a value is of (a key of ENUM_LABELS). */
export type EnumKind = keyof typeof ENUM_LABELS;

/** The label of `value` in `kind`'s table, or undefined when the table has none (a value added to the API later). */
export function enumLabel(kind: EnumKind, value: string): Label | undefined {
  const table: Readonly<Record<string, Label>> = ENUM_LABELS[kind];
  return Object.prototype.hasOwnProperty.call(table, value) ? table[value] : undefined;
}

/**
 * An enum value the API sends (`value`: a status, state, size, kind…) in the user's language, from its one table.
 * A value the table lacks (added to the API later) is shown as 未知取值 / Unknown value with the code beside,
 * never as a bare code inside Chinese text. null/undefined/'': '—'. English is sentence-cased (the domain's English
 * labels for moves and exit reasons are written to sit inside a sentence).
 */
export function codeLabel(lang: 'zh' | 'en', kind: EnumKind, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const label = enumLabel(kind, value);
  if (label) return lang === 'zh' ? label.zh : label.en.charAt(0).toUpperCase() + label.en.slice(1);
  return lang === 'zh' ? `${DICT.unknownValue[0]}（${value}）` : `${DICT.unknownValue[1]} (${value})`;
}

/**
 * The field paths the API names in a refusal (`members[1].passport.number`, `query.unit`, `unit`), as the forms label
 * them. Looked up per segment: first the path up to it with its indices as `[]` (`destinations[].inviter.name`), then
 * the segment alone (`name`); a segment with neither (`passport`, `query`) says nothing of its own.
 */
export const FIELD_LABELS: Record<string, LabelKey> = {
  // a trip (POST /api/delegations; the amendment's dates)
  title: 'title',
  purpose: 'purpose',
  departureDate: 'departure',
  returnDate: 'returnDate',
  jointDelegation: 'jointDelegation',
  supervisingDepartment: 'supervisingDepartment',
  destinations: 'destinations',
  country: 'country',
  city: 'city',
  arrive: 'arrive',
  leave: 'leave',
  'destinations[].inviter.name': 'inviterName',
  'destinations[].inviter.organization': 'inviterOrg',
  members: 'members',
  'members[].id': 'memberId',
  name: 'name',
  position: 'position',
  rank: 'rank',
  partyMember: 'partyMember',
  classifiedAccess: 'classifiedAccess',
  leadershipTeam: 'leadershipTeam',
  'members[].passport.inCustody': 'passportInCustody',
  'members[].passport.number': 'passportNumber',
  'members[].passport.expiresOn': 'passportExpires',
  // step actions
  comment: 'comment',
  decision: 'decision',
  returnTo: 'returnTo',
  onBehalfOf: 'onBehalfOf',
  missingDocuments: 'missingDocuments',
  'missingDocuments[].id': 'documentId',
  'missingDocuments[].name': 'documentName',
  'missingDocuments[].neededBy': 'neededBy',
  returnedOn: 'returnedOn',
  investmentSignedYuan: 'investment',
  tradeSignedYuan: 'trade',
  promotionEvents: 'events',
  // APEC
  unit: 'unit',
  personIds: 'apecApplicants',
  economies: 'apecEconomies',
  neededBy: 'apecNeededBy',
  renews: 'apecRenewal',
  ownership: 'apecOwnership',
  size: 'apecSize',
  reason: 'apecReason',
  note: 'apecNote',
  status: 'status',
  registeredCapitalWan: 'apecCapital',
  foreignTradeUsd: 'apecTrade',
  taxCreditGrade: 'apecTaxGrade',
  creditRecordClean: 'apecCreditClean',
  taxCreditGrades: 'taxCreditGrades',
  effectiveFrom: 'effectiveFrom',
  // users and passwords
  username: 'username',
  password: 'password',
  displayName: 'displayName',
  grants: 'grants',
  role: 'role',
  currentPassword: 'currentPassword',
  newPassword: 'newPassword',
  // the board's filters
  'query.unit': 'filterUnit',
  'query.process': 'filterProcess',
  'query.period': 'periodBy',
  'query.from': 'periodStart',
  'query.to': 'periodEnd',
};

/**
 * A field path of the API in the user's words (`members[1].passport.number` → 成员 第 2 项 · 护照号码), never the path:
 * each labelled segment (FIELD_LABELS; an enterprise size by its label, as the criteria's `registeredCapitalWan.small`),
 * an index as the item's number. null when no segment has a label: the message is then shown alone.
 */
export function fieldLabel(lang: 'zh' | 'en', field: string): string | null {
  const i = lang === 'zh' ? 0 : 1;
  const parts: string[] = [];
  let path = '';
  for (const segment of field.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(segment);
    const name = m?.[1] ?? segment;
    const indices = [...(m?.[2] ?? '').matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]) + 1);
    path = `${path ? `${path}.` : ''}${name}${indices.map(() => '[]').join('')}`;
    const key = FIELD_LABELS[path.replace(/\[\]$/, '')] ?? FIELD_LABELS[name];
    const sized = enumLabel('apecSize_', name);
    const word = key ? DICT[key][i] : sized ? (lang === 'zh' ? sized.zh : sized.en) : null;
    if (word === null) continue;
    parts.push([word, ...indices.map((n) => DICT.itemNo[i].replace('{n}', String(n)))].join(' '));
  }
  return parts.length > 0 ? parts.join(' · ') : null;
}

/** A field error as an alert's line in the user's language: `护照号码：必填` (the message alone when the field has no label). */
export function fieldErrorText(lang: 'zh' | 'en', e: { field?: string | null; message: Label }): string {
  const label = e.field ? fieldLabel(lang, e.field) : null;
  const message = lang === 'zh' ? e.message.zh : e.message.en;
  return label ? `${label}${lang === 'zh' ? '：' : ': '}${message}` : message;
}
