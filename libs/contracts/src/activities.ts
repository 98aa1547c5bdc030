/**
 * Activity contracts shared by the worker (implementations) and workflows/ (type-only imports via
 * proxyActivities). Everything here is plain JSON-serialisable data.
 */
export interface CaseEventRecord {
  streamId: string;
  seq: number;
  eventId: string;
  type: string;
  actorId?: string | null;
  actorRole?: string | null;
  onBehalfOf?: string | null;
  /** ISO 8601 instant. */
  occurredAt: string;
  payload: Record<string, unknown>;
}

export interface CaseEventActivities {
  /** Idempotent append to the event store; returns how many events were new. */
  appendCaseEvents(events: CaseEventRecord[]): Promise<number>;
}

export type DelegationActivities = CaseEventActivities;
