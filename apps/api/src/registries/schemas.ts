import { z } from 'zod';
import {
  birthDateProblems,
  canonicalIdentity,
  GENDERS,
  PASSPORT_STATES,
  PASSPORT_TYPES,
  passportDateProblems,
  PERSON_STATUSES,
  PURPOSES,
  RANKS,
  type RegistryFieldProblem,
  CALENDAR_YEARS,
  CODE_WORDS,
  DEFINITION_VERSION_RE,
  SCHEDULE_YEARS,
  UNIT_STATUSES,
  shanghaiDate,
} from '@df/domain';
import { ActorNamesSchema } from '../common/actor-names';
import { KNOWN_UNIT_RULE } from '../common/unit-filter';
import { beyondSchema } from '../common/validation';
import {
  caseIdText,
  CODE_PATTERN,
  formatMessage,
  intQuery,
  isoDate,
  passportNumber as passportNumberText,
  pathKey,
  personName,
  text,
  wholeNumber,
  line,
  reason,
} from '../common/zod-text';

/** Request shapes of the registries (issue 14): zod validates them and, as JSON Schema, documents them in OpenAPI. */

/** Unit codes and person ids: the same alphabet as the submission's unit. */
export const code = z
  .string()
  .regex(new RegExp(CODE_PATTERN), formatMessage(CODE_WORDS.zh, CODE_WORDS.en))
  .meta({ minLength: 1, maxLength: 64, pattern: CODE_PATTERN });
const countryCode = z
  .string()
  .regex(
    /^[A-Z]{2}$/,
    formatMessage('须为两位大写国家代码（ISO 3166-1），如 US', 'Expected an ISO 3166-1 alpha-2 code in capitals, e.g. US'),
  );
/** A process version in a path (`/process-versions/{version}`): a definition's version (DEFINITION_VERSION_RE), one line first. */
export const processVersionKey = pathKey(
  DEFINITION_VERSION_RE.source,
  '流程版本须为1-32位字母、数字、. _ -（以字母或数字开头），如 office-2027.1',
  'A process version is 1-32 letters, digits, . _ - (starting with a letter or digit), e.g. office-2027.1',
);
/** Passport numbers, in a body and in a path (`/passports/SE1234567`): normalised (`se 1234567` is SE1234567), then checked. */
export const passportNumber = passportNumberText();
/**
 * One passport in a path: its ledger id (`ref`, a UUID, from the list) for every reader, or its number for a reader
 * who sees passport numbers in clear (the passport and visa officers); anyone else naming a number is 403 `clearance`
 * whether or not the ledger holds it, so the route confirms no guessed number.
 */
export const passportRef = z.uuid();
export const passportKey = z.union([passportRef, passportNumber]);
/** A year in a path (`/plans/2027`): one error naming its rule (format, min or max). */
export const year = wholeNumber(SCHEDULE_YEARS.from, SCHEDULE_YEARS.to);
/**
 * A holiday schedule's year in a path (`/calendars/2027`): CALENDAR_YEARS, the years whose statutory holidays are
 * known (2100 is 400 `max` at `path.year`: no rule could check its schedule, and its provisional days are unknown).
 */
export const calendarYear = wholeNumber(CALENDAR_YEARS.from, CALENDAR_YEARS.to);

