export * from './activities';
export * from './temporal';
export * from './delegation';
export * from './step-actions';
export * from './reports';
export * from './events';
export * from './apec';
