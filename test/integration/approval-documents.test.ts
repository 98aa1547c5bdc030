import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { makeFacts } from '@df/domain';
import { ChainActivitiesService } from '../../apps/worker/src/activities/chain.activities';

/** B08's work for `caseId` at case time `at`, as the workflow sends it to the worker. */
const b08 = (caseId: string, at: string) => ({
  caseId,
  key: 'B08',
  code: 'B08',
  system: 'approval-document' as const,
  facts: makeFacts(),
  at,
});

/**
 * The approval document's number (任务批件, B08's system work): one serial per year and one per issue, on the real
 * PostgreSQL. Trial 83: B08 ran three times on one case (two amendments) and each issue read 外任批〔2027〕0001号, three
 * documents of other dates and members under one number.
 */
describe('approval document numbers: one per issue, a retry keeps its own', () => {
  let db: DataSource;
  beforeAll(async () => {
    db = await new DataSource({ type: 'postgres', url: process.env.DATABASE_URL }).initialize();
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('handed input: an issue after an amendment has a number of its own; a retry of an issue answers its number again', async () => {
    const activities = new ChainActivitiesService(db);
    const caseId = randomUUID();
    const issue = async (at: string) => ((await activities.runSystemStep(b08(caseId, at))) as { documentNo: string }).documentNo;
    const first = await issue('2031-03-02T01:00:00.000Z');
    expect(first).toMatch(/^外任批〔2031〕\d{4}号$/);
    // The same run retried (Temporal retries an activity with its input): the same number, no new row.
    expect(await issue('2031-03-02T01:00:00.000Z')).toBe(first);
    // B08 run again after an amendment (a later case time): a new number, the next serial of the year.
    const second = await issue('2031-03-20T01:00:00.000Z');
    expect(second).not.toBe(first);
    const serial = (no: string) => Number(/〕(\d{4})号$/.exec(no)![1]);
    expect(serial(second)).toBeGreaterThan(serial(first));
    // Another case's issue meanwhile takes its own number too.
    const other = ((await activities.runSystemStep(b08(randomUUID(), '2031-03-20T01:00:00.000Z'))) as { documentNo: string }).documentNo;
    expect(new Set([first, second, other]).size).toBe(3);
    const rows: Array<{ n: number }> = await db.query('SELECT count(*)::int AS n FROM approval_documents WHERE case_id = $1', [caseId]);
    expect(rows[0]!.n).toBe(2);
  });
});
