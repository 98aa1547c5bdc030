import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import { domainError } from '../common/errors';
import { JsonLogger } from '../common/json-logger';
import { isDatabaseUnavailable } from '../common/unavailable';

/** The limiter's table (migration LoginLimits; LoginLimitEntity): never created by the library at runtime. */
const TABLE = 'login_limits';

/** Why a sign-in attempt is refused before its password is looked at. */
export interface ThrottleRefusal {
  scope: 'account' | 'address';
  /** Whole seconds until the next attempt can succeed (the Retry-After header), at least 1. */
  retryAfterSeconds: number;
}

/** What a failed attempt started, if anything: a lockout of the username and/or a block of the address. */
export interface FailureOutcome {
  lockedAccount: boolean;
  blockedAddress: boolean;
  retryAfterSeconds: number;
}

export interface AttemptTicket {
  username: string;
  address: string;
  accountRemaining: number;
  addressRemaining: number;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * Sign-in limits per username and per client address (rate-limiter-flexible's RateLimiterPostgres on the API's
 * own pool, table `login_limits`): every replica shares the budgets and a restart keeps them (docs/security.md).
 * Each attempt takes a point from both budgets *before* the password is
 * checked, so a burst of concurrent guesses cannot slip past the count; a success gives the points back.
 * When a budget is spent the key is locked for `loginLockoutSeconds` and every attempt, right password or not,
 * is refused with 429 without hashing anything.
 *
 * Fails closed: when the store cannot be read or written (PostgreSQL down), every method throws 503
 * DATABASE_UNAVAILABLE (retry), and no attempt goes through unlimited.
 */
@Injectable()
export class LoginThrottleService {
  private readonly accounts: RateLimiterPostgres;
  private readonly addresses: RateLimiterPostgres;

  constructor(
    @Inject(API_CONFIG) private readonly config: ServiceConfig,
    dataSource: DataSource,
    private readonly logger: JsonLogger,
  ) {
    // No automatic blockDuration: only failures lock (failed()), never a burst of attempts still in flight.
    // No insurance limiter: an in-memory fallback would give each replica its own budget again.
    const common = {
      storeClient: dataSource,
      storeType: 'typeorm',
      tableName: TABLE,
      tableCreated: true,
      duration: config.loginLockoutSeconds,
    };
    const prefix = config.loginThrottleKeyPrefix;
    this.accounts = new RateLimiterPostgres({ ...common, keyPrefix: `${prefix}-account`, points: config.loginMaxFailuresPerAccount });
    this.addresses = new RateLimiterPostgres({ ...common, keyPrefix: `${prefix}-address`, points: config.loginMaxFailuresPerAddress });
  }

  /** Takes a point from the username's and the address's budget; a ThrottleRefusal when either is spent or locked. */
  async acquire(username: string, address: string): Promise<AttemptTicket | ThrottleRefusal> {
    return this.store(() => this.take(username, address));
  }

  private async take(username: string, address: string): Promise<AttemptTicket | ThrottleRefusal> {
    const account = accountKey(username);
    let accountRes: RateLimiterRes;
    // A refused attempt gives its point back: the count is failures plus attempts in flight, so a burst
    // of refused attempts neither prolongs a lockout nor starts one.
    try {
      accountRes = await this.accounts.consume(account);
    } catch (res) {
      const refused = asRes(res);
      await this.accounts.reward(account, 1);
      return { scope: 'account', retryAfterSeconds: seconds(refused.msBeforeNext) };
    }
    try {
      const addressRes = await this.addresses.consume(address);
      return { username: account, address, accountRemaining: accountRes.remainingPoints, addressRemaining: addressRes.remainingPoints };
    } catch (res) {
      const refused = asRes(res);
      await this.addresses.reward(address, 1);
      // The account is not to blame for its address: give its point back too.
      await this.accounts.reward(account, 1);
      return { scope: 'address', retryAfterSeconds: seconds(refused.msBeforeNext) };
    }
  }

  /** The password was right: the username's failures are forgotten and the address gets its point back. */
  async succeeded(ticket: AttemptTicket): Promise<void> {
    await this.store(async () => {
      await this.accounts.delete(ticket.username);
      await this.addresses.reward(ticket.address, 1);
    });
  }

  /** The password was wrong: when this spent a budget, lock that key now (the next attempt gets 429). */
  async failed(ticket: AttemptTicket): Promise<FailureOutcome> {
    const lockout = this.config.loginLockoutSeconds;
    const lockedAccount = ticket.accountRemaining === 0;
    const blockedAddress = ticket.addressRemaining === 0;
    await this.store(async () => {
      if (lockedAccount) await this.accounts.block(ticket.username, lockout);
      if (blockedAddress) await this.addresses.block(ticket.address, lockout);
    });
    return { lockedAccount, blockedAddress, retryAfterSeconds: lockout };
  }

  /** Runs limiter calls; a store failure is 503 (the filter's DATABASE_UNAVAILABLE for an unreachable database). */
  private async store<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw err;
      this.logger.event('error', 'sign-in limiter store failed: sign-in refused (fail closed)', { error: String(err) });
      throw domainError(
        'DATABASE_UNAVAILABLE',
        '登录次数记录暂不可用，暂不能登录，请稍后重试',
        'The sign-in limiter store is unavailable: sign-in is refused until it is back; try again later',
      );
    }
  }
}

export const isRefusal = (v: AttemptTicket | ThrottleRefusal): v is ThrottleRefusal => 'scope' in v;

/** Usernames are compared as stored, but the budget is per case-folded name: `Organizer.X` shares it. */
const accountKey = (username: string) => username.trim().toLowerCase();

function asRes(value: unknown): RateLimiterRes {
  if (value instanceof RateLimiterRes) return value;
  throw value;
}
