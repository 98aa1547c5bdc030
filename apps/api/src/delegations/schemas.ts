import { z } from 'zod';
import { ActorNamesSchema } from '../common/actor-names';
import { CASE_STATUSES, DECISION_KIND_LABELS, DECISION_KINDS, STEP_STATUSES, type DecisionKind } from '@df/contracts';
import {
  canonicalIdentity,
  decisionReasonProblem,
  PHASES,
  PROCESSES,
  PROCESSES_SAID,
  PURPOSES,
  RANKS,
  STEP_DATA_SCHEMAS,
  STEP_KEY_PATTERN,
  TARGET_DAY_SAID,
} from '@df/domain';
import { INBOX_COUNT_CAP } from '@df/persistence';
import { formatMessage, freeText, intQuery, isoDate, passportNumber, pathKey, personName, reason, line } from '../common/zod-text';
import { KNOWN_UNIT_RULE } from '../common/unit-filter';
import { beyondSchema, datesInOrder } from '../common/validation';
import { code } from '../registries/schemas';

/**
 * Request and response shapes of the delegation endpoints. One source: these zod schemas validate the
 * requests and, converted to JSON Schema, are the OpenAPI components (see openapi.ts).
 */

const countryCode = z
  .string()
  .regex(
    /^[A-Z]{2}$/,
    formatMessage('须为两位大写国家代码（ISO 3166-1），如 US', 'Expected an ISO 3166-1 alpha-2 code in capitals, e.g. US'),
  )
  .meta({ description: 'ISO 3166-1 alpha-2; must be in the domain COUNTRIES table (else 422 UNKNOWN_COUNTRY)', example: 'US' });
const memberId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, formatMessage('成员编号须为1-32位字母、数字、_ 或 -', 'Member ids are 1-32 letters, digits, _ or -'))
  .meta({ example: 'm1' });

/** A step instance key in a path (`/steps/{stepKey}/complete`): STEP_KEY_PATTERN, one line first (pathKey). */
export const StepKeySchema = pathKey(
  STEP_KEY_PATTERN,
  '步骤编号须为步骤代码，可带成员编号、国家代码，如 B07、A11:m1、D12:US',
  "A step key is a step's code, with a member id or a country code where it has them, e.g. B07, A11:m1, D12:US",
).meta({ example: 'B07' });

export const PassportSchema = z
  .strictObject({
    inCustody: z.boolean().meta({
      description:
        "Official passport held by the FAO (委托保管). A registered unit's typed member (no personId) claims it only for a number the custody ledger holds in custody for the unit, with this expiry: else 422 rule in-ledger at passport.inCustody or passport.expiresOn",
    }),
    number: passportNumber()
      .optional()
      .meta({ description: 'Required when inCustody. Visible only to passport and visa officers; masked (SE****567) elsewhere' }),
    expiresOn: isoDate.optional(),
  })
  // A passport declared in custody is one of the ledger's, so it has a number (new-user trial: `{ inCustody: true }` alone passed).
  .refine((p) => !p.inCustody || p.number !== undefined, {
    path: ['number'],
    message: 'Required when the passport is in custody',
    params: beyondSchema('护照在委托保管中时须填写护照号码', 'required'),
  })
  .meta({
    // The refine above, in the document: not in custody, or a number given.
    anyOf: [{ properties: { inCustody: { type: 'boolean', enum: [false] } } }, { required: ['number'] }],
  });

/**
 * The member facts the registries keep for a person named by `personId` (roster: name … leadershipTeam; custody
 * ledger: passport). Without a personId they are required; with one they may be left out (the registries' apply)
 * and, when sent, must equal the registries' (else 422 INVALID_REQUEST, rule `registry-value`): nothing typed is
 * silently replaced (RegistriesService.resolveSubmission, docs/registries.md).
 */
export const REGISTRY_MEMBER_FIELDS = [
  'name',
  'position',
  'rank',
  'partyMember',
  'classifiedAccess',
  'leadershipTeam',
  'passport',
] as const;
const fromRegistry = (what: string) =>
  `Required without personId; with one, optional: the ${what}'s value applies, and a value sent must equal it (else 422 rule registry-value)`;

const memberFields = {
  id: memberId,
  personId: line(64).optional(),
  name: personName()
    .optional()
    .meta({ description: `${fromRegistry('roster')}. A person's name: some letter (rule person-name)` }),
  position: line(100)
    .optional()
    .meta({ description: fromRegistry('roster') }),
  rank: z
    .enum(RANKS)
    .optional()
    .meta({ description: fromRegistry('roster') }),
  partyMember: z
    .boolean()
    .optional()
    .meta({ description: fromRegistry('roster') }),
  classifiedAccess: z
    .boolean()
    .optional()
    .meta({ description: fromRegistry('roster') }),
  // Canonical (trimmed, NFKC, one space, case-folded) before the rules compare and the case stores it.
  leadershipTeam: line(100)
    .overwrite(canonicalIdentity)
    .nullable()
    .optional()
    .meta({ description: fromRegistry('roster') }),
  passport: PassportSchema.nullable()
    .optional()
    .meta({ description: fromRegistry('custody ledger') }),
  apecCard: z
    .strictObject({ number: line(32).optional(), expiresOn: isoDate, economies: z.array(countryCode).max(30).optional() })
    .nullable()
    .optional()
    .meta({
      description: "With a personId holding a valid card in the cards registry: the registry's card applies; a card sent must equal it",
    }),
};

/** A member is named by personId (the registries supply the rest) or typed with every registry fact. */
function personIdOrEveryFact(m: { personId?: unknown } & Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (m.personId !== undefined) return;
  for (const f of REGISTRY_MEMBER_FIELDS)
    if (m[f] === undefined)
      ctx.addIssue({
        code: 'custom',
        path: [f],
        message: 'Required (or name the person by personId)',
        params: { zh: '必填（或以 personId 指明花名册人员）', rule: 'required' },
      });
}

