import { DynamicModule, Module } from '@nestjs/common';
import { PersistenceModule } from '@df/persistence';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from './api.options';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { TemporalClientService } from './temporal/temporal-client.provider';

@Module({})
export class ApiModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [PersistenceModule.forRoot(config.databaseUrl)],
      controllers: [HealthController],
      providers: [{ provide: API_CONFIG, useValue: config }, TemporalClientService, HealthService],
    };
  }
}
