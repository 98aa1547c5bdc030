import { inspect } from 'node:util';
import type { LoggerService, LogLevel } from '@nestjs/common';
import { maskForLog } from '@df/domain';

/** The level a line names: Nest's `log` is `info` and `verbose` is `trace`, the SDK's levels lower-cased. */
export type JsonLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

const TO_STDERR: ReadonlySet<JsonLogLevel> = new Set(['warn', 'error', 'fatal']);

/** An Error of this realm or another (a vm sandbox's, a Jest test's: `instanceof` fails across them). */
const isError = (v: unknown): v is Error => v instanceof Error || Object.prototype.toString.call(v) === '[object Error]';

/**
 * An Error as JSON: its class name, message, own fields (an ApplicationFailure's `type` and `details`, a driver
 * error's `detail`), stack and cause; JSON.stringify alone writes `{}` for an Error (its message and stack are not
 * enumerable). A bigint as its decimal digits.
 */
function jsonValue(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (!isError(value)) return value;
  const own = Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'cause'));
  return {
    name: value.name,
    message: value.message,
    ...own,
    ...(value.stack ? { stack: value.stack } : {}),
    ...(value.cause !== undefined ? { cause: value.cause } : {}),
  };
}

/**
 * Writes one log line: a JSON object on one line, `time` (ISO 8601, `at`), `level`, `service` (`api`, `worker`,
 * `persistence`), then `fields` (`msg` and whatever the caller adds), personal data masked (maskForLog,
 * libs/domain/src/masking.ts). Levels warn and above go to stderr, the others to stdout. The one shape every process of
 * the system logs in (docs/api.md "Request ids, logs, metrics"), so one collector reads them all.
 */
export function writeJsonLogLine(service: string, level: JsonLogLevel, fields: Record<string, unknown>, at: Date = new Date()): void {
  let line: string;
  try {
    line = JSON.stringify({ time: at.toISOString(), level, service, ...maskForLog(fields) }, jsonValue);
  } catch (err) {
    // A value masking or JSON cannot walk (a circular object): the line still goes out, the fields as masked text.
    const text = maskForLog(inspect(fields, { depth: 4, breakLength: Infinity }));
    line = JSON.stringify({
      time: at.toISOString(),
      level,
      service,
      msg: maskForLog(String(fields.msg ?? '')),
      fields: text,
      error: String(err),
    });
  }
  (TO_STDERR.has(level) ? process.stderr : process.stdout).write(`${line}\n`);
}

const NEST_LEVELS: Record<LogLevel, JsonLogLevel> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};

/**
 * Nest's logger writing JSON lines (writeJsonLogLine) for `service`: Nest's `log(message, context)` and
 * `error(message, stack, context)` become `msg`, `context`, `stack`; an object message's keys become fields.
 * `scope`: fields of the moment added to every line (the API's request id).
 */
export class JsonLogger implements LoggerService {
  private levels: Set<LogLevel>;

  constructor(
    private readonly service: string,
    levels: LogLevel[] = ['log', 'warn', 'error', 'fatal'],
    private readonly scope: () => Record<string, unknown> = () => ({}),
  ) {
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
    const base: Record<string, unknown> = isError(message)
      ? { msg: message.message, stack: message.stack }
      : typeof message === 'object' && message !== null
        ? { ...(message as Record<string, unknown>) }
        : { msg: String(message) };
    this.emit(level, { ...base, ...(context ? { context } : {}), ...(stack ? { stack } : {}), ...(args.length ? { extra: args } : {}) });
  }

  private emit(level: LogLevel, fields: Record<string, unknown>): void {
    writeJsonLogLine(this.service, NEST_LEVELS[level], { ...this.scope(), ...fields });
  }
}