export const MemberSchema = z
  .strictObject(memberFields)
  .superRefine(personIdOrEveryFact)
  // The document states the rule above (a fuzzer or a generated client reads it): a registry member (personId)
  // or a typed one (every registry field).
  .meta({
    description:
      'A registry member (personId: the registries supply the rest) or a typed member (every field of the roster and custody ledger)',
    anyOf: [{ required: ['personId'] }, { required: [...REGISTRY_MEMBER_FIELDS] }],
  });

/**
 * An amendment's member: as at submission, or `{ id }` alone for a member the case has, kept as the case holds them
 * (isKeptMember; the API fills them in from the case: a web page cannot send back what it sees masked, a passport
 * number or a person id). An id the case has no member under is 422 `known-member`.
 */
export const AmendMemberSchema = z
  .strictObject(memberFields)
  .superRefine((m, ctx) => {
    if (Object.keys(m).length > 1) personIdOrEveryFact(m, ctx);
  })
  .meta({
    description:
      'A member the case has, by its id alone ({ id }: kept as the case holds them), a registry member (personId) or a typed member (every field of the roster and custody ledger)',
    anyOf: [{ required: ['personId'] }, { required: [...REGISTRY_MEMBER_FIELDS] }, { maxProperties: 1 }],
  });

export const DestinationSchema = z.strictObject({
  country: countryCode,
  city: line(100),
  arrive: isoDate,
  leave: isoDate,
  inviter: z.strictObject({ name: line(200), organization: line(200) }),
  transit: z.enum(['airside', 'landside']).optional(),
});

export const SUBMISSION_EXAMPLE = {
  title: '滨州市经贸代表团访美',
  unit: 'commerce',
  purpose: 'investment-promotion',
  departureDate: '2027-03-15',
  returnDate: '2027-03-19',
  destinations: [
    {
      country: 'US',
      city: 'Houston',
      arrive: '2027-03-15',
      leave: '2027-03-19',
      inviter: { name: 'Jane Roe', organization: 'Greater Houston Partnership' },
    },
  ],
  members: [
    {
      id: 'm1',
      name: '张三',
      position: '副市长',
      rank: 'bureau',
      partyMember: true,
      classifiedAccess: false,
      leadershipTeam: '市政府领导班子',
      passport: { inCustody: true, number: 'SE1234567', expiresOn: '2031-06-30' },
    },
  ],
  jointDelegation: false,
  supervisingDepartment: null,
};

export const SubmissionSchema = z
  .strictObject({
    title: line(200),
    unit: code,
    purpose: z.enum(PURPOSES),
    departureDate: isoDate,
    returnDate: isoDate,
    destinations: z.array(DestinationSchema).min(1).max(10),
    members: z.array(MemberSchema).min(1).max(50),
    jointDelegation: z.boolean(),
    supervisingDepartment: line(64).nullable().optional().meta({
      description:
        "Unit code of the supervising department (主管部门; A16 runs when set). For a unit in the registry it is the registry's: leave it out (or null) and the registry's applies; a value sent must equal it, else 422 INVALID_REQUEST rule registry-value. For a unit not in the registry, as typed (absent = none)",
    }),
  })
  .meta({ id: 'DelegationSubmission', example: SUBMISSION_EXAMPLE });
export type Submission = z.output<typeof SubmissionSchema>;

/** The case as the person acting saw it (a step action's `seenSeq`: SeenCase in libs/contracts). */
const seenSeq = z.number().int().min(0).optional().meta({
  description:
    "The case's lastSeq (GET /api/delegations/:id) the person acted on: a step opened again since (a step it rests on done again, a return) is refused, 409 STEP_NOT_AWAITING, so no one decides what they did not see. Optional",
});

const actionBase = {
  comment: freeText(2000).optional(),
  onBehalfOf: line(128).optional().meta({
    description:
      "帮代办: an FAO officer acting for this person: the username of a user holding the needed role for the case's unit, or a member id of this delegation (member steps); the record keeps both. An officer who acts for the organizer may not decide the case's approvals afterwards (403 SELF_APPROVAL; their inbox marks those steps blockedFor): another officer of the role decides them",
  }),
};

export const CompleteStepSchema = z
  .strictObject({
    seenSeq,
    data: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({
        description:
          "Task output, e.g. { route: 'visa' } at D01, { outcome: 'refused', members: ['m2'] } at D12, { returnedOn: 'YYYY-MM-DD' } at P01, " +
          '{ summary, outcomes: { investmentSignedYuan, tradeSignedYuan, promotionEvents }, reportRef } at P03 (summary: the report in writing, required, at most 5000 characters; reportRef: the id of a live attachment of this case holding the report, else 422 rule known-attachment, uploaded after P03 opened, else 422 rule new-file; amounts in yuan ≥ 0 with at most 2 decimals and at most 10^12, events a whole number at most 10,000 (422 rule `max`); other outcome fields refused), ' +
          "{ outcome } where the step declares written-outcome (A04, A14, D11), { budget } where budget-estimate (A09 from 2027.11), { validFrom, validUntil, entries? } where visa-issued (D13 from 2027.12: the visa covers the member's stay in its country, else 422 rule covers-stay), the figures at W01. " +
          "C05's `number` and K06's `cardNumber` typed with full-width forms (ＳＥ１２３４５６７) are folded to ASCII before any check and recorded so. " +
          "No additional properties: only the fields the step's data schema reads (the catalog's steps[].data; a step that declares none takes no data, `{}` or none); another field is 422 rule `unknown-field` at data.<name>",
      }),
    ...actionBase,
  })
  .meta({ id: 'CompleteStepRequest', example: { data: { route: 'visa' }, comment: '已核对' } });

/**
 * A decision's contract alone (400): what every caller is held to first. Its rules beyond the contract (422: a reason for
 * a rejection or a return, a field of another decision) are DecisionSchema's, asked once the caller may decide the step
 * (the workflow's order, the role before the request's rules: forty-seventh trial, finance returning A02 without a reason
 * read 422 "comment required" before 403).
 */
