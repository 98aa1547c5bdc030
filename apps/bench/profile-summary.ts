// `node dist/apps/bench/profile-summary.js FILE.cpuprofile...`: where the CPU time of a V8 profile
// (`node --cpu-prof`, or `npm run bench` with BENCH_CPU_PROF_DIR) went, by self time: the top frames
// and the share of each part of the system (classify). Prints plain text; changes nothing.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export const CATEGORIES = [
  'idle',
  'gc',
  'engine (workflows/engine)',
  'planner (libs/domain planner, instances, calendar)',
  'domain (other libs/domain, contracts)',
  'workflow (delegation.workflow)',
  'serialization (JSON, protobuf, payload codec)',
  'Temporal SDK',
  'PostgreSQL (pg, TypeORM)',
  'persistence (event store, projection)',
  'API (NestJS, express, auth)',
  'node internals',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** The part of the system a frame belongs to, from its function name and script URL. */
export function classify(functionName: string, url: string): Category {
  if (functionName === '(idle)' || functionName === '(program)') return 'idle';
  if (functionName === '(garbage collector)') return 'gc';
  const u = url.replace(/\\/g, '/');
  if (/workflows\/engine\//.test(u)) return 'engine (workflows/engine)';
  if (/libs\/domain\/src\/(planner|instances|calendar|statutory-holidays|dates)|@df\/domain.*(planner|instances|calendar)/.test(u))
    return 'planner (libs/domain planner, instances, calendar)';
  if (/libs\/(domain|contracts)\//.test(u)) return 'domain (other libs/domain, contracts)';
  if (/delegation\.workflow/.test(u)) return 'workflow (delegation.workflow)';
  if (
    functionName === 'stringify' ||
    functionName === 'parse' ||
    /protobufjs|@temporalio\/proto|payload-converter|payload-codec|libs\/runtime\/src\/.*codec|\/codec\//.test(u)
  )
    return 'serialization (JSON, protobuf, payload codec)';
  if (/@temporalio\//.test(u) || /workflow-bundle|webpack/.test(u)) return 'Temporal SDK';
  if (/node_modules\/(pg|pg-protocol|pg-pool|pg-types|typeorm)\//.test(u)) return 'PostgreSQL (pg, TypeORM)';
  if (/libs\/persistence\//.test(u)) return 'persistence (event store, projection)';
  if (/@nestjs|express|jsonwebtoken|passport|apps\/api\//.test(u)) return 'API (NestJS, express, auth)';
  if (u.startsWith('node:') || u === '' || /^internal\//.test(u)) return 'node internals';
  return 'other';
}

/**
 * Workflow code runs from a webpack bundle (one script URL for all of it): the module a line belongs to is
 * the nearest `/***\/ "./path"` marker above it. Returns line (0-based) → module path.
 */
export function bundleModules(code: string): (line: number) => string | undefined {
  const starts: Array<[number, string]> = [];
  const lines = code.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\/\*\*\*\/ "(.+)"/.exec(lines[i]!);
    if (m) starts.push([i, m[1]!]);
  }
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found: string | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]![0] <= line) {
        found = starts[mid]![1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

export interface ProfileSummary {
  file: string;
  /** Sampled wall time of the profile. */
  wallMs: number;
  /** Time not idle (self time of every frame but (idle) and (program)). */
  busyMs: number;
  /** Share of the busy time, per category, in percent. */
  shares: Array<{ category: Category; ms: number; percent: number }>;
  top: Array<{ frame: string; category: Category; ms: number; percent: number }>;
}

/**
 * `bundles` maps a script URL to its module lookup (bundleModules): frames of a workflow bundle are
 * classified by the module they come from.
 */
export function summarizeProfile(
  profile: CpuProfile,
  file = '',
  topN = 15,
  bundles: (url: string) => ((line: number) => string | undefined) | undefined = () => undefined,
): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++)
    selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const perCategory = new Map<Category, number>();
  const perFrame = new Map<string, { category: Category; us: number }>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (!n) continue;
    const { functionName, lineNumber } = n.callFrame;
    const url = bundles(n.callFrame.url)?.(lineNumber) ?? n.callFrame.url;
    const category = classify(functionName, url);
    perCategory.set(category, (perCategory.get(category) ?? 0) + us);
    if (category === 'idle') continue;
    busy += us;
    const where = url ? url.replace(/^.*\/(node_modules|dist)\//, '$1/').replace(/^\.\/dist\//, '') : '';
    const frame = `${functionName || '(anonymous)'} ${where}`.trim();
    const f = perFrame.get(frame) ?? { category, us: 0 };
    f.us += us;
    perFrame.set(frame, f);
  }
  const pct = (us: number) => (busy > 0 ? Math.round((1000 * us) / busy) / 10 : 0);
  return {
    file,
    wallMs: Math.round((profile.endTime - profile.startTime) / 1000),
    busyMs: Math.round(busy / 1000),
    shares: CATEGORIES.filter((c) => c !== 'idle' && perCategory.has(c))
      .map((category) => ({ category, ms: Math.round(perCategory.get(category)! / 1000), percent: pct(perCategory.get(category)!) }))
      .sort((a, b) => b.ms - a.ms),
    top: [...perFrame.entries()]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, topN)
      .map(([frame, f]) => ({ frame, category: f.category, ms: Math.round(f.us / 1000), percent: pct(f.us) })),
  };
}

function print(s: ProfileSummary): string {
  const lines = [`${basename(s.file)}: ${s.busyMs} ms busy of ${s.wallMs} ms sampled`];
  for (const c of s.shares) lines.push(`  ${String(c.percent).padStart(5)} %  ${String(c.ms).padStart(7)} ms  ${c.category}`);
  lines.push('  top frames (self time):');
  for (const f of s.top) lines.push(`  ${String(f.percent).padStart(5)} %  ${String(f.ms).padStart(7)} ms  ${f.frame}  [${f.category}]`);
  return lines.join('\n');
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: node dist/apps/bench/profile-summary.js FILE.cpuprofile...');
    process.exit(2);
  }
  // A workflow bundle's URL: the worker's file (WORKFLOW_BUNDLE_PATH, kept in the profile folder by the bench),
  // or an in-memory bundle (`workflow-bundle-<hash>.js`: replay) whose code the bench saved as replay-bundle.js.
  const cache = new Map<string, ((line: number) => string | undefined) | undefined>();
  const bundlesNear = (profileFile: string) => (url: string) => {
    if (!/workflow-bundle/.test(url)) return undefined;
    const path = url.replace(/^file:\/\//, '');
    const near = [dirname(profileFile), dirname(dirname(profileFile))].map((d) => join(d, 'replay-bundle.js'));
    const candidate = existsSync(path) ? path : (near.find((p) => existsSync(p)) ?? near[0]!);
    if (!cache.has(candidate)) cache.set(candidate, existsSync(candidate) ? bundleModules(readFileSync(candidate, 'utf8')) : undefined);
    return cache.get(candidate);
  };
  for (const f of files)
    console.log(`${print(summarizeProfile(JSON.parse(readFileSync(f, 'utf8')) as CpuProfile, f, 20, bundlesNear(f)))}\n`);
}
