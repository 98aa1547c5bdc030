import { randomUUID } from 'node:crypto';
import { chineseCalendar, DEFAULT_DEFINITION, makeFacts, personKey, shanghaiDate, toIso, type CasePhase, type Label } from '@df/domain';
import type { CaseEventRecord, CaseStatus, TripOutcomes } from '@df/contracts';
import { ownPassports } from './factories';

/**
 * Event streams of synthetic cases with chosen figures, in the workflow's event format (payloads as
 * workflows/engine/case-engine.ts emits them), for seeding the event store through its append path.
 * A test states the figures (step working days, days to departure, outcomes, slack...) and computes
 * what the read models and the board must show from the same specification, not from the database.
 */

const calendar = chineseCalendar();
const DAY = 86_400_000;
const NAMES = new Map<string, Label>(DEFAULT_DEFINITION.steps.map((s) => [s.code, s.name]));
const POST_TRIP_NAMES: Record<string, Label> = {
  P02: { zh: '护照交回保管（7日内）', en: 'Passport back in custody (within 7 days)' },
  P03: { zh: '出访报告（15个工作日内）', en: 'Trip report (within 15 working days)' },
};

export interface StepSpec {
  key: string;
  code: string;
  phase: string;
  actorRole: string;
  kind?: 'task' | 'approval' | 'system' | 'external' | 'timer';
  memberId?: string;
  country?: string;
}

export interface DoneStepSpec extends StepSpec {
  /** Working days from opening to completion. */
  wd: number;
  /** Who acted (default `<actorRole>.<unit or fao>`), and for 帮代办 on whose behalf. */
  by?: { id: string; role: string };
  onBehalfOf?: string;
}

export interface OpenStepSpec extends StepSpec {
  /** Its deadline passed (a step.overdue event with its notification). */
  overdue?: boolean;
  /** Opened this many working days after the previous step finished (default 0). */
  latestStartWd?: number;
}

export interface CaseSpec {
  caseId?: string;
  unit: string;
  title?: string;
  supervisingDepartment?: string | null;
  /** Epoch ms of the submission. */
  submittedAt: number;
  departureDate: string;
  /** The return date (default: the departure date), the stop's leaving day with it. */
  returnDate?: string;
  /** Steps done in order, each opened when the previous one finished. */
  done: DoneStepSpec[];
  /** Steps open at the end (in flight, or post-trip obligations). */
  open?: OpenStepSpec[];
  /** The last plan (case.replanned) of a case in flight. */
  plan?: { phase: CasePhase; slackWd: number; atRisk: boolean; forecastReadyAt: number; criticalStep: string | null };
  /** Departed this many calendar days after the submission (same time of day). */
  departedAfterDays?: number;
  /** Trip report filed (P03) after the departure, with these outcomes. */
  report?: TripOutcomes;
  /** Closed with this status (after everything above). */
  closed?: Exclude<CaseStatus, 'open' | 'departed'>;
}

