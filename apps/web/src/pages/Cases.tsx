import { Button, Input, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, catalog, type CaseSummary, type Session } from '../api';
import { CaseLink, Loaded, phaseText, TAG, targetDayColumn, useLoad, useUnitNames } from '../common';
import { useT, type LabelKey } from '../i18n';
import { navigate } from '../router';
import { countsDown } from '../case-figures';
import { SlackCell } from './SlackCell';

/**
 * The organizer's status groups over the case list's status, phase and `returnedForRevision` (the API's: an
 * organizer step reopened by a return). A returned case is in that group only, not also in progress.
 */
const GROUPS: Array<[string, LabelKey, (c: CaseSummary) => boolean]> = [
  ['all', 'groupAll', () => true],
  ['progress', 'groupInProgress', (c) => c.status === 'open' && !c.returnedForRevision && (c.phase === 'prepare' || c.phase === 'review')],
  ['returned', 'groupReturned', (c) => c.status === 'open' && !!c.returnedForRevision],
  ['approved', 'groupApproved', (c) => c.status === 'open' && !c.returnedForRevision && c.phase !== 'prepare' && c.phase !== 'review'],
  ['departed', 'groupDeparted', (c) => c.status === 'departed'],
  ['closed', 'groupClosed', (c) => c.status !== 'open' && c.status !== 'departed'],
];

export function CasesPage({ session }: { session: Session }) {
  const { t, pick, code } = useT();
  const { unitName } = useUnitNames();
  const [group, setGroup] = useState('all');
  const [q, setQ] = useState('');
  // The search runs on the server (title, unit, case id) over every case, not just the loaded page.
  const [search, setSearch] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setSearch(q.trim()), 300);
    return () => clearTimeout(timer);
  }, [q]);
  const state = useLoad(
    async () => {
      const query = new URLSearchParams({ pageSize: '100', sort: 'departure' });
      if (search) query.set('q', search);
      const [list, cat] = await Promise.all([api<{ items: CaseSummary[]; total: number }>('GET', `/api/delegations?${query}`), catalog()]);
      return { list, cat };
    },
    [search],
    { live: true },
  );
  const organizer = session.user.role === 'organizer';
  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={2}>{organizer ? t('navCases') : t('navAllCases')}</Typography.Title>
        {organizer ? (
          <Button type="primary" onClick={() => navigate('/cases/new')}>
            {t('navNew')}
          </Button>
        ) : null}
      </Space>
      <Space wrap style={{ marginBottom: 16 }}>
        <Segmented
          value={group}
          onChange={(v) => setGroup(String(v))}
          aria-label={t('status')}
          options={GROUPS.map(([value, key]) => {
            const n = state.data?.list.items.filter(GROUPS.find((g) => g[0] === value)![2]).length;
            return { value, label: n === undefined ? t(key) : `${t(key)} (${n})` };
          })}
          data-testid="case-groups"
        />
        <Input.Search
          allowClear
          aria-label={t('searchCases')}
          placeholder={t('searchCases')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          style={{ width: 300 }}
          data-testid="case-search"
        />
      </Space>
      <Loaded state={state}>
        {({ list, cat }) => {
          const filter = GROUPS.find((g) => g[0] === group)![2];
          const rows = list.items.filter(filter);
          return (
            <Table<CaseSummary>
              rowKey="caseId"
              dataSource={rows}
              locale={{ emptyText: t('empty') }}
              pagination={{ pageSize: 20 }}
              columns={[
                {
                  title: t('title'),
                  dataIndex: 'title',
                  render: (v: string, c) => <CaseLink caseId={c.caseId}>{v}</CaseLink>,
                },
                { title: t('unit'), dataIndex: 'unit', render: (u: string) => unitName(u) },
                {
                  title: t('status'),
                  dataIndex: 'status',
                  render: (s: string, c) => (
                    <>
                      <Tag>{code('st_', s)}</Tag>
                      {c.returnedForRevision ? (
                        <Tag color={TAG.purple} data-testid="returned-tag">
                          {t('groupReturned')}
                        </Tag>
                      ) : null}
                    </>
                  ),
                },
                { title: t('phase'), dataIndex: 'phase', render: (p: string, r: CaseSummary) => phaseText(cat, p, r.process, pick) },
                targetDayColumn(list.items, { t, pick }),
                {
                  title: t('slack'),
                  dataIndex: 'slackWd',
                  render: (v: number | null, c) => (
                    <SlackCell
                      slackWd={v}
                      atRisk={c.atRisk}
                      provisionalCalendar={c.provisionalCalendar}
                      // A departed case too: its slack to departure is spent (it would read negative), as on the case page.
                      closed={!countsDown(c.status)}
                    />
                  ),
                },
                { title: t('criticalStep'), dataIndex: 'criticalStep', render: (v: string | null) => v ?? '—' },
              ]}
            />
          );
        }}
      </Loaded>
    </>
  );
}
