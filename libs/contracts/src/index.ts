export * from './activities';
export * from './temporal';
export * from './delegation';
