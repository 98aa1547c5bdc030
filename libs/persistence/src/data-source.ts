import { Client, type ClientConfig } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { writeJsonLogLine } from '@df/runtime';
import { CaseEventEntity } from './entities/case-event.entity';
import {
  ApprovalDocumentEntity,
  CaseCountEntity,
  CaseEntity,
  CaseMemberEntity,
  CaseStepEntity,
  MemberTripEntity,
  NotificationEntity,
} from './entities/read-models.entity';
import { MIGRATIONS } from './migrations';
import { IdempotencyRecordEntity, UserEntity } from './entities/api.entity';
import { REGISTRY_ENTITIES } from './entities/registries.entity';
import { AuditEventEntity } from './entities/audit-event.entity';
import { CaseIncidentEntity } from './entities/incident.entity';
import { AttachmentEntity } from './entities/attachment.entity';
import { APEC_ENTITIES } from './entities/apec.entity';
import { LoginLimitEntity } from './entities/login-limit.entity';
import { CaseProgressEntity } from './entities/case-progress.entity';
import { WorkerHeartbeatEntity } from './entities/worker-heartbeat.entity';
import { MemberTripClaimEntity } from './entities/member-trip-claim.entity';
import { PassportNumberClaimEntity } from './entities/passport-number-claim.entity';
import { AnnualPlanClaimEntity } from './entities/annual-plan-claim.entity';

export const ENTITIES = [
  CaseEventEntity,
  CaseEntity,
  CaseCountEntity,
  CaseStepEntity,
  NotificationEntity,
  MemberTripEntity,
  CaseMemberEntity,
  MemberTripClaimEntity,
  PassportNumberClaimEntity,
  AnnualPlanClaimEntity,
  ApprovalDocumentEntity,
  UserEntity,
  IdempotencyRecordEntity,
  AuditEventEntity,
  CaseIncidentEntity,
  AttachmentEntity,
  LoginLimitEntity,
  CaseProgressEntity,
  WorkerHeartbeatEntity,
  ...REGISTRY_ENTITIES,
  ...APEC_ENTITIES,
];

/** One JSON line on stderr, the shape the services' loggers write (persistence has no Nest logger of its own). */
function warnConnectionLost(msg: string, err: unknown): void {
  writeJsonLogLine('persistence', 'warn', { msg, error: String(err) });
}

/**
 * A pg client that always has an `error` listener. pg-pool listens only to idle clients; a checked-out one
 * whose server connection ends (a restart, `pg_terminate_backend`, DROP DATABASE … FORCE: 57P01) between
 * queries emits `error` with no listener, which Node throws and the process dies. The query in flight already
 * fails with the error, and the pool discards the client on release (`_queryable` is false), so logging is all
 * that is left to do here.
 */
export class ObservedPgClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    // The server's FATAL message and then the socket's end both arrive as errors: one warning per connection.
    let warned = false;
    this.on('error', (err) => {
      if (!warned) warnConnectionLost('PostgreSQL connection lost', err);
      warned = true;
    });
  }
}

/** The pool's size and the name PostgreSQL shows for its sessions (`pg_stat_activity.application_name`). */
export interface PoolOptions {
  max: number;
  applicationName: string;
}

/** Never `synchronize`: the schema changes only through the committed migrations. */
export function dataSourceOptions(url: string, pool: PoolOptions = { max: 10, applicationName: 'delegation-flow' }): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    // `Client` is pg-pool's option: every pooled connection is an ObservedPgClient.
    extra: { max: pool.max, application_name: pool.applicationName, Client: ObservedPgClient },
    // An idle connection's failure reaches the pool through the client's `error` event, which ObservedPgClient has
    // already logged; TypeORM's default handler would log it again.
    poolErrorHandler: () => undefined,
  };
}

/** Applies pending migrations; returns their names. Safe to run from several processes (TypeORM locks). */
export async function runMigrations(url: string): Promise<string[]> {
  const ds = new DataSource({ ...dataSourceOptions(url), migrationsTransactionMode: 'each' });
  await ds.initialize();
  try {
    const applied = await ds.runMigrations();
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
