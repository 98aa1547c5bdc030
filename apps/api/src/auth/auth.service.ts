import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { ServiceConfig } from '@df/runtime';
import { ROLES, type Role } from '@df/domain';
import { API_CONFIG } from '../api.options';
import { domainError } from '../common/errors';
import type { AuthUser } from './access';
import { UsersService } from './users.service';

export interface TokenClaims {
  sub: string;
  username: string;
  role: Role;
  unit: string;
  name: string;
}

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: { id: string; username: string; role: Role; unit: string; name: string };
}

/** JWT_SECRET, or outside production a development secret derived from the data folder: stable across restarts. */
export function jwtSecretOf(config: ServiceConfig): { secret: string; derived: boolean } {
  if (config.jwtSecret) return { secret: config.jwtSecret, derived: false };
  return { secret: createHash('sha256').update(`delegation-flow dev jwt secret:${config.dataDir}`).digest('hex'), derived: true };
}

const INVALID = () => domainError('INVALID_CREDENTIALS', '用户名或密码错误', 'Wrong username or password');

@Injectable()
export class AuthService {
  private dummyHash?: Promise<string>;

  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    @Inject(API_CONFIG) private readonly config: ServiceConfig,
  ) {}

  async login(username: string, password: string): Promise<LoginResult> {
    const user = await this.users.findByUsername(username);
    // Compare against a dummy hash for unknown users too: no timing hint of which usernames exist.
    this.dummyHash ??= this.users.hash('not a password');
    const ok = await this.users.verify(password, user?.passwordHash ?? (await this.dummyHash));
    if (!user || !ok) throw INVALID();
    const claims: TokenClaims = { sub: user.id, username: user.username, role: user.role as Role, unit: user.unit, name: user.displayName };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: this.config.jwtTtlSeconds });
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: this.config.jwtTtlSeconds,
      user: { id: user.id, username: user.username, role: user.role as Role, unit: user.unit, name: user.displayName },
    };
  }

  /** The caller of a bearer token; 401 when it is missing, malformed, forged or expired. */
  async authenticate(token: string): Promise<AuthUser> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token, { algorithms: ['HS256'] });
    } catch (err) {
      const expired = (err as { name?: string }).name === 'TokenExpiredError';
      throw domainError(
        'UNAUTHENTICATED',
        expired ? '登录已过期，请重新登录' : '访问令牌无效',
        expired ? 'The access token has expired: sign in again' : 'The access token is invalid',
      );
    }
    if (!claims.sub || !claims.username || !(ROLES as readonly string[]).includes(claims.role) || !claims.unit)
      throw domainError('UNAUTHENTICATED', '访问令牌无效', 'The access token is invalid');
    return { id: claims.username, userId: claims.sub, role: claims.role, unit: claims.unit, name: claims.name };
  }
}
