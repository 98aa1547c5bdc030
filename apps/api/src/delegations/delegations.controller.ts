import { applyDecorators, Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { z } from 'zod';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { ActionResult } from '@df/contracts';
import { SUBMITTERS } from '@df/domain';
import type { AuthUser, UserRole } from '../auth/access';
import { CurrentUser, Roles } from '../auth/decorators';
import { errorResponses, IdempotencyKeyHeader, pathParam, queryParams, schemaRef } from '../openapi';
import { DelegationsService, type ActionKind, type CaseDetail, type SubmissionResponse } from './delegations.service';
import { IdempotencyKey } from './idempotency.service';
import { InboxService } from './inbox.service';
import {
  ActionResultSchema,
  AmendPreviewSchema,
  AmendSchema,
  CaseListSchema,
  CatalogSchema,
  CheckResultSchema,
  CloseSchema,
  CompleteStepSchema,
  DecisionSchema,
  InboxQuerySchema,
  InboxSchema,
  ListQuerySchema,
  ObjectionSchema,
  ProgressSchema,
  SUBMISSION_EXAMPLE,
  SubmissionResponseSchema,
  SubmissionSchema,
  SupplyDocumentSchema,
  ExtendDeficiencySchema,
  TimelineQuerySchema,
  TimelineSchema,
  StepKeySchema,
} from './schemas';

const CASE_ID = ApiParam({ name: 'id', description: 'Case id (from the submission)', example: '5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b' });
const STEP_KEY = pathParam('stepKey', StepKeySchema, "Step instance key: 'B07', 'A11:m1', 'D12:US', 'D13:m1:US'");
const ACTION_OK = ApiOkResponse({
  description: 'The workflow accepted the action (a retry with the same Idempotency-Key returns this first result)',
  schema: schemaRef(ActionResultSchema),
});

/**
 * A case-level action route (POST delegations/:id/<path>): 200 with the ActionResult, Idempotency-Key, the
 * body's schema, the refusals every action can meet. One place for what the routes share.
 */
const CaseAction = (path: string, summary: string, body: z.ZodType) =>
  applyDecorators(
    Post(`delegations/:id/${path}`),
    HttpCode(200),
    CASE_ID,
    IdempotencyKeyHeader(),
    ApiOperation({ summary }),
    ApiBody({ schema: schemaRef(body) }),
    ACTION_OK,
    errorResponses(400, 401, 403, 404, 409, 422, 503),
  );

@ApiTags('delegations')
@ApiBearerAuth()
@Controller('api')
export class DelegationsController {
  constructor(
    private readonly delegations: DelegationsService,
    private readonly inboxService: InboxService,
  ) {}

  @Post('delegations')
  @Roles(...(SUBMITTERS.delegation as UserRole[]))
  @IdempotencyKeyHeader()
  @ApiOperation({
    summary: '报送出访申请 Submit a delegation (organizer, own unit)',
    description:
      'Validates the whole input (400 naming every field), then the trip rules (422 RULE_VIOLATION with violation codes, each also in `errors` as the rule at its field: e.g. FREQUENCY_EXCEEDED, and MEMBER_ON_OPEN_CASE at members[i] for a person already on another open case whose trip dates overlap, days inclusive), then starts the case workflow. 201 with the case id, workflow id and the initial plan. 409 ACTION_NOT_ALLOWED rule `plannable` when the current process version cannot plan the case (e.g. settings stored before the publication bounds put a step beyond the working-day calendar): the same on every retry, never a 503.',
  })
  @ApiBody({
    schema: schemaRef(SubmissionSchema),
    examples: { canonicalUsTrip: { summary: 'The canonical US trip', value: SUBMISSION_EXAMPLE } },
  })
  @ApiCreatedResponse({
    description: 'Case started (or, for a retried Idempotency-Key, the first response)',
    schema: schemaRef(SubmissionResponseSchema),
  })
  @errorResponses(400, 401, 403, 409, 422, 429, 503)
  async submit(
    @CurrentUser() user: AuthUser,
    @Body() body: unknown,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SubmissionResponse> {
    const result = await this.delegations.submit(user, body, key);
    res.status(result.status);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return result.body;
  }

  @Post('delegations/check')
  @Roles('organizer')
  @HttpCode(200)
  @IdempotencyKeyHeader(
    'Not kept (nothing is started or stored), but held to its format as on every POST under /api/delegations: 1-200 of A-Z a-z 0-9 . _ : -',
  )
  @ApiOperation({
    summary: '报送前检查 Check a delegation against the trip rules without submitting (organizer, own unit)',
    description:
      "The validation of POST /api/delegations (400 naming every field, 403/422 as there for the unit), then the trip rules: their violations are the answer (200), not a 422. A trip the rules pass is planned as the submission would plan it: 409 ACTION_NOT_ALLOWED rule `plannable` when the current process version cannot plan it, as the submission answers. Nothing is started or stored: an Idempotency-Key is not kept, only held to its format (400 headers.Idempotency-Key, as on every POST under /api/delegations). 429 TOO_MANY_ATTEMPTS (Retry-After) once the user drew IDENTITY_PROBE_MAX refusals naming another person's passport (rule passport-holder) within IDENTITY_PROBE_WINDOW_SECONDS, as the submission answers.",
  })
  @ApiBody({
    schema: schemaRef(SubmissionSchema),
    examples: { canonicalUsTrip: { summary: 'The canonical US trip', value: SUBMISSION_EXAMPLE } },
  })
  @ApiOkResponse({ description: 'The violations (empty: the trip passes)', schema: schemaRef(CheckResultSchema) })
  @errorResponses(400, 401, 403, 409, 422, 429)
  check(@CurrentUser() user: AuthUser, @Body() body: unknown) {
    return this.delegations.check(user, body);
  }

  @Get('delegations')
  @ApiOperation({
    summary: '案件列表 List cases (read model), least slack first',
    description: 'Unit roles see their own unit only; FAO roles, the leader and the manager see all units. Paginated.',
  })
  @queryParams(ListQuerySchema)
  @ApiOkResponse({ description: 'One page of cases', schema: schemaRef(CaseListSchema) })
  @errorResponses(400, 401, 403, 422)
  list(@CurrentUser() user: AuthUser, @Query() query: unknown) {
    return this.delegations.list(user, query);
  }

  @Get('delegations/:id')
  @CASE_ID
  @ApiOperation({ summary: '案件详情 A case with its progress (the workflow query `progress`)' })
  @ApiOkResponse({ description: 'Progress of the case', schema: schemaRef(ProgressSchema) })
  @errorResponses(401, 403, 404, 503)
  get(@CurrentUser() user: AuthUser, @Param('id') id: string, @Req() req: Request): Promise<CaseDetail> {
    return this.delegations.detail(user, id, req); // the scope guard's answer, if it read one, is reused
  }

  @Get('delegations/:id/timeline')
  @CASE_ID
  @queryParams(TimelineQuerySchema)
  @ApiOperation({ summary: '办理记录 The case events (event store), oldest first, a page after a position' })
  @ApiOkResponse({ description: 'Events of the case', schema: schemaRef(TimelineSchema) })
  @errorResponses(400, 401, 403, 404)
  timeline(@CurrentUser() user: AuthUser, @Param('id') id: string, @Query() query: unknown, @Req() req: Request) {
    return this.delegations.timeline(user, id, query, req);
  }

  @Post('delegations/:id/steps/:stepKey/complete')
  @HttpCode(200)
  @CASE_ID
  @STEP_KEY
  @IdempotencyKeyHeader()
  @ApiOperation({
    summary: '办结步骤 Complete a task step',
    description:
      "Member steps are recorded by the organizer, external ones by the phase's officer. 帮代办: an FAO officer may complete an organizer's task with onBehalfOf.",
  })
  @ApiBody({
    schema: schemaRef(CompleteStepSchema),
    examples: {
      d01: { summary: 'D01 route decision', value: { data: { route: 'visa' } } },
      p03: {
        summary: "P03 trip report with its outcomes (summed on the managers' board)",
        value: {
          data: {
            summary: '考察三家企业，签署投资协议两项、贸易协议一项，举办推介会四场',
            outcomes: { investmentSignedYuan: 120000000, tradeSignedYuan: 300000000, promotionEvents: 4 },
            reportRef: '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
          },
          comment: '出访报告已提交',
        },
      },
    },
  })
  @ACTION_OK
  @errorResponses(400, 401, 403, 404, 409, 422, 503)
  complete(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('stepKey') stepKey: string,
    @Body() body: unknown,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.action(user, 'complete', id, stepKey, body, key, res);
  }

  @Post('delegations/:id/steps/:stepKey/decision')
  @HttpCode(200)
  @CASE_ID
  @STEP_KEY
  @IdempotencyKeyHeader()
  @ApiOperation({ summary: '审批决定 Decide an approval step: approve, reject, return (returnTo), accept-with-deficiencies (B02)' })
  @ApiBody({
    schema: schemaRef(DecisionSchema),
    examples: {
      approve: { value: { decision: 'approve', comment: '同意' } },
      returnForRevision: { value: { decision: 'return', returnTo: 'A05', comment: '日程需调整' } },
      acceptWithDeficiencies: {
        value: { decision: 'accept-with-deficiencies', missingDocuments: [{ id: 'invitation-translation', name: '邀请函译文' }] },
      },
    },
  })
  @ACTION_OK
  @errorResponses(400, 401, 403, 404, 409, 422, 503)
  decide(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('stepKey') stepKey: string,
    @Body() body: unknown,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.action(user, 'decide', id, stepKey, body, key, res);
  }

  @CaseAction('amend', '变更 Amend dates, destinations or members (affected approvals run again)', AmendSchema)
  amend(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: unknown,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.action(user, 'amend', id, undefined, body, key, res);
  }

  @Post('delegations/:id/amendment-preview')
  @HttpCode(200)
  @CASE_ID
  @IdempotencyKeyHeader(
    'Checked for its format only (1-200 characters, e.g. a UUID), as on every POST under /api/delegations: a preview records nothing, so a retry asks again',
  )
  @ApiOperation({
    summary: '变更预览 What an amendment would do if sent now: the steps it runs again (nothing is changed)',
    description:
      "The amendment's body and every check the amendment meets before it is recorded, the same refusals (400, 403, 404, 409, 422); then the steps it would run again, each with its status now, and the members and countries it adds and removes. Nothing is claimed, held or recorded: the amendment checks everything again.",
  })
  @ApiBody({ schema: schemaRef(AmendSchema) })
  @ApiOkResponse({ description: 'What the amendment would do', schema: schemaRef(AmendPreviewSchema) })
  @errorResponses(400, 401, 403, 404, 409, 422, 503)
  previewAmendment(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: unknown, @Req() req: Request) {
    return this.delegations.previewAmendment(user, id, body, req);
  }

  @CaseAction('withdraw', '撤回 Withdraw the case (the unit organizer)', CloseSchema)
  withdraw(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: unknown,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.action(user, 'withdraw', id, undefined, body, key, res);
  }

  @CaseAction('cancel', '撤销 Cancel the case (FAO clerk, reviewer or director)', CloseSchema)
  cancel(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: unknown,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.action(user, 'cancel', id, undefined, body, key, res);
  }

  @CaseAction('notice-objections', '公示异议 Record an objection raised during the pre-trip public notice (A13)', ObjectionSchema)
  objection(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: unknown,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.action(user, 'objection', id, undefined, body, key, res);
  }

  @CaseAction('documents', '补交容缺材料 Supply a missing document (accepted with deficiencies at B02)', SupplyDocumentSchema)
  supplyDocument(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: unknown,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.action(user, 'supplyDocument', id, undefined, body, key, res);
  }

  @CaseAction(
    'documents/extensions',
    '容缺材料延期 Extend a missing document deadline (FAO clerk; at most settings.deficiencies.extensions times, default once)',
    ExtendDeficiencySchema,
  )
  extendDeficiency(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: unknown,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.action(user, 'extendDeficiency', id, undefined, body, key, res);
  }

  @Get('inbox')
  @ApiOperation({
    summary: '待办 My actionable steps across cases, earliest latest-start first',
    description:
      "Steps awaiting, overdue or blocked for the caller's role (members' steps for organizers, external outcomes for the phase's officer), within the caller's unit for unit roles.",
  })
  @queryParams(InboxQuerySchema)
  @ApiOkResponse({ description: 'The inbox', schema: schemaRef(InboxSchema) })
  @errorResponses(400, 401)
  inbox(@CurrentUser() user: AuthUser, @Query() query: unknown) {
    return this.inboxService.inbox(user, query);
  }

  @Get('catalog')
  @ApiOperation({ summary: '流程目录 The process definition in force, with labels' })
  @ApiOkResponse({
    description:
      'The definition (53 steps) and the labels of roles, phases, purposes, ranks, case and step statuses, decisions, enterprise sizes, ownerships, whitelist states, card, roster and passport states (the one label table of each, as messages use them); the country table',
    schema: schemaRef(CatalogSchema),
  })
  @errorResponses(401)
  catalog() {
    return this.inboxService.catalog();
  }

  private async action(
    user: AuthUser,
    kind: ActionKind,
    id: string,
    stepKey: string | undefined,
    body: unknown,
    key: string | undefined,
    res: Response,
  ): Promise<ActionResult> {
    const result = await this.delegations.act(user, kind, id, stepKey, body, key, res.req);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return result.body;
  }
}
