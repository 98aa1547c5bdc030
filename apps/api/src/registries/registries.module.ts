import { Module, type DynamicModule } from '@nestjs/common';
import { RegistriesRepository, UsersRepository } from '@df/persistence';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import { RegistriesController } from './registries.controller';
import { RegistriesService } from './registries.service';

/**
 * Registries (issue 14). Needs the global PersistenceModule (DataSource); exports the service for the submission hook
 * and the seed. `config`: the API's, for the office's own units (OFFICE_UNITS).
 */
@Module({})
export class RegistriesModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: RegistriesModule,
      controllers: [RegistriesController],
      providers: [{ provide: API_CONFIG, useValue: config }, RegistriesRepository, UsersRepository, RegistriesService],
      exports: [RegistriesService],
    };
  }
}
