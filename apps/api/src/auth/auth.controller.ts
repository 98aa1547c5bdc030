import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ROLES } from '@df/domain';
import { parseOrThrow } from '../common/validation';
import { text, untrimmedText } from '../common/zod-text';
import { errorResponses, schemaRef } from '../openapi';
import { AuthService, type LoginResult } from './auth.service';
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
  login(@Body() body: unknown): Promise<LoginResult> {
    const { username, password } = parseOrThrow(LoginSchema, body);
    return this.auth.login(username, password);
  }
}
