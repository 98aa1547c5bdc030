export * from './behaviour';
export * from './types';
export * from './default-definition';
export * from './validate';
export * from './overrides';
export * from './apec-card';
export * from './apec-whitelist';
export * from './step-data';
