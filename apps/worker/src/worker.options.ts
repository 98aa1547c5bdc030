import type { ServiceConfig } from '@df/runtime';

export const WORKER_OPTIONS = Symbol('WORKER_OPTIONS');

export interface WorkerModuleOptions {
  config: ServiceConfig;
  /** A prebuilt workflow bundle (tests build one per run); otherwise the worker bundles workflows/ at start. */
  workflowBundlePath?: string;
}
