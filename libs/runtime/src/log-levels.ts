import type { AppConfig } from './config';

type NestLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';

/** Nest logger levels for LOG_LEVEL. */
export function nestLogLevels(level: AppConfig['logLevel']): NestLevel[] {
  const order: NestLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];
  const last = { error: 0, warn: 1, info: 2, debug: 4 }[level];
  return order.slice(0, last + 1);
}

/** Temporal SDK (Runtime) log level for LOG_LEVEL. */
export function temporalLogLevel(level: AppConfig['logLevel']): 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' {
  return ({ error: 'ERROR', warn: 'WARN', info: 'INFO', debug: 'DEBUG' } as const)[level];
}
