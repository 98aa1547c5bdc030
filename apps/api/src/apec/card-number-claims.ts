import { parseInstanceKey, systemWorkReading, type ProcessDefinition } from '@df/domain';
import type { DelegationProgress } from '@df/contracts';
import type { DataSource } from 'typeorm';
import { ApecRepository, type CardNumberClaim, type CardNumberHolder } from '@df/persistence';
import { DomainError, ruleRefusal } from '../common/errors';
import { CLAIM_STALE_MS } from './claims';

/** A card number this request holds (the issue step's completion, sent next): what to do with its outcome. */
export interface HeldCardNumber {
  /** The workflow accepted the completion: the claim is this request's. */
  accepted(): Promise<void>;
  /** The workflow definitely refused it: the number is free again (a claim kept from before stays). */
  refused(): Promise<void>;
}

/**
 * An issue step's card number (the data the step whose completion `apec-card-register` reads, K06's `cardNumber`) held
 * for this case's member from the moment it is accepted, before the completion is sent (ApecRepository.claimCardNumber):
 * a number another case's issue step holds is 422 `data.cardNumber` `card-holder`, the other case and person not named
 * (fresh trial: two applications completed K06 with one number at once; both were accepted, one K07 registered the card
 * and the other blocked for ever). Called after the Idempotency-Key is claimed, so a keyed retry finds its own claim.
 * A holder whose completion the event store does not hold after CLAIM_STALE_MS (an unknown outcome never retried) is
 * asked of its workflow (`progressOf`): a step not done with this number there, or a case Temporal does not know, gives
 * the number up. Undefined when the request gives no card number at such a step.
 */
export async function holdIssuedCardNumber(
  db: DataSource,
  definition: ProcessDefinition | null | undefined,
  request: { caseId: string; stepKey: string | undefined; data: unknown; requestId: string },
  progressOf: (caseId: string) => Promise<DelegationProgress>,
): Promise<HeldCardNumber | undefined> {
  const { caseId, stepKey, data, requestId } = request;
  if (!definition || stepKey === undefined || typeof data !== 'object' || data === null) return undefined;
  const number = (data as Record<string, unknown>).cardNumber;
  const code = stepKey.split(':')[0]!;
  const step = definition.steps.find((s) => s.code === code);
  if (typeof number !== 'string' || !step || !systemWorkReading(definition, code).includes('apec-card-register')) return undefined;
  const memberId = parseInstanceKey(stepKey, step.scope).memberId;
  if (memberId === undefined) return undefined;
  const claim: CardNumberClaim = { caseId, stepKey, memberId, requestId };
  const apec = new ApecRepository(db);
  let holder = await apec.claimCardNumber(number, claim);
  if (holder && (await neverRecorded(holder, number, progressOf)))
    holder = await apec.claimCardNumber(number, claim, [`${holder.caseId} ${holder.stepKey}`]);
  if (holder) throw ruleRefusal([heldElsewhere(holder.caseId === caseId)]);
  return {
    accepted: () => apec.cardNumberAccepted(number, claim),
    refused: () => apec.releaseCardNumber(number, claim),
  };
}

/**
 * Whether a holder's completion will never name the number: not in the event store after CLAIM_STALE_MS, and its
 * workflow has the step not done with this number (or does not know the case). A workflow that cannot answer keeps
 * the claim (its 503 is the caller's: retry with the same key).
 */
async function neverRecorded(
  holder: CardNumberHolder,
  number: string,
  progressOf: (caseId: string) => Promise<DelegationProgress>,
): Promise<boolean> {
  if (holder.recorded || Date.now() - holder.claimedAt.getTime() < CLAIM_STALE_MS) return false;
  try {
    const step = (await progressOf(holder.caseId)).steps.find((s) => s.key === holder.stepKey);
    return !(step?.status === 'done' && step.data?.cardNumber === number);
  } catch (err) {
    if (err instanceof DomainError && err.code === 'CASE_NOT_FOUND') return true;
    throw err;
  }
}

/** The number is held for another applicant: of another open application, or of this one (the engine's rule too). */
const heldElsewhere = (sameCase: boolean) => ({
  field: 'data.cardNumber',
  rule: 'card-holder',
  message: sameCase
    ? {
        zh: '此卡号已是本申请另一申请人的卡号，请核对国家APEC卡办理机构给出的卡号',
        en: 'this card number was given to another applicant of this application: check the number the national card office gave',
      }
    : {
        zh: '此卡号已由另一在办的APEC卡申请在制发卡片时登记给他人，请核对国家APEC卡办理机构给出的卡号',
        en: 'another open card application recorded this card number for someone else when its card was issued: check the number the national card office gave',
      },
});
