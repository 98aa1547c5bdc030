import { DataSource } from 'typeorm';
import { delegationWorkflowId, progressQuery } from '@df/contracts';
import { CaseEventEntity } from '@df/persistence';
import { actor, caseInput } from '../support/factories';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';

describe('foundation: a workflow on the real dev server writes to the real PostgreSQL', () => {
  let worker: TestWorker;
  beforeAll(async () => {
    worker = await startTestWorker();
  });
  afterAll(async () => {
    await worker?.stop();
  });

  it('starts a case whose events reach the event store through an activity, and withdraws it', async () => {
    const input = caseInput();
    const handle = await worker.client.workflow.start('delegation', {
      taskQueue: worker.config.taskQueue,
      workflowId: delegationWorkflowId(input.caseId),
      args: [input],
    });
    await eventually(
      () => handle.query(progressQuery),
      (p) => p.lastSeq > 0,
    );
    await handle.executeUpdate('withdraw', {
      args: [{ requestId: 'w1', actor: actor('organizer', input.facts.unit), reason: '计划取消' }],
    });
    expect((await handle.result()).status).toBe('withdrawn');
    const events = await worker.app
      .get(DataSource)
      .getRepository(CaseEventEntity)
      .find({ where: { streamId: input.caseId }, order: { seq: 'ASC' } });
    expect(events[0]).toMatchObject({ seq: 1, type: 'case.submitted', actorRole: 'organizer' });
    expect(events.find((e) => e.type === 'case.closed')).toMatchObject({
      actorRole: 'organizer',
      payload: { status: 'withdrawn', reason: '计划取消' },
    });
  });
});
