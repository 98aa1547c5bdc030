import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import {
  admissionApplicationOf,
  admissionApplicationProblems,
  cardValidUntil,
  clearedEconomies,
  countryLabel,
  isIsoDate,
  personKey,
  shanghaiDate,
  tripCountries,
} from '@df/domain';
import {
  APEC_CARD_RENEWAL_WORKFLOW_TYPE,
  APEC_WHITELIST_REVIEW_WORKFLOW_TYPE,
  apecRenewalWorkflowId,
  apecReviewWorkflowId,
  type ApecRenewalInput,
  type ApecReviewInput,
  type SystemStepInput,
  type SystemStepResult,
} from '@df/contracts';
import { ApecRepository, WhitelistTransitionError, type ApecCard } from '@df/persistence';

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
    const economies = clearedEconomies(tripCountries(input.facts), steps.preclearance, member.id);
    // A card no economy cleared is worthless and is not registered (trial: every economy refused the member, and K07
    // still registered a valid card). A case on a definition declaring K05's 'member-everywhere' never offers this
    // member's K06/K07; one started before (its definition without it) gets here, and registers nothing.
    if (economies.length === 0)
      return {
        note: {
          zh: '未登记APEC卡：所申请的经济体均拒绝了该成员的预审，不制发卡片',
          en: 'No card recorded: every economy applied for refused this member at pre-clearance, so no card is issued',
        },
        data: { economies: [] },
      };
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
    const registered = renewed ? await this.repo.registerRenewalCard(fresh, renewed) : await this.registerNew(fresh);
    // The enterprise left the whitelist before the case's first card was registered: nothing is registered, and the
    // exit cancels the case (apps/api/src/apec/stop-applications.ts; a case with a card registered goes on).
    if (registered.refused && 'exited' in registered.refused)
      return {
        violations: [
          {
            code: 'APEC_ENTERPRISE_EXITED',
            field: 'unit',
            message: {
              zh: '企业已退出白名单，本申请的卡不予登记（本申请由退出终止）',
              en: 'The enterprise has left the whitelist: this application registers no card (the exit stops it)',
            },
          },
        ],
      };
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
    // The number is another person's card (the registry keeps one card per number: a retry of this member's own
    // registration finds their card): nothing is registered for this member, and the step says so instead of
    // "Card recorded" (new-user trial: two applicants given one number, one card lost without a word).
    if (card.holder !== fresh.holder)
      return {
        violations: [
          {
            code: 'APEC_CARD_NUMBER_TAKEN',
            field: 'cardNumber',
            message: {
              zh: `卡号已在卡片登记簿中登记在他人名下，本成员的卡未登记：请核对国家APEC卡办理机构在 ${issueCode} 给出的卡号，撤回或终止本申请后重新申请`,
              en: `The cards registry holds this card number for someone else: this member's card is not recorded; check the number the national card office gave at ${issueCode}, then withdraw or cancel this application and apply again`,
            },
          },
        ],
      };
    await this.startRenewal({ number: card.number, validUntil: card.validUntil });
    return {
      note: {
        zh: `已登记APEC卡，有效期至 ${card.validUntil}，预审通过的经济体：${card.economies.map((c) => countryLabel(c).zh).join('、') || '无'}${replaced ? `；原卡（有效期至 ${member.apecCard!.expiresOn}）已注销，由新卡替换` : ''}`,
        en: `Card recorded, valid until ${card.validUntil}, economies cleared: ${card.economies.map((c) => countryLabel(c).en).join(', ') || 'none'}${replaced ? `; the renewed card (valid until ${member.apecCard!.expiresOn}) is cancelled, replaced by this one` : ''}`,
      },
      data: {
        apecCardNumber: card.number,
        validUntil: card.validUntil,
        economies: card.economies,
        // A renewal: the validity of the card this one replaced (its number is personal data: not repeated here).
        ...(replaced ? { renewedCardValidUntil: member.apecCard!.expiresOn } : {}),
      },
    };
  }

  /** A card that renews none: registered, or refused as the renewal's is when the enterprise has exited. */
  private async registerNew(
    fresh: Parameters<ApecRepository['registerCard']>[0],
  ): Promise<{ refused: { exited: true } } | { refused: null; card: ApecCard; replaced: false }> {
    const r = await this.repo.registerCard(fresh);
    return r.exited ? { refused: { exited: true } } : { refused: null, card: r.card, replaced: false };
  }

  /**
   * The admission case's decision (behaviour.system 'apec-whitelist-decide', W03): the figures of the filing
   * step's latest completion (a return for revision files them again), evaluated against the office's criteria
   * version in force today; admitted or refused with each failure in the whitelist registry (history row with
   * the version, the thresholds and the case), then the annual review timer of an admission. An enterprise the
   * registry no longer takes (a state enterprise, or one admitted meanwhile) is recorded as not admitted with
   * the reason: the case still closes. Idempotent: a retry after the registry row finds the enterprise admitted
   * by this case and answers the same.
   */
  async decideWhitelist(input: SystemStepInput, filingCode: string): Promise<SystemStepResult> {
    const rows: Array<{ data: Record<string, unknown> | null }> = await this.db.query(
      `SELECT payload->'data' AS data FROM case_events
        WHERE stream_id = $1 AND type = 'step.completed' AND payload->>'code' = $2 ORDER BY seq DESC LIMIT 1`,
      [input.caseId, filingCode],
    );
    const filed = rows[0]?.data ?? null;
    // The workflow stores the filing's completion before the decision can run; until the projection has it, retry.
    if (filed === null) throw ApplicationFailure.retryable(`${filingCode} is not stored yet`, 'FilingNotStored');
    // Its four figures (a field beyond them, accepted before the engine refused such, plays no part in the decision).
    if (admissionApplicationProblems({ ...admissionApplicationOf(filed) }).length > 0)
      throw ApplicationFailure.nonRetryable(`${filingCode} data is not an admission application`, 'InvalidFiling');
    const unit = input.facts.unit;
    const today = shanghaiDate(input.at);
    const already = (await this.repo.whitelistHistory(unit)).find((h) => h.detail?.caseId === input.caseId);
    let result: { admitted: boolean; failures: Array<{ criterion: string; message: { zh: string; en: string } }>; criteriaVersion: number };
    if (already) {
      const d = already.detail as { failures?: typeof result.failures; criteriaVersion?: number };
      result = { admitted: already.action !== 'refused', failures: d.failures ?? [], criteriaVersion: d.criteriaVersion ?? 1 };
    } else {
      try {
        result = await this.repo.applyForWhitelist(unit, admissionApplicationOf(filed), `system:${input.caseId}`, today, {
          caseId: input.caseId,
        });
      } catch (err) {
        if (!(err instanceof WhitelistTransitionError)) throw err;
        return {
          note: { zh: `未列入白名单：${err.label.zh}`, en: `Not admitted: ${err.label.en}` },
          data: { decision: 'not-admitted', reason: err.code },
        };
      }
    }
    if (result.admitted) {
      const e = await this.repo.enterprise(unit);
      if (e?.whitelist?.reviewDueOn) await this.startReview(unit, e.whitelist.reviewDueOn);
    }
    return {
      note: result.admitted
        ? {
            zh: `准入白名单（准入标准第${result.criteriaVersion}版）`,
            en: `Admitted to the whitelist (criteria version ${result.criteriaVersion})`,
          }
        : {
            zh: `不予准入（准入标准第${result.criteriaVersion}版）：${result.failures.map((f) => f.message.zh).join('；')}`,
            en: `Refused (criteria version ${result.criteriaVersion}): ${result.failures.map((f) => f.message.en).join('; ')}`,
          },
      data: {
        decision: result.admitted ? 'admitted' : 'refused',
        criteriaVersion: result.criteriaVersion,
        failures: result.failures.map((f) => f.criterion),
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

  /** The annual review reminder of an admission (as the registry action starts it: apps/api/src/apec/review-reminder.ts). */
  private async startReview(unit: string, dueOn: string): Promise<void> {
    const ctx = Context.current();
    try {
      await ctx.client.workflow.start(APEC_WHITELIST_REVIEW_WORKFLOW_TYPE, {
        taskQueue: ctx.info.taskQueue,
        workflowId: apecReviewWorkflowId(unit, dueOn),
        args: [{ unit, dueOn } satisfies ApecReviewInput],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
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
