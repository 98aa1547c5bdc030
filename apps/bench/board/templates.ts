// Template cases for the board: the pure case engine (the workflow's own code, without Temporal)
// runs a case the way a well-run office would, and the read models are the projection's own fold of
// its events, so the seeded rows are what the live projection would have written.
import { randomUUID } from 'node:crypto';
import { missingDocumentAttachments, requiredTaskData, type CaseEventRecord, type DelegationInput } from '@df/contracts';
import {
  behaviourOf,
  UNIT_ROLES,
  chineseCalendar,
  DEFAULT_DEFINITION,
  makeDestination,
  makeMembers,
  parseInstant,
  shanghaiDate,
  toIso,
  type CaseFacts,
} from '@df/domain';
import { foldStream, type CaseView } from '@df/persistence';
import { responsibleRole } from '../../../workflows/engine/authorization';
import { CaseEngine } from '../../../workflows/engine/case-engine';
import { drainNow } from '../../../workflows/engine/drain';

const calendar = chineseCalendar();
const DAY = 86_400_000;

/** Placeholder unit of the templates; the seeding puts each copy's own unit in its place. */
export const TEMPLATE_UNIT = 'TPLUNIT';

export interface TemplateCase {
  /** The events up to the cut, in order (their ids and stream are replaced in every copy). */
  events: CaseEventRecord[];
  /** The read-model rows of those events: the projection's fold. */
  view: CaseView;
}

const SHAPES: Array<{ members: number; countries: string[] }> = [
  { members: 1, countries: ['US'] },
  { members: 2, countries: ['US', 'CA'] },
  { members: 3, countries: ['JP', 'KR'] },
  { members: 1, countries: ['DE'] },
];

function facts(shape: { members: number; countries: string[] }, departure: number): CaseFacts {
  const destinations = shape.countries.map((country, i) =>
    makeDestination({
      country,
      city: `${country} city`,
      arrive: shanghaiDate(departure + i * 3 * DAY),
      leave: shanghaiDate(departure + (i + 1) * 3 * DAY),
      inviter: { name: 'Jane Roe', organization: `${country} Chamber of Commerce` },
    }),
  );
  return {
    title: `经贸交流（${shape.countries.join('、')}）`,
    unit: TEMPLATE_UNIT,
    purpose: 'trade',
    departureDate: destinations[0]!.arrive,
    returnDate: destinations.at(-1)!.leave,
    destinations,
    members: makeMembers(shape.members, (i) => ({ partyMember: i % 2 === 0, ...(i === 2 ? { passport: null } : {}) })),
    jointDelegation: false,
    supervisingDepartment: null,
  };
}

/** What a template case's task is completed with: the route at D01, a written outcome where the step requires one (A14, D11). */
const dataFor = (code: string): { data?: Record<string, unknown> } => {
  const data = behaviourOf(code).data === 'entry-route' ? { route: 'visa' } : requiredTaskData(code);
  return data ? { data } : {};
};

/**
 * Runs a case as the workflow loop does (system steps answered at once, replan, flush, timers on
 * time), every human step taking its target duration, until it closes or the clock passes `until`.
 * Returns the events and where each flushed batch ends (a read model only ever shows whole batches).
 */
