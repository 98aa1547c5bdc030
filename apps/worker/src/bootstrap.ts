import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Runtime } from '@temporalio/worker';
import { JsonLogger, nestLogLevels, temporalLogLevel } from '@df/runtime';
import { maskingRuntimeLogger } from './log-masking';
import { sdkTelemetry } from './metrics';
import { WorkerModule } from './worker.module';
import type { WorkerModuleOptions } from './worker.options';

let runtimeInstalled = false;

export async function bootstrapWorker(options: WorkerModuleOptions): Promise<INestApplicationContext> {
  // The SDK runtime is process-wide and can be installed once, before the first connection.
  if (!runtimeInstalled) {
    Runtime.install({
      // Workflow and activity logs go through it: personal data masked (log-masking.ts).
      logger: maskingRuntimeLogger(temporalLogLevel(options.config.logLevel)),
      telemetryOptions: sdkTelemetry(options.config.temporalMetricsPort),
    });
    runtimeInstalled = true;
  }
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(options), {
    logger: new JsonLogger('worker', nestLogLevels(options.config.logLevel)),
  });
  await app.init();
  return app;
}
