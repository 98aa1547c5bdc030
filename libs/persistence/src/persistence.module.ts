import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from './data-source';
import { EventStore } from './event-store.service';
import { IncidentsRepository } from './incidents/incidents.repository';

@Module({})
export class PersistenceModule {
  static forRoot(databaseUrl: string): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions(databaseUrl), retryAttempts: 3, retryDelay: 1000 })],
      providers: [EventStore, IncidentsRepository],
      exports: [EventStore, IncidentsRepository, TypeOrmModule],
    };
  }
}
