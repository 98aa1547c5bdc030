import { randomUUID } from 'node:crypto';
import { QueryNotRegisteredError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { behaviourOf, chineseCalendar, dayNumber, parseInstant, shanghaiDate } from '@df/domain';
import {
  amendUpdate,
  attachUpdate,
  completeStepUpdate,
  decideStepUpdate,
  delegationWorkflowId,
  missingDocumentAttachments,
  placeholderAttachment,
  progressQuery,
  redateRequest,
  requiredTaskData,
  supplyDocumentUpdate,
  type Actor,
  type AmendRequest,
  type DelegationInput,
  type DelegationProgress,
  type StepProgress,
} from '@df/contracts';
import { responsibleRole } from '../../workflows/engine/authorization';
import { actor } from './factories';
import type { TestWorker } from './harness';

const calendar = chineseCalendar();

export interface DriveOptions {
  /** Stop when this holds (checked on every poll). Default: the case is closed. */
  until?: (p: DelegationProgress) => boolean;
  /** Take each step's target duration in case time before acting (to follow the plan). Default true. */
  onSchedule?: boolean;
  /** Leave these steps alone. */
  skip?: (step: StepProgress) => boolean;
  pollMs?: number;
  timeoutMs?: number;
  /** Acts on a step; default: approve approvals, complete the rest, as the responsible role. */
  act?: (handle: WorkflowHandle, step: StepProgress, by: Actor) => Promise<unknown>;
}

/** The data the step's schema requires (a written outcome at A14, D11; D12's and K05's outcome), if any: `{data}` or `{}`. */
export const dataOf = (code: string) => {
  const data = requiredTaskData(code);
  return data ? { data } : {};
};

const defaultAct = (handle: WorkflowHandle, step: StepProgress, by: Actor) => {
  const base = { requestId: randomUUID(), actor: by };
  return step.kind === 'approval'
    ? // A comment as a reviewer writes one: B05 approves a trip outside the annual plan only with the unit's reason (2027.6).
      handle.executeUpdate(decideStepUpdate, {
        args: [{ ...base, stepKey: step.key, decision: 'approve', comment: `${step.code} 同意：单位已书面说明` }],
      })
    : handle.executeUpdate(completeStepUpdate, { args: [{ ...base, stepKey: step.key, ...dataOf(step.code) }] });
};

/** A step certifying the departure or the return is refused before that day (Asia/Shanghai). */
function beforeItsDate(p: DelegationProgress, s: StepProgress, now: number): boolean {
  const event = behaviourOf(s.code).certifies?.event;
  if (!event) return false;
  const date = event === 'departure' ? p.facts.departureDate : p.facts.returnDate;
  return dayNumber(shanghaiDate(now)) < dayNumber(date);
}

/** How the client sees a query the worker failed (the failure's text is encrypted by the payload codec). */
const isWorkerQueryFailure = (err: unknown): boolean => err instanceof QueryNotRegisteredError;

const isDeparturePassed = (err: unknown): boolean =>
  err instanceof WorkflowUpdateFailedError && (err.cause as ApplicationFailure | undefined)?.type === 'DEPARTURE_PASSED';

const isNotBeforeDate = (err: unknown): boolean =>
  err instanceof WorkflowUpdateFailedError && (err.cause as ApplicationFailure | undefined)?.type === 'NOT_BEFORE_DATE';

/**
 * An Update the server turned away before admitting it because the case's last workflow task failed and is being
 * retried (gRPC 9 FAILED_PRECONDITION "Workflow Task in failed state"; seen once on a machine loaded by three Jest
 * workers: the SDK's cached run of the 6x3 case met a nondeterminism error, and the task's retry, a replay from the
 * history, went on). Nothing was applied; the API answers such a call 503 "retry", and the driver, like any client,
 * acts again on its next round.
 */
const isTaskRetrying = (err: unknown): boolean => {
  const grpc = (err as { cause?: { code?: unknown; details?: unknown } } | undefined)?.cause;
  return grpc?.code === 9 && /Workflow Task in failed state/i.test(String(grpc.details ?? ''));
};

/**
 * Automated users of the right roles: polls the case's progress and acts on every step awaiting a
 * person, each after its target duration in case time (so a run follows the planner's forecast).
 */
export async function drive(handle: WorkflowHandle, unit: string, options: DriveOptions = {}): Promise<DelegationProgress> {
  const until = options.until ?? ((p) => p.status !== 'open' && p.status !== 'departed');
  // A query answers with the case time of the last workflow task, which stands still while nothing happens: a
  // certifying step that looks early is still tried now and then (the update's validator reads the current time).
  const tried = new Map<string, number>();
  const waitForItsDate = (p: DelegationProgress, s: StepProgress, now: number): boolean => {
    if (!beforeItsDate(p, s, now)) return false;
    if (Date.now() - (tried.get(s.key) ?? 0) < 1_000) return true;
    tried.set(s.key, Date.now());
    return false;
  };
  const deadline = Date.now() + (options.timeoutMs ?? 150_000);
  let refusedQueries = 0;
  for (;;) {
    const p = await handle.query(progressQuery).catch((err: unknown) => {
      // A worker that refused a stale activation (workflows/stale-activation.ts) fails that query: asked again, as
      // the API's 503 tells a client to. Anything else, or five in a row, fails the drive.
      if (!isWorkerQueryFailure(err) || ++refusedQueries > 5) throw err;
      return undefined;
    });
    if (p) refusedQueries = 0;
    else {
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    if (until(p)) return p;
    if (Date.now() > deadline)
      throw new Error(
        `drive timed out; awaiting: ${p.steps
          .filter((s) => s.status === 'awaiting')
          .map((s) => s.key)
          .join(' ')}`,
      );
    const now = parseInstant(p.now);
    let lapsed = false;
    const ready = p.steps.filter(
      (s) =>
        (s.status === 'awaiting' || s.status === 'overdue') &&
        s.kind !== 'system' &&
        s.kind !== 'timer' &&
        !options.skip?.(s) &&
        !waitForItsDate(p, s, now) &&
        (options.onSchedule === false || calendar.workingDaysBetween(parseInstant(s.startedAt!), now) >= s.durationWd - 1e-6),
    );
    await Promise.all(
      ready.map((s) => {
        const role = responsibleRole({ actor: s.actorRole, phase: s.phase });
        const by = actor(
          role,
          role === 'organizer' || role === 'unit-leader' || role === 'personnel' || role === 'secrecy' || role === 'finance'
            ? unit
            : role === 'dept-approver'
              ? // 主管部门审核 is the supervising department's (competentDepartmentRefusal).
                (p.facts.supervisingDepartment ?? unit)
              : role === 'leader'
                ? 'city'
                : 'fao',
        );
        return attachMissing(handle, s, by)
          .then(() => (options.act ?? defaultAct)(handle, s, by))
          .catch((err: unknown) => {
            if (isDeparturePassed(err)) lapsed = true;
            else if (!isNotBeforeDate(err) && !isTaskRetrying(err)) throw err;
          });
      }),
    );
    if (lapsed) {
      // The driver fell behind the case's clock on a loaded machine and the trip's departure date passed while it
      // prepared (DEPARTURE_PASSED): the organizer moves the trip (改期) 15 working days on from a fresh query's now (the
      // actions above took a while: CI, a 6×3 case's redate read before them was already in the past), as a user would,
      // and the steps resting on the dates run again.
      const fresh = await handle.query(progressQuery);
      const { changes, comment } = redateRequest(fresh, 15, parseInstant(fresh.now)).body as Pick<AmendRequest, 'changes' | 'comment'>;
      await handle.executeUpdate(amendUpdate, { args: [{ requestId: randomUUID(), actor: actor('organizer', unit), changes, comment }] });
      continue;
    }
    if (ready.length === 0) await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
  }
}

/**
 * Uploads what a step requires before it is done (2027.10: A03's invitation letter and translation, A05's itinerary;
 * `missingAttachments` on its progress), as the organizer does from the case page: one attach Update per kind, for the
 * step instance. Nothing when nothing is missing.
 */
export async function attachMissing(handle: WorkflowHandle, step: StepProgress, by: Actor): Promise<void> {
  for (const request of missingDocumentAttachments(step, by, () => randomUUID()))
    await handle.executeUpdate(attachUpdate, { args: [request] });
}

/**
 * 补交 a 容缺 document as the API does: the file's metadata attached to the case first (the attach Update), then the
 * supply naming that attachment (`fileRef`, required and checked by the supply's Update validator). Answers its id.
 */
export async function supplyWithFile(handle: WorkflowHandle, by: Actor, documentId: string): Promise<string> {
  const id = randomUUID();
  const attachment = placeholderAttachment(id, 'other', null, `${documentId}.pdf`);
  await handle.executeUpdate(attachUpdate, { args: [{ requestId: randomUUID(), actor: by, attachment }] });
  await handle.executeUpdate(supplyDocumentUpdate, { args: [{ requestId: randomUUID(), actor: by, documentId, fileRef: id }] });
  return id;
}

/** The case of `input` started on the test worker's queue and driven until its A02 awaits the organizer. */
export async function startAtA02(worker: TestWorker, input: DelegationInput): Promise<WorkflowHandle> {
  const handle = await worker.client.workflow.start('delegation', {
    taskQueue: worker.config.taskQueue,
    workflowId: delegationWorkflowId(input.caseId),
    args: [input],
  });
  await drive(handle, input.facts.unit, {
    onSchedule: false,
    until: (p) => p.steps.some((s) => s.key === 'A02' && s.status === 'awaiting'),
  });
  return handle;
}
