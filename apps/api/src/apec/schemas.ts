import { z } from 'zod';
import {
  ADMISSION_AMOUNT_LIMITS,
  CARD_STATUSES,
  ENTERPRISE_SIZES,
  EXIT_REASONS,
  hasDecimals,
  OWNERSHIPS,
  TAX_CREDIT_GRADES,
  WHITELIST_MOVES,
  WHITELIST_STATES,
} from '@df/domain';
import { formatMessage, freeText, intQuery, isoDate, pathKey, reason, line } from '../common/zod-text';
import { UUID_PATTERN } from '../common/uuid';
import { KNOWN_UNIT_RULE } from '../common/unit-filter';
import { code } from '../registries/schemas';

/** Request and response shapes of the APEC card endpoints (issue 17); docs/apec.md. */

/**
 * A card in a path (`/cards/{number}/status`): its number (letters or digits, at most the registry's 32) or its ledger
 * ref (a UUID, isUuid tells them apart), one line first (pathKey): anything else names no card, 400 at `path.number`.
 */
export const CardKeySchema = pathKey(
  `^(?:[A-Za-z0-9]{1,32}|${UUID_PATTERN.slice(1, -1)})$`,
  '须为卡号（字母或数字）或卡片台账编号（UUID）',
  "Expected the card's number (letters or digits) or its ref (a UUID)",
);

const label = z.looseObject({ zh: z.string(), en: z.string() });

/**
 * An admission figure or criteria threshold (ADMISSION_AMOUNT_LIMITS, libs/domain): 0..max with at most its
 * decimals, the bounds in the OpenAPI document (maximum, multipleOf); a breach is 400 naming the field, rule
 * `min`, `max` or `decimals`.
 */
export const admissionAmount = (kind: keyof typeof ADMISSION_AMOUNT_LIMITS) => {
  const { max, decimals } = ADMISSION_AMOUNT_LIMITS[kind];
  const base = z.number().finite().min(0).max(max);
  const whole = decimals === 0;
  return base
    .refine((v) => v > max || hasDecimals(v, decimals), {
      message: whole ? 'Must be a whole number' : `At most ${decimals} decimal place(s)`,
      params: { zh: whole ? '须为整数' : `最多${decimals}位小数`, rule: 'decimals' },
    })
    .meta(whole ? { type: 'integer' } : { multipleOf: Number(`1e-${decimals}`) });
};

export const EnterpriseSchema = z.strictObject({ ownership: z.enum(OWNERSHIPS), size: z.enum(ENTERPRISE_SIZES) }).meta({
  id: 'ApecEnterprise',
  description: 'A registered unit as an enterprise: ownership and size (small and micro get lowered thresholds).',
  example: { ownership: 'non-state', size: 'small' },
});

export const AdmissionSchema = z
  .strictObject({
    registeredCapitalWan: admissionAmount('registeredCapitalWan').meta({
      description: '注册资本, in 10 000 yuan (万元), to 4 decimals (the yuan), at most 100 000 000 (1 万亿 yuan)',
    }),
    foreignTradeUsd: admissionAmount('foreignTradeUsd').meta({
      description: "Last year's foreign trade or outbound investment, whole US dollars, at most 10^12",
    }),
    taxCreditGrade: z.enum(TAX_CREDIT_GRADES).meta({ description: '纳税信用等级' }),
    creditRecordClean: z.boolean().meta({ description: 'No serious dishonesty record (严重失信)' }),
  })
  .meta({
    id: 'ApecWhitelistAdmission',
    description: 'A non-state enterprise applies for the whitelist: the criteria at its size’s thresholds.',
    example: { registeredCapitalWan: 150, foreignTradeUsd: 120000, taxCreditGrade: 'A', creditRecordClean: true },
  });

/** The move of POST /api/apec/enterprises/:unit/whitelist/:move (path.move): another is 400 enum, each move named. */
export const WhitelistMovePathSchema = z.enum(WHITELIST_MOVES);

export const WhitelistMoveSchema = z
  .strictObject({
    reason: z.enum(EXIT_REASONS).optional().meta({ description: 'Required for exit: violation, annual-review-failed, enterprise-request' }),
    note: freeText(500).optional(),
  })
  .meta({ id: 'ApecWhitelistMove', example: { reason: 'annual-review-failed', note: '年审未通过' } });

