import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { projectRoot } from './project-root';

export interface ResolvedBinary {
  path: string;
  /** Where it was found, for the start-up banner and error messages. */
  source: 'env' | 'tools' | 'path';
}

const isExecutable = (p: string): boolean => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Finds a binary in the documented order: env var, the project's tools venv (npm run tools), PATH.
 * Returns undefined when none has it; callers then fall back to the SDK's own download (internet only).
 */
export function resolveBinary(name: string, envVar: string, env: NodeJS.ProcessEnv = process.env): ResolvedBinary | undefined {
  const fromEnv = env[envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`${envVar}=${fromEnv} is not an executable file`);
    return { path: fromEnv, source: 'env' };
  }
  const tools = join(projectRoot(), '.tools', 'venv', 'bin', name);
  if (isExecutable(tools)) return { path: tools, source: 'tools' };
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return { path: join(dir, name), source: 'path' };
  }
  return undefined;
}

export const resolveTemporalCli = (env?: NodeJS.ProcessEnv) => resolveBinary('temporal', 'TEMPORAL_CLI_PATH', env);
export const resolveTemporalTestServer = (env?: NodeJS.ProcessEnv) =>
  resolveBinary('temporal-test-server', 'TEMPORAL_TEST_SERVER_PATH', env);
