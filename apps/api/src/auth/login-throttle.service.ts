import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';

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
 * Sign-in limits per username and per client address (rate-limiter-flexible, state in this process's memory:
 * see docs/security.md for why). Each attempt takes a point from both budgets *before* the password is
 * checked, so a burst of concurrent guesses cannot slip past the count; a success gives the points back.
 * When a budget is spent the key is locked for `loginLockoutSeconds` and every attempt, right password or not,
 * is refused with 429 without hashing anything.
 */
@Injectable()
export class LoginThrottleService {
  private readonly accounts: RateLimiterMemory;
  private readonly addresses: RateLimiterMemory;

  constructor(@Inject(API_CONFIG) private readonly config: ServiceConfig) {
    // No automatic blockDuration: only failures lock (failed()), never a burst of attempts still in flight.
    const window = config.loginLockoutSeconds;
    this.accounts = new RateLimiterMemory({ keyPrefix: 'login-account', points: config.loginMaxFailuresPerAccount, duration: window });
    this.addresses = new RateLimiterMemory({ keyPrefix: 'login-address', points: config.loginMaxFailuresPerAddress, duration: window });
  }

  /** Takes a point from the username's and the address's budget; a ThrottleRefusal when either is spent or locked. */
  async acquire(username: string, address: string): Promise<AttemptTicket | ThrottleRefusal> {
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
    await this.accounts.delete(ticket.username);
    await this.addresses.reward(ticket.address, 1);
  }

  /** The password was wrong: when this spent a budget, lock that key now (the next attempt gets 429). */
  async failed(ticket: AttemptTicket): Promise<FailureOutcome> {
    const lockout = this.config.loginLockoutSeconds;
    const lockedAccount = ticket.accountRemaining === 0;
    const blockedAddress = ticket.addressRemaining === 0;
    if (lockedAccount) await this.accounts.block(ticket.username, lockout);
    if (blockedAddress) await this.addresses.block(ticket.address, lockout);
    return { lockedAccount, blockedAddress, retryAfterSeconds: lockout };
  }
}

export const isRefusal = (v: AttemptTicket | ThrottleRefusal): v is ThrottleRefusal => 'scope' in v;

/** Usernames are compared as stored, but the budget is per case-folded name: `Organizer.X` shares it. */
const accountKey = (username: string) => username.trim().toLowerCase();

function asRes(value: unknown): RateLimiterRes {
  if (value instanceof RateLimiterRes) return value;
  throw value;
}
