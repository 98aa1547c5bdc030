import { Context } from '@temporalio/activity';
import type { EntityManager } from 'typeorm';
import { annualPlanChangedSignal, signalCases, type CaseEventRecord, type CaseSignaller } from '@df/contracts';
import { openCaseIdsDepartingIn, plannedTripClaimOf, releaseClosedCaseClaim, sharePlannedTrips } from '@df/persistence';

/**
 * The planned trip a case held is free again (plannedTripsTaken counts a claim while its case is open, departed or
 * completed): the unit's other open cases departing in the plan's year run their plan check (A01) again where it
 * recorded `over-plan` (annualPlanChanged `trip-freed`, CaseEngine.recheckAnnualPlan), the trip shared out first in
 * filing order (sharePlannedTrips). `claim`: the trip the case
 * let go of (A01 run again); by default the one it still holds (a close). Best effort, never throws: a case not told
 * keeps the outcome it recorded, and a closed case's claim stays for the reconciler's sweep (closedCasesHoldingTrips)
 * to tell them again; once all are told it is released. `client`: the running activity's by default (none outside
 * one: nothing is sent).
 * Returns how many cases were told.
 */
export async function announceTripFreed(
  manager: EntityManager,
  caseId: string,
  claim?: { unit: string; year: number } | null,
  client: CaseSignaller | undefined = activityClient(),
): Promise<number> {
  if (!client) return 0;
  try {
    const held = claim ?? (await plannedTripClaimOf(manager, caseId));
    if (!held) return 0;
    // The freed trip goes to the earliest filed case it covers, not to whichever A01 runs first (if sharing fails, the
    // signals still go: each A01 claims what is free when it runs).
    const shared = await sharePlannedTrips(manager, held.unit, held.year, caseId).catch(() => null);
    const ids = shared?.caseIds ?? (await openCaseIdsDepartingIn(manager, held.unit, held.year, caseId));
    const failed = await signalCases(client, ids, annualPlanChangedSignal, { year: held.year, cause: 'trip-freed' });
    // Told: a closed case's claim goes (a case told in part keeps it, and the reconciler's sweep tells them again).
    if (failed === 0 && !claim) await releaseClosedCaseClaim(manager, caseId);
    return ids.length - failed;
  } catch {
    return 0;
  }
}

/**
 * The cases a stored batch closed with a status that frees their planned trip: every close but `completed` (the trip
 * was made). Every writer of `case.closed` calls this after storing it — the workflow's append (an action through the
 * API, the engine's own refusal or lapse) and the reconciler (a workflow terminated, failed or cancelled from a
 * Temporal client) — so no way of closing a case keeps its trip from the unit's other cases.
 */
export function casesFreeingTrips(events: readonly Pick<CaseEventRecord, 'type' | 'streamId' | 'payload'>[]): string[] {
  return events.filter((e) => e.type === 'case.closed' && (e.payload as { status?: string }).status !== 'completed').map((e) => e.streamId);
}

/** The Temporal client of the activity running now, or undefined outside one (tools, tests calling methods directly). */
export function activityClient(): CaseSignaller | undefined {
  try {
    return Context.current().client;
  } catch {
    return undefined;
  }
}
