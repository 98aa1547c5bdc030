import {
  documentAttachmentKind,
  DEFAULT_DEFINITION,
  DEFINITION_2026_1,
  DEFINITION_2027_3,
  DEFINITION_2027_4,
  DEFINITION_2027_5,
  DEFINITION_2027_6,
  DEFINITION_2027_7,
  DEFINITION_2027_10,
  DEFINITION_2027_11,
  DEFINITION_2027_12,
  DEFINITION_2027_8,
  DEFINITION_2027_1,
  addDays,
  chineseCalendar,
  dayNumber,
  departureDateViolations,
  makeDestination,
  makeFacts,
  makeMember,
  fixturePassportNumber,
  parseInstant,
  shanghaiDate,
  toIso,
  TRIP_REPORT_SUMMARY_MAX,
  type AttachmentKind,
  type CaseFacts,
  type Destination,
  type Member,
} from '@df/domain';
import {
  missingDocumentAttachments,
  placeholderSha256,
  requiredTaskData,
  type Actor,
  type DelegationInput,
  type DelegationProgress,
} from '@df/contracts';
import { responsibleRole } from './authorization';
import { CaseEngine, type ValidationRules } from './case-engine';
import { MIN_DUE_WD, type EngineDeps } from './core';
import { Rejection } from './rejection';

const calendar = chineseCalendar();
const UNIT = '市商务局';
// Monday 2026-03-02 09:00 Shanghai, no holiday for weeks.
const MONDAY = Date.parse('2026-03-02T01:00:00Z');

function makeInput(facts: Partial<CaseFacts> = {}): DelegationInput {
  return {
    caseId: 'case-1',
    facts: makeFacts({ unit: UNIT, departureDate: '2026-05-11', returnDate: '2026-05-15', ...facts }),
    definition: DEFAULT_DEFINITION,
    submittedBy: actor('organizer'),
    submittedAt: toIso(MONDAY),
  };
}

function actor(role: Actor['role'], unit = UNIT): Actor {
  return { id: `${role}.${unit}`, role, unit };
}

/** The organizer attaching a 100-byte PDF `id` of `kind` to the case (the supply and trip-report tests' files). */
function attachPdf(id: string, kind: AttachmentKind = 'other', fileName = `${id}.pdf`) {
  const attachment = {
    id,
    kind,
    stepKey: null,
    fileName,
    mimeType: 'application/pdf',
    size: 100,
    sha256: placeholderSha256(id), // each file its own content
    storageKey: `cases/case-1/${id}`,
  };
  return { type: 'attach' as const, request: { requestId: id, actor: actor('organizer'), attachment } };
}

/** The data a step's schema requires of a completion (a written outcome at A14, D11), if any. */
function dataOf(code: string): { data?: Record<string, unknown> } {
  const data = requiredTaskData(code);
  return data ? { data } : {};
}

let ids = 0;
function newEngine(facts: Partial<CaseFacts> = {}, deps: Partial<EngineDeps> = {}, definition = DEFAULT_DEFINITION): CaseEngine {
  const input = { ...makeInput(facts), definition };
  const engine = new CaseEngine(input, { newId: () => `id-${++ids}`, workflowId: 'delegation-case-1', calendar, ...deps });
  engine.start(MONDAY);
  return engine;
}

const awaiting = (p: DelegationProgress) => p.steps.filter((s) => s.status === 'awaiting' || s.status === 'overdue');

/**
 * Runs a case the way a well-run office would: every step takes exactly its target duration,
 * system steps answer at once, timers fire on time. Returns the instant departure was confirmed.
 */
function simulate(
  engine: CaseEngine,
  opts: { until?: (p: DelegationProgress) => boolean; onAwaiting?: (key: string) => boolean; from?: number } = {},
): number {
  // `from`: the case's time to go on from (a second run on the same engine, its requests its own).
  let now = opts.from ?? MONDAY;
  for (let guard = 0; guard < 2000; guard++) {
    // A system step's answer can open another (A01 answered again opens the A07/A08 it held): until none is left.
    for (let work = engine.takeSystemWork(); work.length > 0; work = engine.takeSystemWork())
      for (const w of work) engine.applySystemResult(w, w.code === 'B08' ? { documentNo: '外任批〔2026〕0001号' } : {}, now);
    const p = engine.progress(now);
    if (engine.closed || engine.status === 'departed' || opts.until?.(p)) return now;
    const human = awaiting(p).filter((s) => s.kind !== 'system' && s.kind !== 'timer');
    // E07 certifies the departure: it is confirmed on the departure day (Asia/Shanghai), not before.
    const finishAt = (s: (typeof human)[number]) =>
      s.key === 'E07'
        ? Math.max(parseInstant(s.startedAt!), departureDayStart(engine))
        : calendar.addWorkingDays(parseInstant(s.startedAt!), stepDuration(engine, s.key));
    const due = human.filter((s) => finishAt(s) <= now);
    if (due.length > 0) {
      for (const s of due) {
        if (opts.onAwaiting && !opts.onAwaiting(s.key)) continue;
        const by = actor(responsibleRole({ actor: s.actorRole, phase: s.phase }));
        const base = { requestId: `r${opts.from ?? ''}-${s.key}-${guard}`, actor: by };
        if (s.kind === 'approval') engine.apply({ type: 'decide', request: { ...base, stepKey: s.key, decision: 'approve' } }, now);
        else {
          // The documents the step requires (2027.10: A03, A05) uploaded first, as the organizer does.
          for (const request of missingDocumentAttachments(s, by, (kind) => `${s.key}-${kind}-${guard}`))
            engine.apply({ type: 'attach', request }, now);
          engine.apply({ type: 'complete', request: { ...base, stepKey: s.key, ...dataOf(s.code) } }, now);
        }
      }
      continue;
    }
    // Work finished on time is recorded before the clock's deadlines for the same instant fire.
    const deadline = engine.nextDeadline() ?? Infinity;
    if (deadline <= now) {
      engine.fireDueDeadlines(now);
      continue;
    }
    const next = Math.min(...human.map(finishAt).filter((t) => t > now), deadline);
    if (!Number.isFinite(next)) throw new Error(`stuck: ${JSON.stringify(awaiting(p).map((s) => s.key))}`);
    now = next;
  }
  throw new Error('simulation did not finish');
}

/** Runs the case on to its departure (simulate) and answers the steps completed or decided on the way, in order. */
function departAndListDone(engine: CaseEngine): string[] {
  simulate(engine);
  expect(engine.status).toBe('departed');
  return engine
    .takeEvents()
    .filter((e) => e.type === 'step.completed' || e.type === 'step.decided')
    .map((e) => (e.payload as { key: string }).key);
}

/** Amendments the version tests send: the trip four days later, a member added, a stop's city changed, a country added. */
const AMENDED = {
  later: (engine: CaseEngine): Partial<CaseFacts> => ({
    departureDate: '2026-05-18',
    returnDate: '2026-05-22',
    destinations: [{ ...engine.facts.destinations[0]!, arrive: '2026-05-18', leave: '2026-05-22' }],
  }),
  member: (engine: CaseEngine): Partial<CaseFacts> => ({ members: [...engine.facts.members, makeMember({ id: 'm2', name: '李四' })] }),
  city: (engine: CaseEngine): Partial<CaseFacts> => ({ destinations: [{ ...engine.facts.destinations[0]!, city: 'Washington' }] }),
};

/** 00:00 Asia/Shanghai of the case's departure date, epoch ms. */
function departureDayStart(engine: CaseEngine): number {
  return Date.parse(`${engine.facts.departureDate}T00:00:00+08:00`);
}

function stepDuration(engine: CaseEngine, key: string): number {
  return engine.plan(MONDAY).steps.find((s) => s.key === key)!.efWd - engine.plan(MONDAY).steps.find((s) => s.key === key)!.esWd;
}

