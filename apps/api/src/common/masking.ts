/**
 * Masking of personal data: the domain's (libs/domain/src/masking.ts, from the one classification in
 * libs/domain/src/personal-data.ts), which the worker's logs use too. Every API response goes through `maskForViewer`
 * (the global MaskingInterceptor); every log line through `maskForLog` (JsonLogger).
 */
export {
  maskAllPersonalData,
  maskFor,
  maskForLog,
  maskForViewer,
  maskFreeText,
  maskPassportNumber,
  maskPassports,
  PASSPORT_VIEWER_ROLES,
  type Viewer,
} from '@df/domain';
