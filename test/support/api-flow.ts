import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { actionable, roleFor as stepRole, stepRequest, type DelegationProgress, type StepProgress } from '@df/contracts';
import type { UserRole } from '../../apps/api/src/auth/access';
import { eventually } from './harness';
import { bearer, type TestApi, type TestUsers } from './api-harness';

export { actionable };

/** Who records a step through the API: the actor, members' steps by the organizer, external ones by the phase's officer. */
export const roleFor = (step: Pick<StepProgress, 'actorRole' | 'phase'>): UserRole => stepRole(step) as UserRole;

export async function getProgress(api: TestApi, token: string, caseId: string): Promise<DelegationProgress> {
  const res = await request(api.http).get(`/api/delegations/${caseId}`).set(bearer(token));
  if (res.status !== 200) throw new Error(`GET case ${caseId}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as DelegationProgress;
}

/** Waits until the step has the status (system steps and timers run on their own). */
export async function waitForStep(api: TestApi, token: string, caseId: string, key: string, statuses: string[], timeoutMs = 20_000) {
  const p = await eventually(
    () => getProgress(api, token, caseId),
    (p) => statuses.includes(p.steps.find((s) => s.key === key)?.status ?? ''),
    timeoutMs,
  );
  const step = p.steps.find((s) => s.key === key);
  if (!step || !statuses.includes(step.status))
    throw new Error(`step ${key} is ${step?.status ?? 'missing'}, expected ${statuses.join('/')}`);
  return p;
}

/**
 * Completes or approves one step as the right role (route 'visa' at D01, visa granted at D12), as the web app sends an
 * action: with an Idempotency-Key, and sent again with the same key while it is answered 503 (the outcome unknown, or
 * the engine busy: on a loaded machine a case's workflow task can fail once and be retried), so the answer is the real
 * outcome, never a second action. The last answer after five tries.
 */
export async function actOn(api: TestApi, users: TestUsers, caseId: string, step: StepProgress, extra: Record<string, unknown> = {}) {
  // A refused upload (a closed case, a user who may not) leaves the action to say why: that answer is what callers assert.
  await uploadMissing(api, users.tokens.organizer, caseId, step).catch(() => undefined);
  const { path, body } = stepRequest(caseId, step, extra);
  const key = randomUUID();
  for (let attempt = 1; ; attempt++) {
    const res = await request(api.http)
      .post(path)
      .set(bearer(users.tokens[roleFor(step)]))
      .set('Idempotency-Key', key)
      .send(body);
    if (res.status !== 503 || attempt === 5) return res;
    await new Promise((r) => setTimeout(r, 500 * attempt));
  }
}

/** A small real PDF (the API sniffs the content's first bytes), its text naming what it stands for. */
export const testPdf = (text: string): Buffer => Buffer.from(`%PDF-1.4\n1 0 obj <<>> endobj\n% ${text}\n%%EOF\n`);

/**
 * The organizer uploads the documents a step requires and its progress lists as missing (2027.10: A03's invitation
 * letter and translation, A05's itinerary), for the step instance, as from the case page: nothing when none is missing.
 */
export async function uploadMissing(api: TestApi, token: string, caseId: string, step: StepProgress): Promise<void> {
  for (const kind of step.missingAttachments ?? []) {
    const res = await request(api.http)
      .post(`/api/delegations/${caseId}/attachments`)
      .set(bearer(token))
      .field('kind', kind)
      .field('stepKey', step.key)
      .attach('file', testPdf(`${step.key} ${kind} ${randomUUID()}`), { filename: `${kind}.pdf`, contentType: 'application/pdf' }); // new bytes each time: one content is one document
    if (res.status !== 201) throw new Error(`upload ${kind} for ${step.key}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/**
 * The organizer completes A02 and A06 (the roster a member's frequency check rests on), then A08:m1 has run: the
 * progress once it reads one of `statuses`.
 */
export async function throughA08(api: TestApi, users: TestUsers, caseId: string, statuses: string[] = ['done']) {
  const token = users.tokens.organizer;
  for (const key of ['A02', 'A06']) {
    const p = await waitForStep(api, token, caseId, key, ['awaiting']);
    const res = await actOn(
      api,
      users,
      caseId,
      p.steps.find((s) => s.key === key)!,
    );
    if (res.status !== 200) throw new Error(`${key}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return waitForStep(api, token, caseId, 'A08:m1', statuses);
}

/**
 * Every other role acts on what awaits it (approve, complete: stepRequest) until step `key` awaits (or is overdue):
 * the progress then. Within `timeoutMs` (a scaled worker's timers pass meanwhile).
 */
export async function actUntilAwaiting(api: TestApi, users: TestUsers, caseId: string, key: string, timeoutMs = 120_000) {
  return eventually(
    async () => {
      const p = await getProgress(api, users.tokens.organizer, caseId);
      for (const step of actionable(p).filter((s) => s.key !== key)) await actOn(api, users, caseId, step);
      return p;
    },
    (p) => p.steps.some((s) => s.key === key && (s.status === 'awaiting' || s.status === 'overdue')),
    timeoutMs,
  );
}