describe('CaseEngine', () => {
  it('opens every step whose needs are met at once, and runs the canonical US trip in 15.5 working days', () => {
    const engine = newEngine();
    const first = engine.progress(MONDAY);
    expect(first.plan.criticalPathCodes).toEqual([
      'A01',
      'A02',
      'A05',
      'A13',
      'B07',
      'B08',
      'D07',
      'D09',
      'D10',
      'D12',
      'D13',
      'E06',
      'E07',
    ]);
    expect(first.plan.totalWd).toBe(15.5);
    const predicted = first.plan.forecastReadyAt;

    const departedAt = simulate(engine);
    expect(engine.status).toBe('departed');
    // Ready (E07 awaiting) when predicted; the departure is confirmed on the departure day.
    expect(engine.progress(departedAt).steps.find((s) => s.key === 'E07')!.startedAt).toBe(predicted);
    expect(toIso(departedAt)).toBe('2026-05-10T16:00:00.000Z');
    // A02 done opens A03 (per country), A05 and A06 together: parallel branches.
    const p = engine.progress(departedAt);
    const started = (key: string) => p.steps.find((s) => s.key === key)!.startedAt;
    expect(started('A05')).toBe(started('A06'));
    expect(started('A05')).toBe(started('A03:US'));
    expect(p.approvalDocumentNo).toBe('外任批〔2026〕0001号');
    expect(p.phase).toBe('post-trip');
  });

  it('records every change as a gap-free event sequence', () => {
    const engine = newEngine();
    simulate(engine);
    const seqs = engine.takeEvents().map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(seqs.length).toBe(engine.lastSeq);
  });

  it('names statuses and decisions in refusals by their labels (codes stay in the code fields)', () => {
    const engine = newEngine();
    const refusal = (fn: () => void): Rejection => {
      try {
        fn();
      } catch (err) {
        return err as Rejection;
      }
      throw new Error('expected a rejection');
    };
    const base = { requestId: 'x', actor: actor('organizer') };
    const pending = refusal(() => engine.validate({ type: 'complete', request: { ...base, stepKey: 'B07' } }));
    expect(pending.code).toBe('STEP_NOT_AWAITING');
    expect(pending.label.zh).toBe('步骤 B07 当前状态为未开始，不在待办理状态');
    expect(pending.label.en).toBe('Step B07 is pending, not awaiting an action');
    for (const work of engine.takeSystemWork()) engine.applySystemResult(work, {}, MONDAY);
    const decision = refusal(() =>
      engine.validate({ type: 'decide', request: { ...base, stepKey: 'A02', decision: 'maybe' as 'approve' } }),
    );
    expect(decision.code).toBe('INVALID_REQUEST');
    expect(decision.label.zh).toContain('approve（同意）、reject（不同意）、return（退回修改）、accept-with-deficiencies（容缺受理）');
    expect(decision.label.en).toContain('approve (Approve), reject (Reject)');
  });

  it('a decision the step does not take is 422 at decision, rule step-decision: 容缺受理 outside intake (trial: 409 at A15)', () => {
    const engine = newEngine();
    const at = simulate(engine, { until: (p) => awaiting(p).some((st) => st.code === 'A15') });
    const a15 = awaiting(engine.progress(at)).find((st) => st.code === 'A15')!;
    const by = actor(responsibleRole({ actor: a15.actorRole, phase: a15.phase }));
    try {
      engine.validate(
        {
          type: 'decide',
          request: {
            requestId: 'awd',
            actor: by,
            stepKey: a15.key,
            decision: 'accept-with-deficiencies',
            missingDocuments: [{ id: 'd1', name: '邀请函' }],
          },
        },
        at,
      );
      throw new Error('expected a rejection');
    } catch (err) {
      const r = err as Rejection;
      expect([r.code, r.errors?.map((e) => [e.field, e.rule])]).toEqual(['INVALID_REQUEST', [['decision', 'step-decision']]]);
      expect(r.label.zh).toBe('容缺受理只适用于外办受理（B02），本步骤可选：approve（同意）、reject（不同意）、return（退回修改）');
    }
  });

  it('refuses unknown steps, steps not awaiting, the wrong role, the manager, and a decision on a task', () => {
    const engine = newEngine();
    const expectRejection = (fn: () => void, code: string) => {
      try {
        fn();
        throw new Error('expected a rejection');
      } catch (err) {
        expect(err).toBeInstanceOf(Rejection);
        expect((err as Rejection).code).toBe(code);
      }
    };
    const base = { requestId: 'x', actor: actor('organizer') };
    expectRejection(() => engine.validate({ type: 'complete', request: { ...base, stepKey: 'Z99' } }), 'UNKNOWN_STEP');
    expectRejection(() => engine.validate({ type: 'complete', request: { ...base, stepKey: 'B07' } }), 'STEP_NOT_AWAITING');
    for (const work of engine.takeSystemWork()) engine.applySystemResult(work, {}, MONDAY);
    expectRejection(
      () => engine.validate({ type: 'complete', request: { ...base, actor: actor('finance'), stepKey: 'A02' } }),
      'WRONG_ROLE',
    );
    expectRejection(
      () => engine.validate({ type: 'complete', request: { ...base, actor: actor('manager', 'fao'), stepKey: 'A02' } }),
      'FORBIDDEN_ROLE',
    );
    expectRejection(
      () => engine.validate({ type: 'complete', request: { ...base, actor: actor('organizer', 'education'), stepKey: 'A02' } }),
      'WRONG_ROLE',
    );
    expectRejection(
      () => engine.validate({ type: 'decide', request: { ...base, stepKey: 'A02', decision: 'approve' } }),
      'ACTION_NOT_ALLOWED',
    );
    // 帮代办 is a recorded authority: a free-text name, a principal without the step's role or of another unit, and the
    // visa officer acting for anyone who is not the member of a member's step, are refused (issue 11 item 7).
    const clerk = actor('fao-clerk', 'fao');
    expectRejection(
      () =>
        engine.validate({
          type: 'complete',
          request: { ...base, actor: actor('visa-officer', 'fao'), onBehalfOf: 'anyone', stepKey: 'A02' },
        }),
      'INVALID_ON_BEHALF',
    );
    expectRejection(
      () =>
        engine.validate({
          type: 'complete',
          request: { ...base, actor: clerk, onBehalfOf: { id: 'finance.' + UNIT, role: 'finance', unit: UNIT }, stepKey: 'A02' },
        }),
      'INVALID_ON_BEHALF',
    );
    expectRejection(
      () =>
        engine.validate({
          type: 'complete',
          request: {
            ...base,
            actor: clerk,
            onBehalfOf: { id: 'organizer.education', role: 'organizer', unit: 'education' },
            stepKey: 'A02',
          },
        }),
      'INVALID_ON_BEHALF',
    );
    expectRejection(
      () =>
        engine.validate({
          type: 'withdraw',
          request: { ...base, actor: actor('passport-officer', 'fao'), onBehalfOf: 'invented', reason: '行程取消' } as never,
        }),
      'INVALID_ON_BEHALF',
    );
    // 帮代办: an FAO officer completes the organizer's task on their behalf; the record keeps both.
    engine.apply(
      {
        type: 'complete',
        request: { requestId: 'r1', actor: clerk, onBehalfOf: { id: 'organizer.' + UNIT, role: 'organizer', unit: UNIT }, stepKey: 'A02' },
      },
      MONDAY,
    );
    const a02 = engine.progress(MONDAY).steps.find((s) => s.key === 'A02')!;
    expect(a02).toMatchObject({ status: 'done', actedBy: `fao-clerk.fao`, actedByRole: 'fao-clerk', onBehalfOf: 'organizer.' + UNIT });
  });

  it('cancel: only the FAO clerk, reviewer and director (the access table), not the visa or passport officer', () => {
    const engine = newEngine();
    for (const role of ['visa-officer', 'passport-officer', 'leader'] as const) {
      expect(() =>
        engine.validate({ type: 'cancel', request: { requestId: `c-${role}`, actor: actor(role, 'fao'), reason: '邀请方取消活动' } }),
      ).toThrow(expect.objectContaining({ code: 'WRONG_ROLE' }));
    }
    expect(
      engine.apply(
        { type: 'cancel', request: { requestId: 'c-clerk', actor: actor('fao-clerk', 'fao'), reason: '邀请方取消活动' } },
        MONDAY,
      ).status,
    ).toBe('cancelled');
  });

  it('refuses, before anything changes, text the case could never store: for every client (issue 12 items 1-2)', () => {
    const engine = newEngine();
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'A02' && s.status === 'awaiting') });
    const before = engine.lastSeq;
    const by = actor('organizer');
    const tryIt = (request: object) => {
      try {
        engine.validate({ type: 'complete', request: { requestId: 'nul', actor: by, stepKey: 'A02', ...request } } as never);
        return undefined;
      } catch (err) {
        return err as Rejection;
      }
    };
    const nul = tryIt({ comment: 'ok\u0000' });
    expect(nul).toMatchObject({ code: 'INVALID_REQUEST', violations: [{ code: 'TEXT_RULE', field: 'comment' }] });
    expect(tryIt({ data: { note: 'a\uD800b' } })).toMatchObject({ violations: [{ code: 'TEXT_RULE', field: 'data.note' }] });
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = { d: deep };
    expect(tryIt({ data: deep })!.violations![0]).toMatchObject({ code: 'TEXT_RULE' });
    expect(tryIt({ comment: 'ok\tline\nnext' })).toBeUndefined();
    // text-bidi (U+202E): refused by the Update validator; a signal replaying a history from before the rule asks
    // patched('text-bidi') through the third argument, and only when such a character is there.
    expect(tryIt({ comment: '王\u202E小明' })).toMatchObject({ violations: [{ code: 'TEXT_RULE', field: 'comment' }] });
    const asked: string[] = [];
    const legacy = () => {
      asked.push('text-bidi');
      return false;
    };
    const request = { requestId: 'bidi', actor: by, stepKey: 'A02' };
    expect(() =>
      engine.validate({ type: 'complete', request: { ...request, comment: '王\u202E小明' } } as never, undefined, { newer: legacy }),
    ).not.toThrow();
    expect(asked).toEqual(['text-bidi']);
    engine.validate({ type: 'complete', request: { ...request, comment: 'plain' } } as never, undefined, { newer: legacy });
    expect(asked).toEqual(['text-bidi']);
    // A principal longer than the read models' varchar(128) (a Temporal client's; the API's never are): refused too.
    expect(tryIt({ actor: { ...by, id: 'u'.repeat(129) } })).toMatchObject({
      violations: [{ code: 'TEXT_RULE', field: 'actor.id', message: { zh: '最多128个字符', en: 'At most 128 character(s)' } }],
    });
    expect(tryIt({ onBehalfOf: 'm'.repeat(129) })).toMatchObject({ violations: [{ code: 'TEXT_RULE', field: 'onBehalfOf' }] });
    // Required text of only zero-width spaces is blank (the Update validator; the handlers' own trim() checks unchanged).
    const refusalOf = (action: object) => {
      try {
        engine.validate(action as never);
        return undefined;
      } catch (err) {
        return err as Rejection;
      }
    };
    expect(refusalOf({ type: 'cancel', request: { requestId: 'zw', actor: by, reason: '\u200B\u200B\u200B' } })).toMatchObject({
      code: 'INVALID_REQUEST',
      errors: [{ field: 'reason', rule: 'blank' }],
    });
    expect(refusalOf({ type: 'objection', request: { requestId: 'zw2', actor: by, objection: '\uFEFF\u2060' } })).toMatchObject({
      errors: [{ field: 'objection', rule: 'blank' }],
    });
    // …and a reason says something (isStatedReason): not punctuation, nor a stance alone.
    for (const [type, field, text] of [
      ['cancel', 'reason', '。。'],
      ['withdraw', 'reason', '无'],
      ['extendDeficiency', 'reason', 'OK!'],
      ['objection', 'objection', '不同意'],
      // Trial 72: the action inflected, letters or digits that say nothing (reasonRuleBroken's reason-substance).
      ['withdraw', 'reason', '已撤回'],
      ['cancel', 'reason', 'withdrew'],
      ['extendDeficiency', 'reason', 'extend'],
      ['objection', 'objection', '11'],
    ] as const)
      expect(refusalOf({ type, request: { requestId: `rw-${type}`, actor: by, [field]: text } })).toMatchObject({
        code: 'INVALID_REQUEST',
        errors: [{ field, rule: 'reason-words' }],
      });
    expect(engine.lastSeq).toBe(before);
  });

  it('applies a retried request once and returns the first result', () => {
    const engine = newEngine();
    for (const work of engine.takeSystemWork()) engine.applySystemResult(work, {}, MONDAY);
    const request = { requestId: 'same', actor: actor('organizer'), stepKey: 'A02' };
    const first = engine.apply({ type: 'complete', request }, MONDAY);
    const seq = engine.lastSeq;
    const again = engine.apply({ type: 'complete', request }, MONDAY + 1000);
    expect(again).toEqual(first);
    expect(engine.lastSeq).toBe(seq);
    expect(first.opened).toEqual(expect.arrayContaining(['A03:US', 'A05', 'A06']));
  });

  it('returns a step for revision: the target and what had completed downstream of it run again, other branches keep their results; the choices nearest first, the reason on the target (forty-third trial)', () => {
    const engine = newEngine();
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B05' && s.status === 'awaiting') });
    const now = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'B05')!.startedAt!);
    const before = engine.progress(now);
    const doneBefore = (key: string) => before.steps.find((s) => s.key === key)!.status;
    expect(doneBefore('A09')).toBe('done');
    expect(doneBefore('A06')).toBe('done');
    // Forty-third trial: where B05 may be returned, nearest first and upstream only (B05 rests on B02 and B04:US; B02 on
    // B01, B04:US on A04:US; ...: the sign-off before the countersign before the budget it rests on).
    const targets = before.steps.find((s) => s.key === 'B05')!.returnTargets!;
    expect(targets.slice(0, 3)).toEqual(['B02', 'B04:US', 'B01']);
    const at = (k: string) => targets.indexOf(k);
    expect([at('A15'), at('A10'), at('A09')].every((i, n, all) => i > 0 && (n === 0 || i > all[n - 1]!))).toBe(true);
    // Each done and one the return accepts; no system step (A01), timer (A13) or done step off its chain (C01:m1).
    for (const k of targets) {
      expect([k, doneBefore(k)]).toEqual([k, 'done']);
      const request = {
        requestId: `v-${k}`,
        actor: actor('fao-reviewer', 'fao'),
        stepKey: 'B05',
        decision: 'return' as const,
        returnTo: k,
      };
      expect(() => engine.validate({ type: 'decide', request: { ...request, comment: '请修改预算表' } }, now)).not.toThrow();
    }
    for (const k of ['A01', 'A13', 'C01:m1']) expect(targets).not.toContain(k);
    expect(before.steps.find((s) => s.key === 'B02')!.returnTargets).toBeUndefined(); // done: none
    engine.apply(
      {
        type: 'decide',
        request: {
          requestId: 'ret',
          actor: actor('fao-reviewer', 'fao'),
          stepKey: 'B05',
          decision: 'return',
          returnTo: 'A09',
          comment: '预算超标',
        },
      },
      now,
    );
    const after = engine.progress(now);
    const status = (key: string) => after.steps.find((s) => s.key === key)!.status;
    expect(status('A09')).toBe('awaiting');
    expect(after.steps.find((s) => s.key === 'A09')!.returns).toBe(1);
    // The step sent back says why, until it is done again.
    expect(after.steps.find((s) => s.key === 'A09')!.returnedBy).toEqual({
      stepKey: 'B05',
      comment: '预算超标',
      actedBy: actor('fao-reviewer', 'fao').id,
      at: new Date(now).toISOString(),
    });
    // And offers what it recorded, to be corrected rather than retyped (trial 52); a step returned after it the same.
    expect(before.steps.find((s) => s.key === 'A09')!.data).toEqual({
      budget: expect.objectContaining({ internationalTravelYuan: 38000 }),
    });
    expect(after.steps.find((s) => s.key === 'A09')!.data).toBeUndefined();
    expect(after.steps.find((s) => s.key === 'A09')!.lastData).toEqual(before.steps.find((s) => s.key === 'A09')!.data);
    expect(before.steps.find((s) => s.key === 'A09')!.lastData).toBeUndefined();
    expect(status('A10')).toBe('returned');
    expect(status('B05')).toBe('returned');
    expect(status('A06')).toBe('done'); // another branch
    expect(status('B04:US')).toBe('done');
    expect(() =>
      engine.validate({
        type: 'decide',
        request: { requestId: 'bad', actor: actor('organizer'), stepKey: 'A09', decision: 'return', returnTo: 'B07' },
      }),
    ).toThrow(Rejection);
    const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'A09' && s.status === 'done') });
    expect(engine.progress(t).steps.find((s) => s.key === 'A09')!.returnedBy).toBeUndefined();
    expect(engine.progress(t).steps.find((s) => s.key === 'A09')!.lastData).toBeUndefined();
  });

  it('separation of duties: the submitter, signed in with another role, may not decide their own case (validator only)', () => {
    const engine = newEngine();
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B07' && s.status === 'awaiting') });
    const t = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'B07')!.startedAt!);
    // The trial: the organizer who submitted was granted `leader` for another unit and approved B07.
    const submitterAsLeader: Actor = { id: actor('organizer').id, role: 'leader', unit: 'education' };
    const own = { requestId: 'self', actor: submitterAsLeader, stepKey: 'B07', decision: 'approve' as const };
    let refused: unknown;
    try {
      engine.validate({ type: 'decide', request: own }, t);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(Rejection);
    expect((refused as Rejection).code).toBe('SELF_APPROVAL');
    expect((refused as Rejection).label.zh).toContain('不得审批本人报送的案件');
    for (const decision of ['reject', 'return'] as const)
      expect(() =>
        engine.validate({ type: 'decide', request: { ...own, requestId: `self-${decision}`, decision, comment: 'x', returnTo: 'A09' } }, t),
      ).toThrow(/SELF_APPROVAL/);
    // Another leader may; the handler itself (replayed) does not check, so recorded histories replay as they ran.
    expect(() =>
      engine.validate({ type: 'decide', request: { ...own, requestId: 'other', actor: actor('leader', 'fao') } }, t),
    ).not.toThrow();
    // A signal's check replays with its handler: the rule is asked (patched('separation-of-duties')) only on a refusal,
    // and a signal recorded before it (the patch answers false) is applied as it was.
    let asked = 0;
    const recordedBefore = () => {
      asked++;
      return false;
    };
    expect(() => engine.validate({ type: 'decide', request: own }, t, { duties: recordedBefore })).not.toThrow();
    expect(asked).toBe(1);
    engine.validate({ type: 'decide', request: { ...own, requestId: 'other2', actor: actor('leader', 'fao') } }, t, {
      duties: recordedBefore,
    });
    expect(asked).toBe(1);
    expect(engine.apply({ type: 'decide', request: own }, t).accepted).toBe(true);
  });

  it('the Update validator refuses in one order: what does not exist, role, separation of duties, then state', () => {
    const engine = newEngine();
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B07' && s.status === 'awaiting') });
    const t = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'B07')!.startedAt!);
    const submitterAsLeader: Actor = { id: actor('organizer').id, role: 'leader', unit: 'education' };
    const code = (action: Parameters<CaseEngine['validate']>[0], beforeState: () => void = () => undefined) => {
      try {
        engine.validate(action, t, { ordered: { beforeState } });
      } catch (err) {
        return (err as Rejection).code;
      }
      return 'accepted';
    };
    const paused = () => {
      throw new Rejection('CASE_INCIDENT', { zh: '暂停', en: 'Paused' });
    };
    // The submitter on a step the case does not have: UNKNOWN_STEP, not SELF_APPROVAL (new-user trial), nor the incident.
    for (const stepKey of ['B07:zz', 'Z99'])
      for (const type of ['decide', 'complete'] as const)
        expect(
          code(
            { type, request: { requestId: `u-${stepKey}-${type}`, actor: submitterAsLeader, stepKey, decision: 'approve' } } as never,
            paused,
          ),
        ).toBe('UNKNOWN_STEP');
    // A real step: separation of duties before the incident and before the step's state.
    expect(
      code({ type: 'decide', request: { requestId: 's1', actor: submitterAsLeader, stepKey: 'B07', decision: 'approve' } }, paused),
    ).toBe('SELF_APPROVAL');
    // The role before the step's state (A02 is done: it was STEP_NOT_AWAITING before the role).
    expect(code({ type: 'complete', request: { requestId: 's2', actor: actor('fao-clerk', 'fao'), stepKey: 'A02' } })).toBe('WRONG_ROLE');
    // Someone else's role before the state; the incident before the step's own state.
    expect(
      code({ type: 'decide', request: { requestId: 'r1', actor: actor('fao-clerk', 'fao'), stepKey: 'B07', decision: 'approve' } }, paused),
    ).toBe('WRONG_ROLE');
    expect(
      code({ type: 'decide', request: { requestId: 'i1', actor: actor('leader', 'fao'), stepKey: 'B07', decision: 'approve' } }, paused),
    ).toBe('CASE_INCIDENT');
    expect(code({ type: 'decide', request: { requestId: 'i2', actor: actor('leader', 'fao'), stepKey: 'B07', decision: 'approve' } })).toBe(
      'accepted',
    );
  });

  it("separation of duties, 帮代办: the officer who did the organizer's part may not approve it; another officer may", () => {
    const engine = newEngine();
    // The trial: an FAO clerk completes the organizer's budget (A09) on their behalf, then approves the intake (B02).
    simulate(engine, { onAwaiting: (key) => key !== 'A09', until: (p) => p.steps.some((s) => s.key === 'A09' && s.status === 'awaiting') });
    const organizer = actor('organizer');
    const clerk: Actor = { id: 'clerk.one', role: 'fao-clerk', unit: 'fao' };
    const onBehalf = {
      requestId: 'a09-for',
      actor: clerk,
      stepKey: 'A09',
      onBehalfOf: { id: organizer.id, role: 'organizer' as const, unit: UNIT },
      data: requiredTaskData('A09'), // the budget's figures (2027.11)
    };
    const a09 = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'A09')!.startedAt!);
    expect(engine.apply({ type: 'complete', request: onBehalf }, a09).accepted).toBe(true);
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B02' && s.status === 'awaiting') });
    const t = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'B02')!.startedAt!);
    const own = { requestId: 'b02-self', actor: clerk, stepKey: 'B02', decision: 'approve' as const };
    expect(() => engine.validate({ type: 'decide', request: own }, t)).toThrow(/SELF_APPROVAL/);
    expect(() =>
      engine.validate({ type: 'decide', request: { ...own, requestId: 'b02-other', actor: { ...clerk, id: 'clerk.two' } } }, t),
    ).not.toThrow();
    // A signal: the refusal only the officer causes asks patched('separation-on-behalf'), not the older patch; a
    // signal recorded before it (the patch answers false) is applied as it was.
    const asked: string[] = [];
    const patch = (name: string, answer: boolean) => () => {
      asked.push(name);
      return answer;
    };
    expect(() =>
      engine.validate({ type: 'decide', request: own }, t, {
        duties: patch('separation-of-duties', true),
        onBehalfDuties: patch('separation-on-behalf', true),
      }),
    ).toThrow(/SELF_APPROVAL/);
    expect(asked).toEqual(['separation-on-behalf']);
    expect(() =>
      engine.validate({ type: 'decide', request: own }, t, {
        duties: patch('separation-of-duties', true),
        onBehalfDuties: patch('separation-on-behalf', false),
      }),
    ).not.toThrow();
    // The organizer acted for, deciding with another role, is refused by the older rule (asked first, alone).
    asked.length = 0;
    const organizerAsClerk = { ...own, requestId: 'b02-org', actor: { id: organizer.id, role: 'fao-clerk' as const, unit: 'fao' } };
    expect(() =>
      engine.validate({ type: 'decide', request: organizerAsClerk }, t, {
        duties: patch('separation-of-duties', false),
        onBehalfDuties: patch('separation-on-behalf', true),
      }),
    ).not.toThrow();
    expect(asked).toEqual(['separation-of-duties']);
  });

  it('separation of duties across roles (second trial): A11 decided as personnel, A15 by the same person as unit leader is refused; a signal asks patched(separation-cross-role)', () => {
    const engine = newEngine();
    const dual = (role: Actor['role']): Actor => ({ id: 'hr.one', role, unit: UNIT });
    simulate(engine, {
      onAwaiting: (key) => !key.startsWith('A11'),
      until: (p) => p.steps.some((s) => s.code === 'A11' && s.status === 'awaiting'),
    });
    const a11 = engine.progress(MONDAY).steps.find((s) => s.code === 'A11')!;
    const at = Date.parse(a11.startedAt!);
    expect(
      engine.apply({ type: 'decide', request: { requestId: 'a11', actor: dual('personnel'), stepKey: a11.key, decision: 'approve' } }, at)
        .accepted,
    ).toBe(true);
    simulate(engine, { onAwaiting: (key) => key !== 'A15', until: (p) => p.steps.some((s) => s.key === 'A15' && s.status === 'awaiting') });
    const t = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'A15')!.startedAt!);
    const a15 = { requestId: 'a15', actor: dual('unit-leader'), stepKey: 'A15', decision: 'approve' as const };
    const ordered = { ordered: { beforeState: () => undefined } };
    expect(() => engine.validate({ type: 'decide', request: a15 }, t, ordered)).toThrow(/rests on their own decision in another role/);
    expect(() => engine.validate({ type: 'decide', request: { ...a15, actor: actor('unit-leader') } }, t, ordered)).not.toThrow();
    // Acting as the organizer after deciding: refused for every action.
    const amend = { requestId: 'am', actor: dual('organizer'), changes: { title: 'x' } };
    expect(() => engine.validate({ type: 'amend', request: amend } as never, t, ordered)).toThrow(/may act on it as its organizer/);
    // A signal: asked only then; one recorded before the rule (the patch answers false) is applied as it was.
    const asked: string[] = [];
    const crossRole = (answer: boolean) => () => (asked.push('separation-cross-role'), answer);
    expect(() => engine.validate({ type: 'decide', request: a15 }, t, { crossRole: crossRole(true) })).toThrow(/SELF_APPROVAL/);
    expect(() => engine.validate({ type: 'decide', request: a15 }, t, { crossRole: crossRole(false) })).not.toThrow();
    expect(asked).toEqual(['separation-cross-role', 'separation-cross-role']);
    engine.validate({ type: 'decide', request: { ...a15, requestId: 'a15-other', actor: actor('unit-leader') } }, t, {
      crossRole: crossRole(true),
    });
    expect(asked).toHaveLength(2);
  });

  it('a case withdrawn with the passport out (after C07, before P02) has it due back 7 days after the close (fifth trial: it stayed due after a return that would not come)', () => {
    const asked: string[] = [];
    const engine = newEngine({}, { custodyOnClose: () => (asked.push('custody-on-close'), true) });
    const at = simulate(engine, { until: (p) => p.steps.some((s) => s.code === 'C07' && s.status === 'done') });
    expect(engine.takeCustodyWork().map((w) => w.action)).toContain('check-out');
    expect(asked).toEqual([]);
    engine.apply({ type: 'withdraw', request: { requestId: 'w-out', actor: actor('organizer'), reason: '活动取消' } }, at);
    const c07 = engine.progress(at).steps.find((s) => s.code === 'C07')!;
    expect(engine.takeCustodyWork()).toEqual([
      { key: c07.key, action: 'due-back', memberId: c07.memberId, dueBackOn: addDays(shanghaiDate(at), 7) },
    ]);
    expect(asked).toEqual(['custody-on-close']);
  });

  it('second trial: the return date amended with the passport out (after C07) moves its due-back day to the new return + 7, later or sooner', () => {
    const run = (deps: Partial<EngineDeps>, returnDate: string) => {
      const engine = newEngine({}, deps);
      const at = simulate(engine, { until: (p) => p.steps.some((s) => s.code === 'C07' && s.status === 'done') });
      engine.takeCustodyWork();
      const destinations = engine.facts.destinations.map((d) => ({ ...d, leave: returnDate }));
      engine.apply({ type: 'amend', request: { requestId: 'am', actor: actor('organizer'), changes: { returnDate, destinations } } }, at);
      return { engine, c07: engine.progress(at).steps.find((s) => s.code === 'C07')! };
    };
    const asked: string[] = [];
    const later = run({ custodyOnRedate: () => (asked.push('custody-on-redate'), true) }, '2026-05-14');
    expect(later.engine.takeCustodyWork()).toEqual([
      { key: later.c07.key, action: 'due-back', memberId: 'm1', dueBackOn: '2026-05-21', redated: true },
    ]);
    expect(asked).toEqual(['custody-on-redate']);
    // A history recorded before the rule replays without the move; the dates unchanged, nothing is asked.
    expect(run({ custodyOnRedate: () => false }, '2026-05-14').engine.takeCustodyWork()).toEqual([]);
    const same = run({ custodyOnRedate: () => (asked.push('unchanged'), true) }, '2026-05-15');
    expect(same.engine.takeCustodyWork()).toEqual([]);
    expect(asked).toEqual(['custody-on-redate']);
  });

  describe('C05 records the new passport and the custody ledger registers it (custody register)', () => {
    // A roster person whose passport expires within 6 months of the return (2026-05-15): C02-C05 issue a new one.
    const renewing = {
      members: [makeMember({ personId: 'P-m1', passport: { inCustody: true, number: 'SE1111111', expiresOn: '2026-08-01' } })],
    };
    const NEW = { number: 'se 2222222', issuedOn: '2026-03-02', expiresOn: '2036-03-01' };
    const reachC05 = (engine: CaseEngine) => {
      const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'C05:m1' && s.status === 'awaiting') });
      engine.takeCustodyWork();
      return t;
    };
    const c05 = (requestId: string, data?: Record<string, unknown>) => ({
      type: 'complete' as const,
      request: { requestId, actor: actor('passport-officer', 'fao'), stepKey: 'C05:m1', ...(data ? { data } : {}) },
    });
    const refusal = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return (e as Rejection).errors?.map((x) => `${x.field} ${x.rule}`);
      }
      throw new Error('not refused');
    };

    it('is refused without the number and dates, or with a number the ledger could not hold, an expiry before the issue, an issue after today', () => {
      const engine = newEngine(renewing);
      const t = reachC05(engine);
      expect(refusal(() => engine.validate(c05('empty'), t))).toEqual([
        'data.number required',
        'data.issuedOn required',
        'data.expiresOn required',
      ]);
      expect(refusal(() => engine.validate(c05('bad', { ...NEW, number: 'SE-12' }), t))).toEqual(['data.number format']);
      expect(refusal(() => engine.validate(c05('order', { ...NEW, expiresOn: '2026-02-27' }), t))).toEqual(['data.expiresOn after-issue']);
      expect(refusal(() => engine.validate(c05('no-date', { ...NEW, expiresOn: '2036-02-30' }), t))).toEqual(['data.expiresOn date']);
      expect(refusal(() => engine.validate(c05('future', { ...NEW, issuedOn: addDays(shanghaiDate(t), 1) }), t))).toEqual([
        'data.issuedOn not-future',
      ]);
      expect(refusal(() => engine.validate(c05('extra', { ...NEW, holder: 'x' }), t))).toEqual(['data.holder unknown-field']);
      expect(() => engine.validate(c05('ok', NEW), t)).not.toThrow();
    });

    it("refuses another member's passport number as the new passport (second trial: a co-member's number recorded at C05)", () => {
      const two = {
        members: [
          ...renewing.members,
          makeMember({ id: 'm2', name: '李四', passport: { inCustody: true, number: 'SE3333333', expiresOn: '2031-01-01' } }),
        ],
      };
      const engine = newEngine(two);
      const t = reachC05(engine);
      expect(refusal(() => engine.validate(c05('theirs', { ...NEW, number: 'se 3333333' }), t))).toEqual(['data.number passport-holder']);
      expect(() => engine.validate(c05('own-new', NEW), t)).not.toThrow();
    });

    it("refuses the new passport number another member's C05 recorded (one number, one person: as K06's card numbers)", () => {
      const both = {
        members: [
          ...renewing.members,
          makeMember({
            id: 'm2',
            name: '李四',
            personId: 'P-m2',
            passport: { inCustody: true, number: 'SE4444444', expiresOn: '2026-08-01' },
          }),
        ],
      };
      const engine = newEngine(both);
      const t = simulate(engine, {
        until: (p) => ['C05:m1', 'C05:m2'].every((k) => p.steps.some((s) => s.key === k && s.status === 'awaiting')),
      });
      engine.takeCustodyWork();
      engine.apply(c05('m1-new', NEW), t);
      const forM2 = (requestId: string, number: string) => ({
        type: 'complete' as const,
        request: { requestId, actor: actor('passport-officer', 'fao'), stepKey: 'C05:m2', data: { ...NEW, number } },
      });
      // The handed input's kind (trial: two applicants given one card number at K06, one card lost).
      expect(refusal(() => engine.validate(forM2('m2-same', 'Se2222222'), t))).toEqual(['data.number passport-holder']);
      expect(() => engine.validate(forM2('m2-own', 'SE5555555'), t)).not.toThrow();
    });

    it('refuses the passport being replaced as the new one (trial: the expiring number was taken, C06 cancelled it)', () => {
      const engine = newEngine(renewing);
      const t = reachC05(engine);
      expect(refusal(() => engine.validate(c05('old', { ...NEW, number: 'SE 1111111' }), t))).toEqual(['data.number replaced-passport']);
      expect(() => engine.validate(c05('new', NEW), t)).not.toThrow();
    });

    it('refuses a new passport that does not last 6 months past the return (trial: one expiring before the trip was checked out)', () => {
      const engine = newEngine(renewing);
      const t = reachC05(engine);
      // The trip returns on 2026-05-15: valid until 2026-11-15 at least.
      expect(refusal(() => engine.validate(c05('short', { ...NEW, expiresOn: '2026-11-14' }), t))).toEqual(['data.expiresOn lasts-trip']);
      expect(() => engine.validate(c05('enough', { ...NEW, expiresOn: '2026-11-15' }), t)).not.toThrow();
    });

    it('completed with it, the member’s new passport is custody work register, asking patched(custody-register) only then', () => {
      const asked: string[] = [];
      const engine = newEngine(renewing, { custodyRegister: () => (asked.push('custody-register'), true) });
      const t = reachC05(engine);
      expect(asked).toEqual([]);
      engine.apply(c05('c05', NEW), t);
      // Recorded as the ledger writes the number (spaces dropped, capitals).
      const recorded = { ...NEW, number: 'SE2222222' };
      expect(engine.takeCustodyWork()).toEqual([{ key: 'C05:m1', action: 'register', memberId: 'm1', newPassport: recorded }]);
      expect(asked).toEqual(['custody-register']);
      expect(engine.progress(t).steps.find((s) => s.key === 'C05:m1')!.data).toEqual(recorded);
    });

    it('withdrawn between C05 and C06, the replaced passport is custody work supersede, asking patched(custody-supersede) only then', () => {
      const withdraw = (engine: CaseEngine, t: number) =>
        engine.apply({ type: 'withdraw', request: { requestId: `w-${t}`, actor: actor('organizer'), reason: '活动取消' } }, t);
      const asked: string[] = [];
      const engine = newEngine(renewing, { custodySupersede: () => (asked.push('custody-supersede'), true) });
      const t = reachC05(engine);
      engine.apply(c05('c05', NEW), t);
      engine.takeCustodyWork();
      expect(asked).toEqual([]);
      withdraw(engine, t);
      // The seventh trial: the old passport stayed valid beside the new one.
      expect(engine.takeCustodyWork().filter((w) => w.action === 'supersede')).toEqual([
        { key: 'C06:m1', action: 'supersede', memberId: 'm1', newPassport: { ...NEW, number: 'SE2222222' } },
      ]);
      expect(asked).toEqual(['custody-supersede']);
      // Withdrawn before C05 is done: nothing superseded, nothing asked; a history before the patch moves nothing.
      const early = newEngine(renewing, { custodySupersede: () => (asked.push('early'), true) });
      withdraw(early, reachC05(early));
      expect(early.takeCustodyWork().filter((w) => w.action === 'supersede')).toEqual([]);
      const old = newEngine(renewing, { custodySupersede: () => false });
      const at = reachC05(old);
      old.apply(c05('c05-old', NEW), at);
      old.takeCustodyWork();
      withdraw(old, at);
      expect(old.takeCustodyWork().filter((w) => w.action === 'supersede')).toEqual([]);
      expect(asked).toEqual(['custody-supersede']);
    });

    it('a C06 that will not run after C05 (the member dropped, or re-picked with the new passport) is custody work supersede, asking patched(custody-supersede-on-change) only then', () => {
      const two = { members: [...renewing.members, makeMember({ id: 'm2', name: '李四', personId: 'P-m2' })] };
      const amend = (engine: CaseEngine, t: number, members: object[]) =>
        engine.apply(
          { type: 'amend', request: { requestId: `am-${t}-${members.length}`, actor: actor('organizer'), changes: { members } } } as never,
          t,
        );
      const supersedes = (engine: CaseEngine) => engine.takeCustodyWork().filter((w) => w.action === 'supersede');
      const asked: string[] = [];
      const deps = { custodySupersedeOnChange: () => (asked.push('on-change'), true) };
      // The handed input (eighth trial): the member dropped between C05 and C06 kept the old passport valid.
      const dropped = newEngine(two, deps);
      const t = reachC05(dropped);
      dropped.apply(c05('c05', NEW), t);
      dropped.takeCustodyWork();
      expect(asked).toEqual([]);
      amend(dropped, t, [two.members[1]!]);
      const superseded = {
        key: 'C06:m1',
        action: 'supersede',
        memberId: 'm1',
        newPassport: { ...NEW, number: 'SE2222222' },
        memberLeft: true,
      };
      expect(supersedes(dropped)).toEqual([{ ...superseded, personId: 'P-m1', passportNumber: 'SE1111111' }]);
      expect(asked).toEqual(['on-change']);
      // Re-picked with the new passport (its snapshot now lasts the trip): C06 is skipped, the old one superseded, once.
      const repicked = newEngine(renewing, deps);
      const at = reachC05(repicked);
      repicked.apply(c05('c05-r', NEW), at);
      repicked.takeCustodyWork();
      amend(repicked, at, [{ ...renewing.members[0]!, passport: { inCustody: true, number: 'SE2222222', expiresOn: '2036-03-01' } }]);
      expect(supersedes(repicked)).toEqual([{ ...superseded, personId: 'P-m1', passportNumber: 'SE1111111' }]);
      // Not to run (skipped once the steps it rests on settle); closing the case now asks for nothing more.
      expect(['pending', 'skipped']).toContain(repicked.progress(at).steps.find((s) => s.key === 'C06:m1')!.status);
      repicked.apply({ type: 'withdraw', request: { requestId: 'w', actor: actor('organizer'), reason: '活动取消' } }, at);
      expect(supersedes(repicked)).toEqual([]);
      // A change before C05 is done, or a history before the patch: nothing superseded.
      asked.length = 0;
      const early = newEngine(two, deps);
      amend(early, reachC05(early), [two.members[1]!]);
      expect([supersedes(early), asked]).toEqual([[], []]);
      const old = newEngine(two, { custodySupersedeOnChange: () => false });
      const ot = reachC05(old);
      old.apply(c05('c05-old', NEW), ot);
      old.takeCustodyWork();
      amend(old, ot, [two.members[1]!]);
      expect(supersedes(old)).toEqual([]);
    });

    it('ninth trial: a new passport that no longer serves the amended trip is issued again (C02-C06 rerun), asking patched(passport-reissue) only then', () => {
      const newPassportSteps = ['C02:m1', 'C03:m1', 'C04:m1', 'C05:m1', 'C06:m1'];
      const issued = (deps: Partial<EngineDeps> = {}) => {
        const engine = newEngine(renewing, deps);
        const t = reachC05(engine);
        // Lasts the trip as submitted (returning 2026-05-15: valid until 2026-11-15 needed), not one a month later.
        engine.apply(c05('c05', { ...NEW, expiresOn: '2026-12-01' }), t);
        engine.apply({ type: 'complete', request: { requestId: 'c06', actor: actor('passport-officer', 'fao'), stepKey: 'C06:m1' } }, t);
        return { engine, t };
      };
      const statuses = (engine: CaseEngine, t: number) =>
        newPassportSteps.map((k) => engine.progress(t).steps.find((s) => s.key === k)!.status);
      const amend = (engine: CaseEngine, t: number, changes: object) =>
        engine.apply({ type: 'amend', request: { requestId: `am-${t}`, actor: actor('organizer'), changes } } as never, t);
      const asked: string[] = [];
      // The handed input: the trip moved a month later. Before, C02-C06 stayed done and C07 was refused for good.
      const moved = issued({ passportReissue: () => (asked.push('reissue'), true) });
      expect(statuses(moved.engine, moved.t)).toEqual(['done', 'done', 'done', 'done', 'done']);
      const destinations = moved.engine.facts.destinations.map((d) => ({ ...d, arrive: '2026-06-08', leave: '2026-06-12' }));
      amend(moved.engine, moved.t, { departureDate: '2026-06-08', returnDate: '2026-06-12', destinations });
      expect(statuses(moved.engine, moved.t).filter((s) => s === 'done')).toEqual([]);
      expect(asked).toEqual(['reissue']);
      // The new passport lost: re-picking the member (the ledger holds no valid passport of theirs) issues one again.
      const lost = issued();
      amend(lost.engine, lost.t, { members: [{ ...renewing.members[0]!, passport: null }] });
      expect(statuses(lost.engine, lost.t).filter((s) => s === 'done')).toEqual([]);
      // What does not: the member re-picked with the new passport, or another change of a member whose passport stands.
      asked.length = 0;
      const kept = issued({ passportReissue: () => (asked.push('kept'), true) });
      amend(kept.engine, kept.t, {
        members: [{ ...renewing.members[0]!, passport: { inCustody: true, number: 'SE2222222', expiresOn: '2026-12-01' } }],
      });
      expect(statuses(kept.engine, kept.t).slice(0, 4)).toEqual(['done', 'done', 'done', 'done']);
      const ranked = issued({ passportReissue: () => (asked.push('ranked'), true) });
      amend(ranked.engine, ranked.t, { members: [{ ...renewing.members[0]!, rank: 'bureau' }] });
      expect(statuses(ranked.engine, ranked.t).slice(0, 4)).toEqual(['done', 'done', 'done', 'done']);
      expect(asked).toEqual([]);
      // A history recorded before the patch replays as it ran.
      const old = issued({ passportReissue: () => false });
      amend(old.engine, old.t, { departureDate: '2026-06-08', returnDate: '2026-06-12', destinations });
      expect(statuses(old.engine, old.t)).toEqual(['done', 'done', 'done', 'done', 'done']);
    });

    it('a history recorded before the patch (it answers false) registers nothing; a definition without the move asks nothing', () => {
      const old = newEngine(renewing, { custodyRegister: () => false });
      old.apply(c05('c05-old', NEW), reachC05(old));
      expect(old.takeCustodyWork()).toEqual([]);
      // A case pinned to 2027.1: C05 declares no data and no move, and is completed without data as it always was.
      const asked: string[] = [];
      const pinned = new CaseEngine(
        { ...makeInput(renewing), definition: DEFINITION_2027_1 },
        {
          newId: () => `id-${++ids}`,
          workflowId: 'delegation-case-1',
          calendar,
          custodyRegister: () => (asked.push('custody-register'), true),
        },
      );
      pinned.start(MONDAY);
      const t = reachC05(pinned);
      pinned.apply(c05('c05-pinned'), t);
      expect([pinned.takeCustodyWork(), asked]).toEqual([[], []]);
    });
  });

  it('a history closed before custody-on-close replays without the move; a case closed with no passport out asks nothing', () => {
    const old = newEngine({}, { custodyOnClose: () => false });
    const at = simulate(old, { until: (p) => p.steps.some((s) => s.code === 'C07' && s.status === 'done') });
    old.takeCustodyWork();
    old.apply({ type: 'withdraw', request: { requestId: 'w-old', actor: actor('organizer'), reason: '活动取消' } }, at);
    expect(old.takeCustodyWork()).toEqual([]);
    // Before custody-by-ledger, a case closed before its C07 asked nothing.
    const asked: string[] = [];
    const early = newEngine(
      {},
      { custodyOnClose: () => (asked.push('custody-on-close'), true), custodyByLedger: () => (asked.push('custody-by-ledger'), false) },
    );
    early.apply({ type: 'withdraw', request: { requestId: 'w-early', actor: actor('organizer'), reason: '活动取消' } }, MONDAY);
    expect([early.takeCustodyWork(), asked]).toEqual([[], ['custody-by-ledger']]);
    // A member with no roster person and no passport number: the ledger cannot hold theirs, nothing is asked.
    const unknown: string[] = [];
    const none = newEngine(
      { members: [makeMember({ passport: null })] },
      { custodyOnClose: () => (unknown.push('custody-on-close'), true), custodyByLedger: () => (unknown.push('custody-by-ledger'), true) },
    );
    none.apply({ type: 'withdraw', request: { requestId: 'w-none', actor: actor('organizer'), reason: '活动取消' } }, MONDAY);
    expect([none.takeCustodyWork(), unknown]).toEqual([[], []]);
  });

  describe('fourth trial: a passport checked out by hand for the case (before its C07) moves with the case (custody-by-ledger)', () => {
    const two = { members: [makeMember({ id: 'm1', personId: 'P-m1' }), makeMember({ id: 'm2', name: '李四', personId: 'P-m2' })] };
    const c07s = (engine: CaseEngine, at: number) =>
      Object.fromEntries(
        engine
          .progress(at)
          .steps.filter((s) => s.code === 'C07')
          .map((s) => [s.memberId!, s.key]),
      );

    it('a case closed before C07 sends each member a due-back 7 days after the close; the activity moves whichever is out', () => {
      const asked: string[] = [];
      const engine = newEngine(two, {
        custodyOnClose: () => (asked.push('custody-on-close'), true),
        custodyByLedger: () => (asked.push('custody-by-ledger'), true),
      });
      const at = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'A10' && s.status === 'awaiting') });
      engine.takeCustodyWork();
      const keys = c07s(engine, at);
      engine.apply({ type: 'withdraw', request: { requestId: 'w-hand', actor: actor('organizer'), reason: '活动取消' } }, at);
      const dueBackOn = addDays(shanghaiDate(at), 7);
      expect(engine.takeCustodyWork()).toEqual([
        { key: keys.m1, action: 'due-back', memberId: 'm1', dueBackOn },
        { key: keys.m2, action: 'due-back', memberId: 'm2', dueBackOn },
      ]);
      expect(asked).toEqual(['custody-by-ledger', 'custody-on-close']);
    });

    it('the return date amended before C07 moves each member’s due-back to the new return + 7; a replay before the patch moves none', () => {
      const run = (byLedger: boolean) => {
        const engine = newEngine(two, { custodyByLedger: () => byLedger });
        const at = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'A10' && s.status === 'awaiting') });
        engine.takeCustodyWork();
        const destinations = engine.facts.destinations.map((d) => ({ ...d, leave: '2026-05-14' }));
        engine.apply(
          {
            type: 'amend',
            request: { requestId: 'am-hand', actor: actor('organizer'), changes: { returnDate: '2026-05-14', destinations } },
          },
          at,
        );
        return { work: engine.takeCustodyWork(), keys: c07s(engine, at) };
      };
      const moved = run(true);
      expect(moved.work).toEqual([
        { key: moved.keys.m1, action: 'due-back', memberId: 'm1', dueBackOn: '2026-05-21', redated: true },
        { key: moved.keys.m2, action: 'due-back', memberId: 'm2', dueBackOn: '2026-05-21', redated: true },
      ]);
      expect(run(false).work).toEqual([]);
    });

    it('a member amended out before C07 gets a due-back naming who they were', () => {
      const engine = newEngine(two, { custodyByLedger: () => true });
      const at = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'A10' && s.status === 'awaiting') });
      engine.takeCustodyWork();
      const keys = c07s(engine, at);
      engine.apply(
        { type: 'amend', request: { requestId: 'am-out', actor: actor('organizer'), changes: { members: [engine.facts.members[0]!] } } },
        at,
      );
      expect(engine.takeCustodyWork()).toEqual([
        {
          key: keys.m2,
          action: 'due-back',
          memberId: 'm2',
          dueBackOn: addDays(shanghaiDate(at), 7),
          memberLeft: true,
          personId: 'P-m2',
          passportNumber: fixturePassportNumber('m2'),
        },
      ]);
    });
  });

  it('a closed case answers the plan it closed with, never at risk, and the engine’s close reasons in both languages (fifth trial: a failed case’s forecast moved on every read)', () => {
    const engine = newEngine();
    const at = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'A10' && s.status === 'awaiting') });
    engine.apply(
      { type: 'decide', request: { requestId: 'rej-late', actor: actor('finance'), stepKey: 'A10', decision: 'reject', comment: '' } },
      at,
    );
    expect(engine.status).toBe('rejected');
    const later = engine.progress(at + 40 * 86_400_000);
    expect(later.plan).toEqual(engine.progress(at).plan);
    expect(later.plan.atRisk).toBe(false);
    expect(engine.closedReason).toBe('A10 不予批准 / rejected at A10');
  });

  it('rejects the case at an approval', () => {
    const engine = newEngine();
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'A10' && s.status === 'awaiting') });
    const t = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'A10')!.startedAt!);
    engine.apply(
      { type: 'decide', request: { requestId: 'rej', actor: actor('finance'), stepKey: 'A10', decision: 'reject', comment: '无预算' } },
      t,
    );
    expect(engine.status).toBe('rejected');
    expect(() => engine.validate({ type: 'complete', request: { requestId: 'z', actor: actor('organizer'), stepKey: 'A03:US' } })).toThrow(
      /closed/,
    );
  });

  it('a rejection or a return gives its reason: refused without a non-blank comment (validator; a signal asks decision-reason)', () => {
    const engine = newEngine();
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'A10' && s.status === 'awaiting') });
    const t = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'A10')!.startedAt!);
    const base = { requestId: 'why', actor: actor('finance'), stepKey: 'A10' };
    for (const [request, rule] of [
      [{ ...base, decision: 'reject' as const }, 'required'],
      [{ ...base, decision: 'return' as const, returnTo: 'A09' }, 'required'],
      [{ ...base, decision: 'return' as const, returnTo: 'A09', comment: ' \u200B' }, 'blank'],
      // A reason says something: not punctuation, nor the stance alone (trial 67).
      [{ ...base, decision: 'return' as const, returnTo: 'A09', comment: '。' }, 'reason-words'],
      [{ ...base, decision: 'return' as const, returnTo: 'A09', comment: '退回修改！' }, 'reason-words'],
      [{ ...base, decision: 'reject' as const, comment: '不同意' }, 'reason-words'],
      [{ ...base, decision: 'reject' as const, comment: 'Rejected.' }, 'reason-words'],
      [{ ...base, decision: 'reject' as const, comment: '审核不通过' }, 'reason-words'],
      [{ ...base, decision: 'return' as const, returnTo: 'A09', comment: 'aa' }, 'reason-words'],
    ] as const) {
      let refused: unknown;
      try {
        engine.validate({ type: 'decide', request }, t);
      } catch (err) {
        refused = err;
      }
      expect(refused).toBeInstanceOf(Rejection);
      expect((refused as Rejection).code).toBe('INVALID_REQUEST');
      expect((refused as Rejection).errors).toEqual([expect.objectContaining({ field: 'comment', rule })]);
    }
    expect(() => engine.validate({ type: 'decide', request: { ...base, decision: 'approve' } }, t)).not.toThrow();
    expect(() => engine.validate({ type: 'decide', request: { ...base, decision: 'reject', comment: '无预算' } }, t)).not.toThrow();
    // A signal recorded before the rule (the patch answers false) replays as it ran; the handler never checks it.
    let asked = 0;
    const before = () => {
      asked++;
      return false;
    };
    const bare = { ...base, decision: 'return' as const, returnTo: 'A09' };
    expect(() => engine.validate({ type: 'decide', request: bare }, t, { reason: before })).not.toThrow();
    expect(asked).toBe(1);
    // …and one whose reason is a stance, before patched('reason-words'): only that rule is asked.
    const asks: string[] = [];
    const stance = { ...base, requestId: 'why-2', decision: 'reject' as const, comment: '不同意' };
    const rules = { reason: () => (asks.push('reason'), true), reasonWords: () => (asks.push('reason-words'), false) };
    expect(() => engine.validate({ type: 'decide', request: stance }, t, rules)).not.toThrow();
    expect(asks).toEqual(['reason-words']);
    // …and one whose reason only the later rule refuses (未通过: the stance inflected), before patched('reason-substance').
    const inflected = { ...stance, requestId: 'why-3', comment: '未通过' };
    asks.length = 0;
    const substance = { ...rules, reasonSubstance: () => (asks.push('reason-substance'), false) };
    expect(() => engine.validate({ type: 'decide', request: inflected }, t, substance)).not.toThrow();
    expect(asks).toEqual(['reason-substance']);
    expect(() => engine.validate({ type: 'decide', request: inflected }, t, { ...substance, reasonSubstance: () => true })).toThrow(
      Rejection,
    );
    // …and one whose reason only the formulas' rule refuses (待定), before patched('reason-boilerplate') (trial 78).
    const formula = { ...stance, requestId: 'why-4', comment: '待定' };
    asks.length = 0;
    const boilerplate = { ...substance, reasonBoilerplate: () => (asks.push('reason-boilerplate'), false) };
    expect(() => engine.validate({ type: 'decide', request: formula }, t, boilerplate)).not.toThrow();
    expect(asks).toEqual(['reason-boilerplate']);
    expect(() => engine.validate({ type: 'decide', request: formula }, t, { ...boilerplate, reasonBoilerplate: () => true })).toThrow(
      Rejection,
    );
    // …and one whose reason only the rule of requests naming no fault refuses (请修改), before patched('reason-vague') (trial 83).
    const vague = { ...stance, requestId: 'why-5', comment: '请修改' };
    asks.length = 0;
    const vagueRules = { ...boilerplate, reasonVague: () => (asks.push('reason-vague'), false) };
    expect(() => engine.validate({ type: 'decide', request: vague }, t, vagueRules)).not.toThrow();
    expect(asks).toEqual(['reason-vague']);
    expect(() => engine.validate({ type: 'decide', request: vague }, t, { ...vagueRules, reasonVague: () => true })).toThrow(Rejection);
    expect(engine.apply({ type: 'decide', request: bare }, t).accepted).toBe(true);
  });

  it("trial 84: a written result with no words (A04's note 。) is refused at data.outcome; a complete signal before patched('written-words') applies as it ran", () => {
    const engine = newEngine();
    const now = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'A04:US' && s.status === 'awaiting') });
    const request = (outcome: string) => ({ requestId: `w-${outcome}`, actor: actor('organizer'), stepKey: 'A04:US', data: { outcome } });
    expect(() => engine.validate({ type: 'complete', request: request('。') }, now)).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ field: 'data.outcome', rule: 'written-words' })] }),
    );
    const asked: string[] = [];
    const before = { writtenWords: () => (asked.push('written-words'), false) };
    expect(() => engine.validate({ type: 'complete', request: request('。') }, now, before)).not.toThrow();
    expect(asked).toEqual(['written-words']);
    // A note with words is not asked about.
    asked.length = 0;
    expect(() => engine.validate({ type: 'complete', request: request('邀请方为友好城市商会') }, now, before)).not.toThrow();
    expect(asked).toEqual([]);
  });

  it('trial 73: a document accepted missing is no longer needed once the case closes (not 待补交 with its deadline)', () => {
    const engine = newEngine();
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B02' && s.status === 'awaiting') });
    const now = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'B02')!.startedAt!);
    const missingDocuments = [{ id: 'inv-tr', name: '邀请函译文', neededBy: 'B05' }];
    const fao = actor('fao-clerk', 'fao');
    engine.apply(
      {
        type: 'decide',
        request: { requestId: 'awd2', actor: fao, stepKey: 'B02', decision: 'accept-with-deficiencies', missingDocuments },
      },
      now,
    );
    expect(engine.progress(now).deficiencies[0]!.status).toBe('missing');
    engine.apply({ type: 'cancel', request: { requestId: 'cx', actor: fao, reason: '邀请方取消活动' } }, now);
    expect(engine.progress(now).deficiencies[0]!.status).toBe('not-needed');
  });

  it('accepts with deficiencies: the case proceeds, a missed deadline blocks the step that needs the document, supplying it unblocks', () => {
    const engine = newEngine();
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B02' && s.status === 'awaiting') });
    let now = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'B02')!.startedAt!);
    engine.apply(
      {
        type: 'decide',
        request: {
          requestId: 'awd',
          actor: actor('fao-clerk', 'fao'),
          stepKey: 'B02',
          decision: 'accept-with-deficiencies',
          missingDocuments: [{ id: 'inv-tr', name: '邀请函译文', neededBy: 'B05' }],
        },
      },
      now,
    );
    let p = engine.progress(now);
    expect(p.steps.find((s) => s.key === 'B03')!.status).toBe('awaiting');
    expect(p.deficiencies).toEqual([expect.objectContaining({ id: 'inv-tr', status: 'missing' })]);
    // Let the deadline (2 WD) pass without the document.
    now = calendar.addWorkingDays(now, 2.1);
    engine.fireDueDeadlines(now);
    p = engine.progress(now);
    expect(p.deficiencies[0]!.status).toBe('overdue');
    const b05 = p.steps.find((s) => s.key === 'B05')!;
    expect(b05.status).toBe('blocked');
    expect(b05.blockedReason?.zh).toContain('邀请函译文');
    expect(engine.takeEscalations().map((e) => e.kind)).toContain('deficiency-overdue');
    engine.apply({ type: 'supplyDocument', request: { requestId: 'sup', actor: actor('organizer'), documentId: 'inv-tr' } }, now);
    p = engine.progress(now);
    expect(p.steps.find((s) => s.key === 'B05')!.status).toBe('awaiting');
    expect(p.steps.find((s) => s.key === 'B03')!.status).toBe('done');
  });

  it('supplies a 容缺 document only as a live attachment of the case (fileRef, rule known-attachment; the validator only)', () => {
    const engine = newEngine();
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B02' && s.status === 'awaiting') });
    const now = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'B02')!.startedAt!);
    const decide = {
      requestId: 'awd',
      actor: actor('fao-clerk', 'fao'),
      stepKey: 'B02',
      decision: 'accept-with-deficiencies' as const,
      missingDocuments: [{ id: 'd1', name: '邀请函译文' }],
    };
    engine.apply({ type: 'decide', request: decide }, now);
    const supply = (fileRef: string) => ({
      type: 'supplyDocument' as const,
      request: { requestId: `sup-${fileRef}`, actor: actor('organizer'), documentId: 'd1', fileRef },
    });
    engine.apply(attachPdf('att-1', 'invitation-translation', '译文.pdf'), now);
    engine.apply(attachPdf('att-2', 'invitation-translation', '译文.pdf'), now);
    engine.apply({ type: 'detach', request: { requestId: 'det-2', actor: actor('organizer'), attachmentId: 'att-2' } }, now);
    // The handed input (a path), an unknown id and a removed attachment: 422 at fileRef, nothing applied.
    for (const fileRef of ['../../etc/passwd', 'att-9', 'att-2']) {
      let refused: unknown;
      try {
        engine.validate(supply(fileRef), now);
      } catch (err) {
        refused = err;
      }
      expect(refused).toBeInstanceOf(Rejection);
      expect((refused as Rejection).code).toBe('INVALID_REQUEST');
      expect((refused as Rejection).errors).toEqual([expect.objectContaining({ field: 'fileRef', rule: 'known-attachment' })]);
    }
    // No file at all: a document marked supplied would rest on nothing (the web's 补交 sent none): 422 required.
    const bare = { type: 'supplyDocument' as const, request: { requestId: 'sup-bare', actor: actor('organizer'), documentId: 'd1' } };
    expect(() => engine.validate(bare, now)).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ field: 'fileRef', rule: 'required' })] }),
    );
    expect(engine.progress(now).deficiencies[0]).toMatchObject({ id: 'd1', status: 'missing' });
    // The handler alone (a history recorded before the rule) applies what it was given, as it ran.
    expect(() => engine.validate(supply('att-1'), now)).not.toThrow();
    expect(engine.apply(supply('att-1'), now).accepted).toBe(true);
    // The answer names the file, so whoever reads the case can open what was supplied.
    expect(engine.progress(now).deficiencies[0]).toMatchObject({ id: 'd1', status: 'supplied', fileRef: 'att-1' });
    // The file it was supplied as stays (second trial: removed, the document stayed supplied resting on nothing).
    const detach = { type: 'detach' as const, request: { requestId: 'det-1', actor: actor('organizer'), attachmentId: 'att-1' } };
    expect(() => engine.validate(detach, now)).toThrow(/supplied as this file/);
    const replayed = newEngine();
    simulate(replayed, { until: (p) => p.steps.some((s) => s.key === 'B02' && s.status === 'awaiting') });
    replayed.apply({ type: 'decide', request: decide }, now);
    expect(replayed.apply(supply('files/inv-tr.pdf'), now).accepted).toBe(true);
    const noFile = newEngine();
    simulate(noFile, { until: (p) => p.steps.some((s) => s.key === 'B02' && s.status === 'awaiting') });
    noFile.apply({ type: 'decide', request: decide }, now);
    expect(noFile.apply(bare, now).accepted).toBe(true);
  });

  it('supplies a 容缺 document only as a file of its kind, one file per document (fileRef, rules attachment-kind and unique)', () => {
    const engine = newEngine();
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B02' && s.status === 'awaiting') });
    const now = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'B02')!.startedAt!);
    engine.apply(
      {
        type: 'decide',
        request: {
          requestId: 'awd',
          actor: actor('fao-clerk', 'fao'),
          stepKey: 'B02',
          decision: 'accept-with-deficiencies',
          missingDocuments: [
            { id: 'invitation-translation', name: '邀请函译文' },
            { id: 'd2', name: '经费来源说明' },
            { id: 'Passport_Copy', name: '护照复印件' },
          ],
        },
      },
      now,
    );
    const attach = (id: string, kind: 'passport-copy' | 'invitation-translation') => engine.apply(attachPdf(id, kind), now);
    attach('att-pc', 'passport-copy');
    attach('att-tr', 'invitation-translation');
    const supply = (documentId: string, fileRef: string) => ({
      type: 'supplyDocument' as const,
      request: { requestId: `sup-${documentId}-${fileRef}`, actor: actor('organizer'), documentId, fileRef },
    });
    const refusal = (action: ReturnType<typeof supply>) => {
      try {
        engine.validate(action, now);
      } catch (err) {
        return err as Rejection;
      }
      throw new Error('not refused');
    };
    // The handed input: a passport copy "supplied" the missing invitation letter translation.
    const wrongKind = refusal(supply('invitation-translation', 'att-pc'));
    expect(wrongKind.code).toBe('INVALID_REQUEST');
    expect(wrongKind.errors).toEqual([expect.objectContaining({ field: 'fileRef', rule: 'attachment-kind' })]);
    expect(wrongKind.label.zh).toContain('“邀请函译文”（invitation-translation）');
    expect(wrongKind.label.zh).toContain('护照复印件');
    expect(engine.progress(now).deficiencies.map((d) => d.status)).toEqual(['missing', 'missing', 'missing']);
    // Its kind however the id is spelled (trial: `Invitation-Translation` took a passport copy).
    expect(refusal(supply('Passport_Copy', 'att-tr')).errors).toEqual([
      expect.objectContaining({ field: 'fileRef', rule: 'attachment-kind' }),
    ]);
    expect(() => engine.validate(supply('Passport_Copy', 'att-pc'), now)).not.toThrow();
    expect(engine.apply(supply('invitation-translation', 'att-tr'), now).accepted).toBe(true);
    // One file, one document: the translation's file does not also supply the other document.
    const reused = refusal(supply('d2', 'att-tr'));
    expect(reused.errors).toEqual([expect.objectContaining({ field: 'fileRef', rule: 'unique' })]);
    expect(reused.label.en).toContain('“邀请函译文” (invitation-translation)');
    // A document whose id is no attachment kind takes a file of any kind.
    expect(() => engine.validate(supply('d2', 'att-pc'), now)).not.toThrow();
    // Supplied twice (a new request; the same request again is its earlier answer): refused by the document's name.
    const again = refusal({
      ...supply('invitation-translation', 'att-tr'),
      request: { ...supply('invitation-translation', 'att-tr').request, requestId: 'sup-again' },
    });
    expect(again.code).toBe('ACTION_NOT_ALLOWED');
    expect(again.label.zh).toContain('“邀请函译文”');
  });

  it('supplies a 容缺 document only as a file added after intake recorded it missing (fileRef, rule new-file; the validator only)', () => {
    const engine = newEngine();
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B02' && s.status === 'awaiting') });
    const now = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'B02')!.startedAt!);
    const attach = (id: string) => engine.apply(attachPdf(id, 'invitation-translation'), now);
    // The handed input: the translation on record before intake, intake finds it missing, the old file "supplies" it.
    attach('att-before');
    const decide = {
      requestId: 'awd',
      actor: actor('fao-clerk', 'fao'),
      stepKey: 'B02',
      decision: 'accept-with-deficiencies' as const,
      missingDocuments: [{ id: 'invitation-translation', name: '邀请函译文' }],
    };
    engine.apply({ type: 'decide', request: decide }, now);
    const supply = (fileRef: string) => ({
      type: 'supplyDocument' as const,
      request: { requestId: `sup-${fileRef}`, actor: actor('organizer'), documentId: 'invitation-translation', fileRef },
    });
    let refused: unknown;
    try {
      engine.validate(supply('att-before'), now);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(Rejection);
    expect((refused as Rejection).code).toBe('INVALID_REQUEST');
    expect((refused as Rejection).errors).toEqual([expect.objectContaining({ field: 'fileRef', rule: 'new-file' })]);
    expect((refused as Rejection).label.zh).toContain('附件“att-before.pdf”（att-before）');
    expect((refused as Rejection).label.en).toContain('upload it as a new file');
    expect(engine.progress(now).deficiencies[0]).toMatchObject({ status: 'missing' });
    // The same bytes uploaded again after intake are the file intake found wanting (forty-seventh trial: one content,
    // one document).
    const again = attachPdf('att-again', 'invitation-translation');
    engine.apply(
      { ...again, request: { ...again.request, attachment: { ...again.request.attachment, sha256: placeholderSha256('att-before') } } },
      now,
    );
    try {
      engine.validate(supply('att-again'), now);
      refused = undefined;
    } catch (err) {
      refused = err;
    }
    expect((refused as Rejection).errors).toEqual([expect.objectContaining({ field: 'fileRef', rule: 'new-file' })]);
    // A file uploaded after: supplied.
    attach('att-after');
    expect(() => engine.validate(supply('att-after'), now)).not.toThrow();
    expect(engine.apply(supply('att-after'), now).accepted).toBe(true);
    // The handler alone (a history recorded before the rule) applies the old file as it ran.
    const replayed = newEngine();
    simulate(replayed, { until: (p) => p.steps.some((s) => s.key === 'B02' && s.status === 'awaiting') });
    replayed.apply(attachPdf('att-before', 'invitation-translation'), now);
    replayed.apply({ type: 'decide', request: decide }, now);
    expect(replayed.apply(supply('att-before'), now).accepted).toBe(true);
  });

  it('missing documents are one id however spelled, and a document id names its kind however spelled (second trial)', () => {
    const engine = newEngine();
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B02' && s.status === 'awaiting') });
    const now = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'B02')!.startedAt!);
    const decide = (ids: string[]) => ({
      type: 'decide' as const,
      request: {
        requestId: `awd-${ids.join()}`,
        actor: actor('fao-clerk', 'fao'),
        stepKey: 'B02',
        decision: 'accept-with-deficiencies' as const,
        missingDocuments: ids.map((id) => ({ id, name: '材料' })),
      },
    });
    for (const ids of [
      ['a', 'A'],
      ['Invitation-Translation', 'invitation_translation'],
    ])
      expect(() => engine.validate(decide(ids), now)).toThrow(
        expect.objectContaining({ errors: [expect.objectContaining({ field: 'missingDocuments[1].id', rule: 'unique' })] }),
      );
    for (const id of [
      'invitation.translation',
      'invitationTranslation',
      'invitation-translation\u200b',
      'ＩＮＶＩＴＡＴＩＯＮ－ＴＲＡＮＳＬＡＴＩＯＮ',
    ])
      expect([id, documentAttachmentKind(id)]).toEqual([id, 'invitation-translation']);
    expect(documentAttachmentKind('budget-sheet')).toBeUndefined();
  });

  it('a decision on a step that is no approval says so, before separation of duties (third trial: SELF_APPROVAL on A02)', () => {
    const engine = newEngine();
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'A02' && s.status === 'awaiting') });
    const now = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'A02')!.startedAt!);
    const decide = {
      type: 'decide' as const,
      request: { requestId: 'd-a02', actor: actor('organizer'), stepKey: 'A02', decision: 'approve' as const },
    };
    expect(() => engine.validate(decide, now, { ordered: { beforeState: () => undefined } })).toThrow(
      expect.objectContaining({
        code: 'ACTION_NOT_ALLOWED',
        label: expect.objectContaining({ en: 'A02 is not an approval: complete it instead' }),
      }),
    );
  });

  it("refuses a 容缺 document needed by a step no longer ahead (done, or the intake being decided); old histories' rule kept off", () => {
    const clerk = actor('fao-clerk', 'fao');
    const acceptWith = (engine: CaseEngine, neededBy: string) => () =>
      engine.validate({
        type: 'decide',
        request: {
          requestId: `awd-${neededBy}`,
          actor: clerk,
          stepKey: 'B02',
          decision: 'accept-with-deficiencies',
          missingDocuments: [{ id: 'inv-tr', name: '邀请函译文', neededBy }],
        },
      });
    const engine = newEngine();
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B02' && s.status === 'awaiting') });
    expect(engine.progress(MONDAY).steps.find((s) => s.code === 'A01')!.status).toBe('done');
    for (const neededBy of ['A01', 'B02']) {
      expect(acceptWith(engine, neededBy)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
      try {
        acceptWith(engine, neededBy)();
      } catch (err) {
        expect((err as Rejection).label.zh).toContain(`缺件所需步骤 ${neededBy} 须为本案尚未办理的后续步骤`);
      }
    }
    expect(acceptWith(engine, 'B05')).not.toThrow();
    // A case recorded before the rule (the workflow's patch absent) replays accepting what it accepted then.
    const old = new CaseEngine(makeInput(), {
      newId: () => `id-${++ids}`,
      workflowId: 'delegation-case-2',
      calendar,
      deficiencyNeededAhead: false,
    });
    old.start(MONDAY);
    simulate(old, { until: (p) => p.steps.some((s) => s.key === 'B02' && s.status === 'awaiting') });
    expect(acceptWith(old, 'A01')).not.toThrow();
  });

  it('容缺 holds the approval document until the documents arrive; overdue notifies organizer and FAO clerk, who may extend once (issue 11 item 3)', () => {
    const engine = newEngine();
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B02' && s.status === 'awaiting') });
    let now = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'B02')!.startedAt!);
    const missingDocuments = [{ id: 'inv-tr', name: '邀请函译文', neededBy: 'B05' }];
    const clerk = actor('fao-clerk', 'fao');
    engine.apply(
      {
        type: 'decide',
        request: { requestId: 'awd', actor: clerk, stepKey: 'B02', decision: 'accept-with-deficiencies', missingDocuments },
      },
      now,
    );
    // Approve B05, B06, B07 inside the 2-WD window: the reviews proceed, but no approval document is issued.
    const approveOpen = () => {
      for (const s of engine.progress(now).steps.filter((x) => ['B04', 'B05', 'B06', 'B07'].includes(x.code) && x.status === 'awaiting')) {
        const by = actor(responsibleRole({ actor: s.actorRole, phase: s.phase }));
        engine.apply({ type: 'decide', request: { requestId: `ok-${s.key}`, actor: by, stepKey: s.key, decision: 'approve' } }, now);
      }
    };
    // B07 also waits for the public notice (A13): approve as steps open, inside the window and after it.
    for (let i = 0; i < 60 && engine.progress(now).steps.find((s) => s.key === 'B07')!.status !== 'done'; i++) {
      now = calendar.addWorkingDays(now, 0.25);
      engine.fireDueDeadlines(now);
      approveOpen();
    }
    const p0 = engine.progress(now);
    for (const k of ['B05', 'B06', 'B07']) expect(p0.steps.find((s) => s.key === k)!.status).toBe('done');
    expect(p0.steps.find((s) => s.key === 'B08')!.status).toBe('pending');
    expect(engine.takeSystemWork().map((w) => w.code)).not.toContain('B08');
    expect(p0.approvalDocumentNo).toBeUndefined();
    // The window passed: the organizer and the FAO clerk were told; the clerk extends once, not twice.
    const told = engine.takeEscalations().filter((e) => e.kind === 'deficiency-overdue');
    expect(told.map((e) => e.role).sort()).toEqual(['fao-clerk', 'organizer']);
    expect(p0.deficiencies[0]).toMatchObject({ status: 'overdue', extensions: 0, extensionsLeft: 1 });
    expect(() =>
      engine.apply(
        { type: 'extendDeficiency', request: { requestId: 'x0', actor: actor('organizer'), documentId: 'inv-tr', reason: '再给两天' } },
        now,
      ),
    ).toThrow(expect.objectContaining({ code: 'WRONG_ROLE' }));
    engine.apply({ type: 'extendDeficiency', request: { requestId: 'x1', actor: clerk, documentId: 'inv-tr', reason: '译文公证中' } }, now);
    const p = engine.progress(now);
    expect(p.deficiencies[0]).toMatchObject({ status: 'missing', extensions: 1, extensionsLeft: 0 });
    expect(Date.parse(p.deficiencies[0]!.dueAt)).toBe(calendar.addWorkingDays(now, 2, 'end'));
    expect(() =>
      engine.apply({ type: 'extendDeficiency', request: { requestId: 'x2', actor: clerk, documentId: 'inv-tr', reason: '再延一次' } }, now),
    ).toThrow(expect.objectContaining({ code: 'ACTION_NOT_ALLOWED' }));
    // The document arrives: B03 completes and the approval document is issued.
    engine.apply({ type: 'supplyDocument', request: { requestId: 'sup', actor: actor('organizer'), documentId: 'inv-tr' } }, now);
    expect(engine.progress(now).steps.find((s) => s.key === 'B03')!.status).toBe('done');
    expect(engine.takeSystemWork().map((w) => w.code)).toContain('B08');
  });

  it('a version whose B08 does not wait for B03: B08 opened while a 容缺 document is overdue runs once it is supplied (it stayed blocked for ever)', () => {
    const own = {
      ...DEFAULT_DEFINITION,
      version: 'office-no-b03-gate',
      steps: DEFAULT_DEFINITION.steps.map((st) => (st.code === 'B08' ? { ...st, needs: st.needs.filter((n) => n !== 'B03') } : st)),
    };
    const run = (deps: Partial<EngineDeps>) => {
      const engine = new CaseEngine(
        { ...makeInput(), definition: own },
        { newId: () => `id-${++ids}`, workflowId: 'delegation-case-1', calendar, ...deps },
      );
      engine.start(MONDAY);
      simulate(engine, { until: (p) => p.steps.some((st) => st.key === 'B02' && st.status === 'awaiting') });
      let now = Date.parse(engine.progress(MONDAY).steps.find((st) => st.key === 'B02')!.startedAt!);
      const missingDocuments = [{ id: 'inv-tr', name: '邀请函译文', neededBy: 'B08' }];
      const request = { requestId: 'awd', actor: actor('fao-clerk', 'fao'), stepKey: 'B02', decision: 'accept-with-deficiencies' as const };
      engine.apply({ type: 'decide', request: { ...request, missingDocuments } }, now);
      for (let i = 0; i < 80 && engine.progress(now).steps.find((st) => st.key === 'B08')!.status === 'pending'; i++) {
        now = calendar.addWorkingDays(now, 0.25);
        engine.fireDueDeadlines(now);
        for (const st of awaiting(engine.progress(now)).filter((x) => ['B04', 'B05', 'B06', 'B07'].includes(x.code))) {
          const by = actor(responsibleRole({ actor: st.actorRole, phase: st.phase }));
          engine.apply({ type: 'decide', request: { requestId: `ok-${st.key}`, actor: by, stepKey: st.key, decision: 'approve' } }, now);
        }
        for (const work of engine.takeSystemWork()) if (work.code !== 'B08') engine.applySystemResult(work, {}, now);
      }
      const blocked = engine.progress(now).steps.find((st) => st.key === 'B08')!;
      expect([blocked.status, blocked.blockedReason?.zh]).toEqual(['blocked', '缺件逾期未补：“邀请函译文”（inv-tr）']);
      expect(engine.takeSystemWork().map((w) => w.code)).not.toContain('B08');
      engine.apply({ type: 'supplyDocument', request: { requestId: 'sup', actor: actor('organizer'), documentId: 'inv-tr' } }, now);
      return {
        status: engine.progress(now).steps.find((st) => st.key === 'B08')!.status,
        work: engine.takeSystemWork().map((w) => w.code),
      };
    };
    expect(run({})).toEqual({ status: 'awaiting', work: expect.arrayContaining(['B08']) });
    // A history recorded before the rule (patched('deficiency-unblocks-system') false on replay) stays as it ran.
    expect(run({ deficiencyUnblocksSystem: () => false })).toEqual({ status: 'blocked', work: [] });
  });

  // Trial H2's consequence: A08 now counts other open cases' planned trips, and a planned trip can go away (withdrawn,
  // refused, moved); a case blocked by one must not stay blocked for ever. A made trip cannot go away: no recheck.
  it('A08 blocked by a planned trip runs again a working day on, until it passes; blocked by made trips only, it waits for an amendment', () => {
    const violation = (planned: string[]) => ({
      code: 'FREQUENCY_EXCEEDED' as const,
      field: 'members[0]',
      message: { zh: '超过出访频次', en: 'frequency exceeded' },
      details: { memberId: 'm1', previousDepartures: planned.length > 0 ? [] : ['2025-12-01'], plannedDepartures: planned },
    });
    const run = (planned: string[], deps: Partial<EngineDeps> = {}) => {
      const engine = newEngine({}, deps);
      let answer = [violation(planned)];
      const runs: number[] = [];
      const apply = engine.applySystemResult.bind(engine);
      engine.applySystemResult = (work, result, at) => {
        if (work.code === 'A08') runs.push(at);
        apply(work, work.code === 'A08' ? { violations: answer } : result, at);
      };
      const a08 = (at: number) => engine.progress(at).steps.find((st) => st.key === 'A08:m1')!.status;
      const blockedAt = simulate(engine, { until: (p) => p.steps.some((st) => st.key === 'A08:m1' && st.status === 'blocked') });
      const recheckAt = calendar.addWorkingDays(blockedAt, 1, 'end');
      // Just before the working day is out nothing runs; at it, A08 opens again and runs (blocked anew: still planned).
      engine.fireDueDeadlines(recheckAt - 1);
      expect([a08(recheckAt - 1), engine.takeSystemWork().map((w) => w.key)]).toEqual(['blocked', []]);
      engine.takeEvents();
      engine.fireDueDeadlines(recheckAt);
      const unblocked = engine
        .takeEvents()
        .filter((e) => e.type === 'step.unblocked')
        .map((e) => (e.payload as { key: string }).key);
      for (const work of engine.takeSystemWork()) engine.applySystemResult(work, {}, recheckAt);
      const again = a08(recheckAt);
      // The other trip is withdrawn: the next recheck passes and the case moves on.
      answer = [];
      const next = calendar.addWorkingDays(recheckAt, 1, 'end');
      engine.fireDueDeadlines(next);
      for (const work of engine.takeSystemWork()) engine.applySystemResult(work, {}, next);
      return { unblocked, again, final: a08(next), runs: runs.length };
    };
    expect(run(['2026-06-01'])).toEqual({ unblocked: ['A08:m1'], again: 'blocked', final: 'done', runs: 3 });
    // Made trips only, or a history recorded before the rule (patched('frequency-recheck') false on replay): no recheck.
    expect(run([])).toEqual({ unblocked: [], again: 'blocked', final: 'blocked', runs: 1 });
    expect(run(['2026-06-01'], { recheckPlannedTrips: () => false })).toEqual({
      unblocked: [],
      again: 'blocked',
      final: 'blocked',
      runs: 1,
    });
  });

  it('容缺 rule numbers are settings: 3 WD to supply, no extension', () => {
    const engine = new CaseEngine(
      { ...makeInput(), settings: { deficiencies: { deadlineWd: 3, extensions: 0 } } },
      { newId: () => `id-${++ids}`, workflowId: 'delegation-case-1', calendar },
    );
    engine.start(MONDAY);
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B02' && s.status === 'awaiting') });
    const now = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'B02')!.startedAt!);
    const clerk = actor('fao-clerk', 'fao');
    const missingDocuments = [{ id: 'budget', name: '预算表', neededBy: 'B05' }];
    engine.apply(
      {
        type: 'decide',
        request: { requestId: 'awd', actor: clerk, stepKey: 'B02', decision: 'accept-with-deficiencies', missingDocuments },
      },
      now,
    );
    expect(Date.parse(engine.progress(now).deficiencies[0]!.dueAt)).toBe(calendar.addWorkingDays(now, 3, 'end'));
    expect(() =>
      engine.apply(
        { type: 'extendDeficiency', request: { requestId: 'x1', actor: clerk, documentId: 'budget', reason: '译文公证中，延期两天' } },
        now,
      ),
    ).toThrow(expect.objectContaining({ code: 'ACTION_NOT_ALLOWED' }));
  });

  it('opens A14 when an objection is raised during the public notice, and approval waits for it', () => {
    const engine = newEngine();
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'A13' && s.status === 'awaiting') });
    const t = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'A13')!.startedAt!);
    expect(engine.progress(t).steps.find((s) => s.key === 'A14')!.status).toBe('pending');
    engine.apply({ type: 'objection', request: { requestId: 'obj', actor: actor('fao-clerk', 'fao'), objection: '群众反映行程过长' } }, t);
    expect(engine.progress(t).plan.criticalPathCodes).toContain('A14');
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'A14' && s.status === 'awaiting') });
    const p = engine.progress(Date.parse(engine.progress(t).steps.find((s) => s.key === 'A14')!.startedAt!));
    expect(p.steps.find((s) => s.key === 'B07')!.status).toBe('pending');
  });

  it('refuses A14 without its written outcome (data.outcome, non-blank text): the validator and the handler alike', () => {
    const engine = newEngine();
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'A13' && s.status === 'awaiting') });
    const t = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'A13')!.startedAt!);
    engine.apply({ type: 'objection', request: { requestId: 'obj', actor: actor('fao-clerk', 'fao'), objection: '群众反映行程过长' } }, t);
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'A14' && s.status === 'awaiting') });
    const at = Date.parse(engine.progress(t).steps.find((s) => s.key === 'A14')!.startedAt!);
    const base = { requestId: 'a14', actor: actor('unit-leader'), stepKey: 'A14' };
    for (const [data, rule] of [
      [undefined, 'required'],
      [{}, 'required'],
      [{ outcome: ' \u200B' }, 'blank'],
    ] as const) {
      const request = { ...base, ...(data ? { data } : {}) };
      for (const run of [() => engine.validate({ type: 'complete', request }, at), () => engine.apply({ type: 'complete', request }, at)]) {
        let refused: unknown;
        try {
          run();
        } catch (err) {
          refused = err;
        }
        expect(refused).toBeInstanceOf(Rejection);
        expect((refused as Rejection).code).toBe('INVALID_REQUEST');
        expect((refused as Rejection).errors).toEqual([expect.objectContaining({ field: 'data.outcome', rule })]);
      }
    }
    // Handed input (new-user trial): an extra field was kept forever in the event store. The validator refuses it, named;
    // the handler (replayed) does not judge it, and a signal asks patched('step-data-fields') first.
    const extra = { type: 'complete' as const, request: { ...base, data: { outcome: '经核实，异议不成立', foo: 'bar' } } };
    let refused: unknown;
    try {
      engine.validate(extra, at);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(Rejection);
    expect((refused as Rejection).code).toBe('INVALID_REQUEST');
    expect((refused as Rejection).errors).toEqual([
      {
        field: 'data.foo',
        rule: 'unknown-field',
        message: { zh: '此步骤不读取此字段（可填：outcome）', en: 'The step reads no such field (known: outcome)' },
      },
    ]);
    let asked = 0;
    expect(() => engine.validate(extra, at, { stepData: () => (asked++, false) })).not.toThrow();
    expect(asked).toBe(1);
    expect(engine.apply({ type: 'complete', request: { ...base, data: { outcome: '经核实，异议不成立' } } }, at).accepted).toBe(true);
  });

  it('escalates an overdue step exactly once', () => {
    const engine = newEngine();
    for (const work of engine.takeSystemWork()) engine.applySystemResult(work, {}, MONDAY);
    const due = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'A02')!.dueAt!);
    engine.fireDueDeadlines(due + 1);
    engine.fireDueDeadlines(due + 2 * 86_400_000);
    const escalations = engine.takeEscalations().filter((e) => e.stepKey === 'A02');
    expect(escalations).toHaveLength(1);
    expect(escalations[0]).toMatchObject({ kind: 'step-overdue', role: 'organizer', unit: UNIT });
    expect(engine.progress(due + 1).steps.find((s) => s.key === 'A02')!.status).toBe('overdue');
  });

  it('amends mid-flight: an added member gets their instances, approvals run again', () => {
    const engine = newEngine();
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B07' && s.status === 'awaiting') });
    const t = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'B07')!.startedAt!);
    const members = [...engine.facts.members, makeMember({ id: 'm2', name: '李四', passport: null })];
    engine.apply({ type: 'amend', request: { requestId: 'am', actor: actor('organizer'), changes: { members } } }, t);
    const p = engine.progress(t);
    expect(p.steps.map((s) => s.key)).toEqual(expect.arrayContaining(['A11:m2', 'C02:m2', 'D13:m2:US']));
    expect(p.steps.find((s) => s.key === 'A07')!.status).not.toBe('done');
    expect(['returned', 'pending']).toContain(p.steps.find((s) => s.key === 'B07')!.status);
    const departed = simulate(engine);
    expect(engine.status).toBe('departed');
    expect(engine.progress(departed).steps.find((s) => s.key === 'C05:m2')!.status).toBe('done');
  });

  it('2027.7, thirtieth trial: a member or a country added after the public notice runs it again, and the approval waits for it; a change of dates alone, and 2027.6, keep it done', () => {
    const run = (definition: typeof DEFAULT_DEFINITION, changes: (engine: CaseEngine) => Partial<CaseFacts>) => {
      const engine = newEngine({}, {}, definition);
      const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B07' && s.status === 'awaiting') });
      const status = (k: string) => engine.progress(t).steps.find((s) => s.key === k)!.status;
      expect(status('A13')).toBe('done');
      engine.apply({ type: 'amend', request: { requestId: 'am', actor: actor('organizer'), changes: changes(engine) } }, t);
      return { engine, status };
    };
    const { later, member } = AMENDED;
    const country = (engine: CaseEngine) => ({
      destinations: [
        { ...engine.facts.destinations[0]!, leave: '2026-05-13' },
        makeDestination({ country: 'CA', city: 'Toronto', arrive: '2026-05-13', leave: '2026-05-15' }),
      ],
    });
    for (const changes of [member, country]) {
      const { status } = run(DEFAULT_DEFINITION, changes);
      expect(['A13', 'B07'].map(status)).toEqual([expect.not.stringMatching(/^done$/), expect.not.stringMatching(/^(done|awaiting)$/)]);
    }
    expect(run(DEFAULT_DEFINITION, later).status('A13')).toBe('done');
    expect(run(DEFINITION_2027_6, member).status('A13')).toBe('done');
    // The notice runs its 5 working days again for the case as amended; the approval follows it, and the case departs.
    const { engine } = run(DEFAULT_DEFINITION, member);
    engine.takeEvents();
    const done = departAndListDone(engine);
    expect(done.indexOf('A13')).toBeGreaterThanOrEqual(0);
    expect(done.indexOf('B07')).toBeGreaterThan(done.indexOf('A13'));
  });

  it('2027.8: a trip changed after the unit approved it runs its budget, the countersign and the sign-offs again, before the FAO reviews it again; a change of city runs the budget only, and 2027.7 keeps them done', () => {
    const { later, member, city } = AMENDED;
    const unitSteps = ['A09', 'A10', 'A15', 'A16'];
    const run = (definition: typeof DEFAULT_DEFINITION, changes: (engine: CaseEngine) => Partial<CaseFacts>) => {
      const engine = newEngine({ supervisingDepartment: 'dept-trade' }, {}, definition);
      const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B05' && s.status === 'awaiting') });
      const status = (k: string) => engine.progress(t).steps.find((s) => s.key === k)!.status;
      expect(unitSteps.map(status)).toEqual(['done', 'done', 'done', 'done']);
      engine.takeEvents();
      engine.apply({ type: 'amend', request: { requestId: 'am', actor: actor('organizer'), changes: changes(engine) } }, t);
      return { engine, status, t };
    };
    for (const changes of [later, member]) {
      const { engine, status, t } = run(DEFAULT_DEFINITION, changes);
      // The unit's approvals are not done (the budget opens again once the annual plan check, rerun too, has answered),
      // and the FAO's open review went back.
      for (const k of [...unitSteps, 'B05']) expect([k, status(k)]).toEqual([k, expect.not.stringMatching(/^(done|awaiting|overdue)$/)]);
      const returned = engine
        .takeEvents()
        .filter((e) => e.type === 'step.returned')
        .map((e) => e.payload as { targets: string[]; keys: string[] });
      // The plan waits on them (forty-first trial: the critical step was B05, returned, their days out of the forecast).
      const path = engine.progress(t).plan.criticalPath;
      // From 2027.10 the itinerary (A05) is given again first: before the budget, on the path for a member added too (its
      // 2.5 working days to the sign-off outrun the newcomer's reviews').
      const chain = ['A05', 'A09', 'A10', 'A15', 'B05'];
      expect(chain.map((k) => path.indexOf(k)).every((i, n, all) => i >= 0 && (n === 0 || i > all[n - 1]!))).toBe(true);
      // (A member added reopens the sign-offs as a join that grew, before the amendment's own reruns.)
      expect(returned.flatMap((r) => r.keys)).toEqual(expect.arrayContaining([...unitSteps, 'B05']));
      // Done again in the chain's order, and the case departs.
      const done = departAndListDone(engine);
      const at = (k: string) => done.indexOf(k);
      expect([...unitSteps, 'B05'].map(at).every((i, n, all) => i >= 0 && (n === 0 || i > all[n - 1]!))).toBe(true);
    }
    // A stop's city: the budget (lodging caps are a city's) and its countersign run again; the sign-offs stand, and the
    // FAO's open review waits for the countersign.
    const { status } = run(DEFAULT_DEFINITION, city);
    expect([...unitSteps, 'B05'].map(status)).toEqual([
      expect.not.stringMatching(/^done$/),
      expect.not.stringMatching(/^(done|awaiting)$/),
      'done',
      'done',
      expect.not.stringMatching(/^(done|awaiting)$/),
    ]);
    // Cases pinned to 2027.7 keep the unit's approvals.
    expect(unitSteps.map(run(DEFINITION_2027_7, later).status)).toEqual(['done', 'done', 'done', 'done']);
  });

  it("2027.9: the lead unit's joint-delegation confirmation (A17) is given again when the trip changes, after the sign-off and before the submission goes on; 2027.8 keeps it", () => {
    const { later, member, city } = AMENDED;
    const run = (definition: typeof DEFAULT_DEFINITION, changes: (engine: CaseEngine) => Partial<CaseFacts>) => {
      const engine = newEngine({ jointDelegation: true }, {}, definition);
      const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B05' && s.status === 'awaiting') });
      const status = (k: string) => engine.progress(t).steps.find((s) => s.key === k)!.status;
      expect(['A15', 'A17', 'B01'].map(status)).toEqual(['done', 'done', 'done']);
      engine.apply({ type: 'amend', request: { requestId: 'am', actor: actor('organizer'), changes: changes(engine) } }, t);
      return { engine, status };
    };
    for (const changes of [later, member]) {
      const { engine, status } = run(DEFAULT_DEFINITION, changes);
      expect(['A15', 'A17'].map(status)).toEqual([expect.not.stringMatching(/^done$/), expect.not.stringMatching(/^(done|awaiting)$/)]);
      // Given again after the sign-off, before the FAO reviews the trip again; the case departs.
      const done = departAndListDone(engine);
      const at = (k: string) => done.indexOf(k);
      expect(['A15', 'A17', 'B05'].map(at).every((i, n, all) => i >= 0 && (n === 0 || i > all[n - 1]!))).toBe(true);
    }
    // A stop's city alone leaves it (and the sign-off) standing; cases pinned to 2027.8 keep it.
    expect(run(DEFAULT_DEFINITION, city).status('A17')).toBe('done');
    expect(run(DEFINITION_2027_8, later).status('A17')).toBe('done');
  });

  it('fourth trial: a member added after the passports and visas are done leaves the members’ own work done (C04-C07, D13); the joint work runs again for the newcomer', () => {
    const run = (deps: Partial<EngineDeps>) => {
      // m1 needs a new passport (C02-C06), so the passport's issue is on record before the amendment.
      const engine = newEngine({ members: [makeMember({ id: 'm1', passport: null })] }, deps);
      const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'D13:m1:US' && s.status === 'done') });
      const members = [...engine.facts.members, makeMember({ id: 'm2', name: '李四' })];
      engine.apply({ type: 'amend', request: { requestId: 'am-join', actor: actor('organizer'), changes: { members } } }, t);
      const status = (k: string) => engine.progress(t).steps.find((s) => s.key === k)!.status;
      return { engine, status };
    };
    const asked: string[] = [];
    const { engine, status } = run({ memberWorkStands: () => (asked.push('member-work-stands'), true) });
    const own = ['C04:m1', 'C05:m1', 'C06:m1', 'C07:m1', 'D13:m1:US', 'D04:m1:US'].filter((k) =>
      engine.progress(Date.now()).steps.some((s) => s.key === k && s.status !== 'skipped'),
    );
    expect(own).toEqual(expect.arrayContaining(['C04:m1', 'C05:m1', 'C07:m1', 'D13:m1:US']));
    expect(own.map(status)).toEqual(own.map(() => 'done'));
    // The joint work covers the newcomer: the approvals, the approval document, the country's submission and outcome.
    for (const k of ['A15', 'B07', 'B08', 'D09:US', 'D12:US']) expect([k, status(k)]).not.toEqual([k, 'done']);
    expect(asked).toEqual(['member-work-stands']);
    // The case goes on to departure; m1's passport was issued once.
    const departed = simulate(engine);
    expect(engine.status).toBe('departed');
    const issued = engine.progress(departed).steps.find((s) => s.key === 'C05:m1')!;
    expect(issued.status).toBe('done');
    expect(engine.takeEvents().filter((e) => e.type === 'step.completed' && (e.payload as { key: string }).key === 'C05:m1')).toHaveLength(
      1,
    );
    // A history recorded before the rule sent the members' own work back with the joint work.
    const old = run({ memberWorkStands: () => false });
    expect(['C04:m1', 'C05:m1', 'C07:m1', 'D13:m1:US'].map(old.status)).not.toContain('done');
  });

  it('fourth trial, second look: a member keeping their passport (C02-C06 skipped) keeps C07 done when a member is added late', () => {
    const engine = newEngine({ members: [makeMember({ id: 'm1' })] }, { memberWorkStands: () => true });
    const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'D13:m1:US' && s.status === 'done') });
    const status = (k: string) => engine.progress(t).steps.find((s) => s.key === k)!.status;
    expect(['C05:m1', 'C07:m1'].map(status)).toEqual(['skipped', 'done']);
    const members = [...engine.facts.members, makeMember({ id: 'm2', name: '李四' })];
    engine.takeEvents();
    engine.apply({ type: 'amend', request: { requestId: 'am-join2', actor: actor('organizer'), changes: { members } } }, t);
    expect(['C07:m1', 'D13:m1:US'].map(status)).toEqual(['done', 'done']);
    // Their skipped passport steps stay skipped, not sent back to pass through again (re-verification: they flickered).
    expect(['C04:m1', 'C05:m1', 'C06:m1'].map(status)).toEqual(['skipped', 'skipped', 'skipped']);
    const returned = engine
      .takeEvents()
      .filter((e) => e.type === 'step.returned')
      .flatMap((e) => (e.payload as { keys: string[] }).keys);
    // (E06:m1, open when the member was added, waits for the briefing slip E04 issued again.)
    expect(returned.filter((k) => /^[CD]\d\d:m1(:|$)/.test(k))).toEqual([]);
    expect(status('B08')).not.toBe('done');
    simulate(engine);
    expect(engine.status).toBe('departed');
  });

  it('the approval document stands while B08 is done: an amendment sending it back withdraws it until issued anew (trial: PDF still served)', () => {
    const engine = newEngine();
    const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B08' && s.status === 'done') });
    expect(engine.progress(t).approvalDocumentNo).toBe('外任批〔2026〕0001号');
    const members = [...engine.facts.members, makeMember({ id: 'm2', name: '李四' })];
    engine.apply({ type: 'amend', request: { requestId: 'am', actor: actor('organizer'), changes: { members } } }, t);
    const p = engine.progress(t);
    expect(p.steps.find((s) => s.key === 'B08')!.status).not.toBe('done');
    expect(p.approvalDocumentNo).toBeUndefined();
    const issued = simulate(engine, { until: (q) => q.steps.some((s) => s.key === 'B08' && s.status === 'done') });
    expect(engine.progress(issued).approvalDocumentNo).toBe('外任批〔2026〕0001号');
  });

  it('nothing that has not started opens while a step it rests on was sent back: C04 approved after an amendment withdrew B08 opens no C05 (trial)', () => {
    const run = (deps: Partial<EngineDeps>) => {
      // A member with no passport: C02-C05 issue one (C04 needs B08, the approval document).
      const engine = newEngine({ members: [makeMember({ id: 'm1', passport: null })] }, deps);
      const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'C04:m1' && s.status === 'awaiting') });
      expect(engine.progress(t).steps.find((s) => s.key === 'B08')!.status).toBe('done');
      // The trial's amendment: the return a day earlier (the trip's dates and its stop).
      const destinations = engine.facts.destinations.map((d) => ({ ...d, leave: '2026-05-14' }));
      const changes = { returnDate: '2026-05-14', destinations };
      engine.apply({ type: 'amend', request: { requestId: 'am', actor: actor('organizer'), changes } }, t);
      expect(engine.progress(t).steps.find((s) => s.key === 'B08')!.status).not.toBe('done');
      const c04 = engine.progress(t).steps.find((s) => s.key === 'C04:m1')!;
      const by = actor(responsibleRole({ actor: c04.actorRole, phase: c04.phase }));
      if (c04.status === 'awaiting')
        engine.apply({ type: 'decide', request: { requestId: 'c04', actor: by, stepKey: 'C04:m1', decision: 'approve' } }, t);
      return { engine, t, c05: engine.progress(t).steps.find((s) => s.key === 'C05:m1')!.status };
    };
    const { engine, c05 } = run({});
    expect(c05).toBe('pending');
    // B08 issued anew: C05 opens.
    simulate(engine, { until: (q) => q.steps.some((s) => s.key === 'C05:m1' && s.status !== 'pending') });
    const p = engine.progress(Date.now());
    expect(p.steps.find((s) => s.key === 'B08')!.status).toBe('done');
    // A history recorded before the rules (patched('open-after-upstream'), patched('hold-after-recheck') false on
    // replay) opened it as it ran.
    expect(run({ openAfterUpstream: () => false, holdAfterRecheck: () => false }).c05).not.toBe('pending');
  });

  it('open steps resting on a review an amendment reruns wait for it: B09, D07 and E01 open when B08 was withdrawn are held until it is issued anew (trial M1)', () => {
    // On 2027.3, where they declare no rerun of their own (2027.4 reruns them: the test after this one).
    const held = ['B09', 'D07:US', 'E01'];
    const run = (deps: Partial<EngineDeps>) => {
      const engine = newEngine({}, deps, DEFINITION_2027_3);
      const t = simulate(engine, {
        until: (p) => held.every((k) => ['awaiting', 'overdue'].includes(p.steps.find((s) => s.key === k)?.status ?? '')),
        // Nobody acts on them: they are open when the amendment comes.
        onAwaiting: (key) => !held.includes(key),
      });
      engine.takeEvents();
      const destinations = engine.facts.destinations.map((d) => ({ ...d, leave: '2026-05-14' }));
      engine.apply(
        { type: 'amend', request: { requestId: 'am', actor: actor('organizer'), changes: { returnDate: '2026-05-14', destinations } } },
        t,
      );
      const returned = engine.takeEvents().find((e) => e.type === 'step.returned')!.payload as { targets: string[]; keys: string[] };
      const status = (k: string) => engine.progress(t).steps.find((s) => s.key === k)!.status;
      return { engine, t, returned, statuses: held.map(status) };
    };
    const { engine, returned, statuses } = run({});
    expect(statuses).toEqual(['returned', 'returned', 'returned']);
    expect(returned.targets).toEqual(expect.arrayContaining(['B05', 'B06', 'B07', 'B08']));
    expect(returned.targets).not.toEqual(expect.arrayContaining(held));
    expect(returned.keys).toEqual(expect.arrayContaining([...returned.targets, ...held]));
    // Done steps stand (a re-check does not undo the work done after it): D04, the visa forms' review, stays done.
    expect(engine.progress(Date.now()).steps.find((s) => s.key === 'D04:m1:US')!.status).toBe('done');
    // The reviews done again and B08 issued anew, they open again.
    const reopened = simulate(engine, {
      until: (q) => q.steps.some((s) => s.key === 'B08' && s.status === 'done'),
      onAwaiting: (key) => !held.includes(key),
    });
    const after = engine.progress(reopened);
    expect(held.map((k) => after.steps.find((s) => s.key === k)!.status)).toEqual(['awaiting', 'awaiting', 'awaiting']);
    // A history recorded before the rule (patched('hold-after-recheck') false on replay) left them open.
    expect(run({ holdAfterRecheck: () => false }).statuses).toEqual(['awaiting', 'awaiting', 'awaiting']);
  });

  it('2027.4, trial: a change of dates after the tickets, the insurance and the visa check runs them again; the departure waits for them', () => {
    const rerun = ['B09', 'D07:US', 'D13:m1:US', 'E01', 'E02', 'E03'];
    const run = (definition: typeof DEFAULT_DEFINITION) => {
      const engine = newEngine({}, {}, definition);
      const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'E07' && s.status === 'awaiting') });
      expect(rerun.map((k) => engine.progress(t).steps.find((s) => s.key === k)!.status)).toEqual(Array(rerun.length).fill('done'));
      engine.takeEvents();
      const destinations = engine.facts.destinations.map((d) => ({ ...d, leave: '2026-05-14' }));
      engine.apply(
        { type: 'amend', request: { requestId: 'am', actor: actor('organizer'), changes: { returnDate: '2026-05-14', destinations } } },
        t,
      );
      const returned = engine.takeEvents().find((e) => e.type === 'step.returned')!.payload as { targets: string[] };
      const status = (k: string) => engine.progress(t).steps.find((s) => s.key === k)!.status;
      return { engine, returned, statuses: rerun.map(status), e07: status('E07'), d12: status('D12:US') };
    };
    const { engine, returned, statuses, e07, d12 } = run(DEFAULT_DEFINITION);
    expect(returned.targets).toEqual(expect.arrayContaining(rerun));
    expect(statuses.every((s) => s !== 'done')).toBe(true);
    expect(e07).not.toBe('awaiting'); // departure is not confirmed on the old tickets and the old visa check
    expect(d12).toBe('done'); // the embassy's outcome stands: D13 is where the visa is checked against the new dates
    const again = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'E07' && s.status === 'awaiting') });
    expect(rerun.map((k) => engine.progress(again).steps.find((s) => s.key === k)!.status)).toEqual(Array(rerun.length).fill('done'));
    // A case pinned to 2027.3 keeps what it ran with: they stand.
    const pinned = run(DEFINITION_2027_3);
    expect(pinned.returned.targets).not.toEqual(expect.arrayContaining(['E02']));
    expect(pinned.statuses).toEqual(Array(rerun.length).fill('done'));
  });

  it('2027.5, fourth trial: a stop moved to another city reruns the tickets and the insurance (E02, E03), not the visa check; 2027.4 kept them', () => {
    const run = (definition: typeof DEFAULT_DEFINITION) => {
      const engine = newEngine({}, {}, definition);
      const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'E07' && s.status === 'awaiting') });
      engine.takeEvents();
      const destinations = engine.facts.destinations.map((d) => ({ ...d, city: d.city === 'Washington' ? 'Boston' : 'Washington' }));
      engine.apply({ type: 'amend', request: { requestId: 'am-city', actor: actor('organizer'), changes: { destinations } } }, t);
      const status = (k: string) => engine.progress(t).steps.find((s) => s.key === k)!.status;
      return { engine, statuses: ['E02', 'E03', 'D13:m1:US', 'E07'].map(status), a01: status('A01') };
    };
    const { engine, statuses, a01 } = run(DEFAULT_DEFINITION);
    // The annual plan check reads no city (fourth trial, second look: a city change reran A01).
    expect(a01).toBe('done');
    expect(statuses.slice(0, 3)).toEqual([expect.not.stringMatching(/^done$/), expect.not.stringMatching(/^done$/), 'done']);
    expect(statuses[3]).not.toBe('awaiting'); // departure waits for the new tickets and insurance
    const again = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'E07' && s.status === 'awaiting') });
    expect(['E02', 'E03'].map((k) => engine.progress(again).steps.find((s) => s.key === k)!.status)).toEqual(['done', 'done']);
    expect(run(DEFINITION_2027_4).statuses.slice(0, 3)).toEqual(['done', 'done', 'done']);
  });

  it("the unit's annual plan changed: A01 runs again while the case is open and departs that year (on a freed trip only where over-plan); work after it stands", () => {
    const engine = newEngine();
    const year = Number(engine.facts.departureDate.slice(0, 4));
    const a01 = (outcome: string) => {
      const work = engine.takeSystemWork().filter((w) => w.code === 'A01');
      expect(work.map((w) => w.key)).toEqual(['A01']);
      engine.applySystemResult(work[0]!, { data: { planOutcome: outcome } }, MONDAY);
    };
    a01('over-plan');
    const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B05' && s.status === 'awaiting') });
    const status = (key: string) => engine.progress(t).steps.find((s) => s.key === key)!.status;
    engine.takeEvents();
    // Another year's plan, or a cause the payload does not name, changes nothing.
    expect(engine.recheckAnnualPlan({ year: year + 1, cause: 'plan-changed' }, t)).toEqual([]);
    // The handed input's kind: another case freed the trip this one was over-plan for; the outcome stood.
    expect(engine.recheckAnnualPlan({ year, cause: 'trip-freed' }, t)).toEqual(['A01']);
    expect(engine.takeEvents().map((e) => [e.type, e.type === 'step.returned' ? e.payload : (e.payload as { key?: string }).key])).toEqual([
      ['step.returned', { by: 'annual-plan-changed', targets: ['A01'], keys: ['A01'] }],
      ['step.awaiting', 'A01'],
    ]);
    a01('planned');
    expect([status('A01'), status('A02'), status('B05')]).toEqual(['done', 'done', 'awaiting']);
    expect(engine.progress(t).steps.find((s) => s.key === 'A01')!.data).toMatchObject({ planOutcome: 'planned' });
    // Planned, a freed trip is no news; the plan itself changed (the trip it held dropped) is.
    expect(engine.recheckAnnualPlan({ year, cause: 'trip-freed' }, t)).toEqual([]);
    expect(engine.recheckAnnualPlan({ year, cause: 'plan-changed' }, t)).toEqual(['A01']);
    a01('unplanned');
    expect(status('B05')).toBe('awaiting');
    // A closed case keeps what it recorded.
    engine.apply({ type: 'withdraw', request: { requestId: 'w-plan', actor: actor('organizer'), reason: '活动取消' } }, t);
    expect(engine.recheckAnnualPlan({ year, cause: 'plan-changed' }, t)).toEqual([]);
  });

  it('trial 66: B05 approved in the plan with no reason, then the plan changed and A01 finds the trip outside it: B05 stands and says the reason is missing', () => {
    const engine = newEngine();
    const year = Number(engine.facts.departureDate.slice(0, 4));
    const a01 = (outcome: string) => {
      const [work] = engine.takeSystemWork().filter((w) => w.code === 'A01');
      engine.applySystemResult(work!, { data: { planOutcome: outcome } }, MONDAY);
    };
    a01('planned');
    const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B05' && s.status === 'awaiting') });
    const b05 = () => engine.progress(t).steps.find((s) => s.key === 'B05')!;
    const decide = (comment?: string) =>
      engine.apply(
        {
          type: 'decide',
          request: {
            requestId: `b05-${comment ?? 'none'}`,
            actor: actor('fao-reviewer', 'fao'),
            stepKey: 'B05',
            decision: 'approve',
            ...(comment ? { comment } : {}),
          },
        },
        t,
      );
    decide();
    expect([b05().status, b05().planReasonMissing]).toEqual(['done', undefined]);
    expect(engine.recheckAnnualPlan({ year, cause: 'plan-changed' }, t)).toEqual(['A01']);
    a01('unplanned');
    expect([b05().status, b05().planReasonMissing?.zh]).toEqual(['done', expect.stringContaining('未载明单位书面说明理由')]);
    // In the plan again: nothing missing.
    expect(engine.recheckAnnualPlan({ year, cause: 'plan-changed' }, t)).toEqual(['A01']);
    a01('planned');
    expect(b05().planReasonMissing).toBeUndefined();
  });

  it('trial 67: the reason B05 stated for a trip outside the plan is in its progress for whoever decides next; a stance recorded as the reason (before reason-words) reads missing', () => {
    for (const [comment, stated, missing] of [
      ['单位书面说明：应邀参加年度投资洽谈会', '单位书面说明：应邀参加年度投资洽谈会', undefined],
      ['同意', undefined, expect.stringContaining('未载明单位书面说明理由')],
    ] as const) {
      const engine = newEngine();
      const [work] = engine.takeSystemWork().filter((w) => w.code === 'A01');
      engine.applySystemResult(work!, { data: { planOutcome: 'unplanned' } }, MONDAY);
      const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B05' && s.status === 'awaiting') });
      const b05 = () => engine.progress(t).steps.find((s) => s.key === 'B05')!;
      expect(b05().planReasonStated).toBeUndefined();
      // The handler applies what a signal recorded before the rule carried (the validator is not asked).
      const request = { requestId: 'b05', actor: actor('fao-reviewer', 'fao'), stepKey: 'B05', decision: 'approve' as const, comment };
      expect(engine.apply({ type: 'decide', request }, t).accepted).toBe(true);
      expect([b05().status, b05().planReasonStated, b05().planReasonMissing?.zh]).toEqual(['done', stated, missing]);
    }
  });

  it('2027.6, thirteenth trial: B05 approves a trip outside the annual plan only with the written reason in its comment; 2027.5 as it was', () => {
    const atB05 = (outcome: string, definition = DEFAULT_DEFINITION) => {
      const engine = newEngine({}, {}, definition);
      const [a01] = engine.takeSystemWork().filter((w) => w.code === 'A01');
      engine.applySystemResult(a01!, { data: { planOutcome: outcome } }, MONDAY);
      const at = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B05' && s.status === 'awaiting') });
      const approve = (comment?: string, rules?: ValidationRules) => () =>
        engine.validate(
          {
            type: 'decide',
            request: {
              requestId: `b05-${comment}`,
              actor: actor('fao-reviewer', 'fao'),
              stepKey: 'B05',
              decision: 'approve',
              ...(comment === undefined ? {} : { comment }),
            },
          },
          at,
          rules,
        );
      return { engine, at, approve };
    };
    const refusedFor = (fn: () => void) => {
      try {
        fn();
      } catch (err) {
        const r = err as Rejection;
        return [r.code, r.errors?.map((e) => [e.field, e.rule]), r.label.zh];
      }
      return 'accepted';
    };
    // No plan on file for the year is outside the plan too (trial 65: filing no plan spared the unit the reason).
    for (const outcome of ['unplanned', 'over-plan', 'no-plan']) {
      const { engine, at, approve } = atB05(outcome);
      const b05 = engine.progress(at).steps.find((s) => s.key === 'B05')!;
      expect(b05.planReason?.zh).toContain('书面说明');
      // A stance is not a reason (trials 66, 67: a bare 同意 passed as the unit's written reason).
      for (const comment of [
        undefined,
        '',
        ' \u200b ',
        '。',
        '…!',
        '同意',
        '同意。',
        '拟同意！',
        'Approved.',
        'OK',
        '好',
        '已同意',
        'agree',
      ])
        expect(refusedFor(approve(comment))).toEqual([
          'INVALID_REQUEST',
          [['comment', 'plan-reason']],
          expect.stringContaining('年度出访计划'),
        ]);
      expect(refusedFor(approve('单位已书面说明：应邀参加年度投资洽谈会，计划编制时尚未收到邀请'))).toBe('accepted');
    }
    // In the plan: nothing asked.
    const { engine, at, approve } = atB05('planned');
    expect(engine.progress(at).steps.find((s) => s.key === 'B05')!.planReason).toBeUndefined();
    expect(refusedFor(approve())).toBe('accepted');
    // A decide signal recorded before the rule (patched('plan-reason-no-plan') answering false) replays as it ran.
    const noPlan = atB05('no-plan');
    expect(refusedFor(noPlan.approve(undefined, { noPlanReason: () => false }))).toBe('accepted');
    // …and one approving with a stance for its reason, before patched('reason-words').
    expect(refusedFor(atB05('unplanned').approve('同意', { reasonWords: () => false }))).toBe('accepted');
    expect(refusedFor(atB05('unplanned').approve('。', { reasonWords: () => false }))).not.toBe('accepted');
    // …and one approving with a stance inflected (已同意), before patched('reason-substance').
    expect(refusedFor(atB05('unplanned').approve('已同意', { reasonSubstance: () => false }))).toBe('accepted');
    expect(refusedFor(atB05('unplanned').approve('已同意', { reasonWords: () => false }))).not.toBe('accepted');
    // Trial 78: formulas for the unit's reason, refused; before patched('reason-boilerplate') it replays as it ran.
    expect(refusedFor(atB05('unplanned').approve('同意：材料齐全，符合规定'))).toEqual([
      'INVALID_REQUEST',
      [['comment', 'plan-reason']],
      expect.stringContaining('年度出访计划'),
    ]);
    expect(refusedFor(atB05('unplanned').approve('同意：材料齐全，符合规定', { reasonBoilerplate: () => false }))).toBe('accepted');
    // Trial 83: a row of letters typed full-width for the unit's reason, refused; before patched('reason-vague') as it ran.
    expect(refusedFor(atB05('unplanned').approve('ａｂｃｄ ｅｆｇｈ'))).toEqual([
      'INVALID_REQUEST',
      [['comment', 'plan-reason']],
      expect.stringContaining('年度出访计划'),
    ]);
    expect(refusedFor(atB05('unplanned').approve('ａｂｃｄ ｅｆｇｈ', { reasonVague: () => false }))).toBe('accepted');
    expect(refusedFor(noPlan.approve())).toEqual([
      'INVALID_REQUEST',
      [['comment', 'plan-reason']],
      expect.stringContaining('所在年度本单位未登记年度出访计划'),
    ]);
    // A case pinned to 2027.5 keeps its rules.
    expect(refusedFor(atB05('unplanned', DEFINITION_2027_5).approve())).toBe('accepted');
  });

  it('a plan change while A01 is running drops the result it is about to return (read before the change) and runs it again; nothing after it opens', () => {
    const status = (engine: CaseEngine, key: string) => engine.progress(MONDAY).steps.find((s) => s.key === key)!;
    const takeA01 = (engine: CaseEngine) => {
      const work = engine.takeSystemWork().filter((w) => w.code === 'A01');
      expect(work).toHaveLength(1);
      return work[0]!;
    };
    for (const cause of ['trip-freed', 'plan-changed'] as const) {
      const engine = newEngine();
      const year = Number(engine.facts.departureDate.slice(0, 4));
      const stale = takeA01(engine);
      expect(engine.recheckAnnualPlan({ year, cause }, MONDAY)).toEqual(['A01']);
      const again = takeA01(engine);
      // The answer to the first run lands late: dropped, the step waits for the second, and A02 for it.
      engine.applySystemResult(stale, { data: { planOutcome: 'planned' } }, MONDAY);
      expect([status(engine, 'A01').status, status(engine, 'A01').data, status(engine, 'A02').status]).toEqual([
        'awaiting',
        undefined,
        'pending',
      ]);
      engine.applySystemResult(again, { data: { planOutcome: 'unplanned' } }, MONDAY);
      expect([status(engine, 'A01').status, status(engine, 'A01').data, status(engine, 'A02').status]).toEqual([
        'done',
        { planOutcome: 'unplanned' },
        'awaiting',
      ]);
    }
    // A re-check running when the plan changes again: run again too, and still a re-check (A02 stays open).
    const engine = newEngine();
    const year = Number(engine.facts.departureDate.slice(0, 4));
    engine.applySystemResult(takeA01(engine), { data: { planOutcome: 'planned' } }, MONDAY);
    expect(engine.recheckAnnualPlan({ year, cause: 'plan-changed' }, MONDAY)).toEqual(['A01']);
    const stale = takeA01(engine);
    expect(engine.recheckAnnualPlan({ year, cause: 'plan-changed' }, MONDAY)).toEqual(['A01']);
    const again = takeA01(engine);
    engine.applySystemResult(stale, { data: { planOutcome: 'planned' } }, MONDAY);
    expect([status(engine, 'A01').status, status(engine, 'A02').status]).toEqual(['awaiting', 'awaiting']);
    engine.applySystemResult(again, { data: { planOutcome: 'unplanned' } }, MONDAY);
    expect(status(engine, 'A01').data).toMatchObject({ planOutcome: 'unplanned' });
  });

  it("an amendment of a member's rank or passport runs A08 again for that member, as a change of dates does (trial: the old pass stood)", () => {
    const run = (deps: Partial<EngineDeps>, change: (m: Member) => Member) => {
      const engine = newEngine({}, deps);
      const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B05' && s.status === 'awaiting') });
      expect(engine.progress(t).steps.find((s) => s.key === 'A08:m1')!.status).toBe('done');
      const members = engine.facts.members.map(change);
      engine.apply({ type: 'amend', request: { requestId: 'am', actor: actor('organizer'), changes: { members } } }, t);
      return engine.takeSystemWork().map((w) => w.key);
    };
    const bureau = (m: Member): Member => ({ ...m, rank: 'bureau' });
    const passport = (m: Member): Member => ({ ...m, passport: { ...m.passport!, number: 'EN7777777' } });
    expect(run({}, bureau)).toContain('A08:m1');
    expect(run({}, passport)).toContain('A08:m1');
    // A history recorded before the rule (patched('frequency-on-member-change') false on replay) kept the pass.
    expect(run({ frequencyOnMemberChange: () => false }, bureau)).not.toContain('A08:m1');
  });

  it('another inviter or city in a country the trip keeps is another invitation: A03, A04, B04 and the trip reviews run again (trial)', () => {
    const keys = ['A03:US', 'A04:US', 'B04:US', 'B05', 'B06', 'B07', 'B08'];
    const run = (deps: Partial<EngineDeps>, change: (d: Destination) => Destination) => {
      const engine = newEngine({}, deps);
      const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B08' && s.status === 'done') });
      const destinations = engine.facts.destinations.map(change);
      engine.apply({ type: 'amend', request: { requestId: 'am', actor: actor('organizer'), changes: { destinations } } }, t);
      const p = engine.progress(t);
      return keys.filter((k) => p.steps.find((s) => s.key === k)!.status === 'done');
    };
    const inviter = (d: Destination): Destination => ({
      ...d,
      city: 'Osaka',
      inviter: { name: 'Someone Else', organization: 'Totally Different Org' },
    });
    expect(run({}, inviter)).toEqual([]);
    expect(run({}, (d) => ({ ...d, inviter: { ...d.inviter, name: 'Another Person' } }))).toEqual([]);
    // A history recorded before the rule (patched('inviter-change-reruns') false on replay) kept them done.
    expect(run({ inviterChangeReruns: () => false }, inviter)).toEqual(keys);
  });

  it('a new invitation is done with its own documents: after another inviter for the US, A03:US takes a letter and translation uploaded after the change (2027.10; the validator only)', () => {
    const amended = () => {
      const engine = newEngine();
      const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B05' && s.status === 'awaiting') });
      const destinations = engine.facts.destinations.map((d) => ({
        ...d,
        inviter: { name: 'Someone Else', organization: 'Totally Different Org' },
      }));
      engine.apply({ type: 'amend', request: { requestId: 'am', actor: actor('organizer'), changes: { destinations } } }, t);
      return { engine, t };
    };
    const { engine, t } = amended();
    const a03 = () => engine.progress(t).steps.find((s) => s.key === 'A03:US')!;
    // The old inviter's letter and translation are still on the case: they no longer serve the step.
    expect(a03()).toMatchObject({ status: 'awaiting', missingAttachments: ['invitation-letter', 'invitation-translation'] });
    const complete = (id: string) => ({
      type: 'complete' as const,
      request: { requestId: id, actor: actor('organizer'), stepKey: 'A03:US' },
    });
    expect(() => engine.validate(complete('c1'), t)).toThrow(expect.objectContaining({ code: 'MISSING_ATTACHMENTS' }));
    engine.apply(attachPdf('new-letter', 'invitation-letter'), t);
    expect(a03().missingAttachments).toEqual(['invitation-translation']);
    expect(() => engine.validate(complete('c2'), t)).toThrow(expect.objectContaining({ code: 'MISSING_ATTACHMENTS' }));
    engine.apply(attachPdf('new-translation', 'invitation-translation'), t);
    expect(a03().missingAttachments).toEqual([]);
    engine.validate(complete('c3'), t);
    expect(engine.apply(complete('c3'), t).accepted).toBe(true);
    // A history recorded before the rule completes as it ran: the handler counts every live file.
    const older = amended();
    expect(older.engine.apply(complete('c4'), older.t).accepted).toBe(true);
  });

  it("a member's check rerun (C01) holds the member's open tasks but not the embassy's outcome under way (D12)", () => {
    const engine = newEngine();
    const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'D12:US' && s.status === 'awaiting') });
    const m1 = engine.facts.members[0]!;
    const members = [{ ...m1, position: `${m1.position}（兼）` }];
    engine.apply({ type: 'amend', request: { requestId: 'am', actor: actor('organizer'), changes: { members } } }, t);
    const status = (k: string) => engine.progress(t).steps.find((s) => s.key === k)!.status;
    // C01 opens again at once (what it rests on is done); the embassy's outcome stays under way.
    expect([status('C01:m1'), status('D12:US')]).toEqual(['awaiting', 'awaiting']);
  });

  it('a join already done reopens when the set it waits for grows: a member added at B05 holds B08 until their reviews are done (issue 11 item 1)', () => {
    const engine = newEngine();
    const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'B05' && s.status === 'awaiting') });
    const before = engine.progress(t);
    for (const k of ['A15', 'B02', 'B04:US']) expect(before.steps.find((s) => s.key === k)!.status).toBe('done');
    const members = [...engine.facts.members, makeMember({ id: 'm2', name: '李四', classifiedAccess: true })];
    engine.apply({ type: 'amend', request: { requestId: 'am', actor: actor('organizer'), changes: { members } } }, t);
    const p = engine.progress(t);
    const status = (k: string) => p.steps.find((s) => s.key === k)?.status;
    // The new member's reviews are open work; the sign-off that rested on one member's reviews runs again, with what follows it.
    expect(status('A11:m2')).toBe('pending');
    expect(status('A12:m2')).toBe('pending');
    expect(status('A15')).toBe('returned');
    expect(status('B02')).toBe('returned');
    expect(status('B05')).toBe('returned');
    // Work that does not rest on the members stands.
    expect(status('B04:US')).toBe('done');
    expect(status('A11:m1')).toBe('done');
    expect(() =>
      engine.apply({ type: 'decide', request: { requestId: 'b05', actor: actor('fao-reviewer'), stepKey: 'B05', decision: 'approve' } }, t),
    ).toThrow(Rejection);
    const departed = simulate(engine);
    expect(engine.status).toBe('departed');
    const done = (k: string) => Date.parse(engine.progress(departed).steps.find((s) => s.key === k)!.doneAt!);
    expect(done('A15')).toBeGreaterThanOrEqual(Math.max(done('A11:m2'), done('A12:m2')));
    expect(done('B08')).toBeGreaterThan(done('A15'));
  });

  it('a skip is not final: a passport amended to expire too early reruns C01 and opens C02/C03 before C04 (issue 11 item 2)', () => {
    const engine = newEngine();
    const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'C01:m1' && s.status === 'done') });
    const before = engine.progress(t);
    expect(before.steps.find((s) => s.key === 'C02:m1')!.status).toBe('skipped');
    expect(before.steps.find((s) => s.key === 'C03:m1')!.status).toBe('skipped');
    // Return 2026-05-15: valid to 2026-08-01 is less than 6 months past return.
    const m1 = engine.facts.members[0]!;
    const members = [{ ...m1, passport: { ...m1.passport!, expiresOn: '2026-08-01' } }];
    engine.apply({ type: 'amend', request: { requestId: 'pp', actor: actor('organizer'), changes: { members } } }, t);
    const p = engine.progress(t);
    const status = (k: string) => p.steps.find((s) => s.key === k)?.status;
    expect(status('C01:m1')).toBe('awaiting');
    expect(status('C02:m1')).toBe('returned');
    expect(status('C03:m1')).toBe('returned');
    expect(['pending', 'returned']).toContain(status('C04:m1'));
    const departed = simulate(engine);
    expect(engine.status).toBe('departed');
    const after = engine.progress(departed);
    const done = (k: string) => Date.parse(after.steps.find((s) => s.key === k)!.doneAt!);
    for (const k of ['C02:m1', 'C03:m1', 'C04:m1', 'C05:m1']) expect(after.steps.find((s) => s.key === k)!.status).toBe('done');
    expect(done('C02:m1')).toBeGreaterThan(done('C01:m1'));
    expect(done('C04:m1')).toBeGreaterThan(Math.max(done('C02:m1'), done('C03:m1')));
  });

  it('a condition turning false again skips what has not started; what a fact change cannot reach keeps its result', () => {
    const engine = newEngine({ members: [makeMember({ passport: { inCustody: true, number: 'P1', expiresOn: '2026-08-01' } })] });
    const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'C02:m1' && s.status === 'awaiting') });
    const m1 = engine.facts.members[0]!;
    const members = [{ ...m1, passport: { ...m1.passport!, expiresOn: '2031-12-31' } }];
    engine.apply({ type: 'amend', request: { requestId: 'pp2', actor: actor('organizer'), changes: { members } } }, t);
    simulate(engine);
    const p = engine.progress(t);
    expect(engine.status).toBe('departed');
    for (const k of ['C02:m1', 'C03:m1', 'C04:m1', 'C05:m1']) expect(p.steps.find((s) => s.key === k)!.status).toBe('skipped');
  });

  it('refuses an amendment that changes nothing (the Update validator; new-user trial: the same departure date was recorded)', () => {
    const engine = newEngine();
    const refusal = (changes: Record<string, unknown>) => {
      try {
        engine.validate({ type: 'amend', request: { requestId: 'same', actor: actor('organizer'), changes } as never });
      } catch (err) {
        return (err as Rejection).errors?.map((e) => [e.field, e.rule]);
      }
      return [];
    };
    const { departureDate, members } = engine.facts;
    expect(refusal({ departureDate })).toEqual([['changes', 'no-change']]);
    // The same members with their keys in another order are the same members.
    const reordered = members.map((m) => Object.fromEntries(Object.entries(m).reverse()));
    expect(refusal({ departureDate, members: reordered })).toEqual([['changes', 'no-change']]);
    // One value that differs makes it a change.
    expect(
      refusal({ departureDate, returnDate: engine.facts.returnDate.replace(/..$/, (d) => String(Number(d) - 1).padStart(2, '0')) }),
    ).not.toEqual([['changes', 'no-change']]);
  });

  it('refuses an amendment of the departure beyond the two-year horizon (the Update validator; new-user trial: 2099 wedged the case)', () => {
    const engine = newEngine();
    const far = { departureDate: '2099-09-15', returnDate: '2099-09-19' };
    const destinations = [{ ...engine.facts.destinations[0]!, arrive: far.departureDate, leave: far.returnDate }];
    try {
      engine.validate(
        { type: 'amend', request: { requestId: 'far', actor: actor('organizer'), changes: { ...far, destinations } } },
        MONDAY,
      );
      throw new Error('expected a rejection');
    } catch (err) {
      expect((err as Rejection).violations?.map((v) => [v.code, v.field])).toEqual([['DEPARTURE_TOO_FAR', 'departureDate']]);
    }
  });

  it("names the amendment's own fields first: a departure moved into the past leads with departureDate (trial: DAYS_EXCEEDED first)", () => {
    const engine = newEngine();
    try {
      // The return stays 2026-05-15: from 2026-01-05 the trip is far over its days, a field the amendment did not send.
      engine.validate(
        { type: 'amend', request: { requestId: 'past', actor: actor('organizer'), changes: { departureDate: '2026-01-05' } } },
        MONDAY,
      );
      throw new Error('expected a rejection');
    } catch (err) {
      const fields = (err as Rejection).violations?.map((v) => [v.field, v.code]) ?? [];
      expect(fields[0]).toEqual(['departureDate', 'DEPARTURE_NOT_FUTURE']);
      expect(fields.slice(1).every(([field]) => field !== 'departureDate')).toBe(true);
      expect(fields.length).toBeGreaterThan(1);
    }
  });

  it('refuses an amendment that breaks the rules, naming the rule', () => {
    const engine = newEngine();
    const members = Array.from({ length: 7 }, (_, i) => makeMember({ id: `n${i + 1}`, name: `成员${i + 1}` }));
    try {
      engine.validate({ type: 'amend', request: { requestId: 'big', actor: actor('organizer'), changes: { members } } });
      throw new Error('expected a rejection');
    } catch (err) {
      expect((err as Rejection).code).toBe('RULE_VIOLATION');
      expect((err as Rejection).violations?.map((v) => v.code)).toContain('SIZE_EXCEEDED');
    }
  });

  it('an amendment dropping a country drops the routes recorded for it: added again, it is routed anew (trial: routes.m1.US came back)', () => {
    const asked: string[] = [];
    const us = makeDestination();
    const jp = makeDestination({ country: 'JP', city: 'Tokyo' });
    const engine = newEngine(
      { members: [makeMember({ routes: { US: 'e-visa' } })] },
      { routesFollowCountries: () => (asked.push('routes-follow-countries'), true) },
    );
    const amend = (requestId: string, destinations: Destination[]) =>
      engine.apply({ type: 'amend', request: { requestId, actor: actor('organizer'), changes: { destinations } } }, MONDAY);
    amend('both', [us, jp]);
    expect([engine.facts.members[0]!.routes, asked]).toEqual([{ US: 'e-visa' }, []]); // still visited: kept, nothing asked
    amend('jp', [jp]);
    expect([engine.facts.members[0]!.routes, asked]).toEqual([undefined, ['routes-follow-countries']]);
    // The dropped country's steps say why they were withdrawn (trial: "withdrawn with its member").
    try {
      engine.validate({ type: 'complete', request: { requestId: 'd01', actor: actor('visa-officer'), stepKey: 'D01:m1:US' } }, MONDAY);
      throw new Error('expected a rejection');
    } catch (err) {
      expect([(err as Rejection).code, (err as Rejection).label]).toEqual([
        'STEP_NOT_AWAITING',
        {
          zh: '步骤 D01:m1:US 已撤销：美国（US）已不在行程中',
          en: 'Step D01:m1:US was withdrawn: United States (US) is no longer on the trip',
        },
      ]);
    }
    amend('us', [us]);
    expect(engine.facts.members[0]!.routes).toBeUndefined();
    expect(engine.progress(MONDAY).steps.some((st) => st.code === 'D01' && st.key.endsWith(':US') && st.status !== 'withdrawn')).toBe(true);
    // A history recorded before the rule (the patch answers false) replays as it ran: the route stays.
    const before = newEngine({ members: [makeMember({ routes: { US: 'e-visa' } })] }, { routesFollowCountries: () => false });
    before.apply({ type: 'amend', request: { requestId: 'jp', actor: actor('organizer'), changes: { destinations: [jp] } } }, MONDAY);
    expect(before.facts.members[0]!.routes).toEqual({ US: 'e-visa' });
  });

  it("D01 records the APEC card route only where the member's card serves in lieu of a visa (trial: a US trip without a card)", () => {
    const engine = newEngine();
    let at = 0;
    at = simulate(engine, {
      until: (p) => p.steps.some((st) => st.code === 'D01' && (st.status === 'awaiting' || st.status === 'overdue')),
    });
    const d01 = engine.progress(at).steps.find((st) => st.code === 'D01' && (st.status === 'awaiting' || st.status === 'overdue'))!;
    const route = (r: string) => () =>
      engine.validate(
        { type: 'complete', request: { requestId: 'route', actor: actor('visa-officer'), stepKey: d01.key, data: { route: r } } },
        at,
      );
    try {
      route('apec-card')();
      throw new Error('expected a rejection');
    } catch (err) {
      expect([(err as Rejection).code, (err as Rejection).errors?.map((e) => [e.field, e.rule])]).toEqual([
        'INVALID_REQUEST',
        [['data.route', 'apec-card-usable']],
      ]);
    }
    expect(route('visa')).not.toThrow();
  });

  it("D01 records visa-free or an e-visa only where the office's country table gives it (trial: a US trip routed visa-free skipped the visa)", () => {
    const routeRefusal = (engine: CaseEngine, route: string, rules: Parameters<CaseEngine['validate']>[2] = {}) => {
      const at = simulate(engine, {
        until: (p) => p.steps.some((st) => st.code === 'D01' && (st.status === 'awaiting' || st.status === 'overdue')),
      });
      const d01 = engine.progress(at).steps.find((st) => st.code === 'D01' && (st.status === 'awaiting' || st.status === 'overdue'))!;
      const request = { requestId: `route-${route}`, actor: actor('visa-officer'), stepKey: d01.key, data: { route } };
      try {
        engine.validate({ type: 'complete', request }, at, rules);
        return undefined;
      } catch (err) {
        return [(err as Rejection).code, (err as Rejection).errors?.map((e) => [e.field, e.rule]), (err as Rejection).label.zh];
      }
    };
    // The handed input: the US (the table: a visa, with the interview) routed visa-free; an e-visa likewise.
    const us = newEngine();
    expect(routeRefusal(us, 'visa-free')).toEqual([
      'INVALID_REQUEST',
      [['data.route', 'country-route']],
      expect.stringContaining('美国（US）'),
    ]);
    expect(routeRefusal(us, 'e-visa')).toEqual(['INVALID_REQUEST', [['data.route', 'country-route']], expect.stringContaining('签证')]);
    expect(routeRefusal(us, 'visa')).toBeUndefined();
    // An office whose table says otherwise (a newer agreement entered in the settings) records it.
    const input = { ...makeInput(), settings: { countries: { US: { officialPassportRoute: 'visa-free' as const } } } };
    const agreed = new CaseEngine(input, { newId: () => `id-${++ids}`, workflowId: 'delegation-case-1', calendar });
    agreed.start(MONDAY);
    expect(routeRefusal(agreed, 'visa-free')).toBeUndefined();
    // A visa-free country (Singapore) takes visa-free, and a visa always.
    const sg = newEngine({ destinations: [makeDestination({ country: 'SG', city: 'Singapore' })] });
    expect(routeRefusal(sg, 'visa-free')).toBeUndefined();
    expect(routeRefusal(sg, 'e-visa')?.[1]).toEqual([['data.route', 'country-route']]);
    // A signal recorded before the rule (patched('entry-route-table') false) replays as it ran.
    let asked = 0;
    expect(routeRefusal(newEngine(), 'visa-free', { routeTable: () => (asked++, false) })).toBeUndefined();
    expect(asked).toBe(1);
  });

  it('refuses another person under a member id (the Update validator; trial: A11:m1 approved for 李四 stayed done for 张三)', () => {
    const refusal = (engine: CaseEngine, member: CaseFacts['members'][number]) => {
      try {
        engine.validate({ type: 'amend', request: { requestId: 'swap', actor: actor('organizer'), changes: { members: [member] } } });
        return undefined;
      } catch (err) {
        return [(err as Rejection).code, (err as Rejection).errors?.map((e) => [e.field, e.rule])];
      }
    };
    const typed = newEngine();
    const first = typed.facts.members[0]!;
    expect(refusal(typed, { ...first, name: '另一人' })).toEqual(['INVALID_REQUEST', [['changes.members[0].name', 'same-person']]]);
    // A typed member swapped for a roster person: the field the request sent, personId (trial: it named `.name`).
    expect(refusal(typed, { ...first, name: '另一人', personId: 'P-9' })).toEqual([
      'INVALID_REQUEST',
      [['changes.members[0].personId', 'same-person']],
    ]);
    // The same person with a fact changed (their rank): taken, as before.
    expect(refusal(typed, { ...first, rank: first.rank === 'staff' ? 'section' : 'staff' })).toBeUndefined();
    // By roster id: another id is another person whatever the name; the same id the same person, renamed or not.
    const rostered = newEngine({ members: [{ ...first, personId: 'P-1' }] });
    const one = rostered.facts.members[0]!;
    expect(refusal(rostered, { ...one, personId: 'P-2' })).toEqual(['INVALID_REQUEST', [['changes.members[0].personId', 'same-person']]]);
    expect(refusal(rostered, { ...one, name: '改名后', rank: one.rank === 'staff' ? 'section' : 'staff' })).toBeUndefined();
  });

  it('refuses an amendment that lists one person twice, by personId or by a typed passport number (the Update validator)', () => {
    const engine = newEngine();
    const first = engine.facts.members[0]!;
    const refusal = (members: Member[]) => {
      try {
        engine.validate({ type: 'amend', request: { requestId: 'twice', actor: actor('organizer'), changes: { members } } });
      } catch (err) {
        return (err as Rejection).violations?.filter((v) => v.code === 'DUPLICATE_MEMBER').map((v) => v.field);
      }
      return [];
    };
    // The same passport typed again under another id, as written on a form.
    const typedAgain = { ...first, id: 'm2', passport: { ...first.passport!, number: ` ${first.passport!.number!.toLowerCase()}` } };
    expect(refusal([first, typedAgain])).toEqual(['members[1].passport.number']);
    expect(
      refusal([
        { ...first, personId: 'P-1' },
        { ...typedAgain, personId: 'P-1' },
      ]),
    ).toEqual(['members[1].personId']);
    expect(refusal([first, makeMember({ id: 'm2', name: '李四' })])).toEqual([]);
    // Typed namesakes without passports (handed inputs: 孔一 and 孔 一, 张三 and 張三) are one person too.
    const typed = (id: string, name: string) => makeMember({ id, name, passport: null });
    expect(refusal([first, typed('m2', '孔一'), typed('m3', '孔 一')])).toEqual(['members[2].name']);
    expect(refusal([typed('m1', '张三'), typed('m2', '張三')])).toEqual(['members[1].name']);
  });

  it('refuses an amendment whose legs overlap in two countries in the Update validator; the handler (replayed) applies it as recorded', () => {
    const legs = (arriveCa: string) => ({
      departureDate: '2026-05-11',
      returnDate: '2026-05-18',
      destinations: [
        makeDestination({ country: 'US', arrive: '2026-05-11', leave: '2026-05-14' }),
        makeDestination({ country: 'CA', city: 'Toronto', arrive: arriveCa, leave: '2026-05-18' }),
      ],
    });
    const engine = newEngine();
    const amend = (requestId: string, arriveCa: string) =>
      ({ type: 'amend', request: { requestId, actor: actor('organizer'), changes: legs(arriveCa) } }) as const;
    try {
      engine.validate(amend('overlap', '2026-05-13'), MONDAY);
      throw new Error('expected a rejection');
    } catch (err) {
      expect((err as Rejection).code).toBe('RULE_VIOLATION');
      expect((err as Rejection).violations?.map((v) => [v.code, v.field])).toEqual([['LEGS_OVERLAP', 'destinations[1].arrive']]);
    }
    // A same-day transfer passes.
    expect(() => engine.validate(amend('transfer', '2026-05-14'), MONDAY)).not.toThrow();
    // An amendment recorded before the rule replays through the handler as it was applied.
    engine.apply(amend('recorded', '2026-05-13'), MONDAY);
    expect(engine.facts.destinations.map((d) => [d.country, d.arrive])).toEqual([
      ['US', '2026-05-11'],
      ['CA', '2026-05-13'],
    ]);
  });

  it('a member withdrawn by a refused visa with their passport out has it due back 7 days later, the case going on (second trial: due after the trip’s return)', () => {
    const two = {
      members: [
        makeMember({ id: 'm1' }),
        makeMember({ id: 'm2', name: '李四', personId: 'P-m2', passport: { number: 'SE7654321' } } as never),
      ],
    };
    const refuseM2 = (deps: Partial<EngineDeps>) => {
      const engine = newEngine(two, deps);
      const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'D12:US' && s.status === 'awaiting') });
      const c07 = engine.progress(t).steps.find((s) => s.code === 'C07' && s.memberId === 'm2')!;
      expect(c07.status).toBe('done');
      expect(engine.takeCustodyWork().map((w) => [w.action, w.memberId])).toContainEqual(['check-out', 'm2']);
      engine.apply(
        {
          type: 'complete',
          request: {
            requestId: 'v',
            actor: actor('visa-officer', 'fao'),
            stepKey: 'D12:US',
            data: { outcome: 'refused', members: ['m2'] },
          },
        },
        t,
      );
      return { engine, t, c07 };
    };
    const asked: string[] = [];
    const { engine, t, c07 } = refuseM2({ custodyOnWithdrawal: () => (asked.push('custody-on-withdrawal'), true) });
    expect(engine.status).not.toBe('failed');
    // The member is gone from the facts: the work names who they were, for the ledger to find the passport.
    expect(engine.takeCustodyWork()).toEqual([
      {
        key: c07.key,
        action: 'due-back',
        memberId: 'm2',
        dueBackOn: addDays(shanghaiDate(t), 7),
        memberLeft: true,
        personId: 'P-m2',
        passportNumber: 'SE7654321',
      },
    ]);
    expect(asked).toEqual(['custody-on-withdrawal']);
    // A history recorded before the rule replays without the move.
    const old = refuseM2({ custodyOnWithdrawal: () => false }).engine;
    expect(old.takeCustodyWork()).toEqual([]);
  });

  it('a refused visa withdraws that member and the case goes on; refusing the head of delegation fails it', () => {
    const two = { members: [makeMember({ id: 'm1' }), makeMember({ id: 'm2', name: '李四' })] };
    const engine = newEngine(two);
    const reachD12 = (e: CaseEngine) =>
      simulate(e, {
        until: (p) =>
          p.steps.some(
            (s) =>
              s.key === 'D12:US' &&
              s.status === 'awaiting' &&
              calendar.workingDaysBetween(Date.parse(s.startedAt!), Date.parse(p.now)) >= 4.999,
          ),
      });
    const t = reachD12(engine);
    engine.apply(
      {
        type: 'complete',
        request: { requestId: 'v', actor: actor('visa-officer', 'fao'), stepKey: 'D12:US', data: { outcome: 'refused', members: ['m2'] } },
      },
      t,
    );
    const p = engine.progress(t);
    expect(p.withdrawnMembers).toEqual([{ memberId: 'm2', reason: 'visa-refused:US' }]);
    expect(p.steps.find((s) => s.key === 'D13:m2:US')!.status).toBe('withdrawn');
    expect(simulate(engine) && engine.status).toBe('departed');

    const other = newEngine(two);
    const t2 = reachD12(other);
    other.apply(
      {
        type: 'complete',
        request: { requestId: 'v', actor: actor('visa-officer', 'fao'), stepKey: 'D12:US', data: { outcome: 'refused', members: ['m1'] } },
      },
      t2,
    );
    expect(other.status).toBe('failed');
  });

  it('after departure waits for return registration, passports back and the trip report, then completes', () => {
    const engine = newEngine();
    let now = simulate(engine);
    const p = engine.progress(now);
    expect(p.steps.filter((s) => s.phase === 'post-trip').map((s) => [s.key, s.name.en])).toEqual([
      ['P01', 'Return registration'],
      ['P02:m1', 'Passport back in custody (within 7 days)'],
      ['P03', 'Trip report (within 15 working days)'],
      ['P04', 'Public disclosure of results (within 1 month)'],
      ['P05', "Reimbursement of the trip's expenses (within 1 month)"],
    ]);
    // The post-trip steps do not move the forecast to departure.
    expect(engine.progress(now).plan.criticalPath).not.toContain('P01');
    const done = (key: string, role: Actor['role'], data?: Record<string, unknown>) =>
      engine.apply(
        {
          type: 'complete',
          request: {
            requestId: key,
            actor: actor(role, ['organizer', 'finance'].includes(role) ? UNIT : 'fao'),
            stepKey: key,
            ...(data ? { data } : {}),
          },
        },
        now,
      );
    // Departed: the post-trip obligations are owed, so the case can no longer be withdrawn or cancelled.
    for (const [type, by] of [
      ['withdraw', actor('organizer')],
      ['cancel', actor('fao-director', 'fao')],
    ] as const) {
      expect(() => engine.validate({ type, request: { requestId: `late-${type}`, actor: by, reason: '邀请方取消活动' } })).toThrow(
        expect.objectContaining({ code: 'ACTION_NOT_ALLOWED' }),
      );
    }
    now = Date.parse('2026-05-16T02:00:00Z');
    // A file uploaded before the return (the trip report's step opens after P01): not the report (new-file, below).
    engine.apply(attachPdf('att-old', 'other', '草稿.pdf'), now);
    done('P01', 'organizer', { returnedOn: '2026-05-15' });
    // Passport not back within 7 days: escalated; 30 days later the unit is flagged.
    engine.fireDueDeadlines(Date.parse('2026-05-23T00:00:00Z'));
    engine.fireDueDeadlines(Date.parse('2026-06-22T00:00:00Z'));
    expect(engine.takeEscalations().map((e) => e.kind)).toEqual(expect.arrayContaining(['passport-overdue', 'unit-flagged']));
    now = Date.parse('2026-06-22T02:00:00Z');
    done('P02:m1', 'passport-officer');
    // The report's outcomes are summed on the managers' board: what cannot be summed is refused, with the field.
    for (const outcomes of [{ promotionEvents: 2.5 }, { investmentSignedYuan: -1 }, { tradeSignedYuan: '5e7' }, { visitors: 3 }]) {
      let refusal: unknown;
      try {
        done('P03', 'organizer', { outcomes });
      } catch (err) {
        refusal = err;
      }
      expect(refusal).toBeInstanceOf(Rejection);
      expect((refusal as Rejection).code).toBe('INVALID_REQUEST');
      expect((refusal as Rejection).label.en).toContain(`data.outcomes.${Object.keys(outcomes)[0]}`);
    }
    // The report itself is filed in writing (new-user trial: P03 done with no data at all): the validator refuses a
    // report with no summary or a blank one; a signal recorded before the rule (the patch answers false) replays as it ran.
    const report = (data: Record<string, unknown>) => ({
      type: 'complete' as const,
      request: { requestId: 'P03-report', actor: actor('organizer'), stepKey: 'P03', data },
    });
    for (const [data, rule] of [
      [{}, 'required'],
      [{ outcomes: { promotionEvents: 2 } }, 'required'],
      [{ summary: 42 }, 'type'],
      [{ summary: ' \u200B\u3000' }, 'blank'],
      [{ summary: 'x'.repeat(TRIP_REPORT_SUMMARY_MAX + 1) }, 'max'],
    ] as const) {
      let refused: unknown;
      try {
        engine.validate(report(data), now);
      } catch (err) {
        refused = err;
      }
      expect(refused).toBeInstanceOf(Rejection);
      expect((refused as Rejection).errors).toEqual([expect.objectContaining({ field: 'data.summary', rule })]);
    }
    let asked = 0;
    const before = () => (asked++, false);
    expect(() => engine.validate(report({}), now, { report: before })).not.toThrow();
    expect(asked).toBe(1);
    expect(() => engine.validate(report({ summary: '考察三家企业，签约两项' }), now)).not.toThrow();
    // Its figures have upper bounds (new-user trial: 10^15 yuan was accepted), and it carries no field the report
    // does not read: the validator refuses both (a signal asks patched('step-data-fields')), the handler does not.
    for (const [data, field, rule] of [
      [{ outcomes: { investmentSignedYuan: 1e15 } }, 'data.outcomes.investmentSignedYuan', 'max'],
      [{ outcomes: { tradeSignedYuan: 1e12 + 1 } }, 'data.outcomes.tradeSignedYuan', 'max'],
      [{ outcomes: { promotionEvents: 10_001 } }, 'data.outcomes.promotionEvents', 'max'],
      [{ attachments: ['x'] }, 'data.attachments', 'unknown-field'],
    ] as const) {
      let refused: unknown;
      try {
        engine.validate(report({ summary: '考察三家企业', ...data }), now);
      } catch (err) {
        refused = err;
      }
      expect(refused).toBeInstanceOf(Rejection);
      expect((refused as Rejection).errors).toEqual([expect.objectContaining({ field, rule })]);
    }
    const huge = report({ summary: '考察三家企业', outcomes: { investmentSignedYuan: 1e15 } });
    expect(() => engine.validate(huge, now, { stepData: before })).not.toThrow();
    expect(asked).toBe(2);
    expect(() => engine.validate(report({ summary: '考察三家企业', outcomes: { investmentSignedYuan: 1e12 } }), now)).not.toThrow();
    // The report's file is an attachment of the case (trial: a 容缺 fileRef took a path; reportRef is the same kind):
    // another reference is refused; a signal asks patched('report-ref-attachment') first; a live attachment passes.
    for (const reportRef of ['files/2027/report-42.pdf', 'att-none']) {
      let refused: unknown;
      try {
        engine.validate(report({ summary: '考察三家企业', reportRef }), now);
      } catch (err) {
        refused = err;
      }
      expect(refused).toBeInstanceOf(Rejection);
      expect((refused as Rejection).errors).toEqual([expect.objectContaining({ field: 'data.reportRef', rule: 'known-attachment' })]);
    }
    expect(() => engine.validate(report({ summary: '考察三家企业', reportRef: 'files/r.pdf' }), now, { reportRef: before })).not.toThrow();
    expect(asked).toBe(3);
    engine.apply(attachPdf('att-report', 'other', '出访报告.pdf'), now);
    expect(() => engine.validate(report({ summary: '考察三家企业', reportRef: 'att-report' }), now)).not.toThrow();
    // A file on the case before P03 opened (before the return registration) is not the report: 422 new-file; a
    // signal asks patched('report-ref-new-file') first.
    expect(() => engine.validate(report({ summary: '考察三家企业', reportRef: 'att-old' }), now)).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ field: 'data.reportRef', rule: 'new-file' })] }),
    );
    expect(() => engine.validate(report({ summary: '考察三家企业', reportRef: 'att-old' }), now, { freshFile: before })).not.toThrow();
    expect(asked).toBe(4);
    // The handler (what a replay runs) does not judge them: a report recorded before the rule, with a field the
    // report does not read and a figure past today's bound, is applied as it ran.
    done('P03', 'organizer', {
      summary: '考察三家企业，签约两项',
      outcomes: { investmentSignedYuan: 1e15, tradeSignedYuan: 5e7, promotionEvents: 2 },
      recordedBefore: true,
    });
    done('P04', 'organizer');
    expect(engine.status).toBe('departed');
    done('P05', 'finance');
    expect(engine.status).toBe('completed');
  });

  it('a case pinned to definition 2026.1 runs the four post-trip steps it ran then (read through upcastDefinition)', () => {
    const engine = new CaseEngine(
      { ...makeInput(), definition: DEFINITION_2026_1 },
      { newId: () => `id-${++ids}`, workflowId: 'delegation-case-1', calendar },
    );
    engine.start(MONDAY);
    let now = simulate(engine);
    expect(engine.progress(now).definitionVersion).toBe('2026.1');
    const post = engine.progress(now).steps.filter((s) => s.phase === 'post-trip');
    expect(post.map((s) => s.key)).toEqual(['P01', 'P02:m1', 'P03', 'P04']);
    now = Date.parse('2026-05-16T02:00:00Z');
    const done = (key: string, role: Actor['role'], data?: Record<string, unknown>) =>
      engine.apply(
        {
          type: 'complete',
          request: {
            requestId: key,
            actor: actor(role, ['organizer', 'finance'].includes(role) ? UNIT : 'fao'),
            stepKey: key,
            ...(data ? { data } : {}),
          },
        },
        now,
      );
    done('P01', 'organizer');
    done('P02:m1', 'passport-officer');
    done('P03', 'organizer', { outcomes: { promotionEvents: 1 } });
    done('P04', 'organizer');
    expect(engine.status).toBe('completed');
  });

  describe('certifying steps wait for their real-world date (issue 11 item 5)', () => {
    const refusal = (fn: () => unknown): Rejection => {
      try {
        fn();
      } catch (err) {
        if (err instanceof Rejection) return err;
        throw err;
      }
      throw new Error('not refused');
    };
    const DEP = '2026-06-28';
    const RET = '2026-07-02';
    const lateTrip = (): CaseEngine =>
      newEngine({ departureDate: DEP, returnDate: RET, destinations: [{ ...makeFacts().destinations[0]!, arrive: DEP, leave: RET }] });
    const at = (date: string, hhmm = '10:00') => Date.parse(`${date}T${hhmm}:00+08:00`);

    it('refuses E07 "departure confirmed" 97 days before the departure date, and accepts it on the day', () => {
      const engine = lateTrip();
      const ready = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'E07' && s.status === 'awaiting') });
      expect(dayNumber(DEP) - dayNumber(shanghaiDate(ready))).toBe(97);
      const e07 = engine.progress(ready).steps.find((s) => s.key === 'E07')!;
      const request = { requestId: 'e07', actor: actor(responsibleRole({ actor: e07.actorRole, phase: e07.phase })), stepKey: 'E07' };
      const early = refusal(() => engine.apply({ type: 'complete', request }, ready));
      expect(early.details()).toMatchObject({
        code: 'NOT_BEFORE_DATE',
        stepKey: 'E07',
        message: { zh: expect.stringContaining(DEP), en: expect.stringContaining(`before ${DEP}`) },
      });
      // The evening before, Shanghai time, is still before (16:00 UTC is midnight in Shanghai).
      expect(refusal(() => engine.apply({ type: 'complete', request }, Date.parse('2026-06-27T15:59:00Z'))).code).toBe('NOT_BEFORE_DATE');
      expect(engine.status).toBe('open');
      expect(engine.takeEvents().some((e) => e.type === 'case.departed')).toBe(false);
      // The validator judges at the caller's time without moving the case's clock.
      expect(() => engine.validate({ type: 'complete', request }, at(DEP, '00:00'))).not.toThrow();
      expect(refusal(() => engine.validate({ type: 'complete', request })).code).toBe('NOT_BEFORE_DATE');
      engine.apply({ type: 'complete', request }, at(DEP, '00:00'));
      expect(engine.status).toBe('departed');
    });

    it('refuses to advance a trip whose dates passed without a departure (DEPARTURE_PASSED): E07 up to its return date, the rest up to the departure date', () => {
      const engine = lateTrip();
      const by = (s: { actorRole: Actor['role']; phase: string }) =>
        actor(responsibleRole({ actor: s.actorRole, phase: s.phase as never }));
      const completion = (s: { key: string; actorRole: Actor['role']; phase: string }) => ({
        requestId: 'late-task',
        actor: by(s),
        stepKey: s.key,
      });
      // A task that asks for no data, so what is judged is its date alone.
      const plainTask = (p: DelegationProgress) =>
        awaiting(p).find((s) => {
          if (s.kind !== 'task') return false;
          try {
            engine.validate({ type: 'complete', request: completion(s) }, at(DEP));
            return true;
          } catch {
            return false;
          }
        });
      // Stopped early, with an approval and a task awaiting (as a case nobody worked until after its dates).
      simulate(engine, { until: (p) => awaiting(p).some((s) => s.kind === 'approval') && !!plainTask(p) });
      const p = engine.progress(at(DEP));
      const approval = awaiting(p).find((s) => s.kind === 'approval')!;
      const approve = { requestId: 'late-approve', actor: by(approval), stepKey: approval.key, decision: 'approve' as const };
      const complete = completion(plainTask(p)!);
      // On the departure day itself the delegation may still leave: nothing refused for the date.
      expect(() => engine.validate({ type: 'decide', request: approve }, at(DEP, '23:59'))).not.toThrow();
      expect(() => engine.validate({ type: 'complete', request: complete }, at(DEP, '23:59'))).not.toThrow();
      // The day after: the approval and the completion are refused, naming the date, today, and the way on.
      const dayAfter = at('2026-06-29', '00:00');
      expect(refusal(() => engine.validate({ type: 'decide', request: approve }, dayAfter)).details()).toMatchObject({
        code: 'DEPARTURE_PASSED',
        stepKey: approval.key,
        message: {
          zh: expect.stringContaining(`出发日期（${DEP}）已过`),
          en: expect.stringContaining('amend the trip dates first, or withdraw'),
        },
      });
      expect(refusal(() => engine.validate({ type: 'complete', request: complete }, dayAfter)).code).toBe('DEPARTURE_PASSED');
      // A rejection or a return is not a step towards departing: the approver may still send it back.
      const reject = { ...approve, requestId: 'late-reject', decision: 'reject' as const, comment: '出访日期已过' };
      expect(() => engine.validate({ type: 'decide', request: reject }, dayAfter)).not.toThrow();
      // A signal recorded before the rule replays as it ran: the handler's patched('departure-passed') answers false.
      expect(() => engine.validate({ type: 'decide', request: approve }, dayAfter, { departurePassed: () => false })).not.toThrow();
      // The dates amended to the future: the same approval goes through.
      const [dep2, ret2] = ['2026-09-28', '2026-10-02'];
      const stop = { ...makeFacts().destinations[0]!, arrive: dep2, leave: ret2 };
      engine.apply(
        {
          type: 'amend',
          request: {
            requestId: 'redate',
            actor: actor('organizer', UNIT),
            changes: { departureDate: dep2, returnDate: ret2, destinations: [stop] },
            comment: '改期',
          },
        },
        dayAfter,
      );
      const again = awaiting(engine.progress(dayAfter)).find((s) => s.kind === 'approval')!;
      expect(() =>
        engine.validate(
          { type: 'decide', request: { ...approve, requestId: 'after-redate', stepKey: again.key, actor: by(again) } },
          dayAfter,
        ),
      ).not.toThrow();
    });

    it('E07 records a departure up to and on the return date, not after it (DEPARTURE_PASSED naming the return date)', () => {
      const engine = lateTrip();
      const ready = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'E07' && s.status === 'awaiting') });
      const e07 = engine.progress(ready).steps.find((s) => s.key === 'E07')!;
      const request = { requestId: 'e07', actor: actor(responsibleRole({ actor: e07.actorRole, phase: e07.phase })), stepKey: 'E07' };
      // Left on time and recorded late, within the trip: accepted.
      expect(() => engine.validate({ type: 'complete', request }, at('2026-07-01'))).not.toThrow();
      expect(() => engine.validate({ type: 'complete', request }, at(RET, '23:59'))).not.toThrow();
      expect(refusal(() => engine.validate({ type: 'complete', request }, at('2026-07-03', '00:00'))).details()).toMatchObject({
        code: 'DEPARTURE_PASSED',
        stepKey: 'E07',
        message: {
          zh: expect.stringContaining(`回国日期（${RET}）已过`),
          en: expect.stringContaining(`The return date (${RET}) has passed`),
        },
      });
      // Histories before real-world dates (no date rules at all) are not refused.
      const old = newEngine(
        { departureDate: DEP, returnDate: RET, destinations: [{ ...makeFacts().destinations[0]!, arrive: DEP, leave: RET }] },
        { realWorldDates: false },
      );
      simulate(old, { until: (p) => p.steps.some((s) => s.key === 'E07' && s.status === 'awaiting') });
      expect(() => old.validate({ type: 'complete', request }, at('2026-07-03'))).not.toThrow();
    });

    it('has E07 due at the end of the departure day when it opens earlier, not overdue while it cannot be done; the old due without the rule', () => {
      const facts = { departureDate: DEP, returnDate: RET, destinations: [{ ...makeFacts().destinations[0]!, arrive: DEP, leave: RET }] };
      /** E07 opened (97 days early), then every deadline up to `until` fired: E07's due and status then. */
      const e07At = (until: number, deps: Partial<EngineDeps> = {}) => {
        const engine = newEngine(facts, deps);
        const ready = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'E07' && s.status === 'awaiting') });
        expect(dayNumber(DEP) - dayNumber(shanghaiDate(ready))).toBe(97);
        for (let d = engine.nextDeadline(); d !== undefined && d <= until; d = engine.nextDeadline()) engine.fireDueDeadlines(d);
        return { ready, e07: engine.progress(until).steps.find((s) => s.key === 'E07')! };
      };
      // Awaiting the evening before the departure (16:00 UTC is midnight in Shanghai), due at the departure day's end.
      const eve = e07At(Date.parse('2026-06-27T15:59:00Z'));
      expect(eve.e07).toMatchObject({ status: 'awaiting', dueAt: new Date(at('2026-06-29', '00:00')).toISOString() });
      expect(e07At(at(DEP, '23:59')).e07.status).toBe('awaiting');
      // Overdue once the departure day has passed unconfirmed.
      expect(e07At(at('2026-06-29', '00:01')).e07.status).toBe('overdue');
      // Histories recorded before the rule (certifiedStepDue off) keep the due they ran with: half a working day after E07 opened.
      const old = e07At(Date.parse('2026-06-27T15:59:00Z'), { certifiedStepDue: false });
      expect(old.e07.status).toBe('overdue');
      expect(old.e07.dueAt).toBe(new Date(calendar.addWorkingDays(old.ready, MIN_DUE_WD, 'end')).toISOString());
    });

    it('does not flag a case prepared but for E07 at risk in its last days; histories before the rule plan as they ran', () => {
      const facts = { departureDate: DEP, returnDate: RET, destinations: [{ ...makeFacts().destinations[0]!, arrive: DEP, leave: RET }] };
      // DEP is a Sunday: the pre-departure deadline is the end of Fri 06-26. Thursday morning, the eve, the departure day.
      const lastDays = [at('2026-06-25'), Date.parse('2026-06-27T15:59:00Z'), at(DEP, '12:00')];
      /** E07 opened 97 days early; the drain's replan at each of `lastDays`: the plan and the case.replanned it recorded. */
      const replans = (deps: Partial<EngineDeps> = {}) => {
        const engine = newEngine(facts, deps);
        simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'E07' && s.status === 'awaiting') });
        return lastDays.map((now) => {
          engine.takeEvents();
          const plan = engine.replan(now);
          const replanned = engine.takeEvents().find((e) => e.type === 'case.replanned');
          return { plan, replanned: replanned?.payload as { atRisk: boolean; slackWd: number } | undefined };
        });
      };
      const current = replans();
      for (const { plan, replanned } of current) {
        expect(plan.atRisk).toBe(false);
        expect(plan.slackWd).toBeGreaterThanOrEqual(0);
        expect(plan.forecastReadyAt < `${DEP}`).toBe(true); // ready when the preparation finished, 97 days early
        // Its latest time is its due, the end of the departure day (a Sunday: no working-day edge would do).
        expect(plan.steps.find((s) => s.key === 'E07')!.latestStart).toBe(new Date(at('2026-06-29', '00:00')).toISOString());
        expect(replanned?.atRisk ?? false).toBe(false);
      }
      // The forecast does not move with the clock while only E07 waits: nothing new to record after the first.
      expect(current.slice(1).every((r) => r.replanned === undefined)).toBe(true);
      // Before the rule (certifiedStepPlan off) the same case turned at risk two working days before the deadline.
      const old = replans({ certifiedStepPlan: false });
      expect(old.map((r) => r.plan.atRisk)).toEqual([true, true, true]);
      expect(old[0]!.replanned).toMatchObject({ atRisk: true });
      expect(old[2]!.plan.slackWd).toBe(0); // none left on the (non-working) departure day
    });

    it('flags the case at risk once the departure day has ended with E07 not done, and records it (trial 76: 正常 with the dates gone)', () => {
      const facts = { departureDate: DEP, returnDate: RET, destinations: [{ ...makeFacts().destinations[0]!, arrive: DEP, leave: RET }] };
      const afterDay = (deps: Partial<EngineDeps> = {}) => {
        const engine = newEngine(facts, deps);
        simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'E07' && s.status === 'awaiting') });
        engine.replan(at(DEP, '12:00'));
        engine.takeEvents();
        // Tuesday 10:00 after the Sunday departure: Monday's working day and an hour since the day's end.
        const now = at('2026-06-30', '10:00');
        const plan = engine.replan(now);
        const replanned = engine.takeEvents().find((e) => e.type === 'case.replanned')?.payload as
          { atRisk: boolean; slackWd: number } | undefined;
        return { plan, replanned, progress: engine.progress(now) };
      };
      const late = afterDay();
      expect([late.plan.atRisk, late.plan.slackWd]).toEqual([true, -1.125]);
      expect(late.replanned).toMatchObject({ atRisk: true, slackWd: -1.125 });
      expect(late.progress.plan).toMatchObject({ atRisk: true, slackWd: -1.125 });
      // Histories recorded before the rule (certified-late-risk) keep it on track, as they ran.
      const old = afterDay({ certifiedLateRisk: false });
      expect([old.plan.atRisk, old.replanned]).toEqual([false, undefined]);
    });

    it('refuses the return registration before the return date, with returnedOn in the future or before the departure', () => {
      const engine = lateTrip();
      const ready = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'E07' && s.status === 'awaiting') });
      const organizer = actor('organizer');
      engine.apply({ type: 'complete', request: { requestId: 'e07', actor: organizer, stepKey: 'E07' } }, Math.max(ready, at(DEP)));
      const p01 = (id: string, now: number, data?: Record<string, unknown>) =>
        engine.apply({ type: 'complete', request: { requestId: id, actor: organizer, stepKey: 'P01', ...(data ? { data } : {}) } }, now);
      expect(refusal(() => p01('a', at('2026-07-01'))).details()).toMatchObject({ code: 'NOT_BEFORE_DATE', stepKey: 'P01' });
      expect(refusal(() => p01('b', at('2026-07-03'), { returnedOn: '2026-07-05' })).details()).toMatchObject({
        code: 'NOT_BEFORE_DATE',
        message: { en: expect.stringContaining('data.returnedOn') },
      });
      expect(refusal(() => p01('c', at('2026-07-03'), { returnedOn: '2026-06-20' })).details()).toMatchObject({
        code: 'INVALID_REQUEST',
        message: { en: expect.stringContaining('data.returnedOn') },
      });
      expect(refusal(() => p01('d', at('2026-07-03'), { returnedOn: '2026-02-30' })).code).toBe('INVALID_REQUEST');
      p01('e', at('2026-07-03'), { returnedOn: '2026-07-02' });
      expect(engine.progress(at('2026-07-03')).steps.find((s) => s.key === 'P01')).toMatchObject({
        status: 'done',
        data: { returnedOn: '2026-07-02' },
      });
    });

    it("an amendment passes the submission's date rule: a departure moved into the past (or to today) is refused", () => {
      const engine = newEngine();
      const today = shanghaiDate(MONDAY);
      for (const departureDate of ['2026-02-27', today]) {
        const returnDate = '2026-03-03';
        const changes = {
          departureDate,
          destinations: [{ ...makeFacts().destinations[0]!, arrive: departureDate, leave: returnDate }],
          returnDate,
        };
        const r = refusal(() =>
          engine.apply({ type: 'amend', request: { requestId: `amend-${departureDate}`, actor: actor('organizer'), changes } }, MONDAY),
        );
        // The same violation the API gives a submission with that date (libs/domain departureDateViolations).
        expect(r.details()).toMatchObject({ code: 'RULE_VIOLATION', violations: departureDateViolations({ departureDate }, today) });
        expect(r.violations!.map((v) => v.code)).toEqual(['DEPARTURE_NOT_FUTURE']);
      }
      // Moving it later stays allowed.
      engine.apply(
        {
          type: 'amend',
          request: {
            requestId: 'later',
            actor: actor('organizer'),
            changes: {
              departureDate: '2026-05-12',
              returnDate: '2026-05-15',
              destinations: [{ ...makeFacts().destinations[0]!, arrive: '2026-05-12', leave: '2026-05-15' }],
            },
          },
        },
        MONDAY,
      );
      expect(engine.facts.departureDate).toBe('2026-05-12');
    });
  });
});

