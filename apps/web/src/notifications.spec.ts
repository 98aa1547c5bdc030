import { describe, expect, it } from '@jest/globals';
import type { InboxItem } from './api';
import { notificationsOf } from './notifications';

const NOW = Date.parse('2026-12-02T08:00:00+08:00');
const item = (over: Partial<InboxItem>): InboxItem =>
  ({ caseId: 'c', stepKey: 'A02', status: 'awaiting', dueAt: null, latestStartAt: null, ...over }) as InboxItem;

describe('notifications: the label matches the date beside it', () => {
  it('an overdue step shows its due time, past, not a latest start months away (trial)', () => {
    const [n] = notificationsOf(
      [item({ status: 'overdue', dueAt: '2026-11-30T09:00:00+08:00', latestStartAt: '2027-03-01T09:00:00+08:00' })],
      NOW,
    );
    expect(n).toMatchObject({ kind: 'overdue', when: { label: 'dueAt', at: '2026-11-30T09:00:00+08:00' } });
  });

  it('is overdue only when past due; a due-soon or blocked step shows its latest start', () => {
    expect(notificationsOf([item({ status: 'overdue', dueAt: '2026-12-20T09:00:00+08:00' })], NOW)).toEqual([]);
    const soon = '2026-12-02T18:00:00+08:00';
    expect(notificationsOf([item({ latestStartAt: soon })], NOW)).toMatchObject([
      { kind: 'dueSoon', when: { label: 'latestStart', at: soon } },
    ]);
    expect(notificationsOf([item({ status: 'blocked', latestStartAt: soon })], NOW)).toMatchObject([
      { kind: 'blocked', when: { label: 'latestStart', at: soon } },
    ]);
    expect(notificationsOf([item({ latestStartAt: '2027-03-01T09:00:00+08:00' })], NOW)).toEqual([]);
  });

  it("on a time scale, against the case's own clock (forty-seventh trial: the inbox said 已超期 and no notice came)", () => {
    const due = '2026-12-20T09:00:00+08:00'; // ahead of the reader's clock, behind the case's
    const caseNow = '2027-01-05T09:00:00+08:00';
    expect(notificationsOf([item({ status: 'overdue', dueAt: due, caseNow })], NOW)).toMatchObject([
      { kind: 'overdue', when: { label: 'dueAt', at: due } },
    ]);
    expect(notificationsOf([item({ latestStartAt: '2027-01-05T18:00:00+08:00', caseNow })], NOW)).toMatchObject([{ kind: 'dueSoon' }]);
  });
});

describe('a step a return sent back (trial 65: noticed only in the inbox)', () => {
  const returnedBy = { stepKey: 'A10', comment: '预算表缺住宿标准', at: '2026-12-01T10:00:00+08:00' };
  it('is noticed with the return’s time; overdue and blocked come first, due soon after', () => {
    expect(notificationsOf([item({ returnedBy, latestStartAt: '2026-12-02T18:00:00+08:00' })], NOW)).toMatchObject([
      { kind: 'returned', when: { label: 'returnedAt', at: returnedBy.at } },
    ]);
    expect(notificationsOf([item({ returnedBy, status: 'blocked' })], NOW)).toMatchObject([{ kind: 'blocked' }]);
    expect(notificationsOf([item({ returnedBy, status: 'overdue', dueAt: '2026-11-30T09:00:00+08:00' })], NOW)).toMatchObject([
      { kind: 'overdue' },
    ]);
    expect(notificationsOf([item({ returnedBy: null })], NOW)).toEqual([]);
  });
});
