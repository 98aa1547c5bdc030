import type { RuntimeOptions } from '@temporalio/worker';

/**
 * The SDK's telemetry options.
 *
 * - Logs: the Rust core's own lines (e.g. `temporalio_sdk_core::worker::workflow: Task not found when completing`,
 *   with run ids and task tokens) are forwarded to the runtime's logger (bootstrap.ts: maskingRuntimeLogger, one JSON
 *   line each, masked) instead of the core writing them to the console as ANSI-coloured text. The core's filter stays
 *   the SDK's default, WARN for the core and ERROR for its dependencies (tonic, hyper, …); the runtime logger's level
 *   (LOG_LEVEL) filters on top. Found in CI's output: such lines were the only text among the worker's JSON lines.
 * - Metrics: with a port, the Rust core serves Prometheus text at http://0.0.0.0:<port>/metrics
 *   (temporal_workflow_task_*, temporal_activity_*, temporal_num_pollers, temporal_sticky_cache_size, ...). Durations in
 *   seconds, the unit of Temporal's public SDK dashboard (deploy/monitoring/grafana/dashboards/temporal-sdk.json).
 *   Without a port: no exporter, no listener.
 */
export function sdkTelemetry(port: number | undefined): NonNullable<RuntimeOptions['telemetryOptions']> {
  return {
    logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
    ...(port === undefined ? {} : { metrics: { prometheus: { bindAddress: `0.0.0.0:${port}`, useSecondsForDurations: true } } }),
  };
}