export const UnitSchema = z
  .strictObject({
    nameZh: line(200),
    nameEn: line(200),
    parentCode: code.nullable().default(null).meta({
      description: 'A registered unit (else 422 rule registered-unit) whose parents do not lead back to this one (rule no-cycle)',
    }),
    supervisingDepartment: code.nullable().meta({
      description:
        '主管部门 unit code; its dept-approver reviews the unit’s trips (A16). null: none. A registered unit (else 422 rule registered-unit) whose supervising departments do not lead back to this one (rule no-cycle)',
    }),
    clerks: z.array(line(100)).max(2).default([]).meta({ description: 'Registered clerks (专办员): usernames of the unit, 1-2' }),
    signatories: z.array(line(100)).max(10).default([]).meta({ description: 'Signatories (签批人)' }),
    status: z.enum(UNIT_STATUSES).default('active'),
    // What GET units/{code} adds, so its body may be sent back as it came (a GET → edit → PUT round trip; trial).
    code: code.optional().meta({ readOnly: true, description: "The path's code, as GET gives it (another code is 422 rule path-match)" }),
    suspension: z
      .unknown()
      .optional()
      .meta({ readOnly: true, description: 'Computed from the status and the custody ledger (as GET gives it): ignored when sent' }),
    suspendedReason: reason(500)
      .nullable()
      .default(null)
      .meta({ description: 'Why the unit is suspended: required when suspended, stored only then (null for any other status)' }),
  })
  .refine((u) => u.status !== 'suspended' || !!u.suspendedReason, {
    path: ['suspendedReason'],
    message: 'A suspended unit needs a reason',
    params: { zh: '暂停须说明理由', rule: 'required-when-suspended' },
  })
  .meta({
    id: 'RegistryUnit',
    // The refine above, in the document: not suspended, or a reason given.
    anyOf: [
      { properties: { status: { type: 'string', enum: UNIT_STATUSES.filter((s) => s !== 'suspended') } } },
      { properties: { suspendedReason: { type: 'string' } }, required: ['suspendedReason'] },
    ],
    example: {
      nameZh: '市商务局',
      nameEn: 'Municipal Bureau of Commerce',
      parentCode: null,
      supervisingDepartment: null,
      clerks: ['organizer.commerce'],
      signatories: ['王局长'],
      status: 'active',
      suspendedReason: null,
    },
  });

/** A zod superRefine naming each value of `list` given before (rule `unique`, at `<key>[i]`, and `<key>[i].<sub>`). */
const eachOnce =
  <T>(key: string, valueOf: (item: T) => unknown, sub: string | undefined, zh: string, en: string) =>
  (value: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    const list = value[key] as T[];
    const seen = new Set<unknown>();
    list.forEach((item, i) => {
      const v = valueOf(item);
      if (seen.has(v))
        ctx.addIssue({ code: 'custom', path: sub ? [key, i, sub] : [key, i], message: en, params: beyondSchema(zh, 'unique') });
      seen.add(v);
    });
  };

export const PlannedTripSchema = z
  .strictObject({
    id: line(32),
    purpose: z.enum(PURPOSES),
    countries: z.array(countryCode).min(1).max(10),
    size: z.number().int().min(1).max(50),
    quarter: z.number().int().min(1).max(4),
  })
  // Trial: a planned trip could list one country twice (matchAnnualPlan compares country sets).
  .superRefine(eachOnce<string>('countries', (c) => c, undefined, '同一国家重复列出', 'A country is listed twice'));

const getOnly = (description: string) => z.unknown().optional().meta({ readOnly: true, description });

export const AnnualPlanSchema = z
  .strictObject({
    trips: z.array(PlannedTripSchema).max(200),
    // What GET units/{code}/plans/{year} adds, so its body may be sent back as it came (a GET → edit → PUT round trip; trial).
    unit: code.optional().meta({ readOnly: true, description: "The path's unit code, as GET gives it (another is 422 rule path-match)" }),
    year: z
      .number()
      .int()
      .optional()
      .meta({ readOnly: true, description: "The path's year, as GET gives it (another is 422 rule path-match)" }),
    approved: getOnly('Who approved the plan and when (as GET gives it): ignored when sent'),
    proposal: getOnly("The unit's filing awaiting approval (as GET gives it): ignored when sent; the PUT's `trips` are what is filed"),
    rechecked: getOnly('As a PUT answers it: ignored when sent'),
    created: getOnly('As a PUT answers it: ignored when sent'),
    holders: getOnly('The cases holding its trips (as GET gives it): ignored when sent'),
    actorNames: getOnly('Who approved and who filed it, by display name (as GET gives it): ignored when sent'),
  })
  // Ids without letter case (trial 84: T1 and t1 were two trips of one plan, which no one could tell apart).
  .superRefine(
    eachOnce<{ id: string }>(
      'trips',
      (t) => t.id.toLowerCase(),
      'id',
      '计划编号不能重复（不区分大小写）',
      'Planned trip ids must be unique (without letter case)',
    ),
  )
  .meta({ id: 'AnnualPlan', example: { trips: [{ id: 'P1', purpose: 'investment-promotion', countries: ['US'], size: 5, quarter: 1 }] } });

