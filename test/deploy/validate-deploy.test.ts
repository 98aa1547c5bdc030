// The deployment files are validated by the tools CI has (no Docker daemon, no cluster here):
// scripts/validate-deploy.mjs. Each validator is also fed a copy with one deliberate error and must
// fail on it, naming the problem, so a validator that silently passes everything cannot go unnoticed.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const root = join(__dirname, '..', '..');
jest.setTimeout(120_000);

function validate(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'validate-deploy.mjs'), ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'deploy-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of `rel` (file or folder) under the temp dir, with `edit` applied to `file` inside it. */
function brokenCopy(rel: string, file: string, edit: (text: string) => string): string {
  // Same base name (the validators pick the parser by extension), in a folder of its own.
  const target = join(mkdtempSync(join(dir, 'copy-')), basename(rel));
  cpSync(join(root, rel), target, { recursive: true });
  const path = file ? join(target, file) : target;
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before); // the deliberate error really went in
  writeFileSync(path, after);
  return target;
}

describe('deployment files', () => {
  it('pass every validator as committed', () => {
    const r = validate();
    expect(r.out).toContain('validate-deploy: compose ok');
    expect(r.out).toContain('validate-deploy: helm ok');
    expect(r.out).toContain('validate-deploy: dockerfile ok');
    expect(r.out).toContain('validate-deploy: monitoring ok');
    expect(r.status).toBe(0);
  });

  describe('compose', () => {
    it('fails on a key the compose specification does not know', () => {
      const file = brokenCopy('docker/docker-compose.yml', '', (t) => t.replace('    stop_grace_period: 90s', '    stop_grace_periods: 90s'));
      const r = validate('--only', 'compose', '--compose', file);
      expect(r.status).toBe(1);
      expect(r.out).toMatch(/compose-spec: .*stop_grace_periods/s);
    });

    it('fails when the JWT secret is handed to the worker', () => {
      const file = brokenCopy('docker/docker-compose.yml', '', (t) =>
        t.replace(/(  worker:[\s\S]*?)secrets: \[app_db_password, payload_keys\]/, '$1secrets: [app_db_password, payload_keys, jwt_secret]'),
      );
      const r = validate('--only', 'compose', '--compose', file);
      expect(r.status).toBe(1);
      expect(r.out).toContain('service worker: must not receive jwt_secret');
    });

    it('fails when a long-running service has no health check', () => {
      const file = brokenCopy('docker/docker-compose.yml', '', (t) => t.replace(/(  worker:[\s\S]*?)    healthcheck:\n(      .*\n)+/, '$1'));
      const r = validate('--only', 'compose', '--compose', file);
      expect(r.status).toBe(1);
      expect(r.out).toContain('service worker: no healthcheck');
    });

    it('fails on a password in the plain environment', () => {
      const file = brokenCopy('docker/docker-compose.yml', '', (t) => t.replace('      JWT_SECRET_FILE: /run/secrets/jwt_secret', '      JWT_SECRET: ${JWT_SECRET:?}'));
      const r = validate('--only', 'compose', '--compose', file);
      expect(r.status).toBe(1);
      expect(r.out).toContain('service api: JWT_SECRET in plain environment');
    });
  });

  describe('helm', () => {
    it('fails when a rendered manifest breaks the Kubernetes schema', () => {
      const chart = brokenCopy('deploy/helm/delegation-flow', 'templates/worker.yaml', (t) => t.replace('containerPort: {{ .Values.worker.metricsPort }}', 'containerPorts: {{ .Values.worker.metricsPort }}'));
      const r = validate('--only', 'helm', '--chart', chart);
      expect(r.status).toBe(1);
      expect(r.out).toMatch(/kubernetes-validate \(existing secret\): .*deployment\/df-delegation-flow-worker.*'containerPort' is a required property/s);
    });

    it('fails on values outside the chart schema (worker grace period shorter than its shutdown grace)', () => {
      const r = validate('--only', 'helm', '--set', 'worker.terminationGracePeriodSeconds=30');
      expect(r.status).toBe(1);
      expect(r.out).toMatch(/helm (lint|template) \(existing secret\): .*terminationGracePeriodSeconds/s);
    });
  });

  it('dockerfile: fails on a lint error', () => {
    const file = brokenCopy('docker/Dockerfile', '', (t) => t.replace('FROM base AS build\n', 'FROM base AS build\nRUN cd /app && npm ci\n'));
    const r = validate('--only', 'dockerfile', '--dockerfile', file);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/hadolint: .*DL3003/s);
  });

  it('monitoring: fails on an alert expression with an unclosed bracket', () => {
    const d = brokenCopy('deploy/monitoring', 'prometheus/alerts.yml', (t) => t.replace('expr: sum(delegation_incidents_count) > 20', 'expr: sum(delegation_incidents_count > 20'));
    const r = validate('--only', 'monitoring', '--monitoring', d);
    expect(r.status).toBe(1);
    expect(r.out).toContain('rule IncidentsHigh: expr has an unclosed "("');
  });

  it('monitoring: fails when an alert rule has no expression', () => {
    const d = brokenCopy('deploy/monitoring', 'prometheus/alerts.yml', (t) => t.replace('expr: pg_up == 0 or absent(pg_up) or up{job="postgres"} == 0', 'expr: ""'));
    const r = validate('--only', 'monitoring', '--monitoring', d);
    expect(r.status).toBe(1);
    expect(r.out).toContain('rule DatabaseDown needs alert and expr');
  });
});
