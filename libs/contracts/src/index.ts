export * from './activities';
export * from './temporal';
export * from './delegation';
export * from './step-actions';
export * from './reports';
export * from './events';
export * from './apec';
// The enums' label tables with no runtime imports (the web app reads them too); the rest are re-exported by delegation.ts.
export { CASE_EVENT_LABELS, DEFICIENCY_STATUSES, DEFICIENCY_STATUS_LABELS, type DeficiencyStatus } from './labels';
