import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { DELEGATION_WORKFLOW_TYPE, type DelegationInput } from '@df/contracts';
import type { TemporalClientService } from '../temporal/temporal-client.provider';
import { NotSent } from './temporal-errors';

/**
 * Starts a case: the one `delegation` workflow, whatever the process (the definition is in `input`), on `taskQueue`
 * with `workflowId` (derived from the case id). Returns the client for what the caller sends next.
 * Errors: NotSent when Temporal could not be reached (nothing was sent: a definite refusal); any other failure
 * leaves the outcome unknown (the caller answers 503). With an Idempotency-Key (`keyed`) the id was derived from
 * the key, so a retry meeting its own running workflow is that case, started before; without one it is an error.
 */
export async function startCaseWorkflow(
  temporal: TemporalClientService,
  taskQueue: string,
  workflowId: string,
  input: DelegationInput,
  keyed: boolean,
) {
  let client;
  try {
    client = await temporal.client();
  } catch (err) {
    throw new NotSent(err);
  }
  try {
    await client.workflow.start(DELEGATION_WORKFLOW_TYPE, { taskQueue, workflowId, args: [input] });
  } catch (err) {
    if (!(keyed && err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return client;
}
