/**
 * Planner benchmark: full plan of a 6-member, 3-country case (rebuilding nothing but the plan), repeated.
 * Run: npx tsc --ignoreConfig --outDir /tmp/df-bench --rootDir . --module commonjs --target es2022 --resolveJsonModule \
 *        --esModuleInterop --skipLibCheck scripts/bench-planner.ts && NODE_PATH=node_modules node /tmp/df-bench/scripts/bench-planner.js
 * Uses only the global performance clock; the domain lib itself never reads the clock.
 */
import { buildInstances, DEFAULT_DEFINITION, makeDestination, makeFacts, makeMembers, plan } from '../libs/domain/src/index';

export interface BenchResult {
  runs: number;
  instances: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** withBuild: also rebuild the instances each run (what the workflow does when facts or runtime flags change). */
export function benchPlanner(runs = 2000, warmup = 200, withBuild = false): BenchResult {
  const facts = makeFacts({
    departureDate: '2026-06-15',
    returnDate: '2026-06-24',
    // One member needs a new passport, three are Party members, one has classified access.
    members: makeMembers(6, (i) => ({ partyMember: i < 3, classifiedAccess: i === 0, ...(i === 5 ? { passport: null } : {}) })),
    destinations: [
      makeDestination({ country: 'US', arrive: '2026-06-15', leave: '2026-06-18' }),
      makeDestination({ country: 'DE', city: 'Berlin', arrive: '2026-06-18', leave: '2026-06-21' }),
      makeDestination({ country: 'JP', city: 'Tokyo', arrive: '2026-06-21', leave: '2026-06-24' }),
    ],
  });
  const instances = buildInstances(DEFAULT_DEFINITION, facts);
  const input = { instances, now: '2026-03-02T09:00:00+08:00', departureDate: facts.departureDate };
  const once = () => plan(withBuild ? { ...input, instances: buildInstances(DEFAULT_DEFINITION, facts) } : input);
  for (let i = 0; i < warmup; i++) once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    once();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const pick = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return {
    runs,
    instances: instances.length,
    meanMs: times.reduce((s, t) => s + t, 0) / runs,
    p50Ms: pick(0.5),
    p99Ms: pick(0.99),
    maxMs: times[times.length - 1]!,
  };
}

if (require.main === module) {
  for (const withBuild of [false, true]) {
    const r = benchPlanner(2000, 200, withBuild);
    console.log(
      `${withBuild ? 'buildInstances + plan' : 'plan'}: ${r.instances} instances, ${r.runs} runs: mean ${r.meanMs.toFixed(3)} ms, ` +
        `p50 ${r.p50Ms.toFixed(3)} ms, p99 ${r.p99Ms.toFixed(3)} ms, max ${r.maxMs.toFixed(3)} ms`,
    );
  }
}
