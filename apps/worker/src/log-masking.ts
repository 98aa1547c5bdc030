import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';
import { maskForLog } from '@df/domain';
import { writeJsonLogLine, type JsonLogLevel } from '@df/runtime';

/**
 * The worker's log lines carry no personal data in clear (libs/domain/src/masking.ts maskForLog, the rule of the API's
 * JsonLogger too), masked at the two loggers every line goes through, not statement by statement: the Temporal
 * runtime's logger writes the SDK's own lines, every activity's failure (its error, cause and details) and every
 * workflow's `log` calls (with the workflow id: a card's renewal workflow is named by the card's number); the Nest
 * logger (JsonLogger of libs/runtime, service `worker`) the worker's services' lines. Trial: the K07 failure log printed
 * an APEC card number.
 */
export function maskedLogEntry(entry: LogEntry): LogEntry {
  return { ...entry, message: maskForLog(entry.message), ...(entry.meta !== undefined ? { meta: maskForLog(entry.meta) } : {}) };
}

const SDK_LEVELS: Record<LogLevel, JsonLogLevel> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };
const LINE_KEYS = new Set(['time', 'level', 'service', 'msg']);

/**
 * One SDK entry as a JSON line of the worker (writeJsonLogLine, the API's shape): the entry's time and level, its
 * message as `msg` and its attributes (workflowId, activityType, error, …) as fields; an attribute named like a
 * line's own key is dropped rather than overwrite it. Trial: the worker's lines were text beside the API's JSON.
 */
export function writeLogEntry(entry: LogEntry): void {
  const meta = Object.entries(entry.meta ?? {}).filter(([k]) => !LINE_KEYS.has(k));
  writeJsonLogLine(
    'worker',
    SDK_LEVELS[entry.level],
    { msg: entry.message, ...Object.fromEntries(meta) },
    new Date(Number(entry.timestampNanos / 1_000_000n)),
  );
}

/** The Temporal runtime's logger: DefaultLogger at `level`, each entry masked (maskedLogEntry) before `write`. */
export function maskingRuntimeLogger(level: LogLevel, write: (entry: LogEntry) => void = writeLogEntry): DefaultLogger {
  return new DefaultLogger(level, (entry) => write(maskedLogEntry(entry)));
}
