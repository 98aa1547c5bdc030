import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FAO_ROLES, type UserRole } from '../auth/access';
import { Roles } from '../auth/decorators';
import { errorResponses, queryParams, schemaRef } from '../openapi';
import { DashboardService } from './dashboard.service';
import { DashboardQuerySchema, DashboardSchema } from './schemas';

/** Who may read the whole portfolio: FAO management and the FAO's own sections. */
export const BOARD_ROLES = ['manager', ...FAO_ROLES] as UserRole[];

@ApiTags('dashboard')
@ApiBearerAuth()
@Controller('api')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get('dashboard')
  @Roles(...BOARD_ROLES)
  @ApiOperation({
    summary: "管理看板 The managers' board: time to departure across every case",
    description:
      'Manager and FAO roles only (403 FORBIDDEN_ROLE otherwise). From the read models: cases in flight by slack, counts by phase and status, ' +
      'the at-risk list with the step that puts each at risk, overdue steps by role (each list capped by `limit`, totals uncapped), and portfolio ' +
      'analytics (submission-to-departure percentiles and the share within 22 days, working days per step code, trip outcomes), ' +
      'recomputed at most every DASHBOARD_CACHE_SECONDS (`analytics.computedAt`).',
  })
  @queryParams(DashboardQuerySchema)
  @ApiOkResponse({ description: 'The board', schema: schemaRef(DashboardSchema) })
  @errorResponses(400, 401, 403)
  board(@Query() query: unknown) {
    return this.dashboard.board(query);
  }
}
