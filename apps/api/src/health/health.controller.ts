import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/decorators';
import { HealthService, type HealthReport } from './health.service';

const UP = { status: 'ok', checks: { database: { status: 'up' }, temporal: { status: 'up' } } };
const DOWN = {
  status: 'error',
  checks: { database: { status: 'up' }, temporal: { status: 'down', error: 'Temporal did not answer within 2000 ms' } },
};

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOperation({ summary: '健康检查 Health: PostgreSQL and Temporal both answer' })
  @ApiOkResponse({ description: 'Both dependencies answer', schema: { example: UP } })
  @ApiServiceUnavailableResponse({ description: 'A dependency does not answer; the body names it', schema: { example: DOWN } })
  async get(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const report = await this.health.check();
    if (report.status !== 'ok') res.status(503);
    return report;
  }
}
