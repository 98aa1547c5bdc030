#!/usr/bin/env node
// Login load probe (docs/security.md): N concurrent sign-ins against a running API while /health is
// polled every 50 ms; prints the sign-in statuses, their wall time and the /health latencies.
//   node scripts/login-load.mjs [baseUrl=http://127.0.0.1:3000] [concurrency=200] [password=demo]
const [base = 'http://127.0.0.1:3000', n = '200', password = 'demo'] = process.argv.slice(2);
const concurrency = Number(n);
const DEMO = ['organizer', 'unit-leader', 'personnel', 'secrecy', 'finance', 'dept-approver'].flatMap((r) => [
  `${r}.commerce`,
  `${r}.education`,
]);
DEMO.push(
  ...['fao-clerk', 'fao-reviewer', 'fao-director', 'passport-officer', 'visa-officer', 'manager'].map((r) => `${r}.fao`),
  'leader.city',
);

async function timed(fn) {
  const t = performance.now();
  const res = await fn();
  return { ms: performance.now() - t, res };
}
const health = () => timed(() => fetch(`${base}/health`).then((r) => r.status));

const baseline = [];
for (let i = 0; i < 5; i++) baseline.push((await health()).ms);

let running = true;
const during = [];
const poller = (async () => {
  while (running) {
    during.push((await health()).ms);
    await new Promise((r) => setTimeout(r, 50));
  }
})();
const started = performance.now();
const statuses = await Promise.all(
  Array.from({ length: concurrency }, (_, i) =>
    fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: DEMO[i % DEMO.length], password }),
    }).then((r) => r.status),
  ),
);
const loginsMs = performance.now() - started;
running = false;
await poller;

const counts = statuses.reduce((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});
const sorted = [...during].sort((a, b) => a - b);
const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
console.log(
  JSON.stringify(
    {
      concurrency,
      statuses: counts,
      loginsWallMs: Math.round(loginsMs),
      healthBaselineMaxMs: Math.round(Math.max(...baseline)),
      healthDuring: { samples: during.length, p50Ms: Math.round(pct(50)), p95Ms: Math.round(pct(95)), maxMs: Math.round(sorted.at(-1)) },
    },
    null,
    2,
  ),
);
