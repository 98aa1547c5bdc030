import { APEC_CARD_DEFINITION, cardApplicationFacts, chineseCalendar, toIso } from '@df/domain';
import type { Actor, DelegationInput } from '@df/contracts';
import { CaseEngine } from './case-engine';

// The card application's pre-clearance (K05, per economy) declares outcome 'member-everywhere': a member every economy
// refused gets no card (trial: K06/K07 still issued and registered a card with no economy), the case goes on for the
// others, and fails when no one is left. docs/apec.md.

const calendar = chineseCalendar();
const UNIT = 'trading';
// Monday 2026-03-02 09:00 Shanghai.
const MONDAY = Date.parse('2026-03-02T01:00:00Z');
const actor = (role: Actor['role']): Actor => ({ id: `${role}.${role === 'enterprise-clerk' ? UNIT : 'fao'}`, role, unit: UNIT });

function newEngine(people = 2): CaseEngine {
  const input: DelegationInput = {
    caseId: 'card-1',
    facts: cardApplicationFacts({
      unit: UNIT,
      enterpriseName: '测试贸易公司',
      applicants: Array.from({ length: people }, (_, i) => ({
        personId: `P-${i + 1}`,
        name: `申请人${i + 1}`,
        position: '经理',
        rank: 'division' as const,
      })),
      economies: ['JP', 'KR'],
      neededBy: '2026-09-01',
    }),
    definition: APEC_CARD_DEFINITION,
    submittedBy: actor('enterprise-clerk'),
    submittedAt: toIso(MONDAY),
  };
  const engine = new CaseEngine(input, { newId: () => `id-${Math.random()}`, workflowId: 'delegation-card-1', calendar });
  engine.start(MONDAY);
  return engine;
}

/** Works every awaiting step but K05 (answered by `k05`) until none is left or the case closes. */
function run(engine: CaseEngine, k05: Record<string, Record<string, unknown>>): number {
  let now = MONDAY;
  for (let guard = 0; guard < 200 && !engine.closed; guard++) {
    for (const work of engine.takeSystemWork()) engine.applySystemResult(work, {}, now);
    const open = engine.progress(now).steps.filter((s) => (s.status === 'awaiting' || s.status === 'overdue') && s.kind !== 'system');
    if (open.length === 0) break;
    now += 3_600_000;
    for (const s of open) {
      const role = s.code === 'K01' || s.code === 'K02' ? 'enterprise-clerk' : 'apec-desk';
      const base = { requestId: `r-${s.key}`, actor: actor(role), stepKey: s.key };
      if (s.kind === 'approval') engine.apply({ type: 'decide', request: { ...base, decision: 'approve', comment: '同意' } }, now);
      else engine.apply({ type: 'complete', request: { ...base, ...(s.code === 'K05' ? { data: k05[s.key] ?? {} } : {}) } }, now);
    }
  }
  return now;
}

describe('K05 refused everywhere for a member (member-everywhere)', () => {
  it('a member every economy refused leaves the case: no K06/K07 for them, the others get theirs and the case completes', () => {
    const engine = newEngine(2);
    const now = run(engine, {
      'K05:JP': { outcome: 'refused', members: ['m2'] },
      'K05:KR': { outcome: 'refused', members: ['m2'] },
    });
    const p = engine.progress(now);
    expect(p.withdrawnMembers).toEqual([{ memberId: 'm2', reason: 'refused-everywhere:K05' }]);
    const keys = p.steps.filter((s) => s.code === 'K06' || s.code === 'K07').map((s) => [s.key, s.status]);
    expect(keys).toEqual([
      ['K06:m1', 'done'],
      ['K07:m1', 'done'],
      ['K06:m2', 'withdrawn'],
      ['K07:m2', 'withdrawn'],
    ]);
    expect(engine.status).toBe('completed');
  });

  it('a refusal for one economy only keeps the member (their card carries the other)', () => {
    const engine = newEngine(2);
    const now = run(engine, { 'K05:JP': { outcome: 'refused', members: ['m2'] } });
    const p = engine.progress(now);
    expect(p.withdrawnMembers).toEqual([]);
    expect(p.steps.filter((s) => s.code === 'K07').map((s) => [s.key, s.status])).toEqual([
      ['K07:m1', 'done'],
      ['K07:m2', 'done'],
    ]);
    expect(engine.status).toBe('completed');
  });

  it('every economy refused for every member (no members named): the case fails, no card step is offered', () => {
    const engine = newEngine(2);
    const now = run(engine, { 'K05:JP': { outcome: 'refused' }, 'K05:KR': { outcome: 'refused', members: ['m1', 'm2'] } });
    expect(engine.status).toBe('failed');
    const p = engine.progress(now);
    expect(p.steps.filter((s) => (s.code === 'K06' || s.code === 'K07') && s.status === 'done')).toEqual([]);
  });
});

