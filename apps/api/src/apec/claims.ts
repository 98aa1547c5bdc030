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
 * The holding cases among `holders` that never started: unlisted for CLAIM_STALE_MS or more and unknown to
 * Temporal (WorkflowNotFoundError). A case Temporal runs (not yet projected) or cannot answer for is not returned:
 * its claim stands.
 */
export async function deadHolders(temporal: TemporalClientService, holders: readonly ClaimHolder[], now = Date.now()): Promise<string[]> {
  const stale = new Set(holders.filter((h) => !h.listed && now - h.claimedAt.getTime() >= CLAIM_STALE_MS).map((h) => h.caseId));
  const dead: string[] = [];
  for (const caseId of stale) {
    try {
      await (await temporal.client()).workflow.getHandle(delegationWorkflowId(caseId)).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) dead.push(caseId);
    }
  }
  return dead;
}
