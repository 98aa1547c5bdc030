import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one API app (its own registry: several apps may share a process in tests). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly updates = new Counter({
    name: 'delegation_updates_total',
    help: 'Workflow updates sent by the API, by update name and outcome (accepted, or the rejection code)',
    labelNames: ['update', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly progressReads = new Counter({
    name: 'delegation_progress_reads_total',
    help: "Case detail reads by source: published (the workflow's stored answer), query, published-after-timeout (the query did not answer in time)",
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  readonly submissions = new Counter({
    name: 'delegation_submissions_total',
    help: 'Delegation submissions by outcome (started, replayed, rejected)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    this.registry.setDefaultLabels({ service: 'api' });
    collectDefaultMetrics({ register: this.registry });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
