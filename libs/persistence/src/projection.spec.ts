import { DEFAULT_DEFINITION, chineseCalendar, makeFacts, makeMember, parseInstant, shanghaiDate, toIso } from '@df/domain';
import {
  missingDocumentAttachments,
  requiredTaskData,
  type CaseEvent,
  type CaseEventRecord,
  type DelegationInput,
  type StepProgress,
} from '@df/contracts';
import { responsibleRole } from '../../../workflows/engine/authorization';
import { CaseEngine, type Escalation } from '../../../workflows/engine/case-engine';
import { emptyView, foldCaseEvent, foldStream, type CaseView } from './projection';

const calendar = chineseCalendar();
const UNIT = 'commerce';
// Monday 2026-03-02 09:00 Shanghai.
const MONDAY = Date.parse('2026-03-02T01:00:00Z');

/**
 * The engine's own events (the workflow's code without Temporal) for a whole case: A02 left overdue
 * for a while, a member's passport back late after the trip, a trip report with outcomes.
 */
function runCase(): { events: CaseEvent[]; escalations: Escalation[]; engine: CaseEngine; submittedAt: number } {
  const input: DelegationInput = {
    caseId: 'case-p',
    facts: makeFacts({
      unit: UNIT,
      departureDate: '2026-05-11',
      returnDate: '2026-05-15',
      supervisingDepartment: 'dept-commerce',
      members: [makeMember({ id: 'm1', personId: 'P-001' }), makeMember({ id: 'm2', name: '李四' })],
    }),
    definition: DEFAULT_DEFINITION,
    submittedBy: { id: `organizer.${UNIT}`, role: 'organizer', unit: UNIT },
    submittedAt: toIso(MONDAY),
  };
  const engine = new CaseEngine(input, {
    newId: (() => {
      let i = 0;
      return () => `00000000-0000-4000-8000-${String(++i).padStart(12, '0')}`;
    })(),
    workflowId: 'delegation-case-p',
    calendar,
  });
  const events: CaseEvent[] = [];
  const escalations: Escalation[] = [];
  let now = MONDAY;
  engine.start(now);
  const act = (s: StepProgress, data?: Record<string, unknown>) => {
    const role = responsibleRole({ actor: s.actorRole, phase: s.phase });
    const base = {
      requestId: `r-${s.key}-${now}`,
      actor: {
        id: `${role}.x`,
        role,
        unit: ['organizer', 'unit-leader', 'personnel', 'secrecy', 'finance', 'dept-approver'].includes(role) ? UNIT : 'fao',
      },
    };
    if (s.kind === 'approval') engine.apply({ type: 'decide', request: { ...base, stepKey: s.key, decision: 'approve' } }, now);
    else {
      for (const request of missingDocumentAttachments(s, base.actor, (kind) => `${s.key}-${kind}`))
        engine.apply({ type: 'attach', request }, now);
      const written = requiredTaskData(s.code);
      const d = data ?? written;
      engine.apply({ type: 'complete', request: { ...base, stepKey: s.key, ...(d ? { data: d } : {}) } }, now);
    }
  };
  for (let guard = 0; guard < 5000; guard++) {
    for (const work of engine.takeSystemWork())
      engine.applySystemResult(work, work.code === 'B08' ? { documentNo: '外任批〔2026〕0001号' } : {}, now);
    escalations.push(...engine.takeEscalations());
    engine.replan(now);
    events.push(...engine.takeEvents());
    if (engine.closed) return { events, escalations, engine, submittedAt: MONDAY };
    const p = engine.progress(now);
    const human = p.steps.filter((s) => (s.status === 'awaiting' || s.status === 'overdue') && s.kind !== 'system' && s.kind !== 'timer');
    // A02 waits 3 WD (due after 1): overdue; P02:m2 (the passport back in custody) comes 3 days after its deadline.
    // E07 and P01 certify the departure and the return: not before their day (Asia/Shanghai).
    const dayStart = (date: string) => Date.parse(`${date}T00:00:00+08:00`);
    const finishAt = (s: StepProgress) =>
      s.key === 'P02:m2'
        ? parseInstant(s.dueAt!) + 3 * 86_400_000
        : s.key === 'E07'
          ? Math.max(parseInstant(s.startedAt!), dayStart(input.facts.departureDate))
          : s.key === 'P01'
            ? Math.max(parseInstant(s.startedAt!), dayStart(input.facts.returnDate))
            : calendar.addWorkingDays(parseInstant(s.startedAt!), s.key === 'A02' ? 3 : s.durationWd);
    const due = human.filter((s) => finishAt(s) <= now);
    if (due.length > 0) {
      for (const s of due)
        act(
          s,
          s.code === 'P03' ? { outcomes: { investmentSignedYuan: 120_000_000.5, tradeSignedYuan: 3e8, promotionEvents: 4 } } : undefined,
        );
      continue;
    }
    const deadline = engine.nextDeadline() ?? Infinity;
    if (deadline <= now) {
      engine.fireDueDeadlines(now);
      continue;
    }
    now = Math.min(...human.map(finishAt).filter((t) => t > now), deadline);
  }
  throw new Error('case did not finish');
}

