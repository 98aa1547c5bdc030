import { DEFAULT_DEFINITION } from './definition';
import { makeDestination, makeFacts, makeMember, makeMembers } from './fixtures';
import { buildInstances, dependentsOf, instanceKey, nextActions, parseInstanceKey, restsOn } from './instances';

const sixByThree = () =>
  makeFacts({
    members: makeMembers(6),
    destinations: [
      makeDestination({ country: 'US' }),
      makeDestination({ country: 'JP', city: 'Tokyo' }),
      makeDestination({ country: 'TH', city: 'Bangkok' }),
    ],
  });

const byKey = (facts = makeFacts(), opts = {}) => new Map(buildInstances(DEFAULT_DEFINITION, facts, opts).map((i) => [i.key, i]));

describe('instance keys', () => {
  it('follow the scope', () => {
    expect(instanceKey('A01')).toBe('A01');
    expect(instanceKey('A11', 'm1')).toBe('A11:m1');
    expect(instanceKey('D12', undefined, 'US')).toBe('D12:US');
    expect(instanceKey('D13', 'm1', 'US')).toBe('D13:m1:US');
    expect(parseInstanceKey('D13:m1:US', 'member-country')).toEqual({ code: 'D13', memberId: 'm1', country: 'US' });
    expect(parseInstanceKey('D12:US', 'country')).toEqual({ code: 'D12', country: 'US' });
  });

  it('one member, one country: 53 instances', () => {
    expect(buildInstances(DEFAULT_DEFINITION, makeFacts())).toHaveLength(53);
  });

  it('6 members x 3 countries expand per scope', () => {
    const insts = buildInstances(DEFAULT_DEFINITION, sixByThree());
    const count = (scope: string) => DEFAULT_DEFINITION.steps.filter((s) => s.scope === scope && !s.behaviour?.afterDeparture).length;
    expect(insts).toHaveLength(count('delegation') + 6 * count('member') + 3 * count('country') + 18 * count('member-country'));
    expect(new Set(insts.map((i) => i.key)).size).toBe(insts.length);
  });
});

describe('dependency expansion', () => {
  const m = byKey(sixByThree());
  it('same scope binds to the same member / country', () => {
    expect(m.get('A11:m2')!.needs).toEqual(['A08:m2']);
    expect(m.get('A04:JP')!.needs).toEqual(['A03:JP']);
    expect(m.get('D13:m2:JP')!.needs).toEqual(['D12:JP']);
    expect(m.get('D04:m2:JP')!.needs).toEqual(['D03:m2:JP']);
  });
  it('member or country on a delegation step: the single instance', () => {
    expect(m.get('A08:m3')!.needs).toEqual(['A06']);
    expect(m.get('A03:US')!.needs).toEqual(['A02']);
  });
  it('delegation step on member/country steps: all instances', () => {
    expect(m.get('A15')!.needs).toEqual([
      'A07',
      'A10',
      'A11:m1',
      'A11:m2',
      'A11:m3',
      'A11:m4',
      'A11:m5',
      'A11:m6',
      'A12:m1',
      'A12:m2',
      'A12:m3',
      'A12:m4',
      'A12:m5',
      'A12:m6',
    ]);
    expect(m.get('B05')!.needs).toEqual(['B02', 'B04:US', 'B04:JP', 'B04:TH']);
    expect(m.get('E07')!.needs).toHaveLength(4 + 6 + 18);
  });
  it('member-country step: same member on M, same country on C', () => {
    expect(m.get('D01:m4:TH')!.needs).toEqual(['A06', 'C01:m4']);
    expect(m.get('D10:m4:US')!.needs).toEqual(['D08:US', 'D09:US']);
  });
  it('country step on M or MC steps: every member (for that country)', () => {
    expect(m.get('D06:JP')!.needs).toEqual(['D04:m1:JP', 'D04:m2:JP', 'D04:m3:JP', 'D04:m4:JP', 'D04:m5:JP', 'D04:m6:JP']);
    expect(m.get('D09:US')!.needs).toEqual(['D05:US', 'D06:US', 'D07:US', 'C07:m1', 'C07:m2', 'C07:m3', 'C07:m4', 'C07:m5', 'C07:m6']);
    expect(m.get('D12:US')!.needs.slice(1)).toEqual(['D10:m1:US', 'D10:m2:US', 'D10:m3:US', 'D10:m4:US', 'D10:m5:US', 'D10:m6:US']);
  });
  it('member step on MC steps: the member across countries', () => {
    expect(m.get('E06:m2')!.needs).toEqual(['E04', 'D02:m2:US', 'D02:m2:JP', 'D02:m2:TH', 'D13:m2:US', 'D13:m2:JP', 'D13:m2:TH']);
  });
});

