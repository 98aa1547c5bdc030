import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  AuditEventsRepository,
  BoardRepository,
  CaseEntity,
  CaseEventEntity,
  IdempotencyRecordEntity,
  InboxRepository,
  LoginLimitsRepository,
  PersistenceModule,
  RegistriesRepository,
  UserEntity,
  UsersRepository,
} from '@df/persistence';
import type { ServiceConfig } from '@df/runtime';
import { nestLogLevels } from '@df/runtime';
import { API_CONFIG } from './api.options';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { AuthService } from './auth/auth.service';
import { jwtKey, resolveJwtSecret } from './auth/jwt-secret';
import { LoginThrottleService } from './auth/login-throttle.service';
import { IdentityProbesService } from './delegations/identity-probes.service';
import { CaseScopeService } from './auth/case-scope.service';
import { CaseRows } from './common/case-rows';
import { CodecModule } from './codec/codec.module';
import { UsersService } from './auth/users.service';
import { ApecController } from './apec/apec.controller';
import { ApecService } from './apec/apec.service';
import { WhitelistController } from './apec/whitelist.controller';
import { WhitelistService } from './apec/whitelist.service';
import { ApiExceptionFilter } from './common/exception.filter';
import { MaskingInterceptor } from './common/masking.interceptor';
import { DashboardController } from './dashboard/dashboard.controller';
import { DashboardExportService } from './dashboard/dashboard-export.service';
import { DashboardService } from './dashboard/dashboard.service';
import { JsonLogger } from './common/json-logger';
import { DelegationsController } from './delegations/delegations.controller';
import { DelegationsService } from './delegations/delegations.service';
import { IdempotencyService } from './delegations/idempotency.service';
import { InboxService } from './delegations/inbox.service';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { RegistriesModule } from './registries/registries.module';
import { CalendarReplanService } from './registries/calendar-replan.service';
import { AnnualPlanRecheckService } from './registries/plan-recheck.service';
import { TemporalClientService } from './temporal/temporal-client.provider';
import { UsersController } from './users/users.controller';
import { UsersAdminService } from './users/users-admin.service';
import { WEB_CONTROLLERS, WEB_PROVIDERS } from './web';
import { ATTACHMENT_CONTROLLERS, ATTACHMENT_PROVIDERS } from './attachments';

@Module({})
export class ApiModule {
  static forRoot(config: ServiceConfig, logger: JsonLogger = new JsonLogger(nestLogLevels(config.logLevel))): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        PersistenceModule.forRoot(config.databaseUrl),
        TypeOrmModule.forFeature([UserEntity, IdempotencyRecordEntity, CaseEntity, CaseEventEntity]),
        RegistriesModule.forRoot(config),
        JwtModule.register({
          secret: jwtKey(resolveJwtSecret(config)), // a KeyObject: not re-parsed at every verification
          signOptions: { algorithm: 'HS256' },
          verifyOptions: { algorithms: ['HS256'] },
        }),
        CodecModule.forRoot(config, logger),
      ],
      controllers: [
        HealthController,
        AuthController,
        DelegationsController,
        DashboardController,
        MetricsController,
        UsersController,
        ...ATTACHMENT_CONTROLLERS,
        ApecController,
        WhitelistController,
        ...WEB_CONTROLLERS,
      ],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: JsonLogger, useValue: logger },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        { provide: APP_INTERCEPTOR, useClass: MaskingInterceptor },
        TemporalClientService,
        CalendarReplanService,
        AnnualPlanRecheckService,
        HealthService,
        UsersService,
        UsersRepository,
        RegistriesRepository,
        UsersAdminService,
        AuthService,
        LoginThrottleService,
        IdentityProbesService,
        CaseScopeService,
        CaseRows,
        AuditEventsRepository,
        LoginLimitsRepository,
        IdempotencyService,
        DelegationsService,
        InboxRepository,
        InboxService,
        BoardRepository,
        DashboardService,
        DashboardExportService,
        ApecService,
        WhitelistService,
        MetricsService,
        ...ATTACHMENT_PROVIDERS,
        ...WEB_PROVIDERS,
      ],
      exports: [UsersService],
    };
  }
}
