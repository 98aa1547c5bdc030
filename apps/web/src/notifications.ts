import type { InboxItem } from './api';

export interface Notification {
  kind: 'overdue' | 'blocked' | 'returned' | 'dueSoon';
  item: InboxItem;
  /** The date the notice is about, and its label: an overdue step's due time (past), a return's time, else its latest start. */
  when: { label: 'dueAt' | 'returnedAt' | 'latestStart'; at: string | null };
}

/** A step is due soon when its latest start is within a day (calendar) from now. */
export const DUE_SOON_MS = 24 * 3600 * 1000;

/**
 * The user's notifications, derived from what waits for them (GET /api/inbox): overdue steps, blocked
 * steps (e.g. a missing document's deadline passed), steps a return sent back to them (the item's `returnedBy`, with
 * its reason: trial 65, a return was noticed only in the inbox) and steps whose latest start is near, one notice per
 * step, in that order of precedence. An overdue step is past
 * its own due time (`dueAt`, the step's working days), which its notice shows: its latest start (planned back from
 * the departure) may be months away (trial: 已超期 beside a 最晚开始 months ahead). A step the inbox calls overdue whose
 * due time is still ahead is not said to be overdue.
 */
export function notificationsOf(items: InboxItem[], now: number): Notification[] {
  const out: Notification[] = [];
  const latest = (item: InboxItem) => ({ label: 'latestStart' as const, at: item.latestStartAt });
  for (const item of items) {
    // On a time scale the case's own clock, which its times are in (forty-seventh trial: no notice for 已超期 steps).
    const at = item.caseNow ? Date.parse(item.caseNow) : now;
    const pastDue = !item.dueAt || Date.parse(item.dueAt) <= at;
    if (item.status === 'overdue' && pastDue) out.push({ kind: 'overdue', item, when: { label: 'dueAt', at: item.dueAt } });
    else if (item.status === 'blocked') out.push({ kind: 'blocked', item, when: latest(item) });
    else if (item.returnedBy) out.push({ kind: 'returned', item, when: { label: 'returnedAt', at: item.returnedBy.at } });
    else if (item.latestStartAt && Date.parse(item.latestStartAt) - at < DUE_SOON_MS)
      out.push({ kind: 'dueSoon', item, when: latest(item) });
  }
  return out;
}
