import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ROLES } from '@df/domain';
import { currentRequestId } from '../common/request-context';
import { parseOrThrow } from '../common/validation';
import { line, untrimmedText } from '../common/zod-text';
import { errorResponses, schemaRef } from '../openapi';
import { AuthService, type LoginResult, RetryLaterError } from './auth.service';
import { CurrentUser, PasswordChangeRoute, Public } from './decorators';
import { USER_ROLES, type AuthUser } from './access';
import { password } from '../users/schemas';

export const LoginSchema = z
  .strictObject({
    username: line(100),
    password: untrimmedText(200),
    role: z.enum(USER_ROLES).optional().meta({ description: '以哪个角色登录 Which of your roles (default: your first grant)' }),
    unit: line(64).optional().meta({ description: '以哪个单位登录 For which unit (default: your first grant with this role)' }),
  })
  .meta({ id: 'LoginRequest', example: { username: 'organizer.commerce', password: 'demo' } });

export const PasswordChangeSchema = z
  .strictObject({ currentPassword: untrimmedText(200), newPassword: password() })
  .meta({ id: 'PasswordChangeRequest', example: { currentPassword: 'initial-Passw0rd-2027', newPassword: 'my-own-long-passphrase' } });

export const LoginResponseSchema = z
  .looseObject({
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int(),
    user: z.looseObject({ id: z.string(), username: z.string(), role: z.enum(ROLES), unit: z.string(), name: z.string() }),
    grants: z.array(z.looseObject({ role: z.enum(ROLES), unit: z.string() })),
    mustChangePassword: z.boolean(),
  })
  .meta({
    id: 'LoginResponse',
    example: {
      accessToken: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI…',
      tokenType: 'Bearer',
      expiresIn: 28800,
      user: { id: '7d3c…', username: 'organizer.commerce', role: 'organizer', unit: 'commerce', name: '专办员（commerce）' },
      grants: [{ role: 'organizer', unit: 'commerce' }],
      mustChangePassword: false,
    },
  });

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: '登录 Sign in: username and password for a bearer token that expires' })
  @ApiBody({ schema: schemaRef(LoginSchema), examples: { demo: { value: { username: 'organizer.commerce', password: 'demo' } } } })
  @ApiOkResponse({ description: 'Signed in', schema: schemaRef(LoginResponseSchema) })
  @errorResponses(400, 401)
  @ApiResponse({
    status: 403,
    description:
      'ACCOUNT_DISABLED: the password is right but the account is disabled; ROLE_NOT_GRANTED: the account does not hold the role/unit asked for',
  })
  @ApiResponse({
    status: 429,
    description:
      'ACCOUNT_LOCKED (this username) or TOO_MANY_ATTEMPTS (this address): too many failed sign-ins; every attempt is refused until Retry-After seconds have passed',
    headers: { 'Retry-After': { description: 'seconds until a sign-in can be tried again', schema: { type: 'integer', minimum: 1 } } },
  })
  async login(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<LoginResult> {
    const { username, password, role, unit } = parseOrThrow(LoginSchema, body);
    try {
      return await this.auth.login(
        username,
        password,
        { address: clientAddress(req), requestId: currentRequestId() },
        { ...(role !== undefined ? { role } : {}), ...(unit !== undefined ? { unit } : {}) },
      );
    } catch (err) {
      if (err instanceof RetryLaterError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      throw err;
    }
  }

  @Post('password')
  @PasswordChangeRoute()
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({
    summary: '修改密码 Change your own password',
    description:
      'The only route open while a password set by an administrator must be changed. Every earlier token stops; the answer is a new token for the same role and unit. 400 names newPassword (too short, or unchanged); 403 CURRENT_PASSWORD_WRONG names currentPassword.',
  })
  @ApiBody({ schema: schemaRef(PasswordChangeSchema) })
  @ApiOkResponse({ description: 'Changed: a new token', schema: schemaRef(LoginResponseSchema) })
  @errorResponses(400, 401, 403, 422, 429)
  @ApiResponse({
    status: 403,
    description: 'CURRENT_PASSWORD_WRONG: currentPassword is not the current password (counts as a failed sign-in)',
  })
  @ApiResponse({
    status: 429,
    description: 'ACCOUNT_LOCKED / TOO_MANY_ATTEMPTS: the sign-in failure budget is spent (Retry-After)',
    headers: { 'Retry-After': { description: 'seconds until it can be tried again', schema: { type: 'integer', minimum: 1 } } },
  })
  async changePassword(
    @CurrentUser() user: AuthUser,
    @Body() body: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResult> {
    const { currentPassword, newPassword } = parseOrThrow(PasswordChangeSchema, body);
    try {
      return await this.auth.changePassword(user, currentPassword, newPassword, {
        address: clientAddress(req),
        requestId: currentRequestId(),
      });
    } catch (err) {
      if (err instanceof RetryLaterError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      throw err;
    }
  }
}

/**
 * The socket's peer address (IPv4-mapped IPv6 shown as IPv4). Express's `trust proxy` is off, so a client
 * cannot choose its own address with X-Forwarded-For; behind a reverse proxy all clients share its address.
 */
export function clientAddress(req: Request): string {
  const raw = req.socket?.remoteAddress ?? req.ip ?? 'unknown';
  return raw.startsWith('::ffff:') ? raw.slice(7) : raw;
}
