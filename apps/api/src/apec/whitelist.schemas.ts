import { z } from 'zod';
import { DEFAULT_WHITELIST_CRITERIA, TAX_CREDIT_GRADES } from '@df/domain';
import { isoDate } from '../common/zod-text';
import { ActorNamesSchema } from '../common/actor-names';
import { DEFAULT_CRITERIA_VERSION } from '@df/persistence';
import { admissionAmount } from './schemas';

/** Request and response shapes of the whitelist admission process and its criteria (issue 17); docs/apec.md. */

const perSize = (kind: 'registeredCapitalWan' | 'foreignTradeUsd', unit: string) => {
  const amount = admissionAmount(kind);
  return z
    .strictObject({ large: amount, medium: amount, small: amount, micro: amount })
    .meta({ description: `Threshold per enterprise size (${unit}); a smaller size's may not exceed a larger one's` });
};

export const CriteriaSchema = z
  .strictObject({
    registeredCapitalWan: perSize('registeredCapitalWan', '注册资本, 10 000 yuan (万元), to 4 decimals, at most 100 000 000'),
    foreignTradeUsd: perSize('foreignTradeUsd', "last year's foreign trade or investment, whole US dollars, at most 10^12"),
    taxCreditGrades: z.array(z.enum(TAX_CREDIT_GRADES)).min(1).max(5).meta({ description: 'Tax credit grades accepted (纳税信用等级)' }),
    creditRecordClean: z.boolean().meta({ description: 'A serious dishonesty record (严重失信) refuses admission' }),
    effectiveFrom: isoDate.optional().meta({ description: 'Applied from this day on (Asia/Shanghai; default today, not before today)' }),
  })
  .meta({
    id: 'ApecWhitelistCriteriaChange',
    description: "The office's whitelist admission criteria: a new version from effectiveFrom on.",
    example: { ...DEFAULT_WHITELIST_CRITERIA, taxCreditGrades: ['A', 'B', 'M'], effectiveFrom: '2027-03-01' },
  });

const criteria = z.looseObject({
  registeredCapitalWan: z.looseObject({}),
  foreignTradeUsd: z.looseObject({}),
  taxCreditGrades: z.array(z.string()),
  creditRecordClean: z.boolean(),
});
const version = z.looseObject({
  version: z.number().int(),
  effectiveFrom: z.string().nullable(),
  criteria,
  previous: z.looseObject({ version: z.number().int(), criteria }).nullable(),
  changedBy: z.string().nullable(),
  changedAt: z.string().nullable(),
});
export const CriteriaViewSchema = z.looseObject({ current: version, versions: z.array(version), actorNames: ActorNamesSchema }).meta({
  id: 'ApecWhitelistCriteria',
  description: 'The criteria version in force today and every version (the audit: who, when, before and after).',
  example: { current: DEFAULT_CRITERIA_VERSION, versions: [DEFAULT_CRITERIA_VERSION], actorNames: {} },
});

export const WhitelistApplicationResponseSchema = z
  .looseObject({
    caseId: z.string(),
    workflowId: z.string(),
    process: z.literal('apec-whitelist'),
    status: z.literal('open'),
    submittedAt: z.string(),
  })
  .meta({
    id: 'ApecWhitelistApplicationResponse',
    example: {
      caseId: '7a1c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
      workflowId: 'delegation-7a1c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
      process: 'apec-whitelist',
      status: 'open',
      submittedAt: '2027-03-01T02:00:00.000Z',
    },
  });
