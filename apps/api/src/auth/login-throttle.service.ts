import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import { LoginLimitsRepository } from '@df/persistence';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import { JsonLogger } from '../common/json-logger';
import { failClosed } from '../common/unavailable';

/** The limiter's table (migration LoginLimits; LoginLimitEntity): never created by the library at runtime. */
const TABLE = 'login_limits';

/**
 * Which budget refused or locked: `account-address` the username from this client address (what one guesser spends;
 * the real user at another address keeps signing in), `account` the username from every address together (the
 * much higher ceiling that bounds guessing spread over many addresses), `address` the client address over every
 * username (password spraying).
 */
export type ThrottleScope = 'account-address' | 'account' | 'address';

/** Why a sign-in attempt is refused before its password is looked at. */
export interface ThrottleRefusal {
  scope: ThrottleScope;
  /** Whole seconds until the next attempt can succeed (the Retry-After header), at least 1. */
  retryAfterSeconds: number;
  /**
   * The budget is spent by attempts still in flight, not locked by failures (a burst of sign-ins at once): their points
   * come back as they finish, so the caller retries in a moment (eighth trial: concurrent sign-ins with the right
   * password read "locked, retry in 15 min").
   */
  inFlight?: boolean;
}

/** What a failed attempt locked, if anything: the budgets it spent, narrowest first (empty: nothing locked). */
export interface FailureOutcome {
  locked: ThrottleScope[];
  retryAfterSeconds: number;
}

