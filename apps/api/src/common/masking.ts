/** Roles that see passport numbers in full; everyone else (and every log line) sees them masked. */
export const PASSPORT_VIEWER_ROLES: readonly string[] = ['passport-officer', 'visa-officer'];

/** SE1234567 -> SE****567: first two and last three characters kept. */
export function maskPassportNumber(value: string): string {
  if (value.length <= 5) return '*'.repeat(value.length);
  return `${value.slice(0, 2)}${'*'.repeat(value.length - 5)}${value.slice(-3)}`;
}

/**
 * A deep copy with every passport number masked: `passport.number` wherever a passport object appears
 * (facts, amendments, event payloads) and any `passportNumber` field.
 */
export function maskPassports<T>(value: T): T {
  return mask(value, false) as T;
}

function mask(value: unknown, inPassport: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => mask(v, false));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string' && ((inPassport && k === 'number') || k === 'passportNumber')) out[k] = maskPassportNumber(v);
    else out[k] = mask(v, k === 'passport');
  }
  return out;
}

/** Masked unless the viewer's role may see passport numbers. */
export function maskFor<T>(role: string, value: T): T {
  return PASSPORT_VIEWER_ROLES.includes(role) ? value : maskPassports(value);
}
