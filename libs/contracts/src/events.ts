import {
  personKey,
  publishedDefinition,
  publishedStep,
  responsibleRole,
  type CaseFacts,
  type CasePhase,
  type CaseStatus,
  type Label,
  type Role,
  type RuleViolation,
  type StepKind,
} from '@df/domain';
import type { CaseEventRecord } from './activities';
import type { AmendRequest, AttachmentMetadata, DecideStepRequest, MissingDocument } from './delegation';

/**
 * The case events: one discriminated union (type + typed payload), emitted by the engine
 * (workflows/engine) and folded by the projection (libs/persistence/src/projection.ts), whose switch
 * is exhaustive. Stored as CaseEventRecord (type text + payload jsonb); a stored event is read back
 * through `upcastStream`, which brings every older schema to the current one. docs/event-store.md
 * lists the types and the schema history.
 *
 * Schema versions: 1 = events before the read models became a fold of the stream (no step name on
 * step.awaiting/skipped, no notification on the overdue events, no trips on case.departed); 2 = current.
 */
export const CASE_EVENT_SCHEMA_VERSION = 2;

/** A notification an escalation leaves (the notifications read model). */
export type NotificationPayload = {
  id: string;
  stepKey: string | null;
  kind: string;
  role: string;
  unit: string;
  message: Label;
  dueAt: string | null;
};

export type StepMetaPayload = {
  key: string;
  code: string;
  name: Label;
  phase: CasePhase;
  kind: StepKind;
  actorRole: Role;
  memberId: string | null;
  country: string | null;
};

/** Why a case re-planned when not by its own steps (case.replanned's `cause`): the office loaded a holiday schedule. */
export type ReplanCause = 'calendar';

export type CaseEventPayloads = {
  'case.submitted': {
    caseId: string;
    workflowId: string;
    title: string;
    unit: string;
    purpose: string;
    departureDate: string;
    returnDate: string;
    countries: string[];
    memberCount: number;
    definitionVersion: string;
    submittedAt: string;
    facts: CaseFacts;
  };
  'case.replanned': {
    phase: CasePhase;
    status: CaseStatus;
    forecastReadyAt: string;
    forecastReadyDate: string;
    slackWd: number;
    atRisk: boolean;
    criticalPath: string[];
    criticalStep: string | null;
    latestStarts: Record<string, string>;
    /** Part of the plan lies in a year with no published (or loaded) holiday schedule; absent in older events. */
    provisionalCalendar?: boolean;
    /** Nothing of the preparation remains (Plan.prepared); absent in older events. */
    prepared?: boolean;
    /** Why the forecast moved when not by the case's own steps: the office loaded a holiday schedule (`replan-cause`). */
    cause?: ReplanCause;
  };
  'case.amended': {
    changes: AmendRequest['changes'];
    departureDate: string;
    returnDate: string;
    countries: string[];
    memberCount: number;
    datesChanged: boolean;
    countriesChanged: boolean;
    membersAdded: string[];
    membersRemoved: string[];
    comment: string | null;
  };
  'case.departed': {
    departedAt: string;
    members: string[];
    departureDate: string;
    returnDate: string;
    trips: Array<{ memberId: string; personKey: string }>;
  };
  /**
   * `temporalStatus` and `runId` only on the close the worker's reconciler records for a workflow ended outside the
   * engine (terminated from the Temporal CLI or Web UI, failed, timed out): the workflow itself never recorded it.
   */
  'case.closed': { status: CaseStatus; reason: string; temporalStatus?: string; runId?: string };
  'member.withdrawn': { memberId: string; reason: string; memberCount: number };
  'step.awaiting': StepMetaPayload & { startedAt: string; dueAt: string | null };
  'step.skipped': StepMetaPayload;
  'step.completed': { key: string; code: string; data: Record<string, unknown> | null; comment: string | null };
  'step.decided': {
    key: string;
    code: string;
    decision: DecideStepRequest['decision'];
    comment: string | null;
    returnTo?: string;
    missingDocuments?: MissingDocument[];
  };
  'step.returned': { by: string; targets: string[]; keys: string[] };
  'step.blocked': { key: string; code: string; reason: Label; violations?: RuleViolation[] };
  'step.unblocked': { key: string; code: string };
  /** The instance no longer exists (its member left or its destination was dropped); a finished one stays finished in the read model. */
  'step.withdrawn': { key: string; code: string };
  'step.overdue': { key: string; code: string; dueAt: string; escalation?: 'unit-flagged'; notification: NotificationPayload | null };
  'notice.objection': { objection: string };
  'deficiency.raised': { documents: Array<{ id: string; name: string; neededBy: string }>; dueAt: string };
  'deficiency.supplied': { id: string; name: string; fileRef: string | null };
  /** `office`: the FAO clerk's notification (who may extend the deadline or end the case); absent before definition 2027.2's engine. */
  'deficiency.overdue': {
    id: string;
    name: string;
    neededBy: string;
    dueAt: string;
    notification: NotificationPayload | null;
    office?: NotificationPayload | null;
  };
  /** An attachment was stored for the case (issue 15 item 3): its metadata; the event's actor is the uploader. */
  'attachment.added': AttachmentMetadata;
  /** An attachment was removed: the row stays (removed_at), the file is deleted once this is stored. */
  'attachment.removed': { id: string; kind: AttachmentMetadata['kind']; stepKey: string | null; fileName: string; storageKey: string };
  /** The FAO clerk gave a missing document more time: its new deadline, the times extended so far, the reason. */
  'deficiency.extended': { id: string; name: string; dueAt: string; extensions: number; reason: string };
};

