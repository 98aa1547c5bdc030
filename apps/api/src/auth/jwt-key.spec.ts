import { JwtService } from '@nestjs/jwt';
import { jwtKey, type JwtSecret } from './jwt-secret';

const secret: JwtSecret = { secret: 'k'.repeat(32) + '密钥', source: 'env' };
const withString = new JwtService({ secret: secret.secret, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } });
const withKey = new JwtService({ secret: jwtKey(secret), signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } });
const claims = { sub: 'u1', role: 'organizer', exp: 4_000_000_000, iat: 1_700_000_000 };

describe('jwtKey: the secret as a KeyObject made once', () => {
  it('signs the same tokens as the string secret (non-ASCII bytes included) and verifies them both ways', () => {
    const a = withString.sign(claims);
    const b = withKey.sign(claims);
    expect(b).toBe(a);
    expect(withKey.verify(a)).toMatchObject({ sub: 'u1' });
    expect(withString.verify(b)).toMatchObject({ sub: 'u1' });
  });

  it('refuses a token of another secret, a tampered one and alg none', () => {
    const other = new JwtService({ secret: 'x'.repeat(40) }).sign(claims);
    expect(() => withKey.verify(other)).toThrow(/invalid signature/);
    const [h, , s] = withKey.sign(claims).split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, role: 'manager' })).toString('base64url')}.${s}`;
    expect(() => withKey.verify(forged)).toThrow(/invalid signature/);
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    expect(() => withKey.verify(none)).toThrow();
  });
});
