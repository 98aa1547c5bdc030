import 'reflect-metadata';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { of } from 'rxjs';
import type { AuthUser } from '../auth/access';
import { fingerprint, IdempotencyKey, IdempotencyKeyFormat, idempotencyKeyOf, scopedKey, uuidFrom } from './idempotency.service';

const user: AuthUser = {
  id: 'organizer.commerce',
  userId: '6f1d3c1e-0000-4000-8000-000000000001',
  role: 'organizer',
  unit: 'commerce',
  name: 'x',
};

describe('idempotency helpers', () => {
  it('fingerprints a request independently of key order, but not of user, operation or values', () => {
    const a = fingerprint(user, 'submit', { a: 1, b: { c: [1, 2], d: null } });
    expect(fingerprint(user, 'submit', { b: { d: null, c: [1, 2] }, a: 1 })).toBe(a);
    expect(fingerprint(user, 'submit', { a: 1, b: { c: [2, 1], d: null } })).not.toBe(a);
    expect(fingerprint(user, 'decide', { a: 1, b: { c: [1, 2], d: null } })).not.toBe(a);
    expect(fingerprint({ ...user, userId: 'other' }, 'submit', { a: 1, b: { c: [1, 2], d: null } })).not.toBe(a);
  });

  it('derives a stable UUID-shaped case id from a key', () => {
    expect(uuidFrom('u:k')).toBe(uuidFrom('u:k'));
    expect(uuidFrom('u:k')).not.toBe(uuidFrom('u:k2'));
    expect(uuidFrom('u:k')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('scopes a key to its user: the same key of two users is two records (and two request ids)', () => {
    const other = { ...user, userId: '6f1d3c1e-0000-4000-8000-000000000002' };
    expect(scopedKey(user, 'k')).toBe(scopedKey(user, 'k'));
    expect(scopedKey(user, 'k')).not.toBe(scopedKey(other, 'k'));
    expect(scopedKey(user, 'x'.repeat(200))).toHaveLength(36);
  });

  it('accepts sane keys and names a malformed header', () => {
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
    expect(idempotencyKeyOf('0b9f2f7e-8c1a-4f0e-b8e3-0d8e2a6f4c11')).toBe('0b9f2f7e-8c1a-4f0e-b8e3-0d8e2a6f4c11');
    expect(() => idempotencyKeyOf('with space')).toThrow(/Idempotency-Key/);
    expect(() => idempotencyKeyOf('x'.repeat(201))).toThrow();
  });

  describe('the IdempotencyKey parameter reads the key IdempotencyKeyFormat checked', () => {
    // The factory Nest runs for the parameter (after the route's interceptors).
    class Probe {
      handle(@IdempotencyKey() _key: string | undefined) {}
    }
    const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, Probe, 'handle') as Record<
      string,
      { factory: (data: unknown, ctx: ExecutionContext) => unknown }
    >;
    const factory = Object.values(args)[0]!.factory;
    const contextOf = (req: object) => ({ switchToHttp: () => ({ getRequest: () => req }) }) as unknown as ExecutionContext;
    const next: CallHandler = { handle: () => of(undefined) };

    it('answers the checked key, or undefined when none was sent', () => {
      const req = { headers: { 'idempotency-key': 'k-1' } };
      new IdempotencyKeyFormat().intercept(contextOf(req), next);
      expect(factory(undefined, contextOf(req))).toBe('k-1');
      const none = { headers: {} };
      new IdempotencyKeyFormat().intercept(contextOf(none), next);
      expect(factory(undefined, contextOf(none))).toBeUndefined();
    });

    it('refuses a malformed key in the interceptor, before the handler', () => {
      expect(() => new IdempotencyKeyFormat().intercept(contextOf({ headers: { 'idempotency-key': '<script>' } }), next)).toThrow(
        /Idempotency-Key/,
      );
    });

    it('is a programming error on a route whose key was never checked (no IdempotencyKeyHeader), never an unchecked key', () => {
      expect(() => factory(undefined, contextOf({ headers: { 'idempotency-key': '<script>' } }))).toThrow(/IdempotencyKeyHeader/);
    });
  });
});
