#!/usr/bin/env node
// Validates the deployment files that cannot run on this machine (no Docker daemon, no cluster):
//
//   compose     docker/docker-compose.yml against the compose specification (check-jsonschema's
//               vendored compose-spec schema), plus our rules: every secret a service names is
//               defined, the JWT secret and the metrics token reach the api (and Prometheus) only
//   helm        `helm lint` and `helm template` of deploy/helm/delegation-flow, the rendered
//               manifests through kubernetes-validate (strict, the Kubernetes version below)
//   dockerfile  hadolint on docker/Dockerfile
//   monitoring  Prometheus config and rules, Grafana dashboards: well-formed, with the fields
//               Prometheus and Grafana require
//
// Tools come from scripts/validate-deploy.tools.mjs (npm run tools). Exit code 0 when every check
// passes, 1 otherwise; each failure is printed with its tool's output.
//
//   node scripts/validate-deploy.mjs [--only compose,helm,dockerfile,monitoring]
//       [--compose FILE] [--chart DIR] [--dockerfile FILE] [--monitoring DIR] [--set key=value ...]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deployToolPaths } from './validate-deploy.tools.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const KUBERNETES_VERSION = '1.33.0';

function parseArgs(argv) {
  const o = {
    only: ['compose', 'helm', 'dockerfile', 'monitoring'],
    compose: join(root, 'docker', 'docker-compose.yml'),
    chart: join(root, 'deploy', 'helm', 'delegation-flow'),
    dockerfile: join(root, 'docker', 'Dockerfile'),
    monitoring: join(root, 'deploy', 'monitoring'),
    set: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--only') o.only = v.split(',');
    else if (k === '--set') o.set.push(v);
    else if (['--compose', '--chart', '--dockerfile', '--monitoring'].includes(k)) o[k.slice(2)] = resolve(v);
    else throw new Error(`unknown argument ${k}`);
    i++;
  }
  return o;
}

const tools = deployToolPaths(root);
const run = (cmd, args, input) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) return { ok: false, out: `${cmd}: ${r.error.message} (run npm run tools)` };
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim(), stdout: r.stdout ?? '' };
};

// YAML is read with the venv's ruamel.yaml (a dependency of check-jsonschema): no YAML package here.
function loadYaml(file) {
  const r = run(tools.python, [
    '-c',
    'import json,sys\nfrom ruamel.yaml import YAML\nprint(json.dumps(YAML(typ="safe").load(open(sys.argv[1]))))',
    file,
  ]);
  if (!r.ok) throw new Error(`cannot parse ${file}: ${r.out}`);
  return JSON.parse(r.stdout);
}

const HEALTH_EXEMPT = new Set(['temporal-ui']);

function checkCompose(file) {
  const problems = [];
  const schema = run(tools.checkJsonschema, ['--builtin-schema', 'vendor.compose-spec', file]);
  if (!schema.ok) problems.push(`compose-spec: ${schema.out}`);
  let doc;
  try {
    doc = loadYaml(file);
  } catch (err) {
    return [...problems, String(err.message)];
  }
  const defined = new Set(Object.keys(doc.secrets ?? {}));
  // No default passwords: every secret is a file under the folder compose insists on.
  for (const [name, def] of Object.entries(doc.secrets ?? {})) {
    if (!String(def?.file ?? '').startsWith('${DF_SECRETS_DIR:?'))
      problems.push(`secret ${name}: must be file: \${DF_SECRETS_DIR:?...}/${name}`);
  }
  for (const [name, svc] of Object.entries(doc.services ?? {})) {
    // One-shots (restart "no") are judged by their exit code; temporal-ui's block belongs to the Web UI change.
    if (svc.restart === 'no' || HEALTH_EXEMPT.has(name)) continue;
    if (!svc.healthcheck?.test) problems.push(`service ${name}: no healthcheck`);
    if (svc.logging?.options?.['max-size'] === undefined) problems.push(`service ${name}: no log rotation (logging.options.max-size)`);
    if (svc.deploy?.resources?.limits?.memory === undefined)
      problems.push(`service ${name}: no memory limit (deploy.resources.limits.memory)`);
  }
  const onlyFor = { jwt_secret: ['api'], metrics_token: ['api', 'prometheus'] };
  for (const [name, svc] of Object.entries(doc.services ?? {})) {
    for (const s of svc.secrets ?? []) {
      const secret = typeof s === 'string' ? s : s.source;
      if (!defined.has(secret)) problems.push(`service ${name}: secret ${secret} is not defined under top-level secrets`);
      if (onlyFor[secret] && !onlyFor[secret].includes(name))
        problems.push(`service ${name}: must not receive ${secret} (only ${onlyFor[secret].join(', ')})`);
    }
    const env = svc.environment ?? {};
    for (const key of Object.keys(Array.isArray(env) ? Object.fromEntries(env.map((e) => e.split('='))) : env)) {
      // TEMPORAL_CODEC_PASS_ACCESS_TOKEN is the Web UI's true/false switch, not a secret.
      if (
        /(PASSWORD|SECRET|TOKEN)$/.test(key) &&
        !/_FILE$/.test(key) &&
        key !== 'DEMO_PASSWORD' &&
        key !== 'TEMPORAL_CODEC_PASS_ACCESS_TOKEN'
      )
        problems.push(`service ${name}: ${key} in plain environment; pass it as a secret file (${key}_FILE)`);
    }
  }
  return problems;
}

