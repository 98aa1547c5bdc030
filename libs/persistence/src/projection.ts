import {
  behaviourOf,
  chineseCalendar,
  dayNumber,
  historyKeyOf,
  openCaseKeys,
  organizersOf,
  passportNumberKey,
  passportPersonKey,
  shanghaiDate,
  type Member,
} from '@df/domain';
import {
  stepStatusOfClosedCase,
  upcastStream,
  type CaseEvent,
  type CaseEventRecord,
  type NotificationPayload,
  type StepStatus,
} from '@df/contracts';
import { In, type EntityManager } from 'typeorm';
import { AttachmentEntity } from './entities/attachment.entity';
import { CaseEntity, CaseMemberEntity, CaseStepEntity, MemberTripEntity, NotificationEntity } from './entities/read-models.entity';

/**
 * Read models as a pure fold over a case's events: the live projection (in the append transaction,
 * `projectEvents`) and the rebuild command (`foldStream`, rebuild.ts) use this one reducer, so a rebuild
 * equals the live tables by construction and a difference means something wrote around the event store.
 *
 * A stream projects into six tables: `cases` (one row), `case_steps` (one per step instance),
 * `notifications` (escalations, carried by `step.overdue` / `deficiency.overdue`), `member_trips`
 * (the frequency history, carried by `case.departed`), `case_members` (the current members by person key:
 * `case.submitted`, `case.amended`, `member.withdrawn`, and the new passport a member's step records: C05's
 * `step.completed`, schema 'new-passport') and `case_attachments` (`attachment.added` / `.removed`).
 */
export interface CaseView {
  case?: CaseEntity;
  steps: Map<string, CaseStepEntity>;
  /** Notifications raised by the folded events (insert-only: their ids come from the workflow). */
  notifications: NotificationEntity[];
  /** The members' trips, from the departure (insert-only). */
  trips: MemberTripEntity[];
  /** The case's attachments by id (a removal keeps the row, with removed_at). */
  attachments: Map<string, AttachmentEntity>;
  /** The case's current members by person key (memberKey): replaced whole by a new member list. */
  members: Map<string, CaseMemberEntity>;
}

export const emptyView = (): CaseView => ({ steps: new Map(), notifications: [], trips: [], attachments: new Map(), members: new Map() });

const memberKey = (r: Pick<CaseMemberEntity, 'memberId' | 'personKey'>): string => `${r.memberId}\u0000${r.personKey}`;

/**
 * Events that change a case's member keys: the live projection loads the stream's case_members first. A completion
 * recording a passport number (C05's new passport; which step's schema it is, the fold decides) replaces the member's
 * issued key.
 */
export const touchesMembers = (event: Pick<CaseEventRecord, 'type' | 'payload'>): boolean =>
  event.type === 'case.submitted' ||
  event.type === 'member.withdrawn' ||
  (event.type === 'case.amended' && Array.isArray((event.payload.changes as { members?: unknown } | undefined)?.members)) ||
  (event.type === 'step.completed' && typeof (event.payload.data as { number?: unknown } | null | undefined)?.number === 'string');

/**
 * The rows of a member list: each member under every key of the person (openCaseKeys: person id, passport number, unit
 * + name), and the passports issued during the case (`issued`) of the members still on it.
 */
function setMembers(
  view: CaseView,
  caseId: string,
  unit: string,
  members: readonly Pick<Member, 'id' | 'personId' | 'name' | 'passport'>[],
): void {
  const issued = [...view.members.values()].filter((r) => r.issued && members.some((m) => m.id === r.memberId));
  view.members.clear();
  for (const m of members)
    for (const personKey of openCaseKeys({ unit }, m)) {
      const row = Object.assign(new CaseMemberEntity(), { caseId, memberId: m.id, personKey, issued: false });
      view.members.set(memberKey(row), row);
    }
  for (const r of issued) view.members.set(memberKey(r), view.members.get(memberKey(r)) ?? r);
}

