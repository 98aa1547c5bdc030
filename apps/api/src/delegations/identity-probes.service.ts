import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import { DomainError } from '../common/errors';
import { JsonLogger } from '../common/json-logger';
import { failClosed } from '../common/unavailable';
import type { RuleViolation } from '@df/domain';

/**
 * The rules of a refusal that tells the caller something of another person's identity: a passport the ledger holds
 * for someone else, the rank another open case records for a passport.
 */
const IDENTITY_RULES: ReadonlySet<string> = new Set(['passport-holder', 'recorded-rank']);

/** Whether a refusal names another person's identity (a passport the custody ledger holds for someone else). */
export const namesAnotherIdentity = (err: unknown): boolean =>
  err instanceof DomainError && (err.extras.errors ?? []).some((e) => IDENTITY_RULES.has(e.rule));

/**
 * A budget of identity probes per user (rate-limiter-flexible's RateLimiterPostgres on the API's own pool, table
 * `login_limits` beside the sign-in budgets, its own key prefix): each refusal of the dry run or a submission that
 * names another person's identity (rule `passport-holder`: the number is in the ledger for someone else;
 * `recorded-rank`), and an amendment's naming members, takes a point, `identityProbeMax` within
 * `identityProbeWindowSeconds`; then all three answer 429 TOO_MANY_ATTEMPTS with
 * Retry-After until the window ends (trial: an organizer tested passport numbers against the ledger through
 * /check, 20 in 2.4 s, and with the masked list's first two and last three characters ~10^4 tries recover a
 * number). Every replica shares the budget. Fails closed: a store that cannot be read is 503.
 */
@Injectable()
export class IdentityProbesService {
  private readonly limiter: RateLimiterPostgres;

  constructor(
    @Inject(API_CONFIG) private readonly config: ServiceConfig,
    dataSource: DataSource,
    private readonly logger: JsonLogger,
  ) {
    this.limiter = new RateLimiterPostgres({
      storeClient: dataSource,
      storeType: 'typeorm',
      tableName: 'login_limits',
      tableCreated: true,
      keyPrefix: `${config.loginThrottleKeyPrefix}-identity-probe`,
      points: config.identityProbeMax,
      duration: config.identityProbeWindowSeconds,
    });
  }

  /**
   * Runs `work` (the registries' check of the members sent) for this user: 429 TOO_MANY_ATTEMPTS instead while their
   * budget is spent (nothing is checked, so nothing more is learnt); a refusal naming another person's identity takes a
   * point first, and is 429 instead when that point goes past the budget (taken atomically after the work: sixteenth
   * trial, 25 checks at once were all answered; seventeenth, points held before the answer refused honest requests).
   */
  async guarded<T>(userId: string, work: () => Promise<T>): Promise<T> {
    await this.assertBudget(userId);
    try {
      return await work();
    } catch (err) {
      if (namesAnotherIdentity(err)) await this.take(userId, 'identity');
      throw err;
    }
  }

  /**
   * The trip rules' answer for this user (`violations`, as found) when it `reveals` another unit's records (the overlap
   * or frequency rule meeting another unit's case through a typed passport number: restsOnWithheldRecords, or a
   * passing answer that read another unit's trips): it takes a point, and is 429 instead past the budget (dates are
   * withheld, but trying dates would find them). Others cost nothing.
   */
  async counted(userId: string, violations: RuleViolation[], reveals: boolean): Promise<RuleViolation[]> {
    if (reveals) await this.take(userId, 'withheld-trip');
    return violations;
  }

  /**
   * A person's registration by this user (a person id not on a roster they read), or an update to another identity:
   * 429 while their budget is spent, whatever the id (a free id and a held one answer alike); one that meets another
   * unit's person (`heldElsewhere`: its id or identity is on another unit's roster, which the answer cannot hide)
   * takes a point, and is 429 instead past the budget.
   */
  async registration(userId: string, heldElsewhere: boolean): Promise<void> {
    await this.assertBudget(userId);
    if (heldElsewhere) await this.take(userId, 'person-held');
  }

  private async assertBudget(userId: string): Promise<void> {
    const spent = await this.store(() => this.limiter.get(userId));
    if (spent && spent.consumedPoints >= this.config.identityProbeMax) throw this.refusal(spent.msBeforeNext);
  }

  /**
   * Takes a point for an answer about to tell something of another unit's person, atomically (an increment, not a
   * read and then a write): 429 instead when it goes past the budget. `rule`: which kind, for the log.
   */
  private async take(userId: string, rule: string): Promise<void> {
    const res = await this.store(() => this.limiter.consume(userId));
    if (res.consumedPoints > this.config.identityProbeMax) throw this.refusal(res.msBeforeNext);
    this.logger.event('warn', 'identity probe counted', { user: userId, rule });
  }

  private refusal(msBeforeNext: number): DomainError {
    const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
    const min = Math.max(1, Math.ceil(seconds / 60));
    return new DomainError(
      'TOO_MANY_ATTEMPTS',
      {
        zh: `涉及其他单位人员、护照或出访记录的核对次数过多，请 ${min} 分钟后再试`,
        en: `Too many answers about another unit's people, passports or trips: retry in ${min} min`,
      },
      { retryAfterSeconds: seconds },
    );
  }

  private store<T>(work: () => Promise<T>): Promise<T> {
    // consume() rejects with the limiter's answer once the budget is spent: counted, not a store failure.
    const counted = () => work().catch((err: unknown) => (err instanceof RateLimiterRes ? (err as unknown as T) : Promise.reject(err)));
    return failClosed(counted, this.logger, {
      log: 'identity probe limiter store failed: refused (fail closed)',
      zh: '核对次数记录暂不可用，请稍后重试',
      en: 'The check limiter store is unavailable: try again later',
    });
  }
}
