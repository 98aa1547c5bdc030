import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BundleOptions } from '@temporalio/worker';
import { projectRoot } from '@df/runtime';

const LIBS = ['domain', 'contracts'] as const;

/**
 * Where workflow code comes from. From source (tests, ts files) webpack needs the @df/* aliases that
 * tsconfig declares; the compiled tree has them rewritten to relative paths already.
 */
export function workflowSource(
  bundlePath?: string,
):
  | { workflowBundle: { codePath: string } }
  | (Pick<BundleOptions, 'workflowsPath' | 'webpackConfigHook'> & { interceptors: { workflowModules: string[] } }) {
  if (bundlePath) return { workflowBundle: { codePath: bundlePath } };
  return {
    workflowsPath: workflowsEntry(),
    webpackConfigHook: addLibAliases,
    interceptors: { workflowModules: [workflowInterceptorsEntry()] },
  };
}

/**
 * What every bundle of the workflow code is made from (the worker's child process, the tests' global setup, the
 * bench): the workflows, their interceptors (workflows/stale-activation.ts) and the @df/* aliases.
 */
export function workflowBundleOptions(): Pick<BundleOptions, 'workflowsPath' | 'workflowInterceptorModules' | 'webpackConfigHook'> {
  return { workflowsPath: workflowsEntry(), workflowInterceptorModules: [workflowInterceptorsEntry()], webpackConfigHook: addLibAliases };
}

export function workflowsEntry(): string {
  return workflowsFile('index');
}

/** The workflow interceptors module (a stale activation is failed before it acts: workflows/stale-activation.ts). */
export function workflowInterceptorsEntry(): string {
  return workflowsFile('stale-activation');
}

function workflowsFile(name: string): string {
  const compiled = join(__dirname, '..', '..', '..', 'workflows', `${name}.js`);
  return existsSync(compiled) ? compiled : join(projectRoot(), 'workflows', `${name}.ts`);
}

export const addLibAliases: NonNullable<BundleOptions['webpackConfigHook']> = (config) => {
  const root = projectRoot();
  const alias = Object.fromEntries(LIBS.map((lib) => [`@df/${lib}`, join(root, 'libs', lib, 'src', 'index.ts')]));
  config.resolve = { ...config.resolve, alias: { ...(config.resolve?.alias as Record<string, string>), ...alias } };
  return config;
};

/**
 * From the compiled tree: bundles the workflow code in a child process (apps/worker/src/bundle-workflows)
 * and returns the bundle's path, so the worker itself never holds webpack's memory. Undefined from
 * TypeScript sources (tests pass a prebuilt bundle; otherwise the worker bundles in-process).
 */
export async function bundleInChildProcess(): Promise<string | undefined> {
  const script = join(__dirname, 'bundle-workflows.js');
  if (!existsSync(script)) return undefined;
  const target = join(tmpdir(), `delegation-flow-workflows-${process.pid}-${Date.now()}.js`);
  const code = await new Promise<number | null>((resolve, reject) => {
    // Not the worker's own node flags (--inspect would collide, a heap cap is not the bundler's).
    const child = fork(script, [target], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`bundling the workflow code exited with code ${code}`);
  return target;
}
