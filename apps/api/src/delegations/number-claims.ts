import type { DataSource } from 'typeorm';
import {
  isPassportNumber,
  newPassportElsewhereLabel,
  normalPassportNumber,
  parseInstanceKey,
  responsibleRole,
  documentNumberField,
  type CustodyMoveProblem,
  type Label,
  type ProcessDefinition,
  type Role,
} from '@df/domain';
import { stepOpenToRole, type DelegationProgress } from '@df/contracts';
import {
  CARD_NUMBER_CLAIMS,
  PASSPORT_NUMBER_CLAIMS,
  claimStepNumber,
  releaseStepNumber,
  stepNumberAccepted,
  type StepNumberClaim,
  type StepNumberHolder,
  type StepNumberKind,
} from '@df/persistence';
import { DomainError, ruleRefusal, type FieldError } from '../common/errors';
import { CLAIM_STALE_MS } from '../apec/claims';

/** A number this request holds (the step's completion, sent next): what to do with its outcome. */
export interface HeldNumber {
  /** The workflow accepted the completion: the claim is this request's. */
  accepted(): Promise<void>;
  /** The workflow definitely refused it: the number is free again (a claim kept from before stays). */
  refused(): Promise<void>;
}

/** A member's document number a step's completion names, the claim table it is held in, and the refusal of a held one. */
interface DocumentNumber {
  kind: StepNumberKind;
  number: string;
  refusal: (sameCase: boolean) => FieldError;
}

/**
 * The member's document number this completion names (documentNumberField: K06's `cardNumber`, C05's `number`), with
 * its claims table and refusal. Undefined for any other step, or a number its own rules refuse (the schema's `format`
 * answers first).
 */
function documentNumber(definition: ProcessDefinition, code: string, data: Record<string, unknown>): DocumentNumber | undefined {
  const doc = documentNumberField(definition, code);
  if (doc?.kind === 'card' && typeof data.cardNumber === 'string')
    return {
      kind: CARD_NUMBER_CLAIMS,
      number: data.cardNumber,
      refusal: (sameCase) =>
        refusal('data.cardNumber', 'card-holder', {
          zh: sameCase
            ? '此卡号已是本申请另一申请人的卡号，请核对国家APEC卡办理机构给出的卡号'
            : '此卡号已由另一在办的APEC卡申请在制发卡片时登记给他人，请核对国家APEC卡办理机构给出的卡号',
          en: sameCase
            ? 'this card number was given to another applicant of this application: check the number the national card office gave'
            : 'another open card application recorded this card number for someone else when its card was issued: check the number the national card office gave',
        }),
    };
  if (doc?.kind === 'passport' && isPassportNumber(data.number))
    return {
      kind: PASSPORT_NUMBER_CLAIMS,
      number: normalPassportNumber(data.number),
      refusal: (sameCase) =>
        refusal('data.number', 'passport-holder', {
          zh: sameCase ? '此护照号码是本团组另一成员的新护照，请核对号码' : '此护照号码是另一在办案件中他人的护照，请核对号码',
          en: sameCase
            ? "the number is another member's new passport on this delegation: check the number"
            : "the number is another person's passport on another open case: check the number",
        }),
    };
  return undefined;
}

const refusal = (field: string, rule: string, message: Label): FieldError => ({ field, rule, message });

/**
 * A member's document number typed at a step (documentNumber: K06's card, C05's new passport), held for this case's
 * member from the moment it is accepted, before the completion is sent (claimStepNumber, libs/persistence
 * number-claims.ts): a number another case's step holds for another person is 422 at the field (`card-holder`,
 * `passport-holder`), the other case and person not named (fresh trial: two card applications completed K06 with one
 * number at once; both were accepted, one K07 registered the card and the other blocked for ever; the API read only
 * the registries, the workflow only its own case). Called after the Idempotency-Key is claimed, so a keyed retry
 * finds its own claim. A holder whose completion the event store does not hold after CLAIM_STALE_MS (an unknown
 * outcome never retried) is asked of its workflow (`progressOf`): a step not done with this number there, or a case
 * Temporal does not know, gives the number up. Undefined when the request names no such number.
 */