/** The FAO clerk's approval of a unit's filed plan: the filing approved, by the instant it was filed (`proposal.at`). */
export const PlanApprovalSchema = z
  .strictObject({
    // An instant as the plan's `proposal.at` gives it (fresh trial: `"yesterday"` read 409 proposal-changed, not 400).
    proposedAt: z.iso
      .datetime({ offset: true })
      .meta({ description: "The filing's `proposal.at` as read: another filing since is 409 proposal-changed, not approved unseen" }),
  })
  .meta({ id: 'PlanApproval', example: { proposedAt: '2026-12-03T01:30:00.000Z' } });

/** Today in Asia/Shanghai, when the request is read: the registries' date rules (libs/domain) are checked against it. */
const today = (): string => shanghaiDate(Date.now());

/**
 * A zod superRefine adding the problems of a domain rule (birthDateProblems, passportDateProblems: the rules' one home)
 * as refusals beyond the schema (422 INVALID_REQUEST), each at its field.
 */
const domainRule =
  <T>(problems: (value: T) => RegistryFieldProblem[]) =>
  (value: T, ctx: z.RefinementCtx): void => {
    for (const p of problems(value))
      ctx.addIssue({ code: 'custom', path: [p.field], message: p.message.en, params: beyondSchema(p.message.zh, p.rule) });
  };

export const PersonSchema = z
  .strictObject({
    unit: code,
    name: personName(),
    gender: z.enum(GENDERS),
    dateOfBirth: isoDate.meta({
      description:
        'From 1900-01-01 to today (else 422 rule plausible-date), 16 to 100 years old on the day of the write (working-age), not after the issue of a passport of the person in the custody ledger (after-birth)',
      example: '1970-05-01',
    }),
    rank: z.enum(RANKS),
    position: line(100),
    partyMember: z.boolean(),
    leadershipTeam: line(100).overwrite(canonicalIdentity).nullable(),
    status: z.enum(PERSON_STATUSES).default('active'),
    // What GET people/{personId} adds, so its body may be sent back as it came (a GET → edit → PUT round trip; trial).
    personId: code
      .optional()
      .meta({ readOnly: true, description: "The path's person id, as GET gives it (another id is 422 rule path-match)" }),
    classifiedAccess: z.boolean().optional().meta({
      readOnly: true,
      description:
        "The secrecy office's (PUT …/classified-access), as GET gives it: the value on record is taken as sent, another is 422 rule secrecy-held",
    }),
    passports: z.unknown().optional().meta({ readOnly: true, description: "The custody ledger's (as GET gives it): ignored when sent" }),
  })
  // New-user trials: people born in 2030 and in 1800, a bureau-rank 副市长 born yesterday, a staff member born in 1900.
  .superRefine(domainRule((p: { dateOfBirth: string }) => birthDateProblems(p.dateOfBirth, today())))
  .meta({
    id: 'RegistryPerson',
    description:
      'Kept by the unit’s personnel office; classified access is the secrecy office’s (PUT …/classified-access). One person once: an active entry of the same name, gender and date of birth under another person id, on any roster, is 409 PERSON_ALREADY_REGISTERED (name, rule unique-person)',
    example: {
      unit: 'commerce',
      name: '张三',
      gender: 'male',
      dateOfBirth: '1970-05-01',
      rank: 'bureau',
      position: '副市长',
      partyMember: true,
      leadershipTeam: '市政府领导班子',
      status: 'active',
    },
  });

export const ClassifiedAccessSchema = z
  .strictObject({ classifiedAccess: z.boolean() })
  .meta({ id: 'ClassifiedAccess', example: { classifiedAccess: true } });

