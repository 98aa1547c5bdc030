import type { CaseIncident } from '@df/contracts';
import type { Label } from '@df/domain';

/**
 * What an incident (a case stopped on a failure retrying cannot fix: the event store refused its events) says to
 * the people working the case and to managers: what happened and what to do, in both languages. The raw failure
 * (its type, e.g. EVENT_STORE_REJECTED, and PostgreSQL's error text) is for operators only: the admin CLI's
 * `incidents list` (docs/operations.md), never an API answer to users.
 */
export const INCIDENT_NOTICE: Label = {
  zh: '本案暂停：系统记录失败，已通知运维，恢复后可继续办理',
  en: 'Paused: the system could not record the case; operations have been told, and it can go on once they have fixed it',
};

/** An incident as users see it: when it stopped the case, the steps it holds, and the notice; no raw failure. */
export interface IncidentForUsers {
  incidentId: string;
  openedAt: string;
  stepKeys: string[];
  notice: Label;
}

export const incidentForUsers = (i: Pick<CaseIncident, 'incidentId' | 'openedAt' | 'stepKeys'>): IncidentForUsers => ({
  incidentId: i.incidentId,
  openedAt: i.openedAt,
  stepKeys: i.stepKeys,
  notice: INCIDENT_NOTICE,
});

/** A case's progress with its incident, if any, as users see it (incidentForUsers). */
export function withIncidentNotice<T extends { incident?: CaseIncident | null }>(
  progress: T,
): Omit<T, 'incident'> & { incident?: IncidentForUsers | null } {
  const { incident, ...rest } = progress;
  if (incident) return { ...rest, incident: incidentForUsers(incident) };
  return 'incident' in progress ? { ...rest, incident: null } : rest;
}
