import request from 'supertest';
import type { DelegationProgress, StepProgress } from '@df/contracts';
import type { UserRole } from '../../apps/api/src/auth/access';
import { eventually } from './harness';
import { bearer, type TestApi, type TestUsers } from './api-harness';

/** Who records a step through the API: the actor, members' steps by the organizer, external ones by the phase's officer. */
export function roleFor(step: Pick<StepProgress, 'actorRole' | 'phase'>): UserRole {
  if (step.actorRole === 'member') return 'organizer';
  if (step.actorRole === 'external') return step.phase === 'passport' ? 'passport-officer' : 'visa-officer';
  return step.actorRole as UserRole;
}

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
  if (!step || !statuses.includes(step.status)) throw new Error(`step ${key} is ${step?.status ?? 'missing'}, expected ${statuses.join('/')}`);
  return p;
}

export const actionable = (p: DelegationProgress): StepProgress[] =>
  p.steps.filter((s) => (s.status === 'awaiting' || s.status === 'overdue') && s.kind !== 'system' && s.kind !== 'timer');

/** Completes or approves one step as the right role (route 'visa' at D01, visa granted at D12). */
export async function actOn(api: TestApi, users: TestUsers, caseId: string, step: StepProgress, extra: Record<string, unknown> = {}) {
  const token = users.tokens[roleFor(step)];
  if (step.kind === 'approval') {
    return request(api.http)
      .post(`/api/delegations/${caseId}/steps/${encodeURIComponent(step.key)}/decision`)
      .set(bearer(token))
      .send({ decision: 'approve', comment: `${step.code} 同意`, ...extra });
  }
  const data = step.code === 'D01' ? { route: 'visa' } : step.code === 'D12' ? { outcome: 'granted' } : undefined;
  return request(api.http)
    .post(`/api/delegations/${caseId}/steps/${encodeURIComponent(step.key)}/complete`)
    .set(bearer(token))
    .send({ ...(data ? { data } : {}), comment: `${step.code} 已办`, ...extra });
}
