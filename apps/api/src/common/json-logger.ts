import type { LogLevel } from '@nestjs/common';
import { JsonLogger as ServiceJsonLogger } from '@df/runtime';
import { currentRequestId } from './request-context';

/**
 * The API's structured logs (JsonLogger of libs/runtime, service `api`): one JSON object per line, time, level,
 * context, message, the request id of the request being served (if any) and extra fields, personal data masked in
 * everything logged (maskForLog: every class, and the shapes personal in a log line, an APEC card number among them).
 */
export class JsonLogger extends ServiceJsonLogger {
  constructor(levels: LogLevel[] = ['log', 'warn', 'error', 'fatal']) {
    super('api', levels, () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    });
  }
}