describe('a closed case waits for nothing in its closing case.replanned (trial 36)', () => {
  const replanned = (engine: CaseEngine) =>
    engine
      .takeEvents()
      .filter((e) => e.type === 'case.replanned')
      .map((e) => e.payload as { criticalStep: string | null; latestStarts: Record<string, string>; status: string });

  it("a step not started carries the plan's earliest start and finish, the schedule the forecast ends (trial 82: the Gantt drew it at its latest start)", () => {
    const engine = newEngine();
    engine.replan(MONDAY);
    const page = engine.progress(MONDAY);
    const notStarted = page.steps.filter((s) => s.status === 'pending' || s.status === 'blocked');
    expect(notStarted.length).toBeGreaterThan(0);
    for (const s of notStarted) {
      expect([s.key, Date.parse(s.earliestStartAt!) <= Date.parse(s.latestStartAt!)]).toEqual([s.key, true]);
      expect([s.key, Date.parse(s.earliestStartAt!) <= Date.parse(s.earliestFinishAt!)]).toEqual([s.key, true]);
    }
    // The chain's last earliest finish is the forecast ready time; a started step has its own start instead.
    expect(Math.max(...notStarted.map((s) => Date.parse(s.earliestFinishAt!)))).toBe(Date.parse(page.plan.forecastReadyAt));
    for (const s of awaiting(page)) expect([s.key, s.startedAt !== undefined, s.earliestStartAt]).toEqual([s.key, true, undefined]);
  });

  it.each([
    ['withdraw', { type: 'withdraw', request: { requestId: 'w-1', actor: actor('organizer'), reason: '活动取消' } }],
    ['cancel', { type: 'cancel', request: { requestId: 'c-1', actor: actor('fao-director'), reason: '邀请方取消活动' } }],
  ])('%s: criticalStep null and no latest starts, as the page and the list show it', (_, command) => {
    const engine = newEngine();
    engine.replan(MONDAY);
    const open = replanned(engine).at(-1)!;
    expect(open.criticalStep).not.toBeNull();
    expect(engine.progress(MONDAY).plan.criticalStep).toBe(open.criticalStep);
    expect(Object.keys(open.latestStarts).length).toBeGreaterThan(0);
    engine.apply(command as never, MONDAY + 3_600_000);
    expect(engine.closed).toBe(true);
    engine.replan(MONDAY + 3_600_000);
    const closing = replanned(engine).at(-1)!;
    expect(closing).toMatchObject({ criticalStep: null, latestStarts: {} });
    expect(closing.status).toBe(engine.status);
    const page = engine.progress(MONDAY + 7_200_000);
    expect(page.steps.filter((s) => s.latestStartAt !== undefined || s.earliestStartAt !== undefined || s.critical)).toEqual([]);
    expect(page.plan.criticalStep).toBeNull();
    // A history recorded before (patch not taken): as it ran, the step its plan still named.
    const asked: string[] = [];
    const old = newEngine({}, { closedPlanWaitsForNothing: () => (asked.push('asked'), false) });
    old.replan(MONDAY);
    replanned(old);
    expect(asked).toEqual([]); // an open case never asks
    old.apply(command as never, MONDAY + 3_600_000);
    old.replan(MONDAY + 3_600_000);
    expect(replanned(old).at(-1)!.criticalStep).toBe(open.criticalStep);
    expect(asked.length).toBeGreaterThan(0);
  });
});

