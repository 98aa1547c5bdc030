import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { maskingRuntimeLogger } from '../../apps/worker/src/log-masking';
import { sdkTelemetry } from '../../apps/worker/src/metrics';

/**
 * Found in CI's output: the Temporal SDK's Rust core wrote its own lines (`temporalio_sdk_core::worker::workflow: Task
 * not found when completing run_id=…`) straight to the console as ANSI-coloured text, past the runtime logger: neither
 * JSON nor masked, among the worker's JSON lines. The worker's telemetry options (metrics.ts sdkTelemetry) forward them
 * to that logger; here a real worker on the real dev server, with the core's filter lowered to INFO so that it speaks
 * at all (its "Initializing worker" line), has them written as the worker's JSON lines.
 */
describe("the Temporal core's own lines are the worker's JSON lines (sdkTelemetry's forwarding)", () => {
  it('a real worker start: the core speaks through the runtime logger, one JSON line each, no ANSI colour', async () => {
    const written: string[] = [];
    const capture = (chunk: string | Uint8Array): boolean => {
      written.push(String(chunk));
      return true;
    };
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
    try {
      const telemetry = sdkTelemetry(undefined);
      Runtime.install({
        logger: maskingRuntimeLogger('INFO'),
        telemetryOptions: { ...telemetry, logging: { ...telemetry.logging, filter: { core: 'INFO', other: 'ERROR' } } },
      });
      const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS });
      const worker = await Worker.create({
        connection,
        taskQueue: `sdk-core-logs-${Date.now()}`,
        activities: { noop: async () => undefined },
      });
      const run = worker.run();
      // The forwarding buffers a line 100 ms to order it among the SDK's own (NativeLogCollector).
      await new Promise((r) => setTimeout(r, 1_500));
      worker.shutdown();
      await run;
      await connection.close();
      await Runtime.instance().shutdown();
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    const core = written.flatMap((chunk) => chunk.split('\n')).filter((line) => line.includes('temporalio_sdk_core'));
    expect(core.length).toBeGreaterThan(0);
    for (const line of core) {
      expect(line).not.toMatch(/\x1b\[/);
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry).toMatchObject({ service: 'worker', sdkComponent: 'core' });
      expect(String(entry.target)).toMatch(/^temporalio_sdk_core/);
      expect(typeof entry.msg).toBe('string');
      expect(Number.isNaN(Date.parse(String(entry.time)))).toBe(false);
    }
  });
});
