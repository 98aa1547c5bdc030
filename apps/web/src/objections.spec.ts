import { describe, expect, it } from '@jest/globals';
import { mayRecordObjection, noticeRunning } from './objections';

const during = {
  status: 'open',
  steps: [
    { code: 'A06', status: 'done' },
    { code: 'A13', status: 'awaiting' },
  ],
};

describe('public-notice objections (公示异议): who is offered 登记异议, and when', () => {
  it('the notice runs while A13 awaits or is overdue, not before or after', () => {
    expect(noticeRunning(during.steps)).toBe(true);
    expect(noticeRunning([{ code: 'A13', status: 'overdue' }])).toBe(true);
    for (const status of ['pending', 'done', 'blocked', 'skipped']) expect(noticeRunning([{ code: 'A13', status }])).toBe(false);
    expect(noticeRunning([])).toBe(false);
  });

  it("follows the access table's objection row: unit and office roles, not the manager nor the card roles", () => {
    for (const role of ['organizer', 'unit-leader', 'fao-clerk', 'fao-reviewer', 'passport-officer', 'leader'])
      expect({ role, may: mayRecordObjection(role, during) }).toEqual({ role, may: true });
    for (const role of ['manager', 'enterprise-clerk', 'apec-desk', 'admin'])
      expect({ role, may: mayRecordObjection(role, during) }).toEqual({ role, may: false });
  });

  it('not on a case that is no longer open, nor outside the notice', () => {
    expect(mayRecordObjection('organizer', { ...during, status: 'departed' })).toBe(false);
    expect(mayRecordObjection('organizer', { status: 'open', steps: [{ code: 'A13', status: 'pending' }] })).toBe(false);
  });
});