describe('conditions and durations', () => {
  it('the canonical case skips exactly the conditional steps that do not apply', () => {
    const skipped = buildInstances(DEFAULT_DEFINITION, makeFacts())
      .filter((i) => i.skipped)
      .map((i) => i.key);
    expect(skipped).toEqual([
      'A12:m1',
      'A14',
      'A16',
      'A17',
      'B03',
      'C02:m1',
      'C03:m1',
      'C04:m1',
      'C05:m1',
      'C06:m1',
      'D02:m1:US',
      'D05:US',
      'E05',
    ]);
  });

  it('member and country conditions', () => {
    const facts = makeFacts({
      members: [
        makeMember({ classifiedAccess: true, partyMember: true }),
        makeMember({ id: 'm2', passport: null, partyMember: true }),
        makeMember({ id: 'm3', partyMember: true }),
      ],
      destinations: [makeDestination(), makeDestination({ country: 'SG' }), makeDestination({ country: 'EG' })],
      supervisingDepartment: '市政府办公室',
      jointDelegation: true,
    });
    const m = byKey(facts, { runtime: { objectionRaised: true } });
    const skipped = (k: string) => m.get(k)!.skipped;
    expect([skipped('A12:m1'), skipped('A12:m2')]).toEqual([false, true]);
    expect([skipped('C05:m2'), skipped('C05:m1'), skipped('C06:m2')]).toEqual([false, true, true]);
    expect([skipped('A14'), skipped('B03'), skipped('A16'), skipped('A17'), skipped('E05')]).toEqual([false, true, false, false, false]);
    expect([skipped('D02:m1:SG'), skipped('D03:m1:SG'), skipped('D12:SG'), skipped('D12:US')]).toEqual([false, true, true, false]);
    expect([skipped('D08:US'), skipped('D08:EG'), skipped('D05:EG'), skipped('D05:US')]).toEqual([false, true, false, true]);
  });

  it('D12 takes the country processing days, overridable per office', () => {
    const facts = makeFacts({ destinations: [makeDestination(), makeDestination({ country: 'GB' })] });
    expect(byKey(facts).get('D12:GB')!.durationWd).toBe(12);
    expect(byKey(facts).get('D12:US')!.durationWd).toBe(5);
    const tuned = byKey(facts, { settings: { countries: { US: { processingWd: 20 } }, stepDurations: { A13: 7 } } });
    expect(tuned.get('D12:US')!.durationWd).toBe(20);
    expect(tuned.get('A13')!.durationWd).toBe(7);
  });
});

describe('nextActions and dependentsOf', () => {
  const insts = buildInstances(DEFAULT_DEFINITION, makeFacts());
  it('opens what the dependencies allow and passes skipped steps through', () => {
    expect(nextActions(insts)).toEqual({ ready: ['A01'], skipNow: [], unsettled: [] });
    const done = (...keys: string[]) => Object.fromEntries(keys.map((k) => [k, { status: 'done' as const }]));
    expect(nextActions(insts, done('A01', 'A02', 'A05', 'A06')).ready).toEqual(['A03:US', 'A07', 'A08:m1', 'A09', 'A13', 'C01:m1']);
    const afterA15 = nextActions(insts, done('A01', 'A02', 'A05', 'A06', 'A07', 'A08:m1', 'A09', 'A10', 'A11:m1', 'A15'));
    // A12 is skipped and passes through at once; A16/A17 are skipped, so B01 waits only for them (which are complete).
    expect(afterA15.skipNow).toEqual(expect.arrayContaining(['A12:m1', 'A16', 'A17']));
    expect(afterA15.ready).toContain('B01');
    const beforeA15 = nextActions(insts, done('A01', 'A02', 'A05', 'A06', 'A07', 'A08:m1', 'A09', 'A10', 'A11:m1'));
    expect(beforeA15.ready).not.toContain('B01');
  });
  it('a step whose needs are done waits while a step they rest on was sent back (unsettled: trial, C05 opened with B08 returned)', () => {
    const all = Object.fromEntries(insts.map((i) => [i.key, { status: 'done' as const }]));
    const c05 = insts.find((i) => i.key.startsWith('C05'))!;
    const c04 = insts.find((i) => i.key.startsWith('C04'))!;
    // Everything done but C05 (pending) and B08 (sent back by an amendment: the engine's returned is pending here): C04,
    // done, still rests on B08.
    const states = { ...all, [c05.key]: { status: 'pending' as const }, B08: { status: 'pending' as const } };
    expect(c05.needs).toContain(c04.key);
    const next = nextActions(insts, states);
    expect([...next.ready, ...next.skipNow]).toContain(c05.key);
    expect(next.unsettled).toEqual([c05.key]);
    // B08 done again: C05 opens.
    expect(nextActions(insts, { ...states, B08: { status: 'done' } }).unsettled).toEqual([]);
  });
  it('finds everything downstream of a step returned for revision', () => {
    const down = dependentsOf(insts, ['B07']);
    expect(down).toContain('B08');
    expect(down).toContain('E07');
    expect(down).not.toContain('A13');
  });
});

describe("restsOn (the read models' dependentsOf: from the definition and two keys)", () => {
  it('agrees with dependentsOf over the instances for every pair of a 3-member, 2-country case, both parts', () => {
    const facts = makeFacts({
      members: makeMembers(3),
      destinations: [makeDestination({ country: 'US' }), makeDestination({ country: 'JP', city: 'Tokyo' })],
    });
    for (const part of ['to-departure', 'after-departure'] as const) {
      const instances = buildInstances(DEFAULT_DEFINITION, facts, { part });
      const disagree: string[] = [];
      for (const from of instances) {
        const dependents = new Set(dependentsOf(instances, [from.key]));
        for (const to of instances)
          if (restsOn(DEFAULT_DEFINITION, to.key, from.key) !== dependents.has(to.key)) disagree.push(`${from.key} -> ${to.key}`);
      }
      expect(disagree).toEqual([]);
    }
  });
});
