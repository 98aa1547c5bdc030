// Public entry of the domain lib: pure, deterministic, safe inside Temporal's workflow sandbox.
export * from './roles';
export * from './access';
export * from './dates';
export * from './day-rules';
export * from './countries';
export * from './facts';
export * from './personal-data';
export * from './definition';
export * from './rules';
export * from './instances';
export * from './calendar';
export * from './statutory-holidays';
export * from './planner';
export * from './fixtures';
export * from './registries';
export * from './text-rule';
export * from './attachments';