describe('the projection fold', () => {
  const run = runCase();
  const view = foldStream(run.events);

  it('gives the case row, with the supervising department, the submission-to-departure days and the report outcomes', () => {
    const departed = run.events.find((e) => e.type === 'case.departed')!;
    expect(view.case).toMatchObject({
      caseId: 'case-p',
      unit: UNIT,
      supervisingDepartment: 'dept-commerce',
      status: 'completed',
      phase: 'closed',
      memberCount: 2,
      lastSeq: run.events.length,
      investmentSignedYuan: '120000000.50',
      tradeSignedYuan: '300000000.00',
      promotionEvents: 4,
    });
    expect(view.case!.departedAt!.toISOString()).toBe(departed.occurredAt);
    const days =
      (Date.parse(`${shanghaiDate(departed.occurredAt)}T00:00:00Z`) - Date.parse(`${shanghaiDate(MONDAY)}T00:00:00Z`)) / 86_400_000;
    expect(view.case!.submissionToDepartureDays).toBe(days);
    expect(view.case!.reportFiledAt).not.toBeNull();
  });

  it('keeps the organizers (separation of duties) by organizersOf: 帮代办 counts the officer, and the user acted for', () => {
    expect(view.case!.organizers).toEqual(['organizer.commerce', 'organizer.x']);
    const completed = (key: string) => run.events.find((e) => e.type === 'step.completed' && e.payload.key === key)!;
    const memberStep = run.events.find((e) => e.type === 'step.completed' && /:m1$/.test(String(e.payload.key)))!;
    const n = run.events.length;
    const onBehalf = (e: CaseEvent, seq: number, actorId: string, onBehalfOf: string): CaseEvent =>
      ({ ...e, seq, eventId: `ob-${seq}`, actorId, actorRole: 'fao-clerk', onBehalfOf }) as CaseEvent;
    const folded = foldStream([
      ...run.events,
      onBehalf(completed('A09'), n + 1, 'clerk.one', 'zw.user'),
      onBehalf(memberStep, n + 2, 'clerk.two', 'm1'),
    ]);
    // The member of a member's step is no user: only the officer who recorded it for them is added.
    expect(folded.case!.organizers).toEqual(['clerk.one', 'clerk.two', 'organizer.commerce', 'organizer.x', 'zw.user']);
  });

  it('keeps a departed or closed case out of "at risk" when a replan after it says at risk (new-user trial)', () => {
    const replanned = run.events.filter((e) => e.type === 'case.replanned').at(-1)!;
    const late = (seq: number): CaseEventRecord =>
      ({ ...replanned, seq, eventId: `late-${seq}`, payload: { ...replanned.payload, atRisk: true, slackWd: -0.978 } }) as CaseEventRecord;
    const departedAt = run.events.findIndex((e) => e.type === 'case.departed');
    const departed = foldStream([...run.events.slice(0, departedAt + 1), late(departedAt + 2)]);
    expect(departed.case).toMatchObject({ status: 'departed', atRisk: false, slackWd: -0.978 });
    const closed = foldStream([...run.events, late(run.events.length + 1)]);
    expect(closed.case).toMatchObject({ status: 'completed', atRisk: false });
    // Before departure the replan's word stands.
    const first = run.events.findIndex((e) => e.type === 'case.replanned');
    expect(foldStream([...run.events.slice(0, first), late(first + 1)]).case!.atRisk).toBe(true);
  });

  it('names every step, records working days per done step, and clears overdue once done', () => {
    const steps = [...view.steps.values()];
    expect(steps.every((s) => s.nameZh && s.nameEn)).toBe(true);
    expect(view.steps.get('B07')).toMatchObject({
      nameZh: '按权限报批',
      nameEn: 'Approval at the authority level',
      status: 'done',
      decision: 'approve',
    });
    // A02 took 3 working days although due after 1; the notice timer exactly its 5.
    expect(view.steps.get('A02')).toMatchObject({ status: 'done', workingDays: 3, overdueSince: null });
    expect(view.steps.get('A13')!.workingDays).toBe(5);
    expect(steps.filter((s) => s.status === 'done').every((s) => typeof s.workingDays === 'number')).toBe(true);
    expect(steps.some((s) => s.overdueSince !== null)).toBe(false);
  });

  it('projects each escalation as a notification (the workflow activity no longer writes them) and the trips at departure', () => {
    expect(run.escalations.map((e) => e.kind)).toEqual(expect.arrayContaining(['step-overdue', 'passport-overdue']));
    expect(
      view.notifications.map((n) => ({
        id: n.id,
        stepKey: n.stepKey,
        kind: n.kind,
        role: n.role,
        unit: n.unit,
        message: n.message,
        dueAt: n.dueAt?.toISOString() ?? null,
      })),
    ).toEqual(
      run.escalations.map((e) => ({
        id: e.id,
        stepKey: e.stepKey,
        kind: e.kind,
        role: e.role,
        unit: e.unit,
        message: e.message,
        dueAt: e.dueAt,
      })),
    );
    expect(view.trips.map((t) => [t.memberId, t.personKey, t.unit, t.departureDate, t.returnDate])).toEqual([
      ['m1', 'P-001', UNIT, '2026-05-11', '2026-05-15'],
      ['m2', `${UNIT}:李四`, UNIT, '2026-05-11', '2026-05-15'],
    ]);
  });

  it('marks a step overdue while it is open, and withdraws it, no longer overdue, when the case closes', () => {
    const upTo = (pred: (e: CaseEventRecord) => boolean) => foldStream(run.events.slice(0, run.events.findIndex(pred) + 1));
    const a02Overdue = upTo((e) => e.type === 'step.overdue' && e.payload.key === 'A02');
    expect(a02Overdue.steps.get('A02')).toMatchObject({ status: 'overdue' });
    expect(a02Overdue.steps.get('A02')!.overdueSince).toEqual(a02Overdue.steps.get('A02')!.dueAt);
    // Withdrawing the case while A02 is overdue: nothing is owed any more.
    const closed = upTo((e) => e.type === 'step.overdue' && e.payload.key === 'A02');
    foldCaseEvent(closed, {
      streamId: 'case-p',
      seq: 10_000,
      eventId: 'x',
      type: 'case.closed',
      actorId: 'organizer.x',
      actorRole: 'organizer',
      occurredAt: toIso(MONDAY + 86_400_000 * 3),
      payload: { status: 'withdrawn', reason: '邀请方取消活动' },
    });
    // The step left undone is withdrawn (no longer needed), as the engine's progress shows it; done steps stay done.
    expect(closed.steps.get('A02')).toMatchObject({ status: 'withdrawn', overdueSince: null, latestStartAt: null });
    expect(closed.steps.get('A01')).toMatchObject({ status: 'done' });
    expect(closed.case).toMatchObject({ status: 'withdrawn', phase: 'closed', atRisk: false });
  });

  it('reads a schema-1 stream (no step names, notifications or trips in its events) as completely as a current one', () => {
    const v1: CaseEventRecord[] = run.events.map((e) => {
      const {
        name: _name,
        notification: _notification,
        trips: _trips,
        departureDate: _d,
        returnDate: _r,
        ...rest
      } = e.payload as Record<string, unknown>;
      const keep = e.type === 'case.submitted' || e.type === 'case.amended';
      return { ...e, payload: keep ? e.payload : rest };
    });
    const old = foldStream(v1);
    expect(JSON.stringify(old.case)).toBe(JSON.stringify(view.case));
    expect(JSON.stringify(Object.fromEntries(old.steps))).toBe(JSON.stringify(Object.fromEntries(view.steps)));
    expect(old.trips).toEqual(view.trips);
    // The schema-1 notification rows were written under ids the stream does not hold: the event's id stands in.
    const strip = (n: { id: string; createdAt: Date }[]) => n.map(({ id: _id, ...rest }) => rest);
    expect(strip(old.notifications)).toEqual(strip(view.notifications));
    expect(old.notifications.length).toBeGreaterThan(0);
  });

  it('folded in batches through a stored copy equals one fold of the whole stream (what the live projection relies on)', () => {
    // The live path folds each flushed batch into rows loaded back from the database: a JSON round trip here.
    const revive = (v: CaseView): CaseView => {
      const dates = /At$|Since$/;
      const back = <T extends object>(row: T, proto: object): T =>
        Object.assign(
          Object.create(proto) as T,
          Object.fromEntries(
            Object.entries(JSON.parse(JSON.stringify(row)) as Record<string, unknown>).map(([k, x]) => [
              k,
              dates.test(k) && typeof x === 'string' ? new Date(x) : x,
            ]),
          ),
        );
      return {
        ...emptyView(),
        ...(v.case ? { case: back(v.case, Object.getPrototypeOf(v.case) as object) } : {}),
        steps: new Map([...v.steps].map(([k, r]) => [k, back(r, Object.getPrototypeOf(r) as object)])),
      };
    };
    let live = emptyView();
    const notifications: unknown[] = [];
    const trips: unknown[] = [];
    for (let i = 0; i < run.events.length; i += 7) {
      live = revive(live);
      for (const e of run.events.slice(i, i + 7)) foldCaseEvent(live, e);
      notifications.push(...live.notifications);
      trips.push(...live.trips);
    }
    expect(JSON.stringify(live.case)).toBe(JSON.stringify(view.case));
    expect(JSON.stringify(Object.fromEntries(live.steps))).toBe(JSON.stringify(Object.fromEntries(view.steps)));
    expect(JSON.stringify(notifications)).toBe(JSON.stringify(view.notifications));
    expect(JSON.stringify(trips)).toBe(JSON.stringify(view.trips));
  });
});

