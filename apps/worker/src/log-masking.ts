import { format } from 'node:util';
import { ConsoleLogger, type LogLevel as NestLogLevel } from '@nestjs/common';
import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';
import { maskForLog } from '@df/domain';

/**
 * The worker's log lines carry no personal data in clear (libs/domain/src/masking.ts maskForLog, the rule of the API's
 * JsonLogger too), masked at the two loggers every line goes through, not statement by statement: the Temporal
 * runtime's logger writes the SDK's own lines, every activity's failure (its error, cause and details) and every
 * workflow's `log` calls (with the workflow id: a card's renewal workflow is named by the card's number); the Nest
 * logger the worker's services' lines. Trial: the K07 failure log printed an APEC card number.
 */
export function maskedLogEntry(entry: LogEntry): LogEntry {
  return { ...entry, message: maskForLog(entry.message), ...(entry.meta !== undefined ? { meta: maskForLog(entry.meta) } : {}) };
}

/** One entry as the SDK's DefaultLogger writes it: time, level, message and its attributes, one line on stderr. */
export function writeLogEntry(entry: LogEntry): void {
  const date = new Date(Number(entry.timestampNanos / 1_000_000n));
  process.stderr.write(`${format(date)} [${entry.level}] ${entry.message}${entry.meta === undefined ? '' : ` ${format(entry.meta)}`}\n`);
}

/** The Temporal runtime's logger: DefaultLogger at `level`, each entry masked (maskedLogEntry) before `write`. */
export function maskingRuntimeLogger(level: LogLevel, write: (entry: LogEntry) => void = writeLogEntry): DefaultLogger {
  return new DefaultLogger(level, (entry) => write(maskedLogEntry(entry)));
}

/** Nest's console logger, its messages and error stacks masked. */
export class MaskingConsoleLogger extends ConsoleLogger {
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: NestLogLevel,
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
    params?: Record<string, unknown>,
  ): void {
    super.printMessages(maskForLog(messages), context, logLevel, writeStreamType, maskForLog(errorStack), params);
  }

  protected override printStackTrace(stack: string): void {
    super.printStackTrace(maskForLog(stack));
  }
}
