export * from './bootstrap';
export * from './reconciler.service';
export * from './temporal-worker.service';
export * from './worker.module';
export * from './worker.options';
export * from './workflow-source';