export interface AttemptTicket {
  username: string;
  address: string;
  remaining: Record<ThrottleScope, number>;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * Sign-in limits per (username, client address) pair, per username overall and per client address
 * (rate-limiter-flexible's RateLimiterPostgres on the API's own pool, table `login_limits`): every replica shares
 * the budgets and a restart keeps them (docs/security.md). Failures from one address lock the username *for that
 * address* (`LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS`, default 5), so nobody can lock an official out from their own
 * address by guessing their username; the username's overall ceiling (`LOGIN_MAX_FAILURES_PER_ACCOUNT`, default
 * 100) still bounds guessing from many addresses, and the address budget bounds spraying many usernames.
 * Each attempt takes a point from every budget *before* the password is checked, so a burst of concurrent guesses
 * cannot slip past the count; a success gives the points back (and forgets the pair's failures).
 * When a failure spends a budget its key is locked for `loginLockoutSeconds` (a lock row of its own, looked up before
 * anything is counted) and every attempt under it, right password or not, is refused with 429 without hashing anything.
 *
 * Fails closed: when the store cannot be read or written (PostgreSQL down), every method throws 503
 * DATABASE_UNAVAILABLE (retry), and no attempt goes through unlimited.
 */
@Injectable()
export class LoginThrottleService {
  private readonly limiters: Record<ThrottleScope, RateLimiterPostgres>;

  /** The lockouts failed() set, one key per locked budget: what tells a lock from a burst of attempts in flight. */
  private readonly locks: Record<ThrottleScope, RateLimiterPostgres>;

  constructor(
    @Inject(API_CONFIG) private readonly config: ServiceConfig,
    dataSource: DataSource,
    private readonly limits: LoginLimitsRepository,
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
    this.limiters = {
      'account-address': new RateLimiterPostgres({
        ...common,
        keyPrefix: `${prefix}-account-address`,
        points: config.loginMaxFailuresPerAccountAddress,
      }),
      account: new RateLimiterPostgres({ ...common, keyPrefix: `${prefix}-account`, points: config.loginMaxFailuresPerAccount }),
      address: new RateLimiterPostgres({ ...common, keyPrefix: `${prefix}-address`, points: config.loginMaxFailuresPerAddress }),
    };
    const lock = (scope: ThrottleScope) => new RateLimiterPostgres({ ...common, keyPrefix: `${prefix}-lock-${scope}`, points: 1 });
    this.locks = { 'account-address': lock('account-address'), account: lock('account'), address: lock('address') };
  }

  /** Takes a point from every budget of the attempt; a ThrottleRefusal when one is spent or locked. */
  async acquire(username: string, address: string): Promise<AttemptTicket | ThrottleRefusal> {
    return this.store(() => this.take(username, address));
  }

  private async take(username: string, address: string): Promise<AttemptTicket | ThrottleRefusal> {
    const account = accountKey(username);
    const keys = this.keys(account, address);
    // A lockout refuses before anything is counted: the counts run in windows of their own, which may end first.
    const lockedNow = await this.lockedScope(keys);
    if (lockedNow) return lockedNow;
    const remaining = {} as Record<ThrottleScope, number>;
    const taken: ThrottleScope[] = [];
    for (const scope of SCOPES) {
      try {
        remaining[scope] = (await this.limiters[scope].consume(keys[scope])).remainingPoints;
        taken.push(scope);
      } catch (res) {
        // consume() rejects with the limiter's answer when the budget is spent; anything else is the store failing.
        if (!(res instanceof RateLimiterRes)) throw res;
        // A refused attempt gives its points back (this one's and those taken before it): the count is failures
        // plus attempts in flight, so a burst of refused attempts neither prolongs a lockout nor starts one, and a
        // budget is not charged for another's refusal. Into the current window only and never below zero
        // (giveBack): after a success forgot the pair's failures, a point given back would be a guess more.
        await this.giveBack([scope, ...taken], keys);
        // Locked by a failure that spent the budget meanwhile, or spent by attempts in flight: back in a moment.
        return (await this.lockedScope(keys, scope)) ?? { scope, retryAfterSeconds: 1, inFlight: true };
      }
    }
    return { username: account, address, remaining };
  }

  /** One point back to each scope's count, in its current window, never below zero (LoginLimitsRepository). */
  private giveBack(scopes: readonly ThrottleScope[], keys: Record<ThrottleScope, string>): Promise<void> {
    return this.limits.giveBack(
      scopes.map((s) => this.limiters[s].getKey(keys[s])),
      1,
    );
  }

  /** The narrowest budget locked by failures (failed()), or only `scope`'s; undefined when none is. */
  private async lockedScope(keys: Record<ThrottleScope, string>, scope?: ThrottleScope): Promise<ThrottleRefusal | undefined> {
    // Read at once (one round trip's wait, not three), answered narrowest first.
    const scopes = scope ? [scope] : SCOPES;
    const locks = await Promise.all(scopes.map((s) => this.locks[s].get(keys[s])));
    const i = locks.findIndex((lock) => lock !== null && lock.consumedPoints > 1);
    return i < 0 ? undefined : { scope: scopes[i], retryAfterSeconds: seconds(locks[i]!.msBeforeNext) };
  }

  /**
   * The password was right: the pair's failures are forgotten, the username's ceiling and the address get their
   * point back (failures from other addresses stay counted against the ceiling).
   */
  async succeeded(ticket: AttemptTicket): Promise<void> {
    const keys = this.keys(ticket.username, ticket.address);
    await this.store(async () => {
      await this.limiters['account-address'].delete(keys['account-address']);
      await this.giveBack(['account', 'address'], keys);
    });
  }

  /**
   * The password was wrong: when this spent a budget, lock that key now (the next attempt gets 429). Only the lock is
   * written; the count is left as it is: setting it (the limiter's block()) would overwrite the points of attempts
   * still in flight, whose refusals then gave them back below the failures (CI, 2026-12-07: six wrong passwords of
   * thirty at once answered 401 on a budget of five).
   */
  async failed(ticket: AttemptTicket): Promise<FailureOutcome> {
    const lockout = this.config.loginLockoutSeconds;
    const keys = this.keys(ticket.username, ticket.address);
    const locked = SCOPES.filter((s) => ticket.remaining[s] === 0);
    await this.store(async () => {
      for (const s of locked) await this.locks[s].block(keys[s], lockout);
    });
    return { locked, retryAfterSeconds: lockout };
  }

  /** The budget a scope's limit counts (for the audit record). */
  limit(scope: ThrottleScope): number {
    return {
      'account-address': this.config.loginMaxFailuresPerAccountAddress,
      account: this.config.loginMaxFailuresPerAccount,
      address: this.config.loginMaxFailuresPerAddress,
    }[scope];
  }

  private keys(account: string, address: string): Record<ThrottleScope, string> {
    // A space never occurs in a client address: the pair's key cannot be read as another pair's.
    return { 'account-address': `${address} ${account}`, account, address };
  }

  /** Runs limiter calls; a store failure is 503 (the filter's DATABASE_UNAVAILABLE for an unreachable database). */
  private store<T>(work: () => Promise<T>): Promise<T> {
    return failClosed(work, this.logger, {
      log: 'sign-in limiter store failed: sign-in refused (fail closed)',
      zh: '登录次数记录暂不可用，暂不能登录，请稍后重试',
      en: 'The sign-in limiter store is unavailable: sign-in is refused until it is back; try again later',
    });
  }
}

export const isRefusal = (v: AttemptTicket | ThrottleRefusal): v is ThrottleRefusal => 'scope' in v;

/** The order budgets are taken in, narrowest first. */
const SCOPES: readonly ThrottleScope[] = ['account-address', 'account', 'address'];

/** Usernames are compared as stored, but the budget is per case-folded name: `Organizer.X` shares it. */
const accountKey = (username: string) => username.trim().toLowerCase();