export const DecisionContractSchema = z.strictObject({
  decision: z.enum(DECISION_KINDS),
  seenSeq,
  returnTo: line(64).optional().meta({ description: "For 'return': the upstream step key or code to run again" }),
  missingDocuments: z
    .array(z.strictObject({ id: line(64), name: line(200), neededBy: line(8).optional() }))
    .min(1)
    .max(20)
    .optional()
    .meta({ description: "For 'accept-with-deficiencies' (B02 only)" }),
  ...actionBase,
});

export const DecisionSchema = DecisionContractSchema
  // A field of another decision is refused, not dropped (new-user trial: approve with returnTo answered 200 and
  // the returnTo left no trace): 422 rule `decision-field` (one field against another, beyond the schema).
  .superRefine((d, ctx) => {
    // A rejection or a return gives its reason (decisionReasonProblem, as the workflow's validator refuses it).
    const reason = decisionReasonProblem(d.decision, d.comment);
    if (reason)
      ctx.addIssue({
        code: 'custom',
        path: [reason.field],
        message: reason.message.en,
        params: beyondSchema(reason.message.zh, reason.rule),
      });
    const onlyWith = { returnTo: 'return', missingDocuments: 'accept-with-deficiencies' } as const;
    for (const [field, decision] of Object.entries(onlyWith) as Array<[keyof typeof onlyWith, string]>)
      if (d[field] !== undefined && d.decision !== decision)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `Only with the decision “${DECISION_KIND_LABELS[decision as DecisionKind].en}” (${decision})`,
          params: beyondSchema(`仅用于“${DECISION_KIND_LABELS[decision as DecisionKind].zh}”决定`, 'decision-field'),
        });
  })
  .meta({ id: 'DecisionRequest', example: { decision: 'approve', comment: '同意' } });

export const AmendSchema = z
  .strictObject({
    changes: z
      .strictObject({
        departureDate: isoDate.optional(),
        returnDate: isoDate.optional(),
        destinations: z.array(DestinationSchema).min(1).max(10).optional(),
        members: z.array(AmendMemberSchema).min(1).max(50).optional(),
      })
      // Only for an empty object: `{ bogus: 1 }` is one fault, its unknown field `changes.bogus` (new-user trial: it
      // read unknown-field and "Name at least one change" for one key), so not when a key is already refused.
      .refine((c) => Object.keys(c).length > 0, {
        message: 'Name at least one change',
        params: { zh: '至少变更一项', rule: 'min' },
        when: (payload) => payload.issues.length === 0,
      })
      .meta({ minProperties: 1 }),
    ...actionBase,
  })
  .meta({ id: 'AmendRequest', example: { changes: { returnDate: '2027-03-18' }, comment: '缩短行程' } });

export const CloseSchema = z
  .strictObject({ reason: reason(1000), ...actionBase })
  .meta({ id: 'CloseRequest', example: { reason: '邀请方取消活动' } });

export const ObjectionSchema = z
  .strictObject({ objection: reason(2000), ...actionBase })
  .meta({ id: 'ObjectionRequest', example: { objection: '公示对象张三本年度已出访一次' } });

export const SupplyDocumentSchema = z
  .strictObject({
    documentId: line(64),
    fileRef: line(500).meta({
      description:
        "The supplied document, required: the id of a live attachment of this case (upload it first: POST /api/delegations/{id}/attachments, its answer's attachment.id); another value is 422 rule known-attachment; a file the case held before intake recorded the document missing is 422 rule new-file",
    }),
    ...actionBase,
  })
  .meta({
    id: 'SupplyDocumentRequest',
    example: { documentId: 'invitation-translation', fileRef: '3b9e2f4c-1d5a-4e8b-9c7f-2a6d8e0b1c3f' },
  });

export const ExtendDeficiencySchema = z.strictObject({ documentId: line(64), reason: reason(1000, true), ...actionBase }).meta({
  id: 'ExtendDeficiencyRequest',
  example: { documentId: 'invitation-translation', reason: '邀请方译文需重新公证，延期2个工作日' },
});

const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
export const LIST_SORTS = ['slack', 'departure', 'submitted'] as const;

export const ListQuerySchema = z
  .strictObject({
    status: z.enum(CASE_STATUSES).optional(),
    phase: z.enum(PHASES).optional(),
    unit: code.optional().meta({ description: `Only the cases of this unit. ${KNOWN_UNIT_RULE}` }),
    departureFrom: isoDate.optional(),
    departureTo: isoDate.optional(),
    atRisk: boolQuery.optional(),
    returned: boolQuery.optional().meta({
      description: 'true: only the cases returned for revision (an organizer step reopened by a return or an objection); false: the others',
    }),
    q: line(100)
      .optional()
      .meta({ description: 'Search: the title (any part, case-insensitive), the unit code or the start of the case id' }),
    process: z
      .enum(PROCESSES)
      .optional()
      .meta({ description: `Only cases of this process: ${PROCESSES_SAID}` }),
    sort: z.enum(LIST_SORTS).default('slack'),
    page: intQuery(1, 100000, 1),
    pageSize: intQuery(1, 100, 20),
  })
  .superRefine(datesInOrder('departureFrom', 'departureTo'));
export type ListQuery = z.output<typeof ListQuerySchema>;

export const InboxQuerySchema = z.strictObject({
  page: intQuery(1, 100000, 1),
  pageSize: intQuery(1, 200, 50),
});

/** The most events one timeline page answers. */
export const TIMELINE_PAGE_MAX = 1000;

/**
 * `GET /api/delegations/:id/timeline`: the events after `afterSeq` (0: from the first), at most `limit`, oldest first.
 * A reader keeps what it has and asks for what came after its last `seq` (the event store's position).
 */
export const TimelineQuerySchema = z.strictObject({
  afterSeq: intQuery(0, 2_147_483_647, 0),
  limit: intQuery(1, TIMELINE_PAGE_MAX, TIMELINE_PAGE_MAX),
});

