import {
  QueryNotRegisteredError,
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { INCIDENT_NOTICE } from '../common/incident-notice';
import { REJECTION_CODES, type RejectionCode, type RejectionDetails } from '@df/contracts';
import { echo } from '../common/echo';
import { DomainError, domainError } from '../common/errors';
import { isDatabaseUnavailable } from '../common/unavailable';

/** Nothing reached Temporal (the client could not connect): as definite as a refusal. */
export class NotSent extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
    this.name = 'NotSent';
  }
}

/**
 * Is this failure a definite "not applied, never will be"? A refusal by the workflow (rejection code, failed
 * update), an unknown workflow, a request never sent, a DomainError of our own. Anything else — a timeout, an
 * unreachable server mid-call, the database failing after Temporal answered, an unexpected error — leaves the
 * outcome unknown: the action may have been (or may yet be) applied.
 */
export function isDefiniteRefusal(err: unknown): boolean {
  if (err instanceof DomainError || err instanceof NotSent || err instanceof WorkflowNotFoundError) return true;
  if (rejectionOf(err)) return true;
  return err instanceof WorkflowUpdateFailedError;
}

/**
 * 503 OUTCOME_UNKNOWN for an outcome the API cannot know, never 500, whatever left it unknown (the database failing
 * after Temporal answered, Temporal not answering in time, anything unexpected): the code tells a client the action
 * may have been applied, where TEMPORAL_UNAVAILABLE and DATABASE_UNAVAILABLE say nothing was (new-user trial: an action
 * timed out read TEMPORAL_UNAVAILABLE, as one never sent). The message names the cause. With an Idempotency-Key the
 * advice is to retry with the same key (the retry returns the real outcome); without one, to look at the case before
 * acting again.
 */
export function unknownOutcome(err: unknown, keyed: boolean): DomainError {
  const retry = keyed
    ? { zh: '请使用同一 Idempotency-Key 重试，将得到实际结果', en: 'retry with the same Idempotency-Key to get the real outcome' }
    : { zh: '重试前请先查看案件是否已办理', en: 'check the case before acting again' };
  if (isDatabaseUnavailable(err))
    return domainError(
      'OUTCOME_UNKNOWN',
      `数据库暂不可用，操作结果未知：${retry.zh}`,
      `The database is unavailable and the outcome is unknown: ${retry.en}`,
    );
  const cause = err instanceof NotSent ? err.original : err;
  if (cause instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isUnavailable(cause))
    return domainError(
      'OUTCOME_UNKNOWN',
      `流程引擎未及时答复，操作结果未知：${retry.zh}`,
      `The workflow engine did not answer in time; the outcome is unknown: ${retry.en}`,
    );
  return domainError('OUTCOME_UNKNOWN', `操作结果未知：${retry.zh}`, `The outcome is unknown: ${retry.en}`);
}

/**
 * An action the case took while an incident opened (the event store refused the batch holding its events): not
 * recorded, and recorded once operations retry the incident, never to be sent again. Not a definite refusal: the key
 * stays claimed, so a retry with it returns the real outcome once the incident is resolved.
 */
export class HeldByIncident extends Error {
  constructor(readonly incidentId: string) {
    super(`held by incident ${incidentId}`);
    this.name = 'HeldByIncident';
  }
}

/** 409 CASE_INCIDENT for an action an incident holds (HeldByIncident): the incident's notice, and what became of the action. */
export function heldByIncident(keyed: boolean): DomainError {
  const held = keyed
    ? {
        zh: '本次办理已由案件收下，尚未记录：运维排除故障后自动记录，请勿重复办理；用同一 Idempotency-Key 重试可查询结果',
        en: 'This action was taken by the case but not recorded yet: it is recorded once operations have fixed the incident; do not send it again (a retry with the same Idempotency-Key returns its outcome)',
      }
    : {
        zh: '本次办理已由案件收下，尚未记录：运维排除故障后自动记录，请勿重复办理',
        en: 'This action was taken by the case but not recorded yet: it is recorded once operations have fixed the incident; do not send it again',
      };
  return new DomainError('CASE_INCIDENT', INCIDENT_NOTICE, { errors: [{ field: 'path.id', rule: 'no-incident', message: held }] });
}

/** The rejection code of a refused update, if it is one (ApplicationFailure type + RejectionDetails). */
export function rejectionOf(err: unknown): { code: RejectionCode; details?: RejectionDetails; message: string } | undefined {
  const cause = err instanceof WorkflowUpdateFailedError ? err.cause : err;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const type = cause.type ?? '';
  if (!(REJECTION_CODES as readonly string[]).includes(type)) return undefined;
  const details = cause.details?.[0] as RejectionDetails | undefined;
  return { code: type as RejectionCode, details, message: cause.message };
}

/**
 * A Temporal error as a DomainError: refusals by their RejectionCode (the contract's HTTP mapping lives in
 * ERROR_STATUS), an unknown or finished workflow as 404/409, an unreachable server as 503.
 */
