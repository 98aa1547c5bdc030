#!/usr/bin/env node
// Generates a migration from the difference between the entities and the committed migrations:
// starts a throwaway embedded PostgreSQL, applies the existing migrations, runs `typeorm migration:generate`.
//   npm run migration:generate -- AddReadModels
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const name = process.argv[2];
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
  console.error('usage: npm run migration:generate -- <PascalCaseName>');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
if (!process.env.SKIP_BUILD) execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
const { startEmbeddedPostgres, freePort } = require(join(root, 'dist/libs/runtime/src/index.js'));
const { runMigrations } = require(join(root, 'dist/libs/persistence/src/index.js'));

const dir = mkdtempSync(join(tmpdir(), 'df-migrate-'));
const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), persistent: false });
try {
  await runMigrations(pg.url);
  execFileSync(
    join(root, 'node_modules/.bin/typeorm'),
    ['migration:generate', '-d', 'dist/libs/persistence/src/cli-data-source.js', '--pretty', `libs/persistence/src/migrations/${name}`],
    { cwd: root, stdio: 'inherit', env: { ...process.env, DATABASE_URL: pg.url } },
  );
  console.log(`Now add the new class to MIGRATIONS in libs/persistence/src/migrations/index.ts (append-only).`);
} finally {
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