export const PassportRegistrationSchema = z
  .strictObject({
    number: passportNumber,
    type: z.enum(PASSPORT_TYPES).default('official'),
    issuedOn: isoDate.meta({
      description: 'Not after today (else 422 rule not-future) nor before the holder’s date of birth (after-birth)',
      example: '2021-07-01',
    }),
    expiresOn: isoDate.meta({
      description:
        'After issuedOn (else 422 rule after-issue), at most ten years after it (max-validity). An expired passport may be registered as a record; it is never checked out (409 not-expired)',
      example: '2031-06-30',
    }),
    holder: code.meta({ description: 'personId of the holder (must be on a roster)' }),
  })
  // New-user trials: a passport issued in 2029, one valid from 1800 to 9999. Issued before the holder's birth
  // (rule after-birth) is the service's: the holder is read from the roster.
  .superRefine(domainRule((p: { issuedOn: string; expiresOn: string }) => passportDateProblems(p, today())))
  .meta({
    id: 'CustodyPassportRegistration',
    example: { number: 'SE1234567', type: 'official', issuedOn: '2021-07-01', expiresOn: '2031-06-30', holder: 'P-commerce-001' },
  });

export const PassportTransitionSchema = z
  .discriminatedUnion('to', [
    z.strictObject({
      to: z.literal('checked-out'),
      caseId: caseIdText().meta({
        description:
          'A running case (open or departed) with the holder among its members (else 422 rule open-case-member); a case id is a UUID (else 400 rule format)',
      }),
      dueBackOn: isoDate.optional().meta({
        description:
          'Overdue days count from it (7: escalation, 30: the unit is suspended). From today to the case’s return date plus the days its check-in step (P02) allows (else 422 rule due-back-window); left out, that latest day',
      }),
      note: text(500).optional(),
    }),
    z.strictObject({ to: z.literal('in-custody'), note: text(500).optional() }),
    // Ending a passport's custody is on the record with its reason (new-user trial: a passport reported lost without
    // one was taken): required and not blank (400 at `note`: rule required; min or blank when blank), as an APEC card's lost or cancelled `reason`.
    z.strictObject({
      to: z.literal('cancelled'),
      note: reason(500).meta({
        description:
          '作废原因（必填）Why it is cancelled (C06: a new passport issued, the holder left…): required, stating a reason (else 422 rule reason-words)',
      }),
    }),
    z.strictObject({
      to: z.literal('lost'),
      note: reason(500).meta({
        description:
          '遗失说明（必填）How it was lost (reported by whom, when, where): required, stating a reason (else 422 rule reason-words)',
      }),
    }),
  ])
  .meta({
    id: 'CustodyPassportTransition',
    example: { to: 'checked-out', caseId: '5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b', dueBackOn: '2027-03-19' },
  });

const dayList = z.array(isoDate).max(400);
export const HolidayScheduleSchema = z
  .strictObject({
    holidays: dayList.meta({ description: 'Days off (YYYY-MM-DD), all in the year' }),
    workdays: dayList.default([]).meta({ description: 'Adjusted working weekend days (调休上班), all in the year' }),
    source: text(200).optional().meta({ description: 'Where it came from, e.g. the notice’s number (国办发明电〔2026〕X号)' }),
  })
  .meta({
    id: 'HolidaySchedule',
    example: { holidays: ['2027-01-01', '2027-02-05', '2027-02-06'], workdays: ['2027-02-14'], source: '国务院办公厅通知' },
  });