describe('the case page names the critical step its case.replanned recorded (one rule: waitingStepOf)', () => {
  it('at every turn of a case driven to its departure, the answer and the last case.replanned name the same step', () => {
    const engine = newEngine();
    let recorded: string | null | undefined;
    const seen = new Set<string | null>();
    simulate(engine, {
      until: (p) => {
        engine.replan(parseInstant(p.now));
        for (const e of engine.takeEvents())
          if (e.type === 'case.replanned') recorded = (e.payload as { criticalStep: string | null }).criticalStep;
        expect(engine.progress(parseInstant(p.now)).plan.criticalStep).toBe(recorded);
        seen.add(recorded ?? null);
        return false;
      },
    });
    expect(engine.status).toBe('departed');
    expect(seen.size).toBeGreaterThan(5); // it moved along the path
  });
});

describe('2027.11: the budget estimate (A09) is done with its figures (forty-third trial: finance countersigned none)', () => {
  it('refuses A09 without them, at data.budget, and takes them; a 2027.10 case completes A09 as it ran', () => {
    for (const [definition, needs] of [
      [DEFAULT_DEFINITION, true],
      [DEFINITION_2027_10, false],
    ] as const) {
      const engine = newEngine({}, {}, definition);
      simulate(engine, {
        onAwaiting: (key) => key !== 'A09',
        until: (p) => p.steps.some((s) => s.key === 'A09' && s.status === 'awaiting'),
      });
      const at = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'A09')!.startedAt!);
      const complete = (requestId: string, data?: Record<string, unknown>) =>
        engine.apply(
          { type: 'complete', request: { requestId, actor: actor('organizer'), stepKey: 'A09', ...(data ? { data } : {}) } },
          at,
        );
      if (needs) {
        const refused = (() => {
          try {
            complete('a09-none');
          } catch (e) {
            return e as { code: string; errors?: Array<{ field: string; rule: string }> };
          }
          throw new Error('accepted without a budget');
        })();
        expect([refused.code, refused.errors?.map((e) => [e.field, e.rule])]).toEqual(['INVALID_REQUEST', [['data.budget', 'required']]]);
      }
      const data = needs ? requiredTaskData('A09') : undefined;
      expect(complete('a09', data).accepted).toBe(true);
      const a09 = engine.progress(at).steps.find((s) => s.key === 'A09')!;
      expect([a09.status, a09.data]).toEqual(['done', data]);
    }
  });
});

