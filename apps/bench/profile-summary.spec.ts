import { classify, summarizeProfile, type CpuProfile } from './profile-summary';
import { yearKind } from './year';

describe('profile summary', () => {
  it('classifies frames by where their code lives', () => {
    expect(classify('plan', '/work/x/libs/domain/src/planner.ts')).toMatch(/^planner/);
    expect(classify('drain', '/work/x/workflows/engine/drain.ts')).toMatch(/^engine/);
    expect(classify('query', 'file:///work/x/node_modules/pg/lib/client.js')).toMatch(/^PostgreSQL/);
    expect(classify('encode', '/work/x/node_modules/protobufjs/src/writer.js')).toMatch(/^serialization/);
    expect(classify('stringify', '')).toMatch(/^serialization/);
    expect(classify('activate', '/work/x/node_modules/@temporalio/workflow/lib/internals.js')).toBe('Temporal SDK');
    expect(classify('(garbage collector)', '')).toBe('gc');
    expect(classify('(idle)', '')).toBe('idle');
  });

  it('shares busy self time and leaves idle out', () => {
    const frame = (id: number, functionName: string, url: string) => ({ id, callFrame: { functionName, url, lineNumber: 0 } });
    const profile: CpuProfile = {
      nodes: [
        frame(1, '(root)', ''),
        frame(2, '(idle)', ''),
        frame(3, 'plan', '/a/libs/domain/src/planner.ts'),
        frame(4, 'query', '/a/node_modules/pg/lib/client.js'),
      ],
      startTime: 0,
      endTime: 10_000,
      samples: [2, 3, 3, 3, 4],
      timeDeltas: [5000, 1000, 1000, 1000, 1000],
    };
    const s = summarizeProfile(profile);
    expect(s.busyMs).toBe(4);
    expect(s.shares[0]).toMatchObject({ category: 'planner (libs/domain planner, instances, calendar)', ms: 3, percent: 75 });
    expect(s.top[0]!.frame).toMatch(/^plan /);
  });
});

describe('year mix', () => {
  it('has in every 20 cases 2 returns, 2 deficiencies, 2 amendments, 2 of 6x3, 1 refusal and 11 straight', () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < 40; i++) counts[yearKind(i)] = (counts[yearKind(i)] ?? 0) + 1;
    expect(counts).toEqual({ return: 4, deficiency: 4, amendment: 4, 'six-by-three': 4, refusal: 2, straight: 22 });
  });
});
