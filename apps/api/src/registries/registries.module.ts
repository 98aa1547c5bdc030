import { Module } from '@nestjs/common';
import { RegistriesRepository, UsersRepository } from '@df/persistence';
import { RegistriesController } from './registries.controller';
import { RegistriesService } from './registries.service';

/** Registries (issue 14). Needs the global PersistenceModule (DataSource); exports the service for the submission hook and the seed. */
@Module({
  controllers: [RegistriesController],
  providers: [RegistriesRepository, UsersRepository, RegistriesService],
  exports: [RegistriesService],
})
export class RegistriesModule {}