/** The event stream of a case as the workflow would have appended it. */
export function caseStream(spec: CaseSpec): CaseEventRecord[] {
  const caseId = spec.caseId ?? randomUUID();
  const facts = makeFacts({
    title: spec.title ?? `经贸交流 ${caseId.slice(0, 8)}`,
    unit: spec.unit,
    departureDate: spec.departureDate,
    returnDate: spec.returnDate ?? spec.departureDate,
    supervisingDepartment: spec.supervisingDepartment ?? null,
  });
  facts.destinations = [{ ...facts.destinations[0]!, arrive: spec.departureDate, leave: spec.returnDate ?? spec.departureDate }];
  facts.members = ownPassports(facts.members);
  const events: CaseEventRecord[] = [];
  const emit = (
    type: string,
    at: number,
    payload: Record<string, unknown>,
    by?: { id: string; role: string } | null,
    onBehalfOf?: string,
  ) =>
    events.push({
      streamId: caseId,
      seq: events.length + 1,
      eventId: randomUUID(),
      type,
      actorId: by?.id ?? null,
      actorRole: by ? by.role : 'system',
      onBehalfOf: onBehalfOf ?? null,
      occurredAt: toIso(at),
      payload,
    });
  const organizer = { id: `organizer.${spec.unit}`, role: 'organizer' };
  emit(
    'case.submitted',
    spec.submittedAt,
    {
      caseId,
      workflowId: `delegation-${caseId}`,
      title: facts.title,
      unit: facts.unit,
      purpose: facts.purpose,
      departureDate: facts.departureDate,
      returnDate: facts.returnDate,
      countries: ['US'],
      memberCount: facts.members.length,
      definitionVersion: DEFAULT_DEFINITION.version,
      submittedAt: toIso(spec.submittedAt),
      facts,
    },
    organizer,
  );
  const meta = (s: StepSpec) => ({
    key: s.key,
    code: s.code,
    name: NAMES.get(s.code) ?? POST_TRIP_NAMES[s.code] ?? { zh: s.code, en: s.code },
    phase: s.phase,
    kind: s.kind ?? 'task',
    actorRole: s.actorRole,
    memberId: s.memberId ?? null,
    country: s.country ?? null,
  });
  const byOf = (s: DoneStepSpec) =>
    s.by ?? {
      id: `${s.actorRole}.${['organizer', 'unit-leader', 'personnel', 'secrecy', 'finance', 'dept-approver'].includes(s.actorRole) ? spec.unit : 'fao'}`,
      role: s.actorRole,
    };
  const runDone = (steps: DoneStepSpec[], from: number): number => {
    let t = from;
    for (const s of steps) {
      const doneAt = calendar.addWorkingDays(t, s.wd, 'end');
      emit('step.awaiting', t, { ...meta(s), startedAt: toIso(t), dueAt: toIso(calendar.addWorkingDays(t, 1, 'end')) });
      if (s.kind === 'approval')
        emit('step.decided', doneAt, { key: s.key, code: s.code, decision: 'approve', comment: null }, byOf(s), s.onBehalfOf);
      else
        emit(
          'step.completed',
          doneAt,
          { key: s.key, code: s.code, data: null, comment: null },
          s.kind === 'system' || s.kind === 'timer' ? null : byOf(s),
          s.onBehalfOf,
        );
      t = doneAt;
    }
    return t;
  };
  let t = runDone(spec.done, spec.submittedAt);
  const openSteps = spec.departedAfterDays === undefined ? (spec.open ?? []) : [];
  const openAll = (steps: OpenStepSpec[], at: number) => {
    for (const s of steps) {
      const dueAt = calendar.addWorkingDays(at, 0.5, 'end');
      emit('step.awaiting', at, { ...meta(s), startedAt: toIso(at), dueAt: toIso(dueAt) });
      if (s.overdue) {
        emit('step.overdue', dueAt, {
          key: s.key,
          code: s.code,
          dueAt: toIso(dueAt),
          notification: {
            id: randomUUID(),
            stepKey: s.key,
            kind: 'step-overdue',
            role: s.actorRole,
            unit: spec.unit,
            message: { zh: `${s.key} 已超期`, en: `${s.key} is overdue` },
            dueAt: toIso(dueAt),
          },
        });
      }
    }
  };
  openAll(openSteps, t);
  if (spec.plan) {
    const latestStarts = Object.fromEntries(
      openSteps.map((s) => [s.key, toIso(calendar.addWorkingDays(t, s.latestStartWd ?? 0, 'start'))]),
    );
    emit('case.replanned', t, {
      phase: spec.plan.phase,
      status: 'open',
      forecastReadyAt: toIso(spec.plan.forecastReadyAt),
      forecastReadyDate: shanghaiDate(spec.plan.forecastReadyAt),
      slackWd: spec.plan.slackWd,
      atRisk: spec.plan.atRisk,
      criticalPath: spec.plan.criticalStep ? [spec.plan.criticalStep] : [],
      criticalStep: spec.plan.criticalStep,
      latestStarts,
    });
  }
  if (spec.departedAfterDays !== undefined) {
    const departedAt = spec.submittedAt + spec.departedAfterDays * DAY;
    emit(
      'case.departed',
      departedAt,
      {
        departedAt: toIso(departedAt),
        members: facts.members.map((m) => m.id),
        departureDate: facts.departureDate,
        returnDate: facts.returnDate,
        trips: facts.members.map((m) => ({ memberId: m.id, personKey: personKey(facts, m) })),
      },
      organizer,
    );
    t = departedAt;
    if (spec.report) {
      t = runDone([{ key: 'P03', code: 'P03', phase: 'post-trip', actorRole: 'organizer', wd: 2 }], t);
      // The outcomes ride on the completion's data.
      const completion = events.at(-1)!;
      completion.payload.data = { outcomes: spec.report };
    }
    openAll(spec.open ?? [], t);
  }
  if (spec.closed)
    emit(
      'case.closed',
      t + 1000,
      { status: spec.closed, reason: `closed: ${spec.closed}` },
      spec.closed === 'completed' ? null : organizer,
    );
  return events;
}
