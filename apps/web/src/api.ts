import type { ProcessKind } from '../../../libs/domain/src/definition/apec-card';
import type { Bilingual } from './i18n';
import { newId } from './ids';

/** The signed-in user, as POST /api/auth/login returns it. */
export interface User {
  id: string;
  username: string;
  role: string;
  unit: string;
  name: string;
}

/** One role held for one unit (a person may hold several; the sign-in picks one). */
export interface Grant {
  role: string;
  unit: string;
}

export interface Session {
  token: string;
  user: User;
  /** Every grant the user holds (the login answer's `grants`); the token carries `user.role`/`user.unit`. */
  grants: Grant[];
  /** The password was set by an administrator: every route but POST /api/auth/password answers 403 until changed. */
  mustChangePassword: boolean;
  /** Epoch ms when the token expires (login time + expiresIn). */
  expiresAt: number;
}

/** A field error of a 400/422 answer: its JSON path, the rule and the bilingual message. */
export interface FieldError {
  field: string;
  rule: string;
  message: Bilingual;
}

/** An error answer of the API ({statusCode, code, message: {zh, en}, errors?, violations?}). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly bilingual: Bilingual,
    readonly errors: FieldError[] = [],
    readonly violations: Array<{ code: string; field?: string; message: Bilingual }> = [],
    /** Seconds from the Retry-After header of a 429 (lockout), when given. */
    readonly retryAfter: number | null = null,
  ) {
    super(bilingual.en);
  }
}

const KEY = 'df.session';
let session: Session | null = readSession();
let onExpired: (reason: Bilingual) => void = () => undefined;
let onMustChange: () => void = () => undefined;

function readSession(): Session | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return s && s.expiresAt > Date.now() ? { ...s, grants: s.grants ?? [], mustChangePassword: s.mustChangePassword ?? false } : null;
  } catch {
    return null;
  }
}

export const currentSession = (): Session | null => session;
export function setSession(s: Session | null): void {
  session = s;
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
}
/**
 * Called when the API answers 401 to a signed-in request: the session expired or was revoked, `reason` the API's words
 * (登录已过期 / 访问令牌已失效（账号已停用或权限已变更）; trial 56: a disabled account read "session expired").
 */
export function onSessionExpired(fn: (reason: Bilingual) => void): void {
  onExpired = fn;
}

/** Called when the API answers 403 PASSWORD_CHANGE_REQUIRED: the session is marked and the app shows the change page. */
export function onPasswordChangeRequired(fn: () => void): void {
  onMustChange = fn;
}

const newKey = newId;

/**
 * One API call. POSTs carry an Idempotency-Key (a retry of the same action with the same key is safe);
 * error answers become ApiError with the API's bilingual message.
 */
export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (session) headers.authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  // The delegation actions always carry one; any other POST the key its caller holds (e.g. the APEC applications').
  if (method === 'POST' && (path.startsWith('/api/delegations') || idempotencyKey)) headers['idempotency-key'] = idempotencyKey ?? newKey();
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!res.ok) throw refusal(res, json);
  return json as T;
}

/**
 * An error answer as an ApiError, with its effects on the session: 401 ends it (the session expired or was revoked),
 * 403 PASSWORD_CHANGE_REQUIRED marks it.
 */
function refusal(res: Response, json: Record<string, unknown>): ApiError {
  const message = (json.message as Bilingual | undefined) ?? { zh: `请求失败（${res.status}）`, en: `Request failed (${res.status})` };
  if (res.status === 401 && session) {
    setSession(null);
    onExpired(message);
  }
  if (res.status === 403 && json.code === 'PASSWORD_CHANGE_REQUIRED' && session) {
    setSession({ ...session, mustChangePassword: true });
    onMustChange();
  }
  const retry = Number(res.headers.get('retry-after'));
  return new ApiError(
    res.status,
    String(json.code ?? 'ERROR'),
    message,
    (json.errors as FieldError[]) ?? [],
    (json.violations as ApiError['violations']) ?? [],
    Number.isFinite(retry) && retry > 0 ? retry : null,
  );
}

/**
 * Uploads one file as an attachment of a case (POST /api/delegations/{id}/attachments, multipart: kind, stepKey?,
 * file); answers the stored attachment (its `id` is what a step's `fileRef` names). Errors as `api` gives them (refusal).
 */