// ---------------------------------------------------------------------------------------------
// Responses (documentation; loose objects: new fields may appear)

const label = z.looseObject({ zh: z.string(), en: z.string() });

export const PlanSchema = z
  .looseObject({
    criticalPath: z.array(z.string()),
    criticalPathCodes: z.array(z.string()),
    forecastReadyAt: z.string(),
    forecastReadyDate: z.string(),
    slackWd: z.number(),
    atRisk: z.boolean(),
    totalWd: z.number(),
    remainingWd: z.number(),
    prepared: z.boolean().optional().meta({
      description:
        '准备就绪：准备阶段已无未完成的步骤（出境确认及之后的步骤不计），forecastReadyDate 即其完成之日 / Nothing of the preparation remains (the departure confirmation and after do not count): forecastReadyDate is the day it ended; absent in an answer published before the field was',
    }),
    criticalStep: z.string().nullable().meta({
      description:
        "关键步骤：预测所等待的步骤（关键路径上第一个未完成的步骤），已结案为 null / The step the forecast waits on: the critical path's first step not done; null when none is left or the case is closed",
    }),
    provisionalCalendar: z.boolean().meta({
      description:
        '计划跨越尚未公布放假安排的年份（按法定节假日暂排）/ Part of the plan lies in a year with no published holiday schedule: planned with its statutory holidays, provisional',
    }),
    warnings: z.array(z.string()),
  })
  .meta({ id: 'PlanSummary' });

export const SubmissionResponseSchema = z
  .looseObject({
    caseId: z.string(),
    workflowId: z.string(),
    status: z.literal('open'),
    submittedAt: z.string(),
    plan: PlanSchema,
  })
  .meta({
    id: 'SubmissionResponse',
    example: {
      caseId: '5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
      workflowId: 'delegation-5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
      status: 'open',
      submittedAt: '2027-02-01T01:00:00.000Z',
      plan: {
        criticalPath: ['A01', 'A02', 'A05', 'A13', 'B07', 'B08', 'D07:US', 'D09:US', 'D10:m1:US', 'D12:US', 'D13:m1:US', 'E06:m1', 'E07'],
        criticalPathCodes: ['A01', 'A02', 'A05', 'A13', 'B07', 'B08', 'D07', 'D09', 'D10', 'D12', 'D13', 'E06', 'E07'],
        forecastReadyAt: '2027-02-24T09:00:00.000Z',
        forecastReadyDate: '2027-02-24',
        slackWd: 12.5,
        atRisk: false,
        totalWd: 15.5,
        remainingWd: 15.5,
        prepared: false,
        provisionalCalendar: true,
        warnings: [
          'CALENDAR_PROVISIONAL: 2027年放假安排尚未公布，按法定节假日暂排 / no published holiday schedule for 2027; planned with the statutory holidays (provisional)',
        ],
      },
    },
  });

export const CaseSummarySchema = z
  .looseObject({
    caseId: z.string(),
    workflowId: z.string(),
    process: z.enum(PROCESSES).meta({ description: PROCESSES_SAID }),
    title: z.string(),
    unit: z.string(),
    purpose: z.string(),
    status: z.string(),
    phase: z.string(),
    departureDate: z.string().meta({ description: TARGET_DAY_SAID }),
    returnDate: z.string(),
    countries: z.array(z.string()),
    memberCount: z.number(),
    forecastReadyAt: z.string().nullable(),
    slackWd: z.number().nullable(),
    atRisk: z.boolean(),
    criticalStep: z.string().nullable(),
    provisionalCalendar: z.boolean().meta({
      description:
        'The plan crosses a year with no published or loaded holiday schedule: planned with its statutory holidays (暂排, provisional)',
    }),
    submittedAt: z.string(),
    submittedBy: z.string(),
    returnedForRevision: z.boolean().meta({
      description:
        "退回修改: an organizer step of this open case is open again because an approver returned it (or a public-notice objection reopened it); the organizer's own amendment is not a return",
    }),
    departedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: 'CaseSummary' });

const CASE_SUMMARY_EXAMPLE = {
  caseId: '5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
  workflowId: 'delegation-5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
  title: '滨州市经贸代表团访美',
  unit: 'commerce',
  purpose: 'investment-promotion',
  status: 'open',
  phase: 'prepare',
  departureDate: '2027-03-15',
  returnDate: '2027-03-19',
  countries: ['US'],
  memberCount: 1,
  forecastReadyAt: '2027-02-24T09:00:00.000Z',
  slackWd: 12.5,
  atRisk: false,
  criticalStep: 'A02',
  provisionalCalendar: false,
  submittedAt: '2027-02-01T01:00:00.000Z',
  submittedBy: 'organizer.commerce',
  returnedForRevision: false,
  departedAt: null,
  closedAt: null,
  updatedAt: '2027-02-01T01:00:01.000Z',
};

export const CheckResultSchema = z
  .looseObject({
    ok: z.boolean().meta({ description: 'No violation: a submission of this body would pass the trip rules' }),
    violations: z
      .array(
        z.looseObject({
          code: z.string(),
          field: z.string().optional(),
          message: label,
          details: z.looseObject({}).optional(),
        }),
      )
      .meta({
        description: 'Every trip-rule violation (checkTripRules and the departure-date rule), the ones a submission would get as 422',
      }),
    plan: PlanSchema.optional().meta({
      description:
        '无违规时：按现行流程版本为本案排出的计划（预计办妥日期、余量、是否有风险）/ With no violation: the plan the case would start with (forecast ready date, slack in working days, at risk when the chain cannot finish before departure)',
    }),
    annualPlan: z
      .looseObject({
        outcome: z.enum(['planned', 'over-plan', 'unplanned', 'no-plan']),
        message: label,
        tripId: z.string().optional().meta({ description: 'planned: the planned trip the case would hold' }),
        comparedWith: z
          .array(z.string())
          .optional()
          .meta({ description: 'over-plan: the trips it was compared with (the nearest free one, else those taken); it would hold none' }),
      })
      .optional()
      .meta({
        description:
          '无违规时：年度出访计划核对（A01）此刻的结论 / With no violation: what the annual plan check (A01) would answer now: planned, over-plan, unplanned or no-plan (the three but planned: the reviewer asks for a written reason; docs/registries.md)',
      }),
  })
  .meta({
    id: 'SubmissionCheck',
    example: {
      ok: false,
      violations: [
        {
          code: 'TOO_MANY_COUNTRIES',
          field: 'destinations',
          message: { zh: '出访国家不得超过3个', en: 'At most 3 countries per trip' },
        },
      ],
    },
  });