/** Attachment ids an event touches (to load just those rows before folding). */
export function attachmentIdsOf(event: Pick<CaseEventRecord, 'type' | 'payload'>): string[] {
  return event.type.startsWith('attachment.') && typeof event.payload.id === 'string' ? [event.payload.id] : [];
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const date = (v: unknown): Date | null => (typeof v === 'string' ? new Date(v) : null);
const OPEN_STEP = new Set(['awaiting', 'overdue', 'blocked']);

/** Step keys an event touches (to load just those rows before folding). */
export function stepKeysOf(event: Pick<CaseEventRecord, 'type' | 'payload'>): string[] {
  const p = event.payload;
  if (event.type === 'step.returned') return (p.keys as string[]) ?? [];
  if (event.type === 'case.replanned') return Object.keys((p.latestStarts as Record<string, string>) ?? {});
  if (typeof p.key === 'string') return [p.key];
  return [];
}

/** Events that may change any step of the stream: the live projection loads them all first. */
export function touchesWholeStream(event: Pick<CaseEventRecord, 'type'>): boolean {
  return event.type === 'member.withdrawn' || event.type === 'case.closed';
}

/** yuan as numeric(20,2) text, the form PostgreSQL returns. */
const yuan = (v: unknown): string | null => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(2) : null);
const count = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);

/** The events an action of a user records first, with the user it acted for (帮代办) when a user was. */
const ACTION_EVENTS = new Set(['step.completed', 'step.decided', 'case.amended', 'case.closed', 'deficiency.supplied']);

/**
 * cases.organizers (separation of duties): who acted on the case as its organizer by this event (organizersOf, the
 * rule the workflow keeps its own set by). The principal of a 帮代办 is a user unless it is the member whose step
 * the event records (step row's member_id); an action's other events only add their actor.
 */
function noteOrganizers(c: CaseEntity, event: CaseEvent, step: (key: string) => CaseStepEntity | undefined): void {
  if (!event.actorId || !event.actorRole) return;
  const key = (event.payload as { key?: unknown }).key;
  const member = !ACTION_EVENTS.has(event.type) || (typeof key === 'string' && !!step(key)?.memberId);
  const ids = organizersOf({
    actor: { id: event.actorId, role: event.actorRole },
    onBehalfOf: event.onBehalfOf ? { id: event.onBehalfOf, member } : null,
  });
  if (ids.some((id) => !c.organizers.includes(id))) c.organizers = [...new Set([...c.organizers, ...ids])].sort();
}