describe("an outcome's refused members are a non-empty list of distinct current members, only with refused (outcomeMembersProblems)", () => {
  /** Works every step until the K05s await (or the case closes); the time it got to. */
  function toK05(engine: CaseEngine): number {
    let now = MONDAY;
    for (let guard = 0; guard < 100; guard++) {
      for (const work of engine.takeSystemWork()) engine.applySystemResult(work, {}, now);
      const open = engine.progress(now).steps.filter((s) => (s.status === 'awaiting' || s.status === 'overdue') && s.kind !== 'system');
      if (open.length === 0 || open.some((s) => s.code === 'K05')) return now;
      now += 3_600_000;
      for (const s of open) {
        const role = s.code === 'K01' || s.code === 'K02' ? 'enterprise-clerk' : 'apec-desk';
        const base = { requestId: `r-${s.key}`, actor: actor(role), stepKey: s.key };
        if (s.kind === 'approval') engine.apply({ type: 'decide', request: { ...base, decision: 'approve', comment: '同意' } }, now);
        else engine.apply({ type: 'complete', request: base }, now);
      }
    }
    return now;
  }
  const refusal = (engine: CaseEngine, now: number, data: Record<string, unknown>, rules = {}) => {
    try {
      engine.validate(
        { type: 'complete', request: { requestId: `v-${Math.random()}`, actor: actor('apec-desk'), stepKey: 'K05:JP', data } },
        now,
        rules,
      );
    } catch (err) {
      return (err as { errors?: Array<{ field: string; rule?: string }> }).errors?.map((e) => [e.field, e.rule]);
    }
    return undefined;
  };

  it('handed input: the Update validator refuses members [] (min), members with granted (refused-only), a member twice (unique)', () => {
    const engine = newEngine(2);
    const now = toK05(engine);
    expect(refusal(engine, now, { outcome: 'refused', members: [] })).toEqual([['data.members', 'min']]);
    expect(refusal(engine, now, { outcome: 'granted', members: ['m1'] })).toEqual([['data.members', 'refused-only']]);
    expect(refusal(engine, now, { outcome: 'refused', members: ['m1', 'm1'] })).toEqual([['data.members', 'unique']]);
    expect(refusal(engine, now, { outcome: 'refused', members: ['m1'] })).toBeUndefined();
    expect(refusal(engine, now, { outcome: 'refused' })).toBeUndefined();
  });

  it('handed input (second trial): K05 with no outcome ({}, {outcome: null}, no data) is refused (required), not read as cleared', () => {
    const engine = newEngine(2);
    const now = toK05(engine);
    expect(refusal(engine, now, {})).toEqual([['data.outcome', 'required']]);
    expect(refusal(engine, now, { outcome: null })).toEqual([['data.outcome', 'required']]);
    expect(refusal(engine, now, { outcome: 'cleared' })).toEqual([['data.outcome', 'enum']]);
    const none = { requestId: 'v-none', actor: actor('apec-desk'), stepKey: 'K05:JP' };
    expect(() => engine.validate({ type: 'complete', request: none }, now)).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ field: 'data.outcome', rule: 'required' })] }),
    );
    expect(refusal(engine, now, { outcome: 'granted' })).toBeUndefined();
    // A signal recorded before the rule (patched('outcome-required') false on replay) applies as it ran: granted.
    expect(refusal(engine, now, {}, { outcomeRequired: () => false })).toBeUndefined();
    engine.apply({ type: 'complete', request: none }, now);
    expect(engine.progress(now).steps.find((s) => s.key === 'K05:JP')?.status).toBe('done');
    expect(engine.progress(now).withdrawnMembers).toEqual([]);
  });

  it("K06 without the card's number is refused (required): the registration made one up; a signal before the rule applies as it ran", () => {
    const engine = newEngine(1);
    let now = toK05(engine);
    now += 3_600_000;
    for (const key of ['K05:JP', 'K05:KR'])
      engine.apply(
        { type: 'complete', request: { requestId: `r-${key}`, actor: actor('apec-desk'), stepKey: key, data: { outcome: 'granted' } } },
        now,
      );
    for (let guard = 0; guard < 20 && engine.progress(now).steps.find((s) => s.key === 'K06:m1')?.status !== 'awaiting'; guard++) {
      for (const work of engine.takeSystemWork()) engine.applySystemResult(work, {}, now);
      now += 3_600_000;
    }
    const k06 = (data: Record<string, unknown> | undefined, rules = {}) => {
      const request = { requestId: `v-${Math.random()}`, actor: actor('apec-desk'), stepKey: 'K06:m1', ...(data ? { data } : {}) };
      try {
        engine.validate({ type: 'complete', request }, now, rules);
      } catch (err) {
        return (err as { errors?: Array<{ field: string; rule?: string }> }).errors?.map((e) => [e.field, e.rule]);
      }
      return undefined;
    };
    expect(k06(undefined)).toEqual([['data.cardNumber', 'required']]);
    expect(k06({ cardNumber: null })).toEqual([['data.cardNumber', 'required']]);
    expect(k06({ cardNumber: 'CHN123456789' })).toBeUndefined();
    expect(k06({}, { cardNumber: () => false })).toBeUndefined();
  });

  it("a signal recorded before the rule (patched('outcome-members') false on replay) applies as it ran", () => {
    const engine = newEngine(2);
    const now = toK05(engine);
    expect(refusal(engine, now, { outcome: 'refused', members: [] }, { outcomeMembers: () => false })).toBeUndefined();
  });

  it('a member who left the case (refused by every economy) is no current member any more (the ids the rule reads)', () => {
    const engine = newEngine(3);
    let now = toK05(engine);
    now += 3_600_000;
    for (const code of ['K05:JP', 'K05:KR'])
      engine.apply(
        {
          type: 'complete',
          request: { requestId: `r-${code}`, actor: actor('apec-desk'), stepKey: code, data: { outcome: 'refused', members: ['m3'] } },
        },
        now,
      );
    expect(engine.progress(now).withdrawnMembers).toEqual([{ memberId: 'm3', reason: 'refused-everywhere:K05' }]);
    expect(engine.facts.members.map((m) => m.id)).toEqual(['m1', 'm2']);
    // Its withdrawn steps say so in the card process's words: an applicant left the application (fresh tester: "成员
    // m3 已退出本团组", a delegation's words).
    const request = { requestId: 'late', actor: actor('enterprise-clerk'), stepKey: 'K01:m3' };
    expect(() => engine.validate({ type: 'complete', request }, now)).toThrow(
      expect.objectContaining({
        label: { zh: '步骤 K01:m3 已撤销：申请人 m3 已退出本申请', en: 'Step K01:m3 was withdrawn: applicant m3 left the application' },
      }),
    );
  });
});

