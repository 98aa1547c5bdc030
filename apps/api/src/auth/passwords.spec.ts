import bcryptjs from 'bcryptjs';
import { HASH_CONCURRENCY, hashPassword, needsRehash, verifyPassword } from './passwords';

describe('password hashing', () => {
  it('hashes with argon2id (m=19 MiB, t=2, p=1) and verifies', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(hash.length).toBeLessThanOrEqual(255);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct horse!', hash)).toBe(false);
    expect(needsRehash(hash)).toBe(false);
  });

  it('verifies bcrypt hashes of earlier versions (bcryptjs $2a$/$2b$) and asks for their rehash', async () => {
    for (const hash of [await bcryptjs.hash('old secret', 4), (await bcryptjs.hash('old secret', 4)).replace(/^\$2b\$/, '$2a$')]) {
      expect(await verifyPassword('old secret', hash)).toBe(true);
      expect(await verifyPassword('old secreT', hash)).toBe(false);
      expect(needsRehash(hash)).toBe(true);
    }
  });

  it('treats a malformed stored hash as a mismatch, not an error', async () => {
    for (const hash of ['', 'plain', '$argon2id$broken', '$2b$10$short']) expect(await verifyPassword('x', hash)).toBe(false);
  });

  it('runs many verifications at once without losing any (hashing is queued, one core kept for requests)', async () => {
    expect(HASH_CONCURRENCY).toBeGreaterThanOrEqual(1);
    const hash = await hashPassword('p');
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => verifyPassword(i % 2 ? 'p' : 'q', hash)));
    expect(results).toEqual(Array.from({ length: 12 }, (_, i) => i % 2 === 1));
  });
});
