import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CODEC_ROLES } from '@df/domain';
import type { AuthUser, UserRole } from '../auth/access';
import { CurrentUser, Roles } from '../auth/decorators';
import { errorResponses, schemaRef } from '../openapi';
import { type CodecBody, CodecBodySchema, CodecService } from './codec.service';

const NAMESPACE_HEADER = () =>
  ApiHeader({
    name: 'X-Namespace',
    required: false,
    description: "Temporal namespace of the payloads (sent by the Web UI and CLI); must be this deployment's",
  });

/** Temporal remote codec endpoint (`--codec-endpoint <base>/api/codec`): FAO officers only, personal data inside. */
@ApiTags('codec')
@ApiBearerAuth()
@Roles(...(CODEC_ROLES as UserRole[]))
@Controller('api/codec')
export class CodecController {
  constructor(private readonly codec: CodecService) {}

  @Post('decode')
  @HttpCode(200)
  @NAMESPACE_HEADER()
  @ApiOperation({
    summary: '解密 Temporal 载荷 Decode Temporal payloads (FAO officers)',
    description:
      "The Temporal remote codec protocol: the Web UI and `temporal workflow show --codec-endpoint` send encrypted payloads and get them back decrypted, with the personal data the caller's role may not see masked (the classification of every API answer). Unencrypted payloads pass through.",
  })
  @ApiBody({ schema: schemaRef(CodecBodySchema) })
  @ApiOkResponse({ description: 'The payloads, decoded, in the same order', schema: schemaRef(CodecBodySchema) })
  @errorResponses(400, 401, 403, 422)
  decode(@CurrentUser() user: AuthUser, @Body() body: unknown, @Headers('x-namespace') namespace: string | undefined): Promise<CodecBody> {
    return this.codec.run('decode', body, namespace, { role: user.role, unit: user.unit });
  }

  @Post('encode')
  @HttpCode(200)
  @NAMESPACE_HEADER()
  @ApiOperation({
    summary: '加密 Temporal 载荷 Encode Temporal payloads (FAO officers)',
    description: 'The other half of the remote codec protocol: encrypts with the newest payload key.',
  })
  @ApiBody({ schema: schemaRef(CodecBodySchema) })
  @ApiOkResponse({ description: 'The payloads, encrypted, in the same order', schema: schemaRef(CodecBodySchema) })
  @errorResponses(400, 401, 403, 422)
  encode(@Body() body: unknown, @Headers('x-namespace') namespace: string | undefined): Promise<CodecBody> {
    return this.codec.run('encode', body, namespace);
  }
}
