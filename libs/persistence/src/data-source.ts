import { DataSource, DataSourceOptions } from 'typeorm';
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

export const ENTITIES = [
  CaseEventEntity,
  CaseEntity,
  CaseCountEntity,
  CaseStepEntity,
  NotificationEntity,
  MemberTripEntity,
  CaseMemberEntity,
  MemberTripClaimEntity,
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

/** Never `synchronize`: the schema changes only through the committed migrations. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    extra: { max: 10, application_name: 'delegation-flow' },
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
