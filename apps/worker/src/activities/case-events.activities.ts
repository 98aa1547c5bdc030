import { Injectable } from '@nestjs/common';
import type { CaseEventActivities, CaseEventRecord, CaseIncident, IncidentActivities } from '@df/contracts';
import { EventStore, IncidentsRepository } from '@df/persistence';
import { classified } from './failure-kind';

@Injectable()
export class CaseEventActivitiesService implements CaseEventActivities, IncidentActivities {
  constructor(
    private readonly store: EventStore,
    private readonly incidents: IncidentsRepository,
  ) {}

  /** Transient failures are retried by Temporal; one retrying cannot fix is non-retryable (an incident). */
  async appendCaseEvents(events: CaseEventRecord[]): Promise<number> {
    try {
      return await this.store.append(events);
    } catch (err) {
      return classified(err);
    }
  }

  async recordIncident(input: CaseIncident & { caseId: string }): Promise<void> {
    await this.incidents.open(input);
  }

  async resolveIncident(input: { incidentId: string; resolvedBy: string; at: string }): Promise<void> {
    await this.incidents.resolve(input.incidentId, input.resolvedBy, input.at);
  }
}
