import { toIso } from '@df/domain';
import type { ActionBase, CaseEvent, CaseEventOf, CaseEventPayloads, CaseEventType } from '@df/contracts';
import { onBehalfId } from './authorization';

/**
 * Event emission: every change of a case is one typed event (CaseEvent, libs/contracts/src/events.ts)
 * with the next sequence number and a deterministic id; the drain protocol takes them to the event store.
 */
export class EventLog {
  /** Sequence number of the last event emitted (gap-free from 1). */
  seq = 0;
  private pending: CaseEvent[] = [];

  constructor(
    private readonly streamId: string,
    private readonly newId: () => string,
  ) {}

  /** `by` null = the engine (actorRole 'system'); `at` is case time, epoch ms. */
  emit<T extends CaseEventType>(type: T, by: ActionBase | null, payload: CaseEventPayloads[T], at: number): CaseEventOf<T> {
    const event = {
      streamId: this.streamId,
      seq: ++this.seq,
      eventId: this.newId(),
      type,
      actorId: by?.actor.id ?? null,
      actorRole: by?.actor.role ?? (by === null ? 'system' : null),
      onBehalfOf: onBehalfId(by?.onBehalfOf) ?? null,
      occurredAt: toIso(at),
      payload,
    } as CaseEventOf<T>;
    this.pending.push(event);
    return event;
  }

  take(): CaseEvent[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}
