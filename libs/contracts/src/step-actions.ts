import {
  addDays,
  builtInBehaviourOf,
  CalendarSpanError,
  DATE_BOUNDS,
  builtInDefinitionOf,
  chineseCalendar,
  dayNumber,
  publishedDefinition,
  responsibleRole,
  shanghaiDate,
  systemWorkReading,
  type AttachmentKind,
  type Role,
} from '@df/domain';
import type { Actor, AttachmentMetadata, AttachRequest, DelegationProgress, StepProgress } from './delegation';

/**
 * What an automated user does with a step over the HTTP API: shared by the e2e tests and the
 * benchmark (apps/bench), so both drive a case the same way.
 */

/** Who records a step through the API: the actor, members' steps by the organizer, external ones by the phase's officer. */
export function roleFor(step: Pick<StepProgress, 'actorRole' | 'phase'>): Role {
  return responsibleRole({ actor: step.actorRole, phase: step.phase });
}

/** Steps awaiting a person (not the engine's system steps and timers). */
export const actionable = (p: DelegationProgress): StepProgress[] =>
  p.steps.filter((s) => (s.status === 'awaiting' || s.status === 'overdue') && s.kind !== 'system' && s.kind !== 'timer');

export interface StepRequest {
  /** Path under the API root, e.g. `/api/delegations/<id>/steps/B07/decision`. */
  path: string;
  body: Record<string, unknown>;
}

/**
 * The data a step's schema requires of any completion, as an automated user (the tests' drivers, the benchmark)
 * writes it: the outcome in writing where the step declares 'written-outcome' (A04, A14, D11), the trip report's
 * written summary (P03, 'trip-report'), the new passport's number and dates (C05, 'new-passport'), the visa's validity
 * (D13, 'visa-issued'), the external outcome
 * (D12's visa, K05's pre-clearance: granted), the card issued (K06's number, read by K07). `version` the case's definition version; without it, the newest built-in
 * version of the process holding the code (builtInBehaviourOf). Undefined: none required.
 */
export function requiredTaskData(code: string, version?: string): Record<string, unknown> | undefined {
  const definition = version === undefined ? builtInDefinitionOf(code) : (publishedDefinition(version) ?? builtInDefinitionOf(code));
  const schema = definition?.steps.find((s) => s.code === code)?.behaviour?.data;
  // The card the office issued, which the card registration reads (K06): a number of its own per completion (no two
  // drivers' cases claim one number); issued today, valid five years (the registration's defaults).
  if (definition && systemWorkReading(definition, code).includes('apec-card-register'))
    return { cardNumber: `CHT${Math.floor(100_000_000 + Math.random() * 899_999_999)}` };
  if (schema === 'written-outcome') return { outcome: `${code} 已处理` };
  // The external outcome (D12's visa, K05's pre-clearance) is given: granted (outcomeRequiredProblems).
  if (schema === 'external-outcome') return { outcome: 'granted' };
  if (schema === 'trip-report') return { summary: `${code} 出访报告：任务完成` };
  // A one-country week's estimate (2027.11: A09's figures, which A10 and B05 read).
  if (schema === 'budget-estimate')
    return { budget: { internationalTravelYuan: 38_000, lodgingYuan: 12_600, mealsYuan: 4_200, incidentalsYuan: 2_100 } };
  // A number of its own per completion, so no two drivers' cases hand the ledger one passport for two people.
  // A multiple-entry visa valid 2025-2034, covering any stay the drivers' trips make (2027.12: D13's visa).
  if (schema === 'visa-issued') return { validFrom: '2025-01-01', validUntil: '2034-12-31', entries: 'multiple' };
  if (schema === 'new-passport')
    return { number: `E${Math.floor(10_000_000 + Math.random() * 89_999_999)}`, issuedOn: '2025-01-02', expiresOn: '2035-01-01' };
  return undefined;
}

/**
 * The attach requests an automated user (the tests' drivers, the benchmark's board templates) sends before completing a
 * step whose progress lists documents as missing (2027.10: A03's invitation letter and translation, A05's itinerary):
 * one 1 KiB PDF's metadata per missing kind, for the step instance, its id (and request id) from `idOf(kind)`. Over the
 * HTTP API the same documents are uploaded as files (the API records this metadata). Empty when nothing is missing.
 */
export function missingDocumentAttachments(
  step: Pick<StepProgress, 'key' | 'missingAttachments'>,
  actor: Actor,
  idOf: (kind: string) => string,
): AttachRequest[] {
  return (step.missingAttachments ?? []).map((kind) => {
    const id = idOf(kind);
    return { requestId: id, actor, attachment: placeholderAttachment(id, kind, step.key) };
  });
}

/**
 * The metadata the API records for a 1 KiB PDF of `kind` stored as `id`, for the step instance `stepKey` or the whole
 * case (null): what an automated user's attach Update carries (the documents a step requires, a 容缺 supply's file).
 */
