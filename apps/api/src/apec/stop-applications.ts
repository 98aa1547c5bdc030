import type { Client } from '@temporalio/client';
import { cancelUpdate, delegationWorkflowId, type Actor } from '@df/contracts';
import { EXIT_REASON_LABELS, type ExitReason } from '@df/domain';

/**
 * An enterprise's exit from the whitelist stops its open card applications (issue 17): each case is cancelled
 * through the workflow's `cancel` Update (the access table: the APEC desk may cancel an open case) with the
 * recorded reason, so the case's timeline says why. Like signalCalendarChanged, one sender for the API and
 * anyone else; returns the cases stopped and those that could not be reached (retry the exit's stop).
 */
export async function stopCardApplications(
  client: Client,
  caseIds: readonly string[],
  by: Actor,
  reason: ExitReason,
  note?: string,
): Promise<{ stopped: string[]; failed: string[] }> {
  const label = EXIT_REASON_LABELS[reason];
  const text = `企业退出白名单（${label.zh}）/ The enterprise left the whitelist (${label.en})${note ? `: ${note}` : ''}`;
  const stopped: string[] = [];
  const failed: string[] = [];
  for (const id of caseIds) {
    try {
      await client.workflow.getHandle(delegationWorkflowId(id)).executeUpdate(cancelUpdate, {
        // One request id per case and exit reason: a retried stop is applied once.
        args: [{ requestId: `whitelist-exit:${id}:${reason}`, actor: by, reason: text }],
      });
      stopped.push(id);
    } catch {
      failed.push(id);
    }
  }
  return { stopped, failed };
}