export const CaseListSchema = z
  .looseObject({ items: z.array(CaseSummarySchema), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() })
  .meta({ id: 'CaseList', example: { items: [CASE_SUMMARY_EXAMPLE], total: 1, page: 1, pageSize: 20 } });

export const StepProgressSchema = z
  .looseObject({
    key: z.string(),
    code: z.string(),
    name: label,
    phase: z.string(),
    kind: z.string(),
    actorRole: z.string(),
    status: z.string(),
    critical: z.boolean(),
    returns: z.number(),
  })
  .meta({ id: 'StepProgress' });

/** An incident as users see it (common/incident-notice.ts): no raw failure, a bilingual notice. */
export const IncidentForUsersSchema = z.looseObject({
  incidentId: z.string(),
  openedAt: z.string(),
  stepKeys: z.array(z.string()).meta({ description: 'Steps whose recording waits for the fix' }),
  notice: z.object({ zh: z.string(), en: z.string() }).meta({
    description: 'What happened and what to do, e.g. 本案暂停：系统记录失败，已通知运维… / Paused: the system could not record the case…',
  }),
});

export const WorkflowProgressSchema = z
  .looseObject({
    source: z.literal('workflow').meta({ description: "The workflow's `progress` query answered" }),
    caseId: z.string(),
    workflowId: z.string(),
    definitionVersion: z.string(),
    title: z.string(),
    unit: z.string(),
    facts: z.looseObject({}),
    status: z.enum(CASE_STATUSES),
    phase: z.string(),
    now: z.string(),
    submittedAt: z.string(),
    departureDate: z.string().meta({ description: TARGET_DAY_SAID }),
    daysToDeparture: z.number(),
    plan: PlanSchema,
    steps: z.array(StepProgressSchema),
    deficiencies: z.array(z.looseObject({})),
    objections: z.array(z.looseObject({})),
    withdrawnMembers: z.array(z.looseObject({})),
    routes: z.looseObject({}),
    violations: z.array(z.looseObject({})),
    lastSeq: z.number(),
    actorNames: ActorNamesSchema,
    incident: IncidentForUsersSchema.nullable().optional().meta({
      description:
        'The incident stopping the case (actions answer 409 CASE_INCIDENT until an operator retries it): what happened and what to do; the raw failure is for operators (`npm run admin -- incidents list`)',
    }),
  })
  .meta({
    id: 'WorkflowProgress',
    description: "The workflow's `progress` query; passport numbers masked except for passport and visa officers",
    example: {
      source: 'workflow',
      caseId: '5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
      workflowId: 'delegation-5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
      definitionVersion: '2026.1',
      title: '滨州市经贸代表团访美',
      unit: 'commerce',
      facts: {
        ...SUBMISSION_EXAMPLE,
        members: [{ ...SUBMISSION_EXAMPLE.members[0], passport: { inCustody: true, number: 'SE****567', expiresOn: '2031-06-30' } }],
      },
      status: 'open',
      phase: 'prepare',
      now: '2027-02-01T01:00:05.000Z',
      submittedAt: '2027-02-01T01:00:00.000Z',
      departureDate: '2027-03-15',
      daysToDeparture: 42,
      plan: {
        criticalPath: ['A02', 'A05', 'A13', 'B07', 'B08', 'D07:US', 'D09:US', 'D10:m1:US', 'D12:US', 'D13:m1:US', 'E06:m1', 'E07'],
        criticalPathCodes: ['A02', 'A05', 'A13', 'B07', 'B08', 'D07', 'D09', 'D10', 'D12', 'D13', 'E06', 'E07'],
        forecastReadyAt: '2027-02-24T09:00:00.000Z',
        forecastReadyDate: '2027-02-24',
        slackWd: 12.5,
        atRisk: false,
        totalWd: 15.5,
        remainingWd: 15.5,
        prepared: false,
        provisionalCalendar: true,
        warnings: [
          'CALENDAR_PROVISIONAL: 2027年放假安排尚未公布，按法定节假日暂排 / no published holiday schedule for 2027; planned with the statutory holidays (provisional)',
        ],
      },
      steps: [
        {
          key: 'A02',
          code: 'A02',
          name: { zh: '起草出访申请（任务、目的类别）', en: 'Draft trip application (task, purpose category)' },
          phase: 'prepare',
          kind: 'task',
          actorRole: 'organizer',
          status: 'awaiting',
          startedAt: '2027-02-01T01:00:00.000Z',
          latestStartAt: '2027-02-15T01:00:00.000Z',
          critical: true,
          returns: 0,
        },
      ],
      deficiencies: [],
      objections: [],
      withdrawnMembers: [],
      routes: { m1: { US: 'visa' } },
      violations: [],
      lastSeq: 4,
    },
  });

const nullableIso = z.string().nullable();

