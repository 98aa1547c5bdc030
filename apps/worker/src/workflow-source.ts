import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BundleOptions } from '@temporalio/worker';
import { projectRoot } from '@df/runtime';

const LIBS = ['domain', 'contracts'] as const;

/**
 * Where workflow code comes from. From source (tests, ts files) webpack needs the @df/* aliases that
 * tsconfig declares; the compiled tree has them rewritten to relative paths already.
 */
export function workflowSource(bundlePath?: string): { workflowBundle: { codePath: string } } | Pick<BundleOptions, 'workflowsPath' | 'webpackConfigHook'> {
  if (bundlePath) return { workflowBundle: { codePath: bundlePath } };
  return { workflowsPath: workflowsEntry(), webpackConfigHook: addLibAliases };
}

export function workflowsEntry(): string {
  const compiled = join(__dirname, '..', '..', '..', 'workflows', 'index.js');
  return existsSync(compiled) ? compiled : join(projectRoot(), 'workflows', 'index.ts');
}

export const addLibAliases: NonNullable<BundleOptions['webpackConfigHook']> = (config) => {
  const root = projectRoot();
  const alias = Object.fromEntries(LIBS.map((lib) => [`@df/${lib}`, join(root, 'libs', lib, 'src', 'index.ts')]));
  config.resolve = { ...config.resolve, alias: { ...(config.resolve?.alias as Record<string, string>), ...alias } };
  return config;
};
