#!/usr/bin/env node
// Measures the web app's first load in the real browser (Debian's Chromium through playwright-core) and prints
// the figures: a cold load (new browser context, empty cache) and a warm one (same context, hashed assets from
// cache) of the sign-in page, N times each; median and max of the time to the first contentful paint, to
// DOMContentLoaded, to `load`, and to the sign-in form being usable; bytes transferred. A measurement, not a
// test: nothing is asserted. docs/web.md ("Bundle budget") has the figures of the last run.
//
//   npm run build:web && node scripts/web-first-load.mjs          serves dist/web itself (as the API does)
//   WEB_URL=http://127.0.0.1:3000 node scripts/web-first-load.mjs  against a running `npm start`
//
// Environment: WEB_URL (default: a static server on a free port over dist/web), RUNS (default 10),
// CHROMIUM_PATH (default /usr/bin/chromium), CPU_SLOWDOWN (Chrome DevTools CPU throttling rate, default 1).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const dist = join(root, 'dist', 'web');
const runs = Number(process.env.RUNS ?? 10);
const slowdown = Number(process.env.CPU_SLOWDOWN ?? 1);
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** dist/web as the API serves it: files as they are (assets cached a year), any other path index.html. */
function serveDist() {
  if (!existsSync(join(dist, 'index.html'))) throw new Error('dist/web is missing: npm run build:web first');
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(dist, path);
    if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) file = join(dist, 'index.html');
    const asset = path.startsWith('/assets/');
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': asset ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function measure(page) {
  const t0 = Date.now();
  await page.goto('/login', { waitUntil: 'load' });
  await page.getByRole('button', { name: /登\s?录/ }).waitFor();
  const usable = Date.now() - t0;
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    const all = [n, ...performance.getEntriesByType('resource')];
    return {
      dcl: n.domContentLoadedEventEnd,
      load: n.loadEventEnd,
      fcp: fcp ? fcp.startTime : null,
      // transferSize is 0 for what the cache served; decodedBodySize is what the browser parsed.
      transferred: all.reduce((x, e) => x + e.transferSize, 0),
      decoded: all.reduce((x, e) => x + e.decodedBodySize, 0),
    };
  });
  return { ...nav, usable };
}

const server = process.env.WEB_URL ? null : await serveDist();
const base = process.env.WEB_URL ?? `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
const results = { cold: [], warm: [] };
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    if (slowdown > 1) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: slowdown });
    }
    results.cold.push(await measure(page));
    results.warm.push(await measure(page));
    await context.close();
  }
} finally {
  await browser.close();
  server?.close();
}

const fmt = (xs) => `median ${Math.round(median(xs))} ms, max ${Math.round(Math.max(...xs))} ms`;
console.log(`first load of ${base}/login, ${runs} runs, CPU slowdown ${slowdown}x, ${new Date().toISOString()}`);
for (const kind of ['cold', 'warm']) {
  const r = results[kind];
  console.log(`${kind}:`);
  console.log(`  first contentful paint  ${fmt(r.map((x) => x.fcp ?? NaN))}`);
  console.log(`  DOMContentLoaded        ${fmt(r.map((x) => x.dcl))}`);
  console.log(`  load                    ${fmt(r.map((x) => x.load))}`);
  console.log(`  sign-in form usable     ${fmt(r.map((x) => x.usable))}`);
  console.log(`  bytes transferred       median ${Math.round(median(r.map((x) => x.transferred)) / 1000)} kB`);
  console.log(`  bytes parsed            median ${Math.round(median(r.map((x) => x.decoded)) / 1000)} kB`);
}
