import type { AuthUser } from '../auth/access';
import { fingerprint, idempotencyKeyOf, scopedKey, uuidFrom } from './idempotency.service';

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
});
