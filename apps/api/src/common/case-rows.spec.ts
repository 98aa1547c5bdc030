import type { Repository } from 'typeorm';
import type { CaseEntity } from '@df/persistence';
import { CaseRows, type CaseRow } from './case-rows';

/** A repository answering findOne from a table, counting the reads (the SQL itself is TypeORM's). */
function repository(rows: Record<string, CaseRow>, failFirst = false) {
  let reads = 0;
  const repo = {
    findOne: async ({ where }: { where: { caseId: string } }) => {
      reads++;
      if (failFirst && reads === 1) throw new Error('connection lost');
      return rows[where.caseId] ?? null;
    },
  };
  return { repo: repo as unknown as Repository<CaseEntity>, reads: () => reads };
}

const row: CaseRow = {
  caseId: 'c1',
  unit: 'U1',
  supervisingDepartment: null,
  status: 'open',
  phase: 'prepare',
  definitionVersion: '2027.2',
  organizers: ['organizer.u1'],
};

describe('CaseRows: the case row read once per request', () => {
  it('answers the guard, the service and the masking of one request from one read', async () => {
    const { repo, reads } = repository({ c1: row });
    const rows = new CaseRows(repo);
    const req = {};
    await expect(rows.read('c1', req)).resolves.toEqual(row);
    await expect(rows.read('c1', req)).resolves.toEqual(row);
    await expect(rows.read('c1', req)).resolves.toEqual(row);
    expect(reads()).toBe(1);
  });

  it('reads again for another request, another case, or without a request', async () => {
    const { repo, reads } = repository({ c1: row });
    const rows = new CaseRows(repo);
    const req = {};
    await rows.read('c1', req);
    await rows.read('c1', {});
    await expect(rows.read('c2', req)).resolves.toBeNull();
    await rows.read('c1');
    await rows.read('c1');
    expect(reads()).toBe(5);
  });

  it('does not keep a failed read: the next asker of the same request reads again', async () => {
    const { repo, reads } = repository({ c1: row }, true);
    const rows = new CaseRows(repo);
    const req = {};
    await expect(rows.read('c1', req)).rejects.toThrow('connection lost');
    await expect(rows.read('c1', req)).resolves.toEqual(row);
    expect(reads()).toBe(2);
  });
});
