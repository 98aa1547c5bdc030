import { proxyActivities, sleep } from '@temporalio/workflow';
import { renewalOpensOn, reviewReminderOn } from '@df/domain';
import type { ApecActivities, ApecRenewalInput, ApecReviewInput } from '@df/contracts';

const { openCardRenewal, remindWhitelistReview } = proxyActivities<ApecActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * The renewal of one APEC business travel card opens 6 months before it expires (process.md): a durable
 * timer to 00:00 Asia/Shanghai of that day, then the cards registry marks the card renewal-open and notifies
 * the enterprise clerk. A card lost or cancelled before is left as it is (the activity changes only a valid
 * card). Started by the card's registration (system step K07), id apecRenewalWorkflowId(number).
 */
export async function apecCardRenewal(input: ApecRenewalInput): Promise<{ opensOn: string; status: string | null }> {
  const opensOn = renewalOpensOn(input.validUntil);
  const wait = Date.parse(`${opensOn}T00:00:00+08:00`) - Date.now();
  if (wait > 0) await sleep(wait);
  const { status } = await openCardRenewal({ number: input.number });
  return { opensOn, status };
}

/**
 * The annual review of a whitelisted enterprise (issue 17): a durable timer to 00:00 Asia/Shanghai of the day
 * 30 days before the review day, then the APEC desk and the enterprise clerk are reminded. An enterprise that
 * left the whitelist, or whose review day moved, is not reminded for this one. Started at admission and
 * re-admission, id apecReviewWorkflowId(unit, dueOn).
 */
export async function apecWhitelistReview(input: ApecReviewInput): Promise<{ remindOn: string; reminded: boolean }> {
  const remindOn = reviewReminderOn(input.dueOn);
  const wait = Date.parse(`${remindOn}T00:00:00+08:00`) - Date.now();
  if (wait > 0) await sleep(wait);
  const { reminded } = await remindWhitelistReview(input);
  return { remindOn, reminded };
}
