import type { RuntimeOptions } from '@temporalio/worker';

/**
 * The SDK's telemetry options: with a port, the Rust core serves Prometheus text at
 * http://0.0.0.0:<port>/metrics (temporal_workflow_task_*, temporal_activity_*, temporal_num_pollers,
 * temporal_sticky_cache_size, ...). Durations in seconds, the unit of Temporal's public SDK dashboard
 * (deploy/monitoring/grafana/dashboards/temporal-sdk.json). Without a port: no exporter, no listener.
 */
export function sdkTelemetry(port: number | undefined): RuntimeOptions['telemetryOptions'] {
  if (port === undefined) return undefined;
  return {
    metrics: {
      prometheus: { bindAddress: `0.0.0.0:${port}`, useSecondsForDurations: true },
    },
  };
}
