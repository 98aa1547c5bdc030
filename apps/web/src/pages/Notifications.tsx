import { List, Tag, Typography } from 'antd';
import { api, type InboxItem } from '../api';
import { notificationsOf, type Notification } from '../notifications';
import { CaseLink, fmtDateTime, Loaded, ReturnedLine, TAG, useLoad } from '../common';
import { useT, type LabelKey } from '../i18n';

export { DUE_SOON_MS, notificationsOf, type Notification } from '../notifications';

const KIND: Record<Notification['kind'], [LabelKey, string]> = {
  overdue: ['notifOverdue', TAG.red],
  blocked: ['notifBlocked', TAG.orange],
  returned: ['notifReturned', TAG.purple],
  dueSoon: ['notifDueSoon', TAG.gold],
};

export function NotificationsPage() {
  const { t, pick, lang } = useT();
  const state = useLoad(
    () =>
      api<{ items: InboxItem[]; actorNames?: Record<string, string> }>('GET', '/api/inbox?pageSize=200').then((r) => ({
        list: notificationsOf(r.items, Date.now()),
        names: r.actorNames,
      })),
    [],
  );
  return (
    <>
      <Typography.Title level={2}>{t('notifications')}</Typography.Title>
      <Loaded state={state}>
        {({ list, names }) => (
          <List
            locale={{ emptyText: t('notificationsEmpty') }}
            dataSource={list}
            renderItem={(n) => (
              <List.Item>
                <Tag color={KIND[n.kind][1]}>{t(KIND[n.kind][0])}</Tag>
                <CaseLink caseId={n.item.caseId}>
                  {n.item.title} · {n.item.stepKey} {pick(n.item.name)}
                </CaseLink>
                {/* Who sent it back and why, as the step's dialog says it atop: on any notice of such a step (one
                    overdue or blocked too is noticed as such, trial 65's kind). */}
                {n.item.returnedBy ? <ReturnedLine by={n.item.returnedBy} names={names} testId="notification-return" /> : null}
                <span data-testid="notification-when">
                  {t(n.when.label)}
                  {lang === 'zh' ? '：' : ': '}
                  {fmtDateTime(n.when.at)}
                </span>
              </List.Item>
            )}
          />
        )}
      </Loaded>
    </>
  );
}
