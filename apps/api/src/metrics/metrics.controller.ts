import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import { Public } from '../auth/decorators';
import { domainError } from '../common/errors';
import { errorResponses } from '../openapi';
import { MetricsService } from './metrics.service';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Prometheus metrics, not public: with METRICS_TOKEN set, `Authorization: Bearer <METRICS_TOKEN>` is required
 * (401 otherwise); without it, only scrapers on the loopback interface are answered (403 otherwise).
 * Not the users' JWT: a scraper holds no user account (the route is outside the user auth guard).
 */
// Not declared as bearer-secured in OpenAPI: the users' JWT does not open it (fuzzers would expect it to).
@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(API_CONFIG) private readonly config: ServiceConfig,
  ) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: '监控指标 Prometheus metrics: request latency by route template, workflow updates by outcome',
    description: 'Bearer METRICS_TOKEN when the server has one; else answered only on the loopback interface.',
  })
  @ApiOkResponse({
    description: 'Prometheus text exposition format',
    content: {
      'text/plain': {
        schema: { type: 'string' },
        example: 'delegation_updates_total{update="decide",outcome="accepted",service="api"} 12\n',
      },
    },
  })
  @errorResponses(401, 403)
  get(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<string> {
    this.authorize(req);
    // Set here, not by @Header: a refusal must stay a JSON error body.
    res.setHeader('Content-Type', 'text/plain; version=0.0.4; charset=utf-8');
    return this.metrics.text();
  }

  private authorize(req: Request): void {
    const token = this.config.metricsToken;
    if (token) {
      const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      // Compare digests: constant time whatever the length of the guess.
      if (!match || !timingSafeEqual(digest(match[1]!), digest(token)))
        throw domainError(
          'UNAUTHENTICATED',
          '需要监控令牌（Bearer METRICS_TOKEN）',
          'The metrics token is required (Bearer METRICS_TOKEN)',
        );
      return;
    }
    if (!LOOPBACK.test(req.socket.remoteAddress ?? ''))
      throw domainError(
        'FORBIDDEN_ROLE',
        '未设置 METRICS_TOKEN 时仅本机可读取监控指标',
        'Without METRICS_TOKEN, metrics are served to the loopback interface only',
      );
  }
}
