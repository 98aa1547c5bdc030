import Ajv from 'ajv';
import type { OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';

// zod's global registry outlives a test file in a Jest worker (it sits on globalThis), while this file's modules
// are evaluated afresh: an earlier file's schemas would share ids with these. Start from an empty registry, then load.
z.globalRegistry.clear();
/* eslint-disable @typescript-eslint/no-require-imports -- loaded after the registry is cleared */
const { AmendSchema, SubmissionSchema, SUBMISSION_EXAMPLE } = require('./delegations/schemas') as typeof import('./delegations/schemas');
const { PassportRegistrationSchema, UnitSchema } = require('./registries/schemas') as typeof import('./registries/schemas');
const { addZodComponents } = require('./openapi') as typeof import('./openapi');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The document states the rules the server checks: for each request below, the OpenAPI component (what a fuzzer or a
 * generated client reads) and the zod schema (what the server runs) give the same verdict. A rule the server checks
 * and the document does not state makes a schema-valid request a 400 (schemathesis ST202).
 */
const doc = addZodComponents({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths: {} } as OpenAPIObject);
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
ajv.addSchema({ $id: 'openapi', components: doc.components }, 'openapi');
const documented = (component: string, value: unknown): boolean =>
  ajv.validate({ $ref: `openapi#/components/schemas/${component}` }, value);
const served = (schema: z.ZodType, value: unknown): boolean => schema.safeParse(value).success;

const typed = SUBMISSION_EXAMPLE.members[0]!;
const amend = (member: Record<string, unknown>) => ({ changes: { members: [member] } });

describe('the OpenAPI document states the cross-field rules the server checks', () => {
  it.each([
    // The handed input (fresh-clone CI, schemathesis seed 20261129): neither a registry member nor a typed one.
    ['amend: a member without personId or its fields', amend({ id: 'B0pA', partyMember: true }), false],
    ['amend: a registry member (personId only)', amend({ id: 'm1', personId: 'P-commerce-001' }), true],
    ['amend: a typed member (every field)', amend(typed), true],
    ['amend: a typed member without a rank', amend({ ...typed, rank: undefined }), false],
    ['amend: a typed member without a passport', amend({ ...typed, passport: undefined }), false],
    ['amend: no change named', { changes: {} }, false],
  ])('%s', (_what, body, valid) => {
    expect({ documented: documented('AmendRequest', body), served: served(AmendSchema, body) }).toEqual({
      documented: valid,
      served: valid,
    });
  });

  it.each([
    ['a typed member', SUBMISSION_EXAMPLE, true],
    ['a registry member', { ...SUBMISSION_EXAMPLE, members: [{ id: 'm1', personId: 'P-commerce-001' }] }, true],
    ['a member with neither', { ...SUBMISSION_EXAMPLE, members: [{ id: 'm1', name: '张三' }] }, false],
  ])('submission: %s', (_what, body, valid) => {
    expect({ documented: documented('DelegationSubmission', body), served: served(SubmissionSchema, body) }).toEqual({
      documented: valid,
      served: valid,
    });
  });

  const unit = { nameZh: '市商务局', nameEn: 'Municipal Bureau of Commerce', supervisingDepartment: null };
  it.each([
    ['active, no reason', { ...unit, status: 'active' }, true],
    ['status left out (active)', unit, true],
    ['suspended with a reason', { ...unit, status: 'suspended', suspendedReason: '整改' }, true],
    ['suspended without a reason', { ...unit, status: 'suspended' }, false],
    ['suspended with a null reason', { ...unit, status: 'suspended', suspendedReason: null }, false],
    ['a blank name (spaces only)', { ...unit, nameZh: '   ' }, false],
  ])('registry unit: %s', (_what, body, valid) => {
    expect({ documented: documented('RegistryUnit', body), served: served(UnitSchema, body) }).toEqual({
      documented: valid,
      served: valid,
    });
  });

  it.each([
    ['a calendar date', '2031-06-30', true],
    ['not a calendar date', '2031-02-30', false],
  ])('dates by format: %s', (_what, expiresOn, valid) => {
    const body = { number: 'SE1234567', issuedOn: '2021-07-01', expiresOn, holder: 'P-commerce-001' };
    // The document says `format: date`; a validator that checks formats refuses 2031-02-30 as the server does.
    const strict = new Ajv({
      strict: false,
      formats: {
        date: (s: string) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
      },
    });
    strict.addSchema({ $id: 'openapi', components: doc.components }, 'openapi');
    expect({
      documented: strict.validate({ $ref: 'openapi#/components/schemas/CustodyPassportRegistration' }, body),
      served: served(PassportRegistrationSchema, body),
    }).toEqual({ documented: valid, served: valid });
  });
});

describe('passport numbers: normalised as the passport office writes them, the document stating the input form', () => {
  const registration = (number: string) => ({ number, issuedOn: '2021-07-01', expiresOn: '2031-06-30', holder: 'P-commerce-001' });
  const member = (number: string) => ({
    ...SUBMISSION_EXAMPLE,
    members: [{ ...typed, passport: { inCustody: true, number, expiresOn: '2031-06-30' } }],
  });
  it.each([
    // The handed inputs (new-user trial): lower case, a space inside, a space before.
    ['se1234567', 'SE1234567'],
    ['se 1234567', 'SE1234567'],
    [' e12345678', 'E12345678'],
    ['SE 123 4567 ', 'SE1234567'],
    ['se\u30001234567', 'SE1234567'],
    ['SE1234567', 'SE1234567'],
    ['SE-1234567', null],
    ['se12', null],
    ['ß1234567', null],
    ['   ', null],
    ['a'.repeat(21), null],
  ])('%j: %s', (number, stored) => {
    const valid = stored !== null;
    expect({
      documented: documented('CustodyPassportRegistration', registration(number)),
      served: served(PassportRegistrationSchema, registration(number)),
      member: [documented('DelegationSubmission', member(number)), served(SubmissionSchema, member(number))],
    }).toEqual({ documented: valid, served: valid, member: [valid, valid] });
    if (!valid) return;
    expect(PassportRegistrationSchema.parse(registration(number)).number).toBe(stored);
    expect(SubmissionSchema.parse(member(number)).members[0]!.passport!.number).toBe(stored);
  });
});
