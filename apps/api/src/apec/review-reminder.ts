import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { APEC_WHITELIST_REVIEW_WORKFLOW_TYPE, apecReviewWorkflowId } from '@df/contracts';

/**
 * Starts the annual review reminder of an admitted enterprise (workflows/apec-renewal.workflow.ts): one timer
 * per enterprise and review day, so a retried admission finds the timer it started.
 */
export async function startReviewReminder(client: Client, taskQueue: string, unit: string, dueOn: string): Promise<void> {
  try {
    await client.workflow.start(APEC_WHITELIST_REVIEW_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: apecReviewWorkflowId(unit, dueOn),
      args: [{ unit, dueOn }],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
