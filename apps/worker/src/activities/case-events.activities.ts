import { Injectable } from '@nestjs/common';
import { ApplicationFailure } from '@temporalio/common';
import type { CaseEventActivities, CaseEventRecord } from '@df/contracts';
import { EventSequenceConflictError, EventStore } from '@df/persistence';

@Injectable()
export class CaseEventActivitiesService implements CaseEventActivities {
  constructor(private readonly store: EventStore) {}

  async appendCaseEvents(events: CaseEventRecord[]): Promise<number> {
    try {
      return await this.store.append(events);
    } catch (err) {
      // Retrying cannot fix a sequence taken by another event: surface it instead of looping.
      if (err instanceof EventSequenceConflictError) throw ApplicationFailure.nonRetryable(err.message, err.name);
      throw err;
    }
  }
}