/** GET /api/delegations/:id once Temporal no longer has the workflow (delegations.service.ts readModelDetail). */
export const ReadModelProgressSchema = z
  .looseObject({
    source: z.literal('read-model').meta({
      description:
        "工作流历史已过保留期，按读模型答复 / Temporal no longer has the workflow (history past the namespace's retention): answered from the read models (cases, case_steps) and the event store; deficiencies, objections and routes are in the timeline; actions are refused (409 CASE_CLOSED)",
    }),
    caseId: z.string(),
    workflowId: z.string(),
    definitionVersion: z.string(),
    title: z.string(),
    unit: z.string(),
    purpose: z.string(),
    facts: z.looseObject({}).nullable(),
    status: z.enum(CASE_STATUSES),
    phase: z.string(),
    now: z.string(),
    submittedAt: z.string(),
    submittedBy: z.string(),
    departureDate: z.string().meta({ description: TARGET_DAY_SAID }),
    returnDate: z.string(),
    countries: z.array(z.string()),
    memberCount: z.number().int(),
    daysToDeparture: z.number(),
    departedAt: nullableIso,
    closedAt: nullableIso,
    plan: z
      .looseObject({
        criticalPath: z.array(z.string()),
        criticalPathCodes: z.array(z.string()),
        forecastReadyAt: nullableIso,
        forecastReadyDate: z.string().nullable(),
        slackWd: z.number().nullable(),
        atRisk: z.boolean(),
      })
      .meta({ description: 'The plan figures last recorded (case.replanned)' }),
    steps: z.array(
      z.looseObject({
        key: z.string(),
        code: z.string(),
        name: label,
        phase: z.string(),
        kind: z.string(),
        actorRole: z.string(),
        memberId: z.string().nullable(),
        country: z.string().nullable(),
        status: z.string(),
        startedAt: nullableIso,
        doneAt: nullableIso,
        dueAt: nullableIso,
        actedBy: z.string().nullable(),
        actedByRole: z.string().nullable(),
        onBehalfOf: z.string().nullable(),
        decision: z.string().nullable(),
        workingDays: z.number().nullable(),
        critical: z.boolean(),
      }),
    ),
    lastSeq: z.number().int(),
    actorNames: ActorNamesSchema,
  })
  .meta({
    id: 'ReadModelProgress',
    description: 'A case whose workflow Temporal no longer has, from the read models; passport numbers masked as in WorkflowProgress',
    example: {
      source: 'read-model',
      caseId: '5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
      workflowId: 'delegation-5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
      definitionVersion: '2027.13',
      title: '滨州市经贸代表团访美',
      unit: 'commerce',
      purpose: 'business',
      facts: null,
      status: 'terminated',
      phase: 'closed',
      now: '2027-09-01T01:00:00.000Z',
      submittedAt: '2027-02-01T01:00:00.000Z',
      submittedBy: 'organizer.commerce',
      departureDate: '2027-03-15',
      returnDate: '2027-03-22',
      countries: ['US'],
      memberCount: 1,
      daysToDeparture: -170,
      departedAt: null,
      closedAt: '2027-02-03T01:00:00.000Z',
      plan: {
        criticalPath: ['A02', 'A05'],
        criticalPathCodes: ['A02', 'A05'],
        forecastReadyAt: '2027-02-24T09:00:00.000Z',
        forecastReadyDate: '2027-02-24',
        slackWd: 12.5,
        atRisk: false,
      },
      steps: [
        {
          key: 'A02',
          code: 'A02',
          name: { zh: '起草出访申请（任务、目的类别）', en: 'Draft trip application (task, purpose category)' },
          phase: 'prepare',
          kind: 'task',
          actorRole: 'organizer',
          memberId: null,
          country: null,
          status: 'done',
          startedAt: '2027-02-01T01:00:00.000Z',
          doneAt: '2027-02-01T02:00:00.000Z',
          dueAt: '2027-02-02T01:00:00.000Z',
          actedBy: 'organizer.commerce',
          actedByRole: 'organizer',
          onBehalfOf: null,
          decision: null,
          workingDays: 0.125,
          critical: true,
        },
      ],
      lastSeq: 9,
    },
  });

/**
 * GET /api/delegations/:id: the workflow's progress, or (`source: 'read-model'`) the read models' record of a
 * case whose workflow Temporal no longer has.
 */
export const ProgressSchema = z.union([WorkflowProgressSchema, ReadModelProgressSchema]).meta({
  id: 'DelegationProgress',
  description:
    "The case's detail. `source: workflow`: the workflow's `progress` query. `source: read-model`: the workflow's history is past Temporal's retention; answered from the read models",
  example: WorkflowProgressSchema.meta()?.example,
});

export const TimelineSchema = z
  .looseObject({
    caseId: z.string(),
    events: z.array(
      z.looseObject({
        seq: z.number().int(),
        type: z.string(),
        occurredAt: z.string(),
        recordedAt: z.string(),
        actorId: z.string().nullable(),
        actorRole: z.string().nullable(),
        onBehalfOf: z.string().nullable(),
        payload: z.looseObject({}),
      }),
    ),
    actorNames: ActorNamesSchema,
    more: z.boolean().meta({
      description: `Events past this page exist: ask again with afterSeq the last event's seq (at most ${TIMELINE_PAGE_MAX} a page)`,
    }),
  })
  .meta({
    id: 'Timeline',
    example: {
      caseId: '5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
      events: [
        {
          seq: 1,
          type: 'case.submitted',
          occurredAt: '2027-02-01T01:00:00.000Z',
          recordedAt: '2027-02-01T01:00:00.120Z',
          actorId: 'organizer.commerce',
          actorRole: 'organizer',
          onBehalfOf: null,
          payload: { title: '滨州市经贸代表团访美', unit: 'commerce' },
        },
        {
          seq: 5,
          type: 'step.completed',
          occurredAt: '2027-02-01T02:00:00.000Z',
          recordedAt: '2027-02-01T02:00:00.080Z',
          actorId: 'fao-clerk.fao',
          actorRole: 'fao-clerk',
          onBehalfOf: 'organizer.commerce',
          payload: { key: 'A02' },
        },
      ],
      more: false,
    },
  });

