import { condition, defineQuery, defineSignal, proxyActivities, setHandler, upsertSearchAttributes, uuid4, workflowInfo } from '@temporalio/workflow';
import type { DelegationActivities } from '@df/contracts';

// Foundation skeleton: records the case in the event store and waits; the chain comes with issue 4.
export interface DelegationInput {
  caseId: string;
  unit: string;
}

const { appendCaseEvents } = proxyActivities<DelegationActivities>({ startToCloseTimeout: '30 seconds' });

export const withdrawSignal = defineSignal<[{ reason: string }]>('withdraw');
export const statusQuery = defineQuery<string>('status');

export async function delegation(input: DelegationInput): Promise<string> {
  let status = 'open';
  let seq = 0;
  const record = (type: string, payload: Record<string, unknown>) =>
    appendCaseEvents([
      { streamId: input.caseId, seq: ++seq, eventId: uuid4(), type, occurredAt: new Date().toISOString(), payload },
    ]);
  setHandler(statusQuery, () => status);
  let withdrawn: string | undefined;
  setHandler(withdrawSignal, ({ reason }) => void (withdrawn = reason));
  upsertSearchAttributes({ DelegationUnit: [input.unit] });
  await record('case.submitted', { unit: input.unit, workflowId: workflowInfo().workflowId });
  await condition(() => withdrawn !== undefined);
  status = 'withdrawn';
  await record('case.closed', { outcome: 'withdrawn', reason: withdrawn });
  return status;
}