export const ProcessVersionSchema = z
  .strictObject({
    definition: z
      .record(z.string(), z.unknown())
      .meta({ description: 'A whole ProcessDefinition { version, name?, steps[] }, validated as at load' }),
    settings: z
      .record(z.string(), z.unknown())
      .default({})
      .meta({
        description:
          'OfficeSettings: stepDurations, countries (processingWd), rules, atRiskThresholdWd, deficiencies (deadlineWd, extensions). Every number within its bound (SETTINGS_BOUNDS, else 422 rule `min`/`max` at its path, e.g. settings.countries.US.processingWd): stepDurations and processingWd 0-60 working days, atRiskThresholdWd 0-30, deficiencies.deadlineWd above 0 up to 20 and extensions 0-5, rules.maxMembers 1-50, maxCountries 1-10, maxDaysByCountryCount 1-10 entries of 1-90 days, farRegionExtraDays 0-30, frequency.<rank> null or { windowMonths 1-60, maxTrips 1-12 }. ' +
          'Every working-day figure has at most 2 decimals (0 or at least 0.01 WD; else 422 rule `decimals`), every other number is whole. ' +
          'No additional properties at any level whose keys are field names: the root, a country entry (countries.<code>: nameZh, nameEn, region, schengen, officialPassportRoute, interviewRequired, processingWd, apostille, apec, certifiedDocuments), rules (maxMembers, maxCountries, maxDaysByCountryCount, farRegions, farRegionExtraDays, frequency, frequencyExemptPurposes), rules.frequency.<rank> (windowMonths, maxTrips) and deficiencies (deadlineWd, extensions): another field is 422 rule `unknown-field` at its path, e.g. settings.countries.US.bar',
      }),
  })
  .meta({
    id: 'ProcessVersionPublication',
    example: {
      definition: {
        version: 'office-2027.1',
        name: { zh: '审护签流程（2027版）', en: 'Review, passport and visa chain (2027)' },
        steps: ['… every step of GET /api/catalog, with its changes …'],
      },
      settings: {
        stepDurations: { A05: 3 },
        countries: { US: { processingWd: 15 } },
        rules: { frequency: { bureau: { maxTrips: 1, windowMonths: 12 } } },
      },
    },
  });

/** GET /api/registries/people and /passports: the unit filter (a unit role's own unit when absent). */
export const UnitQuerySchema = z.strictObject({
  unit: code.optional().meta({ description: `Only this unit's entries. ${KNOWN_UNIT_RULE}` }),
});

export const ChangesQuerySchema = z.strictObject({
  unit: code.optional().meta({ description: `Only the changes of this unit. ${KNOWN_UNIT_RULE}` }),
  entity: z.enum(['unit', 'plan', 'person', 'passport', 'calendar', 'process-version']).optional(),
  limit: intQuery(1, 500, 100),
});

// ---------------------------------------------------------------------------------------------
// Responses (documented in OpenAPI; loose objects: fields may be added)

const label = z.looseObject({ zh: z.string(), en: z.string() });
const nullableText = z.string().nullable();
const UNIT_EXAMPLE = {
  code: 'commerce',
  nameZh: '市商务局',
  nameEn: 'Municipal Bureau of Commerce',
  parentCode: null,
  supervisingDepartment: null,
  clerks: ['organizer.commerce'],
  signatories: ['王局长'],
  status: 'active',
  suspendedReason: null,
  suspension: { suspended: false, reasons: [] },
};
export const UnitViewSchema = z
  .looseObject({
    code: z.string(),
    nameZh: z.string(),
    nameEn: z.string(),
    parentCode: nullableText,
    supervisingDepartment: nullableText,
    clerks: z.array(z.string()),
    signatories: z.array(z.string()),
    status: z.enum(UNIT_STATUSES),
    suspendedReason: nullableText,
    suspension: z.looseObject({
      suspended: z.boolean(),
      reasons: z.array(
        z.looseObject({
          code: z.enum(['UNIT_SUSPENDED', 'PASSPORT_OVERDUE']),
          passport: z.string().optional(),
          daysOverdue: z.number().optional(),
          message: label,
        }),
      ),
    }),
  })
  .meta({ id: 'RegistryUnitView', example: UNIT_EXAMPLE });
/**
 * A registered unit whose records the caller does not read (mayReadUnitRecords: a government unit, for the APEC roles,
 * F7): its code and names only.
 */
export const UnitNameSchema = z
  .looseObject({ code: z.string(), nameZh: z.string(), nameEn: z.string() })
  .meta({ id: 'RegistryUnitName', example: { code: 'commerce', nameZh: '市商务局', nameEn: 'Municipal Bureau of Commerce' } });
export const UnitListSchema = z
  .looseObject({ items: z.array(z.union([UnitViewSchema, UnitNameSchema])) })
  .meta({ id: 'RegistryUnitList', example: { items: [UNIT_EXAMPLE] } });
