import { DynamicModule, Module } from '@nestjs/common';
import { PersistenceModule } from '@df/persistence';
import { CaseEventActivitiesService } from './activities/case-events.activities';
import { ChainActivitiesService } from './activities/chain.activities';
import { ProgressSnapshotWriter } from './progress-snapshots';
import { ReconcilerService } from './reconciler.service';
import { TemporalWorkerService } from './temporal-worker.service';
import { WORKER_OPTIONS, WorkerModuleOptions } from './worker.options';

/** The worker process: a Nest application context whose providers are the Temporal activities. */
@Module({})
export class WorkerModule {
  static forRoot(options: WorkerModuleOptions): DynamicModule {
    return {
      module: WorkerModule,
      imports: [PersistenceModule.forRoot(options.config.databaseUrl)],
      providers: [
        { provide: WORKER_OPTIONS, useValue: options },
        CaseEventActivitiesService,
        ChainActivitiesService,
        ProgressSnapshotWriter,
        TemporalWorkerService,
        ReconcilerService,
      ],
      exports: [TemporalWorkerService, ReconcilerService],
    };
  }
}