export async function uploadAttachment(caseId: string, meta: { kind: string; stepKey?: string }, file: File): Promise<{ id: string }> {
  const form = new FormData();
  form.append('kind', meta.kind);
  if (meta.stepKey) form.append('stepKey', meta.stepKey);
  form.append('file', file, file.name);
  const headers: Record<string, string> = { accept: 'application/json', 'idempotency-key': newKey() };
  if (session) headers.authorization = `Bearer ${session.token}`;
  const res = await fetch(`/api/delegations/${caseId}/attachments`, { method: 'POST', headers, body: form });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown> & { attachment?: { id: string } };
  if (!res.ok || !json.attachment) {
    const e = refusal(res, json);
    if (e.errors.length === 0) throw e;
    // The field errors (a file type or size refused: 415, 413) in the message itself, which is what the upload's alert
    // shows: there is no form field to show them at, and the bare message only counts them.
    const message = {
      zh: `${e.bilingual.zh}：${e.errors.map((x) => x.message.zh).join('；')}`,
      en: `${e.bilingual.en}: ${e.errors.map((x) => x.message.en).join('; ')}`,
    };
    throw new ApiError(e.status, e.code, message, e.errors, e.violations, e.retryAfter);
  }
  return json.attachment;
}

interface LoginAnswer {
  accessToken: string;
  expiresIn: number;
  user: User;
  grants?: Grant[];
  mustChangePassword?: boolean;
}

function sessionOf(r: LoginAnswer): Session {
  const s: Session = {
    token: r.accessToken,
    user: r.user,
    grants: r.grants ?? [{ role: r.user.role, unit: r.user.unit }],
    mustChangePassword: r.mustChangePassword ?? false,
    expiresAt: Date.now() + r.expiresIn * 1000,
  };
  setSession(s);
  return s;
}

/** POST /api/auth/login; `grant` picks one of the user's grants (default: the first). */
export async function login(username: string, password: string, grant?: Grant): Promise<Session> {
  return sessionOf(await api<LoginAnswer>('POST', '/api/auth/login', { username, password, ...(grant ?? {}) }));
}

/**
 * POST /api/auth/password: the answer is a new token (every earlier one stops), stored as the session.
 * Errors: 400 (newPassword too short or unchanged), 403 CURRENT_PASSWORD_WRONG, 429 with Retry-After.
 */
export async function changePassword(currentPassword: string, newPassword: string): Promise<Session> {
  return sessionOf(await api<LoginAnswer>('POST', '/api/auth/password', { currentPassword, newPassword }));
}

