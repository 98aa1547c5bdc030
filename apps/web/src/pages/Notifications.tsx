import { List, Tag, Typography } from 'antd';
import { api, type InboxItem } from '../api';
import { fmtDateTime, Loaded, useLoad, TAG } from '../common';
import { useT, type LabelKey } from '../i18n';
import { navigate } from '../router';

export interface Notification {
  kind: 'overdue' | 'blocked' | 'dueSoon';
  item: InboxItem;
}

/** A step is due soon when its latest start is within a day (calendar) from now. */
export const DUE_SOON_MS = 24 * 3600 * 1000;

/**
 * The user's notifications, derived from what waits for them (GET /api/inbox): overdue steps, blocked
 * steps (e.g. a missing document's deadline passed) and steps whose latest start is near.
 */
export function notificationsOf(items: InboxItem[], now: number): Notification[] {
  const out: Notification[] = [];
  for (const item of items) {
    if (item.status === 'overdue') out.push({ kind: 'overdue', item });
    else if (item.status === 'blocked') out.push({ kind: 'blocked', item });
    else if (item.latestStartAt && Date.parse(item.latestStartAt) - now < DUE_SOON_MS) out.push({ kind: 'dueSoon', item });
  }
  return out;
}

const KIND: Record<Notification['kind'], [LabelKey, string]> = {
  overdue: ['notifOverdue', TAG.red],
  blocked: ['notifBlocked', TAG.orange],
  dueSoon: ['notifDueSoon', TAG.gold],
};

export function NotificationsPage() {
  const { t, pick } = useT();
  const state = useLoad(
    () => api<{ items: InboxItem[] }>('GET', '/api/inbox?pageSize=200').then((r) => notificationsOf(r.items, Date.now())),
    [],
  );
  return (
    <>
      <Typography.Title level={2}>{t('notifications')}</Typography.Title>
      <Loaded state={state}>
        {(list) => (
          <List
            locale={{ emptyText: t('notificationsEmpty') }}
            dataSource={list}
            renderItem={(n) => (
              <List.Item>
                <Tag color={KIND[n.kind][1]}>{t(KIND[n.kind][0])}</Tag>
                <a
                  href={`/cases/${n.item.caseId}`}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(`/cases/${n.item.caseId}`);
                  }}
                >
                  {n.item.title} · {n.item.stepKey} {pick(n.item.name)}
                </a>
                <span>
                  {t('latestStart')}: {fmtDateTime(n.item.latestStartAt)}
                </span>
              </List.Item>
            )}
          />
        )}
      </Loaded>
    </>
  );
}
