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
import { ENTRY_ROUTE_LABELS, RANK_LABELS } from '../../../libs/domain/src/facts';
import { PASSPORT_STATE_LABELS, PERSON_STATUS_LABELS } from '../../../libs/domain/src/registries';
import {
  CALENDAR_SOURCE_LABELS,
  DEFINITION_CHANGE_LABELS,
  GENDER_LABELS,
  PASSPORT_TYPE_LABELS,
  UNIT_STATUS_LABELS,
} from '../../../libs/domain/src/registry-labels';
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
  ppMoveIn: ['登记交回', 'Check in'],
  ppMoveCancel: ['注销', 'Cancel passport'],
  ppMoveLost: ['挂失', 'Report lost'],
  disableConfirm: ['停用用户 {user}？', 'Disable {user}?'],
  revokeConfirm: ['撤销 {user} 的角色“{grant}”？', 'Revoke {grant} from {user}?'],
  soleHolderWarning: [
    '该用户是{grants}唯一在用的账号：停用或撤销后，这些岗位的待办步骤将无人办理，请先为他人授予该角色',
    'The only active account of {grants}: disabled or revoked, those steps have no one to act; grant the role to someone else first',
  ],
  resetConfirm: ['重置 {user} 的密码？', "Reset {user}'s password?"],
  endsSignIn: ['该用户的登录立即失效，正在办理的操作将被退出。', 'Their sign-in ends at once: anything they are doing is signed out.'],
  expiredTitle: ['登录已失效', 'Your session has ended'],
  expiredText: [
    '登录已过期：为了安全，登录有效期已到。请重新登录后继续办理。',
    'The session has expired: for your security, sign-ins last a limited time. Sign in again to continue.',
  ],
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
  /** A list's day column over cases of several processes (targetDayColumn): each row says which day it is. */
  targetDay: ['目标日期', 'Target day'],
  returnDate: ['回国日期', 'Return'],
  slack: ['余量（工作日）', 'Slack (WD)'],
  atRisk: ['有风险', 'At risk'],
  onTrack: ['正常', 'On track'],
  criticalStep: ['关键步骤', 'Binding step'],
  open: ['打开', 'Open'],
  // case status groups
  groupAll: ['全部', 'All'],
  // Being prepared or approved (not 办理中, the status every open case's tag reads: trial 76, 办理中 (0) beside a 办理中 case)
  groupInProgress: ['审批中', 'Under approval'],
  groupReturned: ['退回修改', 'Returned for revision'],
  groupApproved: ['已批准', 'Approved'],
  groupDeparted: ['已出发', 'Departed'],
  groupClosed: ['已结案', 'Closed'],
  // new trip
  stepBasic: ['基本信息', 'Basic data'],
  stepItinerary: ['行程与邀请方', 'Itinerary'],
  stepMembers: ['团组成员', 'Members'],
  stepReview: ['核对并报送', 'Review and submit'],
  purpose: ['出访目的', 'Purpose'],
  jointDelegation: ['联合组团', 'Joint delegation'],
  supervisingDepartment: ['主管部门', 'Supervising department'],
  supervisingFromRegistry: ['按单位登记簿（开户备案）填写，不可修改', 'As in the units registry: not editable'],
  supervisingNoneInRegistry: [
    '单位登记簿未登记主管部门，无需填写',
    'The units registry names no supervising department: nothing to fill in',
  ],
  supervisingTyped: [
    '本单位尚未在单位登记簿备案：如有主管部门，请填写其单位代码',
    'Your unit is not in the units registry: type your supervising department’s unit code, if any',
  ],
  country: ['国家/地区', 'Country'],
  city: ['城市', 'City'],
  arrive: ['抵达', 'Arrive'],
  leave: ['离开', 'Leave'],
  inviterName: ['邀请人', 'Inviter'],
  // A country's approval (B04 核实邀请函): what the country's steps recorded, which it decides on (trial 77)
  countryRecords: ['本国（地区）已办事项', "This country's records"],
  inviterOrg: ['邀请单位', 'Inviting organization'],
  addDestination: ['添加目的地', 'Add destination'],
  addMember: ['添加成员', 'Add member'],
  remove: ['删除', 'Remove'],
  memberId: ['成员编号', 'Member id'],
  stepForMember: ['办理对象（团组成员）', 'For the member'],
  // A member's passport step: the passport on file, which the officer checks (trial 76: C01 was confirmed blind)
  passportOnFile: ['护照：{number}，有效期至 {expiresOn}', 'Passport: {number}, valid until {expiresOn}'],
  passportHeld: ['外办保管', 'in FAO custody'],
  passportNotHeld: ['未交外办保管', 'not in FAO custody'],
  passportLastsTrip: ['有效期满足回国后6个月（须至 {until}）', 'valid 6 months past the return (to {until})'],
  passportTooShort: [
    '有效期不足回国后6个月（须至 {until}），须换发新护照',
    'expires before 6 months past the return ({until}): a new passport is needed',
  ],
  passportNone: ['无护照记录，须办理新护照', 'No passport on file: a new one is needed'],
  stepForApplicant: ['办理对象（申请人）', 'For the applicant'],
  name: ['姓名', 'Name'],
  position: ['职务', 'Position'],
  rank: ['级别', 'Rank'],
  fromRoster: ['花名册人员，级别与护照以登记为准', 'from the roster: its rank and passport on record'],
  partyMember: ['党员', 'Party member'],
  classifiedAccess: ['涉密人员', 'Classified access'],
  leadershipTeam: ['所属领导班子', 'Leadership team'],
  passportInCustody: ['护照由外办保管', 'Passport in FAO custody'],
  passportNumber: ['护照号码', 'Passport number'],
  passportExpires: ['护照有效期至', 'Passport expires on'],
  newPassport: ['新护照（办结后自动入库保管）', 'New passport (taken into custody when completed)'],
  budgetEstimate: ['经费预算（元）', 'Budget estimate (yuan)'],
  budgetTotal: ['合计', 'Total'],
  budgetTotalPending: ['—（请先改正标出的金额）', '— (correct the amounts marked first)'],
  passportNumberRule: [
    '护照号码须为5-20位字母或数字（空格忽略，小写按大写）',
    'Passport numbers are 5-20 letters or digits (spaces ignored, lower case read as capitals)',
  ],
  rosterHint: [
    '本单位人员名册中的人员请在“花名册人员”中选择，其职务、职级、护照等信息由人员名册和外办护照保管记录提供；名册外的人员请逐项录入。',
    "Pick people on the unit's roster under “Roster person”: the roster and the FAO's passport custody records supply their post, rank, passport and other details. Type in anyone not on the roster.",
  ],
  rosterPerson: ['花名册人员', 'Roster person'],
  rosterPersonPlaceholder: ['从本单位名册选择（名册外人员留空并录入）', "From the unit's roster (empty: type someone else)"],
  // The amendment adds from the roster only (trial 77: the new trip's hint promised a box to type in that it has not)
  amendRosterPlaceholder: [
    '从本单位花名册选择（名册外人员请先在登记簿的花名册中登记）',
    "From the unit's roster (someone not on it: add them to the roster under Registries first)",
  ],
  rosterPersonSupplied: [
    '该成员的职务、职级、护照等信息由人员名册和护照保管记录提供，报送时以登记为准。',
    "This member's post, rank, passport and other details come from the roster and the passport custody records.",
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
  onBehalfSeparation: [
    '代办后，您在本案中视同专办员：本案须分离职责的审核、审批步骤（如 B02 受理）将由本角色的其他人员办理',
    'Once done, you count as the organizer of this case: its review and approval steps that need separate hands (such as B02 intake) go to another officer of your role',
  ],
  onBehalfOf: ['代为办理对象', 'On behalf of'],
  // decision dialog
  decision: ['审批决定', 'Decision'],
  decisionRequired: ['请选择审批决定', 'Choose a decision'],
  returnTo: ['退回至步骤', 'Return to step'],
  returnHint: [
    '退回后，所选步骤及其之后已办理的步骤都须重新办理；最近的上游步骤列在最前',
    'The chosen step and every step done after it are done again; the nearest steps come first',
  ],
  returnedBy: ['本步骤被退回修改', 'This step was returned for revision'],
  returnedByDetail: ['退回步骤', 'Returned at'],
  rerunByAmend: ['出访信息已变更，本步骤须按变更后的信息重新办理', 'The trip was amended: do this step again for the new details'],
  closedRejected: ['本案未获批准', 'This case was not approved'],
  closedWithdrawn: ['本案已撤回', 'This case was withdrawn'],
  closedCancelled: ['本案已由外办撤销', 'This case was cancelled by the office'],
  closedReason: ['理由：', 'Reason: '],
  closedNext: [
    '本案已结束，不能再办理。如仍需出访，请据此修改后重新报送新的出访申请。',
    'The case is closed: nothing more can be done on it. To travel still, address this and submit a new application.',
  ],
  // A withdrawal or a cancellation has no refusal to address (trial 82: 请据此修改 read oddly under one).
  closedNextNew: [
    '本案已结束，不能再办理。如仍需出访，请重新报送新的出访申请。',
    'The case is closed: nothing more can be done on it. To travel still, submit a new application.',
  ],
  amendPreviewTitle: ['提交此变更后', 'Once this amendment is sent'],
  amendPreviewRefused: ['此变更将被拒绝', 'This amendment would be refused'],
  amendPreviewReruns: ['将重新办理：', 'these steps run again: '],
  amendPreviewNoReruns: ['已办理的步骤均不需重新办理', 'no step done runs again'],
  amendPreviewAdded: ['新增的 {n} 名成员，其审查步骤将开始办理', 'the steps of the {n} member(s) added start'],
  amendPreviewRemoved: ['退出团组的成员，其步骤将撤销：', 'the steps of the members removed are withdrawn: '],
  closingIsFinal: [
    '提交后本案即结束：未办步骤全部终止，不能恢复；如仍需出访，须重新报送新的申请。',
    'Once sent, the case ends: every open step stops and it cannot be reopened; a trip still needed is submitted anew.',
  ],
  rerunDocuments: [
    '变更前上传的材料只适用于原行程，请上传变更后的：',
    'The files uploaded before the amendment were for the old trip: upload the new ',
  ],
  rerunLastData: ['上次办理时填写的内容已带入，请逐项核对', 'What was entered last time is filled in: check each item'],
  comment: ['意见', 'Comment'],
  reasonRequired: ['不同意或退回修改时须填写理由', 'A reason is required to reject or return'],
  writtenOutcome: ['办理结果', 'Outcome (in writing)'],
  writtenOutcomeRequired: ['须填写办理结果', 'State the outcome in writing'],
  // An external outcome (D12's visa, K05's pre-clearance): granted or refused, and who was refused.
  externalOutcome: ['结果', 'Outcome'],
  externalOutcomeRequired: ['须选择结果', 'Choose the outcome'],
  outcomeGranted: ['准予', 'Granted'],
  outcomeRefused: ['拒绝', 'Refused'],
  visaOutcome: ['签证结果', 'Visa outcome'],
  visaGranted: ['获签', 'Visa granted'],
  visaRefused: ['拒签', 'Visa refused'],
  preClearanceOutcome: ['预核准结果', 'Pre-clearance outcome'],
  preClearanceGranted: ['已预核准', 'Pre-cleared'],
  preClearanceRefused: ['未获预核准', 'Not pre-cleared'],
  refusedMembers: ['被拒成员（不选即全部被拒）', 'Members refused (none chosen: every member)'],
  entryRoute: ['入境方式', 'Entry route'],
  apecCardIssued: ['制发的APEC卡（卡号由K07登记入卡片登记簿）', 'The card issued (K07 registers its number)'],
  apecNumberRule: ['卡号须为6-32位大写字母或数字', 'The card number is 6-32 capital letters or digits'],
  tripReportSummary: ['出访报告摘要', 'Trip report (summary)'],
  tripReportSummaryRequired: ['须填写出访报告摘要', "Write the trip report's summary"],
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
  preparedOn: ['准备就绪日期', 'Prepared on'],
  preparedTag: ['已就绪', 'prepared'],
  daysToDeparture: ['距出发（天）', 'Days to departure'],
  graph: ['流程图（关键路径加粗）', 'Dependency graph (critical path in bold)'],
  gantt: ['计划甘特图（未开始的步骤按最早可开始时间绘制）', 'Plan (Gantt; steps not started at their earliest start)'],
  timeline: ['办理记录', 'Timeline'],
  actor: ['办理人', 'Actor'],
  actions: ['可办理事项', 'Your actions'],
  noActions: ['当前没有需要您办理的事项', 'Nothing for you to do now'],
  systemRunning: ['系统正在办理', 'The system is working on'],
  draftRestored: ['已恢复您在本页未报送的填写内容（保存于 {at}）', 'Restored what you typed on this page and did not submit (saved {at})'],
  draftDiscard: ['清空重填', 'Start over'],
  tripSubmittedNext: [
    '已报送。系统先核对年度出访计划（A01），随后您的下一步（A02 起草出访申请等）出现在本页“可办理事项”和“待办”中',
    'Submitted. The system checks the annual plan first (A01); your next steps (A02, the application, and others) then appear under “Your actions” here and in your inbox',
  ],
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
  documentsFirst: ['请先上传本步骤所需材料', 'Upload the documents this step needs first'],
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
  // An upload is not the step's action (trial 45: the dialog's upload said 已提交, read as the step submitted).
  fileUploaded: ['已上传', 'Uploaded'],
  uploadedAt: ['上传时间', 'Uploaded at'],
  extendDeadline: ['延期补交', 'Extend deadline'],
  extendReason: ['延期理由', 'Reason for the extension'],
  cancelCase: ['终止（撤销）案件', 'End (cancel) the case'],
  cancelReason: ['终止理由', 'Reason for ending the case'],
  withdraw: ['撤回申请', 'Withdraw'],
  withdrawReason: ['撤回理由', 'Reason for withdrawal'],
  amend: ['变更行程', 'Amend the trip'],
  amendMembers: ['团组人员（人员变更）', 'Members (change of members)'],
  membersKept: ['保留的成员（取消勾选即删去）', 'Members kept (untick to remove)'],
  membersAdded: ['从本单位花名册添加', "Add from the unit's roster"],
  atLeastOneMember: ['至少1名出访人员', 'At least 1 member of the delegation'],
  alreadyOnCase: ['已在本团组', 'already a member'],
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
  periodByTargetDay: ['按目标日期', 'Target day'],
  periodBySubmission: ['按报送日期', 'Submission date'],
  periodStart: ['起始日期', 'From'],
  periodEnd: ['截止日期', 'To'],
  searchCases: ['搜索标题、单位或案件编号', 'Search title, unit or case id'],
  preCheckTitle: ['报送前检查：不符合出访规定', 'Checked before submitting: the trip breaks these rules'],
  preCheckPassed: ['报送前检查：符合出访规定', 'Checked before submitting: the trip meets the rules'],
  preCheckOutsidePlan: [
    '报送前检查：符合出访规定，但在年度出访计划外（见下）',
    'Checked before submitting: the trip meets the rules, but is outside the annual plan (below)',
  ],
  faoFileKept: ['外办上传，由外办删除', 'The FAO’s file: the FAO removes it'],
  preCheckRunning: ['正在检查出访规定…', 'Checking the trip rules…'],
  preCheckAnnualPlan: ['年度出访计划：', 'Annual outbound plan: '],
  planCheckFinding: ['年度出访计划核对', 'Annual plan check'],
  planReasonMissing: ['书面说明理由', 'Written reason'],
  planReasonRequired: ['请写明单位书面说明的理由', "State the unit's written reason"],
  planReasonStated: ['计划外出访理由', 'Reason for a trip outside the plan'],
  preCheckAtRisk: [
    '报送前检查：符合出访规定，但出发前可能办不完',
    'Checked before submitting: the trip meets the rules, but may not be ready before departure',
  ],
  preCheckForecast: [
    '按各环节办理时限，预计 {date} 办妥，距出发余 {n} 个工作日',
    'At each step’s time limit, ready by {date}, {n} working day(s) before departure',
  ],
  preCheckForecastTight: [
    '按各环节办理时限，预计 {date} 办妥，距出发仅余 {n} 个工作日，低于外办的风险线：请尽早报送',
    'At each step’s time limit, ready by {date}, only {n} working day(s) before departure, under the FAO’s risk line: file soon',
  ],
  preCheckForecastLate: [
    '按各环节办理时限，预计 {date} 才能办妥，比出发晚 {n} 个工作日：请考虑推迟出发，或尽早报送并请外办加急',
    'At each step’s time limit, ready only by {date}, {n} working day(s) after departure: consider a later departure, or file now and ask the FAO to expedite',
  ],
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
  notifOverdue: ['已超期', 'Overdue'],
  notifBlocked: ['受阻', 'Blocked'],
  notifDueSoon: ['即将到期', 'Due soon'],
  notifReturned: ['退回修改', 'Returned for revision'],
  returnedAt: ['退回时间', 'Returned'],
  returnedAtStep: ['{key}退回', 'Returned at {key}'],
  visaIssued: ['签证信息（核对后填写）', 'The visa as collected (checked)'],
  visaStay: [
    '该成员在该国行程：{arrive} 抵达，{leave} 离开；签证须覆盖此期间',
    "The member's stay in the country: arrives {arrive}, leaves {leave}; the visa must cover it",
  ],
  visaValidFrom: ['签证有效期起', 'Valid from'],
  visaValidUntil: ['签证有效期至', 'Valid until'],
  visaEntries: ['入境次数', 'Entries'],
  visaEntrySingle: ['一次', 'Single'],
  visaEntryDouble: ['两次', 'Double'],
  visaEntryMultiple: ['多次', 'Multiple'],
  returnedByObjection: ['公示异议', 'Public-notice objection'],
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
  apecCardSearch: ['搜索持卡人或企业', 'Search holder or enterprise'],
  apecUnit: ['企业', 'Enterprise'],
  apecOwnership: ['所有制', 'Ownership'],
  apecSize: ['规模', 'Size'],
  apecWhitelist: ['白名单状态', 'Whitelist status'],
  apecMayApply: ['可申请办卡', 'May apply for cards'],
  apecReviewDue: ['年审日期', 'Annual review due'],
  apecSince: ['起始时间', 'Since'],
  apecNotListed: ['未列入白名单', 'Not on the whitelist'],
  apecNotRegistered: ['尚未登记为企业', 'Not registered as an enterprise'],
  apecCannotApply: ['本单位暂不能申请APEC商务旅行卡', 'Your unit cannot apply for APEC business travel cards yet'],
  apecUnitNotRegisteredHint: [
    '原因：本单位尚未在市外办办理单位备案（开户备案），也未登记为APEC企业。办理方法：请联系市外办受理窗口办理单位备案，再请APEC受理窗口登记企业（所有制和规模）；非国有企业还须通过白名单准入。登记完成后即可在本页申请办卡。',
    'Why: your unit is not yet registered with the Foreign Affairs Office (unit registration), nor as an APEC enterprise. What to do: ask the FAO intake desk to register the unit, then the APEC desk to register it as an enterprise (ownership and size); a non-state enterprise must also be admitted to the whitelist. Once registered, apply for cards on this page.',
  ],
  apecEnterpriseNotRegisteredHint: [
    '原因：本单位已在市外办备案，但尚未登记为APEC企业。办理方法：请联系市外办APEC受理窗口登记企业（所有制和规模）；非国有企业还须通过白名单准入。登记完成后即可在本页申请办卡。',
    'Why: your unit is registered with the Foreign Affairs Office but not yet as an APEC enterprise. What to do: ask the FAO APEC desk to register it as an enterprise (ownership and size); a non-state enterprise must also be admitted to the whitelist. Once registered, apply for cards on this page.',
  ],
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
  apecKept: ['保留交卡的申请', 'Applications kept to hand over cards'],
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
  itemNo: ['第 {n} {measure}{word}', '{word} #{n}'],
  applicants: ['申请人', 'Applicants'],
  // registries (登记簿)
  navRegistries: ['登记簿', 'Registries'],
  regUnits: ['单位', 'Units'],
  regPeople: ['人员', 'People'],
  regPassports: ['护照', 'Passports'],
  regCalendar: ['工作日历', 'Calendar'],
  regPlans: ['年度出访计划', 'Annual plans'],
  planPickUnit: ['选择单位', 'Pick a unit'],
  planFile: ['报备年度计划', 'File the plan'],
  planWrite: ['编辑批准的计划', 'Edit the approved plan'],
  planFileNote: [
    '报备后须经外办审批，审批前预审（A01）仍按已批准的计划核对',
    'A filing takes effect once the FAO approves it; until then the plan check (A01) reads the approved plan',
  ],
  planNone: ['该年度尚无出访计划', 'No plan on file for this year'],
  planNoneApproved: ['尚无已批准的计划：预审（A01）按“无计划”处理', 'No approved plan yet: the plan check (A01) reads “no plan”'],
  planApproved: ['已批准的计划（预审A01据此核对）', 'Approved plan (what the plan check A01 reads)'],
  planPending: ['待外办审批的报备', 'Filing awaiting the FAO’s approval'],
  planPendingNote: ['报备待外办审批', 'The filing awaits the FAO’s approval'],
  planApprove: ['批准此报备', 'Approve this filing'],
  planApproveConfirm: ['批准此报备为{year}年度出访计划？', 'Approve this filing as the {year} annual plan?'],
  planWriteConfirm: ['保存为{year}年度已批准的出访计划？', 'Save this as the approved {year} annual plan?'],
  planRecheckNote: [
    '生效后，本单位{year}年出发的在办案件将重新核对年度计划（A01）',
    "Once in force, the unit's open cases departing in {year} run the annual plan check (A01) again",
  ],
  planNoChange: ['与已批准计划相同', 'The same as the approved plan'],
  planChange: ['变化', 'Change'],
  planAdded: ['新增', 'Added'],
  planChanged: ['变更', 'Changed'],
  planRemoved: ['删除', 'Removed'],
  planHeldBy: ['占用案件', 'Held by'],
  planTripHeld: [
    '计划项 {trip} 现由在办案件《{case}》占用：生效后该案将重新核对年度计划，可能列为计划外',
    'Planned trip {trip} is held by the case “{case}”: once in force, it runs the plan check again and may be outside the plan',
  ],
  planApprovedNow: ['已批准：预审（A01）现按此计划核对', 'Approved: the plan check (A01) reads it now'],
  planRechecked: ['已通知 {n} 个在办案件按新计划重新核对（A01）', '{n} open case(s) told to run the plan check (A01) again'],
  planFiledNow: ['已报备，待外办审批', 'Filed: it awaits the FAO’s approval'],
  planTripId: ['计划编号', 'Trip id'],
  planSize: ['人数', 'People'],
  planQuarter: ['季度', 'Quarter'],
  planAddTrip: ['添加出访项目', 'Add a planned trip'],
  countries: ['出访国家', 'Countries'],
  regVersions: ['流程版本', 'Process versions'],
  regReadOnly: ['只读：登记由外办或本单位的主管岗位办理', 'Read only: the office or the unit’s responsible role keeps these entries'],
  regSearch: ['搜索名称或代码', 'Search name or code'],
  regSearchPerson: ['搜索姓名或编号', 'Search name or id'],
  regSearchPassport: ['搜索护照号码或持照人', 'Search number or holder'],
  regUnitFilter: ['按单位筛选（代码）', 'Filter by unit (code)'],
  regNewUnit: ['新增单位', 'New unit'],
  regEditUnit: ['修改单位', 'Edit unit'],
  regNewPerson: ['登记人员', 'New person'],
  regEditPerson: ['修改人员', 'Edit person'],
  regNewPassport: ['护照入库', 'Take a passport into custody'],
  regEditCalendar: ['载入放假安排', 'Load the schedule'],
  calendarArchived: ['已归档（年度已结束）', 'On record (the year has ended)'],
  regEdit: ['修改', 'Edit'],
  regSave: ['保存', 'Save'],
  regSaved: ['已保存', 'Saved'],
  unitCode: ['单位代码', 'Unit code'],
  nameZh: ['中文名称', 'Name (Chinese)'],
  nameEn: ['英文名称', 'Name (English)'],
  parentCode: ['上级单位', 'Parent unit'],
  clerks: ['专办员（用户名）', 'Registered clerks (usernames)'],
  signatories: ['签批人', 'Signatories'],
  suspendedReason: ['暂停理由', 'Reason for suspension'],
  suspension: ['申报限制', 'Submissions'],
  suspensionNone: ['可申报', 'May submit'],
  personId: ['人员编号', 'Person id'],
  gender: ['性别', 'Gender'],
  dateOfBirth: ['出生日期', 'Date of birth'],
  passportType: ['护照类型', 'Passport type'],
  issuedOn: ['签发日期', 'Issued on'],
  expiresOn: ['有效期至', 'Expires on'],
  holder: ['持照人', 'Holder'],
  custodyState: ['保管状态', 'Custody state'],
  dueBackOn: ['应交回日期', 'Due back on'],
  daysOverdueN: ['逾期 {n} 天', '{n} days overdue'],
  year: ['年份', 'Year'],
  calendarSource: ['来源', 'Source'],
  holidays: ['放假日', 'Days off'],
  workdays: ['调休上班日', 'Adjusted working days'],
  holidayCount: ['放假天数', 'Days off'],
  workdayCount: ['调休上班天数', 'Adjusted working days'],
  loadedBy: ['载入人', 'Loaded by'],
  loadedAt: ['载入时间', 'Loaded at'],
  calendarNotice: ['文件依据', 'Source notice'],
  addDay: ['添加', 'Add'],
  noDays: ['无', 'None'],
  replanned: ['已通知 {n} 个在办案件重新排期', '{n} running case(s) told to re-plan'],
  version: ['版本', 'Version'],
  versionCurrent: ['新案件使用', 'New cases take it'],
  versionSource: ['来源', 'Source'],
  versionPublished: ['已发布', 'Published'],
  versionBuiltIn: ['内置', 'Built-in'],
  publishedBy: ['发布人', 'Published by'],
  publishedAt: ['发布时间', 'Published at'],
  stepCount: ['步骤数', 'Steps'],
  versionName: ['流程名称', 'Process name'],
  changeKind: ['变更类型', 'Kind of change'],
  versionPublishTitle: ['发布新版本', 'Publish a new version'],
  versionPublishHelp: [
    '以 JSON 填写 {definition, settings}（可复制当前版本后修改，须改用新的版本号）；先校验，校验通过且未再修改后方可发布。发布后新案件使用该版本，进行中的案件不变。',
    'Enter {definition, settings} as JSON (copy the current version and change it, with a new version name); check it first: it can be published once checked and unchanged since. New cases take a published version; running cases keep theirs.',
  ],
  versionJson: ['版本 JSON', 'Version JSON'],
  versionJsonInvalid: ['不是有效的 JSON，未发送', 'Not valid JSON; nothing sent'],
  versionJsonInvalidAt: [
    '不是有效的 JSON，未发送：第 {line} 行第 {column} 列有误',
    'Not valid JSON; nothing sent: a mistake at line {line}, column {column}',
  ],
  versionJsonInvalidEnd: [
    '不是有效的 JSON，未发送：文本不完整（第 {line} 行第 {column} 列处结束）',
    'Not valid JSON; nothing sent: the text ends early (line {line}, column {column})',
  ],
  versionPublishConfirm: ['发布版本 {version}？', 'Publish version {version}?'],
  versionPublishConfirmHelp: [
    '发布后新提交的案件将使用此版本；办理中的案件仍按其原版本办理。',
    'New cases will take it from now on; running cases keep the version they started on.',
  ],
  versionCopyCurrent: ['复制当前版本', 'Copy the current version'],
  versionCheck: ['校验（不发布）', 'Check (without publishing)'],
  versionPublish: ['发布', 'Publish'],
  versionPublishedNow: ['已发布，新案件将使用', 'Published; new cases take'],
  versionCheckedChanges: ['校验通过，发布后将有以下变更：', 'Checked; publishing would change:'],
  versionCheckedNoChange: ['校验通过，与当前版本相比没有变更', 'Checked; nothing changes against the current version'],
  changeField: ['变更字段', 'Field'],
  changeCount: ['变更项', 'Changes'],
  // steps held by a rule or a missing document (step.blocked): what holds each
  blockedTitle: ['以下步骤受阻，案件暂不能继续推进', 'These steps are held: the case does not move on until they are cleared'],
  // a trip whose departure date passed, up to its return date: the departure may still be confirmed (E07)
  departurePassedConfirm: [
    '出发日期（{departure}）已过：团组如已按期出发，请办理 {step}（回国日期 {return} 前均可）；如未出发，请修改出访日期（改期）或撤回申请',
    'The departure date ({departure}) has passed: if the delegation left, confirm the departure at {step} (possible up to the return date, {return}); if it did not, amend the trip dates or withdraw the application',
  ],
  // a trip whose departure date passed without a departure
  departurePassed: [
    '出发日期已过，尚未出发：请修改出访日期（改期）或撤回申请；在此之前各步骤不能办结或审批通过',
    'The departure date has passed without a departure: amend the trip dates or withdraw the application; until then no step can be completed or approved',
  ],
  // a case paused by an incident
  incidentSince: ['暂停时间', 'Paused since'],
  incidentSteps: ['受影响的步骤', 'Steps held'],
  incidentActions: [
    '案件暂停期间不能办理：外办排除故障后即可继续办理',
    'No actions while the case is paused: they resume once the office resolves the incident',
  ],
  paused: ['已暂停', 'Paused'],
  pausedHint: [
    '案件暂停期间不预测余量；距出发天数照常按日历计算',
    'While the case is paused no slack is forecast; the days to departure still count on the calendar',
  ],
  // public-notice objections (公示异议, A13)
  objections: ['公示异议', 'Public-notice objections'],
  objectionsEmpty: ['暂无公示异议', 'No objections recorded'],
  objectionsInTimeline: ['本案已归档：公示异议见办理记录', 'The case is archived: its objections are in the timeline'],
  objectionText: ['异议内容', 'Objection'],
  objectionAt: ['登记时间', 'Recorded at'],
  objectionBy: ['登记人', 'Recorded by'],
  withheld: ['不公开', 'Withheld'],
  // Why steps went back to be done again (the timeline's step.returned: its `by`).
  replannedForecast: ['预计办结 {date}，余量 {n} 个工作日', 'Ready by {date}, {n} working day(s) of slack'],
  replannedByCalendar: ['因节假日安排更新', 'after a holiday schedule was loaded'],
  returnedByPlan: ['年度出访计划变更，重新核对计划', 'The annual plan changed: the plan check runs again'],
  returnedByAmend: ['出访信息变更，相关步骤重办', 'The trip was amended: the steps it affects run again'],
  returnedByStep: ['退回修改', 'Returned for revision by'],
  returnedByChange: ['案件信息变更，相关步骤重办', 'The case changed: the steps it affects run again'],
  recordObjection: ['登记异议', 'Record an objection'],
  objectionNotice: [
    '公示期间（A13）可登记异议；登记后由单位处理（A14）',
    'Objections are recorded while the public notice (A13) runs; the unit then resolves them (A14)',
  ],
  // the amendment's stops
  amendStops: ['各站日期', 'Dates of each stop'],
  // the Users page: one's own account
  ownAccount: ['本人账号', 'Your account'],
  ownAccountHint: ['本人账号的授权与停用须由另一名管理员办理', "Another administrator changes your account's grants or disables it"],
  // the case timeline's re-plans, shown on request
  timelineReplans: ['显示重新预测记录（{n}条）', 'Show forecast updates ({n})'],
  // the board's charts with nothing to draw (trial: empty axes read as a chart that failed)
  overdueNone: ['暂无超期步骤', 'No step is overdue'],
  departuresNone: ['暂无已出发团组', 'No delegation has departed yet'],
  // the board's step durations
  stepTimesNone: ['暂无已办结的步骤', 'No step of the chain is done yet'],
  stepTimesZero: [
    '已办结的步骤均未占用工作时间（在下班后、周末或开启即办结），暂无可显示的耗时',
    'No done step took working time (done after hours, at a weekend or as soon as it opened): no durations to show',
  ],
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
  route_: ENTRY_ROUTE_LABELS,
  role_: ROLE_LABELS,
  unitSt_: UNIT_STATUS_LABELS,
  gender_: GENDER_LABELS,
  rank_: RANK_LABELS,
  personSt_: PERSON_STATUS_LABELS,
  ppType_: PASSPORT_TYPE_LABELS,
  ppSt_: PASSPORT_STATE_LABELS,
  calSrc_: CALENDAR_SOURCE_LABELS,
  defChg_: DEFINITION_CHANGE_LABELS,
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
  objection: 'objectionText',
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

/** What a form holds of a list's items, by the list's API path (`members`: each member's name, as typed or from the roster). */
export type ItemNames = Readonly<Record<string, ReadonlyArray<string | null | undefined>>>;

/** The measure word a numbered item of a labelled list takes in Chinese (第 2 名成员, 第 1 个目的地); 项 otherwise. */
const ITEM_MEASURES: Partial<Record<string, string>> = { members: '名', destinations: '个', apecEconomies: '个' };

/**
 * A field path of the API in the user's words (`members[1].passport.number` → 第 2 名成员 · 护照号码), never the path:
 * each labelled segment (FIELD_LABELS; an enterprise size by its label, as the criteria's `registeredCapitalWan.small`),
 * an index as the item's number, in Chinese with the item's measure word (ITEM_MEASURES; trial 76: 成员 第 1 项). null
 * when no segment has a label: the message is then shown alone. `names`: what the form holds of a list's items by the
 * list's path (`members` → each member's name), said beside the item's number: 第 2 名成员（李四） · 护照号码 (trial 77: an
 * error named the member by position alone).
 */
export function fieldLabel(lang: 'zh' | 'en', field: string, names: ItemNames = {}): string | null {
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
    // Nested indices count from the outermost: 第 1 名成员 then its 第 2 项.
    const numbered = indices.reduce(
      (said, n, k) =>
        DICT.itemNo[i]
          .replace('{n}', String(n))
          .replace('{measure}', k === 0 ? (ITEM_MEASURES[key ?? ''] ?? '项') : '项')
          .replace('{word}', said),
      word,
    );
    const itemName = indices.length === 1 ? names[path.replace(/\[\]$/, '')]?.[indices[0]! - 1]?.trim() : undefined;
    parts.push(itemName ? (lang === 'zh' ? `${numbered}（${itemName}）` : `${numbered} (${itemName})`) : numbered);
  }
  return parts.length > 0 ? parts.join(' · ') : null;
}

/** A field error as an alert's line in the user's language: `护照号码：必填` (the message alone when the field has no label). */
export function fieldErrorText(lang: 'zh' | 'en', e: { field?: string | null; message: Label }, names: ItemNames = {}): string {
  const label = e.field ? fieldLabel(lang, e.field, names) : null;
  const message = lang === 'zh' ? e.message.zh : e.message.en;
  return label ? `${label}${lang === 'zh' ? '：' : ': '}${message}` : message;
}
