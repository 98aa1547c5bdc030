// The worker's workflow bundle entry: every workflow type the `delegations` task queue serves.
export * from './delegation.workflow';
export * from './apec-renewal.workflow';