/** Downloads a binary (a PDF) with the session's token and hands it to the browser as a file. */
export async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(path, { headers: session ? { authorization: `Bearer ${session.token}` } : {} });
  if (!res.ok) {
    const json = (await res.json().catch(() => ({}))) as { code?: string; message?: Bilingual };
    throw new ApiError(res.status, json.code ?? 'ERROR', json.message ?? { zh: '下载失败', en: 'Download failed' });
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// Shapes of the answers the pages read (see docs/api.md; loose: the API may add fields).
export interface CaseSummary {
  caseId: string;
  process: ProcessKind;
  title: string;
  unit: string;
  purpose: string;
  status: string;
  phase: string;
  departureDate: string;
  returnDate: string;
  countries: string[];
  memberCount: number;
  forecastReadyAt: string | null;
  slackWd: number | null;
  atRisk: boolean;
  /** The plan crosses a year without a published holiday schedule (暂排). */
  provisionalCalendar?: boolean;
  criticalStep: string | null;
  submittedAt: string;
  /** 退回修改: an organizer step is open again because an approver returned it (the list API's). */
  returnedForRevision?: boolean;
}

export interface InboxItem {
  caseId: string;
  process: ProcessKind;
  title: string;
  unit: string;
  departureDate: string;
  caseAtRisk: boolean;
  caseSlackWd: number | null;
  stepKey: string;
  code: string;
  name: Bilingual;
  phase: string;
  kind: string;
  actorRole: string;
  memberId: string | null;
  /** A member's step: whose (the member's name). */
  memberName: string | null;
  country: string | null;
  status: string;
  startedAt: string | null;
  dueAt: string | null;
  latestStartAt: string | null;
  /** On a time scale, the case's clock now (its due and latest times are in it); absent in real time. */
  caseNow?: string;
  onBehalf: boolean;
  /**
   * A step a return sent back and not done again: the returning step's key (`objection`: a public-notice objection), its
   * name and role (null for an objection), its reason, who returned it, when.
   */
  returnedBy?: {
    stepKey: string;
    name?: Bilingual | null;
    actorRole?: string | null;
    comment: string | null;
    actedBy?: string | null;
    at: string;
  } | null;
  /**
   * Why the caller may not decide or complete the step here (SELF_APPROVAL: they acted on the case as its organizer,
   * so they hand it to another officer of the role instead of meeting a 403; SUPPLY_DOCUMENTS: it completes itself once
   * every 容缺 document is supplied on the case page; DEPARTURE_PASSED: the trip's dates passed without a departure,
   * amend them or withdraw; NOT_BEFORE_DATE: the departure's confirmation before the departure date; CASE_INCIDENT: an incident stopped the case; ENTERPRISE_STANDING: the card application's
   * enterprise is off the whitelist; PASSPORT_CUSTODY: the custody ledger cannot make the passport step's move now,
   * the member's passport out on loan for another case or none valid for the trip; STEP_BLOCKED: a 容缺 document the step
   * needs is past its deadline);
   * null when they may.
   */
  blockedFor: { code: string; message: Bilingual } | null;
}

/**
 * Whether an inbox item keeps its action button: nothing blocks it, or it is an approval whose trip's dates passed or
 * whose enterprise is off the whitelist (DEPARTURE_PASSED, ENTERPRISE_STANDING refuse approving it, not returning or
 * rejecting it).
 */
export const actionable = (i: Pick<InboxItem, 'blockedFor' | 'kind'>): boolean =>
  !i.blockedFor || ((i.blockedFor.code === 'DEPARTURE_PASSED' || i.blockedFor.code === 'ENTERPRISE_STANDING') && i.kind === 'approval');

export interface StepProgress {
  key: string;
  code: string;
  name: Bilingual;
  phase: string;
  kind: string;
  actorRole: string;
  memberId?: string;
  country?: string;
  status: string;
  durationWd: number;
  /** The task's output as recorded (A09's `budget` from 2027.11, a written outcome, …). */
  data?: Record<string, unknown>;
  blockedReason?: Bilingual;
  startedAt?: string;
  doneAt?: string;
  dueAt?: string;
  latestStartAt?: string;
  /** Not started: the plan's earliest start and finish (the schedule the forecast ends). */
  earliestStartAt?: string;
  earliestFinishAt?: string;
  critical: boolean;
  actedBy?: string;
  onBehalfOf?: string;
  decision?: string;
  comment?: string;
  returns: number;
  /** Attachment kinds the step needs before it completes, and those still missing (issue 15 item 3). */
  requiresAttachments?: string[];
  missingAttachments?: string[];
  /** An approval of a trip outside the annual plan (B05 from 2027.6): what its comment must state (the unit's written reason). */
  planReason?: { zh: string; en: string };
  /** A done approval whose written reason a later plan check asks for and its comment lacks (trial 66). */
  planReasonMissing?: { zh: string; en: string };
  /** A done approval of a trip outside the annual plan: the unit's written reason its comment states (trial 67). */
  planReasonStated?: string;
  /** The return that sent the step back, while it is not done again (its reason: the returning decision's comment). */
  returnedBy?: { stepKey: string; comment?: string; actedBy?: string; at: string };
  /** The amendment that ran the step again, while it is not done again (who amended, when). */
  rerunBy?: { cause: 'amend'; actedBy?: string; at: string };
  /** A step opened again: its last completion's data, which its dialog fills in to be corrected. */
  lastData?: Record<string, unknown>;
  /** An open approval's return targets, nearest first (what `returnTo` may name). */
  returnTargets?: string[];
}

export interface Progress {
  caseId: string;
  /** The case's event sequence the answer shows (a step action sends it as `seenSeq`: what the person saw). */
  lastSeq?: number;
  /** The definition version the case runs (its process: processOfVersion). */
  definitionVersion: string;
  title: string;
  unit: string;
  status: string;
  phase: string;
  now: string;
  departureDate: string;
  daysToDeparture: number;
  submittedAt: string;
  facts: {
    purpose: string;
    returnDate: string;
    destinations: Array<{
      country: string;
      city?: string;
      arrive: string;
      leave: string;
      inviter?: { name: string; organization: string };
    }>;
    /** personId: a roster person's (masked for a viewer it is not clear for). */
    members: Array<{
      id: string;
      name: string;
      personId?: string;
      position?: string;
      rank: string;
      /** The passport on file (the number masked for a viewer who may not read it); null: none. */
      passport?: { inCustody: boolean; number?: string; expiresOn?: string } | null;
      /** The member's APEC business travel card (its economies: where it serves in lieu of a visa). */
      apecCard?: { economies?: string[] } | null;
    }>;
  };
  /** Each member's entry route by country (D01 records it). */
  routes?: Record<string, Record<string, string>>;
  plan: {
    criticalPath: string[];
    /** The step the forecast waits on (关键步骤), the engine's: null when none is left or the case is closed. */
    criticalStep: string | null;
    forecastReadyAt: string;
    forecastReadyDate: string;
    slackWd: number;
    atRisk: boolean;
    provisionalCalendar?: boolean;
  };
  steps: StepProgress[];
  deficiencies: Array<{
    id: string;
    name: string;
    neededBy: string;
    dueAt: string;
    status: string;
    /** The attachment it was supplied as. */
    fileRef?: string;
    extensions?: number;
    extensionsLeft?: number;
  }>;
  approvalDocumentNo?: string;
  /** `read-model`: Temporal no longer has the workflow; deficiencies and objections are then in the timeline only. */
  source?: 'workflow' | 'read-model';
  /** Public-notice objections (公示异议); `by` null for a role that may not see who recorded it. Absent from the read model's answer. */
  objections?: Array<{ at: string; by: string | null; text: string }>;
  /** The display name of each account the answer names (steps' actedBy, rerunBy, returnedBy), by username: accountName. */
  actorNames?: Record<string, string>;
  /**
   * The incident stopping the case (a failure retrying cannot fix; actions answer 409 CASE_INCIDENT until operations
   * retry it): when it stopped, the steps it holds and the API's bilingual notice (apps/api/src/common/incident-notice.ts).
   */
  incident?: CaseIncidentNotice | null;
}

/** An incident as the API shows it to users (IncidentForUsers): no raw failure, a notice in both languages. */
export interface CaseIncidentNotice {
  incidentId: string;
  openedAt: string;
  stepKeys: string[];
  notice: Bilingual;
}

export interface CatalogStep {
  code: string;
  name: Bilingual;
  actor: string;
  actorLabel: Bilingual;
  kind: string;
  needs: string[];
  decisions: string[];
  /** The schema of the completion's data (null: none): 'written-outcome' asks for the outcome in writing. */
  data?: string | null;
  /** The passport custody ledger's move the step makes (C07 check-out, P02 check-in, C06 cancel, C05 register). */
  custody?: string | null;
}

export interface Catalog {
  steps: CatalogStep[];
  /** Every process the engine runs (issue 17): the delegation chain first, then the APEC card application. */
  processes: Array<{ process: string; processLabel: Bilingual; version: string; steps: CatalogStep[] }>;
  roles: Record<string, Bilingual>;
  phases: Record<string, Bilingual>;
  /** Each process's phase labels (a card application's prepare: 企业申请). */
  phasesByProcess?: Record<string, Record<string, Bilingual>>;
  purposes: Record<string, Bilingual>;
  ranks: Record<string, Bilingual>;
  countries: Record<string, { nameZh: string; nameEn: string; officialPassportRoute?: string }>;
}

let catalogPromise: Promise<Catalog> | null = null;
/** The process definition in force (GET /api/catalog), fetched once per session. */
export const catalog = (): Promise<Catalog> =>
  (catalogPromise ??= api<Catalog>('GET', '/api/catalog').catch((e: unknown) => {
    catalogPromise = null;
    throw e;
  }));

/** GET /api/apec/enterprises/:unit (ApecEnterpriseView): an enterprise, its whitelist state and history. docs/apec.md. */
export interface ApecEnterprise {
  unit: string;
  /** The unit's names in the registry (null: not registered). */
  nameZh: string | null;
  nameEn: string | null;
  ownership: 'state' | 'non-state';
  size: 'large' | 'medium' | 'small' | 'micro';
  /** null: never listed (a state enterprise needs no whitelist). */
  whitelist: {
    state: 'admitted' | 'suspended' | 'exited';
    reason: string | null;
    note: string | null;
    since: string;
    reviewDueOn: string | null;
  } | null;
  mayApply: boolean;
  /** Why it may not apply for cards now, naming its whitelist state (the application's 422 says the same); null: it may. */
  applyRefusal: Bilingual | null;
  history: Array<{
    action: string;
    fromState: string | null;
    toState: string | null;
    reason?: string | null;
    detail?: unknown;
    stoppedCases?: string[];
    actorId?: string;
    at: string;
  }>;
}

/** POST /api/apec/enterprises/:unit/whitelist/admission (ApecAdmissionResult). */
export interface ApecAdmissionResult {
  admitted: boolean;
  failures: Array<{ criterion: string; message: Bilingual }>;
  enterprise: ApecEnterprise;
}

/** One card of GET /api/apec/cards (ApecCard); the number is masked for both APEC roles. */
export interface ApecCard {
  apecCardNumber: string;
  holder: string;
  holderName: string | null;
  unit: string;
  economies: string[];
  issuedOn: string;
  validUntil: string;
  renewalOpensOn: string;
  status: 'valid' | 'renewal-open' | 'expired' | 'lost' | 'cancelled';
  caseId: string | null;
  /** The card's reference (not personal data): how the desk names a card whose number it sees masked. */
  ref: string;
}

/** One line of GET /api/apec/enterprises (ApecEnterpriseList): the enterprise without its history. */
export type ApecEnterpriseLine = Omit<ApecEnterprise, 'history'> & { nameZh: string | null; nameEn: string | null; changedAt: string };

/** GET /api/registries/people: one roster entry (the fields the card form shows). */
export interface RosterPerson {
  personId: string;
  unit: string;
  name: string;
  status: string;
}

/** GET /api/registries/units: one registered unit (the fields the APEC desk shows). */
export interface UnitSummary {
  code: string;
  nameZh: string;
  nameEn: string;
}