// Two renders: with an existing Secret (production), and with the chart creating its own (trials).
const HELM_VARIANTS = {
  'existing secret': ['secrets.existingSecret=ci-secrets'],
  'chart-made secret': [
    'secrets.values.database-password=ci',
    'secrets.values.jwt-secret=ci-jwt-secret-of-at-least-32-chars',
    'secrets.values.metrics-token=ci-metrics-token',
  ],
};

function checkHelm(chart, sets) {
  const problems = [];
  for (const [variant, variantSets] of Object.entries(HELM_VARIANTS)) {
    const base = [...variantSets, ...sets].flatMap((s) => ['--set', s]);
    const lint = run(tools.helm, ['lint', '--strict', '--kube-version', KUBERNETES_VERSION, chart, ...base]);
    if (!lint.ok) problems.push(`helm lint (${variant}): ${lint.out}`);
    const tpl = run(tools.helm, ['template', 'df', chart, '--namespace', 'delegation-flow', '--kube-version', KUBERNETES_VERSION, ...base]);
    if (!tpl.ok) {
      problems.push(`helm template (${variant}): ${tpl.out}`);
      continue;
    }
    const dir = mkdtempSync(join(tmpdir(), 'validate-deploy-'));
    try {
      const manifests = join(dir, 'manifests.yaml');
      writeFileSync(manifests, tpl.stdout);
      const kv = run(tools.kubernetesValidate, ['--strict', '--quiet', '-k', KUBERNETES_VERSION, manifests]);
      if (!kv.ok) problems.push(`kubernetes-validate (${variant}): ${kv.out}`);
      for (const kind of ['Deployment', 'PodDisruptionBudget', 'Job', 'ConfigMap']) {
        if (!new RegExp(`^kind: ${kind}$`, 'm').test(tpl.stdout)) problems.push(`helm template (${variant}): no ${kind} rendered`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return problems;
}

function checkDockerfile(file) {
  const r = run(tools.hadolint, ['--no-color', file]);
  return r.ok ? [] : [`hadolint: ${r.out}`];
}

/** No PromQL parser offline (promtool is a large Go build): catch the commonest typo, unbalanced brackets or quotes. */
function unbalancedBrackets(expr) {
  const pairs = { ')': '(', ']': '[', '}': '{' };
  const stack = [];
  let quote;
  for (const ch of expr) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if ('([{'.includes(ch)) stack.push(ch);
    else if (pairs[ch] && stack.pop() !== pairs[ch]) return `has an unmatched "${ch}"`;
  }
  if (quote) return `has an unterminated ${quote} string`;
  return stack.length ? `has an unclosed "${stack.pop()}"` : undefined;
}

function checkMonitoring(dir) {
  const problems = [];
  const load = (f) => {
    try {
      return loadYaml(join(dir, f));
    } catch (err) {
      problems.push(String(err.message));
      return undefined;
    }
  };
  const prom = load('prometheus/prometheus.yml');
  if (prom) {
    if (!Array.isArray(prom.scrape_configs) || prom.scrape_configs.length === 0) problems.push('prometheus.yml: no scrape_configs');
    for (const sc of prom.scrape_configs ?? []) if (!sc.job_name) problems.push('prometheus.yml: a scrape config without job_name');
    const api = (prom.scrape_configs ?? []).find((s) => s.job_name === 'api');
    if (!api?.authorization?.credentials_file)
      problems.push('prometheus.yml: job api must scrape with the metrics token (authorization.credentials_file)');
  }
  const rules = load('prometheus/alerts.yml');
  if (rules) {
    const all = (rules.groups ?? []).flatMap((g) => g.rules ?? []);
    if (all.length === 0) problems.push('alerts.yml: no rules');
    for (const r of all) {
      if (!r.alert || typeof r.expr !== 'string' || !r.expr.trim())
        problems.push(`alerts.yml: rule ${r.alert ?? '(unnamed)'} needs alert and expr`);
      if (r.for !== undefined && !/^\d+[smhd]$/.test(String(r.for)))
        problems.push(`alerts.yml: rule ${r.alert}: for "${r.for}" is not a duration`);
      const unbalanced = typeof r.expr === 'string' ? unbalancedBrackets(r.expr) : undefined;
      if (unbalanced) problems.push(`alerts.yml: rule ${r.alert}: expr ${unbalanced}`);
    }
    for (const name of ['DatabaseDown', 'WorkflowTaskFailing', 'IncidentsHigh', 'TaskQueueBacklog']) {
      if (!all.some((r) => r.alert === name)) problems.push(`alerts.yml: alert ${name} is missing`);
    }
  }
  for (const f of ['delegation-flow.json', 'temporal-server.json', 'temporal-sdk.json']) {
    const r = run(tools.python, [
      '-c',
      'import json,sys; d=json.load(open(sys.argv[1])); assert d["uid"] and d["panels"], "uid and panels required"',
      join(dir, 'grafana', 'dashboards', f),
    ]);
    if (!r.ok) problems.push(`dashboard ${f}: ${r.out.split('\n').pop()}`);
  }
  return problems;
}

export function main(argv) {
  const o = parseArgs(argv);
  const checks = {
    compose: () => checkCompose(o.compose),
    helm: () => checkHelm(o.chart, o.set),
    dockerfile: () => checkDockerfile(o.dockerfile),
    monitoring: () => checkMonitoring(o.monitoring),
  };
  let failed = 0;
  for (const name of o.only) {
    if (!checks[name]) throw new Error(`unknown check ${name}`);
    const problems = checks[name]();
    if (problems.length === 0) console.log(`validate-deploy: ${name} ok`);
    else {
      failed++;
      console.error(`validate-deploy: ${name} FAILED\n${problems.map((p) => `  - ${p.replace(/\n/g, '\n    ')}`).join('\n')}`);
    }
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