export const ActionResultSchema = z
  .looseObject({
    accepted: z.literal(true),
    requestId: z.string(),
    seq: z.number().int(),
    opened: z.array(z.string()),
    status: z.enum(CASE_STATUSES),
  })
  .meta({
    id: 'ActionResult',
    example: {
      accepted: true,
      requestId: '0b9f2f7e-8c1a-4f0e-b8e3-0d8e2a6f4c11',
      seq: 7,
      opened: ['A03:US', 'A05', 'A06'],
      status: 'open',
    },
  });

export const AmendPreviewSchema = z
  .looseObject({
    reruns: z
      .array(z.looseObject({ key: z.string(), status: z.enum(STEP_STATUSES) }))
      .meta({ description: 'The steps the amendment runs again, each with its status now: done work is undone, an open step starts over' }),
    datesChanged: z.boolean(),
    membersAdded: z.array(z.string()).meta({ description: 'Member ids the amendment adds: their steps start' }),
    membersRemoved: z.array(z.string()).meta({ description: 'Member ids the amendment removes: their steps are withdrawn' }),
    countriesAdded: z.array(z.string()),
    countriesRemoved: z.array(z.string()),
  })
  .meta({
    id: 'AmendPreview',
    description:
      'What the amendment would do if sent now (nothing is changed, claimed or recorded): the rules as a new amendment meets them',
    example: {
      reruns: [
        { key: 'A07', status: 'done' },
        { key: 'B05', status: 'done' },
        { key: 'D13:m1:US', status: 'done' },
      ],
      datesChanged: true,
      membersAdded: [],
      membersRemoved: [],
      countriesAdded: [],
      countriesRemoved: [],
    },
  });

export const InboxSchema = z
  .looseObject({
    items: z.array(
      z.looseObject({
        caseId: z.string(),
        process: z.enum(PROCESSES).meta({ description: PROCESSES_SAID }),
        title: z.string(),
        unit: z.string(),
        departureDate: z.string().meta({ description: TARGET_DAY_SAID }),
        caseAtRisk: z.boolean(),
        caseSlackWd: z.number().nullable(),
        stepKey: z.string(),
        code: z.string(),
        name: label,
        phase: z.string(),
        kind: z.string(),
        actorRole: z.string(),
        memberId: z.string().nullable(),
        memberName: z
          .string()
          .nullable()
          .meta({ description: "A member's step: the member's name as the case's published facts hold it (null otherwise)" }),
        country: z.string().nullable(),
        status: z.string(),
        startedAt: z.string().nullable(),
        dueAt: z.string().nullable(),
        latestStartAt: z.string().nullable(),
        caseNow: z.string().optional().meta({
          description:
            "On a time scale (WORKING_DAY_SECONDS): the case's clock now, which dueAt and latestStartAt are in; absent in real time (the reader's clock)",
        }),
        onBehalf: z.boolean(),
        returnedBy: z
          .looseObject({
            stepKey: z.string(),
            name: label.nullable(),
            actorRole: z.string().nullable(),
            comment: z.string().nullable(),
            actedBy: z.string().nullable(),
            at: z.string(),
          })
          .nullable()
          .meta({
            description:
              "An organizer's step a return sent back and not done again (退回修改; null otherwise, and for every other role's step): the returning step's key (objection: a public-notice objection reopened it), its name and role as the case's definition gives them (null for an objection), the return's reason, who returned it (the user's id) and when (the case's clock), as the case's progress says it (its steps' returnedBy)",
          }),
        blockedFor: z
          .looseObject({
            code: z.enum([
              'SELF_APPROVAL',
              'SUPPLY_DOCUMENTS',
              'DEPARTURE_PASSED',
              'NOT_BEFORE_DATE',
              'CASE_INCIDENT',
              'ENTERPRISE_STANDING',
              'PASSPORT_CUSTODY',
              'STEP_BLOCKED',
            ]),
            message: label,
          })
          .nullable()
          .meta({
            description:
              "Why the caller may not decide or complete this step here (null: they may): SELF_APPROVAL when they submitted the case or acted on it as its organizer (帮代办 included), the refusal the decision would get (403), listed so they hand it to another officer of the role; SUPPLY_DOCUMENTS for a step that completes itself once every 容缺 document is supplied (B03: POST /api/delegations/{id}/documents each); DEPARTURE_PASSED for a step of a trip whose departure date passed without a departure (E07: whose return date passed), whose completion or approval is refused (409) until the dates are amended (an approval may still be returned or rejected); NOT_BEFORE_DATE for the confirmation of the departure (E07) before the departure date, refused (409) until that day (the message names it); CASE_INCIDENT for any step of a case an incident stopped, whose every action is refused (409) until operations retry it (the message is the notice of the incident); ENTERPRISE_STANDING for a card application step (K01-K04) of an enterprise off the whitelist (suspended, or exited), whose completion or approval is refused (409 enterprise-standing) until the suspension is lifted (an approval may still be returned or rejected); PASSPORT_CUSTODY for a passport step whose move the custody ledger cannot make now (C06 cancel, C07 check-out: the member's passport out on loan for another case, or no valid passport lasting the trip), refused (409 passport-checked-out, valid-passport or valid-for-trip) until it can (the message names the passport and what to do); STEP_BLOCKED for a blocked step (status blocked: a 容缺 document it needs is past its deadline), whose every action, a return included, is refused (409 STEP_NOT_AWAITING) until the document is supplied or the FAO clerk extends its deadline (the message names the documents)",
          }),
      }),
    ),
    total: z
      .number()
      .int()
      .meta({
        description: `Matching steps, counted up to ${INBOX_COUNT_CAP}: past that, ${INBOX_COUNT_CAP} with totalIsLowerBound (show "${INBOX_COUNT_CAP.toLocaleString('en')}+")`,
      }),
    totalIsLowerBound: z.boolean().meta({
      description: `true: more than ${INBOX_COUNT_CAP} steps match and total is ${INBOX_COUNT_CAP}, a lower bound (the count stops there so a large inbox costs a page, not a count of every open step)`,
    }),
    page: z.number().int(),
    pageSize: z.number().int(),
    actorNames: ActorNamesSchema,
  })
  .meta({
    id: 'Inbox',
    example: {
      items: [
        {
          caseId: '5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
          title: '滨州市经贸代表团访美',
          unit: 'commerce',
          departureDate: '2027-03-15',
          caseAtRisk: false,
          caseSlackWd: 12.5,
          stepKey: 'B02',
          code: 'B02',
          name: { zh: '外办受理及完整性审查', en: 'FAO intake and completeness check (may accept with deficiencies)' },
          phase: 'review',
          kind: 'approval',
          actorRole: 'fao-clerk',
          memberId: null,
          memberName: null,
          country: null,
          status: 'awaiting',
          startedAt: '2027-02-10T01:00:00.000Z',
          dueAt: '2027-02-10T05:00:00.000Z',
          latestStartAt: '2027-02-20T01:00:00.000Z',
          onBehalf: false,
          returnedBy: null,
          blockedFor: null,
        },
      ],
      total: 1,
      totalIsLowerBound: false,
      page: 1,
      pageSize: 50,
    },
  });

