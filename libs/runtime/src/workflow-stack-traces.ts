import { readFileSync } from 'node:fs';

/**
 * What the Temporal SDK's workflow threads read as they start: `TEMPORAL_WORKFLOW_STACK_TRACES=off` leaves out the
 * promise hook behind the workflow stack trace query (`__stack_trace`, the Web UI's "Stack Trace" tab). The hook
 * captures a source-mapped stack at every promise a workflow creates: about 17 promises per activation here, a third
 * of a replay's CPU and 5-15 % of the worker's per decision (docs/benchmarks.md, "The SDK's stack-trace hook";
 * upstream temporalio/sdk-typescript#1587). The switch is ours, applied to `@temporalio/worker` by patch-package
 * (patches/, at `npm install`/`npm ci`; the Dockerfile runs it after `npm ci --ignore-scripts`).
 */
export const WORKFLOW_STACK_TRACES_ENV = 'TEMPORAL_WORKFLOW_STACK_TRACES';

/**
 * Sets whether the workflow threads of the Workers created from now on in this process answer stack trace queries
 * (`enabled`), or leave the hook out and answer that stack traces are not enabled on the worker. Call it before
 * `Worker.create` or `Worker.runReplayHistory`: each thread copies the environment when it starts. Returns false when
 * the SDK in node_modules is not patched (installed with `--ignore-scripts` and no `npx patch-package`): its threads
 * then keep the hook whatever is asked.
 */
export function setWorkflowStackTraces(enabled: boolean): boolean {
  process.env[WORKFLOW_STACK_TRACES_ENV] = enabled ? 'on' : 'off';
  return workflowStackTracesSwitchable();
}

/** Whether the installed `@temporalio/worker` reads WORKFLOW_STACK_TRACES_ENV (patches/@temporalio+worker+*.patch). */
export function workflowStackTracesSwitchable(): boolean {
  const source = readFileSync(require.resolve('@temporalio/worker/lib/workflow/vm-shared.js'), 'utf8');
  return source.includes(`process.env.${WORKFLOW_STACK_TRACES_ENV}`);
}
