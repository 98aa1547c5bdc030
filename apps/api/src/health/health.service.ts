import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TemporalClientService } from '../temporal/temporal-client.provider';

export type CheckStatus = 'up' | 'down';

export interface HealthReport {
  status: 'ok' | 'error';
  checks: {
    database: { status: CheckStatus; error?: string };
    temporal: { status: CheckStatus; error?: string };
  };
}

const TIMEOUT_MS = 2000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly temporal: TemporalClientService,
  ) {}

  async check(): Promise<HealthReport> {
    const [database, temporal] = await Promise.all([
      this.probe(() => withTimeout(this.dataSource.query('SELECT 1'), 'PostgreSQL')),
      this.probe(() => withTimeout(this.temporal.ping(TIMEOUT_MS), 'Temporal')),
    ]);
    return { status: database.status === 'up' && temporal.status === 'up' ? 'ok' : 'error', checks: { database, temporal } };
  }

  private async probe(run: () => Promise<unknown>): Promise<{ status: CheckStatus; error?: string }> {
    try {
      await run();
      return { status: 'up' };
    } catch (err) {
      return { status: 'down', error: err instanceof Error ? err.message : String(err) };
    }
  }
}
