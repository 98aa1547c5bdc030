import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { delegationWorkflowId } from '@df/contracts';
import { caseInput } from '../support/factories';
import { startTestWorker, type TestWorker } from '../support/harness';

/**
 * Any Temporal client can start a `delegation` workflow (`temporal workflow start --type delegation --input …`),
 * bypassing the API's checks. An input the engine cannot run fails the workflow at once with INVALID_INPUT,
 * naming what is wrong: never a workflow task retried forever, never a case that stores nothing (issue 12).
 */
describe('a delegation started with an input the engine cannot run (issue 12: nothing wedges)', () => {
  let worker: TestWorker;
  beforeAll(async () => {
    worker = await startTestWorker();
  });
  afterAll(async () => {
    await worker?.stop();
  });

  const valid = () => caseInput();
  const INPUTS: Array<[string, () => unknown, RegExp]> = [
    ['no input', () => null, /input/],
    ['an empty object', () => ({}), /caseId/],
    ['members not a list', () => ({ ...valid(), facts: { ...valid().facts, members: 'x' } }), /facts\.members/],
    ['a NUL in a member name', () => withMember({ name: '张\u0000伟' }), /facts\.members\[0\]\.name/],
    [
      'a departure date that is no date',
      () => ({ ...valid(), facts: { ...valid().facts, departureDate: 'tomorrow' } }),
      /facts\.departureDate/,
    ],
    ['a submission time that is no instant', () => ({ ...valid(), submittedAt: 'now' }), /submittedAt/],
    ['a definition with no steps', () => ({ ...valid(), definition: { ...valid().definition, steps: [] } }), /definition/],
    // New-user trial: text longer than the read models' columns, or only invisible characters, from a Temporal client.
    ['a member name right-to-left overridden', () => withMember({ name: '王\u202E小明' }), /facts\.members\[0\]\.name: text-bidi/],
    [
      'a title longer than cases.title',
      () => ({ ...valid(), facts: { ...valid().facts, title: 't'.repeat(201) } }),
      /facts\.title: at most 200 characters/,
    ],
    ['a unit of zero-width spaces', () => ({ ...valid(), facts: { ...valid().facts, unit: '\u200B\u200B' } }), /facts\.unit/],
    // New-user trial: a departure in 2099 overflowed the working-day calendar and failed every workflow task.
    [
      'a departure beyond the two-year horizon',
      () => ({ ...valid(), facts: { ...valid().facts, departureDate: '2099-09-15', returnDate: '2099-09-19' } }),
      /facts\.departureDate: within two years of submittedAt/,
    ],
    [
      'a return far beyond the departure',
      () => ({ ...valid(), facts: { ...valid().facts, returnDate: '2099-09-19' } }),
      /facts\.returnDate: within two years of the departure/,
    ],
    [
      'an A03 name longer than case_steps.name_zh',
      () => ({
        ...valid(),
        definition: {
          ...valid().definition,
          steps: valid().definition.steps.map((s) => (s.code === 'A03' ? { ...s, name: { zh: 'a'.repeat(10_000), en: 'x' } } : s)),
        },
      }),
      /definition: step A03: 'steps\[\d+\]\.name\.zh' is longer than 200 characters/,
    ],
  ];

  it.each(INPUTS)('%s: the workflow fails at once with INVALID_INPUT naming the field', async (_, input, field) => {
    const handle = await worker.client.workflow.start('delegation', {
      taskQueue: worker.config.taskQueue,
      workflowId: delegationWorkflowId(randomUUID()),
      args: [input()],
      workflowTaskTimeout: '10s',
    });
    // A wedged start never ends: give up after 20 s (a failed task is retried every few seconds).
    const failure = await Promise.race([
      handle.result().then(
        () => undefined,
        (err: unknown) => err,
      ),
      new Promise((resolve) => setTimeout(() => resolve('still running after 20 s'), 20_000).unref()),
    ]);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('INVALID_INPUT');
    expect((cause as ApplicationFailure).nonRetryable).toBe(true);
    expect(cause!.message).toMatch(field);
    expect(await failedTasks(handle)).toEqual([]);
  });
});

function withMember(patch: Record<string, unknown>) {
  const input = caseInput();
  const [first, ...rest] = input.facts.members;
  return { ...input, facts: { ...input.facts, members: [{ ...first!, ...patch }, ...rest] } };
}

/** The causes of every failed workflow task in the history (a task retried forever shows as failures). */
async function failedTasks(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e) =>
    e.workflowTaskFailedEventAttributes ? [e.workflowTaskFailedEventAttributes.failure?.message ?? 'failed'] : [],
  );
}
