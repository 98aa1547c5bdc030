import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { BOARD_ROLES as DOMAIN_BOARD_ROLES } from '@df/domain';
import type { AuthUser, UserRole } from '../auth/access';
import { CurrentUser, Roles } from '../auth/decorators';
import { errorResponses, queryParams, schemaRef } from '../openapi';
import { DashboardExportService } from './dashboard-export.service';
import { DashboardService } from './dashboard.service';
import { DashboardExportQuerySchema, DashboardQuerySchema, DashboardSchema } from './schemas';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Who may read the whole portfolio (the domain's BOARD_ROLES, which the web's 看板 reads too). */
export const BOARD_ROLES = DOMAIN_BOARD_ROLES as UserRole[];

@ApiTags('dashboard')
@ApiBearerAuth()
@Controller('api')
export class DashboardController {
  constructor(
    private readonly dashboard: DashboardService,
    private readonly exporter: DashboardExportService,
  ) {}

  @Get('dashboard')
  @Roles(...BOARD_ROLES)
  @ApiOperation({
    summary: "管理看板 The managers' board: time to departure across every case",
    description:
      'Manager and FAO roles only (403 FORBIDDEN_ROLE otherwise). From the read models: cases in flight by slack, counts by phase and status, ' +
      'the at-risk list with the step that puts each at risk, overdue steps by role (each list capped by `limit`, totals uncapped), and portfolio ' +
      'analytics (submission-to-departure percentiles and the share within 22 days, working days per step code, trip outcomes), ' +
      'recomputed at most every DASHBOARD_CACHE_SECONDS (`analytics.computedAt`). Filters: `unit`, and a period (`from`/`to`, inclusive) over the ' +
      '`departure` or `submission` date; every figure then counts only the cases they select (filtered analytics are kept per filter for DASHBOARD_CACHE_SECONDS as well).',
  })
  @queryParams(DashboardQuerySchema)
  @ApiOkResponse({ description: 'The board', schema: schemaRef(DashboardSchema) })
  @errorResponses(400, 401, 403, 422)
  board(@CurrentUser() user: AuthUser, @Query() query: unknown) {
    return this.dashboard.board(query, user);
  }

  @Get('dashboard/export')
  @Roles(...BOARD_ROLES)
  @ApiProduces('text/csv', XLSX)
  @ApiOperation({
    summary: '看板导出 The board as CSV or Excel, with the same filters',
    description:
      'CSV (UTF-8 with BOM): the open cases ranked by slack. XLSX: that table and every other figure of the board, one sheet each, and the filters. ' +
      'Headers in Chinese with English beside. At most 10,000 cases. Manager and FAO roles only.',
  })
  @queryParams(DashboardExportQuerySchema)
  @ApiOkResponse({
    description: 'The file (Content-Disposition: attachment)',
    content: {
      'text/csv': { schema: { type: 'string', example: '\ufeff标题 Title,单位 Unit,阶段 Phase,...' } },
      [XLSX]: { schema: { type: 'string', format: 'binary' } },
    },
  })
  @errorResponses(400, 401, 403, 422)
  async export(@CurrentUser() user: AuthUser, @Query() query: unknown, @Res() res: Response) {
    // A file is opaque to the masking interceptor: the exporter masks its data for this viewer itself.
    const file = await this.exporter.export(query, { role: user.role, unit: user.unit });
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
    res.setHeader('Cache-Control', 'private, no-store');
    res.send(file.body);
  }
}
