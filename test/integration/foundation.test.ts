import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { delegationWorkflowId } from '@df/contracts';
import { CaseEventEntity } from '@df/persistence';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';

describe('foundation: a workflow on the real dev server writes to the real PostgreSQL', () => {
  let worker: TestWorker;

  beforeAll(async () => {
    worker = await startTestWorker();
  });
  afterAll(async () => {
    await worker?.stop();
  });

  it('runs a case workflow that appends its events through an activity and is findable by search attribute', async () => {
    const caseId = randomUUID();
    const unit = `unit-${caseId.slice(0, 8)}`;
    const handle = await worker.client.workflow.start('delegation', {
      taskQueue: worker.config.taskQueue,
      workflowId: delegationWorkflowId(caseId),
      args: [{ caseId, unit }],
    });
    expect(await eventually(() => handle.query<string>('status'), (s) => s === 'open')).toBe('open');

    const listed = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const wf of worker.client.workflow.list({ query: `DelegationUnit = '${unit}'` })) ids.push(wf.workflowId);
        return ids;
      },
      (ids) => ids.length > 0,
    );
    expect(listed).toEqual([delegationWorkflowId(caseId)]);

    await handle.signal('withdraw', { reason: 'organizer withdrew' });
    expect(await handle.result()).toBe('withdrawn');

    const events = await worker.app.get(DataSource).getRepository(CaseEventEntity).find({ where: { streamId: caseId }, order: { seq: 'ASC' } });
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'case.submitted'],
      [2, 'case.closed'],
    ]);
    expect(events[1].payload).toMatchObject({ outcome: 'withdrawn', reason: 'organizer withdrew' });
  });
});