describe('case_members: the current members by person key', () => {
  const record = (seq: number, type: string, payload: Record<string, unknown>): CaseEventRecord => ({
    streamId: 'case-m',
    seq,
    eventId: `e-${seq}`,
    type,
    actorId: 'organizer.commerce',
    actorRole: 'organizer',
    onBehalfOf: null,
    occurredAt: '2026-03-02T01:00:00.000Z',
    payload,
  });
  const rows = (v: CaseView) => [...v.members.values()].map((r) => `${r.memberId} ${r.personKey}`).sort();

  it('a submission lists each member under every key (personId, passport number and unit + name); an amendment replaces the list; a withdrawal removes the member', () => {
    const facts = makeFacts({
      unit: UNIT,
      members: [makeMember({ id: 'm1', personId: 'P-001', name: '张三' }), makeMember({ id: 'm2', name: '李四' })],
    });
    const submitted = record(1, 'case.submitted', {
      caseId: 'case-m',
      workflowId: 'delegation-case-m',
      title: 't',
      unit: UNIT,
      purpose: facts.purpose,
      departureDate: facts.departureDate,
      returnDate: facts.returnDate,
      countries: ['US'],
      memberCount: 2,
      definitionVersion: DEFAULT_DEFINITION.version,
      submittedAt: '2026-03-02T01:00:00.000Z',
      facts,
    });
    // Each member also under the passport number (openCaseKeys): one passport, one person, whatever unit or name.
    expect(rows(foldStream([submitted]))).toEqual([
      'm1 P-001',
      'm1 commerce:张三',
      'm1 passport:P1234567',
      'm2 commerce:李四',
      'm2 passport:P1234568',
    ]);
    const amended = record(2, 'case.amended', {
      changes: { members: [facts.members[0], makeMember({ id: 'm3', name: '王五' })] },
      departureDate: facts.departureDate,
      returnDate: facts.returnDate,
      countries: ['US'],
      memberCount: 2,
      datesChanged: false,
      countriesChanged: false,
      membersAdded: ['m3'],
      membersRemoved: ['m2'],
      comment: null,
    });
    // Dates alone leave the list as it is.
    const moved = record(3, 'case.amended', { ...amended.payload, changes: { departureDate: facts.departureDate } });
    expect(rows(foldStream([submitted, amended, moved]))).toEqual([
      'm1 P-001',
      'm1 commerce:张三',
      'm1 passport:P1234567',
      'm3 commerce:王五',
      'm3 passport:P1234569',
    ]);
    const withdrawn = record(4, 'member.withdrawn', { memberId: 'm1', reason: '调离', memberCount: 1 });
    expect(rows(foldStream([submitted, amended, moved, withdrawn]))).toEqual(['m3 commerce:王五', 'm3 passport:P1234569']);
  });

  it("the passport a member's C05 records (schema 'new-passport') is one more key of that member (passportPersonKey); on a definition whose C05 records none, nothing", () => {
    const facts = makeFacts({ unit: UNIT, members: [makeMember({ id: 'm1', name: '龚十七' })] });
    const submitted = (definitionVersion: string) =>
      record(1, 'case.submitted', {
        caseId: 'case-m',
        workflowId: 'delegation-case-m',
        title: 't',
        unit: UNIT,
        purpose: facts.purpose,
        departureDate: facts.departureDate,
        returnDate: facts.returnDate,
        countries: ['US'],
        memberCount: 1,
        definitionVersion,
        submittedAt: '2026-03-02T01:00:00.000Z',
        facts,
      });
    const awaiting = record(2, 'step.awaiting', {
      key: 'C05:m1',
      code: 'C05',
      name: { zh: 'C05', en: 'C05' },
      phase: 'passport',
      kind: 'task',
      actorRole: 'passport-officer',
      memberId: 'm1',
      country: null,
      startedAt: '2026-03-02T01:00:00.000Z',
      dueAt: '2026-03-03T01:00:00.000Z',
    });
    const completed = record(3, 'step.completed', {
      key: 'C05:m1',
      code: 'C05',
      data: { number: 'en 9000001', issuedOn: '2026-03-01', expiresOn: '2036-02-28' },
      comment: null,
    });
    const stream = (version: string) => [submitted(version), awaiting, completed];
    expect(rows(foldStream(stream(DEFAULT_DEFINITION.version)))).toEqual([
      'm1 commerce:龚十七',
      'm1 passport:EN9000001',
      'm1 passport:P1234567',
    ]);
    expect(rows(foldStream(stream('2027.2')))).toEqual(['m1 commerce:龚十七', 'm1 passport:P1234567']);
    // Trial H1's remainder: a new member list (an amendment after C05) kept only the facts' keys, and the issued
    // passport's key went. It stays for a member still on the case (issued), and goes with a member the list drops.
    const amendedTo = (seq: number, members: typeof facts.members) =>
      record(seq, 'case.amended', {
        changes: { members },
        departureDate: facts.departureDate,
        returnDate: facts.returnDate,
        countries: ['US'],
        memberCount: members.length,
        datesChanged: false,
        countriesChanged: false,
        membersAdded: members.filter((m) => m.id !== 'm1').map((m) => m.id),
        membersRemoved: members.some((m) => m.id === 'm1') ? [] : ['m1'],
        comment: null,
      });
    const kept = foldStream([...stream(DEFAULT_DEFINITION.version), amendedTo(4, facts.members)]);
    expect(rows(kept)).toEqual(['m1 commerce:龚十七', 'm1 passport:EN9000001', 'm1 passport:P1234567']);
    expect([...kept.members.values()].filter((r) => r.issued).map((r) => r.personKey)).toEqual(['passport:EN9000001']);
    const other = makeMember({ id: 'm2', name: '王五', passport: { inCustody: false, number: 'P7654321', expiresOn: '2031-06-30' } });
    expect(rows(foldStream([...stream(DEFAULT_DEFINITION.version), amendedTo(4, [other])]))).toEqual([
      'm2 commerce:王五',
      'm2 passport:P7654321',
    ]);
    // C05 done again (returned, another number recorded): the number it records now replaces the one before.
    const returned = record(4, 'step.returned', { by: 'C06', targets: ['C05:m1'], keys: ['C05:m1'] });
    const redone = record(5, 'step.completed', {
      key: 'C05:m1',
      code: 'C05',
      data: { number: 'EN9000002', issuedOn: '2026-03-05', expiresOn: '2036-03-04' },
      comment: null,
    });
    expect(rows(foldStream([...stream(DEFAULT_DEFINITION.version), returned, redone, amendedTo(6, facts.members)]))).toEqual([
      'm1 commerce:龚十七',
      'm1 passport:EN9000002',
      'm1 passport:P1234567',
    ]);
  });
});
