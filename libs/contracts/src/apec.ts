/**
 * The APEC business travel card's workflow contracts (issue 17). The card application itself runs on the
 * `delegation` workflow with the card definition (libs/domain/src/definition/apec-card.ts); the renewal timer
 * of each issued card is a workflow of its own.
 */
export const APEC_CARD_RENEWAL_WORKFLOW_TYPE = 'apecCardRenewal';

/** One renewal timer per card: a second start for the same card finds the first. */
export const apecRenewalWorkflowId = (cardNumber: string): string => `apec-renewal-${cardNumber}`;

export interface ApecRenewalInput {
  /** The card number (personal data: kept out of search attributes and the workflow id is in the encrypted history only). */
  number: string;
  /** YYYY-MM-DD: the card's last valid day; renewal opens 6 months before (Asia/Shanghai midnight). */
  validUntil: string;
}

/** The annual review reminder of a whitelisted enterprise: one timer per enterprise and review day. */
export const APEC_WHITELIST_REVIEW_WORKFLOW_TYPE = 'apecWhitelistReview';
export const apecReviewWorkflowId = (unit: string, dueOn: string): string => `apec-review-${unit}-${dueOn}`;

export interface ApecReviewInput {
  unit: string;
  /** YYYY-MM-DD: the annual review day (apec_whitelist.review_due_on); the reminder goes out 30 days before. */
  dueOn: string;
}

export interface ApecActivities {
  /** The card's renewal opens: status renewal-open and the enterprise clerk's notification (idempotent). */
  openCardRenewal(input: { number: string }): Promise<{ status: string | null }>;
  /** The annual review is near: the APEC desk and the enterprise clerk are notified, if the enterprise is still admitted with that review day (idempotent). */
  remindWhitelistReview(input: ApecReviewInput): Promise<{ reminded: boolean }>;
}