export const ApplicationSchema = z
  .strictObject({
    personIds: z.array(line(64)).min(1).max(50).meta({
      description:
        "Applicants: person ids of the enterprise's staff roster, each active, listed once, and not an applicant of another open card application (one open application per person: else 422 application-pending naming that case)",
    }),
    economies: z
      .array(z.string().regex(/^[A-Z]{2}$/, formatMessage('须为两位大写代码', 'Expected an alpha-2 code in capitals')))
      .min(1)
      .max(25)
      .meta({ description: 'Economies to pre-clear (alpha-2 codes of full APEC card economies)' }),
    neededBy: isoDate.meta({ description: 'The day the enterprise needs the cards by: the plan forecasts against it' }),
    renews: line(64).optional().meta({
      description:
        "A renewal: the card it renews, by its ref (or number) from GET /api/apec/cards. The enterprise's card of one of the applicants, renewal-open or valid within 6 months of its expiry; K07 cancels it, replaced by the new card",
    }),
  })
  .meta({
    id: 'ApecCardApplication',
    example: { personIds: ['trading-0001', 'trading-0002'], economies: ['JP', 'KR', 'SG'], neededBy: '2027-06-30' },
  });

export const CardStatusSchema = z
  .strictObject({ status: z.enum(['lost', 'cancelled']), reason: reason(500) })
  .meta({ id: 'ApecCardStatusChange', example: { status: 'lost', reason: '持卡人报失' } });

export const CardsQuerySchema = z.strictObject({
  unit: code.optional().meta({ description: `Only the cards of this enterprise. ${KNOWN_UNIT_RULE}` }),
});

/** GET /api/apec/enterprises: filters (AND) and the page; a bad value is 400 naming `query.<field>`. */
export const EnterprisesQuerySchema = z.strictObject({
  ownership: z.enum(OWNERSHIPS).optional(),
  size: z.enum(ENTERPRISE_SIZES).optional(),
  whitelist: z
    .enum([...WHITELIST_STATES, 'not-listed'])
    .optional()
    .meta({ description: 'The whitelist state; not-listed = never on the whitelist' }),
  q: line(100).optional().meta({ description: 'Part of the unit code or name, case-insensitive' }),
  page: intQuery(1, 100000, 1),
  pageSize: intQuery(1, 100, 50),
});

const whitelist = z.looseObject({
  state: z.enum(WHITELIST_STATES),
  reason: z.string().nullable().meta({ description: "An exit's reason" }),
  note: z.string().nullable().meta({ description: "The desk's words with the last move (why suspended, lifted, …)" }),
  since: z.string(),
  reviewDueOn: z.string().nullable(),
});
/** The demo enterprise as the API shows it: the example of every answer that carries one. */
const ENTERPRISE_EXAMPLE = {
  unit: 'trading',
  nameZh: '星海国际贸易有限公司',
  nameEn: 'Xinghai International Trading Co., Ltd.',
  ownership: 'non-state',
  size: 'small',
  whitelist: { state: 'admitted', reason: null, note: null, since: '2027-01-05T02:00:00.000Z', reviewDueOn: '2028-01-05' },
  mayApply: true,
  applyRefusal: null,
  history: [
    {
      action: 'admitted',
      fromState: null,
      toState: 'admitted',
      reason: null,
      detail: null,
      stoppedCases: [],
      actorId: 'apec-desk.fao',
      at: '2027-01-05T02:00:00.000Z',
    },
  ],
};

export const EnterpriseListSchema = z
  .looseObject({
    items: z.array(
      z.looseObject({
        unit: z.string(),
        nameZh: z.string().nullable(),
        nameEn: z.string().nullable(),
        ownership: z.enum(OWNERSHIPS),
        size: z.enum(ENTERPRISE_SIZES),
        whitelist: whitelist.nullable(),
        mayApply: z.boolean(),
        changedAt: z.string().meta({ description: 'The latest change (whitelist move or registration), ISO instant' }),
      }),
    ),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  })
  .meta({
    id: 'ApecEnterpriseList',
    example: {
      items: [
        {
          unit: 'trading',
          nameZh: '星海国际贸易有限公司',
          nameEn: 'Xinghai International Trading Co., Ltd.',
          ownership: 'non-state',
          size: 'small',
          whitelist: ENTERPRISE_EXAMPLE.whitelist,
          mayApply: true,
          changedAt: '2027-01-05T02:00:00.000Z',
        },
      ],
      total: 1,
      page: 1,
      pageSize: 50,
    },
  });

