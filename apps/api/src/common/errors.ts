import type { Label, RuleViolation } from '@df/domain';

/** One field-level problem of a request: the JSON path (e.g. `members[0].rank`), the rule it breaks and why. */
export interface FieldError {
  field: string;
  rule: string;
  message: Label;
}

/** Stable error codes of the API and their HTTP status (the one exception filter reads this table). */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  ACCOUNT_DISABLED: 403,
  ACCOUNT_LOCKED: 429,
  TOO_MANY_ATTEMPTS: 429,
  FORBIDDEN_ROLE: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  CURRENT_PASSWORD_WRONG: 403,
  ROLE_NOT_GRANTED: 403,
  CASE_OUT_OF_SCOPE: 403,
  UNIT_MISMATCH: 403,
  WRONG_ROLE: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CASE_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  GRANT_NOT_FOUND: 404,
  USERNAME_TAKEN: 409,
  ADMIN_SELF_DISABLE: 409,
  LAST_ACTIVE_ADMIN: 409,
  LAST_GRANT: 409,
  UNKNOWN_STEP: 404,
  STEP_NOT_AWAITING: 409,
  ACTION_NOT_ALLOWED: 409,
  CASE_CLOSED: 409,
  CASE_INCIDENT: 409,
  NOT_BEFORE_DATE: 409,
  MISSING_ATTACHMENTS: 409,
  RULE_VIOLATION: 422,
  INVALID_RETURN_TARGET: 422,
  INVALID_REQUEST: 422,
  INVALID_ON_BEHALF: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TEMPORAL_UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
  OUTCOME_UNKNOWN: 503,
  STORAGE_UNAVAILABLE: 503,
  ATTACHMENT_CORRUPTED: 500,
  INTERNAL_ERROR: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export interface DomainErrorExtras {
  errors?: FieldError[];
  violations?: RuleViolation[];
  stepKey?: string;
}

/** What services throw: a stable code, a bilingual message, and optionally the fields at fault. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly label: Label,
    readonly extras: DomainErrorExtras = {},
  ) {
    super(`${code}: ${label.en}`);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const domainError = (code: ErrorCode, zh: string, en: string, extras?: DomainErrorExtras): DomainError =>
  new DomainError(code, { zh, en }, extras);

/**
 * 400 VALIDATION_FAILED: the request breaks its contract, a rule its OpenAPI schema states (type, length, pattern,
 * required, a documented alternative): a client that follows the document is never refused so.
 */
export const contractRefusal = (errors: FieldError[]): DomainError => fieldRefusal('VALIDATION_FAILED', errors);

/** The one top-level message of a refusal naming its fields (400, 413, 415 alike): `请求有N处错误` / `The request has N error(s)`. */
export const refusalLabel = (count: number): Label => ({ zh: `请求有${count}处错误`, en: `The request has ${count} error(s)` });

/** A refusal with `code`'s status naming every field at fault, under the one top-level message (`refusalLabel`). */
export const fieldRefusal = (code: ErrorCode, errors: FieldError[]): DomainError =>
  new DomainError(code, refusalLabel(errors.length), { errors });

/**
 * 422 INVALID_REQUEST: the request fits its contract, but a rule no schema can state refuses it, each field named
 * with its rule: a registry's fact (no such person, a person who left, an unregistered unit), today's date,
 * another field's value, a step's own data rules. A schema-valid request is refused 422, never 400.
 */
export const ruleRefusal = (errors: FieldError[]): DomainError =>
  new DomainError(
    'INVALID_REQUEST',
    { zh: `请求有${errors.length}处不符合规则`, en: `The request breaks ${errors.length} rule(s)` },
    { errors },
  );

/** The body of every error response. */
export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: Label;
  requestId?: string;
  stepKey?: string;
  errors?: FieldError[];
  violations?: RuleViolation[];
}
