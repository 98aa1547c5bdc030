import type { CaseFacts, Label, OfficeSettings, RuleViolation, SystemWork } from '@df/domain';
import type { CaseIncident } from './delegation';
import type { ApecActivities } from './apec';

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
  /** ISO 8601 instant (case time). */
  occurredAt: string;
  payload: Record<string, unknown>;
}

/** A system step of the chain: the work its definition declares (behaviour.system). */
export interface SystemStepInput {
  caseId: string;
  key: string;
  code: string;
  /** Absent only in tasks scheduled before the work was declared: read the step's legacy declaration. */
  system?: SystemWork;
  memberId?: string;
  facts: CaseFacts;
  settings?: OfficeSettings;
  /** Case time of the run, ISO. */
  at: string;
}

/**
 * One fact a system step records in its step data, in its own JSON type: a count or a version is a number, a
 * yes/no a boolean, a list a list (W03's criteriaVersion is the criteria version's number, as
 * WhitelistCriteriaVersion.version declares it; its failures and K07's economies are lists of codes), never
 * their text.
 */
export type StepDataValue = string | number | boolean | readonly string[];

export interface SystemStepResult {
  violations?: RuleViolation[];
  documentNo?: string;
  note?: Label;
  /** Facts the step records beside its note (A01: planOutcome, planTripId when planned, planComparedWith when over the plan; W03: decision, criteriaVersion, failures). */
  data?: Record<string, StepDataValue>;
}

export interface EscalationRecord {
  /** Deterministic id: a retried activity writes one notification. */
  id: string;
  caseId: string;
  stepKey: string | null;
  kind: string;
  role: string;
  unit: string;
  message: Label;
  dueAt: string | null;
  createdAt: string;
}

export interface CaseEventActivities {
  /** Idempotent append to the event store (and the read models, in the same transaction); returns how many events were new. */
  appendCaseEvents(events: CaseEventRecord[]): Promise<number>;
}

export interface ChainActivities {
  runSystemStep(input: SystemStepInput): Promise<SystemStepResult>;
  /** A notification record someone will see (idempotent by id). */
  recordEscalation(escalation: EscalationRecord): Promise<void>;
  /** After departure: the members' trips join the frequency history (idempotent per case and member). */
  recordTrips(input: { caseId: string; facts: CaseFacts }): Promise<void>;
}

/** The passport custody ledger follows a step (behaviour.custody): the member's passport out, back in, or cancelled. */
export interface PassportCustodyInput {
  caseId: string;
  key: string;
  /**
   * 'due-back': the case closed with the passport out for it, or (with `memberLeft`) the member left a case that goes on;
   * `dueBackOn` moves to the day it is now due.
   */
  /**
   * 'supersede': the case closed between C05 and C06: the passport replaced (`passportNumber`) is cancelled once the
   * ledger holds the new one (`newPassport`) for the holder.
   */
  action: 'check-out' | 'check-in' | 'cancel' | 'register' | 'due-back' | 'supersede';
  memberId: string;
  /** For 'register' ('supersede'): the new passport the step's completion recorded (C05), taken into custody for the holder (`personId`). */
  newPassport?: { number: string; issuedOn: string; expiresOn: string };
  /**
   * For 'due-back': the member left the case (a refused visa, an amendment), which goes on. For 'supersede': the member's
   * place on the case changed (dropped or re-picked by an amendment), rather than the case closing.
   */
  memberLeft?: boolean;
  /** For 'due-back': the trip's return date was amended; `dueBackOn` is set as it is, later or sooner. */
  redated?: boolean;
  /** The roster's person id (the ledger's holder), when the member came from the roster. */
  personId?: string;
  /** The passport number in the case's facts (the old one for 'cancel'). */
  passportNumber?: string;
  /** For 'check-out': the day it is due back (7 calendar days after return); for 'due-back', after the close or leaving. YYYY-MM-DD. */
  dueBackOn?: string;
  /**
   * For 'register', 'cancel' and 'supersede': the trip's return date (YYYY-MM-DD). The holder's valid passports that do
   * not last it are replaced by the new one beside the facts' (outlastedPassports, libs/domain). Absent in a move
   * scheduled before it was sent: the facts' passport alone.
   */
  returnDate?: string;
}

export interface CustodyActivities {
  /** Idempotent: a passport already in the target state is left as it is; one not in the ledger is noted, not an error. */
  passportCustody(input: PassportCustodyInput): Promise<{ number: string | null; note: Label }>;
}

/** Incidents (issue 12 item 2) in the read model: opened when the workflow stops on one, resolved after a retry. */
export interface IncidentActivities {
  recordIncident(input: CaseIncident & { caseId: string }): Promise<void>;
  resolveIncident(input: { incidentId: string; resolvedBy: string; at: string }): Promise<void>;
}

export type DelegationActivities = CaseEventActivities & ChainActivities & IncidentActivities & CustodyActivities & ApecActivities;