export const EnterpriseViewSchema = z
  .looseObject({
    unit: z.string(),
    nameZh: z.string().nullable().meta({ description: "The unit's name in the registry (null: not registered)" }),
    nameEn: z.string().nullable(),
    ownership: z.enum(OWNERSHIPS),
    size: z.enum(ENTERPRISE_SIZES),
    whitelist: whitelist.nullable(),
    mayApply: z.boolean(),
    applyRefusal: label
      .nullable()
      .meta({ description: 'Why the enterprise may not apply for cards now, naming its whitelist state (null: it may)' }),
    history: z.array(
      z.looseObject({ action: z.string(), fromState: z.string().nullable(), toState: z.string().nullable(), at: z.string() }),
    ),
  })
  .meta({
    id: 'ApecEnterpriseView',
    example: ENTERPRISE_EXAMPLE,
  });

export const AdmissionResultSchema = z
  .looseObject({
    admitted: z.boolean(),
    reviewReminder: z
      .enum(['scheduled', 'not-scheduled'])
      .optional()
      .meta({ description: "When admitted: the annual review reminder's timer (not-scheduled: Temporal was unavailable)" }),
    failures: z.array(z.looseObject({ criterion: z.string(), message: label })),
    enterprise: EnterpriseViewSchema,
  })
  .meta({
    id: 'ApecAdmissionResult',
    example: {
      admitted: true,
      failures: [],
      enterprise: ENTERPRISE_EXAMPLE,
    },
  });

export const MoveResultSchema = z
  .looseObject({
    enterprise: EnterpriseViewSchema,
    stoppedCases: z.array(z.string()),
    keptCases: z.array(z.string()).optional().meta({
      description:
        'An exit: the open applications it left to finish, a card of theirs already registered (K07: the cards are issued); also in the history row detail.keptCases',
    }),
  })
  .meta({
    id: 'ApecWhitelistMoveResult',
    example: {
      enterprise: ENTERPRISE_EXAMPLE,
      stoppedCases: [],
    },
  });

export const CardSchema = z
  .looseObject({
    apecCardNumber: z
      .string()
      .meta({ description: 'Personal data: in clear for the passport and visa officers, masked for everyone else' }),
    holder: z.string(),
    holderName: z.string().nullable(),
    unit: z.string(),
    economies: z.array(z.string()),
    issuedOn: z.string(),
    validUntil: z.string(),
    renewalOpensOn: z.string(),
    status: z.enum(CARD_STATUSES),
    caseId: z.string().nullable(),
    replacedBy: z
      .looseObject({ apecCardNumber: z.string() })
      .nullable()
      .optional()
      .meta({ description: 'The renewal card that replaced this one (status cancelled): its number, personal data like this one' }),
    ref: z.string().meta({ description: "The card's reference (not personal data): names the card where its number is masked" }),
  })
  .meta({
    id: 'ApecCard',
    example: {
      apecCardNumber: 'CH*******123',
      holder: '****01',
      holderName: '李四',
      unit: 'trading',
      economies: ['JP', 'SG'],
      issuedOn: '2027-03-01',
      validUntil: '2032-02-29',
      renewalOpensOn: '2031-08-29',
      status: 'valid',
      statusReason: null,
      renewalOpenedAt: null,
      caseId: '5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
      ref: '0b6f4a52-8a3e-4f0c-9d2b-7e1c5a9f3d21',
    },
  });
export const CardListSchema = z.looseObject({ items: z.array(CardSchema) }).meta({
  id: 'ApecCardList',
  example: {
    items: [
      {
        apecCardNumber: 'CH*******123',
        holder: '****01',
        holderName: '李四',
        unit: 'trading',
        economies: ['JP', 'SG'],
        issuedOn: '2027-03-01',
        validUntil: '2032-02-29',
        renewalOpensOn: '2031-08-29',
        status: 'valid',
        statusReason: null,
        renewalOpenedAt: null,
        caseId: '5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
        ref: '0b6f4a52-8a3e-4f0c-9d2b-7e1c5a9f3d21',
      },
    ],
  },
});

export const ApplicationResponseSchema = z
  .looseObject({
    caseId: z.string(),
    workflowId: z.string(),
    process: z.literal('apec-card'),
    status: z.literal('open'),
    submittedAt: z.string(),
  })
  .meta({
    id: 'ApecApplicationResponse',
    example: {
      caseId: '5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
      workflowId: 'delegation-5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
      process: 'apec-card',
      status: 'open',
      submittedAt: '2027-03-01T02:00:00.000Z',
    },
  });
