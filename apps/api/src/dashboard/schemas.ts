import { z } from 'zod';
import { PROCESSES, PROCESSES_SAID, TARGET_DAY_SAID } from '@df/domain';
import { datesInOrder } from '../common/validation';
import { intQuery, isoDate } from '../common/zod-text';
import { KNOWN_UNIT_RULE } from '../common/unit-filter';
import { code } from '../registries/schemas';

/** The managers' board (GET /api/dashboard): query and response, one source for validation and OpenAPI. */

export const DASHBOARD_DEFAULT_LIMIT = 50;
export const DASHBOARD_MAX_LIMIT = 500;

/** The cases dates a board's period is over: the departure date or the (Asia/Shanghai) submission date. */
export const BOARD_PERIODS = ['departure', 'submission'] as const;
export type BoardPeriod = (typeof BOARD_PERIODS)[number];

/** The board's filters, shared by GET /api/dashboard and GET /api/dashboard/export. */
const filterShape = {
  unit: code.optional().meta({ description: `Only the cases of this unit (code, e.g. \`commerce\`). ${KNOWN_UNIT_RULE}` }),
  period: z.enum(BOARD_PERIODS).default('departure').meta({
    description: 'Which date `from`/`to` bound: `departure` (the departure date) or `submission` (the Asia/Shanghai submission date)',
  }),
  from: isoDate.optional().meta({ description: 'First day of the period, inclusive (YYYY-MM-DD, Asia/Shanghai)' }),
  to: isoDate.optional().meta({ description: 'Last day of the period, inclusive (YYYY-MM-DD, Asia/Shanghai); not before `from`' }),
  process: z
    .enum(PROCESSES)
    .optional()
    .meta({ description: `Only the cases of this process: ${PROCESSES_SAID}` }),
};

/** An inverted period is a mistake to name, not an empty board. */
const periodInOrder = datesInOrder('from', 'to');

export const DashboardQuerySchema = z
  .strictObject({
    limit: intQuery(1, DASHBOARD_MAX_LIMIT, DASHBOARD_DEFAULT_LIMIT).meta({
      description: `Items listed in each list (in flight, at risk, overdue per role): 1-${DASHBOARD_MAX_LIMIT}, default ${DASHBOARD_DEFAULT_LIMIT}. Totals always count everything.`,
    }),
    ...filterShape,
  })
  .superRefine(periodInOrder);

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export const DashboardExportQuerySchema = z
  .strictObject({
    format: z
      .enum(EXPORT_FORMATS)
      .default('csv')
      .meta({ description: '`csv` (UTF-8 with BOM) or `xlsx` (Excel workbook, one sheet per table)' }),
    ...filterShape,
  })
  .superRefine(periodInOrder);
export type DashboardExportQuery = z.output<typeof DashboardExportQuerySchema>;
/** `processes`: those the viewer's role reads (boardFilterFor), not a query parameter; absent: every process. */
export type DashboardFilter = Pick<DashboardExportQuery, 'unit' | 'period' | 'from' | 'to' | 'process'> & {
  processes?: readonly (typeof PROCESSES)[number][] | undefined;
};

export type DashboardQuery = z.output<typeof DashboardQuerySchema>;

const label = z.looseObject({ zh: z.string(), en: z.string() });
const nullableNumber = z.number().nullable();

const CaseLineSchema = z.looseObject({
  caseId: z.string(),
  process: z.enum(PROCESSES).meta({ description: PROCESSES_SAID }),
  title: z.string(),
  unit: z.string(),
  phase: z.string(),
  departureDate: z.string().meta({ description: TARGET_DAY_SAID }),
  forecastReadyAt: z.string().nullable(),
  forecastReadyDate: z.string().nullable().meta({ description: 'Asia/Shanghai date of forecastReadyAt' }),
  prepared: z.boolean().meta({
    description:
      "Nothing of the preparation remains, as the case's last re-plan said (a case re-planned before the field was: forecastReadyAt behind the case's now): forecastReadyDate is the day it ended (准备就绪), not a forecast; an overdue step keeps it false",
  }),
  slackWd: nullableNumber.meta({ description: 'Working days between the forecast and the departure deadline (negative: late)' }),
  atRisk: z.boolean(),
  criticalStep: z.string().nullable().meta({ description: 'Key of the first unfinished step on the critical path' }),
  provisionalCalendar: z.boolean().meta({
    description:
      'The plan crosses a year with no published or loaded holiday schedule: planned with its statutory holidays (暂排, provisional)',
  }),
});

