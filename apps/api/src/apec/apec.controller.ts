import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { SUBMITTERS, WHITELIST_MOVES } from '@df/domain';
import type { AuthUser, UserRole } from '../auth/access';
import { CurrentUser, Roles } from '../auth/decorators';
import { IdempotencyKey } from '../delegations/idempotency.service';
import { errorResponses, IdempotencyKeyHeader, pathParam, queryParams, schemaRef } from '../openapi';
import { code as UnitCodeSchema } from '../registries/schemas';
import { ApecService, type ApplicationResponse } from './apec.service';
import {
  AdmissionResultSchema,
  AdmissionSchema,
  ApplicationResponseSchema,
  ApplicationSchema,
  CardListSchema,
  CardSchema,
  CardStatusSchema,
  CardsQuerySchema,
  EnterpriseListSchema,
  EnterpriseSchema,
  EnterprisesQuerySchema,
  EnterpriseViewSchema,
  MoveResultSchema,
  WhitelistMoveSchema,
  CardKeySchema,
} from './schemas';

/** An enterprise's unit in a path, documented as the service parses it (a unit code, parsePathParam). */
const UNIT_PARAM = pathParam('unit', UnitCodeSchema, '单位代码 Unit code');

/**
 * APEC business travel cards (issue 17): enterprises and their whitelist, card applications (cases of the
 * card process on the same engine: their steps are acted on through /api/delegations/:id/steps/...), the
 * cards registry. docs/apec.md.
 */
@ApiTags('apec')
@ApiBearerAuth()
@Controller('api/apec')
export class ApecController {
  constructor(private readonly apec: ApecService) {}

  @Get('enterprises')
  @Roles('apec-desk', 'manager')
  @ApiOperation({
    summary: '企业名录 The enterprises with their whitelist state (APEC desk, manager)',
    description: 'Latest change first; filters combine. A bad filter is 400 naming query.<field>.',
  })
  @queryParams(EnterprisesQuerySchema)
  @ApiOkResponse({ description: 'A page of enterprises and the total', schema: schemaRef(EnterpriseListSchema) })
  @errorResponses(400, 401, 403)
  enterprises(@Query() query: unknown) {
    return this.apec.enterprises(query);
  }

  @Put('enterprises/:unit')
  @UNIT_PARAM
  @Roles('apec-desk')
  @ApiOperation({ summary: '企业登记 Register a unit as an enterprise: ownership and size (APEC desk)' })
  @ApiBody({ schema: schemaRef(EnterpriseSchema) })
  @ApiOkResponse({ description: 'The enterprise with its whitelist state and history', schema: schemaRef(EnterpriseViewSchema) })
  @errorResponses(400, 401, 403, 404, 409)
  putEnterprise(@Param('unit') unit: string, @Body() body: unknown) {
    return this.apec.putEnterprise(unit, body);
  }

  @Get('enterprises/:unit')
  @UNIT_PARAM
  @Roles('apec-desk', 'enterprise-clerk', 'manager')
  @ApiOperation({ summary: '企业与白名单 An enterprise, its whitelist state and history (the enterprise clerk: own only)' })
  @ApiOkResponse({ description: 'The enterprise', schema: schemaRef(EnterpriseViewSchema) })
  @errorResponses(400, 401, 403, 404)
  getEnterprise(@CurrentUser() user: AuthUser, @Param('unit') unit: string) {
    return this.apec.getEnterprise(user, unit);
  }

  @Post('enterprises/:unit/whitelist/admission')
  @UNIT_PARAM
  @HttpCode(200)
  @Roles('apec-desk')
  @ApiOperation({
    summary: '白名单准入 Whitelist admission by the criteria (APEC desk)',
    description:
      "A non-state enterprise's figures against the criteria at its size's thresholds (lowered for small and micro firms): admitted, or refused with each criterion failed; both are in the history. A state enterprise needs no whitelist (409).",
  })
  @ApiBody({ schema: schemaRef(AdmissionSchema) })
  @ApiOkResponse({ description: 'The evaluation', schema: schemaRef(AdmissionResultSchema) })
  @errorResponses(400, 401, 403, 404, 409)
  admit(@CurrentUser() user: AuthUser, @Param('unit') unit: string, @Body() body: unknown) {
    return this.apec.admit(user, unit, body);
  }

  @Post('enterprises/:unit/whitelist/:move')
  @UNIT_PARAM
  @HttpCode(200)
  @Roles('apec-desk')
  @ApiParam({ name: 'move', enum: WHITELIST_MOVES })
  @ApiOperation({
    summary: '白名单动态管理 Suspend, lift, exit (with its reason) or re-admit (APEC desk)',
    description:
      "An exit stops the enterprise's open card applications (each case cancelled with the reason on record). 503 when a case could not be reached: retry the same request.",
  })
  @ApiBody({ schema: schemaRef(WhitelistMoveSchema) })
  @ApiOkResponse({ description: 'The enterprise after the move and the cases stopped', schema: schemaRef(MoveResultSchema) })
  @errorResponses(400, 401, 403, 404, 409, 422, 503)
  move(@CurrentUser() user: AuthUser, @Param('unit') unit: string, @Param('move') move: string, @Body() body: unknown) {
    return this.apec.move(user, unit, move, body);
  }

  @Post('applications')
  @Roles(...(SUBMITTERS['apec-card'] as UserRole[]))
  @IdempotencyKeyHeader()
  @ApiOperation({
    summary: 'APEC卡申请 Apply for cards (enterprise clerk, own enterprise)',
    description:
      "Applicants from the enterprise's staff roster, full APEC card economies to pre-clear; only a state or whitelisted enterprise (422 otherwise). Starts a case of the card process; its steps are in the inbox and at /api/delegations/:id.",
  })
  @ApiBody({ schema: schemaRef(ApplicationSchema) })
  @ApiCreatedResponse({ description: 'The case started', schema: schemaRef(ApplicationResponseSchema) })
  @errorResponses(400, 401, 403, 422, 503)
  async apply(
    @CurrentUser() user: AuthUser,
    @Body() body: unknown,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ApplicationResponse> {
    const result = await this.apec.apply(user, body, key);
    res.status(result.status);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return result.body;
  }

  @Get('cards')
  @Roles('apec-desk', 'enterprise-clerk', 'manager', 'visa-officer', 'passport-officer')
  @ApiOperation({ summary: 'APEC卡登记簿 The cards registry (the enterprise clerk: own enterprise)' })
  @queryParams(CardsQuerySchema)
  @ApiOkResponse({
    description: 'Cards: holder, masked number, economies cleared, valid until, renewal day, status',
    schema: schemaRef(CardListSchema),
  })
  @errorResponses(400, 401, 403, 422)
  cards(@CurrentUser() user: AuthUser, @Query() query: unknown) {
    return this.apec.cards(user, query);
  }

  @Post('cards/:number/status')
  @HttpCode(200)
  @Roles('apec-desk')
  @ApiOperation({
    summary: '挂失或注销 A card reported lost or cancelled (APEC desk)',
    description: "`number`: the card's number, or its `ref` from the cards registry (the number is masked for the desk).",
  })
  @pathParam('number', CardKeySchema, "The card's number or its ref (UUID)")
  @ApiBody({ schema: schemaRef(CardStatusSchema) })
  @ApiOkResponse({ description: 'The card', schema: schemaRef(CardSchema) })
  @errorResponses(400, 401, 403, 404, 409)
  setCardStatus(@Param('number') number: string, @Body() body: unknown) {
    return this.apec.setCardStatus(number, body);
  }
}
