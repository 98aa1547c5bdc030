import { describe, expect, it } from '@jest/globals';
import { fmtDateTime } from './datetime';

describe('fmtDateTime: an instant in Beijing time, written as the office writes dates', () => {
  it('is YYYY-MM-DD HH:mm in Asia/Shanghai, day boundaries included', () => {
    expect(fmtDateTime('2026-12-02T01:00:00Z')).toBe('2026-12-02 09:00');
    expect(fmtDateTime('2026-12-01T16:30:00.000Z')).toBe('2026-12-02 00:30');
    expect(fmtDateTime('2027-03-15T09:00:00+08:00')).toBe('2027-03-15 09:00');
  });

  it('is a dash when there is no instant or it cannot be read', () => {
    expect([fmtDateTime(null), fmtDateTime(undefined), fmtDateTime(''), fmtDateTime('soon')]).toEqual(['—', '—', '—', '—']);
  });
});