describe('a step action names the case as the person saw it (seenSeq; trial 48: finance approved a budget it never saw)', () => {
  it('A10 opened again after A09 was done again: a decision from the older view is refused, from the new one accepted', () => {
    const engine = newEngine();
    simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'A10' && s.status === 'awaiting') });
    const at = Date.parse(engine.progress(MONDAY).steps.find((s) => s.key === 'A10')!.startedAt!);
    const seen = engine.progress(at).lastSeq;
    const approve = (seenSeq: number) =>
      engine.validate(
        { type: 'decide', request: { requestId: `a10-${seenSeq}`, actor: actor('finance'), stepKey: 'A10', decision: 'approve', seenSeq } },
        at,
      );
    expect(() => approve(seen)).not.toThrow();
    // The organizer moves the stop to another city: the budget (A09) and its countersign (A10) run again (2027.8).
    const stop = engine.facts.destinations[0]!;
    engine.apply(
      {
        type: 'amend',
        request: {
          requestId: 'city',
          actor: actor('organizer'),
          changes: { destinations: [{ ...stop, city: 'Dallas' }] },
          comment: '改城市',
        },
      },
      at,
    );
    simulate(engine, {
      until: (p) =>
        p.steps.some((s) => s.key === 'A10' && s.status === 'awaiting') && p.steps.find((s) => s.key === 'A09')?.status === 'done',
    });
    const later = engine.progress(at).steps.find((s) => s.key === 'A10')!;
    expect(later.status).toBe('awaiting');
    let refused: unknown;
    try {
      approve(seen);
    } catch (err) {
      refused = err;
    }
    expect((refused as Rejection).code).toBe('STEP_NOT_AWAITING');
    expect((refused as Rejection).label.zh).toContain('在您查看之后已重新开启');
    expect(() => approve(engine.progress(at).lastSeq)).not.toThrow();
    // A sequence the case has not reached was read from no answer of it (trial 49: 999999 was accepted).
    let beyond: unknown;
    try {
      approve(engine.progress(at).lastSeq + 1_000_000);
    } catch (err) {
      beyond = err;
    }
    expect((beyond as Rejection).errors).toEqual([expect.objectContaining({ field: 'seenSeq', rule: 'known-seq' })]);
  });
});