/** Folds one current-schema event (read stored ones through upcastStream) into the view. */
export function foldCaseEvent(view: CaseView, event: CaseEvent): void {
  const at = new Date(event.occurredAt);
  if (event.type === 'case.submitted') {
    const p = event.payload;
    view.case = Object.assign(new CaseEntity(), {
      caseId: event.streamId,
      workflowId: p.workflowId,
      title: p.title,
      unit: p.unit,
      supervisingDepartment: str(p.facts?.supervisingDepartment),
      purpose: p.purpose,
      status: 'open',
      phase: 'prepare',
      departureDate: p.departureDate,
      returnDate: p.returnDate,
      countries: p.countries ?? [],
      memberCount: Number(p.memberCount),
      forecastReadyAt: null,
      slackWd: null,
      atRisk: false,
      criticalStep: null,
      criticalPath: [],
      submittedAt: new Date(p.submittedAt),
      submittedBy: event.actorId ?? 'unknown',
      organizers: event.actorId ? [event.actorId] : [],
      departedAt: null,
      submissionToDepartureDays: null,
      closedAt: null,
      definitionVersion: String(p.definitionVersion),
      reportFiledAt: null,
      investmentSignedYuan: null,
      tradeSignedYuan: null,
      promotionEvents: null,
      lastSeq: event.seq,
      updatedAt: at,
    });
    setMembers(view, event.streamId, p.unit, p.facts?.members ?? []);
    return;
  }
  const c = view.case;
  if (!c) return; // events of a stream whose submission is unknown are not projectable
  c.lastSeq = event.seq;
  c.updatedAt = at;
  const step = (key: string): CaseStepEntity | undefined => view.steps.get(key);
  noteOrganizers(c, event, step);
  const notify = (n: NotificationPayload | null) => {
    if (!n || typeof n.id !== 'string') return;
    view.notifications.push(
      Object.assign(new NotificationEntity(), {
        id: n.id,
        caseId: event.streamId,
        stepKey: str(n.stepKey),
        kind: n.kind,
        role: n.role,
        unit: n.unit,
        message: n.message,
        dueAt: date(n.dueAt),
        createdAt: at,
      }),
    );
  };
  switch (event.type) {
    case 'step.awaiting':
    case 'step.skipped': {
      const p = event.payload;
      const row = Object.assign(step(p.key) ?? new CaseStepEntity(), {
        caseId: event.streamId,
        stepKey: p.key,
        code: p.code,
        nameZh: str(p.name?.zh),
        nameEn: str(p.name?.en),
        phase: p.phase,
        kind: p.kind,
        actorRole: p.actorRole,
        unit: c.unit,
        memberId: str(p.memberId),
        country: str(p.country),
        status: event.type === 'step.awaiting' ? 'awaiting' : 'skipped',
        blockedReason: null,
        startedAt: event.type === 'step.awaiting' ? date(event.payload.startedAt) : null,
        doneAt: null,
        dueAt: event.type === 'step.awaiting' ? date(event.payload.dueAt) : null,
        overdueSince: null,
        actedBy: null,
        actedByRole: null,
        onBehalfOf: null,
        decision: null,
        workingDays: null,
        updatedSeq: event.seq,
      });
      row.latestStartAt ??= null;
      view.steps.set(p.key, row);
      return;
    }
    case 'step.completed':
    case 'step.decided': {
      const p = event.payload;
      const row = step(p.key);
      if (!row) return;
      row.updatedSeq = event.seq;
      row.actedBy = event.actorId ?? null;
      row.actedByRole = event.actorRole ?? null;
      row.onBehalfOf = event.onBehalfOf ?? null;
      if (event.type === 'step.decided') {
        row.decision = event.payload.decision;
        if (event.payload.decision === 'return') return; // step.returned follows
      }
      row.status = 'done';
      row.doneAt = at;
      row.latestStartAt = null;
      row.overdueSince = null;
      row.workingDays = row.startedAt
        ? Math.round(chineseCalendar().workingDaysBetween(row.startedAt.getTime(), at.getTime()) * 1000) / 1000
        : 0;
      if (event.type === 'step.completed' && behaviourOf(row.code, c.definitionVersion).data === 'trip-report') {
        const outcomes = ((event.payload.data ?? {}).outcomes ?? {}) as Record<string, unknown>;
        c.reportFiledAt = at;
        c.investmentSignedYuan = yuan(outcomes.investmentSignedYuan);
        c.tradeSignedYuan = yuan(outcomes.tradeSignedYuan);
        c.promotionEvents = count(outcomes.promotionEvents);
      }
      // The passport issued to a member (C05, schema 'new-passport') is one more key of that member on this case, as
      // openCaseKeys keys the passport typed (passportPersonKey): the overlap and frequency rules find the person by it
      // (handed input: 龚十七 left on EN9000001 issued at C05; 龚石七 typed with EN9000001 in another unit passed both).
      if (event.type === 'step.completed' && row.memberId && behaviourOf(row.code, c.definitionVersion).data === 'new-passport') {
        const number = (event.payload.data ?? {}).number;
        if (typeof number === 'string' && passportNumberKey(number) !== '') {
          // Done again (returned, redone): the number it records now replaces the one it recorded before.
          for (const [k, r] of view.members) if (r.memberId === row.memberId && r.issued) view.members.delete(k);
          const member = Object.assign(new CaseMemberEntity(), {
            caseId: event.streamId,
            memberId: row.memberId,
            personKey: passportPersonKey(number),
            issued: true,
          });
          view.members.set(memberKey(member), view.members.get(memberKey(member)) ?? member);
        }
      }
      return;
    }
    case 'step.returned':
      for (const key of event.payload.keys ?? []) {
        const row = step(key);
        if (!row) continue;
        Object.assign(row, {
          status: 'returned',
          blockedReason: null,
          startedAt: null,
          doneAt: null,
          dueAt: null,
          overdueSince: null,
          decision: null,
          workingDays: null,
          updatedSeq: event.seq,
        });
      }
      return;
    case 'step.blocked':
    case 'step.unblocked': {
      const row = step(event.payload.key);
      if (!row) return;
      row.updatedSeq = event.seq;
      row.status = event.type === 'step.blocked' ? 'blocked' : 'awaiting';
      row.blockedReason = event.type === 'step.blocked' ? event.payload.reason : null;
      return;
    }
    case 'step.overdue': {
      const p = event.payload;
      notify(p.notification);
      const row = step(p.key);
      if (!row) return;
      row.updatedSeq = event.seq;
      if (!p.escalation) {
        if (row.status === 'awaiting') row.status = 'overdue';
        if (OPEN_STEP.has(row.status)) row.overdueSince ??= date(p.dueAt);
      }
      return;
    }
    case 'deficiency.overdue':
      notify(event.payload.notification);
      notify(event.payload.office ?? null);
      return;
    case 'case.replanned': {
      const p = event.payload;
      c.phase = p.phase;
      c.forecastReadyAt = date(p.forecastReadyAt);
      c.slackWd = typeof p.slackWd === 'number' ? p.slackWd : null;
      // At risk of missing the departure: only a case still heading for it (a replan after departure or closing keeps its
      // slack but is not a risk: new-user trial, a completed case listed by ?atRisk=true).
      c.atRisk = p.atRisk === true && c.status === 'open';
      // A closed case has no step it waits for (new-user trial: a withdrawn case's list row kept 关键步骤 A05): the
      // engine's last replan, at its close, still names one.
      const closed = c.status !== 'open' && c.status !== 'departed';
      c.criticalStep = closed ? null : str(p.criticalStep);
      c.provisionalCalendar = p.provisionalCalendar === true;
      c.prepared = typeof p.prepared === 'boolean' ? p.prepared : null;
      c.criticalPath = p.criticalPath ?? [];
      if (closed) return;
      for (const [key, iso] of Object.entries(p.latestStarts ?? {})) {
        const row = step(key);
        if (row) row.latestStartAt = new Date(iso);
      }
      return;
    }
    case 'case.amended': {
      const p = event.payload;
      c.departureDate = p.departureDate;
      c.returnDate = p.returnDate;
      c.countries = p.countries ?? c.countries;
      c.memberCount = Number(p.memberCount);
      if (Array.isArray(p.changes?.members)) setMembers(view, event.streamId, c.unit, p.changes.members);
      return;
    }
    case 'step.withdrawn': {
      const row = step(event.payload.key);
      if (row && row.status !== 'done' && row.status !== 'skipped') {
        row.status = 'withdrawn';
        row.overdueSince = null;
        row.updatedSeq = event.seq;
      }
      return;
    }
    case 'member.withdrawn':
      c.memberCount = Number(event.payload.memberCount);
      for (const [k, row] of view.members) if (row.memberId === event.payload.memberId) view.members.delete(k);
      for (const row of view.steps.values()) {
        if (row.memberId === event.payload.memberId && row.status !== 'done' && row.status !== 'skipped') {
          row.status = 'withdrawn';
          row.overdueSince = null;
          row.updatedSeq = event.seq;
        }
      }
      return;
    case 'case.departed': {
      const p = event.payload;
      c.status = 'departed';
      c.phase = 'post-trip';
      c.departedAt = at;
      c.submissionToDepartureDays = dayNumber(shanghaiDate(at.getTime())) - dayNumber(shanghaiDate(c.submittedAt.getTime()));
      const departureDate = str(p.departureDate) ?? c.departureDate;
      const returnDate = str(p.returnDate) ?? c.returnDate;
      for (const t of p.trips ?? []) {
        view.trips.push(
          Object.assign(new MemberTripEntity(), {
            caseId: event.streamId,
            memberId: t.memberId,
            // The name folded as the history compares it (historyKeyOf): 陈 十三 recorded is 陈十三's trip.
            personKey: historyKeyOf(c.unit, t.personKey),
            unit: c.unit,
            purpose: c.purpose,
            departureDate,
            returnDate,
          }),
        );
      }
      return;
    }
    case 'case.closed':
      c.status = event.payload.status;
      c.phase = 'closed';
      c.atRisk = false;
      c.criticalStep = null;
      c.closedAt = at;
      // Nobody owes anything on a closed case: a step it left undone is withdrawn (no longer needed) and stops counting
      // as overdue.
      for (const row of view.steps.values()) {
        const status = stepStatusOfClosedCase(row.status as StepStatus);
        if (status !== row.status) {
          row.status = status;
          row.overdueSince = null;
          row.latestStartAt = null;
          row.updatedSeq = event.seq;
        }
      }
      return;
    case 'attachment.added': {
      const p = event.payload;
      view.attachments.set(
        p.id,
        Object.assign(new AttachmentEntity(), {
          id: p.id,
          caseId: event.streamId,
          stepKey: p.stepKey,
          kind: p.kind,
          fileName: p.fileName,
          mimeType: p.mimeType,
          size: p.size,
          sha256: p.sha256,
          storageKey: p.storageKey,
          uploadedBy: event.actorId ?? 'unknown',
          uploadedByRole: event.actorRole ?? null,
          uploadedAt: at,
          removedBy: null,
          removedAt: null,
        }),
      );
      return;
    }
    case 'attachment.removed': {
      const row = view.attachments.get(event.payload.id);
      if (row) {
        row.removedBy = event.actorId ?? 'unknown';
        row.removedAt = at;
      }
      return;
    }
    // Events that change no read model (they stay in the timeline).
    case 'notice.objection':
    case 'deficiency.raised':
    case 'deficiency.supplied':
    case 'deficiency.extended':
      return;
    default:
      // A new event type must be handled above: this line does not compile until it is.
      return event satisfies never;
  }
}