export const UnitPutResultSchema = z
  .looseObject({ unit: UnitViewSchema, created: z.boolean() })
  .meta({ id: 'RegistryUnitPutResult', example: { unit: UNIT_EXAMPLE, created: true } });

const PLAN_EXAMPLE = {
  unit: 'commerce',
  year: 2027,
  trips: [{ id: 'C-2027-1', purpose: 'investment-promotion', countries: ['US'], size: 5, quarter: 1 }],
  approved: { by: 'fao-clerk', at: '2026-12-01T02:00:00.000Z' },
  proposal: {
    trips: [
      { id: 'C-2027-1', purpose: 'investment-promotion', countries: ['US'], size: 5, quarter: 1 },
      { id: 'C-2027-2', purpose: 'training', countries: ['DE'], size: 3, quarter: 3 },
    ],
    by: 'organizer.commerce',
    at: '2026-12-03T01:30:00.000Z',
  },
};
export const AnnualPlanViewSchema = z
  .looseObject({
    unit: z.string(),
    year: z.number().int(),
    trips: z.array(PlannedTripSchema).nullable().meta({ description: 'The plan the FAO approved (what A01 reads); null while none is' }),
    approved: z.object({ by: z.string(), at: z.string() }).nullable(),
    proposal: z
      .object({ trips: z.array(PlannedTripSchema), by: z.string(), at: z.string() })
      .nullable()
      .meta({ description: "The unit organizer's filing awaiting the FAO clerk's approval (A01 does not read it)" }),
    created: z.boolean().optional().meta({ description: 'A PUT only: true when no plan was on file for the year before it (201)' }),
    holders: z
      .array(z.object({ tripId: z.string(), caseId: z.string(), title: z.string().nullable() }))
      .optional()
      .meta({
        description:
          "A GET only: the unit's cases holding a trip of the approved plan (A01 found them planned; open, departed or completed), by trip id: a change that drops or alters the trip puts them through A01 again",
      }),
    actorNames: ActorNamesSchema.optional().meta({ description: 'Who approved and who filed the plan, by display name' }),
    rechecked: z.object({ signalled: z.number().int(), failed: z.number().int() }).optional().meta({
      description:
        "When the approved plan changed (the FAO clerk's PUT or approval): the unit's open cases departing that year told to run A01 again, and those that could not be (they keep the outcome they recorded)",
    }),
  })
  .meta({ id: 'AnnualPlanView', example: PLAN_EXAMPLE });

const PASSPORT_EXAMPLE = {
  number: 'SE1234567',
  type: 'official',
  issuedOn: '2021-07-01',
  expiresOn: '2031-06-30',
  holder: 'P-commerce-001',
  unit: 'commerce',
  state: 'checked-out',
  caseId: '5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
  dueBackOn: '2027-03-19',
  displayState: 'overdue',
  daysOverdue: 9,
};
const HISTORY_EXAMPLE = [
  { at: '2026-11-29T08:00:00.000Z', fromState: null, toState: 'in-custody', caseId: null, actor: 'passport-officer.fao', note: null },
  {
    at: '2027-03-10T02:00:00.000Z',
    fromState: 'in-custody',
    toState: 'checked-out',
    caseId: '5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
    actor: 'passport-officer.fao',
    note: null,
  },
];
const passportFields = {
  ref: z.uuid().meta({ description: 'The ledger id: names this passport in GET /passports/{key} for any reader in scope' }),
  number: z.string(),
  type: z.enum(PASSPORT_TYPES),
  issuedOn: z.string(),
  expiresOn: z.string(),
  holder: z.string(),
  unit: nullableText.meta({ description: "The holder's unit (null: the holder is no longer on a roster)" }),
  state: z.enum(['in-custody', 'checked-out', 'cancelled', 'lost']),
  caseId: nullableText,
  dueBackOn: nullableText,
  displayState: z.enum(PASSPORT_STATES).meta({
    description: 'The state as shown: overdue (checked out past its due date) and expired (in custody past its expiry date) are derived',
  }),
  daysOverdue: z.number().int(),
};
export const PassportViewSchema = z
  .looseObject({
    ...passportFields,
    history: z
      .array(
        z.looseObject({
          at: z.string(),
          fromState: nullableText,
          toState: z.string(),
          caseId: nullableText,
          actor: z.string(),
          note: nullableText,
        }),
      )
      .optional()
      .meta({ description: 'Every state change, oldest first (on the single-passport routes)' }),
  })
  .meta({ id: 'CustodyPassportView', example: { ...PASSPORT_EXAMPLE, history: HISTORY_EXAMPLE } });