describe("D13's visa covers the member's stay (2027.12, visa-issued; trial: D12/D13 recorded no validity)", () => {
  const d13 = (requestId: string, data?: Record<string, unknown>) => ({
    type: 'complete' as const,
    request: { requestId, actor: actor('visa-officer', 'fao'), stepKey: 'D13:m1:US', ...(data ? { data } : {}) },
  });
  const rulesOf = (f: () => void): string[] => {
    try {
      f();
    } catch (e) {
      return ((e as Rejection).errors ?? [{ field: (e as Rejection).code, rule: (e as Error).message }]).map((x) => `${x.field} ${x.rule}`);
    }
    return [];
  };
  it('refuses a visa valid from after the arrival or ending before the leaving, for any client (the Update validator)', () => {
    const engine = newEngine();
    const t = simulate(engine, { until: (p) => p.steps.some((s) => s.key === 'D13:m1:US' && s.status === 'awaiting') });
    // The fixture's stay in the US: 2026-05-11 to 2026-05-15.
    expect(rulesOf(() => engine.validate(d13('none'), t))).toEqual(['data.validFrom required', 'data.validUntil required']);
    expect(rulesOf(() => engine.validate(d13('late', { validFrom: '2026-05-12', validUntil: '2026-08-01' }), t))).toEqual([
      'data.validFrom covers-stay',
    ]);
    expect(rulesOf(() => engine.validate(d13('short', { validFrom: '2026-05-01', validUntil: '2026-05-14' }), t))).toEqual([
      'data.validUntil covers-stay',
    ]);
    expect(rulesOf(() => engine.validate(d13('ok', { validFrom: '2026-05-11', validUntil: '2026-05-15', entries: 'single' }), t))).toEqual(
      [],
    );
    // Recorded, then the stay moves two days later: D13 runs again (rerunOnAmend 'dates': 待重新办理), and the visa recorded, valid
    // until the old leaving day, no longer covers it.
    engine.apply(d13('ok2', { validFrom: '2026-05-11', validUntil: '2026-05-15', entries: 'single' }), t);
    expect(engine.progress(t).steps.find((s) => s.key === 'D13:m1:US')!.status).toBe('done');
    const later = {
      departureDate: '2026-05-13',
      returnDate: '2026-05-17',
      destinations: [makeDestination({ arrive: '2026-05-13', leave: '2026-05-17' })],
    };
    engine.apply({ type: 'amend', request: { requestId: 'am-dates', actor: actor('organizer'), changes: later } } as never, t);
    expect(engine.progress(t).steps.find((s) => s.key === 'D13:m1:US')!.status).toBe('returned');
    const t3 = simulate(engine, { from: t, until: (p) => p.steps.some((s) => s.key === 'D13:m1:US' && s.status === 'awaiting') });
    const again = engine.progress(t3).steps.find((s) => s.key === 'D13:m1:US')!;
    expect(again.lastData).toEqual({ validFrom: '2026-05-11', validUntil: '2026-05-15', entries: 'single' });
    // …saying why it is back: the amendment, by whom (trial 75: it reopened saying nothing).
    expect(again.rerunBy).toEqual({ cause: 'amend', actedBy: actor('organizer').id, at: expect.any(String) });
    expect(rulesOf(() => engine.validate(d13('old-visa', again.lastData), t3))).toEqual(['data.validUntil covers-stay']);
    engine.apply(d13('new-visa', { validFrom: '2026-05-13', validUntil: '2026-05-17' }), t3);
    const done = engine.progress(t3).steps.find((s) => s.key === 'D13:m1:US')!;
    expect([done.status, done.rerunBy]).toEqual(['done', undefined]);
    // A case pinned to 2027.11 completes D13 as it did, with no data.
    const older = newEngine({}, {}, DEFINITION_2027_11);
    const t2 = simulate(older, { until: (p) => p.steps.some((s) => s.key === 'D13:m1:US' && s.status === 'awaiting') });
    expect(rulesOf(() => older.validate(d13('old'), t2))).toEqual([]);
  });

  it('previews an amendment as it runs: the steps it runs again, what it adds and removes, or its refusal; changing nothing (trial 77)', () => {
    for (const [arrive, leave] of [
      ['2026-05-13', '2026-05-17'],
      ['2026-06-08', '2026-06-12'],
    ]) {
      const engine = newEngine();
      const t = simulate(engine, { until: (p) => p.steps.some((x) => x.key === 'D13:m1:US' && x.status === 'awaiting') });
      engine.apply(d13(`visa-${arrive}`, { validFrom: '2026-05-01', validUntil: '2026-05-20', entries: 'single' }), t);
      const changes = { departureDate: arrive, returnDate: leave, destinations: [makeDestination({ arrive, leave })] };
      const request = { requestId: `am-${arrive}`, actor: actor('organizer'), changes };
      engine.takeEvents();
      const before = JSON.stringify(engine.progress(t));
      const preview = engine.previewAmend(request as never, t);
      // A query: nothing changed, nothing emitted.
      expect(JSON.stringify(engine.progress(t))).toBe(before);
      expect(engine.takeEvents()).toEqual([]);
      expect(preview).toMatchObject({ datesChanged: true, membersAdded: [], membersRemoved: [], countriesAdded: [], countriesRemoved: [] });
      engine.apply({ type: 'amend', request } as never, t);
      const returned = engine.takeEvents().find((e) => e.type === 'step.returned')!.payload as { targets: string[] };
      expect(preview.reruns.map((x) => x.key).sort()).toEqual([...returned.targets].sort());
      expect(preview.reruns.find((x) => x.key === 'D13:m1:US')).toEqual({ key: 'D13:m1:US', status: 'done' });
      expect(preview.reruns.some((x) => x.key === 'D12:US')).toBe(arrive === '2026-06-08');
    }
    // A member added after the FAO's intake: the derivation takes back B01 and B02 (their needs no longer complete),
    // which the preview says, and the amendment marks as its own (trial 80: both left out, and reopened unmarked).
    {
      const engine = newEngine();
      const t = simulate(engine, { until: (p) => p.steps.some((x) => x.key === 'B05' && x.status === 'awaiting') });
      const request = {
        requestId: 'am-member',
        actor: actor('organizer'),
        changes: { members: [...engine.facts.members, makeMember({ id: 'm2', name: '李四', personId: 'P-m2' })] },
      };
      engine.takeEvents();
      const doneBefore = new Set(
        engine
          .progress(t)
          .steps.filter((x) => x.status === 'done')
          .map((x) => x.key),
      );
      const preview = engine.previewAmend(request as never, t);
      expect(preview.membersAdded).toEqual(['m2']);
      expect(preview.reruns).toEqual(
        expect.arrayContaining([
          { key: 'B01', status: 'done' },
          { key: 'B02', status: 'done' },
        ]),
      );
      engine.apply({ type: 'amend', request } as never, t);
      // The done work the amendment takes back is the preview's done steps, no more, no fewer.
      const undone = engine
        .takeEvents()
        .filter((e) => e.type === 'step.returned')
        .flatMap((e) => (e.payload as { keys: string[] }).keys)
        .filter((k) => doneBefore.has(k));
      expect([...new Set(undone)].sort()).toEqual(
        preview.reruns
          .filter((x) => x.status === 'done')
          .map((x) => x.key)
          .sort(),
      );
      const after = engine.progress(t);
      for (const key of ['B01', 'B02']) expect(after.steps.find((x) => x.key === key)!.rerunBy).toMatchObject({ cause: 'amend' });
    }
    // The refusal the amendment would meet, as the validator's.
    const engine = newEngine();
    const t = simulate(engine, { until: (p) => p.steps.some((x) => x.key === 'B02' && x.status === 'awaiting') });
    const past = { requestId: 'am-past', actor: actor('organizer'), changes: { departureDate: '2020-01-01' } };
    expect(() => engine.previewAmend(past as never, t)).toThrow(Rejection);
    const none = { requestId: 'am-none', actor: actor('organizer'), changes: {} };
    expect(rulesOf(() => engine.previewAmend(none as never, t))).toEqual(['changes required']);
  });

  it('2027.13: new dates the recorded visa does not cover run the visa application again, from the forms to the embassy (trial 76)', () => {
    /** D13 done with a visa valid 2026-05-01..05-20 (the fixture's stay: 05-11 to 05-15), then the trip moved to `arrive`..`leave`. */
    const movedTo = (arrive: string, leave: string, definition = DEFAULT_DEFINITION) => {
      const engine = newEngine({}, {}, definition);
      const t = simulate(engine, { until: (p) => p.steps.some((x) => x.key === 'D13:m1:US' && x.status === 'awaiting') });
      engine.apply(d13(`visa-${arrive}`, { validFrom: '2026-05-01', validUntil: '2026-05-20', entries: 'single' }), t);
      const changes = { departureDate: arrive, returnDate: leave, destinations: [makeDestination({ arrive, leave })] };
      engine.apply({ type: 'amend', request: { requestId: `am-${arrive}`, actor: actor('organizer'), changes } } as never, t);
      const status = (key: string) => engine.progress(t).steps.find((x) => x.key === key)!.status;
      return { engine, t, statuses: ['D03:m1:US', 'D04:m1:US', 'D06:US', 'D09:US', 'D12:US', 'D13:m1:US'].map((k) => `${k} ${status(k)}`) };
    };
    // Two days later, inside the visa: only D13 is checked again; the application stands.
    expect(movedTo('2026-05-13', '2026-05-17').statuses).toEqual([
      'D03:m1:US done',
      'D04:m1:US done',
      'D06:US done',
      'D09:US done',
      'D12:US done',
      'D13:m1:US returned',
    ]);
    // A month later, past it: the application runs again, and D13 waits for the embassy's new outcome.
    const june = movedTo('2026-06-08', '2026-06-12');
    expect(june.statuses).toEqual([
      'D03:m1:US returned',
      'D04:m1:US returned',
      'D06:US returned',
      'D09:US returned',
      'D12:US returned',
      'D13:m1:US returned',
    ]);
    june.engine.takeEvents();
    simulate(june.engine, { from: june.t, until: (p) => p.steps.some((x) => x.key === 'D13:m1:US' && x.status === 'awaiting') });
    const done = june.engine
      .takeEvents()
      .filter((e) => e.type === 'step.completed')
      .map((e) => (e.payload as { key: string }).key);
    expect(done).toEqual(expect.arrayContaining(['D03:m1:US', 'D09:US', 'D12:US']));
    // Cases pinned to 2027.12 run D13 alone again, as they did.
    expect(
      movedTo('2026-06-08', '2026-06-12', DEFINITION_2027_12)
        .statuses.slice(0, 5)
        .every((x) => x.endsWith(' done')),
    ).toBe(true);
  });
});