export async function holdDocumentNumber(
  db: DataSource,
  definition: ProcessDefinition | null | undefined,
  request: {
    caseId: string;
    stepKey: string | undefined;
    data: unknown;
    requestId: string;
    /** The case as the request read it (validateStepData), if it did: the passports a member's C05 replaces (its facts' passport, its return date). */
    read?: DelegationProgress;
    /** The caller's role: a step of another role, or one not awaiting in `read`, holds nothing (the workflow refuses it). */
    role?: Role;
  },
  progressOf: (caseId: string) => Promise<DelegationProgress>,
  /** The refusal of a custody move that cannot be made now (RegistriesService.custodyMoveRefusalFor), for this step. */
  refuseMove: (problem: CustodyMoveProblem) => Promise<Error>,
): Promise<HeldNumber | undefined> {
  const { caseId, stepKey, data, requestId } = request;
  if (!definition || stepKey === undefined || typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const code = stepKey.split(':')[0]!;
  const step = definition.steps.find((s) => s.code === code);
  const doc = step && documentNumber(definition, code, data as Record<string, unknown>);
  const memberId = step && parseInstanceKey(stepKey, step.scope).memberId;
  if (!doc || memberId === undefined) return undefined;
  // The workflow's refusals first (seventh trial: the organizer's C05 read "another new passport"): nothing is held
  // for a step of another role (whether or not the case was read: validateStepData reads none for them), or one not
  // awaiting as the case was read.
  if (request.role && request.role !== responsibleRole(step)) return undefined;
  if (request.read && request.role && !stepOpenToRole(step, stepKey, request.role, request.read)) return undefined;
  const claim: StepNumberClaim = { caseId, stepKey, memberId, requestId };
  // The passports a C05's new one replaces (the ledger's rule): the facts' one, and any not lasting the trip.
  const replaced = request.read?.facts?.members?.find((m) => m.id === memberId)?.passport?.number;
  const returnDate = request.read?.facts?.returnDate;
  const oneValid = {
    replaces: replaced && isPassportNumber(replaced) ? normalPassportNumber(replaced) : null,
    ...(returnDate ? { returnDate } : {}),
  };
  let holder = await claimStepNumber(db, doc.kind, doc.number, claim, [], oneValid);
  const dead: string[] = [];
  // Held by a completion never recorded (each holder asked once: the number's, then another of the person's).
  while (holder && !dead.includes(`${holder.caseId} ${holder.stepKey}`) && (await neverRecorded(holder, doc, progressOf))) {
    dead.push(`${holder.caseId} ${holder.stepKey}`);
    holder = await claimStepNumber(db, doc.kind, doc.number, claim, dead, oneValid);
  }
  // Another of the person's passports out on loan, read under the lock check-outs take: waited for, as the precheck says.
  if (holder?.checkedOut) throw await refuseMove({ reason: 'checked-out', passport: holder.checkedOut });
  // Another new passport of the member's person, recorded or in flight at another case's C05: one person, one new
  // passport (sixth and seventh trials: two C05s at once were both accepted, one recorded a passport never registered).
  if (holder?.otherNumber !== undefined) {
    const label = newPassportElsewhereLabel(holder.otherNumber, holder.inLedger);
    throw new DomainError('ACTION_NOT_ALLOWED', label, {
      stepKey,
      errors: [{ field: 'data.number', rule: 'one-valid-passport', message: label }],
    });
  }
  if (holder) throw ruleRefusal([doc.refusal(holder.caseId === caseId)]);
  return {
    accepted: () => stepNumberAccepted(db, doc.kind, doc.number, claim),
    refused: () => releaseStepNumber(db, doc.kind, doc.number, claim),
  };
}

/**
 * Whether a holder's completion will never name the number: not in the event store after CLAIM_STALE_MS, and its
 * workflow has the step not done with this number (or does not know the case). A workflow that cannot answer keeps
 * the claim (its 503 is the caller's: retry with the same key).
 */
async function neverRecorded(
  holder: StepNumberHolder,
  doc: DocumentNumber,
  progressOf: (caseId: string) => Promise<DelegationProgress>,
): Promise<boolean> {
  if (holder.recorded || Date.now() - holder.claimedAt.getTime() < CLAIM_STALE_MS) return false;
  const number = holder.otherNumber ?? doc.number;
  try {
    const step = (await progressOf(holder.caseId)).steps.find((s) => s.key === holder.stepKey);
    const named = step?.data?.[doc.kind.field];
    return !(step?.status === 'done' && typeof named === 'string' && (named === number || normalPassportNumber(named) === number));
  } catch (err) {
    if (err instanceof DomainError && err.code === 'CASE_NOT_FOUND') return true;
    throw err;
  }
}