export function placeholderAttachment(
  id: string,
  kind: AttachmentKind,
  stepKey: string | null,
  fileName = `${kind}.pdf`,
): AttachmentMetadata {
  return {
    id,
    kind,
    stepKey,
    fileName,
    mimeType: 'application/pdf',
    size: 1024,
    sha256: placeholderSha256(id),
    storageKey: `documents/${id}`,
  };
}

/**
 * A stand-in SHA-256 (64 lower-case hex digits) for the placeholder file `id`: a different one for each id, as real files
 * of different content have (the engine takes one content as one document: missingAttachmentKinds' `distinct`). FNV-1a
 * over the id, eight rounds; not a hash of any bytes.
 */
export function placeholderSha256(id: string): string {
  let out = '';
  for (let round = 0; round < 8; round++) {
    let h = (0x811c9dc5 ^ round) >>> 0;
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out;
}

/**
 * The request that approves an approval or completes a task (route 'visa' at D01, visa granted at D12, a written outcome
 * at A14/D11). An approval's comment states grounds, as B05's outside the annual plan must (isStatedReason).
 */
export function stepRequest(
  caseId: string,
  step: Pick<StepProgress, 'key' | 'code' | 'kind'>,
  extra: Record<string, unknown> = {},
): StepRequest {
  const base = `/api/delegations/${caseId}/steps/${encodeURIComponent(step.key)}`;
  if (step.kind === 'approval')
    return {
      path: `${base}/decision`,
      body: { decision: 'approve', comment: `${step.code} 同意：应邀出席年度经贸洽谈会，单位已书面说明`, ...extra },
    };
  const data = builtInBehaviourOf(step.code).data === 'entry-route' ? { route: 'visa' } : requiredTaskData(step.code);
  return { path: `${base}/complete`, body: { ...(data ? { data } : {}), comment: `${step.code} 已办`, ...extra } };
}

/**
 * A case's clock now (epoch ms), as the workflow's CaseClock keeps it: real time, or with a time scale the working days
 * elapsed since the submission added to it (the workflow starts within moments of the submission). The progress
 * answer's own `now` may be an older published answer's.
 */
export function caseClockNow(p: Pick<DelegationProgress, 'submittedAt' | 'workingDaySeconds'>, realNow = Date.now()): number {
  if (!p.workingDaySeconds) return realNow;
  const submitted = Date.parse(p.submittedAt);
  try {
    return chineseCalendar().addWorkingDays(submitted, (realNow - submitted) / (p.workingDaySeconds * 1000), 'start');
  } catch (err) {
    // Run past the calendar's 50 years (a case submitted long before a time scale was set): the last day there is, not
    // an error on every read (CI: the inbox answered 500 for a case submitted months before on a 1 s working day).
    if (err instanceof CalendarSpanError) return Date.parse(`${DATE_BOUNDS.latest}T00:00:00+08:00`);
    throw err;
  }
}

/**
 * 改期 as an automated user sends it when its case met 409 DEPARTURE_PASSED (the trip's dates passed while it
 * prepared): `POST /api/delegations/{id}/amend` by the organizer (the amend Update's `changes` and `comment`), the
 * departure `marginWd` working days after `now` (the case's clock: caseClockNow for a case the API started, whose
 * submission instant is real; a fresh query's `now` otherwise) and the day after, every stop shifted by as many days.
 */
export function redateRequest(p: DelegationProgress, marginWd: number, now = caseClockNow(p)): StepRequest {
  const departureDate = addDays(shanghaiDate(chineseCalendar().addWorkingDays(now, marginWd)), 1);
  const shift = dayNumber(departureDate) - dayNumber(p.facts.departureDate);
  return {
    path: `/api/delegations/${p.caseId}/amend`,
    body: {
      changes: {
        departureDate,
        returnDate: addDays(p.facts.returnDate, shift),
        destinations: p.facts.destinations.map((d) => ({ ...d, arrive: addDays(d.arrive, shift), leave: addDays(d.leave, shift) })),
      },
      comment: '改期（出发日期已过）',
    },
  };
}

/** Whether the step instance awaits an action in the case as read (awaiting or overdue: what the workflow accepts). */
export function stepAwaits(progress: Pick<DelegationProgress, 'steps'>, stepKey: string): boolean {
  const status = progress.steps.find((s) => s.key === stepKey)?.status;
  return status === 'awaiting' || status === 'overdue';
}

/**
 * The gate before the API does anything for a step's completion beyond checking its data (the custody precheck, C07's
 * check-out, a number's claim): the caller is the step's own role (responsibleRole) and the step awaits in the case as
 * read (stepAwaits). Anyone else, or a step done or not yet open, is the workflow's to refuse (403 WRONG_ROLE, 409
 * STEP_NOT_AWAITING), and nothing is moved or held for it first (seventh trial).
 */
export function stepOpenToRole(
  step: { actor: Role; phase: string },
  stepKey: string,
  role: Role,
  progress: Pick<DelegationProgress, 'steps'>,
): boolean {
  return role === responsibleRole(step) && stepAwaits(progress, stepKey);
}
