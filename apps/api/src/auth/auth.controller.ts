import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ROLES } from '@df/domain';
import { currentRequestId } from '../common/request-context';
import { parseOrThrow } from '../common/validation';
import { text, untrimmedText } from '../common/zod-text';
import { errorResponses, schemaRef } from '../openapi';
import { AuthService, type LoginResult, RetryLaterError } from './auth.service';
import { Public } from './decorators';

export const LoginSchema = z
  .strictObject({ username: text(100), password: untrimmedText(200) })
  .meta({ id: 'LoginRequest', example: { username: 'organizer.commerce', password: 'demo' } });

export const LoginResponseSchema = z
  .looseObject({
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int(),
    user: z.looseObject({ id: z.string(), username: z.string(), role: z.enum(ROLES), unit: z.string(), name: z.string() }),
  })
  .meta({
    id: 'LoginResponse',
    example: {
      accessToken: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI…',
      tokenType: 'Bearer',
      expiresIn: 28800,
      user: { id: '7d3c…', username: 'organizer.commerce', role: 'organizer', unit: 'commerce', name: '专办员（commerce）' },
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
    description: 'ACCOUNT_DISABLED: the password is right but the account is disabled',
  })
  @ApiResponse({
    status: 429,
    description:
      'ACCOUNT_LOCKED (this username) or TOO_MANY_ATTEMPTS (this address): too many failed sign-ins; every attempt is refused until Retry-After seconds have passed',
    headers: { 'Retry-After': { description: 'seconds until a sign-in can be tried again', schema: { type: 'integer', minimum: 1 } } },
  })
  async login(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<LoginResult> {
    const { username, password } = parseOrThrow(LoginSchema, body);
    try {
      return await this.auth.login(username, password, { address: clientAddress(req), requestId: currentRequestId() });
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
