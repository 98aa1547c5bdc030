export * from './data-source';
export * from './entities/case-event.entity';
export * from './event-store.service';
export * from './persistence.module';
export * from './entities/read-models.entity';
export * from './projection';
export * from './entities/api.entity';
export * from './rebuild';