// The card application's files are the enterprise clerk's and the APEC desk's (the access table's processRoles): the
// Update validator refuses another FAO officer's attach or detach for every client (trial, low: the passport officer
// uploaded to a card application); the handler, which replays, does not ask.
describe("a card application's files", () => {
  it('an FAO officer with no step on it may not attach a file (WRONG_ROLE); the APEC desk and the clerk may', () => {
    const engine = newEngine(1);
    const attachment = {
      id: 'f1',
      kind: 'other' as const,
      stepKey: null,
      fileName: 'f1.pdf',
      mimeType: 'application/pdf',
      size: 100,
      sha256: 'a'.repeat(64),
      storageKey: 'cases/card-1/f1',
    };
    const refusal = (role: Actor['role']) => {
      try {
        // As the workflow's Update validator asks (ordered: never replayed).
        const ordered = { beforeState: () => undefined };
        engine.validate({ type: 'attach', request: { requestId: `a-${role}`, actor: actor(role), attachment } }, MONDAY, { ordered });
        return undefined;
      } catch (err) {
        return (err as { code?: string }).code;
      }
    };
    expect(refusal('passport-officer')).toBe('WRONG_ROLE');
    expect(refusal('fao-reviewer')).toBe('WRONG_ROLE');
    expect(refusal('apec-desk')).toBeUndefined();
    expect(refusal('enterprise-clerk')).toBeUndefined();
  });
});

// The card application's "departure" is the day the cards are needed by (cardApplicationFacts): it has no trip whose
// dates could pass, so the delegation chain's DEPARTURE_PASSED (departurePassedRefusal) never refuses its steps.
describe('a card application past the day its cards were needed by', () => {
  it('is still worked: no step is refused for the date', () => {
    const engine = newEngine(1);
    const late = Date.parse('2026-10-01T02:00:00Z');
    const open = engine.progress(late).steps.filter((s) => s.status === 'awaiting' || s.status === 'overdue');
    expect(open.length).toBeGreaterThan(0);
    for (const s of open) {
      const role = s.code === 'K01' || s.code === 'K02' ? 'enterprise-clerk' : 'apec-desk';
      const base = { requestId: `late-${s.key}`, actor: actor(role), stepKey: s.key };
      const action =
        s.kind === 'approval'
          ? ({ type: 'decide', request: { ...base, decision: 'approve', comment: '同意' } } as const)
          : ({ type: 'complete', request: base } as const);
      expect(() => engine.validate(action, late)).not.toThrow();
    }
  });
});
