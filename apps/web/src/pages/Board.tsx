import { Alert, Button, Card, Col, Empty, Row, Segmented, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { EChartsOption } from 'echarts';
import { useMemo, useState } from 'react';
import { api, ApiError, catalog, currentSession, download } from '../api';
import { mayReadProcess } from '../../../../libs/domain/src/access';
import type { Role } from '../../../../libs/domain/src/roles';
import { Chart } from '../Chart';
import { CaseLink, label, Loaded, phaseText, TAG, targetDayColumn, useErrorText, useLoad, useUnitNames } from '../common';
import { PROCESSES, targetDayLabel, type ProcessKind } from '../../../../libs/domain/src/definition/apec-card';
import { DayField } from '../DayField';
import { useT, type Bilingual } from '../i18n';
import { fieldErrorText } from '../labels';
import { SlackCell } from './SlackCell';
import { stepTimesView } from '../step-times';

type Period = 'departure' | 'submission';

interface CaseLine {
  caseId: string;
  process: ProcessKind;
  title: string;
  unit: string;
  phase: string;
  departureDate: string;
  forecastReadyDate: string | null;
  /** The forecast is behind the case's now: the preparation is done, the date is when. */
  prepared?: boolean;
  slackWd: number | null;
  atRisk: boolean;
  criticalStep: string | null;
  provisionalCalendar?: boolean;
}

/** GET /api/dashboard: every figure over the cases the filters select (the API applies them). */
interface Dashboard {
  units: string[];
  inFlight: { total: number; items: CaseLine[] };
  byPhase: Record<string, number>;
  /** byPhase per process, only those with cases (a card application's phases in its own words). */
  byProcessPhase?: Record<string, Record<string, number>>;
  atRisk: { total: number };
  overdue: { total: number; byRole: Array<{ role: string; label: Bilingual | null; count: number }> };
  analytics: {
    departures: {
      departed: number;
      medianDays: number | null;
      p90Days: number | null;
      within22Days: number;
      shareWithin22Days: number | null;
      distribution: Array<{ fromDays: number; toDays: number | null; count: number }>;
    } | null;
    stepTimes: Array<{ code: string; name: Bilingual | null; count: number; totalWd: number; meanWd: number }>;
    outcomes: { reportsFiled: number; investmentSignedYuan: number; tradeSignedYuan: number; promotionEvents: number } | null;
  };
}

/** The headline the distribution is coloured against (the API's HEADLINE_DAYS). */
const HEADLINE_DAYS = 22;

/** Today in Beijing, YYYY-MM-DD (en-CA formats so): the office's day, as the API names its export, not the UTC day. */
const shanghaiToday = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

export default function BoardPage() {
  const { t, pick, lang } = useT();
  const { unitName } = useUnitNames();
  const errText = useErrorText();
  const [unit, setUnit] = useState<string | undefined>();
  const [processKind, setProcessKind] = useState<string | undefined>();
  const viewerRole = currentSession()?.user.role as Role | undefined;
  // The processes the viewer's role reads (the APEC desk: its cards and whitelist; another is 403 at the API): the one
  // list the period's day, the process filter and the chart's processes are taken from.
  const readableProcesses: readonly string[] = PROCESSES.filter((pr) => !viewerRole || mayReadProcess(viewerRole, pr));
  const [period, setPeriod] = useState<Period>('departure');
  // The period's day of the processes counted: a card application's is the day its cards are needed by (trial 75: the
  // desk's board read 按出发日期); of several, 按目标日期 with each one's named on hover.
  const periodCounted = (processKind ? [processKind] : readableProcesses) as ProcessKind[];
  const periodDayLabel = targetDayLabel(periodCounted);
  const periodDay =
    periodCounted.length === 1 ? (
      `${lang === 'zh' ? '按' : ''}${pick(periodDayLabel)}`
    ) : (
      <span title={pick(periodDayLabel)}>{t('periodByTargetDay')}</span>
    );
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [exportError, setExportError] = useState<unknown>(null);
  const [exporting, setExporting] = useState<string | null>(null);
  const filters = useMemo(() => {
    const q = new URLSearchParams();
    if (unit) q.set('unit', unit);
    if (processKind) q.set('process', processKind);
    q.set('period', period);
    if (from) q.set('from', from);
    if (to) q.set('to', to);
    return q;
  }, [unit, processKind, period, from, to]);
  const state = useLoad(
    async () => {
      const [board, cat] = await Promise.all([api<Dashboard>('GET', `/api/dashboard?limit=200&${filters}`), catalog()]);
      return { board, cat };
    },
    [filters],
    { live: true },
  );
  const units = state.data?.board.units ?? (unit ? [unit] : []);
  const exportAs = (format: 'csv' | 'xlsx') => {
    setExportError(null);
    setExporting(format);
    download(`/api/dashboard/export?format=${format}&${filters}`, `board-${shanghaiToday()}.${format}`)
      .catch(setExportError)
      .finally(() => setExporting(null));
  };

  return (
    <>
      <Typography.Title level={2}>{t('navBoard')}</Typography.Title>
      <Space wrap style={{ marginBottom: 16 }} data-testid="board-filters">
        <Select
          allowClear
          showSearch
          placeholder={t('filterUnit')}
          aria-label={t('filterUnit')}
          style={{ width: 280 }}
          value={unit}
          onChange={setUnit}
          // By name, the code beside (商务局 (commerce)); typing finds either.
          optionFilterProp="label"
          options={units.map((u) => ({ value: u, label: unitName(u) }))}
        />
        <Select
          allowClear
          placeholder={t('filterProcess')}
          aria-label={t('filterProcess')}
          style={{ width: 220 }}
          value={processKind}
          onChange={setProcessKind}
          options={(state.data?.cat.processes ?? [])
            .filter((p) => readableProcesses.includes(p.process))
            .map((p) => ({ value: p.process, label: pick(p.processLabel) }))}
          data-testid="process-filter"
        />
        <Segmented<Period>
          aria-label={t('periodBy')}
          data-testid="period-by"
          value={period}
          onChange={setPeriod}
          options={[
            { value: 'departure', label: periodDay },
            { value: 'submission', label: t('periodBySubmission') },
          ]}
        />
        <label>
          {t('periodStart')} <DayField value={from} onChange={setFrom} data-testid="period-from" />
        </label>
        <label>
          {t('periodEnd')} <DayField value={to} onChange={setTo} data-testid="period-to" />
        </label>
        <Button onClick={() => exportAs('csv')} loading={exporting === 'csv'} data-testid="export-csv">
          {t('exportCsv')}
        </Button>
        <Button onClick={() => exportAs('xlsx')} loading={exporting === 'xlsx'} data-testid="export-xlsx">
          {t('exportXlsx')}
        </Button>
      </Space>
      {exportError ? <Alert type="error" showIcon role="alert" style={{ marginBottom: 16 }} title={errText(exportError)} /> : null}
      {state.error instanceof ApiError && state.error.errors.length > 0 ? (
        // A refused filter: the API's rule for each field, in the user's language.
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="filter-error"
          title={errText(state.error)}
          description={
            <ul>
              {state.error.errors.map((e) => (
                <li key={e.field + e.rule}>{fieldErrorText(lang, e)}</li>
              ))}
            </ul>
          }
        />
      ) : (
        <Loaded state={state}>
          {({ board, cat }) => {
            const open = board.inFlight.items;
            // A trip's own figures (departed, the 22 days, the trip reports' outcomes), null where the API counts no trip:
            // under an APEC process's filter, or for a viewer who reads no trip (trial 73: the APEC filter showed 已出发团组 0).
            const d = board.analytics.departures;
            const o = board.analytics.outcomes;
            const share = d?.shareWithin22Days == null ? null : Math.round(100 * d.shareWithin22Days);
            const phases = Object.keys(board.byPhase);
            // The processes counted: each its own bar segment, each phase named in every one's words (trial 70: a card
            // application's 经济体预审 counted under 签证办理 alone).
            // In the catalog's order, so a process keeps its colour from one load to the next (trial 71: they swapped).
            // With no case counted yet, the processes the viewer reads (trial 75: the desk's empty board read a trip's phases).
            const readable = cat.processes.map((x) => x.process).filter((pr) => readableProcesses.includes(pr));
            const withCases = readable.filter((pr) => board.byProcessPhase?.[pr] !== undefined);
            const counted = processKind ? [processKind] : withCases.length > 0 ? withCases : readable;
            const processName = (pr: string) => {
              const name = cat.processes.find((x) => x.process === pr)?.processLabel;
              return name ? pick(name) : pr;
            };
            const byPhase: EChartsOption = {
              animation: false,
              tooltip: {},
              ...(counted.length > 1 ? { legend: { top: 0 } } : {}),
              grid: { left: 40, right: 10, top: counted.length > 1 ? 30 : 10, bottom: 40 },
              xAxis: {
                type: 'category',
                // Each phase in the words of the counted processes that have it (a whitelist filing has no 签证办理: trial 75).
                data: phases.map((p) => {
                  const having = counted.filter((pr) => cat.phasesByProcess?.[pr]?.[p]);
                  return having.length === 0
                    ? phaseText(cat, p, undefined, pick)
                    : [...new Set(having.map((pr) => phaseText(cat, p, pr, pick)))].join(' / ');
                }),
                axisLabel: { interval: 0, rotate: 20 },
              },
              yAxis: { type: 'value', minInterval: 1 },
              series:
                counted.length > 1
                  ? counted.map((pr) => ({
                      type: 'bar' as const,
                      stack: 'cases',
                      name: processName(pr),
                      data: phases.map((p) => board.byProcessPhase?.[pr]?.[p] ?? 0),
                    }))
                  : [{ type: 'bar', data: phases.map((p) => board.byPhase[p] ?? 0), itemStyle: { color: '#1677ff' } }],
            };
            const dist = (departures: NonNullable<typeof d>): EChartsOption => ({
              animation: false,
              tooltip: {},
              grid: { left: 40, right: 10, top: 10, bottom: 30 },
              xAxis: {
                type: 'category',
                data: departures.distribution.map((b) => (b.toDays === null ? `${b.fromDays}+` : `${b.fromDays}-${b.toDays}`)),
              },
              yAxis: { type: 'value', minInterval: 1 },
              series: [
                {
                  type: 'bar',
                  data: departures.distribution.map((b) => ({
                    value: b.count,
                    itemStyle: { color: b.toDays !== null && b.toDays <= HEADLINE_DAYS ? '#52c41a' : '#fa8c16' },
                  })),
                },
              ],
            });
            // Steps with working days to draw, or why none (stepTimesView: no step done, or none took working time).
            const { rows: lost, empty: lostEmpty } = stepTimesView(board.analytics.stepTimes);
            const lostOpt: EChartsOption = {
              animation: false,
              tooltip: {},
              grid: { left: 60, right: 20, top: 10, bottom: 30 },
              yAxis: { type: 'category', data: lost.map((s) => s.code), inverse: true },
              xAxis: { type: 'value' },
              series: [
                {
                  type: 'bar',
                  data: lost.map((s) => ({ value: s.totalWd, name: s.name ? `${s.code} ${pick(s.name)}` : s.code })),
                  itemStyle: { color: '#fa541c' },
                },
              ],
            };
            const overdueOpt: EChartsOption = {
              animation: false,
              tooltip: {},
              grid: { left: 120, right: 20, top: 10, bottom: 30 },
              yAxis: {
                type: 'category',
                data: board.overdue.byRole.map((r) => (r.label ? pick(r.label) : label(cat.roles, r.role, pick))),
                inverse: true,
              },
              xAxis: { type: 'value', minInterval: 1 },
              series: [{ type: 'bar', data: board.overdue.byRole.map((r) => r.count), itemStyle: { color: '#f5222d' } }],
            };
            return (
              <Space orientation="vertical" size="large" style={{ width: '100%' }}>
                <Row gutter={16}>
                  <Col span={6}>
                    <Statistic
                      title={t('atRisk')}
                      value={board.atRisk.total}
                      valueStyle={{ color: '#cf1322' }}
                      data-testid="stat-at-risk"
                    />
                  </Col>
                  {d ? (
                    <>
                      <Col span={6}>
                        <Statistic title={t('departed')} value={d.departed} data-testid="stat-departed" />
                      </Col>
                      <Col span={6}>
                        <Statistic title={t('within22')} value={share ?? '—'} suffix={share === null ? undefined : '%'} />
                      </Col>
                      <Col span={6}>
                        <Statistic title={t('median')} value={d.medianDays ?? '—'} />
                      </Col>
                    </>
                  ) : null}
                </Row>
                <Card title={`${t('rankedBySlack')} (${board.inFlight.total})`} size="small">
                  <Table<CaseLine>
                    size="small"
                    rowKey="caseId"
                    dataSource={open}
                    pagination={{ pageSize: 10 }}
                    locale={{ emptyText: t('empty') }}
                    rowClassName={(c) => (c.atRisk ? 'at-risk' : '')}
                    columns={[
                      {
                        title: t('title'),
                        dataIndex: 'title',
                        render: (v: string, c) => <CaseLink caseId={c.caseId}>{v}</CaseLink>,
                      },
                      { title: t('unit'), dataIndex: 'unit', render: (u: string) => unitName(u) },
                      { title: t('phase'), dataIndex: 'phase', render: (p: string, r: CaseLine) => phaseText(cat, p, r.process, pick) },
                      targetDayColumn(open, { t, pick }),
                      // The forecast ready date beside the departure (forty-third trial: only the case page had it).
                      // A preparation done says so, as the case page's 准备就绪日期 (trial 83: a past 预计 day beside a
                      // negative slack, only E07 waiting).
                      {
                        title: t('forecastReady'),
                        dataIndex: 'forecastReadyDate',
                        render: (v: string | null, c) =>
                          v === null ? (
                            '—'
                          ) : c.prepared ? (
                            <span data-testid="forecast-prepared">
                              {v} <Tag color={TAG.green}>{t('preparedTag')}</Tag>
                            </span>
                          ) : (
                            v
                          ),
                      },
                      {
                        title: t('slack'),
                        dataIndex: 'slackWd',
                        render: (v: number | null, c) => (
                          <SlackCell slackWd={v} atRisk={c.atRisk} provisionalCalendar={c.provisionalCalendar} />
                        ),
                      },
                      { title: t('criticalStep'), dataIndex: 'criticalStep', render: (v: string | null) => v ?? '—' },
                    ]}
                  />
                </Card>
                <Row gutter={16}>
                  <Col span={12}>
                    <Card title={t('countsByPhase')} size="small">
                      <Chart option={byPhase} height={260} label={t('countsByPhase')} />
                    </Card>
                  </Col>
                  <Col span={12}>
                    <Card title={t('overdueByRole')} size="small">
                      {board.overdue.byRole.some((r) => r.count > 0) ? (
                        <Chart option={overdueOpt} height={260} label={t('overdueByRole')} />
                      ) : (
                        <Empty description={t('overdueNone')} style={{ height: 240, paddingTop: 60 }} data-testid="overdue-empty" />
                      )}
                    </Card>
                  </Col>
                </Row>
                <Row gutter={16}>
                  <Col span={12}>
                    <Card title={t('daysLost')} size="small">
                      {lostEmpty ? (
                        <Empty
                          description={t(lostEmpty === 'none' ? 'stepTimesNone' : 'stepTimesZero')}
                          style={{ height: 280, paddingTop: 80 }}
                          data-testid="step-times-empty"
                        />
                      ) : (
                        <Chart option={lostOpt} height={320} label={t('daysLost')} />
                      )}
                    </Card>
                  </Col>
                  {d ? (
                    <Col span={12}>
                      <Card title={`${t('departures')} · ${t('within22')} ${share === null ? '—' : `${share}%`}`} size="small">
                        {d.distribution.some((b) => b.count > 0) ? (
                          <Chart option={dist(d)} height={320} label={t('departures')} />
                        ) : (
                          <Empty description={t('departuresNone')} style={{ height: 280, paddingTop: 80 }} data-testid="departures-empty" />
                        )}
                      </Card>
                    </Col>
                  ) : null}
                </Row>
                {o ? (
                  <Card title={t('outcomes')} size="small" data-testid="trip-outcomes">
                    <Row gutter={16}>
                      {(
                        [
                          ['reportsFiled', o.reportsFiled],
                          ['investment', o.investmentSignedYuan],
                          ['trade', o.tradeSignedYuan],
                          ['events', o.promotionEvents],
                        ] as const
                      ).map(([title, value]) => (
                        <Col span={6} key={title}>
                          <Statistic title={t(title)} value={value} />
                        </Col>
                      ))}
                    </Row>
                  </Card>
                ) : null}
              </Space>
            );
          }}
        </Loaded>
      )}
    </>
  );
}
