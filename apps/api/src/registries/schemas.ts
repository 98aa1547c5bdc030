import { z } from 'zod';
import { GENDERS, isIsoDate, PASSPORT_TYPES, PERSON_STATUSES, PURPOSES, RANKS, UNIT_STATUSES } from '@df/domain';

/** Request shapes of the registries (issue 14): zod validates them and, as JSON Schema, documents them in OpenAPI. */

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'Expected a date YYYY-MM-DD' })
  .refine(isIsoDate, { message: 'Not a calendar date', params: { zh: '不是有效日期', rule: 'date' } });
const text = (max: number) => z.string().trim().min(1).max(max);
/** Unit codes and person ids: the same alphabet as the submission's unit. */
export const code = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'Codes are 1-64 letters, digits, _ . or -' });
const countryCode = z.string().regex(/^[A-Z]{2}$/, { message: 'Expected an ISO 3166-1 alpha-2 code in capitals, e.g. US' });
const passportNumber = z.string().regex(/^[A-Z0-9]{5,20}$/, { message: 'Passport numbers are 5-20 capital letters or digits' });
export const year = z.coerce.number().int().min(2000).max(2100);

export const UnitSchema = z
  .strictObject({
    nameZh: text(200),
    nameEn: text(200),
    parentCode: code.nullable().default(null),
    supervisingDepartment: code.nullable().meta({ description: '主管部门 unit code; its dept-approver reviews the unit’s trips (A16). null: none' }),
    clerks: z.array(text(100)).max(2).default([]).meta({ description: 'Registered clerks (专办员): usernames of the unit, 1-2' }),
    signatories: z.array(text(100)).max(10).default([]).meta({ description: 'Signatories (签批人)' }),
    status: z.enum(UNIT_STATUSES).default('active'),
    suspendedReason: text(500).nullable().default(null),
  })
  .refine((u) => u.status !== 'suspended' || !!u.suspendedReason, {
    path: ['suspendedReason'],
    message: 'A suspended unit needs a reason',
    params: { zh: '暂停须说明理由', rule: 'required-when-suspended' },
  })
  .meta({
    id: 'RegistryUnit',
    example: { nameZh: '市商务局', nameEn: 'Municipal Bureau of Commerce', parentCode: null, supervisingDepartment: null, clerks: ['organizer.commerce'], signatories: ['王局长'], status: 'active', suspendedReason: null },
  });

export const PlannedTripSchema = z.strictObject({
  id: text(32),
  purpose: z.enum(PURPOSES),
  countries: z.array(countryCode).min(1).max(10),
  size: z.number().int().min(1).max(50),
  quarter: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
});

export const AnnualPlanSchema = z
  .strictObject({ trips: z.array(PlannedTripSchema).max(200) })
  .refine((p) => new Set(p.trips.map((t) => t.id)).size === p.trips.length, { path: ['trips'], message: 'Planned trip ids must be unique', params: { zh: '计划编号不能重复', rule: 'unique' } })
  .meta({ id: 'AnnualPlan', example: { trips: [{ id: 'P1', purpose: 'investment-promotion', countries: ['US'], size: 5, quarter: 1 }] } });

export const PersonSchema = z
  .strictObject({
    unit: code,
    name: text(100),
    gender: z.enum(GENDERS),
    dateOfBirth: isoDate,
    rank: z.enum(RANKS),
    position: text(100),
    partyMember: z.boolean(),
    leadershipTeam: text(100).nullable(),
    status: z.enum(PERSON_STATUSES).default('active'),
  })
  .meta({
    id: 'RegistryPerson',
    description: 'Kept by the unit’s personnel office; classified access is the secrecy office’s (PUT …/classified-access)',
    example: { unit: 'commerce', name: '张三', gender: 'male', dateOfBirth: '1970-05-01', rank: 'bureau', position: '副市长', partyMember: true, leadershipTeam: 'city-government', status: 'active' },
  });

export const ClassifiedAccessSchema = z.strictObject({ classifiedAccess: z.boolean() }).meta({ id: 'ClassifiedAccess', example: { classifiedAccess: true } });

export const PassportRegistrationSchema = z
  .strictObject({
    number: passportNumber,
    type: z.enum(PASSPORT_TYPES).default('official'),
    issuedOn: isoDate,
    expiresOn: isoDate,
    holder: code.meta({ description: 'personId of the holder (must be on a roster)' }),
  })
  .refine((p) => p.expiresOn > p.issuedOn, { path: ['expiresOn'], message: 'Must be after issuedOn', params: { zh: '须晚于签发日期', rule: 'after-issue' } })
  .meta({ id: 'CustodyPassportRegistration', example: { number: 'SE1234567', type: 'official', issuedOn: '2021-07-01', expiresOn: '2031-06-30', holder: 'P-commerce-001' } });

export const PassportTransitionSchema = z
  .discriminatedUnion('to', [
    z.strictObject({
      to: z.literal('checked-out'),
      caseId: text(64),
      dueBackOn: isoDate.meta({ description: 'The trip’s return date: overdue days count from it (7: escalation, 30: the unit is suspended)' }),
      note: text(500).optional(),
    }),
    z.strictObject({ to: z.literal('in-custody'), note: text(500).optional() }),
    z.strictObject({ to: z.literal('cancelled'), note: text(500).optional() }),
    z.strictObject({ to: z.literal('lost'), note: text(500).optional() }),
  ])
  .meta({ id: 'CustodyPassportTransition', example: { to: 'checked-out', caseId: '5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b', dueBackOn: '2027-03-19' } });

const dayList = z.array(isoDate).max(400);
export const HolidayScheduleSchema = z
  .strictObject({
    holidays: dayList.meta({ description: 'Days off (YYYY-MM-DD), all in the year' }),
    workdays: dayList.default([]).meta({ description: 'Adjusted working weekend days (调休上班), all in the year' }),
    source: text(200).optional().meta({ description: 'Where it came from, e.g. the notice’s number (国办发明电〔2026〕X号)' }),
  })
  .meta({ id: 'HolidaySchedule', example: { holidays: ['2027-01-01', '2027-02-05', '2027-02-06'], workdays: ['2027-02-14'], source: '国务院办公厅通知' } });

export const ProcessVersionSchema = z
  .strictObject({
    definition: z.record(z.string(), z.unknown()).meta({ description: 'A whole ProcessDefinition { version, name?, steps[] }, validated as at load' }),
    settings: z.record(z.string(), z.unknown()).default({}).meta({ description: 'OfficeSettings: stepDurations, countries (processingWd), rules, atRiskThresholdWd' }),
  })
  .meta({ id: 'ProcessVersionPublication' });

export const ChangesQuerySchema = z.strictObject({
  unit: code.optional(),
  entity: z.enum(['unit', 'plan', 'person', 'passport', 'calendar', 'process-version']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
