import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import { cardValidUntil, isIsoDate, personKey, shanghaiDate, tripCountries } from '@df/domain';
import {
  APEC_CARD_RENEWAL_WORKFLOW_TYPE,
  apecRenewalWorkflowId,
  type ApecRenewalInput,
  type ApecReviewInput,
  type SystemStepInput,
  type SystemStepResult,
} from '@df/contracts';
import { ApecRepository } from '@df/persistence';

/** The card steps' completions this member's card is made from, read back from the case's event stream. */
interface CardSteps {
  /** Per economy: the pre-clearance outcome data (K05:<economy>). */
  preclearance: Map<string, Record<string, unknown>>;
  /** The issue step's data (K06:<member>); null while its completion is not stored. */
  issue: Record<string, unknown> | null;
}

/**
 * The cards registry's side of the card application (issue 17): the system step that records an issued card
 * (behaviour.system 'apec-card-register') and the renewal timer's activity. The engine knows nothing of cards;
 * it runs the declared system work and records what this returns.
 */
export class ApecActivities {
  private readonly repo: ApecRepository;

  constructor(private readonly db: DataSource) {
    this.repo = new ApecRepository(db);
  }

  /**
   * Registers the member's card: the number and dates the national card office gave (K06 data `cardNumber`,
   * `issuedOn`, `validUntil`; issued today and valid 5 years when absent), the economies whose pre-clearance
   * (K05) was not refused for this member; then starts the card's renewal timer. Idempotent by card number.
   */
  async registerCard(input: SystemStepInput, issueCode: string, preclearanceCode: string): Promise<SystemStepResult> {
    const member = input.facts.members.find((m) => m.id === input.memberId);
    if (!member) throw ApplicationFailure.nonRetryable(`member ${input.memberId} not in the case`, 'UnknownMember');
    const steps = await this.cardSteps(input.caseId, input.memberId!, issueCode, preclearanceCode);
    // The workflow stores the issue step's completion while this runs: until it is in the event store, retry.
    if (steps.issue === null) throw ApplicationFailure.retryable(`${issueCode}:${member.id} is not stored yet`, 'IssueNotStored');
    const economies = tripCountries(input.facts).filter((c) => {
      const outcome = steps.preclearance.get(c);
      if (!outcome || outcome.outcome !== 'refused') return true;
      const members = outcome.members;
      return Array.isArray(members) && !members.includes(member.id);
    });
    const data = steps.issue;
    const issuedOn = isIsoDate(data.issuedOn) ? data.issuedOn : shanghaiDate(input.at);
    const validUntil = isIsoDate(data.validUntil) ? data.validUntil : cardValidUntil(issuedOn);
    const number =
      typeof data.cardNumber === 'string' && data.cardNumber.length > 0 ? data.cardNumber : generatedNumber(input.caseId, member.id);
    const fresh = {
      number,
      holder: personKey(input.facts, member), // the roster's person id (applicants come from the roster)
      unit: input.facts.unit,
      economies,
      issuedOn,
      validUntil,
      caseId: input.caseId,
    };
    // A renewal (issue 17 item 5): the applicant's current card, named in the case data (Member.apecCard, set by
    // the API from the application's `renews`), is cancelled, replaced by this one, in the transaction that
    // registers it. A card already replaced by another case's card is not replaced again: the step blocks and
    // registers nothing, so the holder never has two new cards. Case data only: the workflow and the definition
    // are unchanged (no history change).
    const renewed = member.apecCard?.number;
    const registered = renewed
      ? await this.repo.registerRenewalCard(fresh, renewed)
      : { refused: null, ...(await this.repo.registerCard(fresh)), replaced: false };
    if (registered.refused)
      return {
        violations: [
          {
            code: 'APEC_CARD_REPLACED',
            field: 'renews',
            message: {
              zh: '所续办的卡已由另一续办申请换发的新卡替换，本申请不再登记新卡（请退回或撤销本申请）',
              en: 'The renewed card was already replaced by the card of another renewal application: this application registers no card (reject or cancel it)',
            },
          },
        ],
      };
    const { card, replaced } = registered;
    await this.startRenewal({ number: card.number, validUntil: card.validUntil });
    return {
      note: {
        zh: `已登记APEC卡，有效期至 ${card.validUntil}，预审通过的经济体：${card.economies.join('、') || '无'}${replaced ? `；原卡（有效期至 ${member.apecCard!.expiresOn}）已注销，由新卡替换` : ''}`,
        en: `Card recorded, valid until ${card.validUntil}, economies cleared: ${card.economies.join(', ') || 'none'}${replaced ? `; the renewed card (valid until ${member.apecCard!.expiresOn}) is cancelled, replaced by this one` : ''}`,
      },
      data: {
        apecCardNumber: card.number,
        validUntil: card.validUntil,
        economies: card.economies.join(','),
        // A renewal: the validity of the card this one replaced (its number is personal data: not repeated here).
        ...(replaced ? { renewedCardValidUntil: member.apecCard!.expiresOn } : {}),
      },
    };
  }

  async remindWhitelistReview(input: ApecReviewInput): Promise<{ reminded: boolean }> {
    return { reminded: await this.repo.remindReview(input.unit, input.dueOn, new Date()) };
  }

  async openCardRenewal(input: { number: string }): Promise<{ status: string | null }> {
    const card = await this.repo.openRenewal(input.number, new Date());
    return { status: card?.status ?? null };
  }

  private async startRenewal(input: ApecRenewalInput): Promise<void> {
    const ctx = Context.current();
    try {
      await ctx.client.workflow.start(APEC_CARD_RENEWAL_WORKFLOW_TYPE, {
        taskQueue: ctx.info.taskQueue,
        workflowId: apecRenewalWorkflowId(input.number),
        args: [input],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err; // a retried registration
    }
  }

  private async cardSteps(caseId: string, memberId: string, issueCode: string, preclearanceCode: string): Promise<CardSteps> {
    const rows: Array<{ key: string; data: Record<string, unknown> | null }> = await this.db.query(
      `SELECT payload->>'key' AS key, payload->'data' AS data FROM case_events
        WHERE stream_id = $1 AND type = 'step.completed' AND payload->>'code' IN ($2, $3) ORDER BY seq`,
      [caseId, issueCode, preclearanceCode],
    );
    const out: CardSteps = { preclearance: new Map(), issue: null };
    for (const r of rows) {
      const [code, a] = r.key.split(':');
      if (code === preclearanceCode && a) out.preclearance.set(a, r.data ?? {});
      if (code === issueCode && a === memberId) out.issue = r.data ?? {};
    }
    return out;
  }
}

/** A card number when the card office's is not recorded: stable for the case and member (a retry finds the same card). */
function generatedNumber(caseId: string, memberId: string): string {
  const digits = BigInt(`0x${createHash('sha256').update(`${caseId}:${memberId}`).digest('hex').slice(0, 15)}`) % 1_000_000_000n;
  return `CHN${digits.toString().padStart(9, '0')}`;
}
