import { Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import {
  phaseLabelOf,
  PROCESS_LABELS,
  PROCESS_PHASES,
  PROCESSES,
  shanghaiDate,
  targetDayLabel,
  tenths,
  toIso,
  type CasePhase,
  type Label,
  type ProcessKind,
  type Role,
} from '@df/domain';
import { RegistriesRepository } from '@df/persistence';
import { toCsv, type CsvCell } from '../common/csv';
import { maskForViewer, type Viewer } from '../common/masking';
import { assertKnownUnit, storedUnitCode } from '../common/unit-filter';
import { parseOrThrow } from '../common/validation';
import { boardFilterFor, countedProcesses, DashboardService } from './dashboard.service';
import { DashboardExportQuerySchema, type DashboardFilter } from './schemas';

/** Open cases one export lists at most (the board's own lists stop at 500). */
export const EXPORT_MAX_CASES = 10_000;

type Cell = CsvCell;
interface Table {
  /** Sheet name: Chinese first, English beside (at most 31 characters, Excel's limit). */
  sheet: string;
  header: string[];
  rows: Cell[][];
}

export interface BoardExport {
  filename: string;
  contentType: string;
  body: Buffer;
}

const bi = (l: Label | null | undefined, fallback: string): string => (l ? `${l.zh} ${l.en}` : fallback);

/**
 * The export's file name, `board-YYYY-MM-DD.<format>`: the office's day (Asia/Shanghai) at `atMs` (epoch ms), not
 * the UTC day, which is still yesterday from 00:00 to 08:00 in Beijing.
 */
export const exportFileName = (format: 'csv' | 'xlsx', atMs: number): string => `board-${shanghaiDate(atMs)}.${format}`;

/** An instant as people in the office read it: Beijing wall-clock time, `YYYY-MM-DD HH:mm:ss UTC+8`. */
export const beijingTime = (atMs: number): string =>
  `${toIso(atMs + 8 * 3_600_000)
    .slice(0, 19)
    .replace('T', ' ')} UTC+8`;

/**
 * GET /api/dashboard/export: the board's tables as a file, over the same filters as GET /api/dashboard.
 * CSV: the open cases ranked by slack (the board's main table). XLSX: that table and every other figure of
 * the board, one sheet each, plus the filters it was made with. Headers are Chinese with English beside.
 */
/**
 * A phase as the export's by-phase sheet names it, in both languages: in the words of each process counted, joined
 * (`签证办理 / 经济体预审 Visa / Pre-clearance by the economies`), a trip's when none is.
 */
function phaseWords(phase: CasePhase, processes: readonly ProcessKind[]): string {
  // Only the processes whose cases can be in the phase (a whitelist filing has no 签证办理: trial 75).
  const having = processes.filter((pr) => PROCESS_PHASES[pr].includes(phase));
  const labels = (having.length > 0 ? having : ['delegation']).map((pr) => phaseLabelOf(phase, pr));
  const join = (lang: 'zh' | 'en') => [...new Set(labels.map((l) => l[lang]))].join(' / ');
  return bi({ zh: join('zh'), en: join('en') }, phase);
}

/**
 * The by-phase sheet: each phase in the words of every process counted (a card application's 经济体预审 beside a trip's
 * 签证办理), its cases, and with more than one process counted a column per process, as the board's stacked bars
 * (trial 72: one column summed a card application with a trip).
 */
export function byPhaseSheet(
  counts: { byPhase: Record<string, number>; byProcessPhase: Record<string, Record<string, number>> },
  process: ProcessKind | undefined,
): Table {
  const counted = process ? [process] : PROCESSES.filter((pr) => counts.byProcessPhase[pr]);
  const split = counted.length > 1 ? counted : [];
  return {
    sheet: '按阶段 By phase',
    header: ['阶段 Phase', '案件数 Cases', ...split.map((pr) => `${PROCESS_LABELS[pr].zh} ${PROCESS_LABELS[pr].en}`)],
    rows: Object.entries(counts.byPhase).map(([p, n]) => [
      phaseWords(p as CasePhase, counted),
      n,
      ...split.map((pr) => counts.byProcessPhase[pr]?.[p] ?? 0),
    ]),
  };
}

@Injectable()
export class DashboardExportService {
  constructor(
    private readonly dashboard: DashboardService,
    private readonly registries: RegistriesRepository,
  ) {}

  /** The file for `viewer`: personal data masked by the one classification, as the board's JSON is. */
  async export(rawQuery: unknown, viewer: Viewer): Promise<BoardExport> {
    const { format, ...parsed } = parseOrThrow(DashboardExportQuerySchema, rawQuery, ['query']);
    const unitFilter = await storedUnitCode(this.registries, parsed.unit);
    // The viewer is the signed-in user's (the controller's AuthUser): its role is a Role.
    const filter = boardFilterFor({ role: viewer.role as Role }, { ...parsed, unit: unitFilter.code });
    assertKnownUnit(unitFilter);
    const now = Date.now();
    if (format === 'csv') {
      const cases = await this.casesTable(filter, viewer);
      return { filename: exportFileName('csv', now), contentType: 'text/csv; charset=utf-8', body: Buffer.from(toCsv(cases), 'utf8') };
    }
    const tables = await this.tables(filter, viewer);
    const wb = new ExcelJS.Workbook();
    wb.creator = 'delegation-flow';
    for (const t of tables) {
      const ws = wb.addWorksheet(t.sheet);
      ws.addRow(t.header).font = { bold: true };
      for (const r of t.rows) ws.addRow(r);
      ws.columns.forEach((col, i) => {
        const widest = Math.max(...[t.header[i] ?? '', ...t.rows.map((r) => r[i] ?? '')].map((v) => String(v).length));
        col.width = Math.min(60, Math.max(10, widest + 2));
      });
      ws.views = [{ state: 'frozen', ySplit: 1 }];
    }
    return {
      filename: exportFileName('xlsx', now),
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      body: Buffer.from(await wb.xlsx.writeBuffer()),
    };
  }

  private async casesTable(filter: DashboardFilter, viewer: Viewer): Promise<Table> {
    const cases = maskForViewer(viewer, await this.dashboard.inFlight(EXPORT_MAX_CASES, filter));
    // The unit's registered name beside its code (an enterprise or office reads its name, not `trading`).
    const codes = [...new Set(cases.map((c) => c.unit))];
    const names = new Map((codes.length > 0 ? await this.registries.units(codes) : []).map((u) => [u.code, u]));
    const inRows = PROCESSES.filter((p) => cases.some((c) => c.process === p));
    return {
      sheet: '在办案件 Cases in flight',
      header: [
        '标题 Title',
        '单位 Unit',
        '单位名称 Unit name',
        '阶段 Phase',
        // The day of the processes listed (a trip's departure; a card application's needed-by day), else of those counted.
        targetDayText(inRows.length > 0 ? inRows : (countedProcesses(filter) ?? PROCESSES)),
        '预计就绪 Forecast ready',
        '余量（工作日）Slack (WD)',
        '有风险 At risk',
        '关键步骤 Critical step',
        '案件编号 Case id',
      ],
      rows: cases.map((c) => [
        c.title,
        c.unit,
        names.get(c.unit)?.nameZh ?? '', // the code is the column before; a unit no registry holds has no name
        bi(phaseLabelOf(c.phase as CasePhase, c.process), c.phase),
        c.departureDate,
        // A preparation done says so (trial 83: a past 预计 date beside a negative slack).
        c.forecastReadyDate && c.prepared ? `${c.forecastReadyDate} 已就绪 prepared` : c.forecastReadyDate,
        // To a tenth, as the board shows it (trial 79: 245.469 in the file beside 245.5 on the board).
        c.slackWd === null ? null : tenths(c.slackWd),
        c.atRisk ? '是 yes' : '否 no',
        c.criticalStep,
        c.caseId,
      ]),
    };
  }

  private async tables(filter: DashboardFilter, viewer: Viewer): Promise<Table[]> {
    const [cases, counts, overdue, analytics] = maskForViewer(
      viewer,
      await Promise.all([
        this.casesTable(filter, viewer),
        this.dashboard.counts(filter),
        this.dashboard.overdue(1, filter),
        this.dashboard.analytics(filter),
      ]),
    );
    return [
      {
        sheet: '筛选 Filter',
        header: ['项目 Item', '值 Value'],
        rows: [
          ['单位 Unit', filter.unit ?? '全部 all'],
          [
            '期间依据 Period by',
            filter.period === 'departure' ? targetDayText(countedProcesses(filter) ?? PROCESSES) : '报送日期 submission date',
          ],
          ['自 From', filter.from ?? null],
          ['至 To', filter.to ?? null],
          ['生成时间 Generated at', beijingTime(Date.now())],
          ['统计时间 Analytics computed at', beijingTime(Date.parse(analytics.computedAt))],
        ],
      },
      cases,
      byPhaseSheet(counts, filter.process),
      {
        sheet: '按角色逾期 Overdue by role',
        header: ['角色 Role', '逾期步骤 Overdue steps'],
        rows: overdue.byRole.map((g) => [bi(g.label, g.role), g.count]),
      },
      {
        sheet: '步骤耗时 Days per step',
        header: ['步骤 Step', '名称 Name', '次数 Count', '合计工作日 Total WD', '平均 Mean WD', '中位 Median WD', 'P90 WD'],
        rows: analytics.stepTimes.map((s) => [s.code, bi(s.name, s.code), s.count, s.totalWd, s.meanWd, s.medianWd, s.p90Wd]),
      },
      // A trip's own figures (its departure, the 22 days, the trip report's outcomes) where trips are counted: not under an
      // APEC process's filter, nor for a viewer who reads no trip (trial 73: the APEC filter listed 已出发 and 出访成果).
      ...tripTables(analytics),
    ];
  }
}

/** The day cases of `processes` are planned back from, both languages: 出发日期 Departure, 需用卡日期 Needed by… */
function targetDayText(processes: readonly ProcessKind[]): string {
  const { zh, en } = targetDayLabel(processes);
  return `${zh} ${en}`;
}

/** The trip-only sheets: the days from submission to departure, and the trip reports' outcomes (none where no trip is counted). */
function tripTables(analytics: Awaited<ReturnType<DashboardService['analytics']>>): Table[] {
  const d = analytics.departures;
  const o = analytics.outcomes;
  if (!d || !o) return [];
  return [
    {
      sheet: '报送至出发 Submission-departure',
      header: ['天数 Days', '案件数 Cases'],
      rows: [
        ...d.distribution.map((b): Cell[] => [b.toDays === null ? `${b.fromDays}+` : `${b.fromDays}-${b.toDays}`, b.count]),
        ['已出发 Departed', d.departed],
        ['中位天数 Median days', d.medianDays],
        ['P90 天数 P90 days', d.p90Days],
        ['22天内 Within 22 days', d.within22Days],
        ['22天内占比 Share within 22 days', d.shareWithin22Days],
      ],
    },
    {
      sheet: '出访成果 Outcomes',
      header: ['项目 Item', '值 Value'],
      rows: [
        ['已交报告 Reports filed', o.reportsFiled],
        ['签约投资（元）Investment signed (yuan)', o.investmentSignedYuan],
        ['签约贸易（元）Trade signed (yuan)', o.tradeSignedYuan],
        ['推介活动 Promotion events', o.promotionEvents],
      ],
    },
  ];
}
