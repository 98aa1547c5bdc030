import { Button, Card, Col, Input, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { EChartsOption } from 'echarts';
import { useMemo, useState } from 'react';
import { api, catalog, type CaseSummary } from '../api';
import { Chart } from '../Chart';
import { label, Loaded, useLoad, TAG } from '../common';
import { useT, type Bilingual } from '../i18n';
import { navigate } from '../router';

interface Dashboard {
  inFlight: {
    total: number;
    items: Array<{
      caseId: string;
      title: string;
      unit: string;
      phase: string;
      departureDate: string;
      forecastReadyDate: string | null;
      slackWd: number | null;
      atRisk: boolean;
      criticalStep: string | null;
      provisionalCalendar?: boolean;
    }>;
  };
  byPhase: Record<string, number>;
  atRisk: { total: number };
  overdue: { total: number; byRole: Array<{ role: string; label: Bilingual | null; count: number }> };
  analytics: {
    departures: {
      departed: number;
      medianDays: number | null;
      p90Days: number | null;
      within22Days: number;
      shareWithin22Days: number | null;
    };
    stepTimes: Array<{ code: string; name: Bilingual | null; count: number; totalWd: number; meanWd: number }>;
    outcomes: { reportsFiled: number; investmentSignedYuan: number; tradeSignedYuan: number; promotionEvents: number };
  };
}

/** Calendar days from submission (Shanghai date) to departure. */
const daysToDeparture = (c: CaseSummary): number => {
  const submitted = new Date(Date.parse(c.submittedAt) + 8 * 3600_000).toISOString().slice(0, 10);
  return Math.round((Date.parse(c.departureDate) - Date.parse(submitted)) / 86_400_000);
};

/** RFC 4180 CSV with a BOM, so spreadsheet programs read the Chinese titles right. */
export function toCsv(header: string[], rows: Array<Array<string | number | null>>): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return '\ufeff' + [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export default function BoardPage() {
  const { t, pick } = useT();
  const [unit, setUnit] = useState<string | undefined>();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const state = useLoad(async () => {
    const q = new URLSearchParams({ pageSize: '100', sort: 'slack' });
    if (unit) q.set('unit', unit);
    if (from) q.set('departureFrom', from);
    if (to) q.set('departureTo', to);
    const [board, cases, cat] = await Promise.all([
      api<Dashboard>('GET', '/api/dashboard?limit=200'),
      api<{ items: CaseSummary[]; total: number }>('GET', `/api/delegations?${q}`),
      catalog(),
    ]);
    return { board, cases: cases.items, cat };
  }, [unit, from, to]);
  const units = useMemo(() => [...new Set((state.data?.board.inFlight.items ?? []).map((i) => i.unit))].sort(), [state.data]);

  return (
    <>
      <Typography.Title level={2}>{t('navBoard')}</Typography.Title>
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          allowClear
          placeholder={t('filterUnit')}
          aria-label={t('filterUnit')}
          style={{ width: 200 }}
          value={unit}
          onChange={setUnit}
          options={units.map((u) => ({ value: u, label: u }))}
        />
        <label>
          {t('periodFrom')} <Input type="date" style={{ width: 160 }} value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('periodTo')} <Input type="date" style={{ width: 160 }} value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
      </Space>
      <Loaded state={state}>
        {({ board, cases, cat }) => {
          const open = cases.filter((c) => c.status === 'open').sort((a, b) => (a.slackWd ?? 1e9) - (b.slackWd ?? 1e9));
          const departed = cases.filter((c) => c.status === 'departed' || c.status === 'completed');
          const days = departed.map(daysToDeparture);
          const within22 = days.filter((d) => d <= 22).length;
          const buckets = [0, 7, 14, 22, 30, 45, 60, 90];
          const hist = buckets.map((b, i) => days.filter((d) => d >= b && (i === buckets.length - 1 || d < buckets[i + 1]!)).length);
          const phases = Object.keys(board.byPhase);
          const byPhase: EChartsOption = {
            animation: false,
            tooltip: {},
            grid: { left: 40, right: 10, top: 10, bottom: 40 },
            xAxis: { type: 'category', data: phases.map((p) => label(cat.phases, p, pick)), axisLabel: { interval: 0, rotate: 20 } },
            yAxis: { type: 'value', minInterval: 1 },
            series: [{ type: 'bar', data: phases.map((p) => cases.filter((c) => c.phase === p).length), itemStyle: { color: '#1677ff' } }],
          };
          const dist: EChartsOption = {
            animation: false,
            tooltip: {},
            grid: { left: 40, right: 10, top: 10, bottom: 30 },
            xAxis: { type: 'category', data: buckets.map((b, i) => (i === buckets.length - 1 ? `${b}+` : `${b}-${buckets[i + 1]! - 1}`)) },
            yAxis: { type: 'value', minInterval: 1 },
            series: [
              { type: 'bar', data: hist.map((n, i) => ({ value: n, itemStyle: { color: buckets[i]! < 22 ? '#52c41a' : '#fa8c16' } })) },
            ],
          };
          const lost = board.analytics.stepTimes.slice(0, 15);
          const lostOpt: EChartsOption = {
            animation: false,
            tooltip: {},
            grid: { left: 60, right: 20, top: 10, bottom: 30 },
            yAxis: { type: 'category', data: lost.map((s) => s.code), inverse: true },
            xAxis: { type: 'value' },
            series: [{ type: 'bar', data: lost.map((s) => s.totalWd), itemStyle: { color: '#fa541c' } }],
          };
          const overdueOpt: EChartsOption = {
            animation: false,
            tooltip: {},
            grid: { left: 120, right: 20, top: 10, bottom: 30 },
            yAxis: { type: 'category', data: board.overdue.byRole.map((r) => (r.label ? pick(r.label) : r.role)), inverse: true },
            xAxis: { type: 'value', minInterval: 1 },
            series: [{ type: 'bar', data: board.overdue.byRole.map((r) => r.count), itemStyle: { color: '#f5222d' } }],
          };
          const exportCsv = () => {
            const csv = toCsv(
              [t('title'), t('unit'), t('phase'), t('departure'), t('forecastReady'), t('slack'), t('atRisk'), t('criticalStep')],
              open.map((c) => [
                c.title,
                c.unit,
                label(cat.phases, c.phase, pick),
                c.departureDate,
                c.forecastReadyAt?.slice(0, 10) ?? null,
                c.slackWd,
                c.atRisk ? t('yes') : t('no'),
                c.criticalStep,
              ]),
            );
            const a = document.createElement('a');
            a.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
            a.download = 'board.csv';
            a.click();
          };
          const o = board.analytics.outcomes;
          return (
            <Space orientation="vertical" size="large" style={{ width: '100%' }}>
              <Row gutter={16}>
                <Col span={6}>
                  <Statistic title={t('atRisk')} value={open.filter((c) => c.atRisk).length} valueStyle={{ color: '#cf1322' }} />
                </Col>
                <Col span={6}>
                  <Statistic title={t('departed')} value={departed.length} />
                </Col>
                <Col span={6}>
                  <Statistic title={t('within22')} value={days.length ? (100 * within22) / days.length : 0} precision={0} suffix="%" />
                </Col>
                <Col span={6}>
                  <Statistic title={t('median')} value={board.analytics.departures.medianDays ?? '—'} />
                </Col>
              </Row>
              <Card
                title={t('rankedBySlack')}
                size="small"
                extra={
                  <Button onClick={exportCsv} data-testid="export-csv">
                    {t('exportCsv')}
                  </Button>
                }
              >
                <Table<CaseSummary>
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
                      render: (v: string, c) => (
                        <a
                          href={`/cases/${c.caseId}`}
                          onClick={(e) => {
                            e.preventDefault();
                            navigate(`/cases/${c.caseId}`);
                          }}
                        >
                          {v}
                        </a>
                      ),
                    },
                    { title: t('unit'), dataIndex: 'unit' },
                    { title: t('phase'), dataIndex: 'phase', render: (p: string) => label(cat.phases, p, pick) },
                    { title: t('departure'), dataIndex: 'departureDate' },
                    {
                      title: t('slack'),
                      dataIndex: 'slackWd',
                      render: (v: number | null, c) =>
                        v === null ? (
                          '—'
                        ) : (
                          <>
                            <Tag color={c.atRisk ? TAG.red : TAG.green} data-testid={c.atRisk ? 'at-risk' : undefined}>
                              {v.toFixed(1)} {c.atRisk ? t('atRisk') : t('onTrack')}
                            </Tag>
                            {c.provisionalCalendar ? <Tag title={t('provisionalHint')}>{t('provisional')}</Tag> : null}
                          </>
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
                    <Chart option={overdueOpt} height={260} label={t('overdueByRole')} />
                  </Card>
                </Col>
              </Row>
              <Row gutter={16}>
                <Col span={12}>
                  <Card title={t('daysLost')} size="small">
                    <Chart option={lostOpt} height={320} label={t('daysLost')} />
                  </Card>
                </Col>
                <Col span={12}>
                  <Card
                    title={`${t('departures')} · ${t('within22')} ${days.length ? Math.round((100 * within22) / days.length) : 0}%`}
                    size="small"
                  >
                    <Chart option={dist} height={320} label={t('departures')} />
                  </Card>
                </Col>
              </Row>
              <Card title={t('outcomes')} size="small">
                <Row gutter={16}>
                  <Col span={6}>
                    <Statistic title={t('reportsFiled')} value={o.reportsFiled} />
                  </Col>
                  <Col span={6}>
                    <Statistic title={t('investment')} value={o.investmentSignedYuan} />
                  </Col>
                  <Col span={6}>
                    <Statistic title={t('trade')} value={o.tradeSignedYuan} />
                  </Col>
                  <Col span={6}>
                    <Statistic title={t('events')} value={o.promotionEvents} />
                  </Col>
                </Row>
              </Card>
            </Space>
          );
        }}
      </Loaded>
    </>
  );
}