export function toDomainError(err: unknown, opts: { caseKnown?: boolean } = {}): DomainError {
  if (err instanceof DomainError) return err;
  if (err instanceof NotSent)
    return domainError('TEMPORAL_UNAVAILABLE', '流程引擎暂不可用，请稍后重试', 'The workflow engine is unavailable: try again later');
  const rejection = rejectionOf(err);
  if (rejection) return refusalError(rejection.code, rejection.details, rejection.message);
  if (err instanceof WorkflowNotFoundError) {
    return opts.caseKnown
      ? domainError('CASE_CLOSED', '案件已结束，不能再办理', 'The case is closed: no more actions')
      : domainError('CASE_NOT_FOUND', '没有这个案件', 'No such case');
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isUnavailable(err)) {
    return domainError('TEMPORAL_UNAVAILABLE', '流程引擎暂不可用，请稍后重试', 'The workflow engine is unavailable: try again later');
  }
  // A query the worker failed (the client names every such failure so; ours is always registered): a stale
  // activation refused (workflows/stale-activation.ts), a replay that failed. The next one replays afresh.
  if (err instanceof QueryNotRegisteredError) {
    return domainError(
      'TEMPORAL_UNAVAILABLE',
      '流程引擎暂未能读出案件，请稍后重试',
      'The workflow engine could not read the case just now: try again',
    );
  }
  if (err instanceof WorkflowUpdateFailedError) {
    return domainError('INVALID_REQUEST', '流程拒绝了此操作', `The workflow refused the action: ${err.cause?.message ?? err.message}`);
  }
  throw err;
}

/**
 * The engine's refusal (an Update's failure; a query's answer, as the amendment's preview gives it) as the DomainError
 * the API answers with: its code (ERROR_STATUS maps it), message, step, violations and field errors. `message`: the
 * failure's own, read when the details carry none.
 */
export function refusalError(code: RejectionCode, d: RejectionDetails | undefined, message = ''): DomainError {
  // A case stopped by an incident: the workflow's message names the raw failure (EVENT_STORE_REJECTED), for
  // operators; users read what happened and what to do.
  const [zh, en] =
    code === 'CASE_INCIDENT' ? [INCIDENT_NOTICE.zh, INCIDENT_NOTICE.en] : d?.message ? [d.message.zh, d.message.en] : splitMessage(message);
  return new DomainError(
    code,
    { zh, en: withoutFieldPrefix(en, d?.errors) },
    {
      ...(d?.stepKey ? { stepKey: echo(d.stepKey) } : {}),
      ...(d?.violations ? { violations: d.violations } : {}),
      ...(d?.violations?.length || d?.errors?.length
        ? {
            errors: [
              ...(d.errors ?? []),
              ...(d.violations ?? []).map((v) => ({ field: v.field ?? '(case)', rule: v.code, message: v.message })),
            ],
          }
        : {}),
    },
  );
}

/**
 * The engine's refusal of one field reads en `data.returnedOn: must be YYYY-MM-DD` and zh without the field; the
 * field is in `errors[].field`, so the API's en drops the `<field>: ` prefix and says what zh says.
 */
export function withoutFieldPrefix(en: string, errors: readonly { field: string }[] | undefined): string {
  const hit = errors?.find((e) => en.startsWith(`${e.field}: `));
  return hit ? en.slice(hit.field.length + 2) : en;
}

function splitMessage(message: string): [string, string] {
  const i = message.indexOf(' / ');
  return i >= 0 ? [message.slice(0, i), message.slice(i + 3)] : [message, message];
}

function isUnavailable(err: unknown): boolean {
  // The SDK wraps the gRPC error (ServiceError "Failed to query Workflow", cause = the gRPC status), so look
  // along the cause chain. gRPC 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED; connection failures from Connection.connect.
  // 1 CANCELLED: our own deadline (API_UPDATE_TIMEOUT_MS / API_QUERY_TIMEOUT_MS) aborted the call.
  let e = err as { code?: number; name?: string; message?: string; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 5; depth++, e = e.cause as typeof e) {
    if (e.code === 14 || e.code === 4 || e.code === 1 || e.name === 'TransportError') return true;
    if (/ECONNREFUSED|Failed to connect|Deadline exceeded|Cancelled on client/i.test(e.message ?? '')) return true;
  }
  return false;
}

/** The trip facts an amendment changes, each sent under `changes` (AmendSchema). */
const AMENDABLE = new Set(['departureDate', 'returnDate', 'destinations', 'members']);

/** `returnDate` → `changes.returnDate`, `destinations[0].leave` → `changes.destinations[0].leave`; other fields as they are. */
export function underChanges(field: string): string {
  const top = /^[A-Za-z]+(?=$|[.[])/.exec(field)?.[0];
  return top !== undefined && AMENDABLE.has(top) ? `changes.${field}` : field;
}

/**
 * An amendment's refusal with its fields named as the client sent them: the workflow checks the trip rules on the
 * amended facts and names a fact by its place in the trip (`returnDate`, `destinations[0]`); the client sent it under
 * `changes` (new-user trial). A trip fact the amendment left as it was (a return date when only the departure moved)
 * is named where the amendment would change it (`changes.returnDate`); a field already under `changes.` and one of
 * the case as a whole (`(case)`) stay as they are. In `errors` and in `violations` alike.
 */
export function amendmentRefusal(err: DomainError): DomainError {
  const { errors, violations } = err.extras;
  if (!errors && !violations) return err;
  return new DomainError(err.code, err.label, {
    ...err.extras,
    ...(errors ? { errors: errors.map((e) => ({ ...e, field: underChanges(e.field) })) } : {}),
    ...(violations ? { violations: violations.map((v) => (v.field ? { ...v, field: underChanges(v.field) } : v)) } : {}),
  });
}

/**
 * A progress query's failure as the API answers it: what toDomainError knows (no such case: 404; Temporal down: 503),
 * and any other error of Temporal's service 503 "try again" too, never 500 (second trial: a case whose workflow task
 * kept failing answered GET /api/delegations/:id with 500 "Failed to query Workflow"). A read changes nothing: a
 * retry is always safe.
 */
export function queryFailure(err: unknown): unknown {
  try {
    return toDomainError(err);
  } catch (unknown) {
    if (unknown instanceof ServiceError)
      return domainError(
        'TEMPORAL_UNAVAILABLE',
        '流程引擎暂未能读出案件，请稍后重试',
        'The workflow engine could not read the case just now: try again',
      );
    return unknown;
  }
}
