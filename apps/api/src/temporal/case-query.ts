import { delegationWorkflowId, progressQuery, type DelegationProgress } from '@df/contracts';
import type { QueryDefinition } from '@temporalio/client';
import { queryFailure } from '../delegations/temporal-errors';
import type { TemporalClientService } from './temporal-client.provider';

/**
 * The case workflow's `progress` query within `timeoutMs`, connecting included: the workflow's own state, after every
 * Update it has applied (the published answer and the read model may be a moment behind).
 * @throws CASE_NOT_FOUND 404 for no such workflow, TEMPORAL_UNAVAILABLE 503 when no answer comes in time (queryFailure).
 */
export function queryCaseProgress(temporal: TemporalClientService, caseId: string, timeoutMs: number): Promise<DelegationProgress> {
  return queryCase(temporal, caseId, timeoutMs, progressQuery);
}

/**
 * One query `def` of the case workflow with `args`, within `timeoutMs`, connecting included.
 * @throws CASE_NOT_FOUND 404 for no such workflow, TEMPORAL_UNAVAILABLE 503 when no answer comes in time (queryFailure).
 */
export async function queryCase<R, A extends unknown[]>(
  temporal: TemporalClientService,
  caseId: string,
  timeoutMs: number,
  def: QueryDefinition<R, A>,
  ...args: A
): Promise<R> {
  // One budget for connecting and querying: a Temporal that is down or a workflow no worker answers is 503 within
  // timeoutMs, not a 500 after the client's own connect retries.
  const deadline = Date.now() + timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`Temporal did not answer within ${timeoutMs} ms`), { code: 4 })), timeoutMs);
  });
  const query = (async () => {
    const client = await temporal.client();
    return client.connection.withDeadline(deadline, () => client.workflow.getHandle(delegationWorkflowId(caseId)).query(def, ...args));
  })();
  query.catch(() => undefined); // the loser of the race must not be an unhandled rejection
  try {
    return await Promise.race([query, timeout]);
  } catch (err) {
    throw queryFailure(err);
  } finally {
    clearTimeout(timer);
  }
}
