import { Button, Card, Result, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { actionable, api, type InboxItem } from '../api';
import { CaseLink, fmtDateTime, Loaded, ReturnedLine, TAG, targetDayColumn, useLoad, useUnitNames } from '../common';
import { useT, type LabelKey } from '../i18n';
import { navigate } from '../router';
import { ActionDialog, type ActionTarget } from './ActionDialog';
import { DUE_SOON_MS } from './Notifications';

type Group = 'overdue' | 'dueSoon' | 'blocked' | 'others';
const GROUPS: Array<[Group, LabelKey, string]> = [
  ['overdue', 'overdue', TAG.red],
  ['dueSoon', 'dueSoon', TAG.gold],
  ['blocked', 'blocked', TAG.orange],
  ['others', 'others', TAG.blue],
];

/** Overdue and blocked as the API says; due soon: the latest start is less than a day away. */
export function groupOf(item: InboxItem, now: number): Group {
  if (item.status === 'overdue') return 'overdue';
  if (item.status === 'blocked') return 'blocked';
  if (item.latestStartAt && Date.parse(item.latestStartAt) - now < DUE_SOON_MS) return 'dueSoon';
  return 'others';
}

export function InboxPage() {
  const { t, pick } = useT();
  const { unitName } = useUnitNames();
  const [target, setTarget] = useState<ActionTarget | null>(null);
  const state = useLoad(
    () => api<{ items: InboxItem[]; total: number; actorNames?: Record<string, string> }>('GET', '/api/inbox?pageSize=200'),
    [],
    { live: true },
  );
  return (
    <>
      <Typography.Title level={2}>{t('navInbox')}</Typography.Title>
      <Loaded state={state}>
        {(inbox) => {
          const now = Date.now();
          return (
            <Space orientation="vertical" style={{ width: '100%' }} size="large">
              {GROUPS.map(([g, key, colour]) => {
                const rows = inbox.items.filter((i) => groupOf(i, now) === g);
                return (
                  <Card
                    key={g}
                    size="small"
                    title={
                      <span>
                        <Tag color={colour}>{t(key)}</Tag>
                        {rows.length}
                      </span>
                    }
                    data-testid={`group-${g}`}
                  >
                    <Table<InboxItem>
                      size="small"
                      rowKey={(i) => `${i.caseId}/${i.stepKey}`}
                      dataSource={rows}
                      pagination={false}
                      locale={{ emptyText: t('empty') }}
                      columns={[
                        {
                          title: t('title'),
                          dataIndex: 'title',
                          render: (v: string, i) => <CaseLink caseId={i.caseId}>{v}</CaseLink>,
                        },
                        { title: t('unit'), dataIndex: 'unit', render: (u: string) => unitName(u) },
                        {
                          title: t('step'),
                          dataIndex: 'stepKey',
                          render: (k: string, i) => (
                            <Space orientation="vertical" size={0}>
                              <span>
                                {k} {pick(i.name)}
                                {/* Whose step (trial 76: A11:m1 by its member's id alone). */}
                                {i.memberName ? <Typography.Text type="secondary"> · {i.memberName}</Typography.Text> : null}{' '}
                                {i.onBehalf ? <Tag color={TAG.purple}>{t('onBehalf')}</Tag> : null}
                              </span>
                              {/* Who sent it back and why, before the dialog is opened (trial 71: the row said nothing). */}
                              {i.returnedBy ? (
                                <ReturnedLine by={i.returnedBy} names={inbox.actorNames} testId={`returned-${i.stepKey}`} />
                              ) : null}
                            </Space>
                          ),
                        },
                        { title: t('latestStart'), dataIndex: 'latestStartAt', render: (v: string | null) => fmtDateTime(v) },
                        { title: t('dueAt'), dataIndex: 'dueAt', render: (v: string | null) => fmtDateTime(v) },
                        targetDayColumn(inbox.items, { t, pick }),
                        {
                          title: t('act'),
                          key: 'act',
                          render: (_: unknown, i) => (
                            <Space orientation="vertical" size={4}>
                              {i.blockedFor ? (
                                // The reason; no button when the action would be refused (another officer of the role
                                // takes it, or the document is supplied), the button too when it may still be decided.
                                <Typography.Text
                                  type={i.blockedFor.code === 'SELF_APPROVAL' ? 'danger' : 'secondary'}
                                  data-testid={`blocked-for-${i.stepKey}`}
                                >
                                  {pick(i.blockedFor.message)}
                                </Typography.Text>
                              ) : null}
                              {actionable(i) ? (
                                <Button
                                  type="primary"
                                  size="small"
                                  disabled={i.status === 'blocked'}
                                  data-testid={`act-${i.stepKey}`}
                                  onClick={() =>
                                    setTarget({
                                      caseId: i.caseId,
                                      stepKey: i.stepKey,
                                      code: i.code,
                                      name: i.name,
                                      kind: i.kind,
                                      onBehalf: i.onBehalf,
                                    })
                                  }
                                >
                                  {i.kind === 'approval' ? t('decide') : t('complete')}
                                </Button>
                              ) : null}
                            </Space>
                          ),
                        },
                      ]}
                    />
                  </Card>
                );
              })}
            </Space>
          );
        }}
      </Loaded>
      <ActionDialog
        target={target}
        onClose={() => setTarget(null)}
        onDone={() => {
          setTarget(null);
          state.reload();
        }}
      />
    </>
  );
}

/**
 * The manager's /inbox (a bookmark, a link from a colleague): the manager reads every case and decides none, so no
 * step ever waits for them. An empty inbox would look like a fault; this page says why and leads to the board.
 */
export function ManagerInboxPage() {
  const { t } = useT();
  return (
    <>
      <Typography.Title level={2}>{t('navInbox')}</Typography.Title>
      <Result
        status="info"
        title={t('managerNoInbox')}
        subTitle={t('managerNoInboxText')}
        data-testid="manager-inbox"
        extra={[
          <Button key="board" type="primary" onClick={() => navigate('/board')}>
            {t('goToBoard')}
          </Button>,
          <Button key="cases" onClick={() => navigate('/cases')}>
            {t('seeAllCases')}
          </Button>,
        ]}
      />
    </>
  );
}
