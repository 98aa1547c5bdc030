import type { LoggerService, LogLevel } from '@nestjs/common';
import { maskForLog } from './masking';
import { currentRequestId } from './request-context';

const ORDER: LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];
const NAMES: Record<LogLevel, string> = { verbose: 'trace', debug: 'debug', log: 'info', warn: 'warn', error: 'error', fatal: 'fatal' };

/**
 * Structured JSON logs, one object per line: time, level, context, message, the request id of the
 * request being served (if any) and extra fields. Personal data is masked in everything logged (maskForLog: every
 * class, and the shapes personal in a log line, an APEC card number among them).
 */
export class JsonLogger implements LoggerService {
  private levels: Set<LogLevel>;

  constructor(levels: LogLevel[] = ['log', 'warn', 'error', 'fatal']) {
    this.levels = new Set(levels);
  }

  setLogLevels(levels: LogLevel[]): void {
    this.levels = new Set(levels);
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** A structured event: `fields` become top-level keys of the line. */
  event(level: LogLevel, msg: string, fields: Record<string, unknown>): void {
    if (!this.levels.has(level)) return;
    this.emit(level, { msg, ...fields });
  }

  private write(level: LogLevel, message: unknown, rest: unknown[]): void {
    if (!this.levels.has(level)) return;
    // Nest calls log(message, context) and error(message, stack, context).
    const args = [...rest];
    const context = typeof args[args.length - 1] === 'string' ? (args.pop() as string) : undefined;
    const stack = level === 'error' && typeof args[0] === 'string' ? (args.shift() as string) : undefined;
    const base: Record<string, unknown> =
      message instanceof Error
        ? { msg: message.message, stack: message.stack }
        : typeof message === 'object' && message !== null
          ? { ...(message as Record<string, unknown>) }
          : { msg: String(message) };
    this.emit(level, { ...base, ...(context ? { context } : {}), ...(stack ? { stack } : {}), ...(args.length ? { extra: args } : {}) });
  }

  private emit(level: LogLevel, fields: Record<string, unknown>): void {
    const requestId = currentRequestId();
    const line = JSON.stringify(
      maskForLog({
        time: new Date().toISOString(),
        level: NAMES[level],
        service: 'api',
        ...(requestId ? { requestId } : {}),
        ...fields,
      }),
    );
    const stream = ORDER.indexOf(level) >= ORDER.indexOf('warn') ? process.stderr : process.stdout;
    stream.write(`${line}\n`);
  }
}
