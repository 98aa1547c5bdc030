import { describe, expect, it } from '@jest/globals';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { TemporalClientService } from '../temporal/temporal-client.provider';
import { CLAIM_STALE_MS, deadHolders } from './claims';

/** A Temporal whose workflows are `statuses` by case id (absent: not found). */
const temporalWith = (statuses: Record<string, string>) =>
  ({
    client: async () => ({
      workflow: {
        getHandle: (workflowId: string) => ({
          describe: async () => {
            const caseId = workflowId.replace(/^delegation-/, '');
            const name = statuses[caseId];
            if (!name) throw new WorkflowNotFoundError('not found', workflowId, undefined);
            return { status: { name } };
          },
        }),
      },
    }),
  }) as unknown as TemporalClientService;

describe('deadHolders: claims whose case will never run', () => {
  const now = Date.parse('2027-01-10T00:00:00Z');
  const fresh = new Date(now - 1000);
  const old = new Date(now - CLAIM_STALE_MS);
  it('an unlisted case whose workflow failed at its start holds nothing at once (new-user trial: INVALID_INPUT kept its applicant)', async () => {
    const temporal = temporalWith({ failed: 'FAILED', terminated: 'TERMINATED', running: 'RUNNING', listed: 'FAILED' });
    const holders = [
      { caseId: 'failed', listed: false, claimedAt: fresh },
      { caseId: 'terminated', listed: false, claimedAt: fresh },
      { caseId: 'running', listed: false, claimedAt: old },
      { caseId: 'listed', listed: true, claimedAt: old },
      { caseId: 'unknown-fresh', listed: false, claimedAt: fresh },
      { caseId: 'unknown-stale', listed: false, claimedAt: old },
    ];
    expect(await deadHolders(temporal, holders, now)).toEqual(['failed', 'terminated', 'unknown-stale']);
  });
});
