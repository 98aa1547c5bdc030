import { sentenceCase, type Label, type RuleViolation } from '@df/domain';

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
  SELF_APPROVAL: 403,
  SELF_GRANT: 403,
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
  DEPARTURE_PASSED: 409,
  PASSPORT_ALREADY_HELD: 409,
  PERSON_ALREADY_REGISTERED: 409,
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

/** The codes of a refusal (4xx): the client's doing, each with the field and rule it names. */
export type RefusalCode = { [K in ErrorCode]: (typeof ERROR_STATUS)[K] extends 500 | 503 ? never : K }[ErrorCode];

/**
 * The field and rule a refusal names when its thrower named none (a 403 role, a 404 case, a 409 date): every 4xx
 * carries `errors[]`. One entry per refusal code (typed exhaustive); the error's message is the refusal's own.
 */
export const DEFAULT_FIELD: Record<RefusalCode, { field: string; rule: string }> = {
  VALIDATION_FAILED: { field: '(request)', rule: 'invalid' },
  MALFORMED_JSON: { field: '(body)', rule: 'json' },
  UNAUTHENTICATED: { field: 'headers.Authorization', rule: 'signed-in' },
  INVALID_CREDENTIALS: { field: '(body)', rule: 'credentials' },
  ACCOUNT_DISABLED: { field: '(request)', rule: 'account-enabled' },
  ACCOUNT_LOCKED: { field: '(request)', rule: 'account-unlocked' },
  TOO_MANY_ATTEMPTS: { field: '(request)', rule: 'rate-limit' },
  FORBIDDEN_ROLE: { field: '(request)', rule: 'role' },
  PASSWORD_CHANGE_REQUIRED: { field: '(request)', rule: 'password-changed' },
  CURRENT_PASSWORD_WRONG: { field: 'currentPassword', rule: 'current-password' },
  ROLE_NOT_GRANTED: { field: '(request)', rule: 'role' },
  CASE_OUT_OF_SCOPE: { field: '(request)', rule: 'scope' },
  UNIT_MISMATCH: { field: '(request)', rule: 'unit' },
  WRONG_ROLE: { field: '(request)', rule: 'role' },
  SELF_APPROVAL: { field: '(request)', rule: 'separation-of-duties' },
  SELF_GRANT: { field: 'path.username', rule: 'not-self' },
  NOT_FOUND: { field: 'path', rule: 'known' },
  METHOD_NOT_ALLOWED: { field: '(request)', rule: 'method' },
  CASE_NOT_FOUND: { field: 'path.id', rule: 'known-case' },
  USER_NOT_FOUND: { field: 'path.username', rule: 'known-user' },
  GRANT_NOT_FOUND: { field: 'path.role', rule: 'known-grant' },
  USERNAME_TAKEN: { field: 'username', rule: 'unique' },
  ADMIN_SELF_DISABLE: { field: 'path.username', rule: 'not-self' },
  LAST_ACTIVE_ADMIN: { field: 'path.username', rule: 'last-active-admin' },
  LAST_GRANT: { field: 'path.role', rule: 'last-grant' },
  UNKNOWN_STEP: { field: 'path.stepKey', rule: 'known-step' },
  STEP_NOT_AWAITING: { field: 'path.stepKey', rule: 'awaiting' },
  ACTION_NOT_ALLOWED: { field: '(request)', rule: 'action-allowed' },
  CASE_CLOSED: { field: 'path.id', rule: 'open-case' },
  CASE_INCIDENT: { field: 'path.id', rule: 'no-incident' },
  NOT_BEFORE_DATE: { field: 'path.stepKey', rule: 'not-before-date' },
  MISSING_ATTACHMENTS: { field: 'path.stepKey', rule: 'attachments' },
  DEPARTURE_PASSED: { field: 'path.stepKey', rule: 'departure-passed' },
  PASSPORT_ALREADY_HELD: { field: 'holder', rule: 'one-valid-passport' },
  PERSON_ALREADY_REGISTERED: { field: 'name', rule: 'unique-person' },
  RULE_VIOLATION: { field: '(request)', rule: 'rules' },
  INVALID_RETURN_TARGET: { field: 'returnTo', rule: 'return-target' },
  INVALID_REQUEST: { field: '(request)', rule: 'invalid' },
  INVALID_ON_BEHALF: { field: 'onBehalfOf', rule: 'on-behalf' },
  IDEMPOTENCY_KEY_REUSED: { field: 'headers.Idempotency-Key', rule: 'reused' },
  PAYLOAD_TOO_LARGE: { field: '(body)', rule: 'max-bytes' },
  UNSUPPORTED_MEDIA_TYPE: { field: 'headers.Content-Type', rule: 'media-type' },
};

/** A refusal's `errors[]`: its own, or, when it named none, the one `DEFAULT_FIELD` names (with the refusal's message). */
export function refusalErrors(code: ErrorCode, label: Label, errors: FieldError[] | undefined): FieldError[] | undefined {
  if (errors?.length) return errors;
  const named = (DEFAULT_FIELD as Partial<Record<ErrorCode, { field: string; rule: string }>>)[code];
  return named ? [{ ...named, message: label }] : errors;
}

export interface DomainErrorExtras {
  errors?: FieldError[];
  violations?: RuleViolation[];
  stepKey?: string;
  /** A 429's wait: sent as Retry-After by the exception filter. */
  retryAfterSeconds?: number;
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

/**
 * An error body with every English message in sentence case (its message, errors[] and violations[]): applied where
 * errors become HTTP. Each English is cased beside its Chinese, so a leading identifier both write stays as written.
 */
export function sentenceCased(body: ErrorBody): ErrorBody {
  const label = (l: Label): Label => ({ ...l, en: sentenceCase(l.en, l.zh) });
  return {
    ...body,
    message: label(body.message),
    ...(body.errors ? { errors: body.errors.map((e) => ({ ...e, message: label(e.message) })) } : {}),
    ...(body.violations ? { violations: body.violations.map((v) => ({ ...v, message: label(v.message) })) } : {}),
  };
}

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
