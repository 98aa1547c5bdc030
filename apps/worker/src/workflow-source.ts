import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
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
    webpackConfigHook: configureWorkflowWebpack,
    interceptors: { workflowModules: [workflowInterceptorsEntry()] },
  };
}

/**
 * What every bundle of the workflow code is made from (the worker's child process, the tests' global setup, the
 * bench): the workflows, their interceptors (workflows/stale-activation.ts) and the @df/* aliases.
 */
export function workflowBundleOptions(): Pick<BundleOptions, 'workflowsPath' | 'workflowInterceptorModules' | 'webpackConfigHook'> {
  return {
    workflowsPath: workflowsEntry(),
    workflowInterceptorModules: [workflowInterceptorsEntry()],
    webpackConfigHook: configureWorkflowWebpack,
  };
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

/** The built-ins every module of the bundle reads from workflows/intrinsics instead of the sandbox's global (see there). */
export const PROVIDED_INTRINSICS = [
  'Math',
  'JSON',
  'Number',
  'Object',
  'Array',
  'Map',
  'Set',
  'String',
  'Symbol',
  'Reflect',
  'Float64Array',
  'Int32Array',
  'Uint8Array',
] as const;

/**
 * The bundle's webpack configuration on top of the SDK's: the @df/* aliases, and the intrinsics provided to every
 * module (webpack's ProvidePlugin, taken from the webpack the SDK bundles with).
 */
export const configureWorkflowWebpack: NonNullable<BundleOptions['webpackConfigHook']> = (config) => {
  const root = projectRoot();
  const alias = Object.fromEntries(LIBS.map((lib) => [`@df/${lib}`, join(root, 'libs', lib, 'src', 'index.ts')]));
  config.resolve = { ...config.resolve, alias: { ...(config.resolve?.alias as Record<string, string>), ...alias } };
  const intrinsics = workflowsFile('intrinsics');
  const provide = Object.fromEntries(PROVIDED_INTRINSICS.map((name) => [name, [intrinsics, name]]));
  config.plugins = [...(config.plugins ?? []), new (sdkWebpack().ProvidePlugin)(provide)];
  return config;
};

/** The webpack package @temporalio/worker bundles with (its dependency, not ours: one webpack builds the bundle). */
function sdkWebpack(): typeof import('webpack') {
  return createRequire(require.resolve('@temporalio/worker'))('webpack') as typeof import('webpack');
}

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