export function simulate(
  input: DelegationInput,
  until = Infinity,
): { events: CaseEventRecord[]; batchEnds: Array<{ seq: number; at: number }> } {
  const engine = new CaseEngine(input, { newId: randomUUID, workflowId: `delegation-${input.caseId}`, calendar });
  let now = parseInstant(input.submittedAt);
  engine.start(now);
  const events: CaseEventRecord[] = [];
  const batchEnds: Array<{ seq: number; at: number }> = [];
  for (let guard = 0; guard < 5000; guard++) {
    // The workflow's drain protocol, system steps answered at once.
    const batches = drainNow(engine, now, (work) =>
      work.system === 'approval-document' ? { documentNo: `外任批〔${shanghaiDate(now).slice(0, 4)}〕0001号` } : {},
    );
    for (const batch of batches) {
      events.push(...batch);
      batchEnds.push({ seq: batch.at(-1)!.seq, at: now });
    }
    if (engine.closed) return { events, batchEnds };
    const p = engine.progress(now);
    const human = p.steps.filter((s) => (s.status === 'awaiting' || s.status === 'overdue') && s.kind !== 'system' && s.kind !== 'timer');
    // Steps certifying the departure or the return are done on that day (Asia/Shanghai), not before (the engine refuses).
    const finishAt = (s: (typeof human)[number]) => {
      const event = behaviourOf(s.code).certifies?.event;
      const day = event === 'departure' ? input.facts.departureDate : event === 'return' ? input.facts.returnDate : undefined;
      const byPlan = calendar.addWorkingDays(parseInstant(s.startedAt!), s.durationWd);
      return day ? Math.max(byPlan, Date.parse(`${day}T00:00:00+08:00`)) : byPlan;
    };
    const due = human.filter((s) => finishAt(s) <= now);
    if (due.length > 0) {
      for (const s of due) {
        const role = responsibleRole({ actor: s.actorRole, phase: s.phase });
        const unit = UNIT_ROLES.includes(role) ? TEMPLATE_UNIT : role === 'leader' ? 'city' : 'fao';
        const base = { requestId: `r-${s.key}-${guard}`, actor: { id: `${role}.${unit}`, role, unit } };
        if (s.kind === 'approval') engine.apply({ type: 'decide', request: { ...base, stepKey: s.key, decision: 'approve' } }, now);
        else {
          // The documents the step requires (2027.10: A03, A05), attached first as the organizer uploads them.
          for (const request of missingDocumentAttachments(s, base.actor, (kind) => `${s.key}-${kind}-${guard}`))
            engine.apply({ type: 'attach', request }, now);
          engine.apply(
            {
              type: 'complete',
              request: { ...base, stepKey: s.key, ...dataFor(s.code) },
            },
            now,
          );
        }
      }
      continue;
    }
    const deadline = engine.nextDeadline() ?? Infinity;
    if (deadline <= now) {
      engine.fireDueDeadlines(now);
      continue;
    }
    const next = Math.min(...human.map(finishAt).filter((t) => t > now), deadline);
    if (!Number.isFinite(next)) throw new Error(`template case stuck at ${toIso(now)}`);
    if (next > until) return { events, batchEnds };
    now = next;
  }
  throw new Error('template case did not finish');
}

function input(i: number, submittedAt: number, departureInDays: number): DelegationInput {
  const f = facts(SHAPES[i % SHAPES.length]!, submittedAt + departureInDays * DAY);
  return {
    caseId: `tpl-${i}`,
    facts: f,
    definition: DEFAULT_DEFINITION,
    settings: {},
    submittedBy: { id: `organizer.${TEMPLATE_UNIT}`, role: 'organizer', unit: TEMPLATE_UNIT },
    submittedAt: toIso(submittedAt),
  };
}

/**
 * Cases in flight: submitted between a few hours and three weeks ago, cut at the last batch before
 * now, so every phase of the chain is represented; one in four departs too soon for its plan (at risk).
 */
export function inFlightTemplates(count: number, now = Date.now()): TemplateCase[] {
  const out: TemplateCase[] = [];
  for (let i = 0; i < count; i++) {
    const ageDays = 0.3 + (i * 21) / count;
    const submittedAt = now - ageDays * DAY;
    const departureInDays = [60, 45, 16, 90][i % 4]!;
    const { events, batchEnds } = simulate(input(i, submittedAt, departureInDays), now);
    const cut = batchEnds.filter((b) => b.at <= now).at(-1)!.seq;
    const prefix = events.slice(0, cut);
    out.push({ events: prefix, view: foldStream(prefix) });
  }
  return out;
}

/** Closed cases of the last three years, run to the end of their post-trip obligations. */
export function completedTemplates(count: number, now = Date.now()): TemplateCase[] {
  const out: TemplateCase[] = [];
  for (let i = 0; i < count; i++) {
    const submittedAt = now - (60 + (i * 1000) / count) * DAY;
    const { events } = simulate(input(100 + i, submittedAt, 60));
    out.push({ events, view: foldStream(events) });
  }
  return out;
}