const StepRefSchema = z.looseObject({
  key: z.string(),
  code: z.string(),
  name: label.nullable(),
  actorRole: z.string(),
  status: z.string(),
  startedAt: z.string().nullable(),
  dueAt: z.string().nullable(),
  latestStartAt: z.string().nullable(),
  overdueSince: z.string().nullable(),
});

const StepTimeSchema = z.looseObject({
  code: z.string(),
  name: label.nullable(),
  phase: z.string(),
  count: z.number().int(),
  totalWd: z.number(),
  meanWd: z.number(),
  medianWd: z.number(),
  p90Wd: z.number(),
});

export const DashboardSchema = z
  .looseObject({
    generatedAt: z.string(),
    limit: z.number().int().meta({ description: 'Items per list (the `limit` query parameter, max 500)' }),
    filter: z
      .looseObject({ unit: z.string().nullable(), period: z.enum(BOARD_PERIODS), from: z.string().nullable(), to: z.string().nullable() })
      .meta({ description: 'The filters every figure below honours (null: not filtered)' }),
    units: z.array(z.string()).meta({ description: 'Every unit that has a case, whatever the filters (the unit filter’s choices)' }),
    inFlight: z.looseObject({
      total: z.number().int().meta({ description: 'Open cases (submitted, not departed, not closed)' }),
      items: z.array(CaseLineSchema).meta({ description: 'The `limit` open cases with the least slack first' }),
    }),
    byPhase: z.record(z.string(), z.number().int()).meta({
      description:
        'Cases per phase, every phase of the processes counted listed (PROCESS_PHASES: under process=apec-card no passport nor post-trip; post-trip: departed; closed: ended, 已结案)',
    }),
    byProcessPhase: z.record(z.string(), z.record(z.string(), z.number().int())).meta({
      description:
        "byPhase per process (delegation, apec-card, apec-whitelist), only the processes and phases with cases: each process's phases read in its own words (the catalog's phasesByProcess)",
    }),
    byStatus: z.record(z.string(), z.number().int()),
    atRisk: z.looseObject({
      total: z.number().int(),
      items: z.array(
        CaseLineSchema.extend({
          step: StepRefSchema.nullable().meta({ description: 'The step that puts the case at risk: the open step on the critical path' }),
        }),
      ),
    }),
    overdue: z.looseObject({
      total: z.number().int(),
      byRole: z.array(
        z.looseObject({
          role: z.string(),
          label: label.nullable(),
          count: z.number().int(),
          items: z.array(StepRefSchema.extend({ caseId: z.string(), title: z.string(), unit: z.string() })),
        }),
      ),
    }),
    incidents: z
      .looseObject({
        total: z.number().int(),
        items: z.array(
          z.looseObject({
            caseId: z.string(),
            incidentId: z.string(),
            openedAt: z.string(),
            stepKeys: z.array(z.string()),
            notice: z.object({ zh: z.string(), en: z.string() }).meta({ description: 'What happened and what to do, in both languages' }),
          }),
        ),
      })
      .meta({
        description:
          'Cases stopped by an incident (a failure retrying cannot fix), oldest first, each with what happened and what to do; the raw failure is for operators: `npm run admin -- incidents list`, then `incidents retry`',
      }),
    analytics: z.looseObject({
      computedAt: z.string().meta({ description: 'When these portfolio figures were computed' }),
      maxAgeSeconds: z
        .number()
        .int()
        .meta({ description: 'They are recomputed in the background once older than this (DASHBOARD_CACHE_SECONDS)' }),
      departures: z
        .looseObject({
          departed: z.number().int(),
          medianDays: nullableNumber,
          p90Days: nullableNumber,
          within22Days: z.number().int(),
          shareWithin22Days: nullableNumber.meta({
            description: 'Share (0-1) of departed cases that left within 22 calendar days of submission',
          }),
          distribution: z
            .array(z.looseObject({ fromDays: z.number().int(), toDays: z.number().int().nullable(), count: z.number().int() }))
            .meta({
              description: 'Departed cases by calendar days from submission to departure, in bands (toDays inclusive; null: open-ended)',
            }),
        })
        .nullable()
        .meta({
          description:
            "A trip's departures; null where no trip is counted (an APEC process's filter, or a viewer whose role reads no delegation case)",
        }),
      stepTimes: z
        .array(StepTimeSchema)
        .meta({ description: 'Working days per step code (done steps of the 53-step chain), most total days first' }),
      outcomes: z
        .looseObject({
          reportsFiled: z.number().int(),
          investmentSignedYuan: z.number(),
          tradeSignedYuan: z.number(),
          promotionEvents: z.number().int(),
        })
        .nullable()
        .meta({ description: "The trip reports' outcomes (P03); null where no trip is counted, as departures" }),
    }),
  })
  .meta({
    id: 'Dashboard',
    example: {
      generatedAt: '2027-02-20T02:00:00.000Z',
      limit: 50,
      filter: { unit: null, period: 'departure', from: null, to: null },
      units: ['commerce', 'education'],
      inFlight: {
        total: 1,
        items: [
          {
            caseId: '5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
            title: '滨州市经贸代表团访美',
            unit: 'commerce',
            phase: 'visa',
            departureDate: '2027-03-01',
            forecastReadyAt: '2027-02-26T09:00:00.000Z',
            forecastReadyDate: '2027-02-26',
            slackWd: 1,
            atRisk: true,
            criticalStep: 'D12:US',
            provisionalCalendar: false,
          },
        ],
      },
      byPhase: { prepare: 0, review: 0, passport: 0, visa: 1, depart: 0, 'post-trip': 3, closed: 12 },
      byProcessPhase: { delegation: { visa: 1, 'post-trip': 3, closed: 12 } },
      byStatus: { open: 1, departed: 3, completed: 10, rejected: 1, withdrawn: 1, cancelled: 0, failed: 0, terminated: 0 },
      atRisk: {
        total: 1,
        items: [
          {
            caseId: '5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
            title: '滨州市经贸代表团访美',
            unit: 'commerce',
            phase: 'visa',
            departureDate: '2027-03-01',
            forecastReadyAt: '2027-02-26T09:00:00.000Z',
            forecastReadyDate: '2027-02-26',
            slackWd: 1,
            atRisk: true,
            criticalStep: 'D12:US',
            provisionalCalendar: false,
            step: {
              key: 'D12:US',
              code: 'D12',
              name: { zh: '使馆审理', en: 'Embassy processing' },
              actorRole: 'visa-officer',
              status: 'awaiting',
              startedAt: '2027-02-18T01:00:00.000Z',
              dueAt: '2027-02-25T09:00:00.000Z',
              latestStartAt: '2027-02-17T01:00:00.000Z',
              overdueSince: null,
            },
          },
        ],
      },
      overdue: {
        total: 1,
        byRole: [
          {
            role: 'passport-officer',
            label: { zh: '护照管理处', en: 'Passport officer' },
            count: 1,
            items: [
              {
                caseId: '0e1d2c3b-4a59-4687-9a5b-6c7d8e9f0a1b',
                title: '教育交流团访日',
                unit: 'education',
                key: 'P02:m1',
                code: 'P02',
                name: { zh: '护照交回保管（7日内）', en: 'Passport back in custody (within 7 days)' },
                actorRole: 'passport-officer',
                status: 'overdue',
                startedAt: '2027-02-08T02:00:00.000Z',
                dueAt: '2027-02-15T16:00:00.000Z',
                latestStartAt: null,
                overdueSince: '2027-02-15T16:00:00.000Z',
              },
            ],
          },
        ],
      },
      analytics: {
        computedAt: '2027-02-20T01:59:30.000Z',
        maxAgeSeconds: 60,
        departures: {
          departed: 13,
          medianDays: 24,
          p90Days: 31.4,
          within22Days: 5,
          shareWithin22Days: 0.3846,
          distribution: [
            { fromDays: 0, toDays: 7, count: 0 },
            { fromDays: 8, toDays: 14, count: 0 },
            { fromDays: 15, toDays: 22, count: 5 },
            { fromDays: 23, toDays: 30, count: 6 },
            { fromDays: 31, toDays: 45, count: 2 },
            { fromDays: 46, toDays: 60, count: 0 },
            { fromDays: 61, toDays: 90, count: 0 },
            { fromDays: 91, toDays: null, count: 0 },
          ],
        },
        stepTimes: [
          {
            code: 'D12',
            name: { zh: '使馆审理', en: 'Embassy processing' },
            phase: 'visa',
            count: 13,
            totalWd: 91.5,
            meanWd: 7.038,
            medianWd: 6,
            p90Wd: 11.2,
          },
          {
            code: 'A13',
            name: { zh: '出访前公示（不少于5个工作日）', en: 'Pre-trip public notice, at least 5 WD' },
            phase: 'prepare',
            count: 13,
            totalWd: 65,
            meanWd: 5,
            medianWd: 5,
            p90Wd: 5,
          },
        ],
        outcomes: { reportsFiled: 10, investmentSignedYuan: 465000000, tradeSignedYuan: 1446000000, promotionEvents: 22 },
      },
    },
  });