export const PassportListSchema = z
  .looseObject({ items: z.array(z.looseObject(passportFields)) })
  .meta({ id: 'CustodyPassportList', example: { items: [PASSPORT_EXAMPLE] } });

const PERSON_EXAMPLE = {
  personId: 'P-commerce-001',
  unit: 'commerce',
  name: '张三',
  gender: 'male',
  dateOfBirth: '1968-04-12',
  rank: 'bureau',
  position: '副市长',
  partyMember: true,
  classifiedAccess: false,
  leadershipTeam: '市政府领导班子',
  status: 'active',
};
const personFields = {
  personId: z.string(),
  unit: z.string(),
  name: z.string(),
  gender: z.enum(GENDERS),
  dateOfBirth: z.string(),
  rank: z.enum(RANKS),
  position: z.string(),
  // null when masked for the viewer (personal-data classification: in clear for the unit's personnel and secrecy offices).
  partyMember: z.boolean().nullable(),
  classifiedAccess: z.boolean().nullable(),
  leadershipTeam: nullableText,
  status: z.enum(PERSON_STATUSES),
};
export const PersonViewSchema = z
  .looseObject({
    ...personFields,
    passports: z
      .array(z.looseObject(passportFields))
      .optional()
      .meta({ description: 'On GET people/{personId}: the passports held in custody' }),
  })
  .meta({ id: 'RegistryPersonView', example: PERSON_EXAMPLE });
export const PersonListSchema = z
  .looseObject({ items: z.array(z.looseObject(personFields)) })
  .meta({ id: 'RegistryPersonList', example: { items: [PERSON_EXAMPLE] } });

export const CalendarListSchema = z
  .looseObject({
    items: z.array(
      z.looseObject({
        year: z.number().int(),
        source: z.enum(['loaded', 'package', 'provisional']),
        provisional: z.boolean(),
        holidays: z.number().int().meta({ description: 'Days off in the year' }),
        workdays: z.number().int().meta({ description: 'Adjusted working weekend days' }),
        loadedBy: z.string().optional(),
        loadedAt: z.string().optional(),
        note: z.string().optional(),
      }),
    ),
    actorNames: ActorNamesSchema.meta({ description: 'Who loaded each schedule, by display name' }),
  })
  .meta({
    id: 'HolidayCalendarList',
    example: {
      items: [
        { year: 2026, source: 'package', provisional: false, holidays: 33, workdays: 6, note: 'chinese-days' },
        { year: 2027, source: 'provisional', provisional: true, holidays: 13, workdays: 0, note: '《全国年节及纪念日放假办法》' },
      ],
      actorNames: {},
    },
  });
export const CalendarYearSchema = z
  .looseObject({
    year: z.number().int(),
    source: z.enum(['loaded', 'package', 'provisional']),
    provisional: z.boolean(),
    holidays: z.array(z.string()),
    workdays: z.array(z.string()),
    actorNames: ActorNamesSchema.optional().meta({ description: 'A loaded schedule: who loaded it (loadedBy), by display name' }),
  })
  .meta({
    id: 'HolidayCalendarYear',
    example: { year: 2027, source: 'provisional', provisional: true, holidays: ['2027-01-01', '2027-02-05'], workdays: [] },
  });
export const CalendarStoredSchema = z
  .looseObject({
    year: z.number().int(),
    holidays: z.array(z.string()),
    workdays: z.array(z.string()),
    source: z.literal('loaded'),
    replaced: z.boolean(),
    replanned: z
      .looseObject({ signalled: z.number().int(), failed: z.number().int() })
      .meta({ description: 'Running cases told to re-plan with the loaded schedules (and those that could not be reached)' }),
  })
  .meta({
    id: 'HolidayScheduleStored',
    example: {
      year: 2027,
      holidays: ['2027-01-01'],
      workdays: ['2027-02-14'],
      source: 'loaded',
      replaced: false,
      replanned: { signalled: 12, failed: 0 },
    },
  });

