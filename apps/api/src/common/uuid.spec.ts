import { randomUUID } from 'node:crypto';
import { isUuid } from './uuid';

describe('isUuid: a ledger id in a path, told apart from a passport or card number', () => {
  it('takes a UUID in either letter case, and nothing else', () => {
    const id = randomUUID();
    expect(isUuid(id)).toBe(true);
    expect(isUuid(id.toUpperCase())).toBe(true);
    for (const other of ['SE1234567', 'b3391084', `${id}x`, ` ${id}`, id.replaceAll('-', ''), ''])
      expect([other, isUuid(other)]).toEqual([other, false]);
  });
});