export const CatalogSchema = z
  .looseObject({
    version: z.string(),
    name: label.nullable(),
    steps: z.array(
      z.looseObject({
        code: z.string(),
        name: label,
        phase: z.string(),
        phaseLabel: label,
        actor: z.string(),
        actorLabel: label,
        scope: z.string(),
        scopeLabel: label,
        kind: z.string(),
        kindLabel: label,
        needs: z.array(z.string()),
        durationWd: z.number(),
        condition: z.looseObject({ name: z.string(), label }).nullable(),
        decisions: z.array(z.string()),
        data: z
          .string()
          .nullable()
          .meta({
            description: `The schema of a completion's \`data\` (null: none), one of ${STEP_DATA_SCHEMAS.join(', ')}: e.g. 'written-outcome' requires data.outcome, non-blank text (A04, A14, D11), 'trip-report' data.summary (P03), 'new-passport' data.number, data.issuedOn and data.expiresOn (C05: the passport issued, taken into the custody ledger)`,
          }),
        custody: z.string().nullable().meta({
          description:
            "The passport custody ledger's move the step makes (null: none): 'check-out' (C07), 'check-in' (P02), 'cancel' (C06), 'register' (C05)",
        }),
      }),
    ),
    roles: z.record(z.string(), label),
    phases: z.record(z.string(), label),
    phasesByProcess: z.record(z.string(), z.record(z.string(), label)).meta({
      description:
        "Each process's phase labels, only the phases its cases can be in (a card application's prepare reads 企业申请, not a trip's 出访准备; it has no passport phase)",
    }),
    purposes: z.record(z.string(), label),
    ranks: z.record(z.string(), label),
    caseStatuses: z.record(z.string(), label),
    stepStatuses: z.record(z.string(), label),
    decisionKinds: z.record(z.string(), label),
    enterpriseSizes: z.record(z.string(), label),
    ownerships: z.record(z.string(), label),
    whitelistStates: z.record(z.string(), label),
    cardStatuses: z.record(z.string(), label),
    personStatuses: z.record(z.string(), label),
    passportStates: z.record(z.string(), label),
    countries: z.record(z.string(), z.looseObject({ nameZh: z.string(), nameEn: z.string() })),
    processes: z
      .array(
        z.looseObject({
          process: z.enum(PROCESSES),
          processLabel: label,
          version: z.string(),
          name: label.nullable(),
          steps: z.array(z.looseObject({ code: z.string(), name: label, phase: z.string(), actor: z.string(), scope: z.string() })),
        }),
      )
      .meta({ description: 'Every process the engine runs (issue 17): the delegation chain (as above) and the APEC card application.' }),
  })
  .meta({
    id: 'Catalog',
    example: {
      version: '2026.1',
      name: { zh: '因公出国（境）审护签全链条', en: 'Outbound delegation chain (approval, passport, visa)' },
      steps: [
        {
          code: 'B07',
          name: { zh: '按权限报批', en: 'Approval at the authority level' },
          phase: 'review',
          phaseLabel: { zh: '外办审批', en: 'FAO review and approval' },
          actor: 'leader',
          actorLabel: { zh: '审批领导', en: 'Approving leader' },
          scope: 'delegation',
          scopeLabel: { zh: '每团一次', en: 'Once per delegation' },
          kind: 'approval',
          kindLabel: { zh: '审批', en: 'Approval' },
          needs: ['B06', 'A13', 'A14'],
          durationWd: 1,
          condition: null,
          decisions: ['approve', 'reject', 'return'],
          data: null,
        },
      ],
      roles: { leader: { zh: '审批领导', en: 'Approving leader' } },
      phases: { review: { zh: '外办审批', en: 'FAO review and approval' } },
      phasesByProcess: { 'apec-card': { prepare: { zh: '企业申请', en: 'Enterprise application' } } },
      purposes: { trade: { zh: '经贸', en: 'Trade' } },
      ranks: { bureau: { zh: '厅局级', en: 'Bureau' } },
      caseStatuses: { open: { zh: '办理中', en: 'Open' } },
      stepStatuses: { awaiting: { zh: '待办理', en: 'Awaiting' } },
      decisionKinds: { approve: { zh: '同意', en: 'Approve' } },
      enterpriseSizes: { small: { zh: '小型', en: 'Small' } },
      ownerships: { 'non-state': { zh: '非国有', en: 'Non-state' } },
      whitelistStates: { admitted: { zh: '已准入', en: 'Admitted' } },
      cardStatuses: { valid: { zh: '有效', en: 'Valid' } },
      personStatuses: { active: { zh: '在职', en: 'Active' } },
      passportStates: { 'in-custody': { zh: '在库保管', en: 'In custody' } },
      countries: {
        US: {
          nameZh: '美国',
          nameEn: 'United States',
          region: 'north-america',
          officialPassportRoute: 'visa',
          interviewRequired: true,
          processingWd: 5,
          apostille: true,
          apec: false,
          certifiedDocuments: false,
        },
      },
    },
  });
