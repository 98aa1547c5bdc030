import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CaseEventActivities, CaseEventRecord, CaseIncident, IncidentActivities } from '@df/contracts';
import { EventStore, IncidentsRepository } from '@df/persistence';
import { classified } from './failure-kind';
import { activityClient, announceTripFreed, casesFreeingTrips } from './trip-freed';

@Injectable()
export class CaseEventActivitiesService implements CaseEventActivities, IncidentActivities {
  constructor(
    private readonly store: EventStore,
    private readonly incidents: IncidentsRepository,
    private readonly db: DataSource,
  ) {}

  /**
   * Transient failures are retried by Temporal; one retrying cannot fix is non-retryable (an incident). A batch that
   * closes the case frees the planned trip it held (announceTripFreed, in the background once stored), on a retry too:
   * a signal told twice reruns A01 where over plan, no more.
   */
  async appendCaseEvents(events: CaseEventRecord[]): Promise<number> {
    let inserted: number;
    try {
      inserted = await this.store.append(events);
    } catch (err) {
      return classified(err);
    }
    // Not awaited: the closing action's answer waits for this append, not for the unit's other cases to be told.
    const client = activityClient();
    for (const caseId of casesFreeingTrips(events)) void announceTripFreed(this.db.manager, caseId, undefined, client);
    return inserted;
  }

  async recordIncident(input: CaseIncident & { caseId: string }): Promise<void> {
    await this.incidents.open(input);
  }

  async resolveIncident(input: { incidentId: string; resolvedBy: string; at: string }): Promise<void> {
    await this.incidents.resolve(input.incidentId, input.resolvedBy, input.at);
  }
}
