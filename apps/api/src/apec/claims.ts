import { WorkflowNotFoundError } from '@temporalio/common';
import { delegationWorkflowId } from '@df/contracts';
import type { ClaimHolder } from '@df/persistence';
import type { TemporalClientService } from '../temporal/temporal-client.provider';

/**
 * A claim (an applicant's, a renewed card's, an enterprise's whitelist filing) whose case is not in the read model
 * after this long (ms) may be one whose start never happened (an unknown outcome not retried): the next claimer
 * asks Temporal and, if no such workflow exists, takes it over.
 */
export const CLAIM_STALE_MS = 10 * 60_000;

/**
 * The holding cases among `holders` that never ran a case: unlisted and either ended without one (their workflow
 * failed at its start, e.g. INVALID_INPUT, or was terminated: nothing will ever release their claims), or unlisted for
 * CLAIM_STALE_MS or more and unknown to Temporal (WorkflowNotFoundError). A case Temporal runs (not yet projected) or
 * cannot answer for is not returned: its claim stands.
 */
export async function deadHolders(temporal: TemporalClientService, holders: readonly ClaimHolder[], now = Date.now()): Promise<string[]> {
  const dead: string[] = [];
  for (const h of holders.filter((x) => !x.listed)) {
    const stale = now - h.claimedAt.getTime() >= CLAIM_STALE_MS;
    try {
      const { status } = await (await temporal.client()).workflow.getHandle(delegationWorkflowId(h.caseId)).describe();
      // New-user trial: an application whose case failed at its start kept its applicant refused for good.
      if (ENDED_WITHOUT_A_CASE.has(status.name)) dead.push(h.caseId);
    } catch (err) {
      if (stale && err instanceof WorkflowNotFoundError) dead.push(h.caseId);
    }
  }
  return [...new Set(dead)];
}

/** Workflow statuses of a run that ended otherwise than by its case closing (a closed case is listed and completes). */
const ENDED_WITHOUT_A_CASE = new Set(['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELLED']);