export type CaseEventType = keyof CaseEventPayloads;
export const CASE_EVENT_TYPES = [
  'case.submitted',
  'case.replanned',
  'case.amended',
  'case.departed',
  'case.closed',
  'member.withdrawn',
  'step.awaiting',
  'step.skipped',
  'step.completed',
  'step.decided',
  'step.returned',
  'step.blocked',
  'step.unblocked',
  'step.withdrawn',
  'step.overdue',
  'notice.objection',
  'deficiency.raised',
  'deficiency.supplied',
  'deficiency.overdue',
  'deficiency.extended',
  'attachment.added',
  'attachment.removed',
] as const satisfies readonly CaseEventType[];

type Envelope = Omit<CaseEventRecord, 'type' | 'payload'>;

/** One case event of the current schema. */
export type CaseEvent = { [T in CaseEventType]: Envelope & { type: T; payload: CaseEventPayloads[T] } }[CaseEventType];
export type CaseEventOf<T extends CaseEventType> = Extract<CaseEvent, { type: T }>;

export const isCaseEventType = (t: string): t is CaseEventType => (CASE_EVENT_TYPES as readonly string[]).includes(t);

type Payload = Record<string, unknown>;

/** The step that collects the documents missing at intake (its key: a delegation-scope step). */
const collectingStep = (version: string): string | undefined =>
  publishedDefinition(version)?.steps.find((s) => s.behaviour?.collectsDeficiencies)?.code;

/**
 * Reads stored events (any schema) of ONE stream, oldest first, as current events. Schema 1 events get
 * what schema 2 added, from the stream itself: the step's name from the pinned definition version, the
 * members' trips from the facts at departure, and the escalation's notification (its id is the event's
 * id: the schema-1 notification row was written by an activity under an id the stream does not hold).
 * Unknown types are dropped (none exist; a reader must not crash on one).
 */
export function upcastStream(records: Iterable<CaseEventRecord>): CaseEvent[] {
  const out: CaseEvent[] = [];
  let version: string | undefined;
  let facts: CaseFacts | undefined;
  for (const r of records) {
    if (!isCaseEventType(r.type)) continue;
    const p: Payload = { ...r.payload };
    switch (r.type) {
      case 'case.submitted':
        version = String(p.definitionVersion);
        facts = p.facts as CaseFacts;
        break;
      case 'case.amended':
        if (facts) facts = { ...facts, ...(p.changes as Partial<CaseFacts>) };
        break;
      case 'member.withdrawn':
        if (facts) facts = { ...facts, members: facts.members.filter((m) => m.id !== p.memberId) };
        break;
      case 'step.awaiting':
      case 'step.skipped':
        if (p.name === undefined || p.name === null)
          p.name = publishedStep(String(p.code), version)?.name ?? { zh: String(p.code), en: String(p.code) };
        break;
      case 'case.departed':
        if (!Array.isArray(p.trips) && facts) {
          const f = facts;
          p.departureDate ??= f.departureDate;
          p.returnDate ??= f.returnDate;
          p.trips = f.members.map((m) => ({ memberId: m.id, personKey: personKey(f, m) }));
        }
        break;
      case 'step.overdue':
        if (p.notification === undefined && facts) {
          const code = String(p.code);
          const step = publishedStep(code, version);
          const name = step?.name ?? { zh: code, en: code };
          const flagged = p.escalation === 'unit-flagged';
          const owner = step ? responsibleRole(step) : 'system';
          p.notification = {
            id: r.eventId,
            stepKey: String(p.key),
            kind: flagged ? 'unit-flagged' : (step?.behaviour?.overdue ?? 'step-overdue'),
            role: flagged || owner === 'system' ? 'manager' : owner,
            unit: facts.unit,
            message: flagged
              ? {
                  zh: `${facts.unit} 护照逾期30天未交回，暂停该单位新的出访申请`,
                  en: `${facts.unit}: passport more than 30 days overdue; new applications from the unit are blocked`,
                }
              : { zh: `${name.zh}（${String(p.key)}）已超期`, en: `${name.en} (${String(p.key)}) is overdue` },
            dueAt: typeof p.dueAt === 'string' ? p.dueAt : null,
          } satisfies NotificationPayload;
        }
        break;
      case 'deficiency.overdue':
        if (p.notification === undefined && facts) {
          p.notification = {
            id: r.eventId,
            stepKey: facts && version !== undefined ? (collectingStep(version) ?? null) : null,
            kind: 'deficiency-overdue',
            role: 'organizer',
            unit: facts.unit,
            message: {
              zh: `容缺材料“${String(p.name)}”逾期未补交，${String(p.neededBy)} 暂停`,
              en: `Missing document "${String(p.name)}" is overdue; ${String(p.neededBy)} is on hold`,
            },
            dueAt: typeof p.dueAt === 'string' ? p.dueAt : null,
          } satisfies NotificationPayload;
        }
        break;
      default:
        break;
    }
    out.push({ ...r, type: r.type, payload: p } as CaseEvent);
  }
  return out;
}
