#!/usr/bin/env node
// Fuzzes the running API with schemathesis (from PyPI, pinned in scripts/tools.mjs) from its own OpenAPI
// document, with every check, once signed in as an organizer and once as an FAO reviewer. Exits non-zero on any
// failure, or when a role got fewer requests than FUZZ_MIN_REQUESTS. docs/security.md ("Fuzzing") has the figures.
//
//   npm start                         (another terminal: a running stack with the demo users)
//   npm run fuzz                      full run: 25 examples per operation and phase, >= 1,000 requests per role
//
// Environment (all optional):
//   FUZZ_BASE_URL       the API origin (default http://127.0.0.1:$PORT, PORT default 3000)
//   FUZZ_ORGANIZER      organizer username (default organizer.commerce)
//   FUZZ_REVIEWER       FAO reviewer username (default fao-reviewer.fao)
//   FUZZ_PASSWORD       their password (default $DEMO_PASSWORD or demo)
//   FUZZ_MAX_EXAMPLES   test cases per operation and phase (default 25)
//   FUZZ_MIN_REQUESTS   fewest requests a role must have sent (default 1000)
//   FUZZ_SEED           schemathesis seed (default: random, printed in the output)
//   FUZZ_PHASES         schemathesis phases (default examples,coverage,fuzzing)
//   FUZZ_REPORT_DIR     where the JSON reports go (default .data/fuzz)
//   SCHEMATHESIS_PATH   the `st` binary (default .tools/venv/bin/st, then PATH)
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const base = (env.FUZZ_BASE_URL ?? `http://127.0.0.1:${env.PORT ?? 3000}`).replace(/\/$/, '');
const password = env.FUZZ_PASSWORD ?? env.DEMO_PASSWORD ?? 'demo';
const roles = [
  { role: 'organizer', username: env.FUZZ_ORGANIZER ?? 'organizer.commerce' },
  { role: 'fao-reviewer', username: env.FUZZ_REVIEWER ?? 'fao-reviewer.fao' },
];
const maxExamples = Number(env.FUZZ_MAX_EXAMPLES ?? 25);
const minRequests = Number(env.FUZZ_MIN_REQUESTS ?? 1000);
const phases = env.FUZZ_PHASES ?? 'examples,coverage,fuzzing';
const reportDir = env.FUZZ_REPORT_DIR ?? join(root, '.data', 'fuzz');

const isExecutable = (p) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
const st = [
  env.SCHEMATHESIS_PATH,
  join(root, '.tools', 'venv', 'bin', 'st'),
  ...(env.PATH ?? '').split(delimiter).map((d) => d && join(d, 'st')),
].find((p) => p && isExecutable(p));
if (!st) {
  console.error('fuzz: schemathesis (st) not found: run `npm run tools` (installs it into .tools/venv) or set SCHEMATHESIS_PATH');
  process.exit(2);
}

async function signIn(username) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = await res.json().catch(() => ({}));
  if (res.status !== 200 || !body.accessToken) throw new Error(`sign-in of ${username} at ${base}: ${res.status} ${JSON.stringify(body)}`);
  return body.accessToken;
}

/** Requests schemathesis sent, from its NDJSON event stream (one ScenarioFinished per test case, with its recorder). */
function countRequests(ndjson) {
  let requests = 0;
  for (const line of readFileSync(ndjson, 'utf8').split('\n')) {
    if (!line) continue;
    const event = JSON.parse(line);
    const finished = event.ScenarioFinished;
    if (!finished?.recorder?.interactions) continue;
    requests += Object.keys(finished.recorder.interactions).length;
  }
  return requests;
}

mkdirSync(reportDir, { recursive: true });
let failed = false;
const figures = [];
for (const { role, username } of roles) {
  const token = await signIn(username);
  const ndjson = join(reportDir, `${role}.ndjson`);
  const args = [
    '--config-file',
    join(dirname(fileURLToPath(import.meta.url)), 'schemathesis.toml'),
    'run',
    `${base}/api/docs-json`,
    '--url',
    base,
    '--header',
    `Authorization: Bearer ${token}`,
    '--checks',
    'all',
    '--phases',
    phases,
    '--max-examples',
    String(maxExamples),
    '--workers',
    '2',
    '--continue-on-failure',
    // The codec endpoint speaks Temporal's remote codec protocol (proto-JSON payloads, X-Namespace), not this
    // API's contract; test/integration/codec.test.ts drives it with the real CLI.
    '--exclude-path-regex',
    '^/api/codec/',
    // NUL is refused by the text rule everywhere, but OpenAPI 3.0 cannot say so for the keys of free-form
    // `data` (no propertyNames): tell the generator instead of calling the refusal a failure.
    '--generation-allow-x00',
    'false',
    // No example database in the working tree (.schemathesis/): failures are in the NDJSON report.
    '--generation-database',
    ':memory:',
    '--suppress-health-check',
    'all',
    '--report',
    'ndjson',
    '--report-ndjson-path',
    ndjson,
    '--output-truncate',
    'true',
    ...(env.FUZZ_SEED ? ['--seed', env.FUZZ_SEED] : []),
  ];
  console.log(`fuzz: ${role} (${username}) against ${base}, ${maxExamples} examples per operation, phases ${phases}`);
  const started = Date.now();
  const run = spawnSync(st, args, { stdio: 'inherit', env: { ...env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' } });
  const requests = countRequests(ndjson);
  const seconds = Math.round((Date.now() - started) / 1000);
  figures.push({ role, requests, seconds, exit: run.status });
  if (run.status !== 0) failed = true;
  if (requests < minRequests) {
    console.error(`fuzz: ${role} sent ${requests} requests, fewer than FUZZ_MIN_REQUESTS=${minRequests}`);
    failed = true;
  }
}
console.log('\nfuzz: role, requests, seconds, schemathesis exit');
for (const f of figures) console.log(`fuzz: ${f.role}\t${f.requests}\t${f.seconds}\t${f.exit}`);
process.exit(failed ? 1 : 0);
