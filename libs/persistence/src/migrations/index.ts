// Append-only: generate with `npm run migration:generate -- <Name>`, then list the new class here, last.
import { Init1795333139030 } from './1795333139030-Init';
import { ReadModels1795333978845 } from './1795333978845-ReadModels';
import { ApiUsers1795334570857 } from './1795334570857-ApiUsers';
import { EventStoreBoard1795825105954 } from './1795825105954-EventStoreBoard';
import { AuthUsersAuditEvents1795966383677 } from './1795966383677-AuthUsersAuditEvents';
import { Registries1795967402533 } from './1795967402533-Registries';
import { CaseIncidents1795978560319 } from './1795978560319-CaseIncidents';
import { UserRoleGrants1795979471434 } from './1795979471434-UserRoleGrants';
import { ProvisionalCalendarFlag1795981165006 } from './1795981165006-ProvisionalCalendarFlag';
import { ApecCards1795989647814 } from './1795989647814-ApecCards';
import { CasesSubmittedAtIndex1795990459202 } from './1795990459202-CasesSubmittedAtIndex';
import { CaseAttachments1795990764881 } from './1795990764881-CaseAttachments';
import { LoginLimits1796001346830 } from './1796001346830-LoginLimits';
import { WhitelistCriteria1796001454659 } from './1796001454659-WhitelistCriteria';
import { ApecCardRef1796001469987 } from './1796001469987-ApecCardRef';
import { CaseProgress1796001630657 } from './1796001630657-CaseProgress';
import { ApecCardReplacedBy1796002119210 } from './1796002119210-ApecCardReplacedBy';
import { ApecRenewalClaims1796003820347 } from './1796003820347-ApecRenewalClaims';
import { BoardIndexes1796034550882 } from './1796034550882-BoardIndexes';
import { ApecApplicantClaims1796046958479 } from './1796046958479-ApecApplicantClaims';
import { ApecWhitelistFilingClaims1796048177168 } from './1796048177168-ApecWhitelistFilingClaims';
import { CaseCounts1796098753783 } from './1796098753783-CaseCounts';
import { UsernameCaseInsensitive1796101856252 } from './1796101856252-UsernameCaseInsensitive';
import { CaseOrganizers1796131036504 } from './1796131036504-CaseOrganizers';
import { CaseMembers1796142302631 } from './1796142302631-CaseMembers';
import { MemberTripClaims1796154649377 } from './1796154649377-MemberTripClaims';
import { PassportRef1796164099707 } from './1796164099707-PassportRef';
import { CaseMembersPassport1796172000000 } from './1796172000000-CaseMembersPassport';
import { CaseEventsDecisions1796231493078 } from './1796231493078-CaseEventsDecisions';
import { ApecCardNumberClaims1796251436990 } from './1796251436990-ApecCardNumberClaims';
import { PassportNumberClaims1796252305346 } from './1796252305346-PassportNumberClaims';
import { CaseMembersNewPassport1796255724244 } from './1796255724244-CaseMembersNewPassport';
import { CaseMembersIssued1796280255150 } from './1796280255150-CaseMembersIssued';
import { CaseEventsPlanTaken1796281772278 } from './1796281772278-CaseEventsPlanTaken';
import { AnnualPlanClaims1796290422802 } from './1796290422802-AnnualPlanClaims';
import { CustodyPassportEventsClock1796317456786 } from './1796317456786-CustodyPassportEventsClock';
import { AnnualPlanApproval1796343233003 } from './1796343233003-AnnualPlanApproval';
import { ApecStandingHolds1796354005296 } from './1796354005296-ApecStandingHolds';
import { AttachmentUploaderRole1796393060205 } from './1796393060205-AttachmentUploaderRole';
import { CaseStepsBlockedReason1796554717741 } from './1796554717741-CaseStepsBlockedReason';
import { ApprovalDocumentPerIssue1796676118480 } from './1796676118480-ApprovalDocumentPerIssue';
import { CasesPrepared1796687416201 } from './1796687416201-CasesPrepared';

export const MIGRATIONS = [
  Init1795333139030,
  ReadModels1795333978845,
  ApiUsers1795334570857,
  EventStoreBoard1795825105954,
  AuthUsersAuditEvents1795966383677,
  Registries1795967402533,
  CaseIncidents1795978560319,
  UserRoleGrants1795979471434,
  ProvisionalCalendarFlag1795981165006,
  ApecCards1795989647814,
  CasesSubmittedAtIndex1795990459202,
  CaseAttachments1795990764881,
  LoginLimits1796001346830,
  WhitelistCriteria1796001454659,
  ApecCardRef1796001469987,
  CaseProgress1796001630657,
  ApecCardReplacedBy1796002119210,
  ApecRenewalClaims1796003820347,
  BoardIndexes1796034550882,
  ApecApplicantClaims1796046958479,
  ApecWhitelistFilingClaims1796048177168,
  CaseCounts1796098753783,
  UsernameCaseInsensitive1796101856252,
  CaseOrganizers1796131036504,
  CaseMembers1796142302631,
  MemberTripClaims1796154649377,
  PassportRef1796164099707,
  CaseMembersPassport1796172000000,
  CaseEventsDecisions1796231493078,
  ApecCardNumberClaims1796251436990,
  PassportNumberClaims1796252305346,
  CaseMembersNewPassport1796255724244,
  CaseMembersIssued1796280255150,
  CaseEventsPlanTaken1796281772278,
  AnnualPlanClaims1796290422802,
  CustodyPassportEventsClock1796317456786,
  AnnualPlanApproval1796343233003,
  ApecStandingHolds1796354005296,
  AttachmentUploaderRole1796393060205,
  CaseStepsBlockedReason1796554717741,
  ApprovalDocumentPerIssue1796676118480,
  CasesPrepared1796687416201,
];
