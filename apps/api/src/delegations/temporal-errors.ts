import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { REJECTION_CODES, type RejectionCode, type RejectionDetails } from '@df/contracts';
import { DomainError, domainError } from '../common/errors';

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
  const rejection = rejectionOf(err);
  if (rejection) {
    const d = rejection.details;
    const [zh, en] = d?.message ? [d.message.zh, d.message.en] : splitMessage(rejection.message);
    return new DomainError(
      rejection.code,
      { zh, en },
      {
        ...(d?.stepKey ? { stepKey: d.stepKey } : {}),
        ...(d?.violations ? { violations: d.violations } : {}),
        ...(d?.violations?.length
          ? { errors: d.violations.map((v) => ({ field: v.field ?? '(case)', rule: v.code, message: v.message })) }
          : {}),
      },
    );
  }
  if (err instanceof WorkflowNotFoundError) {
    return opts.caseKnown
      ? domainError('CASE_CLOSED', '案件已办结，不能再办理', 'The case is closed: no more actions')
      : domainError('CASE_NOT_FOUND', '没有这个案件', 'No such case');
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isUnavailable(err)) {
    return domainError('TEMPORAL_UNAVAILABLE', '流程引擎暂不可用，请稍后重试', 'The workflow engine is unavailable: try again later');
  }
  if (err instanceof WorkflowUpdateFailedError) {
    return domainError('INVALID_REQUEST', '流程拒绝了此操作', `The workflow refused the action: ${err.cause?.message ?? err.message}`);
  }
  throw err;
}

function splitMessage(message: string): [string, string] {
  const i = message.indexOf(' / ');
  return i >= 0 ? [message.slice(0, i), message.slice(i + 3)] : [message, message];
}

function isUnavailable(err: unknown): boolean {
  const e = err as { code?: number; name?: string; message?: string; cause?: { code?: number } };
  // gRPC 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED; connection failures from Connection.connect.
  // 1 CANCELLED: our own deadline (UPDATE_TIMEOUT_MS) aborted the call.
  return e?.code === 14 || e?.code === 4 || e?.code === 1 || e?.cause?.code === 14 || e?.name === 'TransportError' || /ECONNREFUSED|Failed to connect/i.test(e?.message ?? '');
}
