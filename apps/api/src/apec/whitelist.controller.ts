import { Body, Controller, Get, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { SUBMITTERS, WHITELIST_CRITERIA_ACCESS } from '@df/domain';
import type { AuthUser, UserRole } from '../auth/access';
import { CurrentUser, Roles } from '../auth/decorators';
import { IdempotencyKey } from '../delegations/idempotency.service';
import { errorResponses, IdempotencyKeyHeader, schemaRef } from '../openapi';
import { AdmissionSchema } from './schemas';
import { CriteriaSchema, CriteriaViewSchema, WhitelistApplicationResponseSchema } from './whitelist.schemas';
import { WhitelistService, type WhitelistApplicationResponse } from './whitelist.service';

/**
 * The whitelist admission process (a case of its own: the enterprise files, the APEC desk reviews in the inbox
 * at /api/delegations/:id/steps/W02/decide, the system decides by the office's criteria) and the criteria as
 * versioned office data (issue 17). docs/apec.md.
 */
@ApiTags('apec')
@ApiBearerAuth()
@Controller('api/apec/whitelist')
export class WhitelistController {
  constructor(private readonly whitelist: WhitelistService) {}

  @Get('criteria')
  @Roles(...(WHITELIST_CRITERIA_ACCESS.read as UserRole[]))
  @ApiOperation({ summary: '白名单准入标准 The admission criteria in force and every version (the audit)' })
  @ApiOkResponse({ description: 'The current version and the versions', schema: schemaRef(CriteriaViewSchema) })
  @errorResponses(401, 403)
  getCriteria() {
    return this.whitelist.getCriteria();
  }

  @Put('criteria')
  @Roles(...(WHITELIST_CRITERIA_ACCESS.write as UserRole[]))
  @ApiOperation({
    summary: '设定准入标准 Set the admission criteria: a new version (APEC desk, administrator)',
    description:
      'Thresholds per size (a smaller size’s not above a larger one’s: rule lowered-threshold), accepted tax credit grades, clean credit record; from effectiveFrom (today or later) on. Evaluations record the version they applied.',
  })
  @ApiBody({ schema: schemaRef(CriteriaSchema) })
  @ApiOkResponse({ description: 'The criteria after the change', schema: schemaRef(CriteriaViewSchema) })
  @errorResponses(400, 401, 403, 409, 422)
  putCriteria(@CurrentUser() user: AuthUser, @Body() body: unknown) {
    return this.whitelist.putCriteria(user, body);
  }

  @Post('applications')
  @Roles(...(SUBMITTERS['apec-whitelist'] as UserRole[]))
  @IdempotencyKeyHeader()
  @ApiOperation({
    summary: '白名单准入申请 File a whitelist admission application (enterprise clerk, own enterprise)',
    description:
      'Starts a case of the apec-whitelist process with the figures as its filing step (W01) data; the APEC desk reviews it (W02) and the system decides by the criteria in force (W03). 422 for a state enterprise or an unregistered one; 409 when already on the whitelist or an application is open.',
  })
  @ApiBody({ schema: schemaRef(AdmissionSchema) })
  @ApiCreatedResponse({ description: 'The case started', schema: schemaRef(WhitelistApplicationResponseSchema) })
  @errorResponses(400, 401, 403, 409, 422, 503)
  async apply(
    @CurrentUser() user: AuthUser,
    @Body() body: unknown,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<WhitelistApplicationResponse> {
    const result = await this.whitelist.apply(user, body, key);
    res.status(result.status);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return result.body;
  }
}
