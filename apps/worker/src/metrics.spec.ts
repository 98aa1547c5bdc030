import { createServer } from 'node:net';
import { Runtime } from '@temporalio/worker';
import { sdkTelemetry } from './metrics';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('sdkTelemetry', () => {
  it("configures no exporter without a port, and forwards the core's own lines to the runtime logger either way", () => {
    expect(sdkTelemetry(undefined)).toEqual({ logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } });
    expect(sdkTelemetry(9464).logging).toEqual(sdkTelemetry(undefined).logging);
    expect(sdkTelemetry(9464).metrics).toEqual({ prometheus: { bindAddress: '0.0.0.0:9464', useSecondsForDurations: true } });
  });

  it("makes the SDK runtime serve Prometheus text on the port (the worker's TEMPORAL_METRICS_PORT)", async () => {
    const port = await freePort();
    Runtime.install({ telemetryOptions: sdkTelemetry(port) });
    Runtime.instance();
    let res: Response | undefined;
    for (let i = 0; i < 50 && !res; i++) {
      res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
      if (!res) await new Promise((r) => setTimeout(r, 100));
    }
    expect(res?.status).toBe(200);
    expect(res?.headers.get('content-type')).toMatch(/^text\/plain/);
    await Runtime.instance().shutdown();
  });
});