const CHANGE_EXAMPLE = { kind: 'step-changed', step: 'A02', field: 'durationWd', from: 1, to: 2 };
const change = z.looseObject({
  kind: z.enum(['step-added', 'step-removed', 'step-changed', 'setting-changed']),
  step: z.string().optional(),
  field: z.string().optional(),
  from: z.unknown().optional(),
  to: z.unknown().optional(),
});
export const ProcessVersionListSchema = z
  .looseObject({
    items: z.array(
      z.looseObject({
        version: z.string(),
        source: z.enum(['published', 'built-in']),
        current: z.boolean().meta({ description: 'The version new cases take' }),
        changes: z.array(change),
        previousVersion: nullableText,
        publishedBy: nullableText,
        publishedAt: nullableText,
        steps: z.number().int(),
      }),
    ),
    actorNames: ActorNamesSchema.meta({ description: 'Who published each version, by display name' }),
  })
  .meta({
    id: 'ProcessVersionList',
    example: {
      items: [
        {
          version: 'office-2027.1',
          source: 'published',
          current: true,
          changes: [CHANGE_EXAMPLE],
          previousVersion: '1.0.0',
          publishedBy: 'fao-director.fao',
          publishedAt: '2026-12-01T02:00:00.000Z',
          steps: 53,
        },
        {
          version: '1.0.0',
          source: 'built-in',
          current: false,
          changes: [],
          previousVersion: null,
          publishedBy: null,
          publishedAt: null,
          steps: 53,
        },
      ],
      actorNames: { 'fao-director.fao': '林芳' },
    },
  });
export const ProcessVersionDetailSchema = z
  .looseObject({
    version: z.string(),
    source: z.enum(['published', 'built-in']),
    definition: z.looseObject({}),
    settings: z.looseObject({}),
    changes: z.array(change),
  })
  .meta({
    id: 'ProcessVersionDetail',
    example: {
      version: 'office-2027.1',
      source: 'published',
      definition: { version: 'office-2027.1', steps: [] },
      settings: { stepDurations: { A05: 3 } },
      changes: [CHANGE_EXAMPLE],
    },
  });
export const ProcessVersionPublishedSchema = z
  .looseObject({ version: z.string(), previousVersion: z.string(), changes: z.array(change) })
  .meta({ id: 'ProcessVersionPublished', example: { version: 'office-2027.1', previousVersion: '1.0.0', changes: [CHANGE_EXAMPLE] } });
export const ProcessVersionCheckedSchema = z
  .looseObject({ version: z.string(), previousVersion: z.string(), changes: z.array(change), published: z.literal(false) })
  .meta({
    id: 'ProcessVersionChecked',
    example: { version: 'office-2027.1', previousVersion: '1.0.0', changes: [CHANGE_EXAMPLE], published: false },
  });

export const RegistryChangeListSchema = z
  .looseObject({
    items: z.array(
      z.looseObject({
        id: z.string(),
        at: z.string(),
        actor: z.string(),
        actorRole: z.string(),
        entity: z.string(),
        entityKey: z.string(),
        action: z.string(),
        unit: nullableText,
        before: z.unknown(),
        after: z.unknown(),
      }),
    ),
    actorNames: ActorNamesSchema.meta({ description: 'Who made each change (actor), by display name' }),
  })
  .meta({
    id: 'RegistryChangeList',
    example: {
      items: [
        {
          id: '42',
          at: '2026-11-29T08:00:00.000Z',
          actor: 'fao-clerk.fao',
          actorRole: 'fao-clerk',
          entity: 'unit',
          entityKey: 'commerce',
          action: 'created',
          unit: 'commerce',
          before: null,
          after: UNIT_EXAMPLE,
        },
      ],
      actorNames: { 'fao-clerk.fao': '赵敏' },
    },
  });