/** The read models of one stream from its whole history (the rebuild). */
export function foldStream(events: Iterable<CaseEventRecord>): CaseView {
  const view = emptyView();
  for (const e of upcastStream(events)) foldCaseEvent(view, e);
  return view;
}

/**
 * Folds a batch of new events into the stored read models of their streams, inside the caller's
 * transaction. Loads only the rows the events touch (member withdrawals and closings load the stream's steps).
 */
export async function projectEvents(manager: EntityManager, events: CaseEventRecord[]): Promise<void> {
  const byStream = new Map<string, CaseEventRecord[]>();
  for (const e of events) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e]);
  for (const [streamId, batch] of byStream) {
    const existing = await manager.findOne(CaseEntity, { where: { caseId: streamId } });
    const fresh = batch.filter((e) => !existing || e.seq > existing.lastSeq);
    if (fresh.length === 0) continue;
    const keys = [...new Set(fresh.flatMap(stepKeysOf))];
    const rows = fresh.some(touchesWholeStream)
      ? await manager.find(CaseStepEntity, { where: { caseId: streamId } })
      : keys.length > 0
        ? await manager.find(CaseStepEntity, { where: { caseId: streamId, stepKey: In(keys) } })
        : [];
    const attachmentIds = [...new Set(fresh.flatMap(attachmentIdsOf))];
    const attachmentRows = attachmentIds.length > 0 ? await manager.find(AttachmentEntity, { where: { id: In(attachmentIds) } }) : [];
    // A new member list replaces the stored one: load it to know which rows leave.
    const memberRows = fresh.some(touchesMembers) ? await manager.find(CaseMemberEntity, { where: { caseId: streamId } }) : [];
    const view: CaseView = {
      ...emptyView(),
      members: new Map(memberRows.map((r) => [memberKey(r), r])),
      ...(existing ? { case: existing } : {}),
      steps: new Map(rows.map((r) => [r.stepKey, r])),
      attachments: new Map(attachmentRows.map((r) => [r.id, r])),
    };
    const before = new Map(rows.map((r) => [r.stepKey, JSON.stringify(r)]));
    const attachmentsBefore = new Map(attachmentRows.map((r) => [r.id, JSON.stringify(r)]));
    for (const e of upcastStream(fresh)) foldCaseEvent(view, e);
    // One INSERT … ON CONFLICT DO UPDATE each (save() would SELECT every row again before writing it).
    if (view.case) await manager.upsert(CaseEntity, view.case, { conflictPaths: ['caseId'] });
    const changed = [...view.steps.values()].filter((r) => before.get(r.stepKey) !== JSON.stringify(r));
    for (let i = 0; i < changed.length; i += 200)
      await manager.upsert(CaseStepEntity, changed.slice(i, i + 200), { conflictPaths: ['caseId', 'stepKey'] });
    if (view.notifications.length > 0)
      await manager.createQueryBuilder().insert().into(NotificationEntity).values(view.notifications).orIgnore().execute();
    if (view.trips.length > 0) await manager.createQueryBuilder().insert().into(MemberTripEntity).values(view.trips).orIgnore().execute();
    const gone = memberRows.filter((r) => !view.members.has(memberKey(r)));
    for (const r of gone) await manager.delete(CaseMemberEntity, { caseId: r.caseId, memberId: r.memberId, personKey: r.personKey });
    const added = [...view.members.values()].filter((r) => !memberRows.some((o) => memberKey(o) === memberKey(r)));
    if (added.length > 0) await manager.createQueryBuilder().insert().into(CaseMemberEntity).values(added).orIgnore().execute();
    const attachments = [...view.attachments.values()].filter((r) => attachmentsBefore.get(r.id) !== JSON.stringify(r));
    if (attachments.length > 0) await manager.save(AttachmentEntity, attachments);
  }
}
